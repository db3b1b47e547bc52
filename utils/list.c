// SPDX-License-Identifier: GPL-2.0
/*
 * What a profile's globs match in available_filter_functions: --list,
 * hook by hook and glob by glob, as bpftrace -l lists probes; and the
 * check that refuses a hook recording every call of too many functions.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

/* One glob of a hook, and what it does to the set of hooked functions. */
struct glob_row {
	const char *list;	/* "filter" or "notrace" */
	const char *glob;	/* as the profile spells it, or as resolved */
	const char *entry;	/* "a|b" when resolved from one, else NULL */
	bool removes;		/* a filter exclusion or a notrace glob */
	long count;		/* traceable addresses it matches */
	struct strv names;	/* the names of those, each once */
};

struct hook_rows {
	struct glob_row *v;
	size_t n;
};

/* The entry with alternatives @h's glob @glob of @list was chosen from. */
static const char *chosen_from(const struct phook *h, const char *list,
			       const char *glob)
{
	const struct alt_choice *c;

	for (c = h->alts; c < h->alts + h->nr_alts; c++)
		if (!strcmp(c->list, list) && !strcmp(c->chosen, glob))
			return c->entry;
	return NULL;
}

/*
 * The globs of @list that are exclusions or not, as @exclusions says.
 * In "notrace", an exclusion gives functions back: only its plain globs
 * take functions away, as in "filter" only its exclusions do.
 */
static void add_rows(struct hook_rows *r, const struct symbols *sym,
		     const struct phook *h, const char *list,
		     const struct strv *globs, bool exclusions)
{
	bool notrace = !strcmp(list, "notrace");
	struct glob_row *row;
	size_t i;

	for (i = 0; i < globs->n; i++) {
		if ((globs->v[i][0] == '!') != exclusions)
			continue;
		row = &r->v[r->n++];
		memset(row, 0, sizeof(*row));
		row->list = list;
		row->glob = globs->v[i];
		row->entry = chosen_from(h, list, row->glob);
		row->removes = (globs->v[i][0] == '!') != notrace;
		row->count = symbols_glob(sym, row->glob, &row->names);
	}
}

static void rows_load(struct hook_rows *r, const struct symbols *sym,
		      const struct phook *h)
{
	r->v = xcalloc(h->cfg.filter.n + h->cfg.notrace.n, sizeof(*r->v));
	r->n = 0;
	add_rows(r, sym, h, "filter", &h->cfg.filter, false);
	add_rows(r, sym, h, "filter", &h->cfg.filter, true);
	add_rows(r, sym, h, "notrace", &h->cfg.notrace, false);
	add_rows(r, sym, h, "notrace", &h->cfg.notrace, true);
}

static void rows_free(struct hook_rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		strv_free(&r->v[i].names);
	free(r->v);
}

/* "  notrace foo*   -2  foo1 foo2": a count that takes away is negative. */
static void row_text(FILE *f, const struct glob_row *row, size_t width)
{
	char *names = strv_join(&row->names, " "), *label;

	xasprintf(&label, "%s%s", strcmp(row->list, "notrace") ? "" :
		  "notrace ", row->glob);
	fprintf(f, "  %-*s %6ld%s%s\n", (int)width, label,
		row->removes ? -row->count : row->count, *names ? "  " : "",
		names);
	free(label);
	free(names);
}

static void hook_text(FILE *f, const struct phook *h, long total,
		      const struct hook_rows *r, size_t width)
{
	size_t i;

	fprintf(f, "%s: %ld function%s%s\n", h->name, total,
		total == 1 ? "" : "s",
		h->skip ? " (optional: skipped on this kernel)" : "");
	for (i = 0; i < r->n; i++)
		row_text(f, &r->v[i], width);
}

static void hook_json(struct json *j, const struct profile *p,
		      const struct phook *h, long total,
		      const struct hook_rows *r)
{
	const struct glob_row *row;
	char loc[512];

	profile_where(p, h->set, loc, sizeof(loc));
	j_open(j, NULL, '{');
	j_str(j, "hook", h->name);
	j_str(j, "where", loc);
	j_num(j, "functions", total);
	j_bool(j, "optional", h->optional);
	j_bool(j, "skipped", h->skip);
	j_open(j, "globs", '[');
	for (row = r->v; row < r->v + r->n; row++) {
		j_open(j, NULL, '{');
		j_str(j, "list", row->list);
		j_str(j, "glob", row->glob);
		if (row->entry)
			j_str(j, "alternatives", row->entry);
		j_bool(j, "removes", row->removes);
		j_num(j, "matches", row->count);
		j_strv(j, "names", &row->names);
		j_close(j, '}');
	}
	j_close(j, ']');
	j_close(j, '}');
}

/* The glob column: as wide as its widest entry in the whole listing. */
static size_t glob_width(const struct profile *p, const struct strv *only)
{
	const struct phook *h;
	size_t width = 0, i, w;

	for (h = p->hooks; h < p->hooks + p->n; h++) {
		if (only && !strv_has(only, h->name))
			continue;
		for (i = 0; i < h->cfg.filter.n; i++)
			if (strlen(h->cfg.filter.v[i]) > width)
				width = strlen(h->cfg.filter.v[i]);
		for (i = 0; i < h->cfg.notrace.n; i++) {
			w = strlen("notrace ") + strlen(h->cfg.notrace.v[i]);
			if (w > width)
				width = w;
		}
	}
	return width;
}

/*
 * Every hook of @p (those in @only, if given) with the functions each
 * glob matches; profile_check_symbols() has already said which globs
 * match none, and skipped the optional hooks they belong to.
 */
void print_list(FILE *f, const struct profile *p, const struct symbols *sym,
		const struct strv *only, bool json)
{
	struct json j = { .f = f };
	const struct phook *h;
	size_t width = glob_width(p, only);
	struct hook_rows r;
	long total;

	if (json) {
		j_open(&j, NULL, '{');
		j_str(&j, "profile", profile_name(p));
		j_str(&j, "functions_file", sym->path);
		j_num(&j, "errors", p->errors);
		j_open(&j, "hooks", '[');
	}
	for (h = p->hooks; h < p->hooks + p->n; h++) {
		if (only && !strv_has(only, h->name))
			continue;
		rows_load(&r, sym, h);
		total = symbols_count(sym, &h->cfg);
		if (total < 0)
			total = 0;
		if (json)
			hook_json(&j, p, h, total, &r);
		else
			hook_text(f, h, total, &r, width);
		rows_free(&r);
	}
	if (json) {
		j_close(&j, ']');
		j_end(&j);
	}
}

/* Every call is recorded: nothing samples or filters the calls. */
static bool records_every_call(const struct phook *h)
{
	return (strv_has(&h->cfg.action, "log") ||
		strv_has(&h->cfg.action, "stack")) &&
	       h->cfg.sample == 1 && !h->cfg.pids.n && !h->cfg.comm.n;
}

/*
 * How many functions @h hooks: counted when the list is at hand and
 * its alternatives are resolved (--check leaves them); else -1 for a
 * bare "*" (every function, wide by definition), or 0 (not known to be
 * wide).
 */
static long hook_width(const struct phook *h, const struct symbols *sym)
{
	if (sym->names.n && !hook_cfg_has_alternatives(&h->cfg))
		return symbols_count(sym, &h->cfg);
	return strv_has(&h->cfg.filter, "*") ? -1 : 0;
}

static void wide_report(struct profile *p, const struct phook *h, long n,
			bool force)
{
	const config_setting_t *s = config_setting_get_member(h->set, "filter");
	const char *action = strv_has(&h->cfg.action, "log") ? "log" : "stack";
	char what[96];

	if (n < 0)
		snprintf(what, sizeof(what), "'*' (every traceable function)");
	else
		snprintf(what, sizeof(what), "%ld functions (more than %d)", n,
			 WIDE_HOOK_MAX);
	if (force)
		profile_diag(p, true, s ? s : h->set,
			     "hook '%s': action %s records every call of %s; allowed by --force",
			     h->name, action, what);
	else
		profile_diag(p, false, s ? s : h->set,
			     "hook '%s': action %s records every call of %s, which floods the trace buffer; set sample, narrow the globs, or use --force",
			     h->name, action, what);
}

/*
 * Refuse hooks that would record every call of more than WIDE_HOOK_MAX
 * functions (a warning with @force), counted in @sym, loaded from
 * @functions when needed and not yet tried; 0 or the number of errors.
 */
int profile_check_wide(struct profile *p, struct symbols *sym,
		       const char *functions, bool force)
{
	size_t from = p->diags.n;
	const struct phook *h;
	long n;

	for (h = p->hooks; h < p->hooks + p->n; h++) {
		if (h->skip || !records_every_call(h))
			continue;
		/* unreadable, it leaves the rule for a bare "*" */
		if (!sym->path)
			symbols_load(sym, functions);
		n = hook_width(h, sym);
		if (n < 0 || n > WIDE_HOOK_MAX)
			wide_report(p, h, n, force);
	}
	diags_print(stderr, &p->diags, from);
	return p->errors;
}
