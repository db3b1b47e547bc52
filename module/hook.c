// SPDX-License-Identifier: GPL-2.0
/*
 * Hook lifecycle: building an ftrace_ops from a configuration, committing
 * it atomically, enabling, disabling and tearing down.
 *
 * A committed configuration is never modified: a commit builds a complete
 * new struct fhook_live (filter and notrace hashes and flags all set while
 * it is unregistered), and for an enabled hook switches over like this:
 *
 *   1. register the new ops; its calls are ignored (not active yet);
 *   2. wait until no task can still be on its way into the old ops'
 *      callback from a call site that step 1 repatched;
 *   3. stop_machine(): every CPU points its @active at the new ops while
 *      no CPU is inside a callback (callbacks run with preemption off);
 *   4. unregister the old ops; it returns once no old callback can run;
 *   5. free the old ops.
 *
 * Before step 3 only the old set reaches the actions, after it only the
 * new set, and a function in both sets is seen by exactly one of the two
 * callbacks of a call.  No ops is ever registered with a partial filter.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>

#include "compat.h"
#include "fhook.h"

void fhook_set_error(struct fhook *hook, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(hook->last_error, sizeof(hook->last_error), fmt, args);
	va_end(args);
	pr_warn_ratelimited("hook '%s': %s\n",
			    config_item_name(&hook->group.cg_item),
			    hook->last_error);
}

static void fhook_clear_error(struct fhook *hook)
{
	hook->last_error[0] = '\0';
}

void fhook_config_free(struct fhook_config *cfg)
{
	kfree(cfg->filter);
	kfree(cfg->notrace_globs);
	cfg->filter = NULL;
	cfg->notrace_globs = NULL;
}

static int fhook_config_copy(struct fhook_config *dst,
			     const struct fhook_config *src)
{
	*dst = *src;
	dst->filter = NULL;
	dst->notrace_globs = NULL;
	if (src->filter) {
		dst->filter = kmemdup(src->filter,
				      fhook_globs_size(src->filter), GFP_KERNEL);
		if (!dst->filter)
			return -ENOMEM;
	}
	if (src->notrace_globs) {
		dst->notrace_globs = kmemdup(src->notrace_globs,
					     fhook_globs_size(src->notrace_globs),
					     GFP_KERNEL);
		if (!dst->notrace_globs) {
			fhook_config_free(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

int fhook_ftrace_enabled(void)
{
	struct file *f;
	char buf[4] = "";
	loff_t pos = 0;
	ssize_t n;

	f = filp_open("/proc/sys/kernel/ftrace_enabled", O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n <= 0)
		return n ? n : -EIO;
	return buf[0] != '0';
}

/* Configuration rules that need no ftrace call: checked before any. */
static int fhook_check_config(struct fhook *hook,
			      const struct fhook_config *cfg)
{
	const char *g;
	bool include = false;
	unsigned int i;

	for (g = cfg->filter; g && *g; g = fhook_glob_next(g))
		include |= g[0] != '!';
	if (!include) {
		if (cfg->filter)
			fhook_set_error(hook, "filter has only exclusions; add a glob to include");
		else
			fhook_set_error(hook, "filter is empty; write '*' to hook every function");
		return -EINVAL;
	}
	for (i = 0; i < fhook_nr_actions; i++) {
		if (!(cfg->actions & BIT(i)))
			continue;
		if (fhook_actions[i].modifies_ip &&
		    !(cfg->flags & FTRACE_OPS_FL_IPMODIFY)) {
			fhook_set_error(hook, "action '%s' needs flag IPMODIFY",
					fhook_actions[i].name);
			return -EINVAL;
		}
	}
	if (cfg->flags & FTRACE_OPS_FL_IPMODIFY) {
		for (i = 0; i < fhook_nr_actions; i++)
			if ((cfg->actions & BIT(i)) &&
			    fhook_actions[i].modifies_ip)
				break;
		if (i == fhook_nr_actions) {
			fhook_set_error(hook, "IPMODIFY needs an action that modifies the IP");
			return -EINVAL;
		}
	}
	if ((cfg->flags & FTRACE_OPS_FL_PERMANENT) && !fhook_ftrace_enabled()) {
		fhook_set_error(hook, "PERMANENT cannot be used while ftrace_enabled=0");
		return -EBUSY;
	}
	return 0;
}

/*
 * Apply one glob of the filter list (@notrace_list false) or the notrace
 * list to @ops.  An exclusion in the filter list goes to the notrace hash
 * without its '!' (see fhook_set_ops_filters()).
 */
static int fhook_apply_glob(struct fhook *hook, struct ftrace_ops *ops,
			    const char *glob, bool notrace_list)
{
	bool filter_exclusion = !notrace_list && glob[0] == '!';
	const char *list = notrace_list ? "notrace" : "filter";
	char *buf;
	int ret;

	/* ftrace edits the pattern in place. */
	buf = kstrdup(glob + filter_exclusion, GFP_KERNEL);
	if (!buf) {
		fhook_set_error(hook, "out of memory");
		return -ENOMEM;
	}
	if (notrace_list || filter_exclusion)
		ret = ftrace_set_notrace(ops, buf, strlen(buf), 0);
	else
		ret = ftrace_set_filter(ops, buf, strlen(buf), 0);
	kfree(buf);
	if (ret == -EINVAL)
		fhook_set_error(hook, "%s glob '%s' matches no traceable function",
				list, glob);
	else if (ret)
		fhook_set_error(hook, "%s glob '%s': ftrace error %d",
				list, glob, ret);
	return ret;
}

/*
 * Apply the globs of @globs that are exclusions (@exclusions) or not.
 */
static int fhook_apply_globs(struct fhook *hook, struct ftrace_ops *ops,
			     const char *globs, bool notrace_list,
			     bool exclusions)
{
	const char *g;
	int ret;

	for (g = globs; g && *g; g = fhook_glob_next(g)) {
		if ((g[0] == '!') != exclusions)
			continue;
		ret = fhook_apply_glob(hook, ops, g, notrace_list);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Fill the unregistered @ops' hashes.  ftrace applies an exclusion in the
 * filter list to the filter hash, where removing the last entry would
 * leave an empty hash, which ftrace reads as "every function".  fhook puts
 * filter exclusions in the notrace hash instead: the effective set is the
 * same, (inclusions - exclusions) - notrace, and the filter hash holds
 * only inclusions, each of which matched at least one function.  Notrace
 * inclusions go before its exclusions, and those before the filter's
 * exclusions, so the order globs were written in never matters.
 */
static int fhook_set_ops_filters(struct fhook *hook, struct ftrace_ops *ops,
				 const struct fhook_config *cfg)
{
	int ret;

	ret = fhook_apply_globs(hook, ops, cfg->filter, false, false);
	if (!ret)
		ret = fhook_apply_globs(hook, ops, cfg->notrace_globs, true, false);
	if (!ret)
		ret = fhook_apply_globs(hook, ops, cfg->notrace_globs, true, true);
	if (!ret)
		ret = fhook_apply_globs(hook, ops, cfg->filter, false, true);
	return ret;
}

static void fhook_live_free(struct fhook_live *live)
{
	/* A registered ops is leaked rather than freed under ftrace. */
	if (!live || live->registered)
		return;
	fhook_free_filters(&live->ops);
	fhook_config_free(&live->cfg);
	kfree(live);
}

static struct fhook_live *fhook_live_build(struct fhook *hook,
					   const struct fhook_config *cfg)
{
	struct fhook_live *live;
	unsigned int i;
	int ret;

	live = kzalloc(sizeof(*live), GFP_KERNEL);
	if (!live || fhook_config_copy(&live->cfg, cfg)) {
		kfree(live);
		fhook_set_error(hook, "out of memory");
		return ERR_PTR(-ENOMEM);
	}
	live->hook = hook;
	live->ops.func = fhook_callback;
	live->ops.flags = cfg->flags;
	for (i = 0; i < fhook_nr_actions; i++)
		if ((cfg->actions & BIT(i)) && fhook_actions[i].needs_rcu)
			live->needs_rcu = !(cfg->flags & FTRACE_OPS_FL_RCU);
	ret = fhook_set_ops_filters(hook, &live->ops, cfg);
	if (ret) {
		fhook_live_free(live);
		return ERR_PTR(ret);
	}
	return live;
}

static int fhook_register_locked(struct fhook *hook, struct fhook_live *live)
{
	int ret;

	lockdep_assert_held(&hook->lock);
	ret = register_ftrace_function(&live->ops);
	if (!ret) {
		live->registered = true;
		return 0;
	}
	if (ret == -EBUSY && (live->cfg.flags & FTRACE_OPS_FL_PERMANENT) &&
	    !fhook_ftrace_enabled())
		fhook_set_error(hook, "PERMANENT cannot be used while ftrace_enabled=0");
	else if (ret == -EBUSY)
		fhook_set_error(hook, "a function is already hooked with IPMODIFY (livepatch?)");
	else if (ret == -ENODEV)
		fhook_set_error(hook, "ftrace is disabled on this system");
	else if (ret == -EINVAL && (live->cfg.flags & FTRACE_OPS_FL_SAVE_REGS))
		fhook_set_error(hook, "SAVE_REGS is not supported on this architecture");
	else
		fhook_set_error(hook, "registering the ftrace_ops failed: error %d",
				ret);
	return ret;
}

static void fhook_unregister_locked(struct fhook *hook,
				    struct fhook_live *live)
{
	int ret;

	lockdep_assert_held(&hook->lock);
	if (!live->registered)
		return;
	ret = unregister_ftrace_function(&live->ops);
	if (ret) {
		/* Only a dead ftrace fails this; never free a maybe-live ops. */
		pr_err("hook '%s': unregister failed (%d), leaking its ops\n",
		       config_item_name(&hook->group.cg_item), ret);
		return;
	}
	live->registered = false;
}

/* Used only while no ops of @hook is registered: nothing reads @active. */
static void fhook_set_active_all(struct fhook *hook, struct fhook_live *live)
{
	int cpu;

	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu_ptr(hook->cpu, cpu)->active, live);
}

struct fhook_switch {
	struct fhook *hook;
	struct fhook_live *live;
};

/* Runs on every online CPU with interrupts off (stop_machine()). */
static int fhook_switch_cpu(void *data)
{
	struct fhook_switch *sw = data;
	int cpu;

	this_cpu_write(sw->hook->cpu->active, sw->live);
	/* CPU hotplug is held off: offline CPUs get theirs from the first. */
	if (smp_processor_id() == cpumask_first(cpu_online_mask))
		for_each_possible_cpu(cpu)
			if (!cpu_online(cpu))
				WRITE_ONCE(per_cpu_ptr(sw->hook->cpu, cpu)->active,
					   sw->live);
	return 0;
}

static int fhook_switch_live_locked(struct fhook *hook,
				    struct fhook_live *next)
{
	struct fhook_switch sw = { .hook = hook, .live = next };
	struct fhook_live *prev = hook->live;
	int ret;

	lockdep_assert_held(&hook->lock);
	ret = fhook_register_locked(hook, next);
	if (ret)
		return ret;
	fhook_sync_trampolines();
	stop_machine(fhook_switch_cpu, &sw, cpu_online_mask);
	fhook_unregister_locked(hook, prev);
	fhook_live_free(prev);
	return 0;
}

int fhook_commit(struct fhook *hook)
{
	struct fhook_live *next;
	int ret;

	mutex_lock(&hook->lock);
	ret = fhook_check_config(hook, &hook->staged);
	if (ret)
		goto out_unlock;
	next = fhook_live_build(hook, &hook->staged);
	if (IS_ERR(next)) {
		ret = PTR_ERR(next);
		goto out_unlock;
	}
	next->generation = hook->generation + 1;
	if (hook->enabled) {
		ret = fhook_switch_live_locked(hook, next);
		if (ret) {
			fhook_live_free(next);
			goto out_unlock;
		}
	} else {
		fhook_live_free(hook->live);
	}
	hook->live = next;
	hook->generation = next->generation;
	fhook_clear_error(hook);
out_unlock:
	mutex_unlock(&hook->lock);
	return ret;
}

static int fhook_enable_locked(struct fhook *hook)
{
	int ret;

	if (!hook->live) {
		fhook_set_error(hook, "nothing committed yet: write 1 to commit first");
		return -EINVAL;
	}
	if ((hook->live->cfg.flags & FTRACE_OPS_FL_PERMANENT) &&
	    !fhook_ftrace_enabled()) {
		fhook_set_error(hook, "PERMANENT cannot be used while ftrace_enabled=0");
		return -EBUSY;
	}
	fhook_set_active_all(hook, hook->live);
	ret = fhook_register_locked(hook, hook->live);
	if (ret) {
		fhook_set_active_all(hook, NULL);
		return ret;
	}
	hook->enabled = true;
	return 0;
}

static void fhook_disable_locked(struct fhook *hook)
{
	fhook_unregister_locked(hook, hook->live);
	if (!hook->live->registered)
		fhook_set_active_all(hook, NULL);
	hook->enabled = false;
}

int fhook_set_enabled(struct fhook *hook, bool enable)
{
	int ret = 0;

	mutex_lock(&hook->lock);
	if (enable && !hook->enabled)
		ret = fhook_enable_locked(hook);
	else if (!enable && hook->enabled)
		fhook_disable_locked(hook);
	if (!ret)
		fhook_clear_error(hook);
	mutex_unlock(&hook->lock);
	return ret;
}

/* rmdir: on return no callback of @hook runs or will run. */
void fhook_shutdown(struct fhook *hook)
{
	mutex_lock(&hook->lock);
	if (hook->enabled)
		fhook_disable_locked(hook);
	mutex_unlock(&hook->lock);
}

void fhook_read_counters(struct fhook *hook, u64 *hits, u64 *missed)
{
	u64 h = 0, m = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct fhook_cpu *pc = per_cpu_ptr(hook->cpu, cpu);

		h += local64_read(&pc->hits);
		m += local64_read(&pc->missed);
	}
	mutex_lock(&hook->lock);
	*hits = h - hook->hits_base;
	*missed = m - hook->missed_base;
	mutex_unlock(&hook->lock);
}

/*
 * Resetting records the current sums as the new zero rather than clearing
 * per-CPU counters a callback may be incrementing at that moment.
 */
void fhook_reset_counters(struct fhook *hook)
{
	u64 hits, missed;

	fhook_read_counters(hook, &hits, &missed);
	mutex_lock(&hook->lock);
	hook->hits_base += hits;
	hook->missed_base += missed;
	mutex_unlock(&hook->lock);
}

struct fhook *fhook_alloc(const char *name)
{
	struct fhook *hook;

	hook = kzalloc(sizeof(*hook), GFP_KERNEL);
	if (!hook)
		return NULL;
	hook->cpu = alloc_percpu(struct fhook_cpu);
	if (!hook->cpu) {
		kfree(hook);
		return NULL;
	}
	mutex_init(&hook->lock);
	hook->staged.actions = BIT(0);	/* count */
	return hook;
}

/* configfs release(): the hook is disabled and unreachable by now. */
void fhook_free(struct fhook *hook)
{
	fhook_live_free(hook->live);
	fhook_config_free(&hook->staged);
	free_percpu(hook->cpu);
	mutex_destroy(&hook->lock);
	kfree(hook);
}
