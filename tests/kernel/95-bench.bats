#!/usr/bin/env bats
# make bench's guest half (bench/guest) at smoke size: every configuration
# of the timed rounds, the commit-cost phase and the workload phase run to
# their end, and every hook, floor module or tool saw every call it was
# timed on (bench/guest checks that itself and fails otherwise). The
# figures of so short a run mean nothing: make bench makes real ones.
# tests/run builds the floor modules (FHOOK_FLOOR_DIR) and fhook-bench
# (FHOOK_BENCH_BIN) for the guest's kernel.

load helpers

setup_file() {
	fh_setup_file
}

teardown() {
	fh_teardown
}

# oops MESSAGE: fail the test, saying why.
oops() {
	echo "$*" >&2
	return 1
}

@test "make bench's guest half: every configuration and phase, at smoke size" {
	local out=$BATS_TEST_TMPDIR/out c p

	[ -f "${FHOOK_FLOOR_DIR:-}/fhook_floor.ko" ] ||
		oops "FHOOK_FLOOR_DIR holds no fhook_floor.ko (tests/run builds it)"
	[ -x "${FHOOK_BENCH_BIN:-}" ] ||
		oops "FHOOK_BENCH_BIN is not fhook-bench (tests/run builds it)"
	mkdir -p "$out"
	run bash "$BATS_TEST_DIRNAME/../../bench/guest" "$out" \
		"$FHOOK_BENCH_BIN" 2000 1000 1 1 5
	echo "$output" | tail -n 15 | sed 's/^/# /' >&3
	t_eq "$status" 0
	for c in base plain rec regs fempty fcount fregs five h10 h100 \
		log ftrace all; do
		grep -q "^$c	1	" "$out/raw.tsv" || oops "no row for $c in raw.tsv"
	done
	# bpftrace (make bench's extra packages) is timed where it runs, and
	# named as unsupported, with the reason, where it does not.
	for c in bkfunc bkprobe; do
		grep -q "^$c	1	" "$out/raw.tsv" ||
			grep -q "^$c=unsupported: ." "$out/env" ||
			oops "$c neither timed nor named unsupported"
	done
	for c in fhook_commit_1 fhook_commit_100 fhook_commit_1000 \
		fhook_commit_all fhook_switch_0 fhook_switch_99 \
		tracefs_filter_1000 tracefs_switch; do
		grep -q "^$c	[1-9]" "$out/commit.tsv" ||
			oops "no row for $c in commit.tsv"
	done
	for c in none fhook ftrace; do
		for p in fork file net; do
			grep -q "^$c	1	$p	" "$out/workload.tsv" ||
				oops "no $c $p row in workload.tsv"
		done
	done
	# bench/guest unloads fhook and removes its hooks when it ends.
	run ! test -d "$FH"
}
