// SPDX-License-Identifier: GPL-2.0
/*
 * fhook_floor: the floor of make bench. One ftrace_ops on one function
 * with the least a callback can do, so that bench/guest can tell how much
 * of a hook's cost is ftrace's and how much is the callback's:
 *
 *   mode=empty  a callback that does nothing (samples/ftrace/ftrace-ops.c's
 *               figure);
 *   mode=count  ftrace_test_recursion_trylock(), one per-CPU increment,
 *               unlock: the least a callback that counts safely in any
 *               context does (the "safe-count floor");
 *   mode=regs   the empty callback with FTRACE_OPS_FL_SAVE_REGS.
 *
 * func= names the function (default __do_sys_getppid). The ops is
 * registered at load and unregistered at unload; the counted calls read
 * in /sys/module/fhook_floor/parameters/hits (0 unless mode=count).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/trace_recursion.h>

static char *mode = "empty";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "empty, count or regs");

static char *func = "__do_sys_getppid";
module_param(func, charp, 0444);
MODULE_PARM_DESC(func, "the function to hook");

static DEFINE_PER_CPU(u64, floor_hits);

static int floor_hits_get(char *buf, const struct kernel_param *kp)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(floor_hits, cpu);
	return sysfs_emit(buf, "%llu\n", sum);
}

/* A count, not a setting: a value given at load is refused. */
static int floor_hits_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops floor_hits_ops = {
	.set = floor_hits_set,
	.get = floor_hits_get,
};
module_param_cb(hits, &floor_hits_ops, NULL, 0444);
MODULE_PARM_DESC(hits, "calls counted (mode=count), read-only");

static void notrace floor_empty(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *op,
				struct ftrace_regs *fregs)
{
}

static void notrace floor_count(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *op,
				struct ftrace_regs *fregs)
{
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	this_cpu_inc(floor_hits);
	ftrace_test_recursion_unlock(bit);
}

static struct ftrace_ops floor_ops;

static int __init floor_init(void)
{
	char *glob;
	int ret;

	if (sysfs_streq(mode, "empty")) {
		floor_ops.func = floor_empty;
	} else if (sysfs_streq(mode, "count")) {
		floor_ops.func = floor_count;
	} else if (sysfs_streq(mode, "regs")) {
		floor_ops.func = floor_empty;
		floor_ops.flags = FTRACE_OPS_FL_SAVE_REGS;
	} else {
		pr_err("mode '%s': use empty, count or regs\n", mode);
		return -EINVAL;
	}

	/* ftrace_set_filter() writes into the glob it is given. */
	glob = kstrdup(func, GFP_KERNEL);
	if (!glob)
		return -ENOMEM;
	ret = ftrace_set_filter(&floor_ops, glob, strlen(glob), 1);
	kfree(glob);
	if (ret) {
		pr_err("func '%s': not a traceable function (error %d)\n",
		       func, ret);
		goto out_free_filter;
	}
	ret = register_ftrace_function(&floor_ops);
	if (ret) {
		pr_err("registering the ftrace_ops failed: error %d\n", ret);
		goto out_free_filter;
	}
	return 0;

out_free_filter:
	ftrace_free_filter(&floor_ops);
	return ret;
}

static void __exit floor_exit(void)
{
	unregister_ftrace_function(&floor_ops);
	ftrace_free_filter(&floor_ops);
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_DESCRIPTION("make bench: the floor of an ftrace_ops callback");
MODULE_LICENSE("GPL");
