// SPDX-License-Identifier: GPL-2.0
/*
 * The configfs reader: the input builds a fake fhook tree, which is read
 * as fhook-apply reads configfs, exported (--export, text and JSON),
 * and pruned (--prune-all --plan, whose script must run configfs
 * operations only, whatever the hooks are called).
 *
 * The input is records separated by NUL bytes.  A record is one byte
 * choosing a file, then a hook name up to a 0x01 byte, then the file's
 * content.  Every hook named starts with the mkdir defaults; the choice
 * picks one of the files of a hook or of the root (modulo their number:
 * 0x13 is "live"); with its top bit set it removes the file instead.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static const char * const files[] = {
	"live", "filter", "notrace", "flags", "action", "args",
	"stack_depth", "target", "pids", "comm", "sample", "enabled", "tag",
	"hits", "missed", "last_error", "stats", "version", "features",
};

#define ROOT_FILES	2	/* the last ones */

static struct features feat;
static char *base, *pcfg;

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	fuzz_features_load(&feat);
	base = fuzz_tmpdir();
	xasprintf(&pcfg, "%s/p.cfg", base);
	fuzz_write(base, "p.cfg", "version = 1;\nhooks = { };\n", 26);
	return 0;
}

/* A name configfs could hold: no '/', not "." or "..", NAME_MAX at most. */
static char *hook_name(const char *s, size_t len)
{
	char *name, *c;

	if (len > NAME_MAX)
		len = NAME_MAX;
	name = strndup(s, len);
	if (!name)
		abort();
	for (c = name; *c; c++)
		if (*c == '/')
			*c = '_';
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		free(name);
		return NULL;
	}
	return name;
}

static void record(const char *root, const char *r, size_t len)
{
	size_t choice = (unsigned char)r[0] & 0x7f, n = ARRAY_SIZE(files);
	const char *name = r + 1, *sep, *file = files[choice % n];
	char *hook, *dir, *path;
	struct stat st;

	sep = memchr(name, 1, len - 1);
	if (!sep)
		sep = r + len;
	hook = hook_name(name, sep - name);
	if (choice % n >= n - ROOT_FILES || !hook) {
		dir = strdup(root);
	} else {
		xasprintf(&dir, "%s/%s", root, hook);
		if (stat(dir, &st))
			fuzz_fake_hook(root, hook);
	}
	free(hook);
	if (!dir)
		abort();
	if (r[0] & 0x80) {
		xasprintf(&path, "%s/%s", dir, file);
		unlink(path);
		free(path);
	} else {
		sep = sep < r + len ? sep + 1 : sep;
		fuzz_write(dir, file, sep, r + len - sep);
	}
	free(dir);
}

static void build_tree(const char *root, const unsigned char *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size, *nul;

	fuzz_fake_root(root);
	while (s < end) {
		nul = memchr(s, 0, end - s);
		if (!nul)
			nul = end;
		if (nul > s)
			record(root, s, nul - s);
		s = nul + 1;
	}
}

int fuzz_one_input(const unsigned char *data, size_t size)
{
	struct plan_opts o = { .prune = true, .prune_all = true };
	struct profile p;
	struct kstate ks;
	struct plan pl;
	FILE *null;
	char *root;

	null = fopen("/dev/null", "w");
	xasprintf(&root, "%s/fhook", base);
	if (!null || mkdir(root, 0755))
		abort();
	build_tree(root, data, size);
	if (!kstate_open(&ks, root) && !kstate_load(&ks)) {
		export_profile(null, &ks, false);
		export_profile(null, &ks, true);
		if (profile_load(&p, pcfg, &feat))
			abort();
		plan_build(&pl, &p, &ks, &o);
		fuzz_check_plan(&pl, "p.cfg");
		plan_free(&pl);
		profile_free(&p);
	}
	kstate_free(&ks);
	fuzz_rmtree(root);
	free(root);
	fclose(null);
	fuzz_reset();
	return 0;
}
