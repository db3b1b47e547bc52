// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal JSON writer for --json output: objects, arrays, strings,
 * numbers.  The caller opens and closes; this keeps the commas right.
 */
#include "fhook-apply.h"

static void j_string(struct json *j, const char *s)
{
	fputc('"', j->f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(j->f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(j->f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, j->f);
	}
	fputc('"', j->f);
}

/* A comma unless first, then "key": unless inside an array (NULL). */
static void j_key(struct json *j, const char *key)
{
	if (j->comma)
		fputc(',', j->f);
	j->comma = true;
	if (key) {
		j_string(j, key);
		fputc(':', j->f);
	}
}

void j_open(struct json *j, const char *key, char c)
{
	j_key(j, key);
	fputc(c, j->f);
	j->comma = false;
}

void j_close(struct json *j, char c)
{
	fputc(c, j->f);
	j->comma = true;
}

void j_str(struct json *j, const char *key, const char *val)
{
	j_key(j, key);
	if (val)
		j_string(j, val);
	else
		fputs("null", j->f);
}

void j_num(struct json *j, const char *key, unsigned long long val)
{
	j_key(j, key);
	fprintf(j->f, "%llu", val);
}

/* A rate; negative means "not known yet": null. */
void j_real(struct json *j, const char *key, double val)
{
	j_key(j, key);
	if (val < 0)
		fputs("null", j->f);
	else
		fprintf(j->f, "%.6f", val);
}

void j_bool(struct json *j, const char *key, bool val)
{
	j_key(j, key);
	fputs(val ? "true" : "false", j->f);
}

void j_strv(struct json *j, const char *key, const struct strv *sv)
{
	size_t i;

	j_open(j, key, '[');
	for (i = 0; i < sv->n; i++)
		j_str(j, NULL, sv->v[i]);
	j_close(j, ']');
}

/* A run with --json that printed none prints its errors as one. */
unsigned int json_documents;

/* Close the top-level object and end the line: one document a line. */
void j_end(struct json *j)
{
	j_close(j, '}');
	fputc('\n', j->f);
	json_documents++;
}
