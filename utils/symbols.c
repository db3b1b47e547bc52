// SPDX-License-Identifier: GPL-2.0
/*
 * available_filter_functions: what ftrace can hook on the running kernel.
 * A glob that matches none of it fails the module's commit, so checking
 * here lets optional hooks be skipped up front and --check-symbols report
 * every such glob with its file:line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "fhook-apply.h"

static const char * const default_paths[] = {
	"/sys/kernel/tracing/available_filter_functions",
	"/sys/kernel/debug/tracing/available_filter_functions",
};

/* Lines are "name" or "name [module]"; one line per traceable address. */
static void symbols_parse(struct symbols *sym, char *text)
{
	char *line, *end;

	for (line = text; *line; line = end) {
		end = strchrnul(line, '\n');
		if (*end)
			*end++ = '\0';
		line[strcspn(line, " \t")] = '\0';
		if (*line)
			strv_add(&sym->names, line);
	}
}

/*
 * Where the list is from, for a message that says a function is not
 * there: the running kernel, or a file that may be another kernel's.
 */
static char *origin(const char *file)
{
	struct utsname u;
	char *s;

	if (file)
		xasprintf(&s, "in %s", file);
	else if (uname(&u))
		s = xstrdup("on this kernel");
	else
		xasprintf(&s, "on %s", u.release);
	return s;
}

/* @path NULL: the tracefs file, or the debugfs one.  0 or -errno. */
int symbols_load(struct symbols *sym, const char *path)
{
	char *text = NULL;
	size_t i;
	int ret = -ENOENT;

	free(sym->origin);
	sym->origin = origin(path);
	if (path) {
		ret = read_text(path, &text);
	} else {
		for (i = 0; i < ARRAY_SIZE(default_paths); i++) {
			path = default_paths[i];
			ret = read_text(path, &text);
			if (!ret)
				break;
		}
		/* name the tracefs file when neither could be read */
		if (ret)
			path = default_paths[0];
	}
	sym->path = path;
	if (ret)
		return ret;
	symbols_parse(sym, text);
	free(text);
	return 0;
}

/*
 * Whether @glob matches a traceable function.  An exclusion "!foo" is
 * checked as "foo": the module refuses it too when foo matches nothing.
 */
bool symbols_match(const struct symbols *sym, const char *glob)
{
	size_t i;

	glob += glob[0] == '!';
	for (i = 0; i < sym->names.n; i++)
		if (glob_match(glob, sym->names.v[i]))
			return true;
	return false;
}

/*
 * How many traceable addresses @glob matches ("!foo" counted as "foo"),
 * and, when @names is not NULL, the names matched, sorted and each once:
 * a static function may have several addresses under one name.
 */
long symbols_glob(const struct symbols *sym, const char *glob,
		  struct strv *names)
{
	long count = 0;
	size_t i;

	glob += glob[0] == '!';
	for (i = 0; i < sym->names.n; i++) {
		if (!glob_match(glob, sym->names.v[i]))
			continue;
		count++;
		if (names)
			strv_add(names, sym->names.v[i]);
	}
	if (names)
		strv_sort_unique(names);
	return count;
}

static bool matches(const struct strv *globs, bool exclusions, const char *name)
{
	size_t i;

	for (i = 0; i < globs->n; i++) {
		const char *g = globs->v[i];

		if ((g[0] == '!') == exclusions &&
		    glob_match(g + exclusions, name))
			return true;
	}
	return false;
}

/*
 * How many traceable addresses @cfg hooks:
 * (filter inclusions - filter exclusions) - (notrace inclusions - notrace
 * exclusions), as configfs-layout.md defines the set.
 */
long symbols_count(const struct symbols *sym, const struct hook_cfg *cfg)
{
	const char *name;
	long count = 0;
	size_t i;

	if (!sym->names.n)
		return -1;
	for (i = 0; i < sym->names.n; i++) {
		name = sym->names.v[i];
		if (!matches(&cfg->filter, false, name) ||
		    matches(&cfg->filter, true, name))
			continue;
		if (matches(&cfg->notrace, false, name) &&
		    !matches(&cfg->notrace, true, name))
			continue;
		count++;
	}
	return count;
}

void symbols_free(struct symbols *sym)
{
	strv_free(&sym->names);
	free(sym->origin);
	sym->origin = NULL;
	sym->path = NULL;
}
