#!/usr/bin/env bats
# The kernel's own ftrace selftests (tools/testing/selftests/ftrace from
# linux-source-6.1, unpacked on the host by tests/selftests/run) run in the
# guest twice: without fhook hooks, then with hooks live. fhook must not
# change a single result: the counts of passed, failed, unresolved and
# unsupported tests are the same both ways.
#
# The hooks of the second run: `*` with count, so every call site the
# tests trace is shared with an fhook ops (ftrace then calls each site
# through its list function, and every filter the tests write is merged
# with fhook's hashes), plus a count hook on schedule and vfs_read, the
# functions the tests themselves filter on. After the run a third hook
# must still count exactly: the selftests reset tracefs, not fhook.
#
#   FHOOK_FTRACETEST       the unpacked selftests/ftrace directory
#   FHOOK_FTRACETEST_DIRS  test.d subdirectories run (default
#                          "00basic ftrace filter instances")

load ../kernel/helpers

DIRS=${FHOOK_FTRACETEST_DIRS:-00basic ftrace filter instances}

setup_file() {
	fh_setup_file
	[ -x "${FHOOK_FTRACETEST:-}/ftracetest" ] || {
		echo "FHOOK_FTRACETEST is not an ftracetest directory" >&2
		return 1
	}
	# ftracetest writes its logs next to itself: a private copy.
	cp -r "$FHOOK_FTRACETEST" "$BATS_FILE_TMPDIR/ftrace"
}

teardown_file() {
	fh_cleanup
}

# ftracetest NAME: run the tests, leave "passed failed unresolved
# unsupported" (and the rest of the summary) in NAME.counts.
ftracetest() {
	local name=$1 dir=$BATS_FILE_TMPDIR/ftrace d args=() t0=$SECONDS

	for d in $DIRS; do
		args+=("test.d/$d")
	done
	(cd "$dir" && ./ftracetest -l "$BATS_FILE_TMPDIR/log-$name" "${args[@]}") \
		>"$BATS_FILE_TMPDIR/$name.out" 2>&1 3>&- || true
	awk '/^# of passed:/ { p = $NF } /^# of failed:/ { f = $NF }
	     /^# of unresolved:/ { r = $NF } /^# of untested:/ { t = $NF }
	     /^# of unsupported:/ { u = $NF } /^# of xfailed:/ { x = $NF }
	     /^# of undefined/ { d = $NF }
	     END { print p + 0, f + 0, r + 0, u + 0, t + 0, x + 0, d + 0 }' \
		"$BATS_FILE_TMPDIR/$name.out" >"$BATS_FILE_TMPDIR/$name.counts"
	read -r p f r u t x d <"$BATS_FILE_TMPDIR/$name.counts"
	echo "$name: $p passed, $f failed, $r unresolved, $u unsupported," \
	     "$t untested, $x xfailed, $d undefined in $((SECONDS - t0)) s" >&3
	grep -E '^\[[0-9]+\].*\[(FAIL|UNRESOLVED|UNSUPPORTED)\]' \
		"$BATS_FILE_TMPDIR/$name.out" | sed "s/^/#   $name: /" >&3 || true
	[ "$p" -gt 0 ]
}

@test "ftracetest: without fhook hooks" {
	ftracetest plain
}

@test "ftracetest: the same results with fhook hooks live" {
	[ -f "$BATS_FILE_TMPDIR/plain.counts" ]
	mkdir "$FH/all"
	echo '*' >"$FH/all/filter"
	echo 1 >"$FH/all/commit"
	echo 1 >"$FH/all/enabled"
	fh_hook sel 'schedule vfs_read'
	echo 1 >"$FH/sel/enabled"
	ftracetest hooked
	t_eq "$(cat "$FH/all/enabled") $(cat "$FH/sel/enabled")" "1 1"
	[ "$(fh_hits sel)" -gt 0 ]
	diff -u "$BATS_FILE_TMPDIR/plain.out" "$BATS_FILE_TMPDIR/hooked.out" |
		grep '^[-+]\[' || true
	t_eq "$(cat "$BATS_FILE_TMPDIR/hooked.counts")" \
	     "$(cat "$BATS_FILE_TMPDIR/plain.counts")"
	# fhook still exact after all that.
	rmdir "$FH/all"
	mkdir "$FH/y"
	echo "$FN_C" >"$FH/y/filter"
	echo fhook-hammer >"$FH/y/comm"
	echo 1 >"$FH/y/commit"
	echo 1 >"$FH/y/enabled"
	hammer "$SYS_C" 500
	t_eq "$(fh_hits y)" 500
}
