// SPDX-License-Identifier: GPL-2.0
/*
 * Explicit fetch specifications, NAME=FETCH[:TYPE], checked by the
 * module's rules (module/fetch.c, configfs-layout.md "args") and spelt
 * the way the module reads them back, so that a profile written with
 * "+0x28($arg1)" or without a type compares equal to the live hook.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

static const char * const fetch_types[] = {
	"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
	"x8", "x16", "x32", "x64", "string", "ustring",
};

/* The field names the per-hook event has of its own, besides common_*. */
static const char * const fetch_reserved[] = {
	"func", "caller", "fhook_layout",
};

bool fetch_type_known(const char *type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fetch_types); i++)
		if (!strcmp(type, fetch_types[i]))
			return true;
	return false;
}

/* 0, or -EINVAL with why @name cannot name a field. */
int fetch_name_check(const char *name, char *err, size_t len)
{
	size_t i, n = strlen(name);

	for (i = 0; i < n; i++)
		if (!isascii(name[i]) ||
		    !(isalpha(name[i]) || name[i] == '_' ||
		      (i && isdigit(name[i]))))
			break;
	if (!n || i < n || n >= FETCH_NAME_MAX) {
		snprintf(err, len,
			 "a name is a letter or '_', then letters, digits or '_', %d bytes at most",
			 FETCH_NAME_MAX - 1);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(fetch_reserved); i++)
		if (!strcmp(name, fetch_reserved[i]))
			break;
	if (i < ARRAY_SIZE(fetch_reserved) || !strncmp(name, "common_", 7)) {
		snprintf(err, len, "name '%s' is reserved", name);
		return -EINVAL;
	}
	return 0;
}

/* Decimal or 0x hex, all of @s[0..@n), at most @max, as the module. */
static bool fetch_number(const char *s, size_t n, unsigned long max,
			 unsigned long *val)
{
	unsigned int base = 10, d;
	unsigned long v = 0;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (!isascii(s[i]) || !isxdigit(s[i]))
			return false;
		d = isdigit(s[i]) ? s[i] - '0' : tolower(s[i]) - 'a' + 10;
		if (d >= base || d > max || v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*val = v;
	return true;
}

/*
 * FETCH of @s[0..@n) in canonical form into @out (a buffer of
 * @size, large enough for any input of that length plus 16 bytes per
 * dereference): "+OFF(" prefixes in decimal, then "$argN", then ")"s.
 */
static int fetch_expr(const struct limits *l, const char *s, size_t n,
		      char *out, size_t size, char *err, size_t len)
{
	unsigned long v, arg;
	unsigned int depth = 0, i;
	size_t o = 0;
	const char *open;

	while (n && (s[0] == '+' || s[0] == '-')) {
		if (depth == l->fetch_depth) {
			snprintf(err, len, "more than %lu dereferences",
				 l->fetch_depth);
			return -EINVAL;
		}
		open = memchr(s, '(', n);
		if (!open || s[n - 1] != ')') {
			snprintf(err, len,
				 "a dereference is +OFFSET(FETCH), in parentheses");
			return -EINVAL;
		}
		if (!fetch_number(s + 1, open - s - 1, FETCH_OFF_MAX, &v)) {
			snprintf(err, len,
				 "offset must be a decimal or 0x number up to %#x",
				 FETCH_OFF_MAX);
			return -EINVAL;
		}
		o += snprintf(out + o, size - o, "%s%lu(",
			      s[0] == '-' && v ? "-" : "+", v);
		depth++;
		n -= open + 1 - s + 1;
		s = open + 1;
	}
	if (n < 5 || strncmp(s, "$arg", 4) || !isdigit((unsigned char)s[4]) ||
	    !fetch_number(s + 4, n - 4, l->args, &arg) || arg < 1) {
		snprintf(err, len, "a fetch is $arg1 to $arg%lu or +OFFSET(FETCH)",
			 l->args);
		return -EINVAL;
	}
	o += snprintf(out + o, size - o, "$arg%lu", arg);
	for (i = 0; i < depth; i++)
		o += snprintf(out + o, size - o, ")");
	return 0;
}

/* Whether a profile's entry of "args" is a specification, not BTF's. */
bool fetch_is_spec(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq && strchr("$+-", eq[1] ? eq[1] : 'x');
}

/*
 * @spec, NAME=FETCH[:TYPE], as the module reads it back (*@out, to be
 * freed), or -EINVAL with the reason in @err.
 */
int fetch_canonical(const struct limits *l, const char *spec, char **out,
		    char *err, size_t len)
{
	const char *eq = strchr(spec, '='), *colon, *type = "x64";
	char *name, *expr;
	size_t n, size;
	int ret;

	*out = NULL;
	if (!eq) {
		snprintf(err, len, "a fetch is NAME=FETCH[:TYPE]");
		return -EINVAL;
	}
	name = strndup(spec, eq - spec);
	ret = fetch_name_check(name, err, len);
	free(name);
	if (ret)
		return ret;
	colon = strchr(eq + 1, ':');
	n = colon ? (size_t)(colon - eq - 1) : strlen(eq + 1);
	if (colon && !fetch_type_known(colon + 1)) {
		snprintf(err, len,
			 "unknown type: u8..u64, s8..s64, x8..x64, string or ustring");
		return -EINVAL;
	}
	if (colon)
		type = colon + 1;
	size = n + 16 * (l->fetch_depth + 1) + 16;
	expr = xmalloc(size);
	ret = fetch_expr(l, eq + 1, n, expr, size, err, len);
	if (!ret)
		xasprintf(out, "%.*s=%s:%s", (int)(eq - spec), spec, expr, type);
	free(expr);
	return ret;
}

/* The field name of canonical spec @spec: it ends at its '='. */
size_t fetch_name_len(const char *spec)
{
	return strcspn(spec, "=");
}
