# Shared by the host suites of fhook-apply: they run on the build host
# against a fake configfs tree (a plain directory shaped like
# /sys/kernel/config/fhook), which holds attributes but never reacts to a
# commit.  Everything a test makes is under $BATS_TEST_TMPDIR.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
APPLY=$TOP/utils/fhook-apply
FEATURES='flags: SAVE_REGS SAVE_REGS_IF_SUPPORTED RECURSION IPMODIFY RCU PERMANENT
actions: count'

# Every test starts in its own directory with an empty fake root, so
# messages name profiles as "p.cfg".
fa_setup() {
	[ -x "$APPLY" ] || {
		echo "build fhook-apply first: make -C $TOP/utils" >&2
		return 1
	}
	ROOT=$BATS_TEST_TMPDIR/fhook
	mkdir -p "$ROOT"
	echo 0.1.0 >"$ROOT/version"
	echo "$FEATURES" >"$ROOT/features"
	export FHOOK_APPLY_LOCK=$BATS_TEST_TMPDIR/lock
	cd "$BATS_TEST_TMPDIR" || return 1
}

# fa ARGS...: fhook-apply against the fake root.
fa() {
	"$APPLY" --root "$ROOT" "$@"
}

# fake_hook NAME [gen=N] [filter=..] [notrace=..] [flags=..] [action=..]
#           [enabled=0|1] [tag=..] [hits=N] [missed=N]
#           [staged_filter=..] [staged_notrace=..] [staged_flags=..]
#           [staged_action=..]
# A hook as the module shows it; lists space-separated, staged
# attributes default to the live ones (action "count" when never
# committed).
fake_hook() {
	local name=$1 d=$ROOT/$1 kv
	local gen=1 filter='' notrace='' flags='' action=count enabled=0 tag=''
	local hits=0 missed=0 staged_filter staged_notrace staged_flags
	local staged_action

	shift
	for kv in "$@"; do
		local "${kv%%=*}=${kv#*=}"
	done
	[ "$gen" = 0 ] && action=''
	staged_filter=${staged_filter-$filter}
	staged_notrace=${staged_notrace-$notrace}
	staged_flags=${staged_flags-$flags}
	staged_action=${staged_action-${action:-count}}
	mkdir -p "$d"
	{
		echo "generation: $gen"
		echo "filter:${filter:+ $filter}"
		echo "notrace:${notrace:+ $notrace}"
		echo "flags:${flags:+ $flags}"
		echo "action:${action:+ $action}"
	} >"$d/live"
	fake_list "$staged_filter" >"$d/filter"
	fake_list "$staged_notrace" >"$d/notrace"
	echo "$staged_flags" >"$d/flags"
	echo "$staged_action" >"$d/action"
	echo "$enabled" >"$d/enabled"
	echo "$tag" >"$d/tag"
	echo "$hits" >"$d/hits"
	echo "$missed" >"$d/missed"
	echo >"$d/last_error"
	: >"$d/commit"
	: >"$d/reset"
}

# A glob list as the module reads it: one per line, nothing when empty.
fake_list() {
	local g

	for g in $1; do
		echo "$g"
	done
}

# profile FILE: the profile on stdin, into FILE.
profile() {
	cat >"$1"
}

# The words of a file, space-separated: compares lists whatever their
# separators.
words() {
	# shellcheck disable=SC2046,SC2005
	echo $(cat "$1")
}

# fa_eq ACTUAL EXPECTED: compare, and say what differed when not equal.
fa_eq() {
	if [ "$1" != "$2" ]; then
		printf 'expected: <%s>\nactual:   <%s>\n' "$2" "$1" >&2
		return 1
	fi
}

# Every file of the fake root with its mtime and content, and every
# directory: equal listings mean nothing was written, created or removed.
tree_state() {
	local f

	find "$ROOT" -type f | sort | while read -r f; do
		printf '%s %s: %s\n' "${f#"$ROOT"/}" "$(stat -c %y "$f")" \
			"$(cat "$f")"
	done
	find "$ROOT" -type d | sort
}
