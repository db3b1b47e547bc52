// SPDX-License-Identifier: GPL-2.0
/*
 * The callbacks of a hook that only counts: action count alone, no pids,
 * no comm.  That is the commonest hook and the one whose cost matters on
 * a hot path, so commit gives its ops a callback that does only what such
 * a hook needs: preemption off (no recursion lock: see
 * fhook_callback_count()), the active configuration check that makes
 * commits atomic, one lookup and one per-CPU increment.  Its hits are
 * not counted apart: they are the sum of its per-function counters
 * (hook.c).  Any context, NMI included, no locks; like action.c, built
 * without ftrace instrumentation.
 */
#include <linux/kernel.h>
#include <linux/percpu.h>

#include "fhook.h"

/*
 * Count a call of @f's function at @ip: a call of another function (of
 * the other set while a commit in place has the ops hook both, or of one
 * the set lost to a module unload) is not counted.
 */
static __always_inline void fhook_count_ip(struct fhook_funcs *f,
					   unsigned long ip)
{
	const struct fhook_slot *slot = fhook_funcs_slot(f, ip);

	if (likely(slot))
		fhook_funcs_inc(f, slot->idx);
}

/*
 * A one-function callback's call of another function: the set changed
 * while its ops stayed registered (a module brought a match or took the
 * function, hook.c's module events; or a commit in place kept this
 * callback for another set).  Out of line.
 */
static noinline void fhook_count_other(struct fhook_funcs *f,
				       unsigned long ip)
{
	fhook_count_ip(f, ip);
}

/*
 * Count one call, preemption off.  As fhook_callback() explains, only the
 * ops of this CPU's active configuration may act, and only on a function
 * of its set.  @one: the ops was made for a set of one function, so a
 * call is of it but for a module event or a commit in place since; a
 * compile-time constant, so that the one-function callbacks carry no hash
 * walk, whose registers and table mask the compiler would otherwise set
 * up on every call.
 */
static __always_inline void fhook_count_call(struct fhook_ops *fops,
					     unsigned long ip, bool one)
{
	struct fhook_cpu __percpu *cpu = fops->cpu;
	struct fhook_live *live = this_cpu_read(cpu->active);
	struct fhook_funcs *f;

	if (unlikely(!live || live->fops != fops))
		return;
	f = live->funcs;
	if (!one)
		fhook_count_ip(f, ip);
	else if (likely(f->ip0 == ip && f->nr == 1))
		/* One function: always the per-CPU counter (funcs.c). */
		this_cpu_inc(*f->pcounts);
	else
		fhook_count_other(f, ip);
}

/*
 * Count one call.  No recursion lock: the lock is for a callback that can
 * reach traced code and so be called again from inside itself, and this
 * one calls nothing traceable (per-CPU loads, one increment, and out of
 * line fhook_count_other(), built without instrumentation like all of
 * fhook).  A nested call (an interrupt or NMI, or the scheduler that
 * preempt_enable_notrace() may enter) runs to its end and counts its own
 * call, as the lock would let it: the lock only turns away a call nested
 * in the same context, which needs traced code in between.  Preemption is
 * off from reading @active to the increment, as the lock would have it,
 * so the stop_machine() that switches @active cannot fall in between.
 * With RECURSION ftrace's assist function holds its lock around the call
 * as well, and this nests inside it.
 */
void notrace fhook_callback_count(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op,
				  struct ftrace_regs *fregs)
{
	preempt_disable_notrace();
	fhook_count_call(to_fhook_ops(op), ip, false);
	preempt_enable_notrace();
}

void notrace fhook_callback_count1(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	preempt_disable_notrace();
	fhook_count_call(to_fhook_ops(op), ip, true);
	preempt_enable_notrace();
}

/*
 * The callback for the ops of a new configuration @cfg: one that does only
 * what @cfg needs where there is one (count alone, or log alone without
 * sampling; no predicate), else the generic fhook_callback().
 */
ftrace_func_t fhook_callback_pick(const struct fhook_config *cfg)
{
	bool nolock = cfg->flags & FTRACE_OPS_FL_RECURSION;

	if (cfg->nr_pids || cfg->comm)
		return fhook_callback;
	if (cfg->actions == BIT(FHOOK_ACT_COUNT))
		return fhook_callback_count;
	if (cfg->actions == BIT(FHOOK_ACT_LOG) && cfg->sample <= 1)
		return nolock ? fhook_callback_log_nolock : fhook_callback_log;
	return fhook_callback;
}

/*
 * The callback once the configuration's set of @nr functions is known:
 * a count callback for one function is the one that compares.
 */
ftrace_func_t fhook_callback_sized(ftrace_func_t func, unsigned int nr)
{
	if (nr != 1)
		return func;
	if (func == fhook_callback_count)
		return fhook_callback_count1;
	return func;
}

/*
 * Can an ops registered with @a serve a configuration made for @b?  The
 * count callbacks for one function and for many both count any set
 * exactly (the first looks up out of line what is not its one function),
 * so a commit in place may keep either.
 */
bool fhook_callback_same_kind(ftrace_func_t a, ftrace_func_t b)
{
	return fhook_callback_sized(a, 1) == fhook_callback_sized(b, 1);
}

/* Does @func count no hits apart, so that they are its counters' sum? */
bool fhook_callback_counts_only(ftrace_func_t func)
{
	return func == fhook_callback_count || func == fhook_callback_count1;
}
