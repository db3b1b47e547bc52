// SPDX-License-Identifier: GPL-2.0
/*
 * Text of the large read-only attributes (functions, stats), the snapshots
 * that make each read of a binary attribute whole, and the memory readers
 * may hold.
 *
 * configfs (fs/configfs/file.c) serves a binary attribute in one read():
 * a call without a buffer for the size, a vmalloc() of that size, then a
 * call to fill it.  Counters move between the two calls, so the first
 * renders the text and keeps it as a snapshot, keyed by the reading task (a
 * task is in one read() at a time), and the second hands it over whole or
 * fails: it never cuts or pads.  configfs then keeps its copy with the open
 * file until close and does not tell us of the close, so that copy is
 * configfs's, outside what is counted here.
 *
 * Rendering copies the numbers (addresses and counts) under the hook's lock
 * and resolves names with kallsyms after dropping it: commit, enable and
 * hits wait for a memcpy, not for tens of thousands of lookups.  Renders
 * run one at a time, so at most one render's scratch exists; it and every
 * snapshot are charged to the reader's memcg and counted in
 * fhook_read_bytes, which never exceeds read_max_kb: a reader that would
 * pass it gets -EBUSY, and nobody else's snapshot is dropped for it.
 *
 * Lock order: fhook_render_mutex, then the hook's lock.  fhook_snap_lock
 * is innermost and taken alone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/bsearch.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "fhook.h"

/*
 * 64 MiB: the largest text (`*` with count and callers: ~39,000 function
 * lines and up to 65,536 pairs) is about 8 MiB and its render needs about
 * twice that at its peak, so one render plus several snapshots waiting for
 * configfs's second call fit, while a reader cannot make fhook hold more.
 */
static unsigned int read_max_kb = 65536;
module_param(read_max_kb, uint, 0644);
MODULE_PARM_DESC(read_max_kb,
		 "KiB that readers of live, functions and stats may make fhook hold at once (default 65536)");

/* Bytes of read scratch and snapshots held now; at most read_max_kb KiB. */
static atomic_long_t fhook_read_bytes = ATOMIC_LONG_INIT(0);

/* One render at a time: bounds the scratch to one render's. */
static DEFINE_MUTEX(fhook_render_mutex);

/*
 * A snapshot lives from configfs's first call to its second, microseconds
 * unless configfs's vmalloc() stalls.  One that configfs abandoned (its
 * vmalloc() failed) goes at its task's next read or once older than this.
 */
#define FHOOK_SNAP_TTL		(10 * HZ)

struct fhook_snapshot {
	struct list_head node;
	const struct task_struct *task;	/* compared, never dereferenced */
	const struct fhook *hook;
	const char *attr;
	unsigned long born;		/* jiffies */
	struct fhook_text text;
};

/* fhook_snap_lock protects fhook_snaps, the snapshots of all hooks. */
static DEFINE_MUTEX(fhook_snap_lock);
static LIST_HEAD(fhook_snaps);

/* @size bytes charged to read_max_kb and to the caller's memcg. */
static void *fhook_read_alloc(size_t size)
{
	u64 max = (u64)READ_ONCE(read_max_kb) << 10;
	void *p;

	if ((u64)atomic_long_add_return(size, &fhook_read_bytes) > max) {
		atomic_long_sub(size, &fhook_read_bytes);
		return ERR_PTR(-EBUSY);
	}
	p = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!p) {
		atomic_long_sub(size, &fhook_read_bytes);
		return ERR_PTR(-ENOMEM);
	}
	return p;
}

static void fhook_read_free(void *p, size_t size)
{
	if (!p)
		return;
	kvfree(p);
	atomic_long_sub(size, &fhook_read_bytes);
}

int fhook_text_alloc(struct fhook_text *t, size_t size)
{
	char *buf = fhook_read_alloc(size);

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	*t = (struct fhook_text){ .buf = buf, .size = size };
	return 0;
}

void fhook_text_free(struct fhook_text *t)
{
	fhook_read_free(t->buf, t->size);
	*t = (struct fhook_text){ };
}

/*
 * One output line: numbers copied under the hook's lock, then its name,
 * an offset into the render's names until they stop growing.
 */
struct fhook_rec {
	u64 hits;
	unsigned long func;
	unsigned long caller;	/* 0: a function line */
	union {
		size_t off;
		const char *name;
	};
};

/* Recs [0, nr_funcs) are function lines, [nr_funcs, nr) caller lines. */
struct fhook_render {
	struct fhook_rec *recs;
	size_t recs_size;
	unsigned int nr, nr_funcs;
	char *names;
	size_t names_size, names_len;
	u64 lost;
};

static void fhook_render_free(struct fhook_render *r)
{
	fhook_read_free(r->recs, r->recs_size);
	fhook_read_free(r->names, r->names_size);
}

static int fhook_recs_alloc(struct fhook_render *r, unsigned int n)
{
	struct fhook_rec *recs;

	if (!n)
		return 0;
	recs = fhook_read_alloc(array_size(n, sizeof(*recs)));
	if (IS_ERR(recs))
		return PTR_ERR(recs);
	r->recs = recs;
	r->recs_size = array_size(n, sizeof(*recs));
	return 0;
}

static void fhook_rec_add(struct fhook_render *r, u64 hits,
			  unsigned long func, unsigned long caller)
{
	r->recs[r->nr++] = (struct fhook_rec){ .hits = hits, .func = func,
					       .caller = caller };
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

/* Room for @need more bytes of names: doubles, so appends stay linear. */
static int fhook_names_room(struct fhook_render *r, size_t need)
{
	size_t size;
	char *p;

	if (r->names_len + need <= r->names_size)
		return 0;
	size = max(2 * r->names_size, r->names_len + need);
	p = fhook_read_alloc(size);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (r->names)
		memcpy(p, r->names, r->names_len);
	fhook_read_free(r->names, r->names_size);
	r->names = p;
	r->names_size = size;
	return 0;
}

/*
 * The start of the function that holds call site @ip (its fentry may be
 * past an endbr64): what /proc/kallsyms shows and an address token takes.
 */
static unsigned long fhook_func_start(unsigned long ip)
{
	char sym[KSYM_SYMBOL_LEN], *off, *slash;
	unsigned long o;

	sprint_symbol(sym, ip);
	off = strrchr(sym, '+');
	slash = off ? strchr(off, '/') : NULL;
	if (!slash)
		return ip;
	*slash = '\0';
	return kstrtoul(off + 1, 0, &o) || o > ip ? ip : ip - o;
}

/*
 * Append the text of @rec ("func" or "func <- caller+0xoff/0xsize"); a
 * namesake (@start) gets " 0xSTART" after its function.
 */
static int fhook_rec_name(struct fhook_render *r, struct fhook_rec *rec,
			  bool start)
{
	char fn[KSYM_SYMBOL_LEN + 20], cl[KSYM_SYMBOL_LEN];
	size_t need;
	int ret;

	fhook_sym_print(fn, rec->func, false);
	if (start)
		snprintf(fn + strlen(fn), sizeof(fn) - strlen(fn), " %#lx",
			 fhook_func_start(rec->func));
	need = strlen(fn) + 1;
	if (rec->caller) {
		fhook_sym_print(cl, rec->caller, true);
		need += strlen(" <- ") + strlen(cl);
	}
	ret = fhook_names_room(r, need);
	if (ret)
		return ret;
	rec->off = r->names_len;
	if (rec->caller)
		snprintf(r->names + r->names_len, need, "%s <- %s", fn, cl);
	else
		memcpy(r->names + r->names_len, fn, need);
	r->names_len += need;
	return 0;
}

struct fhook_named {
	const char *name;
	unsigned long func;
};

static int fhook_named_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fhook_named *)a)->name,
		      ((const struct fhook_named *)b)->name);
}

/*
 * Functions whose line would read the same as another's (static
 * functions of one name, in one module or in the kernel) into @dup
 * (room for every function line), sorted; names are at their offsets.
 */
static int fhook_namesakes(struct fhook_render *r, unsigned long *dup,
			   unsigned int *nr)
{
	struct fhook_named *v;
	unsigned int i, n = 0;
	size_t size = array_size(r->nr_funcs, sizeof(*v));

	v = fhook_read_alloc(size);
	if (IS_ERR(v))
		return PTR_ERR(v);
	for (i = 0; i < r->nr_funcs; i++)
		v[i] = (struct fhook_named){ r->names + r->recs[i].off,
					     r->recs[i].func };
	sort(v, r->nr_funcs, sizeof(*v), fhook_named_cmp, NULL);
	for (i = 0; i < r->nr_funcs; i++)
		if ((i && !strcmp(v[i].name, v[i - 1].name)) ||
		    (i + 1 < r->nr_funcs && !strcmp(v[i].name, v[i + 1].name)))
			dup[n++] = v[i].func;
	fhook_read_free(v, size);
	sort(dup, n, sizeof(*dup), fhook_cmp_ulong, NULL);
	*nr = n;
	return 0;
}

/* Name the namesakes anew, with their start address. */
static int fhook_render_namesakes(struct fhook_render *r)
{
	size_t size = array_size(r->nr_funcs, sizeof(unsigned long));
	unsigned long *dup;
	unsigned int i, n;
	int ret;

	if (r->nr_funcs < 2)
		return 0;
	dup = fhook_read_alloc(size);
	if (IS_ERR(dup))
		return PTR_ERR(dup);
	ret = fhook_namesakes(r, dup, &n);
	for (i = 0; i < r->nr && !ret && n; i++)
		if (bsearch(&r->recs[i].func, dup, n, sizeof(*dup),
			    fhook_cmp_ulong))
			ret = fhook_rec_name(r, &r->recs[i], true);
	fhook_read_free(dup, size);
	return ret;
}

/*
 * Name every rec, without any lock: kallsyms takes a few microseconds an
 * address.  A reader being killed stops early.
 */
static int fhook_render_names(struct fhook_render *r)
{
	unsigned int i;
	int ret;

	ret = fhook_names_room(r, (size_t)r->nr_funcs * 32 +
			       (size_t)(r->nr - r->nr_funcs) * 64);
	for (i = 0; i < r->nr && !ret; i++) {
		ret = fhook_rec_name(r, &r->recs[i], false);
		if (fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	if (!ret)
		ret = fhook_render_namesakes(r);
	for (i = 0; i < r->nr && !ret; i++)
		r->recs[i].name = r->names + r->recs[i].off;
	return ret;
}

static int fhook_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fhook_rec *)a)->name,
		      ((const struct fhook_rec *)b)->name);
}

/* By hits, highest first, then by name. */
static int fhook_hits_cmp(const void *a, const void *b)
{
	const struct fhook_rec *x = a, *y = b;

	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int fhook_pair_cmp(const void *a, const void *b)
{
	const struct fhook_rec *x = a, *y = b;

	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	if (x->caller != y->caller)
		return x->caller < y->caller ? -1 : 1;
	return 0;
}

/*
 * The caller lines sorted by pair so that the slots a race gave the same
 * pair are adjacent, added up into one line each; pairs at 0 left out.
 */
static void fhook_callers_merge(struct fhook_render *r)
{
	struct fhook_rec *v = r->recs + r->nr_funcs;
	unsigned int n = r->nr - r->nr_funcs, i, out = 0;

	sort(v, n, sizeof(*v), fhook_pair_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (out && !fhook_pair_cmp(&v[out - 1], &v[i]))
			v[out - 1].hits += v[i].hits;
		else
			v[out++] = v[i];
	}
	n = out;
	out = 0;
	for (i = 0; i < n; i++)
		if (v[i].hits)
			v[out++] = v[i];
	r->nr = r->nr_funcs + out;
}

/* The text: "HITS NAME" lines (@counts) or "NAME" lines, then the tail. */
static int fhook_render_text(const struct fhook_render *r, bool counts,
			     struct fhook_text *t)
{
	char tail[80] = "";
	size_t size, len = 0;
	unsigned int i;
	int ret;

	if (r->lost)
		snprintf(tail, sizeof(tail),
			 "# %llu calls not attributed to a caller: table full\n",
			 r->lost);
	size = strlen(tail) + 1;
	for (i = 0; i < r->nr; i++)
		size += strlen(r->recs[i].name) + (counts ? 22 : 1);
	ret = fhook_text_alloc(t, size);
	if (ret)
		return ret;
	for (i = 0; i < r->nr; i++) {
		if (counts)
			len += scnprintf(t->buf + len, size - len, "%llu ",
					 r->recs[i].hits);
		len += scnprintf(t->buf + len, size - len, "%s\n",
				 r->recs[i].name);
	}
	len += scnprintf(t->buf + len, size - len, "%s", tail);
	t->len = len;
	return 0;
}

int fhook_render_functions(struct fhook *hook, struct fhook_text *t)
{
	const struct fhook_funcs *f;
	struct fhook_render r = { };
	unsigned int i;
	int ret = 0;

	mutex_lock(&hook->lock);
	f = hook->live ? hook->live->funcs : NULL;
	if (f)
		ret = fhook_recs_alloc(&r, f->nr);
	for (i = 0; f && !ret && i < f->nr; i++)
		fhook_rec_add(&r, 0, f->ips[i], 0);
	mutex_unlock(&hook->lock);

	r.nr_funcs = r.nr;
	if (!ret && r.nr)
		ret = fhook_render_names(&r);
	if (!ret && r.nr) {
		sort(r.recs, r.nr, sizeof(*r.recs), fhook_name_cmp, NULL);
		ret = fhook_render_text(&r, false, t);
	}
	fhook_render_free(&r);
	return ret;
}

/* Under the hook's lock: the numbers of @live's stats, no names. */
static int fhook_stats_copy(const struct fhook_live *live,
			    struct fhook_render *r)
{
	const struct fhook_funcs *f = live->funcs;
	const struct fhook_callers *c = live->callers;
	unsigned int n = f->counted ? f->nr : 0, i;
	const struct fhook_caller *s;
	int ret;

	ret = fhook_recs_alloc(r, n + (c ? 1U << c->bits : 0));
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		fhook_rec_add(r, fhook_funcs_read(f, i), f->ips[i], 0);
	r->nr_funcs = r->nr;
	if (!c)
		return 0;
	for (i = 0; i < 1U << c->bits; i++) {
		s = &c->slot[i];
		if (atomic_read_acquire(&s->state) == FHOOK_SLOT_READY)
			fhook_rec_add(r, atomic64_read(&s->hits) - s->base,
				      s->func, s->caller);
	}
	r->lost = atomic64_read(&c->lost) - c->lost_base;
	return 0;
}

int fhook_render_stats(struct fhook *hook, struct fhook_text *t)
{
	const struct fhook_live *live;
	struct fhook_render r = { };
	int ret = 0;

	mutex_lock(&hook->lock);
	live = hook->live;
	if (live && (live->funcs->counted || live->callers))
		ret = fhook_stats_copy(live, &r);
	mutex_unlock(&hook->lock);

	if (!ret && r.nr > r.nr_funcs)
		fhook_callers_merge(&r);
	if (!ret && r.nr)
		ret = fhook_render_names(&r);
	if (!ret && r.nr) {
		sort(r.recs, r.nr_funcs, sizeof(*r.recs), fhook_hits_cmp, NULL);
		sort(r.recs + r.nr_funcs, r.nr - r.nr_funcs, sizeof(*r.recs),
		     fhook_hits_cmp, NULL);
	}
	if (!ret && (r.nr || r.lost))
		ret = fhook_render_text(&r, true, t);
	fhook_render_free(&r);
	return ret;
}

static void fhook_snapshot_free(struct fhook_snapshot *s)
{
	if (!s)
		return;
	fhook_text_free(&s->text);
	kfree(s);
}

/* Free the snapshots @drop picks, out of the lock (vfree() may sleep). */
static void fhook_snapshots_drop(bool (*drop)(const struct fhook_snapshot *s,
					      const void *arg),
				 const void *arg)
{
	struct fhook_snapshot *s, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&fhook_snap_lock);
	list_for_each_entry_safe(s, tmp, &fhook_snaps, node)
		if (drop(s, arg))
			list_move(&s->node, &dead);
	mutex_unlock(&fhook_snap_lock);
	list_for_each_entry_safe(s, tmp, &dead, node)
		fhook_snapshot_free(s);
}

/* The current task's (abandoned: it is starting a read) or expired. */
static bool fhook_snapshot_stale(const struct fhook_snapshot *s,
				 const void *arg)
{
	return s->task == current ||
	       time_after(jiffies, s->born + FHOOK_SNAP_TTL);
}

static bool fhook_snapshot_of(const struct fhook_snapshot *s, const void *hook)
{
	return s->hook == hook;
}

void fhook_snapshots_free(struct fhook *hook)
{
	fhook_snapshots_drop(fhook_snapshot_of, hook);
}

/* Unlink and return the current task's snapshot, if any. */
static struct fhook_snapshot *fhook_snapshot_take(void)
{
	struct fhook_snapshot *s, *found = NULL;

	mutex_lock(&fhook_snap_lock);
	list_for_each_entry(s, &fhook_snaps, node) {
		if (s->task == current) {
			list_del(&s->node);
			found = s;
			break;
		}
	}
	mutex_unlock(&fhook_snap_lock);
	return found;
}

/* configfs's first call: render, keep the text, return its length. */
static ssize_t fhook_snapshot_make(struct fhook *hook, const char *attr,
				   int (*render)(struct fhook *hook,
						 struct fhook_text *t))
{
	struct fhook_text t = { };
	struct fhook_snapshot *s;
	int ret;

	fhook_snapshots_drop(fhook_snapshot_stale, NULL);
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	ret = mutex_lock_killable(&fhook_render_mutex);
	if (!ret) {
		ret = render(hook, &t);
		mutex_unlock(&fhook_render_mutex);
	}
	if (ret == -EBUSY)
		pr_warn_ratelimited("%s/%s: read refused (EBUSY): readers would hold more than read_max_kb=%u KiB\n",
				    config_item_name(&hook->group.cg_item),
				    attr, READ_ONCE(read_max_kb));
	if (ret || !t.len) {
		fhook_text_free(&t);
		kfree(s);
		return ret;
	}
	*s = (struct fhook_snapshot){ .task = current, .hook = hook,
				      .attr = attr, .born = jiffies, .text = t };
	mutex_lock(&fhook_snap_lock);
	list_add(&s->node, &fhook_snaps);
	mutex_unlock(&fhook_snap_lock);
	return t.len;
}

/* configfs's second call: the snapshot of the first, whole, or an error. */
static ssize_t fhook_snapshot_give(struct fhook *hook, const char *attr,
				   void *buf, size_t count)
{
	struct fhook_snapshot *s = fhook_snapshot_take();
	ssize_t ret = count;

	if (s && s->hook == hook && !strcmp(s->attr, attr) &&
	    s->text.len == count) {
		memcpy(buf, s->text.buf, count);
	} else {
		pr_warn_ratelimited("%s/%s: read failed (EAGAIN): its snapshot expired; read again\n",
				    config_item_name(&hook->group.cg_item),
				    attr);
		ret = -EAGAIN;
	}
	fhook_snapshot_free(s);
	return ret;
}

/* The read() of binary attribute @attr: see the top of this file. */
ssize_t fhook_bin_read(struct fhook *hook, const char *attr, void *buf,
		       size_t count,
		       int (*render)(struct fhook *hook, struct fhook_text *t))
{
	if (!buf)
		return fhook_snapshot_make(hook, attr, render);
	return fhook_snapshot_give(hook, attr, buf, count);
}
