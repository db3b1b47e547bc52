#!/usr/bin/env bats
# Action redirect: calls of fhook_test_target run fhook_test_replacement
# (a*b+1000 instead of a+b) while a committed, enabled hook says so.

load helpers

setup_file() {
	ft_setup_file
}

teardown() {
	[ -z "${LOAD:-}" ] || kill "$LOAD" 2>/dev/null || true
	wait 2>/dev/null || true
	fh_teardown
	echo 0 >"$FT/ipmodify"
}

EBUSY_RE="^function 'fhook_test_target( \[fhook_test\])?' is already hooked with IPMODIFY \(livepatch or another redirect\)$"

# redirect_hook NAME: staged and committed, not enabled.
redirect_hook() {
	mkdir "$FH/$1"
	echo "$FT_TARGET" >"$FH/$1/filter"
	echo IPMODIFY >"$FH/$1/flags"
	echo "count redirect" >"$FH/$1/action"
	echo "$FT_REPLACEMENT" >"$FH/$1/target"
	echo 1 >"$FH/$1/commit"
}

@test "redirect: the replacement runs while enabled, the original again after" {
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
	redirect_hook r
	t_eq "$(cat "$FH/r/target")" "$FT_REPLACEMENT"
	t_eq "$(fh_live_value r target)" "$FT_REPLACEMENT"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
	echo 1 >"$FH/r/enabled"
	ft_call caller_a 3 6 7
	t_eq "$(ft_result)" 1042
	ft_call caller_b 1 2 3
	t_eq "$(ft_result)" 1006
	t_eq "$(cat "$FH/r/stats")" "4 $FT_TARGET [fhook_test]"
	echo 0 >"$FH/r/enabled"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
	echo 1 >"$FH/r/enabled"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
	# Re-committed without redirect while enabled: the original at once.
	echo >"$FH/r/flags"
	echo count >"$FH/r/action"
	echo >"$FH/r/target"
	echo 1 >"$FH/r/commit"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
	echo IPMODIFY >"$FH/r/flags"
	echo "count redirect" >"$FH/r/action"
	echo "$FT_REPLACEMENT" >"$FH/r/target"
	echo 1 >"$FH/r/commit"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
	t_eq "$(fh_hits r)" 7
	rmdir "$FH/r"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
}

@test "redirect obeys the predicates" {
	redirect_hook r
	echo 1 >"$FH/r/pids"
	echo 1 >"$FH/r/commit"
	echo 1 >"$FH/r/enabled"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
	echo "$BASHPID" >"$FH/r/pids"
	echo 1 >"$FH/r/commit"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
	t_eq "$(fh_hits r)" 1
}

@test "redirect refused: no IPMODIFY, several functions, no or bad target" {
	mkdir "$FH/e"
	echo "$FT_TARGET" >"$FH/e/filter"
	echo redirect >"$FH/e/action"
	echo "$FT_REPLACEMENT" >"$FH/e/target"
	fh_expect_fail e commit 1 EINVAL "action 'redirect' needs flag IPMODIFY"
	echo IPMODIFY >"$FH/e/flags"
	echo 'fhook_test_twin*' >"$FH/e/filter"
	fh_expect_fail e commit 1 EINVAL "redirect needs exactly one function; the filter matches 2"
	echo "$FT_TARGET" >"$FH/e/filter"
	echo >"$FH/e/target"
	fh_expect_fail e commit 1 EINVAL "redirect needs a target"
	echo fhook_test_unexported >"$FH/e/target"
	fh_expect_fail e commit 1 ENOENT "target 'fhook_test_unexported' is not exported by a loaded module"
	echo kfree >"$FH/e/target"
	fh_expect_fail e commit 1 ENOENT "target 'kfree' is not exported by a loaded module"
	echo no_such_function_xyz >"$FH/e/target"
	fh_expect_fail e commit 1 ENOENT "target 'no_such_function_xyz' is not exported by a loaded module"
	echo "$FT_REPLACEMENT" >"$FH/e/filter"
	echo "$FT_REPLACEMENT" >"$FH/e/target"
	fh_expect_fail e commit 1 EINVAL "target '$FT_REPLACEMENT' is the hooked function itself"
	t_eq "$(fh_live_value e generation)" 0
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
}

@test "target without redirect, IPMODIFY without redirect: refused" {
	mkdir "$FH/e"
	echo "$FT_TARGET" >"$FH/e/filter"
	echo "$FT_REPLACEMENT" >"$FH/e/target"
	fh_expect_fail e commit 1 EINVAL "target is set but action has no redirect"
	echo >"$FH/e/target"
	echo IPMODIFY >"$FH/e/flags"
	fh_expect_fail e commit 1 EINVAL "IPMODIFY needs an action that modifies the IP"
	run fh_put "$FH/e/target" 'a/b'
	t_eq "$output" EINVAL
	[[ $(cat "$FH/e/last_error") == "target: invalid character "*"/"* ]]
	fh_expect_fail e target "$(printf 'x%.0s' {1..128})" EINVAL "target: longer than 127 bytes"
	echo "$(printf 'x%.0s' {1..127})" >"$FH/e/target"
	t_eq "$(wc -c <"$FH/e/target")" 128
}

@test "EBUSY naming the function while another IPMODIFY user holds it" {
	echo 1 >"$FT/ipmodify"
	redirect_hook r
	run fh_put "$FH/r/enabled" 1
	t_eq "$output" EBUSY
	[[ $(cat "$FH/r/last_error") =~ $EBUSY_RE ]]
	t_eq "$(cat "$FH/r/enabled")" 0
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
	echo 0 >"$FT/ipmodify"
	echo 1 >"$FH/r/enabled"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
	# Now fhook holds it: the other user is refused.
	run fh_put "$FT/ipmodify" 1
	t_eq "$output" EBUSY
	# A second redirect hook: refused at enable, and at an enabled commit.
	redirect_hook r2
	run fh_put "$FH/r2/enabled" 1
	t_eq "$output" EBUSY
	[[ $(cat "$FH/r2/last_error") =~ $EBUSY_RE ]]
	fh_hook r3 "$FT_TARGET"
	echo 1 >"$FH/r3/enabled"
	echo IPMODIFY >"$FH/r3/flags"
	echo "count redirect" >"$FH/r3/action"
	echo "$FT_REPLACEMENT" >"$FH/r3/target"
	run fh_put "$FH/r3/commit" 1
	t_eq "$output" EBUSY
	[[ $(cat "$FH/r3/last_error") =~ $EBUSY_RE ]]
	t_eq "$(fh_live_value r3 generation)" 1
	t_eq "$(fh_live_value r3 action)" count
	ft_call caller_a 2 6 7
	t_eq "$(ft_result)" 1042
	t_eq "$(fh_hits r3)" 2
}

@test "rmmod of the target's module fails while a committed redirect names it" {
	redirect_hook r
	t_eq "$(cat /sys/module/fhook_test/refcnt)" 1
	run rmmod fhook_test
	[ "$status" -ne 0 ]
	[[ $output == *"in use"* ]]
	# A commit that no longer names the target drops the reference.
	echo "$FN_A" >"$FH/r/filter"
	echo >"$FH/r/flags"
	echo count >"$FH/r/action"
	echo >"$FH/r/target"
	echo 1 >"$FH/r/commit"
	t_eq "$(cat /sys/module/fhook_test/refcnt)" 0
	rmdir "$FH/r"
	redirect_hook r
	echo 1 >"$FH/r/enabled"
	run rmmod fhook_test
	[ "$status" -ne 0 ]
	rmdir "$FH/r"
	rmmod fhook_test
	modprobe fhook_test
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
}

@test "an enabled redirect re-commits in place; a flags change needs it disabled" {
	redirect_hook r
	echo 1 >"$FH/r/enabled"
	# Same function, same flags: the ops stays, only the config switches.
	echo "redirect" >"$FH/r/action"
	echo 1 >"$FH/r/commit"
	t_eq "$(fh_live_value r generation) $(fh_live_value r action)" "2 redirect"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
	# Other flags would need a second IPMODIFY ops on the function.
	echo "IPMODIFY SAVE_REGS" >"$FH/r/flags"
	run fh_put "$FH/r/commit" 1
	t_eq "$output" EBUSY
	[[ $(cat "$FH/r/last_error") =~ ^"disable the hook to change the flags of its redirect of 'fhook_test_target"( \[fhook_test\])?"'"$ ]]
	t_eq "$(fh_live_value r generation) $(fh_live_value r flags)" "2 IPMODIFY"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
	echo 0 >"$FH/r/enabled"
	echo 1 >"$FH/r/commit"
	echo 1 >"$FH/r/enabled"
	t_eq "$(fh_live_value r flags)" "SAVE_REGS IPMODIFY"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
}

@test "an enabled redirect switches its target in place while calls run" {
	local i t

	redirect_hook r
	echo 1 >"$FH/r/enabled"
	# Calls keep coming on both CPUs while the target changes under them.
	(
		set +e
		while :; do echo "caller_b 100 1 2" >"$FT/call"; done
	) 3>&- &
	LOAD=$!
	for ((i = 0; i < 10; i++)); do
		for t in "${FT_REPLACEMENT}2" "$FT_REPLACEMENT"; do
			echo "$t" >"$FH/r/target"
			echo 1 >"$FH/r/commit"
			t_eq "$(fh_live_value r target)" "$t"
		done
	done
	kill "$LOAD"
	wait "$LOAD" || true
	LOAD=
	t_eq "$(fh_live_value r generation)" 21
	[ "$(fh_hits r)" -gt 100 ]
	# Each target runs once it is committed (the shared result needs the
	# load stopped).
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 1042
	echo "${FT_REPLACEMENT}2" >"$FH/r/target"
	echo 1 >"$FH/r/commit"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 2042
	# The targets' module stays pinned while the redirect names it.
	run rmmod fhook_test
	[ "$status" -ne 0 ]
	rmdir "$FH/r"
	ft_call caller_a 1 6 7
	t_eq "$(ft_result)" 13
}
