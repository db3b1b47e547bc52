// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-stat --json: one document per snapshot, on one line, so that
 * --watch gives one per line.  When the hooks could not be read the
 * document says so ("up": false) instead of leaving the reader nothing.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "stat.h"

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
		if (c->address)
			j_str(j, "address", c->address);
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
	struct hook_ref ref;
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
	ref = khook_ref(kh);
	attr_json(j, "args", attr_find("args"), &ref);
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

static void json_time(struct json *j, const struct stat_ctx *sc,
		      const struct snapshot *s)
{
	char when[64];
	struct tm tm;

	if (!sc->o->watch)
		return;
	localtime_r(&s->real.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
	j_str(j, "time", when);
}

/* The same error as on stderr, for a reader that only sees stdout. */
static void print_down(struct json *j, const struct stat_ctx *sc,
		       const struct snapshot *s)
{
	char *error;

	xasprintf(&error, "%s: %s", s->ks.root, strerror(-s->err));
	j_open(j, NULL, '{');
	j_bool(j, "up", false);
	j_str(j, "root", s->ks.root);
	json_time(j, sc, s);
	j_str(j, "error", error);
	j_end(j);
	free(error);
}

void print_json(FILE *f, const struct stat_ctx *sc, const struct snapshot *s,
		const struct hook_stat **order)
{
	struct json j = { .f = f };
	size_t i;

	if (s->err) {
		print_down(&j, sc, s);
		return;
	}
	j_open(&j, NULL, '{');
	j_str(&j, "root", s->ks.root);
	j_str(&j, "version", s->ks.version);
	json_time(&j, sc, s);
	if (sc->o->watch)
		j_real(&j, "elapsed", s->elapsed);
	j_open(&j, "hooks", '[');
	for (i = 0; i < s->ks.n; i++)
		hook_json(&j, sc, order[i]);
	j_close(&j, ']');
	j_end(&j);
}
