// SPDX-License-Identifier: GPL-2.0
/*
 * fhook: declarative ftrace function hooks managed through configfs.
 * See configfs-layout.md for the user interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "fhook.h"

static int __init fhook_init(void)
{
	int ret;

	ret = fhook_layout_check();
	if (ret)
		return ret;
	ret = fhook_actions_init();
	if (ret)
		return ret;
	ret = fhook_events_init();
	if (ret) {
		pr_err("creating the tracefs instance failed: %d\n", ret);
		goto out_actions;
	}
	ret = fhook_hookevents_init();
	if (ret)
		goto out_events;
	ret = fhook_modules_init();
	if (ret) {
		pr_err("registering the module notifier failed: %d\n", ret);
		goto out_hookevents;
	}
	ret = fhook_configfs_init();
	if (ret) {
		pr_err("registering the configfs subsystem failed: %d\n", ret);
		goto out_modules;
	}
	return 0;

out_modules:
	fhook_modules_exit();
out_hookevents:
	fhook_hookevents_exit();
out_events:
	fhook_events_exit();
out_actions:
	fhook_actions_exit();
	return ret;
}

/*
 * configfs pins this module while any hook directory exists, so by the
 * time exit runs every hook has been removed and unregistered.
 */
static void __exit fhook_exit(void)
{
	fhook_configfs_exit();
	fhook_modules_exit();
	fhook_hookevents_exit();
	fhook_events_exit();
	fhook_actions_exit();
}

module_init(fhook_init);
module_exit(fhook_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Declarative ftrace function hooks managed through configfs");
MODULE_VERSION(FHOOK_VERSION);
