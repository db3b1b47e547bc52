#!/usr/bin/env bats
# Action count: per-function counts in stats, the functions file and the
# live function count, across commits and reset.

load helpers

setup_file() {
	ft_setup_file
}

teardown() {
	fh_teardown
}

@test "stats: exact per-function counts, highest first, then by name" {
	mkdir "$FH/s"
	echo "$FN_A $FN_B $FN_C $FN_D" >"$FH/s/filter"
	echo count >"$FH/s/action"
	echo 1 >"$FH/s/commit"
	echo 1 >"$FH/s/enabled"
	hammer "$SYS_B" 100
	hammer "$SYS_A" 300
	t_eq "$(cat "$FH/s/stats")" "300 $FN_A
100 $FN_B
0 $FN_D
0 $FN_C"
	t_eq "$(fh_hits s)" 400
	t_eq "$(cat "$FH/s/missed")" 0
}

@test "functions lists exactly the hooked set, module functions named" {
	mkdir "$FH/f"
	t_eq "$(fh_live_value f functions)" 0
	t_eq "$(wc -c <"$FH/f/functions")" 0
	echo "fhook_test_twin* $FN_A fhook_test_oth?r" >"$FH/f/filter"
	echo fhook_test_twin2 >"$FH/f/notrace"
	echo 1 >"$FH/f/commit"
	t_eq "$(cat "$FH/f/functions")" "$FN_A
fhook_test_other [fhook_test]
fhook_test_twin1 [fhook_test]"
	t_eq "$(fh_live_value f functions)" 3
	echo >"$FH/f/notrace"
	echo 1 >"$FH/f/commit"
	t_eq "$(fh_live_value f functions)" 4
	t_eq "$(wc -l <"$FH/f/functions")" 4
	echo 1 >"$FH/f/enabled"
	ft_call twin2 7
	ft_call twin1 5
	ft_call other 9
	t_eq "$(cat "$FH/f/stats")" "9 fhook_test_other [fhook_test]
7 fhook_test_twin2 [fhook_test]
5 fhook_test_twin1 [fhook_test]
0 $FN_A"
}

@test "a commit keeps the counts of the functions kept; reset zeroes them" {
	mkdir "$FH/c"
	echo "$FN_A $FN_B" >"$FH/c/filter"
	echo 1 >"$FH/c/commit"
	echo 1 >"$FH/c/enabled"
	hammer "$SYS_A" 50
	hammer "$SYS_B" 70
	echo "$FN_A $FN_C" >"$FH/c/filter"
	echo 1 >"$FH/c/commit"
	t_eq "$(cat "$FH/c/stats")" "50 $FN_A
0 $FN_C"
	hammer "$SYS_C" 20
	echo 0 >"$FH/c/enabled"
	echo "$FN_A $FN_B $FN_C" >"$FH/c/filter"
	echo 1 >"$FH/c/commit"
	echo 1 >"$FH/c/enabled"
	hammer "$SYS_A" 5
	# FN_B left the configuration and took its 70 with it.
	t_eq "$(cat "$FH/c/stats")" "55 $FN_A
20 $FN_C
0 $FN_B"
	t_eq "$(fh_hits c)" 145
	echo 1 >"$FH/c/reset"
	t_eq "$(cat "$FH/c/stats")" "0 $FN_B
0 $FN_A
0 $FN_C"
	hammer "$SYS_B" 3
	t_eq "$(cat "$FH/c/stats")" "3 $FN_B
0 $FN_A
0 $FN_C"
	t_eq "$(fh_hits c)" 3
}

@test "stats is empty without count or callers; hits still count" {
	mkdir "$FH/l"
	echo "$FN_A" >"$FH/l/filter"
	echo log >"$FH/l/action"
	echo 1 >"$FH/l/commit"
	echo 1 >"$FH/l/enabled"
	hammer "$SYS_A" 10
	t_eq "$(wc -c <"$FH/l/stats")" 0
	t_eq "$(fh_hits l)" 10
	t_eq "$(fh_live_value l action)" log
}

@test "action: combined names read back in features order; bad ones refused" {
	mkdir "$FH/a"
	echo "redirect callers stack log count" >"$FH/a/action"
	t_eq "$(cat "$FH/a/action")" "count log stack callers redirect"
	grep -qx 'actions: count log stack callers redirect' "$FH/features"
	grep -qx 'predicates: pids comm sample' "$FH/features"
	grep -qxF "$(grep '^limits: ' <<<"$FEATURES")" "$FH/features"
	grep -qx 'needs_save_regs:' "$FH/features"
	echo log >"$FH/a/action"
	fh_expect_fail a action $'\n' EINVAL "action: no action given"
	fh_expect_fail a action "count foo" EINVAL "action: unknown action 'foo'"
	t_eq "$(cat "$FH/a/action")" log
}
