// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-stat: a snapshot is the hooks as kstate.c reads them plus, per
 * hook, the function count of its live attribute and the counts of its
 * stats attribute.  What an older module lacks (stats, the functions line
 * of live) only leaves that part empty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stat.h"

void count_free(struct count *c)
{
	free(c->func);
	free(c->module);
	free(c->address);
	free(c->caller);
}

static void counts_free(struct counts *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		count_free(&cs->v[i]);
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

/*
 * The "[module]" and " 0xSTART" that may follow a function's name, in
 * that order: a namesake's address tells it from the others of its hook.
 * False for a text of another shape.
 */
static bool parse_function(char *text, char **mod, char **addr)
{
	char *word = strchr(text, ' '), *next;
	size_t len;

	*mod = NULL;
	*addr = NULL;
	if (!word)
		return true;
	*word++ = '\0';
	if (*word == '[') {
		next = strchr(word, ' ');
		if (next)
			*next++ = '\0';
		len = strlen(word);
		if (len < 3 || word[len - 1] != ']')
			return false;
		word[len - 1] = '\0';
		*mod = word + 1;
		word = next;
	}
	if (!word)
		return true;
	*addr = word;
	return !strncmp(word, "0x", 2) && word[2] &&
	       strspn(word + 2, "0123456789abcdef") == strlen(word + 2);
}

/*
 * "HITS FUNCTION", FUNCTION as functions writes it ("name", "name
 * [module]", either with " 0xSTART" for namesakes), followed by
 * " <- CALLER" in a caller's line.  False for a line of another shape,
 * which is skipped: a newer module may add some.
 */
static bool parse_count(char *line, struct counts *cs)
{
	char *end, *arrow, *mod, *addr;
	unsigned long long hits;
	struct count *c;

	errno = 0;
	hits = strtoull(line, &end, 10);
	if (errno || end == line || *end != ' ' || !end[1])
		return false;
	line = end + 1;
	arrow = strstr(line, " <- ");
	if (arrow)
		*arrow = '\0';
	if (!parse_function(line, &mod, &addr))
		return false;
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? 2 * cs->cap : 64;
		cs->v = xrealloc(cs->v, cs->cap, sizeof(*cs->v));
	}
	c = &cs->v[cs->n++];
	c->func = xstrdup(line);
	c->module = mod ? xstrdup(mod) : NULL;
	c->address = addr ? xstrdup(addr) : NULL;
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

void snapshot_free(struct snapshot *s)
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

/* s->err when the hooks could not be read (printed): s shows that. */
void snapshot_take(struct stat_ctx *sc, struct snapshot *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &s->mono);
	clock_gettime(CLOCK_REALTIME, &s->real);
	s->elapsed = -1;
	s->err = kstate_open(&s->ks, sc->o->root);
	if (!s->err)
		s->err = kstate_load(&s->ks);
	if (s->err) {
		/* a half-read table is not shown: the output says "down" */
		kstate_free(&s->ks);
		s->ks.root = sc->o->root;
		return;
	}
	s->h = xcalloc(s->ks.n, sizeof(*s->h));
	for (i = 0; i < s->ks.n; i++)
		hook_stat_load(sc, &s->ks.hooks[i], &s->h[i]);
}
