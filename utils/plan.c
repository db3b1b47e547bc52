// SPDX-License-Identifier: GPL-2.0
/*
 * From "what is" and "what should be" to the ordered configfs operations
 * between them.  The same function plans an apply and each hook's
 * rollback, so --plan prints exactly what apply does, and an identical
 * hook gets no operation at all.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

/* The DIFF_* bits of the committed attributes in which @a and @b differ. */
unsigned int cfg_diffs(const struct hook_cfg *a, const struct hook_cfg *b)
{
	const struct hook_ref x = { .cfg = a }, y = { .cfg = b };
	const struct hook_attr *at;
	unsigned int d = 0;

	for (at = hook_attrs; at < hook_attrs + nr_hook_attrs; at++)
		if (attr_in_cfg(at) && !attr_equal(at, &x, &y))
			d |= attr_bit(at);
	return d;
}

/* What differs between a wanted configuration and a hook's live one. */
unsigned int hook_diffs(const struct hook_cfg *cfg, bool enabled,
			const char *tag, const struct khook *kh)
{
	const struct hook_ref want = { cfg, enabled, tag };
	const struct hook_ref live = { &kh->live, kh->enabled, kh->tag };
	const struct hook_attr *a;
	unsigned int d = 0;

	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		if (!attr_equal(a, &want, &live))
			d |= attr_bit(a);
	return d;
}

static struct op *add_op(struct plan *pl, size_t item, enum op_kind kind)
{
	struct op *op;

	if (pl->nr_ops == pl->cap_ops) {
		pl->cap_ops = pl->cap_ops ? 2 * pl->cap_ops : 32;
		pl->ops = xrealloc(pl->ops, pl->cap_ops, sizeof(*pl->ops));
	}
	op = &pl->ops[pl->nr_ops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->item = item;
	xasprintf(&op->path, "%s/%s", pl->root, pl->items[item].name);
	return op;
}

static void add_write(struct plan *pl, size_t item, const char *attr,
		      const char *value)
{
	struct op *op = add_op(pl, item, OP_WRITE);
	char *dir = op->path;

	xasprintf(&op->path, "%s/%s", dir, attr);
	free(dir);
	op->value = xstrdup(value);
}

/*
 * The staged attributes in @mask (DIFF_* bits), in the order
 * configfs-layout.md lists them; each is validated only on its own
 * until the commit.
 */
static void add_staged_mask(struct plan *pl, size_t item,
			    const struct hook_cfg *want, unsigned int mask)
{
	const struct hook_attr *a;
	char *value;

	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++) {
		if (!attr_in_cfg(a) || !(mask & attr_bit(a)))
			continue;
		value = attr_value(a, want);
		add_write(pl, item, a->name, value);
		free(value);
	}
}

/* Staged attributes, written only where they differ from @now. */
static void restore_staged(struct plan *pl, size_t item,
			   const struct hook_cfg *now,
			   const struct hook_cfg *want)
{
	add_staged_mask(pl, item, want, cfg_diffs(now, want));
}

/*
 * A committed configuration: stage every attribute, whatever the staged
 * ones hold (someone may have half-edited them by hand), then commit.
 * Disabling first makes the commit a cheap one; enabling after makes the
 * hook start with its new configuration.  A hook that stays enabled is
 * swapped atomically by the module.
 */
static void commit_cfg(struct plan *pl, size_t item, const struct khook *c,
		       const struct target *t)
{
	if (c->enabled && !t->enabled)
		add_write(pl, item, "enabled", "0");
	add_staged_mask(pl, item, t->cfg, DIFF_CONFIG);
	add_write(pl, item, "commit", "1");
	if (!c->enabled && t->enabled)
		add_write(pl, item, "enabled", "1");
}

/*
 * Operations that take hook @item from @cur (NULL: absent) to @t.  A hook
 * can be returned to "never committed" only by recreating it.
 */
void plan_hook(struct plan *pl, size_t item, const struct khook *cur,
	       const struct target *t)
{
	struct khook fresh = { .tag = "" };
	const struct khook *c = cur;
	bool commit;

	if (!t->present) {
		if (cur)
			add_op(pl, item, OP_RMDIR);
		return;
	}
	if (cur && !t->committed && cur->generation) {
		add_op(pl, item, OP_RMDIR);
		c = NULL;
	}
	if (!c) {
		/* what mkdir gives (configfs-layout.md) */
		hook_cfg_init(&fresh.live);
		hook_cfg_mkdir(&fresh.staged);
		add_op(pl, item, OP_MKDIR);
		c = &fresh;
	}
	commit = t->committed &&
		 (!c->generation ||
		  (hook_diffs(t->cfg, t->enabled, t->tag, c) & DIFF_CONFIG));
	/* first, so that a hook left behind by a crash is still ours */
	if (strcmp(c->tag, t->tag))
		add_write(pl, item, "tag", t->tag);
	if (commit)
		commit_cfg(pl, item, c, t);
	else if (c->enabled != t->enabled)
		add_write(pl, item, "enabled", t->enabled ? "1" : "0");
	if (t->staged)
		restore_staged(pl, item, commit ? t->cfg : &c->staged, t->staged);
	hook_cfg_free(&fresh.live);
	hook_cfg_free(&fresh.staged);
}

static bool wanted(const struct phook *h, const struct plan_opts *o)
{
	return !h->skip && (!o->only || strv_has(o->only, h->name));
}

/* Hooks that --prune removes: ours (or any, --prune-all) not in @p. */
static bool prunable(const struct khook *kh, const struct profile *p,
		     const struct plan_opts *o)
{
	if (!o->prune || profile_find(p, kh->name))
		return false;
	return o->prune_all || !strcmp(kh->tag, p->tag);
}

/*
 * --delete: hook @h of the profile, if it exists and carries the tag the
 * profile gives it.  One with another tag is someone else's, made by
 * hand or by another profile with a hook of the same name: left alone.
 */
static bool deletable(const struct phook *h, const struct khook *kh)
{
	if (!kh)
		return false;
	if (strcmp(kh->tag, h->tag)) {
		warnmsg("hook '%s' not deleted: its tag is '%s', not '%s'",
			h->name, kh->tag, h->tag);
		return false;
	}
	return true;
}

static void add_deletions(struct plan *pl, const struct profile *p,
			  const struct kstate *ks, const struct plan_opts *o)
{
	const struct khook *kh;
	struct item *it;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (o->only && !strv_has(o->only, p->hooks[i].name))
			continue;
		kh = kstate_find(ks, p->hooks[i].name);
		if (!deletable(&p->hooks[i], kh))
			continue;
		it = &pl->items[pl->n++];
		it->name = p->hooks[i].name;
		it->ph = &p->hooks[i];
		it->kh = kh;
		it->change = CHANGE_REMOVE;
	}
}

static void add_items(struct plan *pl, const struct profile *p,
		      const struct kstate *ks, const struct plan_opts *o)
{
	struct item *it;
	size_t i;

	pl->items = xcalloc(p->n + ks->n, sizeof(*pl->items));
	if (o->delete) {
		add_deletions(pl, p, ks, o);
		return;
	}
	for (i = 0; i < p->n; i++) {
		if (!wanted(&p->hooks[i], o))
			continue;
		it = &pl->items[pl->n++];
		it->name = p->hooks[i].name;
		it->ph = &p->hooks[i];
		it->kh = kstate_find(ks, it->name);
		if (!it->kh) {
			it->change = CHANGE_CREATE;
			continue;
		}
		it->diffs = hook_diffs(&it->ph->cfg, it->ph->enabled,
				       it->ph->tag, it->kh);
		it->change = it->diffs ? CHANGE_UPDATE : CHANGE_NONE;
	}
	/* removals last: until then, a failure has nothing to recreate */
	for (i = 0; i < ks->n; i++) {
		if (!prunable(&ks->hooks[i], p, o))
			continue;
		it = &pl->items[pl->n++];
		it->name = ks->hooks[i].name;
		it->kh = &ks->hooks[i];
		it->change = CHANGE_REMOVE;
	}
}

void plan_build(struct plan *pl, const struct profile *p,
		const struct kstate *ks, const struct plan_opts *o)
{
	struct target t;
	size_t i;

	memset(pl, 0, sizeof(*pl));
	pl->root = ks->root;
	add_items(pl, p, ks, o);
	for (i = 0; i < pl->n; i++) {
		const struct item *it = &pl->items[i];

		memset(&t, 0, sizeof(t));
		if (it->change != CHANGE_REMOVE) {
			t.present = true;
			t.committed = true;
			t.cfg = &it->ph->cfg;
			t.enabled = it->ph->enabled;
			t.tag = it->ph->tag;
		}
		plan_hook(pl, i, it->kh, &t);
	}
}

void plan_count(const struct plan *pl, size_t count[4])
{
	size_t i;

	memset(count, 0, 4 * sizeof(count[0]));
	for (i = 0; i < pl->n; i++)
		count[pl->items[i].change]++;
}

/* The operations only: a rollback plans into a plan that shares items. */
void plan_free_ops(struct plan *pl)
{
	size_t i;

	for (i = 0; i < pl->nr_ops; i++) {
		free(pl->ops[i].path);
		free(pl->ops[i].value);
	}
	free(pl->ops);
	pl->ops = NULL;
	pl->nr_ops = 0;
	pl->cap_ops = 0;
}

void plan_free(struct plan *pl)
{
	plan_free_ops(pl);
	free(pl->items);
	memset(pl, 0, sizeof(*pl));
}
