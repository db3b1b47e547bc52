// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-stat: rates from the difference between two snapshots, and the
 * order to show hooks and functions in: by rate when watching, else by
 * hits.  A counter that went down was reset and counts from zero.
 */
#include <stdlib.h>
#include <string.h>

#include "stat.h"

static int cmp_key(const void *a, const void *b)
{
	const struct count *x = a, *y = b;
	int d = strcmp(x->func, y->func);

	if (!d)
		d = strcmp(x->module ? x->module : "", y->module ? y->module : "");
	if (!d)
		d = strcmp(x->address ? x->address : "",
			   y->address ? y->address : "");
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

double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (a->tv_sec - b->tv_sec) + (a->tv_nsec - b->tv_nsec) / 1e9;
}

/* Rates of @s since @old; a hook or function new since then counts from 0. */
void snapshot_rates(struct snapshot *s, struct snapshot *old)
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
		count_free(&cs->v[cs->n]);
	}
}

/* How many of @cs to show: --top of them, all when it is 0. */
size_t top_n(const struct stat_ctx *sc, const struct counts *cs)
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
const struct hook_stat **hook_order(const struct stat_ctx *sc,
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
