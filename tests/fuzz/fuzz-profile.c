// SPDX-License-Identifier: GPL-2.0
/*
 * The profile parser and validator: the input is a profile, read from a
 * file as fhook-apply reads one, checked against the host suites'
 * features, then printed as --check prints it.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

static struct features feat;
static char *dir, *path;

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	fuzz_features_load(&feat);
	dir = fuzz_tmpdir();
	xasprintf(&path, "%s/p.cfg", dir);
	/* something for an @include to find */
	fuzz_write(dir, "inc.cfg", "hooks = { i = { filter = \"a\"; }; };\n", 36);
	return 0;
}

int fuzz_one_input(const unsigned char *data, size_t size)
{
	FILE *null = fopen("/dev/null", "w");
	struct profile p;

	if (!null)
		abort();
	fuzz_write(dir, "p.cfg", (const char *)data, size);
	profile_load(&p, path, &feat);
	print_check(null, &p, false, false);
	print_check(null, &p, false, true);
	if (p.errors)
		print_invalid(null, &p, EXIT_INVALID);
	profile_free(&p);
	fclose(null);
	fuzz_reset();
	return 0;
}
