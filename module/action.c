// SPDX-License-Identifier: GPL-2.0
/*
 * The ftrace callback, its predicates and the actions it runs.  Everything
 * here may run in any context, NMI included, with RCU not watching: no
 * locks, no allocation, no printk, nothing that can sleep.  The module is
 * built without ftrace instrumentation, so none of this can be hooked
 * itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/glob.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/stacktrace.h>
#include <linux/trace_recursion.h>

#include "compat.h"
#include "fhook.h"
/* The events' inline trace_*() calls; events.c defines the events. */
#include "fhook_trace.h"

/*
 * Frames an unwind from an action passes before it reaches the hooked
 * function: the unwinding helper, the action, the callback, ftrace's
 * assist function (RECURSION/RCU) and the trampoline, with room to spare.
 */
#define FHOOK_UNWIND_SKIP	12
/* Nested contexts one CPU can unwind in at once: task, softirq, irq, NMI. */
#define FHOOK_SCRATCH_LEVELS	4

/*
 * Per-CPU unwind buffers, one per nesting level, so that no stack trace
 * needs half a kilobyte of the (possibly deep) stack it describes.  @nest
 * is changed only by this CPU, with this_cpu ops, which interrupts and
 * NMIs cannot tear.
 */
struct fhook_scratch {
	unsigned int nest;
	unsigned long buf[FHOOK_SCRATCH_LEVELS]
			 [FHOOK_STACK_MAX + FHOOK_UNWIND_SKIP];
};

/*
 * Allocated at load rather than DEFINE_PER_CPU(): static per-CPU data of
 * every module comes out of one small shared reserve
 * (PERCPU_MODULE_RESERVE), and 2.4 KiB of it per module is a lot.  Set
 * before any hook can exist, never changed while one does.
 */
static struct fhook_scratch __percpu *fhook_scratch;

int fhook_actions_init(void)
{
	fhook_scratch = alloc_percpu(struct fhook_scratch);
	return fhook_scratch ? 0 : -ENOMEM;
}

void fhook_actions_exit(void)
{
	free_percpu(fhook_scratch);
}

bool fhook_args_need_save_regs(void)
{
	return !FHOOK_FREGS_HAVE_ARGS;
}

bool fhook_redirect_needs_save_regs(void)
{
	return !FHOOK_FREGS_HAVE_ARGS;
}

static unsigned long *fhook_scratch_get(void)
{
	unsigned int level = this_cpu_inc_return(fhook_scratch->nest) - 1;

	if (level >= FHOOK_SCRATCH_LEVELS) {
		this_cpu_dec(fhook_scratch->nest);
		return NULL;
	}
	return this_cpu_ptr(fhook_scratch)->buf[level];
}

static void fhook_scratch_put(void)
{
	this_cpu_dec(fhook_scratch->nest);
}

/*
 * Unwind into @buf and return the index of the hooked function's caller:
 * the frame after the return address into the function itself, which is
 * the fentry call site plus MCOUNT_INSN_SIZE.  The unwinder (ORC) sees
 * through the function-graph tracer's return trampoline.  -1 when the
 * function's frame was not found.
 */
static int fhook_unwind(const struct fhook_call *call, unsigned long *buf,
			unsigned int size, unsigned int *nr)
{
	unsigned long ret_into_func = call->ip + MCOUNT_INSN_SIZE;
	unsigned int i;

	*nr = stack_trace_save(buf, size, 0);
	for (i = 0; i + 1 < *nr; i++)
		if (buf[i] == ret_into_func)
			return i + 1;
	return -1;
}

/* The caller when the graph tracer may have replaced parent_ip. */
static noinline void fhook_caller_unwind(struct fhook_call *call)
{
	unsigned long *buf;
	unsigned int nr;
	int at;

	buf = fhook_scratch_get();
	if (!buf)
		return;
	at = fhook_unwind(call, buf, FHOOK_UNWIND_SKIP + 2, &nr);
	if (at >= 0)
		call->caller = buf[at];
	fhook_scratch_put();
}

/* The caller: parent_ip, unless the graph tracer may have replaced it. */
static __always_inline unsigned long fhook_caller(struct fhook_call *call)
{
	if (call->caller)
		return call->caller;
	call->caller = call->parent_ip;
	if (unlikely(fhook_graph_may_hide(current)))
		fhook_caller_unwind(call);
	return call->caller;
}

static unsigned int fhook_read_args(const struct fhook_call *call,
				    unsigned long *args)
{
	unsigned int i, n = call->live->cfg.args;

	for (i = 0; i < n; i++)
		args[i] = fhook_regs_argument(call->fregs, i);
	return n;
}

static __always_inline void fhook_act_count(struct fhook_call *call)
{
	fhook_funcs_inc(call->live->funcs, call->idx);
}

/*
 * Log with arguments: apart, so that the common log without any has no
 * array to clear (kernels built with INIT_STACK_ALL_ZERO clear every
 * local array on entry) and no stack canary.
 */
static noinline void fhook_log_args(struct fhook_call *call)
{
	unsigned long args[FHOOK_ARGS_MAX];
	unsigned int n;

	if (call->live->event) {
		/* Every register argument: the fetches say which they use. */
		for (n = 0; n < FHOOK_ARGS_MAX; n++)
			args[n] = fhook_regs_argument(call->fregs, n);
		fhook_event_log(call->live->event, call, args);
		return;
	}
	n = fhook_read_args(call, args);
	trace_fhook_call(call->live->name, call->live->name_len, call->ip,
			 call->caller, args, n);
}

static __always_inline void fhook_act_log(struct fhook_call *call)
{
	/* A valid source for the event's copy of no arguments. */
	static const unsigned long no_args[1];

	if (!call->record)
		return;
	fhook_caller(call);
	if (call->live->event || call->live->cfg.args) {
		fhook_log_args(call);
		return;
	}
	trace_fhook_call(call->live->name, call->live->name_len, call->ip,
			 call->caller, no_args, 0);
}

static void fhook_act_stack(struct fhook_call *call)
{
	unsigned int depth = call->live->cfg.stack_depth, nr, n;
	unsigned long args[FHOOK_ARGS_MAX], *buf;
	int at;

	if (!call->record)
		return;
	buf = fhook_scratch_get();
	if (!buf) {
		local64_inc(&call->pc->missed);
		return;
	}
	at = fhook_unwind(call, buf, depth + FHOOK_UNWIND_SKIP, &nr);
	if (at < 0)
		at = 0;		/* no frame of the function: show it all */
	else if (!call->caller)
		call->caller = buf[at];
	fhook_caller(call);
	n = fhook_read_args(call, args);
	trace_fhook_stack(call->live->name, call->live->name_len, call->ip,
			  call->caller, args, n, buf + at, min(depth, nr - at));
	fhook_scratch_put();
}

static void fhook_act_callers(struct fhook_call *call)
{
	fhook_callers_add(call->live->callers, call->ip, fhook_caller(call), 1);
}

static void fhook_act_redirect(struct fhook_call *call)
{
	fhook_regs_set_ip(call->fregs, call->live->target_addr);
}

const struct fhook_action fhook_actions[FHOOK_NR_ACTIONS] = {
	[FHOOK_ACT_COUNT]	= { .name = "count" },
	[FHOOK_ACT_LOG]		= { .name = "log", .needs_rcu = true,
				    .records = true },
	[FHOOK_ACT_STACK]	= { .name = "stack", .needs_rcu = true,
				    .records = true },
	[FHOOK_ACT_CALLERS]	= { .name = "callers" },
	[FHOOK_ACT_REDIRECT]	= { .name = "redirect", .modifies_ip = true },
};

/*
 * Direct calls, not a table of function pointers: on kernels built with
 * retpolines every indirect call is a thunk, on every hooked call.
 */
static __always_inline void fhook_run_action(unsigned int action,
					     struct fhook_call *call)
{
	switch (action) {
	case FHOOK_ACT_COUNT:
		fhook_act_count(call);
		break;
	case FHOOK_ACT_LOG:
		fhook_act_log(call);
		break;
	case FHOOK_ACT_STACK:
		fhook_act_stack(call);
		break;
	case FHOOK_ACT_CALLERS:
		fhook_act_callers(call);
		break;
	case FHOOK_ACT_REDIRECT:
		fhook_act_redirect(call);
		break;
	}
}

static bool fhook_pid_match(const struct fhook_config *cfg, u32 tgid)
{
	unsigned int lo = 0, hi = cfg->nr_pids, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cfg->pids[mid] == tgid)
			return true;
		if (cfg->pids[mid] < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool fhook_comm_match(const char *globs)
{
	char comm[TASK_COMM_LEN];
	const char *g;

	/* A rename may race: copy, and terminate whatever was copied. */
	memcpy(comm, current->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';
	for (g = globs; *g; g = fhook_glob_next(g))
		if (glob_match(g, comm))
			return true;
	return false;
}

/* The predicates: may this call reach the actions at all? */
static __always_inline bool fhook_call_passes(const struct fhook_config *cfg)
{
	if (cfg->nr_pids && !fhook_pid_match(cfg, current->tgid))
		return false;
	return !cfg->comm || fhook_comm_match(cfg->comm);
}

/* Sampling: the Nth, 2Nth, ... passing call on this CPU is recorded. */
static __always_inline bool fhook_call_sampled(const struct fhook_config *cfg,
					       struct fhook_cpu *pc)
{
	u64 seq;

	if (cfg->sample <= 1)
		return true;
	seq = local64_inc_return(&pc->sample_seq);
	return do_div(seq, cfg->sample) == 0;
}

static __always_inline void fhook_run_actions(struct fhook_call *call)
{
	const struct fhook_config *cfg = &call->live->cfg;
	bool rcu_ok = !call->live->needs_rcu || rcu_is_watching();
	unsigned long actions = cfg->actions;
	bool skipped = false;
	unsigned int i;

	local64_inc(&call->pc->hits);
	/* Only a hook that writes records pays for sampling. */
	call->record = call->live->records &&
		       fhook_call_sampled(cfg, call->pc);
	for (i = 0; actions; i++, actions >>= 1) {
		if (!(actions & 1))
			continue;
		if (fhook_actions[i].needs_rcu && !rcu_ok) {
			skipped = true;
			continue;
		}
		fhook_run_action(i, call);
	}
	if (skipped)
		local64_inc(&call->pc->missed);
}

/*
 * During a commit two ops of the same hook can be registered at once; only
 * the one this CPU's active configuration uses may act, so each call
 * reaches the actions once, through either the old or the new
 * configuration.  And one ops can hook both sets for a moment (a commit in
 * place, hook.c), so a call acts only if its function is in the active
 * configuration's set.  Preemption stays off from reading @active until
 * the actions are done, so the stop_machine() that switches @active cannot
 * fall in between.
 */
void notrace fhook_callback(unsigned long ip, unsigned long parent_ip,
			    struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct fhook_ops *fops = to_fhook_ops(op);
	struct fhook_call call = {
		.ip = ip, .parent_ip = parent_ip, .fregs = fregs,
	};
	bool own_lock = !(op->flags & FTRACE_OPS_FL_RECURSION);
	int bit = 0;

	preempt_disable_notrace();
	call.pc = this_cpu_ptr(fops->hook->cpu);
	call.live = READ_ONCE(call.pc->active);
	if (!call.live || call.live->fops != fops)
		goto out;
	call.idx = fhook_funcs_index(call.live->funcs, ip);
	if (call.idx < 0)
		goto out;	/* not in this configuration's set */
	/* With RECURSION set, ftrace's own trampoline already did this. */
	if (own_lock) {
		bit = ftrace_test_recursion_trylock(ip, parent_ip);
		if (bit < 0) {
			local64_inc(&call.pc->missed);
			goto out;
		}
	}
	if (fhook_call_passes(&call.live->cfg))
		fhook_run_actions(&call);
	if (own_lock)
		ftrace_test_recursion_unlock(bit);
out:
	preempt_enable_notrace();
}

/* A call the recursion lock turned away: count it, off the fast path. */
static noinline void fhook_note_missed(struct fhook_ops *fops)
{
	preempt_disable_notrace();
	local64_inc(&this_cpu_ptr(fops->cpu)->missed);
	preempt_enable_notrace();
}

/* The log callback's recursion lock: its bit, or -1 with the call missed. */
static __always_inline int fhook_trylock(struct fhook_ops *fops,
					 unsigned long ip,
					 unsigned long parent_ip)
{
	int bit = ftrace_test_recursion_trylock(ip, parent_ip);

	if (unlikely(bit < 0))
		fhook_note_missed(fops);
	return bit;
}

/*
 * A hook whose one action is log, with no predicate and no sampling, gets
 * a callback of its own (fhook_callback_pick()): log is the action whose
 * cost people compare with the function tracer's, and the generic
 * callback's walk of predicates, sampling and the action mask is a fifth
 * of it.  The same checks in the same order, only those this hook needs;
 * preemption is off (the recursion lock, ours or ftrace's, disables it).
 */
static __always_inline void fhook_log_call(struct fhook_ops *fops,
					   unsigned long ip,
					   unsigned long parent_ip,
					   struct ftrace_regs *fregs)
{
	struct fhook_call call = {
		.ip = ip, .parent_ip = parent_ip, .fregs = fregs,
		.record = true,
	};

	call.pc = this_cpu_ptr(fops->cpu);
	call.live = READ_ONCE(call.pc->active);
	if (unlikely(!call.live || call.live->fops != fops))
		return;
	if (unlikely(!fhook_funcs_has(call.live->funcs, ip)))
		return;
	local64_inc(&call.pc->hits);
	if (unlikely(call.live->needs_rcu && !rcu_is_watching())) {
		local64_inc(&call.pc->missed);
		return;
	}
	fhook_act_log(&call);
}

void notrace fhook_callback_log(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct fhook_ops *fops = to_fhook_ops(op);
	int bit = fhook_trylock(fops, ip, parent_ip);

	if (bit < 0)
		return;
	fhook_log_call(fops, ip, parent_ip, fregs);
	ftrace_test_recursion_unlock(bit);
}

/* With RECURSION, ftrace's assist function holds the recursion lock. */
void notrace fhook_callback_log_nolock(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *op,
				       struct ftrace_regs *fregs)
{
	fhook_log_call(to_fhook_ops(op), ip, parent_ip, fregs);
}
