// SPDX-License-Identifier: GPL-2.0
/* fhook_mod_b's main file: see fhook_mod.h. */
#define FHOOK_MOD_B
#include "fhook_mod_main.c"
