// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks as they are: everything fhook-apply compares, plans and rolls
 * back is read here from configfs (or from a directory of the same shape,
 * --root).  Reads never change anything.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fhook-apply.h"

void hook_cfg_free(struct hook_cfg *cfg)
{
	strv_free(&cfg->filter);
	strv_free(&cfg->notrace);
	strv_free(&cfg->flags);
	strv_free(&cfg->action);
}

/* The text of @root/@name/@attr, or NULL after printing why not. */
static char *read_attr(const char *root, const char *name, const char *attr)
{
	char *path, *text = NULL;
	int ret;

	xasprintf(&path, "%s/%s/%s", root, name, attr);
	ret = read_text(path, &text);
	if (ret)
		errmsg("%s: %s", path, strerror(-ret));
	free(path);
	return ret ? NULL : text;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		s[n - 1] = '\0';
}

/* "key: words" lines of the live attribute, in any order. */
static int parse_live(struct khook *kh, char *text)
{
	char *line, *end, *value;
	struct strv *list;

	for (line = text; *line; line = end) {
		end = strchrnul(line, '\n');
		if (*end)
			*end++ = '\0';
		value = strchr(line, ':');
		if (!value)
			return -EINVAL;
		*value++ = '\0';
		list = NULL;
		if (!strcmp(line, "generation"))
			kh->generation = strtoull(value, NULL, 10);
		else if (!strcmp(line, "filter"))
			list = &kh->live.filter;
		else if (!strcmp(line, "notrace"))
			list = &kh->live.notrace;
		else if (!strcmp(line, "flags"))
			list = &kh->live.flags;
		else if (!strcmp(line, "action"))
			list = &kh->live.action;
		if (list)
			strv_add_words(list, value);
	}
	return 0;
}

static const char * const hook_attrs[] = {
	"live", "filter", "notrace", "flags", "action", "enabled", "tag",
	"hits", "missed", "last_error",
};

#define NR_HOOK_ATTRS	ARRAY_SIZE(hook_attrs)

static int khook_parse(struct khook *kh, char *text[NR_HOOK_ATTRS])
{
	if (parse_live(kh, text[0]))
		return -EINVAL;
	strv_add_words(&kh->staged.filter, text[1]);
	strv_add_words(&kh->staged.notrace, text[2]);
	/* the module reads them sorted; a --root tree may not */
	strv_sort_unique(&kh->live.filter);
	strv_sort_unique(&kh->live.notrace);
	strv_sort_unique(&kh->staged.filter);
	strv_sort_unique(&kh->staged.notrace);
	strv_add_words(&kh->staged.flags, text[3]);
	strv_add_words(&kh->staged.action, text[4]);
	kh->enabled = strtol(text[5], NULL, 10) != 0;
	chomp(text[6]);
	kh->tag = xstrdup(text[6]);
	kh->hits = strtoull(text[7], NULL, 10);
	kh->missed = strtoull(text[8], NULL, 10);
	chomp(text[9]);
	kh->last_error = xstrdup(text[9]);
	return 0;
}

/* 0, -ENOENT when there is no such hook (silently), or -errno. */
int khook_load(const struct kstate *ks, const char *name, struct khook *kh)
{
	char *text[NR_HOOK_ATTRS] = { 0 }, *dir;
	struct stat st;
	int ret = 0;
	size_t i;

	memset(kh, 0, sizeof(*kh));
	xasprintf(&dir, "%s/%s", ks->root, name);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		ret = -ENOENT;
	for (i = 0; i < NR_HOOK_ATTRS && !ret; i++) {
		text[i] = read_attr(ks->root, name, hook_attrs[i]);
		if (!text[i])
			ret = -EIO;
	}
	kh->name = xstrdup(name);
	if (!ret && khook_parse(kh, text)) {
		errmsg("%s/live: unexpected content", dir);
		ret = -EINVAL;
	}
	for (i = 0; i < NR_HOOK_ATTRS; i++)
		free(text[i]);
	free(dir);
	if (ret)
		khook_free(kh);
	return ret;
}

void khook_free(struct khook *kh)
{
	free(kh->name);
	hook_cfg_free(&kh->live);
	hook_cfg_free(&kh->staged);
	free(kh->tag);
	free(kh->last_error);
	memset(kh, 0, sizeof(*kh));
}

/* Major versions other than 0 may change the contract. */
static int check_version(struct kstate *ks)
{
	char *path;
	int ret;

	xasprintf(&path, "%s/version", ks->root);
	ret = read_text(path, &ks->version);
	if (ret == -ENOENT) {
		ret = 0;
	} else if (ret) {
		errmsg("%s: %s", path, strerror(-ret));
	} else {
		chomp(ks->version);
		if (strncmp(ks->version, "0.", 2)) {
			errmsg("%s: fhook %s is not supported by fhook-apply %s",
			       path, ks->version, FHOOK_APPLY_VERSION);
			ret = -EPROTO;
		}
	}
	free(path);
	return ret;
}

static int read_features(struct kstate *ks)
{
	char *path, *text;
	int ret;

	features_builtin(&ks->feat);
	xasprintf(&path, "%s/features", ks->root);
	ret = read_text(path, &text);
	if (ret == -ENOENT) {
		ret = 0;
	} else if (ret) {
		errmsg("%s: %s", path, strerror(-ret));
	} else {
		ret = features_parse(&ks->feat, text);
		if (ret)
			errmsg("%s: no 'actions:' line", path);
		free(text);
	}
	free(path);
	return ret;
}

/* The root, its version and its features; 0 or -errno (printed). */
int kstate_open(struct kstate *ks, const char *root)
{
	struct stat st;
	int err = 0;

	memset(ks, 0, sizeof(*ks));
	ks->root = root;
	if (stat(root, &st))
		err = errno;
	else if (!S_ISDIR(st.st_mode))
		err = ENOTDIR;
	if (err) {
		errmsg("%s: %s (is fhook loaded? try modprobe fhook)", root,
		       strerror(err));
		return -err;
	}
	if (check_version(ks) || read_features(ks))
		return -EINVAL;
	return 0;
}

static int cmp_khook(const void *a, const void *b)
{
	return strcmp(((const struct khook *)a)->name,
		      ((const struct khook *)b)->name);
}

/* Every hook under the root, sorted by name.  0 or -errno (printed). */
int kstate_load(struct kstate *ks)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d;
	int ret = 0;

	d = opendir(ks->root);
	if (!d) {
		ret = -errno;
		errmsg("%s: %s", ks->root, strerror(-ret));
		return ret;
	}
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		if (ks->n == cap) {
			cap = cap ? 2 * cap : 16;
			ks->hooks = xrealloc(ks->hooks, cap, sizeof(*ks->hooks));
		}
		ret = khook_load(ks, de->d_name, &ks->hooks[ks->n]);
		if (!ret)
			ks->n++;
		else if (ret == -ENOENT)
			ret = 0;	/* removed meanwhile, or not a directory */
	}
	closedir(d);
	if (ks->n)
		qsort(ks->hooks, ks->n, sizeof(*ks->hooks), cmp_khook);
	return ret;
}

const struct khook *kstate_find(const struct kstate *ks, const char *name)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (!strcmp(ks->hooks[i].name, name))
			return &ks->hooks[i];
	return NULL;
}

void kstate_free(struct kstate *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		khook_free(&ks->hooks[i]);
	free(ks->hooks);
	free(ks->version);
	features_free(&ks->feat);
	memset(ks, 0, sizeof(*ks));
}
