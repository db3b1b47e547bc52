// SPDX-License-Identifier: GPL-2.0
/*
 * The ftrace callback and the actions it runs.  Everything here may run in
 * any context, NMI included, with RCU not watching: no locks, no
 * allocation, no printk, nothing that can sleep.  The module is built
 * without ftrace instrumentation, so none of this can be hooked itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/trace_recursion.h>

#include "fhook.h"

static void notrace fhook_count(struct fhook *hook, struct fhook_cpu *pc,
				unsigned long ip, unsigned long parent_ip,
				struct ftrace_regs *fregs)
{
	local64_inc(&pc->hits);
}

const struct fhook_action fhook_actions[] = {
	{ .name = "count", .handler = fhook_count },
};

const unsigned int fhook_nr_actions = ARRAY_SIZE(fhook_actions);

static void notrace fhook_run_actions(struct fhook_live *live,
				      struct fhook_cpu *pc, unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_regs *fregs)
{
	unsigned long actions = live->cfg.actions;
	unsigned int i;

	for (i = 0; actions; i++, actions >>= 1)
		if (actions & 1)
			fhook_actions[i].handler(live->hook, pc, ip,
						 parent_ip, fregs);
}

/*
 * During a commit two ops of the same hook can be registered at once; only
 * the one this CPU's @active names may act, so each call reaches the
 * actions once, through either the old or the new configuration.
 * Preemption stays off from reading @active until the actions are done, so
 * the stop_machine() that switches @active cannot fall in between.
 */
void notrace fhook_callback(unsigned long ip, unsigned long parent_ip,
			    struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct fhook_live *live = ops_to_live(op);
	struct fhook_cpu *pc;
	int bit = 0;

	preempt_disable_notrace();
	pc = this_cpu_ptr(live->hook->cpu);
	if (READ_ONCE(pc->active) != live)
		goto out;
	/* With RECURSION set, ftrace's own trampoline already did this. */
	if (!(live->cfg.flags & FTRACE_OPS_FL_RECURSION)) {
		bit = ftrace_test_recursion_trylock(ip, parent_ip);
		if (bit < 0) {
			local64_inc(&pc->missed);
			goto out;
		}
	}
	if (live->needs_rcu && !rcu_is_watching())
		local64_inc(&pc->missed);
	else
		fhook_run_actions(live, pc, ip, parent_ip, fregs);
	if (!(live->cfg.flags & FTRACE_OPS_FL_RECURSION))
		ftrace_test_recursion_unlock(bit);
out:
	preempt_enable_notrace();
}
