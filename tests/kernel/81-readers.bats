#!/usr/bin/env bats
# Readers of stats on a '*' hook with count and callers: fhook holds no
# copy for an open file (configfs keeps one per file, see
# configfs-layout.md), a reader over read_max_kb gets EBUSY, every read is
# whole, and a reader does not stall commit or hits.

load helpers

MAXKB=/sys/module/fhook/parameters/read_max_kb

setup_file() {
	ft_setup_file || return 1
	mkdir "$FH/all"
	echo '*' >"$FH/all/filter"
	echo "count callers" >"$FH/all/action"
	echo 1 >"$FH/all/commit"
	echo 1 >"$FH/all/enabled"
	hammer "$SYS_C" 2000 3>&-
	ls -lR /sys/kernel/config /proc/sys/kernel >/dev/null 2>&1
	ft_call caller_a 3
}

teardown_file() {
	echo 65536 >"$MAXKB"
	fh_teardown
}

teardown() {
	echo 65536 >"$MAXKB"
}

# whole FILE: a stats text of hook all, whole: ends with a newline, one
# line per function then only caller lines, no empty or cut line.
whole() {
	local n

	n=$(fh_live_value all functions)
	[ -s "$1" ]
	t_eq "$(tail -c1 "$1" | od -An -c | tr -d ' ')" '\n'
	t_eq "$(grep -v '^# ' "$1" | grep -vc ' <- ')" "$n"
	t_eq "$(head -n "$n" "$1" | grep -c ' <- ')" 0
	[ "$(grep -c ' <- ' "$1")" -gt 0 ]
	t_eq "$(grep -Evc '^([0-9]+ [^ ].*[^ ]|# [0-9]+ calls not attributed to a caller: table full)$' "$1")" 0
	head -n "$n" "$1" | cut -d' ' -f1 | sort -c -rn
}

# fhook's own vmalloc()ed bytes (kvmalloc records its caller).
fhook_vmalloc() {
	awk '/\[fhook\]/ { s += $2 } END { print s + 0 }' /proc/vmallocinfo
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Files a reader holds open on stats of '*': each read takes about 0.8 s
# under TCG, and 20 copies of 1 MiB already dwarf fhook's own tables.
OPEN_FILES=20

@test "20 files held open: fhook holds no copy for them; over read_max_kb: EBUSY" {
	local i fd fds=() size before after held

	cat "$FH/all/stats" >"$BATS_TEST_TMPDIR/one"
	size=$(stat -c %s "$BATS_TEST_TMPDIR/one")
	before=$(fhook_vmalloc)
	for ((i = 0; i < OPEN_FILES; i++)); do
		exec {fd}<"$FH/all/stats"
		fds+=("$fd")
		cat <&"$fd" >"$BATS_TEST_TMPDIR/held.$i"
	done
	after=$(fhook_vmalloc)
	held=$(awk '/configfs_bin_read_iter/ { s += $2 } END { print s + 0 }' \
		/proc/vmallocinfo)
	echo "stats: $size bytes; fhook vmalloc $before -> $after with $OPEN_FILES" \
	     "files open; configfs holds $held" >&3
	# Nothing of fhook's grows with the open files (its tables may move
	# by a page or two); configfs holds one copy per file.
	[ "$after" -le $((before + 65536)) ]
	[ "$held" -ge $((OPEN_FILES * size)) ]
	for ((i = 0; i < OPEN_FILES; i++)); do
		whole "$BATS_TEST_TMPDIR/held.$i"
	done

	# A cap below one text: the next reader is refused, named in dmesg.
	echo $((size / 2048)) >"$MAXKB"
	kmsg_mark
	run -1 cat "$FH/all/stats"
	[[ "$output" == *"Device or resource busy"* ]]
	kmsg_since_mark | grep -q "fhook: all/stats: read refused (EBUSY): readers would hold more than read_max_kb=$((size / 2048)) KiB"
	# The files already read keep their copies.
	run -0 cat <&"${fds[0]}"
	t_eq "$output" ""
	echo 65536 >"$MAXKB"
	cat "$FH/all/stats" >"$BATS_TEST_TMPDIR/again"
	whole "$BATS_TEST_TMPDIR/again"
	for fd in "${fds[@]}"; do
		exec {fd}<&-
	done
	[ "$(awk '/configfs_bin_read_iter/ { s += $2 } END { print s + 0 }' \
		/proc/vmallocinfo)" -lt "$held" ]
}

@test "10 concurrent readers: each a whole copy" {
	local i pids=()

	for ((i = 0; i < 10; i++)); do
		cat "$FH/all/stats" >"$BATS_TEST_TMPDIR/c.$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	for ((i = 0; i < 10; i++)); do
		whole "$BATS_TEST_TMPDIR/c.$i"
	done
}

# med_ms CMD...: the median of 21 runs of CMD, in ms.  A median, not the
# longest: TCG runs both vCPUs on one host thread, so any single read can
# lose a time slice to the reader, but only a lock held for the whole
# render would slow most of them.
med_ms() {
	local i t v=()

	for ((i = 0; i < 21; i++)); do
		t=$(now_ms)
		"$@"
		v+=($(($(now_ms) - t)))
	done
	printf '%s\n' "${v[@]}" | sort -n | sed -n 11p
}

# read_hits HOOK
read_hits() {
	local h

	read -r h <"$FH/$1/hits"
	[ -n "$h" ]
}

recommit() {
	echo 1 >"$FH/all/commit"
}

@test "a reader of stats in a loop stalls neither commit nor hits" {
	local t render idle_commit busy_hits other_hits busy_commit reader

	fh_hook other "$FN_D"
	t=$(now_ms)
	cat "$FH/all/stats" >/dev/null
	render=$(($(now_ms) - t))
	t=$(now_ms)
	recommit
	idle_commit=$(($(now_ms) - t))

	(while :; do cat "$FH/all/stats" >/dev/null; done) 3>&- &
	reader=$!
	# hits of the hook being read, and of another hook, under the same load
	busy_hits=$(med_ms read_hits all)
	other_hits=$(med_ms read_hits other)
	t=$(now_ms)
	recommit
	busy_commit=$(($(now_ms) - t))
	kill "$reader"
	wait "$reader" || true
	echo "one read of stats: $render ms; with a reader, hits (median):" \
	     "$busy_hits ms on the hook read, $other_hits ms on another;" \
	     "commit: $idle_commit ms idle, $busy_commit ms with a reader" >&3
	# A commit or hits waits for the copy of the numbers, not the names.
	[ "$busy_commit" -lt $((2 * idle_commit + 1000)) ]
	[ "$busy_hits" -lt $((2 * other_hits + render / 4 + 50)) ]
}
