#!/usr/bin/env bats
# commit: validation of the staged configuration as a whole, the live
# attribute and generations, and that a failed commit changes nothing.

load helpers

setup_file() {
	fh_setup_file
}

setup() {
	mkdir "$FH/c"
}

teardown() {
	fh_teardown
}

live_before() {
	cat "$FH/c/live"
}

@test "commit makes the staged configuration live with generation 1, 2, ..." {
	echo "$FN_B $FN_A" >"$FH/c/filter"
	echo "$FN_C" >"$FH/c/notrace"
	echo "RCU RECURSION" >"$FH/c/flags"
	echo 1 >"$FH/c/commit"
	t_eq "$(cat "$FH/c/live")" "generation: 1
filter: $FN_B $FN_A
notrace: $FN_C
flags: RECURSION RCU
action: count
args: 0
stack_depth: 16
target:
pids:
comm:
sample: 1
functions: 2"
	echo 1 >"$FH/c/commit"
	t_eq "$(fh_live_value c generation)" 2
	echo "" >"$FH/c/notrace"
	echo y >"$FH/c/commit"
	t_eq "$(fh_live_value c generation)" 3
	t_eq "$(fh_live_value c notrace)" ""
	t_eq "$(cat "$FH/c/enabled")" 0
}

@test "commit accepts only a true value" {
	echo "$FN_A" >"$FH/c/filter"
	fh_expect_fail c commit 0 EINVAL "commit: write 1 to commit"
	fh_expect_fail c commit maybe EINVAL "commit: write 1 to commit"
	t_eq "$(fh_live_value c generation)" 0
}

@test "commit is write-only" {
	run cat "$FH/c/commit"
	[ "$status" -ne 0 ]
}

@test "an empty filter is refused" {
	fh_expect_fail c commit 1 EINVAL "filter is empty; write '*' to hook every function"
	echo "$FN_A" >"$FH/c/notrace"
	fh_expect_fail c commit 1 EINVAL "filter is empty; write '*' to hook every function"
	t_eq "$(fh_live_value c generation)" 0
}

@test "a filter of exclusions only is refused" {
	echo "!$FN_A" >"$FH/c/filter"
	fh_expect_fail c commit 1 EINVAL "filter has only exclusions; add a glob to include"
}

@test "a glob matching no traceable function is refused, naming it" {
	echo "$FN_A fhook_no_such_fn*" >"$FH/c/filter"
	fh_expect_fail c commit 1 EINVAL "filter glob 'fhook_no_such_fn*' matches no traceable function"
	echo "$FN_A !fhook_no_such_fn" >"$FH/c/filter"
	fh_expect_fail c commit 1 EINVAL "filter glob '!fhook_no_such_fn' matches no traceable function"
	echo "$FN_A" >"$FH/c/filter"
	echo "fhook_nope" >"$FH/c/notrace"
	fh_expect_fail c commit 1 EINVAL "notrace glob 'fhook_nope' matches no traceable function"
	echo "$FN_B !fhook_nope" >"$FH/c/notrace"
	fh_expect_fail c commit 1 EINVAL "notrace glob '!fhook_nope' matches no traceable function"
	t_eq "$(fh_live_value c generation)" 0
}

@test "functions ftrace cannot trace are refused like missing ones" {
	# fhook itself is built without instrumentation. The test modules'
	# functions (fhook_test_*, fhook_mod_*) are traceable, and fhook_test
	# is loaded once a suite has called one of them.
	echo "fhook_callback" >"$FH/c/filter"
	fh_expect_fail c commit 1 EINVAL "filter glob 'fhook_callback' matches no traceable function"
	echo "fhook_[!mt]*" >"$FH/c/filter"
	fh_expect_fail c commit 1 EINVAL "filter glob 'fhook_[!mt]*' matches no traceable function"
}

@test "IPMODIFY is refused without action redirect" {
	echo "$FN_A" >"$FH/c/filter"
	echo "SAVE_REGS IPMODIFY" >"$FH/c/flags"
	fh_expect_fail c commit 1 EINVAL "IPMODIFY needs an action that modifies the IP"
}

@test "PERMANENT is refused while ftrace_enabled=0" {
	echo "$FN_A" >"$FH/c/filter"
	echo PERMANENT >"$FH/c/flags"
	echo 0 >/proc/sys/kernel/ftrace_enabled
	fh_expect_fail c commit 1 EBUSY "PERMANENT cannot be used while ftrace_enabled=0"
	echo 1 >/proc/sys/kernel/ftrace_enabled
	echo 1 >"$FH/c/commit"
	t_eq "$(fh_live_value c flags)" PERMANENT
}

@test "a failed commit leaves the live configuration exactly as it was" {
	echo "$FN_A" >"$FH/c/filter"
	echo RECURSION >"$FH/c/flags"
	echo 1 >"$FH/c/commit"
	before=$(cat "$FH/c/live")
	echo "$FN_B nonexistent_fn_xyz" >"$FH/c/filter"
	echo "" >"$FH/c/flags"
	fh_expect_fail c commit 1 EINVAL "filter glob 'nonexistent_fn_xyz' matches no traceable function"
	t_eq "$(cat "$FH/c/live")" "$before"
}

@test "a failed commit of an enabled hook keeps its callbacks" {
	fh_hook e "$FN_A"
	echo 1 >"$FH/e/enabled"
	echo "$FN_B nonexistent_fn_xyz" >"$FH/e/filter"
	fh_expect_fail e commit 1 EINVAL "filter glob 'nonexistent_fn_xyz' matches no traceable function"
	hammer "$SYS_A" 70
	hammer "$SYS_B" 30
	t_eq "$(fh_hits e)" 70
	t_eq "$(cat "$FH/e/enabled")" 1
}

@test "a successful commit clears last_error" {
	fh_expect_fail c commit 1 EINVAL "filter is empty; write '*' to hook every function"
	echo "$FN_A" >"$FH/c/filter"
	echo 1 >"$FH/c/commit"
	t_eq "$(cat "$FH/c/last_error")" ""
}

@test "live is read-only" {
	run fh_put "$FH/c/live" x
	[ "$status" -ne 0 ]
}
