// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing and canonical formatting of the staged attributes.  Everything
 * here is pure string work: no ftrace, no locks, so a syntax error is
 * reported before any state is touched.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "fhook.h"

static const struct {
	const char *name;
	unsigned long flag;
} fhook_flag_names[] = {
	{ "SAVE_REGS",			FTRACE_OPS_FL_SAVE_REGS },
	{ "SAVE_REGS_IF_SUPPORTED",	FTRACE_OPS_FL_SAVE_REGS_IF_SUPPORTED },
	{ "RECURSION",			FTRACE_OPS_FL_RECURSION },
	{ "IPMODIFY",			FTRACE_OPS_FL_IPMODIFY },
	{ "RCU",			FTRACE_OPS_FL_RCU },
	{ "PERMANENT",			FTRACE_OPS_FL_PERMANENT },
};

/* Split @buf at whitespace; calls @fn for each token (not NUL-terminated). */
int fhook_split_words(const char *buf, size_t len, fhook_word_fn fn,
		      void *arg)
{
	const char *end = buf + len, *tok;
	int ret;

	for (;;) {
		while (buf < end && isspace(*buf))
			buf++;
		if (buf == end)
			return 0;
		tok = buf;
		while (buf < end && !isspace(*buf))
			buf++;
		ret = fn(tok, buf - tok, arg);
		if (ret)
			return ret;
	}
}

/* The kernel's ctype knows Latin-1 letters; names are ASCII only. */
static bool ascii_alnum(char c)
{
	return isascii(c) && isalnum(c);
}

static bool glob_name_char(char c)
{
	return ascii_alnum(c) || c == '_' || c == '.';
}

/*
 * A bracket expression: "[", optional "!", name chars and "-", "]".  Only
 * "!" negates in ftrace's glob_match(); "^" would be a literal there, and
 * no function name has one, so it is refused rather than misread.
 */
static size_t glob_bracket_len(const char *s, size_t n)
{
	size_t i = 1;

	if (i < n && s[i] == '!')
		i++;
	for (; i < n && s[i] != ']'; i++)
		if (!glob_name_char(s[i]) && s[i] != '-')
			return 0;
	return i < n ? i + 1 : 0;
}

struct glob_list {
	char *tok[FHOOK_GLOBS_MAX];
	unsigned int nr;
	char *err;
	size_t errlen;
};

/*
 * The characters of a plain glob (@n bytes at @s, no leading '!'): what
 * ftrace matches, function name characters, '*', '?' and bracket
 * expressions (@extra: more allowed characters, "-" in module names).
 * Returns the offset of the first bad character, or @n; *@bracket is set
 * when that character opens a bad bracket expression.
 */
static size_t glob_scan(const char *s, size_t n, const char *extra,
			bool *bracket)
{
	size_t i, b;

	*bracket = false;
	for (i = 0; i < n; i++) {
		if (glob_name_char(s[i]) || s[i] == '*' || s[i] == '?' ||
		    (s[i] && strchr(extra, s[i])))
			continue;
		if (s[i] != '[')
			return i;
		b = glob_bracket_len(s + i, n - i);
		if (!b) {
			*bracket = true;
			return i;
		}
		i += b - 1;
	}
	return n;
}

static int glob_bad_char(const char *tok, size_t n, const char *what,
			 char c, struct glob_list *gl)
{
	if (c == ':')
		snprintf(gl->err, gl->errlen,
			 "':' in glob '%.*s': only GLOB:mod:MODULE selectors are supported",
			 (int)n, tok);
	else
		snprintf(gl->err, gl->errlen,
			 "invalid character '%c' in %s'%.*s'",
			 isprint(c) ? c : '?', what, (int)n, tok);
	return -EINVAL;
}

/* A plain glob, or the glob part of a selector: @s, @n within @tok. */
static int glob_check_part(const char *tok, size_t len, const char *s,
			   size_t n, const char *extra, const char *what,
			   struct glob_list *gl)
{
	bool bracket;
	size_t i = glob_scan(s, n, extra, &bracket);

	if (i == n)
		return 0;
	if (bracket) {
		snprintf(gl->err, gl->errlen,
			 "bad bracket expression in glob '%.*s'", (int)len, tok);
		return -EINVAL;
	}
	return glob_bad_char(tok, len, what, s[i], gl);
}

/*
 * "GLOB:mod:MODULE": GLOB as a plain glob, MODULE a module name or a glob
 * of module names (which may hold '-').  Any other ':' is refused: tracefs
 * would read it as a command, ftrace_set_filter() as a literal.
 */
static int selector_check(const char *tok, size_t len, const char *body,
			  size_t n, const char *sel, struct glob_list *gl)
{
	size_t g = sel - body, m = n - g - strlen(FHOOK_MOD_SEP);
	const char *mod = sel + strlen(FHOOK_MOD_SEP);
	int ret;

	if (!g) {
		snprintf(gl->err, gl->errlen, "glob missing in selector '%.*s'",
			 (int)len, tok);
		return -EINVAL;
	}
	if (!m) {
		snprintf(gl->err, gl->errlen,
			 "module name missing in selector '%.*s'", (int)len, tok);
		return -EINVAL;
	}
	ret = glob_check_part(tok, len, body, g, "", "glob ", gl);
	if (!ret)
		ret = glob_check_part(tok, len, mod, m, "-", "module name of ",
				      gl);
	return ret;
}

/*
 * "0xHEX", a function's start address: canonical form "0x" and lowercase
 * hex without leading zeros, so that reads compare as strings.
 */
static int address_canon(const char *tok, size_t len, const char *body,
			 size_t n, char *out, size_t size, struct glob_list *gl)
{
	char hex[17];
	unsigned long addr;
	size_t i, digits = n - 2;

	for (i = 2; i < n && isxdigit(body[i]); i++)
		;
	if (!digits || i < n)
		goto bad;
	/* Leading zeros are no digits of the value: 0x00ff.. is fine. */
	for (i = 2; digits > 1 && body[i] == '0'; i++)
		digits--;
	if (digits >= sizeof(hex))
		goto bad;
	memcpy(hex, body + i, digits);
	hex[digits] = '\0';
	if (kstrtoul(hex, 16, &addr) || !addr)
		goto bad;
	snprintf(out, size, "%s%#lx", body != tok ? "!" : "", addr);
	return 0;
bad:
	snprintf(gl->err, gl->errlen, "bad address '%.*s'",
		 (int)min_t(size_t, len, 40), tok);
	return -EINVAL;
}

/*
 * Accept only what fhook resolves exactly as documented: a plain glob
 * (what ftrace's set_ftrace_filter matches), a module selector, or an
 * address, each with one optional leading '!'.  '\\' and anything else
 * would silently never match.  *@canon gets an address's canonical form.
 */
static int glob_check(const char *tok, size_t n, char *canon, size_t size,
		      struct glob_list *gl)
{
	size_t i = tok[0] == '!' ? 1 : 0;
	const char *sel;

	*canon = '\0';
	if (n >= KSYM_NAME_LEN) {
		snprintf(gl->err, gl->errlen, "glob '%.32s...' is longer than %d bytes",
			 tok, KSYM_NAME_LEN - 1);
		return -EINVAL;
	}
	if (i == n) {
		snprintf(gl->err, gl->errlen, "'!' must be followed by a glob");
		return -EINVAL;
	}
	if (n - i >= 2 && tok[i] == '0' && (tok[i + 1] == 'x' || tok[i + 1] == 'X'))
		return address_canon(tok, n, tok + i, n - i, canon, size, gl);
	sel = strnstr(tok + i, FHOOK_MOD_SEP, n - i);
	if (sel)
		return selector_check(tok, n, tok + i, n - i, sel, gl);
	return glob_check_part(tok, n, tok + i, n - i, "", "glob ", gl);
}

/* Keep a checked glob, the @max-th at most. */
static int glob_push(struct glob_list *gl, const char *tok, size_t n,
		     unsigned int max)
{
	if (gl->nr == max) {
		snprintf(gl->err, gl->errlen, "more than %u globs", max);
		return -EINVAL;
	}
	gl->tok[gl->nr] = kstrndup(tok, n, GFP_KERNEL);
	if (!gl->tok[gl->nr]) {
		snprintf(gl->err, gl->errlen, "out of memory");
		return -ENOMEM;
	}
	gl->nr++;
	return 0;
}

static int glob_add(const char *tok, size_t n, void *arg)
{
	struct glob_list *gl = arg;
	char canon[24];
	int ret;

	ret = glob_check(tok, n, canon, sizeof(canon), gl);
	if (ret)
		return ret;
	if (*canon)
		return glob_push(gl, canon, strlen(canon), FHOOK_GLOBS_MAX);
	return glob_push(gl, tok, n, FHOOK_GLOBS_MAX);
}

static int glob_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* Sorted, duplicates dropped, each NUL-terminated, an empty string last. */
static char *glob_join(struct glob_list *gl)
{
	size_t size = 1;
	unsigned int i;
	char *out, *p;

	sort(gl->tok, gl->nr, sizeof(gl->tok[0]), glob_cmp, NULL);
	for (i = 0; i < gl->nr; i++)
		size += strlen(gl->tok[i]) + 1;
	out = kmalloc(size, GFP_KERNEL);
	if (!out)
		return NULL;
	p = out;
	for (i = 0; i < gl->nr; i++) {
		if (i && !strcmp(gl->tok[i], gl->tok[i - 1]))
			continue;
		strcpy(p, gl->tok[i]);
		p += strlen(p) + 1;
	}
	*p = '\0';
	return out;
}

int fhook_check_value(const char *buf, size_t len, char *err, size_t errlen)
{
	if (len > FHOOK_INPUT_MAX) {
		snprintf(err, errlen, "value longer than %d bytes",
			 FHOOK_INPUT_MAX);
		return -EINVAL;
	}
	if (memchr(buf, '\0', len)) {
		snprintf(err, errlen, "value contains a NUL byte");
		return -EINVAL;
	}
	return 0;
}

/*
 * Parse a whitespace-separated glob list into its canonical form: sorted,
 * without duplicates.  Order does not matter to fhook (exclusions are
 * applied after inclusions), so sorting loses nothing and makes two lists
 * comparable with strcmp.  *@out is NULL for an empty list.
 */
static int fhook_parse_list(const char *buf, size_t len, char **out,
			    fhook_word_fn add, char *err, size_t errlen)
{
	struct glob_list *gl;
	unsigned int i;
	int ret;

	ret = fhook_check_value(buf, len, err, errlen);
	if (ret)
		return ret;
	gl = kzalloc(sizeof(*gl), GFP_KERNEL);
	if (!gl)
		return -ENOMEM;
	gl->err = err;
	gl->errlen = errlen;
	ret = fhook_split_words(buf, len, add, gl);
	*out = NULL;
	if (!ret && gl->nr) {
		*out = glob_join(gl);
		if (!*out)
			ret = -ENOMEM;
	}
	for (i = 0; i < gl->nr; i++)
		kfree(gl->tok[i]);
	kfree(gl);
	return ret;
}

struct name_parse {
	unsigned long bits;
	char *err;
	size_t errlen;
	const char *what;
};

static int flag_add(const char *tok, size_t n, void *arg)
{
	struct name_parse *np = arg;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fhook_flag_names); i++) {
		if (strlen(fhook_flag_names[i].name) == n &&
		    !strncmp(fhook_flag_names[i].name, tok, n)) {
			np->bits |= fhook_flag_names[i].flag;
			return 0;
		}
	}
	snprintf(np->err, np->errlen, "unknown flag '%.*s'", (int)min_t(size_t, n, 64), tok);
	return -EINVAL;
}

int fhook_parse_flags(const char *buf, size_t len, unsigned long *out,
		      char *err, size_t errlen)
{
	struct name_parse np = { .err = err, .errlen = errlen };
	int ret;

	ret = fhook_check_value(buf, len, err, errlen);
	if (!ret)
		ret = fhook_split_words(buf, len, flag_add, &np);
	if (!ret)
		*out = np.bits;
	return ret;
}

static int action_add(const char *tok, size_t n, void *arg)
{
	struct name_parse *np = arg;
	unsigned int i;

	for (i = 0; i < FHOOK_NR_ACTIONS; i++) {
		if (strlen(fhook_actions[i].name) == n &&
		    !strncmp(fhook_actions[i].name, tok, n)) {
			np->bits |= BIT(i);
			return 0;
		}
	}
	snprintf(np->err, np->errlen, "unknown action '%.*s'", (int)min_t(size_t, n, 64), tok);
	return -EINVAL;
}

int fhook_parse_actions(const char *buf, size_t len, unsigned long *out,
			char *err, size_t errlen)
{
	struct name_parse np = { .err = err, .errlen = errlen };
	int ret;

	ret = fhook_check_value(buf, len, err, errlen);
	if (!ret)
		ret = fhook_split_words(buf, len, action_add, &np);
	if (!ret && !np.bits) {
		snprintf(err, errlen, "no action given");
		ret = -EINVAL;
	}
	if (!ret)
		*out = np.bits;
	return ret;
}

/*
 * Hook names end up as profile keys and in messages, so keep them to what
 * every consumer can carry unquoted: a letter, then letters, digits, '_'
 * or '-'.
 */
int fhook_check_name(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name), i;

	if (n > FHOOK_NAME_MAX) {
		snprintf(err, errlen, "hook name longer than %d bytes",
			 FHOOK_NAME_MAX);
		return -ENAMETOOLONG;
	}
	if (!isascii(name[0]) || !isalpha(name[0])) {
		snprintf(err, errlen, "hook name '%.*s' must start with a letter",
			 FHOOK_NAME_MAX, name);
		return -EINVAL;
	}
	for (i = 1; i < n; i++) {
		if (!ascii_alnum(name[i]) && name[i] != '_' && name[i] != '-') {
			snprintf(err, errlen,
				 "hook name '%.*s': character 0x%02x not allowed (letters, digits, '_', '-')",
				 FHOOK_NAME_MAX, name, (unsigned char)name[i]);
			return -EINVAL;
		}
	}
	return 0;
}

ssize_t fhook_format_flags(unsigned long flags, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fhook_flag_names); i++)
		if (flags & fhook_flag_names[i].flag)
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? " " : "",
					 fhook_flag_names[i].name);
	return len;
}

ssize_t fhook_format_actions(unsigned long actions, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < FHOOK_NR_ACTIONS; i++)
		if (actions & BIT(i))
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? " " : "", fhook_actions[i].name);
	return len;
}

/* Each glob of the canonical list @globs followed by @sep. */
ssize_t fhook_format_globs(const char *globs, char sep, char *buf,
			   size_t size)
{
	const char *g;
	size_t len = 0;

	for (g = globs; g && *g; g = fhook_glob_next(g))
		len += scnprintf(buf + len, size - len, "%s%c", g, sep);
	return len;
}

/* Bytes taken by a canonical list, its final empty string included. */
size_t fhook_globs_size(const char *globs)
{
	const char *g;
	size_t size = 1;

	for (g = globs; g && *g; g = fhook_glob_next(g))
		size += strlen(g) + 1;
	return size;
}

/*
 * A tag is one word of printable ASCII (a trailing newline is dropped), or
 * nothing.  Tools use it to tell hooks they own from hooks made by hand.
 */
int fhook_parse_tag(const char *buf, size_t len, char *tag,
		    char *err, size_t errlen)
{
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len > FHOOK_TAG_MAX) {
		snprintf(err, errlen, "longer than %d bytes", FHOOK_TAG_MAX);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!isascii(buf[i]) || !isgraph(buf[i])) {
			snprintf(err, errlen,
				 "character 0x%02x not allowed (printable, no spaces)",
				 (unsigned char)buf[i]);
			return -EINVAL;
		}
	}
	memcpy(tag, buf, len);
	tag[len] = '\0';
	return 0;
}

/* A decimal number from @min to @max, surrounding whitespace allowed. */
int fhook_parse_uint(const char *buf, size_t len, unsigned int min,
		     unsigned int max, unsigned int *out, char *err,
		     size_t errlen)
{
	char tmp[16];
	unsigned int val;
	int ret;

	ret = fhook_check_value(buf, len, err, errlen);
	if (ret)
		return ret;
	while (len && isspace(buf[len - 1]))
		len--;
	while (len && isspace(*buf)) {
		buf++;
		len--;
	}
	if (!len || len >= sizeof(tmp)) {
		snprintf(err, errlen, "not a number");
		return -EINVAL;
	}
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	if (kstrtouint(tmp, 10, &val) || !isdigit(tmp[0])) {
		snprintf(err, errlen, "not a number");
		return -EINVAL;
	}
	if (val < min || val > max) {
		if (min)
			snprintf(err, errlen, "must be %u to %u", min, max);
		else
			snprintf(err, errlen, "at most %u", max);
		return -EINVAL;
	}
	*out = val;
	return 0;
}

struct pid_parse {
	struct fhook_config *cfg;
	char *err;
	size_t errlen;
};

static int pid_add(const char *tok, size_t n, void *arg)
{
	struct pid_parse *pp = arg;
	struct fhook_config *cfg = pp->cfg;
	char tmp[12];
	unsigned int i;
	u32 pid;

	if (n < sizeof(tmp)) {
		memcpy(tmp, tok, n);
		tmp[n] = '\0';
	}
	if (n >= sizeof(tmp) || !isdigit(tmp[0]) || kstrtou32(tmp, 10, &pid) ||
	    !pid || pid > FHOOK_PID_LIMIT) {
		snprintf(pp->err, pp->errlen, "'%.*s' is not a process id",
			 (int)min_t(size_t, n, 32), tok);
		return -EINVAL;
	}
	/* The limit is on distinct pids: a repeated one takes no room. */
	for (i = 0; i < cfg->nr_pids; i++)
		if (cfg->pids[i] == pid)
			return 0;
	if (cfg->nr_pids == FHOOK_PIDS_MAX) {
		snprintf(pp->err, pp->errlen, "more than %d pids",
			 FHOOK_PIDS_MAX);
		return -EINVAL;
	}
	cfg->pids[cfg->nr_pids++] = pid;
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* A pid list into @cfg->pids: sorted, without duplicates. */
int fhook_parse_pids(const char *buf, size_t len, struct fhook_config *cfg,
		     char *err, size_t errlen)
{
	struct pid_parse pp = { .cfg = cfg, .err = err, .errlen = errlen };
	int ret;

	ret = fhook_check_value(buf, len, err, errlen);
	if (ret)
		return ret;
	cfg->nr_pids = 0;
	ret = fhook_split_words(buf, len, pid_add, &pp);
	if (ret)
		return ret;
	sort(cfg->pids, cfg->nr_pids, sizeof(cfg->pids[0]), u32_cmp, NULL);
	return 0;
}

ssize_t fhook_format_pids(const struct fhook_config *cfg, char *buf,
			  size_t size)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < cfg->nr_pids; i++)
		len += scnprintf(buf + len, size - len, "%s%u",
				 i ? " " : "", cfg->pids[i]);
	return len;
}

static int comm_add(const char *tok, size_t n, void *arg)
{
	struct glob_list *gl = arg;
	size_t i;

	if (n > FHOOK_COMM_GLOB_MAX) {
		snprintf(gl->err, gl->errlen, "glob longer than %d bytes",
			 FHOOK_COMM_GLOB_MAX);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!isascii(tok[i]) || !isgraph(tok[i])) {
			snprintf(gl->err, gl->errlen,
				 "character 0x%02x not allowed in glob",
				 (unsigned char)tok[i]);
			return -EINVAL;
		}
	}
	return glob_push(gl, tok, n, FHOOK_COMM_MAX);
}

int fhook_parse_globs(const char *buf, size_t len, char **out,
		      char *err, size_t errlen)
{
	return fhook_parse_list(buf, len, out, glob_add, err, errlen);
}

/*
 * comm globs go to glob_match(), which reads any byte: only whitespace
 * (the separator) and non-printable bytes are refused.
 */
int fhook_parse_comm(const char *buf, size_t len, char **out,
		     char *err, size_t errlen)
{
	return fhook_parse_list(buf, len, out, comm_add, err, errlen);
}

/* One symbol name, or nothing: "" clears it. */
int fhook_parse_symbol(const char *buf, size_t len, char *sym,
		       char *err, size_t errlen)
{
	size_t i;

	while (len && isspace(buf[len - 1]))
		len--;
	while (len && isspace(*buf)) {
		buf++;
		len--;
	}
	if (len > FHOOK_SYM_MAX) {
		snprintf(err, errlen, "longer than %d bytes", FHOOK_SYM_MAX);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!glob_name_char(buf[i])) {
			snprintf(err, errlen, "invalid character '%c' in '%.*s'",
				 isprint(buf[i]) ? buf[i] : '?',
				 (int)min_t(size_t, len, 64), buf);
			return -EINVAL;
		}
	}
	memcpy(sym, buf, len);
	sym[len] = '\0';
	return 0;
}
