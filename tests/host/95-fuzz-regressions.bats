#!/usr/bin/env bats
# What the fuzzers (tests/fuzz, make fuzz) found, each kept fixed here.

load helpers

setup() {
	fa_setup
}

@test "--plan: a hook name with a newline stays inside its comment line" {
	fake_hook $'x\ntouch PWNED' tag=other
	profile p.cfg <<'EOF2'
version = 1;
hooks = { };
EOF2
	run --separate-stderr -0 fa --plan --prune-all p.cfg
	fa_eq "$(sed -n 5p <<<"$output")" "# x?touch PWNED: remove"
	run ! grep -qx 'touch PWNED: remove' <<<"$output"
	# the script removes nothing here (the fake hook is not empty), but
	# runs no command of the name either
	printf '%s\n' "$output" >plan.sh
	run sh plan.sh
	[ ! -e PWNED: ]
}

@test "a syntax error after a string: exit 1, and no leak of fhook-apply's" {
	profile p.cfg <<'EOF2'
version = 1;
hooks ="a",""b" ]; };
EOF2
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:2: syntax error near 'hooks =\"a\",\"\"b\" ]; };'
fhook-apply: p.cfg: 1 error, nothing applied"
}
