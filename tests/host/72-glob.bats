#!/usr/bin/env bats
# fhook-apply's copy of ftrace's glob_match(): a bracket class never
# matches the end of a name, and matching never reads past it (ASan).

load helpers

# One fhook-apply built with AddressSanitizer for the whole file, from a
# copy of utils/ so that no ASan object is left in the tree.
setup_file() {
	ASAN_APPLY=
	cp -r "$TOP/utils" "$BATS_FILE_TMPDIR/utils"
	make -s -C "$BATS_FILE_TMPDIR/utils" clean >/dev/null
	if make -s -C "$BATS_FILE_TMPDIR/utils" fhook-apply \
		CFLAGS='-fsanitize=address -fno-omit-frame-pointer -g -O1' \
		LDFLAGS=-fsanitize=address >/dev/null 2>&1; then
		ASAN_APPLY=$BATS_FILE_TMPDIR/utils/fhook-apply
	fi
	export ASAN_APPLY
}

setup() {
	fa_setup
	printf '%s\n' x xb >funcs
	profile p.cfg <<'EOF2'
version = 1;
hooks = { a = { filter = [ "x[!b]" ]; }; };
EOF2
}

@test "glob: an inverted class does not match the end of a name" {
	run --separate-stderr -1 fa --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:2: hook 'a': filter glob 'x[!b]' matches no traceable function
fhook-apply: p.cfg: 1 error, nothing applied"
}

@test "glob: an inverted class matches a character it does not name" {
	run -1 fa --check-symbols --functions funcs p.cfg
	printf '%s\n' xa >funcs
	run -0 fa --check-symbols --functions funcs p.cfg
}

@test "glob: matching reads nothing past the name (AddressSanitizer)" {
	[ -n "$ASAN_APPLY" ] || skip "cannot build with -fsanitize=address"
	printf 'x\n' >funcs
	run --separate-stderr -1 env ASAN_OPTIONS=exitcode=99 \
		"$ASAN_APPLY" --root "$ROOT" --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:2: hook 'a': filter glob 'x[!b]' matches no traceable function
fhook-apply: p.cfg: 1 error, nothing applied"
}
