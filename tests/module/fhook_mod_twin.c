// SPDX-License-Identifier: GPL-2.0
/*
 * The second of the namesakes (fhook_mod.h): a static function with the
 * same name as one in fhook_mod_main.c, so kallsyms and ftrace list the
 * name twice for the module and only the address tells them apart.
 * Compiled through fhook_mod_a_twin.c and fhook_mod_b_twin.c.
 */
#include <linux/kernel.h>
#include <linux/sched.h>

#include "fhook_mod.h"

static noinline __noipa long FHOOK_MOD_TWIN(long a)
{
	return a + 2;
}

long fhmod_twin2_repeat(unsigned long n)
{
	unsigned long i;
	long ret = 0;

	for (i = 0; i < n; i++) {
		ret = FHOOK_MOD_TWIN(i);
		cond_resched();
	}
	return ret;
}
