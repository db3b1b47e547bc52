// SPDX-License-Identifier: GPL-2.0
/*
 * Profiles: libconfig files that say which hooks should exist (fhook.cfg(5)).
 * Everything is validated before any hook is touched, and every problem is
 * reported as file:line, all of them rather than the first, so one edit
 * can fix them all.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fhook-apply.h"

/* Deeper @include nesting fails in libconfig with no file named. */
#define INCLUDE_DEPTH	10

/*
 * An included file as @include spelt it, for messages and to open: it is
 * relative to the profile's directory (libconfig reads it from there).
 */
static char *include_path(const struct profile *p, const char *spelt)
{
	char *path;

	if (spelt[0] == '/' || !p->incdir || !strcmp(p->incdir, "."))
		return xstrdup(spelt);
	xasprintf(&path, "%s/%s", p->incdir, spelt);
	return path;
}

/*
 * Keep an error (or a warning) at line @line of @file, the profile when
 * NULL, else an included file as libconfig names it.  They are printed
 * when the profile is read, as text, and with --json as data too.
 */
static void pdiag(struct profile *p, bool warning, const char *file,
		  unsigned int line, const char *fmt, va_list ap)
{
	char *path = file ? include_path(p, file) : xstrdup(profile_name(p));
	char *msg;

	xcheck(vasprintf(&msg, fmt, ap));
	diags_add(&p->diags, warning, path, line, "%s", msg);
	if (!warning)
		p->errors++;
	free(msg);
	free(path);
}

static void __printf(4, 5)
perr_at(struct profile *p, const char *file, unsigned int line,
	const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pdiag(p, false, file, line, fmt, ap);
	va_end(ap);
}

/*
 * At setting @s, or the profile as a whole when NULL; also for the
 * checks of other files (list.c).
 */
void profile_diag(struct profile *p, bool warning, const config_setting_t *s,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pdiag(p, warning, s ? config_setting_source_file(s) : NULL,
	      s ? config_setting_source_line(s) : 0, fmt, ap);
	va_end(ap);
}

/*
 * An error of the run, not of the profile, at setting @s: the profile is
 * valid, but it cannot be applied here.  Kept with errmsg()'s.
 */
void profile_errmsg(const struct profile *p, const config_setting_t *s,
		    const char *fmt, ...)
{
	const char *file = config_setting_source_file(s);
	char *path = file ? include_path(p, file) : xstrdup(profile_name(p));
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	xcheck(vasprintf(&msg, fmt, ap));
	va_end(ap);
	diags_add(&run_diags, false, path, config_setting_source_line(s), "%s",
		  msg);
	diags_print(stderr, &run_diags, run_diags.n - 1);
	free(msg);
	free(path);
}

#define perr(p, s, fmt, ...)	profile_diag(p, false, s, fmt, ##__VA_ARGS__)
#define pwarn(p, s, fmt, ...)	profile_diag(p, true, s, fmt, ##__VA_ARGS__)

/* " (did you mean 'x'?)" when @word is close to one of @known, or "". */
static const char *hint(char *buf, size_t size, const char *word,
			const struct strv *known)
{
	const char *s = suggest(word, known);

	if (!s)
		return "";
	snprintf(buf, size, " (did you mean '%s'?)", s);
	return buf;
}

/* "file:line", or "file" for the root. */
void profile_where(const struct profile *p, const config_setting_t *s,
		   char *buf, size_t size)
{
	const char *file = s ? config_setting_source_file(s) : NULL;
	unsigned int line = s ? config_setting_source_line(s) : 0;
	char *path = file ? include_path(p, file) : xstrdup(profile_name(p));

	if (line)
		snprintf(buf, size, "%s:%u", path, line);
	else
		snprintf(buf, size, "%s", path);
	free(path);
}

/* Limit @a->limit of the module: most entries of a list, largest value. */
static unsigned long limit_of(const struct profile *p,
			      const struct hook_attr *a)
{
	return *(const unsigned long *)((const char *)&p->feat->limits +
					a->limit);
}

static bool has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

/*
 * A valid word of filter or notrace, as the module will read it back.
 * An address is kallsyms's for this boot: the next boot moves the
 * kernel (KASLR) and modules load elsewhere, so such a profile is only
 * good until then, which its author should hear on every run.
 */
static void function_word(struct profile *p, const struct hook_attr *a,
			  const config_setting_t *e, const char *word,
			  struct strv *out)
{
	char *canon = token_canonical(word);

	if (token_is_address(canon))
		pwarn(p, e,
		      "%s: address %s is valid for this boot only: the next boot moves the kernel and its modules; use the function's name",
		      a->name, canon + (canon[0] == '!'));
	strv_add(out, canon);
	free(canon);
}

/*
 * One string of list @a: checked with @a->rule, or one of the features
 * words @a->known.  An entry is one word: the module would split one
 * with a space into unrelated ones.
 */
static void list_word(struct profile *p, const struct hook_attr *a,
		      const config_setting_t *e, struct strv *out)
{
	const struct strv *known = NULL;
	const char *word = config_setting_get_string(e);
	char err[RULE_ERR_MAX], buf[96];
	rule_fn rule = a->rule;

	if (a->kind == AK_WORDS)
		known = (const struct strv *)((const char *)p->feat + a->known);
	if (a->functions && strchr(word, '|'))
		rule = rule_alternatives;
	if (has_space(word))
		perr(p, e, "%s: '%s' contains whitespace; write one %s per list entry",
		     a->name, word, a->noun);
	else if (!*word)
		return;
	else if (!known && rule(&p->feat->limits, word, err, sizeof(err)))
		perr(p, e, "%s: %s", a->name, err);
	else if (known && !strv_has(known, word))
		perr(p, e, "%s: unknown %s '%s'%s", a->name, a->noun, word,
		     hint(buf, sizeof(buf), word, known));
	else if (a->functions)
		function_word(p, a, e, word, out);
	else
		strv_add(out, word);
}

/*
 * Setting @s of list @a: itself when it is a string and @a->scalar_ok,
 * else the strings of a list or array.
 */
static void list_words(struct profile *p, const struct hook_attr *a,
		       const config_setting_t *s, struct strv *out)
{
	const config_setting_t *e;
	unsigned int i, n = 1;
	bool list;

	list = config_setting_is_array(s) || config_setting_is_list(s);
	if (!list && !(a->scalar_ok &&
		       config_setting_type(s) == CONFIG_TYPE_STRING)) {
		perr(p, s, "'%s' must be %sa list of strings", a->name,
		     a->scalar_ok ? "a string or " : "");
		return;
	}
	if (list)
		n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = list ? config_setting_get_elem(s, i) : s;
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			perr(p, e, "'%s' must be %sa list of strings", a->name,
			     a->scalar_ok ? "a string or " : "");
		else
			list_word(p, a, e, out);
	}
}

/* "pids": integers, not strings. */
static void list_pids(struct profile *p, const struct hook_attr *a,
		      const config_setting_t *s, struct strv *out)
{
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
			perr(p, e, "'%s' must be an integer or a list of integers",
			     a->name);
			continue;
		}
		snprintf(word, sizeof(word), "%lld", config_setting_get_int64(e));
		if (a->rule(&p->feat->limits, word, err, sizeof(err)))
			perr(p, e, "%s: %s", a->name, err);
		else
			strv_add(out, word);
	}
}

/* A hook must hook something: "filter". */
static void check_include(struct profile *p, const struct hook_attr *a,
			  const config_setting_t *s, const struct strv *sv,
			  bool clean)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (sv->v[i][0] != '!')
			return;
	if (sv->n)
		perr(p, s, "%s has only exclusions; add a glob to include",
		     a->name);
	else if (clean)
		perr(p, s, "%s is empty; use [ \"*\" ] to hook every function",
		     a->name);
}

/*
 * The bytes of the write that sets @sv, without its newline: an entry
 * with alternatives counts as the longest of them.
 */
static size_t value_len(const struct hook_attr *a, const struct strv *sv)
{
	size_t len = sv->n ? sv->n - 1 : 0, i;

	for (i = 0; i < sv->n; i++)
		len += a->functions ? alternatives_len(sv->v[i]) :
				      strlen(sv->v[i]);
	return len;
}

/* A list in the module's canonical form, within its limits. */
static void parse_list(struct profile *p, struct phook *h,
		       const struct hook_attr *a, const config_setting_t *s)
{
	struct strv *sv = (struct strv *)((char *)&h->cfg + a->offset);
	unsigned int errors = p->errors;

	if (a->kind == AK_PIDS)
		list_pids(p, a, s, sv);
	else
		list_words(p, a, s, sv);
	hook_cfg_canonical(&h->cfg, p->feat);
	if (a->kind != AK_WORDS && sv->n > limit_of(p, a))
		perr(p, s, "%s: more than %lu %ss", a->name, limit_of(p, a),
		     a->noun);
	/* the module counts the newline that ends the write */
	if (value_len(a, sv) + 1 > p->feat->limits.input)
		perr(p, s, "%s: value longer than %lu bytes", a->name,
		     p->feat->limits.input);
	if (a->include)
		check_include(p, a, s, sv, errors == p->errors);
	else if (a->nonempty && !sv->n && errors == p->errors)
		perr(p, s, "%s: no %s given", a->name, a->noun);
}

/*
 * An integer from @a->min to the module's limit.  The messages are the
 * module's words for it.
 */
static void parse_uint(struct profile *p, struct phook *h,
		       const struct hook_attr *a, const config_setting_t *s)
{
	unsigned long *out = (unsigned long *)((char *)&h->cfg + a->offset);
	unsigned long max = limit_of(p, a);
	long long v;

	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		perr(p, s, "'%s' must be an integer", a->name);
		return;
	}
	v = config_setting_get_int64(s);
	if (!a->min && v < 0)
		perr(p, s, "%s: not a number", a->name);
	else if (!a->min && (unsigned long long)v > max)
		perr(p, s, "%s: at most %lu", a->name, max);
	else if (a->min && (v < (long long)a->min ||
			    (unsigned long long)v > max))
		perr(p, s, "%s: must be %lu to %lu", a->name, a->min, max);
	else
		*out = v;
}

/* A string checked by @a->rule; "" means none, where the rule allows it. */
static const char *get_string(struct profile *p, const struct hook_attr *a,
			      const config_setting_t *s)
{
	char err[RULE_ERR_MAX];
	const char *str;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		perr(p, s, "'%s' must be a string", a->name);
		return NULL;
	}
	str = config_setting_get_string(s);
	if (a->rule(&p->feat->limits, str, err, sizeof(err))) {
		perr(p, s, "%s: %s", a->name, err);
		return NULL;
	}
	return str;
}

static void parse_name(struct profile *p, struct phook *h,
		       const struct hook_attr *a, const config_setting_t *s)
{
	char **out = (char **)((char *)&h->cfg + a->offset);
	const char *str = get_string(p, a, s);

	if (!str)
		return;
	free(*out);
	*out = xstrdup(str);
}

/*
 * A hook's own tag.  "" is the hook made by hand, with no owner: the
 * module's default, which --prune leaves alone.
 */
static void parse_hook_tag(struct profile *p, struct phook *h,
			   const struct hook_attr *a, const config_setting_t *s)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING &&
	    !*config_setting_get_string(s))
		h->tag = "";
	else
		h->tag = get_string(p, a, s);
}

/* Predicate @s is set: the module must list it in its features. */
static void check_predicate(struct profile *p, const config_setting_t *s)
{
	const char *key = config_setting_name(s);

	if (!strv_has(&p->feat->predicates, key))
		perr(p, s, "%s: not supported by this fhook (no '%s' in its features)",
		     key, key);
}

static bool parse_bool(struct profile *p, const config_setting_t *s)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		perr(p, s, "'%s' must be true or false", config_setting_name(s));
		return false;
	}
	return config_setting_get_bool(s);
}

/* Setting @s, the value of attribute @a of hook @h. */
static void parse_attr(struct profile *p, struct phook *h,
		       const struct hook_attr *a, const config_setting_t *s)
{
	if (attr_in_cfg(a))
		attr_clear(a, &h->cfg);
	switch (a->kind) {
	case AK_GLOBS:
	case AK_WORDS:
	case AK_PIDS:
		parse_list(p, h, a, s);
		break;
	case AK_UINT:
		parse_uint(p, h, a, s);
		break;
	case AK_ARGS:
		profile_parse_args(p, h, s);
		break;
	case AK_NAME:
		parse_name(p, h, a, s);
		break;
	case AK_BOOL:
		h->enabled = parse_bool(p, s);
		break;
	case AK_TAG:
		parse_hook_tag(p, h, a, s);
		break;
	}
	if (a->predicate && !attr_is_default(a, &h->cfg))
		check_predicate(p, s);
}

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
	if (args_named(c) && !strv_has(&c->action, "log"))
		perr(p, member(h, "args"), "named args need action log");
	else if (c->args.n && !strv_has(&c->action, "log") &&
		 !strv_has(&c->action, "stack"))
		perr(p, member(h, "args"), "args needs action log or stack");
	if (c->args.n && needs_save_regs(p, h, "args"))
		perr(p, member(h, "args"),
		     "args needs flag SAVE_REGS on this kernel");
}

/* What a hook may set: its attributes, and "optional". */
static void unknown_hook_key(struct profile *p, const config_setting_t *m)
{
	const char *key = config_setting_name(m);
	struct strv keys = { 0 };
	const struct hook_attr *a;
	char buf[96];

	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		strv_add(&keys, a->name);
	strv_add(&keys, "optional");
	perr(p, m, "unknown key '%s'%s", key, hint(buf, sizeof(buf), key, &keys));
	strv_free(&keys);
}

static void parse_hook(struct profile *p, struct phook *h,
		       const config_setting_t *s)
{
	unsigned int errors = p->errors;
	const struct hook_attr *a, *include = NULL;
	char err[RULE_ERR_MAX];
	const config_setting_t *m;
	const char *key;
	unsigned int i;

	h->name = config_setting_name(s);
	h->set = s;
	h->enabled = true;
	hook_cfg_mkdir(&h->cfg);
	if (rule_name(&p->feat->limits, h->name, err, sizeof(err)))
		perr(p, s, "%s", err);
	if (!config_setting_is_group(s)) {
		perr(p, s, "hook '%s' must be a group: %s = { filter = [ ... ]; };",
		     h->name, h->name);
		return;
	}
	for (i = 0; i < (unsigned int)config_setting_length(s); i++) {
		m = config_setting_get_elem(s, i);
		key = config_setting_name(m);
		a = attr_find(key);
		if (a)
			parse_attr(p, h, a, m);
		else if (!strcmp(key, "optional"))
			h->optional = parse_bool(p, m);
		else
			unknown_hook_key(p, m);
	}
	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		if (a->include)
			include = a;
	if (include && !config_setting_get_member(s, include->name))
		perr(p, s, "hook '%s' has no %s; use [ \"*\" ] to hook every function",
		     h->name, include->name);
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
	if (rule_tag(&p->feat->limits, p->tag, err, sizeof(err)))
		perr(p, s, "tag: %s", err);
}

static void unknown_top_key(struct profile *p, const config_setting_t *s)
{
	const char *key = config_setting_name(s);
	struct strv keys = { 0 };
	char buf[96];

	strv_add_words(&keys, "version tag hooks");
	perr(p, s, "unknown key '%s'%s", key, hint(buf, sizeof(buf), key, &keys));
	strv_free(&keys);
}

static void parse_root(struct profile *p)
{
	const config_setting_t *root = config_root_setting(&p->lc), *s;
	unsigned int i;

	/* libconfig reads nothing at all as a valid, empty configuration */
	if (!config_setting_length(root)) {
		perr(p, NULL, "empty profile: no hooks (it must start with 'version = 1;')");
		return;
	}
	for (i = 0; i < (unsigned int)config_setting_length(root); i++) {
		s = config_setting_get_elem(root, i);
		if (!strcmp(config_setting_name(s), "version"))
			parse_version(p, s);
		else if (!strcmp(config_setting_name(s), "hooks"))
			parse_hooks(p, s);
		else if (!strcmp(config_setting_name(s), "tag"))
			parse_tag(p, s);
		else
			unknown_top_key(p, s);
	}
	if (!config_setting_get_member(root, "version"))
		perr(p, NULL, "no version; the profile must start with 'version = 1;'");
	/* the top-level tag may come after the hooks */
	for (i = 0; i < p->n; i++)
		if (!p->hooks[i].tag)
			p->hooks[i].tag = p->tag;
}

/* A whole file: a profile is read before libconfig sees it. */
static int read_stream(FILE *in, char **out)
{
	size_t len = 0, cap = 4096, n;
	char *buf = xmalloc(cap);
	int err;

	while ((n = fread(buf + len, 1, cap - len - 1, in)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = xrealloc(buf, cap, 1);
		}
	}
	if (ferror(in)) {
		err = errno;
		free(buf);
		return -err;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/*
 * Open and read a profile or an included file.  libconfig's scanner
 * exits the program on a directory: reading one here fails with EISDIR
 * first.
 */
static int read_file(const char *path, char **text, struct stat *st)
{
	FILE *in = fopen(path, "re");
	int ret;

	if (!in)
		return -errno;
	ret = fstat(fileno(in), st) ? -errno : read_stream(in, text);
	fclose(in);
	return ret;
}

/* Line @line of @text, trimmed and bounded, in @buf; false if none. */
static bool line_of(const char *text, unsigned int line, char *buf,
		    size_t size)
{
	const char *s = text, *end;
	size_t len, i;

	for (; line > 1 && s; line--) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!s || !line)
		return false;
	s += strspn(s, " \t");
	end = strchrnul(s, '\n');
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	len = end - s;
	if (!len)
		return false;
	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len; i++)
		buf[i] = iscntrl((unsigned char)s[i]) ? '?' : s[i];
	buf[len] = '\0';
	if (len == size - 1 && len > 3)
		memcpy(buf + len - 3, "...", 3);
	return true;
}

/*
 * libconfig's parse error, with where it found it.  It gives no column:
 * the line's text shows what it stumbled on.
 */
static void read_error(struct profile *p, const char *text)
{
	const char *file = config_error_file(&p->lc);
	unsigned int line = config_error_line(&p->lc);
	char near[64], *other = NULL, *path;
	struct stat st;

	if (file) {
		path = include_path(p, file);
		text = read_file(path, &other, &st) ? NULL : other;
		free(path);
	}
	if (text && line_of(text, line, near, sizeof(near)))
		perr_at(p, file, line, "%s near '%s'", config_error_text(&p->lc),
			near);
	else
		perr_at(p, file, line, "%s", config_error_text(&p->lc));
	free(other);
}

/* The files of an @include chain, to find one that includes itself. */
struct include {
	dev_t dev;
	ino_t ino;
	const struct include *up;
};

static void scan_includes(struct profile *p, const char *text,
			  const char *file, const struct include *up,
			  unsigned int depth);

/*
 * @include "@name" at line @line of @file (NULL: the profile): libconfig
 * would say "cannot open include file" without naming it, and exit on a
 * directory, so each is opened here first, and so are those it includes.
 */
static void open_include(struct profile *p, const char *file,
			 unsigned int line, const char *name,
			 const struct include *up, unsigned int depth)
{
	char *path = include_path(p, name), *text = NULL;
	const struct include *i;
	struct include me;
	struct stat st;
	int ret;

	ret = read_file(path, &text, &st);
	free(path);
	if (ret == -EISDIR) {
		perr_at(p, file, line, "cannot open include file '%s': is a directory",
			name);
		return;
	}
	if (ret) {
		perr_at(p, file, line, "cannot open include file '%s': %s",
			name, strerror(-ret));
		return;
	}
	for (i = up; i; i = i->up)
		if (i->dev == st.st_dev && i->ino == st.st_ino)
			break;
	if (i) {
		perr_at(p, file, line, "include loop: '%s' is already being included",
			name);
	} else if (depth > INCLUDE_DEPTH) {
		perr_at(p, file, line, "cannot include '%s': includes nested more than %d deep",
			name, INCLUDE_DEPTH);
	} else {
		me = (struct include){ st.st_dev, st.st_ino, up };
		scan_includes(p, text, name, &me, depth + 1);
	}
	free(text);
}

/* Each line that is @include "name", as libconfig's scanner sees one. */
static void scan_includes(struct profile *p, const char *text,
			  const char *file, const struct include *up,
			  unsigned int depth)
{
	const char *s, *end, *q, *close;
	unsigned int line = 1;
	char *name;

	for (s = text; *s; s = *end ? end + 1 : end, line++) {
		end = strchrnul(s, '\n');
		q = s + strspn(s, " \t");
		if (strncmp(q, "@include", 8) || !strchr(" \t", q[8]) || !q[8])
			continue;
		q += 8 + strspn(q + 8, " \t");
		close = *q == '"' ? memchr(q + 1, '"', end - q - 1) : NULL;
		if (!close)
			continue;
		name = strndup(q + 1, close - q - 1);
		if (!name)
			xcheck(-1);
		open_include(p, file, line, name, up, depth);
		free(name);
	}
}

/*
 * Parse @text with the profile's directory as the current one, so that
 * an @include is relative to the profile, and an absolute one works too
 * (libconfig's include_dir would be prepended to both).
 */
static int read_in_dir(struct profile *p, const char *text)
{
	int here, ok, err;

	here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (here < 0 || chdir(p->incdir)) {
		err = errno;
		perr(p, NULL, "%s: %s", p->incdir, strerror(err));
		if (here >= 0)
			close(here);
		return 0;
	}
	ok = config_read_string(&p->lc, text);
	if (fchdir(here)) {
		err = errno;
		perr(p, NULL, "cannot return to the current directory: %s",
		     strerror(err));
	}
	close(here);
	return ok;
}

/* The profile's text, or NULL with the error kept. */
static char *read_profile(struct profile *p, struct stat *st)
{
	char *text = NULL, *copy;
	int ret;

	if (!strcmp(p->path, "-")) {
		ret = fstat(STDIN_FILENO, st) ? -errno : read_stream(stdin, &text);
	} else {
		copy = xstrdup(p->path);
		p->incdir = xstrdup(dirname(copy));
		free(copy);
		ret = read_file(p->path, &text, st);
	}
	if (ret == -EISDIR)
		perr(p, NULL, "is a directory, not a profile");
	else if (ret)
		perr(p, NULL, "%s", strerror(-ret));
	return ret ? NULL : text;
}

static void load(struct profile *p)
{
	struct include top;
	struct stat st;
	char *text;
	int ok;

	text = read_profile(p, &st);
	if (!text)
		return;
	top = (struct include){ st.st_dev, st.st_ino, NULL };
	scan_includes(p, text, NULL, &top, 1);
	if (p->errors)
		goto out;
	ok = p->incdir ? read_in_dir(p, text) :
			 config_read_string(&p->lc, text);
	if (!ok && !p->errors)
		read_error(p, text);
	else if (ok)
		parse_root(p);
out:
	free(text);
}

/* 0, or the number of errors (all of them printed). */
int profile_load(struct profile *p, const char *path, const struct features *f)
{
	memset(p, 0, sizeof(*p));
	p->path = path;
	p->feat = f;
	p->default_tag = profile_tag(&f->limits, path);
	p->tag = p->default_tag;
	config_init(&p->lc);
	load(p);
	diags_print(stderr, &p->diags, 0);
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

/*
 * Glob @glob of list @key matches nothing here ("a|b": none of them
 * does).  With alternatives, it is an error even when not @strict: there
 * is no glob to give the module.
 */
static void report_missing(struct profile *p, struct phook *h,
			   const config_setting_t *e, const char *key,
			   const char *glob, bool strict)
{
	const char *what = strchr(glob, '|') ? ": no alternative matches a" :
			   " matches no";

	if (h->optional) {
		pwarn(p, e,
		      "optional hook '%s' skipped: %s glob '%s'%s traceable function",
		      h->name, key, glob, what);
		h->skip = true;
	} else if (strict || strchr(glob, '|')) {
		perr(p, e, "hook '%s': %s glob '%s'%s traceable function",
		     h->name, key, glob, what);
	}
}

/*
 * Selector @glob of list @key names a module that is not loaded: the
 * module takes it, and applies it when that module loads, so this is
 * only worth knowing (a misspelt module name looks the same).
 */
static void report_pending(struct profile *p, const struct phook *h,
			   const config_setting_t *e, const char *key,
			   const char *glob)
{
	const char *mod = token_module(glob);

	p->pending++;
	if (!strcmp(key, "filter") && glob[0] != '!')
		pwarn(p, e,
		      "module '%s' is not loaded: hook '%s' will hook its functions when it loads",
		      mod, h->name);
	else
		pwarn(p, e,
		      "module '%s' is not loaded: hook '%s' will apply %s glob '%s' to its functions when it loads",
		      mod, h->name, key, glob);
}

/*
 * Check the globs of list @a of @h against this kernel, and resolve
 * those with alternatives.  An optional hook is skipped at its first
 * missing glob; otherwise, with @strict, every missing glob is an error.
 * A selector of a module not loaded is not missing: it is pending.
 */
static void check_list(struct profile *p, struct phook *h,
		       const struct hook_attr *a, const struct symbols *sym,
		       bool strict)
{
	const config_setting_t *s, *e;
	const char *glob;
	int i, n;

	s = config_setting_get_member(h->set, a->name);
	n = s ? config_setting_length(s) : 0;
	for (i = 0; i < n && !h->skip; i++) {
		e = config_setting_get_elem(s, i);
		glob = config_setting_get_string(e);
		if (strchr(glob, '|')) {
			if (!alternatives_resolve(h, a, e, glob, sym))
				report_missing(p, h, e, a->name, glob, strict);
		} else if (token_module(glob) &&
			   !symbols_have_module(sym, token_module(glob))) {
			report_pending(p, h, e, a->name, glob);
		} else if (*glob && (h->optional || strict) &&
			   !symbols_match(sym, glob)) {
			report_missing(p, h, e, a->name, glob, strict);
		}
	}
}

/*
 * Resolve every glob with alternatives.  Optional hooks whose globs
 * match nothing here are skipped with a warning.  With @strict
 * (--check-symbols), the other hooks' missing globs are errors;
 * otherwise the module's commit is the judge.
 */
int profile_check_symbols(struct profile *p, const struct symbols *sym,
			  bool strict)
{
	size_t from = p->diags.n, i;
	const struct hook_attr *a;
	unsigned int errors;
	struct phook *h;
	long n;

	for (i = 0; i < p->n; i++) {
		h = &p->hooks[i];
		errors = p->errors;
		for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
			if (a->functions)
				check_list(p, h, a, sym, strict);
		if (!strict || h->skip || errors != p->errors ||
		    !strv_has(&h->cfg.action, "redirect"))
			continue;
		n = symbols_count(sym, &h->cfg);
		if (n >= 0 && n != 1)
			perr(p, member(h, "filter"),
			     "hook '%s': redirect needs exactly one function; the filter matches %ld",
			     h->name, n);
	}
	diags_print(stderr, &p->diags, from);
	return p->errors;
}

void profile_free(struct profile *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		hook_cfg_free(&p->hooks[i].cfg);
		alternatives_free(&p->hooks[i]);
	}
	free(p->hooks);
	free(p->incdir);
	free(p->default_tag);
	diags_free(&p->diags);
	config_destroy(&p->lc);
}
