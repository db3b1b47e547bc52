#!/usr/bin/env bats
# The atomicity proof: while one task calls a function without pause,
# commits switch the hook between configurations again and again. Every
# call of a function in both configurations must be counted exactly once,
# and a function in neither must never be counted.
#
# An enabled commit that changes the flags or the kind of callback costs
# two ftrace (un)registrations and RCU-tasks grace periods (~0.8 s in a
# TCG guest); one that only changes the set is a commit in place, two
# filter updates. So the number of commits per test is FHOOK_COMMITS
# (default 60; the whole file then takes a few minutes in TCG).

load helpers

COMMITS=${FHOOK_COMMITS:-60}

setup_file() {
	fh_setup_file
}

teardown() {
	[ -z "${HAMMERS:-}" ] || kill $HAMMERS 2>/dev/null || true
	echo '!hist:keys=func' >"$FHI/events/fhook/fhook_call/trigger" \
		2>/dev/null || true
	echo 0 >"$FHI/events/fhook/fhook_call/filter" 2>/dev/null || true
	fh_teardown
}

# start_hammer SYSCALL OUTFILE: call until killed, count written to OUTFILE.
start_hammer() {
	"$TOOLS/fhook-hammer" "$1" - >"$2" 3>&- &
	HAMMERS="${HAMMERS:-} $!"
}

stop_hammers() {
	kill -TERM $HAMMERS
	wait $HAMMERS
	HAMMERS=
}

# commit_loop HOOK N CONFIG...: commit the CONFIGs round-robin, N times.
# A CONFIG is "filter globs|flags".
commit_loop() {
	local hook=$1 n=$2 i cfg
	shift 2
	local cfgs=("$@")

	for ((i = 0; i < n; i++)); do
		cfg=${cfgs[i % ${#cfgs[@]}]}
		echo "${cfg%|*}" >"$FH/$hook/filter"
		echo "${cfg#*|}" >"$FH/$hook/flags"
		echo 1 >"$FH/$hook/commit"
	done
	t_eq "$(fh_live_value "$hook" generation)" $((n + 1))
}

@test "switching between {A,B} and {A,C} counts every call of A once" {
	fh_hook at "$FN_A $FN_B"
	echo 1 >"$FH/at/enabled"
	start_hammer "$SYS_A" "$BATS_TEST_TMPDIR/a"
	sleep 0.2
	commit_loop at "$COMMITS" "$FN_A $FN_C|" "$FN_A $FN_B|"
	stop_hammers
	n=$(cat "$BATS_TEST_TMPDIR/a")
	echo "calls of A: $n over $COMMITS commits" >&3
	[ "$n" -gt 0 ]
	t_eq "$(fh_hits at)" "$n"
	t_eq "$(cat "$FH/at/missed")" 0
}

@test "a function in neither configuration is never counted" {
	fh_hook nc "$FN_A $FN_B"
	echo 1 >"$FH/nc/enabled"
	start_hammer "$SYS_A" "$BATS_TEST_TMPDIR/a"
	start_hammer "$SYS_C" "$BATS_TEST_TMPDIR/c"
	sleep 0.2
	commit_loop nc "$COMMITS" "$FN_A $FN_D|" "$FN_A $FN_B|"
	stop_hammers
	[ "$(cat "$BATS_TEST_TMPDIR/c")" -gt 0 ]
	t_eq "$(fh_hits nc)" "$(cat "$BATS_TEST_TMPDIR/a")"
}

@test "switching flags (and so trampolines) keeps the count exact" {
	fh_hook fl "$FN_A"
	echo 1 >"$FH/fl/enabled"
	start_hammer "$SYS_A" "$BATS_TEST_TMPDIR/a"
	sleep 0.2
	commit_loop fl "$COMMITS" "$FN_A|RECURSION" "$FN_A $FN_B|SAVE_REGS" \
		"$FN_A|RCU" "$FN_A $FN_C|"
	stop_hammers
	t_eq "$(fh_hits fl)" "$(cat "$BATS_TEST_TMPDIR/a")"
}

@test "moving a function in and out of the set counts only while in" {
	local a b h

	# A is hooked in every other generation; B in all of them, and both
	# are hammered. B's count, carried over every commit, must be exact;
	# A's (the rest of hits) only bounded by the calls made, since which
	# ones fall in is timing.
	fh_hook io "$FN_B"
	echo 1 >"$FH/io/enabled"
	start_hammer "$SYS_A" "$BATS_TEST_TMPDIR/a"
	start_hammer "$SYS_B" "$BATS_TEST_TMPDIR/b"
	sleep 0.2
	# An even number of commits, so that the last one leaves A out.
	commit_loop io $((COMMITS / 6 * 2 > 2 ? COMMITS / 6 * 2 : 2)) \
		"$FN_A $FN_B|" "$FN_B|"
	stop_hammers
	a=$(cat "$BATS_TEST_TMPDIR/a")
	b=$(cat "$BATS_TEST_TMPDIR/b")
	h=$(fh_hits io)
	echo "calls of A: $a, of B: $b; counted $h, so $((h - b)) of A" >&3
	t_eq "$(cat "$FH/io/stats")" "$b $FN_B"
	[ "$h" -gt "$b" ]
	[ "$((h - b))" -le "$a" ]
}

# switch_callbacks HOOK ALONE COMBINED: commit the enabled HOOK round-robin
# through action ALONE (a callback of its own), COMBINED, and ALONE with
# comm '*' (both the general callback), in whole rounds of four so that
# ALONE without comm is last; each commit of COMBINED must show the
# general callback on $FN_A in enabled_functions. Sets SWITCHES to the
# number of commits.
switch_callbacks() {
	local hook=$1 alone=$2 combined=$3 i
	local rounds=$((COMMITS / 3 > 8 ? COMMITS / 3 : 8))

	for ((i = 0; i < (rounds + 3) / 4 * 4; i++)); do
		case $((i % 4)) in
		0) echo "$combined" >"$FH/$hook/action" ;;
		1) echo "$alone" >"$FH/$hook/action" ;;
		2) echo '*' >"$FH/$hook/comm" ;;
		3) echo >"$FH/$hook/comm" ;;
		esac
		echo 1 >"$FH/$hook/commit"
		((i % 4 != 0)) ||
			grep -q "^$FN_A .*(fhook_callback+" \
				"$TRACING/enabled_functions"
	done
	SWITCHES=$i
}

@test "switching between the count callback and the general one counts every call once" {
	local n

	# count alone runs the count callback, whose hits are the sum of its
	# counters; callers, or a comm predicate, the general one. Each
	# switch between them re-registers the ops, and hits must still
	# count every call once across all of them.
	fh_hook cb "$FN_A $FN_B"
	echo 1 >"$FH/cb/enabled"
	start_hammer "$SYS_A" "$BATS_TEST_TMPDIR/a"
	sleep 0.2
	switch_callbacks cb count "count callers"
	stop_hammers
	n=$(cat "$BATS_TEST_TMPDIR/a")
	echo "calls of A: $n over $SWITCHES commits" >&3
	[ "$n" -gt 0 ]
	t_eq "$(fh_hits cb)" "$n"
	t_eq "$(cat "$FH/cb/missed")" 0
	t_eq "$(cat "$FH/cb/stats")" "$n $FN_A
0 $FN_B"
	echo 1 >"$FH/cb/reset"
	t_eq "$(fh_hits cb)" 0
}

@test "switching between the log callback and the general one logs every call once" {
	local n ev=$FHI/events/fhook/fhook_call

	fh_need_config CONFIG_HIST_TRIGGERS
	# log alone runs the log callback; log with count, or with a comm
	# predicate, the general one. Every call must give one record and
	# one hit, whichever callback saw it. A hist trigger counts the
	# records: unlike the ring buffer, it never overwrites one.
	echo 'hist:keys=func' >"$ev/trigger"
	fh_hook lg "$FN_A $FN_B"
	echo log >"$FH/lg/action"
	echo 1 >"$FH/lg/commit"
	echo 1 >"$FH/lg/enabled"
	grep -q "^$FN_A .*(fhook_callback_log+" "$TRACING/enabled_functions"
	start_hammer "$SYS_A" "$BATS_TEST_TMPDIR/a"
	sleep 0.2
	switch_callbacks lg log "count log"
	stop_hammers
	n=$(cat "$BATS_TEST_TMPDIR/a")
	echo "calls of A: $n over $SWITCHES commits" >&3
	[ "$n" -gt 0 ]
	t_eq "$(fh_hits lg)" "$n"
	t_eq "$(cat "$FH/lg/missed")" 0
	t_eq "$(sed -n 's/^ *Hits: //p' "$ev/hist")" "$n"
	echo '!hist:keys=func' >"$ev/trigger"
}

# tramp_of FN: the trampoline enabled_functions shows for FN (its ops').
tramp_of() {
	sed -n "s/^$1 .*tramp: \(0x[0-9a-f]*\).*/\1/p" "$TRACING/enabled_functions"
}

# The sum of HOOK's per-function counts.
stats_sum() {
	awk '{ n += $1 } END { print n + 0 }' "$FH/$1/stats"
}

# grow_in_place HOOK CHECK [ATTR GROWN SHRUNK]: in rounds, commit the
# enabled HOOK from {D} to {D,C} (ATTR set to GROWN) while C is hammered,
# run CHECK HOOK, then commit back to {D} (ATTR SHRUNK) and reset. Each
# change is a commit in place, so D's trampoline stays; between its two
# filter updates a growth hooks C while {D} is still active, which must
# not act on C's calls.
grow_in_place() {
	local hook=$1 check=$2 attr=${3:-} tramp i
	local rounds=$((COMMITS / 15 > 4 ? COMMITS / 15 : 4))

	tramp=$(tramp_of "$FN_D")
	[ -n "$tramp" ]
	for ((i = 0; i < rounds; i++)); do
		start_hammer "$SYS_C" "$BATS_TEST_TMPDIR/c"
		sleep 0.1
		echo "$FN_D $FN_C" >"$FH/$hook/filter"
		[ -z "$attr" ] || echo "$4" >"$FH/$hook/$attr"
		echo 1 >"$FH/$hook/commit"
		stop_hammers
		"$check" "$hook"
		t_eq "$(tramp_of "$FN_D")" "$tramp"
		echo "$FN_D" >"$FH/$hook/filter"
		[ -z "$attr" ] || echo "$5" >"$FH/$hook/$attr"
		echo 1 >"$FH/$hook/commit"
		t_eq "$(tramp_of "$FN_D")" "$tramp"
		echo 1 >"$FH/$hook/reset"
	done
}

# CHECK for a count hook: every hit is a counted call of a function of
# the set (a call of C that {D} acted on would be a hit alone), and C's
# calls after the switch are counted.
counted_exactly() {
	t_eq "$(fh_hits "$1")" "$(stats_sum "$1")"
	C_COUNTED=$((${C_COUNTED:-0} + $(fh_stat "$1" "$FN_C")))
}

@test "a commit in place acts on a function only once the configuration has it" {
	# The count callback for one function, kept for two (in place).
	fh_hook gc "$FN_D"
	echo 1 >"$FH/gc/enabled"
	grow_in_place gc counted_exactly
	grep -q "^$FN_D .*(fhook_callback_count1+" "$TRACING/enabled_functions"
	# Enabling again picks the callback made for the live set.
	echo "$FN_D $FN_C" >"$FH/gc/filter"
	echo 1 >"$FH/gc/commit"
	echo 0 >"$FH/gc/enabled"
	echo 1 >"$FH/gc/enabled"
	grep -q "^$FN_D .*(fhook_callback_count+" "$TRACING/enabled_functions"
	rmdir "$FH/gc"
	# The general callback.
	fh_hook gg "$FN_D"
	echo '*' >"$FH/gg/comm"
	echo 1 >"$FH/gg/commit"
	echo 1 >"$FH/gg/enabled"
	grep -q "^$FN_D .*(fhook_callback+" "$TRACING/enabled_functions"
	grow_in_place gg counted_exactly
	echo "calls of C counted after the switches: $C_COUNTED" >&3
	[ "$C_COUNTED" -gt 0 ]
}

@test "a log commit in place records a function only once the configuration has it" {
	local ev=$FHI/events/fhook/fhook_call

	# {D} logs no argument, {D,C} two: a record of C without arguments
	# would be {D} acting on C. Only those records are kept.
	fh_hook gl "$FN_D"
	echo log >"$FH/gl/action"
	echo 1 >"$FH/gl/commit"
	echo 1 >"$FH/gl/enabled"
	grep -q "^$FN_D .*(fhook_callback_log+" "$TRACING/enabled_functions"
	echo 'nr_args == 0' >"$ev/filter"
	fh_clear_trace
	grow_in_place gl true args 2 0
	t_eq "$(fh_records "func=$FN_C" | wc -l)" 0
	# The filter does keep {D}'s records, and {D,C} logged C.
	"$TOOLS/fhook-hammer" "$SYS_D" 100 >/dev/null
	echo 0 >"$ev/filter"
	[ "$(fh_records "func=$FN_D" | wc -l)" -ge 100 ]
	echo "$FN_D $FN_C" >"$FH/gl/filter"
	echo 1 >"$FH/gl/commit"
	"$TOOLS/fhook-hammer" "$SYS_C" 100 >/dev/null
	[ "$(fh_records "func=$FN_C" | wc -l)" -ge 100 ]
}

@test "disable and enable while the function is hammered" {
	fh_hook de "$FN_A"
	start_hammer "$SYS_A" "$BATS_TEST_TMPDIR/a"
	# At least 6 windows (as with the default 60), whatever FHOOK_COMMITS:
	# a single short one may see no call.
	for ((i = 0; i < (COMMITS / 10 > 6 ? COMMITS / 10 : 6); i++)); do
		echo 1 >"$FH/de/enabled"
		echo 0 >"$FH/de/enabled"
	done
	stop_hammers
	n=$(cat "$BATS_TEST_TMPDIR/a")
	h=$(fh_hits de)
	echo "hammered $n, counted $h while enabled" >&3
	[ "$h" -gt 0 ]
	[ "$h" -le "$n" ]
}
