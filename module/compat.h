/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences fhook has to bridge, tested by feature rather
 * than by version number wherever the kernel offers something to test.
 */
#ifndef _FHOOK_COMPAT_H
#define _FHOOK_COMPAT_H

#include <linux/rcupdate.h>
#include <linux/ftrace.h>

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
 * shows it.  Returns 1 or 0, or a negative errno when it cannot be read.
 */
int fhook_ftrace_enabled(void);

#endif /* _FHOOK_COMPAT_H */
