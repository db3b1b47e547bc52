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
#include <unistd.h>

#include "fhook-apply.h"

/* What mkdir gives, except "action", which is "count" only when staged. */
void hook_cfg_init(struct hook_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->args = FHOOK_ARGS_DEFAULT;
	cfg->stack_depth = FHOOK_STACK_DEPTH_DEFAULT;
	cfg->sample = FHOOK_SAMPLE_DEFAULT;
}

void hook_cfg_free(struct hook_cfg *cfg)
{
	strv_free(&cfg->filter);
	strv_free(&cfg->notrace);
	strv_free(&cfg->flags);
	strv_free(&cfg->action);
	strv_free(&cfg->pids);
	strv_free(&cfg->comm);
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

static unsigned long number(const char *text)
{
	return strtoul(text, NULL, 10);
}

/* The first word of @text, or "": a target reads back as one name. */
static void set_target(struct hook_cfg *cfg, const char *text)
{
	struct strv words = { 0 };

	strv_add_words(&words, text);
	snprintf(cfg->target, sizeof(cfg->target), "%s",
		 words.n ? words.v[0] : "");
	strv_free(&words);
}

/* Lists as the module reads them back; a --root tree may not be sorted. */
static void cfg_canonical(struct hook_cfg *cfg)
{
	strv_sort_unique(&cfg->filter);
	strv_sort_unique(&cfg->notrace);
	strv_sort_unique(&cfg->comm);
	pids_canonical(&cfg->pids);
}

/*
 * "key: words" lines of the live attribute, in any order.  A line an
 * older module does not write leaves the mkdir default.
 */
static int parse_live(struct khook *kh, char *text)
{
	struct hook_cfg *live = &kh->live;
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
			list = &live->filter;
		else if (!strcmp(line, "notrace"))
			list = &live->notrace;
		else if (!strcmp(line, "flags"))
			list = &live->flags;
		else if (!strcmp(line, "action"))
			list = &live->action;
		else if (!strcmp(line, "args"))
			live->args = number(value);
		else if (!strcmp(line, "stack_depth"))
			live->stack_depth = number(value);
		else if (!strcmp(line, "target"))
			set_target(live, value);
		else if (!strcmp(line, "pids"))
			list = &live->pids;
		else if (!strcmp(line, "comm"))
			list = &live->comm;
		else if (!strcmp(line, "sample"))
			live->sample = number(value);
		else if (!strcmp(line, "functions"))
			kh->functions = strtoll(value, NULL, 10);
		if (list)
			strv_add_words(list, value);
	}
	return 0;
}

enum {
	A_LIVE, A_FILTER, A_NOTRACE, A_FLAGS, A_ACTION, A_ARGS, A_STACK_DEPTH,
	A_TARGET, A_PIDS, A_COMM, A_SAMPLE, A_ENABLED, A_TAG, A_HITS, A_MISSED,
	A_LAST_ERROR, NR_HOOK_ATTRS
};

static const char * const hook_attrs[NR_HOOK_ATTRS] = {
	[A_LIVE]	= "live",
	[A_FILTER]	= "filter",
	[A_NOTRACE]	= "notrace",
	[A_FLAGS]	= "flags",
	[A_ACTION]	= "action",
	[A_ARGS]	= "args",
	[A_STACK_DEPTH]	= "stack_depth",
	[A_TARGET]	= "target",
	[A_PIDS]	= "pids",
	[A_COMM]	= "comm",
	[A_SAMPLE]	= "sample",
	[A_ENABLED]	= "enabled",
	[A_TAG]		= "tag",
	[A_HITS]	= "hits",
	[A_MISSED]	= "missed",
	[A_LAST_ERROR]	= "last_error",
};

/*
 * What a module older than 0.2.0, which has no such attribute, means:
 * the mkdir default.  NULL: the attribute is always there.
 */
static const char * const hook_attr_absent[NR_HOOK_ATTRS] = {
	[A_ARGS]	= "0",
	[A_STACK_DEPTH]	= "16",
	[A_TARGET]	= "",
	[A_PIDS]	= "",
	[A_COMM]	= "",
	[A_SAMPLE]	= "1",
};

/* The text of one attribute of hook @name, or NULL after saying why. */
static char *read_hook_attr(const char *root, const char *name, size_t i)
{
	char *path;
	bool absent;

	if (hook_attr_absent[i]) {
		xasprintf(&path, "%s/%s/%s", root, name, hook_attrs[i]);
		absent = access(path, F_OK) && errno == ENOENT;
		free(path);
		if (absent)
			return xstrdup(hook_attr_absent[i]);
	}
	return read_attr(root, name, hook_attrs[i]);
}

static int khook_parse(struct khook *kh, char *text[NR_HOOK_ATTRS])
{
	struct hook_cfg *staged = &kh->staged;

	hook_cfg_init(&kh->live);
	hook_cfg_init(staged);
	kh->functions = -1;
	if (parse_live(kh, text[A_LIVE]))
		return -EINVAL;
	strv_add_words(&staged->filter, text[A_FILTER]);
	strv_add_words(&staged->notrace, text[A_NOTRACE]);
	strv_add_words(&staged->flags, text[A_FLAGS]);
	strv_add_words(&staged->action, text[A_ACTION]);
	staged->args = number(text[A_ARGS]);
	staged->stack_depth = number(text[A_STACK_DEPTH]);
	set_target(staged, text[A_TARGET]);
	strv_add_words(&staged->pids, text[A_PIDS]);
	strv_add_words(&staged->comm, text[A_COMM]);
	staged->sample = number(text[A_SAMPLE]);
	cfg_canonical(&kh->live);
	cfg_canonical(staged);
	kh->enabled = strtol(text[A_ENABLED], NULL, 10) != 0;
	chomp(text[A_TAG]);
	kh->tag = xstrdup(text[A_TAG]);
	kh->hits = strtoull(text[A_HITS], NULL, 10);
	kh->missed = strtoull(text[A_MISSED], NULL, 10);
	chomp(text[A_LAST_ERROR]);
	kh->last_error = xstrdup(text[A_LAST_ERROR]);
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
		text[i] = read_hook_attr(ks->root, name, i);
		if (!text[i])
			ret = -EIO;
	}
	kh->name = xstrdup(name);
	if (!ret && khook_parse(kh, text)) {
		errmsg("%s/%s: unexpected content", dir, hook_attrs[A_LIVE]);
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
		if (ret == -ENOENT)
			errmsg("%s: no 'actions:' line", path);
		else if (ret)
			errmsg("%s: bad 'limits:' line", path);
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
