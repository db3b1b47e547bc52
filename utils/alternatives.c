// SPDX-License-Identifier: GPL-2.0
/*
 * Alternatives in a profile's function globs: "scheduler_tick|sched_tick"
 * is the first of them that matches a traceable function on this kernel.
 * Functions get renamed between kernels (sched_tick in 6.10,
 * kmem_cache_alloc_noprof in 6.10), and one profile should serve every
 * kernel it is applied on.  The module knows nothing of them: each entry
 * is resolved against available_filter_functions before anything is
 * planned, and the chosen glob is what is compared and written, so the
 * kernel's hooks read back equal to the profile's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

/* The alternatives of @entry, without the '!' of an exclusion. */
static void split(const char *entry, struct strv *out)
{
	const char *s = entry + (entry[0] == '!'), *end;
	char *alt;

	for (;; s = end + 1) {
		end = strchrnul(s, '|');
		alt = strndup(s, end - s);
		if (!alt)
			xcheck(-1);
		strv_add(out, alt);
		free(alt);
		if (!*end)
			return;
	}
}

/* Alternative @alt of @entry as a glob: an exclusion's keeps its '!'. */
static char *as_glob(const char *entry, const char *alt)
{
	char *glob;

	xasprintf(&glob, "%s%s", entry[0] == '!' ? "!" : "", alt);
	return glob;
}

/*
 * A rule_fn for an entry with alternatives: each must be a glob the
 * module accepts, written as it would be alone.  '!' excludes whichever
 * is chosen, so it comes once, first: "a|!b" would be half an exclusion.
 * An address matches no name, so it could never be chosen.
 */
int rule_alternatives(const struct limits *l, const char *entry, char *err,
		      size_t len)
{
	struct strv alts = { 0 };
	char *glob;
	size_t i;
	int ret = 0;

	split(entry, &alts);
	for (i = 0; i < alts.n && !ret; i++) {
		if (!*alts.v[i]) {
			snprintf(err, len, "empty alternative in '%s'", entry);
			ret = -EINVAL;
		} else if (alts.v[i][0] == '!') {
			snprintf(err, len,
				 "'!' inside '%s': write it once, before the first alternative, to exclude whichever is chosen",
				 entry);
			ret = -EINVAL;
		} else if (token_is_address(alts.v[i])) {
			snprintf(err, len,
				 "address '%s' in '%s': an address is no name to look for, so it cannot be an alternative",
				 alts.v[i], entry);
			ret = -EINVAL;
		} else {
			glob = as_glob(entry, alts.v[i]);
			ret = rule_glob(l, glob, err, len);
			free(glob);
		}
	}
	strv_free(&alts);
	return ret;
}

/* The bytes of the longest glob @entry may resolve to. */
size_t alternatives_len(const char *entry)
{
	size_t bang = entry[0] == '!', longest = 0, n;
	const char *s = entry + bang, *end;

	for (;; s = end + 1) {
		end = strchrnul(s, '|');
		n = end - s;
		if (n > longest)
			longest = n;
		if (!*end)
			return bang + longest;
	}
}

bool hook_cfg_has_alternatives(const struct hook_cfg *cfg)
{
	const struct hook_attr *a;
	const struct strv *sv;
	size_t i;

	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++) {
		if (!a->functions)
			continue;
		sv = (const struct strv *)((const char *)cfg + a->offset);
		for (i = 0; i < sv->n; i++)
			if (strchr(sv->v[i], '|'))
				return true;
	}
	return false;
}

bool profile_has_alternatives(const struct profile *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (hook_cfg_has_alternatives(&p->hooks[i].cfg))
			return true;
	return false;
}

/* In list @sv, @entry becomes @glob; the list stays canonical. */
static void replace(struct strv *sv, const char *entry, const char *glob)
{
	size_t i, j = 0;

	for (i = 0; i < sv->n; i++) {
		if (strcmp(sv->v[i], entry))
			sv->v[j++] = sv->v[i];
		else
			free(sv->v[i]);
	}
	sv->n = j;
	strv_add(sv, glob);
	strv_sort_unique(sv);
}

static void add_choice(struct phook *h, const struct hook_attr *a,
		       const config_setting_t *e, const char *entry,
		       const char *glob, size_t lacking)
{
	struct alt_choice *c;

	h->alts = xrealloc(h->alts, h->nr_alts + 1, sizeof(*h->alts));
	c = &h->alts[h->nr_alts++];
	c->e = e;
	c->list = a->name;
	c->entry = entry;
	c->chosen = xstrdup(glob);
	c->lacking = lacking;
}

/*
 * Entry @entry of list @a of @h, at setting @e: the first alternative
 * that matches in @sym replaces it in the hook's configuration, and is
 * kept for --check-symbols to tell.  False when none matches: the entry
 * is left as it is, for the caller to report.
 */
bool alternatives_resolve(struct phook *h, const struct hook_attr *a,
			  const config_setting_t *e, const char *entry,
			  const struct symbols *sym)
{
	struct strv *sv = (struct strv *)((char *)&h->cfg + a->offset);
	struct strv alts = { 0 };
	bool found = false;
	char *glob;
	size_t i;

	split(entry, &alts);
	for (i = 0; i < alts.n && !found; i++) {
		glob = as_glob(entry, alts.v[i]);
		found = symbols_match(sym, glob);
		if (found) {
			add_choice(h, a, e, entry, glob, i);
			replace(sv, entry, glob);
		}
		free(glob);
	}
	strv_free(&alts);
	return found;
}

/*
 * Why an entry with alternatives cannot be resolved: the function list
 * could not be read (@err, a -errno).  Each is reported at its line, as
 * errors of the run: there is nothing to write to the module for it.
 */
void alternatives_unreadable(const struct profile *p,
			     const struct symbols *sym, int err)
{
	const config_setting_t *s, *e;
	const struct hook_attr *a;
	const struct phook *h;
	const char *entry;
	int i;

	for (h = p->hooks; h < p->hooks + p->n; h++) {
		for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++) {
			s = a->functions ?
			    config_setting_get_member(h->set, a->name) : NULL;
			for (i = 0; s && i < config_setting_length(s); i++) {
				e = config_setting_get_elem(s, i);
				entry = config_setting_get_string(e);
				if (!strchr(entry, '|'))
					continue;
				profile_errmsg(p, e,
					       "hook '%s': %s glob '%s' has alternatives, which need the traceable functions: %s: %s",
					       h->name, a->name, entry,
					       sym->path, strerror(-err));
			}
		}
	}
}

/* The alternatives @c passed over: not on this kernel. */
void alternatives_lacking(const struct alt_choice *c, struct strv *out)
{
	struct strv alts = { 0 };
	size_t i;

	split(c->entry, &alts);
	for (i = 0; i < c->lacking && i < alts.n; i++)
		strv_add(out, alts.v[i]);
	strv_free(&alts);
}

/*
 * "hook 'h': 'a' and 'b' are not on RELEASE, using 'c'", or "using 'a',
 * the first alternative": which glob of @c this kernel gets, and why.
 */
char *alternatives_note(const struct phook *h, const struct alt_choice *c,
			const struct symbols *sym)
{
	struct strv lacking = { 0 };
	char *text, *names = xstrdup(""), *more;
	size_t i;

	alternatives_lacking(c, &lacking);
	for (i = 0; i < lacking.n; i++) {
		xasprintf(&more, "%s%s'%s'", names,
			  !i ? "" : i + 1 < lacking.n ? ", " : " and ",
			  lacking.v[i]);
		free(names);
		names = more;
	}
	if (lacking.n)
		xasprintf(&text, "hook '%s': %s %s not %s, using '%s'",
			  h->name, names, lacking.n == 1 ? "is" : "are",
			  sym->origin, c->chosen);
	else
		xasprintf(&text, "hook '%s': using '%s', the first alternative",
			  h->name, c->chosen);
	free(names);
	strv_free(&lacking);
	return text;
}

void alternatives_free(struct phook *h)
{
	size_t i;

	for (i = 0; i < h->nr_alts; i++)
		free(h->alts[i].chosen);
	free(h->alts);
	h->alts = NULL;
	h->nr_alts = 0;
}
