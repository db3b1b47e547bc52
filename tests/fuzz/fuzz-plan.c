// SPDX-License-Identifier: GPL-2.0
/*
 * The planner and the differ: the input is one byte of options (prune,
 * prune-all, delete, only the first hook), then a profile; the kernel is a
 * fixed fake tree.  A valid profile is planned and printed as --plan and
 * --diff print it, and the script must run configfs operations only.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static struct kstate ks;
static char *dir, *path;

/* Hooks to change, to keep, to prune by tag, and one of someone else's. */
static void fake_kernel(const char *root)
{
	fuzz_fake_root(root);
	fuzz_fake_hook(root, "a");
	fuzz_fake_hook(root, "b");
	fuzz_write(root, "b/tag", "fhook-apply:p\n", 14);
	fuzz_write(root, "b/enabled", "1\n", 2);
	fuzz_fake_hook(root, "c");
	fuzz_write(root, "c/tag", "other\n", 6);
	fuzz_write(root, "c/action", "log\n", 4);
	fuzz_fake_hook(root, "d");
	fuzz_write(root, "d/tag", "fhook-apply:p\n", 14);
	fuzz_write(root, "d/pids", "1\n2\n", 4);
}

int fuzz_initialize(int *argc, char ***argv)
{
	char *root;

	fuzz_init();
	dir = fuzz_tmpdir();
	xasprintf(&path, "%s/p.cfg", dir);
	xasprintf(&root, "%s/fhook", dir);
	if (mkdir(root, 0755))
		abort();
	fake_kernel(root);
	if (kstate_open(&ks, root) || kstate_load(&ks) || ks.n != 4)
		abort();
	return 0;
}

int fuzz_one_input(const unsigned char *data, size_t size)
{
	struct plan_opts o = { 0 };
	struct strv only = { 0 };
	FILE *null;
	struct profile p;
	struct plan pl;

	if (!size)
		return 0;
	o.prune = data[0] & 3;
	o.prune_all = data[0] & 2;
	o.delete = data[0] & 4;
	fuzz_write(dir, "p.cfg", (const char *)data + 1, size - 1);
	if (profile_load(&p, path, &ks.feat))
		goto out;
	if ((data[0] & 8) && p.n) {
		strv_add(&only, p.hooks[0].name);
		o.only = &only;
	}
	null = fopen("/dev/null", "w");
	if (!null)
		abort();
	plan_build(&pl, &p, &ks, &o);
	fuzz_check_plan(&pl, "p.cfg");
	print_diff(null, &pl, &p, false);
	print_diff(null, &pl, &p, true);
	plan_free(&pl);
	fclose(null);
	strv_free(&only);
out:
	profile_free(&p);
	fuzz_reset();
	return 0;
}
