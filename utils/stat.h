/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fhook-stat's own parts, shared by its files only: stat-collect.c reads
 * a snapshot, stat-rate.c turns two into rates and ranks what to show,
 * stat-text.c, stat-json.c and stat-prom.c print one each, and stat.c
 * runs them once or every interval.
 */
#ifndef FHOOK_STAT_H
#define FHOOK_STAT_H

#include <time.h>

#include "fhook-apply.h"

/* One line of stats: a function's count, or a (function, caller) pair's. */
struct count {
	char *func;
	char *module;		/* NULL: not a module's function */
	char *address;		/* "0x...": a namesake's start, else NULL */
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
	int err;		/* 0, or -errno: the hooks could not be read */
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

/* stat-collect.c */
void snapshot_take(struct stat_ctx *sc, struct snapshot *s);
void snapshot_free(struct snapshot *s);
void count_free(struct count *c);

/* stat-rate.c */
double ts_diff(const struct timespec *a, const struct timespec *b);
void snapshot_rates(struct snapshot *s, struct snapshot *old);
const struct hook_stat **hook_order(const struct stat_ctx *sc,
				    struct snapshot *s);
size_t top_n(const struct stat_ctx *sc, const struct counts *cs);

/* stat-text.c */
void frame_header(FILE *f, const struct stat_ctx *sc,
		  const struct snapshot *s);
void print_text(FILE *f, const struct stat_ctx *sc, const struct snapshot *s,
		const struct hook_stat **order);

/* stat-json.c */
void print_json(FILE *f, const struct stat_ctx *sc, const struct snapshot *s,
		const struct hook_stat **order);

/* stat-prom.c */
void print_prometheus(FILE *f, const struct stat_ctx *sc,
		      const struct snapshot *s);
int write_prometheus(const struct stat_ctx *sc, const struct snapshot *s);

#endif /* FHOOK_STAT_H */
