#!/usr/bin/env bats
# Profiles: what parses, what each key means, and every validation error
# with its exact text and file:line; an invalid profile applies nothing.

load helpers

setup() {
	fa_setup
}

@test "a valid profile checks, with its hook count" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  sched = {
    filter  = [ "schedule", "try_to_wake_up" ];
    notrace = [ ];
    flags   = [ "RECURSION" ];
    action  = "count";
    enabled = true;
  };
  other = { filter = [ "vfs_read" ]; };
};
EOF
	run --separate-stderr -0 fa --check p.cfg
	fa_eq "$output" "p.cfg: valid, 2 hooks"
	fa_eq "$stderr" ""
}

@test "defaults: action count, enabled, no notrace, no flags" {
	profile p.cfg <<'EOF'
version = 1;
hooks = { h = { filter = [ "f" ]; }; };
EOF
	run -1 fa --diff p.cfg
	fa_eq "$output" "+ h (p.cfg:2)
    filter: f
    notrace: (none)
    flags: (none)
    action: count
    args: 0
    stack_depth: 16
    target: (none)
    pids: (none)
    comm: (none)
    sample: 1
    enabled: 1
    tag: fhook-apply:p"
}

@test "lists are canonical: sorted, deduplicated, flags in module order" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  h = {
    filter = ( "b", "a", "c", "a" );
    flags = [ "RCU", "RECURSION", "SAVE_REGS", "RCU" ];
    action = [ "count", "count" ];
    enabled = false;
  };
};
EOF
	run -1 fa --diff p.cfg
	fa_eq "$output" "+ h (p.cfg:3)
    filter: a b c
    notrace: (none)
    flags: SAVE_REGS RECURSION RCU
    action: count
    args: 0
    stack_depth: 16
    target: (none)
    pids: (none)
    comm: (none)
    sample: 1
    enabled: 0
    tag: fhook-apply:p"
}

@test "@include is relative to the profile's directory; absolute works too" {
	mkdir -p dir/sub
	profile dir/main.cfg <<EOF
version = 1;
hooks = {
  @include "sub/a.cfg"
  @include "$BATS_TEST_TMPDIR/b.cfg"
};
EOF
	profile dir/sub/a.cfg <<'EOF'
a = { filter = [ "x" ]; };
EOF
	profile b.cfg <<'EOF'
b = { filter = [ "y" ];
      fliter = [ "z" ]; };
EOF
	run --separate-stderr -1 fa --check dir/main.cfg
	fa_eq "$stderr" "fhook-apply: $BATS_TEST_TMPDIR/b.cfg:2: unknown key 'fliter' (did you mean 'filter'?)
fhook-apply: dir/main.cfg: 1 error, nothing applied"
	profile b.cfg <<'EOF'
b = { filter = [ "y" ]; };
EOF
	run -0 fa --check dir/main.cfg
	fa_eq "$output" "dir/main.cfg: valid, 2 hooks"
	profile dir/sub/a.cfg <<'EOF'

a = { filter = [ "x" ]; enabled = "yes"; };
EOF
	run --separate-stderr -1 fa --check dir/main.cfg
	fa_eq "$stderr" "fhook-apply: dir/sub/a.cfg:2: 'enabled' must be true or false
fhook-apply: dir/main.cfg: 1 error, nothing applied"
}

@test "a profile on standard input" {
	run -0 fa --check - <<'EOF'
version = 1;
hooks = { a = { filter = [ "x" ]; }; };
EOF
	fa_eq "$output" "<stdin>: valid, 1 hooks"
	run --separate-stderr -1 fa --check - <<'EOF'
version = 1;
hooks = { a = { filter = [ "x" ]; bad = 1; }; };
EOF
	fa_eq "$stderr" "fhook-apply: <stdin>:2: unknown key 'bad'
fhook-apply: <stdin>: 1 error, nothing applied"
}

@test "every error is reported with its line, then nothing is applied" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  sched = {
    fliter  = [ "schedule" ];
    filter  = [ "schedule" ];
    flags   = [ "RECURSION", "FOO" ];
    action  = [ "count", "bar" ];
    enabled = 1;
  };
  ok = { filter = [ "x" ]; };
};
EOF
	fake_hook ok filter=y
	before=$(tree_state)
	run --separate-stderr -1 fa p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:4: unknown key 'fliter' (did you mean 'filter'?)
fhook-apply: p.cfg:6: flags: unknown flag 'FOO'
fhook-apply: p.cfg:7: action: unknown action 'bar'
fhook-apply: p.cfg:8: 'enabled' must be true or false
fhook-apply: p.cfg: 4 errors, nothing applied"
	fa_eq "$output" ""
	fa_eq "$(tree_state)" "$before"
}

@test "top level: version, unknown keys, hooks and tag types" {
	profile p.cfg <<'EOF'
version = 2;
hokks = { };
hooks = 3;
tag = "two words";
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:1: version 2 is not supported (this fhook-apply reads version 1)
fhook-apply: p.cfg:2: unknown key 'hokks' (did you mean 'hooks'?)
fhook-apply: p.cfg:3: 'hooks' must be a group: hooks = { NAME = { ... }; };
fhook-apply: p.cfg:4: tag: character 0x20 not allowed (printable, no spaces)
fhook-apply: p.cfg: 4 errors, nothing applied"
	profile p.cfg <<'EOF'
hooks = { };
tag = 1;
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:2: 'tag' must be a string
fhook-apply: p.cfg: no version; the profile must start with 'version = 1;'
fhook-apply: p.cfg: 2 errors, nothing applied"
	profile p.cfg <<'EOF'
version = "1";
tag = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:1: 'version' must be 1
fhook-apply: p.cfg:2: tag: longer than 64 bytes
fhook-apply: p.cfg: 2 errors, nothing applied"
}

@test "hook names follow the module's rule" {
	long=h$(printf '%064d' 0)
	profile p.cfg <<EOF
version = 1;
hooks = {
  a*b = { filter = [ "x" ]; };
  *x = { filter = [ "x" ]; };
  $long = { filter = [ "x" ]; };
  ok-name_2 = { filter = [ "x" ]; };
};
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:3: hook name 'a*b': character 0x2a not allowed (letters, digits, '_', '-')
fhook-apply: p.cfg:4: hook name '*x' must start with a letter
fhook-apply: p.cfg:5: hook name longer than 64 bytes
fhook-apply: p.cfg: 3 errors, nothing applied"
}

@test "duplicate hooks are refused where the second one is" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "x" ]; };

  a = { filter = [ "y" ]; };
};
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:5: duplicate setting name near 'a = { filter = [ \"y\" ]; };'
fhook-apply: p.cfg: 1 error, nothing applied"
}

@test "wrong types are named with the key" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = 5;
  b = {
    filter = "x";
    notrace = ( "y", 3 );
    flags = "RCU";
    action = 1;
    optional = "no";
  };
};
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:3: hook 'a' must be a group: a = { filter = [ ... ]; };
fhook-apply: p.cfg:5: 'filter' must be a list of strings
fhook-apply: p.cfg:6: 'notrace' must be a list of strings
fhook-apply: p.cfg:7: 'flags' must be a list of strings
fhook-apply: p.cfg:8: 'action' must be a string or a list of strings
fhook-apply: p.cfg:9: 'optional' must be true or false
fhook-apply: p.cfg: 6 errors, nothing applied"
}

@test "glob syntax errors are the module's, on the glob's own line" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = {
    filter = [ "ok*",
               "foo:bar:baz",
               "a/b",
               "a\\b",
               "foo[ab",
               "!",
               "x[!a-z]y?" ];
    notrace = [ "n/m" ];
  };
};
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:5: filter: ':' in glob 'foo:bar:baz': only GLOB:mod:MODULE selectors are supported
fhook-apply: p.cfg:6: filter: invalid character '/' in glob 'a/b'
fhook-apply: p.cfg:7: filter: invalid character '\\' in glob 'a\\b'
fhook-apply: p.cfg:8: filter: bad bracket expression in glob 'foo[ab'
fhook-apply: p.cfg:9: filter: '!' must be followed by a glob
fhook-apply: p.cfg:11: notrace: invalid character '/' in glob 'n/m'
fhook-apply: p.cfg: 6 errors, nothing applied"
}

@test "the module's limits: 256 globs, 511-byte globs, 4094-byte values" {
	many=$(for i in $(seq 257); do printf '"f%d", ' "$i"; done)
	most=$(for i in $(seq 256); do printf '"f%d", ' "$i"; done)
	big=$(printf 'g%.0s' $(seq 512))
	wide=$(for i in $(seq 200); do printf '"%s%03d", ' "$(printf 'w%.0s' $(seq 20))" "$i"; done)
	profile p.cfg <<EOF
version = 1;
hooks = {
  a = { filter = [ ${many%, } ]; };
  b = { filter = [ "$big" ]; };
  c = { filter = [ "x" ];
        notrace = [ ${wide%, } ]; };
  d = { filter = [ ${most%, } ]; };
};
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:3: filter: more than 256 globs
fhook-apply: p.cfg:4: filter: glob 'gggggggggggggggggggggggggggggggg...' is longer than 511 bytes
fhook-apply: p.cfg:6: notrace: value longer than 4094 bytes
fhook-apply: p.cfg: 3 errors, nothing applied"
}

@test "a filter must include something" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  empty = { filter = [ ]; };
  excl = { filter = [ "!foo" ]; };
  none = { notrace = [ "x" ]; };
  noaction = { filter = [ "x" ]; action = [ ]; };
};
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:3: filter is empty; use [ \"*\" ] to hook every function
fhook-apply: p.cfg:4: filter has only exclusions; add a glob to include
fhook-apply: p.cfg:5: hook 'none' has no filter; use [ \"*\" ] to hook every function
fhook-apply: p.cfg:6: action: no action given
fhook-apply: p.cfg: 4 errors, nothing applied"
}

@test "flags and actions come from the module's features" {
	printf 'flags: RCU NEWFLAG\nactions: count trace\n' >"$ROOT/features"
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "x" ]; flags = [ "NEWFLAG", "RCU" ]; action = [ "trace", "count" ]; };
  b = { filter = [ "x" ]; flags = [ "RECURSION" ]; };
};
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:4: flags: unknown flag 'RECURSION'
fhook-apply: p.cfg: 1 error, nothing applied"
	rm "$ROOT/features"
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:3: flags: unknown flag 'NEWFLAG'
fhook-apply: p.cfg:3: action: unknown action 'trace'
fhook-apply: p.cfg: 2 errors, nothing applied"
}

@test "syntax errors and unreadable files" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "x" ] ;; };
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:3: syntax error near 'a = { filter = [ \"x\" ] ;; };'
fhook-apply: p.cfg: 1 error, nothing applied"
	run --separate-stderr -1 fa --check missing.cfg
	fa_eq "$stderr" "fhook-apply: missing.cfg: No such file or directory
fhook-apply: missing.cfg: 1 error, nothing applied"
	profile p.cfg <<'EOF'
version = 1;
@include "nope.cfg"
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:2: cannot open include file 'nope.cfg': No such file or directory
fhook-apply: p.cfg: 1 error, nothing applied"
}

@test "--check works without the module" {
	profile p.cfg <<'EOF'
version = 1;
hooks = { a = { filter = [ "x" ]; flags = [ "PERMANENT" ]; }; };
EOF
	run -0 "$APPLY" --root "$BATS_TEST_TMPDIR/nowhere" --check p.cfg
	fa_eq "$output" "p.cfg: valid, 1 hooks"
}

@test "args, stack_depth, target, pids, comm, sample: canonical, as the module reads them" {
	profile p.cfg <<'EOF2'
version = 1;
hooks = {
  h = {
    filter = [ "f" ];
    action = [ "stack", "log", "callers" ];
    args = 3;
    stack_depth = 8;
    pids = [ 977, 12, 0012, 977 ];
    comm = [ "ng*", "bash", "sshd", "ng*" ];
    sample = 10;
  };
  one = { filter = [ "g" ]; pids = 42; comm = "cron"; enabled = false; };
  r = {
    filter = [ "f" ];
    flags = [ "IPMODIFY" ];
    action = [ "count", "redirect" ];
    target = "my_f";
  };
};
EOF2
	run -1 fa --diff p.cfg
	fa_eq "$output" "+ h (p.cfg:3)
    filter: f
    notrace: (none)
    flags: (none)
    action: log stack callers
    args: 3
    stack_depth: 8
    target: (none)
    pids: 12 977
    comm: bash ng* sshd
    sample: 10
    enabled: 1
    tag: fhook-apply:p
+ one (p.cfg:12)
    filter: g
    notrace: (none)
    flags: (none)
    action: count
    args: 0
    stack_depth: 16
    target: (none)
    pids: 42
    comm: cron
    sample: 1
    enabled: 0
    tag: fhook-apply:p
+ r (p.cfg:13)
    filter: f
    notrace: (none)
    flags: IPMODIFY
    action: count redirect
    args: 0
    stack_depth: 16
    target: my_f
    pids: (none)
    comm: (none)
    sample: 1
    enabled: 1
    tag: fhook-apply:p"
}

@test "the new keys' values: the module's ranges, characters and counts" {
	pids=$(for i in $(seq 65); do printf '%d, ' "$i"; done)
	comms=$(for i in $(seq 17); do printf '"c%d", ' "$i"; done)
	long=$(printf 'x%.0s' $(seq 128))
	longc=$(printf 'c%.0s' $(seq 65))
	profile p.cfg <<EOF2
version = 1;
hooks = {
  a = {
    filter = [ "f" ];
    action = "log";
    args = 7;
    stack_depth = 0;
    sample = 0;
  };
  b = {
    filter = [ "f" ];
    action = "stack";
    args = -1;
    stack_depth = 65;
    sample = 1000000001;
  };
  c = {
    filter = [ "f" ];
    target = "a/b";
    pids = [ 0, 4194305, -3, 4194304 ];
    comm = [ "ok", "\\x01x", "$longc" ];
  };
  d = {
    filter = [ "f" ];
    target = "$long";
    pids = [ ${pids%, } ];
    comm = [ ${comms%, } ];
  };
};
EOF2
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:6: args: at most 6
fhook-apply: p.cfg:7: stack_depth: must be 1 to 64
fhook-apply: p.cfg:8: sample: must be 1 to 1000000000
fhook-apply: p.cfg:13: args: not a number
fhook-apply: p.cfg:14: stack_depth: must be 1 to 64
fhook-apply: p.cfg:15: sample: must be 1 to 1000000000
fhook-apply: p.cfg:19: target: invalid character '/' in 'a/b'
fhook-apply: p.cfg:20: pids: '0' is not a process id
fhook-apply: p.cfg:20: pids: '4194305' is not a process id
fhook-apply: p.cfg:20: pids: '-3' is not a process id
fhook-apply: p.cfg:21: comm: character 0x01 not allowed in glob
fhook-apply: p.cfg:21: comm: glob longer than 64 bytes
fhook-apply: p.cfg:25: target: longer than 127 bytes
fhook-apply: p.cfg:26: pids: more than 64 pids
fhook-apply: p.cfg:27: comm: more than 16 globs
fhook-apply: p.cfg: 15 errors, nothing applied"
}

@test "the new keys' types are named with the key" {
	profile p.cfg <<'EOF2'
version = 1;
hooks = {
  a = {
    filter = [ "f" ];
    args = "2";
    stack_depth = 1.5;
    target = [ "x" ];
    pids = [ "1" ];
    comm = 3;
    sample = true;
  };
};
EOF2
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:5: 'args' must be an integer or a list of strings
fhook-apply: p.cfg:6: 'stack_depth' must be an integer
fhook-apply: p.cfg:7: 'target' must be a string
fhook-apply: p.cfg:8: 'pids' must be an integer or a list of integers
fhook-apply: p.cfg:9: 'comm' must be a string or a list of strings
fhook-apply: p.cfg:10: 'sample' must be an integer
fhook-apply: p.cfg: 6 errors, nothing applied"
}

@test "the commit rules that need no kernel fail before anything is written" {
	profile p.cfg <<'EOF2'
version = 1;
hooks = {
  ipmodify = { filter = [ "f" ];
               flags = [ "IPMODIFY" ]; };
  noflag = { filter = [ "f" ];
             action = "redirect"; target = "g"; };
  notarget = { filter = [ "f" ]; flags = [ "IPMODIFY" ];
               action = "redirect"; };
  target = { filter = [ "f" ];
             target = "g"; };
  args = { filter = [ "f" ]; action = [ "count", "callers" ];
           args = 2; };
  ok = { filter = [ "f" ]; action = "log"; args = 6; };
};
EOF2
	fake_hook ok gen=1 filter=x
	before=$(tree_state)
	run --separate-stderr -1 fa p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:4: IPMODIFY needs an action that modifies the IP
fhook-apply: p.cfg:6: action 'redirect' needs flag IPMODIFY
fhook-apply: p.cfg:8: redirect needs a target
fhook-apply: p.cfg:10: target is set but action has no redirect
fhook-apply: p.cfg:12: args needs action log or stack
fhook-apply: p.cfg: 5 errors, nothing applied"
	fa_eq "$(tree_state)" "$before"
}

@test "limits, predicates and needs_save_regs come from the module's features" {
	printf '%s\n' 'flags: SAVE_REGS IPMODIFY' 'actions: count log redirect' \
		'predicates: pids' 'limits: args=2 stack_depth=8 pids=2 comm=1 sample=5 newlimit=1' \
		'needs_save_regs: args redirect' 'newkind: x' >"$ROOT/features"
	profile p.cfg <<'EOF2'
version = 1;
hooks = {
  a = { filter = [ "f" ]; action = "log";
        args = 3; stack_depth = 9; sample = 6; };
  b = { filter = [ "f" ]; pids = [ 1, 2, 3 ];
        comm = [ "x" ]; };
  c = { filter = [ "f" ]; action = "log"; args = 2; };
  d = { filter = [ "f" ]; flags = [ "IPMODIFY" ]; action = "redirect";
        target = "g"; };
  e = { filter = [ "f" ]; flags = [ "SAVE_REGS", "IPMODIFY" ];
        action = [ "log", "redirect" ]; target = "g"; args = 1; };
};
EOF2
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:4: args: at most 2
fhook-apply: p.cfg:4: stack_depth: must be 1 to 8
fhook-apply: p.cfg:4: sample: must be 1 to 5
fhook-apply: p.cfg:5: pids: more than 2 pids
fhook-apply: p.cfg:6: comm: not supported by this fhook (no 'comm' in its features)
fhook-apply: p.cfg:7: args needs flag SAVE_REGS on this kernel
fhook-apply: p.cfg:8: action 'redirect' needs flag SAVE_REGS on this kernel
fhook-apply: p.cfg: 7 errors, nothing applied"
}

@test "a features file with a bad limits line is refused" {
	printf '%s\n' 'actions: count' 'limits: args=x' >"$ROOT/features"
	profile p.cfg <<'EOF2'
version = 1;
hooks = { a = { filter = [ "f" ]; }; };
EOF2
	run --separate-stderr -3 fa p.cfg
	fa_eq "$stderr" "fhook-apply: $ROOT/features: bad 'limits:' line"
}

@test "without a features file, the built-in lists are the module's" {
	rm "$ROOT/features"
	profile p.cfg <<'EOF2'
version = 1;
hooks = {
  a = { filter = [ "f" ]; action = [ "count", "log", "stack", "callers" ]; args = 6;
        stack_depth = 64; comm = "x"; pids = 4194304; sample = 1000000000; };
  b = { filter = [ "f" ]; flags = [ "IPMODIFY" ]; action = "redirect";
        target = "g"; };
};
EOF2
	run --separate-stderr -0 fa --check p.cfg
	fa_eq "$output" "p.cfg: valid, 2 hooks"
}

@test "every length and count limit comes from features, with the module's number" {
	printf '%s\n' 'actions: count' \
		'limits: args=6 stack_depth=64 pids=64 comm=16 sample=9 name=5 tag=3 globs=2 glob=8 input=4094 target=4 comm_glob=3 pid=100 later=x' \
		>"$ROOT/features"
	profile p.cfg <<'EOF2'
version = 1;
tag = "abcd";
hooks = {
  sixsix = { filter = [ "f" ]; };
  a = { filter = [ "abcdefghi" ]; notrace = [ "x", "y", "z" ]; };
  b = { filter = [ "abcdefgh" ]; pids = [ 101 ]; comm = [ "abcd" ]; };
};
EOF2
	run --separate-stderr -1 "$APPLY" --check --root "$ROOT" p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:2: tag: longer than 3 bytes
fhook-apply: p.cfg:4: hook name longer than 5 bytes
fhook-apply: p.cfg:5: filter: glob 'abcdefghi...' is longer than 8 bytes
fhook-apply: p.cfg:5: notrace: more than 2 globs
fhook-apply: p.cfg:6: pids: '101' is not a process id
fhook-apply: p.cfg:6: comm: glob longer than 3 bytes
fhook-apply: p.cfg: 6 errors, nothing applied"
	# the same profile is valid within the built-in limits
	rm "$ROOT/features"
	run -0 "$APPLY" --check --root "$ROOT" p.cfg
}

@test "a list entry with whitespace is refused: one word per entry" {
	profile p.cfg <<'EOF2'
version = 1;
hooks = {
  h = { filter = [ "f", "a	b" ];
        comm = [ "my app" ]; };
  i = { filter = [ "f" ]; flags = [ "RCU
RECURSION" ]; action = "count log"; };
};
EOF2
	before=$(tree_state)
	run --separate-stderr -1 fa p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:3: filter: 'a	b' contains whitespace; write one glob per list entry
fhook-apply: p.cfg:4: comm: 'my app' contains whitespace; write one glob per list entry
fhook-apply: p.cfg:6: flags: 'RCU
RECURSION' contains whitespace; write one flag per list entry
fhook-apply: p.cfg:6: action: 'count log' contains whitespace; write one action per list entry
fhook-apply: p.cfg: 4 errors, nothing applied"
	fa_eq "$(tree_state)" "$before"
}

@test "a hook's own tag overrides the profile's; \"\" is a hook made by hand" {
	profile p.cfg <<'EOF2'
version = 1;
hooks = {
  a = { filter = [ "f" ]; tag = "team"; };
  b = { filter = [ "f" ]; tag = ""; };
  c = { filter = [ "f" ]; };
  d = { filter = [ "f" ]; tag = "two words"; };
};
tag = "mine";
EOF2
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:6: tag: character 0x20 not allowed (printable, no spaces)
fhook-apply: p.cfg: 1 error, nothing applied"
	sed -i '/two words/d' p.cfg
	run -0 fa --plan p.cfg
	fa_eq "$(grep '/tag$' <<<"$output")" "printf '%s\\n' 'team' > $ROOT/a/tag
printf '%s\\n' 'mine' > $ROOT/c/tag"
	fake_hook a gen=1 filter=f enabled=1 tag=team
	fake_hook b gen=1 filter=f enabled=1
	fake_hook c gen=1 filter=f enabled=1 tag=mine
	run -0 fa --diff p.cfg
	fa_eq "$output" ""
	# --prune removes only the hooks with the profile's own tag
	fake_hook e gen=1 filter=f tag=mine
	fake_hook t gen=1 filter=f tag=team
	run -0 fa --plan --prune p.cfg
	fa_eq "$(grep rmdir <<<"$output")" "rmdir $ROOT/e"
}
