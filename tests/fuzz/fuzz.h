/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer harnesses of fhook-apply share: the module's
 * features as the host suites fake them, fake configfs trees in a
 * temporary directory, and the check that a --plan script runs nothing
 * but configfs operations.
 */
#ifndef FHOOK_FUZZ_H
#define FHOOK_FUZZ_H

#include <stddef.h>

#include "../../utils/fhook-apply.h"

/* tests/lib/common.bash's FEATURES */
extern const char fuzz_features[];

/*
 * libFuzzer's entry points, each harness's own: the Makefile gives them
 * libFuzzer's names (-D), which checkpatch would call CamelCase.
 */
int fuzz_initialize(int *argc, char ***argv);
int fuzz_one_input(const unsigned char *data, size_t size);

void fuzz_init(void);
void fuzz_features_load(struct features *f);
char *fuzz_tmpdir(void);
void fuzz_rmtree(const char *dir);
void fuzz_write(const char *dir, const char *name, const char *text,
		size_t len);
void fuzz_fake_root(const char *root);
void fuzz_fake_hook(const char *root, const char *name);
void fuzz_check_plan(const struct plan *pl, const char *profile);
void fuzz_reset(void);

#endif /* FHOOK_FUZZ_H */
