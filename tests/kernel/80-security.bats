#!/usr/bin/env bats
# A hook is root's: files root-only, every access and mkdir checked for
# CAP_SYS_ADMIN; counters consistent under concurrent resets; exact input
# (no embedded NUL); no static per-CPU data.

load helpers

setup_file() {
	ft_setup_file
}

# Later suites expect fhook_test not loaded unless they load it.
teardown_file() {
	rmmod fhook_test
}

teardown() {
	[ -z "${HAMMER_PID:-}" ] || kill -TERM "$HAMMER_PID" 2>/dev/null || true
	fh_teardown
}

# as_nobody CMD...: uid and gid 65534, no groups, no capabilities.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# no_sysadmin CMD...: still uid 0 (the file modes let it open), without
# CAP_SYS_ADMIN: what a root-opened descriptor handed on would be.
no_sysadmin() {
	setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$@"
}

# A committed, enabled hook with something in every attribute.
busy_hook() {
	mkdir "$FH/s"
	echo "$FN_A" >"$FH/s/filter"
	echo "count log callers" >"$FH/s/action"
	echo tag1 >"$FH/s/tag"
	echo 1 >"$FH/s/commit"
	echo 1 >"$FH/s/enabled"
	hammer "$SYS_A" 10
	# Staged only, so that they do not keep hammer out.
	echo "$$ 1" >"$FH/s/pids"
	echo "bash" >"$FH/s/comm"
}

# fh_mode FILE: its permission bits in octal.
fh_mode() {
	stat -c %a "$1"
}

@test "security: hook files are root-only; version and features are not" {
	busy_hook
	local f n=0
	for f in "$FH"/s/*; do
		case ${f##*/} in
		commit | reset) t_eq "$(fh_mode "$f")" 200 ;;
		hits | missed | last_error | live | functions | stats)
			t_eq "$(fh_mode "$f")" 400 ;;
		*) t_eq "$(fh_mode "$f")" 600 ;;
		esac
		n=$((n + 1))
	done
	t_eq "$n" 20
	t_eq "$(fh_mode "$FH/version")" 444
	t_eq "$(fh_mode "$FH/features")" 444
	run -0 as_nobody cat "$FH/version"
}

@test "security: an unprivileged user can neither read nor write a hook" {
	busy_hook
	local f
	for f in "$FH"/s/*; do
		if [ "$((0$(fh_mode "$f") & 0400))" != 0 ]; then
			run -1 as_nobody cat "$f"
			[[ $output == *"Permission denied"* ]] || t_eq "$f: $output" EACCES
		fi
		run -1 as_nobody "$TOOLS/fhook-write" "$f" 1
		t_eq "$f: $output" "$f: open: EACCES"
	done
	t_eq "$(cat "$FH/s/tag")" tag1
	t_eq "$(cat "$FH/s/enabled")" 1
}

@test "security: the fhook trace instance, with log records, is root's only" {
	local f n=0

	busy_hook
	# Root sees the records (with their addresses) ...
	timeout 10 grep -m1 -q 'fhook_call: hook=s ' "$FHI/trace_pipe"
	# ... a user reaches none of the instance's files.
	for f in trace trace_pipe events/fhook/fhook_call/format; do
		run ! as_nobody cat "$FHI/$f"
		[[ $output == *"Permission denied"* ]] || t_eq "$f: $output" EACCES
		n=$((n + 1))
	done
	t_eq "$n" 3
}

@test "security: without CAP_SYS_ADMIN every read and write is EPERM" {
	busy_hook
	local f
	for f in "$FH"/s/*; do
		if [ "$((0$(fh_mode "$f") & 0400))" != 0 ]; then
			run -1 no_sysadmin cat "$f"
			[[ $output == *"Operation not permitted"* ]] ||
				t_eq "$f: $output" EPERM
		fi
		if [ "$((0$(fh_mode "$f") & 0200))" != 0 ]; then
			run -1 no_sysadmin "$TOOLS/fhook-write" "$f" 0
			t_eq "$f: $output" "$f: EPERM"
		fi
	done
	# Nothing changed, and root with the capability still reads it all.
	t_eq "$(cat "$FH/s/enabled")" 1
	t_eq "$(cat "$FH/s/tag")" tag1
	t_eq "$(cat "$FH/s/last_error")" ""
	t_eq "$(head -n1 "$FH/s/stats")" "10 $FN_A"
	t_eq "$(fh_hits s)" 10
}

@test "security: mkdir needs CAP_SYS_ADMIN, rmdir the directory's owner" {
	run -1 as_nobody mkdir "$FH/x"
	[[ $output == *"Permission denied"* ]]
	run -1 no_sysadmin mkdir "$FH/x"
	[[ $output == *"Operation not permitted"* ]]
	[ ! -e "$FH/x" ]
	mkdir "$FH/x"
	run -1 as_nobody rmdir "$FH/x"
	[[ $output == *"Permission denied"* ]]
	[ -d "$FH/x" ]
	rmdir "$FH/x"
}

@test "reset: concurrent resets and reads never exceed the calls made" {
	fh_hook r "$FN_A"
	echo 1 >"$FH/r/enabled"
	local n i v max=0 pids=()
	# The program itself, not the hammer function: $! must be its pid.
	"$TOOLS/fhook-hammer" "$SYS_A" - >"$BATS_TEST_TMPDIR/calls" &
	HAMMER_PID=$!
	# Two resetters and two readers, for 5 seconds.
	for i in 1 2; do
		(
			end=$((SECONDS + 5))
			while [ $SECONDS -lt $end ]; do
				echo 1 >"$FH/r/reset"
			done
		) &
		pids+=($!)
		(
			end=$((SECONDS + 5))
			while [ $SECONDS -lt $end ]; do
				echo "$(<"$FH/r/hits") $(<"$FH/r/missed")"
			done >"$BATS_TEST_TMPDIR/reads$i"
		) &
		pids+=($!)
	done
	wait "${pids[@]}"
	kill -TERM "$HAMMER_PID"
	wait "$HAMMER_PID"
	HAMMER_PID=
	n=$(cat "$BATS_TEST_TMPDIR/calls")
	[ "$n" -gt 0 ]
	for v in $(cat "$BATS_TEST_TMPDIR/reads1" "$BATS_TEST_TMPDIR/reads2"); do
		# A wrapped u64 has 20 digits and is beyond what bash compares.
		[ "${#v}" -le 18 ] || t_eq "read $v" "at most $n"
		[ "$v" -gt "$max" ] && max=$v
	done
	[ "$max" -le "$n" ] || t_eq "largest read $max" "at most $n"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/reads1")" -gt 10 ]
}

# nul_put FILE BYTES: one write() of BYTES (printf escapes), NUL included.
nul_put() {
	printf '%b' "$2" | dd of="$1" bs=4096 iflag=fullblock status=none
}

@test "input: a value with an embedded NUL is refused with last_error" {
	mkdir "$FH/n"
	local a
	for a in args sample stack_depth pids enabled; do
		run -1 nul_put "$FH/n/$a" '5\0junk'
		[[ $output == *"Invalid argument"* ]]
		t_eq "$(cat "$FH/n/last_error")" "$a: value contains a NUL byte"
	done
	t_eq "$(cat "$FH/n/args")" 0
	t_eq "$(cat "$FH/n/sample")" 1
	t_eq "$(cat "$FH/n/stack_depth")" 16
	t_eq "$(cat "$FH/n/enabled")" 0
	for a in commit reset; do
		run -1 nul_put "$FH/n/$a" '1\0junk'
		t_eq "$(cat "$FH/n/last_error")" "$a: value contains a NUL byte"
	done
	t_eq "$(fh_live_value n generation)" 0
}

@test "input: 65 copies of one pid are one pid" {
	mkdir "$FH/p"
	local i v=""
	for i in $(seq 65); do
		v="$v 42"
	done
	t_eq "$(fh_put "$FH/p/pids" "$v 7")" ok
	t_eq "$(cat "$FH/p/pids")" "7 42"
	v=$(seq -s ' ' 1 65)
	fh_expect_fail p pids "$v" EINVAL "pids: more than 64 pids"
}

# The ops gets the resolved set as an explicit list, so the notrace hash
# an IPMODIFY ops cannot have is never needed.
@test "redirect: notrace and '!' globs narrow the filter to the one function" {
	mkdir "$FH/r"
	echo "$FT_TARGET fhook_test_other" >"$FH/r/filter"
	echo IPMODIFY >"$FH/r/flags"
	echo redirect >"$FH/r/action"
	echo "$FT_REPLACEMENT" >"$FH/r/target"
	fh_expect_fail r commit 1 EINVAL "redirect needs exactly one function; the filter matches 2"
	echo "fhook_test_other" >"$FH/r/notrace"
	echo 1 >"$FH/r/commit"
	t_eq "$(cat "$FH/r/functions")" "$FT_TARGET [fhook_test]"
	echo >"$FH/r/notrace"
	echo "$FT_TARGET fhook_test_other !fhook_test_other" >"$FH/r/filter"
	echo 1 >"$FH/r/commit"
	echo 1 >"$FH/r/enabled"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
	t_eq "$(cat "$FH/r/functions")" "$FT_TARGET [fhook_test]"
}

@test "redirect: re-committing an enabled redirect keeps it working" {
	mkdir "$FH/r"
	echo "$FT_TARGET" >"$FH/r/filter"
	echo IPMODIFY >"$FH/r/flags"
	echo redirect >"$FH/r/action"
	echo "$FT_REPLACEMENT" >"$FH/r/target"
	echo 1 >"$FH/r/commit"
	echo 1 >"$FH/r/enabled"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
	# Same functions and flags: the ops is kept, only the config switches.
	echo "count redirect" >"$FH/r/action"
	echo 1 >"$FH/r/commit"
	ft_call caller_a 2 6 7
	t_eq "$(ft_result)" 1042
	t_eq "$(fh_hits r)" 3
	t_eq "$(cat "$FH/r/stats")" "2 $FT_TARGET [fhook_test]"
}

# The loader hides the per-CPU section from /sys/module/fhook/sections,
# so the loaded module's file is read instead.
@test "module: no static per-CPU data" {
	local ko
	ko=$(modinfo -n fhook)
	run -0 readelf -SW "$ko"
	[[ $output == *" .text "* ]]
	[[ $output != *".data..percpu"* ]] || t_eq "$ko" "no .data..percpu"
}
