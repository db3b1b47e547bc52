# Shared by every kernel suite: runs inside the QEMU guest as root, with
# fhook.ko installed for the guest kernel (tests/guest/run-in-guest).
# shellcheck shell=bash

load ../lib/common

FH=/sys/kernel/config/fhook
TOOLS=$(cd "$BATS_TEST_DIRNAME/../tools" && pwd)
TRACING=/sys/kernel/tracing

# Traceable functions that only fhook-hammer calls while a test runs: each
# is the body of an argument-less syscall (checked in 30-enable.bats). Not
# get[ug]id and gete[ug]id: every exec calls those; a new bash calls
# getppid and getpgrp once, so no test starts a bash while counting.
FN_A=__do_sys_getppid
FN_B=__do_sys_getpgrp
FN_C=__do_sys_sched_yield
FN_D=__do_sys_gettid
SYS_A=getppid
SYS_B=getpgrp
SYS_C=sched_yield
SYS_D=gettid

# Load fhook once per file; every test leaves no hook behind.
fh_setup_file() {
	[ "${FHOOK_GUEST:-}" = 1 ] || {
		echo "kernel suites run only inside the test guest" >&2
		return 1
	}
	modprobe fhook
	[ -d "$FH" ]
}

# Remove every hook, enabled or not: rmdir disables it first.
fh_cleanup() {
	local d

	for d in "$FH"/*/; do
		[ -d "$d" ] && rmdir "$d"
	done
	return 0
}

fh_teardown() {
	fh_cleanup
	echo 1 >/proc/sys/kernel/ftrace_enabled
}

# fh_put FILE VALUE: one write(); output is "ok" or the errno name.
fh_put() {
	"$TOOLS/fhook-write" "$@"
}

# fh_expect_fail HOOK ATTR VALUE ERRNO LAST_ERROR
fh_expect_fail() {
	run fh_put "$FH/$1/$2" "$3"
	t_eq "$output" "$4"
	t_eq "$(cat "$FH/$1/last_error")" "$5"
}

# fh_hook NAME FILTER [FLAGS]: create, stage, commit (not enabled).
fh_hook() {
	mkdir "$FH/$1"
	echo "$2" >"$FH/$1/filter"
	echo "${3:-}" >"$FH/$1/flags"
	echo 1 >"$FH/$1/commit"
}

fh_hits() {
	cat "$FH/$1/hits"
}

# fh_live_value HOOK KEY: one value of the live attribute.
fh_live_value() {
	sed -n "s/^$2: *//p" "$FH/$1/live"
}

hammer() {
	"$TOOLS/fhook-hammer" "$@"
}

# The test module (tests/module/fhook_test.c): functions only the suites
# call, reached through debugfs, and the redirect target.
FT=/sys/kernel/debug/fhook_test
FT_TARGET=fhook_test_target
FT_REPLACEMENT=fhook_test_replacement
# The tracefs instance fhook.ko writes its events to.
FHI=$TRACING/instances/fhook

ft_setup_file() {
	fh_setup_file || return 1
	modprobe fhook_test
	[ -d "$FT" ]
}

# ft_call NAME N [A [B]]: N calls (caller_a, caller_b: of fhook_test_target
# from that caller; other, twin1, twin2, unexported: of that function).
ft_call() {
	echo "$*" >"$FT/call"
}

ft_result() {
	cat "$FT/result"
}

# fh_records [EVENT]: the fhook instance's records of EVENT (default any).
fh_records() {
	grep -v '^#' "$FHI/trace" | grep -F "${1:-fhook_}" || true
}

fh_clear_trace() {
	echo >"$FHI/trace"
}
