// SPDX-License-Identifier: GPL-2.0
/*
 * The trace events of actions log and stack, and the tracefs instance
 * "fhook" in which they are enabled, so that its trace_pipe shows hook
 * records and nothing else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/trace.h>

#include "compat.h"
#include "fhook.h"

#define CREATE_TRACE_POINTS
#include "fhook_trace.h"

#define FHOOK_INSTANCE		"fhook"

/* Set at init, dropped at exit; nothing else touches it. */
static struct trace_array *fhook_instance;

/*
 * Print a recorded stack one frame a line, as ftrace prints its own stack
 * traces.  Runs when the record is read, not in the callback.
 */
const char *fhook_print_stack(struct trace_seq *p, const unsigned long *stack,
			      unsigned int nr)
{
	const char *ret = trace_seq_buffer_ptr(p);
	unsigned int i;

	for (i = 0; i < nr; i++)
		trace_seq_printf(p, "\n => %pS", (void *)stack[i]);
	trace_seq_putc(p, 0);
	return ret;
}

struct trace_array *fhook_events_instance(void)
{
	return fhook_instance;
}

int fhook_events_init(void)
{
	int ret;

	fhook_instance = fhook_trace_array_get(FHOOK_INSTANCE);
	if (!fhook_instance)
		return -ENOMEM;
	/* By name: not fhook_ctl (hookevent.c), nor hooks' own events. */
	ret = trace_array_set_clr_event(fhook_instance, "fhook", "fhook_call",
					true);
	if (!ret)
		ret = trace_array_set_clr_event(fhook_instance, "fhook",
						"fhook_stack", true);
	if (ret) {
		trace_array_put(fhook_instance);
		trace_array_destroy(fhook_instance);
	}
	return ret;
}

/* Runs after every hook is gone: no event can be written any more. */
void fhook_events_exit(void)
{
	trace_array_set_clr_event(fhook_instance, "fhook", "fhook_call", false);
	trace_array_set_clr_event(fhook_instance, "fhook", "fhook_stack",
				  false);
	trace_array_put(fhook_instance);
	/* -EBUSY while a reader holds it open: it then outlives us, empty. */
	trace_array_destroy(fhook_instance);
}
