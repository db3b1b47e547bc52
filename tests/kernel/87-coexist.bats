#!/usr/bin/env bats
# fhook next to the other ftrace users on the same function: the function
# tracer (set_ftrace_filter) and a kprobe event (a kprobe on an ftrace
# call site is itself an ftrace_ops). Every fhook count stays exact while
# they come and go, and each of them still sees every call.

load helpers

KPROBE=fhook_coexist

setup_file() {
	ft_setup_file
}

teardown() {
	echo nop >"$TRACING/current_tracer"
	echo >"$TRACING/set_ftrace_filter"
	[ ! -d "$TRACING/events/kprobes/$KPROBE" ] || {
		echo 0 >"$TRACING/events/kprobes/$KPROBE/enable"
		echo "-:$KPROBE" >>"$TRACING/kprobe_events"
	}
	echo >"$TRACING/trace"
	fh_teardown
}

# The hammer's calls of FN_C in the top-level trace: function tracer lines
# and kprobe event lines.
traced_calls() {
	grep -c "fhook-hammer.* $FN_C <-" "$TRACING/trace" || true
}

kprobe_calls() {
	grep -c "fhook-hammer.* $KPROBE: " "$TRACING/trace" || true
}

@test "coexist: exact counts with the function tracer and a kprobe on the same function" {
	mkdir "$FH/y"
	echo "$FN_C" >"$FH/y/filter"
	echo fhook-hammer >"$FH/y/comm"
	echo 1 >"$FH/y/commit"
	echo 1 >"$FH/y/enabled"
	echo >"$TRACING/trace"
	hammer "$SYS_C" 300
	t_eq "$(fh_hits y)" 300

	# The function tracer on the same function.
	echo "$FN_C" >"$TRACING/set_ftrace_filter"
	echo function >"$TRACING/current_tracer"
	hammer "$SYS_C" 300
	t_eq "$(fh_hits y)" 600
	t_eq "$(traced_calls)" 300

	# And a kprobe event on its first instruction (through ftrace).
	echo "p:$KPROBE $FN_C" >>"$TRACING/kprobe_events"
	echo 1 >"$TRACING/events/kprobes/$KPROBE/enable"
	hammer "$SYS_C" 300
	t_eq "$(fh_hits y)" 900
	t_eq "$(traced_calls)" 600
	t_eq "$(kprobe_calls)" 300

	# fhook re-registers (other functions) with both on; a second hook is
	# enabled after them.
	echo "$FN_C $FN_A" >"$FH/y/filter"
	echo 1 >"$FH/y/commit"
	fh_hook other fhook_test_other
	echo 1 >"$FH/other/enabled"
	hammer "$SYS_C" 300
	ft_call other 44
	t_eq "$(fh_hits y)" 1200
	t_eq "$(fh_hits other)" 44
	t_eq "$(traced_calls)" 900
	t_eq "$(kprobe_calls)" 600
	# three ops on the one call site: fhook's, the tracer's, kprobes'
	grep -q "^$FN_C (3)" "$TRACING/enabled_functions"

	# They leave (a tracer switch and an event's removal empty the
	# buffer); fhook keeps counting every call.
	echo nop >"$TRACING/current_tracer"
	hammer "$SYS_C" 300
	t_eq "$(kprobe_calls)" 300
	echo 0 >"$TRACING/events/kprobes/$KPROBE/enable"
	echo "-:$KPROBE" >>"$TRACING/kprobe_events"
	hammer "$SYS_C" 300
	ft_call other 6
	t_eq "$(fh_hits y)" 1800
	t_eq "$(fh_hits other)" 50
}

@test "coexist: fhook disabled and removed under the tracers leaves them exact" {
	echo "$FN_C" >"$TRACING/set_ftrace_filter"
	echo function >"$TRACING/current_tracer"
	echo "p:$KPROBE $FN_C" >>"$TRACING/kprobe_events"
	echo 1 >"$TRACING/events/kprobes/$KPROBE/enable"
	echo >"$TRACING/trace"
	mkdir "$FH/y"
	echo "$FN_C" >"$FH/y/filter"
	echo fhook-hammer >"$FH/y/comm"
	echo 1 >"$FH/y/commit"
	echo 1 >"$FH/y/enabled"
	hammer "$SYS_C" 200
	echo 0 >"$FH/y/enabled"
	hammer "$SYS_C" 200
	echo 1 >"$FH/y/enabled"
	hammer "$SYS_C" 200
	rmdir "$FH/y"
	hammer "$SYS_C" 200
	t_eq "$(traced_calls)" 800
	t_eq "$(kprobe_calls)" 800
}
