#!/usr/bin/env bats
# Errors: with --json every outcome is one JSON document on stdout, errors
# included; libconfig's syntax and @include errors name the text and the
# file; profiles that are no files; "did you mean" for near misses.

load helpers

setup() {
	fa_setup
	profile p.cfg <<'EOF'
version = 1;
hooks = { a = { filter = [ "x" ]; }; };
EOF
}

# $output is exactly one JSON document (json.load refuses extra data).
one_doc() {
	python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$output"
}

# json_at KEY: the top-level KEY of the document in $output, as JSON.
json_at() {
	python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[sys.argv[1]]))' \
		"$1" <<<"$output"
}

@test "--json: an invalid profile lists its errors as file, line and message" {
	profile typo.cfg <<'EOF'
version = 1;
hooks = {
  a = { fliter = [ "x" ]; filter = [ "x" ]; };
};
EOF
	run --separate-stderr -1 fa --check --json typo.cfg
	fa_eq "$output" '{"profile":"typo.cfg","status":"invalid","exit":1,"errors":[{"file":"typo.cfg","line":3,"message":"unknown key '"'fliter' (did you mean 'filter'?)"'"}]}'
	fa_eq "$stderr" "fhook-apply: typo.cfg:3: unknown key 'fliter' (did you mean 'filter'?)
fhook-apply: typo.cfg: 1 error, nothing applied"
	: >empty.cfg
	run --separate-stderr -1 fa --json empty.cfg
	fa_eq "$output" "{\"profile\":\"empty.cfg\",\"status\":\"invalid\",\"exit\":1,\"errors\":[{\"file\":\"empty.cfg\",\"line\":null,\"message\":\"empty profile: no hooks (it must start with 'version = 1;')\"}]}"
}

@test "--json: usage errors, no module and a held lock are one document each" {
	run --separate-stderr -2 fa --json
	fa_eq "$output" '{"profile":null,"status":"usage","exit":2,"errors":[{"file":null,"line":null,"message":"no PROFILE given"}]}'
	run --separate-stderr -2 fa --bogus --json p.cfg
	fa_eq "$output" "{\"profile\":null,\"status\":\"usage\",\"exit\":2,\"errors\":[{\"file\":null,\"line\":null,\"message\":\"unrecognized option '--bogus'\"}]}"
	fa_eq "$stderr" "fhook-apply: unrecognized option '--bogus'
Try 'fhook-apply --help' for more information."
	run --separate-stderr -2 fa --json --check p.cfg --root
	fa_eq "$(json_at errors)" "[{\"file\": null, \"line\": null, \"message\": \"option '--root' requires an argument\"}]"
	run --separate-stderr -2 fa --json --only nosuch p.cfg
	one_doc
	fa_eq "$(json_at status)" '"usage"'
	for mode in "" --plan --diff; do
		run --separate-stderr -3 "$APPLY" --root "$BATS_TEST_TMPDIR/none" \
			--json $mode p.cfg
		fa_eq "$output" "{\"profile\":\"p.cfg\",\"status\":\"failed\",\"exit\":3,\"errors\":[{\"file\":null,\"line\":null,\"message\":\"$BATS_TEST_TMPDIR/none: No such file or directory (is fhook loaded? try modprobe fhook)\"}]}"
	done
	run --separate-stderr -3 "$APPLY" --root "$BATS_TEST_TMPDIR/none" --json --export
	one_doc
	fa_eq "$(json_at exit)" 3
	hold_lock "$FHOOK_APPLY_LOCK" 5
	run --separate-stderr -3 fa --json --lock-timeout 0 p.cfg
	kill "$LOCK_HOLDER"
	one_doc
	fa_eq "$(json_at errors)" "[{\"file\": null, \"line\": null, \"message\": \"$FHOOK_APPLY_LOCK: held by another process; gave up after 0 s\"}]"
}

@test "--json: check, check-symbols, plan, diff, apply and a failed apply print one document" {
	printf 'x\n' >funcs
	run -0 fa --json --check p.cfg
	one_doc
	run -0 fa --json --check-symbols --functions funcs p.cfg
	one_doc
	run -0 fa --json --plan p.cfg
	one_doc
	run -1 fa --json --diff p.cfg
	one_doc
	fake_hook a gen=1 filter=old tag=fhook-apply
	rm "$ROOT/a/commit"
	mkdir "$ROOT/a/commit"
	run --separate-stderr -3 fa --json p.cfg
	one_doc
	fa_eq "$(json_at status)" '"rolled-back"'
	rmdir "$ROOT/a/commit"
	touch "$ROOT/a/commit"
	run --separate-stderr -0 fa --json p.cfg
	one_doc
	printf 'y\n' >funcs
	run --separate-stderr -1 fa --json --check-symbols --functions funcs p.cfg
	one_doc
	fa_eq "$(json_at errors)" "[{\"file\": \"p.cfg\", \"line\": 2, \"message\": \"hook 'a': filter glob 'x' matches no traceable function\"}]"
}

@test "a syntax error shows the text of its line" {
	profile t.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "a", ] ;; };
};
EOF
	run --separate-stderr -1 fa --check t.cfg
	fa_eq "$stderr" "fhook-apply: t.cfg:3: syntax error near 'a = { filter = [ \"a\", ] ;; };'
fhook-apply: t.cfg: 1 error, nothing applied"
	mkdir sub
	printf 'version = 1;\n@include "sub/h.cfg"\n' >i.cfg
	printf 'hooks = {\n  a = { filter = [ "%s" ] ;; };\n};\n' "$(printf 'y%.0s' {1..80})" >sub/h.cfg
	run --separate-stderr -1 fa --check i.cfg
	fa_eq "$stderr" "fhook-apply: sub/h.cfg:2: syntax error near 'a = { filter = [ \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...'
fhook-apply: i.cfg: 1 error, nothing applied"
}

@test "@include: a missing file, a directory, a loop are named at their line" {
	mkdir -p dir/inc
	profile dir/main.cfg <<'EOF'
version = 1;
@include "missing.cfg"
@include "inc"
hooks = {
  @include "inc/h.cfg"
};
EOF
	printf 'a = { filter = [ "x" ]; };\n\n  @include "inc/h.cfg"\n' >dir/inc/h.cfg
	run --separate-stderr -1 fa --check dir/main.cfg
	fa_eq "$stderr" "fhook-apply: dir/main.cfg:2: cannot open include file 'missing.cfg': No such file or directory
fhook-apply: dir/main.cfg:3: cannot open include file 'inc': is a directory
fhook-apply: dir/inc/h.cfg:3: include loop: 'inc/h.cfg' is already being included
fhook-apply: dir/main.cfg: 3 errors, nothing applied"
	for i in $(seq 1 11); do
		printf '@include "d%d.cfg"\n' "$i" >"dir/d$((i - 1)).cfg"
	done
	: >dir/d11.cfg
	run --separate-stderr -1 fa --check dir/d0.cfg
	fa_eq "$stderr" "fhook-apply: dir/d10.cfg:1: cannot include 'd11.cfg': includes nested more than 10 deep
fhook-apply: dir/d0.cfg: 1 error, nothing applied"
}

@test "a directory, an empty file, an unreadable file: named, exit 1" {
	mkdir profiles
	run --separate-stderr -1 fa --check profiles/
	fa_eq "$stderr" "fhook-apply: profiles/: is a directory, not a profile
fhook-apply: profiles/: 1 error, nothing applied"
	: >empty.cfg
	run --separate-stderr -1 fa --check empty.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: empty.cfg: empty profile: no hooks (it must start with 'version = 1;')"
	printf '# nothing\n\n  // yet\n/* at all */\n' >comments.cfg
	run --separate-stderr -1 fa --check comments.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: comments.cfg: empty profile: no hooks (it must start with 'version = 1;')"
	run --separate-stderr -1 fa --check - </dev/null
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: <stdin>: empty profile: no hooks (it must start with 'version = 1;')"
	run --separate-stderr -1 fa --check p.cfg/x.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: p.cfg/x.cfg: Not a directory"
	cp p.cfg locked.cfg
	chmod 000 locked.cfg
	# Root reads files whatever their mode: drop the capabilities that
	# let it, so the test means the same as root and as a user.
	run --separate-stderr -1 setpriv \
		--inh-caps=-dac_override,-dac_read_search \
		--bounding-set=-dac_override,-dac_read_search \
		"$APPLY" --root "$ROOT" --check locked.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: locked.cfg: Permission denied"
}

@test "did you mean: keys, flags and actions close to a known one" {
	printf 'flags: RCU RECURSION\nactions: count log\n' >"$ROOT/features"
	profile t.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "x" ]; flags = [ "recursion", "RCUU", "NOPE" ]; };
  b = { filter = [ "x" ]; action = [ "cuont", "lgo", "xyz" ]; optinal = true; };
  c = { filter = [ "x" ]; stackdepth = 4; zz = 1; };
};
hoks = {};
EOF
	run --separate-stderr -1 fa --check t.cfg
	fa_eq "$stderr" "fhook-apply: t.cfg:3: flags: unknown flag 'recursion' (did you mean 'RECURSION'?)
fhook-apply: t.cfg:3: flags: unknown flag 'RCUU' (did you mean 'RCU'?)
fhook-apply: t.cfg:3: flags: unknown flag 'NOPE'
fhook-apply: t.cfg:4: action: unknown action 'cuont' (did you mean 'count'?)
fhook-apply: t.cfg:4: action: unknown action 'lgo' (did you mean 'log'?)
fhook-apply: t.cfg:4: action: unknown action 'xyz'
fhook-apply: t.cfg:4: unknown key 'optinal' (did you mean 'optional'?)
fhook-apply: t.cfg:5: unknown key 'stackdepth' (did you mean 'stack_depth'?)
fhook-apply: t.cfg:5: unknown key 'zz'
fhook-apply: t.cfg:7: unknown key 'hoks' (did you mean 'hooks'?)
fhook-apply: t.cfg: 10 errors, nothing applied"
}
