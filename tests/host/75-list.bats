#!/usr/bin/env bats
# --list: what each glob of each hook matches, from a function list; and
# hooks that would log or stack every call of too many functions, refused
# unless --force.

load helpers

setup() {
	fa_setup
	printf '%s\n' schedule schedule_idle schedule_timeout 'schedule [m]' \
		vfs_read vfs_write >funcs
	profile p.cfg <<'EOF2'
version = 1;
hooks = {
  sw = {
    filter = [ "schedule*", "!schedule_idle" ];
    notrace = [ "schedule_timeout" ];
  };
  vfs = { filter = [ "vfs_*" ]; };
};
EOF2
}

# wide N: a list of N functions f1 .. fN
wide() {
	seq -f 'f%g' "$1" >funcs
}

@test "--list: per hook its total, per glob its count and names" {
	run --separate-stderr -0 fa --list --functions funcs p.cfg
	fa_eq "$stderr" ""
	fa_eq "$output" "sw: 2 functions
  schedule*                     4  schedule schedule_idle schedule_timeout
  !schedule_idle               -1  schedule_idle
  notrace schedule_timeout     -1  schedule_timeout
vfs: 2 functions
  vfs_*                         2  vfs_read vfs_write"
}

@test "--list --json: the same as one document" {
	run --separate-stderr -0 fa --list --json --only vfs --functions funcs p.cfg
	fa_eq "$output" '{"profile":"p.cfg","functions_file":"funcs","errors":0,"hooks":[{"hook":"vfs","where":"p.cfg:7","functions":2,"optional":false,"skipped":false,"globs":[{"list":"filter","glob":"vfs_*","removes":false,"matches":2,"names":["vfs_read","vfs_write"]}]}]}'
}

@test "--list: a glob matching nothing shows 0 and fails, unless optional" {
	profile q.cfg <<'EOF2'
version = 1;
hooks = {
  a = { filter = [ "vfs_read", "gone_fn" ]; };
  o = { filter = [ "other_gone" ]; optional = true; };
};
EOF2
	run --separate-stderr -1 fa --list --functions funcs q.cfg
	fa_eq "$stderr" "fhook-apply: q.cfg:3: hook 'a': filter glob 'gone_fn' matches no traceable function
fhook-apply: q.cfg:4: warning: optional hook 'o' skipped: filter glob 'other_gone' matches no traceable function"
	fa_eq "$output" "a: 1 function
  gone_fn         0
  vfs_read        1  vfs_read
o: 0 functions (optional: skipped on this kernel)
  other_gone      0"
	sed -i '/^  a = /d' q.cfg
	run --separate-stderr -0 fa --list --functions funcs q.cfg
}

@test "--list needs the function list, not the module" {
	run --separate-stderr -3 "$APPLY" --root "$BATS_TEST_TMPDIR/none" \
		--list --functions nofile p.cfg
	fa_eq "$stderr" "fhook-apply: nofile: No such file or directory"
}

@test "a hook logging every call of more than 1000 functions is refused" {
	profile w.cfg <<'EOF2'
version = 1;
hooks = {
  w = {
    filter = [ "f*" ];
    action = [ "count", "log" ];
  };
};
EOF2
	wide 1001
	before=$(tree_state)
	for mode in "" --plan --diff --check; do
		# --diff: 2 for an invalid profile, 1 being "differences"
		status=1
		[ "$mode" != --diff ] || status=2
		# shellcheck disable=SC2086
		run --separate-stderr -$status fa $mode --functions funcs w.cfg
		fa_eq "$stderr" "fhook-apply: w.cfg:4: hook 'w': action log records every call of 1001 functions (more than 1000), which floods the trace buffer; set sample, narrow the globs, or use --force
fhook-apply: w.cfg: 1 error, nothing applied"
	done
	fa_eq "$(tree_state)" "$before"
	run --separate-stderr -0 fa --plan --force --functions funcs w.cfg
	fa_eq "$stderr" "fhook-apply: w.cfg:4: warning: hook 'w': action log records every call of 1001 functions (more than 1000); allowed by --force"
	fa_eq "${lines[2]}" "# 1 to create, 0 to change, 0 to remove, 0 unchanged"
	# 1000 is allowed; sample, pids or comm narrow it; count alone records nothing
	wide 1000
	run --separate-stderr -0 fa --check --functions funcs w.cfg
	wide 1001
	for narrow in "sample = 2;" "pids = 1;" 'comm = "bash";'; do
		sed "s/action = .*/&\n    $narrow/" w.cfg >n.cfg
		run --separate-stderr -0 fa --check --functions funcs n.cfg
	done
	sed 's/"count", "log"/"count"/' w.cfg >n.cfg
	run --separate-stderr -0 fa --check --functions funcs n.cfg
}

@test "without a function list, a bare * that stacks every call is refused" {
	profile w.cfg <<'EOF2'
version = 1;
hooks = { w = { filter = [ "*" ]; action = "stack"; }; };
EOF2
	run --separate-stderr -1 fa --check --functions nofile w.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: w.cfg:2: hook 'w': action stack records every call of '*' (every traceable function), which floods the trace buffer; set sample, narrow the globs, or use --force"
	run --separate-stderr -0 fa --check --force --functions nofile w.cfg
}
