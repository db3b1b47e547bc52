#!/usr/bin/env bats
# Address tokens on the stock kernel: several static functions named
# c_start (the seq_file start of /proc/cpuinfo, /proc/crypto, ...) told
# apart by their start address, which `functions` and `stats` show.

load helpers

setup_file() {
	fh_setup_file
}

teardown() {
	fh_teardown
}

# c_start_addrs: the start address of every text symbol c_start, one per
# line, as an address token takes it (0x, lowercase, no leading zeros).
c_start_addrs() {
	awk '$3 == "c_start" && ($2 == "t" || $2 == "T") {
		sub(/^0+/, "", $1); print "0x" $1 }' /proc/kallsyms | sort -u
}

# cpuinfo_addr: which c_start /proc/cpuinfo calls, found by counting them
# all in hook "all" while only cpuinfo is read.
cpuinfo_addr() {
	local i n f a

	echo 1 >"$FH/all/reset"
	for i in 1 2 3 4 5; do
		cat /proc/cpuinfo >/dev/null
	done
	while read -r n f a; do
		if [ "$f" = c_start ] && [ "$n" -ge 5 ]; then
			echo "$a"
		fi
	done <"$FH/all/stats"
}

@test "address: stock-kernel namesakes show their start address in functions and stats" {
	local addrs lines
	addrs=$(c_start_addrs)
	[ "$(wc -l <<<"$addrs")" -ge 2 ]
	# kallsyms shows root the real addresses (kptr_restrict < 2).
	[ -z "$(grep -x 0x <<<"$addrs")" ]
	fh_hook all c_start
	echo 1 >"$FH/all/enabled"
	lines=$(sed 's/^c_start //' "$FH/all/functions")
	t_eq "$lines" "$addrs"
	t_eq "$(fh_live_value all functions)" "$(wc -l <<<"$addrs")"
	cat /proc/cpuinfo >/dev/null
	run -0 grep -c '^[0-9][0-9]* c_start 0x[0-9a-f]*$' "$FH/all/stats"
	t_eq "$output" "$(wc -l <<<"$addrs")"
}

@test "address: one c_start hooked by its address counts only its own calls" {
	local cpu other i
	fh_hook all c_start
	echo 1 >"$FH/all/enabled"
	cpu=$(cpuinfo_addr)
	[ -n "$cpu" ] && [ "$(wc -l <<<"$cpu")" -eq 1 ]
	other=$(c_start_addrs | grep -vx "$cpu" | head -1)
	fh_hook one "$cpu"
	fh_hook two "$other"
	t_eq "$(cat "$FH/one/filter")" "$cpu"
	t_eq "$(cat "$FH/one/functions")" c_start
	echo 1 >"$FH/one/enabled"
	echo 1 >"$FH/two/enabled"
	echo 1 >"$FH/all/reset"
	for i in 1 2 3; do
		cat /proc/crypto /proc/consoles >/dev/null 2>&1 || true
	done
	t_eq "$(fh_hits one)" 0
	for i in 1 2 3 4; do
		cat /proc/cpuinfo >/dev/null
	done
	[ "$(fh_hits one)" -ge 4 ]
	t_eq "$(fh_hits one)" "$(fh_stat all "c_start $cpu")"
	t_eq "$(fh_hits two)" "$(fh_stat all "c_start $other")"
}

@test "address: an exclusion by address drops just that namesake" {
	local n cpu
	n=$(c_start_addrs | wc -l)
	fh_hook all c_start
	cpu=$(c_start_addrs | head -1)
	mkdir "$FH/rest"
	echo "c_start !$cpu" >"$FH/rest/filter"
	echo 1 >"$FH/rest/commit"
	t_eq "$(fh_live_value rest functions)" $((n - 1))
	run ! grep -x "c_start $cpu" "$FH/rest/functions"
}

@test "address: not a function's start, refused at commit with the reason" {
	local cpu bad
	cpu=$(c_start_addrs | head -1)
	bad=$(printf '%#x' $((cpu + 1)))
	mkdir "$FH/a"
	echo "$bad" >"$FH/a/filter"
	fh_expect_fail a commit 1 EINVAL \
		"filter: address $bad is not the start of a traceable function"
	t_eq "$(fh_live_value a generation)" 0
	echo "vfs_read !$bad" >"$FH/a/filter"
	fh_expect_fail a commit 1 EINVAL \
		"filter: address $bad is not the start of a traceable function"
}
