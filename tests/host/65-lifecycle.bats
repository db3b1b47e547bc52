#!/usr/bin/env bats
# A profile's hooks over their life: the owner tag each profile gives them
# by default, --prune of one profile beside another, --delete and --flush
# (planned here; tests/kernel/62-lifecycle.bats removes hooks for real),
# and what applying says when the module is not loaded.

load helpers

setup() {
	fa_setup
	profile sched.cfg <<'EOF2'
version = 1;
hooks = { s1 = { filter = [ "schedule" ]; }; s2 = { filter = [ "x" ]; }; };
EOF2
	profile vfs.cfg <<'EOF2'
version = 1;
hooks = { v1 = { filter = [ "vfs_read" ]; }; };
EOF2
}

@test "the default tag is fhook-apply: and the profile's file name" {
	mkdir -p dir
	cp sched.cfg "dir/my sched.v2.cfg"
	run -0 fa --plan --only s1 "dir/my sched.v2.cfg"
	fa_eq "${lines[6]}" "printf '%s\n' 'fhook-apply:my_sched.v2' > $ROOT/s1/tag"
	run -0 fa --plan --only s1 - <sched.cfg
	fa_eq "${lines[6]}" "printf '%s\n' 'fhook-apply:stdin' > $ROOT/s1/tag"
	# cut to the module's tag limit, 64 bytes
	long=$(printf 'n%.0s' $(seq 80))
	cp sched.cfg "$long.cfg"
	run -0 fa --plan --only s1 "$long.cfg"
	tag="fhook-apply:$long"
	fa_eq "${lines[6]}" "printf '%s\n' '${tag:0:64}' > $ROOT/s1/tag"
	# a top-level tag still wins
	sed -i 's/^version = 1;/&\ntag = "team";/' sched.cfg
	run -0 fa --plan --only s1 sched.cfg
	fa_eq "${lines[6]}" "printf '%s\n' 'team' > $ROOT/s1/tag"
}

@test "--prune of one profile leaves another profile's hooks" {
	fake_hook s1 gen=1 filter=schedule enabled=1 tag=fhook-apply:sched
	fake_hook old gen=1 filter=y enabled=1 tag=fhook-apply:sched
	fake_hook v1 gen=1 filter=vfs_read enabled=1 tag=fhook-apply:vfs
	fake_hook hand gen=1 filter=z enabled=1
	run -0 fa --diff --prune vfs.cfg
	fa_eq "$output" ""
	run -1 fa --diff --prune sched.cfg
	fa_eq "$(grep '^[-+~]' <<<"$output")" "+ s2 (sched.cfg:2)
- old (not in profile, tag fhook-apply:sched)"
	run -1 fa --diff --prune-all sched.cfg
	fa_eq "$(grep '^-' <<<"$output")" "- hand (not in profile, tag (none))
- old (not in profile, tag fhook-apply:sched)
- v1 (not in profile, tag fhook-apply:vfs)"
}

@test "--delete removes the profile's hooks that carry its tag, and only those" {
	fake_hook s1 gen=1 filter=schedule enabled=1 tag=fhook-apply:sched
	fake_hook s2 gen=1 filter=x tag=fhook-apply:other
	fake_hook v1 gen=1 filter=vfs_read enabled=1 tag=fhook-apply:sched
	before=$(tree_state)
	run --separate-stderr -0 fa --plan --delete sched.cfg
	fa_eq "$stderr" "fhook-apply: warning: hook 's2' not deleted: its tag is 'fhook-apply:other', not 'fhook-apply:sched'"
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan sched.cfg against $ROOT
# 0 to create, 0 to change, 1 to remove, 0 unchanged
set -e
# s1: remove
rmdir $ROOT/s1"
	run --separate-stderr -0 fa --plan --delete --json --only s2 sched.cfg
	fa_eq "$output" "{\"profile\":\"sched.cfg\",\"root\":\"$ROOT\",\"summary\":{\"create\":0,\"update\":0,\"remove\":0,\"unchanged\":0},\"operations\":[]}"
	fa_eq "$(tree_state)" "$before"
}

@test "--delete with nothing to delete writes nothing; a failure changes nothing" {
	run --separate-stderr -0 fa --delete sched.cfg
	fa_eq "$output" "sched.cfg: nothing to do: 0 hooks up to date (0 writes)"
	fake_hook s1 gen=1 filter=schedule enabled=1 tag=fhook-apply:sched
	before=$(tree_state)
	# the fake root's directories hold files: rmdir fails, as a refusal
	run --separate-stderr -3 fa --delete --json sched.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: rmdir $ROOT/s1: Directory not empty"
	[[ $output == *'"status":"rolled-back","exit":3,"writes":0,"summary":{"create":0,"update":0,"remove":1,"unchanged":0}'* ]]
	fa_eq "$(tree_state)" "$before"
}

@test "--flush removes every hook, whatever its tag" {
	fake_hook a gen=1 filter=x tag=fhook-apply:sched
	fake_hook b gen=0
	fake_hook c gen=1 filter=x enabled=1 tag=team
	run -0 fa --plan --flush
	fa_eq "$output" "#!/bin/sh
# fhook-apply --plan --flush against $ROOT
# 0 to create, 0 to change, 3 to remove, 0 unchanged
set -e
# a: remove
rmdir $ROOT/a
# b: remove
rmdir $ROOT/b
# c: remove
rmdir $ROOT/c"
}

@test "--delete and --flush: usage errors" {
	run --separate-stderr -2 fa --flush sched.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --flush takes no PROFILE"
	run --separate-stderr -2 fa --delete
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: no PROFILE given"
	run --separate-stderr -2 fa --delete --flush sched.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --delete and --flush cannot be combined"
	run --separate-stderr -2 fa --delete --diff sched.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --delete works alone or with --plan"
	run --separate-stderr -2 fa --delete --prune sched.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --delete cannot be combined with --prune"
	run --separate-stderr -2 fa --flush --only s1
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --only needs a PROFILE"
}

@test "without the module, apply, --delete and --flush say so and touch nothing" {
	for args in "sched.cfg" "--delete sched.cfg" "--flush"; do
		# shellcheck disable=SC2086
		run --separate-stderr -3 "$APPLY" --root "$BATS_TEST_TMPDIR/none" $args
		fa_eq "$stderr" "fhook-apply: $BATS_TEST_TMPDIR/none: No such file or directory (is fhook loaded? try modprobe fhook)"
		fa_eq "$output" ""
		[ ! -e "$BATS_TEST_TMPDIR/none" ]
	done
}
