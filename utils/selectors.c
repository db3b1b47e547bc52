// SPDX-License-Identifier: GPL-2.0
/*
 * The tokens of filter and notrace that are not plain globs
 * (configfs-layout.md): "GLOB:mod:MODULE", tracefs's module selector,
 * which the module also applies to a matching module that loads later;
 * and "0xHEX", the start of one function as /proc/kallsyms prints it.
 * Both may follow a '!'.  The module reads an address back in one
 * spelling only, so the profile's is rewritten to it before comparing:
 * "0xFFFF0010" and "0xffff0010" must not make a difference.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

static const char *token_body(const char *tok)
{
	return tok + (tok[0] == '!');
}

/* "0x" or "0X": no function name starts with a digit. */
bool token_is_address(const char *tok)
{
	const char *body = token_body(tok);

	return body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
}

/* MODULE of a "GLOB:mod:MODULE" token (after its first ":mod:"), or NULL. */
const char *token_module(const char *tok)
{
	const char *sel = strstr(tok, MOD_SELECTOR);

	return sel ? sel + strlen(MOD_SELECTOR) : NULL;
}

/*
 * The address @tok names; false unless it is hex digits only, at most 16
 * of them after its leading zeros ("0x00ffffffffc0001000" is fine), and
 * not 0: the module's own limits (address_canon() in module/parse.c).
 */
static bool address_value(const char *tok, unsigned long *val)
{
	const char *hex = token_body(tok) + 2;
	size_t digits = strlen(hex);
	char *end;

	/* strtoul() alone would take "0x0x1", " 1" or "-1" */
	if (!digits || strspn(hex, "0123456789abcdefABCDEF") != digits)
		return false;
	/* Leading zeros are no digits of the value. */
	digits -= strspn(hex, "0");
	if (digits > 16)
		return false;
	errno = 0;
	*val = strtoul(hex, &end, 16);
	return !errno && !*end && *val;
}

int rule_address(const char *tok, char *err, size_t len)
{
	unsigned long val;

	if (address_value(tok, &val))
		return 0;
	snprintf(err, len, "bad address '%.40s'", tok);
	return -EINVAL;
}

/*
 * A token with ":mod:": a glob before it, and after it a module name or
 * a glob of names, which may also hold '-'.
 */
int rule_selector(const char *tok, char *err, size_t len)
{
	const char *body = token_body(tok), *mod = token_module(body);
	size_t g = mod - strlen(MOD_SELECTOR) - body;
	int ret;

	if (!g) {
		snprintf(err, len, "glob missing in selector '%s'", tok);
		return -EINVAL;
	}
	if (!*mod) {
		snprintf(err, len, "module name missing in selector '%s'", tok);
		return -EINVAL;
	}
	ret = glob_chars(tok, body, g, "", "glob ", err, len);
	if (!ret)
		ret = glob_chars(tok, mod, strlen(mod), "-", "module name of ",
				 err, len);
	return ret;
}

/*
 * @tok as the module reads it back: an address as "%#lx" prints it,
 * lowercase without leading zeros, anything else as it is.  @tok must
 * have passed rule_glob().
 */
char *token_canonical(const char *tok)
{
	unsigned long val;
	char *canon;

	if (!token_is_address(tok) || !address_value(tok, &val))
		return xstrdup(tok);
	xasprintf(&canon, "%s%#lx", tok[0] == '!' ? "!" : "", val);
	return canon;
}

/* Whether a function list of @p has a module selector. */
bool profile_has_selectors(const struct profile *p)
{
	const struct hook_attr *a;
	const struct strv *sv;
	size_t i, k;

	for (i = 0; i < p->n; i++) {
		for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++) {
			if (!a->functions)
				continue;
			sv = (const struct strv *)((const char *)&p->hooks[i].cfg +
						   a->offset);
			for (k = 0; k < sv->n; k++)
				if (token_module(sv->v[k]))
					return true;
		}
	}
	return false;
}
