// SPDX-License-Identifier: GPL-2.0
/* fhook_mod_a's second namesake: see fhook_mod.h. */
#define FHOOK_MOD_A
#include "fhook_mod_twin.c"
