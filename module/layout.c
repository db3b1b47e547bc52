// SPDX-License-Identifier: GPL-2.0
/*
 * The check, at load, that the running kernel's struct ftrace_hash has the
 * layout funcs.c reads (struct fhook_ftrace_hash in fhook.h).
 *
 * The hash is private to kernel/trace, so no header can say where its
 * fields are: it has kept them from 4.x to 7.2 (6.1, 6.12 and 7.2 agree in
 * their BTF), but a kernel that moved them would make every commit walk
 * garbage.  So fhook fills the filter of a scratch ftrace_ops, which is
 * never registered, with two known functions and reads its hash back with
 * non-faulting loads only.  The module loads only if that walk finds
 * exactly those two functions; otherwise it refuses with a reason in the
 * kernel log, and a layout it does not know can never oops the machine.
 * The entries are the public struct ftrace_func_entry, so only the hash
 * itself needs the check.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fhook.h"
#include "compat.h"

/* Two functions every kernel has and traces: what the walk must find. */
static const char *const fhook_layout_probe[] = { "vfs_read", "vfs_write" };
#define FHOOK_LAYOUT_NR		ARRAY_SIZE(fhook_layout_probe)

/* ftrace's own limit is 12 bits (FTRACE_HASH_MAX_BITS). */
#define FHOOK_LAYOUT_BITS_MAX	12
/*
 * ftrace's address of a function is that of its fentry call, after an
 * endbr64 when IBT is built in (6.12 on): a few bytes into the symbol.
 */
#define FHOOK_LAYOUT_OFFSET_MAX	16

static struct ftrace_ops fhook_layout_ops;

static bool fhook_layout_load(void *dst, const void *src, size_t len)
{
	return !copy_from_kernel_nofault(dst, src, len);
}

/*
 * The addresses in the hash at @hp, read without trusting a single
 * pointer: at most FHOOK_LAYOUT_NR of them, or -EIO.
 */
static int fhook_layout_walk(const struct fhook_ftrace_hash *hp,
			     unsigned long *ips)
{
	struct fhook_ftrace_hash h;
	struct ftrace_func_entry e;
	struct hlist_head head;
	struct hlist_node *node;
	unsigned int n = 0;
	unsigned long i;

	if (!fhook_layout_load(&h, hp, sizeof(h)))
		return -EIO;
	if (h.count != FHOOK_LAYOUT_NR || h.size_bits > FHOOK_LAYOUT_BITS_MAX)
		return -EIO;
	for (i = 0; i < (1UL << h.size_bits); i++) {
		if (!fhook_layout_load(&head, &h.buckets[i], sizeof(head)))
			return -EIO;
		for (node = head.first; node; node = e.hlist.next) {
			if (n == FHOOK_LAYOUT_NR ||
			    !fhook_layout_load(&e, hlist_entry(node,
					struct ftrace_func_entry, hlist),
					sizeof(e)))
				return -EIO;
			ips[n++] = e.ip;
		}
	}
	return n == FHOOK_LAYOUT_NR ? 0 : -EIO;
}

/* Is @ip the fentry call of the function named @name? */
static bool fhook_layout_is(unsigned long ip, const char *name)
{
	char sym[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);
	unsigned long offset;
	char *end;

	sprint_symbol(sym, ip);
	if (strncmp(sym, name, len) || strncmp(sym + len, "+0x", 3))
		return false;
	end = strchr(sym + len, '/');
	if (!end)
		return false;
	*end = '\0';
	return !kstrtoul(sym + len + 1, 16, &offset) &&
	       offset <= FHOOK_LAYOUT_OFFSET_MAX;
}

static int fhook_layout_read(unsigned long *ips)
{
	struct ftrace_ops_hash *oh = fhook_layout_ops.func_hash;
	struct ftrace_hash *filter;
	int ret;

	mutex_lock(&oh->regex_lock);
	filter = rcu_dereference_protected(oh->filter_hash,
					   lockdep_is_held(&oh->regex_lock));
	ret = fhook_layout_walk((const void *)filter, ips);
	mutex_unlock(&oh->regex_lock);
	return ret;
}

static int fhook_layout_fill(void)
{
	const char *name;
	unsigned int i;
	int ret;

	for (i = 0; i < FHOOK_LAYOUT_NR; i++) {
		name = fhook_layout_probe[i];
		ret = ftrace_set_filter(&fhook_layout_ops, (unsigned char *)name,
					strlen(name), 0);
		if (ret) {
			pr_err("ftrace cannot filter %s (%d): not loading\n",
			       name, ret);
			return ret;
		}
	}
	return 0;
}

int fhook_layout_check(void)
{
	unsigned long ips[FHOOK_LAYOUT_NR];
	unsigned int i, j, found = 0;
	int ret;

	/* funcs.c keeps the addresses in unsigned long arrays. */
	BUILD_BUG_ON(sizeof_field(struct ftrace_func_entry, ip) !=
		     sizeof(unsigned long));
	ret = fhook_layout_fill();
	if (!ret)
		ret = fhook_layout_read(ips);
	fhook_free_filters(&fhook_layout_ops);
	if (ret == -EIO)
		goto refuse;
	if (ret)
		return ret;
	for (i = 0; i < FHOOK_LAYOUT_NR; i++)
		for (j = 0; j < FHOOK_LAYOUT_NR; j++)
			found += fhook_layout_is(ips[j], fhook_layout_probe[i]);
	if (found == FHOOK_LAYOUT_NR)
		return 0;
refuse:
	pr_err("this kernel's struct ftrace_hash is not the layout fhook reads: not loading\n");
	return -ENOEXEC;
}
