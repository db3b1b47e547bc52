#!/usr/bin/env bats
# fhook-apply's lifecycle options against the module: each profile's own
# default tag, --prune of one profile beside another, --delete, --flush,
# --list against the kernel's functions, and hooks too wide to log.

load helpers
load apply-helpers

setup_file() {
	fh_setup_file
}

setup() {
	apply_setup
	profile one.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A" ]; };
  b = { filter = [ "$FN_B" ]; };
};
EOF
	profile two.cfg <<EOF
version = 1;
hooks = { c = { filter = [ "$FN_C" ]; }; };
EOF
}

teardown() {
	fh_teardown
}

# The hooks, each with its tag: "name=tag ...".
tags() {
	local d out=()

	for d in "$FH"/*/; do
		[ -d "$d" ] || continue
		out+=("$(basename "$d")=$(cat "$d/tag")")
	done
	echo "${out[*]}"
}

@test "two profiles side by side: their own tags, --prune of one keeps the other" {
	run -0 "$APPLY" one.cfg
	run -0 "$APPLY" two.cfg
	t_eq "$(tags)" "a=fhook-apply:one b=fhook-apply:one c=fhook-apply:two"
	sed -i '/^  b = /d' one.cfg
	run --separate-stderr -0 "$APPLY" --prune one.cfg
	t_eq "$output" "b: removed
one.cfg: applied: 0 created, 0 changed, 1 removed, 1 up to date (1 writes)"
	t_eq "$(tags)" "a=fhook-apply:one c=fhook-apply:two"
}

@test "--delete removes the profile's hooks with its tag, warns about others" {
	run -0 "$APPLY" one.cfg
	run -0 "$APPLY" two.cfg
	echo other >"$FH/b/tag"
	run --separate-stderr -0 "$APPLY" --delete --json one.cfg
	t_eq "$stderr" "fhook-apply: warning: hook 'b' not deleted: its tag is 'other', not 'fhook-apply:one'"
	[[ $output == *'"status":"applied","exit":0,"writes":1,"summary":{"create":0,"update":0,"remove":1,"unchanged":0},"hooks":[{"hook":"a","change":"remove","attributes":[]}]'* ]]
	t_eq "$(tags)" "b=other c=fhook-apply:two"
	echo fhook-apply:one >"$FH/b/tag"
	run --separate-stderr -0 "$APPLY" --delete one.cfg
	t_eq "$output" "b: removed
one.cfg: applied: 0 created, 0 changed, 1 removed, 0 up to date (1 writes)"
	t_eq "$(tags)" "c=fhook-apply:two"
}

@test "--flush removes every hook, enabled or not, whoever made it" {
	run -0 "$APPLY" one.cfg
	fa_hook hand "$FN_D" "" 1
	mkdir "$FH/fresh"
	run --separate-stderr -0 "$APPLY" --flush
	t_eq "$output" "a: removed
b: removed
fresh: removed
hand: removed
--flush: applied: 0 created, 0 changed, 4 removed, 0 up to date (4 writes)"
	t_eq "$(tags)" ""
	run --separate-stderr -0 "$APPLY" --flush
	t_eq "$output" "--flush: nothing to do: 0 hooks up to date (0 writes)"
}

@test "--list counts what each glob matches in this kernel" {
	profile l.cfg <<EOF
version = 1;
hooks = { l = { filter = [ "__do_sys_getp*", "!$FN_B" ]; }; };
EOF
	n=$(grep -c '^__do_sys_getp' /sys/kernel/tracing/available_filter_functions)
	run --separate-stderr -0 "$APPLY" --list l.cfg
	t_eq "${lines[0]}" "l: $((n - 1)) functions"
	[[ ${lines[1]} == "  __do_sys_getp* "*" $n  "*"$FN_A"* ]]
	t_eq "${lines[2]}" "  !$FN_B     -1  $FN_B"
}

@test "a hook logging every call of '*' is refused; --force applies it" {
	profile w.cfg <<'EOF'
version = 1;
hooks = { w = { filter = [ "*" ]; action = "log"; enabled = false; }; };
EOF
	run --separate-stderr -1 "$APPLY" w.cfg
	[[ $stderr == "fhook-apply: w.cfg:2: hook 'w': action log records every call of "*" functions (more than 1000), which floods the trace buffer; set sample, narrow the globs, or use --force"* ]]
	[ ! -e "$FH/w" ]
	run --separate-stderr -0 "$APPLY" --force w.cfg
	[[ $stderr == *"allowed by --force" ]]
	t_eq "$(cat "$FH/w/enabled") $(fa_gen w)" "0 1"
}
