// SPDX-License-Identifier: GPL-2.0
/*
 * Errors as data: each is kept (file, line, message) as well as printed,
 * so that --json can put every outcome, errors included, in its one
 * document on stdout while stderr keeps the familiar text.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fhook-apply.h"

/* Every errmsg() of the run: the errors of a --json error document. */
struct diags run_diags;

static void diags_vadd(struct diags *d, bool warning, const char *file,
		       unsigned int line, const char *fmt, va_list ap)
{
	struct diag *e;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = xrealloc(d->v, d->cap, sizeof(*d->v));
	}
	e = &d->v[d->n++];
	e->warning = warning;
	e->file = file ? xstrdup(file) : NULL;
	e->line = line;
	xcheck(vasprintf(&e->message, fmt, ap));
	if (!warning)
		d->errors++;
}

void diags_add(struct diags *d, bool warning, const char *file,
	       unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(d, warning, file, line, fmt, ap);
	va_end(ap);
}

/* "prog: file:line: [warning: ]message", from entry @from on. */
void diags_print(FILE *f, const struct diags *d, size_t from)
{
	const struct diag *e;
	size_t i;

	/* by index: d->v is NULL while there is none, and NULL + 0 is UB */
	for (i = from; i < d->n; i++) {
		e = &d->v[i];
		fprintf(f, "%s: ", prog);
		if (e->file && e->line)
			fprintf(f, "%s:%u: ", e->file, e->line);
		else if (e->file)
			fprintf(f, "%s: ", e->file);
		fprintf(f, "%s%s\n", e->warning ? "warning: " : "", e->message);
	}
}

/* The errors (not the warnings) as an array of objects. */
void diags_json(struct json *j, const char *key, const struct diags *d)
{
	const struct diag *e;
	size_t i;

	j_open(j, key, '[');
	for (i = 0; i < d->n; i++) {
		e = &d->v[i];
		if (e->warning)
			continue;
		j_open(j, NULL, '{');
		j_str(j, "file", e->file);
		if (e->line)
			j_num(j, "line", e->line);
		else
			j_str(j, "line", NULL);
		j_str(j, "message", e->message);
		j_close(j, '}');
	}
	j_close(j, ']');
}

void diags_free(struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].message);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void errmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_vadd(&run_diags, false, NULL, 0, fmt, ap);
	va_end(ap);
	diags_print(stderr, &run_diags, run_diags.n - 1);
}

/*
 * Edit distance with transpositions (optimal string alignment): "cuont"
 * is one step from "count".  Words longer than this are never typos of a
 * key, flag or action.
 */
#define SUGGEST_LEN	64

static unsigned int distance(const char *a, const char *b)
{
	unsigned int d[SUGGEST_LEN + 1][SUGGEST_LEN + 1];
	size_t la = strlen(a), lb = strlen(b), i, k;
	unsigned int best;

	if (la > SUGGEST_LEN || lb > SUGGEST_LEN)
		return ~0u;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (k = 0; k <= lb; k++)
		d[0][k] = k;
	for (i = 1; i <= la; i++) {
		for (k = 1; k <= lb; k++) {
			best = d[i - 1][k - 1] + (a[i - 1] != b[k - 1]);
			if (d[i - 1][k] + 1 < best)
				best = d[i - 1][k] + 1;
			if (d[i][k - 1] + 1 < best)
				best = d[i][k - 1] + 1;
			if (i > 1 && k > 1 && a[i - 1] == b[k - 2] &&
			    a[i - 2] == b[k - 1] && d[i - 2][k - 2] + 1 < best)
				best = d[i - 2][k - 2] + 1;
			d[i][k] = best;
		}
	}
	return d[la][lb];
}

/*
 * The one word of @known that @word was probably meant to be: the same
 * but for case, else the only closest within two edits, and one edit in
 * three letters at most ("bad" is not a typo of "tag").  NULL when there
 * is none, or a tie.
 */
const char *suggest(const char *word, const struct strv *known)
{
	unsigned int best = 3, d;
	const char *found = NULL;
	size_t i;

	for (i = 0; i < known->n; i++)
		if (!strcasecmp(word, known->v[i]))
			return known->v[i];
	for (i = 0; i < known->n; i++) {
		d = distance(word, known->v[i]);
		if (3 * d > strlen(known->v[i]) || d > best)
			continue;
		found = d < best ? known->v[i] : NULL;
		best = d;
	}
	return found;
}
