// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-stat's text output: a table of hooks, then each hook's top
 * functions and callers; with --watch, a header per frame, which clears
 * the screen on a terminal.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stat.h"

/* A table of text cells: columns as wide as their widest cell. */
struct table {
	size_t cols;
	struct strv cells;	/* row by row */
};

static void cell(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	xcheck(vasprintf(&s, fmt, ap));
	va_end(ap);
	strv_add(&t->cells, s);
	free(s);
}

static void cell_rate(struct table *t, double rate)
{
	if (rate < 0)
		cell(t, "-");
	else
		cell(t, "%.1f", rate);
}

static void table_print(FILE *f, struct table *t, const char *indent)
{
	size_t *width = xcalloc(t->cols, sizeof(*width));
	size_t i, c, len;

	for (i = 0; i < t->cells.n; i++) {
		len = strlen(t->cells.v[i]);
		if (len > width[i % t->cols])
			width[i % t->cols] = len;
	}
	for (i = 0; i < t->cells.n; i++) {
		c = i % t->cols;
		if (!c)
			fputs(indent, f);
		if (c < t->cols - 1)
			fprintf(f, "%-*s  ", (int)width[c], t->cells.v[i]);
		else
			fprintf(f, "%s\n", t->cells.v[i]);
	}
	free(width);
	strv_free(&t->cells);
}

static void hook_row(struct table *t, const struct hook_stat *h, bool watch)
{
	const struct khook *kh = h->kh;
	char *action = strv_join(&kh->live.action, ",");

	cell(t, "%s", kh->name);
	cell(t, "%s", kh->enabled ? "yes" : "no");
	cell(t, "%llu", kh->generation);
	cell(t, "%s", *action ? action : "-");
	if (h->functions < 0)
		cell(t, "-");
	else
		cell(t, "%ld", h->functions);
	if (watch)
		cell_rate(t, h->hits_rate);
	cell(t, "%llu", kh->hits);
	if (watch)
		cell_rate(t, h->missed_rate);
	cell(t, "%llu", kh->missed);
	cell(t, "%s", *kh->tag ? kh->tag : "-");
	free(action);
}

static void hooks_text(FILE *f, const struct stat_ctx *sc,
		       const struct hook_stat **order, size_t n)
{
	static const char * const head[] = {
		"HOOK", "ENABLED", "GENERATION", "ACTION", "FUNCTIONS", "HITS/S",
		"HITS", "MISSED/S", "MISSED", "TAG",
	};
	struct table t = { 0 };
	bool watch = sc->o->watch;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(head); i++)	/* rates only when watching */
		if (watch || !strchr(head[i], '/'))
			cell(&t, "%s", head[i]);
	t.cols = t.cells.n;
	for (i = 0; i < n; i++)
		hook_row(&t, order[i], watch);
	table_print(f, &t, "");
}

/* The function as the module writes it: "name [module] 0xSTART". */
static void function_cell(struct table *t, const struct count *c)
{
	char *mod = NULL;

	if (c->module)
		xasprintf(&mod, " [%s]", c->module);
	cell(t, "%s%s%s%s", c->func, mod ? mod : "", c->address ? " " : "",
	     c->address ? c->address : "");
	free(mod);
}

static void counts_text(FILE *f, const struct stat_ctx *sc, const char *hook,
			const struct counts *cs, bool callers)
{
	struct table t = { .cols = 2 + callers + sc->o->watch };
	const struct count *c;
	size_t i, n = top_n(sc, cs);

	if (!n)
		return;
	fprintf(f, "%s: top %s\n", hook, callers ? "callers" : "functions");
	if (sc->o->watch)
		cell(&t, "HITS/S");
	cell(&t, "HITS");
	cell(&t, "FUNCTION");
	if (callers)
		cell(&t, "CALLER");
	for (i = 0; i < n; i++) {
		c = &cs->v[i];
		if (sc->o->watch)
			cell_rate(&t, c->rate);
		cell(&t, "%llu", c->hits);
		function_cell(&t, c);
		if (callers)
			cell(&t, "%s", c->caller);
	}
	table_print(f, &t, "  ");
}

void print_text(FILE *f, const struct stat_ctx *sc, const struct snapshot *s,
		const struct hook_stat **order)
{
	const struct hook_stat *h;
	size_t i;

	hooks_text(f, sc, order, s->ks.n);
	for (i = 0; i < s->ks.n; i++) {
		h = order[i];
		if (!h->funcs.n && !h->callers.n)
			continue;
		fputc('\n', f);
		counts_text(f, sc, h->kh->name, &h->funcs, false);
		counts_text(f, sc, h->kh->name, &h->callers, true);
	}
}

void frame_header(FILE *f, const struct stat_ctx *sc,
		  const struct snapshot *s)
{
	char when[64];
	struct tm tm;

	localtime_r(&s->real.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	if (sc->tty)
		fputs("\033[H\033[2J", f);
	else if (sc->frames)
		fputc('\n', f);
	fprintf(f, "%s: %s, every %gs\n\n", prog, when, sc->o->interval);
}
