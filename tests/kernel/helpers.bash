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

# fh_need_config OPTION: skip the test, with the reason "OPTION is not
# set", on a kernel built without that option (or, for OPTION=m, with it
# built in). Debian's kernels have every option asked for here, and
# tests/run counts a skip as a failure;
# only tests/debug/check, whose kernel has a small configuration, counts
# it apart (neither passed nor failed).
fh_need_config() {
	local have

	case $1 in
	CONFIG_HIST_TRIGGERS) grep -q 'hist:keys=' "$TRACING/README" && have=1 ;;
	# loop as a module of its own, which a test loads and unloads
	CONFIG_BLK_DEV_LOOP=m)
		[[ $(modinfo -F filename loop 2>/dev/null) == *.ko* ]] && have=1
		;;
	*) echo "fh_need_config: no probe for $1" >&2; return 1 ;;
	esac
	[ -n "${have:-}" ] || skip "$1 is not set"
}

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

# The modules 76-modules.bats loads and unloads (tests/module/fhook_mod.h):
# tests/run builds them and names their directory in FHOOK_MODS_DIR;
# mod_setup_file copies them into the guest once, off the slow 9p mount.
MOD_A=fhook_mod_a
MOD_B=fhook_mod_b
# FHOOK_MOD_INIT_CALLS: calls of fhook_mod_X_init_fn by the init function.
MOD_INIT_CALLS=3

mod_setup_file() {
	local m

	ft_setup_file || return 1
	[ -n "${FHOOK_MODS_DIR:-}" ] || {
		echo "FHOOK_MODS_DIR is not set (tests/run sets it)" >&2
		return 1
	}
	for m in "$MOD_A" "$MOD_B"; do
		cp "$FHOOK_MODS_DIR/$m.ko" "$BATS_FILE_TMPDIR/" || return 1
	done
}

# mod_load NAME [PARAM=VALUE...]
mod_load() {
	local m=$1

	shift
	insmod "$BATS_FILE_TMPDIR/$m.ko" "$@"
}

# mod_unload NAME: rmmod if loaded.
mod_unload() {
	[ ! -d "/sys/module/$1" ] || rmmod "$1"
}

# mod_call NAME N: N calls of NAME_work, each calling NAME_step once.
mod_call() {
	echo "$2" >"/sys/kernel/debug/$1/call"
}

# mod_calc NAME A B: one call of NAME_calc(A, B); prints its result.
mod_calc() {
	echo "$2 $3" >"/sys/kernel/debug/$1/calc"
	echo "$(<"/sys/kernel/debug/$1/result")"
}

# mod_twin NAME 1|2 N: N calls of the namesake in the module's first or
# second file.
mod_twin() {
	echo "$2 $3" >"/sys/kernel/debug/$1/twin"
}

# mod_addrs MODULE SYMBOL: the start of each function SYMBOL of MODULE as
# the filter takes it (0x, lowercase, no leading zeros), lowest first.
mod_addrs() {
	awk -v sym="$2" -v mod="[$1]" \
		'$2 ~ /^[tT]$/ && $3 == sym && $4 == mod { print $1 }' \
		/proc/kallsyms | sort | sed 's/^0*/0x/'
}

# mod_functions MODULE: the module's traceable functions as
# available_filter_functions lists them, sorted bytewise.
mod_functions() {
	grep -F " [$1]" "$TRACING/available_filter_functions" | LC_ALL=C sort
}

# fh_stat HOOK FUNCTION: the count of FUNCTION (as `functions` writes it)
# in the hook's stats; nothing if it has no line.
fh_stat() {
	local n text

	while read -r n text; do
		[ "$text" != "$2" ] || echo "$n"
	done <"$FH/$1/stats"
}

# kmsg_no_warning: fails, printing them, if the kernel logged a warning
# or a BUG since kmsg_mark.
kmsg_no_warning() {
	local log

	log=$(kmsg_since_mark) || return 1
	if grep -E 'WARNING|BUG' <<<"$log"; then
		return 1
	fi
}
