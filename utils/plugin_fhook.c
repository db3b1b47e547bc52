// SPDX-License-Identifier: GPL-2.0
/*
 * libtraceevent plugin for fhook's trace events.  The print format of
 * fhook:fhook_stack calls fhook_print_stack(), a helper inside fhook.ko
 * that userspace parsers do not know: without this plugin trace-cmd report
 * and perf script print the event as "[FAILED TO PARSE]".  Here the same
 * helper prints each frame as "\n => SYMBOL+0xOFF", the way the kernel's
 * trace output does, with the symbols the trace file (or perf) provides.
 *
 * Built without -ltraceevent, like libtraceevent's own plugins: the
 * program loading the plugin (trace-cmd, or perf with its built-in copy of
 * the library) provides the tep_*() and trace_seq_*() functions.
 */
#include <stdint.h>
#include <event-parse.h>
#include <trace-seq.h>

/*
 * A print function is given no tep handle, so keep the one the plugin was
 * last loaded for: its long size, byte order and kernel symbols are those
 * of the trace being read.  trace-cmd and perf read one trace per handle.
 */
static struct tep_handle *fhook_tep;

/*
 * fhook_print_stack(p, __get_dynamic_array(stack), REC->nr_stack): args[0]
 * is the kernel's trace_seq (meaningless here), args[1] the address of the
 * array inside the record, args[2] the number of return addresses in it.
 */
static unsigned long long fhook_print_stack(struct trace_seq *s,
					    unsigned long long *args)
{
	const char *stack = (const char *)(uintptr_t)args[1];
	unsigned int nr = args[2];
	unsigned long long addr, start;
	const char *name;
	unsigned int i;
	int size;

	if (!fhook_tep)
		return 0;

	/* The array holds the traced kernel's unsigned longs. */
	size = tep_get_long_size(fhook_tep);
	if (size != 4 && size != 8)
		size = sizeof(long);

	for (i = 0; i < nr; i++) {
		addr = tep_read_number(fhook_tep, stack + i * size, size);
		name = tep_find_function(fhook_tep, addr);
		if (name) {
			start = tep_find_function_address(fhook_tep, addr);
			trace_seq_printf(s, "\n => %s+0x%llx", name,
					 addr - start);
		} else {
			trace_seq_printf(s, "\n => 0x%llx", addr);
		}
	}
	return 0;
}

int TEP_PLUGIN_LOADER(struct tep_handle *tep)
{
	int ret;

	ret = tep_register_print_function(tep, fhook_print_stack,
					  TEP_FUNC_ARG_STRING,
					  "fhook_print_stack",
					  TEP_FUNC_ARG_PTR, TEP_FUNC_ARG_PTR,
					  TEP_FUNC_ARG_INT, TEP_FUNC_ARG_VOID);
	if (ret < 0)
		return ret;
	fhook_tep = tep;
	return 0;
}

int TEP_PLUGIN_UNLOADER(struct tep_handle *tep)
{
	tep_unregister_print_function(tep, fhook_print_stack,
				      "fhook_print_stack");
	if (fhook_tep == tep)
		fhook_tep = NULL;
	return 0;
}
