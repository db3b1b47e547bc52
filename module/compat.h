/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences fhook has to bridge, tested by feature rather
 * than by version number wherever the kernel offers something to test:
 * Debian's 6.12.y carries 6.13's ftrace_regs, so a version test would be
 * wrong there.  Kbuild looks for names in the headers of the kernel being
 * built for and defines:
 *
 *   FHOOK_HAVE_FREGS_GET_ARGUMENT    ftrace_regs_get_argument(): from 6.2,
 *                                    in linux/ftrace_regs.h from 6.13 and
 *                                    Debian's 6.12.y; 6.1 reads fregs->regs
 *   FHOOK_HAVE_FREGS_SET_IP          ftrace_regs_set_instruction_pointer():
 *                                    from 6.2; 6.1 has the older name
 *   FHOOK_HAVE_FGRAPH_SHADOW_STACK   the function-graph stack as longs,
 *                                    empty at 0: from 6.9
 *   FHOOK_HAVE_TA_GET_SYSTEMS        trace_array_get_by_name(name, systems):
 *                                    from 6.12 (and late 6.6.y)
 *
 * On Debian's kernels: 6.1.0-57 has none of them, 6.12.95+deb12 and
 * 7.2.13+deb14 have all four.  The private struct ftrace_hash is checked
 * when the module loads instead (layout.c): no header describes it.
 */
#ifndef _FHOOK_COMPAT_H
#define _FHOOK_COMPAT_H

#include <linux/rcupdate.h>
#include <linux/ftrace.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/trace.h>
#ifdef CONFIG_X86
#include <asm/pgtable.h>
#endif

/*
 * Wait until no task can still be inside code reached from a call site
 * that ftrace has since repatched: a task preempted between a trampoline
 * and the callback's first instruction.  With TASKS_RCU that is what
 * synchronize_rcu_tasks() waits for; without it the kernel cannot preempt
 * there, and a plain RCU grace period covers the non-preemptible region.
 */
static inline void fhook_sync_trampolines(void)
{
#ifdef CONFIG_TASKS_RCU
	synchronize_rcu_tasks();
#else
	synchronize_rcu();
#endif
}

/*
 * ftrace_free_filter() is exported only from 6.3 (and late 6.1.y) on.
 * Resetting both lists to empty frees the same hashes on every kernel.
 */
static inline void fhook_free_filters(struct ftrace_ops *ops)
{
	ftrace_set_filter(ops, NULL, 0, 1);
	ftrace_set_notrace(ops, NULL, 0, 1);
}

/*
 * ftrace_enabled is not exported.  Userspace can flip it with the
 * kernel.ftrace_enabled sysctl at any time, so read it where the sysctl
 * shows it, in init's /proc (sysctl.c).  Returns 1 or 0, or a negative
 * errno when it cannot be read: never a guess.
 */
int fhook_ftrace_enabled(void);

/*
 * Where the arguments and the IP of a hooked call live.  With
 * CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS ftrace saves the argument registers
 * and honours a changed IP for every callback; 6.2 added accessors for
 * them (Kbuild looks for the names: FHOOK_HAVE_FREGS_*), before that x86
 * keeps a pt_regs inside ftrace_regs.  Elsewhere only a SAVE_REGS
 * trampoline passes registers (ftrace_get_regs() is NULL otherwise).
 */
#if defined(FHOOK_HAVE_FREGS_GET_ARGUMENT) || \
	(defined(CONFIG_X86_64) && defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS))
#define FHOOK_FREGS_HAVE_ARGS	1
#else
#define FHOOK_FREGS_HAVE_ARGS	0
#endif

static __always_inline unsigned long
fhook_regs_argument(struct ftrace_regs *fregs, unsigned int n)
{
#if defined(FHOOK_HAVE_FREGS_GET_ARGUMENT)
	return ftrace_regs_get_argument(fregs, n);
#elif FHOOK_FREGS_HAVE_ARGS
	return regs_get_kernel_argument(&fregs->regs, n);
#else
	struct pt_regs *regs = ftrace_get_regs(fregs);

	return regs ? regs_get_kernel_argument(regs, n) : 0;
#endif
}

static __always_inline void
fhook_regs_set_ip(struct ftrace_regs *fregs, unsigned long ip)
{
#if defined(FHOOK_HAVE_FREGS_SET_IP)
	ftrace_regs_set_instruction_pointer(fregs, ip);
#elif FHOOK_FREGS_HAVE_ARGS
	ftrace_instruction_pointer_set(fregs, ip);
#else
	struct pt_regs *regs = ftrace_get_regs(fregs);

	if (regs)
		instruction_pointer_set(regs, ip);
#endif
}

/*
 * True when the function-graph tracer may have replaced return addresses
 * on @t's stack with its return trampoline, so that parent_ip cannot be
 * trusted and the caller must be unwound.  A task keeps its return stack
 * once function_graph ran, so what counts is whether anything is pushed:
 * up to 6.8 curr_ret_stack is -1 when nothing is; from 6.9 (the shadow
 * stack of longs, Kbuild's FHOOK_HAVE_FGRAPH_SHADOW_STACK) it counts up
 * from 0.  Testing ">= 0" there made every call of every task unwind for
 * good after one function_graph session: a '*' hook with callers then
 * stalled stop_machine() for over 20 s on 6.12 (soft lockups).
 */
static __always_inline bool fhook_graph_may_hide(struct task_struct *t)
{
#if !defined(CONFIG_FUNCTION_GRAPH_TRACER)
	return false;
#elif defined(FHOOK_HAVE_FGRAPH_SHADOW_STACK)
	return READ_ONCE(t->ret_stack) && READ_ONCE(t->curr_ret_stack) > 0;
#else
	return READ_ONCE(t->ret_stack) && READ_ONCE(t->curr_ret_stack) >= 0;
#endif
}

/*
 * Is @addr in executable memory?  A redirect target must be code, and an
 * exported variable would pass every other check.  x86 can say from the
 * page tables; elsewhere fhook cannot tell and trusts the name.
 */
static inline bool fhook_addr_is_code(unsigned long addr)
{
#ifdef CONFIG_X86
	unsigned int level;
	pte_t *pte = lookup_address(addr, &level);

	return pte && pte_present(*pte) && pte_exec(*pte);
#else
	return true;
#endif
}

/* 6.12 (and late 6.6.y) added the event systems to create it with. */
static inline struct trace_array *fhook_trace_array_get(const char *name)
{
#ifdef FHOOK_HAVE_TA_GET_SYSTEMS
	return trace_array_get_by_name(name, "fhook");
#else
	return trace_array_get_by_name(name);
#endif
}

#endif /* _FHOOK_COMPAT_H */
