// SPDX-License-Identifier: GPL-2.0
/*
 * The module's input rules, mirrored so that a profile the module would
 * refuse is refused here, with a file:line, before anything is written.
 * Messages are the module's own last_error texts (configfs-layout.md).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

/* Used when the root has no "features" file (a plain --root directory). */
static const char * const builtin_flags[] = {
	"SAVE_REGS", "SAVE_REGS_IF_SUPPORTED", "RECURSION", "IPMODIFY", "RCU",
	"PERMANENT",
};

static const char * const builtin_actions[] = { "count" };

void features_builtin(struct features *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(builtin_flags); i++)
		strv_add(&f->flags, builtin_flags[i]);
	for (i = 0; i < ARRAY_SIZE(builtin_actions); i++)
		strv_add(&f->actions, builtin_actions[i]);
}

/*
 * "flags: A B" and "actions: c" lines.  A kind the text does not name
 * keeps the built-in list; unknown kinds are for newer tools.
 */
int features_parse(struct features *f, const char *text)
{
	struct features parsed = { 0 };
	const char *line, *colon, *end;
	char *value;

	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		colon = memchr(line, ':', end - line);
		if (!colon)
			continue;
		value = strndup(colon + 1, end - colon - 1);
		if (!value)
			xcheck(-1);
		if (colon - line == 5 && !strncmp(line, "flags", 5))
			strv_add_words(&parsed.flags, value);
		else if (colon - line == 7 && !strncmp(line, "actions", 7))
			strv_add_words(&parsed.actions, value);
		free(value);
	}
	if (!parsed.actions.n) {
		features_free(&parsed);
		return -EINVAL;
	}
	features_free(f);
	*f = parsed;
	return 0;
}

void features_free(struct features *f)
{
	strv_free(&f->flags);
	strv_free(&f->actions);
}

static bool ascii_alnum(char c)
{
	return isascii((unsigned char)c) && isalnum((unsigned char)c);
}

int rule_name(const char *name, char *err, size_t len)
{
	size_t n = strlen(name), i;

	if (n > FHOOK_NAME_MAX) {
		snprintf(err, len, "hook name longer than %d bytes",
			 FHOOK_NAME_MAX);
		return -ENAMETOOLONG;
	}
	if (!isascii((unsigned char)name[0]) || !isalpha((unsigned char)name[0])) {
		snprintf(err, len, "hook name '%s' must start with a letter",
			 name);
		return -EINVAL;
	}
	for (i = 1; i < n; i++) {
		if (!ascii_alnum(name[i]) && name[i] != '_' && name[i] != '-') {
			snprintf(err, len,
				 "hook name '%s': character 0x%02x not allowed (letters, digits, '_', '-')",
				 name, (unsigned char)name[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static bool glob_name_char(char c)
{
	return ascii_alnum(c) || c == '_' || c == '.';
}

/* Length of the bracket expression at @s, 0 if it is malformed. */
static size_t glob_bracket_len(const char *s)
{
	size_t i = 1;

	if (s[i] == '!')
		i++;
	for (; s[i] && s[i] != ']'; i++)
		if (!glob_name_char(s[i]) && s[i] != '-')
			return 0;
	return s[i] ? i + 1 : 0;
}

/* One word of a filter or notrace list, as the module checks it. */
int rule_glob(const char *glob, char *err, size_t len)
{
	size_t n = strlen(glob), i = glob[0] == '!', b;

	if (n > FHOOK_GLOB_MAX) {
		snprintf(err, len, "glob '%.32s...' is longer than %d bytes",
			 glob, FHOOK_GLOB_MAX);
		return -EINVAL;
	}
	if (i == n) {
		snprintf(err, len, "'!' must be followed by a glob");
		return -EINVAL;
	}
	for (; i < n; i++) {
		if (glob_name_char(glob[i]) || glob[i] == '*' || glob[i] == '?')
			continue;
		if (glob[i] == '[') {
			b = glob_bracket_len(glob + i);
			if (!b) {
				snprintf(err, len,
					 "bad bracket expression in glob '%s'",
					 glob);
				return -EINVAL;
			}
			i += b - 1;
			continue;
		}
		if (glob[i] == ':')
			snprintf(err, len,
				 "':' in glob '%s': module and command selectors are not supported",
				 glob);
		else
			snprintf(err, len, "invalid character '%c' in glob '%s'",
				 isprint((unsigned char)glob[i]) ? glob[i] : '?',
				 glob);
		return -EINVAL;
	}
	return 0;
}

int rule_tag(const char *tag, char *err, size_t len)
{
	size_t i;

	if (strlen(tag) > FHOOK_TAG_MAX) {
		snprintf(err, len, "longer than %d bytes", FHOOK_TAG_MAX);
		return -EINVAL;
	}
	if (!*tag) {
		snprintf(err, len, "must not be empty");
		return -EINVAL;
	}
	for (i = 0; tag[i]; i++) {
		if (!isascii((unsigned char)tag[i]) ||
		    !isgraph((unsigned char)tag[i])) {
			snprintf(err, len,
				 "character 0x%02x not allowed (printable, no spaces)",
				 (unsigned char)tag[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Flags or actions in the module's canonical form: in the order of their
 * features line @known, each once.
 */
void words_canonical(const struct strv *known, struct strv *words)
{
	struct strv canon = { 0 };
	size_t i;

	for (i = 0; i < known->n; i++)
		if (strv_has(words, known->v[i]))
			strv_add(&canon, known->v[i]);
	strv_free(words);
	*words = canon;
}

/*
 * ftrace's glob_match() (lib/glob.c), which set_ftrace_filter uses: '*',
 * '?', and classes complemented by a leading '!' only; an unterminated '['
 * is literal.  fnmatch() would read "[^x]" differently.
 */
bool glob_match(const char *pat, const char *str)
{
	const char *back_pat = NULL, *back_str = NULL, *class;
	unsigned char c, d, a, b;
	bool match, inverted;

	for (;;) {
		c = *str++;
		d = *pat++;
		switch (d) {
		case '?':
			if (!c)
				return false;
			continue;
		case '*':
			if (!*pat)
				return true;
			back_pat = pat;
			back_str = --str;
			continue;
		case '[':
			match = false;
			inverted = *pat == '!';
			class = pat + inverted;
			a = *class++;
			do {
				b = a;
				if (!a)
					goto literal;
				if (class[0] == '-' && class[1] != ']') {
					b = class[1];
					if (!b)
						goto literal;
					class += 2;
				}
				match |= a <= c && c <= b;
			} while ((a = *class++) != ']');
			if (match == inverted)
				goto backtrack;
			pat = class;
			continue;
		default:
			break;
		}
literal:
		if (c == d) {
			if (!d)
				return true;
			continue;
		}
backtrack:
		if (!c || !back_pat)
			return false;
		pat = back_pat;
		str = ++back_str;
	}
}
