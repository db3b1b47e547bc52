#!/usr/bin/env bats
# The staged attributes: filter, notrace, flags, action. Parsing, the
# canonical form, every syntax error and its last_error text.

load helpers

setup_file() {
	fh_setup_file
}

setup() {
	mkdir "$FH/s"
}

teardown() {
	fh_teardown
}

@test "filter reads back sorted, deduplicated, one glob per line" {
	fh_put "$FH/s/filter" "$(printf 'try_to_wake_up  schedule\n\tschedule !foo*\nvfs_*  ')"
	t_eq "$(cat "$FH/s/filter")" '!foo*
schedule
try_to_wake_up
vfs_*'
}

@test "a write replaces the staged value; an empty write clears it" {
	echo "a b" >"$FH/s/filter"
	echo "c" >"$FH/s/filter"
	t_eq "$(cat "$FH/s/filter")" "c"
	echo "" >"$FH/s/filter"
	t_eq "$(cat "$FH/s/filter" | wc -c)" 0
	echo "   " >"$FH/s/notrace"
	t_eq "$(cat "$FH/s/notrace" | wc -c)" 0
}

@test "globs accept name characters, * ? [] and a leading !" {
	echo 'a_b.c* ?x [a-z]y [!q]z !n* *' >"$FH/s/notrace"
	t_eq "$(tr '\n' ' ' <"$FH/s/notrace")" '!n* * ?x [!q]z [a-z]y a_b.c* '
}

@test "module selectors and addresses are kept, addresses in canonical form" {
	echo '*:mod:ext4 !x_*:mod:nf_* 0xFFFFFFFFC0001000 !0x00ab f:mod:a-b_[0-9]* 0x00ffffffff81000000' >"$FH/s/filter"
	t_eq "$(tr '\n' ' ' <"$FH/s/filter")" \
		'!0xab !x_*:mod:nf_* *:mod:ext4 0xffffffff81000000 0xffffffffc0001000 f:mod:a-b_[0-9]* '
}

@test "glob syntax errors fail with EINVAL, exact reason, nothing changed" {
	echo keep >"$FH/s/filter"
	fh_expect_fail s filter 'ok foo:bar:baz' EINVAL \
		"filter: ':' in glob 'foo:bar:baz': only GLOB:mod:MODULE selectors are supported"
	fh_expect_fail s filter 'x:mod:' EINVAL "filter: module name missing in selector 'x:mod:'"
	fh_expect_fail s filter ':mod:m' EINVAL "filter: glob missing in selector ':mod:m'"
	fh_expect_fail s filter 'x:mod:a/b' EINVAL \
		"filter: invalid character '/' in module name of 'x:mod:a/b'"
	fh_expect_fail s filter 'x:mod:a:mod:b' EINVAL \
		"filter: ':' in glob 'x:mod:a:mod:b': only GLOB:mod:MODULE selectors are supported"
	fh_expect_fail s filter 'a/b:mod:m' EINVAL "filter: invalid character '/' in glob 'a/b:mod:m'"
	fh_expect_fail s filter '0xzz' EINVAL "filter: bad address '0xzz'"
	fh_expect_fail s filter '0x' EINVAL "filter: bad address '0x'"
	fh_expect_fail s filter '0x0' EINVAL "filter: bad address '0x0'"
	fh_expect_fail s notrace '!0x12345678901234567' EINVAL \
		"notrace: bad address '!0x12345678901234567'"
	fh_expect_fail s filter 'a/b' EINVAL "filter: invalid character '/' in glob 'a/b'"
	fh_expect_fail s filter 'a\b' EINVAL "filter: invalid character '\\' in glob 'a\\b'"
	fh_expect_fail s filter 'f(x)' EINVAL "filter: invalid character '(' in glob 'f(x)'"
	fh_expect_fail s filter 'a!b' EINVAL "filter: invalid character '!' in glob 'a!b'"
	fh_expect_fail s filter 'foo[ab' EINVAL "filter: bad bracket expression in glob 'foo[ab'"
	fh_expect_fail s filter 'foo[a*]' EINVAL "filter: bad bracket expression in glob 'foo[a*]'"
	fh_expect_fail s filter 'foo[^a]' EINVAL "filter: bad bracket expression in glob 'foo[^a]'"
	fh_expect_fail s filter '!' EINVAL "filter: '!' must be followed by a glob"
	fh_expect_fail s notrace 'x|y' EINVAL "notrace: invalid character '|' in glob 'x|y'"
	t_eq "$(cat "$FH/s/filter")" keep
	t_eq "$(cat "$FH/s/notrace" | wc -c)" 0
}

@test "at most 256 globs, each at most 511 bytes" {
	fh_put "$FH/s/filter" "$(printf 'f%d ' {1..256})"
	t_eq "$(wc -l <"$FH/s/filter")" 256
	fh_expect_fail s filter "$(printf 'f%d ' {1..257})" EINVAL "filter: more than 256 globs"
	fh_put "$FH/s/filter" "$(printf 'a%.0s' {1..511})"
	fh_expect_fail s filter "$(printf 'a%.0s' {1..512})" EINVAL \
		"filter: glob 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is longer than 511 bytes"
}

@test "a value over 4094 bytes fails as a whole with EINVAL" {
	local v

	v="$(printf 'abcdefghijk%04d ' {1..255})xxxxxxxxxxxxxx"
	t_eq "${#v}" 4094
	run fh_put "$FH/s/filter" "$v"
	t_eq "$output" ok
	t_eq "$(wc -l <"$FH/s/filter")" 256
	run fh_put "$FH/s/filter" "${v}y"
	t_eq "$output" EINVAL
	echo keep >"$FH/s/filter"
	run fh_put -n "$FH/s/filter" 5000
	t_eq "$output" EINVAL
	t_eq "$(cat "$FH/s/last_error")" "filter: value longer than 4094 bytes"
	t_eq "$(cat "$FH/s/filter")" keep
	run fh_put -n "$FH/s/flags" 4095
	t_eq "$output" EINVAL
}

@test "one write() is one value: a shell writing line by line keeps the last" {
	# bash's echo and printf builtins write each line separately.
	printf 'schedule\nvfs_read\n' >"$FH/s/filter"
	t_eq "$(cat "$FH/s/filter")" vfs_read
	printf 'schedule\nvfs_read\n' >"$BATS_TEST_TMPDIR/list"
	cat "$BATS_TEST_TMPDIR/list" >"$FH/s/filter"
	t_eq "$(cat "$FH/s/filter")" "schedule
vfs_read"
}

@test "flags: every name, canonical order, unknown names refused" {
	fh_put "$FH/s/flags" 'PERMANENT RCU  IPMODIFY
RECURSION SAVE_REGS_IF_SUPPORTED SAVE_REGS RCU'
	t_eq "$(cat "$FH/s/flags")" "SAVE_REGS SAVE_REGS_IF_SUPPORTED RECURSION IPMODIFY RCU PERMANENT"
	fh_expect_fail s flags 'RCU FOO' EINVAL "flags: unknown flag 'FOO'"
	fh_expect_fail s flags 'recursion' EINVAL "flags: unknown flag 'recursion'"
	fh_expect_fail s flags 'FTRACE_OPS_FL_RCU' EINVAL "flags: unknown flag 'FTRACE_OPS_FL_RCU'"
	t_eq "$(cat "$FH/s/flags")" "SAVE_REGS SAVE_REGS_IF_SUPPORTED RECURSION IPMODIFY RCU PERMANENT"
	echo "" >"$FH/s/flags"
	t_eq "$(cat "$FH/s/flags")" ""
}

@test "action: count, unknown and empty refused" {
	echo " count " >"$FH/s/action"
	t_eq "$(cat "$FH/s/action")" count
	fh_expect_fail s action 'count tally' EINVAL "action: unknown action 'tally'"
	fh_expect_fail s action $'\n' EINVAL "action: no action given"
	t_eq "$(cat "$FH/s/action")" count
}

@test "a NUL byte in a value is refused" {
	run bash -c "printf 'abc\\0def' >'$FH/s/filter'"
	[ "$status" -ne 0 ]
	t_eq "$(cat "$FH/s/last_error")" "filter: value contains a NUL byte"
}

@test "staged writes do not touch the live configuration" {
	echo "$FN_A" >"$FH/s/filter"
	echo 1 >"$FH/s/commit"
	echo 1 >"$FH/s/enabled"
	echo "$FN_B" >"$FH/s/filter"
	echo "$FN_A" >"$FH/s/notrace"
	echo RCU >"$FH/s/flags"
	t_eq "$(fh_live_value s filter)" "$FN_A"
	t_eq "$(fh_live_value s notrace)" ""
	t_eq "$(fh_live_value s flags)" ""
	hammer "$SYS_A" 50
	hammer "$SYS_B" 50
	t_eq "$(fh_hits s)" 50
}

@test "tag: one printable word, immediate, not part of live" {
	t_eq "$(cat "$FH/s/tag")" ""
	echo fhook-apply >"$FH/s/tag"
	t_eq "$(cat "$FH/s/tag")" fhook-apply
	fh_expect_fail s tag 'two words' EINVAL "tag: character 0x20 not allowed (printable, no spaces)"
	fh_expect_fail s tag "$(printf 't%.0s' {1..65})" EINVAL "tag: longer than 64 bytes"
	t_eq "$(cat "$FH/s/tag")" fhook-apply
	echo "" >"$FH/s/tag"
	t_eq "$(cat "$FH/s/tag")" ""
	! grep -q tag "$FH/s/live"
}
