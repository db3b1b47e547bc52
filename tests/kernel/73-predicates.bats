#!/usr/bin/env bats
# Predicates pids and comm (a call that fails one is ignored entirely) and
# sample (1 in N events, counts exact).

load helpers

setup_file() {
	ft_setup_file
}

# Background processes close fd 3, or bats would wait for them.
teardown() {
	[ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
	wait 2>/dev/null || true
	fh_clear_trace
	fh_teardown
}

# pred_hook NAME FILTER ATTR VALUE: count hook with one predicate, enabled.
pred_hook() {
	mkdir "$FH/$1"
	echo "$2" >"$FH/$1/filter"
	echo "$4" >"$FH/$1/$3"
	echo 1 >"$FH/$1/commit"
	echo 1 >"$FH/$1/enabled"
}

@test "pids: only the listed process is counted, another running alongside is not" {
	mkfifo "$BATS_TEST_TMPDIR/go"
	# Waits for the hook, then becomes the hammer under the same pid.
	(read -r _ <"$BATS_TEST_TMPDIR/go"; exec "$TOOLS/fhook-hammer" "$SYS_A" 3000) 3>&- &
	pid=$!
	pred_hook p "$FN_A" pids "$pid"
	t_eq "$(fh_live_value p pids)" "$pid"
	hammer "$SYS_A" 500 3>&- &
	other=$!
	echo go >"$BATS_TEST_TMPDIR/go"
	wait "$pid"
	wait "$other"
	hammer "$SYS_A" 200
	t_eq "$(fh_hits p)" 3000
	t_eq "$(cat "$FH/p/missed")" 0
}

@test "pids: sorted, unique; errors" {
	mkdir "$FH/e"
	echo "30 7 7 4194304 12" >"$FH/e/pids"
	t_eq "$(cat "$FH/e/pids")" "7 12 30 4194304"
	fh_expect_fail e pids "1 x" EINVAL "pids: 'x' is not a process id"
	fh_expect_fail e pids 0 EINVAL "pids: '0' is not a process id"
	fh_expect_fail e pids 4194305 EINVAL "pids: '4194305' is not a process id"
	fh_expect_fail e pids "$(seq -s ' ' 1 65)" EINVAL "pids: more than 64 pids"
	echo "$(seq -s ' ' 1 64)" >"$FH/e/pids"
	t_eq "$(cat "$FH/e/pids")" "$(seq -s ' ' 1 64)"
	echo >"$FH/e/pids"
	t_eq "$(cat "$FH/e/pids")" ""
}

@test "comm: only tasks whose name matches a glob are counted" {
	cp "$TOOLS/fhook-hammer" "$BATS_TEST_TMPDIR/xhammer-other"
	pred_hook c "$FN_A" comm 'fhook-h[a]m*'
	hammer "$SYS_A" 400
	"$BATS_TEST_TMPDIR/xhammer-other" "$SYS_A" 300
	t_eq "$(fh_hits c)" 400
	echo '*-oth?r nomatch' >"$FH/c/comm"
	echo 1 >"$FH/c/commit"
	t_eq "$(fh_live_value c comm)" "*-oth?r nomatch"
	hammer "$SYS_A" 400
	"$BATS_TEST_TMPDIR/xhammer-other" "$SYS_A" 300
	t_eq "$(fh_hits c)" 700
}

@test "comm: sorted, unique; errors" {
	mkdir "$FH/e"
	echo "b a b [!x]*" >"$FH/e/comm"
	t_eq "$(cat "$FH/e/comm")" "[!x]* a b"
	fh_expect_fail e comm $'a\x7fb' EINVAL "comm: character 0x7f not allowed in glob"
	fh_expect_fail e comm "$(seq -s ' ' 1 17)" EINVAL "comm: more than 16 globs"
	fh_expect_fail e comm "$(printf 'x%.0s' {1..65})" EINVAL "comm: glob longer than 64 bytes"
	t_eq "$(cat "$FH/e/comm")" "[!x]* a b"
	echo "$(printf 'x%.0s' {1..64})" >"$FH/e/comm"
	echo >"$FH/e/comm"
	t_eq "$(cat "$FH/e/comm")" ""
}

@test "sample N: about calls/N records per CPU, hits and counts exact" {
	mkdir "$FH/s"
	echo "$FT_TARGET" >"$FH/s/filter"
	echo "count log" >"$FH/s/action"
	echo 10 >"$FH/s/sample"
	echo 1 >"$FH/s/commit"
	echo 1 >"$FH/s/enabled"
	ft_call caller_a 1000
	t_eq "$(fh_hits s)" 1000
	t_eq "$(cat "$FH/s/stats")" "1000 $FT_TARGET [fhook_test]"
	n=$(fh_records | grep -c 'hook=s ')
	echo "records: $n, CPUs: $(nproc)"
	[ "$n" -ge $((100 - $(nproc))) ] && [ "$n" -le 100 ]
	echo 1 >"$FH/s/sample"
	echo 1 >"$FH/s/commit"
	fh_clear_trace
	ft_call caller_a 37
	t_eq "$(fh_records | grep -c 'hook=s ')" 37
	t_eq "$(fh_hits s)" 1037
}

@test "sample: errors" {
	mkdir "$FH/e"
	t_eq "$(cat "$FH/e/sample")" 1
	fh_expect_fail e sample x EINVAL "sample: not a number"
	fh_expect_fail e sample 0 EINVAL "sample: must be 1 to 1000000000"
	fh_expect_fail e sample 1000000001 EINVAL "sample: must be 1 to 1000000000"
	echo 1000000000 >"$FH/e/sample"
	t_eq "$(cat "$FH/e/sample")" 1000000000
}

@test "predicates switch with the commit, not before" {
	pred_hook w "$FN_A" pids 1
	hammer "$SYS_A" 500
	t_eq "$(fh_hits w)" 0
	# Staged only: still pid 1.
	echo >"$FH/w/pids"
	hammer "$SYS_A" 500
	t_eq "$(fh_hits w)" 0
	echo 1 >"$FH/w/commit"
	t_eq "$(fh_live_value w pids)" ""
	hammer "$SYS_A" 500
	t_eq "$(fh_hits w)" 500
	echo 'nobody' >"$FH/w/comm"
	echo 1 >"$FH/w/commit"
	hammer "$SYS_A" 500
	t_eq "$(fh_hits w)" 500
	t_eq "$(fh_live_value w comm)" nobody
}

@test "predicates are atomic with the commit under a running hammer" {
	pred_hook a "$FN_A" comm 'fhook-hammer'
	"$TOOLS/fhook-hammer" "$SYS_A" - >"$BATS_TEST_TMPDIR/n" 3>&- &
	pid=$!
	for ((i = 0; i < 3; i++)); do
		echo "fhook-hammer other" >"$FH/a/comm"
		echo 1 >"$FH/a/commit"
		echo "$pid" >"$FH/a/pids"
		echo 1 >"$FH/a/commit"
		echo >"$FH/a/pids"
		echo 1 >"$FH/a/commit"
	done
	kill -TERM "$pid"
	wait "$pid"
	# Every configuration admitted the hammer: no call lost, none doubled.
	t_eq "$(fh_hits a)" "$(cat "$BATS_TEST_TMPDIR/n")"
}
