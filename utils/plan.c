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
	unsigned int d = 0;

	if (!strv_equal(&a->filter, &b->filter))
		d |= DIFF_FILTER;
	if (!strv_equal(&a->notrace, &b->notrace))
		d |= DIFF_NOTRACE;
	if (!strv_equal(&a->flags, &b->flags))
		d |= DIFF_FLAGS;
	if (!strv_equal(&a->action, &b->action))
		d |= DIFF_ACTION;
	if (a->args != b->args)
		d |= DIFF_ARGS;
	if (a->stack_depth != b->stack_depth)
		d |= DIFF_STACK_DEPTH;
	if (strcmp(a->target, b->target))
		d |= DIFF_TARGET;
	if (!strv_equal(&a->pids, &b->pids))
		d |= DIFF_PIDS;
	if (!strv_equal(&a->comm, &b->comm))
		d |= DIFF_COMM;
	if (a->sample != b->sample)
		d |= DIFF_SAMPLE;
	return d;
}

/* What differs between a wanted configuration and a hook's live one. */
unsigned int hook_diffs(const struct hook_cfg *cfg, bool enabled,
			const char *tag, const struct khook *kh)
{
	unsigned int d = cfg_diffs(cfg, &kh->live);

	if (enabled != kh->enabled)
		d |= DIFF_ENABLED;
	if (strcmp(tag, kh->tag))
		d |= DIFF_TAG;
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

static void add_list(struct plan *pl, size_t item, const char *attr,
		     const struct strv *sv)
{
	char *value = strv_join(sv, " ");

	add_write(pl, item, attr, value);
	free(value);
}

static void add_number(struct plan *pl, size_t item, const char *attr,
		       unsigned long n)
{
	char value[24];

	snprintf(value, sizeof(value), "%lu", n);
	add_write(pl, item, attr, value);
}

/*
 * Write staged attribute @bit of @want, in the order configfs-layout.md
 * lists them; every one of them is validated only on its own until the
 * commit.
 */
static void add_staged(struct plan *pl, size_t item,
		       const struct hook_cfg *want, unsigned int bit)
{
	switch (bit) {
	case DIFF_FILTER:
		add_list(pl, item, "filter", &want->filter);
		break;
	case DIFF_NOTRACE:
		add_list(pl, item, "notrace", &want->notrace);
		break;
	case DIFF_FLAGS:
		add_list(pl, item, "flags", &want->flags);
		break;
	case DIFF_ACTION:
		add_list(pl, item, "action", &want->action);
		break;
	case DIFF_ARGS:
		add_number(pl, item, "args", want->args);
		break;
	case DIFF_STACK_DEPTH:
		add_number(pl, item, "stack_depth", want->stack_depth);
		break;
	case DIFF_TARGET:
		add_write(pl, item, "target", want->target);
		break;
	case DIFF_PIDS:
		add_list(pl, item, "pids", &want->pids);
		break;
	case DIFF_COMM:
		add_list(pl, item, "comm", &want->comm);
		break;
	case DIFF_SAMPLE:
		add_number(pl, item, "sample", want->sample);
		break;
	}
}

/* The staged attributes in @mask (DIFF_* bits), in their order. */
static void add_staged_mask(struct plan *pl, size_t item,
			    const struct hook_cfg *want, unsigned int mask)
{
	unsigned int bit;

	for (bit = DIFF_FILTER; bit <= DIFF_SAMPLE; bit <<= 1)
		if (mask & bit)
			add_staged(pl, item, want, bit);
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
		hook_cfg_init(&fresh.staged);
		strv_add(&fresh.staged.action, "count");
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

static void add_items(struct plan *pl, const struct profile *p,
		      const struct kstate *ks, const struct plan_opts *o)
{
	struct item *it;
	size_t i;

	pl->items = xcalloc(p->n + ks->n, sizeof(*pl->items));
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
		it->diffs = hook_diffs(&it->ph->cfg, it->ph->enabled, p->tag,
				       it->kh);
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
		if (it->ph) {
			t.present = true;
			t.committed = true;
			t.cfg = &it->ph->cfg;
			t.enabled = it->ph->enabled;
			t.tag = p->tag;
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
