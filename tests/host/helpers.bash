# Shared by the host suites of fhook-apply: they run on the build host
# against a fake configfs tree (a plain directory shaped like
# /sys/kernel/config/fhook), which holds attributes but never reacts to a
# commit.  Everything a test makes is under $BATS_TEST_TMPDIR.
# shellcheck shell=bash

load ../lib/common

# tests/run's sanitized build, else utils/'s
APPLY=${FHOOK_APPLY:-$APPLY}

# Every test starts in its own directory with an empty fake root, so
# messages name profiles as "p.cfg".
fa_setup() {
	ROOT=$BATS_TEST_TMPDIR/fhook
	mkdir -p "$ROOT"
	echo 0.1.0 >"$ROOT/version"
	echo "$FEATURES" >"$ROOT/features"
	export FHOOK_APPLY_LOCK=$BATS_TEST_TMPDIR/lock
	apply_setup
}

# fa ARGS...: fhook-apply against the fake root.
fa() {
	"$APPLY" --root "$ROOT" "$@"
}

# fake_hook NAME [gen=N] [filter=..] [notrace=..] [flags=..] [action=..]
#           [args=N] [stack_depth=N] [target=..] [pids=..] [comm=..]
#           [sample=N] [functions=N] [enabled=0|1] [tag=..] [hits=N]
#           [missed=N] [staged_ATTR=..] for each staged attribute ATTR
#           [stats=LINES]
# A hook as the module shows it; lists space-separated, staged
# attributes default to the live ones (action "count" when never
# committed).  functions= (empty) leaves out live's functions line, as
# a module older than 0.2.0; stats writes the stats file (no stats: none).
fake_hook() {
	local name=$1 d=$ROOT/$1 kv
	local gen=1 filter='' notrace='' flags='' action=count enabled=0 tag=''
	local args=0 stack_depth=16 target='' pids='' comm='' sample=1
	local functions=0 hits=0 missed=0
	local staged_filter staged_notrace staged_flags staged_action
	local staged_args staged_stack_depth staged_target staged_pids
	local staged_comm staged_sample stats

	shift
	for kv in "$@"; do
		local "${kv%%=*}=${kv#*=}"
	done
	[ "$gen" = 0 ] && action=''
	staged_filter=${staged_filter-$filter}
	staged_notrace=${staged_notrace-$notrace}
	staged_flags=${staged_flags-$flags}
	staged_action=${staged_action-${action:-count}}
	staged_args=${staged_args-$args}
	staged_stack_depth=${staged_stack_depth-$stack_depth}
	staged_target=${staged_target-$target}
	staged_pids=${staged_pids-$pids}
	staged_comm=${staged_comm-$comm}
	staged_sample=${staged_sample-$sample}
	mkdir -p "$d"
	{
		echo "generation: $gen"
		echo "filter:${filter:+ $filter}"
		echo "notrace:${notrace:+ $notrace}"
		echo "flags:${flags:+ $flags}"
		echo "action:${action:+ $action}"
		echo "args: $args"
		echo "stack_depth: $stack_depth"
		echo "target:${target:+ $target}"
		echo "pids:${pids:+ $pids}"
		echo "comm:${comm:+ $comm}"
		echo "sample: $sample"
		[ -z "$functions" ] || echo "functions: $functions"
	} >"$d/live"
	[ -z "${stats+set}" ] || printf '%s' "${stats:+$stats$'\n'}" >"$d/stats"
	fake_list "$staged_filter" >"$d/filter"
	fake_list "$staged_notrace" >"$d/notrace"
	echo "$staged_flags" >"$d/flags"
	echo "$staged_action" >"$d/action"
	echo "$staged_args" >"$d/args"
	echo "$staged_stack_depth" >"$d/stack_depth"
	echo "$staged_target" >"$d/target"
	echo "$staged_pids" >"$d/pids"
	echo "$staged_comm" >"$d/comm"
	echo "$staged_sample" >"$d/sample"
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

# The words of a file, space-separated: compares lists whatever their
# separators.
words() {
	# shellcheck disable=SC2046,SC2005
	echo $(cat "$1")
}

# The host suites' name for t_eq.
fa_eq() {
	t_eq "$@"
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
