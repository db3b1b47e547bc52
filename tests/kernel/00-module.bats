#!/usr/bin/env bats
# Module load/unload, the subsystem root, mkdir/rmdir and hook names.

load helpers

setup_file() {
	fh_setup_file
}

teardown() {
	fh_teardown
}

@test "the test functions are traceable and nothing else calls them" {
	for fn in $FN_A $FN_B $FN_C $FN_D; do
		grep -qx "$fn" "$TRACING/available_filter_functions"
	done
}

@test "version is MAJOR.MINOR.PATCH and matches modinfo" {
	run cat "$FH/version"
	[[ "$output" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
	t_eq "$output" "$(modinfo -F version fhook)"
}

@test "features lists every flag, action, predicate and limit" {
	run cat "$FH/features"
	t_eq "$output" "$FEATURES"
}

@test "root attributes are read-only: opening them to write is EACCES" {
	local f

	for f in version features; do
		run fh_put "$FH/$f" 1
		t_eq "$status" 1
		t_eq "$output" "open: EACCES"
	done
}

@test "mkdir makes an empty, disabled, uncommitted hook with every attribute" {
	mkdir "$FH/h1"
	for a in filter notrace flags action commit enabled live hits missed \
		 reset last_error tag; do
		[ -e "$FH/h1/$a" ]
	done
	t_eq "$(cat "$FH/h1/filter")" ""
	t_eq "$(cat "$FH/h1/notrace")" ""
	t_eq "$(cat "$FH/h1/flags")" ""
	t_eq "$(cat "$FH/h1/action")" "count"
	t_eq "$(cat "$FH/h1/enabled")" "0"
	t_eq "$(cat "$FH/h1/hits")" "0"
	t_eq "$(cat "$FH/h1/missed")" "0"
	t_eq "$(cat "$FH/h1/last_error")" ""
	t_eq "$(cat "$FH/h1/args") $(cat "$FH/h1/stack_depth") $(cat "$FH/h1/sample")" "0 16 1"
	t_eq "$(cat "$FH/h1/target")$(cat "$FH/h1/pids")$(cat "$FH/h1/comm")" ""
	t_eq "$(cat "$FH/h1/functions")$(cat "$FH/h1/stats")" ""
	t_eq "$(cat "$FH/h1/live")" "generation: 0
filter:
notrace:
flags:
action:
args: 0
stack_depth: 16
target:
pids:
comm:
sample: 1
functions: 0"
}

@test "hook names: letters, digits, '_' and '-', 64 bytes at most" {
	mkdir "$FH/a" "$FH/Sched_1-x" "$FH/$(printf 'n%.0s' {1..64})"
	rmdir "$FH/a" "$FH/Sched_1-x" "$FH/$(printf 'n%.0s' {1..64})"
}

@test "mkdir logs why it refused a name" {
	local long

	# pr_warn_ratelimited: ten messages in 5 s, so before the next test.
	long=$(printf 'n%.0s' {1..65})
	kmsg_mark
	run mkdir "$FH/9lives"
	t_eq "$status" 1
	run mkdir "$FH/a.b"
	t_eq "$status" 1
	run mkdir "$FH/$long"
	t_eq "$status" 1
	[[ "$output" == *"File name too long"* ]]
	t_eq "$(kmsg_since_mark | sed -n 's/.*\(fhook: mkdir: \)/\1/p')" \
		"fhook: mkdir: hook name '9lives' must start with a letter
fhook: mkdir: hook name 'a.b': character 0x2e not allowed (letters, digits, '_', '-')
fhook: mkdir: hook name longer than 64 bytes"
}

@test "bad hook names are refused with EINVAL" {
	local name

	for name in 1abc _abc -abc 'a.b' 'a b' 'a:b' 'a@b' 'ä'; do
		run mkdir "$FH/$name"
		[ "$status" -ne 0 ]
		[[ "$output" == *"Invalid argument"* ]]
		[ ! -e "$FH/$name" ]
	done
}

@test "mkdir of an existing hook fails with EEXIST" {
	mkdir "$FH/dup"
	run mkdir "$FH/dup"
	[ "$status" -ne 0 ]
	[[ "$output" == *"File exists"* ]]
}

@test "rmdir of an enabled hook succeeds and stops its callbacks" {
	fh_hook hot "$FN_A"
	echo 1 >"$FH/hot/enabled"
	hammer "$SYS_A" 100
	t_eq "$(fh_hits hot)" 100
	rmdir "$FH/hot"
	[ ! -e "$FH/hot" ]
	hammer "$SYS_A" 100
	! grep -q "$FN_A" "$TRACING/enabled_functions"
}

@test "rmmod is refused while a hook exists and works after" {
	mkdir "$FH/pin"
	run rmmod fhook
	[ "$status" -ne 0 ]
	[ -d "$FH" ]
	rmdir "$FH/pin"
	rmmod fhook
	[ ! -e "$FH" ]
	modprobe fhook
	[ -d "$FH" ]
}

@test "rmmod works after hooks were enabled, committed and removed" {
	fh_hook x "$FN_A"
	echo 1 >"$FH/x/enabled"
	echo "$FN_B" >"$FH/x/filter"
	echo 1 >"$FH/x/commit"
	rmdir "$FH/x"
	rmmod fhook
	modprobe fhook
	[ -d "$FH" ]
}

# FHOOK_SKEW_KO is fhook.ko built with FHOOK_TEST_LAYOUT_SKEW (tests/run):
# its idea of struct ftrace_hash is off by one field, as on a kernel that
# moved the private layout funcs.c reads.
@test "a kernel whose struct ftrace_hash moved: load refused with a reason" {
	[ -f "${FHOOK_SKEW_KO:-}" ] || {
		echo "FHOOK_SKEW_KO is not a file: tests/run builds it" >&2
		return 1
	}
	rmmod fhook
	run insmod "$FHOOK_SKEW_KO"
	t_eq "$status" 1
	[[ "$output" == *"Invalid module format"* ]]
	[ ! -e "$FH" ]
	dmesg | grep -q "struct ftrace_hash is not the layout fhook reads: not loading"
	modprobe fhook
	# the real module passed the same check
	[ -d "$FH" ]
}
