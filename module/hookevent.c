// SPDX-License-Identifier: GPL-2.0
/*
 * One trace event per hook that logs named fetches: fhook:<hook>, whose
 * fields are the hook's fetches, made at commit and removed with the hook,
 * as kprobe events make one per probe.  Its records go to every trace
 * file that enabled it (the fhook instance, the top level, trace-cmd's)
 * and to perf, so filters, triggers, hist and perf work on its fields.
 *
 * Adding and removing an event needs event_mutex, which is not exported.
 * Every call of an event's class->reg for REGISTER or UNREGISTER runs with
 * it held, from trace_array_set_clr_event(); so the operation is run from
 * the reg callback of a control event of our own, fhook:fhook_ctl, which
 * fhook_ctl_run() enables and disables in the fhook instance.  The lock
 * order is then the kernel's own: event_mutex, then trace_types_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/perf_event.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/trace.h>
#include <linux/trace_events.h>
#include <linux/workqueue.h>

#include "fhook.h"

#define FHOOK_EV_CTL		"fhook_ctl"
#define FHOOK_EV_FAULT		"(fault)"
/* A record stays within one ring-buffer page and under perf's limit. */
#define FHOOK_EV_STRINGS_MAX	1024	/* bytes of all strings of a record */
#define FHOOK_EV_STRING_MAX	256	/* bytes of one string, NUL included */

/* A trace file that enabled the event: written by reg, read by the callback. */
struct fhook_ev_link {
	struct list_head list;
	struct trace_event_file *file;
	struct rcu_head rcu;
};

struct fhook_event_field {
	unsigned int offset;	/* in the record, trace_entry included */
	unsigned int size;	/* 4 for a string's __data_loc */
};

struct fhook_event {
	struct trace_event_call call;
	struct trace_event_class class;
	/* links, RCU: changed by reg under event_mutex */
	struct list_head files;
	bool perf;		/* perf has the event open: reg */
	bool added;		/* in tracefs: under fhook_ctl_mutex */
	unsigned int users;	/* live configurations: under the hook's lock */
	struct list_head zombie;	/* on fhook_zombies */
	struct fhook_fetches *fetches;
	struct fhook_event_field field[FHOOK_FETCH_MAX];
	unsigned int size;	/* of the record without its strings */
	u32 layout;		/* stamped in each record: fhook_event_print() */
	char name[FHOOK_NAME_MAX + 1];
	char *print_fmt;
};

static struct trace_event_functions fhook_event_funcs;

/*
 * Where func and caller are: after the common header, aligned as
 * TRACE_EVENT would align them (6.1's PREEMPT_RT header is 12 bytes).
 */
#define FHOOK_EV_FUNC		ALIGN(sizeof(struct trace_entry), sizeof(long))
#define FHOOK_EV_CALLER		(FHOOK_EV_FUNC + sizeof(long))
#define FHOOK_EV_LAYOUT		(FHOOK_EV_CALLER + sizeof(long))

/*
 * Each event made gets a layout number of its own, written in every
 * record.  The kernel reuses a removed event's id for the next one (the
 * lowest free, from 6.6 on), and records of the old fields may still be
 * in the ring buffer: a commit that changes a hook's fields replaces its
 * event, and the new print must not read them as its own.
 */
static atomic_t fhook_event_layouts = ATOMIC_INIT(0);

/* ---- the control event ------------------------------------------------ */

/*
 * fhook_ctl_mutex serialises the operations run through fhook_ctl and
 * protects fhook_ctl_op and each event's @added.
 */
static DEFINE_MUTEX(fhook_ctl_mutex);
static struct {
	int (*fn)(struct fhook_event *ev);
	struct fhook_event *ev;
	struct task_struct *owner;
	bool done;
	int ret;
} fhook_ctl_op;

static int fhook_ctl_reg(struct trace_event_call *call, enum trace_reg type,
			 void *data)
{
	switch (type) {
	case TRACE_REG_REGISTER:
	case TRACE_REG_UNREGISTER:
		/* event_mutex is held: run the pending operation, once. */
		if (fhook_ctl_op.owner == current && !fhook_ctl_op.done) {
			fhook_ctl_op.ret = fhook_ctl_op.fn(fhook_ctl_op.ev);
			fhook_ctl_op.done = true;
		}
		return 0;
	default:
		/* perf may open it (fhook:* say); it never fires. */
		return 0;
	}
}

static struct trace_event_fields fhook_ctl_fields[] = { {} };

static struct trace_event_class fhook_ctl_class = {
	.system		= "fhook",
	.reg		= fhook_ctl_reg,
	.fields_array	= fhook_ctl_fields,
	.fields		= LIST_HEAD_INIT(fhook_ctl_class.fields),
	.raw_init	= trace_event_raw_init,
};

static struct trace_event_functions fhook_ctl_funcs;

static struct trace_event_call fhook_ctl_call = {
	.class		= &fhook_ctl_class,
	.name		= FHOOK_EV_CTL,
	.event.funcs	= &fhook_ctl_funcs,
	.print_fmt	= "\"\"",
};

/* The module loader registers the events of this section, as TRACE_EVENT's. */
static struct trace_event_call __used __section("_ftrace_events") *
fhook_ctl_event = &fhook_ctl_call;

/* Run @fn(@ev) with event_mutex held (see the top of the file). */
static int fhook_ctl_run(int (*fn)(struct fhook_event *ev),
			 struct fhook_event *ev)
{
	struct trace_array *tr = fhook_events_instance();
	bool done;
	int ret;

	lockdep_assert_held(&fhook_ctl_mutex);
	fhook_ctl_op.fn = fn;
	fhook_ctl_op.ev = ev;
	fhook_ctl_op.done = false;
	fhook_ctl_op.owner = current;
	/* Left enabled by a user, only the disable calls reg. */
	trace_array_set_clr_event(tr, "fhook", FHOOK_EV_CTL, true);
	trace_array_set_clr_event(tr, "fhook", FHOOK_EV_CTL, false);
	fhook_ctl_op.owner = NULL;
	done = fhook_ctl_op.done;
	ret = fhook_ctl_op.ret;
	if (!done) {
		pr_warn("%s: the control event did not run\n", ev->name);
		return -EIO;
	}
	return ret;
}

/* ---- the per-hook events --------------------------------------------- */

/* Per fetch type: the field's C type in the format, and its print_fmt. */
static const struct {
	const char *type;
	const char *fmt;
} fhook_field_kinds[FHOOK_NR_FTYPES] = {
	[FHOOK_FT_U8]		= { "u8",  "%u" },
	[FHOOK_FT_U16]		= { "u16", "%u" },
	[FHOOK_FT_U32]		= { "u32", "%u" },
	[FHOOK_FT_U64]		= { "u64", "%llu" },
	[FHOOK_FT_S8]		= { "s8",  "%d" },
	[FHOOK_FT_S16]		= { "s16", "%d" },
	[FHOOK_FT_S32]		= { "s32", "%d" },
	[FHOOK_FT_S64]		= { "s64", "%lld" },
	[FHOOK_FT_X8]		= { "u8",  "0x%x" },
	[FHOOK_FT_X16]		= { "u16", "0x%x" },
	[FHOOK_FT_X32]		= { "u32", "0x%x" },
	[FHOOK_FT_X64]		= { "u64", "0x%llx" },
	[FHOOK_FT_STRING]	= { "__data_loc char[]", "\\\"%s\\\"" },
	[FHOOK_FT_USTRING]	= { "__data_loc char[]", "\\\"%s\\\"" },
};

static bool fhook_is_string(unsigned int type)
{
	return type == FHOOK_FT_STRING || type == FHOOK_FT_USTRING;
}

static int fhook_event_define_fields(struct trace_event_call *call)
{
	struct fhook_event *ev = container_of(call, struct fhook_event, call);
	unsigned int i, t;
	int ret;

	ret = trace_define_field(call, "unsigned long", "func", FHOOK_EV_FUNC,
				 sizeof(long), 0, FILTER_OTHER);
	if (!ret)
		ret = trace_define_field(call, "unsigned long", "caller",
					 FHOOK_EV_CALLER, sizeof(long), 0,
					 FILTER_OTHER);
	if (!ret)
		ret = trace_define_field(call, "u32", "fhook_layout",
					 FHOOK_EV_LAYOUT, sizeof(u32), 0,
					 FILTER_OTHER);
	for (i = 0; !ret && i < ev->fetches->nr; i++) {
		t = ev->fetches->f[i].type;
		ret = trace_define_field(call, fhook_field_kinds[t].type,
					 ev->fetches->f[i].name,
					 ev->field[i].offset, ev->field[i].size,
					 fhook_is_string(t) ||
					 fhook_ftypes[t].is_signed,
					 FILTER_OTHER);
	}
	return ret;
}

static struct trace_event_fields fhook_event_fields[] = {
	{ .type = TRACE_FUNCTION_TYPE,
	  .define_fields = fhook_event_define_fields },
	{}
};

/*
 * Natural alignment, after func, caller and fhook_layout; strings after
 * all of them.
 */
static void fhook_event_layout(struct fhook_event *ev)
{
	unsigned int off = FHOOK_EV_LAYOUT + sizeof(u32), i;
	unsigned int size;

	for (i = 0; i < ev->fetches->nr; i++) {
		size = fhook_is_string(ev->fetches->f[i].type) ? sizeof(u32) :
			fhook_ftypes[ev->fetches->f[i].type].size;
		off = ALIGN(off, size);
		ev->field[i].offset = off;
		ev->field[i].size = size;
		off += size;
	}
	ev->size = off;
}

/* "func=%ps caller=%pS name=FMT ...", REC->func, REC->caller, ... */
static int fhook_event_print_fmt(struct fhook_event *ev)
{
	const struct fhook_fetches *f = ev->fetches;
	size_t size = 64, len;
	unsigned int i;
	char *p;

	for (i = 0; i < f->nr; i++)
		size += 2 * strlen(f->f[i].name) + 32;
	p = kmalloc(size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	len = scnprintf(p, size, "\"func=%%ps caller=%%pS");
	for (i = 0; i < f->nr; i++)
		len += scnprintf(p + len, size - len, " %s=%s", f->f[i].name,
				 fhook_field_kinds[f->f[i].type].fmt);
	len += scnprintf(p + len, size - len, "\", REC->func, REC->caller");
	for (i = 0; i < f->nr; i++)
		len += scnprintf(p + len, size - len,
				 fhook_is_string(f->f[i].type) ?
				 ", __get_str(%s)" : ", REC->%s",
				 f->f[i].name);
	ev->print_fmt = p;
	return 0;
}

static u64 fhook_record_int(const void *rec, unsigned int size)
{
	switch (size) {
	case 1:
		return *(const u8 *)rec;
	case 2:
		return *(const u16 *)rec;
	case 4:
		return *(const u32 *)rec;
	}
	return *(const u64 *)rec;
}

/*
 * The text of a record, as print_fmt says it.  Event ids are reused after
 * an event is removed and the ring buffer may still hold a record of the
 * old layout: every offset is checked against the record's size.
 */
static enum print_line_t fhook_event_print(struct trace_iterator *iter,
					   int flags, struct trace_event *event)
{
	struct trace_event_call *call =
		container_of(event, struct trace_event_call, event);
	struct fhook_event *ev = container_of(call, struct fhook_event, call);
	const struct fhook_fetch *f;
	struct trace_seq *s = &iter->seq;
	const char *rec = (const char *)iter->ent;
	unsigned int i, at, len, type;
	enum print_line_t ret;
	u64 v;

	ret = trace_raw_output_prep(iter, event);
	if (ret != TRACE_TYPE_HANDLED)
		return ret;
	if (iter->ent_size < ev->size ||
	    *(const u32 *)(rec + FHOOK_EV_LAYOUT) != ev->layout) {
		trace_seq_puts(s, "(recorded with the fields before a commit)\n");
		return trace_handle_return(s);
	}
	trace_seq_printf(s, "func=%ps caller=%pS",
			 *(void *const *)(rec + FHOOK_EV_FUNC),
			 *(void *const *)(rec + FHOOK_EV_CALLER));
	for (i = 0; i < ev->fetches->nr; i++) {
		f = &ev->fetches->f[i];
		type = f->type;
		if (fhook_is_string(type)) {
			v = *(const u32 *)(rec + ev->field[i].offset);
			at = v & 0xffff;
			len = v >> 16;
			if (!len || at + len > iter->ent_size ||
			    rec[at + len - 1])
				trace_seq_printf(s, " %s=(bad string)", f->name);
			else
				trace_seq_printf(s, " %s=\"%s\"", f->name,
						 rec + at);
			continue;
		}
		v = fhook_record_int(rec + ev->field[i].offset,
				     ev->field[i].size);
		if (fhook_ftypes[type].hex)
			trace_seq_printf(s, " %s=0x%llx", f->name, v);
		else if (fhook_ftypes[type].is_signed)
			trace_seq_printf(s, " %s=%lld", f->name,
					 sign_extend64(v,
						       ev->field[i].size * 8 - 1));
		else
			trace_seq_printf(s, " %s=%llu", f->name, v);
	}
	trace_seq_putc(s, '\n');
	return trace_handle_return(s);
}

static int fhook_event_reg(struct trace_event_call *call,
			   enum trace_reg type, void *data)
{
	struct fhook_event *ev = container_of(call, struct fhook_event, call);
	struct trace_event_file *file = data;
	struct fhook_ev_link *link;

	switch (type) {
	case TRACE_REG_REGISTER:
		link = kmalloc(sizeof(*link), GFP_KERNEL);
		if (!link)
			return -ENOMEM;
		link->file = file;
		list_add_tail_rcu(&link->list, &ev->files);
		return 0;
	case TRACE_REG_UNREGISTER:
		list_for_each_entry(link, &ev->files, list) {
			if (link->file == file) {
				list_del_rcu(&link->list);
				kfree_rcu(link, rcu);
				break;
			}
		}
		return 0;
#ifdef CONFIG_PERF_EVENTS
	case TRACE_REG_PERF_REGISTER:
		/* After call->perf_events exists: the callback may use it. */
		smp_store_release(&ev->perf, true);
		return 0;
	case TRACE_REG_PERF_UNREGISTER:
		WRITE_ONCE(ev->perf, false);
		return 0;
	default:
		return 0;
#endif
	}
	return 0;
}

static void fhook_event_free(struct fhook_event *ev)
{
	kfree(ev->print_fmt);
	kfree(ev->fetches);
	kfree(ev);
}

/* Under event_mutex, through fhook_ctl. */
static int fhook_event_add_locked(struct fhook_event *ev)
{
	int ret;

	if (!register_trace_event(&ev->call.event))
		return -ENODEV;
	ret = trace_add_event_call(&ev->call);
	if (ret)
		unregister_trace_event(&ev->call.event);
	return ret;
}

/* Under event_mutex: refused while perf, a trigger or a file holds it. */
static int fhook_event_remove_locked(struct fhook_event *ev)
{
	if (atomic_read(&ev->call.refcnt))
		return -EBUSY;
	return trace_remove_event_call(&ev->call);
}

static bool fhook_event_name_ok(const char *name)
{
	const char *p = name;

	if (!*p || isdigit(*p) || strlen(name) >= 64)
		return false;
	for (; *p; p++)
		if (!isalnum(*p) && *p != '_')
			return false;
	return strcmp(name, "fhook_call") && strcmp(name, "fhook_stack") &&
	       strcmp(name, FHOOK_EV_CTL);
}

/* Some other event fhook:@name exists (a user's kprobe event, say). */
static bool fhook_event_name_taken(const char *name)
{
	struct trace_event_file *file;

	file = trace_get_event_file(NULL, "fhook", name);
	if (IS_ERR(file))
		return false;
	trace_put_event_file(file);
	return true;
}

/* Add @ev to tracefs and enable it in the fhook instance. */
static int fhook_event_add(struct fhook_event *ev)
{
	int ret;

	mutex_lock(&fhook_ctl_mutex);
	ret = fhook_ctl_run(fhook_event_add_locked, ev);
	if (!ret)
		ev->added = true;
	mutex_unlock(&fhook_ctl_mutex);
	if (ret)
		return ret;
	ret = trace_array_set_clr_event(fhook_events_instance(), "fhook",
					ev->name, true);
	if (ret)
		pr_warn("%s: cannot enable fhook:%s in the fhook instance: error %d\n",
			ev->name, ev->name, ret);
	return 0;
}

/*
 * Make the event fhook:@name with the fields @fetches names, and enable it
 * in the fhook instance.  @err says why it could not be made.
 */
struct fhook_event *fhook_event_create(const char *name,
				       const struct fhook_fetches *fetches,
				       char *err, size_t errlen)
{
	struct fhook_event *ev;
	int ret;

	if (!fhook_event_name_ok(name)) {
		snprintf(err, errlen,
			 "a hook that logs named args needs a trace event name: letters, digits and '_', not a digit first, not fhook_call, fhook_stack or fhook_ctl");
		return ERR_PTR(-EINVAL);
	}
	ev = kzalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&ev->files);
	INIT_LIST_HEAD(&ev->zombie);
	INIT_LIST_HEAD(&ev->class.fields);
	strscpy(ev->name, name, sizeof(ev->name));
	ev->fetches = fhook_fetches_dup(fetches);
	if (!ev->fetches || fhook_event_print_fmt(ev)) {
		fhook_event_free(ev);
		return ERR_PTR(-ENOMEM);
	}
	fhook_event_layout(ev);
	do {
		ev->layout = atomic_inc_return(&fhook_event_layouts);
	} while (!ev->layout);
	ev->class.system = "fhook";
	ev->class.reg = fhook_event_reg;
	ev->class.fields_array = fhook_event_fields;
	ev->call.class = &ev->class;
	ev->call.name = ev->name;
	ev->call.event.funcs = &fhook_event_funcs;
	ev->call.print_fmt = ev->print_fmt;
	/* perf, triggers and other modules then count their references. */
	ev->call.flags = TRACE_EVENT_FL_DYNAMIC;

	if (fhook_event_name_taken(name)) {
		snprintf(err, errlen, "trace event fhook:%s exists already",
			 name);
		ret = -EEXIST;
	} else {
		ret = fhook_event_add(ev);
		if (ret)
			snprintf(err, errlen,
				 "trace event fhook:%s cannot be made: error %d",
				 name, ret);
	}
	if (ret) {
		fhook_event_free(ev);
		return ERR_PTR(ret);
	}
	ev->users = 1;
	return ev;
}

/* A commit that retired @ev failed: @ev comes back, as it was. */
int fhook_event_revive(struct fhook_event *ev)
{
	return ev->added ? 0 : fhook_event_add(ev);
}

struct fhook_event *fhook_event_get(struct fhook_event *ev)
{
	ev->users++;
	return ev;
}

/*
 * Take fhook:@ev's name out of tracefs.  Refused with -EBUSY while perf
 * has it open or a trace file other than the fhook instance's (or a
 * trigger) has it enabled: it then stays as it was.  Its memory stays
 * until fhook_event_free(), when no callback can use it any more; until
 * then the callback finds no file and no perf user, and writes nothing.
 */
static int fhook_event_remove(struct fhook_event *ev)
{
	struct trace_array *tr = fhook_events_instance();
	int ret = 0;

	mutex_lock(&fhook_ctl_mutex);
	if (ev->added) {
		trace_array_set_clr_event(tr, "fhook", ev->name, false);
		ret = fhook_ctl_run(fhook_event_remove_locked, ev);
		if (ret)
			trace_array_set_clr_event(tr, "fhook", ev->name, true);
		else
			ev->added = false;
	}
	mutex_unlock(&fhook_ctl_mutex);
	return ret;
}

/* Events of removed hooks that were busy; retried until they are not. */
static LIST_HEAD(fhook_zombies);	/* under fhook_zombie_lock */
static DEFINE_MUTEX(fhook_zombie_lock);
static void fhook_zombie_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(fhook_zombie_work, fhook_zombie_work_fn);

static void fhook_zombie_work_fn(struct work_struct *work)
{
	struct fhook_event *ev, *next;
	bool left;

	mutex_lock(&fhook_zombie_lock);
	list_for_each_entry_safe(ev, next, &fhook_zombies, zombie) {
		if (fhook_event_remove(ev))
			continue;
		list_del(&ev->zombie);
		synchronize_rcu();
		fhook_event_free(ev);
		module_put(THIS_MODULE);
	}
	left = !list_empty(&fhook_zombies);
	mutex_unlock(&fhook_zombie_lock);
	if (left)
		schedule_delayed_work(&fhook_zombie_work, HZ);
}

/*
 * A configuration changes its fields: take the old event out of tracefs
 * now, or refuse (-EBUSY, @err says why) while it is in use.
 */
int fhook_event_retire(struct fhook_event *ev, char *err, size_t errlen)
{
	int ret = fhook_event_remove(ev);

	if (ret)
		snprintf(err, errlen,
			 "trace event fhook:%s is in use (open by perf, or enabled outside the fhook instance): its fields cannot change",
			 ev->name);
	return ret;
}

/*
 * The last configuration using @ev is gone and no callback can reach it:
 * free it, or, still busy in tracefs, keep it (and the module) until it
 * is not.
 */
void fhook_event_put(struct fhook_event *ev)
{
	if (!ev || --ev->users)
		return;
	if (!fhook_event_remove(ev)) {
		fhook_event_free(ev);
		return;
	}
	pr_info("%s: trace event fhook:%s is in use: removed when it is not\n",
		ev->name, ev->name);
	__module_get(THIS_MODULE);
	mutex_lock(&fhook_zombie_lock);
	list_add_tail(&ev->zombie, &fhook_zombies);
	mutex_unlock(&fhook_zombie_lock);
	schedule_delayed_work(&fhook_zombie_work, HZ);
}

bool fhook_event_same(const struct fhook_event *ev, const char *name,
		      const struct fhook_fetches *fetches)
{
	return ev && ev->added && !strcmp(ev->name, name) &&
	       fhook_fetches_equal(ev->fetches, fetches);
}

/* ---- writing records ------------------------------------------------- */

/* What the callback fetched once, for every record it writes. */
struct fhook_ev_values {
	u64 val[FHOOK_FETCH_MAX];
	u16 len[FHOOK_FETCH_MAX];	/* strings: bytes, NUL included */
	u16 fault;			/* bit i: fetch i faulted */
	unsigned int dsize;		/* bytes of all strings */
};

static void fhook_ev_fetch(const struct fhook_event *ev,
			   const unsigned long *args, struct fhook_ev_values *v)
{
	unsigned int i, size, room = FHOOK_EV_STRINGS_MAX;
	const struct fhook_fetch *f;
	int n;

	v->fault = 0;
	v->dsize = 0;
	for (i = 0; i < ev->fetches->nr; i++) {
		f = &ev->fetches->f[i];
		if (!fhook_is_string(f->type)) {
			if (fhook_fetch_value(f, args, &v->val[i])) {
				v->val[i] = 0;
				v->fault |= BIT(i);
			}
			continue;
		}
		size = clamp_t(unsigned int, room, 1, FHOOK_EV_STRING_MAX);
		n = fhook_fetch_string(f, args, NULL, size);
		if (n < 0) {
			v->fault |= BIT(i);
			n = min_t(int, sizeof(FHOOK_EV_FAULT) - 1, size - 1);
		}
		v->len[i] = n + 1;
		v->dsize += n + 1;
		room = room > n + 1 ? room - (n + 1) : 0;
	}
}

/* Fill @rec (trace_entry header already there) from @v. */
static void fhook_ev_fill(const struct fhook_event *ev, void *rec,
			  const struct fhook_call *call,
			  const unsigned long *args,
			  const struct fhook_ev_values *v)
{
	unsigned int i, at = ev->size, size;
	const struct fhook_fetch *f;
	char *p = rec;
	int n;

	*(unsigned long *)(p + FHOOK_EV_FUNC) = call->ip;
	*(unsigned long *)(p + FHOOK_EV_CALLER) = call->caller;
	*(u32 *)(p + FHOOK_EV_LAYOUT) = ev->layout;
	for (i = 0; i < ev->fetches->nr; i++) {
		f = &ev->fetches->f[i];
		size = ev->field[i].size;
		if (!fhook_is_string(f->type)) {
			memcpy(p + ev->field[i].offset, &v->val[i], size);
			continue;
		}
		*(u32 *)(p + ev->field[i].offset) = v->len[i] << 16 | at;
		/* Fetched again: it may have changed, never grown. */
		n = v->fault & BIT(i) ? -EFAULT :
			fhook_fetch_string(f, args, p + at, v->len[i]);
		if (n < 0) {
			memcpy(p + at, FHOOK_EV_FAULT, v->len[i] - 1);
			n = v->len[i] - 1;
		}
		memset(p + at + n, 0, v->len[i] - n);
		at += v->len[i];
	}
}

#ifdef CONFIG_PERF_EVENTS
static void fhook_ev_perf(struct fhook_event *ev, const struct fhook_call *call,
			  const unsigned long *args,
			  const struct fhook_ev_values *v)
{
	struct hlist_head __percpu *events;
	struct hlist_head *head;
	struct pt_regs *regs;
	int size, rctx;
	void *rec;

	/* Pairs with reg's release: perf_events was allocated before. */
	if (!smp_load_acquire(&ev->perf))
		return;
	events = READ_ONCE(ev->call.perf_events);
	if (!events)
		return;
	head = this_cpu_ptr(events);
	if (hlist_empty(head))
		return;
	size = ALIGN(ev->size + v->dsize + sizeof(u32), sizeof(u64)) -
	       sizeof(u32);
	rec = perf_trace_buf_alloc(size, &regs, &rctx);
	if (!rec)
		return;
	perf_fetch_caller_regs(regs);
	fhook_ev_fill(ev, rec, call, args, v);
	/* Submitted whatever happened: only perf_tp_event() ends rctx. */
	perf_trace_buf_submit(rec, size, rctx, ev->call.event.type, 1, regs,
			      head, NULL);
}
#else
static void fhook_ev_perf(struct fhook_event *ev, const struct fhook_call *call,
			  const unsigned long *args,
			  const struct fhook_ev_values *v)
{
}
#endif

/*
 * Write one record of @ev for @call, whose register arguments are @args,
 * to every file that enabled it and to perf.  From the callback:
 * preemption off, RCU watching (action log needs it).
 */
void fhook_event_log(struct fhook_event *ev, const struct fhook_call *call,
		     const unsigned long *args)
{
	struct trace_event_buffer fbuf;
	struct fhook_ev_values v;
	struct fhook_ev_link *link;
	void *rec;

	if (list_empty(&ev->files) && !READ_ONCE(ev->perf))
		return;
	fhook_ev_fetch(ev, args, &v);
	list_for_each_entry_rcu(link, &ev->files, list) {
		if (trace_trigger_soft_disabled(link->file))
			continue;
		rec = trace_event_buffer_reserve(&fbuf, link->file,
						 ev->size + v.dsize);
		if (!rec)
			continue;
		fhook_ev_fill(ev, rec, call, args, &v);
		trace_event_buffer_commit(&fbuf);
	}
	fhook_ev_perf(ev, call, args, &v);
}

int fhook_hookevents_init(void)
{
	fhook_event_funcs.trace = fhook_event_print;
	return 0;
}

/* Every hook is gone; zombies hold the module, so there are none. */
void fhook_hookevents_exit(void)
{
	cancel_delayed_work_sync(&fhook_zombie_work);
}
