// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-stat --prometheus: node_exporter's textfile collector format, on
 * stdout or written atomically to a file.  fhook_up says whether the
 * hooks could be read; when they could not, it is the only series, so
 * that no counter of a module that is gone is served as if current.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stat.h"

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
		if (c->address)
			prom_label(f, "address", c->address, false);
		if (callers)
			prom_label(f, "caller", c->caller, false);
		fprintf(f, "} %llu\n", c->hits);
	}
}

void print_prometheus(FILE *f, const struct stat_ctx *sc,
		      const struct snapshot *s)
{
	unsigned long long val;
	size_t i;
	int m;

	prom_family(f, "fhook_up", "gauge",
		    "Whether fhook's configfs directory could be read (1) or not (0).");
	fprintf(f, "fhook_up %d\n", !s->err);
	if (s->err)
		return;
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
int write_prometheus(const struct stat_ctx *sc, const struct snapshot *s)
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
