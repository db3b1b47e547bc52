// SPDX-License-Identifier: GPL-2.0
/*
 * Everything fhook-apply prints on stdout: the plan as a shell script,
 * the diff and the result of an apply, as text or as one JSON object per
 * run (--json).  The status table is stat.c's.  Errors go to stderr
 * elsewhere.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fhook-apply.h"

static const char * const change_names[] = {
	[CHANGE_NONE]	= "none",
	[CHANGE_CREATE]	= "create",
	[CHANGE_UPDATE]	= "update",
	[CHANGE_REMOVE]	= "remove",
};

static void where(char *buf, size_t size, const struct profile *p,
		  const struct item *it)
{
	if (it->ph)
		profile_where(p, it->ph->set, buf, size);
	else
		snprintf(buf, size, "not in profile, tag %s",
			 *it->kh->tag ? it->kh->tag : "(none)");
}

/* The names of the attributes in @diffs, "staged" last. */
static void diffs_text(char *buf, size_t size, unsigned int diffs)
{
	const struct hook_attr *a;
	size_t len = 0;

	buf[0] = '\0';
	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		if (diffs & attr_bit(a))
			len += snprintf(buf + len, size - len, "%s%s",
					len ? ", " : "", a->name);
	if (diffs & DIFF_STAGED)
		snprintf(buf + len, size - len, "%sstaged", len ? ", " : "");
}

static void plan_summary(FILE *f, const struct plan *pl, const char *prefix)
{
	size_t c[4];

	plan_count(pl, c);
	fprintf(f, "%s%zu to create, %zu to change, %zu to remove, %zu unchanged\n",
		prefix, c[CHANGE_CREATE], c[CHANGE_UPDATE], c[CHANGE_REMOVE],
		c[CHANGE_NONE]);
}

static void plan_script_op(FILE *f, const struct op *op)
{
	char *path = shell_quote(op->path, false), *val;

	switch (op->kind) {
	case OP_MKDIR:
		fprintf(f, "mkdir %s\n", path);
		break;
	case OP_RMDIR:
		fprintf(f, "rmdir %s\n", path);
		break;
	case OP_WRITE:
		val = shell_quote(op->value, true);
		fprintf(f, "printf '%%s\\n' %s > %s\n", val, path);
		free(val);
		break;
	}
	free(path);
}

/* Text in a comment line: a newline in a file name must not end it. */
static void comment_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(iscntrl((unsigned char)*s) ? '?' : *s, f);
}

static void plan_script(FILE *f, const struct plan *pl, const char *profile)
{
	const struct item *it;
	char diffs[192];
	size_t i;

	fputs("#!/bin/sh\n# fhook-apply --plan ", f);
	comment_text(f, profile);
	fputs(" against ", f);
	comment_text(f, pl->root);
	fputc('\n', f);
	plan_summary(f, pl, "# ");
	fprintf(f, "set -e\n");
	if (!pl->nr_ops)
		fprintf(f, "# nothing to do\n");
	for (i = 0; i < pl->nr_ops; i++) {
		it = &pl->items[pl->ops[i].item];
		if (!i || pl->ops[i - 1].item != pl->ops[i].item) {
			diffs_text(diffs, sizeof(diffs), it->diffs);
			fputs("# ", f);
			comment_text(f, it->name);
			fprintf(f, ": %s%s%s%s\n", change_names[it->change],
				*diffs ? " (" : "", diffs, *diffs ? ")" : "");
		}
		plan_script_op(f, &pl->ops[i]);
	}
}

static void j_op(struct json *j, const struct plan *pl, const struct op *op)
{
	static const char * const kinds[] = {
		[OP_MKDIR] = "mkdir", [OP_WRITE] = "write", [OP_RMDIR] = "rmdir",
	};

	j_open(j, NULL, '{');
	j_str(j, "hook", pl->items[op->item].name);
	j_str(j, "op", kinds[op->kind]);
	j_str(j, "path", op->path);
	if (op->kind == OP_WRITE)
		j_str(j, "value", op->value);
	j_close(j, '}');
}

static void j_summary(struct json *j, const struct plan *pl)
{
	size_t c[4];

	plan_count(pl, c);
	j_open(j, "summary", '{');
	j_num(j, "create", c[CHANGE_CREATE]);
	j_num(j, "update", c[CHANGE_UPDATE]);
	j_num(j, "remove", c[CHANGE_REMOVE]);
	j_num(j, "unchanged", c[CHANGE_NONE]);
	j_close(j, '}');
}

void print_plan(FILE *f, const struct plan *pl, const char *profile, bool json)
{
	struct json j = { .f = f };
	size_t i;

	if (!json) {
		plan_script(f, pl, profile);
		return;
	}
	j_open(&j, NULL, '{');
	j_str(&j, "profile", profile);
	j_str(&j, "root", pl->root);
	j_summary(&j, pl);
	j_open(&j, "operations", '[');
	for (i = 0; i < pl->nr_ops; i++)
		j_op(&j, pl, &pl->ops[i]);
	j_close(&j, ']');
	j_end(&j);
}

/* "+ name", "~ name" or "- name", then one line per attribute. */
static void diff_item_text(FILE *f, const struct profile *p,
			   const struct item *it)
{
	static const char marks[] = { ' ', '+', '~', '-' };
	const struct khook *kh = it->kh;
	struct hook_ref want, live;
	const struct hook_attr *a;
	char loc[512], *old, *new;

	where(loc, sizeof(loc), p, it);
	fprintf(f, "%c %s (%s)\n", marks[it->change], it->name, loc);
	if (it->change == CHANGE_REMOVE)
		return;
	want = phook_ref(it->ph);
	if (kh)
		live = khook_ref(kh);
	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++) {
		if (it->change == CHANGE_UPDATE && !(it->diffs & attr_bit(a)))
			continue;
		new = attr_text(a, &want);
		if (kh) {
			old = attr_text(a, &live);
			fprintf(f, "    %s: %s -> %s\n", a->name, old, new);
			free(old);
		} else {
			fprintf(f, "    %s: %s\n", a->name, new);
		}
		free(new);
	}
}

static void diff_item_json(struct json *j, const struct profile *p,
			   const struct item *it)
{
	const struct phook *ph = it->ph;
	const struct khook *kh = it->kh;
	struct hook_ref want, live;
	const struct hook_attr *a;
	char loc[512];

	j_open(j, NULL, '{');
	j_str(j, "hook", it->name);
	j_str(j, "change", change_names[it->change]);
	if (ph)
		profile_where(p, ph->set, loc, sizeof(loc));
	j_str(j, "where", ph ? loc : NULL);
	j_open(j, "attributes", '[');
	if (ph)
		want = phook_ref(ph);
	if (kh)
		live = khook_ref(kh);
	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++) {
		if (it->change == CHANGE_REMOVE ||
		    (it->change == CHANGE_UPDATE && !(it->diffs & attr_bit(a))))
			continue;
		j_open(j, NULL, '{');
		j_str(j, "name", a->name);
		if (kh)
			attr_json(j, "kernel", a, &live);
		else
			j_str(j, "kernel", NULL);
		attr_json(j, "profile", a, &want);
		j_close(j, '}');
	}
	j_close(j, ']');
	j_close(j, '}');
}

void print_diff(FILE *f, const struct plan *pl, const struct profile *p,
		bool json)
{
	struct json j = { .f = f };
	size_t i;

	if (json) {
		j_open(&j, NULL, '{');
		j_str(&j, "profile", profile_name(p));
		j_str(&j, "root", pl->root);
		j_open(&j, "differences", '[');
	}
	for (i = 0; i < pl->n; i++) {
		if (pl->items[i].change == CHANGE_NONE)
			continue;
		if (json)
			diff_item_json(&j, p, &pl->items[i]);
		else
			diff_item_text(f, p, &pl->items[i]);
	}
	if (json) {
		j_close(&j, ']');
		j_end(&j);
	}
}

static const char *status_name(const struct outcome *out, size_t nr_ops)
{
	switch (out->status) {
	case EXIT_APPLIED:
		return nr_ops ? "applied" : "unchanged";
	case EXIT_FAILED:
		return "rolled-back";
	default:
		return "incomplete";
	}
}

/* What one hook became, for the success report. */
static void item_result(FILE *f, const struct item *it)
{
	char diffs[192];

	switch (it->change) {
	case CHANGE_CREATE:
		fprintf(f, "%s: created\n", it->name);
		break;
	case CHANGE_UPDATE:
		diffs_text(diffs, sizeof(diffs), it->diffs);
		fprintf(f, "%s: changed (%s)\n", it->name, diffs);
		break;
	case CHANGE_REMOVE:
		fprintf(f, "%s: removed\n", it->name);
		break;
	case CHANGE_NONE:
		break;
	}
}

static void left_text(const struct plan *pl, const struct left *l)
{
	const struct khook *before = pl->items[l->item].kh;
	const char *name = pl->items[l->item].name;
	struct hook_ref n, b;
	const struct hook_attr *a;
	char *now, *was;

	if (l->absent || l->extra || l->unreadable) {
		errmsg("not restored: %s: %s", name,
		       l->absent ? "missing, was present" :
		       l->extra ? "exists, was absent" : "cannot be read back");
		return;
	}
	n = khook_ref(&l->now);
	b = khook_ref(before);
	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++) {
		if (!(l->diffs & attr_bit(a)))
			continue;
		now = attr_text(a, &n);
		was = attr_text(a, &b);
		errmsg("not restored: %s: %s: now %s, was %s", name, a->name,
		       now, was);
		free(now);
		free(was);
	}
	if (l->diffs & DIFF_STAGED)
		errmsg("not restored: %s: staged attributes differ", name);
}

static void outcome_text(FILE *f, const struct plan *pl,
			 const struct profile *p, const struct outcome *out)
{
	size_t c[4], i;

	if (out->status)
		return;
	plan_count(pl, c);
	if (!pl->nr_ops) {
		fprintf(f, "%s: nothing to do: %zu hooks up to date (0 writes)\n",
			profile_name(p), c[CHANGE_NONE]);
		return;
	}
	for (i = 0; i < pl->n; i++)
		item_result(f, &pl->items[i]);
	fprintf(f, "%s: applied: %zu created, %zu changed, ", profile_name(p),
		c[CHANGE_CREATE], c[CHANGE_UPDATE]);
	fprintf(f, "%zu removed, %zu up to date (%zu writes)\n",
		c[CHANGE_REMOVE], c[CHANGE_NONE], out->done);
}

/* After a failure, on stderr whatever the output format: what happened. */
static void failure_text(const struct plan *pl, const struct profile *p,
			 const struct outcome *out)
{
	const struct item *it = &pl->items[pl->ops[out->failed_op].item];
	char loc[512], what[128], *names;
	size_t i;

	if (it->ph)
		profile_where(p, it->ph->set, loc, sizeof(loc));
	else
		snprintf(loc, sizeof(loc), "%s", profile_name(p));
	names = strv_join(&out->rolled_back, ", ");
	if (out->err == EINTR)
		snprintf(what, sizeof(what), "interrupted at hook '%s'", it->name);
	else
		snprintf(what, sizeof(what), "hook '%s' failed", it->name);
	if (out->status == EXIT_FAILED && *names)
		errmsg("%s: %s; restored as they were: %s", loc, what, names);
	else if (out->status == EXIT_FAILED)
		errmsg("%s: %s; nothing was changed", loc, what);
	else
		errmsg("%s: %s; rollback incomplete:", loc, what);
	free(names);
	for (i = 0; i < out->nr_left; i++)
		left_text(pl, &out->left[i]);
}

/* The names of the attributes in @diffs, as a JSON array. */
static void j_diffs(struct json *j, const char *key, unsigned int diffs)
{
	const struct hook_attr *a;

	j_open(j, key, '[');
	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		if (diffs & attr_bit(a))
			j_str(j, NULL, a->name);
	if (diffs & DIFF_STAGED)
		j_str(j, NULL, "staged");
	j_close(j, ']');
}

static void j_hooks_result(struct json *j, const struct plan *pl)
{
	size_t i;

	j_open(j, "hooks", '[');
	for (i = 0; i < pl->n; i++) {
		j_open(j, NULL, '{');
		j_str(j, "hook", pl->items[i].name);
		j_str(j, "change", change_names[pl->items[i].change]);
		j_diffs(j, "attributes", pl->items[i].diffs);
		j_close(j, '}');
	}
	j_close(j, ']');
}

static void j_error(struct json *j, const struct plan *pl,
		    const struct outcome *out)
{
	const struct op *op = &pl->ops[out->failed_op];

	j_open(j, "error", '{');
	j_str(j, "hook", pl->items[op->item].name);
	j_str(j, "path", op->path);
	j_num(j, "errno", out->err);
	j_str(j, "errno_name", strerrorname_np(out->err));
	j_str(j, "message", strerror(out->err));
	j_str(j, "last_error", out->last_error);
	j_close(j, '}');
}

static void j_left(struct json *j, const struct plan *pl,
		   const struct outcome *out)
{
	const struct left *l;
	size_t i;

	j_open(j, "left", '[');
	for (i = 0; i < out->nr_left; i++) {
		l = &out->left[i];
		j_open(j, NULL, '{');
		j_str(j, "hook", pl->items[l->item].name);
		j_bool(j, "missing", l->absent);
		j_bool(j, "extra", l->extra);
		j_bool(j, "unreadable", l->unreadable);
		j_diffs(j, "attributes", l->diffs);
		j_close(j, '}');
	}
	j_close(j, ']');
}

void print_outcome(FILE *f, const struct plan *pl, const struct profile *p,
		   const struct outcome *out, bool json)
{
	struct json j = { .f = f };

	if (out->status)
		failure_text(pl, p, out);
	if (!json) {
		outcome_text(f, pl, p, out);
		return;
	}
	j_open(&j, NULL, '{');
	j_str(&j, "profile", profile_name(p));
	j_str(&j, "root", pl->root);
	j_str(&j, "status", status_name(out, pl->nr_ops));
	j_num(&j, "exit", out->status);
	j_num(&j, "writes", out->done);
	j_summary(&j, pl);
	j_hooks_result(&j, pl);
	if (out->status) {
		j_error(&j, pl, out);
		j_strv(&j, "rolled_back", &out->rolled_back);
		j_left(&j, pl, out);
	}
	j_end(&j);
}

/*
 * "file:line: note: hook 'h': 'a' is not on RELEASE, using 'b'": which
 * alternative each glob that has them uses on this kernel.
 */
void print_alternatives(FILE *f, const struct profile *p,
			const struct symbols *sym)
{
	const struct alt_choice *c;
	const struct phook *h;
	char where[512], *note;

	for (h = p->hooks; h < p->hooks + p->n; h++) {
		for (c = h->alts; c < h->alts + h->nr_alts; c++) {
			profile_where(p, c->e, where, sizeof(where));
			note = alternatives_note(h, c, sym);
			fprintf(f, "%s: note: %s\n", where, note);
			free(note);
		}
	}
}

static void j_alternatives(struct json *j, const struct profile *p)
{
	struct strv lacking = { 0 };
	const struct alt_choice *c;
	const struct phook *h;
	char where[512];

	j_open(j, "alternatives", '[');
	for (h = p->hooks; h < p->hooks + p->n; h++) {
		for (c = h->alts; c < h->alts + h->nr_alts; c++) {
			profile_where(p, c->e, where, sizeof(where));
			alternatives_lacking(c, &lacking);
			j_open(j, NULL, '{');
			j_str(j, "hook", h->name);
			j_str(j, "where", where);
			j_str(j, "list", c->list);
			j_str(j, "glob", c->entry);
			j_str(j, "using", c->chosen);
			j_strv(j, "lacking", &lacking);
			j_close(j, '}');
			strv_free(&lacking);
		}
	}
	j_close(j, ']');
}

/* @sym: checked against it (--check-symbols), else NULL. */
void print_check(FILE *f, const struct profile *p, const struct symbols *sym,
		 bool json)
{
	struct json j = { .f = f };
	struct strv skipped = { 0 };
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->hooks[i].skip)
			strv_add(&skipped, p->hooks[i].name);
	if (json) {
		j_open(&j, NULL, '{');
		j_str(&j, "profile", profile_name(p));
		j_str(&j, "status", "valid");
		j_num(&j, "hooks", p->n);
		j_strv(&j, "skipped", &skipped);
		if (sym) {
			j_str(&j, "functions_file", sym->path);
			j_num(&j, "pending", p->pending);
			j_alternatives(&j, p);
		}
		j_end(&j);
	} else {
		fprintf(f, "%s: valid, %zu hooks%s", profile_name(p), p->n,
			sym ? ", every glob matches a traceable function" : "");
		if (sym && p->pending)
			fprintf(f, " or waits for its module (%u selector%s)",
				p->pending, p->pending == 1 ? "" : "s");
		if (skipped.n)
			fprintf(f, " (%zu optional skipped)", skipped.n);
		fputc('\n', f);
	}
	strv_free(&skipped);
}

void print_invalid(FILE *f, const struct profile *p, int status)
{
	struct json j = { .f = f };

	j_open(&j, NULL, '{');
	j_str(&j, "profile", profile_name(p));
	j_str(&j, "status", "invalid");
	j_num(&j, "exit", status);
	diags_json(&j, "errors", &p->diags);
	j_end(&j);
}

/*
 * A run that failed before it had anything else to print: a usage error,
 * no module, the lock held.  Its errors are every errmsg() of the run.
 */
void print_error(FILE *f, const char *profile, int status)
{
	static const char * const names[] = {
		[EXIT_INVALID]		= "invalid",
		[EXIT_USAGE]		= "usage",
		[EXIT_FAILED]		= "failed",
		[EXIT_INCOMPLETE]	= "incomplete",
	};
	struct json j = { .f = f };

	j_open(&j, NULL, '{');
	j_str(&j, "profile", profile && strcmp(profile, "-") ? profile :
		  profile ? "<stdin>" : NULL);
	j_str(&j, "status", status > 0 && status < (int)ARRAY_SIZE(names) ?
		  names[status] : "error");
	j_num(&j, "exit", status);
	diags_json(&j, "errors", &run_diags);
	j_end(&j);
}
