#!/usr/bin/env bats
# enabled, exact counting, counters, reset, notrace and exclusions, and the
# behaviour of each ftrace_ops flag.

load helpers

setup_file() {
	fh_setup_file
}

teardown() {
	fh_teardown
}

@test "enabling a never-committed hook fails with a clear reason" {
	mkdir "$FH/n"
	echo "$FN_A" >"$FH/n/filter"
	fh_expect_fail n enabled 1 EINVAL "nothing committed yet: write 1 to commit first"
	t_eq "$(cat "$FH/n/enabled")" 0
}

@test "enabled accepts booleans only" {
	fh_hook n "$FN_A"
	fh_expect_fail n enabled 2 EINVAL "enabled: write 0 or 1"
	fh_expect_fail n enabled $'\n' EINVAL "enabled: write 0 or 1"
	echo on >"$FH/n/enabled"
	t_eq "$(cat "$FH/n/enabled")" 1
	echo 1 >"$FH/n/enabled"
	echo off >"$FH/n/enabled"
	t_eq "$(cat "$FH/n/enabled")" 0
	echo 0 >"$FH/n/enabled"
}

@test "the test functions are called by nothing but fhook-hammer" {
	fh_hook quiet "$FN_A $FN_B $FN_C $FN_D"
	echo 1 >"$FH/quiet/enabled"
	sleep 2
	t_eq "$(fh_hits quiet)" 0
	hammer "$SYS_D" 1
	t_eq "$(fh_hits quiet)" 1
}

@test "count is exact, and only while enabled" {
	fh_hook n "$FN_A"
	hammer "$SYS_A" 1000
	t_eq "$(fh_hits n)" 0
	echo 1 >"$FH/n/enabled"
	grep -q "^$FN_A " "$TRACING/enabled_functions"
	hammer "$SYS_A" 12345
	hammer "$SYS_B" 777
	t_eq "$(fh_hits n)" 12345
	t_eq "$(cat "$FH/n/missed")" 0
	echo 0 >"$FH/n/enabled"
	run -1 grep -q "^$FN_A " "$TRACING/enabled_functions"
	hammer "$SYS_A" 1000
	t_eq "$(fh_hits n)" 12345
}

@test "counters survive commits and enable/disable; reset zeroes them" {
	fh_hook n "$FN_A"
	echo 1 >"$FH/n/enabled"
	hammer "$SYS_A" 300
	echo "$FN_A $FN_B" >"$FH/n/filter"
	echo 1 >"$FH/n/commit"
	hammer "$SYS_B" 200
	echo 0 >"$FH/n/enabled"
	echo 1 >"$FH/n/enabled"
	hammer "$SYS_A" 100
	t_eq "$(fh_hits n)" 600
	echo 1 >"$FH/n/reset"
	t_eq "$(fh_hits n)" 0
	t_eq "$(cat "$FH/n/missed")" 0
	hammer "$SYS_B" 5
	t_eq "$(fh_hits n)" 5
	fh_expect_fail n reset 0 EINVAL "reset: write 1 to reset"
	run cat "$FH/n/reset"
	[ "$status" -ne 0 ]
}

@test "notrace and filter exclusions remove functions" {
	mkdir "$FH/x"
	echo "__do_sys_getpp?d __do_sys_getpgr[p] __do_sys_sched_yiel* !$FN_B" >"$FH/x/filter"
	echo "$FN_C" >"$FH/x/notrace"
	echo 1 >"$FH/x/commit"
	echo 1 >"$FH/x/enabled"
	hammer "$SYS_A" 10
	hammer "$SYS_B" 20
	hammer "$SYS_C" 40
	hammer "$SYS_D" 80
	t_eq "$(fh_hits x)" 10
}

@test "a notrace exclusion re-admits a function" {
	mkdir "$FH/x"
	echo "$FN_A $FN_C" >"$FH/x/filter"
	echo "__do_sys_sched_* __do_sys_gettid !$FN_C" >"$FH/x/notrace"
	echo 1 >"$FH/x/commit"
	echo 1 >"$FH/x/enabled"
	hammer "$SYS_A" 10
	hammer "$SYS_C" 40
	t_eq "$(fh_hits x)" 50
}

@test "exclusions removing every match hook nothing, never everything" {
	mkdir "$FH/x"
	echo "$FN_A !$FN_A" >"$FH/x/filter"
	echo 1 >"$FH/x/commit"
	echo 1 >"$FH/x/enabled"
	hammer "$SYS_A" 10
	sleep 1
	t_eq "$(fh_hits x)" 0
	! grep -q "^$FN_A " "$TRACING/enabled_functions"
}

@test "every flag combination that commits counts exactly" {
	local flags

	for flags in "" RECURSION RCU SAVE_REGS SAVE_REGS_IF_SUPPORTED \
		     PERMANENT "SAVE_REGS RECURSION RCU PERMANENT"; do
		fh_hook f "$FN_A" "$flags"
		echo 1 >"$FH/f/enabled"
		t_eq "$(fh_live_value f flags)" "$flags"
		hammer "$SYS_A" 2000
		t_eq "$(fh_hits f)" 2000
		rmdir "$FH/f"
	done
}

@test "PERMANENT: ftrace_enabled cannot be cleared while it is enabled" {
	fh_hook p "$FN_A" PERMANENT
	echo 1 >"$FH/p/enabled"
	run sh -c 'echo 0 >/proc/sys/kernel/ftrace_enabled'
	[ "$status" -ne 0 ]
	t_eq "$(cat /proc/sys/kernel/ftrace_enabled)" 1
	echo 0 >"$FH/p/enabled"
	echo 0 >/proc/sys/kernel/ftrace_enabled
	fh_expect_fail p enabled 1 EBUSY "PERMANENT cannot be used while ftrace_enabled=0"
	echo 1 >/proc/sys/kernel/ftrace_enabled
	echo 1 >"$FH/p/enabled"
}

@test "without PERMANENT, ftrace_enabled=0 stops the hook" {
	fh_hook q "$FN_A"
	echo 1 >"$FH/q/enabled"
	hammer "$SYS_A" 10
	echo 0 >/proc/sys/kernel/ftrace_enabled
	hammer "$SYS_A" 10
	echo 1 >/proc/sys/kernel/ftrace_enabled
	hammer "$SYS_A" 10
	t_eq "$(fh_hits q)" 20
}

@test "two hooks on one function each count every call" {
	fh_hook one "$FN_A"
	fh_hook two "$FN_A $FN_B" RECURSION
	echo 1 >"$FH/one/enabled"
	echo 1 >"$FH/two/enabled"
	hammer "$SYS_A" 3000
	hammer "$SYS_B" 1000
	t_eq "$(fh_hits one)" 3000
	t_eq "$(fh_hits two)" 4000
}

@test "hits and missed are read-only" {
	mkdir "$FH/r"
	run fh_put "$FH/r/hits" 0
	[ "$status" -ne 0 ]
	run fh_put "$FH/r/missed" 0
	[ "$status" -ne 0 ]
	run fh_put "$FH/r/last_error" x
	[ "$status" -ne 0 ]
}
