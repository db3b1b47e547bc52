// SPDX-License-Identifier: GPL-2.0
/*
 * Profiles: libconfig files that say which hooks should exist (fhook.cfg(5)).
 * Everything is validated before any hook is touched, and every problem is
 * reported as file:line, all of them rather than the first, so one edit
 * can fix them all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fhook-apply.h"

/* Print "prog: file:line: " and count an error; the caller ends the line. */
static void profile_mark(struct profile *p, const config_setting_t *s,
			 const char *kind)
{
	char where[512];

	profile_where(p, s, where, sizeof(where));
	fprintf(stderr, "%s: %s: %s", prog, where, kind);
	if (!*kind)
		p->errors++;
}

#define perr(p, s, fmt, ...) do {					\
		profile_mark(p, s, "");					\
		fprintf(stderr, fmt "\n", ##__VA_ARGS__);		\
	} while (0)

#define pwarn(p, s, fmt, ...) do {					\
		profile_mark(p, s, "warning: ");			\
		fprintf(stderr, fmt "\n", ##__VA_ARGS__);		\
	} while (0)

/*
 * "file:line", or "file" for the root.  libconfig names an included file
 * as the @include line spelt it, relative to the profile's directory.
 */
void profile_where(const struct profile *p, const config_setting_t *s,
		   char *buf, size_t size)
{
	const char *file = s ? config_setting_source_file(s) : NULL;
	unsigned int line = s ? config_setting_source_line(s) : 0;
	const char *dir = "";

	if (!file)
		file = profile_name(p);
	else if (p->incdir && strcmp(p->incdir, ".") && file[0] != '/')
		dir = p->incdir;
	if (line)
		snprintf(buf, size, "%s%s%s:%u", dir, *dir ? "/" : "", file, line);
	else
		snprintf(buf, size, "%s%s%s", dir, *dir ? "/" : "", file);
}

typedef int (*rule_fn)(const char *word, char *err, size_t len);

/*
 * The strings of @s: @s itself when it is a string and @scalar_ok, or
 * the elements of a list or array.  Each string may hold several words,
 * as a write to the module may.  A word is checked with @rule when
 * @known is NULL, else it must be one of @known ("flag" or "action" @what).
 */
static void list_words(struct profile *p, const config_setting_t *s,
		       bool scalar_ok, rule_fn rule, const struct strv *known,
		       const char *what, struct strv *out)
{
	const char *key = config_setting_name(s);
	char err[RULE_ERR_MAX];
	const config_setting_t *e;
	struct strv words = { 0 };
	unsigned int i, n = 1;
	bool list;
	size_t w;

	list = config_setting_is_array(s) || config_setting_is_list(s);
	if (!list && !(scalar_ok && config_setting_type(s) == CONFIG_TYPE_STRING)) {
		perr(p, s, "'%s' must be %sa list of strings", key,
		     scalar_ok ? "a string or " : "");
		return;
	}
	if (list)
		n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = list ? config_setting_get_elem(s, i) : s;
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			perr(p, e, "'%s' must be %sa list of strings", key,
			     scalar_ok ? "a string or " : "");
			continue;
		}
		strv_add_words(&words, config_setting_get_string(e));
		for (w = 0; w < words.n; w++) {
			if (!known && rule(words.v[w], err, sizeof(err)))
				perr(p, e, "%s: %s", key, err);
			else if (known && !strv_has(known, words.v[w]))
				perr(p, e, "%s: unknown %s '%s'", key, what,
				     words.v[w]);
			else
				strv_add(out, words.v[w]);
		}
		strv_free(&words);
	}
}

/* A glob list in the module's canonical form, within its limits. */
static void parse_globs(struct profile *p, const config_setting_t *s,
			struct strv *globs)
{
	const char *key = config_setting_name(s);
	char *joined;

	list_words(p, s, false, rule_glob, NULL, NULL, globs);
	strv_sort_unique(globs);
	if (globs->n > FHOOK_GLOBS_MAX)
		perr(p, s, "%s: more than %d globs", key, FHOOK_GLOBS_MAX);
	joined = strv_join(globs, " ");
	/* the module counts the newline that ends the write */
	if (strlen(joined) + 1 > FHOOK_INPUT_MAX)
		perr(p, s, "%s: value longer than %d bytes", key,
		     FHOOK_INPUT_MAX);
	free(joined);
}

static void parse_filter(struct profile *p, struct phook *h,
			 const config_setting_t *s)
{
	unsigned int errors = p->errors;
	size_t i;

	parse_globs(p, s, &h->cfg.filter);
	for (i = 0; i < h->cfg.filter.n; i++)
		if (h->cfg.filter.v[i][0] != '!')
			return;
	if (h->cfg.filter.n)
		perr(p, s, "filter has only exclusions; add a glob to include");
	else if (errors == p->errors)
		perr(p, s, "filter is empty; use [ \"*\" ] to hook every function");
}

static void parse_notrace(struct profile *p, struct phook *h,
			  const config_setting_t *s)
{
	parse_globs(p, s, &h->cfg.notrace);
}

static void parse_flags(struct profile *p, struct phook *h,
			const config_setting_t *s)
{
	list_words(p, s, false, NULL, &p->feat->flags, "flag",
		   &h->cfg.flags);
	words_canonical(&p->feat->flags, &h->cfg.flags);
}

static void parse_action(struct profile *p, struct phook *h,
			 const config_setting_t *s)
{
	unsigned int errors = p->errors;

	strv_free(&h->cfg.action);
	list_words(p, s, true, NULL, &p->feat->actions, "action",
		   &h->cfg.action);
	words_canonical(&p->feat->actions, &h->cfg.action);
	if (!h->cfg.action.n && errors == p->errors)
		perr(p, s, "action: no action given");
}

/*
 * An integer setting: false after reporting one that is not.  The
 * caller checks the range, with the module's words for it.
 */
static bool get_integer(struct profile *p, const config_setting_t *s,
			long long *val)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		perr(p, s, "'%s' must be an integer", config_setting_name(s));
		return false;
	}
	*val = config_setting_get_int64(s);
	return true;
}

static void parse_args(struct profile *p, struct phook *h,
		       const config_setting_t *s)
{
	unsigned long max = p->feat->limits.args;
	long long v;

	if (!get_integer(p, s, &v))
		return;
	if (v < 0)
		perr(p, s, "args: not a number");
	else if ((unsigned long long)v > max)
		perr(p, s, "args: at most %lu", max);
	else
		h->cfg.args = v;
}

/* An integer from 1 to @max ("stack_depth", "sample"). */
static void parse_count(struct profile *p, const config_setting_t *s,
			unsigned long max, unsigned long *out)
{
	long long v;

	if (!get_integer(p, s, &v))
		return;
	if (v < 1 || (unsigned long long)v > max)
		perr(p, s, "%s: must be 1 to %lu", config_setting_name(s), max);
	else
		*out = v;
}

static void parse_stack_depth(struct profile *p, struct phook *h,
			      const config_setting_t *s)
{
	parse_count(p, s, p->feat->limits.stack_depth, &h->cfg.stack_depth);
}

static void parse_target(struct profile *p, struct phook *h,
			 const config_setting_t *s)
{
	char err[RULE_ERR_MAX];
	const char *target;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		perr(p, s, "'target' must be a string");
		return;
	}
	target = config_setting_get_string(s);
	if (rule_target(target, err, sizeof(err)))
		perr(p, s, "target: %s", err);
	else
		snprintf(h->cfg.target, sizeof(h->cfg.target), "%s", target);
}

/* Predicate @s is set: the module must list it in its features. */
static void check_predicate(struct profile *p, const config_setting_t *s)
{
	const char *key = config_setting_name(s);

	if (!strv_has(&p->feat->predicates, key))
		perr(p, s, "%s: not supported by this fhook (no '%s' in its features)",
		     key, key);
}

static void parse_pids(struct profile *p, struct phook *h,
		       const config_setting_t *s)
{
	unsigned long max = p->feat->limits.pids;
	char err[RULE_ERR_MAX], word[24];
	const config_setting_t *e;
	unsigned int i, n = 1;
	bool list;

	list = config_setting_is_array(s) || config_setting_is_list(s);
	if (list)
		n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = list ? config_setting_get_elem(s, i) : s;
		if (config_setting_type(e) != CONFIG_TYPE_INT &&
		    config_setting_type(e) != CONFIG_TYPE_INT64) {
			perr(p, e, "'pids' must be an integer or a list of integers");
			continue;
		}
		snprintf(word, sizeof(word), "%lld", config_setting_get_int64(e));
		if (rule_pid(word, err, sizeof(err)))
			perr(p, e, "pids: %s", err);
		else
			strv_add(&h->cfg.pids, word);
	}
	pids_canonical(&h->cfg.pids);
	if (h->cfg.pids.n > max)
		perr(p, s, "pids: more than %lu pids", max);
	if (h->cfg.pids.n)
		check_predicate(p, s);
}

static void parse_comm(struct profile *p, struct phook *h,
		       const config_setting_t *s)
{
	unsigned long max = p->feat->limits.comm;

	list_words(p, s, true, rule_comm, NULL, NULL, &h->cfg.comm);
	strv_sort_unique(&h->cfg.comm);
	if (h->cfg.comm.n > max)
		perr(p, s, "comm: more than %lu globs", max);
	if (h->cfg.comm.n)
		check_predicate(p, s);
}

static void parse_sample(struct profile *p, struct phook *h,
			 const config_setting_t *s)
{
	parse_count(p, s, p->feat->limits.sample, &h->cfg.sample);
	if (h->cfg.sample != FHOOK_SAMPLE_DEFAULT)
		check_predicate(p, s);
}

static bool parse_bool(struct profile *p, const config_setting_t *s)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		perr(p, s, "'%s' must be true or false", config_setting_name(s));
		return false;
	}
	return config_setting_get_bool(s);
}

static void parse_enabled(struct profile *p, struct phook *h,
			  const config_setting_t *s)
{
	h->enabled = parse_bool(p, s);
}

static void parse_optional(struct profile *p, struct phook *h,
			   const config_setting_t *s)
{
	h->optional = parse_bool(p, s);
}

static const struct hook_key {
	const char *name;
	void (*parse)(struct profile *p, struct phook *h,
		      const config_setting_t *s);
} hook_keys[] = {
	{ "filter",	parse_filter },
	{ "notrace",	parse_notrace },
	{ "flags",	parse_flags },
	{ "action",	parse_action },
	{ "args",	parse_args },
	{ "stack_depth", parse_stack_depth },
	{ "target",	parse_target },
	{ "pids",	parse_pids },
	{ "comm",	parse_comm },
	{ "sample",	parse_sample },
	{ "enabled",	parse_enabled },
	{ "optional",	parse_optional },
};

/* Where to report a rule about @key: its setting, else the hook's. */
static const config_setting_t *member(const struct phook *h, const char *key)
{
	const config_setting_t *m = config_setting_get_member(h->set, key);

	return m ? m : h->set;
}

static bool needs_save_regs(const struct profile *p, const struct phook *h,
			    const char *what)
{
	return strv_has(&p->feat->needs_save_regs, what) &&
	       !strv_has(&h->cfg.flags, "SAVE_REGS");
}

/*
 * The module's commit rules that need no kernel, with its words, so that
 * a profile it would refuse fails before anything is written.
 */
static void check_commit_rules(struct profile *p, const struct phook *h)
{
	const struct hook_cfg *c = &h->cfg;
	bool redirect = strv_has(&c->action, "redirect");

	if (!redirect && strv_has(&c->flags, "IPMODIFY"))
		perr(p, member(h, "flags"),
		     "IPMODIFY needs an action that modifies the IP");
	if (redirect && !strv_has(&c->flags, "IPMODIFY"))
		perr(p, member(h, "action"),
		     "action 'redirect' needs flag IPMODIFY");
	if (redirect && needs_save_regs(p, h, "redirect"))
		perr(p, member(h, "action"),
		     "action 'redirect' needs flag SAVE_REGS on this kernel");
	if (redirect && !*c->target)
		perr(p, member(h, "action"), "redirect needs a target");
	if (!redirect && *c->target)
		perr(p, member(h, "target"),
		     "target is set but action has no redirect");
	if (c->args && !strv_has(&c->action, "log") &&
	    !strv_has(&c->action, "stack"))
		perr(p, member(h, "args"), "args needs action log or stack");
	if (c->args && needs_save_regs(p, h, "args"))
		perr(p, member(h, "args"),
		     "args needs flag SAVE_REGS on this kernel");
}

static void parse_hook(struct profile *p, struct phook *h,
		       const config_setting_t *s)
{
	unsigned int errors = p->errors;
	char err[RULE_ERR_MAX];
	const config_setting_t *m;
	unsigned int i, k;

	h->name = config_setting_name(s);
	h->set = s;
	h->enabled = true;
	hook_cfg_init(&h->cfg);
	strv_add(&h->cfg.action, "count");
	if (rule_name(h->name, err, sizeof(err)))
		perr(p, s, "%s", err);
	if (!config_setting_is_group(s)) {
		perr(p, s, "hook '%s' must be a group: %s = { filter = [ ... ]; };",
		     h->name, h->name);
		return;
	}
	for (i = 0; i < (unsigned int)config_setting_length(s); i++) {
		m = config_setting_get_elem(s, i);
		for (k = 0; k < ARRAY_SIZE(hook_keys); k++)
			if (!strcmp(config_setting_name(m), hook_keys[k].name))
				break;
		if (k == ARRAY_SIZE(hook_keys))
			perr(p, m, "unknown key '%s'", config_setting_name(m));
		else
			hook_keys[k].parse(p, h, m);
	}
	if (!config_setting_get_member(s, "filter"))
		perr(p, s, "hook '%s' has no filter; use [ \"*\" ] to hook every function",
		     h->name);
	/* a key in error would make the rules say more of the same */
	if (errors == p->errors)
		check_commit_rules(p, h);
}

static void parse_hooks(struct profile *p, const config_setting_t *s)
{
	unsigned int i;

	if (!config_setting_is_group(s)) {
		perr(p, s, "'hooks' must be a group: hooks = { NAME = { ... }; };");
		return;
	}
	p->n = config_setting_length(s);
	p->hooks = xcalloc(p->n, sizeof(*p->hooks));
	for (i = 0; i < p->n; i++)
		parse_hook(p, &p->hooks[i], config_setting_get_elem(s, i));
}

static void parse_version(struct profile *p, const config_setting_t *s)
{
	long long v;

	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		perr(p, s, "'version' must be 1");
		return;
	}
	v = config_setting_get_int64(s);
	if (v != 1)
		perr(p, s, "version %lld is not supported (this fhook-apply reads version 1)",
		     v);
}

static void parse_tag(struct profile *p, const config_setting_t *s)
{
	char err[RULE_ERR_MAX];

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		perr(p, s, "'tag' must be a string");
		return;
	}
	p->tag = config_setting_get_string(s);
	if (rule_tag(p->tag, err, sizeof(err)))
		perr(p, s, "tag: %s", err);
}

static void parse_root(struct profile *p)
{
	const config_setting_t *root = config_root_setting(&p->lc), *s;
	unsigned int i;

	for (i = 0; i < (unsigned int)config_setting_length(root); i++) {
		s = config_setting_get_elem(root, i);
		if (!strcmp(config_setting_name(s), "version"))
			parse_version(p, s);
		else if (!strcmp(config_setting_name(s), "hooks"))
			parse_hooks(p, s);
		else if (!strcmp(config_setting_name(s), "tag"))
			parse_tag(p, s);
		else
			perr(p, s, "unknown key '%s'", config_setting_name(s));
	}
	if (!config_setting_get_member(root, "version"))
		perr(p, NULL, "no version; the profile must start with 'version = 1;'");
}

/* libconfig's parse error, with where it found it. */
static void read_error(struct profile *p)
{
	config_setting_t where = { 0 };

	where.file = config_error_file(&p->lc);
	where.line = config_error_line(&p->lc);
	perr(p, &where, "%s", config_error_text(&p->lc));
}

/*
 * Parse @in with the profile's directory as the current one, so that an
 * @include is relative to the profile, and an absolute one works too
 * (libconfig's include_dir would be prepended to both).
 */
static int read_in_dir(struct profile *p, FILE *in)
{
	char *copy = xstrdup(p->path);
	int here, ok, err;

	p->incdir = xstrdup(dirname(copy));
	free(copy);
	here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (here < 0 || chdir(p->incdir)) {
		err = errno;
		perr(p, NULL, "%s: %s", p->incdir, strerror(err));
		if (here >= 0)
			close(here);
		return 0;
	}
	ok = config_read(&p->lc, in);
	if (fchdir(here)) {
		err = errno;
		perr(p, NULL, "cannot return to the current directory: %s",
		     strerror(err));
	}
	close(here);
	return ok;
}

/* 0, or the number of errors (all of them printed). */
int profile_load(struct profile *p, const char *path, const struct features *f)
{
	FILE *in = stdin;
	int ok, err;

	memset(p, 0, sizeof(*p));
	p->path = path;
	p->feat = f;
	p->tag = FHOOK_TAG;
	config_init(&p->lc);
	if (!strcmp(path, "-")) {
		ok = config_read(&p->lc, stdin);
	} else {
		in = fopen(path, "re");
		if (!in) {
			err = errno;
			perr(p, NULL, "%s", strerror(err));
			return p->errors;
		}
		ok = read_in_dir(p, in);
		fclose(in);
	}
	if (!ok && !p->errors)
		read_error(p);
	else if (ok)
		parse_root(p);
	return p->errors;
}

/* The profile's name in messages. */
const char *profile_name(const struct profile *p)
{
	return strcmp(p->path, "-") ? p->path : "<stdin>";
}

const struct phook *profile_find(const struct profile *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->hooks[i].name, name))
			return &p->hooks[i];
	return NULL;
}

static void report_missing(struct profile *p, struct phook *h,
			   const config_setting_t *e, const char *key,
			   const char *glob, bool strict)
{
	if (h->optional) {
		pwarn(p, e,
		      "optional hook '%s' skipped: %s glob '%s' matches no traceable function",
		      h->name, key, glob);
		h->skip = true;
	} else if (strict) {
		perr(p, e, "hook '%s': %s glob '%s' matches no traceable function",
		     h->name, key, glob);
	}
}

/*
 * Check the globs of list @key of @h against this kernel.  An optional
 * hook is skipped at its first missing glob; otherwise, with @strict,
 * every missing glob is an error.
 */
static void check_list(struct profile *p, struct phook *h, const char *key,
		       const struct symbols *sym, bool strict)
{
	const config_setting_t *s = config_setting_get_member(h->set, key), *e;
	struct strv words = { 0 };
	int i, n;
	size_t w;

	n = s ? config_setting_length(s) : 0;
	for (i = 0; i < n && !h->skip; i++) {
		e = config_setting_get_elem(s, i);
		strv_add_words(&words, config_setting_get_string(e));
		for (w = 0; w < words.n && !h->skip; w++)
			if (!symbols_match(sym, words.v[w]))
				report_missing(p, h, e, key, words.v[w], strict);
		strv_free(&words);
	}
}

/*
 * Optional hooks whose globs match nothing here are skipped with a
 * warning.  With @strict (--check-symbols), the other hooks' missing
 * globs are errors; otherwise the module's commit is the judge.
 */
int profile_check_symbols(struct profile *p, const struct symbols *sym,
			  bool strict)
{
	struct phook *h;
	unsigned int errors;
	long n;
	size_t i;

	for (i = 0; i < p->n; i++) {
		h = &p->hooks[i];
		if (!h->optional && !strict)
			continue;
		errors = p->errors;
		check_list(p, h, "filter", sym, strict);
		check_list(p, h, "notrace", sym, strict);
		if (!strict || h->skip || errors != p->errors ||
		    !strv_has(&h->cfg.action, "redirect"))
			continue;
		n = symbols_count(sym, &h->cfg);
		if (n >= 0 && n != 1)
			perr(p, member(h, "filter"),
			     "hook '%s': redirect needs exactly one function; the filter matches %ld",
			     h->name, n);
	}
	return p->errors;
}

void profile_free(struct profile *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		hook_cfg_free(&p->hooks[i].cfg);
	free(p->hooks);
	free(p->incdir);
	config_destroy(&p->lc);
}
