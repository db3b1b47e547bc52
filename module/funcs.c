// SPDX-License-Identifier: GPL-2.0
/*
 * The functions a configuration hooks, their per-function counters and the
 * (function, caller) table.
 *
 * No exported kernel API lists the functions an ftrace_ops hooks, or the
 * traceable functions at all (available_filter_functions is tracefs-only),
 * what ftrace matched for a token is read from the filter hash of a scratch
 * ops after ftrace_set_filter() filled it (resolve.c).  Those hashes are
 * struct ftrace_hash (kernel/trace/trace.h, private); fhook mirrors the
 * leading fields it reads (struct fhook_ftrace_hash, fhook.h), which
 * have kept this layout from 4.x to 7.2; layout.c refuses to load on a
 * kernel where they moved, and each walk is checked against the hash's
 * own count before it is trusted.  Everything here but the lookups and
 * the add functions runs in process context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "fhook.h"

/* ftrace's own limit is 12 bits (FTRACE_HASH_MAX_BITS); allow headroom. */
#define FHOOK_HASH_BITS_SANE	20
#define FHOOK_CALLERS_MIN	1024
#define FHOOK_CALLERS_MAX	65536
#define FHOOK_PROBES_MAX	32

/* For sort() and bsearch() of addresses. */
int fhook_cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Copy the addresses of @h into a new sorted array.  -EIO if the hash does
 * not look like a struct ftrace_hash (a kernel whose layout changed).
 */
static int fhook_hash_ips(const struct fhook_ftrace_hash *h,
			  unsigned long **out, unsigned int *nr)
{
	struct ftrace_func_entry *e;
	unsigned long *ips, i, n = 0;

	*out = NULL;
	*nr = 0;
	if (!h || !h->count)
		return 0;
	if (h->size_bits > FHOOK_HASH_BITS_SANE || !h->buckets ||
	    h->count > (1UL << (FHOOK_HASH_BITS_SANE + 4)))
		return -EIO;
	ips = kvmalloc_array(h->count, sizeof(*ips), GFP_KERNEL);
	if (!ips)
		return -ENOMEM;
	for (i = 0; i < (1UL << h->size_bits); i++) {
		hlist_for_each_entry(e, &h->buckets[i], hlist) {
			if (n == h->count) {
				kvfree(ips);
				return -EIO;
			}
			ips[n++] = e->ip;
		}
	}
	if (n != h->count) {
		kvfree(ips);
		return -EIO;
	}
	sort(ips, n, sizeof(*ips), fhook_cmp_ulong, NULL);
	*out = ips;
	*nr = n;
	return 0;
}

static int fhook_funcs_index_build(struct fhook_funcs *f)
{
	unsigned int i, bits;
	u32 h;

	/* Over 4/3 @nr slots: at most 3/4 full, never without an empty one. */
	bits = ilog2(roundup_pow_of_two(f->nr / 3 * 4 + 4));
	f->table = kvcalloc(1U << bits, sizeof(*f->table), GFP_KERNEL);
	if (!f->table)
		return -ENOMEM;
	f->mask = (1U << bits) - 1;
	f->shift = 64 - bits;
	for (i = 0; i < f->nr; i++) {
		h = fhook_funcs_hash(f->ips[i], f->shift);
		while (f->table[h].ip)
			h = (h + 1) & f->mask;
		f->table[h].ip = f->ips[i];
		f->table[h].idx = i;
	}
	return 0;
}

static int fhook_funcs_counters(struct fhook_funcs *f)
{
	local64_t **row;
	unsigned int cpu;

	f->counted = true;
	if (f->nr <= FHOOK_PCPU_FUNCS) {
		f->pcounts = __alloc_percpu_gfp(max(f->nr, 1U) * sizeof(u64),
						sizeof(u64), GFP_KERNEL);
		if (!f->pcounts)
			return -ENOMEM;
	} else {
		f->stride = ALIGN(f->nr, SMP_CACHE_BYTES / sizeof(local64_t));
		f->counts = kvcalloc(array_size(nr_cpu_ids, f->stride),
				     sizeof(*f->counts), GFP_KERNEL);
		f->rows = alloc_percpu(local64_t *);
		if (!f->counts || !f->rows)
			return -ENOMEM;
		for_each_possible_cpu(cpu) {
			row = per_cpu_ptr(f->rows, cpu);
			*row = &f->counts[(size_t)cpu * f->stride];
		}
	}
	f->carry = kvcalloc(f->nr, sizeof(*f->carry), GFP_KERNEL);
	f->base = kvcalloc(f->nr, sizeof(*f->base), GFP_KERNEL);
	return f->carry && f->base ? 0 : -ENOMEM;
}

/* What CPU @cpu counted for function @idx. */
static u64 fhook_funcs_cpu(const struct fhook_funcs *f, unsigned int cpu,
			   unsigned int idx)
{
	if (f->pcounts)
		return READ_ONCE(*per_cpu_ptr(f->pcounts + idx, cpu));
	return local64_read(&f->counts[(size_t)cpu * f->stride + idx]);
}

/*
 * The call sites in the filter hash of the unregistered @ops, sorted:
 * how resolve.c reads what ftrace matched for a token.
 */
int fhook_ops_filter_ips(struct ftrace_ops *ops, unsigned long **ips,
			 unsigned int *nr)
{
	struct ftrace_ops_hash *oh = ops->func_hash;
	struct ftrace_hash *filter;
	int ret;

	*ips = NULL;
	*nr = 0;
	if (!oh)
		return 0;
	mutex_lock(&oh->regex_lock);
	filter = rcu_dereference_protected(oh->filter_hash,
					   lockdep_is_held(&oh->regex_lock));
	ret = fhook_hash_ips((void *)filter, ips, nr);
	mutex_unlock(&oh->regex_lock);
	return ret;
}

/*
 * The functions at @ips (sorted, unique), with a lookup table and, with
 * @counts, zeroed per-CPU counters; NULL when out of memory.
 */
struct fhook_funcs *fhook_funcs_build(const unsigned long *ips,
				      unsigned int nr, bool counts)
{
	struct fhook_funcs *f;
	int ret = -ENOMEM;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	f->nr = nr;
	f->ip0 = nr ? ips[0] : 0;
	f->ips = kvmalloc_array(max(nr, 1U), sizeof(*f->ips), GFP_KERNEL);
	if (f->ips) {
		if (nr)
			memcpy(f->ips, ips, nr * sizeof(*ips));
		ret = fhook_funcs_index_build(f);
	}
	if (!ret && counts)
		ret = fhook_funcs_counters(f);
	if (ret) {
		fhook_funcs_free(f);
		return NULL;
	}
	return f;
}

void fhook_funcs_free(struct fhook_funcs *f)
{
	if (!f)
		return;
	kvfree(f->ips);
	kvfree(f->table);
	free_percpu(f->pcounts);
	free_percpu(f->rows);
	kvfree(f->counts);
	kvfree(f->carry);
	kvfree(f->base);
	kfree(f);
}

/* fhook_funcs_has() for any but the set's first function: any context. */
noinline bool notrace fhook_funcs_has_other(const struct fhook_funcs *f,
					    unsigned long ip)
{
	return fhook_funcs_slot(f, ip);
}

bool fhook_funcs_equal(const struct fhook_funcs *a,
		       const struct fhook_funcs *b)
{
	return a->nr == b->nr &&
	       !memcmp(a->ips, b->ips, a->nr * sizeof(*a->ips));
}

/* Raw total of one function: carry plus every CPU's counter. */
static u64 fhook_funcs_raw(const struct fhook_funcs *f, unsigned int idx)
{
	u64 sum = f->carry[idx];
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += fhook_funcs_cpu(f, cpu, idx);
	return sum;
}

u64 fhook_funcs_read(const struct fhook_funcs *f, unsigned int idx)
{
	return f->counted ? fhook_funcs_raw(f, idx) - f->base[idx] : 0;
}

/*
 * Every call the counters of @f counted themselves: no carry, no reset
 * base.  Only grows, so a hook can derive its hits from it (hook.c).
 */
u64 fhook_funcs_calls(const struct fhook_funcs *f)
{
	unsigned int cpu, i;
	u64 sum = 0;

	if (!f->counted)
		return 0;
	for_each_possible_cpu(cpu)
		for (i = 0; i < f->nr; i++)
			sum += fhook_funcs_cpu(f, cpu, i);
	return sum;
}

/*
 * Carry the counts of @from (no longer called: unregistered or no longer
 * active anywhere) into @to for every function both hook.
 */
void fhook_funcs_carry(struct fhook_funcs *to, const struct fhook_funcs *from)
{
	unsigned int i;
	int j;

	if (!to->counted || !from || !from->counted)
		return;
	for (i = 0; i < to->nr; i++) {
		j = fhook_funcs_index(from, to->ips[i]);
		if (j >= 0)
			to->carry[i] += fhook_funcs_read(from, j);
	}
}

void fhook_funcs_reset(struct fhook_funcs *f)
{
	unsigned int i;

	if (!f->counted)
		return;
	for (i = 0; i < f->nr; i++)
		f->base[i] = fhook_funcs_raw(f, i);
}

struct fhook_callers *fhook_callers_alloc(unsigned int nr_funcs)
{
	unsigned int n = clamp_t(unsigned int, 4 * nr_funcs,
				 FHOOK_CALLERS_MIN, FHOOK_CALLERS_MAX);
	struct fhook_callers *c;

	n = roundup_pow_of_two(n);
	c = kvzalloc(struct_size(c, slot, n), GFP_KERNEL);
	if (c)
		c->bits = ilog2(n);
	return c;
}

void fhook_callers_free(struct fhook_callers *c)
{
	kvfree(c);
}

/* Called from the callback: any context, NMI included, no locks. */
void notrace fhook_callers_add(struct fhook_callers *c, unsigned long func,
			       unsigned long caller, u64 n)
{
	unsigned int mask = (1U << c->bits) - 1, i;
	u32 h = hash_long(func ^ (caller * GOLDEN_RATIO_64), c->bits);
	struct fhook_caller *s;
	int state;

	for (i = 0; i < FHOOK_PROBES_MAX; i++, h = (h + 1) & mask) {
		s = &c->slot[h];
		state = atomic_read_acquire(&s->state);
		if (state == FHOOK_SLOT_EMPTY &&
		    atomic_cmpxchg(&s->state, FHOOK_SLOT_EMPTY,
				   FHOOK_SLOT_BUSY) == FHOOK_SLOT_EMPTY) {
			s->func = func;
			s->caller = caller;
			atomic64_set(&s->hits, n);
			atomic_set_release(&s->state, FHOOK_SLOT_READY);
			return;
		}
		if (state == FHOOK_SLOT_READY && s->func == func &&
		    s->caller == caller) {
			atomic64_add(n, &s->hits);
			return;
		}
	}
	atomic64_add(n, &c->lost);
}

/* Pairs of @from whose function @funcs still hooks go on counting in @to. */
void fhook_callers_carry(struct fhook_callers *to,
			 const struct fhook_callers *from,
			 const struct fhook_funcs *funcs)
{
	const struct fhook_caller *s;
	unsigned int i;
	u64 n;

	if (!to || !from)
		return;
	for (i = 0; i < (1U << from->bits); i++) {
		s = &from->slot[i];
		if (atomic_read_acquire(&s->state) != FHOOK_SLOT_READY ||
		    fhook_funcs_index(funcs, s->func) < 0)
			continue;
		n = atomic64_read(&s->hits) - s->base;
		if (n)
			fhook_callers_add(to, s->func, s->caller, n);
	}
	n = atomic64_read(&from->lost) - from->lost_base;
	atomic64_add(n, &to->lost);
}

void fhook_callers_reset(struct fhook_callers *c)
{
	struct fhook_caller *s;
	unsigned int i;

	for (i = 0; i < (1U << c->bits); i++) {
		s = &c->slot[i];
		if (atomic_read_acquire(&s->state) == FHOOK_SLOT_READY)
			s->base = atomic64_read(&s->hits);
	}
	c->lost_base = atomic64_read(&c->lost);
}
