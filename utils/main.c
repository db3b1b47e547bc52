// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-apply: options and dispatch.  Each mode is one function of the
 * table at the bottom; they share the steps: load the profile, read the
 * kernel's hooks, plan, then print or apply.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fhook-apply.h"

const char *prog = "fhook-apply";

enum mode {
	MODE_APPLY,
	MODE_PLAN,
	MODE_DIFF,
	MODE_CHECK,
	MODE_CHECK_SYMBOLS,
	MODE_EXPORT,
	MODE_STATUS,
	MODE_LIST,
	NR_MODES,
};

struct ctx {
	enum mode mode;
	bool mode_set;
	const char *profile_path;
	const char *root;
	const char *functions;
	const char *btf;	/* --btf: where named args are resolved */
	bool json;
	bool force;		/* apply hooks too wide to record every call */
	bool flush;		/* remove every hook: no profile */
	struct stat_opts stat;
	const char *stat_opt;	/* the first option only status mode takes */
	bool top_set;
	struct strv only;
	struct plan_opts popts;
	struct lock_opts lock;
	struct profile profile;
	struct kstate ks;
	struct symbols sym;
};

static void print_stat_help(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"\n"
		"Show the hooks in %s: a table of hooks (enabled,\n"
		"generation, action, functions, hits, missed, tag), then each hook's\n"
		"functions and callers with the most hits (from its stats attribute).\n"
		"\n"
		"Options:\n"
		"  --top N            functions and callers shown per hook (default %d;\n"
		"                     0: all; --prometheus: all unless given)\n"
		"  --watch [SECONDS]  redraw every SECONDS (default 1) with rates per\n"
		"                     second, hooks and functions sorted by rate\n"
		"  -n, --interval SECONDS\n"
		"                     the same as --watch SECONDS\n"
		"  --count N          stop after N refreshes (implies --watch)\n"
		"  --json             one JSON object; with --watch, one per line and\n"
		"                     refresh\n"
		"  --prometheus [FILE]\n"
		"                     node_exporter textfile collector format, written\n"
		"                     atomically to FILE (rewritten every refresh with\n"
		"                     --watch), or to stdout when FILE is - or absent\n"
		"  --root DIR         fhook's configfs directory (default %s)\n"
		"  --functions FILE   traceable functions, to count a hook's functions\n"
		"                     when the module does not say (default\n"
		"                     available_filter_functions)\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version\n"
		"\n"
		"Exit status:\n"
		"  0  shown (--watch: until --count, SIGINT or SIGTERM)\n"
		"  2  usage error\n"
		"  3  the hooks could not be read (--watch: at the last refresh;\n"
		"     --json and --prometheus then say so), or FILE not written\n",
		prog, FHOOK_ROOT, STAT_TOP_DEFAULT, FHOOK_ROOT);
}

static void print_help(FILE *f)
{
	if (!strcmp(prog, "fhook-stat")) {
		print_stat_help(f);
		return;
	}
	fprintf(f,
		"Usage: %s [OPTIONS] PROFILE\n"
		"       %s --plan|--diff|--check|--check-symbols [OPTIONS] PROFILE\n"
		"       %s --delete|--list [OPTIONS] PROFILE\n"
		"       %s --export|--status|--flush [OPTIONS]\n"
		"\n"
		"Make the hooks in %s match PROFILE (see fhook.cfg(5)):\n"
		"create missing hooks, re-commit changed ones, enable or disable them and\n"
		"leave identical hooks untouched.  All or nothing: when a step fails, every\n"
		"hook touched is restored.  PROFILE \"-\" is standard input.\n"
		"\n"
		"Modes:\n"
		"  (none)             apply PROFILE\n"
		"  --plan             print the operations apply would do, as a shell script\n"
		"  --diff             what differs, hook by hook, attribute by attribute\n"
		"  --check            validate PROFILE only\n"
		"  --check-symbols    validate, and match every glob against the running\n"
		"                     kernel's available_filter_functions; note which\n"
		"                     glob of each \"a|b\" it uses\n"
		"  --export           print the live hooks as a canonical profile\n"
		"  --status           table of hooks and their top functions: the same as\n"
		"                     fhook-stat, with its options (fhook-stat --help)\n"
		"  --delete           remove the hooks PROFILE defines that carry its tag\n"
		"                     (a hook of that name with another tag: a warning);\n"
		"                     with --plan, print the operations only\n"
		"  --flush            remove every hook, whoever made it; no PROFILE\n"
		"  --list             per hook and glob, the traceable functions matched;\n"
		"                     exit 1 when a glob of a hook not optional matches none\n"
		"\n"
		"Options:\n"
		"  --prune            also remove hooks that are not in PROFILE and carry its\n"
		"                     tag (\"%s:NAME\" for NAME.cfg unless it sets one)\n"
		"  --prune-all        also remove hooks not in PROFILE made by anyone\n"
		"  --only NAME        only this hook of PROFILE (repeatable)\n"
		"  --force            apply a hook that logs or stacks every call of more\n"
		"                     than %d functions (refused without it)\n"
		"  --json             one JSON object on stdout\n"
		"  --root DIR         fhook's configfs directory (default %s)\n"
		"  --functions FILE   traceable functions (default available_filter_functions\n"
		"                     in /sys/kernel/tracing, or /sys/kernel/debug/tracing)\n"
		"  --btf PATH         the kernel's BTF, for named args: a directory like\n"
		"                     %s (vmlinux and modules) or one file\n"
		"  --lock FILE        lock file (default $FHOOK_APPLY_LOCK, or %s)\n"
		"  --lock-timeout S   wait at most S seconds for another fhook-apply to finish\n"
		"                     (default 60; 0: fail at once)\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version\n"
		"\n"
		"Exit status:\n"
		"  0  applied, or nothing to do; --diff: no differences\n"
		"  1  invalid profile (nothing applied); --diff: differences\n"
		"  2  usage error; --diff: also an invalid profile\n"
		"  3  failed, and every hook touched was restored (or none was touched)\n"
		"  4  failed, and the rollback failed too: what is left is listed\n",
		prog, prog, prog, prog, FHOOK_ROOT, FHOOK_TAG, WIDE_HOOK_MAX,
		FHOOK_ROOT, BTF_DEFAULT, FHOOK_LOCK);
}

static int usage_error(const char *msg, const char *arg)
{
	errmsg("%s%s", msg, arg ? arg : "");
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	return EXIT_USAGE;
}

/* Features decide which flags and actions a profile may name. */
static int load_features(struct ctx *c, bool required)
{
	struct stat st;

	if (!required && stat(c->root, &st)) {
		memset(&c->ks, 0, sizeof(c->ks));
		c->ks.root = c->root;
		features_builtin(&c->ks.feat);
		return 0;
	}
	return kstate_open(&c->ks, c->root) ? EXIT_FAILED : 0;
}

static int invalid(struct ctx *c)
{
	const struct profile *p = &c->profile;
	int status = c->mode == MODE_DIFF ? EXIT_USAGE : EXIT_INVALID;

	errmsg("%s: %u error%s, nothing applied", profile_name(p), p->errors,
	       p->errors == 1 ? "" : "s");
	if (c->json)
		print_invalid(stdout, p, status);
	return status;
}

static bool has_optional(const struct profile *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->hooks[i].optional)
			return true;
	return false;
}

/*
 * Optional hooks need the function list, and so do globs with
 * alternatives, which cannot be written without it; --check-symbols and
 * --list need it all.  --list lists what matches nothing too, then
 * fails.  --delete removes the hooks whatever this kernel has.  With
 * module selectors, it tells which modules are not loaded, if it can.
 */
static int check_symbols(struct ctx *c)
{
	bool alternatives = profile_has_alternatives(&c->profile);
	bool optional = has_optional(&c->profile);
	bool list = c->mode == MODE_LIST;
	bool strict = c->mode == MODE_CHECK_SYMBOLS || list;
	unsigned int errors;
	int ret;

	if (c->mode == MODE_CHECK || c->popts.delete ||
	    (!strict && !optional && !alternatives &&
	     !profile_has_selectors(&c->profile)))
		return 0;
	ret = symbols_load(&c->sym, c->functions);
	if (ret && strict) {
		errmsg("%s: %s", c->sym.path, strerror(-ret));
		return EXIT_FAILED;
	}
	if (ret && alternatives) {
		alternatives_unreadable(&c->profile, &c->sym, ret);
		return EXIT_FAILED;
	}
	if (ret && optional)
		warnmsg("%s: %s; optional hooks are applied like the others",
			c->sym.path, strerror(-ret));
	if (ret)
		return 0;
	errors = profile_check_symbols(&c->profile, &c->sym, strict);
	/* what it found, not a problem: the report of --check-symbols */
	if (c->mode == MODE_CHECK_SYMBOLS && !c->json)
		print_alternatives(stdout, &c->profile, &c->sym);
	if (errors && !list)
		return invalid(c);
	return 0;
}

/*
 * Named args from BTF, for the functions the hooks name (after their
 * alternatives are chosen), from --btf or the running kernel's.  The
 * checks need no kernel: --check resolves them only from --btf, and
 * --check-symbols and --list against another kernel's --functions too;
 * without readable BTF they warn.  Applying, planning and diffing need
 * them resolved.
 */
static int resolve_args(struct ctx *c)
{
	bool check = c->mode == MODE_CHECK || c->mode == MODE_CHECK_SYMBOLS ||
		     c->mode == MODE_LIST;

	if (c->popts.delete ||
	    (!c->btf && (c->mode == MODE_CHECK || (check && c->functions))))
		return 0;
	if (profile_resolve_args(&c->profile, c->btf ? c->btf : BTF_DEFAULT,
				 check))
		return invalid(c);
	return 0;
}

/* Hooks that record every call of too many functions: see list.c. */
static int check_wide(struct ctx *c)
{
	if (c->mode == MODE_LIST || c->popts.delete)
		return 0;
	if (profile_check_wide(&c->profile, &c->sym, c->functions, c->force))
		return invalid(c);
	return 0;
}

static int check_only(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->only.n; i++)
		if (!profile_find(&c->profile, c->only.v[i]))
			return usage_error("--only: no such hook in the profile: ",
					   c->only.v[i]);
	return 0;
}

/* Everything that reads a profile starts here. */
static int load_profile(struct ctx *c)
{
	bool check = c->mode == MODE_CHECK || c->mode == MODE_CHECK_SYMBOLS ||
		     c->mode == MODE_LIST;
	int ret;

	ret = load_features(c, !check);
	if (ret)
		return ret;
	if (profile_load(&c->profile, c->profile_path, &c->ks.feat))
		return invalid(c);
	ret = check_only(c);
	if (!ret)
		ret = check_symbols(c);
	if (!ret)
		ret = resolve_args(c);
	if (!ret)
		ret = check_wide(c);
	return ret;
}

/* --flush: pruning every hook not in a profile without hooks. */
static int flush_profile(struct ctx *c)
{
	int ret = load_features(c, true);

	if (ret)
		return ret;
	c->profile.path = "--flush";
	c->profile.feat = &c->ks.feat;
	c->profile.tag = "";
	config_init(&c->profile.lc);
	c->popts.prune = true;
	c->popts.prune_all = true;
	return 0;
}

static int run_list(struct ctx *c)
{
	int ret = load_profile(c);

	if (ret)
		return ret;
	print_list(stdout, &c->profile, &c->sym, c->only.n ? &c->only : NULL,
		   c->json);
	return c->profile.errors ? EXIT_INVALID : EXIT_APPLIED;
}

static int run_check(struct ctx *c)
{
	int ret = load_profile(c);

	if (!ret)
		print_check(stdout, &c->profile,
			    c->mode == MODE_CHECK_SYMBOLS ? &c->sym : NULL,
			    c->json);
	return ret;
}

static int plan_for(struct ctx *c, struct plan *pl)
{
	int ret = c->flush ? flush_profile(c) : load_profile(c);

	if (ret)
		return ret;
	if (c->mode == MODE_APPLY && lock_acquire(&c->lock))
		return EXIT_FAILED;
	if (kstate_load(&c->ks))
		return EXIT_FAILED;
	plan_build(pl, &c->profile, &c->ks, &c->popts);
	return 0;
}

static int run_plan(struct ctx *c)
{
	struct plan pl;
	int ret = plan_for(c, &pl);

	if (ret)
		return ret;
	print_plan(stdout, &pl, c->flush ? "--flush" : c->profile_path,
		   c->json);
	plan_free(&pl);
	return 0;
}

static int run_diff(struct ctx *c)
{
	struct plan pl;
	size_t count[4];
	int ret = plan_for(c, &pl);

	if (ret)
		return ret;
	print_diff(stdout, &pl, &c->profile, c->json);
	plan_count(&pl, count);
	ret = count[CHANGE_NONE] == pl.n ? EXIT_APPLIED : EXIT_INVALID;
	plan_free(&pl);
	return ret;
}

static int run_apply(struct ctx *c)
{
	struct outcome out = { 0 };
	struct plan pl;
	int ret = plan_for(c, &pl);

	if (ret)
		return ret;
	if (pl.nr_ops)
		apply_run(&pl, &c->ks, &out);
	print_outcome(stdout, &pl, &c->profile, &out, c->json);
	ret = out.status;
	outcome_free(&out);
	plan_free(&pl);
	return ret;
}

static int read_kernel(struct ctx *c)
{
	if (kstate_open(&c->ks, c->root) || kstate_load(&c->ks))
		return EXIT_FAILED;
	return 0;
}

static int run_export(struct ctx *c)
{
	int ret = read_kernel(c);

	if (!ret)
		export_profile(stdout, &c->ks, c->json);
	return ret;
}

static int run_status(struct ctx *c)
{
	c->stat.root = c->root;
	c->stat.functions = c->functions;
	if (c->json)
		c->stat.format = STAT_JSON;
	/* a per-function series must not come and go with its rank */
	if (!c->top_set)
		c->stat.top = c->stat.format == STAT_PROMETHEUS ? 0 :
			      STAT_TOP_DEFAULT;
	return stat_run(&c->stat);
}

static const struct mode_desc {
	const char *option;
	bool profile;		/* takes a PROFILE argument */
	int (*run)(struct ctx *c);
} modes[NR_MODES] = {
	[MODE_APPLY]		= { NULL,		true,	run_apply },
	[MODE_PLAN]		= { "--plan",		true,	run_plan },
	[MODE_DIFF]		= { "--diff",		true,	run_diff },
	[MODE_CHECK]		= { "--check",		true,	run_check },
	[MODE_CHECK_SYMBOLS]	= { "--check-symbols",	true,	run_check },
	[MODE_EXPORT]		= { "--export",		false,	run_export },
	[MODE_STATUS]		= { "--status",		false,	run_status },
	[MODE_LIST]		= { "--list",		true,	run_list },
};

enum {
	OPT_PRUNE = 0x100,
	OPT_PRUNE_ALL,
	OPT_ONLY,
	OPT_JSON,
	OPT_ROOT,
	OPT_FUNCTIONS,
	OPT_BTF,
	OPT_LOCK,
	OPT_LOCK_TIMEOUT,
	OPT_DELETE,
	OPT_FLUSH,
	OPT_FORCE,
	OPT_TOP,
	OPT_WATCH,
	OPT_COUNT,
	OPT_PROMETHEUS,
	OPT_MODE,		/* + enum mode */
};

static const struct option options[] = {
	{ "plan",		no_argument,		NULL, OPT_MODE + MODE_PLAN },
	{ "diff",		no_argument,		NULL, OPT_MODE + MODE_DIFF },
	{ "check",		no_argument,		NULL, OPT_MODE + MODE_CHECK },
	{ "check-symbols",	no_argument,		NULL,
	  OPT_MODE + MODE_CHECK_SYMBOLS },
	{ "export",		no_argument,		NULL, OPT_MODE + MODE_EXPORT },
	{ "status",		no_argument,		NULL, OPT_MODE + MODE_STATUS },
	{ "list",		no_argument,		NULL, OPT_MODE + MODE_LIST },
	{ "delete",		no_argument,		NULL, OPT_DELETE },
	{ "flush",		no_argument,		NULL, OPT_FLUSH },
	{ "force",		no_argument,		NULL, OPT_FORCE },
	{ "prune",		no_argument,		NULL, OPT_PRUNE },
	{ "prune-all",		no_argument,		NULL, OPT_PRUNE_ALL },
	{ "only",		required_argument,	NULL, OPT_ONLY },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "root",		required_argument,	NULL, OPT_ROOT },
	{ "functions",		required_argument,	NULL, OPT_FUNCTIONS },
	{ "btf",		required_argument,	NULL, OPT_BTF },
	{ "lock",		required_argument,	NULL, OPT_LOCK },
	{ "lock-timeout",	required_argument,	NULL, OPT_LOCK_TIMEOUT },
	{ "top",		required_argument,	NULL, OPT_TOP },
	{ "watch",		optional_argument,	NULL, OPT_WATCH },
	{ "interval",		required_argument,	NULL, 'n' },
	{ "count",		required_argument,	NULL, OPT_COUNT },
	{ "prometheus",		optional_argument,	NULL, OPT_PROMETHEUS },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 },
};

/* fhook-stat's own: fhook-apply's modes and options are unknown to it. */
static const struct option stat_options[] = {
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "root",		required_argument,	NULL, OPT_ROOT },
	{ "functions",		required_argument,	NULL, OPT_FUNCTIONS },
	{ "top",		required_argument,	NULL, OPT_TOP },
	{ "watch",		optional_argument,	NULL, OPT_WATCH },
	{ "interval",		required_argument,	NULL, 'n' },
	{ "count",		required_argument,	NULL, OPT_COUNT },
	{ "prometheus",		optional_argument,	NULL, OPT_PROMETHEUS },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 },
};

static int parse_timeout(struct ctx *c, const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v > INT_MAX || arg[0] == '-')
		return usage_error("--lock-timeout: not a number of seconds: ",
				   arg);
	c->lock.timeout = v;
	return 0;
}

/* A whole number from @min to UINT_MAX, or -1. */
static long long parse_uint(const char *arg, unsigned long min)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min ||
	    v > UINT_MAX)
		return -1;
	return v;
}

/* fhook-stat's options: they mean something in status mode only. */
static int parse_stat_opt(struct ctx *c, int opt, const char *name)
{
	struct stat_opts *so = &c->stat;
	long long n;
	char *end;

	if (!c->stat_opt)
		c->stat_opt = name;
	switch (opt) {
	case OPT_TOP:
		n = parse_uint(optarg, 0);
		if (n < 0)
			return usage_error("--top: not a number: ", optarg);
		so->top = n;
		c->top_set = true;
		break;
	case OPT_COUNT:
		n = parse_uint(optarg, 1);
		if (n < 0)
			return usage_error("--count: not a number above 0: ",
					   optarg);
		so->count = n;
		so->watch = true;
		break;
	case OPT_PROMETHEUS:
		so->format = STAT_PROMETHEUS;
		so->output = optarg;
		break;
	default:	/* --watch, --interval */
		so->watch = true;
		if (!optarg)
			break;
		errno = 0;
		so->interval = strtod(optarg, &end);
		if (errno || end == optarg || *end || !isfinite(so->interval) ||
		    so->interval < 0.01 || so->interval > 86400)
			return usage_error("--interval: not 0.01 to 86400 seconds: ",
					   optarg);
		break;
	}
	return 0;
}

/*
 * An optional argument may also be the next word: "--watch 2",
 * "--prometheus FILE".  Status mode takes no other words, and a number
 * is only taken for --watch.
 */
static void optional_arg(int argc, char **argv, int opt)
{
	const char *next = optind < argc ? argv[optind] : NULL;

	if (optarg || !next)
		return;
	if (opt == OPT_WATCH ? strspn(next, "0123456789.") == strlen(next) :
	    next[0] != '-' || !strcmp(next, "-"))
		optarg = argv[optind++];
}

/* One option; -1 to stop with exit code *@ret. */
static int parse_opt(struct ctx *c, int opt, int *ret)
{
	static const char * const stat_names[] = {
		[OPT_TOP - OPT_TOP] = "--top",
		[OPT_WATCH - OPT_TOP] = "--watch",
		[OPT_COUNT - OPT_TOP] = "--count",
		[OPT_PROMETHEUS - OPT_TOP] = "--prometheus",
	};

	if (opt == 'n') {
		*ret = parse_stat_opt(c, opt, "--interval");
		return *ret ? -1 : 0;
	}
	if (opt >= OPT_TOP && opt < OPT_MODE) {
		*ret = parse_stat_opt(c, opt, stat_names[opt - OPT_TOP]);
		return *ret ? -1 : 0;
	}
	if (opt >= OPT_MODE) {
		if (c->mode_set && c->mode != (enum mode)(opt - OPT_MODE)) {
			*ret = usage_error("only one mode at a time", NULL);
			return -1;
		}
		c->mode = opt - OPT_MODE;
		c->mode_set = true;
		return 0;
	}
	switch (opt) {
	case OPT_PRUNE_ALL:
		c->popts.prune_all = true;
		c->popts.prune = true;
		break;
	case OPT_PRUNE:
		c->popts.prune = true;
		break;
	case OPT_DELETE:
		c->popts.delete = true;
		break;
	case OPT_FLUSH:
		c->flush = true;
		break;
	case OPT_FORCE:
		c->force = true;
		break;
	case OPT_ONLY:
		strv_add(&c->only, optarg);
		c->popts.only = &c->only;
		break;
	case OPT_JSON:
		c->json = true;
		break;
	case OPT_ROOT:
		c->root = optarg;
		break;
	case OPT_FUNCTIONS:
		c->functions = optarg;
		break;
	case OPT_BTF:
		c->btf = optarg;
		break;
	case OPT_LOCK:
		c->lock.path = optarg;
		break;
	case OPT_LOCK_TIMEOUT:
		*ret = parse_timeout(c, optarg);
		return *ret ? -1 : 0;
	case 'h':
		print_help(stdout);
		*ret = EXIT_APPLIED;
		return -1;
	case 'V':
		printf("%s %s\n", prog, FHOOK_APPLY_VERSION);
		*ret = EXIT_APPLIED;
		return -1;
	default:
		fprintf(stderr, "Try '%s --help' for more information.\n", prog);
		*ret = EXIT_USAGE;
		return -1;
	}
	return 0;
}

/* Arguments that fit the mode, or a usage error. */
/* --delete and --flush: apply or --plan, without --prune or each other. */
static int check_removal(const struct ctx *c, int nargs)
{
	const char *opt = c->flush ? "--flush" : "--delete";

	if (!c->flush && !c->popts.delete)
		return 0;
	if (c->flush && c->popts.delete)
		return usage_error("--delete and --flush cannot be combined",
				   NULL);
	if (c->mode != MODE_APPLY && c->mode != MODE_PLAN)
		return usage_error(opt, " works alone or with --plan");
	if (c->popts.prune)
		return usage_error(opt, " cannot be combined with --prune");
	if (c->flush && c->only.n)
		return usage_error("--only needs a PROFILE", NULL);
	if (c->flush && nargs)
		return usage_error("--flush takes no PROFILE", NULL);
	return 0;
}

static int check_args(struct ctx *c, int argc, char **argv)
{
	const struct mode_desc *m = &modes[c->mode];
	int nargs = argc - optind;
	bool profile = m->profile && !c->flush;
	int ret;

	ret = check_removal(c, nargs);
	if (ret)
		return ret;
	if (profile && nargs != 1)
		return usage_error(nargs ? "one PROFILE only" : "no PROFILE given",
				   NULL);
	/* fhook-stat has no modes: not "--status takes no PROFILE" */
	if (nargs && !strcmp(prog, "fhook-stat")) {
		errmsg("unexpected argument '%s' (%s takes no PROFILE; see %s --help)",
		       argv[optind], prog, prog);
		return EXIT_USAGE;
	}
	if (!profile && nargs)
		return usage_error(m->option ? m->option : prog,
				   " takes no PROFILE");
	if (c->popts.prune && c->mode != MODE_APPLY && c->mode != MODE_PLAN &&
	    c->mode != MODE_DIFF)
		return usage_error("--prune works with apply, --plan and --diff",
				   NULL);
	if (c->popts.prune && c->only.n)
		return usage_error("--prune and --only cannot be combined", NULL);
	if (c->only.n && !m->profile)
		return usage_error("--only needs a PROFILE", NULL);
	if (c->stat_opt && c->mode != MODE_STATUS)
		return usage_error(c->stat_opt, " works with --status only");
	if (c->json && c->stat.format == STAT_PROMETHEUS)
		return usage_error("--json and --prometheus cannot be combined",
				   NULL);
	if (c->stat.watch && c->stat.format == STAT_PROMETHEUS &&
	    (!c->stat.output || !strcmp(c->stat.output, "-")))
		return usage_error("--watch with --prometheus needs a FILE",
				   NULL);
	c->profile_path = profile ? argv[optind] : NULL;
	return 0;
}

/* getopt's complaint, ours (opterr is off) so that --json can say it. */
static int bad_option(int opt, char **argv)
{
	const char *arg = argv[optind - 1];
	char *msg;
	int ret;

	if (strncmp(arg, "--", 2) && optopt > 0 && optopt < 0x100)
		xasprintf(&msg, "%s -- '%c'", opt == ':' ?
			  "option requires an argument" : "invalid option",
			  optopt);
	else if (opt == ':')
		xasprintf(&msg, "option '%s' requires an argument", arg);
	else if (optopt)
		xasprintf(&msg, "option '%.*s' takes no argument",
			  (int)strcspn(arg, "="), arg);
	else
		xasprintf(&msg, "unrecognized option '%s'", arg);
	ret = usage_error(msg, NULL);
	free(msg);
	return ret;
}

/* False to go on; true to stop with exit code *@ret. */
static bool parse_args(struct ctx *c, int argc, char **argv, int *ret)
{
	const char *base = strrchr(argv[0], '/');
	const struct option *opts = options;
	int opt;

	c->root = FHOOK_ROOT;
	c->lock.path = getenv("FHOOK_APPLY_LOCK");
	if (!c->lock.path || !*c->lock.path)
		c->lock.path = FHOOK_LOCK;
	c->lock.timeout = 60;
	c->stat.interval = 1;
	/* fhook-stat is fhook-apply --status under another name */
	if (!strcmp(base ? base + 1 : argv[0], "fhook-stat")) {
		prog = "fhook-stat";
		c->mode = MODE_STATUS;
		c->mode_set = true;
		opts = stat_options;
	}
	argv[0] = (char *)prog;		/* getopt's messages start with it */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hVn:", opts, NULL)) != -1) {
		if (opt == '?' || opt == ':') {
			*ret = bad_option(opt, argv);
			return true;
		}
		if (opt == OPT_WATCH || opt == OPT_PROMETHEUS)
			optional_arg(argc, argv, opt);
		if (parse_opt(c, opt, ret))
			return true;
	}
	*ret = check_args(c, argc, argv);
	return *ret != 0;
}

/* --json, even when a usage error stopped before getopt reached it. */
static bool wants_json(const struct ctx *c, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && !c->json && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json"))
			return true;
	return c->json;
}

int main(int argc, char **argv)
{
	struct ctx c = { 0 };
	int ret;

	if (!parse_args(&c, argc, argv, &ret))
		ret = modes[c.mode].run(&c);
	/* with --json, a run that printed nothing else prints its errors */
	if (ret && !json_documents && wants_json(&c, argc, argv))
		print_error(stdout, c.profile_path, ret);
	if (c.profile.path)
		profile_free(&c.profile);
	kstate_free(&c.ks);
	symbols_free(&c.sym);
	strv_free(&c.only);
	return ret;
}
