#!/usr/bin/env bats
# The module and fhook-apply refuse the same values with the same words:
# each bad value is written to the module (its last_error, or the kernel
# log for mkdir) and put in a profile for fhook-apply --check, which reads
# the module's features; the tool's message after "file:line: " must hold
# the module's reason.  Also: every limit features publishes is exactly
# the largest value the module accepts.

load helpers

setup_file() {
	fh_setup_file
}

setup() {
	apply_setup
	mkdir "$FH/m"
}

teardown() {
	fh_teardown
}

# rep CHAR N: CHAR N times.
rep() {
	printf '%*s' "$2" '' | tr ' ' "$1"
}

# The words f1 ... fN, space-separated.
words_n() {
	seq -s ' ' -f "${2-f}%g" "$1"
}

# plist WORD...: a libconfig list of strings.
plist() {
	local w out=

	for w in "$@"; do
		out+="${out:+, }\"$w\""
	done
	echo "[ $out ]"
}

# mod_stage ATTR VALUE: a write the module must take.
mod_stage() {
	run fh_put "$FH/m/$1" "$2"
	t_eq "$output" ok
}

# mod_refuse ATTR VALUE: a write the module must refuse with EINVAL; its
# reason into MOD.
mod_refuse() {
	run fh_put "$FH/m/$1" "$2"
	t_eq "$output" EINVAL
	MOD=$(cat "$FH/m/last_error")
	[ -n "$MOD" ]
}

# tool_refuse HOOK_BODY [TOP_LEVEL]: fhook-apply --check must refuse a
# profile with hook m = { HOOK_BODY }; its messages, prefix cut, into TOOL.
tool_refuse() {
	profile p.cfg <<EOF
version = 1;
${2:-}
hooks = { m = { $1 }; };
EOF
	run --separate-stderr -1 "$APPLY" --check p.cfg
	TOOL=$(sed 's/^fhook-apply: p\.cfg:[0-9]*: //' <<<"$stderr")
	[ -n "$TOOL" ]
}

# The tool said what the module said (one of its lines holds MOD).
same_reason() {
	local line

	while read -r line; do
		[[ "$line" != *"$MOD"* ]] || return 0
	done <<<"$TOOL"
	printf 'module: <%s>\ntool:   <%s>\n' "$MOD" "$TOOL" >&2
	return 1
}

# both ATTR VALUE HOOK_BODY: refused by the module's ATTR and by the tool.
both() {
	mod_refuse "$1" "$2"
	tool_refuse "$3"
	same_reason
}

# commit_both ATTR=VALUE... -- HOOK_BODY: staged, refused at commit.
commit_both() {
	local kv

	while [ "$1" != -- ]; do
		kv=$1
		mod_stage "${kv%%=*}" "${kv#*=}"
		shift
	done
	mod_refuse commit 1
	tool_refuse "$2"
	same_reason
}

@test "filter: a bracket expression with '^'" {
	both filter '[^x]' "filter = $(plist '[^x]');"
}

@test "filter: a module selector" {
	both filter 'vfs_read:ext4' "filter = $(plist 'vfs_read:ext4');"
}

@test "filter: an invalid character" {
	both filter 'vfs\read' "filter = $(plist 'vfs\\read');"
}

@test "filter: a glob over the glob limit" {
	local g

	g=$(rep a $(($(limit glob) + 1)))
	both filter "$g" "filter = $(plist "$g");"
}

@test "filter and notrace: more globs than the globs limit" {
	local w

	# shellcheck disable=SC2046
	w=$(words_n $(($(limit globs) + 1)))
	# shellcheck disable=SC2086
	both filter "$w" "filter = $(plist $w);"
	# shellcheck disable=SC2086
	both notrace "$w" "filter = [ \"x\" ]; notrace = $(plist $w);"
}

@test "filter: a value over the input limit" {
	local w

	# 100 globs of 46 to 48 bytes and their separators: over 4094.
	w=$(words_n 100 "$(rep a 45)")
	# shellcheck disable=SC2086
	both filter "$w" "filter = $(plist $w);"
}

@test "filter: '!' alone" {
	both filter '!' "filter = $(plist 'x' '!');"
}

@test "flags: an unknown flag" {
	both flags 'RECURSION FOO' "filter = [ \"x\" ]; flags = $(plist RECURSION FOO);"
}

@test "action: an unknown action" {
	both action 'count foo' "filter = [ \"x\" ]; action = $(plist count foo);"
}

@test "action: none" {
	both action ' ' "filter = [ \"x\" ]; action = [ ];"
}

@test "args over its limit" {
	both args $(($(limit args) + 1)) "filter = [ \"x\" ]; action = \"log\"; args = $(($(limit args) + 1));"
}

@test "stack_depth over its limit, and 0" {
	local n=$(($(limit stack_depth) + 1))

	both stack_depth "$n" "filter = [ \"x\" ]; action = \"stack\"; stack_depth = $n;"
	both stack_depth 0 "filter = [ \"x\" ]; action = \"stack\"; stack_depth = 0;"
}

@test "sample 0, and over its limit" {
	local n=$(($(limit sample) + 1))

	both sample 0 "filter = [ \"x\" ]; action = \"log\"; sample = 0;"
	both sample "$n" "filter = [ \"x\" ]; action = \"log\"; sample = $n;"
}

@test "pids: 0 and one over the pid limit" {
	local n=$(($(limit pid) + 1))

	both pids 0 "filter = [ \"x\" ]; pids = [ 0 ];"
	both pids "$n" "filter = [ \"x\" ]; pids = [ $n ];"
}

@test "pids: more than the pids limit" {
	local w

	w=$(words_n $(($(limit pids) + 1)) '')
	both pids "$w" "filter = [ \"x\" ]; pids = [ ${w// /, } ];"
}

@test "comm: a glob over the comm_glob limit" {
	local g

	g=$(rep c $(($(limit comm_glob) + 1)))
	both comm "$g" "filter = [ \"x\" ]; comm = $(plist "$g");"
}

@test "comm: more globs than the comm limit" {
	local w

	w=$(words_n $(($(limit comm) + 1)) c)
	# shellcheck disable=SC2086
	both comm "$w" "filter = [ \"x\" ]; comm = $(plist $w);"
}

@test "target: over the target limit, and a bad character" {
	local t

	t=$(rep t $(($(limit target) + 1)))
	both target "$t" "filter = [ \"x\" ]; flags = [ \"IPMODIFY\" ]; action = \"redirect\"; target = \"$t\";"
	both target 'a-b' "filter = [ \"x\" ]; flags = [ \"IPMODIFY\" ]; action = \"redirect\"; target = \"a-b\";"
}

@test "tag: a space, and over the tag limit" {
	local t

	mod_refuse tag 'a b'
	tool_refuse 'filter = [ "x" ];' 'tag = "a b";'
	same_reason
	t=$(rep t $(($(limit tag) + 1)))
	mod_refuse tag "$t"
	tool_refuse 'filter = [ "x" ];' "tag = \"$t\";"
	same_reason
}

@test "commit: a filter with only exclusions" {
	commit_both filter='!x' -- "filter = [ \"!x\" ];"
}

@test "commit: redirect without IPMODIFY" {
	commit_both filter=x action=redirect target=t -- \
		'filter = [ "x" ]; action = "redirect"; target = "t";'
}

@test "commit: IPMODIFY without redirect" {
	commit_both filter=x flags=IPMODIFY -- \
		'filter = [ "x" ]; flags = [ "IPMODIFY" ];'
}

@test "commit: redirect without a target" {
	commit_both filter=x flags=IPMODIFY action=redirect -- \
		'filter = [ "x" ]; flags = [ "IPMODIFY" ]; action = "redirect";'
}

@test "commit: a target without redirect" {
	commit_both filter=x target=t -- 'filter = [ "x" ]; target = "t";'
}

@test "commit: args without log or stack" {
	commit_both filter=x args=2 -- 'filter = [ "x" ]; args = 2;'
}

@test "mkdir: a name over the name limit, and one with a '*'" {
	local name

	# libconfig takes a name of letters, digits, '_', '-' and '*'.
	for name in "$(rep n $(($(limit name) + 1)))" 'a*b'; do
		kmsg_mark
		run mkdir "$FH/$name"
		t_eq "$status" 1
		MOD=$(kmsg_since_mark | sed -n 's/.*fhook: mkdir: //p')
		[ -n "$MOD" ]
		profile p.cfg <<EOF
version = 1;
hooks = { $name = { filter = [ "x" ]; }; };
EOF
		run --separate-stderr -1 "$APPLY" --check p.cfg
		TOOL=$(sed 's/^fhook-apply: p\.cfg:[0-9]*: //' <<<"$stderr")
		same_reason
	done
}

# A limit is the largest value accepted: LIMIT is taken, LIMIT + 1 not.
# ok_bad ATTR GOOD BAD
ok_bad() {
	mod_stage "$1" "$2"
	mod_refuse "$1" "$3"
}

@test "every limit in features is the largest value the module accepts" {
	local l name n

	l() { sed -n 's/^limits: //p' "$FH/features" | tr ' ' '\n' |
		sed -n "s/^$1=//p"; }
	t_eq "$(grep '^limits: ' "$FH/features")" \
		"$(grep '^limits: ' <<<"$FEATURES")"
	for name in args stack_depth sample; do
		ok_bad "$name" "$(l "$name")" $(($(l "$name") + 1))
	done
	ok_bad pids "$(l pid)" $(($(l pid) + 1))
	ok_bad pids "$(words_n "$(l pids)" '')" "$(words_n $(($(l pids) + 1)) '')"
	ok_bad comm "$(words_n "$(l comm)" c)" "$(words_n $(($(l comm) + 1)) c)"
	ok_bad comm "$(rep c "$(l comm_glob)")" "$(rep c $(($(l comm_glob) + 1)))"
	ok_bad filter "$(words_n "$(l globs)")" "$(words_n $(($(l globs) + 1)))"
	ok_bad filter "$(rep g "$(l glob)")" "$(rep g $(($(l glob) + 1)))"
	n=$(l input)
	ok_bad filter "x$(rep ' ' $((n - 1)))" "x$(rep ' ' "$n")"
	ok_bad target "$(rep t "$(l target)")" "$(rep t $(($(l target) + 1)))"
	ok_bad tag "$(rep t "$(l tag)")" "$(rep t $(($(l tag) + 1)))"
	name=$(rep n "$(l name)")
	mkdir "$FH/$name"
	rmdir "$FH/$name"
	run mkdir "$FH/${name}n"
	t_eq "$status" 1
	[[ "$output" == *"File name too long"* ]]
}
