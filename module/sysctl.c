// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.ftrace_enabled, which ftrace does not export: a PERMANENT ops
 * cannot be registered while it is 0, and userspace may flip it at any
 * time, so it is read where the sysctl shows it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>

#include "compat.h"

/*
 * The root directory of init (pid 1 of the initial pid namespace).  The
 * writer's own root may be a container's or a chroot's, with no /proc or
 * a /proc of its choosing.
 */
static int fhook_init_root(struct path *root)
{
	struct task_struct *init;
	int ret = -ESRCH;

	rcu_read_lock();
	init = pid_task(find_pid_ns(1, &init_pid_ns), PIDTYPE_PID);
	if (init)
		get_task_struct(init);
	rcu_read_unlock();
	if (!init)
		return ret;
	task_lock(init);
	if (init->fs) {
		get_fs_root(init->fs, root);
		ret = 0;
	}
	task_unlock(init);
	put_task_struct(init);
	return ret;
}

int fhook_ftrace_enabled(void)
{
	struct path root;
	struct file *f;
	char buf[4] = "";
	loff_t pos = 0;
	ssize_t n;
	int ret;

	ret = fhook_init_root(&root);
	if (ret)
		return ret;
	f = file_open_root(&root, "proc/sys/kernel/ftrace_enabled",
			   O_RDONLY, 0);
	path_put(&root);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n <= 0)
		return n ? n : -EIO;
	if (buf[0] != '0' && buf[0] != '1')
		return -EIO;
	return buf[0] == '1';
}
