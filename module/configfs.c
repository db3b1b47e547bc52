// SPDX-License-Identifier: GPL-2.0
/*
 * The configfs face of fhook: /sys/kernel/config/fhook/ and one directory
 * per hook.  Stores parse and validate before taking the hook's lock, so a
 * rejected write changes nothing but last_error.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "fhook.h"

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

static ssize_t fhook_commit_store(struct config_item *item, const char *page,
				  size_t count)
{
	struct fhook *hook = to_fhook(item);
	bool val;
	int ret;

	if (kstrtobool(page, &val) || !val)
		return fhook_store_error(hook, "commit", "write 1 to commit",
					 -EINVAL);
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

	if (kstrtobool(page, &val))
		return fhook_store_error(hook, "enabled", "write 0 or 1",
					 -EINVAL);
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
	struct fhook *hook = to_fhook(item);
	bool val;

	if (kstrtobool(page, &val) || !val)
		return fhook_store_error(hook, "reset", "write 1 to reset",
					 -EINVAL);
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

CONFIGFS_ATTR(fhook_, filter);
/*
 * "notrace" is a compiler-attribute macro, and CONFIGFS_ATTR() would
 * stringify its expansion, so this attribute is spelt out.
 */
static struct configfs_attribute fhook_attr_notrace = {
	.ca_name	= "notrace",
	.ca_owner	= THIS_MODULE,
	.ca_mode	= 0644,
	.show		= fhook_notrace_show,
	.store		= fhook_notrace_store,
};
CONFIGFS_ATTR(fhook_, flags);
CONFIGFS_ATTR(fhook_, action);
CONFIGFS_ATTR_WO(fhook_, commit);
CONFIGFS_ATTR(fhook_, enabled);
CONFIGFS_ATTR_RO(fhook_, hits);
CONFIGFS_ATTR_RO(fhook_, missed);
CONFIGFS_ATTR_WO(fhook_, reset);
CONFIGFS_ATTR_RO(fhook_, last_error);
CONFIGFS_ATTR(fhook_, tag);

static struct configfs_attribute *fhook_attrs[] = {
	&fhook_attr_filter,
	&fhook_attr_notrace,
	&fhook_attr_flags,
	&fhook_attr_action,
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

static size_t fhook_render_live(struct fhook *hook, char *buf, size_t size)
{
	const struct fhook_live *live = hook->live;
	char *tmp = buf + size / 2;	/* scratch: second half of @buf */
	size_t half = size / 2, len, n;

	lockdep_assert_held(&hook->lock);
	len = scnprintf(buf, half, "generation: %llu\n",
			live ? live->generation : 0);
	n = live ? fhook_format_globs(live->cfg.filter, ' ', tmp, half) : 0;
	tmp[n ? n - 1 : 0] = '\0';
	len += fhook_emit_words(buf + len, half - len, "filter", tmp);
	n = live ? fhook_format_globs(live->cfg.notrace_globs, ' ', tmp, half) : 0;
	tmp[n ? n - 1 : 0] = '\0';
	len += fhook_emit_words(buf + len, half - len, "notrace", tmp);
	n = live ? fhook_format_flags(live->cfg.flags, tmp, half) : 0;
	tmp[n] = '\0';
	len += fhook_emit_words(buf + len, half - len, "flags", tmp);
	n = live ? fhook_format_actions(live->cfg.actions, tmp, half) : 0;
	tmp[n] = '\0';
	return len + fhook_emit_words(buf + len, half - len, "action", tmp);
}

/* configfs first asks for the size (@buf NULL), then for the bytes. */
static ssize_t fhook_live_read(struct config_item *item, void *buf,
			       size_t count)
{
	struct fhook *hook = to_fhook(item);
	size_t len;
	char *tmp;

	tmp = kmalloc(2 * FHOOK_LIVE_MAX, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	mutex_lock(&hook->lock);
	len = fhook_render_live(hook, tmp, 2 * FHOOK_LIVE_MAX);
	mutex_unlock(&hook->lock);
	if (buf) {
		len = min(len, count);
		memcpy(buf, tmp, len);
	}
	kfree(tmp);
	return len;
}

CONFIGFS_BIN_ATTR_RO(fhook_, live, NULL, FHOOK_LIVE_MAX);

static struct configfs_bin_attribute *fhook_bin_attrs[] = {
	&fhook_attr_live,
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

	ret = fhook_check_name(name, err, sizeof(err));
	if (ret) {
		pr_warn_ratelimited("mkdir: %s\n", err);
		return ERR_PTR(ret);
	}
	hook = fhook_alloc(name);
	if (!hook)
		return ERR_PTR(-ENOMEM);
	config_group_init_type_name(&hook->group, name, &fhook_hook_type);
	return &hook->group;
}

/* rmdir: returns only once no callback of the hook can run. */
static void fhook_drop_item(struct config_group *group,
			    struct config_item *item)
{
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
	size_t len = scnprintf(page, PAGE_SIZE, "flags:");

	len += scnprintf(page + len, PAGE_SIZE - len, " ");
	len += fhook_format_flags(FHOOK_USER_FLAGS, page + len,
				  PAGE_SIZE - len);
	len += scnprintf(page + len, PAGE_SIZE - len, "\nactions: ");
	len += fhook_format_actions(BIT(fhook_nr_actions) - 1, page + len,
				    PAGE_SIZE - len);
	return len + scnprintf(page + len, PAGE_SIZE - len, "\n");
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
