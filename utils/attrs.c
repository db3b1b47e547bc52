// SPDX-License-Identifier: GPL-2.0
/*
 * The hook's attributes, one row each, in the order configfs-layout.md
 * lists them.  Reading them back (kstate.c), comparing and planning
 * (plan.c), printing (output.c), profiles (profile.c) and --export all
 * walk this table, so a new attribute is one row here and one member of
 * struct hook_cfg.  Its kind says how a value is kept, compared, read,
 * written and shown.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

#define CFG(m)		offsetof(struct hook_cfg, m)
#define LIMIT(m)	offsetof(struct limits, m)
#define KNOWN(m)	offsetof(struct features, m)

const struct hook_attr hook_attrs[] = {
	{ .name = "filter", .kind = AK_GLOBS, .offset = CFG(filter),
	  .export_always = true, .include = true, .functions = true,
	  .noun = "glob", .rule = rule_glob, .limit = LIMIT(globs) },
	{ .name = "notrace", .kind = AK_GLOBS, .offset = CFG(notrace),
	  .export_always = true, .functions = true, .noun = "glob",
	  .rule = rule_glob, .limit = LIMIT(globs) },
	{ .name = "flags", .kind = AK_WORDS, .offset = CFG(flags),
	  .export_always = true, .noun = "flag", .known = KNOWN(flags) },
	{ .name = "action", .kind = AK_WORDS, .offset = CFG(action),
	  .dflt_word = "count", .export_always = true, .export_scalar = true,
	  .scalar_ok = true, .nonempty = true, .noun = "action",
	  .known = KNOWN(actions) },
	{ .name = "args", .kind = AK_ARGS, .offset = CFG(args),
	  .since_0_2 = true, .noun = "fetch", .limit = LIMIT(args) },
	{ .name = "stack_depth", .kind = AK_UINT, .offset = CFG(stack_depth),
	  .dflt = 16, .since_0_2 = true, .limit = LIMIT(stack_depth),
	  .min = 1 },
	{ .name = "target", .kind = AK_NAME, .offset = CFG(target),
	  .since_0_2 = true, .rule = rule_target },
	{ .name = "pids", .kind = AK_PIDS, .offset = CFG(pids),
	  .since_0_2 = true, .scalar_ok = true, .predicate = true,
	  .noun = "pid", .rule = rule_pid, .limit = LIMIT(pids) },
	{ .name = "comm", .kind = AK_GLOBS, .offset = CFG(comm),
	  .since_0_2 = true, .scalar_ok = true, .predicate = true,
	  .noun = "glob", .rule = rule_comm, .limit = LIMIT(comm) },
	{ .name = "sample", .kind = AK_UINT, .offset = CFG(sample), .dflt = 1,
	  .since_0_2 = true, .predicate = true, .limit = LIMIT(sample),
	  .min = 1 },
	{ .name = "enabled", .kind = AK_BOOL },
	{ .name = "tag", .kind = AK_TAG, .rule = rule_tag },
};

const size_t nr_hook_attrs = ARRAY_SIZE(hook_attrs);

const struct hook_attr *attr_find(const char *name)
{
	const struct hook_attr *a;

	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

/* Its DIFF_* bit: by its row, so that diffs print in the table's order. */
unsigned int attr_bit(const struct hook_attr *a)
{
	return 1u << (a - hook_attrs);
}

bool attr_in_cfg(const struct hook_attr *a)
{
	return a->kind != AK_BOOL && a->kind != AK_TAG;
}

unsigned int attrs_config_mask(void)
{
	const struct hook_attr *a;
	unsigned int mask = 0;

	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		if (attr_in_cfg(a))
			mask |= attr_bit(a);
	return mask;
}

static struct strv *cfg_strv(const struct hook_attr *a, struct hook_cfg *cfg)
{
	return (struct strv *)((char *)cfg + a->offset);
}

static const struct strv *strv_of(const struct hook_attr *a,
				  const struct hook_cfg *cfg)
{
	return (const struct strv *)((const char *)cfg + a->offset);
}

static unsigned long *cfg_ulong(const struct hook_attr *a,
				struct hook_cfg *cfg)
{
	return (unsigned long *)((char *)cfg + a->offset);
}

static unsigned long ulong_of(const struct hook_attr *a,
			      const struct hook_cfg *cfg)
{
	return *(const unsigned long *)((const char *)cfg + a->offset);
}

static char **cfg_name(const struct hook_attr *a, struct hook_cfg *cfg)
{
	return (char **)((char *)cfg + a->offset);
}

static const char *name_of(const struct hook_attr *a,
			   const struct hook_cfg *cfg)
{
	return *(char * const *)((const char *)cfg + a->offset);
}

static bool is_list(const struct hook_attr *a)
{
	return a->kind == AK_GLOBS || a->kind == AK_WORDS ||
	       a->kind == AK_PIDS || a->kind == AK_ARGS;
}

/* args as a count, not fetch specifications ("0" reads back as none). */
bool args_count_form(const struct strv *sv)
{
	return sv->n == 1 && sv->v[0][0] >= '0' && sv->v[0][0] <= '9';
}

/* Attribute @a of @cfg back to what mkdir gives the live configuration. */
void attr_clear(const struct hook_attr *a, struct hook_cfg *cfg)
{
	if (is_list(a)) {
		strv_free(cfg_strv(a, cfg));
	} else if (a->kind == AK_UINT) {
		*cfg_ulong(a, cfg) = a->dflt;
	} else if (a->kind == AK_NAME) {
		free(*cfg_name(a, cfg));
		*cfg_name(a, cfg) = xstrdup("");
	}
}

/* What mkdir gives, except the words it stages only ("action"). */
void hook_cfg_init(struct hook_cfg *cfg)
{
	const struct hook_attr *a;

	memset(cfg, 0, sizeof(*cfg));
	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		attr_clear(a, cfg);
}

/* What mkdir stages, which is also what a profile omitting a key means. */
void hook_cfg_mkdir(struct hook_cfg *cfg)
{
	const struct hook_attr *a;

	hook_cfg_init(cfg);
	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		if (a->dflt_word)
			strv_add(cfg_strv(a, cfg), a->dflt_word);
}

void hook_cfg_free(struct hook_cfg *cfg)
{
	const struct hook_attr *a;

	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++) {
		if (is_list(a))
			strv_free(cfg_strv(a, cfg));
		else if (a->kind == AK_NAME)
			free(*cfg_name(a, cfg));
	}
	memset(cfg, 0, sizeof(*cfg));
}

/*
 * Lists as the module reads them back.  Without @f, features words are
 * left in their order: the module's own read-back already has it.
 */
void hook_cfg_canonical(struct hook_cfg *cfg, const struct features *f)
{
	const struct hook_attr *a;

	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++) {
		if (a->kind == AK_GLOBS)
			strv_sort_unique(cfg_strv(a, cfg));
		else if (a->kind == AK_PIDS)
			pids_canonical(cfg_strv(a, cfg));
		else if (a->kind == AK_WORDS && f)
			words_canonical((const struct strv *)((const char *)f +
							      a->known),
					cfg_strv(a, cfg));
	}
}

/*
 * Attribute @a of @cfg from what the module shows: words for lists, a
 * number, or a name (its first word: a target reads back as one name).
 */
void attr_set_text(const struct hook_attr *a, struct hook_cfg *cfg,
		   const char *text)
{
	struct strv words = { 0 };

	attr_clear(a, cfg);
	if (is_list(a)) {
		strv_add_words(cfg_strv(a, cfg), text);
		if (a->kind == AK_ARGS && args_count_form(cfg_strv(a, cfg)) &&
		    !strcmp(cfg_strv(a, cfg)->v[0], "0"))
			strv_free(cfg_strv(a, cfg));
	} else if (a->kind == AK_UINT) {
		*cfg_ulong(a, cfg) = strtoul(text, NULL, 10);
	} else if (a->kind == AK_NAME) {
		strv_add_words(&words, text);
		if (words.n) {
			free(*cfg_name(a, cfg));
			*cfg_name(a, cfg) = xstrdup(words.v[0]);
		}
		strv_free(&words);
	}
}

bool attr_equal(const struct hook_attr *a, const struct hook_ref *x,
		const struct hook_ref *y)
{
	if (a->kind == AK_BOOL)
		return x->enabled == y->enabled;
	if (a->kind == AK_TAG)
		return !strcmp(x->tag, y->tag);
	if (is_list(a))
		return strv_equal(strv_of(a, x->cfg), strv_of(a, y->cfg));
	if (a->kind == AK_UINT)
		return ulong_of(a, x->cfg) == ulong_of(a, y->cfg);
	return !strcmp(name_of(a, x->cfg), name_of(a, y->cfg));
}

bool attr_is_default(const struct hook_attr *a, const struct hook_cfg *cfg)
{
	if (is_list(a))
		return !strv_of(a, cfg)->n;
	if (a->kind == AK_UINT)
		return ulong_of(a, cfg) == a->dflt;
	return !*name_of(a, cfg);
}

/* What to write to the attribute's file (without the newline). */
char *attr_value(const struct hook_attr *a, const struct hook_cfg *cfg)
{
	char *s;

	if (a->kind == AK_ARGS && !strv_of(a, cfg)->n)
		return xstrdup("0");
	if (is_list(a))
		return strv_join(strv_of(a, cfg), " ");
	if (a->kind == AK_UINT) {
		xasprintf(&s, "%lu", ulong_of(a, cfg));
		return s;
	}
	return xstrdup(name_of(a, cfg));
}

/* The value for people: lists space-separated, "(none)" if empty. */
char *attr_text(const struct hook_attr *a, const struct hook_ref *h)
{
	char *s;

	if (a->kind == AK_BOOL)
		return xstrdup(h->enabled ? "1" : "0");
	if (a->kind == AK_TAG)
		return xstrdup(*h->tag ? h->tag : "(none)");
	s = attr_value(a, h->cfg);
	if (*s || a->kind == AK_UINT)
		return s;
	free(s);
	return xstrdup("(none)");
}

void attr_json(struct json *j, const char *key, const struct hook_attr *a,
	       const struct hook_ref *h)
{
	const struct strv *sv;
	size_t i;

	switch (a->kind) {
	case AK_BOOL:
		j_bool(j, key, h->enabled);
		break;
	case AK_TAG:
		j_str(j, key, h->tag);
		break;
	case AK_NAME:
		j_str(j, key, name_of(a, h->cfg));
		break;
	case AK_UINT:
		j_num(j, key, ulong_of(a, h->cfg));
		break;
	case AK_ARGS:
		sv = strv_of(a, h->cfg);
		if (!sv->n || args_count_form(sv))
			j_num(j, key, sv->n ? strtoul(sv->v[0], NULL, 10) : 0);
		else
			j_strv(j, key, sv);
		break;
	case AK_PIDS:
		sv = strv_of(a, h->cfg);
		j_open(j, key, '[');
		for (i = 0; i < sv->n; i++)
			j_num(j, NULL, strtoll(sv->v[i], NULL, 10));
		j_close(j, ']');
		break;
	default:
		j_strv(j, key, strv_of(a, h->cfg));
		break;
	}
}

/* A libconfig string: a comm glob may hold '"' or '\\'. */
void export_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fprintf(f, "%s%c", strchr("\"\\", *s) ? "\\" : "", *s);
	fputc('"', f);
}

static void export_list(FILE *f, const struct hook_attr *a,
			const struct strv *sv)
{
	size_t i;

	if (a->kind == AK_ARGS && args_count_form(sv)) {
		fprintf(f, "    %s = %s;\n", a->name, sv->v[0]);
		return;
	}
	if (a->export_scalar && sv->n == 1) {
		fprintf(f, "    %s = ", a->name);
		export_string(f, sv->v[0]);
		fputs(";\n", f);
		return;
	}
	fprintf(f, "    %s = [", a->name);
	for (i = 0; i < sv->n; i++) {
		fputs(i ? ", " : " ", f);
		if (a->kind == AK_PIDS)
			fputs(sv->v[i], f);
		else
			export_string(f, sv->v[i]);
	}
	fprintf(f, " ];\n");
}

/*
 * One profile line for @a of @h, or none where it is the default (which
 * omitting the key means too) and need not be spelt out.  The tag is the
 * caller's: whether it is written depends on the other hooks.
 */
void attr_export(FILE *f, const struct hook_attr *a, const struct hook_ref *h)
{
	if (a->kind == AK_BOOL) {
		fprintf(f, "    %s = %s;\n", a->name, h->enabled ? "true" : "false");
	} else if (a->kind == AK_TAG) {
		fprintf(f, "    %s = ", a->name);
		export_string(f, h->tag);
		fputs(";\n", f);
	} else if (!a->export_always && attr_is_default(a, h->cfg)) {
		return;
	} else if (is_list(a)) {
		export_list(f, a, strv_of(a, h->cfg));
	} else if (a->kind == AK_UINT) {
		fprintf(f, "    %s = %lu;\n", a->name, ulong_of(a, h->cfg));
	} else {
		fprintf(f, "    %s = ", a->name);
		export_string(f, name_of(a, h->cfg));
		fputs(";\n", f);
	}
}
