#!/usr/bin/env bats
# --diff: hook by hook, attribute by attribute, against the live
# configuration; exit 0 for none, 1 for differences, 2 and up for errors.

load helpers

setup() {
	fa_setup
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  sched = {
    filter  = [ "schedule", "try_to_wake_up" ];
    flags   = [ "RECURSION" ];
  };

  quiet = {
    filter  = [ "vfs_read" ];
    enabled = false;
  };
};
EOF
}

@test "no differences: no output, exit 0; staged values do not count" {
	fake_hook sched gen=3 filter="schedule try_to_wake_up" flags=RECURSION \
		enabled=1 tag=fhook-apply:p staged_filter=other staged_action=count
	fake_hook quiet gen=1 filter=vfs_read tag=fhook-apply:p staged_flags=RCU
	run --separate-stderr -0 fa --diff p.cfg
	fa_eq "$output" ""
	fa_eq "$stderr" ""
}

@test "each differing attribute, as kernel -> profile" {
	fake_hook sched gen=3 filter="schedule" notrace="x y" flags="RECURSION RCU" \
		enabled=0 tag=""
	fake_hook quiet gen=1 filter=vfs_read tag=fhook-apply:p
	run -1 fa --diff p.cfg
	fa_eq "$output" "~ sched (p.cfg:3)
    filter: schedule -> schedule try_to_wake_up
    notrace: x y -> (none)
    flags: RECURSION RCU -> RECURSION
    enabled: 0 -> 1
    tag: (none) -> fhook-apply:p"
}

@test "missing hooks with every attribute; extra hooks only with --prune" {
	fake_hook sched gen=3 filter="schedule try_to_wake_up" flags=RECURSION \
		enabled=1 tag=fhook-apply:p
	fake_hook gone gen=1 filter=x tag=fhook-apply:p
	fake_hook byhand gen=1 filter=x
	run -1 fa --diff p.cfg
	fa_eq "$output" "+ quiet (p.cfg:8)
    filter: vfs_read
    notrace: (none)
    flags: (none)
    action: count
    args: 0
    stack_depth: 16
    target: (none)
    pids: (none)
    comm: (none)
    sample: 1
    enabled: 0
    tag: fhook-apply:p"
	run -1 fa --diff --prune p.cfg
	fa_eq "${lines[13]}" "- gone (not in profile, tag fhook-apply:p)"
	fa_eq "${#lines[@]}" 14
	run -1 fa --diff --prune-all p.cfg
	fa_eq "$output" "+ quiet (p.cfg:8)
    filter: vfs_read
    notrace: (none)
    flags: (none)
    action: count
    args: 0
    stack_depth: 16
    target: (none)
    pids: (none)
    comm: (none)
    sample: 1
    enabled: 0
    tag: fhook-apply:p
- byhand (not in profile, tag (none))
- gone (not in profile, tag fhook-apply:p)"
}

@test "a hook never committed differs in what it would get" {
	fake_hook quiet gen=0 tag=fhook-apply:p
	run -1 fa --diff --only quiet p.cfg
	fa_eq "$output" "~ quiet (p.cfg:8)
    filter: (none) -> vfs_read
    action: (none) -> count"
}

@test "errors exit above 1: invalid profile 2, no kernel state 3" {
	profile bad.cfg <<'EOF'
version = 1;
hooks = { a = { filter = [ "x" ]; bogus = 1; }; };
EOF
	run --separate-stderr -2 fa --diff bad.cfg
	fa_eq "$stderr" "fhook-apply: bad.cfg:2: unknown key 'bogus'
fhook-apply: bad.cfg: 1 error, nothing applied"
	run --separate-stderr -3 "$APPLY" --root "$BATS_TEST_TMPDIR/none" --diff p.cfg
	fa_eq "$stderr" "fhook-apply: $BATS_TEST_TMPDIR/none: No such file or directory (is fhook loaded? try modprobe fhook)"
	fake_hook sched gen=1 filter=x
	rm "$ROOT/sched/live"
	run --separate-stderr -3 fa --diff p.cfg
	fa_eq "$stderr" "fhook-apply: $ROOT/sched/live: No such file or directory"
}

@test "--diff --json: attributes with kernel and profile values" {
	fake_hook sched gen=3 filter="schedule" flags=RECURSION enabled=0 \
		tag=fhook-apply:p
	fake_hook gone gen=1 filter=x tag=fhook-apply:p
	run -1 fa --diff --json --prune p.cfg
	fa_eq "$output" "{\"profile\":\"p.cfg\",\"root\":\"$ROOT\",\"differences\":[{\"hook\":\"sched\",\"change\":\"update\",\"where\":\"p.cfg:3\",\"attributes\":[{\"name\":\"filter\",\"kernel\":[\"schedule\"],\"profile\":[\"schedule\",\"try_to_wake_up\"]},{\"name\":\"enabled\",\"kernel\":false,\"profile\":true}]},{\"hook\":\"quiet\",\"change\":\"create\",\"where\":\"p.cfg:8\",\"attributes\":[{\"name\":\"filter\",\"kernel\":null,\"profile\":[\"vfs_read\"]},{\"name\":\"notrace\",\"kernel\":null,\"profile\":[]},{\"name\":\"flags\",\"kernel\":null,\"profile\":[]},{\"name\":\"action\",\"kernel\":null,\"profile\":[\"count\"]},{\"name\":\"args\",\"kernel\":null,\"profile\":0},{\"name\":\"stack_depth\",\"kernel\":null,\"profile\":16},{\"name\":\"target\",\"kernel\":null,\"profile\":\"\"},{\"name\":\"pids\",\"kernel\":null,\"profile\":[]},{\"name\":\"comm\",\"kernel\":null,\"profile\":[]},{\"name\":\"sample\",\"kernel\":null,\"profile\":1},{\"name\":\"enabled\",\"kernel\":null,\"profile\":false},{\"name\":\"tag\",\"kernel\":null,\"profile\":\"fhook-apply:p\"}]},{\"hook\":\"gone\",\"change\":\"remove\",\"where\":null,\"attributes\":[]}]}"
	fake_hook quiet gen=1 filter=vfs_read tag=fhook-apply:p
	fake_hook sched gen=3 filter="schedule try_to_wake_up" flags=RECURSION \
		enabled=1 tag=fhook-apply:p
	run -0 fa --diff --json p.cfg
	fa_eq "$output" "{\"profile\":\"p.cfg\",\"root\":\"$ROOT\",\"differences\":[]}"
}

@test "the new attributes differ one by one, text and JSON" {
	profile n.cfg <<'EOF2'
version = 1;
hooks = {
  h = {
    filter = [ "f" ];
    flags = [ "IPMODIFY" ];
    action = [ "log", "redirect" ];
    args = 2;
    stack_depth = 4;
    target = "g";
    pids = [ 7, 1 ];
    comm = "bash";
    sample = 3;
  };
};
EOF2
	fake_hook h gen=1 filter=f flags=IPMODIFY action="log redirect" args=6 \
		stack_depth=16 target=old pids=1 comm="bash zsh" sample=1 \
		enabled=1 tag=fhook-apply:n
	run -1 fa --diff n.cfg
	fa_eq "$output" "~ h (n.cfg:3)
    args: 6 -> 2
    stack_depth: 16 -> 4
    target: old -> g
    pids: 1 -> 1 7
    comm: bash zsh -> bash
    sample: 1 -> 3"
	run -1 fa --diff --json n.cfg
	fa_eq "$output" "{\"profile\":\"n.cfg\",\"root\":\"$ROOT\",\"differences\":[{\"hook\":\"h\",\"change\":\"update\",\"where\":\"n.cfg:3\",\"attributes\":[{\"name\":\"args\",\"kernel\":6,\"profile\":2},{\"name\":\"stack_depth\",\"kernel\":16,\"profile\":4},{\"name\":\"target\",\"kernel\":\"old\",\"profile\":\"g\"},{\"name\":\"pids\",\"kernel\":[1],\"profile\":[1,7]},{\"name\":\"comm\",\"kernel\":[\"bash\",\"zsh\"],\"profile\":[\"bash\"]},{\"name\":\"sample\",\"kernel\":1,\"profile\":3}]}]}"
	fake_hook h gen=1 filter=f flags=IPMODIFY action="log redirect" args=2 \
		stack_depth=4 target=g pids="7 1" comm=bash sample=3 enabled=1 \
		tag=fhook-apply:n staged_args=0 staged_target= staged_comm=x
	run -0 fa --diff n.cfg
	fa_eq "$output" ""
}

@test "a live file without the new lines reads as the mkdir defaults" {
	fake_hook quiet gen=1 filter=vfs_read tag=fhook-apply:p
	sed -i '/^\(args\|stack_depth\|target\|pids\|comm\|sample\|functions\):/d' \
		"$ROOT/quiet/live"
	run -0 fa --diff --only quiet p.cfg
	fa_eq "$output" ""
}
