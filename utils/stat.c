// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-stat (and fhook-apply --status): what the hooks are doing, once
 * or, with --watch, every interval with rates from the difference between
 * the last two snapshots.  A watch outlives the module: a refresh that
 * cannot read the hooks says so in the output (fhook_up 0, "up": false)
 * and the next one tries again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stat.h"

/* 0, or EXIT_FAILED when the output could not be written (printed). */
static int show(struct stat_ctx *sc, struct snapshot *s)
{
	const struct hook_stat **order = hook_order(sc, s);
	int ret = 0;

	switch (sc->o->format) {
	case STAT_TEXT:
		if (sc->o->watch)
			frame_header(stdout, sc, s);
		/* the error on stderr is all that text has to say */
		if (!s->err)
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

/*
 * A frame per interval until --count frames or a signal.  The exit code
 * is the last frame's; only an output that cannot be written ends it early.
 */
static int watch(struct stat_ctx *sc)
{
	struct snapshot old = { 0 }, cur = { 0 };
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
		snapshot_take(sc, &cur);
		next = ts_add(cur.mono, sc->o->interval);
		/* after a frame that could not read, rates start again */
		if (n && !cur.err && !old.err)
			snapshot_rates(&cur, &old);
		ret = show(sc, &cur);
		snapshot_free(&old);
		old = cur;
	}
	if (!ret && old.err)
		ret = EXIT_FAILED;
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
		snapshot_take(&sc, &s);
		ret = show(&sc, &s);
		if (!ret && s.err)
			ret = EXIT_FAILED;
		snapshot_free(&s);
	}
	symbols_free(&sc.sym);
	return ret;
}
