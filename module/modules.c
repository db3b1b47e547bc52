// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks follow modules as they load and unload.
 *
 * ftrace forgets a module's call sites when it unloads, but not in the
 * hashes of ftrace_ops it does not own: a hook would keep the addresses,
 * and hook whatever module is loaded there next (a redirect's IPMODIFY ops
 * even trips a WARN_ON in ftrace_module_enable()).  A module notifier
 * keeps every hook's set exact instead:
 *
 *   COMING     the module's text is ready and ftrace knows its call sites;
 *              each hook gets those of its functions its tokens match, so
 *              its init function is counted too;
 *   LIVE       init is done: the init text leaves every hook, before
 *              ftrace_free_mem() drops its call sites and the text goes;
 *   GOING      exit is done: the module's call sites leave every hook,
 *              before ftrace_release_mod() and before the text is freed.
 *
 * A commit running just after LIVE or GOING would still find those call
 * sites in ftrace (they are dropped a moment later): the text ranges that
 * are going are kept in a short list, and a resolution leaves them out.
 * A range leaves the list when a module is loaded over it, by which time
 * ftrace has long forgotten the old call sites.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "compat.h"
#include "fhook.h"

/* fhook_hooks_lock protects fhook_hooks, the hooks that exist. */
static DEFINE_MUTEX(fhook_hooks_lock);
static LIST_HEAD(fhook_hooks);

void fhook_hooks_add(struct fhook *hook)
{
	mutex_lock(&fhook_hooks_lock);
	list_add_tail(&hook->node, &fhook_hooks);
	mutex_unlock(&fhook_hooks_lock);
}

/* After this no module event reaches @hook. */
void fhook_hooks_del(struct fhook *hook)
{
	mutex_lock(&fhook_hooks_lock);
	list_del_init(&hook->node);
	mutex_unlock(&fhook_hooks_lock);
}

#define FHOOK_GONE_MAX	32

struct fhook_range {
	unsigned long start, end;	/* [start, end) */
};

/* fhook_gone_lock protects fhook_gone, a ring of text ranges going away. */
static DEFINE_SPINLOCK(fhook_gone_lock);
static struct fhook_range fhook_gone[FHOOK_GONE_MAX];
static unsigned int fhook_gone_next;

static void fhook_gone_add(struct fhook_range r)
{
	if (r.start == r.end)
		return;
	spin_lock(&fhook_gone_lock);
	fhook_gone[fhook_gone_next] = r;
	fhook_gone_next = (fhook_gone_next + 1) % FHOOK_GONE_MAX;
	spin_unlock(&fhook_gone_lock);
}

/* A module is loaded over @r: what was there before is forgotten. */
static void fhook_gone_forget(struct fhook_range r)
{
	unsigned int i;

	spin_lock(&fhook_gone_lock);
	for (i = 0; i < FHOOK_GONE_MAX; i++)
		if (fhook_gone[i].start < r.end && r.start < fhook_gone[i].end)
			fhook_gone[i] = (struct fhook_range){ };
	spin_unlock(&fhook_gone_lock);
}

static bool fhook_not_gone(unsigned long ip, const void *arg)
{
	unsigned int i;

	for (i = 0; i < FHOOK_GONE_MAX; i++)
		if (fhook_gone[i].start <= ip && ip < fhook_gone[i].end)
			return false;
	return true;
}

/* Leave out of @s every call site of text that is going away. */
void fhook_gone_filter(struct fhook_ipset *s)
{
	spin_lock(&fhook_gone_lock);
	fhook_ipset_filter(s, fhook_not_gone, NULL);
	spin_unlock(&fhook_gone_lock);
}

/* The core (@init false) or init text of @mod. */
static struct fhook_range fhook_mod_text(const struct module *mod, bool init)
{
#ifdef FHOOK_HAVE_MODULE_MEMORY
	const struct module_memory *m = &mod->mem[init ? MOD_INIT_TEXT : MOD_TEXT];

	return (struct fhook_range){ (unsigned long)m->base,
				     (unsigned long)m->base + m->size };
#else
	const struct module_layout *l = init ? &mod->init_layout : &mod->core_layout;

	return (struct fhook_range){ (unsigned long)l->base,
				     (unsigned long)l->base + l->text_size };
#endif
}

/*
 * Candidate addresses: every text symbol of @mod.  Called while @mod is
 * COMING, from the task loading it, so its symbol table cannot change.
 */
static unsigned int fhook_mod_symbols(struct module *mod, unsigned long **out)
{
	const struct mod_kallsyms *ks;
	unsigned long *addr, a;
	const char *name;
	unsigned int i, n = 0;

	ks = rcu_dereference_protected(mod->kallsyms, true);
	*out = NULL;
	if (!ks || !ks->num_symtab)
		return 0;
	addr = kvmalloc_array(ks->num_symtab, sizeof(*addr), GFP_KERNEL);
	if (!addr)
		return 0;
	for (i = 0; i < ks->num_symtab; i++) {
		if (ks->typetab && ks->typetab[i] != 't' &&
		    ks->typetab[i] != 'T')
			continue;
		name = ks->strtab + ks->symtab[i].st_name;
		/* Padding and CFI stubs before functions: never traceable. */
		if (strstarts(name, "__pfx_") || strstarts(name, "__cfi_"))
			continue;
		a = kallsyms_symbol_value(&ks->symtab[i]);
		if (within_module(a, mod))
			addr[n++] = a;
	}
	*out = addr;
	return n;
}

/*
 * The call site of the function at @addr, or 0 when ftrace has none.
 * The scratch @ops' filter is reset by each call: adding to it instead
 * would copy the whole hash every time.
 */
static int fhook_callsite(struct ftrace_ops *ops, unsigned long addr,
			  unsigned long *ip)
{
	unsigned long *one;
	unsigned int n;
	int ret;

	*ip = 0;
	ret = ftrace_set_filter_ip(ops, addr, 0, 1);
	if (ret)
		return ret == -EINVAL ? 0 : ret;	/* -EINVAL: untraceable */
	ret = fhook_ops_filter_ips(ops, &one, &n);
	if (!ret && n == 1)
		*ip = one[0];
	kvfree(one);
	return ret;
}

/* The call sites of @mod's functions, sorted. */
static int fhook_mod_callsites(struct module *mod, struct fhook_ipset *out)
{
	struct ftrace_ops *ops;
	unsigned long *addr, ip;
	unsigned int i, n, found = 0;
	int ret = 0;

	*out = (struct fhook_ipset){ };
	n = fhook_mod_symbols(mod, &addr);
	ops = n ? kzalloc(sizeof(*ops), GFP_KERNEL) : NULL;
	if (n && !ops)
		ret = -ENOMEM;
	/* Call sites replace the addresses, in place: one sort at the end. */
	for (i = 0; i < n && !ret; i++) {
		ret = fhook_callsite(ops, addr[i], &ip);
		if (!ret && ip)
			addr[found++] = ip;
	}
	if (!ret)
		ret = fhook_ipset_add(out, addr, found);
	if (ops)
		fhook_free_filters(ops);
	kfree(ops);
	kvfree(addr);
	return ret;
}

/* Name every call site of @ev's module, as ftrace's matching sees it. */
static int fhook_modev_funcs(struct fhook_modev *ev)
{
	char sym[KSYM_SYMBOL_LEN];
	struct fhook_ipset ips;
	unsigned int i;
	int ret;

	ret = fhook_mod_callsites(ev->mod, &ips);
	if (!ret && ips.nr) {
		ev->funcs = kvcalloc(ips.nr, sizeof(*ev->funcs), GFP_KERNEL);
		ret = ev->funcs ? 0 : -ENOMEM;
	}
	for (i = 0; i < ips.nr && !ret; i++) {
		fhook_ip_module(ips.ip[i], sym);
		ev->funcs[i].ip = ips.ip[i];
		ev->funcs[i].name = kstrdup(sym, GFP_KERNEL);
		if (!ev->funcs[i].name)
			ret = -ENOMEM;
		ev->nr = i + 1;
	}
	fhook_ipset_free(&ips);
	return ret;
}

/*
 * What a COMING event needs to match the module's functions, made when
 * the first hook that follows loads needs it: with no such hook a load
 * costs fhook nothing.  A failure is kept and each hook reports it.
 */
int fhook_modev_prepare(struct fhook_modev *ev)
{
	if (ev->prepared)
		return ev->error;
	ev->prepared = true;
	ev->buf = kmalloc(KSYM_NAME_LEN, GFP_KERNEL);
	ev->error = ev->buf ? fhook_modev_funcs(ev) : -ENOMEM;
	if (ev->error)
		/* The module loads all the same; its functions go unhooked. */
		pr_warn("module %s: hooks cannot follow it (error %d)\n",
			ev->mod->name, ev->error);
	return ev->error;
}

static void fhook_modev_free(struct fhook_modev *ev)
{
	unsigned int i;

	for (i = 0; ev->funcs && i < ev->nr; i++)
		kfree(ev->funcs[i].name);
	kvfree(ev->funcs);
	kfree(ev->buf);
}

static void fhook_modev_run(struct fhook_modev *ev)
{
	struct fhook *hook;

	mutex_lock(&fhook_hooks_lock);
	list_for_each_entry(hook, &fhook_hooks, node)
		fhook_follow_module(hook, ev);
	mutex_unlock(&fhook_hooks_lock);
}

static int fhook_module_notify(struct notifier_block *nb,
			       unsigned long state, void *data)
{
	struct fhook_modev ev = { .mod = data };

	switch (state) {
	case MODULE_STATE_COMING:
		ev.event = FHOOK_MOD_COMING;
		fhook_gone_forget(fhook_mod_text(ev.mod, false));
		fhook_gone_forget(fhook_mod_text(ev.mod, true));
		break;
	case MODULE_STATE_LIVE:
		ev.event = FHOOK_MOD_INIT_DONE;
		fhook_gone_add(fhook_mod_text(ev.mod, true));
		break;
	case MODULE_STATE_GOING:
		ev.event = FHOOK_MOD_GOING;
		fhook_gone_add(fhook_mod_text(ev.mod, false));
		fhook_gone_add(fhook_mod_text(ev.mod, true));
		break;
	default:
		return NOTIFY_DONE;
	}
	fhook_modev_run(&ev);
	fhook_modev_free(&ev);
	return NOTIFY_DONE;
}

/*
 * The loader calls ftrace_module_enable() before the COMING chain and
 * ftrace_release_mod() after the GOING one, so ftrace knows the module's
 * call sites whenever this runs.
 */
static struct notifier_block fhook_module_nb = {
	.notifier_call = fhook_module_notify,
};

int fhook_modules_init(void)
{
	return register_module_notifier(&fhook_module_nb);
}

void fhook_modules_exit(void)
{
	unregister_module_notifier(&fhook_module_nb);
}
