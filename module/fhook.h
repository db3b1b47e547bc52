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
#include <linux/mutex.h>
#include <linux/percpu.h>
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
#define FHOOK_LIVE_MAX		16384

/* The ftrace_ops flags a user may ask for; everything else is ftrace's. */
#define FHOOK_USER_FLAGS	(FTRACE_OPS_FL_SAVE_REGS |		\
				 FTRACE_OPS_FL_SAVE_REGS_IF_SUPPORTED |	\
				 FTRACE_OPS_FL_RECURSION |		\
				 FTRACE_OPS_FL_IPMODIFY |		\
				 FTRACE_OPS_FL_RCU |			\
				 FTRACE_OPS_FL_PERMANENT)

struct fhook;
struct fhook_cpu;

/*
 * An action is what a hook does on each call of a hooked function.  Adding
 * one is an entry in fhook_actions[] (action.c) and its handler.
 */
struct fhook_action {
	const char *name;
	void (*handler)(struct fhook *hook, struct fhook_cpu *pc,
			unsigned long ip, unsigned long parent_ip,
			struct ftrace_regs *fregs);
	bool modifies_ip;	/* needs IPMODIFY; refused otherwise */
	bool needs_rcu;		/* handler uses RCU: skip calls RCU ignores */
};

extern const struct fhook_action fhook_actions[];
extern const unsigned int fhook_nr_actions;

/* A configuration, staged or live. */
struct fhook_config {
	char *filter;		/* canonical glob list, NULL when empty */
	char *notrace_globs;	/* canonical glob list, NULL when empty */
	unsigned long flags;	/* subset of FHOOK_USER_FLAGS */
	unsigned long actions;	/* bit i set: fhook_actions[i] */
};

/* A committed configuration and the ftrace_ops that implements it. */
struct fhook_live {
	struct ftrace_ops ops;
	struct fhook *hook;
	struct fhook_config cfg;
	u64 generation;
	bool needs_rcu;		/* some action needs RCU and RCU flag unset */
	bool registered;	/* ops is registered with ftrace */
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
};

struct fhook {
	struct config_group group;
	/*
	 * @lock protects @staged, @live, @enabled, @generation, @last_error,
	 * @tag and the counter bases.  The callback takes no lock: it reads only
	 * the per-CPU @cpu state and the immutable struct fhook_live.
	 */
	struct mutex lock;
	struct fhook_config staged;
	struct fhook_live *live;
	bool enabled;
	u64 generation;
	u64 hits_base;
	u64 missed_base;
	struct fhook_cpu __percpu *cpu;
	char last_error[FHOOK_ERR_MAX];
	char tag[FHOOK_TAG_MAX + 1];	/* owner label, for tools; not staged */
};

static inline struct fhook *to_fhook(struct config_item *item)
{
	return container_of(to_config_group(item), struct fhook, group);
}

static inline struct fhook_live *ops_to_live(struct ftrace_ops *ops)
{
	return container_of(ops, struct fhook_live, ops);
}

/* parse.c */
int fhook_parse_globs(const char *buf, size_t len, char **out,
		      char *err, size_t errlen);
int fhook_parse_flags(const char *buf, size_t len, unsigned long *out,
		      char *err, size_t errlen);
int fhook_parse_actions(const char *buf, size_t len, unsigned long *out,
			char *err, size_t errlen);
int fhook_check_name(const char *name, char *err, size_t errlen);
int fhook_parse_tag(const char *buf, size_t len, char *tag,
		    char *err, size_t errlen);
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

/* hook.c */
struct fhook *fhook_alloc(const char *name);
void fhook_free(struct fhook *hook);
int fhook_commit(struct fhook *hook);
int fhook_set_enabled(struct fhook *hook, bool enable);
void fhook_shutdown(struct fhook *hook);
void fhook_read_counters(struct fhook *hook, u64 *hits, u64 *missed);
void fhook_reset_counters(struct fhook *hook);
__printf(2, 3) void fhook_set_error(struct fhook *hook, const char *fmt, ...);
void fhook_config_free(struct fhook_config *cfg);

/* action.c */
void fhook_callback(unsigned long ip, unsigned long parent_ip,
		    struct ftrace_ops *op, struct ftrace_regs *fregs);

/* configfs.c */
int fhook_configfs_init(void);
void fhook_configfs_exit(void);

#endif /* _FHOOK_H */
