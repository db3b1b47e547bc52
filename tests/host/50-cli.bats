#!/usr/bin/env bats
# The command line: --help, usage errors and their exit code, the module
# missing, --status / fhook-stat and --json for checks.

load helpers

setup() {
	fa_setup
	profile p.cfg <<'EOF'
version = 1;
hooks = { a = { filter = [ "x" ]; }; };
EOF
}

@test "--help goes to stdout, exits 0 and documents every exit code" {
	run --separate-stderr -0 "$APPLY" --help
	fa_eq "$stderr" ""
	fa_eq "${lines[0]}" "Usage: fhook-apply [OPTIONS] PROFILE"
	[[ $output == *"Exit status:
  0  applied, or nothing to do; --diff: no differences
  1  invalid profile (nothing applied); --diff: differences
  2  usage error; --diff: also an invalid profile
  3  failed, and every hook touched was restored (or none was touched)
  4  failed, and the rollback failed too: what is left is listed" ]]
	for opt in --plan --diff --check --check-symbols --export --status \
		   --prune --prune-all --only --json --root --functions --lock \
		   --lock-timeout; do
		[[ $output == *"  $opt "* ]] || {
			echo "$opt is not documented" >&2
			return 1
		}
	done
	run -0 "$APPLY" -h
	run -0 "$APPLY" --version
	fa_eq "$output" "fhook-apply 0.2.0"
}

@test "the man pages document every option and exit code --help lists" {
	for opt in --plan --diff --check --check-symbols --export --status \
		   --prune --prune-all --only --json --root --functions --lock \
		   --lock-timeout; do
		# roff spells each "-" of an option "\-"
		grep -qE -- "^\.B[RI]? ${opt//-/\\\\-}( |\$)" \
			"$TOP/man/fhook-apply.8" || {
			echo "$opt missing from fhook-apply.8" >&2
			return 1
		}
	done
	run -0 sed -n '/^\.SH EXIT STATUS/,/^\.SH ENVIRONMENT/p' "$TOP/man/fhook-apply.8"
	for code in 0 1 2 3 4; do
		[[ $output == *".B $code"* ]]
	done
}

@test "usage errors exit 2 and say why" {
	run --separate-stderr -2 fa
	fa_eq "$stderr" "fhook-apply: no PROFILE given
Try 'fhook-apply --help' for more information."
	run --separate-stderr -2 fa p.cfg p.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: one PROFILE only"
	run --separate-stderr -2 fa --plan --diff p.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: only one mode at a time"
	run --separate-stderr -2 fa --export p.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --export takes no PROFILE"
	run --separate-stderr -2 fa --prune --only a p.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --prune and --only cannot be combined"
	run --separate-stderr -2 fa --check --prune p.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --prune works with apply, --plan and --diff"
	run --separate-stderr -2 fa --only nosuch p.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --only: no such hook in the profile: nosuch"
	run --separate-stderr -2 fa --lock-timeout soon p.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --lock-timeout: not a number of seconds: soon"
	run --separate-stderr -2 fa --bogus p.cfg
	fa_eq "${stderr##*$'\n'}" "Try 'fhook-apply --help' for more information."
}

@test "without the module: exit 3, naming the directory" {
	run --separate-stderr -3 "$APPLY" --root "$BATS_TEST_TMPDIR/none" p.cfg
	fa_eq "$stderr" "fhook-apply: $BATS_TEST_TMPDIR/none: No such file or directory (is fhook loaded? try modprobe fhook)"
	run --separate-stderr -3 "$APPLY" --root "$BATS_TEST_TMPDIR/none" --status
	run --separate-stderr -3 "$APPLY" --root "$BATS_TEST_TMPDIR/none" --export
}

@test "a module with an unknown major version is refused" {
	echo 1.0.0 >"$ROOT/version"
	run --separate-stderr -3 fa --plan p.cfg
	fa_eq "$stderr" "fhook-apply: $ROOT/version: fhook 1.0.0 is not supported by fhook-apply 0.2.0"
}

@test "--status: one row per hook, functions counted from the function list" {
	printf '%s\n' schedule try_to_wake_up 'vfs_read' 'vfs_readv' \
		'vfs_readlink' 'mod_fn [some_mod]' >funcs
	# a module older than 0.2.0: no functions line in live
	fake_hook sched gen=3 filter="schedule try_to_wake_up" enabled=1 \
		tag=fhook-apply hits=12345 missed=2 functions=
	fake_hook reads gen=1 filter="vfs_read* mod_fn" notrace=vfs_readlink \
		hits=0 functions=
	run -0 fa --status --functions funcs
	fa_eq "$output" "HOOK   ENABLED  GENERATION  ACTION  FUNCTIONS  HITS   MISSED  TAG
reads  no       1           count   3          0      0       -
sched  yes      3           count   2          12345  2       fhook-apply"
	run -0 fa --status --functions "$BATS_TEST_TMPDIR/none"
	fa_eq "${lines[1]}" "reads  no       1           count   -          0      0       -"
}

@test "fhook-stat is --status" {
	fake_hook sched gen=3 filter=schedule enabled=1 tag=fhook-apply hits=7 \
		functions=
	run -0 "$TOP/utils/fhook-stat" --root "$ROOT" --functions /dev/null
	fa_eq "$output" "HOOK   ENABLED  GENERATION  ACTION  FUNCTIONS  HITS  MISSED  TAG
sched  yes      3           count   -          7     0       fhook-apply"
	run --separate-stderr -2 "$TOP/utils/fhook-stat" p.cfg
	fa_eq "$stderr" "fhook-stat: unexpected argument 'p.cfg' (fhook-stat takes no PROFILE; see fhook-stat --help)"
}

@test "--status --json" {
	printf '%s\n' schedule >funcs
	fake_hook sched gen=3 filter=schedule enabled=1 tag=fhook-apply hits=7 \
		flags=RCU functions=
	echo "filter glob 'x' matches no traceable function" >"$ROOT/sched/last_error"
	run -0 fa --status --json --functions funcs
	fa_eq "$output" "{\"root\":\"$ROOT\",\"version\":\"0.1.0\",\"hooks\":[{\"hook\":\"sched\",\"enabled\":true,\"generation\":3,\"functions\":1,\"hits\":7,\"missed\":0,\"tag\":\"fhook-apply\",\"filter\":[\"schedule\"],\"notrace\":[],\"flags\":[\"RCU\"],\"action\":[\"count\"],\"args\":0,\"stack_depth\":16,\"target\":\"\",\"pids\":[],\"comm\":[],\"sample\":1,\"last_error\":\"filter glob 'x' matches no traceable function\",\"top_functions\":[],\"top_callers\":[]}]}"
}

@test "--check --json, valid and invalid" {
	run -0 fa --check --json p.cfg
	fa_eq "$output" '{"profile":"p.cfg","status":"valid","hooks":1,"skipped":[]}'
	profile bad.cfg <<'EOF'
version = 1;
hooks = { a = { }; b = { filter = 1; }; };
EOF
	run --separate-stderr -1 fa --check --json bad.cfg
	fa_eq "$output" '{"profile":"bad.cfg","status":"invalid","exit":1,"errors":[{"file":"bad.cfg","line":2,"message":"hook '"'a' has no filter; use [ \\\"*\\\" ] to hook every function\"},{\"file\":\"bad.cfg\",\"line\":2,\"message\":\"'filter' must be a list of strings\"}]}"
}
