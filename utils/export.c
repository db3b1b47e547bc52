// SPDX-License-Identifier: GPL-2.0
/*
 * --export: the live hooks as a canonical profile (sorted hooks, sorted
 * lists), so that applying it elsewhere and running --diff there shows
 * nothing.  The keys every profile had from the start are always written;
 * args, stack_depth, target, pids, comm and sample only where they are
 * not what mkdir gives, which a profile that omits them means too.
 * Staged attributes are not exported: only what is committed is the
 * hook's configuration.
 */
#include <stdio.h>
#include <string.h>

#include "fhook-apply.h"

/* A libconfig string: a comm glob may hold '"' or '\\'. */
static void export_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fprintf(f, "%s%c", strchr("\"\\", *s) ? "\\" : "", *s);
	fputc('"', f);
}

static void export_list(FILE *f, const char *key, const struct strv *sv)
{
	size_t i;

	fprintf(f, "    %s = [", key);
	for (i = 0; i < sv->n; i++) {
		fputs(i ? ", " : " ", f);
		export_string(f, sv->v[i]);
	}
	fprintf(f, " ];\n");
}

static void export_number(FILE *f, const char *key, unsigned long n,
			  unsigned long dflt)
{
	if (n != dflt)
		fprintf(f, "    %s = %lu;\n", key, n);
}

static void export_hook(FILE *f, const struct khook *kh)
{
	const struct hook_cfg *c = &kh->live;
	size_t i;

	fprintf(f, "  %s = {\n", kh->name);
	export_list(f, "filter", &c->filter);
	export_list(f, "notrace", &c->notrace);
	export_list(f, "flags", &c->flags);
	if (c->action.n == 1)
		fprintf(f, "    action = \"%s\";\n", c->action.v[0]);
	else
		export_list(f, "action", &c->action);
	export_number(f, "args", c->args, FHOOK_ARGS_DEFAULT);
	export_number(f, "stack_depth", c->stack_depth,
		      FHOOK_STACK_DEPTH_DEFAULT);
	if (*c->target) {
		fputs("    target = ", f);
		export_string(f, c->target);
		fputs(";\n", f);
	}
	if (c->pids.n) {
		fputs("    pids = [", f);
		for (i = 0; i < c->pids.n; i++)
			fprintf(f, "%s %s", i ? "," : "", c->pids.v[i]);
		fputs(" ];\n", f);
	}
	if (c->comm.n)
		export_list(f, "comm", &c->comm);
	export_number(f, "sample", c->sample, FHOOK_SAMPLE_DEFAULT);
	fprintf(f, "    enabled = %s;\n", kh->enabled ? "true" : "false");
	fprintf(f, "  };\n");
}

/*
 * The tag the hooks share, if they all carry the same one other than the
 * default, so that applying the export keeps them under that owner.
 */
static const char *common_tag(const struct kstate *ks)
{
	const char *tag = NULL;
	size_t i;

	for (i = 0; i < ks->n; i++) {
		if (!ks->hooks[i].generation)
			continue;
		if (tag && strcmp(tag, ks->hooks[i].tag))
			return NULL;
		tag = ks->hooks[i].tag;
	}
	return tag && *tag && strcmp(tag, FHOOK_TAG) ? tag : NULL;
}

void export_profile(FILE *f, const struct kstate *ks)
{
	const char *tag = common_tag(ks);
	size_t i;

	fprintf(f, "# fhook profile exported by fhook-apply %s from %s",
		FHOOK_APPLY_VERSION, ks->root);
	if (ks->version)
		fprintf(f, " (fhook %s)", ks->version);
	fprintf(f, "\nversion = 1;\n");
	if (tag) {
		fputs("tag = ", f);
		export_string(f, tag);
		fputs(";\n", f);
	}
	fprintf(f, "\nhooks = {\n");
	for (i = 0; i < ks->n; i++) {
		if (!ks->hooks[i].generation) {
			warnmsg("hook '%s' not exported: never committed",
				ks->hooks[i].name);
			continue;
		}
		export_hook(f, &ks->hooks[i]);
	}
	fprintf(f, "};\n");
}
