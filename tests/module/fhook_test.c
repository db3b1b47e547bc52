// SPDX-License-Identifier: GPL-2.0
/*
 * fhook_test: kernel functions that only the kernel suites call, so that a
 * hook on them counts exactly what a test did, plus a replacement for
 * action redirect. Driven through debugfs:
 *
 *   echo "NAME N [A [B]]" > /sys/kernel/debug/fhook_test/call
 *	make N calls: NAME caller_a or caller_b calls fhook_test_target(A, B)
 *	N times from that caller; other, twin1, twin2, tail and unexported
 *	call that function N times (tail then calls fhook_test_target).
 *   cat /sys/kernel/debug/fhook_test/result
 *	the return value of the last call.
 *   echo 1 > /sys/kernel/debug/fhook_test/ipmodify
 *	hook fhook_test_target with an IPMODIFY ftrace_ops of our own, as a
 *	livepatch would; 0 removes it.
 *
 * The functions are __noipa: never inlined, cloned, merged with their
 * twin or assumed pure, so each call the test asks for is one traced call
 * from the named caller, and a redirected call's result is really used.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fhook_test.h"

/* More than any test needs, few enough to keep one write short. */
#define FHOOK_TEST_MAX_CALLS	10000000UL

static noinline __noipa long fhook_test_target(long a, long b)
{
	return a + b;
}

static noinline __noipa long fhook_test_other(long a, long b)
{
	return a - b;
}

static noinline __noipa long fhook_test_twin1(long a, long b)
{
	return a + b + 1;
}

static noinline __noipa long fhook_test_twin2(long a, long b)
{
	return a + b + 2;
}

/* Traceable but not exported: refused as a redirect target. */
static noinline __noipa long fhook_test_unexported(long a, long b)
{
	return a * b;
}

/* The redirect target for fhook_test_target: same prototype. */
long fhook_test_replacement(long a, long b)
{
	return a * b + 1000;
}
EXPORT_SYMBOL_GPL(fhook_test_replacement);

/* A second target, to switch an enabled redirect between the two. */
long fhook_test_replacement2(long a, long b)
{
	return a * b + 2000;
}
EXPORT_SYMBOL_GPL(fhook_test_replacement2);

/* Two distinct call sites of fhook_test_target, for action callers. */
static noinline __noipa long fhook_test_caller_a(unsigned long n, long a,
						 long b)
{
	unsigned long i;
	long ret = 0;

	for (i = 0; i < n; i++) {
		ret = fhook_test_target(a, b);
		cond_resched();
	}
	return ret;
}

static noinline __noipa long fhook_test_caller_b(unsigned long n, long a,
						 long b)
{
	unsigned long i;
	long ret = 0;

	for (i = 0; i < n; i++) {
		ret = fhook_test_target(a, b);
		cond_resched();
	}
	return ret;
}

/*
 * Calls fhook_test_target as its last act: a sibling call (jmp), so the
 * target returns straight into this function's caller.  When the
 * function-graph tracer hooks this function, the return address the target
 * inherits is the tracer's return trampoline, and parent_ip is wrong.
 */
static noinline __noipa long fhook_test_tail(long a, long b)
{
	return fhook_test_target(a, b);
}

/* The caller of other, twin1, twin2, tail and unexported. */
static noinline __noipa long fhook_test_repeat(long (*fn)(long, long),
					       unsigned long n, long a, long b)
{
	unsigned long i;
	long ret = 0;

	for (i = 0; i < n; i++) {
		ret = fn(a, b);
		cond_resched();
	}
	return ret;
}

struct fhook_test_call {
	const char *name;
	long (*loop)(unsigned long n, long a, long b);
	long (*fn)(long a, long b);
};

static const struct fhook_test_call fhook_test_calls[] = {
	{ "caller_a", fhook_test_caller_a, NULL },
	{ "caller_b", fhook_test_caller_b, NULL },
	{ "other", NULL, fhook_test_other },
	{ "twin1", NULL, fhook_test_twin1 },
	{ "twin2", NULL, fhook_test_twin2 },
	{ "unexported", NULL, fhook_test_unexported },
	{ "tail", NULL, fhook_test_tail },
};

static long fhook_test_result;
static struct dentry *fhook_test_dir;

static ssize_t fhook_test_call_write(struct file *file,
				     const char __user *ubuf, size_t count,
				     loff_t *ppos)
{
	const struct fhook_test_call *call = NULL;
	unsigned long n;
	long a = 0, b = 0, ret;
	char name[16];
	unsigned int i;
	char *buf;
	int fields;

	if (count > 128)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	fields = sscanf(buf, "%15s %lu %ld %ld", name, &n, &a, &b);
	kfree(buf);
	if (fields < 2 || n > FHOOK_TEST_MAX_CALLS)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(fhook_test_calls); i++) {
		if (!strcmp(name, fhook_test_calls[i].name)) {
			call = &fhook_test_calls[i];
			break;
		}
	}
	if (!call)
		return -EINVAL;
	if (call->loop)
		ret = call->loop(n, a, b);
	else
		ret = fhook_test_repeat(call->fn, n, a, b);
	WRITE_ONCE(fhook_test_result, ret);
	return count;
}

static const struct file_operations fhook_test_call_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = fhook_test_call_write,
	.llseek = noop_llseek,
};

static int fhook_test_result_get(void *data, u64 *val)
{
	*val = READ_ONCE(fhook_test_result);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(fhook_test_result_fops, fhook_test_result_get,
				NULL, "%lld\n");

/* Protects fhook_test_ipmodify_on and the registration of the ops. */
static DEFINE_MUTEX(fhook_test_lock);
static bool fhook_test_ipmodify_on;

/* Claims the function for IPMODIFY and changes nothing. */
static void notrace fhook_test_ipmodify_func(unsigned long ip,
					     unsigned long parent_ip,
					     struct ftrace_ops *op,
					     struct ftrace_regs *fregs)
{
}

static struct ftrace_ops fhook_test_ipmodify_ops = {
	.func = fhook_test_ipmodify_func,
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
	.flags = FTRACE_OPS_FL_IPMODIFY,
#else
	.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_SAVE_REGS,
#endif
};

static int fhook_test_ipmodify_get(void *data, u64 *val)
{
	mutex_lock(&fhook_test_lock);
	*val = fhook_test_ipmodify_on;
	mutex_unlock(&fhook_test_lock);
	return 0;
}

static int fhook_test_ipmodify_set(void *data, u64 val)
{
	int ret = 0;

	if (val > 1)
		return -EINVAL;
	mutex_lock(&fhook_test_lock);
	if (val != fhook_test_ipmodify_on) {
		if (val)
			ret = register_ftrace_function(&fhook_test_ipmodify_ops);
		else
			ret = unregister_ftrace_function(&fhook_test_ipmodify_ops);
		if (!ret)
			fhook_test_ipmodify_on = val;
	}
	mutex_unlock(&fhook_test_lock);
	return ret;
}

DEFINE_DEBUGFS_ATTRIBUTE(fhook_test_ipmodify_fops, fhook_test_ipmodify_get,
			 fhook_test_ipmodify_set, "%llu\n");

static int __init fhook_test_init(void)
{
	static unsigned char glob[] = "fhook_test_target";
	int ret;

	/* Set once: ftrace_free_filter() leaves the ops unusable. */
	ret = ftrace_set_filter(&fhook_test_ipmodify_ops, glob, strlen(glob), 1);
	if (ret)
		return ret;
	fhook_test_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("call", 0200, fhook_test_dir, NULL,
			    &fhook_test_call_fops);
	debugfs_create_file_unsafe("result", 0400, fhook_test_dir, NULL,
				   &fhook_test_result_fops);
	debugfs_create_file_unsafe("ipmodify", 0600, fhook_test_dir, NULL,
				   &fhook_test_ipmodify_fops);
	return 0;
}

static void __exit fhook_test_exit(void)
{
	/* No file operation runs once this returns. */
	debugfs_remove(fhook_test_dir);
	if (fhook_test_ipmodify_on)
		unregister_ftrace_function(&fhook_test_ipmodify_ops);
	ftrace_free_filter(&fhook_test_ipmodify_ops);
}

module_init(fhook_test_init);
module_exit(fhook_test_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Functions and a replacement for fhook's kernel tests");
