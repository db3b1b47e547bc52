// SPDX-License-Identifier: GPL-2.0
/*
 * From the tokens of filter and notrace to the set of functions a hook
 * hooks: plain globs, module selectors ("GLOB:mod:MODULE") and addresses.
 *
 * ftrace_set_filter() knows plain globs only (tracefs parses ":mod:"
 * itself), so each token is matched on a scratch, never registered
 * ftrace_ops and its hash read back (funcs.c); a selector then keeps the
 * matches that lie in a module of that name, an address asks
 * ftrace_set_filter_ip().  The set algebra is done here, on sorted arrays
 * of call-site addresses, and the hook's ops gets the result as one
 * explicit list (ftrace_set_filter_ips()): its notrace hash stays empty.
 *
 * When a module loads, the same tokens are matched by name against that
 * module's functions alone (fhook_cfg_matches()), without a scan of every
 * function of the kernel.  Both paths use glob_match(), which is what
 * ftrace's own matching comes down to for the globs parse.c accepts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/glob.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <asm/pgtable.h>

#include "compat.h"
#include "fhook.h"

void fhook_ipset_free(struct fhook_ipset *s)
{
	kvfree(s->ip);
	*s = (struct fhook_ipset){ };
}

/* @s gets the @n addresses at @ips too; stays sorted and unique. */
int fhook_ipset_add(struct fhook_ipset *s, const unsigned long *ips,
		    unsigned int n)
{
	unsigned long *ip;
	unsigned int i, out = 0;

	if (!n)
		return 0;
	ip = kvmalloc_array((size_t)s->nr + n, sizeof(*ip), GFP_KERNEL);
	if (!ip)
		return -ENOMEM;
	if (s->nr)
		memcpy(ip, s->ip, s->nr * sizeof(*ip));
	memcpy(ip + s->nr, ips, n * sizeof(*ip));
	n += s->nr;
	sort(ip, n, sizeof(*ip), fhook_cmp_ulong, NULL);
	for (i = 0; i < n; i++)
		if (!out || ip[out - 1] != ip[i])
			ip[out++] = ip[i];
	kvfree(s->ip);
	s->ip = ip;
	s->nr = out;
	return 0;
}

/* @a minus @b, both sorted. */
void fhook_ipset_sub(struct fhook_ipset *a, const struct fhook_ipset *b)
{
	unsigned int i, j = 0, n = 0;

	for (i = 0; i < a->nr; i++) {
		while (j < b->nr && b->ip[j] < a->ip[i])
			j++;
		if (j < b->nr && b->ip[j] == a->ip[i])
			continue;
		a->ip[n++] = a->ip[i];
	}
	a->nr = n;
}

/* Keep the addresses for which @keep(@ip, @arg) is true. */
void fhook_ipset_filter(struct fhook_ipset *s,
			bool (*keep)(unsigned long ip, const void *arg),
			const void *arg)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nr; i++)
		if (keep(s->ip[i], arg))
			s->ip[n++] = s->ip[i];
	s->nr = n;
}

/*
 * The call sites ftrace matches for @glob, or for the function at @addr
 * (@glob NULL), added to @out.  -EINVAL: nothing matched.
 */
static int fhook_scratch_match(const char *glob, unsigned long addr,
			       struct fhook_ipset *out)
{
	struct fhook_ipset got = { };
	struct ftrace_ops *ops;
	char *buf = NULL;
	int ret;

	ops = kzalloc(sizeof(*ops), GFP_KERNEL);
	if (glob)
		buf = kstrdup(glob, GFP_KERNEL);	/* ftrace edits it */
	if (!ops || (glob && !buf)) {
		kfree(ops);
		kfree(buf);
		return -ENOMEM;
	}
	if (glob)
		ret = ftrace_set_filter(ops, buf, strlen(buf), 0);
	else
		ret = ftrace_set_filter_ip(ops, addr, 0, 0);
	if (!ret)
		ret = fhook_ops_filter_ips(ops, &got.ip, &got.nr);
	if (!ret)
		ret = fhook_ipset_add(out, got.ip, got.nr);
	fhook_ipset_free(&got);
	fhook_free_filters(ops);
	kfree(ops);
	kfree(buf);
	return ret;
}

/*
 * The module that holds call site @ip, NULL for the kernel proper; @sym
 * (KSYM_SYMBOL_LEN bytes) gets the function's name as ftrace's matching
 * sees it, for a module's call site.  Only the module area needs a
 * kallsyms lookup (__module_address() is not exported).
 */
const char *fhook_ip_module(unsigned long ip, char *sym)
{
	char *mod, *end;

	*sym = '\0';
	if (ip < MODULES_VADDR || ip >= MODULES_END)
		return NULL;
	sprint_symbol_no_offset(sym, ip);
	mod = strstr(sym, " [");
	if (!mod)
		return NULL;
	*mod = '\0';
	mod += 2;
	end = strchr(mod, ']');
	if (end)
		*end = '\0';
	return mod;
}

/* A selector's two halves, split into @buf (KSYM_NAME_LEN bytes). */
static void fhook_selector_split(const char *tok, char *buf,
				 const char **glob, const char **mod)
{
	const char *sel = strstr(tok, FHOOK_MOD_SEP);

	*glob = buf;
	*mod = sel + strlen(FHOOK_MOD_SEP);
	strscpy(buf, tok, min_t(size_t, sel - tok + 1, KSYM_NAME_LEN));
}

struct fhook_modmatch {
	const char *mod;	/* glob of module names */
	char *sym;		/* KSYM_SYMBOL_LEN scratch */
};

static bool fhook_in_module(unsigned long ip, const void *arg)
{
	const struct fhook_modmatch *m = arg;
	const char *mod = fhook_ip_module(ip, m->sym);

	return mod && glob_match(m->mod, mod);
}

/* "GLOB:mod:MODULE": matching nothing is fine, the module may come. */
static int fhook_match_selector(const char *tok, struct fhook_ipset *out)
{
	struct fhook_ipset got = { };
	struct fhook_modmatch m;
	const char *glob;
	char *buf;
	int ret;

	buf = kmalloc(KSYM_NAME_LEN + KSYM_SYMBOL_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	fhook_selector_split(tok, buf, &glob, &m.mod);
	m.sym = buf + KSYM_NAME_LEN;
	ret = fhook_scratch_match(glob, 0, &got);
	if (ret == -EINVAL)
		ret = 0;
	fhook_ipset_filter(&got, fhook_in_module, &m);
	if (!ret)
		ret = fhook_ipset_add(out, got.ip, got.nr);
	fhook_ipset_free(&got);
	kfree(buf);
	return ret;
}

/* "0xADDR": the start of one traceable function, nothing else. */
static int fhook_match_address(struct fhook *hook, const char *list,
			       const char *tok, struct fhook_ipset *out)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned long addr;
	int ret;

	if (kstrtoul(tok, 16, &addr))
		return -EINVAL;		/* parse.c let only canonical ones in */
	sprint_symbol(sym, addr);
	if (!strstr(sym, "+0x0/") || !strcmp(sym, tok))
		ret = -EINVAL;
	else
		ret = fhook_scratch_match(NULL, addr, out);
	if (ret == -EINVAL)
		fhook_set_error(hook, "%s: address %s is not the start of a traceable function",
				list, tok);
	return ret;
}

static bool fhook_token_is_address(const char *tok)
{
	return tok[0] == '0' && tok[1] == 'x';
}

/* One token of @list, without its '!', into @out. */
static int fhook_match_token(struct fhook *hook, const char *list,
			     const char *tok, const char *shown,
			     struct fhook_ipset *out)
{
	int ret;

	if (fhook_token_is_address(tok))
		return fhook_match_address(hook, list, tok, out);
	if (strstr(tok, FHOOK_MOD_SEP))
		ret = fhook_match_selector(tok, out);
	else
		ret = fhook_scratch_match(tok, 0, out);
	if (ret == -EINVAL)
		fhook_set_error(hook, "%s glob '%s' matches no traceable function",
				list, shown);
	else if (ret == -ENOMEM)
		fhook_set_error(hook, "out of memory");
	else if (ret == -EIO)
		fhook_set_error(hook, "cannot read ftrace's function hash on this kernel");
	else if (ret)
		fhook_set_error(hook, "%s glob '%s': ftrace error %d",
				list, shown, ret);
	return ret;
}

/* The inclusions of @globs into @in, the exclusions into @ex. */
static int fhook_match_list(struct fhook *hook, const char *list,
			    const char *globs, struct fhook_ipset *in,
			    struct fhook_ipset *ex)
{
	const char *g;
	int ret;

	for (g = globs; g && *g; g = fhook_glob_next(g)) {
		if (g[0] == '!')
			ret = fhook_match_token(hook, list, g + 1, g, ex);
		else
			ret = fhook_match_token(hook, list, g, g, in);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The functions @cfg hooks now, into @out:
 *   (filter inclusions - filter exclusions)
 *     - (notrace inclusions - notrace exclusions)
 * less any call site of a module on its way out (modules.c).
 */
int fhook_resolve(struct fhook *hook, const struct fhook_config *cfg,
		  struct fhook_ipset *out)
{
	struct fhook_ipset fex = { }, nin = { }, nex = { };
	int ret;

	*out = (struct fhook_ipset){ };
	ret = fhook_match_list(hook, "filter", cfg->filter, out, &fex);
	if (!ret)
		ret = fhook_match_list(hook, "notrace", cfg->notrace_globs,
				       &nin, &nex);
	if (!ret) {
		fhook_ipset_sub(&nin, &nex);
		fhook_ipset_sub(out, &fex);
		fhook_ipset_sub(out, &nin);
		fhook_gone_filter(out);
	}
	fhook_ipset_free(&fex);
	fhook_ipset_free(&nin);
	fhook_ipset_free(&nex);
	if (ret)
		fhook_ipset_free(out);
	return ret;
}

/* Does token @tok (no '!') name function @name of module @mod? */
static bool fhook_token_matches(const char *tok, const char *name,
				const char *mod, char *buf)
{
	const char *glob, *mglob;

	if (fhook_token_is_address(tok))
		return false;	/* an address names one function, at commit */
	if (!strstr(tok, FHOOK_MOD_SEP))
		return glob_match(tok, name);
	fhook_selector_split(tok, buf, &glob, &mglob);
	return mod && glob_match(mglob, mod) && glob_match(glob, name);
}

/* Does some token of @globs match, among inclusions (@excl false) or not? */
static bool fhook_list_matches(const char *globs, bool excl,
			       const char *name, const char *mod, char *buf)
{
	const char *g;

	for (g = globs; g && *g; g = fhook_glob_next(g))
		if ((g[0] == '!') == excl &&
		    fhook_token_matches(g + excl, name, mod, buf))
			return true;
	return false;
}

/*
 * Would @cfg hook function @name of module @mod (NULL: the kernel)?  The
 * same rule as fhook_resolve(), for one function; @buf is KSYM_NAME_LEN
 * bytes of scratch.
 */
bool fhook_cfg_matches(const struct fhook_config *cfg, const char *name,
		       const char *mod, char *buf)
{
	if (!fhook_list_matches(cfg->filter, false, name, mod, buf) ||
	    fhook_list_matches(cfg->filter, true, name, mod, buf))
		return false;
	return !fhook_list_matches(cfg->notrace_globs, false, name, mod, buf) ||
	       fhook_list_matches(cfg->notrace_globs, true, name, mod, buf);
}
