// SPDX-License-Identifier: GPL-2.0
/*
 * The configfs face of fhook: /sys/kernel/config/fhook/ and one directory
 * per hook.  Stores parse and validate before taking the hook's lock, so a
 * rejected write changes nothing but last_error.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/configfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "fhook.h"

/*
 * A hook shows what the kernel is doing on behalf of whom (pids, comm,
 * callers, counts), which tracefs keeps root-only too.  Its files are
 * root's (0600/0400/0200), and every access also checks CAP_SYS_ADMIN,
 * since the mode only guards open(): a descriptor opened by root and
 * handed to an unprivileged process would pass it.
 */
static bool fhook_allowed(void)
{
	return capable(CAP_SYS_ADMIN);
}

/* Record a rejected write of attribute @attr in last_error. */
static ssize_t fhook_store_error(struct fhook *hook, const char *attr,
				 const char *msg, int err)
{
	mutex_lock(&hook->lock);
	fhook_set_error(hook, "%s: %s", attr, msg);
	mutex_unlock(&hook->lock);
	return err;
}

static ssize_t fhook_store_globs(struct config_item *item, const char *page,
				 size_t count, const char *attr,
				 char **(*field)(struct fhook *))
{
	struct fhook *hook = to_fhook(item);
	char err[FHOOK_ERR_MAX], **slot;
	char *globs;
	int ret;

	ret = fhook_parse_globs(page, count, &globs, err, sizeof(err));
	if (ret)
		return fhook_store_error(hook, attr, err, ret);
	mutex_lock(&hook->lock);
	slot = field(hook);
	kfree(*slot);
	*slot = globs;
	mutex_unlock(&hook->lock);
	return count;
}

static ssize_t fhook_show_globs(struct config_item *item, char *page,
				char **(*field)(struct fhook *))
{
	struct fhook *hook = to_fhook(item);
	ssize_t len;

	mutex_lock(&hook->lock);
	len = fhook_format_globs(*field(hook), '\n', page, PAGE_SIZE);
	mutex_unlock(&hook->lock);
	return len;
}

static char **fhook_staged_filter(struct fhook *hook)
{
	return &hook->staged.filter;
}

static char **fhook_staged_notrace(struct fhook *hook)
{
	return &hook->staged.notrace_globs;
}

static ssize_t fhook_filter_show(struct config_item *item, char *page)
{
	return fhook_show_globs(item, page, fhook_staged_filter);
}

static ssize_t fhook_filter_store(struct config_item *item, const char *page,
				  size_t count)
{
	return fhook_store_globs(item, page, count, "filter",
				 fhook_staged_filter);
}

static ssize_t fhook_notrace_show(struct config_item *item, char *page)
{
	return fhook_show_globs(item, page, fhook_staged_notrace);
}

static ssize_t fhook_notrace_store(struct config_item *item,
				   const char *page, size_t count)
{
	return fhook_store_globs(item, page, count, "notrace",
				 fhook_staged_notrace);
}

/* A staged set of names kept as bits: flags and actions. */
struct fhook_bits_attr {
	const char *name;
	int (*parse)(const char *buf, size_t len, unsigned long *out,
		     char *err, size_t errlen);
	ssize_t (*format)(unsigned long bits, char *buf, size_t size);
	size_t offset;		/* of the unsigned long in struct fhook */
};

static const struct fhook_bits_attr fhook_flags_bits = {
	.name	= "flags",
	.parse	= fhook_parse_flags,
	.format	= fhook_format_flags,
	.offset	= offsetof(struct fhook, staged.flags),
};

static const struct fhook_bits_attr fhook_action_bits = {
	.name	= "action",
	.parse	= fhook_parse_actions,
	.format	= fhook_format_actions,
	.offset	= offsetof(struct fhook, staged.actions),
};

static unsigned long *fhook_bits(struct fhook *hook,
				 const struct fhook_bits_attr *ba)
{
	return (unsigned long *)((char *)hook + ba->offset);
}

static ssize_t fhook_show_bits(struct config_item *item, char *page,
			       const struct fhook_bits_attr *ba)
{
	struct fhook *hook = to_fhook(item);
	ssize_t len;

	mutex_lock(&hook->lock);
	len = ba->format(*fhook_bits(hook, ba), page, PAGE_SIZE - 1);
	mutex_unlock(&hook->lock);
	page[len] = '\n';
	return len + 1;
}

static ssize_t fhook_store_bits(struct config_item *item, const char *page,
				size_t count, const struct fhook_bits_attr *ba)
{
	struct fhook *hook = to_fhook(item);
	char err[FHOOK_ERR_MAX];
	unsigned long bits;
	int ret;

	ret = ba->parse(page, count, &bits, err, sizeof(err));
	if (ret)
		return fhook_store_error(hook, ba->name, err, ret);
	mutex_lock(&hook->lock);
	*fhook_bits(hook, ba) = bits;
	mutex_unlock(&hook->lock);
	return count;
}

static ssize_t fhook_flags_show(struct config_item *item, char *page)
{
	return fhook_show_bits(item, page, &fhook_flags_bits);
}

static ssize_t fhook_flags_store(struct config_item *item, const char *page,
				 size_t count)
{
	return fhook_store_bits(item, page, count, &fhook_flags_bits);
}

static ssize_t fhook_action_show(struct config_item *item, char *page)
{
	return fhook_show_bits(item, page, &fhook_action_bits);
}

static ssize_t fhook_action_store(struct config_item *item, const char *page,
				  size_t count)
{
	return fhook_store_bits(item, page, count, &fhook_action_bits);
}

/*
 * A kstrtobool() word for @attr, or last_error says @usage.  kstrtobool()
 * reads only the first bytes, so "1\0junk" is refused here first.
 */
static int fhook_parse_switch(struct fhook *hook, const char *attr,
			      const char *page, size_t count,
			      const char *usage, bool *val)
{
	if (memchr(page, '\0', count))
		return fhook_store_error(hook, attr, "value contains a NUL byte",
					 -EINVAL);
	if (kstrtobool(page, val))
		return fhook_store_error(hook, attr, usage, -EINVAL);
	return 0;
}

static ssize_t fhook_commit_store(struct config_item *item, const char *page,
				  size_t count)
{
	static const char usage[] = "write 1 to commit";
	struct fhook *hook = to_fhook(item);
	bool val;
	int ret;

	ret = fhook_parse_switch(hook, "commit", page, count, usage, &val);
	if (!ret && !val)
		ret = fhook_store_error(hook, "commit", usage, -EINVAL);
	if (ret)
		return ret;
	ret = fhook_commit(hook);
	return ret ? ret : count;
}

static ssize_t fhook_enabled_show(struct config_item *item, char *page)
{
	struct fhook *hook = to_fhook(item);
	bool enabled;

	mutex_lock(&hook->lock);
	enabled = hook->enabled;
	mutex_unlock(&hook->lock);
	return sysfs_emit(page, "%d\n", enabled);
}

static ssize_t fhook_enabled_store(struct config_item *item,
				   const char *page, size_t count)
{
	struct fhook *hook = to_fhook(item);
	bool val;
	int ret;

	ret = fhook_parse_switch(hook, "enabled", page, count, "write 0 or 1",
				 &val);
	if (ret)
		return ret;
	ret = fhook_set_enabled(hook, val);
	return ret ? ret : count;
}

static ssize_t fhook_hits_show(struct config_item *item, char *page)
{
	u64 hits, missed;

	fhook_read_counters(to_fhook(item), &hits, &missed);
	return sysfs_emit(page, "%llu\n", hits);
}

static ssize_t fhook_missed_show(struct config_item *item, char *page)
{
	u64 hits, missed;

	fhook_read_counters(to_fhook(item), &hits, &missed);
	return sysfs_emit(page, "%llu\n", missed);
}

static ssize_t fhook_reset_store(struct config_item *item, const char *page,
				 size_t count)
{
	static const char usage[] = "write 1 to reset";
	struct fhook *hook = to_fhook(item);
	bool val;
	int ret;

	ret = fhook_parse_switch(hook, "reset", page, count, usage, &val);
	if (!ret && !val)
		ret = fhook_store_error(hook, "reset", usage, -EINVAL);
	if (ret)
		return ret;
	fhook_reset_counters(hook);
	return count;
}

static ssize_t fhook_last_error_show(struct config_item *item, char *page)
{
	struct fhook *hook = to_fhook(item);
	ssize_t len;

	mutex_lock(&hook->lock);
	len = sysfs_emit(page, "%s\n", hook->last_error);
	mutex_unlock(&hook->lock);
	return len;
}

static ssize_t fhook_tag_show(struct config_item *item, char *page)
{
	struct fhook *hook = to_fhook(item);
	ssize_t len;

	mutex_lock(&hook->lock);
	len = sysfs_emit(page, "%s\n", hook->tag);
	mutex_unlock(&hook->lock);
	return len;
}

static ssize_t fhook_tag_store(struct config_item *item, const char *page,
			       size_t count)
{
	struct fhook *hook = to_fhook(item);
	char err[FHOOK_ERR_MAX], tag[FHOOK_TAG_MAX + 1];
	int ret;

	ret = fhook_parse_tag(page, count, tag, err, sizeof(err));
	if (ret)
		return fhook_store_error(hook, "tag", err, ret);
	mutex_lock(&hook->lock);
	strscpy(hook->tag, tag, sizeof(hook->tag));
	mutex_unlock(&hook->lock);
	return count;
}

/* The staged numbers: args, stack_depth, sample. */
struct fhook_uint_attr {
	const char *name;
	unsigned int min;
	unsigned int max;
	size_t offset;		/* of the unsigned int in struct fhook */
};

static const struct fhook_uint_attr fhook_args_uint = {
	.name = "args", .min = 0, .max = FHOOK_ARGS_MAX,
	.offset = offsetof(struct fhook, staged.args),
};

static const struct fhook_uint_attr fhook_stack_depth_uint = {
	.name = "stack_depth", .min = 1, .max = FHOOK_STACK_MAX,
	.offset = offsetof(struct fhook, staged.stack_depth),
};

static const struct fhook_uint_attr fhook_sample_uint = {
	.name = "sample", .min = 1, .max = FHOOK_SAMPLE_MAX,
	.offset = offsetof(struct fhook, staged.sample),
};

static unsigned int *fhook_uint(struct fhook *hook,
				const struct fhook_uint_attr *ua)
{
	return (unsigned int *)((char *)hook + ua->offset);
}

static ssize_t fhook_show_uint(struct config_item *item, char *page,
			       const struct fhook_uint_attr *ua)
{
	struct fhook *hook = to_fhook(item);
	unsigned int val;

	mutex_lock(&hook->lock);
	val = *fhook_uint(hook, ua);
	mutex_unlock(&hook->lock);
	return sysfs_emit(page, "%u\n", val);
}

static ssize_t fhook_store_uint(struct config_item *item, const char *page,
				size_t count, const struct fhook_uint_attr *ua)
{
	struct fhook *hook = to_fhook(item);
	char err[FHOOK_ERR_MAX];
	unsigned int val;
	int ret;

	ret = fhook_parse_uint(page, count, ua->min, ua->max, &val, err,
			       sizeof(err));
	if (ret)
		return fhook_store_error(hook, ua->name, err, ret);
	mutex_lock(&hook->lock);
	*fhook_uint(hook, ua) = val;
	mutex_unlock(&hook->lock);
	return count;
}

/* args: a count of raw arguments, or a fetch list (fetch.c). */
static ssize_t fhook_args_show(struct config_item *item, char *page)
{
	struct fhook *hook = to_fhook(item);
	ssize_t len;

	mutex_lock(&hook->lock);
	if (hook->staged.fetches)
		len = fhook_format_fetches(hook->staged.fetches, '\n', page,
					   PAGE_SIZE);
	else
		len = sysfs_emit(page, "%u\n", hook->staged.args);
	mutex_unlock(&hook->lock);
	return len;
}

static ssize_t fhook_args_store(struct config_item *item, const char *page,
				size_t count)
{
	struct fhook *hook = to_fhook(item);
	struct fhook_fetches *fetches = NULL, *old;
	char err[FHOOK_ERR_MAX];
	unsigned int n = 0;
	int ret;

	if (fhook_looks_like_fetches(page, count))
		ret = fhook_parse_fetches(page, count, &fetches, err,
					  sizeof(err));
	else
		ret = fhook_parse_uint(page, count, fhook_args_uint.min,
				       fhook_args_uint.max, &n, err,
				       sizeof(err));
	if (ret)
		return fhook_store_error(hook, "args", err, ret);
	/* One form replaces the other, in one step for readers. */
	mutex_lock(&hook->lock);
	old = hook->staged.fetches;
	hook->staged.fetches = fetches;
	hook->staged.args = n;
	mutex_unlock(&hook->lock);
	kfree(old);
	return count;
}

static ssize_t fhook_stack_depth_show(struct config_item *item, char *page)
{
	return fhook_show_uint(item, page, &fhook_stack_depth_uint);
}

static ssize_t fhook_stack_depth_store(struct config_item *item,
				       const char *page, size_t count)
{
	return fhook_store_uint(item, page, count, &fhook_stack_depth_uint);
}

static ssize_t fhook_sample_show(struct config_item *item, char *page)
{
	return fhook_show_uint(item, page, &fhook_sample_uint);
}

static ssize_t fhook_sample_store(struct config_item *item, const char *page,
				  size_t count)
{
	return fhook_store_uint(item, page, count, &fhook_sample_uint);
}

static ssize_t fhook_target_show(struct config_item *item, char *page)
{
	struct fhook *hook = to_fhook(item);
	ssize_t len;

	mutex_lock(&hook->lock);
	len = sysfs_emit(page, "%s\n", hook->staged.target);
	mutex_unlock(&hook->lock);
	return len;
}

static ssize_t fhook_target_store(struct config_item *item, const char *page,
				  size_t count)
{
	struct fhook *hook = to_fhook(item);
	char err[FHOOK_ERR_MAX], sym[FHOOK_SYM_MAX + 1];
	int ret;

	ret = fhook_parse_symbol(page, count, sym, err, sizeof(err));
	if (ret)
		return fhook_store_error(hook, "target", err, ret);
	mutex_lock(&hook->lock);
	strscpy(hook->staged.target, sym, sizeof(hook->staged.target));
	mutex_unlock(&hook->lock);
	return count;
}

static ssize_t fhook_pids_show(struct config_item *item, char *page)
{
	struct fhook *hook = to_fhook(item);
	ssize_t len;

	mutex_lock(&hook->lock);
	len = fhook_format_pids(&hook->staged, page, PAGE_SIZE - 1);
	mutex_unlock(&hook->lock);
	page[len] = '\n';
	return len + 1;
}

static ssize_t fhook_pids_store(struct config_item *item, const char *page,
				size_t count)
{
	struct fhook *hook = to_fhook(item);
	struct fhook_config *tmp;
	char err[FHOOK_ERR_MAX];
	int ret;

	tmp = kzalloc(sizeof(*tmp), GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	ret = fhook_parse_pids(page, count, tmp, err, sizeof(err));
	if (ret) {
		kfree(tmp);
		return fhook_store_error(hook, "pids", err, ret);
	}
	mutex_lock(&hook->lock);
	hook->staged.nr_pids = tmp->nr_pids;
	memcpy(hook->staged.pids, tmp->pids, sizeof(tmp->pids));
	mutex_unlock(&hook->lock);
	kfree(tmp);
	return count;
}

static ssize_t fhook_comm_show(struct config_item *item, char *page)
{
	struct fhook *hook = to_fhook(item);
	ssize_t len;

	mutex_lock(&hook->lock);
	len = fhook_format_globs(hook->staged.comm, ' ', page, PAGE_SIZE);
	mutex_unlock(&hook->lock);
	/* the last separator becomes the newline; empty reads "\n" */
	if (len)
		len--;
	page[len] = '\n';
	return len + 1;
}

static ssize_t fhook_comm_store(struct config_item *item, const char *page,
				size_t count)
{
	struct fhook *hook = to_fhook(item);
	char err[FHOOK_ERR_MAX];
	char *globs;
	int ret;

	ret = fhook_parse_comm(page, count, &globs, err, sizeof(err));
	if (ret)
		return fhook_store_error(hook, "comm", err, ret);
	mutex_lock(&hook->lock);
	kfree(hook->staged.comm);
	hook->staged.comm = globs;
	mutex_unlock(&hook->lock);
	return count;
}

/*
 * CONFIGFS_ATTR() and friends make world-readable files calling the
 * handlers directly; these make root-only ones whose handlers are called
 * only for a process with CAP_SYS_ADMIN.  #_name, not __stringify(), so
 * that "notrace" (a compiler-attribute macro) is not expanded.
 */
#define FHOOK_SHOW_CHECKED(_fn)						\
static ssize_t _fn##_show_checked(struct config_item *item, char *page)	\
{									\
	if (!fhook_allowed())						\
		return -EPERM;						\
	return _fn##_show(item, page);					\
}

#define FHOOK_STORE_CHECKED(_fn)					\
static ssize_t _fn##_store_checked(struct config_item *item,		\
				   const char *page, size_t count)	\
{									\
	if (!fhook_allowed())						\
		return -EPERM;						\
	return _fn##_store(item, page, count);				\
}

#define FHOOK_ATTR(_name)						\
FHOOK_SHOW_CHECKED(fhook_##_name)					\
FHOOK_STORE_CHECKED(fhook_##_name)					\
static struct configfs_attribute fhook_attr_##_name = {			\
	.ca_name	= #_name,					\
	.ca_owner	= THIS_MODULE,					\
	.ca_mode	= 0600,						\
	.show		= fhook_##_name##_show_checked,			\
	.store		= fhook_##_name##_store_checked,		\
}

#define FHOOK_ATTR_RO(_name)						\
FHOOK_SHOW_CHECKED(fhook_##_name)					\
static struct configfs_attribute fhook_attr_##_name = {			\
	.ca_name	= #_name,					\
	.ca_owner	= THIS_MODULE,					\
	.ca_mode	= 0400,						\
	.show		= fhook_##_name##_show_checked,			\
}

#define FHOOK_ATTR_WO(_name)						\
FHOOK_STORE_CHECKED(fhook_##_name)					\
static struct configfs_attribute fhook_attr_##_name = {			\
	.ca_name	= #_name,					\
	.ca_owner	= THIS_MODULE,					\
	.ca_mode	= 0200,						\
	.store		= fhook_##_name##_store_checked,		\
}

FHOOK_ATTR(filter);
FHOOK_ATTR(notrace);
FHOOK_ATTR(flags);
FHOOK_ATTR(action);
FHOOK_ATTR(args);
FHOOK_ATTR(stack_depth);
FHOOK_ATTR(target);
FHOOK_ATTR(pids);
FHOOK_ATTR(comm);
FHOOK_ATTR(sample);
FHOOK_ATTR_WO(commit);
FHOOK_ATTR(enabled);
FHOOK_ATTR_RO(hits);
FHOOK_ATTR_RO(missed);
FHOOK_ATTR_WO(reset);
FHOOK_ATTR_RO(last_error);
FHOOK_ATTR(tag);

static struct configfs_attribute *fhook_attrs[] = {
	&fhook_attr_filter,
	&fhook_attr_notrace,
	&fhook_attr_flags,
	&fhook_attr_action,
	&fhook_attr_args,
	&fhook_attr_stack_depth,
	&fhook_attr_target,
	&fhook_attr_pids,
	&fhook_attr_comm,
	&fhook_attr_sample,
	&fhook_attr_commit,
	&fhook_attr_enabled,
	&fhook_attr_hits,
	&fhook_attr_missed,
	&fhook_attr_reset,
	&fhook_attr_last_error,
	&fhook_attr_tag,
	NULL,
};

/* "key:" then " word" for each word, so an empty value has no blank. */
static size_t fhook_emit_words(char *buf, size_t size, const char *key,
			       const char *words)
{
	size_t len = scnprintf(buf, size, "%s:", key);

	if (*words)
		len += scnprintf(buf + len, size - len, " %s", words);
	return len + scnprintf(buf + len, size - len, "\n");
}

static size_t fhook_emit_list(char *buf, size_t size, const char *key,
			      const char *globs, char *tmp, size_t tmpsize)
{
	size_t n = fhook_format_globs(globs, ' ', tmp, tmpsize);

	tmp[n ? n - 1 : 0] = '\0';
	return fhook_emit_words(buf, size, key, tmp);
}

static size_t fhook_render_numbers(const struct fhook_config *cfg,
				   char *buf, size_t size)
{
	size_t len;

	if (cfg->fetches) {
		len = scnprintf(buf, size, "args: ");
		len += fhook_format_fetches(cfg->fetches, ' ', buf + len,
					    size - len);
		buf[len - 1] = '\n';
	} else {
		len = scnprintf(buf, size, "args: %u\n", cfg->args);
	}
	len += scnprintf(buf + len, size - len, "stack_depth: %u\n",
			 cfg->stack_depth);
	len += fhook_emit_words(buf + len, size - len, "target", cfg->target);
	len += scnprintf(buf + len, size - len, "pids:");
	if (cfg->nr_pids)
		len += scnprintf(buf + len, size - len, " ");
	len += fhook_format_pids(cfg, buf + len, size - len);
	return len + scnprintf(buf + len, size - len, "\n");
}

/* The live attribute; the text's second half is scratch. */
static int fhook_render_live(struct fhook *hook, struct fhook_text *t)
{
	const struct fhook_live *live = hook->live;
	static const struct fhook_config none = {
		.stack_depth = FHOOK_STACK_DEFAULT, .sample = 1,
	};
	const struct fhook_config *cfg = live ? &live->cfg : &none;
	size_t half = FHOOK_LIVE_MAX, len, n;
	char *buf, *tmp;
	int ret;

	lockdep_assert_held(&hook->lock);
	ret = fhook_text_alloc(t, 2 * half);
	if (ret)
		return ret;
	buf = t->buf;
	tmp = buf + half;
	len = scnprintf(buf, half, "generation: %llu\n",
			live ? live->generation : 0);
	len += fhook_emit_list(buf + len, half - len, "filter", cfg->filter,
			       tmp, half);
	len += fhook_emit_list(buf + len, half - len, "notrace",
			       cfg->notrace_globs, tmp, half);
	n = fhook_format_flags(cfg->flags, tmp, half);
	tmp[n] = '\0';
	len += fhook_emit_words(buf + len, half - len, "flags", tmp);
	n = live ? fhook_format_actions(cfg->actions, tmp, half) : 0;
	tmp[n] = '\0';
	len += fhook_emit_words(buf + len, half - len, "action", tmp);
	len += fhook_render_numbers(cfg, buf + len, half - len);
	len += fhook_emit_list(buf + len, half - len, "comm", cfg->comm,
			       tmp, half);
	len += scnprintf(buf + len, half - len, "sample: %u\nfunctions: %u\n",
			 cfg->sample, live ? live->funcs->nr : 0);
	t->len = len;
	return 0;
}

/* functions and stats lock for their copy only: see render.c. */
static int fhook_live_render(struct fhook *hook, struct fhook_text *t)
{
	int ret;

	mutex_lock(&hook->lock);
	ret = fhook_render_live(hook, t);
	mutex_unlock(&hook->lock);
	return ret;
}

static ssize_t fhook_checked_read(struct config_item *item, const char *attr,
				  void *buf, size_t count,
				  int (*render)(struct fhook *hook,
						struct fhook_text *t))
{
	if (!fhook_allowed())
		return -EPERM;
	return fhook_bin_read(to_fhook(item), attr, buf, count, render);
}

static ssize_t fhook_live_read(struct config_item *item, void *buf,
			       size_t count)
{
	return fhook_checked_read(item, "live", buf, count,
				  fhook_live_render);
}

static ssize_t fhook_functions_read(struct config_item *item, void *buf,
				    size_t count)
{
	return fhook_checked_read(item, "functions", buf, count,
				  fhook_render_functions);
}

static ssize_t fhook_stats_read(struct config_item *item, void *buf,
				size_t count)
{
	return fhook_checked_read(item, "stats", buf, count,
				  fhook_render_stats);
}

/* CONFIGFS_BIN_ATTR_RO(), root-only: the read handlers check too. */
#define FHOOK_BIN_ATTR_RO(_name, _maxsz)				\
static struct configfs_bin_attribute fhook_attr_##_name = {		\
	.cb_attr = {							\
		.ca_name	= #_name,				\
		.ca_owner	= THIS_MODULE,				\
		.ca_mode	= 0400,					\
	},								\
	.cb_max_size	= _maxsz,					\
	.read		= fhook_##_name##_read,				\
}

FHOOK_BIN_ATTR_RO(live, FHOOK_LIVE_MAX);
/* No size limit here: read_max_kb bounds them (render.c). */
FHOOK_BIN_ATTR_RO(functions, 0);
FHOOK_BIN_ATTR_RO(stats, 0);

static struct configfs_bin_attribute *fhook_bin_attrs[] = {
	&fhook_attr_live,
	&fhook_attr_functions,
	&fhook_attr_stats,
	NULL,
};

static void fhook_release(struct config_item *item)
{
	fhook_free(to_fhook(item));
}

static struct configfs_item_operations fhook_item_ops = {
	.release	= fhook_release,
};

static const struct config_item_type fhook_hook_type = {
	.ct_item_ops	= &fhook_item_ops,
	.ct_attrs	= fhook_attrs,
	.ct_bin_attrs	= fhook_bin_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct config_group *fhook_make_group(struct config_group *group,
					     const char *name)
{
	char err[FHOOK_ERR_MAX];
	struct fhook *hook;
	int ret;

	if (!fhook_allowed())
		return ERR_PTR(-EPERM);
	ret = fhook_check_name(name, err, sizeof(err));
	if (ret) {
		pr_warn_ratelimited("mkdir: %s\n", err);
		return ERR_PTR(ret);
	}
	hook = fhook_alloc(name);
	if (!hook)
		return ERR_PTR(-ENOMEM);
	config_group_init_type_name(&hook->group, name, &fhook_hook_type);
	fhook_hooks_add(hook);
	return &hook->group;
}

/* rmdir: returns only once no callback of the hook can run. */
static void fhook_drop_item(struct config_group *group,
			    struct config_item *item)
{
	fhook_hooks_del(to_fhook(item));
	fhook_shutdown(to_fhook(item));
	config_item_put(item);
}

static struct configfs_group_operations fhook_root_group_ops = {
	.make_group	= fhook_make_group,
	.drop_item	= fhook_drop_item,
};

static ssize_t fhook_root_version_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", FHOOK_VERSION);
}

static ssize_t fhook_root_features_show(struct config_item *item, char *page)
{
	size_t len = scnprintf(page, PAGE_SIZE, "flags: ");

	len += fhook_format_flags(FHOOK_USER_FLAGS, page + len,
				  PAGE_SIZE - len);
	len += scnprintf(page + len, PAGE_SIZE - len, "\nactions: ");
	len += fhook_format_actions(BIT(FHOOK_NR_ACTIONS) - 1, page + len,
				    PAGE_SIZE - len);
	len += scnprintf(page + len, PAGE_SIZE - len,
			 "\npredicates: pids comm sample\nlimits: args=%d stack_depth=%d pids=%d comm=%d sample=%u",
			 FHOOK_ARGS_MAX, FHOOK_STACK_MAX, FHOOK_PIDS_MAX,
			 FHOOK_COMM_MAX, FHOOK_SAMPLE_MAX);
	/* Each the largest value accepted: a tool refuses len > limit. */
	len += scnprintf(page + len, PAGE_SIZE - len,
			 " name=%d tag=%d globs=%d glob=%d input=%d target=%d comm_glob=%d pid=%d",
			 FHOOK_NAME_MAX, FHOOK_TAG_MAX, FHOOK_GLOBS_MAX,
			 FHOOK_GLOB_MAX, FHOOK_INPUT_MAX, FHOOK_SYM_MAX,
			 FHOOK_COMM_GLOB_MAX, FHOOK_PID_LIMIT);
	len += scnprintf(page + len, PAGE_SIZE - len,
			 " fetches=%d fetch_depth=%d", FHOOK_FETCH_MAX,
			 FHOOK_FETCH_DEPTH);
	len += scnprintf(page + len, PAGE_SIZE - len, "\nneeds_save_regs:%s%s\n",
			 fhook_args_need_save_regs() ? " args" : "",
			 fhook_redirect_needs_save_regs() ? " redirect" : "");
	return len;
}

CONFIGFS_ATTR_RO(fhook_root_, version);
CONFIGFS_ATTR_RO(fhook_root_, features);

static struct configfs_attribute *fhook_root_attrs[] = {
	&fhook_root_attr_version,
	&fhook_root_attr_features,
	NULL,
};

static const struct config_item_type fhook_root_type = {
	.ct_group_ops	= &fhook_root_group_ops,
	.ct_attrs	= fhook_root_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem fhook_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= "fhook",
			.ci_type	= &fhook_root_type,
		},
	},
};

int fhook_configfs_init(void)
{
	config_group_init(&fhook_subsys.su_group);
	mutex_init(&fhook_subsys.su_mutex);
	return configfs_register_subsystem(&fhook_subsys);
}

void fhook_configfs_exit(void)
{
	configfs_unregister_subsystem(&fhook_subsys);
}
