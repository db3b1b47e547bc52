#!/usr/bin/env bats
# --plan: the exact, ordered configfs operations apply would do, as a
# runnable script (and as JSON); identical hooks get none.

load helpers

setup() {
	fa_setup
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  sched = {
    filter  = [ "try_to_wake_up", "schedule" ];
    flags   = [ "RECURSION" ];
  };
  quiet = {
    filter  = [ "vfs_read" ];
    notrace = [ "vfs_readv" ];
    enabled = false;
  };
};
EOF
}

@test "missing hooks: mkdir, tag first, every staged attribute, commit, enable" {
	run -0 fa --plan p.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan p.cfg against $ROOT
# 2 to create, 0 to change, 0 to remove, 0 unchanged
set -e
# sched: create
mkdir $ROOT/sched
printf '%s\n' 'fhook-apply:p' > $ROOT/sched/tag
printf '%s\n' 'schedule try_to_wake_up' > $ROOT/sched/filter
printf '%s\n' '' > $ROOT/sched/notrace
printf '%s\n' 'RECURSION' > $ROOT/sched/flags
printf '%s\n' 'count' > $ROOT/sched/action
printf '%s\n' '0' > $ROOT/sched/args
printf '%s\n' '16' > $ROOT/sched/stack_depth
printf '%s\n' '' > $ROOT/sched/target
printf '%s\n' '' > $ROOT/sched/pids
printf '%s\n' '' > $ROOT/sched/comm
printf '%s\n' '1' > $ROOT/sched/sample
printf '%s\n' '1' > $ROOT/sched/commit
printf '%s\n' '1' > $ROOT/sched/enabled
# quiet: create
mkdir $ROOT/quiet
printf '%s\n' 'fhook-apply:p' > $ROOT/quiet/tag
printf '%s\n' 'vfs_read' > $ROOT/quiet/filter
printf '%s\n' 'vfs_readv' > $ROOT/quiet/notrace
printf '%s\n' '' > $ROOT/quiet/flags
printf '%s\n' 'count' > $ROOT/quiet/action
printf '%s\n' '0' > $ROOT/quiet/args
printf '%s\n' '16' > $ROOT/quiet/stack_depth
printf '%s\n' '' > $ROOT/quiet/target
printf '%s\n' '' > $ROOT/quiet/pids
printf '%s\n' '' > $ROOT/quiet/comm
printf '%s\n' '1' > $ROOT/quiet/sample
printf '%s\n' '1' > $ROOT/quiet/commit"
}

@test "identical hooks: nothing to do, whatever is staged" {
	fake_hook sched gen=4 filter="schedule try_to_wake_up" flags=RECURSION \
		enabled=1 tag=fhook-apply:p staged_filter="half edited" staged_flags=RCU
	fake_hook quiet gen=1 filter=vfs_read notrace=vfs_readv tag=fhook-apply:p
	run -0 fa --plan p.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan p.cfg against $ROOT
# 0 to create, 0 to change, 0 to remove, 2 unchanged
set -e
# nothing to do"
}

@test "a changed configuration: disable before the commit, enable after it" {
	fake_hook sched gen=2 filter=schedule flags=RECURSION enabled=0 \
		tag=fhook-apply:p
	fake_hook quiet gen=1 filter=vfs_write notrace=vfs_readv enabled=1 \
		tag=fhook-apply:p
	run -0 fa --plan p.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan p.cfg against $ROOT
# 0 to create, 2 to change, 0 to remove, 0 unchanged
set -e
# sched: update (filter, enabled)
printf '%s\n' 'schedule try_to_wake_up' > $ROOT/sched/filter
printf '%s\n' '' > $ROOT/sched/notrace
printf '%s\n' 'RECURSION' > $ROOT/sched/flags
printf '%s\n' 'count' > $ROOT/sched/action
printf '%s\n' '0' > $ROOT/sched/args
printf '%s\n' '16' > $ROOT/sched/stack_depth
printf '%s\n' '' > $ROOT/sched/target
printf '%s\n' '' > $ROOT/sched/pids
printf '%s\n' '' > $ROOT/sched/comm
printf '%s\n' '1' > $ROOT/sched/sample
printf '%s\n' '1' > $ROOT/sched/commit
printf '%s\n' '1' > $ROOT/sched/enabled
# quiet: update (filter, enabled)
printf '%s\n' '0' > $ROOT/quiet/enabled
printf '%s\n' 'vfs_read' > $ROOT/quiet/filter
printf '%s\n' 'vfs_readv' > $ROOT/quiet/notrace
printf '%s\n' '' > $ROOT/quiet/flags
printf '%s\n' 'count' > $ROOT/quiet/action
printf '%s\n' '0' > $ROOT/quiet/args
printf '%s\n' '16' > $ROOT/quiet/stack_depth
printf '%s\n' '' > $ROOT/quiet/target
printf '%s\n' '' > $ROOT/quiet/pids
printf '%s\n' '' > $ROOT/quiet/comm
printf '%s\n' '1' > $ROOT/quiet/sample
printf '%s\n' '1' > $ROOT/quiet/commit"
}

@test "an enabled hook whose configuration changes is re-committed while enabled" {
	fake_hook sched gen=2 filter=schedule flags=RECURSION enabled=1 \
		tag=fhook-apply:p
	run -0 fa --plan --only sched p.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan p.cfg against $ROOT
# 0 to create, 1 to change, 0 to remove, 0 unchanged
set -e
# sched: update (filter)
printf '%s\n' 'schedule try_to_wake_up' > $ROOT/sched/filter
printf '%s\n' '' > $ROOT/sched/notrace
printf '%s\n' 'RECURSION' > $ROOT/sched/flags
printf '%s\n' 'count' > $ROOT/sched/action
printf '%s\n' '0' > $ROOT/sched/args
printf '%s\n' '16' > $ROOT/sched/stack_depth
printf '%s\n' '' > $ROOT/sched/target
printf '%s\n' '' > $ROOT/sched/pids
printf '%s\n' '' > $ROOT/sched/comm
printf '%s\n' '1' > $ROOT/sched/sample
printf '%s\n' '1' > $ROOT/sched/commit"
}

@test "only the enabled state or the tag differs: no commit" {
	fake_hook sched gen=2 filter="schedule try_to_wake_up" flags=RECURSION \
		enabled=0 tag=fhook-apply:p
	fake_hook quiet gen=1 filter=vfs_read notrace=vfs_readv enabled=0
	run -0 fa --plan p.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan p.cfg against $ROOT
# 0 to create, 2 to change, 0 to remove, 0 unchanged
set -e
# sched: update (enabled)
printf '%s\n' '1' > $ROOT/sched/enabled
# quiet: update (tag)
printf '%s\n' 'fhook-apply:p' > $ROOT/quiet/tag"
}

@test "a hook never committed is committed" {
	fake_hook quiet gen=0 tag=fhook-apply:p
	run -0 fa --plan --only quiet p.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan p.cfg against $ROOT
# 0 to create, 1 to change, 0 to remove, 0 unchanged
set -e
# quiet: update (filter, notrace, action)
printf '%s\n' 'vfs_read' > $ROOT/quiet/filter
printf '%s\n' 'vfs_readv' > $ROOT/quiet/notrace
printf '%s\n' '' > $ROOT/quiet/flags
printf '%s\n' 'count' > $ROOT/quiet/action
printf '%s\n' '0' > $ROOT/quiet/args
printf '%s\n' '16' > $ROOT/quiet/stack_depth
printf '%s\n' '' > $ROOT/quiet/target
printf '%s\n' '' > $ROOT/quiet/pids
printf '%s\n' '' > $ROOT/quiet/comm
printf '%s\n' '1' > $ROOT/quiet/sample
printf '%s\n' '1' > $ROOT/quiet/commit"
}

@test "--prune removes hooks fhook-apply made, last; --prune-all also hand-made ones" {
	fake_hook sched gen=4 filter="schedule try_to_wake_up" flags=RECURSION \
		enabled=1 tag=fhook-apply:p
	fake_hook quiet gen=1 filter=vfs_read notrace=vfs_readv tag=fhook-apply:p
	fake_hook gone gen=1 filter=x enabled=1 tag=fhook-apply:p
	fake_hook byhand gen=1 filter=y
	fake_hook other gen=1 filter=y tag=someone-else
	run -0 fa --plan p.cfg
	fa_eq "${lines[4]}" "# nothing to do"
	run -0 fa --plan --prune p.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan p.cfg against $ROOT
# 0 to create, 0 to change, 1 to remove, 2 unchanged
set -e
# gone: remove
rmdir $ROOT/gone"
	run -0 fa --plan --prune-all p.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan p.cfg against $ROOT
# 0 to create, 0 to change, 3 to remove, 2 unchanged
set -e
# byhand: remove
rmdir $ROOT/byhand
# gone: remove
rmdir $ROOT/gone
# other: remove
rmdir $ROOT/other"
}

@test "a profile's own tag: written on its hooks, and what --prune looks for" {
	profile t.cfg <<'EOF'
version = 1;
tag = "team-a";
hooks = { mine = { filter = [ "x" ]; enabled = false; }; };
EOF
	fake_hook mine gen=1 filter=x tag=fhook-apply
	fake_hook old gen=1 filter=x tag=team-a
	fake_hook theirs gen=1 filter=x tag=fhook-apply
	run -0 fa --plan --prune t.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan t.cfg against $ROOT
# 0 to create, 1 to change, 1 to remove, 0 unchanged
set -e
# mine: update (tag)
printf '%s\n' 'team-a' > $ROOT/mine/tag
# old: remove
rmdir $ROOT/old"
}

@test "--only plans the named hooks and nothing else" {
	run -0 fa --plan --only quiet p.cfg
	fa_eq "${lines[2]}" "# 1 to create, 0 to change, 0 to remove, 0 unchanged"
	fa_eq "${lines[5]}" "mkdir $ROOT/quiet"
	run -0 fa --plan --only quiet --only sched p.cfg
	fa_eq "${lines[2]}" "# 2 to create, 0 to change, 0 to remove, 0 unchanged"
}

@test "--plan touches nothing" {
	fake_hook sched gen=2 filter=schedule enabled=1 tag=fhook-apply:p
	fake_hook gone gen=1 filter=x tag=fhook-apply:p
	before=$(tree_state)
	run -0 fa --plan --prune p.cfg
	fa_eq "$(tree_state)" "$before"
}

@test "the plan script does what apply does" {
	fake_hook sched gen=2 filter=schedule enabled=1 tag=fhook-apply:p \
		staged_notrace=junk
	fake_hook quiet gen=1 filter=vfs_write enabled=1
	cp -a "$ROOT" "$BATS_TEST_TMPDIR/copy"
	fa --plan p.cfg >plan.sh
	run -0 sh plan.sh
	run -0 "$APPLY" --root "$BATS_TEST_TMPDIR/copy" p.cfg
	for f in sched/filter sched/notrace sched/flags sched/action sched/commit \
		 sched/enabled sched/tag quiet/filter quiet/notrace quiet/flags \
		 quiet/action quiet/commit quiet/enabled quiet/tag; do
		fa_eq "$(words "$BATS_TEST_TMPDIR/copy/$f")" "$(words "$ROOT/$f")"
	done
	fa_eq "$(cat "$ROOT/quiet/enabled")" 0
	fa_eq "$(cat "$ROOT/sched/commit")" 1
}

@test "values reach the attributes exactly as the shell script writes them" {
	profile t.cfg <<'EOF'
version = 1;
tag = "-n\\c'x";
hooks = { h = { filter = [ "x" ]; enabled = false; }; };
EOF
	fake_hook h gen=1 filter=x
	fa --plan t.cfg >plan.sh
	fa_eq "$(sed -n 6p plan.sh)" "printf '%s\n' '-n\c'\\''x' > $ROOT/h/tag"
	run -0 sh plan.sh
	fa_eq "$(cat "$ROOT/h/tag")" "-n\c'x"
}

@test "paths that need quoting are quoted" {
	ROOT="$BATS_TEST_TMPDIR/fake root"
	mkdir -p "$ROOT"
	run -0 fa --plan --only quiet p.cfg
	fa_eq "${lines[5]}" "mkdir '$ROOT/quiet'"
	fa_eq "${lines[6]}" "printf '%s\n' 'fhook-apply:p' > '$ROOT/quiet/tag'"
}

@test "--plan --json lists the same operations" {
	fake_hook sched gen=2 filter="schedule try_to_wake_up" flags=RECURSION \
		enabled=0 tag=fhook-apply:p
	fake_hook gone gen=1 filter=x tag=fhook-apply:p
	run -0 fa --plan --json --prune p.cfg
	fa_eq "$output" "{\"profile\":\"p.cfg\",\"root\":\"$ROOT\",\"summary\":{\"create\":1,\"update\":1,\"remove\":1,\"unchanged\":0},\"operations\":[{\"hook\":\"sched\",\"op\":\"write\",\"path\":\"$ROOT/sched/enabled\",\"value\":\"1\"},{\"hook\":\"quiet\",\"op\":\"mkdir\",\"path\":\"$ROOT/quiet\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/tag\",\"value\":\"fhook-apply:p\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/filter\",\"value\":\"vfs_read\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/notrace\",\"value\":\"vfs_readv\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/flags\",\"value\":\"\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/action\",\"value\":\"count\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/args\",\"value\":\"0\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/stack_depth\",\"value\":\"16\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/target\",\"value\":\"\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/pids\",\"value\":\"\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/comm\",\"value\":\"\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/sample\",\"value\":\"1\"},{\"hook\":\"quiet\",\"op\":\"write\",\"path\":\"$ROOT/quiet/commit\",\"value\":\"1\"},{\"hook\":\"gone\",\"op\":\"rmdir\",\"path\":\"$ROOT/gone\"}]}"
}

@test "a change to args, stack_depth, target, pids, comm or sample is committed" {
	profile n.cfg <<'EOF2'
version = 1;
hooks = {
  opens = {
    filter = [ "do_sys_openat2" ];
    action = [ "log", "stack" ];
    args = 3;
    stack_depth = 8;
    pids = [ 977, 412 ];
    comm = [ "nginx*", "bash" ];
    sample = 100;
  };
  swap = {
    filter = [ "f" ];
    flags = [ "IPMODIFY" ];
    action = "redirect";
    target = "my_f";
    enabled = false;
  };
};
EOF2
	fake_hook opens gen=2 filter=do_sys_openat2 action="log stack" args=3 \
		stack_depth=16 pids="412 977" comm="bash" sample=100 enabled=1 \
		tag=fhook-apply:n
	fake_hook swap gen=1 filter=f flags=IPMODIFY action=redirect target=old_f \
		tag=fhook-apply:n staged_target=junk
	run -0 fa --plan n.cfg
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan n.cfg against $ROOT
# 0 to create, 2 to change, 0 to remove, 0 unchanged
set -e
# opens: update (stack_depth, comm)
printf '%s\n' 'do_sys_openat2' > $ROOT/opens/filter
printf '%s\n' '' > $ROOT/opens/notrace
printf '%s\n' '' > $ROOT/opens/flags
printf '%s\n' 'log stack' > $ROOT/opens/action
printf '%s\n' '3' > $ROOT/opens/args
printf '%s\n' '8' > $ROOT/opens/stack_depth
printf '%s\n' '' > $ROOT/opens/target
printf '%s\n' '412 977' > $ROOT/opens/pids
printf '%s\n' 'bash nginx*' > $ROOT/opens/comm
printf '%s\n' '100' > $ROOT/opens/sample
printf '%s\n' '1' > $ROOT/opens/commit
# swap: update (target)
printf '%s\n' 'f' > $ROOT/swap/filter
printf '%s\n' '' > $ROOT/swap/notrace
printf '%s\n' 'IPMODIFY' > $ROOT/swap/flags
printf '%s\n' 'redirect' > $ROOT/swap/action
printf '%s\n' '0' > $ROOT/swap/args
printf '%s\n' '16' > $ROOT/swap/stack_depth
printf '%s\n' 'my_f' > $ROOT/swap/target
printf '%s\n' '' > $ROOT/swap/pids
printf '%s\n' '' > $ROOT/swap/comm
printf '%s\n' '1' > $ROOT/swap/sample
printf '%s\n' '1' > $ROOT/swap/commit"
	for kv in args=2 "pids=412" sample=1 stack_depth=8 "comm=bash nginx*"; do
		fake_hook opens gen=2 filter=do_sys_openat2 action="log stack" \
			args=3 stack_depth=8 pids="412 977" comm="bash nginx*" \
			sample=100 enabled=1 tag=fhook-apply:n "$kv"
		run -0 fa --plan --only opens n.cfg
		if [ "$kv" = stack_depth=8 ] || [ "$kv" = "comm=bash nginx*" ]; then
			fa_eq "${lines[4]}" "# nothing to do"
		else
			fa_eq "${lines[4]}" "# opens: update (${kv%%=*})"
			fa_eq "${lines[-1]}" "printf '%s\n' '1' > $ROOT/opens/commit"
		fi
	done
}
