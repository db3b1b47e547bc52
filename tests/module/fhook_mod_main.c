// SPDX-License-Identifier: GPL-2.0
/*
 * The main file of fhook_mod_a and fhook_mod_b (fhook_mod.h): traceable
 * functions that only 76-modules.bats calls, so a hook on them counts
 * exactly what the test did, from the module's init function on.
 * Compiled through fhook_mod_a_main.c and fhook_mod_b_main.c. In
 * /sys/kernel/debug/<module>/:
 *
 *   echo N > call	N calls of FHOOK_MOD_FN(work), each calling
 *			FHOOK_MOD_FN(step) once
 *   echo "A B" > calc	one call of FHOOK_MOD_FN(calc)(A, B), the
 *			function a test redirects
 *   echo "1 N" > twin	N calls of the namesake in this file; "2 N":
 *			of the one in fhook_mod_twin.c
 *   cat result		the return value of the last calc or twin call
 *   cat hot_calls	the calls of FHOOK_MOD_FN(work) made by the hot
 *			thread
 *
 * The init function calls FHOOK_MOD_FN(init_fn) FHOOK_MOD_INIT_CALLS
 * times. With hot=1 a thread calls FHOOK_MOD_FN(work) without pause
 * until the module is unloaded, so a test can unload it while hooked
 * functions run.
 *
 * The functions are __noipa: never inlined, cloned or merged, so each call
 * asked for is one traced call, and a redirected call's result is used.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fhook_mod.h"

/* More than any test needs, few enough to keep one write short. */
#define FHMOD_MAX_CALLS	10000000UL

static bool hot;
module_param(hot, bool, 0444);
MODULE_PARM_DESC(hot, "call the work function from a thread until unloaded");

static noinline __noipa long FHOOK_MOD_FN(step)(unsigned long i)
{
	return i * 3;
}

static noinline __noipa long FHOOK_MOD_FN(work)(unsigned long i)
{
	return FHOOK_MOD_FN(step)(i) + 1;
}

/* Not __init: it stays hooked after the module's init text is freed. */
static noinline __noipa long FHOOK_MOD_FN(init_fn)(unsigned long i)
{
	return i + 7;
}

/* The redirect test's function: same prototype as fhook_test_replacement. */
static noinline __noipa long FHOOK_MOD_FN(calc)(long a, long b)
{
	return a + b;
}

static noinline __noipa long FHOOK_MOD_TWIN(long a)
{
	return a + 1;
}

static long fhmod_result;
static unsigned long fhmod_hot_calls;
static struct task_struct *fhmod_hot_task;
static struct dentry *fhmod_dir;

static ssize_t fhmod_call_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	unsigned long i, n;
	int ret;

	ret = kstrtoul_from_user(ubuf, count, 0, &n);
	if (ret)
		return ret;
	if (n > FHMOD_MAX_CALLS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		FHOOK_MOD_FN(work)(i);
		cond_resched();
	}
	return count;
}

static const struct file_operations fhmod_call_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = fhmod_call_write,
	.llseek = noop_llseek,
};

/* sscanf()s a short user buffer. */
static int fhmod_scan(const char __user *ubuf, size_t count, const char *fmt,
		      long *x, long *y)
{
	char *buf;
	int fields;

	if (count > 64)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	fields = sscanf(buf, fmt, x, y);
	kfree(buf);
	return fields == 2 ? 0 : -EINVAL;
}

static ssize_t fhmod_calc_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	long a, b;
	int ret;

	ret = fhmod_scan(ubuf, count, "%ld %ld", &a, &b);
	if (ret)
		return ret;
	WRITE_ONCE(fhmod_result, FHOOK_MOD_FN(calc)(a, b));
	return count;
}

static const struct file_operations fhmod_calc_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = fhmod_calc_write,
	.llseek = noop_llseek,
};

static ssize_t fhmod_twin_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	long which, n, i, ret = 0;
	int err;

	err = fhmod_scan(ubuf, count, "%ld %ld", &which, &n);
	if (err)
		return err;
	if (n < 0 || n > FHMOD_MAX_CALLS)
		return -EINVAL;
	switch (which) {
	case 1:
		for (i = 0; i < n; i++) {
			ret = FHOOK_MOD_TWIN(i);
			cond_resched();
		}
		break;
	case 2:
		ret = fhmod_twin2_repeat(n);
		break;
	default:
		return -EINVAL;
	}
	WRITE_ONCE(fhmod_result, ret);
	return count;
}

static const struct file_operations fhmod_twin_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = fhmod_twin_write,
	.llseek = noop_llseek,
};

static int fhmod_result_get(void *data, u64 *val)
{
	*val = READ_ONCE(fhmod_result);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(fhmod_result_fops, fhmod_result_get, NULL,
				"%lld\n");

static int fhmod_hot_calls_get(void *data, u64 *val)
{
	*val = READ_ONCE(fhmod_hot_calls);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(fhmod_hot_calls_fops, fhmod_hot_calls_get, NULL,
			 "%llu\n");

static int fhmod_hot(void *data)
{
	unsigned long i;

	for (i = 0; !kthread_should_stop(); i++) {
		FHOOK_MOD_FN(work)(i);
		WRITE_ONCE(fhmod_hot_calls, i + 1);
		/*
		 * A voluntary quiescent state for RCU Tasks: without one,
		 * a thread that never sleeps holds up every synchronize_
		 * rcu_tasks(), and so every ftrace ops unregistration.
		 */
		cond_resched_tasks_rcu_qs();
	}
	return 0;
}

static int __init fhmod_init(void)
{
	unsigned long i;

	for (i = 0; i < FHOOK_MOD_INIT_CALLS; i++)
		FHOOK_MOD_FN(init_fn)(i);
	fhmod_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("call", 0200, fhmod_dir, NULL, &fhmod_call_fops);
	debugfs_create_file("calc", 0200, fhmod_dir, NULL, &fhmod_calc_fops);
	debugfs_create_file("twin", 0200, fhmod_dir, NULL, &fhmod_twin_fops);
	debugfs_create_file_unsafe("result", 0400, fhmod_dir, NULL,
				   &fhmod_result_fops);
	debugfs_create_file_unsafe("hot_calls", 0400, fhmod_dir, NULL,
				   &fhmod_hot_calls_fops);
	if (hot) {
		fhmod_hot_task = kthread_run(fhmod_hot, NULL, "%s_hot",
					     KBUILD_MODNAME);
		if (IS_ERR(fhmod_hot_task)) {
			debugfs_remove(fhmod_dir);
			return PTR_ERR(fhmod_hot_task);
		}
	}
	return 0;
}

static void __exit fhmod_exit(void)
{
	if (fhmod_hot_task)
		kthread_stop(fhmod_hot_task);
	/* No file operation runs once this returns. */
	debugfs_remove(fhmod_dir);
}

module_init(fhmod_init);
module_exit(fhmod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Functions 76-modules.bats hooks while loading and unloading");
