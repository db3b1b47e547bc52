// SPDX-License-Identifier: GPL-2.0
/* fhook_mod_b's second namesake: see fhook_mod.h. */
#define FHOOK_MOD_B
#include "fhook_mod_twin.c"
