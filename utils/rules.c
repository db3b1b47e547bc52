// SPDX-License-Identifier: GPL-2.0
/*
 * The module's input rules, mirrored so that a profile the module would
 * refuse is refused here, with a file:line, before anything is written.
 * Messages are the module's own last_error texts (configfs-layout.md).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

/*
 * Used when the root has no "features" file (a plain --root directory),
 * and for each kind its text does not name: the module's own list.
 */
static const char * const builtin_flags[] = {
	"SAVE_REGS", "SAVE_REGS_IF_SUPPORTED", "RECURSION", "IPMODIFY", "RCU",
	"PERMANENT",
};

static const char * const builtin_actions[] = {
	"count", "log", "stack", "callers", "redirect",
};

static const char * const builtin_predicates[] = { "pids", "comm", "sample" };

/*
 * The module's limits as configfs-layout.md gives them: the fallback for
 * each key its "limits:" line lacks (an older module, a --root tree).
 */
static const struct limits builtin_limits = {
	.args		= 6,
	.stack_depth	= 64,
	.pids		= 64,
	.comm		= 16,
	.sample		= 1000000000,
	.name		= 64,
	.tag		= 64,
	.globs		= 256,
	.glob		= 511,
	.input		= 4094,
	.target		= 127,
	.comm_glob	= 64,
	.pid		= 4194304,
	.fetches	= 16,
	.fetch_depth	= 8,
};

#define LIMIT(m)	{ #m, offsetof(struct limits, m) }

static const struct {
	const char *name;
	size_t offset;
} limit_keys[] = {
	LIMIT(args), LIMIT(stack_depth), LIMIT(pids), LIMIT(comm),
	LIMIT(sample), LIMIT(name), LIMIT(tag), LIMIT(globs), LIMIT(glob),
	LIMIT(input), LIMIT(target), LIMIT(comm_glob), LIMIT(pid),
	LIMIT(fetches), LIMIT(fetch_depth),
};

static void add_all(struct strv *sv, const char * const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strv_add(sv, words[i]);
}

void features_builtin(struct features *f)
{
	add_all(&f->flags, builtin_flags, ARRAY_SIZE(builtin_flags));
	add_all(&f->actions, builtin_actions, ARRAY_SIZE(builtin_actions));
	add_all(&f->predicates, builtin_predicates,
		ARRAY_SIZE(builtin_predicates));
	f->limits = builtin_limits;
}

/* The slot of limit @name in @l, NULL for a name newer than this tool. */
static unsigned long *limit_slot(struct limits *l, const char *name)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(limit_keys); k++)
		if (!strcmp(name, limit_keys[k].name))
			return (unsigned long *)((char *)l + limit_keys[k].offset);
	return NULL;
}

/*
 * "args=6 stack_depth=64 ...": every word key=value; unknown keys, and
 * whatever value they have, are for newer tools.
 */
static int parse_limits(struct limits *l, const char *text)
{
	struct strv words = { 0 };
	unsigned long val, *slot;
	char *eq, *end;
	int ret = 0;
	size_t i;

	strv_add_words(&words, text);
	for (i = 0; i < words.n && !ret; i++) {
		eq = strchr(words.v[i], '=');
		if (!eq) {
			ret = -EINVAL;
			break;
		}
		*eq++ = '\0';
		slot = limit_slot(l, words.v[i]);
		if (!slot)
			continue;
		errno = 0;
		val = strtoul(eq, &end, 10);
		if (!isdigit((unsigned char)*eq) || *end || errno)
			ret = -EINVAL;
		else
			*slot = val;
	}
	strv_free(&words);
	return ret;
}

/*
 * "kind: words" lines.  A kind the text does not name keeps the built-in
 * value; unknown kinds are for newer tools.  0, -ENOENT without an
 * "actions" line, or -EINVAL for a "limits" line that is not key=number.
 */
int features_parse(struct features *f, const char *text)
{
	struct features parsed = { 0 };
	struct strv *list, seen = { 0 };
	const char *line, *colon, *end;
	char *key, *value;
	int ret = 0;

	features_builtin(&parsed);
	for (line = text; *line && !ret; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		colon = memchr(line, ':', end - line);
		if (!colon)
			continue;
		key = strndup(line, colon - line);
		value = strndup(colon + 1, end - colon - 1);
		if (!key || !value)
			xcheck(-1);
		list = NULL;
		if (!strcmp(key, "flags"))
			list = &parsed.flags;
		else if (!strcmp(key, "actions"))
			list = &parsed.actions;
		else if (!strcmp(key, "predicates"))
			list = &parsed.predicates;
		else if (!strcmp(key, "needs_save_regs"))
			list = &parsed.needs_save_regs;
		else if (!strcmp(key, "limits"))
			ret = parse_limits(&parsed.limits, value);
		if (list && !strv_has(&seen, key)) {
			strv_free(list);
			strv_add(&seen, key);
		}
		if (list)
			strv_add_words(list, value);
		free(key);
		free(value);
	}
	if (!ret && (!strv_has(&seen, "actions") || !parsed.actions.n))
		ret = -ENOENT;
	strv_free(&seen);
	if (ret) {
		features_free(&parsed);
		return ret;
	}
	features_free(f);
	*f = parsed;
	return 0;
}

void features_free(struct features *f)
{
	strv_free(&f->flags);
	strv_free(&f->actions);
	strv_free(&f->predicates);
	strv_free(&f->needs_save_regs);
}

static bool ascii_alnum(char c)
{
	return isascii((unsigned char)c) && isalnum((unsigned char)c);
}

int rule_name(const struct limits *l, const char *name, char *err, size_t len)
{
	size_t n = strlen(name), i;

	if (n > l->name) {
		snprintf(err, len, "hook name longer than %lu bytes", l->name);
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

/*
 * Bytes @n of @glob, part of token @tok: what ftrace matches as a plain
 * glob, function name characters, '*', '?' and bracket expressions, and
 * the characters of @extra.  Anything else would silently never match;
 * @what names the part in the message ("glob ", "module name of ").
 */
int glob_chars(const char *tok, const char *glob, size_t n,
	       const char *extra, const char *what, char *err, size_t len)
{
	size_t i, b;

	for (i = 0; i < n; i++) {
		if (glob_name_char(glob[i]) || glob[i] == '*' ||
		    glob[i] == '?' || strchr(extra, glob[i]))
			continue;
		if (glob[i] == '[') {
			b = glob_bracket_len(glob + i);
			if (!b) {
				snprintf(err, len,
					 "bad bracket expression in glob '%s'",
					 tok);
				return -EINVAL;
			}
			i += b - 1;
			continue;
		}
		if (glob[i] == ':')
			snprintf(err, len,
				 "':' in glob '%s': only GLOB:mod:MODULE selectors are supported",
				 tok);
		else
			snprintf(err, len, "invalid character '%c' in %s'%s'",
				 isprint((unsigned char)glob[i]) ? glob[i] : '?',
				 what, tok);
		return -EINVAL;
	}
	return 0;
}

/*
 * One word of a filter or notrace list, as the module checks it: a glob,
 * a module selector or an address (selectors.c), after an optional '!'.
 */
int rule_glob(const struct limits *l, const char *glob, char *err, size_t len)
{
	size_t n = strlen(glob), i = glob[0] == '!';

	if (n > l->glob) {
		snprintf(err, len, "glob '%.32s...' is longer than %lu bytes",
			 glob, l->glob);
		return -EINVAL;
	}
	if (i == n) {
		snprintf(err, len, "'!' must be followed by a glob");
		return -EINVAL;
	}
	if (token_is_address(glob))
		return rule_address(glob, err, len);
	if (token_module(glob))
		return rule_selector(glob, err, len);
	return glob_chars(glob, glob + i, n - i, "", "glob ", err, len);
}

int rule_tag(const struct limits *l, const char *tag, char *err, size_t len)
{
	size_t i;

	if (strlen(tag) > l->tag) {
		snprintf(err, len, "longer than %lu bytes", l->tag);
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
 * The owner tag of a profile that sets none: "fhook-apply:NAME" for
 * NAME.cfg in any directory ("fhook-apply:stdin" for "-"), so that
 * profiles applied side by side do not prune each other's hooks.  Made
 * to pass rule_tag(): a byte it refuses becomes '_', and it is cut to
 * the module's limit.
 */
char *profile_tag(const struct limits *l, const char *path)
{
	const char *base = strrchr(path, '/'), *name;
	size_t len, i;
	char *tag;

	if (!strcmp(path, "-"))
		name = "stdin";
	else
		name = base ? base + 1 : path;
	len = strlen(name);
	if (len > 4 && !strcmp(name + len - 4, ".cfg"))
		len -= 4;
	xasprintf(&tag, "%s:%.*s", FHOOK_TAG, (int)len, name);
	for (i = 0; tag[i]; i++)
		if (!isascii((unsigned char)tag[i]) ||
		    !isgraph((unsigned char)tag[i]))
			tag[i] = '_';
	if (strlen(tag) > l->tag)
		tag[l->tag] = '\0';
	return tag;
}

/* The replacement function of a redirect: one symbol name. */
int rule_target(const struct limits *l, const char *target, char *err,
		size_t len)
{
	size_t i;

	if (strlen(target) > l->target) {
		snprintf(err, len, "longer than %lu bytes", l->target);
		return -EINVAL;
	}
	for (i = 0; target[i]; i++) {
		if (!glob_name_char(target[i])) {
			snprintf(err, len, "invalid character '%c' in '%s'",
				 isprint((unsigned char)target[i]) ? target[i] : '?',
				 target);
			return -EINVAL;
		}
	}
	return 0;
}

/* One word of "pids": a thread-group id as the initial namespace has it. */
int rule_pid(const struct limits *l, const char *word, char *err, size_t len)
{
	unsigned long pid;
	char *end;

	errno = 0;
	pid = strtoul(word, &end, 10);
	if (!isdigit((unsigned char)*word) || *end || errno || !pid ||
	    pid > l->pid) {
		snprintf(err, len, "'%s' is not a process id", word);
		return -EINVAL;
	}
	return 0;
}

/* One glob of "comm", for the kernel's glob_match() against task names. */
int rule_comm(const struct limits *l, const char *glob, char *err, size_t len)
{
	size_t i;

	if (strlen(glob) > l->comm_glob) {
		snprintf(err, len, "glob longer than %lu bytes", l->comm_glob);
		return -EINVAL;
	}
	for (i = 0; glob[i]; i++) {
		if (!isascii((unsigned char)glob[i]) ||
		    !isgraph((unsigned char)glob[i])) {
			snprintf(err, len, "character 0x%02x not allowed in glob",
				 (unsigned char)glob[i]);
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

static int cmp_pid(const void *a, const void *b)
{
	const char *x = *(char * const *)a, *y = *(char * const *)b;
	unsigned long vx = strtoul(x, NULL, 10), vy = strtoul(y, NULL, 10);

	if (vx != vy)
		return vx < vy ? -1 : 1;
	return strcmp(x, y);
}

/*
 * "pids" as the module reads it back: by value, each once, in decimal.
 * A word that is not a number (only a --root tree has one) stays as it is.
 */
void pids_canonical(struct strv *pids)
{
	char *end, buf[24];
	unsigned long pid;
	size_t i, j = 0;

	for (i = 0; i < pids->n; i++) {
		pid = strtoul(pids->v[i], &end, 10);
		if (isdigit((unsigned char)pids->v[i][0]) && !*end) {
			snprintf(buf, sizeof(buf), "%lu", pid);
			free(pids->v[i]);
			pids->v[i] = xstrdup(buf);
		}
	}
	if (!pids->n)
		return;
	qsort(pids->v, pids->n, sizeof(*pids->v), cmp_pid);
	for (i = 0; i < pids->n; i++) {
		if (j && !strcmp(pids->v[i], pids->v[j - 1])) {
			free(pids->v[i]);
			continue;
		}
		pids->v[j++] = pids->v[i];
	}
	pids->n = j;
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
			/* No class matches the end: "[!b]" must not eat the NUL. */
			if (!c)
				return false;
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
