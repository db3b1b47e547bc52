/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fhook's trace events: fhook:fhook_call (action log) and fhook:fhook_stack
 * (action stack).  Real TRACE_EVENT()s, so perf, trace-cmd, event filters,
 * triggers and histograms work on them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM fhook

#if !defined(_FHOOK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _FHOOK_TRACE_H

#include <linux/tracepoint.h>
#include <linux/trace_seq.h>

const char *fhook_print_stack(struct trace_seq *p, const unsigned long *stack,
			      unsigned int nr);

/*
 * Element size for __print_array(): a literal, since perf's and
 * trace-cmd's parser of the print format cannot evaluate sizeof.
 */
#ifdef CONFIG_64BIT
#define FHOOK_TRACE_ULONG	8
#else
#define FHOOK_TRACE_ULONG	4
#endif

/*
 * The hook's name is a char array whose length the caller knows (@hook_len,
 * without the NUL): in the format and to filters it is the same
 * `__data_loc char[]` as __string() makes, without a strlen() and a
 * strcpy() on every call.
 */
TRACE_EVENT(fhook_call,
	    TP_PROTO(const char *hook, unsigned int hook_len,
		     unsigned long func, unsigned long caller,
		     const unsigned long *args, unsigned int nr_args),
	    TP_ARGS(hook, hook_len, func, caller, args, nr_args),
	    TP_STRUCT__entry(__dynamic_array(char, hook, hook_len + 1)
			     __field(unsigned long, func)
			     __field(unsigned long, caller)
			     __field(unsigned int, nr_args)
			     __dynamic_array(unsigned long, args, nr_args)),
	    TP_fast_assign(memcpy(__get_dynamic_array(hook), hook,
				  hook_len + 1);
			   __entry->func = func;
			   __entry->caller = caller;
			   __entry->nr_args = nr_args;
			   memcpy(__get_dynamic_array(args), args,
				  nr_args * sizeof(unsigned long))),
	    TP_printk("hook=%s func=%ps caller=%pS args=%s", __get_str(hook),
		      (void *)__entry->func, (void *)__entry->caller,
		      __print_array(__get_dynamic_array(args),
				    __entry->nr_args, FHOOK_TRACE_ULONG))
);

TRACE_EVENT(fhook_stack,
	    TP_PROTO(const char *hook, unsigned int hook_len,
		     unsigned long func, unsigned long caller,
		     const unsigned long *args, unsigned int nr_args,
		     const unsigned long *stack, unsigned int nr_stack),
	    TP_ARGS(hook, hook_len, func, caller, args, nr_args, stack,
		    nr_stack),
	    TP_STRUCT__entry(__dynamic_array(char, hook, hook_len + 1)
			     __field(unsigned long, func)
			     __field(unsigned long, caller)
			     __field(unsigned int, nr_args)
			     __field(unsigned int, nr_stack)
			     __dynamic_array(unsigned long, args, nr_args)
			     __dynamic_array(unsigned long, stack, nr_stack)),
	    TP_fast_assign(memcpy(__get_dynamic_array(hook), hook,
				  hook_len + 1);
			   __entry->func = func;
			   __entry->caller = caller;
			   __entry->nr_args = nr_args;
			   __entry->nr_stack = nr_stack;
			   memcpy(__get_dynamic_array(args), args,
				  nr_args * sizeof(unsigned long));
			   memcpy(__get_dynamic_array(stack), stack,
				  nr_stack * sizeof(unsigned long))),
	    TP_printk("hook=%s func=%ps caller=%pS args=%s stack=%s",
		      __get_str(hook), (void *)__entry->func,
		      (void *)__entry->caller,
		      __print_array(__get_dynamic_array(args),
				    __entry->nr_args, FHOOK_TRACE_ULONG),
		      fhook_print_stack(p, __get_dynamic_array(stack),
					__entry->nr_stack))
);

#endif /* _FHOOK_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE fhook_trace
#include <trace/define_trace.h>
