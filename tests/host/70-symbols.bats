#!/usr/bin/env bats
# Globs against available_filter_functions (--functions FILE stands in for
# the kernel's): --check-symbols, optional hooks, ftrace's glob semantics.

load helpers

setup() {
	fa_setup
	printf '%s\n' schedule try_to_wake_up vfs_read vfs_readv vfs_write \
		'xy' 'x^y' 'vfs_read' 'e1000_xmit [e1000]' >funcs
}

@test "--check-symbols: every glob matches, including exclusions" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "sched*", "vfs_re?d*", "!vfs_readv" ]; };
  b = { filter = [ "e1000_*" ]; notrace = [ "!x[!a]y" ]; };
};
EOF
	run --separate-stderr -0 fa --check-symbols --functions funcs p.cfg
	fa_eq "$output" "p.cfg: valid, 2 hooks, every glob matches a traceable function"
	fa_eq "$stderr" ""
}

@test "--check-symbols: each glob that matches nothing, on its line" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = {
    filter = [ "schedule",
               "nosuch*", "!vfs_nope" ];
    notrace = [ "x[ab]y" ];
  };
};
EOF
	run --separate-stderr -1 fa --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:5: hook 'a': filter glob 'nosuch*' matches no traceable function
fhook-apply: p.cfg:5: hook 'a': filter glob '!vfs_nope' matches no traceable function
fhook-apply: p.cfg:6: hook 'a': notrace glob 'x[ab]y' matches no traceable function
fhook-apply: p.cfg: 3 errors, nothing applied"
}

@test "ftrace's glob rules: '*' '?' and [!..] classes; '^' is not negation" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "x?y", "*_*_*", "vfs_[rw]*e*", "schedul[a-f]" ]; };
};
EOF
	run -0 fa --check-symbols --functions funcs p.cfg
	# ftrace negates a bracket only with '!': "[^b]" is refused, not misread
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "x[^b]y" ]; };
};
EOF
	run -1 fa --check p.cfg
	[[ "$output" == *"bad bracket expression in glob 'x[^b]y'"* ]]
	printf '%s\n' xay >funcs2
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "x[!b]y" ]; };
};
EOF
	run -0 fa --check-symbols --functions funcs2 p.cfg
}

@test "an optional hook whose functions are missing is skipped with a warning" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  here = { filter = [ "schedule" ]; };
  gone = {
    filter = [ "schedule", "renamed_in_6_10" ];
    optional = true;
  };
  later = { filter = [ "vfs_read" ]; notrace = [ "nope" ]; optional = true; };
};
EOF
	run --separate-stderr -0 fa --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:5: warning: optional hook 'gone' skipped: filter glob 'renamed_in_6_10' matches no traceable function
fhook-apply: p.cfg:8: warning: optional hook 'later' skipped: notrace glob 'nope' matches no traceable function"
	fa_eq "$output" "p.cfg: valid, 3 hooks, every glob matches a traceable function (2 optional skipped)"
	run --separate-stderr -0 fa --plan --functions funcs p.cfg
	fa_eq "${lines[2]}" "# 1 to create, 0 to change, 0 to remove, 0 unchanged"
	[[ $output != *gone* ]]
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: p.cfg:5: warning: optional hook 'gone' skipped: filter glob 'renamed_in_6_10' matches no traceable function"
}

@test "a skipped optional hook is still the profile's: --prune keeps it" {
	profile p.cfg <<'EOF'
version = 1;
hooks = { gone = { filter = [ "nope" ]; optional = true; }; };
EOF
	fake_hook gone gen=1 filter=old tag=fhook-apply:p
	run --separate-stderr -0 fa --plan --prune --functions funcs p.cfg
	fa_eq "${lines[2]}" "# 0 to create, 0 to change, 0 to remove, 0 unchanged"
}

@test "without a function list, optional hooks are applied like the others" {
	profile p.cfg <<'EOF'
version = 1;
hooks = { gone = { filter = [ "nope" ]; optional = true; }; };
EOF
	run --separate-stderr -0 fa --plan --functions "$BATS_TEST_TMPDIR/none" p.cfg
	fa_eq "$stderr" "fhook-apply: warning: $BATS_TEST_TMPDIR/none: No such file or directory; optional hooks are applied like the others"
	fa_eq "${lines[2]}" "# 1 to create, 0 to change, 0 to remove, 0 unchanged"
	run --separate-stderr -3 fa --check-symbols --functions "$BATS_TEST_TMPDIR/none" p.cfg
	fa_eq "$stderr" "fhook-apply: $BATS_TEST_TMPDIR/none: No such file or directory"
}

@test "--check does not read the function list" {
	profile p.cfg <<'EOF'
version = 1;
hooks = { gone = { filter = [ "nope" ]; optional = true; }; };
EOF
	run --separate-stderr -0 fa --check --functions "$BATS_TEST_TMPDIR/none" p.cfg
	fa_eq "$stderr" ""
	fa_eq "$output" "p.cfg: valid, 1 hooks"
}

@test "--check-symbols: a redirect's filter must match exactly one function" {
	profile p.cfg <<'EOF2'
version = 1;
hooks = {
  one = { filter = [ "schedule" ]; flags = [ "IPMODIFY" ];
          action = "redirect"; target = "my_schedule"; };
  two = { filter = [ "vfs_read*" ]; notrace = [ "vfs_readv" ];
          flags = [ "IPMODIFY" ]; action = "redirect"; target = "x"; };
  many = { filter = [ "vfs_*" ]; flags = [ "IPMODIFY" ];
           action = [ "count", "redirect" ]; target = "x"; };
};
EOF2
	run --separate-stderr -1 fa --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:5: hook 'two': redirect needs exactly one function; the filter matches 2
fhook-apply: p.cfg:7: hook 'many': redirect needs exactly one function; the filter matches 4
fhook-apply: p.cfg: 2 errors, nothing applied"
	run -0 fa --check --functions funcs p.cfg
}
