// SPDX-License-Identifier: GPL-2.0
/*
 * A profile's "args": a count of raw arguments (args = 2), or a list of
 * named arguments, each an explicit fetch specification
 * ("filename=+0($arg2):string") or a name the kernel's BTF resolves
 * ("filename:string", "file->f_pos", "ino=file->f_inode->i_ino").
 * Specifications are checked and spelt as the module reads them back
 * when the profile is read; names are resolved once the run knows where
 * the BTF is (profile_resolve_args()), for the function the hook names.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

#define ARGS_ERR_MAX	512

/*
 * The characters of a BTF name: C identifiers, "->", "." and ":TYPE",
 * starting as an identifier does.
 */
static bool btf_name_chars(const char *s)
{
	if (!isascii(*s) || !(isalpha(*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!isascii(*s) || !(isalnum(*s) || strchr("_->.:=", *s)))
			return false;
	return true;
}

/* "args = N": 0 is none, as mkdir gives. */
static void args_count(struct profile *p, struct strv *out,
		       const config_setting_t *s)
{
	long long v = config_setting_get_int64(s);
	char word[24];

	if (v < 0) {
		profile_diag(p, false, s, "args: not a number");
	} else if ((unsigned long long)v > p->feat->limits.args) {
		profile_diag(p, false, s, "args: at most %lu",
			     p->feat->limits.args);
	} else if (v) {
		snprintf(word, sizeof(word), "%lld", v);
		strv_add(out, word);
	}
}

/*
 * One entry of the list @whole: a specification now, a BTF name later
 * (kept as written until then).
 */
static void args_entry(struct profile *p, struct phook *h,
		       const config_setting_t *e,
		       const config_setting_t *whole)
{
	const char *word = config_setting_get_string(e);
	char err[ARGS_ERR_MAX], *spec;

	if (!fetch_is_spec(word) && !btf_name_chars(word)) {
		profile_diag(p, false, e,
			     "args: '%s': a named argument is NAME=FETCH[:TYPE], or [NAME=]PARAMETER[->MEMBER|.MEMBER]...[:TYPE] from BTF",
			     word);
	} else if (!fetch_is_spec(word)) {
		h->btf_args = whole;
		strv_add(&h->cfg.args, word);
	} else if (fetch_canonical(&p->feat->limits, word, &spec, err,
				   sizeof(err))) {
		profile_diag(p, false, e, "args: '%s': %s", word, err);
	} else {
		strv_add(&h->cfg.args, spec);
		free(spec);
	}
}

/* Two fetches of one name would be two fields of one name. */
static void args_unique(struct profile *p, const struct strv *sv,
			const config_setting_t *s)
{
	size_t i, j, n;

	for (i = 0; i < sv->n; i++) {
		n = fetch_name_len(sv->v[i]);
		for (j = 0; j < i; j++)
			if (fetch_name_len(sv->v[j]) == n &&
			    !strncmp(sv->v[i], sv->v[j], n)) {
				profile_diag(p, false, s,
					     "args: name '%.*s' used twice",
					     (int)n, sv->v[i]);
				return;
			}
	}
}

void profile_parse_args(struct profile *p, struct phook *h, const config_setting_t *s)
{
	const config_setting_t *e;
	unsigned int i, n;
	int type = config_setting_type(s);

	h->btf_args = NULL;
	if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) {
		args_count(p, &h->cfg.args, s);
		return;
	}
	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		profile_diag(p, false, s,
			     "'args' must be an integer or a list of strings");
		return;
	}
	n = config_setting_length(s);
	if (n > p->feat->limits.fetches)
		profile_diag(p, false, s, "args: more than %lu fetches",
			     p->feat->limits.fetches);
	for (i = 0; i < n && n <= p->feat->limits.fetches; i++) {
		e = config_setting_get_elem(s, i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			profile_diag(p, false, e,
				     "'args' must be an integer or a list of strings");
		else
			args_entry(p, h, e, s);
	}
	if (!h->btf_args)
		args_unique(p, &h->cfg.args, s);
}

bool args_named(const struct hook_cfg *cfg)
{
	return cfg->args.n && !args_count_form(&cfg->args);
}

/*
 * The function a hook with BTF names logs: each glob it includes must be
 * one function's name, "NAME" or "NAME:mod:MODULE".  0, or -EINVAL.
 */
static int args_function(const char *tok, char **func, char **mod,
			 char *err, size_t len)
{
	const char *m = token_module(tok);

	*func = NULL;
	*mod = NULL;
	if (token_is_address(tok) || strpbrk(tok, "*?[]|")) {
		snprintf(err, len,
			 "named args from BTF need the hook's filter to name functions, not '%s'",
			 tok);
		return -EINVAL;
	}
	if (m) {
		*func = strndup(tok, strstr(tok, MOD_SELECTOR) - tok);
		*mod = xstrdup(m);
	} else {
		*func = xstrdup(tok);
	}
	return 0;
}

/*
 * The hook's list for one function into @out; errors at the entries.
 * Specifications are canonical in @h->cfg.args already, one for each
 * entry of the profile's list, in its order; BTF names are resolved.
 */
static int args_for(struct profile *p, const struct phook *h,
		    const struct strv *words, struct btf_src *b,
		    const char *func, const char *mod, struct strv *out)
{
	char err[ARGS_ERR_MAX], *spec;
	int ret = 0;
	size_t i;

	for (i = 0; i < words->n; i++) {
		if (fetch_is_spec(words->v[i])) {
			strv_add(out, words->v[i]);
			continue;
		}
		if (btf_resolve(b, &p->feat->limits, func, mod, words->v[i],
				&spec, err, sizeof(err))) {
			profile_diag(p, false,
				     config_setting_get_elem(h->btf_args, i),
				     "args: '%s': %s", words->v[i], err);
			ret = -EINVAL;
			continue;
		}
		strv_add(out, spec);
		free(spec);
	}
	return ret;
}

static void args_differ(struct profile *p, const struct phook *h,
			const char *f1, const struct strv *a1, const char *f2,
			const struct strv *a2)
{
	char *s1 = strv_join(a1, " "), *s2 = strv_join(a2, " ");

	profile_diag(p, false, h->btf_args,
		     "args: %s and %s give different fetches (%s / %s): hook them separately or write NAME=FETCH:TYPE",
		     f1, f2, s1, s2);
	free(s1);
	free(s2);
}

/* Every function of the hook must give the same specifications. */
static void args_resolve_hook(struct profile *p, struct phook *h,
			      struct btf_src *b)
{
	struct strv first = { 0 }, next = { 0 };
	const struct strv *f = &h->cfg.filter;
	char err[ARGS_ERR_MAX], *func, *mod;
	const char *first_func = NULL;
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->v[i][0] == '!')
			continue;
		if (args_function(f->v[i], &func, &mod, err, sizeof(err))) {
			profile_diag(p, false, h->btf_args, "args: %s", err);
			break;
		}
		if (args_for(p, h, &h->cfg.args, b, func, mod,
			     first_func ? &next : &first)) {
			free(func);
			free(mod);
			break;
		}
		if (first_func && !strv_equal(&first, &next))
			args_differ(p, h, first_func, &first, func, &next);
		strv_free(&next);
		if (!first_func)
			first_func = f->v[i];
		free(func);
		free(mod);
	}
	strv_free(&h->cfg.args);
	h->cfg.args = first;
	args_unique(p, &h->cfg.args, h->btf_args);
}

/*
 * Resolves the BTF names of every hook the run applies, from @btf (a
 * directory like /sys/kernel/btf or one kernel BTF file).  @check_only:
 * without readable BTF, a warning only (--check validates the profile,
 * not this kernel).  The number of errors.
 */
unsigned int profile_resolve_args(struct profile *p, const char *btf,
				  bool check_only)
{
	unsigned int errors = p->errors;
	size_t from = p->diags.n;
	struct btf_src *b = NULL;
	char err[ARGS_ERR_MAX];
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct phook *h = &p->hooks[i];

		if (!h->btf_args || h->skip)
			continue;
		if (!b)
			b = btf_src_open(btf);
		if (!btf_src_usable(b, err, sizeof(err))) {
			profile_diag(p, check_only, h->btf_args, "args: %s", err);
			continue;
		}
		args_resolve_hook(p, h, b);
	}
	btf_src_free(b);
	diags_print(stderr, &p->diags, from);
	return p->errors - errors;
}
