#!/usr/bin/env bats
# fhook(7) against configfs-layout.md, and the man pages against the
# options fhook-apply really has: documentation that cannot drift silently.

load helpers

setup() {
	fa_setup
}

@test "fhook(7) renders without warnings" {
	run -0 groff -man -Tutf8 -ww -z "$TOP/man/fhook.7"
	fa_eq "$output" ""
	# What man(1) would run (preconv, tbl), without needing man-db, which
	# a minimal Debian lacks: groff-base is all install-deps brings.
	run --separate-stderr -0 env LC_ALL=C.UTF-8 \
		groff -k -t -man -Tutf8 -ww "$TOP/man/fhook.7"
	[ -n "$output" ]
	fa_eq "$stderr" ""
}

@test "fhook(7) describes every attribute, flag and action of configfs-layout.md" {
	run -0 "$TOP/scripts/check-docs"
	fa_eq "$output" ""
}

@test "check-docs names an attribute, a flag or an action fhook(7) lost" {
	sed '/^\.SS missed$/d' "$TOP/man/fhook.7" >no-missed.7
	run -1 "$TOP/scripts/check-docs" "$TOP/configfs-layout.md" no-missed.7
	fa_eq "$output" "check-docs: no-missed.7: attribute 'missed' of $TOP/configfs-layout.md is not described"
	# a .TP entry: drop the line after ".TP" that names the flag
	awk 'tp && /^\.B PERMANENT$/ { tp = 0; next } { print; tp = /^\.TP/ }' \
		"$TOP/man/fhook.7" >no-permanent.7
	run -1 "$TOP/scripts/check-docs" "$TOP/configfs-layout.md" no-permanent.7
	fa_eq "$output" "check-docs: no-permanent.7: flag 'PERMANENT' of $TOP/configfs-layout.md is not described"
	# a new attribute in the layout's tree
	sed 's/^    └── tag .*/&\n    └── colour                      rw  staged/' \
		"$TOP/configfs-layout.md" >layout.md
	run -1 "$TOP/scripts/check-docs" layout.md "$TOP/man/fhook.7"
	fa_eq "$output" "check-docs: $TOP/man/fhook.7: attribute 'colour' of layout.md is not described"
}

@test "fhook-apply(8) documents every option of --help and refers to fhook(7)" {
	run -0 "$APPLY" --help
	opts=$(grep -o -- '--[a-z][a-z-]*' <<<"$output" | sort -u)
	[ -n "$opts" ]
	# the options that head an entry: the line after each .TP
	documented=$(awk 'tp { print } { tp = /^\.TP/ }' "$TOP/man/fhook-apply.8" |
		grep -o -- '\\-\\-[a-z\\-]*' | sed 's/\\-/-/g' | sort -u)
	missing=$(comm -23 <(echo "$opts") <(echo "$documented"))
	fa_eq "$missing" ""
	sed -n '/^\.SH SEE ALSO/,$p' "$TOP/man/fhook-apply.8" | grep -qx '\.BR fhook (7),'
}
