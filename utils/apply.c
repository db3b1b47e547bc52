// SPDX-License-Identifier: GPL-2.0
/*
 * Executing a plan, all or nothing: each hook is remembered as it was
 * before the run (the kstate snapshot); when an operation fails, every
 * hook touched so far is converged back to that snapshot with the same
 * planner, newest first, and then read back to check that it is.
 *
 * A rollback restores each hook's configuration, enabled state, tag and
 * staged attributes.  It cannot restore the generation number (a commit
 * always adds one) or last_error, and a hook it has to recreate starts
 * with zero counters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fhook-apply.h"

#define LOCK_FALLBACK	"/run/fhook-apply.lock"
#define LOCK_POLL_NS	(50 * 1000 * 1000)

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Who holds the lock, for the message: the pid it wrote, if any. */
static void lock_holder(int fd, char *buf, size_t size)
{
	char pid[32] = "";
	ssize_t n;

	n = pread(fd, pid, sizeof(pid) - 1, 0);
	if (n > 0 && atoi(pid) > 0)
		snprintf(buf, size, "fhook-apply pid %d", atoi(pid));
	else
		snprintf(buf, size, "another process");
}

/*
 * One applier at a time: an flock() held until exit.  Waiting is a
 * bounded poll so that the timeout needs no signal handler.  The file
 * records the holder's pid for the message of whoever waits.
 */
int lock_acquire(const struct lock_opts *lo)
{
	const char *path = lo->path;
	struct timespec poll = { 0, LOCK_POLL_NS };
	double deadline = now_seconds() + lo->timeout;
	char holder[64];
	bool said = false;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	/* a system without /run/lock (a minimal container, the test guest) */
	if (fd < 0 && errno == ENOENT && !strcmp(path, FHOOK_LOCK)) {
		path = LOCK_FALLBACK;
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	}
	if (fd < 0) {
		errmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			errmsg("%s: %s", path, strerror(errno));
			return -1;
		}
		lock_holder(fd, holder, sizeof(holder));
		if (now_seconds() >= deadline) {
			errmsg("%s: held by %s; gave up after %u s", path,
			       holder, lo->timeout);
			return -1;
		}
		if (!said)
			errmsg("waiting for %s, held by %s", path, holder);
		said = true;
		nanosleep(&poll, NULL);
	}
	if (ftruncate(fd, 0) == 0)
		dprintf(fd, "%d\n", (int)getpid());
	return 0;
}

/* The module's reason for the last refused write to hook @name. */
static char *read_last_error(const char *root, const char *name)
{
	char *path, *text = NULL;

	xasprintf(&path, "%s/%s/last_error", root, name);
	if (read_text(path, &text))
		text = NULL;
	free(path);
	if (text)
		text[strcspn(text, "\n")] = '\0';
	if (text && !*text) {
		free(text);
		text = NULL;
	}
	return text;
}

/*
 * One write() per value: configfs calls the store once per write.  O_TRUNC
 * means nothing to configfs but lets a plain --root directory stand in.
 * 0 or -errno; *@refused when the store itself said no.
 */
static int write_value(const char *path, const char *value, bool *refused)
{
	size_t len = strlen(value) + 1;
	char *buf = xmalloc(len + 1);
	ssize_t n;
	int fd, err = 0;

	memcpy(buf, value, len - 1);
	buf[len - 1] = '\n';
	buf[len] = '\0';
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
	} else {
		n = write(fd, buf, len);
		if (n < 0)
			err = -errno;
		else if ((size_t)n != len)
			err = -EIO;
		*refused = n < 0;
		close(fd);
	}
	free(buf);
	return err;
}

/* Run @op: 0 or -errno, and in *@why the module's reason if it gave one. */
static int op_exec(const struct plan *pl, const struct op *op, char **why)
{
	bool refused = false;
	int err = -EINVAL;

	*why = NULL;
	switch (op->kind) {
	case OP_MKDIR:
		err = mkdir(op->path, 0755) ? -errno : 0;
		break;
	case OP_RMDIR:
		err = rmdir(op->path) ? -errno : 0;
		break;
	case OP_WRITE:
		err = write_value(op->path, op->value, &refused);
		break;
	}
	if (refused)
		*why = read_last_error(pl->root, pl->items[op->item].name);
	return err;
}

/* "PATH: strerror: last_error", as STYLE.md item 7 spells it. */
static void report_op(const struct op *op, int err, const char *last_error)
{
	const char *verb = op->kind == OP_MKDIR ? "mkdir " :
			   op->kind == OP_RMDIR ? "rmdir " : "";

	if (last_error)
		errmsg("%s%s: %s: %s", verb, op->path, strerror(err), last_error);
	else
		errmsg("%s%s: %s", verb, op->path, strerror(err));
}

static bool interrupted(void)
{
	sigset_t pending;

	sigemptyset(&pending);
	sigpending(&pending);
	return sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
	       sigismember(&pending, SIGHUP) || sigismember(&pending, SIGQUIT);
}

/*
 * Held back while applying: a signal is noticed between two operations
 * and handled as a failure (rolled back), never in the middle of a hook.
 */
static void block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/*
 * Converge one hook back to @before (NULL: it did not exist), stopping at
 * the first refused operation: what follows it (enabling, say) assumed it
 * worked.  verify_hook() then says what is left.
 */
static void rollback_hook(struct plan *pl, const struct kstate *ks,
			  size_t item, const struct khook *before)
{
	struct plan rb = { .root = pl->root, .items = pl->items, .n = pl->n };
	struct target t = { 0 };
	struct khook now;
	bool ok = true;
	char *why;
	size_t i;
	int ret;

	ret = khook_load(ks, pl->items[item].name, &now);
	if (ret && ret != -ENOENT)
		return;
	if (before) {
		t.present = true;
		t.committed = before->generation > 0;
		t.cfg = &before->live;
		t.enabled = before->enabled;
		t.tag = before->tag;
		t.staged = &before->staged;
	}
	plan_hook(&rb, item, ret ? NULL : &now, &t);
	for (i = 0; i < rb.nr_ops && ok; i++) {
		ret = op_exec(&rb, &rb.ops[i], &why);
		if (ret) {
			report_op(&rb.ops[i], -ret, why);
			ok = false;
		}
		free(why);
	}
	plan_free_ops(&rb);
	khook_free(&now);
}

/* Read hook @item back: is it as it was?  If not, record what is left. */
static void verify_hook(struct plan *pl, const struct kstate *ks, size_t item,
			struct outcome *out)
{
	const struct khook *before = pl->items[item].kh;
	struct left l = { .item = item };
	int ret;

	ret = khook_load(ks, pl->items[item].name, &l.now);
	if (ret && ret != -ENOENT) {
		l.unreadable = true;
	} else if (ret) {
		l.absent = !!before;
	} else if (!before) {
		l.extra = true;
	} else {
		l.diffs = hook_diffs(&before->live, before->enabled, before->tag,
				     &l.now);
		if (!before->generation != !l.now.generation)
			l.diffs |= DIFF_CONFIG;
		if (cfg_diffs(&before->staged, &l.now.staged))
			l.diffs |= DIFF_STAGED;
	}
	if (!l.absent && !l.extra && !l.unreadable && !l.diffs) {
		khook_free(&l.now);
		return;
	}
	out->left = xrealloc(out->left, out->nr_left + 1, sizeof(*out->left));
	out->left[out->nr_left++] = l;
}

static void rollback(struct plan *pl, const struct kstate *ks,
		     const size_t *order, size_t n, struct outcome *out)
{
	size_t i;

	for (i = n; i-- > 0;) {
		rollback_hook(pl, ks, order[i], pl->items[order[i]].kh);
		strv_add(&out->rolled_back, pl->items[order[i]].name);
	}
	for (i = n; i-- > 0;)
		verify_hook(pl, ks, order[i], out);
	out->status = out->nr_left ? EXIT_INCOMPLETE : EXIT_FAILED;
}

/* Run @pl's operations in order; on failure, roll back (see the top). */
void apply_run(struct plan *pl, const struct kstate *ks, struct outcome *out)
{
	bool *touched = xcalloc(pl->n, sizeof(*touched));
	size_t *order = xcalloc(pl->n, sizeof(*order));
	size_t nr_touched = 0, i;
	const struct op *op;
	int err;

	memset(out, 0, sizeof(*out));
	block_signals();
	for (i = 0; i < pl->nr_ops; i++) {
		op = &pl->ops[i];
		if (interrupted()) {
			errmsg("interrupted by a signal before %s", op->path);
			err = -EINTR;
		} else {
			err = op_exec(pl, op, &out->last_error);
			if (err)
				report_op(op, -err, out->last_error);
		}
		if (err) {
			out->failed_op = i;
			out->err = -err;
			rollback(pl, ks, order, nr_touched, out);
			break;
		}
		/*
		 * A refused operation changes nothing, so a hook is touched
		 * from its first success: a mkdir that fails with EEXIST
		 * (someone else's hook) is never "rolled back" by rmdir.
		 */
		if (!touched[op->item]) {
			touched[op->item] = true;
			order[nr_touched++] = op->item;
		}
		out->done++;
	}
	free(touched);
	free(order);
}

void outcome_free(struct outcome *out)
{
	size_t i;

	for (i = 0; i < out->nr_left; i++)
		khook_free(&out->left[i].now);
	free(out->left);
	free(out->last_error);
	strv_free(&out->rolled_back);
}
