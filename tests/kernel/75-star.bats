#!/usr/bin/env bats
# '*' with per-function counts (and callers) under a workload: no kernel
# warning (the guest panics on one), a stats line per function, exact
# counts for functions only the test calls, few misses.

load helpers

setup_file() {
	ft_setup_file
}

teardown() {
	fh_teardown
}

workload() {
	ls -lR /sys/kernel/config /proc/sys/kernel >/dev/null 2>&1
	cat /proc/meminfo /proc/self/status >/dev/null
	sh -c true
}

@test "'*' with count: a line per function, exact where only the test calls" {
	# Tasks keep their function-graph return stack after the tracer
	# stops: the callers phase below must not unwind every call for good
	# (on 6.9 and later that stalled stop_machine() into soft lockups).
	echo function_graph >"$TRACING/current_tracer"
	workload
	echo nop >"$TRACING/current_tracer"
	mkdir "$FH/all"
	echo '*' >"$FH/all/filter"
	echo count >"$FH/all/action"
	echo 1 >"$FH/all/commit"
	echo 1 >"$FH/all/enabled"
	hammer "$SYS_C" 2000 3>&- &
	ft_call other 777
	ft_call caller_b 555
	workload
	wait
	n=$(fh_live_value all functions)
	cat "$FH/all/stats" >"$BATS_TEST_TMPDIR/stats"
	echo "functions: $n, stats lines: $(wc -l <"$BATS_TEST_TMPDIR/stats")," \
	     "hits: $(fh_hits all), missed: $(cat "$FH/all/missed")" >&3
	[ "$n" -gt 20000 ]
	t_eq "$(wc -l <"$BATS_TEST_TMPDIR/stats")" "$n"
	grep -qx "777 fhook_test_other \[fhook_test\]" "$BATS_TEST_TMPDIR/stats"
	grep -qx "1 fhook_test_caller_b \[fhook_test\]" "$BATS_TEST_TMPDIR/stats"
	grep -qx "1 fhook_test_repeat \[fhook_test\]" "$BATS_TEST_TMPDIR/stats"
	grep -qx "2 fhook_test_call_write \[fhook_test\]" "$BATS_TEST_TMPDIR/stats"
	grep -qx "555 fhook_test_target \[fhook_test\]" "$BATS_TEST_TMPDIR/stats"
	grep -qx "0 fhook_test_twin1 \[fhook_test\]" "$BATS_TEST_TMPDIR/stats"
	[ "$(awk '$2 == "__do_sys_sched_yield" { print $1 }' "$BATS_TEST_TMPDIR/stats")" -ge 2000 ]
	# Highest first.
	cut -d' ' -f1 "$BATS_TEST_TMPDIR/stats" | sort -c -rn
	[ "$(head -n1 "$BATS_TEST_TMPDIR/stats" | cut -d' ' -f1)" -gt 10000 ]
	[ $(($(cat "$FH/all/missed") * 100)) -lt "$(fh_hits all)" ]

	# Re-committed with callers while enabled: counts of kept functions stay.
	echo "count callers" >"$FH/all/action"
	echo 1 >"$FH/all/commit"
	ft_call caller_a 3
	workload
	cat "$FH/all/stats" >"$BATS_TEST_TMPDIR/stats"
	grep -qx "777 fhook_test_other \[fhook_test\]" "$BATS_TEST_TMPDIR/stats"
	grep -qx "558 fhook_test_target \[fhook_test\]" "$BATS_TEST_TMPDIR/stats"
	grep -Eq "^3 fhook_test_target \[fhook_test\] <- fhook_test_caller_a\+" "$BATS_TEST_TMPDIR/stats"
	[ "$(grep -c ' <- ' "$BATS_TEST_TMPDIR/stats")" -gt 100 ]
	rmdir "$FH/all"
}
