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

/*
 * "key: words" lines of the live attribute, in any order.  A line an
 * older module does not write leaves the mkdir default.
 */
static int parse_live(struct khook *kh, char *text)
{
	const struct hook_attr *a;
	char *line, *end, *value;

	for (line = text; *line; line = end) {
		end = strchrnul(line, '\n');
		if (*end)
			*end++ = '\0';
		value = strchr(line, ':');
		if (!value)
			return -EINVAL;
		*value++ = '\0';
		a = attr_find(line);
		if (a && attr_in_cfg(a))
			attr_set_text(a, &kh->live, value);
		else if (!strcmp(line, "generation"))
			kh->generation = strtoull(value, NULL, 10);
		else if (!strcmp(line, "functions"))
			kh->functions = strtoll(value, NULL, 10);
	}
	return 0;
}

/*
 * The files of a hook besides hook_attrs[]: the committed configuration
 * and what it did.
 */
enum { A_LIVE, A_HITS, A_MISSED, A_LAST_ERROR, NR_EXTRA_FILES };

static const char * const extra_files[NR_EXTRA_FILES] = {
	[A_LIVE]	= "live",
	[A_HITS]	= "hits",
	[A_MISSED]	= "missed",
	[A_LAST_ERROR]	= "last_error",
};

/*
 * The text of attribute @a of hook @name, or NULL after saying why.  A
 * module older than 0.2.0 has no such file for some: that means the
 * mkdir default, "" for all but the numbers.
 */
static char *read_hook_attr(const char *root, const char *name,
			    const struct hook_attr *a)
{
	struct hook_cfg dflt;
	char *path, *text;
	bool absent;

	if (a->since_0_2) {
		xasprintf(&path, "%s/%s/%s", root, name, a->name);
		absent = access(path, F_OK) && errno == ENOENT;
		free(path);
		if (absent) {
			hook_cfg_init(&dflt);
			text = attr_value(a, &dflt);
			hook_cfg_free(&dflt);
			return text;
		}
	}
	return read_attr(root, name, a->name);
}

static void khook_set(struct khook *kh, const struct hook_attr *a, char *text)
{
	if (attr_in_cfg(a)) {
		attr_set_text(a, &kh->staged, text);
	} else if (a->kind == AK_BOOL) {
		kh->enabled = strtol(text, NULL, 10) != 0;
	} else {
		chomp(text);
		kh->tag = xstrdup(text);
	}
}

static int khook_parse(struct khook *kh, char *extra[NR_EXTRA_FILES],
		       char **text)
{
	size_t i;

	hook_cfg_init(&kh->live);
	hook_cfg_init(&kh->staged);
	kh->functions = -1;
	if (parse_live(kh, extra[A_LIVE]))
		return -EINVAL;
	for (i = 0; i < nr_hook_attrs; i++)
		khook_set(kh, &hook_attrs[i], text[i]);
	/* a --root tree may not be sorted */
	hook_cfg_canonical(&kh->live, NULL);
	hook_cfg_canonical(&kh->staged, NULL);
	kh->hits = strtoull(extra[A_HITS], NULL, 10);
	kh->missed = strtoull(extra[A_MISSED], NULL, 10);
	chomp(extra[A_LAST_ERROR]);
	kh->last_error = xstrdup(extra[A_LAST_ERROR]);
	return 0;
}

/* The files of hook @name in the order the module lists them. */
static int read_hook_files(const struct kstate *ks, const char *name,
			   char *extra[NR_EXTRA_FILES], char **text)
{
	size_t i;

	extra[A_LIVE] = read_attr(ks->root, name, extra_files[A_LIVE]);
	if (!extra[A_LIVE])
		return -EIO;
	for (i = 0; i < nr_hook_attrs; i++) {
		text[i] = read_hook_attr(ks->root, name, &hook_attrs[i]);
		if (!text[i])
			return -EIO;
	}
	for (i = A_LIVE + 1; i < NR_EXTRA_FILES; i++) {
		extra[i] = read_attr(ks->root, name, extra_files[i]);
		if (!extra[i])
			return -EIO;
	}
	return 0;
}

/* 0, -ENOENT when there is no such hook (silently), or -errno. */
int khook_load(const struct kstate *ks, const char *name, struct khook *kh)
{
	char *extra[NR_EXTRA_FILES] = { 0 }, **text, *dir;
	struct stat st;
	int ret = 0;
	size_t i;

	memset(kh, 0, sizeof(*kh));
	text = xcalloc(nr_hook_attrs, sizeof(*text));
	xasprintf(&dir, "%s/%s", ks->root, name);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		ret = -ENOENT;
	if (!ret)
		ret = read_hook_files(ks, name, extra, text);
	kh->name = xstrdup(name);
	if (!ret && khook_parse(kh, extra, text)) {
		errmsg("%s/%s: unexpected content", dir, extra_files[A_LIVE]);
		ret = -EINVAL;
	}
	for (i = 0; i < NR_EXTRA_FILES; i++)
		free(extra[i]);
	for (i = 0; i < nr_hook_attrs; i++)
		free(text[i]);
	free(text);
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
