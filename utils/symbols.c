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
	char *line, *end, *mod, *close;

	for (line = text; *line; line = end) {
		end = strchrnul(line, '\n');
		if (*end)
			*end++ = '\0';
		mod = line + strcspn(line, " \t");
		if (*mod)
			*mod++ = '\0';
		mod += strspn(mod, " \t");
		close = *mod == '[' ? strchr(mod, ']') : NULL;
		if (close)
			*close = '\0';
		if (!*line)
			continue;
		strv_add(&sym->names, line);
		strv_add(&sym->modules, close ? mod + 1 : "");
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
 * A filter or notrace token, made ready to match lines: "!" dropped
 * (an exclusion matches what its glob does), a selector split in two.
 */
struct pattern {
	const char *glob;
	char *own;		/* the glob of a selector, copied out */
	const char *module;	/* NULL: any, the kernel's functions too */
	bool address;		/* matches no name: it cannot be checked */
};

static void pattern_init(struct pattern *p, const char *tok)
{
	const char *body = tok + (tok[0] == '!');

	memset(p, 0, sizeof(*p));
	p->glob = body;
	p->address = token_is_address(tok);
	p->module = p->address ? NULL : token_module(body);
	if (!p->module)
		return;
	p->own = strndup(body, p->module - strlen(MOD_SELECTOR) - body);
	if (!p->own)
		xcheck(-1);
	p->glob = p->own;
}

static bool pattern_match(const struct pattern *p, const struct symbols *sym,
			  size_t i)
{
	if (p->address)
		return false;
	if (p->module && (!*sym->modules.v[i] ||
			  !glob_match(p->module, sym->modules.v[i])))
		return false;
	return glob_match(p->glob, sym->names.v[i]);
}

/*
 * Whether @glob matches a traceable function.  An exclusion "!foo" is
 * checked as "foo": the module refuses it too when foo matches nothing.
 * An address cannot be checked against names: it is taken as there.
 */
bool symbols_match(const struct symbols *sym, const char *glob)
{
	struct pattern p;
	bool found;
	size_t i;

	pattern_init(&p, glob);
	found = p.address;
	for (i = 0; i < sym->names.n && !found; i++)
		found = pattern_match(&p, sym, i);
	free(p.own);
	return found;
}

/*
 * Whether a module named like @module has a traceable function: if not,
 * a selector of it is pending, not wrong; the module is not loaded.
 */
bool symbols_have_module(const struct symbols *sym, const char *module)
{
	size_t i;

	for (i = 0; i < sym->modules.n; i++)
		if (*sym->modules.v[i] && glob_match(module, sym->modules.v[i]))
			return true;
	return false;
}

/*
 * How many traceable addresses @glob matches ("!foo" counted as "foo"),
 * and, when @names is not NULL, the names matched, sorted and each once:
 * a static function may have several addresses under one name.  An
 * address is one, named as it is spelt.
 */
long symbols_glob(const struct symbols *sym, const char *glob,
		  struct strv *names)
{
	struct pattern p;
	long count = 0;
	size_t i;

	pattern_init(&p, glob);
	if (p.address && names)
		strv_add(names, p.glob);
	if (p.address)
		return 1;
	for (i = 0; i < sym->names.n; i++) {
		if (!pattern_match(&p, sym, i))
			continue;
		count++;
		if (names)
			strv_add(names, sym->names.v[i]);
	}
	free(p.own);
	if (names)
		strv_sort_unique(names);
	return count;
}

/* The tokens of a list, ready to match; @plain: those without a '!'. */
struct patterns {
	struct pattern *v;
	bool *plain;
	size_t n;
};

static void patterns_init(struct patterns *ps, const struct strv *globs)
{
	size_t i;

	ps->n = globs->n;
	ps->v = xcalloc(ps->n, sizeof(*ps->v));
	ps->plain = xcalloc(ps->n, sizeof(*ps->plain));
	for (i = 0; i < ps->n; i++) {
		pattern_init(&ps->v[i], globs->v[i]);
		ps->plain[i] = globs->v[i][0] != '!';
	}
}

static void patterns_free(struct patterns *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		free(ps->v[i].own);
	free(ps->v);
	free(ps->plain);
}

static bool matches(const struct patterns *ps, bool exclusions,
		    const struct symbols *sym, size_t line)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->plain[i] != exclusions &&
		    pattern_match(&ps->v[i], sym, line))
			return true;
	return false;
}

/* The addresses @ps includes: one function each, whatever it is. */
static long addresses(const struct patterns *ps)
{
	long n = 0;
	size_t i;

	for (i = 0; i < ps->n; i++)
		n += ps->plain[i] && ps->v[i].address;
	return n;
}

/*
 * How many traceable addresses @cfg hooks:
 * (filter inclusions - filter exclusions) - (notrace inclusions - notrace
 * exclusions), as configfs-layout.md defines the set; and one for each
 * address of the filter, which no name can confirm or exclude.
 */
long symbols_count(const struct symbols *sym, const struct hook_cfg *cfg)
{
	struct patterns filter, notrace;
	long count;
	size_t i;

	if (!sym->names.n)
		return -1;
	patterns_init(&filter, &cfg->filter);
	patterns_init(&notrace, &cfg->notrace);
	count = addresses(&filter);
	for (i = 0; i < sym->names.n; i++) {
		if (!matches(&filter, false, sym, i) ||
		    matches(&filter, true, sym, i))
			continue;
		if (matches(&notrace, false, sym, i) &&
		    !matches(&notrace, true, sym, i))
			continue;
		count++;
	}
	patterns_free(&filter);
	patterns_free(&notrace);
	return count;
}

void symbols_free(struct symbols *sym)
{
	strv_free(&sym->names);
	strv_free(&sym->modules);
	free(sym->origin);
	sym->origin = NULL;
	sym->path = NULL;
}
