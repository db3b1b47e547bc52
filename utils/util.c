// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by every part of fhook-apply: allocation that cannot
 * fail (a command-line tool has nothing sensible to do without memory but
 * stop), string vectors, whole-file reads and shell quoting.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fhook-apply.h"

static void out_of_memory(void)
{
	errmsg("out of memory");
	exit(EXIT_FAILED);
}

void xcheck(int ret)
{
	if (ret < 0)
		out_of_memory();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n, size_t size)
{
	p = reallocarray(p, n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		out_of_memory();
	return d;
}

void strv_add(struct strv *sv, const char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? 2 * sv->cap : 8;
		sv->v = xrealloc(sv->v, sv->cap, sizeof(*sv->v));
	}
	sv->v[sv->n++] = xstrdup(s);
}

/* Split at any whitespace, as the module splits what is written to it. */
void strv_add_words(struct strv *sv, const char *text)
{
	const char *start;
	char *word;

	for (;;) {
		while (*text && isspace((unsigned char)*text))
			text++;
		if (!*text)
			return;
		start = text;
		while (*text && !isspace((unsigned char)*text))
			text++;
		word = strndup(start, text - start);
		if (!word)
			out_of_memory();
		strv_add(sv, word);
		free(word);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* The module's canonical glob list: sorted bytewise, duplicates dropped. */
void strv_sort_unique(struct strv *sv)
{
	size_t i, j = 0;

	if (!sv->n)
		return;
	qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
	for (i = 0; i < sv->n; i++) {
		if (j && !strcmp(sv->v[i], sv->v[j - 1])) {
			free(sv->v[i]);
			continue;
		}
		sv->v[j++] = sv->v[i];
	}
	sv->n = j;
}

bool strv_equal(const struct strv *a, const struct strv *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

bool strv_has(const struct strv *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

char *strv_join(const struct strv *sv, const char *sep)
{
	size_t i, len = 1, seplen = strlen(sep);
	char *out, *p;

	for (i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + seplen;
	out = xmalloc(len);
	p = out;
	for (i = 0; i < sv->n; i++) {
		if (i) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		len = strlen(sv->v[i]);
		memcpy(p, sv->v[i], len);
		p += len;
	}
	*p = '\0';
	return out;
}

void strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

/*
 * Read a file to EOF: configfs binary attributes such as "live" can be
 * longer than one read() returns.  Returns 0 or a negative errno.
 */
int read_text(const char *path, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = xmalloc(cap);
	for (;;) {
		if (cap - len < 2048) {
			cap *= 2;
			buf = xrealloc(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

static bool shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("/_.,:+-=@%", *s))
			return false;
	return true;
}

/* @s as one sh word; values never hold a quote, but paths might. */
char *shell_quote(const char *s, bool always)
{
	size_t len = 3;
	const char *c;
	char *out, *p;

	if (!always && shell_safe(s))
		return xstrdup(s);
	for (c = s; *c; c++)
		len += *c == '\'' ? 4 : 1;
	out = xmalloc(len);
	p = out;
	*p++ = '\'';
	for (c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *c;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}
