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
 * A new configuration that keeps the flags and the kind of callback keeps
 * the registered ops instead, whose filter grows to both sets, then
 * step 3, then shrinks to the new set (fhook_switch_in_place()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/ctype.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>

#include "compat.h"
#include "fhook.h"

void fhook_set_error(struct fhook *hook, const char *fmt, ...)
{
	va_list args;
	char *c;

	va_start(args, fmt);
	vsnprintf(hook->last_error, sizeof(hook->last_error), fmt, args);
	va_end(args);
	/* Messages quote user input: keep last_error (and the log) one line. */
	for (c = hook->last_error; *c; c++)
		if (!isprint(*c))
			*c = '?';
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
	kfree(cfg->comm);
	kfree(cfg->fetches);
	cfg->filter = NULL;
	cfg->notrace_globs = NULL;
	cfg->comm = NULL;
	cfg->fetches = NULL;
}

static int fhook_globs_dup(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = kmemdup(src, fhook_globs_size(src), GFP_KERNEL);
	return *dst ? 0 : -ENOMEM;
}

int fhook_config_copy(struct fhook_config *dst,
		      const struct fhook_config *src)
{
	*dst = *src;
	dst->fetches = fhook_fetches_dup(src->fetches);
	if (fhook_globs_dup(&dst->filter, src->filter) ||
	    fhook_globs_dup(&dst->notrace_globs, src->notrace_globs) ||
	    fhook_globs_dup(&dst->comm, src->comm) ||
	    (src->fetches && !dst->fetches)) {
		fhook_config_free(dst);
		return -ENOMEM;
	}
	return 0;
}

/* ftrace refuses a PERMANENT ops while kernel.ftrace_enabled is 0. */
static int fhook_check_permanent(struct fhook *hook,
				 const struct fhook_config *cfg)
{
	int on;

	if (!(cfg->flags & FTRACE_OPS_FL_PERMANENT))
		return 0;
	on = fhook_ftrace_enabled();
	if (on < 0) {
		fhook_set_error(hook,
				"PERMANENT: cannot read ftrace_enabled in init's /proc: error %d",
				on);
		return on;
	}
	if (!on) {
		fhook_set_error(hook, "PERMANENT cannot be used while ftrace_enabled=0");
		return -EBUSY;
	}
	return 0;
}

static int fhook_check_filter(struct fhook *hook,
			      const struct fhook_config *cfg)
{
	const char *g;
	bool include = false;

	for (g = cfg->filter; g && *g; g = fhook_glob_next(g))
		include |= g[0] != '!';
	if (include)
		return 0;
	if (cfg->filter)
		fhook_set_error(hook, "filter has only exclusions; add a glob to include");
	else
		fhook_set_error(hook, "filter is empty; write '*' to hook every function");
	return -EINVAL;
}

/* For messages: "[unknown]" rather than a raw address (see render.c). */
static const char *fhook_func_name(unsigned long ip, char *sym)
{
	fhook_sym_print(sym, ip, false);
	return sym;
}

static int fhook_check_redirect(struct fhook *hook,
				const struct fhook_config *cfg)
{
	bool redirect = fhook_has(cfg, FHOOK_ACT_REDIRECT);

	if (redirect && !(cfg->flags & FTRACE_OPS_FL_IPMODIFY)) {
		fhook_set_error(hook, "action 'redirect' needs flag IPMODIFY");
		return -EINVAL;
	}
	if (!redirect && (cfg->flags & FTRACE_OPS_FL_IPMODIFY)) {
		fhook_set_error(hook, "IPMODIFY needs an action that modifies the IP");
		return -EINVAL;
	}
	if (redirect && fhook_redirect_needs_save_regs() &&
	    !(cfg->flags & FTRACE_OPS_FL_SAVE_REGS)) {
		fhook_set_error(hook, "action 'redirect' needs flag SAVE_REGS on this kernel");
		return -EINVAL;
	}
	if (redirect && !cfg->target[0]) {
		fhook_set_error(hook, "redirect needs a target");
		return -EINVAL;
	}
	if (!redirect && cfg->target[0]) {
		fhook_set_error(hook, "target is set but action has no redirect");
		return -EINVAL;
	}
	return 0;
}

static int fhook_check_args(struct fhook *hook, const struct fhook_config *cfg)
{
	if (!cfg->args && !cfg->fetches)
		return 0;
	if (cfg->fetches && !fhook_has(cfg, FHOOK_ACT_LOG)) {
		fhook_set_error(hook, "named args need action log");
		return -EINVAL;
	}
	if (!fhook_has(cfg, FHOOK_ACT_LOG) && !fhook_has(cfg, FHOOK_ACT_STACK)) {
		fhook_set_error(hook, "args needs action log or stack");
		return -EINVAL;
	}
	if (fhook_args_need_save_regs() &&
	    !(cfg->flags & FTRACE_OPS_FL_SAVE_REGS)) {
		fhook_set_error(hook, "args needs flag SAVE_REGS on this kernel");
		return -EINVAL;
	}
	return 0;
}

/* Configuration rules that need no ftrace call: checked before any. */
static int fhook_check_config(struct fhook *hook,
			      const struct fhook_config *cfg)
{
	int ret;

	ret = fhook_check_filter(hook, cfg);
	if (!ret)
		ret = fhook_check_redirect(hook, cfg);
	if (!ret)
		ret = fhook_check_args(hook, cfg);
	if (ret)
		return ret;
	return fhook_check_permanent(hook, cfg);
}

/*
 * An ops whose set is empty is anchored: its filter holds one function
 * that its notrace list excludes again, so it hooks nothing while its
 * filter is never empty (ftrace reads an empty filter as "every
 * function").  It can stay registered while a hook waits for a module,
 * and take the module's functions and lose them again without being
 * unregistered: no RCU-tasks wait in the module loader's path.  vfs_read
 * is a core function, traceable on every kernel fhook supports (layout.c
 * relies on it too).  Not for IPMODIFY ops, which may have no notrace
 * list; a redirect never has an empty set.
 */
#define FHOOK_ANCHOR	"vfs_read"

static int fhook_ops_anchor(struct fhook_ops *fops)
{
	char buf[] = FHOOK_ANCHOR;	/* ftrace edits the pattern */
	int ret;

	if (fops->anchored)
		return 0;
	ret = ftrace_set_notrace(&fops->ops, buf, strlen(buf), 0);
	if (!ret) {
		strscpy(buf, FHOOK_ANCHOR, sizeof(buf));
		ret = ftrace_set_filter(&fops->ops, buf, strlen(buf), 0);
	}
	fops->anchored = !ret;
	return ret;
}

/* Empty both lists of the unregistered @fops. */
static void fhook_ops_clear(struct fhook_ops *fops)
{
	fhook_free_filters(&fops->ops);
	fops->anchored = false;
}

/* The reason for error @ret of a filter write of resolved @ips, if any. */
static int fhook_filter_error(struct fhook *hook, int ret, bool ips)
{
	if (ret == -EINVAL && ips) {
		/* A call site vanished between resolving and setting. */
		fhook_set_error(hook, "functions changed during commit (module came or went)");
		return -EAGAIN;
	}
	if (ret)
		fhook_set_error(hook, "setting the ops' filter failed: error %d",
				ret);
	return ret;
}

/* The filter of the unregistered, cleared @fops becomes exactly @set. */
static int fhook_ops_set_ips(struct fhook *hook, struct fhook_ops *fops,
			     const struct fhook_ipset *set)
{
	int ret;

	/* A redirect with no function is refused later, with its reason. */
	if (!set->nr && (fops->ops.flags & FTRACE_OPS_FL_IPMODIFY))
		return 0;
	if (!set->nr)
		return fhook_filter_error(hook, fhook_ops_anchor(fops), false);
	ret = ftrace_set_filter_ips(&fops->ops, set->ip, set->nr, 0, 1);
	return fhook_filter_error(hook, ret, true);
}

/* Drop a user of @fops; a registered ops is leaked, never freed. */
static void fhook_ops_put(struct fhook_ops *fops)
{
	if (!fops || --fops->users || fops->registered)
		return;
	fhook_ops_clear(fops);
	kfree(fops);
}

static void fhook_live_free(struct fhook_live *live)
{
	if (!live)
		return;
	if (live->target_addr)
		__symbol_put(live->cfg.target);
	fhook_ops_put(live->fops);
	fhook_funcs_free(live->funcs);
	fhook_callers_free(live->callers);
	fhook_event_put(live->event);
	fhook_config_free(&live->cfg);
	kfree(live);
}

/* Function names as kallsyms gives them, "name [module]" included. */
static bool fhook_same_function(unsigned long a, unsigned long b)
{
	char na[KSYM_SYMBOL_LEN], nb[KSYM_SYMBOL_LEN];

	sprint_symbol_no_offset(na, a);
	sprint_symbol_no_offset(nb, b);
	return !strcmp(na, nb);
}

/*
 * Resolve the redirect target and pin the module that exports it.  Only
 * exported symbols can be had (symbol_get); one exported by the kernel
 * proper is refused: its code cannot go away, but the contract is a
 * module's replacement, and that is what the pin protects.
 */
static int fhook_live_target(struct fhook *hook, struct fhook_live *live)
{
	const char *target = live->cfg.target;
	char sym[KSYM_SYMBOL_LEN];
	void *addr;

	if (live->funcs->nr != 1) {
		fhook_set_error(hook, "redirect needs exactly one function; the filter matches %u",
				live->funcs->nr);
		return -EINVAL;
	}
	addr = __symbol_get(target);
	if (addr)
		sprint_symbol(sym, (unsigned long)addr);
	if (!addr || !strstr(sym, " [")) {
		if (addr)
			__symbol_put(target);
		fhook_set_error(hook, "target '%s' is not exported by a loaded module",
				target);
		return -ENOENT;
	}
	live->target_addr = (unsigned long)addr;
	if (!fhook_addr_is_code(live->target_addr)) {
		fhook_set_error(hook, "target '%s' is not a function", target);
		return -EINVAL;
	}
	if (fhook_same_function(live->target_addr, live->funcs->ips[0])) {
		fhook_set_error(hook, "target '%s' is the hooked function itself",
				target);
		return -EINVAL;
	}
	return 0;
}

static struct fhook_ops *fhook_ops_alloc(struct fhook *hook,
					 const struct fhook_config *cfg)
{
	struct fhook_ops *fops = kzalloc(sizeof(*fops), GFP_KERNEL);

	if (!fops)
		return NULL;
	fops->hook = hook;
	fops->cpu = hook->cpu;
	fops->users = 1;
	fops->ops.flags = cfg->flags;
	return fops;
}

/* Make what the actions of @live count into, for the functions of @ips. */
static int fhook_live_counters(struct fhook_live *live,
			       const unsigned long *ips, unsigned int nr)
{
	live->funcs = fhook_funcs_build(ips, nr,
					fhook_has(&live->cfg, FHOOK_ACT_COUNT));
	if (!live->funcs)
		return -ENOMEM;
	if (fhook_has(&live->cfg, FHOOK_ACT_CALLERS)) {
		live->callers = fhook_callers_alloc(live->funcs->nr);
		if (!live->callers)
			return -ENOMEM;
	}
	return 0;
}

/* Resolve the function set and make the counters. */
static int fhook_live_funcs(struct fhook *hook, struct fhook_live *live)
{
	struct fhook_ipset set;
	int ret;

	ret = fhook_resolve(hook, &live->cfg, &set);
	if (ret)
		return ret;
	ret = fhook_live_counters(live, set.ip, set.nr);
	fhook_ipset_free(&set);
	return ret;
}

/*
 * The filter of @live's own, new ops: its set.  Only once the commit knows
 * it keeps no registered ops (fhook_live_share_ops(), _reuse_ops()): a
 * filter is a hash of every function, not worth building for nothing.
 */
static int fhook_live_set_filter(struct fhook *hook, struct fhook_live *live)
{
	struct fhook_ipset set = { .ip = live->funcs->ips,
				   .nr = live->funcs->nr };

	if (hook->live && hook->live->fops == live->fops)
		return 0;
	return fhook_ops_set_ips(hook, live->fops, &set);
}

/*
 * The callback made for @live's configuration and set, for its
 * unregistered ops: at commit, and again at enable, since a commit in
 * place keeps the ops' callback, which may have been made for another set
 * (count1 for many functions, say).  ftrace reads it at registration.
 */
static void fhook_ops_repick(struct fhook_live *live)
{
	struct fhook_ops *fops = live->fops;

	if (!fops->registered)
		fops->ops.func = fhook_callback_sized(fhook_callback_pick(&live->cfg),
						      live->funcs->nr);
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
	live->name = config_item_name(&hook->group.cg_item);
	live->name_len = strlen(live->name);
	for (i = 0; i < FHOOK_NR_ACTIONS; i++) {
		if (!fhook_has(cfg, i))
			continue;
		if (fhook_actions[i].needs_rcu)
			live->needs_rcu = !(cfg->flags & FTRACE_OPS_FL_RCU);
		live->records |= fhook_actions[i].records;
	}
	live->fops = fhook_ops_alloc(hook, cfg);
	ret = live->fops ? 0 : -ENOMEM;
	if (!ret)
		ret = fhook_live_funcs(hook, live);
	if (!ret) {
		fhook_ops_repick(live);
		live->count_hits =
			fhook_callback_counts_only(live->fops->ops.func);
	}
	if (!ret && fhook_has(cfg, FHOOK_ACT_REDIRECT))
		ret = fhook_live_target(hook, live);
	if (ret) {
		if (ret == -ENOMEM)
			fhook_set_error(hook, "out of memory");
		fhook_live_free(live);
		return ERR_PTR(ret);
	}
	return live;
}

/*
 * A new configuration that hooks the same functions with the same flags
 * and callback as the live one keeps its registered ops: nothing to
 * re-register, and for a redirect the only way to switch, since ftrace
 * allows one IPMODIFY ops per function at a time.  (A redirect's callback
 * is always the general one.)
 */
static void fhook_live_share_ops(struct fhook_live *prev,
				 struct fhook_live *next)
{
	if (!prev || prev->cfg.flags != next->cfg.flags ||
	    prev->fops->ops.func != next->fops->ops.func ||
	    !fhook_funcs_equal(prev->funcs, next->funcs))
		return;
	fhook_ops_put(next->fops);
	next->fops = prev->fops;
	next->fops->users++;
}

/*
 * An enabled hook whose new configuration differs from the live one in its
 * set but keeps the flags and the kind of callback (and is no redirect)
 * keeps its registered ops too: the commit changes the ops' filter in
 * place (fhook_switch_in_place()), with no registration and no RCU-tasks
 * wait.  Not an anchored ops, whose notrace list could exclude a function
 * of the new set, nor one whose filter is wider than its set.
 */
static void fhook_live_reuse_ops(struct fhook *hook, struct fhook_live *next)
{
	struct fhook_live *prev = hook->live;
	struct fhook_ops *fops = prev ? prev->fops : NULL;

	if (!hook->enabled || !fops || fops == next->fops ||
	    !fops->registered || fops->anchored || fops->wide ||
	    !prev->funcs->nr || !next->funcs->nr ||
	    prev->cfg.flags != next->cfg.flags ||
	    fhook_has(&prev->cfg, FHOOK_ACT_REDIRECT) ||
	    fhook_has(&next->cfg, FHOOK_ACT_REDIRECT) ||
	    !fhook_callback_same_kind(fops->ops.func, next->fops->ops.func))
		return;
	fhook_ops_put(next->fops);
	next->fops = fops;
	fops->users++;
}

static int fhook_register_locked(struct fhook *hook, struct fhook_live *live)
{
	struct fhook_ops *fops = live->fops;
	char sym[KSYM_SYMBOL_LEN];
	int ret;

	lockdep_assert_held(&hook->lock);
	/* Never an empty filter: it would hook every function. */
	if (fops->registered || (!live->funcs->nr && !fops->anchored))
		return 0;
	ret = register_ftrace_function(&fops->ops);
	if (!ret) {
		fops->registered = true;
		return 0;
	}
	if (ret == -EBUSY && (live->cfg.flags & FTRACE_OPS_FL_PERMANENT) &&
	    fhook_ftrace_enabled() == 0)
		fhook_set_error(hook, "PERMANENT cannot be used while ftrace_enabled=0");
	else if (ret == -EBUSY && fhook_has(&live->cfg, FHOOK_ACT_REDIRECT))
		fhook_set_error(hook,
				"function '%s' is already hooked with IPMODIFY (livepatch or another redirect)",
				fhook_func_name(live->funcs->ips[0], sym));
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
				    struct fhook_ops *fops)
{
	int ret;

	lockdep_assert_held(&hook->lock);
	if (!fops->registered)
		return;
	ret = unregister_ftrace_function(&fops->ops);
	if (ret) {
		/* Only a dead ftrace fails this; never free a maybe-live ops. */
		pr_err("hook '%s': unregister failed (%d), leaking its ops\n",
		       config_item_name(&hook->group.cg_item), ret);
		return;
	}
	fops->registered = false;
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

/*
 * A commit in place: the registered ops goes from the live set OLD to
 * OLD ∪ NEW, every CPU switches to @next, and the ops shrinks to NEW.  A
 * callback acts only on a function of its CPU's active configuration, so
 * before the switch only OLD's calls act and after it only NEW's; the
 * functions of both sets are never repatched, and one ops serves both, so
 * a call of one of them acts exactly once.  Nothing to wait for: no call
 * site moves from one ops to another.  If the shrinking fails (memory),
 * the commit stands and the ops is left wide: its callbacks ignore the
 * extra functions, and the next commit replaces it.
 */
static int fhook_switch_in_place(struct fhook *hook, struct fhook_live *next)
{
	struct fhook_switch sw = { .hook = hook, .live = next };
	const struct fhook_funcs *of = hook->live->funcs, *nf = next->funcs;
	struct fhook_ipset old = { .ip = of->ips, .nr = of->nr };
	struct fhook_ipset new = { .ip = nf->ips, .nr = nf->nr };
	struct fhook_ipset add = { }, rem = { };
	struct ftrace_ops *ops = &next->fops->ops;
	int ret;

	ret = fhook_ipset_add(&add, new.ip, new.nr);
	if (!ret)
		ret = fhook_ipset_add(&rem, old.ip, old.nr);
	if (ret) {
		fhook_set_error(hook, "out of memory");
		goto out;
	}
	fhook_ipset_sub(&add, &old);
	fhook_ipset_sub(&rem, &new);
	if (add.nr) {
		ret = ftrace_set_filter_ips(ops, add.ip, add.nr, 0, 0);
		ret = fhook_filter_error(hook, ret, true);
		if (ret)
			goto out;
	}
	stop_machine(fhook_switch_cpu, &sw, cpu_online_mask);
	if (rem.nr && ftrace_set_filter_ips(ops, rem.ip, rem.nr, 1, 0)) {
		next->fops->wide = true;
		pr_warn("hook '%s': %u functions of the old set stay in its filter (ignored)\n",
			next->name, rem.nr);
	}
out:
	fhook_ipset_free(&add);
	fhook_ipset_free(&rem);
	return ret;
}

/*
 * Switch an enabled hook from its live configuration to @next.  With a
 * shared ops only step 3 of the sequence at the top of this file is
 * needed: the ops stays registered, and the switch of @active decides
 * which configuration a call sees.
 */
static int fhook_switch_live_locked(struct fhook *hook,
				    struct fhook_live *next)
{
	struct fhook_switch sw = { .hook = hook, .live = next };
	struct fhook_live *prev = hook->live;
	bool shared = next->fops == prev->fops;
	char sym[KSYM_SYMBOL_LEN];
	int ret;

	lockdep_assert_held(&hook->lock);
	if (shared && !fhook_funcs_equal(prev->funcs, next->funcs))
		return fhook_switch_in_place(hook, next);
	if (!shared && fhook_has(&prev->cfg, FHOOK_ACT_REDIRECT) &&
	    fhook_has(&next->cfg, FHOOK_ACT_REDIRECT) &&
	    fhook_funcs_equal(prev->funcs, next->funcs)) {
		/* Two IPMODIFY ops cannot hook it at once, even briefly. */
		fhook_set_error(hook,
				"disable the hook to change the flags of its redirect of '%s'",
				fhook_func_name(next->funcs->ips[0], sym));
		return -EBUSY;
	}
	if (!shared) {
		ret = fhook_register_locked(hook, next);
		if (ret)
			return ret;
		fhook_sync_trampolines();
	}
	stop_machine(fhook_switch_cpu, &sw, cpu_online_mask);
	if (!shared)
		fhook_unregister_locked(hook, prev->fops);
	else if (prev->target_addr && prev->target_addr != next->target_addr)
		/*
		 * The ops stays registered, so nothing above waited for a
		 * task preempted in the trampoline after the old callback
		 * set its IP to the old target: it still jumps there, and the
		 * old target's module must stay pinned until it has.
		 */
		fhook_sync_trampolines();
	return 0;
}

/*
 * @prev no longer runs anywhere: its counts go on in @next.  Its derived
 * hits stay in the hook's total: hits never go down at a commit.
 */
static void fhook_carry_counts(struct fhook_live *next,
			       const struct fhook_live *prev)
{
	if (!prev)
		return;
	if (prev->count_hits)
		prev->hook->hits_retired += fhook_funcs_calls(prev->funcs);
	fhook_funcs_carry(next->funcs, prev->funcs);
	fhook_callers_carry(next->callers, prev->callers, next->funcs);
}

/*
 * The trace event of @next, for named args: the live one while its fields
 * stay; else the live one leaves tracefs (refused while in use) and a new
 * one is made.  *@retired is the one taken out, for fhook_commit_undo().
 */
static int fhook_commit_event(struct fhook *hook, struct fhook_live *next,
			      struct fhook_event **retired)
{
	struct fhook_event *old = hook->live ? hook->live->event : NULL;
	bool want = fhook_has(&next->cfg, FHOOK_ACT_LOG) && next->cfg.fetches;
	struct fhook_event *ev;
	char err[FHOOK_ERR_MAX];
	int ret;

	*retired = NULL;
	if (want && fhook_event_same(old, next->name, next->cfg.fetches)) {
		next->event = fhook_event_get(old);
		return 0;
	}
	if (old) {
		ret = fhook_event_retire(old, err, sizeof(err));
		if (ret) {
			fhook_set_error(hook, "%s", err);
			return ret;
		}
		*retired = old;
	}
	if (!want)
		return 0;
	ev = fhook_event_create(next->name, next->cfg.fetches, err,
				sizeof(err));
	if (IS_ERR(ev)) {
		fhook_set_error(hook, "%s", err);
		return PTR_ERR(ev);
	}
	next->event = ev;
	return 0;
}

/* A commit failed after fhook_commit_event(): the live event comes back. */
static void fhook_commit_undo(struct fhook *hook, struct fhook_live *next,
			      struct fhook_event *retired)
{
	fhook_live_free(next);
	if (retired && fhook_event_revive(retired))
		pr_warn("hook '%s': its trace event could not be brought back\n",
			config_item_name(&hook->group.cg_item));
}

int fhook_commit(struct fhook *hook)
{
	struct fhook_event *retired;
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
	fhook_live_share_ops(hook->live, next);
	fhook_live_reuse_ops(hook, next);
	ret = fhook_live_set_filter(hook, next);
	if (ret) {
		fhook_live_free(next);
		goto out_unlock;
	}
	ret = fhook_commit_event(hook, next, &retired);
	if (ret) {
		fhook_commit_undo(hook, next, retired);
		goto out_unlock;
	}
	if (hook->enabled) {
		ret = fhook_switch_live_locked(hook, next);
		if (ret) {
			fhook_commit_undo(hook, next, retired);
			goto out_unlock;
		}
	}
	fhook_carry_counts(next, hook->live);
	fhook_live_free(hook->live);
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
	if (hook->live->gone) {
		fhook_set_error(hook, "redirect's function is gone: commit again");
		return -EINVAL;
	}
	ret = fhook_check_permanent(hook, &hook->live->cfg);
	if (ret)
		return ret;
	fhook_ops_repick(hook->live);
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
	fhook_unregister_locked(hook, hook->live->fops);
	if (!hook->live->fops->registered)
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

/*
 * The raw sums.  Taken under the lock, as the bases are: a sum is then
 * never older than the base it is compared with, and each per-CPU counter
 * only grows, so a read never goes below zero however resets and reads
 * interleave.  A configuration with the count callback does not count
 * hits apart: its hits are its counters' sum, kept in @hits_retired once
 * it is replaced.
 */
static void fhook_sum_counters_locked(struct fhook *hook, u64 *hits,
				      u64 *missed)
{
	u64 h = hook->hits_retired, m = 0;
	int cpu;

	lockdep_assert_held(&hook->lock);
	if (hook->live && hook->live->count_hits)
		h += fhook_funcs_calls(hook->live->funcs);
	for_each_possible_cpu(cpu) {
		struct fhook_cpu *pc = per_cpu_ptr(hook->cpu, cpu);

		h += local64_read(&pc->hits);
		m += local64_read(&pc->missed);
	}
	*hits = h;
	*missed = m;
}

/* @now - @base, and 0 rather than a wrap should the two ever cross. */
static u64 fhook_since(u64 now, u64 base)
{
	return now > base ? now - base : 0;
}

void fhook_read_counters(struct fhook *hook, u64 *hits, u64 *missed)
{
	u64 h, m;

	mutex_lock(&hook->lock);
	fhook_sum_counters_locked(hook, &h, &m);
	*hits = fhook_since(h, hook->hits_base);
	*missed = fhook_since(m, hook->missed_base);
	mutex_unlock(&hook->lock);
}

/*
 * Resetting records the current sums as the new zero rather than clearing
 * per-CPU counters a callback may be incrementing at that moment.
 */
void fhook_reset_counters(struct fhook *hook)
{
	mutex_lock(&hook->lock);
	fhook_sum_counters_locked(hook, &hook->hits_base, &hook->missed_base);
	if (hook->live) {
		fhook_funcs_reset(hook->live->funcs);
		if (hook->live->callers)
			fhook_callers_reset(hook->live->callers);
	}
	mutex_unlock(&hook->lock);
}

/*
 * A copy of @prev hooking the functions at @ips instead, on the same ops
 * (whose filter the caller brings in line), for a module event.  It is no
 * new configuration: same generation, and no redirect target pinned.
 */
static struct fhook_live *fhook_live_clone(struct fhook_live *prev,
					   const unsigned long *ips,
					   unsigned int nr)
{
	struct fhook_live *live;

	live = kzalloc(sizeof(*live), GFP_KERNEL);
	if (!live)
		return NULL;
	if (fhook_config_copy(&live->cfg, &prev->cfg)) {
		kfree(live);
		return NULL;
	}
	live->hook = prev->hook;
	live->name = prev->name;
	live->name_len = prev->name_len;
	live->generation = prev->generation;
	live->needs_rcu = prev->needs_rcu;
	live->records = prev->records;
	live->count_hits = prev->count_hits;
	live->fops = prev->fops;
	live->fops->users++;
	if (fhook_live_counters(live, ips, nr)) {
		fhook_live_free(live);
		return NULL;
	}
	return live;
}

static bool fhook_ip_leaves(unsigned long ip, const struct fhook_modev *ev)
{
	if (ev->event == FHOOK_MOD_GOING)
		return within_module(ip, ev->mod);
	return ev->event == FHOOK_MOD_INIT_DONE && within_module_init(ip, ev->mod);
}

/* The @n addresses of @ips that @pick picks, into @out. */
static int fhook_pick_ips(const unsigned long *ips, unsigned int n,
			  bool (*pick)(unsigned int i, const void *arg),
			  const void *arg, struct fhook_ipset *out)
{
	unsigned long *v;
	unsigned int i, found = 0;
	int ret;

	if (!n)
		return 0;
	v = kvmalloc_array(n, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (pick(i, arg))
			v[found++] = ips[i];
	ret = fhook_ipset_add(out, v, found);
	kvfree(v);
	return ret;
}

struct fhook_follow {
	struct fhook *hook;
	const struct fhook_modev *ev;
};

static bool fhook_pick_leaving(unsigned int i, const void *arg)
{
	const struct fhook_follow *fw = arg;

	return fhook_ip_leaves(fw->hook->live->funcs->ips[i], fw->ev);
}

static bool fhook_pick_coming(unsigned int i, const void *arg)
{
	const struct fhook_follow *fw = arg;
	const struct fhook_modev *ev = fw->ev;

	return fhook_cfg_matches(&fw->hook->live->cfg, ev->funcs[i].name,
				 ev->mod->name, ev->buf);
}

/* What @ev adds to and takes from the live set of @hook. */
static int fhook_follow_delta(struct fhook *hook, const struct fhook_modev *ev,
			      struct fhook_ipset *add, struct fhook_ipset *rem)
{
	const struct fhook_funcs *f = hook->live->funcs;
	struct fhook_ipset have = { .ip = f->ips, .nr = f->nr };
	struct fhook_follow fw = { .hook = hook, .ev = ev };
	unsigned long *ips;
	unsigned int i;
	int ret;

	ret = fhook_pick_ips(f->ips, f->nr, fhook_pick_leaving, &fw, rem);
	if (ret || !ev->nr)
		return ret;
	ips = kvmalloc_array(ev->nr, sizeof(*ips), GFP_KERNEL);
	if (!ips)
		return -ENOMEM;
	for (i = 0; i < ev->nr; i++)
		ips[i] = ev->funcs[i].ip;
	ret = fhook_pick_ips(ips, ev->nr, fhook_pick_coming, &fw, add);
	kvfree(ips);
	fhook_ipset_sub(add, &have);
	return ret;
}

/*
 * Bring the registered ops of @hook from the live set to @next's: first
 * the functions that leave (never all of them: see fhook_follow_apply()),
 * then the switch of @active, then
 * the functions that join, which are called only once @next, whose table
 * knows them, is active.  A function in both sets is never touched.
 */
static int fhook_follow_registered(struct fhook *hook, struct fhook_live *next,
				   struct fhook_ipset *add,
				   struct fhook_ipset *rem)
{
	struct fhook_ops *fops = next->fops;
	struct fhook_switch sw = { .hook = hook, .live = next };
	int ret = 0;

	if (rem->nr)
		ret = ftrace_set_filter_ips(&fops->ops, rem->ip, rem->nr, 1, 0);
	if (ret)
		return ret;
	stop_machine(fhook_switch_cpu, &sw, cpu_online_mask);
	if (add->nr)
		ret = ftrace_set_filter_ips(&fops->ops, add->ip, add->nr, 0, 0);
	return ret;
}

/* The same for an ops that is not registered (disabled, or no function). */
static int fhook_follow_unregistered(struct fhook *hook,
				     struct fhook_live *next)
{
	struct fhook_ipset set = { .ip = next->funcs->ips,
				   .nr = next->funcs->nr };
	int ret;

	fhook_ops_clear(next->fops);
	ret = fhook_ops_set_ips(hook, next->fops, &set);
	if (ret || !hook->enabled)
		return ret;
	fhook_set_active_all(hook, next);
	return fhook_register_locked(hook, next);
}

static int fhook_follow_apply(struct fhook *hook, struct fhook_ipset *add,
			      struct fhook_ipset *rem)
{
	struct fhook_live *prev = hook->live, *next;
	struct fhook_ipset set = { };
	int ret;

	ret = fhook_ipset_add(&set, prev->funcs->ips, prev->funcs->nr);
	if (!ret)
		ret = fhook_ipset_add(&set, add->ip, add->nr);
	fhook_ipset_sub(&set, rem);
	next = ret ? NULL : fhook_live_clone(prev, set.ip, set.nr);
	fhook_ipset_free(&set);
	if (!next)
		return -ENOMEM;
	/* Removing every function would leave a filter that hooks all. */
	if (next->fops->registered && rem->nr == prev->funcs->nr)
		ret = fhook_ops_anchor(next->fops);
	if (ret)
		fhook_unregister_locked(hook, next->fops);
	if (next->fops->registered)
		ret = fhook_follow_registered(hook, next, add, rem);
	else
		ret = fhook_follow_unregistered(hook, next);
	fhook_carry_counts(next, prev);
	hook->live = next;
	fhook_live_free(prev);
	return ret;
}

/*
 * A redirect does not follow loads: it hooks the one function it resolved
 * at commit.  When that function or its target goes, it is disabled.
 */
static void fhook_follow_redirect(struct fhook *hook,
				  const struct fhook_modev *ev)
{
	struct fhook_live *prev = hook->live, *next;
	char sym[KSYM_SYMBOL_LEN];
	bool fn;

	if (ev->event != FHOOK_MOD_GOING || prev->gone)
		return;
	fn = prev->funcs->nr && within_module(prev->funcs->ips[0], ev->mod);
	if (!fn && !within_module(prev->target_addr, ev->mod))
		return;
	if (fn)
		fhook_func_name(prev->funcs->ips[0], sym);
	if (hook->enabled)
		fhook_disable_locked(hook);
	next = fhook_live_clone(prev, NULL, 0);
	if (next && !next->fops->registered) {
		fhook_ops_clear(next->fops);
		next->gone = true;
		hook->live = next;
		fhook_live_free(prev);
	} else if (next) {
		fhook_live_free(next);
	}
	if (fn)
		fhook_set_error(hook, "redirect disabled: function '%s' was unloaded",
				sym);
	else
		fhook_set_error(hook, "redirect disabled: target '%s' was unloaded",
				hook->live->cfg.target);
}

/* Module event @ev (modules.c) for @hook: see the top of modules.c. */
void fhook_follow_module(struct fhook *hook, struct fhook_modev *ev)
{
	struct fhook_ipset add = { }, rem = { };
	int ret = 0;

	mutex_lock(&hook->lock);
	if (!hook->live)
		goto out;
	if (fhook_has(&hook->live->cfg, FHOOK_ACT_REDIRECT)) {
		fhook_follow_redirect(hook, ev);
		goto out;
	}
	if (ev->event == FHOOK_MOD_COMING && fhook_modev_prepare(ev))
		goto out;	/* logged once; the module's functions stay out */
	ret = fhook_follow_delta(hook, ev, &add, &rem);
	if (!ret && (add.nr || rem.nr))
		ret = fhook_follow_apply(hook, &add, &rem);
	if (ret && hook->enabled) {
		/* Never leave an ops hooking what it should not: stop it. */
		fhook_disable_locked(hook);
		fhook_set_error(hook, "disabled: following module %s failed (error %d)",
				ev->mod->name, ret);
	}
out:
	mutex_unlock(&hook->lock);
	fhook_ipset_free(&add);
	fhook_ipset_free(&rem);
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
	INIT_LIST_HEAD(&hook->node);
	hook->staged.actions = BIT(FHOOK_ACT_COUNT);
	hook->staged.stack_depth = FHOOK_STACK_DEFAULT;
	hook->staged.sample = 1;
	return hook;
}

/* configfs release(): the hook is disabled and unreachable by now. */
void fhook_free(struct fhook *hook)
{
	fhook_live_free(hook->live);
	fhook_config_free(&hook->staged);
	fhook_snapshots_free(hook);
	free_percpu(hook->cpu);
	mutex_destroy(&hook->lock);
	kfree(hook);
}
