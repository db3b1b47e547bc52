#!/usr/bin/env bats
# Hooks follow modules as they load and unload (issue 11): a module's
# functions join every hook whose filter matches them when it loads and
# leave before its text is freed; a redirect of one is disabled; an
# address or a selector for one module never hooks another module that
# reuses its address. fhook_mod_a and fhook_mod_b (tests/module/fhook_mod.h)
# have functions only these tests call.
#
# FHOOK_MOD_CYCLES (default 200) is the loads and unloads of the first
# test, FHOOK_MOD_RACE_CYCLES (default 20) those racing with commits.

load helpers

CYCLES=${FHOOK_MOD_CYCLES:-200}
RACE_CYCLES=${FHOOK_MOD_RACE_CYCLES:-20}
A_TWIN_RE="^fhook_mod_twin \[$MOD_A\] 0x[0-9a-f]+\$"

setup_file() {
	mod_setup_file
	mod_unload "$MOD_A"
	# What available_filter_functions lists for fhook_mod_a once loaded:
	# what a hook of all its functions must show.
	mod_load "$MOD_A"
	mod_functions "$MOD_A" >"$BATS_FILE_TMPDIR/a.functions"
	rmmod "$MOD_A"
}

teardown() {
	[ -z "${BG:-}" ] || kill "$BG" 2>/dev/null || true
	wait 2>/dev/null || true
	fh_teardown
	mod_unload "$MOD_A"
	mod_unload "$MOD_B"
}

# hook_on NAME FILTER: committed and enabled.
hook_on() {
	fh_hook "$1" "$2"
	echo 1 >"$FH/$1/enabled"
}

# stats_of HOOK: the hook's stats into the associative array STATS,
# function text -> count (no process started: the loop runs it often).
stats_of() {
	local n text

	declare -gA STATS=()
	while read -r n text; do
		STATS[$text]=$n
	done <"$FH/$1/stats"
}

# a_functions_ok HOOK: the hook's functions are exactly fhook_mod_a's,
# its namesakes (fhook_mod_twin, twice) each followed by its address.
a_functions_ok() {
	local line lines twins=0 others=()

	if [ -z "${A_OTHERS+set}" ]; then
		mapfile -t A_OTHERS < <(grep -v '^fhook_mod_twin ' "$BATS_FILE_TMPDIR/a.functions")
	fi
	mapfile -t lines <"$FH/$1/functions"
	for line in "${lines[@]}"; do
		if [[ $line =~ $A_TWIN_RE ]]; then
			twins=$((twins + 1))
		else
			others+=("$line")
		fi
	done
	t_eq "$twins" 2 &&
	t_eq "${others[*]}" "${A_OTHERS[*]}"
}

@test "three hooks follow fhook_mod_a through its loads and unloads" {
	local i k=5 start glob_stats

	mod_load "$MOD_A"
	hook_on sel "*:mod:$MOD_A"
	hook_on glob "${MOD_A}_*"
	mkdir "$FH/r"
	echo "${MOD_A}_calc" >"$FH/r/filter"
	echo IPMODIFY >"$FH/r/flags"
	echo "count redirect" >"$FH/r/action"
	echo "$FT_REPLACEMENT" >"$FH/r/target"
	echo 1 >"$FH/r/commit"
	echo 1 >"$FH/r/enabled"
	t_eq "$(mod_calc "$MOD_A" 6 7)" 1042
	a_functions_ok sel
	glob_stats="$k ${MOD_A}_step [$MOD_A]
$k ${MOD_A}_work [$MOD_A]
$MOD_INIT_CALLS ${MOD_A}_init_fn [$MOD_A]
1 ${MOD_A}_calc [$MOD_A]"
	kmsg_mark
	start=$SECONDS
	for ((i = 0; i < CYCLES; i++)); do
		rmmod "$MOD_A"
		if [ "$i" -eq 0 ]; then
			t_eq "$(cat "$FH/r/enabled")" 0
			t_eq "$(cat "$FH/r/functions")" ""
			t_eq "$(cat "$FH/r/last_error")" \
				"redirect disabled: function '${MOD_A}_calc [$MOD_A]' was unloaded"
			fh_expect_fail r enabled 1 EINVAL "redirect's function is gone: commit again"
			t_eq "$(cat "$FH/sel/functions")" ""
			t_eq "$(cat "$FH/glob/functions")" ""
			t_eq "$(fh_live_value sel functions)" 0
			t_eq "$(cat "$FH/sel/enabled")" 1
			t_eq "$(cat "$FH/glob/enabled")" 1
			t_eq "$(fh_hits glob)" 1
		fi
		mod_load "$MOD_A"
		mod_call "$MOD_A" "$k"
		t_eq "$(mod_calc "$MOD_A" 6 7)" 13
		t_eq "$(<"$FH/glob/stats")" "$glob_stats"
		stats_of sel
		t_eq "${STATS["${MOD_A}_work [$MOD_A]"]:-}" "$k"
		t_eq "${STATS["${MOD_A}_step [$MOD_A]"]:-}" "$k"
		t_eq "${STATS["${MOD_A}_init_fn [$MOD_A]"]:-}" "$MOD_INIT_CALLS"
		a_functions_ok sel
	done
	echo "# $CYCLES loads and unloads of $MOD_A, three hooks: $((SECONDS - start)) s" >&3
	t_eq "$(fh_hits glob)" $((1 + CYCLES * (2 * k + MOD_INIT_CALLS + 1)))
	t_eq "$(fh_live_value sel generation)" 1
	t_eq "$(fh_live_value glob generation)" 1
	t_eq "$(fh_live_value glob functions)" 4
	t_eq "$(cat "$FH/r/enabled")" 0
	kmsg_no_warning
}

@test "a selector of a module not loaded is pending until the module loads" {
	mkdir "$FH/p"
	echo "*:mod:$MOD_A" >"$FH/p/filter"
	echo 1 >"$FH/p/commit"
	t_eq "$(cat "$FH/p/filter")" "*:mod:$MOD_A"
	t_eq "$(cat "$FH/p/functions")" ""
	t_eq "$(fh_live_value p functions)" 0
	echo 1 >"$FH/p/enabled"
	t_eq "$(cat "$FH/p/enabled")" 1
	mod_load "$MOD_A"
	# counted from the init function on
	t_eq "$(fh_stat p "${MOD_A}_init_fn [$MOD_A]")" "$MOD_INIT_CALLS"
	mod_call "$MOD_A" 4
	t_eq "$(fh_stat p "${MOD_A}_work [$MOD_A]")" 4
	t_eq "$(fh_stat p "${MOD_A}_step [$MOD_A]")" 4
	a_functions_ok p
	t_eq "$(fh_live_value p functions)" "$(wc -l <"$FH/p/functions")"
	t_eq "$(fh_live_value p generation)" 1
	rmmod "$MOD_A"
	t_eq "$(cat "$FH/p/functions")" ""
	t_eq "$(cat "$FH/p/enabled")" 1
	[ "$(fh_hits p)" -ge $((MOD_INIT_CALLS + 8)) ]
	mod_load "$MOD_A"
	mod_call "$MOD_A" 2
	t_eq "$(fh_stat p "${MOD_A}_init_fn [$MOD_A]")" "$MOD_INIT_CALLS"
	t_eq "$(fh_stat p "${MOD_A}_work [$MOD_A]")" 2
}

@test "a one-function count hook that a module load grows counts every function" {
	mod_load "$MOD_B"
	mkdir "$FH/one"
	echo "${MOD_B}_work *:mod:$MOD_A" >"$FH/one/filter"
	echo 1 >"$FH/one/commit"
	echo 1 >"$FH/one/enabled"
	t_eq "$(fh_live_value one functions)" 1
	# One function: the callback that compares instead of looking up.
	grep -q "^${MOD_B}_work \[$MOD_B\].*(fhook_callback_count1+" \
		"$TRACING/enabled_functions"
	mod_call "$MOD_B" 2
	# fhook_mod_a joins the set on the same ops and callback, whose calls
	# of functions other than the one it was made for take the lookup.
	mod_load "$MOD_A"
	grep -q "^${MOD_B}_work \[$MOD_B\].*(fhook_callback_count1+" \
		"$TRACING/enabled_functions"
	mod_call "$MOD_A" 3
	mod_call "$MOD_B" 1
	t_eq "$(fh_stat one "${MOD_B}_work [$MOD_B]")" 3
	t_eq "$(fh_stat one "${MOD_A}_work [$MOD_A]")" 3
	t_eq "$(fh_stat one "${MOD_A}_step [$MOD_A]")" 3
	t_eq "$(fh_stat one "${MOD_A}_init_fn [$MOD_A]")" "$MOD_INIT_CALLS"
	# The count callbacks' hits are their counts, and a call of a function
	# not (yet, or any more) in the active set is not counted: hits are
	# stats' sum plus the one call of the module's __init function, which
	# left the set (and stats) when its text was freed.
	t_eq "$(fh_hits one)" "$(awk '{ n += $1 } END { print n + 1 }' "$FH/one/stats")"
	t_eq "$(fh_live_value one generation)" 1
}

@test "a module at a freed module's address is hooked only if a filter matches it" {
	local a_work b_work sel_hits

	mod_load "$MOD_A"
	a_work=$(mod_addrs "$MOD_A" "${MOD_A}_work")
	[ -n "$a_work" ]
	hook_on sel "*:mod:$MOD_A"
	hook_on ad "$a_work"
	# Plain globs matching only module functions: committed while
	# fhook_mod_a is loaded, since a plain glob that matches nothing is
	# refused at commit.
	hook_on g "fhook_mod_?_work fhook_mod_?_step"
	mod_call "$MOD_A" 2
	t_eq "$(fh_hits ad)" 2
	t_eq "$(fh_hits g)" 4
	rmmod "$MOD_A"
	t_eq "$(cat "$FH/ad/functions")" ""
	t_eq "$(cat "$FH/g/functions")" ""
	t_eq "$(cat "$FH/sel/functions")" ""
	sel_hits=$(fh_hits sel)
	kmsg_mark
	mod_load "$MOD_B"
	b_work=$(mod_addrs "$MOD_B" "${MOD_B}_work")
	if [ "$b_work" = "$a_work" ]; then
		echo "# $MOD_B's work function is at $MOD_A's old address $a_work" >&3
	else
		echo "# $MOD_B's work function is at $b_work, not $MOD_A's old $a_work" >&3
	fi
	mod_call "$MOD_B" 7
	t_eq "$(cat "$FH/sel/functions")" ""
	t_eq "$(fh_hits sel)" "$sel_hits"
	t_eq "$(cat "$FH/ad/functions")" ""
	t_eq "$(cat "$FH/ad/filter")" "$a_work"
	t_eq "$(fh_hits ad)" 2
	t_eq "$(cat "$FH/g/functions")" "${MOD_B}_step [$MOD_B]
${MOD_B}_work [$MOD_B]"
	t_eq "$(cat "$FH/g/stats")" "7 ${MOD_B}_step [$MOD_B]
7 ${MOD_B}_work [$MOD_B]"
	t_eq "$(fh_hits g)" 18
	kmsg_no_warning
}

@test "an address hooks one of two namesakes, a glob both, each with its address" {
	local tw bad

	mod_load "$MOD_A"
	mapfile -t tw < <(mod_addrs "$MOD_A" fhook_mod_twin)
	t_eq "${#tw[@]}" 2
	# fhook_mod_a_main.o (namesake 1) is linked before fhook_mod_a_twin.o.
	hook_on one "${tw[0]}"
	t_eq "$(cat "$FH/one/filter")" "${tw[0]}"
	t_eq "$(cat "$FH/one/functions")" "fhook_mod_twin [$MOD_A]"
	hook_on both fhook_mod_twin
	t_eq "$(cat "$FH/both/functions")" "fhook_mod_twin [$MOD_A] ${tw[0]}
fhook_mod_twin [$MOD_A] ${tw[1]}"
	mod_twin "$MOD_A" 1 3
	mod_twin "$MOD_A" 2 5
	t_eq "$(cat "$FH/one/stats")" "3 fhook_mod_twin [$MOD_A]"
	t_eq "$(fh_hits one)" 3
	t_eq "$(cat "$FH/both/stats")" "5 fhook_mod_twin [$MOD_A] ${tw[1]}
3 fhook_mod_twin [$MOD_A] ${tw[0]}"
	# capitals: canonical when read back
	echo "0x$(tr a-f A-F <<<"${tw[1]#0x}")" >"$FH/one/filter"
	t_eq "$(cat "$FH/one/filter")" "${tw[1]}"
	mkdir "$FH/bad"
	bad=$(printf '%#x' $((tw[0] + 1)))
	echo "$bad" >"$FH/bad/filter"
	fh_expect_fail bad commit 1 EINVAL \
		"filter: address $bad is not the start of a traceable function"
	t_eq "$(fh_live_value bad generation)" 0
}

@test "unloading fhook_mod_a while its functions run keeps the kernel's counted" {
	local hot

	mod_load "$MOD_A" hot=1
	hook_on mix "${MOD_A}_work $FN_A"
	hook_on sel "*:mod:$MOD_A"
	for ((i = 0; i < 200; i++)); do
		[ "$(fh_hits mix)" -eq 0 ] || break
		sleep 0.05
	done
	[ "$(fh_hits mix)" -gt 0 ]
	hammer "$SYS_A" 100
	kmsg_mark
	hot=$(cat "/sys/kernel/debug/$MOD_A/hot_calls")
	rmmod "$MOD_A"
	echo "# the hot thread made $hot calls or more" >&3
	t_eq "$(cat "$FH/mix/functions")" "$FN_A"
	t_eq "$(fh_live_value mix functions)" 1
	t_eq "$(cat "$FH/sel/functions")" ""
	t_eq "$(cat "$FH/mix/stats")" "100 $FN_A"
	hammer "$SYS_A" 50
	t_eq "$(cat "$FH/mix/stats")" "150 $FN_A"
	[ "$(fh_hits mix)" -gt 150 ]
	t_eq "$(cat "$FH/mix/enabled")" 1
	kmsg_no_warning
}

@test "commits racing with loads and unloads end with the kernel function only" {
	local i r before fails=$BATS_TEST_TMPDIR/fails stop=$BATS_TEST_TMPDIR/stop

	mod_load "$MOD_A"
	hook_on cf "*:mod:$MOD_A $FN_A"
	kmsg_mark
	(
		# EAGAIN is the documented answer when a module left between
		# resolving and setting the filter; anything else is a failure.
		while [ ! -e "$stop" ]; do
			r=$(fh_put "$FH/cf/commit" 1)
			case $r in
			ok) ;;
			EAGAIN) echo >>"$BATS_TEST_TMPDIR/eagain" ;;
			*) echo "$r" >>"$fails" ;;
			esac
		done
	) &
	BG=$!
	for ((i = 0; i < RACE_CYCLES; i++)); do
		rmmod "$MOD_A"
		mod_load "$MOD_A"
	done
	rmmod "$MOD_A"
	touch "$stop"
	wait "$BG"
	BG=
	echo "# $(($(fh_live_value cf generation) - 1)) commits during $RACE_CYCLES loads and unloads," \
		"$(cat "$BATS_TEST_TMPDIR/eagain" 2>/dev/null | wc -l) refused with EAGAIN" >&3
	[ ! -e "$fails" ] || cat "$fails"
	[ ! -e "$fails" ]
	[ "$(fh_live_value cf generation)" -ge 3 ]
	t_eq "$(cat "$FH/cf/functions")" "$FN_A"
	t_eq "$(fh_live_value cf functions)" 1
	before=$(fh_stat cf "$FN_A")
	hammer "$SYS_A" 10
	t_eq "$(fh_stat cf "$FN_A")" $((before + 10))
	kmsg_no_warning
}

# The example profile for modules loaded on demand: applied while loop is
# not loaded, its hooks wait and count once the kernel loads loop.
@test "fhook-apply: profiles/modules.cfg applies with loop unloaded, counts once it loads" {
	local img=$BATS_TEST_TMPDIR/img dev

	fh_need_config CONFIG_BLK_DEV_LOOP=m
	modprobe -r loop 2>/dev/null || true
	run ! grep -q '^loop ' /proc/modules
	apply_setup
	run --separate-stderr -0 "$APPLY" "$BATS_TEST_DIRNAME/../../profiles/modules.cfg"
	[[ $stderr == *"module 'loop' is not loaded: hook 'mod_loop_setup' will hook its functions when it loads"* ]]
	t_eq "$(cat "$FH/mod_loop_setup/enabled")" 1
	t_eq "$(cat "$FH/mod_loop_setup/functions")" ""
	modprobe loop
	t_eq "$(cat "$FH/mod_loop_setup/functions")" "__loop_clr_fd [loop]
loop_configure [loop]
loop_set_status [loop]"
	truncate -s 1M "$img"
	dev=$(losetup -f --show "$img")
	losetup -d "$dev"
	t_eq "$(fh_stat mod_loop_setup "loop_configure [loop]")" 1
	modprobe -r loop
	t_eq "$(cat "$FH/mod_loop_setup/functions")" ""
	t_eq "$(cat "$FH/mod_loop_setup/enabled")" 1
}
