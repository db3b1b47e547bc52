#!/usr/bin/env bats
# Applying to the fake tree: what is written, zero writes when nothing
# differs, the rollback of staged writes after a failure or a signal, and
# the lock.  (The fake never reacts to commit: tests/kernel/60-apply.bats
# covers the real module.)

load helpers

setup() {
	fa_setup
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = {
    filter  = [ "fa1", "fa2" ];
    flags   = [ "RECURSION" ];
  };
  b = {
    filter  = [ "fb" ];
    enabled = false;
  };
};
EOF
}

# The attributes a rollback restores, for every hook, as words.
attrs() {
	local h f

	for h in a b; do
		for f in filter notrace flags action args stack_depth target \
			 pids comm sample enabled tag; do
			printf '%s/%s: %s\n' "$h" "$f" "$(words "$ROOT/$h/$f")"
		done
	done
}

@test "apply writes every attribute that differs and reports per hook" {
	fake_hook a gen=1 filter=old enabled=0 tag=fhook-apply:p staged_filter=junk
	fake_hook b gen=1 filter=fb enabled=1
	run --separate-stderr -0 fa p.cfg
	fa_eq "$stderr" ""
	fa_eq "$output" "a: changed (filter, flags, enabled)
b: changed (enabled, tag)
p.cfg: applied: 0 created, 2 changed, 0 removed, 0 up to date (14 writes)"
	fa_eq "$(attrs)" "a/filter: fa1 fa2
a/notrace: 
a/flags: RECURSION
a/action: count
a/args: 0
a/stack_depth: 16
a/target: 
a/pids: 
a/comm: 
a/sample: 1
a/enabled: 1
a/tag: fhook-apply:p
b/filter: fb
b/notrace: 
b/flags: 
b/action: count
b/args: 0
b/stack_depth: 16
b/target: 
b/pids: 
b/comm: 
b/sample: 1
b/enabled: 0
b/tag: fhook-apply:p"
	fa_eq "$(cat "$ROOT/a/commit")" 1
	fa_eq "$(cat "$ROOT/b/commit")" ""
}

@test "nothing differs: zero writes, and it says so" {
	fake_hook a gen=5 filter="fa2 fa1" flags=RECURSION enabled=1 tag=fhook-apply:p \
		staged_filter=junk staged_flags=RCU
	fake_hook b gen=1 filter=fb tag=fhook-apply:p
	before=$(tree_state)
	sleep 0.01
	run --separate-stderr -0 fa p.cfg
	fa_eq "$output" "p.cfg: nothing to do: 2 hooks up to date (0 writes)"
	fa_eq "$stderr" ""
	fa_eq "$(tree_state)" "$before"
	run -0 fa --json p.cfg
	fa_eq "$output" "{\"profile\":\"p.cfg\",\"root\":\"$ROOT\",\"status\":\"unchanged\",\"exit\":0,\"writes\":0,\"summary\":{\"create\":0,\"update\":0,\"remove\":0,\"unchanged\":2},\"hooks\":[{\"hook\":\"a\",\"change\":\"none\",\"attributes\":[]},{\"hook\":\"b\",\"change\":\"none\",\"attributes\":[]}]}"
}

@test "a failed write rolls back every hook touched; exit 3 names path, errno and last_error" {
	fake_hook a gen=1 filter=old notrace=n flags=RCU enabled=1 tag=fhook-apply:p \
		staged_filter=junk
	fake_hook b gen=1 filter=x enabled=1
	rm "$ROOT/b/commit"
	mkdir "$ROOT/b/commit"
	before=$(attrs)
	run --separate-stderr -3 fa p.cfg
	fa_eq "$stderr" "fhook-apply: $ROOT/b/commit: Is a directory
fhook-apply: p.cfg:7: hook 'b' failed; restored as they were: b, a"
	fa_eq "$output" ""
	fa_eq "$(attrs)" "$before"
}

@test "the module's last_error is part of a refused write's message" {
	fake_hook a gen=1 filter=old tag=fhook-apply:p
	# a file whose writes fail with EINVAL, as a refused store does
	rm "$ROOT/a/action"
	ln -s /proc/self/oom_score_adj "$ROOT/a/action"
	echo "action: unknown action 'count'" >"$ROOT/a/last_error"
	run --separate-stderr -3 fa --only a p.cfg
	fa_eq "$stderr" "fhook-apply: $ROOT/a/action: Invalid argument: action: unknown action 'count'
fhook-apply: p.cfg:3: hook 'a' failed; restored as they were: a"
}

@test "--json after a failure: the error, what was rolled back, nothing left" {
	fake_hook a gen=1 filter=old tag=fhook-apply:p
	fake_hook b gen=1 filter=x tag=fhook-apply:p
	rm "$ROOT/b/commit"
	mkdir "$ROOT/b/commit"
	run --separate-stderr -3 fa --json p.cfg
	fa_eq "$stderr" "fhook-apply: $ROOT/b/commit: Is a directory
fhook-apply: p.cfg:7: hook 'b' failed; restored as they were: b, a"
	fa_eq "$output" "{\"profile\":\"p.cfg\",\"root\":\"$ROOT\",\"status\":\"rolled-back\",\"exit\":3,\"writes\":22,\"summary\":{\"create\":0,\"update\":2,\"remove\":0,\"unchanged\":0},\"hooks\":[{\"hook\":\"a\",\"change\":\"update\",\"attributes\":[\"filter\",\"flags\",\"enabled\"]},{\"hook\":\"b\",\"change\":\"update\",\"attributes\":[\"filter\"]}],\"error\":{\"hook\":\"b\",\"path\":\"$ROOT/b/commit\",\"errno\":21,\"errno_name\":\"EISDIR\",\"message\":\"Is a directory\",\"last_error\":null},\"rolled_back\":[\"b\",\"a\"],\"left\":[]}"
}

@test "a signal stops the run between two writes and rolls back" {
	fake_hook a gen=1 filter=old tag=fhook-apply:p
	fake_hook b gen=1 filter=x tag=fhook-apply:p
	# the write to a's commit blocks until the test reads it
	rm "$ROOT/a/commit"
	mkfifo "$ROOT/a/commit"
	before=$(attrs)
	"$APPLY" --root "$ROOT" p.cfg >out 2>err &
	pid=$!
	for _ in $(seq 200); do
		[ "$(cat "/proc/$pid/wchan")" = wait_for_partner ] && break
		sleep 0.05
	done
	fa_eq "$(cat "/proc/$pid/wchan")" wait_for_partner
	kill -TERM "$pid"
	fa_eq "$(timeout 10 cat "$ROOT/a/commit")" 1
	rc=0
	wait "$pid" || rc=$?
	fa_eq "$rc" 3
	fa_eq "$(cat err)" "fhook-apply: interrupted by a signal before $ROOT/a/enabled
fhook-apply: p.cfg:3: interrupted at hook 'a'; restored as they were: a"
	fa_eq "$(cat out)" ""
	fa_eq "$(attrs)" "$before"
}

@test "a hook someone else makes meanwhile is not removed by the rollback" {
	fake_hook a gen=1 filter=old tag=fhook-apply:p
	profile n.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "fa1" ]; };
  n = { filter = [ "fn" ]; };
};
EOF
	rm "$ROOT/a/commit"
	mkfifo "$ROOT/a/commit"
	before=$(words "$ROOT/a/filter")
	"$APPLY" --root "$ROOT" n.cfg >out 2>err &
	pid=$!
	for _ in $(seq 200); do
		[ "$(cat "/proc/$pid/wchan")" = wait_for_partner ] && break
		sleep 0.05
	done
	fake_hook n gen=1 filter=theirs
	timeout 10 cat "$ROOT/a/commit" >/dev/null
	rc=0
	wait "$pid" || rc=$?
	fa_eq "$rc" 3
	fa_eq "$(cat err)" "fhook-apply: mkdir $ROOT/n: File exists
fhook-apply: n.cfg:4: hook 'n' failed; restored as they were: a"
	fa_eq "$(words "$ROOT/n/filter")" theirs
	fa_eq "$(words "$ROOT/a/filter")" "$before"
}

@test "a held lock: fail at once with --lock-timeout 0, else wait for it" {
	fake_hook a gen=1 filter=old tag=fhook-apply:p
	before=$(tree_state)
	# Held until the test releases it, so the load on the machine cannot
	# end the wait before the waiting applier has said so.
	hold_lock "$FHOOK_APPLY_LOCK" 60
	run --separate-stderr -3 fa --lock-timeout 0 --only a p.cfg
	fa_eq "$stderr" "fhook-apply: $FHOOK_APPLY_LOCK: held by another process; gave up after 0 s"
	fa_eq "$(tree_state)" "$before"
	fa --lock-timeout 50 --only a p.cfg >out 2>err &
	waiter=$!
	for _ in $(seq 500); do
		[ -s err ] && break
		sleep 0.02
	done
	fa_eq "$(words "$ROOT/a/filter")" "old"
	# flock(1) leaves the lock to its child: end both.
	pkill -P "$LOCK_HOLDER"
	wait "$LOCK_HOLDER" || true
	rc=0
	wait "$waiter" || rc=$?
	[ "$rc" -eq 0 ]
	fa_eq "$(cat err)" "fhook-apply: waiting for $FHOOK_APPLY_LOCK, held by another process"
	fa_eq "$(words "$ROOT/a/filter")" "fa1 fa2"
}

@test "a second applier waits for the first, and names it when it gives up" {
	fake_hook a gen=1 filter=old tag=fhook-apply:p
	rm "$ROOT/a/commit"
	mkfifo "$ROOT/a/commit"
	"$APPLY" --root "$ROOT" --only a p.cfg >out 2>err &
	first=$!
	for _ in $(seq 200); do
		[ "$(cat "/proc/$first/wchan")" = wait_for_partner ] && break
		sleep 0.05
	done
	run --separate-stderr -3 fa --lock-timeout 1 --only a p.cfg
	fa_eq "$stderr" "fhook-apply: waiting for $FHOOK_APPLY_LOCK, held by fhook-apply pid $first
fhook-apply: $FHOOK_APPLY_LOCK: held by fhook-apply pid $first; gave up after 1 s"
	fa_eq "$(timeout 10 cat "$ROOT/a/commit")" 1
	wait "$first"
	fa_eq "$(tail -n 1 out)" "p.cfg: applied: 0 created, 1 changed, 0 removed, 0 up to date (12 writes)"
}

@test "the lock file records the applier's pid; --lock overrides the environment" {
	fake_hook a gen=1 filter=old tag=fhook-apply:p
	run -0 fa --lock "$BATS_TEST_TMPDIR/other.lock" --only a p.cfg
	[ -s "$BATS_TEST_TMPDIR/other.lock" ]
	[ ! -e "$FHOOK_APPLY_LOCK" ]
	[[ $(cat "$BATS_TEST_TMPDIR/other.lock") =~ ^[0-9]+$ ]]
}

@test "the new attributes are written before the commit" {
	profile n.cfg <<'EOF2'
version = 1;
hooks = {
  a = {
    filter = [ "fa1" ];
    action = [ "stack", "callers" ];
    args = 4;
    stack_depth = 32;
    pids = 1;
    comm = [ "ng*", "bash" ];
    sample = 7;
  };
};
EOF2
	fake_hook a gen=1 filter=fa1 tag=fhook-apply:n staged_target=junk
	run --separate-stderr -0 fa n.cfg
	fa_eq "$stderr" ""
	fa_eq "$output" "a: changed (action, args, stack_depth, pids, comm, sample, enabled)
n.cfg: applied: 0 created, 1 changed, 0 removed, 0 up to date (12 writes)"
	fa_eq "$(attrs | grep ^a/)" "a/filter: fa1
a/notrace: 
a/flags: 
a/action: stack callers
a/args: 4
a/stack_depth: 32
a/target: 
a/pids: 1
a/comm: bash ng*
a/sample: 7
a/enabled: 1
a/tag: fhook-apply:n"
	fa_eq "$(cat "$ROOT/a/commit")" 1
}

@test "a rollback restores the new staged attributes as they were" {
	fake_hook a gen=1 filter=old action=log args=2 stack_depth=8 pids="5 6" \
		comm=bash sample=9 enabled=1 tag=fhook-apply:p staged_args=5 \
		staged_stack_depth=3 staged_target=junk staged_pids=77 \
		staged_comm="x y" staged_sample=4
	fake_hook b gen=1 filter=x enabled=1 tag=fhook-apply:p
	rm "$ROOT/b/commit"
	mkdir "$ROOT/b/commit"
	before=$(attrs)
	run --separate-stderr -3 fa p.cfg
	fa_eq "$stderr" "fhook-apply: $ROOT/b/commit: Is a directory
fhook-apply: p.cfg:7: hook 'b' failed; restored as they were: b, a"
	fa_eq "$(attrs)" "$before"
	fa_eq "$(words "$ROOT/a/target")" junk
	fa_eq "$(words "$ROOT/a/comm")" "x y"
}
