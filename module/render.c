// SPDX-License-Identifier: GPL-2.0
/*
 * Text of the large read-only attributes (functions, stats) and the
 * snapshots that make each read of a binary attribute consistent.
 *
 * configfs reads a binary attribute with two calls: one without a buffer
 * for the size, then one to fill a buffer of exactly that size.  Counters
 * move between the two, so the text is rendered once, by the first call,
 * and kept for the second, keyed by the reading task and attribute.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "fhook.h"

/* More readers of one hook at the same instant than this re-render. */
#define FHOOK_SNAPSHOTS_MAX	8

struct fhook_snapshot {
	struct fhook_snapshot *next;
	const struct task_struct *task;
	int attr;
	char *text;
	size_t len;
};

/* One output line: a count and its text; sorted by count, then text. */
struct fhook_line {
	u64 hits;
	char *text;
};

struct fhook_lines {
	struct fhook_line *v;
	unsigned int nr;
	size_t bytes;		/* of the rendered lines */
};

static void fhook_lines_free(struct fhook_lines *l)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		kfree(l->v[i].text);
	kvfree(l->v);
}

static int fhook_line_cmp(const void *a, const void *b)
{
	const struct fhook_line *x = a, *y = b;

	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return strcmp(x->text, y->text);
}

static int fhook_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fhook_line *)a)->text,
		      ((const struct fhook_line *)b)->text);
}

/* Append a line; @text is taken over (freed on error too). */
static int fhook_lines_add(struct fhook_lines *l, u64 hits, char *text)
{
	if (!text)
		return -ENOMEM;
	l->v[l->nr].hits = hits;
	l->v[l->nr].text = text;
	l->nr++;
	return 0;
}

/*
 * @addr into @buf (KSYM_SYMBOL_LEN bytes) as kallsyms names it, with
 * "+0xoff/0xsize" (@offset) or without, and "[unknown]" where kallsyms
 * has no name: sprint_symbol() then writes the raw address, which must
 * not leave the kernel (KASLR).
 */
void fhook_sym_print(char *buf, unsigned long addr, bool offset)
{
	char raw[sizeof("0x") + 2 * sizeof(addr)];

	if (offset)
		sprint_symbol(buf, addr);
	else
		sprint_symbol_no_offset(buf, addr);
	snprintf(raw, sizeof(raw), "0x%lx", addr);
	if (!strcmp(buf, raw))
		strscpy(buf, "[unknown]", KSYM_SYMBOL_LEN);
}

static char *fhook_sym_name(unsigned long ip)
{
	char buf[KSYM_SYMBOL_LEN];

	fhook_sym_print(buf, ip, false);
	return kstrdup(buf, GFP_KERNEL);
}

static char *fhook_caller_text(unsigned long func, unsigned long caller)
{
	char fn[KSYM_SYMBOL_LEN], cl[KSYM_SYMBOL_LEN];

	fhook_sym_print(fn, func, false);
	fhook_sym_print(cl, caller, true);
	return kasprintf(GFP_KERNEL, "%s <- %s", fn, cl);
}

/* Render @l as "HITS TEXT" lines (@counts) or "TEXT" lines. */
static ssize_t fhook_lines_text(const struct fhook_lines *l, bool counts,
				const char *tail, char **out)
{
	size_t size = 1 + (tail ? strlen(tail) : 0), len = 0;
	unsigned int i;
	char *text;

	for (i = 0; i < l->nr; i++)
		size += strlen(l->v[i].text) + (counts ? 22 : 1);
	text = kvmalloc(size, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	for (i = 0; i < l->nr; i++) {
		if (counts)
			len += scnprintf(text + len, size - len, "%llu ",
					 l->v[i].hits);
		len += scnprintf(text + len, size - len, "%s\n",
				 l->v[i].text);
	}
	if (tail)
		len += scnprintf(text + len, size - len, "%s", tail);
	*out = text;
	return len;
}

ssize_t fhook_render_functions(const struct fhook_live *live, char **out)
{
	const struct fhook_funcs *f = live ? live->funcs : NULL;
	struct fhook_lines l = { };
	unsigned int i;
	ssize_t ret = 0;

	*out = NULL;
	if (!f || !f->nr)
		return 0;
	l.v = kvcalloc(f->nr, sizeof(*l.v), GFP_KERNEL);
	if (!l.v)
		return -ENOMEM;
	for (i = 0; i < f->nr && !ret; i++)
		ret = fhook_lines_add(&l, 0, fhook_sym_name(f->ips[i]));
	if (!ret) {
		sort(l.v, l.nr, sizeof(*l.v), fhook_name_cmp, NULL);
		ret = fhook_lines_text(&l, false, NULL, out);
	}
	fhook_lines_free(&l);
	return ret;
}

static int fhook_stats_funcs(const struct fhook_funcs *f,
			     struct fhook_lines *l)
{
	unsigned int i;
	int ret = 0;

	if (!f->counts)
		return 0;
	for (i = 0; i < f->nr && !ret; i++)
		ret = fhook_lines_add(l, fhook_funcs_read(f, i),
				      fhook_sym_name(f->ips[i]));
	return ret;
}

static int fhook_pair_cmp(const void *a, const void *b)
{
	const struct fhook_caller *x = *(const struct fhook_caller * const *)a;
	const struct fhook_caller *y = *(const struct fhook_caller * const *)b;

	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	if (x->caller != y->caller)
		return x->caller < y->caller ? -1 : 1;
	return 0;
}

/*
 * The published slots of @c, sorted by pair so that the slots a race
 * gave the same pair are adjacent, and added up into one line each.
 */
static int fhook_stats_callers(const struct fhook_callers *c,
			       struct fhook_lines *l)
{
	unsigned int n = 1U << c->bits, i, nr = 0;
	const struct fhook_caller **pairs, *s;
	u64 hits;
	int ret = 0;

	pairs = kvmalloc_array(n, sizeof(*pairs), GFP_KERNEL);
	if (!pairs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (atomic_read_acquire(&c->slot[i].state) == FHOOK_SLOT_READY)
			pairs[nr++] = &c->slot[i];
	sort(pairs, nr, sizeof(*pairs), fhook_pair_cmp, NULL);
	for (i = 0; i < nr && !ret; i++) {
		s = pairs[i];
		hits = atomic64_read(&s->hits) - s->base;
		while (i + 1 < nr && !fhook_pair_cmp(&pairs[i], &pairs[i + 1])) {
			i++;
			hits += atomic64_read(&pairs[i]->hits) - pairs[i]->base;
		}
		if (hits)
			ret = fhook_lines_add(l, hits,
					      fhook_caller_text(s->func, s->caller));
	}
	kvfree(pairs);
	return ret;
}

/* Sort the lines from @from on, which are one group of stats. */
static void fhook_lines_sort_from(struct fhook_lines *l, unsigned int from)
{
	sort(l->v + from, l->nr - from, sizeof(*l->v), fhook_line_cmp, NULL);
}

ssize_t fhook_render_stats(const struct fhook_live *live, char **out)
{
	const struct fhook_callers *c = live ? live->callers : NULL;
	struct fhook_lines l = { };
	unsigned int funcs_end;
	char *tail = NULL;
	u64 lost = 0;
	ssize_t ret;

	*out = NULL;
	if (!live || (!live->funcs->counts && !c))
		return 0;
	l.v = kvcalloc(live->funcs->nr + (c ? 1U << c->bits : 0),
		       sizeof(*l.v), GFP_KERNEL);
	if (!l.v)
		return -ENOMEM;
	ret = fhook_stats_funcs(live->funcs, &l);
	funcs_end = l.nr;
	fhook_lines_sort_from(&l, 0);
	if (!ret && c) {
		ret = fhook_stats_callers(c, &l);
		fhook_lines_sort_from(&l, funcs_end);
		lost = atomic64_read(&c->lost) - c->lost_base;
	}
	if (!ret && lost) {
		tail = kasprintf(GFP_KERNEL,
				 "# %llu calls not attributed to a caller: table full\n",
				 lost);
		ret = tail ? 0 : -ENOMEM;
	}
	if (!ret)
		ret = fhook_lines_text(&l, true, tail, out);
	kfree(tail);
	fhook_lines_free(&l);
	return ret;
}

static void fhook_snapshot_free(struct fhook_snapshot *s)
{
	kvfree(s->text);
	kfree(s);
}

/* Unlink and return the snapshot of (current, @attr), if any. */
static struct fhook_snapshot *fhook_snapshot_take(struct fhook *hook, int attr)
{
	struct fhook_snapshot **p, *s;

	lockdep_assert_held(&hook->lock);
	for (p = &hook->snap; (s = *p); p = &s->next) {
		if (s->task == current && s->attr == attr) {
			*p = s->next;
			return s;
		}
	}
	return NULL;
}

/* Keep @s first in the list; the oldest beyond the limit are dropped. */
static void fhook_snapshot_keep(struct fhook *hook, struct fhook_snapshot *s)
{
	struct fhook_snapshot *old, *last;
	unsigned int n = 1;

	lockdep_assert_held(&hook->lock);
	old = fhook_snapshot_take(hook, s->attr);
	if (old)
		fhook_snapshot_free(old);
	s->next = hook->snap;
	hook->snap = s;
	for (last = s; last->next && n < FHOOK_SNAPSHOTS_MAX; last = last->next)
		n++;
	while (last->next) {
		old = last->next;
		last->next = old->next;
		fhook_snapshot_free(old);
	}
}

static ssize_t fhook_render_locked(struct fhook *hook, char **text,
				   ssize_t (*render)(struct fhook *hook,
						     char **out))
{
	ssize_t len;

	mutex_lock(&hook->lock);
	len = render(hook, text);
	mutex_unlock(&hook->lock);
	return len;
}

/*
 * The read() of binary attribute @attr: see the top of this file.  If the
 * snapshot is gone (more readers than FHOOK_SNAPSHOTS_MAX at once), the
 * text is rendered again and cut or padded with newlines to the size
 * configfs was told.
 */
ssize_t fhook_bin_read(struct fhook *hook, int attr, void *buf,
		       size_t count,
		       ssize_t (*render)(struct fhook *hook, char **out))
{
	struct fhook_snapshot *s;
	char *text = NULL;
	ssize_t len;

	if (!buf) {
		len = fhook_render_locked(hook, &text, render);
		if (len <= 0) {
			kvfree(text);
			return len;
		}
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		if (!s) {
			kvfree(text);
			return -ENOMEM;
		}
		*s = (struct fhook_snapshot){ .task = current, .attr = attr,
					      .text = text, .len = len };
		mutex_lock(&hook->lock);
		fhook_snapshot_keep(hook, s);
		mutex_unlock(&hook->lock);
		return len;
	}
	mutex_lock(&hook->lock);
	s = fhook_snapshot_take(hook, attr);
	mutex_unlock(&hook->lock);
	if (s) {
		len = min(s->len, count);
		memcpy(buf, s->text, len);
		fhook_snapshot_free(s);
	} else {
		len = fhook_render_locked(hook, &text, render);
		if (len < 0)
			return len;
		len = min_t(size_t, len, count);
		memcpy(buf, text, len);
		kvfree(text);
	}
	memset(buf + len, '\n', count - len);
	return count;
}

void fhook_snapshots_free(struct fhook *hook)
{
	struct fhook_snapshot *s;

	while ((s = hook->snap)) {
		hook->snap = s->next;
		fhook_snapshot_free(s);
	}
}
