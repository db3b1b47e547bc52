#!/usr/bin/env bats
# Action callers: exact per (function, caller) counts in stats, also while
# the function-graph tracer rewrites the return addresses.

load helpers

setup_file() {
	ft_setup_file
}

teardown() {
	echo nop >"$TRACING/current_tracer"
	echo >"$TRACING/set_graph_function"
	echo >"$TRACING/set_ftrace_filter"
	fh_clear_trace
	fh_teardown
}

CALLER_RE='\+0x[0-9a-f]+/0x[0-9a-f]+ \[fhook_test\]$'

# callers_hook NAME ACTION: on fhook_test_target, enabled.
callers_hook() {
	mkdir "$FH/$1"
	echo "$FT_TARGET" >"$FH/$1/filter"
	echo "$2" >"$FH/$1/action"
	echo 1 >"$FH/$1/commit"
	echo 1 >"$FH/$1/enabled"
}

# check_callers HOOK A B: stats is the count line then the two pairs.
check_callers() {
	cat "$FH/$1/stats"
	mapfile -t lines <"$FH/$1/stats"
	t_eq "${#lines[@]}" 3
	t_eq "${lines[0]}" "$(($2 + $3)) $FT_TARGET [fhook_test]"
	[[ ${lines[1]} =~ ^$2\ $FT_TARGET\ \[fhook_test\]\ \<-\ fhook_test_caller_a$CALLER_RE ]]
	[[ ${lines[2]} =~ ^$3\ $FT_TARGET\ \[fhook_test\]\ \<-\ fhook_test_caller_b$CALLER_RE ]]
}

@test "callers: exact counts per caller, next to count" {
	callers_hook c "count callers"
	ft_call caller_a 300 1 1
	ft_call caller_b 120 1 1
	check_callers c 300 120
	t_eq "$(fh_hits c)" 420
	t_eq "$(cat "$FH/c/missed")" 0
}

@test "callers alone: only the pairs; they survive a commit that keeps the function" {
	callers_hook c callers
	ft_call caller_b 40
	ft_call caller_a 25
	mapfile -t lines <"$FH/c/stats"
	t_eq "${#lines[@]}" 2
	[[ ${lines[0]} =~ ^40\ $FT_TARGET\ \[fhook_test\]\ \<-\ fhook_test_caller_b$CALLER_RE ]]
	[[ ${lines[1]} =~ ^25\ $FT_TARGET\ \[fhook_test\]\ \<-\ fhook_test_caller_a$CALLER_RE ]]
	echo "$FT_TARGET fhook_test_other" >"$FH/c/filter"
	echo "count callers" >"$FH/c/action"
	echo 1 >"$FH/c/commit"
	ft_call caller_a 5
	ft_call other 2
	grep -Eq "^30 $FT_TARGET \[fhook_test\] <- fhook_test_caller_a\+" "$FH/c/stats"
	grep -Eq "^40 $FT_TARGET \[fhook_test\] <- fhook_test_caller_b\+" "$FH/c/stats"
	grep -Eq "^2 fhook_test_other \[fhook_test\] <- fhook_test_repeat\+" "$FH/c/stats"
	echo 1 >"$FH/c/reset"
	t_eq "$(grep -c '^0 ' "$FH/c/stats")" "$(wc -l <"$FH/c/stats")"
}

@test "callers are exact while function_graph traces the function" {
	callers_hook c "count callers"
	echo "$FT_TARGET fhook_test_caller_a fhook_test_caller_b" >"$TRACING/set_ftrace_filter"
	echo "fhook_test_caller_a fhook_test_caller_b" >"$TRACING/set_graph_function"
	echo function_graph >"$TRACING/current_tracer"
	ft_call caller_a 30 1 1
	ft_call caller_b 12 1 1
	# The graph tracer did see the calls.
	t_eq "$(grep -c "$FT_TARGET \[fhook_test\]()" "$TRACING/trace")" 42
	echo nop >"$TRACING/current_tracer"
	check_callers c 30 12
	! grep -q return_to_handler "$FH/c/stats"
}

@test "callers and log see through function_graph's trampoline after a tail call" {
	# fhook_test_tail ends in "jmp fhook_test_target": the target inherits
	# the tail function's return address, which the graph tracer replaced
	# with return_to_handler. parent_ip is that trampoline; fhook unwinds.
	callers_hook c "callers log"
	echo "fhook_test_tail fhook_test_repeat" >"$TRACING/set_ftrace_filter"
	echo fhook_test_tail >"$TRACING/set_graph_function"
	echo function_graph >"$TRACING/current_tracer"
	ft_call tail 25 1 1
	t_eq "$(grep -c 'fhook_test_tail \[fhook_test\]()' "$TRACING/trace")" 25
	echo nop >"$TRACING/current_tracer"
	cat "$FH/c/stats"
	mapfile -t lines <"$FH/c/stats"
	t_eq "${#lines[@]}" 1
	[[ ${lines[0]} =~ ^25\ $FT_TARGET\ \[fhook_test\]\ \<-\ fhook_test_repeat$CALLER_RE ]]
	t_eq "$(grep -c 'hook=c func=fhook_test_target \[fhook_test\] caller=fhook_test_repeat+' "$FHI/trace")" 25
	! grep -q return_to_handler "$FHI/trace"
}

@test "stack sees through function_graph's return trampoline" {
	mkdir "$FH/s"
	echo "$FT_TARGET" >"$FH/s/filter"
	echo "stack callers" >"$FH/s/action"
	echo 1 >"$FH/s/commit"
	echo 1 >"$FH/s/enabled"
	echo "$FT_TARGET fhook_test_caller_a fhook_test_call_write" >"$TRACING/set_ftrace_filter"
	echo fhook_test_call_write >"$TRACING/set_graph_function"
	echo function_graph >"$TRACING/current_tracer"
	ft_call caller_a 2 1 1
	echo nop >"$TRACING/current_tracer"
	grep -v '^#' "$FHI/trace" >"$BATS_TEST_TMPDIR/r"
	cat "$BATS_TEST_TMPDIR/r"
	t_eq "$(grep -c ' fhook_stack: hook=s func=fhook_test_target .*caller=fhook_test_caller_a+' "$BATS_TEST_TMPDIR/r")" 2
	t_eq "$(grep -c '^ *=> fhook_test_caller_a+' "$BATS_TEST_TMPDIR/r")" 2
	t_eq "$(grep -c '^ *=> fhook_test_call_write+' "$BATS_TEST_TMPDIR/r")" 2
	t_eq "$(grep -c 'return_to_handler' "$BATS_TEST_TMPDIR/r")" 0
	grep -Eq "^2 $FT_TARGET \[fhook_test\] <- fhook_test_caller_a$CALLER_RE" "$FH/s/stats"
}
