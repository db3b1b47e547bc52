// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-stat (and fhook-apply --status): what the hooks are doing.
 *
 * A snapshot is the hooks as kstate.c reads them plus, per hook, the
 * function count of its live attribute and the counts of its stats
 * attribute.  --watch takes one per interval and shows rates from the
 * difference between the last two.  What an older module lacks (stats,
 * the functions line of live) only leaves that part empty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fhook-apply.h"

/* One line of stats: a function's count, or a (function, caller) pair's. */
struct count {
	char *func;
	char *module;		/* NULL: not a module's function */
	char *caller;		/* NULL: a function line */
	unsigned long long hits;
	double rate;		/* hits per second; < 0: not known */
};

struct counts {
	struct count *v;
	size_t n;
	size_t cap;
};

struct hook_stat {
	const struct khook *kh;
	long functions;		/* -1: not known */
	struct counts funcs;
	struct counts callers;
	double hits_rate;	/* per second; < 0: not known */
	double missed_rate;
};

struct snapshot {
	struct kstate ks;
	struct hook_stat *h;	/* one per ks.hooks, in the same order */
	struct timespec mono;	/* when it was taken */
	struct timespec real;
	double elapsed;		/* seconds since the previous one; < 0: first */
};

struct stat_ctx {
	const struct stat_opts *o;
	struct symbols sym;	/* loaded when a live has no functions line */
	bool sym_tried;
	bool tty;
	unsigned long frames;
};

static void counts_free(struct counts *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		free(cs->v[i].func);
		free(cs->v[i].module);
		free(cs->v[i].caller);
	}
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

/*
 * "HITS FUNCTION" or "HITS FUNCTION [module]", either followed by
 * " <- CALLER".  False for a line of another shape, which is skipped: a
 * newer module may add some.
 */
static bool parse_count(char *line, struct counts *cs)
{
	char *end, *arrow, *mod = NULL;
	unsigned long long hits;
	struct count *c;
	size_t len;

	errno = 0;
	hits = strtoull(line, &end, 10);
	if (errno || end == line || *end != ' ' || !end[1])
		return false;
	line = end + 1;
	arrow = strstr(line, " <- ");
	if (arrow)
		*arrow = '\0';
	end = strchr(line, ' ');
	if (end) {
		*end = '\0';
		mod = end + 1;
		len = strlen(mod);
		if (len < 3 || mod[0] != '[' || mod[len - 1] != ']')
			return false;
		mod[len - 1] = '\0';
		mod++;
	}
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? 2 * cs->cap : 64;
		cs->v = xrealloc(cs->v, cs->cap, sizeof(*cs->v));
	}
	c = &cs->v[cs->n++];
	c->func = xstrdup(line);
	c->module = mod ? xstrdup(mod) : NULL;
	c->caller = arrow ? xstrdup(arrow + 4) : NULL;
	c->hits = hits;
	c->rate = -1;
	return true;
}

static void parse_stats(struct hook_stat *h, char *text)
{
	char *line, *end;

	for (line = text; *line; line = end) {
		end = strchrnul(line, '\n');
		if (*end)
			*end++ = '\0';
		if (*line == '#')
			continue;
		parse_count(line, strstr(line, " <- ") ? &h->callers :
			    &h->funcs);
	}
}

/* The text of a hook's attribute; NULL when missing, quietly. */
static char *read_hook_attr(const char *root, const char *name,
			    const char *attr)
{
	char *path, *text = NULL;
	int ret;

	xasprintf(&path, "%s/%s/%s", root, name, attr);
	ret = read_text(path, &text);
	if (ret && ret != -ENOENT)
		errmsg("%s: %s", path, strerror(-ret));
	free(path);
	return ret ? NULL : text;
}

/* The "functions: N" line of live; -1 in a module older than 0.2.0. */
static long live_functions(const char *live)
{
	const char *p = live;

	while (p) {
		if (!strncmp(p, "functions:", 10))
			return strtol(p + 10, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

static long hook_functions(struct stat_ctx *sc, const struct khook *kh)
{
	char *live = read_hook_attr(sc->o->root, kh->name, "live");
	long n = live ? live_functions(live) : -1;

	free(live);
	if (n >= 0)
		return n;
	/* counted from the function list, "-" without one */
	if (!sc->sym_tried) {
		symbols_load(&sc->sym, sc->o->functions);
		sc->sym_tried = true;
	}
	return symbols_count(&sc->sym, &kh->live);
}

static void hook_stat_load(struct stat_ctx *sc, const struct khook *kh,
			   struct hook_stat *h)
{
	char *text = read_hook_attr(sc->o->root, kh->name, "stats");

	h->kh = kh;
	h->functions = hook_functions(sc, kh);
	h->hits_rate = -1;
	h->missed_rate = -1;
	if (text)
		parse_stats(h, text);
	free(text);
}

static void snapshot_free(struct snapshot *s)
{
	size_t i;

	for (i = 0; s->h && i < s->ks.n; i++) {
		counts_free(&s->h[i].funcs);
		counts_free(&s->h[i].callers);
	}
	free(s->h);
	kstate_free(&s->ks);
	memset(s, 0, sizeof(*s));
}

static int snapshot_take(struct stat_ctx *sc, struct snapshot *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &s->mono);
	clock_gettime(CLOCK_REALTIME, &s->real);
	s->elapsed = -1;
	if (kstate_open(&s->ks, sc->o->root) || kstate_load(&s->ks))
		return EXIT_FAILED;
	s->h = xcalloc(s->ks.n, sizeof(*s->h));
	for (i = 0; i < s->ks.n; i++)
		hook_stat_load(sc, &s->ks.hooks[i], &s->h[i]);
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct count *x = a, *y = b;
	int d = strcmp(x->func, y->func);

	if (!d)
		d = strcmp(x->module ? x->module : "", y->module ? y->module : "");
	if (!d)
		d = strcmp(x->caller ? x->caller : "", y->caller ? y->caller : "");
	return d;
}

/* By rate when known, then by hits, highest first, then by name. */
static int cmp_top(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate < y->rate ? 1 : -1;
	if (x->hits != y->hits)
		return x->hits < y->hits ? 1 : -1;
	return cmp_key(a, b);
}

/* A reset restarts the counters from zero. */
static double rate(unsigned long long now, unsigned long long before,
		   double secs)
{
	return (double)(now >= before ? now - before : now) / secs;
}

static void counts_rates(struct counts *cs, struct counts *old, double secs)
{
	const struct count *was;
	size_t i;

	if (old->n)
		qsort(old->v, old->n, sizeof(*old->v), cmp_key);
	for (i = 0; i < cs->n; i++) {
		was = old->n ? bsearch(&cs->v[i], old->v, old->n,
				       sizeof(*old->v), cmp_key) : NULL;
		cs->v[i].rate = rate(cs->v[i].hits, was ? was->hits : 0, secs);
	}
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (a->tv_sec - b->tv_sec) + (a->tv_nsec - b->tv_nsec) / 1e9;
}

/* Rates of @s since @old; a hook or function new since then counts from 0. */
static void snapshot_rates(struct snapshot *s, struct snapshot *old)
{
	struct counts none = { 0 };
	const struct khook *okh;
	struct hook_stat *h, *oh;
	double secs;
	size_t i;

	secs = ts_diff(&s->mono, &old->mono);
	if (secs < 0.001)
		secs = 0.001;
	s->elapsed = secs;
	for (i = 0; i < s->ks.n; i++) {
		h = &s->h[i];
		okh = kstate_find(&old->ks, h->kh->name);
		oh = okh ? &old->h[okh - old->ks.hooks] : NULL;
		h->hits_rate = rate(h->kh->hits, okh ? okh->hits : 0, secs);
		h->missed_rate = rate(h->kh->missed, okh ? okh->missed : 0,
				      secs);
		counts_rates(&h->funcs, oh ? &oh->funcs : &none, secs);
		counts_rates(&h->callers, oh ? &oh->callers : &none, secs);
	}
}

/* Sort for showing, and leave out what has no hits. */
static void counts_top(struct counts *cs)
{
	if (cs->n)
		qsort(cs->v, cs->n, sizeof(*cs->v), cmp_top);
	while (cs->n && !cs->v[cs->n - 1].hits) {
		cs->n--;
		free(cs->v[cs->n].func);
		free(cs->v[cs->n].module);
		free(cs->v[cs->n].caller);
	}
}

static size_t top_n(const struct stat_ctx *sc, const struct counts *cs)
{
	unsigned int top = sc->o->top;

	return top && top < cs->n ? top : cs->n;
}

static int cmp_hook_rate(const void *a, const void *b)
{
	const struct hook_stat *x = *(const struct hook_stat * const *)a;
	const struct hook_stat *y = *(const struct hook_stat * const *)b;

	if (x->hits_rate != y->hits_rate)
		return x->hits_rate < y->hits_rate ? 1 : -1;
	return strcmp(x->kh->name, y->kh->name);
}

/* The hooks in the order to show them: by name, or by rate when watching. */
static const struct hook_stat **hook_order(const struct stat_ctx *sc,
					   struct snapshot *s)
{
	const struct hook_stat **order = xcalloc(s->ks.n, sizeof(*order));
	size_t i;

	for (i = 0; i < s->ks.n; i++) {
		counts_top(&s->h[i].funcs);
		counts_top(&s->h[i].callers);
		order[i] = &s->h[i];
	}
	if (sc->o->watch && s->ks.n)
		qsort(order, s->ks.n, sizeof(*order), cmp_hook_rate);
	return order;
}

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
		if (c->module)
			cell(&t, "%s [%s]", c->func, c->module);
		else
			cell(&t, "%s", c->func);
		if (callers)
			cell(&t, "%s", c->caller);
	}
	table_print(f, &t, "  ");
}

static void print_text(FILE *f, const struct stat_ctx *sc,
		       const struct snapshot *s,
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

static void counts_json(struct json *j, const struct stat_ctx *sc,
			const char *key, const struct counts *cs)
{
	const struct count *c;
	size_t i, n = top_n(sc, cs);

	j_open(j, key, '[');
	for (i = 0; i < n; i++) {
		c = &cs->v[i];
		j_open(j, NULL, '{');
		j_str(j, "function", c->func);
		j_str(j, "module", c->module);
		if (c->caller)
			j_str(j, "caller", c->caller);
		j_num(j, "hits", c->hits);
		if (sc->o->watch)
			j_real(j, "hits_per_sec", c->rate);
		j_close(j, '}');
	}
	j_close(j, ']');
}

static void hook_json(struct json *j, const struct stat_ctx *sc,
		      const struct hook_stat *h)
{
	const struct khook *kh = h->kh;
	size_t i;

	j_open(j, NULL, '{');
	j_str(j, "hook", kh->name);
	j_bool(j, "enabled", kh->enabled);
	j_num(j, "generation", kh->generation);
	if (h->functions < 0)
		j_str(j, "functions", NULL);
	else
		j_num(j, "functions", h->functions);
	j_num(j, "hits", kh->hits);
	j_num(j, "missed", kh->missed);
	if (sc->o->watch) {
		j_real(j, "hits_per_sec", h->hits_rate);
		j_real(j, "missed_per_sec", h->missed_rate);
	}
	j_str(j, "tag", kh->tag);
	j_strv(j, "filter", &kh->live.filter);
	j_strv(j, "notrace", &kh->live.notrace);
	j_strv(j, "flags", &kh->live.flags);
	j_strv(j, "action", &kh->live.action);
	j_num(j, "args", kh->live.args);
	j_num(j, "stack_depth", kh->live.stack_depth);
	j_str(j, "target", kh->live.target);
	j_open(j, "pids", '[');
	for (i = 0; i < kh->live.pids.n; i++)
		j_num(j, NULL, strtoull(kh->live.pids.v[i], NULL, 10));
	j_close(j, ']');
	j_strv(j, "comm", &kh->live.comm);
	j_num(j, "sample", kh->live.sample);
	j_str(j, "last_error", kh->last_error);
	counts_json(j, sc, "top_functions", &h->funcs);
	counts_json(j, sc, "top_callers", &h->callers);
	j_close(j, '}');
}

static void print_json(FILE *f, const struct stat_ctx *sc,
		       const struct snapshot *s,
		       const struct hook_stat **order)
{
	struct json j = { .f = f };
	char when[64];
	struct tm tm;
	size_t i;

	j_open(&j, NULL, '{');
	j_str(&j, "root", s->ks.root);
	j_str(&j, "version", s->ks.version);
	if (sc->o->watch) {
		localtime_r(&s->real.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
		j_str(&j, "time", when);
		j_real(&j, "elapsed", s->elapsed);
	}
	j_open(&j, "hooks", '[');
	for (i = 0; i < s->ks.n; i++)
		hook_json(&j, sc, order[i]);
	j_close(&j, ']');
	j_close(&j, '}');
	fputc('\n', f);
}

/* A label value of the exposition format: \, " and newline escaped. */
static void prom_label(FILE *f, const char *name, const char *val, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *val; val++) {
		if (*val == '\\' || *val == '"')
			fprintf(f, "\\%c", *val);
		else if (*val == '\n')
			fputs("\\n", f);
		else
			fputc(*val, f);
	}
	fputc('"', f);
}

static void prom_family(FILE *f, const char *name, const char *type,
			const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

enum prom_hook_metric {
	PROM_ENABLED,
	PROM_GENERATION,
	PROM_FUNCTIONS,
	PROM_HITS,
	PROM_MISSED,
	NR_PROM_HOOK,
};

static const struct prom_metric {
	const char *name;
	const char *type;
	const char *help;
} prom_hook[NR_PROM_HOOK] = {
	[PROM_ENABLED] = { "fhook_hook_enabled", "gauge",
		"Whether the hook is enabled (1) or not (0)." },
	[PROM_GENERATION] = { "fhook_hook_generation", "gauge",
		"Successful commits of the hook's configuration." },
	[PROM_FUNCTIONS] = { "fhook_hook_functions", "gauge",
		"Functions the hook's live configuration hooks." },
	[PROM_HITS] = { "fhook_hook_hits_total", "counter",
		"Calls that reached the hook's actions." },
	[PROM_MISSED] = { "fhook_hook_missed_total", "counter",
		"Calls that reached the hook but were dropped." },
};

static bool prom_hook_value(const struct hook_stat *h, int m,
			    unsigned long long *val)
{
	switch (m) {
	case PROM_ENABLED:
		*val = h->kh->enabled;
		return true;
	case PROM_GENERATION:
		*val = h->kh->generation;
		return true;
	case PROM_FUNCTIONS:
		*val = h->functions;
		return h->functions >= 0;
	case PROM_HITS:
		*val = h->kh->hits;
		return true;
	default:
		*val = h->kh->missed;
		return true;
	}
}

static void prom_counts(FILE *f, const struct stat_ctx *sc,
			const struct hook_stat *h, bool callers)
{
	const struct counts *cs = callers ? &h->callers : &h->funcs;
	const struct count *c;
	size_t i, n = top_n(sc, cs);

	for (i = 0; i < n; i++) {
		c = &cs->v[i];
		fprintf(f, "fhook_%s_hits_total{", callers ? "caller" : "function");
		prom_label(f, "hook", h->kh->name, true);
		prom_label(f, "function", c->func, false);
		if (c->module)
			prom_label(f, "module", c->module, false);
		if (callers)
			prom_label(f, "caller", c->caller, false);
		fprintf(f, "} %llu\n", c->hits);
	}
}

/* node_exporter's textfile collector format. */
static void print_prometheus(FILE *f, const struct stat_ctx *sc,
			     const struct snapshot *s)
{
	unsigned long long val;
	size_t i;
	int m;

	for (m = 0; m < NR_PROM_HOOK; m++) {
		prom_family(f, prom_hook[m].name, prom_hook[m].type,
			    prom_hook[m].help);
		for (i = 0; i < s->ks.n; i++) {
			if (!prom_hook_value(&s->h[i], m, &val))
				continue;
			fprintf(f, "%s{", prom_hook[m].name);
			prom_label(f, "hook", s->h[i].kh->name, true);
			fprintf(f, "} %llu\n", val);
		}
	}
	prom_family(f, "fhook_function_hits_total", "counter",
		    "Calls of one hooked function (action count).");
	for (i = 0; i < s->ks.n; i++)
		prom_counts(f, sc, &s->h[i], false);
	prom_family(f, "fhook_caller_hits_total", "counter",
		    "Calls of one hooked function from one call site (action callers).");
	for (i = 0; i < s->ks.n; i++)
		prom_counts(f, sc, &s->h[i], true);
}

/* The textfile collector must never read a half-written file. */
static int write_prometheus(const struct stat_ctx *sc, const struct snapshot *s)
{
	const char *path = sc->o->output;
	const char *failed;
	char *tmp;
	int err = 0;
	FILE *f;

	xasprintf(&tmp, "%s.tmp.%d", path, (int)getpid());
	failed = tmp;
	f = fopen(tmp, "w");
	if (!f) {
		err = errno;
	} else {
		print_prometheus(f, sc, s);
		if (fflush(f) || ferror(f))
			err = errno ? errno : EIO;
		if (fclose(f) && !err)
			err = errno;
		if (!err && rename(tmp, path)) {
			err = errno;
			failed = path;
		}
		if (err)
			unlink(tmp);
	}
	if (err)
		errmsg("%s: %s", failed, strerror(err));
	free(tmp);
	return err ? EXIT_FAILED : 0;
}

static void frame_header(FILE *f, const struct stat_ctx *sc,
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

static int show(struct stat_ctx *sc, struct snapshot *s)
{
	const struct hook_stat **order = hook_order(sc, s);
	int ret = 0;

	switch (sc->o->format) {
	case STAT_TEXT:
		if (sc->o->watch)
			frame_header(stdout, sc, s);
		print_text(stdout, sc, s, order);
		break;
	case STAT_JSON:
		print_json(stdout, sc, s, order);
		break;
	case STAT_PROMETHEUS:
		if (sc->o->output && strcmp(sc->o->output, "-"))
			ret = write_prometheus(sc, s);
		else
			print_prometheus(stdout, sc, s);
		break;
	}
	free(order);
	sc->frames++;
	if (fflush(stdout)) {
		errmsg("standard output: %s", strerror(errno));
		ret = EXIT_FAILED;
	}
	return ret;
}

/*
 * SIGINT and SIGTERM are blocked while watching and only taken here, so
 * one that comes while a frame is read or printed ends the next wait.
 * False when one came.
 */
static bool wait_until(const struct timespec *when, const sigset_t *sigs)
{
	struct timespec now, left;
	double secs;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		secs = ts_diff(when, &now);
		if (secs <= 0)
			return true;
		left.tv_sec = (time_t)secs;
		left.tv_nsec = (long)((secs - left.tv_sec) * 1e9);
		if (sigtimedwait(sigs, NULL, &left) >= 0)
			return false;
	}
}

static struct timespec ts_add(struct timespec t, double secs)
{
	long long ns = t.tv_nsec + (long long)(secs * 1e9);

	t.tv_sec += ns / 1000000000;
	t.tv_nsec = ns % 1000000000;
	return t;
}

/* A frame per interval until --count frames or a signal; exit code. */
static int watch(struct stat_ctx *sc)
{
	struct snapshot old = { 0 }, cur;
	struct timespec next;
	unsigned long n;
	sigset_t sigs;
	int ret = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	for (n = 0; !ret && (!sc->o->count || n < sc->o->count); n++) {
		if (n && !wait_until(&next, &sigs))
			break;
		ret = snapshot_take(sc, &cur);
		next = ts_add(cur.mono, sc->o->interval);
		if (!ret) {
			if (n)
				snapshot_rates(&cur, &old);
			ret = show(sc, &cur);
		}
		snapshot_free(&old);
		old = cur;
	}
	snapshot_free(&old);
	return ret;
}

int stat_run(const struct stat_opts *o)
{
	struct stat_ctx sc = { .o = o, .tty = isatty(STDOUT_FILENO) };
	struct snapshot s;
	int ret;

	if (o->watch) {
		ret = watch(&sc);
	} else {
		ret = snapshot_take(&sc, &s);
		if (!ret)
			ret = show(&sc, &s);
		snapshot_free(&s);
	}
	symbols_free(&sc.sym);
	return ret;
}
