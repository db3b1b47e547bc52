// SPDX-License-Identifier: GPL-2.0
/*
 * --export: the live hooks as a canonical profile (sorted hooks, sorted
 * globs, every key written), so that applying it elsewhere and running
 * --diff there shows nothing.  Staged attributes are not exported: only
 * what is committed is the hook's configuration.
 */
#include <stdio.h>
#include <string.h>

#include "fhook-apply.h"

static void export_list(FILE *f, const char *key, const struct strv *sv)
{
	size_t i;

	fprintf(f, "    %s = [", key);
	for (i = 0; i < sv->n; i++)
		fprintf(f, "%s \"%s\"", i ? "," : "", sv->v[i]);
	fprintf(f, " ];\n");
}

static void export_hook(FILE *f, const struct khook *kh)
{
	fprintf(f, "  %s = {\n", kh->name);
	export_list(f, "filter", &kh->live.filter);
	export_list(f, "notrace", &kh->live.notrace);
	export_list(f, "flags", &kh->live.flags);
	if (kh->live.action.n == 1)
		fprintf(f, "    action = \"%s\";\n", kh->live.action.v[0]);
	else
		export_list(f, "action", &kh->live.action);
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
		/* the one exported string that may hold '"' or '\\' */
		fputs("tag = \"", f);
		for (; *tag; tag++)
			fprintf(f, "%s%c", strchr("\"\\", *tag) ? "\\" : "", *tag);
		fputs("\";\n", f);
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
