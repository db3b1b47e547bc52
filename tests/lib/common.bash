# Shared by every suite, host and kernel: loaded first by
# tests/host/helpers.bash and tests/kernel/helpers.bash.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
APPLY=$TOP/utils/fhook-apply
PROFILES=$TOP/profiles

# What the module's features attribute reads on x86-64 (configfs-layout.md):
# the kernel suites check the module against it, the host suites give it
# to fhook-apply as a fake root's.
FEATURES='flags: SAVE_REGS SAVE_REGS_IF_SUPPORTED RECURSION IPMODIFY RCU PERMANENT
actions: count log stack callers redirect
predicates: pids comm sample
limits: args=6 stack_depth=64 pids=64 comm=16 sample=1000000000 name=64 tag=64 globs=256 glob=511 input=4094 target=127 comm_glob=64 pid=4194304 fetches=16 fetch_depth=8
needs_save_regs:'

# bats runs a DEBUG trap before every command of a test, helpers
# included, to keep a stack trace for its failure report. Bats 1.8's
# trap costs far more than the commands themselves do in a loop of shell
# code (a 2,000-round loop of a small function: 2.0 s with it, 0.02 s
# without), and under TCG that is most of some tests' time. This one
# keeps the same trace, in the same variables, at a third of the cost;
# it replaces bats' only where bats' internals are the ones it was
# written for (1.8: bats_capture_stack_trace exists).
if declare -F bats_capture_stack_trace >/dev/null; then
	bats_debug_trap() {
		local i

		[[ ${BASH_SOURCE[1]} != */bats-core/* ]] || return 0
		BATS_DEBUG_LASTLAST_STACK_TRACE=(${BATS_DEBUG_LAST_STACK_TRACE[@]+"${BATS_DEBUG_LAST_STACK_TRACE[@]}"})
		BATS_DEBUG_LAST_STACK_TRACE=()
		for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
			BATS_DEBUG_LAST_STACK_TRACE+=("${BASH_LINENO[i - 1]} ${FUNCNAME[i]} ${BASH_SOURCE[i]}")
			case ${FUNCNAME[i]} in
			"$BATS_TEST_NAME" | setup | teardown | setup_file | teardown_file) break ;;
			esac
		done
	}
fi

# t_eq ACTUAL EXPECTED: compare, and say what differed when not equal.
t_eq() {
	if [ "$1" != "$2" ]; then
		printf 'expected: <%s>\nactual:   <%s>\n' "$2" "$1" >&2
		return 1
	fi
}

# limit KEY: one value of the features "limits:" line above.
limit() {
	local kv

	for kv in $(sed -n 's/^limits: //p' <<<"$FEATURES"); do
		[ "${kv%%=*}" != "$1" ] || {
			echo "${kv#*=}"
			return 0
		}
	done
	echo "no limit '$1' in FEATURES" >&2
	return 1
}

# profile FILE: the profile on stdin, into FILE.
profile() {
	cat >"$1"
}

# fhook-apply must be built; tests run in their own directory, so
# messages name profiles as "p.cfg".
apply_setup() {
	[ -x "$APPLY" ] || {
		echo "build fhook-apply first: make tools" >&2
		return 1
	}
	cd "$BATS_TEST_TMPDIR" || return 1
}

# hold_lock FILE SECONDS: hold flock FILE for SECONDS from a background
# process (its pid in LOCK_HOLDER), returning once it is held.
hold_lock() {
	local i

	flock "$1" sleep "$2" &
	LOCK_HOLDER=$!
	for ((i = 0; i < 250; i++)); do
		flock -n "$1" true || return 0
		sleep 0.02
	done
	echo "the lock holder never took $1" >&2
	return 1
}

# kmsg_mark: a unique line in the kernel log; kmsg_since_mark then prints
# only what the kernel logged after it, so a test reads its own messages
# whatever came before (no dmesg -C, no sleep).
kmsg_mark() {
	KMSG_MARK="fhook-test: mark $BATS_TEST_NAME $$ $RANDOM$RANDOM"
	echo "$KMSG_MARK" >/dev/kmsg
}

kmsg_since_mark() {
	[ -n "${KMSG_MARK:-}" ] || {
		echo "kmsg_since_mark without kmsg_mark" >&2
		return 1
	}
	dmesg | awk -v mark="$KMSG_MARK" 'seen; index($0, mark) { seen = 1 }'
}
