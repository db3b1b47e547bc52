// SPDX-License-Identifier: GPL-2.0
/*
 * Named arguments from the kernel's BTF: "filename", "file->f_pos" or
 * "iocb->ki_filp->f_path.dentry->d_name.name" become the module's fetch
 * specifications ("+40(+24(+0($arg1))):string"), with the offsets and
 * types of the running kernel.  They are resolved at every run and never
 * stored: offsets change from one build to the next.
 *
 * A parameter is found in the function's BTF prototype; its register by
 * the x86-64 calling convention (an aggregate of 9 to 16 bytes takes two,
 * a larger one none).  "->m" loads the pointer it follows, ".m" adds the
 * member's offset to the address reached.  Semantics are kprobe events':
 * a string is read at the address of the last load.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "fhook-apply.h"

#define BTF_MODS_MAX	32	/* module BTFs kept open in one run */

struct btf_src {
	char *path;		/* a directory like /sys/kernel/btf, or a file */
	bool dir;
	struct btf *vmlinux;	/* NULL: not loaded yet */
	int vmlinux_err;
	struct {
		char *name;
		struct btf *btf;	/* NULL: the module has none */
	} mods[BTF_MODS_MAX];
	size_t nr_mods;
};

/* Where a chain has got to: EXPR is the address, OFF added, if in memory. */
struct walk {
	const struct btf *btf;
	char expr[FETCH_EXPR_MAX];
	unsigned long off;
	unsigned int depth;
	unsigned long max_depth;
	bool in_mem;
	__u32 type;
	const char *name;	/* the last component's */
	size_t name_len;
	char *err;
	size_t len;
};

struct btf_src *btf_src_open(const char *path)
{
	struct btf_src *b = xcalloc(1, sizeof(*b));
	struct stat st;

	libbpf_set_print(NULL);	/* its warnings: the errors say it all */
	b->path = xstrdup(path);
	b->dir = !stat(path, &st) && S_ISDIR(st.st_mode);
	return b;
}

void btf_src_free(struct btf_src *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->nr_mods; i++) {
		btf__free(b->mods[i].btf);
		free(b->mods[i].name);
	}
	btf__free(b->vmlinux);
	free(b->path);
	free(b);
}

static const struct btf *src_vmlinux(struct btf_src *b, char *err, size_t len)
{
	char *file;

	if (!b->vmlinux && !b->vmlinux_err) {
		if (b->dir)
			xasprintf(&file, "%s/vmlinux", b->path);
		else
			file = xstrdup(b->path);
		b->vmlinux = btf__parse(file, NULL);
		if (!b->vmlinux)
			b->vmlinux_err = errno ? errno : EINVAL;
		free(file);
	}
	if (!b->vmlinux)
		snprintf(err, len,
			 "cannot read the kernel's BTF (%s%s): %s; write fetch specifications NAME=FETCH:TYPE instead",
			 b->path, b->dir ? "/vmlinux" : "",
			 strerror(b->vmlinux_err));
	return b->vmlinux;
}

/* Whether the kernel's BTF can be read; else why not, in @err. */
bool btf_src_usable(struct btf_src *b, char *err, size_t len)
{
	return src_vmlinux(b, err, len);
}

/* Module @mod's BTF, split on the kernel's; NULL if it has none here. */
static const struct btf *src_module(struct btf_src *b, const char *mod)
{
	char *file;
	size_t i;

	for (i = 0; i < b->nr_mods; i++)
		if (!strcmp(b->mods[i].name, mod))
			return b->mods[i].btf;
	if (!b->dir || b->nr_mods == BTF_MODS_MAX || strchr(mod, '/'))
		return NULL;
	xasprintf(&file, "%s/%s", b->path, mod);
	b->mods[i].btf = btf__parse_split(file, b->vmlinux);
	b->mods[i].name = xstrdup(mod);
	b->nr_mods++;
	free(file);
	return b->mods[i].btf;
}

/* Past typedefs and qualifiers; notes a "user" type tag. */
static const struct btf_type *skip_mods(const struct btf *btf, __u32 id,
					__u32 *rid, bool *user)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		if (user && btf_is_type_tag(t) &&
		    !strcmp(btf__name_by_offset(btf, t->name_off), "user"))
			*user = true;
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (rid)
		*rid = id;
	return t;
}

/*
 * The FUNC_PROTO of @func in @btf's own types (a module's start after the
 * kernel's): 0 if none, -EEXIST if several differ.
 */
static int find_proto(const struct btf *btf, const char *func,
		      const struct btf_type **proto)
{
	const struct btf *base = btf__base_btf(btf);
	__u32 id = base ? btf__type_cnt(base) : 1, end = btf__type_cnt(btf);
	const struct btf_type *t;
	__u32 found = 0;

	for (; id < end; id++) {
		t = btf__type_by_id(btf, id);
		if (!btf_is_func(t) ||
		    strcmp(btf__name_by_offset(btf, t->name_off), func))
			continue;
		if (found && found != t->type)
			return -EEXIST;
		found = t->type;
	}
	if (found)
		*proto = btf__type_by_id(btf, found);
	return found ? 1 : 0;
}

/* The parameters' names, ", "-separated, for an error. */
static void param_names(const struct btf *btf, const struct btf_type *proto,
			char *buf, size_t size)
{
	const struct btf_param *p = btf_params(proto);
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < btf_vlen(proto) && o < size; i++)
		o += snprintf(buf + o, size - o, "%s%s", i ? ", " : "",
			      p[i].type ? btf__name_by_offset(btf, p[i].name_off) :
			      "...");
	if (!i)
		snprintf(buf, size, "none");
}

/*
 * The register of parameter @idx, 1-based, by the x86-64 calling
 * convention without floating point; 0 if it is not in one register.
 */
static int param_reg(const struct btf *btf, const struct btf_type *proto,
		     int idx)
{
	const struct btf_param *p = btf_params(proto);
	int i, n = 0, used = 0;
	__s64 size;

	for (i = 0; i <= idx; i++) {
		size = btf__resolve_size(btf, p[i].type);
		n = size <= 0 || size > 16 ? 0 : size > 8 ? 2 : 1;
		if (n && used + n > 6)
			n = 0;
		if (i < idx)
			used += n;
	}
	return n == 1 ? used + 1 : 0;
}

static __printf(2, 3) int walk_error(struct walk *w, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(w->err, w->len, fmt, args);
	va_end(args);
	return -EINVAL;
}

/* EXPR := +OFF(EXPR): load what the chain has reached. */
static int walk_load(struct walk *w)
{
	char tmp[FETCH_EXPR_MAX];

	if (w->depth == w->max_depth)
		return walk_error(w, "more than %lu dereferences", w->max_depth);
	if ((size_t)snprintf(tmp, sizeof(tmp), "+%lu(%s)", w->off, w->expr) >=
	    sizeof(tmp))
		return walk_error(w, "the chain is too long");
	strcpy(w->expr, tmp);
	w->depth++;
	w->off = 0;
	return 0;
}

/* Member @name of struct or union @t, also inside anonymous members. */
static bool find_member(const struct btf *btf, const struct btf_type *t,
			const char *name, size_t n, __u32 *type,
			__u32 *bit_off, __u32 *bit_size)
{
	const struct btf_member *m = btf_members(t);
	const struct btf_type *a;
	const char *mn;
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		mn = btf__name_by_offset(btf, m->name_off);
		if (mn && *mn && strlen(mn) == n && !strncmp(mn, name, n)) {
			*type = m->type;
			*bit_off = btf_member_bit_offset(t, i);
			*bit_size = btf_member_bitfield_size(t, i);
			return true;
		}
		a = skip_mods(btf, m->type, NULL, NULL);
		if ((!mn || !*mn) && a && btf_is_composite(a) &&
		    find_member(btf, a, name, n, type, bit_off, bit_size)) {
			*bit_off += btf_member_bit_offset(t, i);
			return true;
		}
	}
	return false;
}

/* "->m" (@arrow) or ".m": into member @name of what the chain reached. */
static int walk_member(struct walk *w, bool arrow, const char *name, size_t n)
{
	const struct btf_type *t = skip_mods(w->btf, w->type, NULL, NULL);
	__u32 type, bit_off, bit_size;
	const char *sname;

	if (arrow) {
		if (!t || !btf_is_ptr(t))
			return walk_error(w, "'%.*s' is not a pointer: use '.'",
					  (int)w->name_len, w->name);
		if (w->in_mem && walk_load(w))
			return -EINVAL;
		t = skip_mods(w->btf, t->type, NULL, NULL);
		w->in_mem = true;
	} else if (t && btf_is_ptr(t)) {
		return walk_error(w, "'%.*s' is a pointer: use '->'",
				  (int)w->name_len, w->name);
	} else if (!w->in_mem) {
		return walk_error(w,
				  "'%.*s' is a structure passed by value: its members are not in memory",
				  (int)w->name_len, w->name);
	}
	if (!t || !btf_is_composite(t))
		return walk_error(w, "'%.*s' is not a structure or union",
				  (int)w->name_len, w->name);
	sname = btf__name_by_offset(w->btf, t->name_off);
	if (!find_member(w->btf, t, name, n, &type, &bit_off, &bit_size))
		return walk_error(w, "%s %s has no member '%.*s'",
				  btf_is_union(t) ? "union" : "struct",
				  sname && *sname ? sname : "(anonymous)",
				  (int)n, name);
	if (bit_size || bit_off % 8)
		return walk_error(w, "'%.*s' is a bitfield", (int)n, name);
	w->off += bit_off / 8;
	if (w->off > FETCH_OFF_MAX)
		return walk_error(w, "offset above %#x", FETCH_OFF_MAX);
	w->type = type;
	w->name = name;
	w->name_len = n;
	return 0;
}

static bool is_char(const struct btf_type *t)
{
	return t && btf_is_int(t) && btf_int_bits(t) == 8 &&
	       !(btf_int_encoding(t) & BTF_INT_BOOL);
}

/*
 * Whether @t points to C's char (signed, unsigned or plain), not to a
 * u8 or other typedef of it: a byte buffer is no string.  @user: the
 * pointer is __user (a "user" type tag, which clang-built kernels have).
 */
static bool is_char_ptr(const struct btf *btf, const struct btf_type *t,
			bool *user)
{
	const char *name;

	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	while (t && btf_is_mod(t)) {
		if (btf_is_type_tag(t) &&
		    !strcmp(btf__name_by_offset(btf, t->name_off), "user"))
			*user = true;
		t = btf__type_by_id(btf, t->type);
	}
	name = t ? btf__name_by_offset(btf, t->name_off) : NULL;
	return is_char(t) && name && strstr(name, "char");
}

/* The scalar type of what the chain reached, or NULL: not a scalar. */
static const char *scalar_type(const struct walk *w, char *buf, size_t size)
{
	const struct btf_type *t = skip_mods(w->btf, w->type, NULL, NULL);
	bool sign;
	int bits;

	if (!t)
		return NULL;
	if (btf_is_ptr(t))
		return "x64";
	if (btf_is_int(t)) {
		bits = btf_int_bits(t);
		sign = btf_int_encoding(t) & BTF_INT_SIGNED;
	} else if (btf_is_any_enum(t)) {
		bits = t->size * 8;
		sign = btf_kflag(t);
	} else {
		return NULL;
	}
	if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
		return NULL;
	snprintf(buf, size, "%c%d", sign ? 's' : 'u', bits);
	return buf;
}

/*
 * The end of the chain: @want is the type the profile asked for, or
 * NULL: a char pointer's string, a char array's, a number's width and
 * sign, a pointer's value.
 */
static int walk_end(struct walk *w, const char *want, char *spec,
		    size_t size)
{
	const struct btf_type *t = skip_mods(w->btf, w->type, NULL, NULL);
	bool str = want && strstr(want, "string"), user = false;
	bool char_ptr = is_char_ptr(w->btf, t, &user);
	const char *type;
	char buf[8];

	if (t && btf_is_array(t) &&
	    is_char(skip_mods(w->btf, btf_array(t)->type, NULL, NULL))) {
		/* an array in place: the string is at its address */
		if (!w->in_mem)
			return walk_error(w, "'%.*s' is not in memory",
					  (int)w->name_len, w->name);
		if (want && !str)
			return walk_error(w, "'%.*s' is a char array: its type is string",
					  (int)w->name_len, w->name);
		type = want ? want : "string";
	} else if (str || (char_ptr && !want)) {
		if (!char_ptr)
			return walk_error(w,
					  "'%.*s' is not a char pointer or array: it has no string",
					  (int)w->name_len, w->name);
		/* the string is where the pointer points */
		if (w->in_mem && walk_load(w))
			return -EINVAL;
		w->in_mem = true;
		type = want && strcmp(want, "string") ? want :
		       user ? "ustring" : "string";
	} else {
		type = scalar_type(w, buf, sizeof(buf));
		if (!type)
			return walk_error(w, "'%.*s' is not a number or pointer: name a member",
					  (int)w->name_len, w->name);
		if (want)
			type = want;
	}
	if (w->in_mem && walk_load(w))
		return -EINVAL;
	snprintf(spec, size, "%s:%s", w->expr, type);
	return 0;
}

/* The parameter the chain starts from: $argN and its type. */
static int walk_param(struct walk *w, const struct btf_type *proto,
		      const char *func, const struct limits *l)
{
	const struct btf_param *p = btf_params(proto);
	char names[256];
	int i, reg;

	for (i = 0; i < btf_vlen(proto); i++) {
		const char *pn = btf__name_by_offset(w->btf, p[i].name_off);

		if (p[i].type && pn && strlen(pn) == w->name_len &&
		    !strncmp(pn, w->name, w->name_len))
			break;
	}
	if (i == btf_vlen(proto)) {
		param_names(w->btf, proto, names, sizeof(names));
		return walk_error(w, "%s has no parameter '%.*s': its parameters are %s",
				  func, (int)w->name_len, w->name, names);
	}
	reg = param_reg(w->btf, proto, i);
	if (!reg || (unsigned long)reg > l->args)
		return walk_error(w, "'%.*s' is not passed in one of the first %lu registers",
				  (int)w->name_len, w->name, l->args);
	snprintf(w->expr, sizeof(w->expr), "$arg%d", reg);
	w->type = p[i].type;
	return 0;
}

/* Follows CHAIN (without NAME= and :TYPE) from the parameter it names. */
static int walk_chain(struct walk *w, const struct btf_type *proto,
		      const char *func, const struct limits *l,
		      const char *chain)
{
	const char *s = chain;
	bool arrow;
	size_t n;

	n = strcspn(s, "-.");
	w->name = s;
	w->name_len = n;
	if (!n)
		return walk_error(w, "a name is PARAMETER, then ->MEMBER or .MEMBER");
	if (walk_param(w, proto, func, l))
		return -EINVAL;
	for (s += n; *s; s += n) {
		arrow = s[0] == '-';
		if (arrow && s[1] != '>')
			return walk_error(w, "a name is PARAMETER, then ->MEMBER or .MEMBER");
		s += arrow ? 2 : 1;
		n = strcspn(s, "-.");
		if (!n)
			return walk_error(w, "a member name is missing");
		if (walk_member(w, arrow, s, n))
			return -EINVAL;
	}
	return 0;
}

/*
 * @func in the BTF of a loaded module, when the hook does not say which:
 * each of the directory's files but vmlinux is one.  Found, it is kept.
 */
static int scan_modules(struct btf_src *b, const char *func,
			const struct btf **btf, const struct btf_type **proto)
{
	struct dirent *d;
	struct btf *m;
	char *file;
	int ret = 0;
	DIR *dir;

	dir = b->dir ? opendir(b->path) : NULL;
	while (dir && !ret && b->nr_mods < BTF_MODS_MAX && (d = readdir(dir))) {
		if (d->d_name[0] == '.' || !strcmp(d->d_name, "vmlinux"))
			continue;
		xasprintf(&file, "%s/%s", b->path, d->d_name);
		m = btf__parse_split(file, b->vmlinux);
		free(file);
		ret = m ? find_proto(m, func, proto) : 0;
		if (!ret) {
			btf__free(m);
			continue;
		}
		b->mods[b->nr_mods].name = xstrdup(d->d_name);
		b->mods[b->nr_mods++].btf = m;
		*btf = m;
	}
	if (dir)
		closedir(dir);
	return ret;
}

static const struct btf_type *func_proto(struct btf_src *b, const char *func,
					 const char *mod,
					 const struct btf **btf, char *err,
					 size_t len)
{
	const struct btf_type *proto = NULL;
	int ret;

	*btf = src_vmlinux(b, err, len);
	if (!*btf)
		return NULL;
	ret = find_proto(*btf, func, &proto);
	if (!ret && !mod)
		ret = scan_modules(b, func, btf, &proto);
	if (!ret && mod) {
		*btf = src_module(b, mod);
		if (!*btf) {
			snprintf(err, len,
				 "no BTF for module %s (%s/%s): is it loaded?",
				 mod, b->path, mod);
			return NULL;
		}
		ret = find_proto(*btf, func, &proto);
	}
	if (ret == -EEXIST)
		snprintf(err, len,
			 "%s has several prototypes in BTF (static functions of one name): write fetch specifications",
			 func);
	else if (!ret)
		snprintf(err, len, "%s is not in %s's BTF (inlined, or not a function)",
			 func, mod ? mod : "the kernel");
	return ret == 1 ? proto : NULL;
}

/*
 * Entry @entry of a profile's "args", [NAME=]PARAM[->M|.M]...[:TYPE], for
 * function @func (of module @mod, or NULL): the specification (*@spec,
 * to be freed), or -EINVAL with the reason in @err.
 */
int btf_resolve(struct btf_src *b, const struct limits *l, const char *func,
		const char *mod, const char *entry, char **spec, char *err,
		size_t len)
{
	struct walk w = { .err = err, .len = len,
			  .max_depth = l->fetch_depth };
	const char *eq = strchr(entry, '='), *colon, *chain;
	const struct btf_type *proto;
	char *name = NULL, *body = NULL, out[FETCH_EXPR_MAX + 16];
	const char *want = NULL;
	int ret = -EINVAL;

	*spec = NULL;
	chain = eq ? eq + 1 : entry;
	colon = strchr(chain, ':');
	if (colon && !fetch_type_known(colon + 1))
		return walk_error(&w, "unknown type: u8..u64, s8..s64, x8..x64, string or ustring");
	if (colon)
		want = colon + 1;
	proto = func_proto(b, func, mod, &w.btf, err, len);
	if (!proto)
		return -EINVAL;
	body = strndup(chain, colon ? (size_t)(colon - chain) : strlen(chain));
	if (walk_chain(&w, proto, func, l, body) ||
	    walk_end(&w, want, out, sizeof(out)))
		goto out;
	if (eq)
		name = strndup(entry, eq - entry);
	else
		name = strndup(w.name, w.name_len);
	if (fetch_name_check(name, err, len))
		goto out;
	xasprintf(spec, "%s=%s", name, out);
	ret = 0;
out:
	free(name);
	free(body);
	return ret;
}
