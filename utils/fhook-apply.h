/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fhook-apply: make the hooks in /sys/kernel/config/fhook match a profile.
 *
 * The run is: parse and validate the profile (profile.c), read the hooks
 * as they are (kstate.c), compute the ordered configfs operations that
 * turn one into the other (plan.c), then print them, compare, or execute
 * them with rollback (apply.c).  configfs-layout.md is the contract with
 * the module; the limits below are copied from it.
 */
#ifndef FHOOK_APPLY_H
#define FHOOK_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <libconfig.h>

#define FHOOK_APPLY_VERSION	"0.2.0"
#define FHOOK_ROOT		"/sys/kernel/config/fhook"
#define FHOOK_TAG		"fhook-apply"
#define FHOOK_LOCK		"/run/lock/fhook-apply.lock"

/* The module's limits (configfs-layout.md). */
#define FHOOK_NAME_MAX		64
#define FHOOK_TAG_MAX		64
#define FHOOK_GLOBS_MAX		256
#define FHOOK_GLOB_MAX		511
#define FHOOK_INPUT_MAX		4094
#define FHOOK_TARGET_MAX	127
#define FHOOK_PID_MAX		4194304
#define FHOOK_COMM_GLOB_MAX	64

/* What mkdir gives the numeric staged attributes. */
#define FHOOK_ARGS_DEFAULT		0
#define FHOOK_STACK_DEPTH_DEFAULT	16
#define FHOOK_SAMPLE_DEFAULT		1

/* Exit codes, documented in --help and fhook-apply(8). */
enum {
	EXIT_APPLIED	= 0,	/* applied, or nothing to do; --diff: none */
	EXIT_INVALID	= 1,	/* invalid profile; --diff: differences */
	EXIT_USAGE	= 2,	/* bad command line */
	EXIT_FAILED	= 3,	/* failed; the hooks are as they were */
	EXIT_INCOMPLETE	= 4,	/* failed and the rollback failed too */
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

extern const char *prog;

#define errmsg(fmt, ...) \
	fprintf(stderr, "%s: " fmt "\n", prog, ##__VA_ARGS__)
#define warnmsg(fmt, ...) \
	fprintf(stderr, "%s: warning: " fmt "\n", prog, ##__VA_ARGS__)
/* asprintf() that cannot fail: there is nothing to do without memory. */
#define xasprintf(ptr, fmt, ...) \
	xcheck(asprintf(ptr, fmt, ##__VA_ARGS__))

/* util.c */
struct strv {
	char **v;
	size_t n;
	size_t cap;
};

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
void xcheck(int ret);
void strv_add(struct strv *sv, const char *s);
void strv_add_words(struct strv *sv, const char *text);
void strv_sort_unique(struct strv *sv);
bool strv_equal(const struct strv *a, const struct strv *b);
bool strv_has(const struct strv *sv, const char *s);
char *strv_join(const struct strv *sv, const char *sep);
void strv_free(struct strv *sv);
int read_text(const char *path, char **out);
char *shell_quote(const char *s, bool always);

/* rules.c: what the module accepts, checked before anything is written */
struct limits {
	unsigned long args;	/* largest value */
	unsigned long stack_depth;
	unsigned long pids;	/* most entries */
	unsigned long comm;
	unsigned long sample;	/* largest value */
};

struct features {
	struct strv flags;	/* in the module's order: canonical */
	struct strv actions;
	struct strv predicates;
	struct limits limits;
	struct strv needs_save_regs;	/* "args", "redirect" */
};

#define RULE_ERR_MAX	320

void features_builtin(struct features *f);
int features_parse(struct features *f, const char *text);
void features_free(struct features *f);
int rule_name(const char *name, char *err, size_t len);
int rule_glob(const char *glob, char *err, size_t len);
int rule_tag(const char *tag, char *err, size_t len);
int rule_target(const char *target, char *err, size_t len);
int rule_pid(const char *word, char *err, size_t len);
int rule_comm(const char *glob, char *err, size_t len);
void words_canonical(const struct strv *known, struct strv *words);
void pids_canonical(struct strv *pids);
bool glob_match(const char *pat, const char *str);

/* A hook configuration in canonical form, as the module reads it back. */
struct hook_cfg {
	struct strv filter;	/* sorted bytewise, unique */
	struct strv notrace;
	struct strv flags;	/* in features order, unique */
	struct strv action;
	unsigned long args;
	unsigned long stack_depth;
	char target[FHOOK_TARGET_MAX + 1];	/* "": none */
	struct strv pids;	/* decimal, sorted by value, unique */
	struct strv comm;	/* sorted bytewise, unique */
	unsigned long sample;
};

void hook_cfg_init(struct hook_cfg *cfg);
void hook_cfg_free(struct hook_cfg *cfg);

/* symbols.c: available_filter_functions */
struct symbols {
	const char *path;	/* NULL: not loaded */
	struct strv names;	/* one per traceable address, in file order */
};

int symbols_load(struct symbols *sym, const char *path);
bool symbols_match(const struct symbols *sym, const char *glob);
long symbols_count(const struct symbols *sym, const struct hook_cfg *cfg);
void symbols_free(struct symbols *sym);

/* profile.c */
struct phook {
	const char *name;
	const config_setting_t *set;	/* the hook's group: its location */
	struct hook_cfg cfg;
	bool enabled;
	bool optional;
	bool skip;		/* optional and missing on this kernel */
};

struct profile {
	const char *path;	/* as named on the command line */
	char *incdir;		/* where @include looks, NULL: "." */
	const struct features *feat;	/* the flags and actions it may name */
	config_t lc;
	const char *tag;	/* owner tag written on every hook */
	struct phook *hooks;
	size_t n;
	unsigned int errors;
};

int profile_load(struct profile *p, const char *path, const struct features *f);
void profile_where(const struct profile *p, const config_setting_t *s,
		   char *buf, size_t size);
const char *profile_name(const struct profile *p);
const struct phook *profile_find(const struct profile *p, const char *name);
int profile_check_symbols(struct profile *p, const struct symbols *sym,
			  bool strict);
void profile_free(struct profile *p);

/* kstate.c */
struct khook {
	char *name;
	unsigned long long generation;	/* 0: never committed */
	struct hook_cfg live;
	long long functions;		/* live "functions:"; -1: not shown */
	struct hook_cfg staged;
	bool enabled;
	char *tag;
	unsigned long long hits;
	unsigned long long missed;
	char *last_error;
};

struct kstate {
	const char *root;
	char *version;		/* NULL: a plain directory (--root) */
	struct features feat;
	struct khook *hooks;	/* sorted by name */
	size_t n;
};

int kstate_open(struct kstate *ks, const char *root);
int kstate_load(struct kstate *ks);
int khook_load(const struct kstate *ks, const char *name, struct khook *kh);
const struct khook *kstate_find(const struct kstate *ks, const char *name);
void khook_free(struct khook *kh);
void kstate_free(struct kstate *ks);

/* plan.c */
enum {
	DIFF_FILTER	 = 0x0001,
	DIFF_NOTRACE	 = 0x0002,
	DIFF_FLAGS	 = 0x0004,
	DIFF_ACTION	 = 0x0008,
	DIFF_ARGS	 = 0x0010,
	DIFF_STACK_DEPTH = 0x0020,
	DIFF_TARGET	 = 0x0040,
	DIFF_PIDS	 = 0x0080,
	DIFF_COMM	 = 0x0100,
	DIFF_SAMPLE	 = 0x0200,
	DIFF_ENABLED	 = 0x0400,
	DIFF_TAG	 = 0x0800,
	DIFF_STAGED	 = 0x1000,	/* rollback checks: staged attributes */
	DIFF_CONFIG	 = 0x03ff,	/* needs a commit */
};

enum change {
	CHANGE_NONE,
	CHANGE_CREATE,
	CHANGE_UPDATE,
	CHANGE_REMOVE,
};

enum op_kind {
	OP_MKDIR,
	OP_WRITE,
	OP_RMDIR,
};

struct op {
	enum op_kind kind;
	size_t item;
	char *path;
	char *value;		/* OP_WRITE, written with a newline */
};

/* A hook the run is about: in the profile, in the kernel, or both. */
struct item {
	const char *name;
	const struct phook *ph;		/* NULL: not in the profile */
	const struct khook *kh;		/* before the run; NULL: absent */
	enum change change;
	unsigned int diffs;		/* DIFF_* */
};

struct plan {
	const char *root;
	struct item *items;
	size_t n;
	struct op *ops;
	size_t nr_ops;
	size_t cap_ops;
};

/* The state to converge one hook to. */
struct target {
	bool present;
	bool committed;			/* false: never committed (rollback) */
	const struct hook_cfg *cfg;
	bool enabled;
	const char *tag;
	const struct hook_cfg *staged;	/* NULL: as the commit leaves it */
};

struct plan_opts {
	bool prune;
	bool prune_all;
	const struct strv *only;
};

void plan_build(struct plan *pl, const struct profile *p,
		const struct kstate *ks, const struct plan_opts *o);
void plan_hook(struct plan *pl, size_t item, const struct khook *cur,
	       const struct target *t);
unsigned int cfg_diffs(const struct hook_cfg *a, const struct hook_cfg *b);
unsigned int hook_diffs(const struct hook_cfg *cfg, bool enabled,
			const char *tag, const struct khook *kh);
void plan_count(const struct plan *pl, size_t count[4]);
void plan_free_ops(struct plan *pl);
void plan_free(struct plan *pl);

/* apply.c */
struct lock_opts {
	const char *path;
	unsigned int timeout;	/* seconds; 0: fail at once when held */
};

/* What happened to the hooks an apply touched. */
struct left {
	size_t item;
	struct khook now;	/* as the rollback left it */
	unsigned int diffs;	/* how it differs from before the run */
	bool absent;		/* expected present, but gone */
	bool extra;		/* expected absent, but there */
	bool unreadable;	/* could not be read back */
};

struct outcome {
	int status;		/* exit code */
	size_t done;		/* operations completed */
	size_t failed_op;	/* valid when status != 0 */
	int err;		/* errno of the failed operation */
	char *last_error;	/* the module's reason, NULL if none */
	struct strv rolled_back;
	struct left *left;
	size_t nr_left;
};

int lock_acquire(const struct lock_opts *lo);
void apply_run(struct plan *pl, const struct kstate *ks, struct outcome *out);
void outcome_free(struct outcome *out);

/* export.c */
void export_profile(FILE *f, const struct kstate *ks);

/* json.c: --json output, one document a line */
struct json {
	FILE *f;
	bool comma;
};

void j_open(struct json *j, const char *key, char c);
void j_close(struct json *j, char c);
void j_str(struct json *j, const char *key, const char *val);
void j_num(struct json *j, const char *key, unsigned long long val);
void j_real(struct json *j, const char *key, double val);
void j_bool(struct json *j, const char *key, bool val);
void j_strv(struct json *j, const char *key, const struct strv *sv);
void j_end(struct json *j);

/* output.c */
void print_plan(FILE *f, const struct plan *pl, const char *profile, bool json);
void print_diff(FILE *f, const struct plan *pl, const struct profile *p,
		bool json);
void print_outcome(FILE *f, const struct plan *pl, const struct profile *p,
		   const struct outcome *out, bool json);
void print_check(FILE *f, const struct profile *p, bool symbols, bool json);
void print_invalid(FILE *f, const struct profile *p);

/*
 * stat.c: fhook-stat, also fhook-apply --status.  It only reads: the hook
 * table, each hook's top functions and callers from its stats attribute,
 * once or every interval with rates (--watch), as text, JSON or a
 * Prometheus textfile.
 */
enum stat_format {
	STAT_TEXT,
	STAT_JSON,
	STAT_PROMETHEUS,
};

struct stat_opts {
	const char *root;
	const char *functions;	/* NULL: available_filter_functions */
	enum stat_format format;
	const char *output;	/* --prometheus FILE; NULL or "-": stdout */
	unsigned int top;	/* functions and callers per hook; 0: all */
	bool watch;
	double interval;	/* seconds between refreshes */
	unsigned long count;	/* refreshes; 0: until SIGINT or SIGTERM */
};

#define STAT_TOP_DEFAULT	5

int stat_run(const struct stat_opts *o);

#endif /* FHOOK_APPLY_H */
