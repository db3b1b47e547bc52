/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fhook_mod_a and fhook_mod_b, the modules 76-modules.bats loads and
 * unloads, are one source compiled twice (fhook_mod_main.c and
 * fhook_mod_twin.c): same code, so the same size, and after one is
 * unloaded the other often lands at its address; only the names differ.
 * FHOOK_MOD_A or FHOOK_MOD_B, defined by the wrapper files, picks them.
 *
 * The functions a test hooks are named FHOOK_MOD_FN(x), fhook_mod_a_x in
 * fhook_mod_a; the plumbing is named fhmod_*, so a glob fhook_mod_a_*
 * counts exactly the calls a test asked for.
 */
#ifndef FHOOK_MOD_H
#define FHOOK_MOD_H

#include <linux/compiler_types.h>

#if defined(FHOOK_MOD_A)
#define FHOOK_MOD_PREFIX	fhook_mod_a
/* The namesakes: one static function of this name in each file. */
#define FHOOK_MOD_TWIN		fhook_mod_twin
#elif defined(FHOOK_MOD_B)
#define FHOOK_MOD_PREFIX	fhook_mod_b
#define FHOOK_MOD_TWIN		fhook_mod_twin_b
#else
#error "define FHOOK_MOD_A or FHOOK_MOD_B"
#endif

#define FHOOK_MOD_FN(name)	__PASTE(FHOOK_MOD_PREFIX, __PASTE(_, name))

/* Calls of FHOOK_MOD_FN(init_fn) made by the module's init function. */
#define FHOOK_MOD_INIT_CALLS	3

/* N calls of the namesake in fhook_mod_twin.c; returns the last result. */
long fhmod_twin2_repeat(unsigned long n);

#endif
