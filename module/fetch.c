// SPDX-License-Identifier: GPL-2.0
/*
 * Fetch specifications: what action log records of each call, named and
 * typed, in the syntax of kprobe events' fetch arguments.  "args" holds
 * either a count of raw register arguments or a list of
 *
 *	NAME=FETCH[:TYPE]
 *
 * where FETCH is $argN (a register argument) or +OFF(FETCH) / -OFF(FETCH)
 * (the word at that address), and TYPE one of u8..u64, s8..s64, x8..x64,
 * string and ustring (default x64).  As in kprobe events, a string is
 * found at the address of the last load, not loaded: +0($arg2):string is
 * the string $arg2 points to; $arg2:string means the same.
 *
 * Parsing and formatting are pure string work.  Evaluation runs in the
 * callback, in any context: every load goes through the no-fault copies
 * and a failed one is reported to the caller, never an oops.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fhook.h"

const struct fhook_ftype fhook_ftypes[FHOOK_NR_FTYPES] = {
	[FHOOK_FT_U8]		= { "u8",	1, false, false },
	[FHOOK_FT_U16]		= { "u16",	2, false, false },
	[FHOOK_FT_U32]		= { "u32",	4, false, false },
	[FHOOK_FT_U64]		= { "u64",	8, false, false },
	[FHOOK_FT_S8]		= { "s8",	1, true,  false },
	[FHOOK_FT_S16]		= { "s16",	2, true,  false },
	[FHOOK_FT_S32]		= { "s32",	4, true,  false },
	[FHOOK_FT_S64]		= { "s64",	8, true,  false },
	[FHOOK_FT_X8]		= { "x8",	1, false, true },
	[FHOOK_FT_X16]		= { "x16",	2, false, true },
	[FHOOK_FT_X32]		= { "x32",	4, false, true },
	[FHOOK_FT_X64]		= { "x64",	8, false, true },
	[FHOOK_FT_STRING]	= { "string",	0, false, false },
	[FHOOK_FT_USTRING]	= { "ustring",	0, false, false },
};

/* Field names the per-hook event has of its own, besides common_*. */
static const char *const fhook_fetch_reserved[] = {
	"func", "caller", "fhook_layout",
};

/* The bad token, cut short, for the error text. */
#define FHOOK_TOKEN_SHOWN	64

struct fetch_parse {
	struct fhook_fetches *out;
	char *err;
	size_t errlen;
};

static __printf(4, 5) int fetch_error(struct fetch_parse *p, const char *tok,
				      size_t n, const char *fmt, ...)
{
	char why[96];
	va_list args;

	va_start(args, fmt);
	vsnprintf(why, sizeof(why), fmt, args);
	va_end(args);
	snprintf(p->err, p->errlen, "'%.*s%s': %s",
		 (int)min_t(size_t, n, FHOOK_TOKEN_SHOWN), tok,
		 n > FHOOK_TOKEN_SHOWN ? "..." : "", why);
	return -EINVAL;
}

static bool fetch_name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isascii(s[0]) && (isalpha(s[0]) || s[0] == '_')))
		return false;
	for (i = 1; i < n; i++)
		if (!isascii(s[i]) || !(isalnum(s[i]) || s[i] == '_'))
			return false;
	return true;
}

static bool fetch_name_reserved(const char *s, size_t n)
{
	size_t i;

	if (n >= 7 && !strncmp(s, "common_", 7))
		return true;
	for (i = 0; i < ARRAY_SIZE(fhook_fetch_reserved); i++)
		if (strlen(fhook_fetch_reserved[i]) == n &&
		    !strncmp(s, fhook_fetch_reserved[i], n))
			return true;
	return false;
}

static int fetch_type(const char *s, size_t n)
{
	int i;

	for (i = 0; i < FHOOK_NR_FTYPES; i++)
		if (strlen(fhook_ftypes[i].name) == n &&
		    !strncmp(s, fhook_ftypes[i].name, n))
			return i;
	return -1;
}

/* Decimal or 0x hex digits, all of @s[0..@n), at most @max. */
static bool fetch_number(const char *s, size_t n, unsigned long max,
			 unsigned long *val)
{
	unsigned int base = 10, d;
	unsigned long v = 0;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (!isascii(s[i]) || !isxdigit(s[i]))
			return false;
		d = isdigit(s[i]) ? s[i] - '0' : tolower(s[i]) - 'a' + 10;
		if (d >= base || d > max || v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*val = v;
	return true;
}

/* "$argN" with N in 1..FHOOK_ARGS_MAX, in decimal: its index, or -1. */
static int fetch_arg(const char *s, size_t n)
{
	unsigned long v;

	if (n < 5 || strncmp(s, "$arg", 4) || !isdigit(s[4]) ||
	    !fetch_number(s + 4, n - 4, FHOOK_ARGS_MAX, &v) || v < 1)
		return -1;
	return v - 1;
}

/*
 * FETCH into @f: "$argN", or "+OFF(FETCH)" / "-OFF(FETCH)", peeled from
 * the outside in without recursion (a write is up to 4 KiB of
 * parentheses): the offsets land in @f->off innermost first.
 */
static int fetch_parse_expr(struct fetch_parse *p, const char *tok,
			    size_t tn, const char *s, size_t n,
			    struct fhook_fetch *f)
{
	long outer[FHOOK_FETCH_DEPTH];
	unsigned int depth = 0, i;
	const char *open;
	unsigned long v;
	int arg;

	while (n && (s[0] == '+' || s[0] == '-')) {
		if (depth == FHOOK_FETCH_DEPTH)
			return fetch_error(p, tok, tn,
					   "more than %d dereferences",
					   FHOOK_FETCH_DEPTH);
		open = memchr(s, '(', n);
		if (!open || s[n - 1] != ')')
			return fetch_error(p, tok, tn,
					   "a dereference is +OFFSET(FETCH), in parentheses");
		if (!fetch_number(s + 1, open - s - 1, FHOOK_FETCH_OFF_MAX, &v))
			return fetch_error(p, tok, tn,
					   "offset must be a decimal or 0x number up to %#x",
					   FHOOK_FETCH_OFF_MAX);
		outer[depth++] = s[0] == '-' ? -(long)v : (long)v;
		n -= open + 1 - s + 1;
		s = open + 1;
	}
	arg = fetch_arg(s, n);
	if (arg < 0)
		return fetch_error(p, tok, tn,
				   "a fetch is $arg1 to $arg%d or +OFFSET(FETCH)",
				   FHOOK_ARGS_MAX);
	f->arg = arg;
	f->depth = depth;
	for (i = 0; i < depth; i++)
		f->off[i] = outer[depth - 1 - i];
	return 0;
}

static int fetch_parse_one(const char *tok, size_t n, void *arg)
{
	struct fetch_parse *p = arg;
	struct fhook_fetches *out = p->out;
	const char *eq, *colon, *expr;
	struct fhook_fetch *f;
	size_t name_len, expr_len;
	unsigned int i;
	int type = FHOOK_FT_X64;

	if (out->nr == FHOOK_FETCH_MAX)
		return fetch_error(p, tok, n, "more than %d fetches",
				   FHOOK_FETCH_MAX);
	eq = memchr(tok, '=', n);
	if (!eq)
		return fetch_error(p, tok, n, "a fetch is NAME=FETCH[:TYPE]");
	name_len = eq - tok;
	if (!fetch_name_ok(tok, name_len) ||
	    name_len >= FHOOK_FETCH_NAME_MAX)
		return fetch_error(p, tok, n,
				   "a name is a letter or '_', then letters, digits or '_', %d bytes at most",
				   FHOOK_FETCH_NAME_MAX - 1);
	if (fetch_name_reserved(tok, name_len))
		return fetch_error(p, tok, n, "name '%.*s' is reserved",
				   (int)name_len, tok);
	for (i = 0; i < out->nr; i++)
		if (strlen(out->f[i].name) == name_len &&
		    !strncmp(out->f[i].name, tok, name_len))
			return fetch_error(p, tok, n, "name used twice");
	expr = eq + 1;
	expr_len = tok + n - expr;
	colon = memchr(expr, ':', expr_len);
	if (colon) {
		type = fetch_type(colon + 1, tok + n - colon - 1);
		if (type < 0)
			return fetch_error(p, tok, n,
					   "unknown type: u8..u64, s8..s64, x8..x64, string or ustring");
		expr_len = colon - expr;
	}
	f = &out->f[out->nr];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, tok, name_len);
	f->type = type;
	if (fetch_parse_expr(p, tok, n, expr, expr_len, f))
		return -EINVAL;
	out->nr++;
	return 0;
}

/* A value of args that is not a bare count is a fetch list. */
bool fhook_looks_like_fetches(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isdigit(buf[i]) && !isspace(buf[i]))
			return true;
	return false;
}

/* Parse a fetch list into a new struct fhook_fetches (*@out). */
int fhook_parse_fetches(const char *buf, size_t len,
			struct fhook_fetches **out, char *err, size_t errlen)
{
	struct fetch_parse p = { .err = err, .errlen = errlen };
	int ret;

	*out = NULL;
	ret = fhook_check_value(buf, len, err, errlen);
	if (ret)
		return ret;
	p.out = kzalloc(struct_size(p.out, f, FHOOK_FETCH_MAX), GFP_KERNEL);
	if (!p.out)
		return -ENOMEM;
	ret = fhook_split_words(buf, len, fetch_parse_one, &p);
	if (ret) {
		kfree(p.out);
		return ret;
	}
	*out = p.out;
	return 0;
}

struct fhook_fetches *fhook_fetches_dup(const struct fhook_fetches *f)
{
	if (!f)
		return NULL;
	return kmemdup(f, struct_size(f, f, f->nr), GFP_KERNEL);
}

bool fhook_fetches_equal(const struct fhook_fetches *a,
			 const struct fhook_fetches *b)
{
	if (!a || !b)
		return a == b;
	return a->nr == b->nr &&
	       !memcmp(a->f, b->f, sizeof(a->f[0]) * a->nr);
}

static ssize_t fetch_format_expr(const struct fhook_fetch *f, char *buf,
				 size_t size)
{
	size_t len = 0;
	int i;

	for (i = f->depth - 1; i >= 0; i--)
		len += scnprintf(buf + len, size - len, "%s%ld(",
				 f->off[i] < 0 ? "" : "+", f->off[i]);
	len += scnprintf(buf + len, size - len, "$arg%u", f->arg + 1);
	for (i = 0; i < f->depth; i++)
		len += scnprintf(buf + len, size - len, ")");
	return len;
}

/* The fetches in the order written, NAME=FETCH:TYPE, each ended by @sep. */
ssize_t fhook_format_fetches(const struct fhook_fetches *f, char sep,
			     char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; f && i < f->nr; i++) {
		len += scnprintf(buf + len, size - len, "%s=", f->f[i].name);
		len += fetch_format_expr(&f->f[i], buf + len, size - len);
		len += scnprintf(buf + len, size - len, ":%s%c",
				 fhook_ftypes[f->f[i].type].name, sep);
	}
	return len;
}

/*
 * Load @size bytes at @addr without faulting: user memory below
 * TASK_SIZE_MAX (x86-64's two halves never overlap, as kprobe events'
 * probe_mem_read() relies on too), kernel memory above, or user memory
 * only when @user.
 */
static int fetch_load(void *dst, unsigned long addr, size_t size, bool user)
{
	if (user || addr < TASK_SIZE_MAX)
		return copy_from_user_nofault(dst, (const void __user *)addr,
					      size);
	return copy_from_kernel_nofault(dst, (const void *)addr, size);
}

/*
 * The address a fetch ends at: the argument's value after all loads but
 * the last, plus the last offset.  For a fetch without loads, the
 * argument's value itself.
 */
static int fetch_address(const struct fhook_fetch *f,
			 const unsigned long *args, unsigned long *addr)
{
	unsigned long v = args[f->arg];
	unsigned int i;

	if (!f->depth) {
		*addr = v;
		return 0;
	}
	for (i = 0; i + 1 < f->depth; i++)
		if (fetch_load(&v, v + f->off[i], sizeof(v), false))
			return -EFAULT;
	*addr = v + f->off[f->depth - 1];
	return 0;
}

/*
 * The value of an integer fetch, zero- or sign-extended from its type's
 * size; -EFAULT when a load failed.  @args: the register arguments.
 */
int fhook_fetch_value(const struct fhook_fetch *f, const unsigned long *args,
		      u64 *val)
{
	const struct fhook_ftype *t = &fhook_ftypes[f->type];
	unsigned long addr;
	u64 v = 0;

	if (!f->depth) {
		v = args[f->arg];
	} else {
		if (fetch_address(f, args, &addr) ||
		    fetch_load(&v, addr, t->size, false))
			return -EFAULT;
	}
	if (t->size < 8) {
		v &= BIT_ULL(t->size * 8) - 1;
		if (t->is_signed)
			v = sign_extend64(v, t->size * 8 - 1);
	}
	*val = v;
	return 0;
}

/*
 * Copy the string a string fetch points at into @buf (@size bytes,
 * NUL-terminated, cut at @size - 1), or only measure it when @buf is NULL:
 * the length, without the NUL, or -EFAULT.  No no-fault string copy is
 * exported to modules, so it goes in small chunks that never cross a
 * page: a chunk past the string's NUL stays on a page the string is on.
 */
int fhook_fetch_string(const struct fhook_fetch *f, const unsigned long *args,
		       char *buf, size_t size)
{
	bool user = f->type == FHOOK_FT_USTRING;
	char bounce[FHOOK_FETCH_CHUNK], *dst;
	unsigned long addr;
	size_t len = 0, chunk;
	char *nul;

	if (!size || fetch_address(f, args, &addr))
		return -EFAULT;
	while (len + 1 < size) {
		chunk = min3(size - 1 - len, (size_t)FHOOK_FETCH_CHUNK,
			     (size_t)(PAGE_SIZE - offset_in_page(addr + len)));
		dst = buf ? buf + len : bounce;
		if (fetch_load(dst, addr + len, chunk, user))
			return -EFAULT;
		nul = memchr(dst, '\0', chunk);
		if (nul)
			return len + (nul - dst);
		len += chunk;
	}
	if (buf)
		buf[len] = '\0';
	return len;
}
