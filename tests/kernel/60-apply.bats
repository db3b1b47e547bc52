#!/usr/bin/env bats
# fhook-apply against the module: apply, idempotence, rollback after a
# failure mid-profile (state compared attribute by attribute), prune,
# export round trip, concurrent appliers, the plan script, --only,
# optional hooks, --status.

load helpers
load apply-helpers

setup_file() {
	fh_setup_file
}

setup() {
	apply_setup
}

teardown() {
	fh_teardown
}

@test "apply creates the hooks committed, tagged, enabled as asked, and they count" {
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A" ]; flags = [ "RECURSION" ]; };
  b = { filter = [ "$FN_B" ]; enabled = false; };
};
EOF
	run --separate-stderr -0 "$APPLY" p.cfg
	t_eq "$stderr" ""
	t_eq "$output" "a: created
b: created
p.cfg: applied: 2 created, 0 changed, 0 removed, 0 up to date (27 writes)"
	t_eq "$(cat "$FH/a/live")" "generation: 1
filter: $FN_A
notrace:
flags: RECURSION
action: count
args: 0
stack_depth: 16
target:
pids:
comm:
sample: 1
functions: 1"
	t_eq "$(cat "$FH/a/enabled") $(cat "$FH/a/tag")" "1 fhook-apply:p"
	t_eq "$(fh_live_value b filter) $(cat "$FH/b/enabled") $(cat "$FH/b/tag")" \
		"$FN_B 0 fhook-apply:p"
	echo 1 >"$FH/a/reset"
	hammer "$SYS_A" 100
	t_eq "$(fh_hits a)" 100
	run -0 "$APPLY" --diff p.cfg
	t_eq "$output" ""
}

@test "re-applying an unchanged profile writes nothing and says so" {
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A" ]; };
  b = { filter = [ "$FN_B" ]; enabled = false; };
};
EOF
	run -0 "$APPLY" p.cfg
	# staged values left by hand: a write to them would replace them
	echo "$FN_C" >"$FH/a/filter"
	echo RCU >"$FH/b/flags"
	before=$(fa_state)
	run --separate-stderr -0 "$APPLY" p.cfg
	t_eq "$output" "p.cfg: nothing to do: 2 hooks up to date (0 writes)"
	t_eq "$stderr" ""
	t_eq "$(fa_state)" "$before"
	t_eq "$(fa_gen a) $(fa_gen b)" "1 1"
	t_eq "$(cat "$FH/a/filter")" "$FN_C"
}

@test "a changed profile re-commits only what differs; an enabled hook keeps counting" {
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A" ]; };
  b = { filter = [ "$FN_B" ]; enabled = false; };
  c = { filter = [ "$FN_C" ]; enabled = false; };
};
EOF
	run -0 "$APPLY" p.cfg
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A", "$FN_B" ]; };
  b = { filter = [ "$FN_B" ]; };
  c = { filter = [ "$FN_C" ]; enabled = false; };
};
EOF
	run --separate-stderr -0 "$APPLY" p.cfg
	t_eq "$output" "a: changed (filter)
b: changed (enabled)
p.cfg: applied: 0 created, 2 changed, 0 removed, 1 up to date (12 writes)"
	t_eq "$(fa_gen a) $(fa_gen b) $(fa_gen c)" "2 1 1"
	t_eq "$(cat "$FH/a/enabled") $(cat "$FH/b/enabled")" "1 1"
	echo 1 >"$FH/a/reset"
	echo 1 >"$FH/b/reset"
	hammer "$SYS_B" 10
	t_eq "$(fh_hits a) $(fh_hits b)" "10 10"
}

@test "a commit failing mid-profile restores every hook touched, attribute by attribute" {
	fa_hook a "$FN_A" "" 1
	echo RCU >"$FH/a/flags"			# staged by hand, not committed
	fa_hook b "$FN_B"
	echo fhook-apply >"$FH/b/tag"
	before=$(fa_state)
	gen_a=$(fa_gen a)
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A", "$FN_B" ]; flags = [ "RECURSION" ]; };
  n = { filter = [ "$FN_C" ]; };
  b = { filter = [ "$FN_B" ]; };
  x = { filter = [ "fhook_no_such_fn" ]; };
};
EOF
	run --separate-stderr -3 "$APPLY" p.cfg
	t_eq "$stderr" "fhook-apply: $FH/x/commit: Invalid argument: filter glob 'fhook_no_such_fn' matches no traceable function
fhook-apply: p.cfg:6: hook 'x' failed; restored as they were: x, b, n, a"
	t_eq "$output" ""
	t_eq "$(fa_state)" "$before"
	[ ! -d "$FH/n" ] && [ ! -d "$FH/x" ]
	# a was re-committed twice and never stopped counting its own function
	t_eq "$(fa_gen a)" $((gen_a + 2))
	echo 1 >"$FH/a/reset"
	echo 1 >"$FH/b/reset"
	hammer "$SYS_A" 10
	hammer "$SYS_B" 10
	t_eq "$(fh_hits a) $(fh_hits b)" "10 0"
}

@test "a redirect target the kernel refuses at commit: rolled back the same way" {
	fa_hook a "$FN_A" "" 1
	before=$(fa_state)
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_B" ]; enabled = false; };
  ipm = {
    filter = [ "$FN_C" ];
    flags = [ "IPMODIFY" ];
    action = "redirect";
    target = "fhook_no_such_target";
  };
};
EOF
	run --separate-stderr -3 "$APPLY" p.cfg
	t_eq "$stderr" "fhook-apply: $FH/ipm/commit: No such file or directory: target 'fhook_no_such_target' is not exported by a loaded module
fhook-apply: p.cfg:4: hook 'ipm' failed; restored as they were: ipm, a"
	t_eq "$(fa_state)" "$before"
	echo 1 >"$FH/a/reset"
	hammer "$SYS_A" 5
	t_eq "$(fh_hits a)" 5
}

@test "a rollback the kernel refuses too: exit 4 and what is left" {
	fa_hook a "$FN_A" PERMANENT
	echo 0 >/proc/sys/kernel/ftrace_enabled
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A" ]; enabled = false; };
  b = { filter = [ "fhook_no_such_fn" ]; enabled = false; };
};
EOF
	run --separate-stderr -4 "$APPLY" --json p.cfg
	t_eq "$stderr" "fhook-apply: $FH/b/commit: Invalid argument: filter glob 'fhook_no_such_fn' matches no traceable function
fhook-apply: $FH/a/commit: Device or resource busy: PERMANENT cannot be used while ftrace_enabled=0
fhook-apply: p.cfg:4: hook 'b' failed; rollback incomplete:
fhook-apply: not restored: a: flags: now (none), was PERMANENT"
	[[ $output == *'"status":"incomplete","exit":4,'* ]]
	[[ $output == *'"left":[{"hook":"a","missing":false,"extra":false,"unreadable":false,"attributes":["flags"]}]}' ]]
}

@test "--prune removes the hooks fhook-apply made and no others; --prune-all all" {
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A" ]; enabled = false; };
  b = { filter = [ "$FN_B" ]; enabled = false; };
};
EOF
	run -0 "$APPLY" p.cfg
	fa_hook hand "$FN_C" "" 1
	# the same profile without b: its tag is still fhook-apply:p
	profile p.cfg <<EOF
version = 1;
hooks = { a = { filter = [ "$FN_A" ]; enabled = false; }; };
EOF
	run -0 "$APPLY" p.cfg
	[ -d "$FH/b" ]
	run -0 "$APPLY" --prune p.cfg
	t_eq "$output" "b: removed
p.cfg: applied: 0 created, 0 changed, 1 removed, 1 up to date (1 writes)"
	[ ! -d "$FH/b" ] && [ -d "$FH/hand" ]
	run -0 "$APPLY" --prune p.cfg
	t_eq "$output" "p.cfg: nothing to do: 1 hooks up to date (0 writes)"
	run -0 "$APPLY" --prune-all p.cfg
	t_eq "$output" "hand: removed
p.cfg: applied: 0 created, 0 changed, 1 removed, 1 up to date (1 writes)"
	t_eq "$(ls "$FH")" "a
features
version"
}

@test "export, remove everything, apply the export: same hooks, and --diff is empty" {
	mkdir "$FH/x"
	echo "$FN_A $FN_B __do_sys_getp* !$FN_B" >"$FH/x/filter"
	echo "$FN_C" >"$FH/x/notrace"
	echo "RECURSION RCU" >"$FH/x/flags"
	echo 1 >"$FH/x/commit"
	echo 1 >"$FH/x/enabled"
	fa_hook y "$FN_C" SAVE_REGS_IF_SUPPORTED
	before=$(fa_live)
	"$APPLY" --export >e.cfg
	fh_cleanup
	run --separate-stderr -0 "$APPLY" e.cfg
	t_eq "$output" "x: created
y: created
e.cfg: applied: 2 created, 0 changed, 0 removed, 0 up to date (25 writes)"
	run --separate-stderr -0 "$APPLY" --diff e.cfg
	t_eq "$output" ""
	t_eq "$(fa_live)" "$before"
	# made by hand, they still have no owner
	t_eq "$(cat "$FH/x/tag")/$(cat "$FH/y/tag")" "/"
}

@test "concurrent appliers take turns: every run succeeds, no mixed state" {
	for p in 1 2; do
		fn=$([ $p = 1 ] && echo "$FN_A" || echo "$FN_B")
		profile p$p.cfg <<EOF
version = 1;
hooks = {
  c1 = { filter = [ "$fn" ]; enabled = false; };
  c2 = { filter = [ "$fn" ]; enabled = false; };
  c3 = { filter = [ "$fn" ]; enabled = false; };
};
EOF
	done
	for round in 1 2 3; do
		"$APPLY" p1.cfg >out1 2>&1 &
		one=$!
		"$APPLY" p2.cfg >out2 2>&1 &
		two=$!
		rc1=0 rc2=0
		wait "$one" || rc1=$?
		wait "$two" || rc2=$?
		t_eq "round $round: $rc1 $rc2" "round $round: 0 0" || {
			cat out1 out2 >&2
			return 1
		}
		# all three hooks are as one profile or the other says
		"$APPLY" --diff p1.cfg >/dev/null || run -0 "$APPLY" --diff p2.cfg
		fh_cleanup
	done
}

@test "while the lock is held, --lock-timeout 0 fails at once and touches nothing" {
	export FHOOK_APPLY_LOCK=$BATS_TEST_TMPDIR/lock
	profile p.cfg <<EOF
version = 1;
hooks = { a = { filter = [ "$FN_A" ]; enabled = false; }; };
EOF
	hold_lock "$FHOOK_APPLY_LOCK" 2
	run --separate-stderr -3 "$APPLY" --lock-timeout 0 p.cfg
	t_eq "$stderr" "fhook-apply: $FHOOK_APPLY_LOCK: held by another process; gave up after 0 s"
	[ ! -d "$FH/a" ]
	run -0 "$APPLY" --lock-timeout 30 p.cfg
	[ -d "$FH/a" ]
	wait "$LOCK_HOLDER"
}

@test "the --plan script, run by sh, does what apply would" {
	fa_hook b "$FN_A" "" 1
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A" ]; };
  b = { filter = [ "$FN_B" ]; flags = [ "RECURSION" ]; enabled = false; };
};
EOF
	"$APPLY" --plan p.cfg >plan.sh
	run -1 "$APPLY" --diff p.cfg
	run -0 sh plan.sh
	run -0 "$APPLY" --diff p.cfg
	t_eq "$output" ""
	run -0 "$APPLY" p.cfg
	t_eq "$output" "p.cfg: nothing to do: 2 hooks up to date (0 writes)"
}

@test "--only applies the named hook and leaves the rest" {
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A" ]; enabled = false; };
  b = { filter = [ "$FN_B" ]; enabled = false; };
};
EOF
	run -0 "$APPLY" --only b p.cfg
	t_eq "$(ls "$FH")" "b
features
version"
}

@test "an optional hook missing on this kernel is skipped with a warning" {
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ "$FN_A" ]; enabled = false; };
  o = {
    filter = [ "$FN_B", "fhook_renamed_fn" ];
    optional = true;
  };
};
EOF
	run --separate-stderr -0 "$APPLY" p.cfg
	t_eq "$stderr" "fhook-apply: p.cfg:5: warning: optional hook 'o' skipped: filter glob 'fhook_renamed_fn' matches no traceable function"
	t_eq "$output" "a: created
p.cfg: applied: 1 created, 0 changed, 0 removed, 0 up to date (13 writes)"
	[ ! -d "$FH/o" ]
}

@test "--status and fhook-stat show each hook with its functions and hits" {
	profile p.cfg <<EOF
version = 1;
hooks = { a = { filter = [ "$FN_A", "$FN_B" ]; }; };
EOF
	run -0 "$APPLY" p.cfg
	echo 1 >"$FH/a/reset"
	hammer "$SYS_A" 50
	row=$(printf '%-4s  %-7s  %-10s  %-6s  %-9s  %-4s  %-6s  %s' a yes 1 count 2 50 0 fhook-apply:p)
	run -0 "$APPLY" --status
	t_eq "$output" "HOOK  ENABLED  GENERATION  ACTION  FUNCTIONS  HITS  MISSED  TAG
$row

a: top functions
  HITS  FUNCTION
  50    $FN_A"
	run -0 "$TOP/utils/fhook-stat"
	t_eq "${lines[1]}" "$row"
	run -0 "$TOP/utils/fhook-stat" --prometheus
	grep -qx "fhook_hook_hits_total{hook=\"a\"} 50" <<<"$output"
	grep -qx "fhook_function_hits_total{hook=\"a\",function=\"$FN_A\"} 50" <<<"$output"
	run -0 "$TOP/utils/fhook-stat" --json
	python3 -c 'import json, sys
h = json.load(sys.stdin)["hooks"][0]
assert h["hits"] == 50 and h["functions"] == 2, h
assert h["top_functions"] == [{"function": "'"$FN_A"'", "module": None, "hits": 50}], h' <<<"$output"
}

@test "fhook-stat --watch shows rates per second while calls are made" {
	profile p.cfg <<EOF
version = 1;
hooks = { a = { filter = [ "$FN_A" ]; action = [ "count", "callers" ]; }; };
EOF
	run -0 "$APPLY" p.cfg
	"$TOOLS/fhook-hammer" "$SYS_A" - >/dev/null 3>&- &
	pid=$!
	run -0 "$TOP/utils/fhook-stat" --watch 0.5 --count 3 --json
	kill "$pid"
	wait "$pid" || true
	t_eq "${#lines[@]}" 3
	python3 -c 'import json, sys
frames = [json.loads(l) for l in sys.stdin]
last = frames[-1]["hooks"][0]
assert last["hits_per_sec"] > 0, last
assert last["top_functions"][0]["hits_per_sec"] > 0, last
assert last["top_callers"][0]["caller"].startswith("do_syscall_64+"), last' <<<"$output"
}
