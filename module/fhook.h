/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fhook: declarative ftrace function hooks managed through configfs.
 *
 * A hook is a configfs directory.  Userspace stages a configuration in its
 * attributes; "commit" turns the staged configuration into a new, immutable
 * struct fhook_live (an ftrace_ops plus the configuration it was built
 * from) and switches the hook over to it.
 */
#ifndef _FHOOK_H
#define _FHOOK_H

#include <linux/configfs.h>
#include <linux/ftrace.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/trace_recursion.h>
#include <linux/types.h>
#include <asm/local64.h>

#define FHOOK_VERSION		"0.2.0"
#define FHOOK_NAME_MAX		64
#define FHOOK_ERR_MAX		256
#define FHOOK_TAG_MAX		64
/*
 * configfs hands a store at most 4095 bytes of a write() and passes the
 * rest to a second store, so a 4095-byte value may be a truncated one:
 * accept one byte less and a longer write fails on its first part.
 */
#define FHOOK_INPUT_MAX		4094
#define FHOOK_GLOBS_MAX		256
#define FHOOK_GLOB_MAX		(KSYM_NAME_LEN - 1)	/* bytes per glob */
#define FHOOK_LIVE_MAX		16384
#define FHOOK_ARGS_MAX		6	/* x86-64 register arguments */
#define FHOOK_STACK_MAX		64
#define FHOOK_STACK_DEFAULT	16
#define FHOOK_PIDS_MAX		64
#define FHOOK_COMM_MAX		16	/* globs */
#define FHOOK_COMM_GLOB_MAX	64	/* bytes per glob */
#define FHOOK_SAMPLE_MAX	1000000000U
#define FHOOK_SYM_MAX		127
#define FHOOK_PID_LIMIT		4194304	/* PID_MAX_LIMIT on 64-bit */
#define FHOOK_MOD_SEP		":mod:"	/* GLOB:mod:MODULE, as tracefs */

/* The ftrace_ops flags a user may ask for; everything else is ftrace's. */
#define FHOOK_USER_FLAGS	(FTRACE_OPS_FL_SAVE_REGS |		\
				 FTRACE_OPS_FL_SAVE_REGS_IF_SUPPORTED |	\
				 FTRACE_OPS_FL_RECURSION |		\
				 FTRACE_OPS_FL_IPMODIFY |		\
				 FTRACE_OPS_FL_RCU |			\
				 FTRACE_OPS_FL_PERMANENT)

struct fhook;
struct fhook_cpu;
struct fhook_event;
struct fhook_live;
struct fhook_modev;

/* One call of a hooked function, as the actions see it. */
struct fhook_call {
	struct fhook_live *live;
	struct fhook_cpu *pc;
	unsigned long ip;		/* the hooked function (its fentry site) */
	unsigned long parent_ip;
	unsigned long caller;		/* resolved on first use; 0: not yet */
	int idx;			/* the function's in live->funcs */
	struct ftrace_regs *fregs;
	bool record;			/* sampling: log/stack write this call */
};

/*
 * An action is what a hook does on each call of a hooked function.  Adding
 * one is an entry in fhook_actions[] (action.c), its handler and its case
 * in fhook_run_action().  The order of the table is the order of
 * features, of reads and of execution.
 */
struct fhook_action {
	const char *name;
	bool modifies_ip;	/* needs IPMODIFY; IPMODIFY needs one of these */
	bool needs_rcu;		/* skipped (missed) where RCU is not watching */
	bool records;		/* writes trace records: subject to sample */
};

enum {
	FHOOK_ACT_COUNT,
	FHOOK_ACT_LOG,
	FHOOK_ACT_STACK,
	FHOOK_ACT_CALLERS,
	FHOOK_ACT_REDIRECT,
	FHOOK_NR_ACTIONS
};

extern const struct fhook_action fhook_actions[FHOOK_NR_ACTIONS];

/*
 * A fetch specification (fetch.c): NAME=FETCH:TYPE, where FETCH is register
 * argument @arg after @depth loads, load i at the address the value so
 * far plus @off[i].  For a string the last load is the string's address.
 */
#define FHOOK_FETCH_MAX		16	/* fetches per hook */
#define FHOOK_FETCH_DEPTH	8	/* loads per fetch, as nested +OFF() */
#define FHOOK_FETCH_NAME_MAX	32	/* bytes of a name, NUL included */
#define FHOOK_FETCH_OFF_MAX	0x7fffffff
#define FHOOK_FETCH_CHUNK	64	/* bytes a string copy reads at once */

enum {
	FHOOK_FT_U8, FHOOK_FT_U16, FHOOK_FT_U32, FHOOK_FT_U64,
	FHOOK_FT_S8, FHOOK_FT_S16, FHOOK_FT_S32, FHOOK_FT_S64,
	FHOOK_FT_X8, FHOOK_FT_X16, FHOOK_FT_X32, FHOOK_FT_X64,
	FHOOK_FT_STRING, FHOOK_FT_USTRING,
	FHOOK_NR_FTYPES
};

struct fhook_ftype {
	const char *name;
	u8 size;		/* bytes; 0 for a string */
	bool is_signed;
	bool hex;
};

extern const struct fhook_ftype fhook_ftypes[FHOOK_NR_FTYPES];

struct fhook_fetch {
	char name[FHOOK_FETCH_NAME_MAX];
	u8 arg;			/* 0-based */
	u8 depth;
	u8 type;
	long off[FHOOK_FETCH_DEPTH];
};

struct fhook_fetches {
	unsigned int nr;
	struct fhook_fetch f[];
};

/* A configuration, staged or live. */
struct fhook_config {
	char *filter;		/* canonical glob list, NULL when empty */
	char *notrace_globs;	/* canonical glob list, NULL when empty */
	char *comm;		/* canonical glob list, NULL when empty */
	unsigned long flags;	/* subset of FHOOK_USER_FLAGS */
	unsigned long actions;	/* bit i set: fhook_actions[i] */
	unsigned int args;	/* raw arguments; 0 with @fetches */
	struct fhook_fetches *fetches;	/* or NULL */
	unsigned int stack_depth;
	unsigned int sample;
	unsigned int nr_pids;
	u32 pids[FHOOK_PIDS_MAX];	/* sorted ascending, unique */
	char target[FHOOK_SYM_MAX + 1];
};

/*
 * The functions a configuration hooks and their per-function counters.
 * Built at commit, immutable but for the counters.  @table maps an address
 * to its index in @ips (open addressing, an address of 0 is an empty slot,
 * at most 3/4 full): a slot holds the address itself, so a lookup reads
 * one slot, not a slot and then @ips.  @ip0 is @ips[0], for the lookup of
 * a one-function set.
 *
 * The counters of action count are per CPU, so a call increments memory
 * no other CPU writes.  Up to FHOOK_PCPU_FUNCS functions they are in the
 * per-CPU area (@pcounts): one %gs-relative increment, in memory local to
 * the CPU.  Beyond that (the per-CPU allocator serves at most 32 KiB at a
 * time, from an area the whole kernel shares) @counts has one row of @nr
 * counters per possible CPU, @stride counters apart: rows padded to whole
 * cache lines, so two CPUs never write one line.  @rows holds each CPU's
 * row, so that a call finds its own with one %gs-relative load instead of
 * multiplying its CPU number by @stride.
 */
#define FHOOK_PCPU_FUNCS	512

struct fhook_slot {
	unsigned long ip;
	unsigned long idx;
};

struct fhook_funcs {
	unsigned int nr;
	unsigned int mask;	/* @table's slots - 1 */
	unsigned long ip0;
	unsigned long *ips;	/* sorted ascending */
	struct fhook_slot *table;
	unsigned int shift;	/* 64 - log2(@table's slots): the hash */
	bool counted;		/* action count: the counters below exist */
	u64 __percpu *pcounts;	/* [index], or NULL: see @counts */
	local64_t *counts;	/* [cpu * stride + index] */
	local64_t * __percpu *rows;	/* each CPU's row of @counts */
	unsigned int stride;
	u64 *carry;		/* brought over from the previous config */
	u64 *base;		/* subtracted on reads: reset */
};

/*
 * The (function, caller) table of action callers: a fixed-size open
 * addressing table filled from the callback without locks.  A slot is
 * claimed with cmpxchg (EMPTY -> BUSY), filled, then published (READY);
 * a caller that meets a BUSY slot probes on, so two slots may end up with
 * the same pair, which readers add up.
 */
enum { FHOOK_SLOT_EMPTY, FHOOK_SLOT_BUSY, FHOOK_SLOT_READY };

struct fhook_caller {
	atomic_t state;
	unsigned long func;
	unsigned long caller;
	atomic64_t hits;
	u64 base;		/* reset; under the hook's lock */
};

struct fhook_callers {
	unsigned int bits;
	atomic64_t lost;	/* calls that found the table full */
	u64 lost_base;
	struct fhook_caller slot[];
};

/*
 * A registered (or registrable) ftrace_ops.  Several successive live
 * configurations with the same functions and flags share one, so that a
 * commit changing only actions or predicates re-registers nothing.
 * @users, @registered and @anchored are protected by the hook's lock.
 */
struct fhook_ops {
	struct ftrace_ops ops;
	struct fhook *hook;
	struct fhook_cpu __percpu *cpu;	/* @hook's, one load nearer */
	unsigned int users;
	bool registered;
	bool anchored;		/* hooks nothing: see fhook_ops_anchor() */
	bool wide;		/* its filter holds more than the live set */
};

/* A committed configuration and what implements it. */
struct fhook_live {
	struct fhook_ops *fops;
	struct fhook *hook;
	const char *name;		/* the hook's, for trace records */
	unsigned int name_len;		/* strlen(name) */
	struct fhook_config cfg;
	u64 generation;
	bool gone;		/* a redirect whose function or target left */
	bool needs_rcu;		/* some action needs RCU and RCU flag unset */
	bool records;		/* some action writes trace records */
	bool count_hits;	/* hits are the counters' sum (count.c) */
	struct fhook_funcs *funcs;
	struct fhook_callers *callers;	/* NULL without action callers */
	unsigned long target_addr;	/* redirect; module reference held */
	struct fhook_event *event;	/* named args: fhook:<hook> */
};

/*
 * Per-CPU state read by the callback.  @active is written only from the
 * CPU it belongs to inside stop_machine(), or while no ops of the hook is
 * registered, so a callback never sees it change halfway through a call.
 */
struct fhook_cpu {
	struct fhook_live *active;
	local64_t hits;
	local64_t missed;
	local64_t sample_seq;
};

/*
 * A rendered binary attribute: @size bytes from fhook_text_alloc(), which
 * counts them against the readers' cap, of which @len are text.
 */
struct fhook_text {
	char *buf;
	size_t size;
	size_t len;
};

struct fhook {
	struct config_group group;
	struct list_head node;		/* in modules.c's list of hooks */
	/*
	 * @lock protects @staged, @live, @enabled, @generation, @last_error,
	 * @tag, the counter bases and the fhook_ops users.
	 * The callback takes no lock: it reads only the per-CPU @cpu state,
	 * the immutable struct fhook_live and its lock-free counters.
	 */
	struct mutex lock;
	struct fhook_config staged;
	struct fhook_live *live;
	bool enabled;
	u64 generation;
	u64 hits_base;
	u64 hits_retired;	/* derived hits of configurations gone */
	u64 missed_base;
	struct fhook_cpu __percpu *cpu;
	char last_error[FHOOK_ERR_MAX];
	char tag[FHOOK_TAG_MAX + 1];	/* owner label, for tools; not staged */
};

static inline struct fhook *to_fhook(struct config_item *item)
{
	return container_of(to_config_group(item), struct fhook, group);
}

static inline struct fhook_ops *to_fhook_ops(struct ftrace_ops *ops)
{
	return container_of(ops, struct fhook_ops, ops);
}

static inline bool fhook_has(const struct fhook_config *cfg, int action)
{
	return cfg->actions & BIT(action);
}

/* parse.c */
typedef int (*fhook_word_fn)(const char *word, size_t n, void *arg);
int fhook_split_words(const char *buf, size_t len, fhook_word_fn fn,
		      void *arg);
int fhook_check_value(const char *buf, size_t len, char *err, size_t errlen);
int fhook_parse_globs(const char *buf, size_t len, char **out,
		      char *err, size_t errlen);
int fhook_parse_flags(const char *buf, size_t len, unsigned long *out,
		      char *err, size_t errlen);
int fhook_parse_actions(const char *buf, size_t len, unsigned long *out,
			char *err, size_t errlen);
int fhook_check_name(const char *name, char *err, size_t errlen);
int fhook_parse_tag(const char *buf, size_t len, char *tag,
		    char *err, size_t errlen);
int fhook_parse_uint(const char *buf, size_t len, unsigned int min,
		     unsigned int max, unsigned int *out, char *err,
		     size_t errlen);
int fhook_parse_pids(const char *buf, size_t len, struct fhook_config *cfg,
		     char *err, size_t errlen);
int fhook_parse_comm(const char *buf, size_t len, char **out,
		     char *err, size_t errlen);
int fhook_parse_symbol(const char *buf, size_t len, char *sym,
		       char *err, size_t errlen);
ssize_t fhook_format_pids(const struct fhook_config *cfg, char *buf,
			  size_t size);
ssize_t fhook_format_flags(unsigned long flags, char *buf, size_t size);
ssize_t fhook_format_actions(unsigned long actions, char *buf, size_t size);
size_t fhook_globs_size(const char *globs);
ssize_t fhook_format_globs(const char *globs, char sep, char *buf,
			   size_t size);

/*
 * A canonical glob list is a run of NUL-terminated globs ended by an empty
 * string: walk it with for (g = list; g && *g; g = fhook_glob_next(g)).
 */
static inline const char *fhook_glob_next(const char *glob)
{
	return glob + strlen(glob) + 1;
}

/* fetch.c: named, typed fetches for action log */
bool fhook_looks_like_fetches(const char *buf, size_t len);
int fhook_parse_fetches(const char *buf, size_t len,
			struct fhook_fetches **out, char *err, size_t errlen);
struct fhook_fetches *fhook_fetches_dup(const struct fhook_fetches *f);
bool fhook_fetches_equal(const struct fhook_fetches *a,
			 const struct fhook_fetches *b);
ssize_t fhook_format_fetches(const struct fhook_fetches *f, char sep,
			     char *buf, size_t size);
int fhook_fetch_value(const struct fhook_fetch *f, const unsigned long *args,
		      u64 *val);
int fhook_fetch_string(const struct fhook_fetch *f, const unsigned long *args,
		       char *buf, size_t size);

/* hook.c */
struct fhook *fhook_alloc(const char *name);
int fhook_config_copy(struct fhook_config *dst,
		      const struct fhook_config *src);
void fhook_free(struct fhook *hook);
int fhook_commit(struct fhook *hook);
int fhook_set_enabled(struct fhook *hook, bool enable);
void fhook_shutdown(struct fhook *hook);
void fhook_follow_module(struct fhook *hook, struct fhook_modev *ev);
void fhook_read_counters(struct fhook *hook, u64 *hits, u64 *missed);
void fhook_reset_counters(struct fhook *hook);
__printf(2, 3) void fhook_set_error(struct fhook *hook, const char *fmt, ...);
void fhook_config_free(struct fhook_config *cfg);

/* action.c */
int fhook_actions_init(void);
void fhook_actions_exit(void);
void fhook_callback(unsigned long ip, unsigned long parent_ip,
		    struct ftrace_ops *op, struct ftrace_regs *fregs);
bool fhook_args_need_save_regs(void);
bool fhook_redirect_needs_save_regs(void);
void fhook_callback_log(unsigned long ip, unsigned long parent_ip,
			struct ftrace_ops *op, struct ftrace_regs *fregs);
void fhook_callback_log_nolock(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *op,
			       struct ftrace_regs *fregs);

/* count.c: the callbacks of a hook that only counts */
void fhook_callback_count(unsigned long ip, unsigned long parent_ip,
			  struct ftrace_ops *op, struct ftrace_regs *fregs);
void fhook_callback_count1(unsigned long ip, unsigned long parent_ip,
			   struct ftrace_ops *op, struct ftrace_regs *fregs);
ftrace_func_t fhook_callback_pick(const struct fhook_config *cfg);
ftrace_func_t fhook_callback_sized(ftrace_func_t func, unsigned int nr);
bool fhook_callback_counts_only(ftrace_func_t func);
bool fhook_callback_same_kind(ftrace_func_t a, ftrace_func_t b);

/*
 * The start of kernel/trace/trace.h's struct ftrace_hash, private to the
 * kernel: the hash of an ftrace_ops' filter and notrace lists, whose
 * buckets chain the public struct ftrace_func_entry.  layout.c checks at
 * load that the running kernel still has this layout.
 */
struct fhook_ftrace_hash {
#ifdef FHOOK_TEST_LAYOUT_SKEW
	/* A test build's stand-in for a kernel whose layout moved. */
	unsigned long skew;
#endif
	unsigned long size_bits;
	struct hlist_head *buckets;
	unsigned long count;
};

/* layout.c */
int fhook_layout_check(void);

/* funcs.c: the hooked functions, their counters, the caller table */
int fhook_cmp_ulong(const void *a, const void *b);
int fhook_ops_filter_ips(struct ftrace_ops *ops, unsigned long **ips,
			 unsigned int *nr);
struct fhook_funcs *fhook_funcs_build(const unsigned long *ips,
				      unsigned int nr, bool counts);
void fhook_funcs_free(struct fhook_funcs *f);
bool fhook_funcs_equal(const struct fhook_funcs *a,
		       const struct fhook_funcs *b);
u64 fhook_funcs_read(const struct fhook_funcs *f, unsigned int idx);
u64 fhook_funcs_calls(const struct fhook_funcs *f);
void fhook_funcs_carry(struct fhook_funcs *to, const struct fhook_funcs *from);
void fhook_funcs_reset(struct fhook_funcs *f);
struct fhook_callers *fhook_callers_alloc(unsigned int nr_funcs);
void fhook_callers_free(struct fhook_callers *c);
void fhook_callers_add(struct fhook_callers *c, unsigned long func,
		       unsigned long caller, u64 n);
void fhook_callers_carry(struct fhook_callers *to,
			 const struct fhook_callers *from,
			 const struct fhook_funcs *funcs);
void fhook_callers_reset(struct fhook_callers *c);

/* The hash of @ip in a table of 2^(64 - @shift) slots: hash_64()'s. */
static inline u32 fhook_funcs_hash(unsigned long ip, unsigned int shift)
{
	return (u64)ip * GOLDEN_RATIO_64 >> shift;
}

/*
 * The slot of function @ip in @f's table, or NULL.  Called from the
 * callbacks (any context, no locks) on every call of a hook of many
 * functions: inline, and with the hash's shift and the table's mask kept
 * ready in @f.  The table always has an empty slot (it has over 4/3 @nr
 * slots, fhook_funcs_index_build()), where the probe for an address not
 * in it ends.
 */
static __always_inline const struct fhook_slot *
fhook_funcs_slot(const struct fhook_funcs *f, unsigned long ip)
{
	u32 h = fhook_funcs_hash(ip, f->shift);
	const struct fhook_slot *slot;

	for (;;) {
		slot = &f->table[h];
		if (slot->ip == ip)
			return slot;
		if (!slot->ip)
			return NULL;
		h = (h + 1) & f->mask;
	}
}

/*
 * The index of function @ip in @f, or -1: a single comparison for the
 * common one-function hook.
 */
static __always_inline int fhook_funcs_index(const struct fhook_funcs *f,
					     unsigned long ip)
{
	const struct fhook_slot *slot;

	if (f->nr == 1)
		return f->ip0 == ip ? 0 : -1;
	slot = fhook_funcs_slot(f, ip);
	return slot ? slot->idx : -1;
}

bool fhook_funcs_has_other(const struct fhook_funcs *f, unsigned long ip);

/*
 * Is @ip one of @f's functions?  For the callbacks that need no index:
 * the first (or only) function is one comparison, the others a lookup out
 * of line.  An empty set's @ip0 is 0, never a function.
 */
static __always_inline bool fhook_funcs_has(const struct fhook_funcs *f,
					    unsigned long ip)
{
	return likely(f->ip0 == ip) || fhook_funcs_has_other(f, ip);
}

/*
 * Count a call of function @idx of the counted @f on this CPU, with
 * preemption off.  Both forms are one instruction that an interrupt or
 * NMI cannot tear: a per-CPU increment, or local64_inc().
 */
static __always_inline void fhook_funcs_inc(struct fhook_funcs *f,
					    unsigned int idx)
{
	if (f->pcounts)
		this_cpu_inc(f->pcounts[idx]);
	else
		local64_inc(&this_cpu_read(*f->rows)[idx]);
}

/* A sorted, duplicate-free set of call-site addresses. */
struct fhook_ipset {
	unsigned long *ip;
	unsigned int nr;
};

/* resolve.c: from filter and notrace tokens to functions */
void fhook_ipset_free(struct fhook_ipset *s);
int fhook_ipset_add(struct fhook_ipset *s, const unsigned long *ips,
		    unsigned int n);
void fhook_ipset_sub(struct fhook_ipset *a, const struct fhook_ipset *b);
void fhook_ipset_filter(struct fhook_ipset *s,
			bool (*keep)(unsigned long ip, const void *arg),
			const void *arg);
const char *fhook_ip_module(unsigned long ip, char *sym);
int fhook_resolve(struct fhook *hook, const struct fhook_config *cfg,
		  struct fhook_ipset *out);
bool fhook_cfg_matches(const struct fhook_config *cfg, const char *name,
		       const char *mod, char *buf);

/* A function of a loading module, named as ftrace's matching names it. */
struct fhook_modfunc {
	unsigned long ip;
	const char *name;
};

enum fhook_mod_event {
	FHOOK_MOD_COMING,	/* its functions join the hooks that match */
	FHOOK_MOD_INIT_DONE,	/* its init functions leave every hook */
	FHOOK_MOD_GOING,	/* all its functions leave every hook */
};

struct fhook_modev {
	enum fhook_mod_event event;
	struct module *mod;
	/* COMING, made by fhook_modev_prepare() on first use: */
	bool prepared;
	int error;
	struct fhook_modfunc *funcs;	/* every traceable function */
	unsigned int nr;
	char *buf;			/* KSYM_NAME_LEN of scratch */
};

/* modules.c: hooks follow modules */
int fhook_modules_init(void);
void fhook_modules_exit(void);
void fhook_hooks_add(struct fhook *hook);
void fhook_hooks_del(struct fhook *hook);
void fhook_gone_filter(struct fhook_ipset *s);
int fhook_modev_prepare(struct fhook_modev *ev);

/* render.c: text of the binary attributes, and read snapshots */
void fhook_sym_print(char *buf, unsigned long addr, bool offset);
int fhook_text_alloc(struct fhook_text *t, size_t size);
void fhook_text_free(struct fhook_text *t);
int fhook_render_functions(struct fhook *hook, struct fhook_text *t);
int fhook_render_stats(struct fhook *hook, struct fhook_text *t);
ssize_t fhook_bin_read(struct fhook *hook, const char *attr, void *buf,
		       size_t count,
		       int (*render)(struct fhook *hook, struct fhook_text *t));
void fhook_snapshots_free(struct fhook *hook);

/* events.c: the trace events and the fhook tracefs instance */
int fhook_events_init(void);
void fhook_events_exit(void);

/* hookevent.c: the trace event fhook:<hook> of a hook with named args */
int fhook_hookevents_init(void);
void fhook_hookevents_exit(void);
struct fhook_event *fhook_event_create(const char *name,
				       const struct fhook_fetches *fetches,
				       char *err, size_t errlen);
struct fhook_event *fhook_event_get(struct fhook_event *ev);
void fhook_event_put(struct fhook_event *ev);
int fhook_event_retire(struct fhook_event *ev, char *err, size_t errlen);
int fhook_event_revive(struct fhook_event *ev);
bool fhook_event_same(const struct fhook_event *ev, const char *name,
		      const struct fhook_fetches *fetches);
void fhook_event_log(struct fhook_event *ev, const struct fhook_call *call,
		     const unsigned long *args);
struct trace_array *fhook_events_instance(void);

/* configfs.c */
int fhook_configfs_init(void);
void fhook_configfs_exit(void);

#endif /* _FHOOK_H */
