// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-fuzz: random writes to the attributes of one hook, checking after
 * each one what configfs-layout.md promises for it:
 *
 *  - a write either takes all its bytes or fails with an errno (never a
 *    short write), and a rejected non-empty write leaves one line in
 *    last_error;
 *  - a rejected write to a staged attribute leaves that attribute as it was;
 *  - live changes only on an accepted commit, and then its generation goes
 *    up by exactly 1 and last_error is empty;
 *  - what a staged attribute reads back is accepted again and reads back
 *    the same (the canonical form is a fixed point).
 *
 *   fhook-fuzz [-e] [-s SEED] [-n ITERS] [-v] HOOKDIR
 *
 * -e also enables the hook (then no action "redirect" is staged: a random
 * single function redirected to the test module's replacement would run
 * it with the wrong arguments). HOOKDIR exists and is not enabled at start.
 * The last line printed holds the counts; exit 1 on a broken promise.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VAL_MAX 16384
#define READ_MAX 0x100000

enum kind { K_GLOBS, K_FLAGS, K_ACTION, K_NUM, K_SYM, K_PIDS, K_COMM,
	    K_BOOL, K_TAG };

struct attr {
	const char *name;
	enum kind kind;
	bool value;		/* rw: a refused write must leave it as it was */
	long max;		/* numbers: the largest accepted */
};

static const struct attr attrs[] = {
	{ "filter",	 K_GLOBS,  true, 0 },
	{ "notrace",	 K_GLOBS,  true, 0 },
	{ "flags",	 K_FLAGS,  true, 0 },
	{ "action",	 K_ACTION, true, 0 },
	{ "args",	 K_NUM,	   true, 6 },
	{ "stack_depth", K_NUM,	   true, 64 },
	{ "target",	 K_SYM,	   true, 0 },
	{ "pids",	 K_PIDS,   true, 0 },
	{ "comm",	 K_COMM,   true, 0 },
	{ "sample",	 K_NUM,	   true, 1000000000 },
	{ "commit",	 K_BOOL,   false, 0 },
	{ "enabled",	 K_BOOL,   false, 0 },
	{ "reset",	 K_BOOL,   false, 0 },
	{ "tag",	 K_TAG,	   true, 0 },
};

static const char * const flag_words[] = {
	"SAVE_REGS", "SAVE_REGS_IF_SUPPORTED", "RECURSION", "IPMODIFY", "RCU",
	"PERMANENT", "save_regs", "FOO", "FTRACE_OPS_FL_RCU", "",
};

static const char * const action_words[] = {
	"count", "log", "stack", "callers", "redirect", "Count", "foo", "",
};

/*
 * Globs: names of few functions (so that an enabled commit stays cheap),
 * ones that match nothing, and the pathological ones.
 */
static const char * const glob_words[] = {
	"fhook_test_other", "fhook_test_target", "fhook_test_twin*",
	"__do_sys_getppid", "__do_sys_getpgrp", "__do_sys_sched_yield",
	"!fhook_test_twin1", "!__do_sys_getppid", "fhook_test_*",
	"__do_sys_get[pu]*", "__do_sys_getp?id", "[!_]hook_test_other",
	"zz_no_such_fn", "!zz_no_such_fn", "****zzq", "****a", "[", "[!", "[]",
	"[!]", "\\", "\\*", "a\\b", "*[", "[a-", "[z-a]x", "^x", "[^x]", "!",
	"!!", "!*", "foo:mod:bar", ":mod:fhook_test", "a/b", "a b", "\t",
	"?", ".*", "..", "fhook_test_other\n__do_sys_getppid", "é", "\x7f",
	"\x01",
};

/* Globs of hundreds to all functions: only while the hook stays disabled. */
static const char * const wide_globs[] = {
	"*", "*a", "vfs_*", "****a", "****a*", "*?[!x]*",
	"??????????????????????????????", "*?*?*?*?*?*?*?*?*?*?",
};

static const char * const sym_words[] = {
	"fhook_test_replacement", "fhook_test_target", "printk", "kfree",
	"no_such_symbol", "a/b", "", "\n", "1abc", "fhook_test_replacement x",
};

static const char * const bool_words[] = {
	"1", "0", "y", "n", "Y", "N", "on", "off", "yes", "no", "2", "-1",
	"1\n", "0\n", " 1", "1 ", "true", "01", "", "\n", "11", "o",
};

static const char * const num_words[] = {
	"0", "1", "-1", "+1", "01", "0x10", "010", " 5", "5 ", "5\n", "5\n\n",
	"4294967296", "18446744073709551615", "18446744073709551616",
	"99999999999999999999999", "1e3", "1.5", "", "\n", "--1", "0\n0",
};

struct counts {
	unsigned long writes, rejected, commits, commits_rejected;
	unsigned long enables, enables_rejected, fixpoints;
};

static unsigned long long rng_state;
static bool verbose;
static const char *dir;
static struct counts cnt;

/* xorshift64*: reproducible from the seed alone, on any libc. */
static unsigned long long rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned long pick(unsigned long n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return pick(100) < percent;
}

struct buf {
	char *p;
	size_t len;
};

static void put_bytes(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > VAL_MAX)
		n = VAL_MAX - b->len;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void put_str(struct buf *b, const char *s)
{
	put_bytes(b, s, strlen(s));
}

static void put_sep(struct buf *b)
{
	static const char * const seps[] = { " ", "\t", "\n", "  ", "\t\n " };

	put_str(b, seps[pick(ARRAY_SIZE(seps))]);
}

static void gen_random_bytes(struct buf *b)
{
	size_t n = chance(90) ? pick(64) : pick(VAL_MAX);

	while (n--) {
		char c = (char)pick(256);

		put_bytes(b, &c, 1);
	}
}

/* A run of bytes around the 4094-byte input limit. */
static void gen_long(struct buf *b)
{
	static const size_t sizes[] = { 511, 512, 4093, 4094, 4095, 4096, 8190,
					8192, 12000 };
	static const char chars[] = "a*?_";
	size_t n = sizes[pick(ARRAY_SIZE(sizes))];
	char c = chars[pick(sizeof(chars) - 1)];

	while (n-- && b->len < VAL_MAX)
		put_bytes(b, &c, 1);
}

static void gen_random_glob(struct buf *b)
{
	static const char chars[] = "*?[]!\\^-:/._azAZ09 ";
	size_t n = 1 + pick(chance(90) ? 12 : 600);

	while (n--)
		put_bytes(b, &chars[pick(sizeof(chars) - 1)], 1);
}

/* Up to @max words drawn from @words, separated by random whitespace. */
static void gen_words(struct buf *b, const char * const *words, size_t nw,
		      size_t max)
{
	size_t n = pick(max + 1);

	while (n--) {
		put_str(b, words[pick(nw)]);
		put_sep(b);
	}
}

static void gen_globs(struct buf *b, bool enabling)
{
	size_t n;

	if (!enabling && chance(10)) {
		put_str(b, wide_globs[pick(ARRAY_SIZE(wide_globs))]);
		return;
	}
	if (chance(5)) {	/* thousands of tokens: most refused */
		gen_words(b, glob_words, ARRAY_SIZE(glob_words), 3000);
		return;
	}
	n = 1 + pick(4);
	while (n--) {
		/* a random glob may well be "*" */
		if (!enabling && chance(20))
			gen_random_glob(b);
		else
			put_str(b, glob_words[pick(ARRAY_SIZE(glob_words))]);
		put_sep(b);
	}
}

static void gen_number(struct buf *b, long max)
{
	char num[32];

	if (chance(40)) {
		put_str(b, num_words[pick(ARRAY_SIZE(num_words))]);
		return;
	}
	switch (pick(3)) {
	case 0:
		snprintf(num, sizeof(num), "%ld", max + (long)pick(3) - 1);
		break;
	case 1:
		snprintf(num, sizeof(num), "%ld", (long)pick(max + 2));
		break;
	default:
		snprintf(num, sizeof(num), "%lld", (long long)rnd());
		break;
	}
	put_str(b, num);
}

static void gen_pids(struct buf *b)
{
	size_t n = chance(10) ? 60 + pick(10) : pick(5);
	char num[32];

	while (n--) {
		switch (pick(4)) {
		case 0:
			snprintf(num, sizeof(num), "%d", (int)pick(4194306));
			break;
		case 1:
			snprintf(num, sizeof(num), "%d", getpid());
			break;
		case 2:
			snprintf(num, sizeof(num), "%lu", 4194303 + pick(3));
			break;
		default:
			put_str(b, num_words[pick(ARRAY_SIZE(num_words))]);
			put_sep(b);
			continue;
		}
		put_str(b, num);
		put_sep(b);
	}
}

static void gen_comm(struct buf *b)
{
	static const char * const words[] = {
		"fhook-fuzz", "bash", "*", "[!a]*", "x?", "a b", "[", "\\",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};

	if (chance(20))
		gen_random_glob(b);
	else
		gen_words(b, words, ARRAY_SIZE(words), chance(10) ? 20 : 3);
}

static void gen_tag(struct buf *b)
{
	size_t n = pick(70);

	while (n--) {
		char c = (char)(32 + pick(96));

		put_bytes(b, &c, 1);
	}
	if (chance(50))
		put_str(b, "\n");
}

/* A value for @a: mostly well-formed words, sometimes anything at all. */
static void gen_value(struct buf *b, const struct attr *a, bool enabling)
{
	unsigned long r = pick(100);

	b->len = 0;
	if (r < 8) {
		gen_random_bytes(b);
		return;
	}
	if (r < 11) {
		gen_long(b);
		return;
	}
	switch (a->kind) {
	case K_GLOBS:
		gen_globs(b, enabling);
		break;
	case K_FLAGS:
		gen_words(b, flag_words, ARRAY_SIZE(flag_words) - 3, 6);
		if (chance(10))
			gen_words(b, flag_words, ARRAY_SIZE(flag_words), 3);
		break;
	case K_ACTION:
		/* without redirect while the hook may be enabled */
		gen_words(b, action_words, enabling ? 4 : 5, 5);
		if (!enabling && chance(10))
			gen_words(b, action_words, ARRAY_SIZE(action_words), 3);
		break;
	case K_NUM:
		gen_number(b, a->max);
		break;
	case K_SYM:
		put_str(b, sym_words[pick(ARRAY_SIZE(sym_words))]);
		break;
	case K_PIDS:
		gen_pids(b);
		break;
	case K_COMM:
		gen_comm(b);
		break;
	case K_BOOL:
		put_str(b, bool_words[pick(ARRAY_SIZE(bool_words))]);
		break;
	case K_TAG:
		gen_tag(b);
		break;
	}
	/* a NUL somewhere: always refused */
	if (b->len && chance(3))
		b->p[pick(b->len)] = '\0';
}

/* The whole of file @name into @out (NUL-terminated); its length or -1. */
static ssize_t read_attr(const char *name, char *out)
{
	char path[4096];
	ssize_t n, len = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while ((n = read(fd, out + len, READ_MAX - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0)
		return -1;
	out[len] = '\0';
	return len;
}

/* One write() of @b to @name: 0 or the errno. */
static int write_attr(const char *name, const struct buf *b)
{
	char path[4096];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, b->p, b->len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != b->len)
		err = -1;
	close(fd);
	return err;
}

static void show_value(FILE *out, const struct buf *b)
{
	size_t i;

	fprintf(out, "'");
	for (i = 0; i < b->len && i < 80; i++) {
		unsigned char c = b->p[i];

		if (c >= 32 && c < 127 && c != '\\')
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	fprintf(out, "'%s (%zu bytes)", i < b->len ? "..." : "", b->len);
}

static unsigned long live_generation(const char *live)
{
	static const char key[] = "generation: ";

	return strtoul(live + sizeof(key) - 1, NULL, 10);
}

static char *live_before, *live_after, *old_val, *new_val, *lasterr;

/* Report a broken promise and stop: the seed reproduces the run. */
static int broken(unsigned long it, const struct attr *a, const struct buf *b,
		  const char *what)
{
	fprintf(stderr, "fhook-fuzz: iteration %lu: write to %s of ", it,
		a->name);
	show_value(stderr, b);
	fprintf(stderr, ": %s\n", what);
	fprintf(stderr, "live before:\n%slive after:\n%slast_error: %s",
		live_before, live_after, lasterr);
	return 1;
}

static void count(const struct attr *a, int err)
{
	cnt.writes++;
	if (err)
		cnt.rejected++;
	if (!strcmp(a->name, "commit")) {
		cnt.commits++;
		if (err)
			cnt.commits_rejected++;
	} else if (!strcmp(a->name, "enabled")) {
		cnt.enables++;
		if (err)
			cnt.enables_rejected++;
	}
}

/* Writing back what a staged attribute reads must change nothing. */
static int check_fixpoint(unsigned long it, const struct attr *a)
{
	struct buf b = { .p = new_val };
	int err;

	if (read_attr(a->name, new_val) < 0)
		return broken(it, a, &b, "cannot read the value back");
	b.len = strlen(new_val);
	if (!b.len)
		return 0;	/* empty filter/notrace: a zero write is EFAULT */
	err = write_attr(a->name, &b);
	cnt.fixpoints++;
	if (err)
		return broken(it, a, &b, "the value read back is refused");
	if (read_attr(a->name, old_val) < 0 || strcmp(old_val, new_val))
		return broken(it, a, &b, "the value read back changes when written");
	return 0;
}

/* What must hold after write @err of @b to @a; 0 or 1 (broken). */
static int check(unsigned long it, const struct attr *a, const struct buf *b,
		 int err)
{
	bool commit = !strcmp(a->name, "commit");

	if (read_attr("live", live_after) < 0 ||
	    read_attr("last_error", lasterr) < 0)
		return broken(it, a, b, "cannot read live or last_error");
	if (err == -1)
		return broken(it, a, b, "short write");
	if (err < 0)
		return broken(it, a, b, "open failed");
	if (commit && !err) {
		if (live_generation(live_after) != live_generation(live_before) + 1)
			return broken(it, a, b, "accepted commit: generation not +1");
		if (strcmp(lasterr, "\n"))
			return broken(it, a, b, "accepted commit: last_error not empty");
		return 0;
	}
	if (strcmp(live_before, live_after))
		return broken(it, a, b, "live changed without an accepted commit");
	/* configfs refuses an empty write itself: no last_error then */
	if (err && b->len && (lasterr[0] == '\n' || !strchr(lasterr, '\n') ||
			      strchr(lasterr, '\n')[1]))
		return broken(it, a, b, "rejected without one line in last_error");
	if (!a->value)
		return 0;
	if (read_attr(a->name, new_val) < 0)
		return broken(it, a, b, "cannot read the attribute");
	if (err && strcmp(old_val, new_val))
		return broken(it, a, b, "rejected write changed the staged value");
	if (!err && chance(25))
		return check_fixpoint(it, a);
	return 0;
}

/* What kstrtobool() reads as true: never written unless -e. */
static bool would_enable(const struct buf *b)
{
	if (!b->len)
		return false;
	if (strchr("1yY", b->p[0]) && b->p[0])
		return true;
	return b->len > 1 && (b->p[0] == 'o' || b->p[0] == 'O') &&
	       (b->p[1] == 'n' || b->p[1] == 'N');
}

/*
 * Random but valid values for every staged attribute, so that the commit
 * that follows is often accepted: fuzzing the accepted path as well.
 */
static void gen_valid(struct buf *b, const struct attr *a, bool logs)
{
	static const char * const flags[] = {
		"RECURSION", "RCU", "SAVE_REGS", "SAVE_REGS_IF_SUPPORTED",
	};
	static const char * const actions[] = { "count", "callers", "log", "stack" };
	static const char * const globs[] = {
		"fhook_test_other", "fhook_test_twin*", "__do_sys_getppid",
		"fhook_test_*", "__do_sys_get[pu]*",
	};
	char num[32];

	b->len = 0;
	switch (a->kind) {
	case K_GLOBS:
		if (!strcmp(a->name, "filter"))
			gen_words(b, globs, ARRAY_SIZE(globs), 3);
		if (!b->len)	/* a filter needs one; notrace stays empty */
			put_str(b, a->name[0] == 'f' ? globs[0] : "\n");
		break;
	case K_FLAGS:
		gen_words(b, flags, ARRAY_SIZE(flags), 2);
		break;
	case K_ACTION:
		put_str(b, logs ? actions[2 + pick(2)] : actions[pick(2)]);
		break;
	case K_NUM:
		snprintf(num, sizeof(num), "%ld",
			 !strcmp(a->name, "args") ? (logs ? (long)pick(7) : 0) :
			 1 + (long)pick(a->max));
		put_str(b, num);
		break;
	case K_PIDS:
		if (chance(30))
			snprintf(num, sizeof(num), "%d", getpid());
		else
			snprintf(num, sizeof(num), "\n");
		put_str(b, num);
		break;
	case K_COMM:
		put_str(b, chance(30) ? "fhook-*" : "\n");
		break;
	default:	/* target (no redirect here), tag */
		put_str(b, "\n");
		break;
	}
}

static int step(unsigned long it, const struct attr *a, bool enabling,
		struct buf *b);

/* Every staged attribute given a valid value, then a commit. */
static int stage_valid(unsigned long it, struct buf *b)
{
	bool logs = chance(50);
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(attrs) && !ret; i++) {
		if (!attrs[i].value || attrs[i].kind == K_TAG)
			continue;
		gen_valid(b, &attrs[i], logs);
		ret = step(it, &attrs[i], false, b);
	}
	return ret ? ret : step(it, &attrs[10], false, b);
}

static const struct attr *pick_attr(void)
{
	/* commit often enough that most staged states get judged */
	if (chance(20))
		return &attrs[10];
	return &attrs[pick(ARRAY_SIZE(attrs))];
}

/* Write @b to @a (a new random value if @a is NULL) and check. */
static int step(unsigned long it, const struct attr *a, bool enabling,
		struct buf *b)
{
	int err;

	if (!a) {
		a = pick_attr();
		gen_value(b, a, enabling);
	} else if (!strcmp(a->name, "commit")) {
		b->len = 0;
		put_str(b, "1");
	}
	if (!strcmp(a->name, "enabled") && !enabling && would_enable(b))
		b->p[0] = '0';
	if (read_attr("live", live_before) < 0 ||
	    (a->value && read_attr(a->name, old_val) < 0)) {
		fprintf(stderr, "fhook-fuzz: cannot read %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	err = write_attr(a->name, b);
	count(a, err);
	if (verbose) {
		printf("%lu %s ", it, a->name);
		show_value(stdout, b);
		printf(" -> %s\n", err > 0 ? strerror(err) : err ? "?" : "ok");
	}
	return check(it, a, b, err);
}

static int help(FILE *out, int code)
{
	fputs("usage: fhook-fuzz [-e] [-s SEED] [-n ITERS] [-v] HOOKDIR\n", out);
	return code;
}

int main(int argc, char **argv)
{
	unsigned long long seed = 0;
	unsigned long iters = 1000, it;
	bool enabling = false;
	struct buf b;
	int c, ret = 0;

	while ((c = getopt(argc, argv, "es:n:vh")) != -1) {
		switch (c) {
		case 'e':
			enabling = true;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			iters = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			return help(stdout, 0);
		default:
			return help(stderr, 2);
		}
	}
	if (optind != argc - 1)
		return help(stderr, 2);
	dir = argv[optind];
	if (!seed)
		seed = ((unsigned long long)getpid() << 32) ^ time(NULL);
	rng_state = seed ? seed : 1;
	b.p = malloc(VAL_MAX + 1);
	live_before = malloc(READ_MAX);
	live_after = malloc(READ_MAX);
	old_val = malloc(READ_MAX);
	new_val = malloc(READ_MAX);
	lasterr = malloc(READ_MAX);
	if (!b.p || !live_before || !live_after || !old_val || !new_val ||
	    !lasterr)
		return 2;
	printf("seed: %llu\n", seed);
	fflush(stdout);
	for (it = 0; it < iters && !ret; it++)
		ret = chance(8) ? stage_valid(it, &b) : step(it, NULL, enabling, &b);
	printf("writes: %lu rejected: %lu commits: %lu commits_rejected: %lu ",
	       cnt.writes, cnt.rejected, cnt.commits, cnt.commits_rejected);
	printf("enables: %lu enables_rejected: %lu fixpoints: %lu\n",
	       cnt.enables, cnt.enables_rejected, cnt.fixpoints);
	return ret;
}
