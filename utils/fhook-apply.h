/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fhook-apply: make the hooks in /sys/kernel/config/fhook match a profile.
 *
 * The run is: parse and validate the profile (profile.c), read the hooks
 * as they are (kstate.c), compute the ordered configfs operations that
 * turn one into the other (plan.c), then print them, compare, or execute
 * them with rollback (apply.c).  configfs-layout.md is the contract with
 * the module, whose "features" file gives its flags, actions and limits.
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

/* Exit codes, documented in --help and fhook-apply(8). */
enum {
	EXIT_APPLIED	= 0,	/* applied, or nothing to do; --diff: none */
	EXIT_INVALID	= 1,	/* invalid profile; --diff: differences */
	EXIT_USAGE	= 2,	/* bad command line */
	EXIT_FAILED	= 3,	/* failed; the hooks are as they were */
	EXIT_INCOMPLETE	= 4,	/* failed and the rollback failed too */
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/*
 * The kernel's __printf().  Spelt __attribute here, the one place the
 * attribute is written out, as checkpatch asks every other to use this.
 */
#define __printf(a, b)	__attribute((format(printf, a, b)))

extern const char *prog;

/* diag.c: prints "prog: message" and keeps it for --json */
void errmsg(const char *fmt, ...) __printf(1, 2);
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
/* The largest value each accepts: configfs-layout.md lists them. */
struct limits {
	unsigned long args;		/* values */
	unsigned long stack_depth;
	unsigned long pids;		/* entries of "pids" */
	unsigned long comm;		/* globs of "comm" */
	unsigned long sample;		/* a value */
	unsigned long name;		/* bytes of a hook name */
	unsigned long tag;		/* bytes */
	unsigned long globs;		/* globs of filter, notrace */
	unsigned long glob;		/* bytes of one of them */
	unsigned long input;		/* bytes of one write */
	unsigned long target;		/* bytes */
	unsigned long comm_glob;	/* bytes of one glob of "comm" */
	unsigned long pid;		/* a value */
	unsigned long fetches;		/* fetch specifications in args */
	unsigned long fetch_depth;	/* +OFF() loads in one of them */
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
/* Each checks one word against @l; 0, or -errno with the module's words. */
typedef int (*rule_fn)(const struct limits *l, const char *word, char *err,
		       size_t len);

int rule_name(const struct limits *l, const char *name, char *err, size_t len);
int rule_glob(const struct limits *l, const char *glob, char *err, size_t len);
int glob_chars(const char *tok, const char *glob, size_t n,
	       const char *extra, const char *what, char *err, size_t len);
int rule_tag(const struct limits *l, const char *tag, char *err, size_t len);
int rule_target(const struct limits *l, const char *target, char *err,
		size_t len);
int rule_pid(const struct limits *l, const char *word, char *err, size_t len);
int rule_comm(const struct limits *l, const char *glob, char *err, size_t len);
char *profile_tag(const struct limits *l, const char *path);
void words_canonical(const struct strv *known, struct strv *words);
void pids_canonical(struct strv *pids);
bool glob_match(const char *pat, const char *str);

/*
 * A hook configuration in canonical form, as the module reads it back.
 * hook_attrs[] (attrs.c) describes each member: add one there too.
 */
struct hook_cfg {
	struct strv filter;	/* sorted bytewise, unique */
	struct strv notrace;
	struct strv flags;	/* in features order, unique */
	struct strv action;
	struct strv args;	/* none; one count "N"; or fetch specs, in order */
	unsigned long stack_depth;
	char *target;		/* "": none; never NULL after hook_cfg_init */
	struct strv pids;	/* decimal, sorted by value, unique */
	struct strv comm;	/* sorted bytewise, unique */
	unsigned long sample;
};

/* attrs.c: the hook's attributes, one row each of hook_attrs[] */
enum attr_kind {
	AK_GLOBS,	/* struct strv, sorted bytewise, unique */
	AK_WORDS,	/* struct strv of features words, in their order */
	AK_PIDS,	/* struct strv of decimal pids, sorted by value */
	AK_UINT,	/* unsigned long */
	AK_ARGS,	/* struct strv: a count, or fetch specifications */
	AK_NAME,	/* char *: one symbol name, "": none */
	AK_BOOL,	/* enabled: a hook's, not part of struct hook_cfg */
	AK_TAG,		/* tag: likewise */
};

struct hook_attr {
	const char *name;	/* configfs file, "live" line, profile key */
	enum attr_kind kind;
	size_t offset;		/* in struct hook_cfg; AK_BOOL, AK_TAG: none */
	unsigned long dflt;	/* AK_UINT: what mkdir gives */
	const char *dflt_word;	/* AK_WORDS: what mkdir stages, if any */
	bool since_0_2;		/* a module before 0.2.0 has no such file */
	bool export_always;	/* exported even when it is the default */
	bool export_scalar;	/* one word exported as a string */
	/* profiles */
	bool scalar_ok;		/* a string for a one-entry list */
	bool predicate;		/* set only if the module lists it */
	bool include;		/* required; must include a function */
	bool functions;		/* globs of traceable functions: checked
				 * against the kernel's, "a|b" allowed
				 */
	bool nonempty;		/* must not be set empty */
	const char *noun;	/* what one list entry is */
	rule_fn rule;		/* checks one entry (AK_WORDS: the features) */
	size_t known;		/* AK_WORDS: its list in struct features */
	size_t limit;		/* in struct limits: most entries, or largest */
	unsigned long min;	/* AK_UINT: the smallest value */
};

struct json;

/* A hook's attributes, wherever they are kept. */
struct hook_ref {
	const struct hook_cfg *cfg;
	bool enabled;
	const char *tag;
};

extern const struct hook_attr hook_attrs[];
extern const size_t nr_hook_attrs;

const struct hook_attr *attr_find(const char *name);
unsigned int attr_bit(const struct hook_attr *a);
bool attr_in_cfg(const struct hook_attr *a);
unsigned int attrs_config_mask(void);
void hook_cfg_init(struct hook_cfg *cfg);
void hook_cfg_mkdir(struct hook_cfg *cfg);
void hook_cfg_free(struct hook_cfg *cfg);
void hook_cfg_canonical(struct hook_cfg *cfg, const struct features *f);
void attr_clear(const struct hook_attr *a, struct hook_cfg *cfg);
void attr_set_text(const struct hook_attr *a, struct hook_cfg *cfg,
		   const char *text);
bool attr_equal(const struct hook_attr *a, const struct hook_ref *x,
		const struct hook_ref *y);
bool attr_is_default(const struct hook_attr *a, const struct hook_cfg *cfg);
char *attr_value(const struct hook_attr *a, const struct hook_cfg *cfg);
char *attr_text(const struct hook_attr *a, const struct hook_ref *h);
void attr_json(struct json *j, const char *key, const struct hook_attr *a,
	       const struct hook_ref *h);
void attr_export(FILE *f, const struct hook_attr *a, const struct hook_ref *h);
void export_string(FILE *f, const char *s);

/* diag.c: errors kept as data, printed as text or JSON */
struct diag {
	char *file;		/* NULL: none */
	unsigned int line;	/* 0: none */
	char *message;
	bool warning;
};

struct diags {
	struct diag *v;
	size_t n;
	size_t cap;
	unsigned int errors;	/* those not warnings */
};

extern struct diags run_diags;

void diags_add(struct diags *d, bool warning, const char *file,
	       unsigned int line, const char *fmt, ...) __printf(5, 6);
void diags_print(FILE *f, const struct diags *d, size_t from);
void diags_json(struct json *j, const char *key, const struct diags *d);
void diags_free(struct diags *d);
const char *suggest(const char *word, const struct strv *known);

/* symbols.c: available_filter_functions */
struct symbols {
	const char *path;	/* NULL: not loaded */
	char *origin;		/* "on RELEASE" or "in FILE" (--functions) */
	struct strv names;	/* one per traceable address, in file order */
	struct strv modules;	/* each name's module, "": the kernel's */
};

int symbols_load(struct symbols *sym, const char *path);
bool symbols_match(const struct symbols *sym, const char *glob);
bool symbols_have_module(const struct symbols *sym, const char *module);
long symbols_count(const struct symbols *sym, const struct hook_cfg *cfg);
long symbols_glob(const struct symbols *sym, const char *glob,
		  struct strv *names);
void symbols_free(struct symbols *sym);

/* profile.c */
/* An entry "a|b" of a hook's function globs, as this kernel resolved it. */
struct alt_choice {
	const config_setting_t *e;	/* the entry: its file and line */
	const char *list;		/* "filter" or "notrace" */
	const char *entry;		/* "!a|b", as the profile spells it */
	char *chosen;			/* the glob used, "!b" */
	size_t lacking;			/* the alternatives before it */
};

struct phook {
	const char *name;
	const config_setting_t *set;	/* the hook's group: its location */
	struct hook_cfg cfg;
	bool enabled;
	const char *tag;	/* its own, or the profile's */
	bool optional;
	bool skip;		/* optional and missing on this kernel */
	struct alt_choice *alts;	/* its entries with alternatives */
	const config_setting_t *btf_args;	/* args with names from BTF */
	size_t nr_alts;
};

static inline struct hook_ref phook_ref(const struct phook *h)
{
	return (struct hook_ref){ &h->cfg, h->enabled, h->tag };
}

struct profile {
	const char *path;	/* as named on the command line */
	char *incdir;		/* where @include looks, NULL: "." */
	const struct features *feat;	/* the flags and actions it may name */
	config_t lc;
	const char *tag;	/* owner tag of the hooks without their own */
	char *default_tag;	/* profile_tag(): when it sets none */
	struct phook *hooks;
	size_t n;
	unsigned int errors;
	unsigned int pending;	/* selectors of modules not loaded */
	struct diags diags;	/* its errors and warnings, in order */
};

int profile_load(struct profile *p, const char *path, const struct features *f);
void profile_where(const struct profile *p, const config_setting_t *s,
		   char *buf, size_t size);
const char *profile_name(const struct profile *p);
const struct phook *profile_find(const struct profile *p, const char *name);
int profile_check_symbols(struct profile *p, const struct symbols *sym,
			  bool strict);
void profile_diag(struct profile *p, bool warning, const config_setting_t *s,
		  const char *fmt, ...) __printf(4, 5);
void profile_errmsg(const struct profile *p, const config_setting_t *s,
		    const char *fmt, ...) __printf(3, 4);
void profile_free(struct profile *p);

/* alternatives.c: "a|b", the first glob of them this kernel has */
int rule_alternatives(const struct limits *l, const char *entry, char *err,
		      size_t len);
size_t alternatives_len(const char *entry);
bool hook_cfg_has_alternatives(const struct hook_cfg *cfg);
bool profile_has_alternatives(const struct profile *p);
bool alternatives_resolve(struct phook *h, const struct hook_attr *a,
			  const config_setting_t *e, const char *entry,
			  const struct symbols *sym);
void alternatives_unreadable(const struct profile *p,
			     const struct symbols *sym, int err);
void alternatives_lacking(const struct alt_choice *c, struct strv *out);
char *alternatives_note(const struct phook *h, const struct alt_choice *c,
			const struct symbols *sym);
void alternatives_free(struct phook *h);

/* fetchspec.c: args' NAME=FETCH[:TYPE], as module/fetch.c */
#define FETCH_NAME_MAX	32		/* bytes of a name, NUL included */
#define FETCH_OFF_MAX	0x7fffffff	/* of one +OFF() */
#define FETCH_EXPR_MAX	512		/* bytes of one FETCH this tool makes */

bool fetch_type_known(const char *type);
int fetch_name_check(const char *name, char *err, size_t len);
bool fetch_is_spec(const char *entry);
int fetch_canonical(const struct limits *l, const char *spec, char **out,
		    char *err, size_t len);
size_t fetch_name_len(const char *spec);

/* btfargs.c: "file->f_pos" to a fetch specification, from the kernel's BTF */
#define BTF_DEFAULT	"/sys/kernel/btf"

struct btf_src;

struct btf_src *btf_src_open(const char *path);
void btf_src_free(struct btf_src *b);
bool btf_src_usable(struct btf_src *b, char *err, size_t len);
int btf_resolve(struct btf_src *b, const struct limits *l, const char *func,
		const char *mod, const char *entry, char **spec, char *err,
		size_t len);

/* args.c: a profile's args, a count or named arguments */
void profile_parse_args(struct profile *p, struct phook *h, const config_setting_t *s);
bool args_named(const struct hook_cfg *cfg);
bool args_count_form(const struct strv *sv);
unsigned int profile_resolve_args(struct profile *p, const char *btf,
				  bool check_only);

/* selectors.c: "GLOB:mod:MODULE" and "0xHEX" tokens of filter, notrace */
#define MOD_SELECTOR	":mod:"

bool token_is_address(const char *tok);
const char *token_module(const char *tok);
int rule_address(const char *tok, char *err, size_t len);
int rule_selector(const char *tok, char *err, size_t len);
char *token_canonical(const char *tok);
bool profile_has_selectors(const struct profile *p);

/* list.c: what the globs match; hooks too wide to record every call */
/*
 * A hook whose action is log or stack writes one trace event per call
 * of every function it hooks.  The hottest kernel functions are called
 * millions of times a second, so the events of a few thousand of them
 * overrun the trace buffer and cost the machine more than the hook can
 * tell: "*" is about 39,000 functions on Debian's 6.1.  A thousand is
 * far above what a hook written for one subsystem needs (sched.cfg's
 * widest matches a few dozen), so only the mistake is refused.
 */
#define WIDE_HOOK_MAX	1000

void print_list(FILE *f, const struct profile *p, const struct symbols *sym,
		const struct strv *only, bool json);
int profile_check_wide(struct profile *p, struct symbols *sym,
		       const char *functions, bool force);

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

static inline struct hook_ref khook_ref(const struct khook *kh)
{
	return (struct hook_ref){ &kh->live, kh->enabled, kh->tag };
}

int kstate_open(struct kstate *ks, const char *root);
int kstate_load(struct kstate *ks);
int khook_load(const struct kstate *ks, const char *name, struct khook *kh);
const struct khook *kstate_find(const struct kstate *ks, const char *name);
void khook_free(struct khook *kh);
void kstate_free(struct kstate *ks);

/* plan.c: which attributes differ, one attr_bit() each */
#define DIFF_STAGED	0x80000000u	/* rollback checks: staged attributes */

/* The attributes of struct hook_cfg: they need a commit. */
#define DIFF_CONFIG	attrs_config_mask()

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
	bool delete;		/* remove the profile's hooks instead */
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
void export_profile(FILE *f, const struct kstate *ks, bool json);

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
extern unsigned int json_documents;	/* ended by j_end(): printed */

/* output.c */
void print_plan(FILE *f, const struct plan *pl, const char *profile, bool json);
void print_diff(FILE *f, const struct plan *pl, const struct profile *p,
		bool json);
void print_outcome(FILE *f, const struct plan *pl, const struct profile *p,
		   const struct outcome *out, bool json);
void print_check(FILE *f, const struct profile *p, const struct symbols *sym,
		 bool json);
void print_alternatives(FILE *f, const struct profile *p,
			const struct symbols *sym);
void print_invalid(FILE *f, const struct profile *p, int status);
void print_error(FILE *f, const char *profile, int status);

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
