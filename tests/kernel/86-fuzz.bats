#!/usr/bin/env bats
# Random attribute writes and commits (tests/tools/fhook-fuzz.c): each
# write succeeds whole or fails with an errno and a last_error, a refused
# write changes nothing, live changes only on an accepted commit, and the
# kernel never warns (the guest panics on a warning).
#
#   FHOOK_FUZZ_ITERS  steps on a disabled hook (default 600, about 30 s
#                     in a TCG guest; a step is a write, or 8% of the
#                     time valid values for all and a commit); a tenth of
#                     that, at least 100, to an enabled one
#   FHOOK_FUZZ_SEED   seed, to replay a run (default: random, printed)

load helpers

ITERS=${FHOOK_FUZZ_ITERS:-600}
SEED=${FHOOK_FUZZ_SEED:-$(((RANDOM << 15 | RANDOM) + 1))}

setup_file() {
	ft_setup_file
}

teardown() {
	fh_teardown
}

# fuzz NAME [fhook-fuzz options]: run it on a new hook, print its counts.
fuzz() {
	local name=$1 t0=$SECONDS

	shift
	run "$TOOLS/fhook-fuzz" -s "$SEED" "$@" "$FH/$name"
	echo "$name ($((SECONDS - t0)) s): $output" | tr '\n' ' ' >&3
	echo >&3
	t_eq "$status" 0
	# It did write, and both outcomes happened.
	[[ $output =~ writes:\ ([0-9]+)\ rejected:\ ([0-9]+)\ commits:\ ([0-9]+)\ commits_rejected:\ ([0-9]+) ]]
	[ "${BASH_REMATCH[2]}" -gt 0 ]
	[ "${BASH_REMATCH[2]}" -lt "${BASH_REMATCH[1]}" ]
	[ "${BASH_REMATCH[4]}" -gt 0 ]
	[ "${BASH_REMATCH[4]}" -lt "${BASH_REMATCH[3]}" ]
}

@test "fuzz: random writes and commits to a disabled hook (seed in the output)" {
	mkdir "$FH/fz"
	fuzz fz -n "$ITERS"
	t_eq "$(cat "$FH/fz/enabled")" 0
}

@test "fuzz: random writes and commits to an enabled hook" {
	local n=$((ITERS / 10))

	((n >= 100)) || n=100
	# Starts from a working, enabled configuration; -e keeps the globs to
	# a few functions and never stages redirect.
	fh_hook fe fhook_test_other
	echo 1 >"$FH/fe/enabled"
	fuzz fe -e -n "$n"
	# Whatever it left, the hook is still usable and exact.
	echo fhook_test_other >"$FH/fe/filter"
	echo >"$FH/fe/notrace"
	echo >"$FH/fe/flags"
	echo count >"$FH/fe/action"
	echo 0 >"$FH/fe/args"
	echo >"$FH/fe/target"
	echo >"$FH/fe/pids"
	echo >"$FH/fe/comm"
	echo 1 >"$FH/fe/commit"
	echo 1 >"$FH/fe/enabled"
	echo 1 >"$FH/fe/reset"
	ft_call other 21
	t_eq "$(fh_hits fe)" 21
}

@test "fuzz: random hook names for mkdir get the documented answers" {
	local i j name out ok=0 bad=0 chars='abcXYZ0129_-.* /:é'

	RANDOM=$((SEED % 32768))
	for ((i = 0; i < ITERS / 10; i++)); do
		name=
		# mostly short names, some around the 64-byte limit
		j=$((RANDOM % 4 ? RANDOM % 6 + 1 : RANDOM % 70 + 1))
		for (( ; j > 0; j--)); do
			name+=${chars:RANDOM % ${#chars}:1}
		done
		[[ $name == */* || $name == . || $name == .. ]] && continue
		if out=$(mkdir -- "$FH/$name" 2>&1); then
			[[ $name =~ ^[A-Za-z][A-Za-z0-9_-]{0,63}$ ]] ||
				{ echo "accepted: '$name'"; return 1; }
			rmdir -- "$FH/$name"
			ok=$((ok + 1))
		else
			[[ ! $name =~ ^[A-Za-z][A-Za-z0-9_-]{0,63}$ ]] ||
				{ echo "refused: '$name': $out"; return 1; }
			[[ $out =~ Invalid\ argument|File\ name\ too\ long ]] ||
				{ echo "'$name': $out"; return 1; }
			bad=$((bad + 1))
		fi
	done
	echo "mkdir: $ok accepted, $bad refused (seed $SEED)" >&3
	[ "$ok" -gt 0 ]
	[ "$bad" -gt 0 ]
}
