// SPDX-License-Identifier: GPL-2.0
/*
 * --export: the live hooks as a canonical profile (sorted hooks, sorted
 * lists), so that applying it elsewhere and running --diff there shows
 * nothing; with --json, the same hooks as one JSON document.  The keys
 * every profile had from the start are always written; the others only
 * where they are not what mkdir gives, which a profile that omits them
 * means too.  Staged attributes are not exported: only what is committed
 * is the hook's configuration.
 *
 * Tags: the most common one is the profile's, always written (a profile
 * without one gets a tag from its file name), and a hook with another
 * writes its own, "" for a hook made by hand (fhook.cfg(5)).
 */
#include <stdio.h>
#include <string.h>

#include "fhook-apply.h"

/*
 * The tag most committed hooks carry (the bytewise first of a tie), or
 * NULL when none carries one.
 */
static const char *common_tag(const struct kstate *ks)
{
	const char *best = NULL, *tag;
	size_t i, k, n, most = 0;

	for (i = 0; i < ks->n; i++) {
		tag = ks->hooks[i].tag;
		if (!ks->hooks[i].generation || !*tag)
			continue;
		for (n = 0, k = 0; k < ks->n; k++)
			n += ks->hooks[k].generation &&
			     !strcmp(ks->hooks[k].tag, tag);
		if (n > most || (n == most && strcmp(tag, best) < 0)) {
			most = n;
			best = tag;
		}
	}
	return best;
}

static void export_hook(FILE *f, const struct khook *kh, const char *tag)
{
	const struct hook_ref h = khook_ref(kh);
	const struct hook_attr *a;

	fprintf(f, "  %s = {\n", kh->name);
	for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
		if (a->kind != AK_TAG || !tag || strcmp(kh->tag, tag))
			attr_export(f, a, &h);
	fprintf(f, "  };\n");
}

static void export_text(FILE *f, const struct kstate *ks, const char *tag)
{
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
	for (i = 0; i < ks->n; i++)
		if (ks->hooks[i].generation)
			export_hook(f, &ks->hooks[i], tag);
	fprintf(f, "};\n");
}

/* The hooks as they are, every attribute, with the tag a profile would get. */
static void export_json(FILE *f, const struct kstate *ks, const char *tag)
{
	struct json j = { .f = f };
	const struct hook_attr *a;
	struct hook_ref h;
	size_t i;

	j_open(&j, NULL, '{');
	j_str(&j, "root", ks->root);
	j_str(&j, "fhook", ks->version);
	j_str(&j, "tag", tag);
	j_open(&j, "hooks", '[');
	for (i = 0; i < ks->n; i++) {
		if (!ks->hooks[i].generation)
			continue;
		h = khook_ref(&ks->hooks[i]);
		j_open(&j, NULL, '{');
		j_str(&j, "name", ks->hooks[i].name);
		j_num(&j, "generation", ks->hooks[i].generation);
		for (a = hook_attrs; a < hook_attrs + nr_hook_attrs; a++)
			attr_json(&j, a->name, a, &h);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_end(&j);
}

void export_profile(FILE *f, const struct kstate *ks, bool json)
{
	const char *tag = common_tag(ks);
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (!ks->hooks[i].generation)
			warnmsg("hook '%s' not exported: never committed",
				ks->hooks[i].name);
	if (json)
		export_json(f, ks, tag);
	else
		export_text(f, ks, tag);
}
