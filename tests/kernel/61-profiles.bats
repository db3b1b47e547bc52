#!/usr/bin/env bats
# Every profile in profiles/ applies cleanly on this kernel, whichever of
# the six it is: all globs match (of "a|b", the one this kernel has),
# every hook is created enabled and tagged, --diff is then empty, a
# second apply writes nothing, and the hooks see the activity they are
# about.

load helpers
load apply-helpers

setup_file() {
	fh_setup_file
}

setup() {
	apply_setup
}

teardown() {
	fh_teardown
}

# The text of $1 as an extended regular expression: a release such as
# 6.12.95+deb12-amd64 has '.' and '+'.
fa_ere() {
	sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$1"
}

# fa_notes PROFILE HOOKS N: --check-symbols's $output is one note per
# glob with alternatives ("a|b") of PROFILE, each naming this kernel for
# what it lacks, then the valid line.  "HOOK GLOB" of each go to $used.
fa_notes() {
	local p=$1 hooks=$2 n=$3 alts line re

	alts=$(sed 's/#.*//' "$p" | grep -o '"[^"]*|[^"]*"' | wc -l)
	t_eq "${#lines[@]}" "$((alts + 1))"
	t_eq "${lines[-1]}" "$p: valid, $n hooks, every glob matches a traceable function"
	re="^$(fa_ere "$p"):[0-9]+: note: hook '([a-z0-9_]+)': "
	re+="(using '([^']+)', the first alternative|"
	re+="('[^']+'(, '[^']+')*( and '[^']+')?) (is|are) not on $(fa_ere "$(uname -r)"), using '([^']+)')$"
	used=
	for line in "${lines[@]:0:alts}"; do
		[[ $line =~ $re ]] || {
			echo "not a note on this kernel: $line" >&2
			return 1
		}
		grep -qx "${BASH_REMATCH[1]}" <<<"$hooks"
		used+="${BASH_REMATCH[1]} ${BASH_REMATCH[3]}${BASH_REMATCH[8]}"$'\n'
	done
}

# fa_apply_clean NAME: check, apply and re-apply profiles/NAME.cfg.  A
# glob with alternatives reaches the module as the one the note named.
fa_apply_clean() {
	local p=$PROFILES/$1.cfg hooks h n off writes used glob

	hooks=$(sed -n 's/^  \([a-z0-9_]*\) = {$/\1/p' "$p")
	n=$(echo "$hooks" | wc -l)
	# mkdir, tag, 10 staged attributes, commit, and enabled unless false
	off=$(grep -c 'enabled = false;' "$p" || true)
	writes=$((14 * n - off))
	run --separate-stderr -0 "$APPLY" --check-symbols "$p"
	t_eq "$stderr" ""
	fa_notes "$p" "$hooks" "$n"
	run --separate-stderr -0 "$APPLY" "$p"
	t_eq "$stderr" ""
	t_eq "${lines[-1]}" "$p: applied: $n created, 0 changed, 0 removed, 0 up to date ($writes writes)"
	for h in $hooks; do
		t_eq "$h: $(cat "$FH/$h/tag") $(fa_gen "$h")" "$h: fhook-apply:$1 1"
	done
	while read -r h glob; do
		[ -n "$h" ] || continue
		grep -qwF -- "$glob" <<<"$(fh_live_value "$h" filter)"
	done <<<"$used"
	run ! grep -l '|' "$FH"/*/live
	t_eq "$(cat "$FH"/*/enabled | grep -c 0)" "$off"
	t_eq "$(find "$FH" -mindepth 1 -maxdepth 1 -type d | wc -l)" "$n"
	run --separate-stderr -0 "$APPLY" --diff "$p"
	t_eq "$output" ""
	run --separate-stderr -0 "$APPLY" "$p"
	t_eq "$output" "$p: nothing to do: $n hooks up to date (0 writes)"
}

# fa_saw HOOK: the hook counted at least one call.
fa_saw() {
	local hits

	hits=$(fh_hits "$1")
	[ "$hits" -gt 0 ] || {
		echo "hook $1 saw nothing (hits $hits)" >&2
		return 1
	}
}

@test "sched.cfg: scheduler activity" {
	fa_apply_clean sched
	sleep 0.2
	fa_saw sched_switch
	fa_saw sched_wakeup
	fa_saw sched_tick
	(exit 0) &
	wait
	fa_saw sched_lifecycle
	taskset -c 0 nice -n 1 true
	fa_saw sched_attr
}

@test "vfs.cfg: VFS reads and writes" {
	fa_apply_clean vfs
	cat "$PROFILES/vfs.cfg" >/dev/null
	dd if=/dev/zero of="$BATS_TEST_TMPDIR/f" bs=4k count=4 conv=fsync status=none
	fa_saw vfs_read
	fa_saw vfs_write
	fa_saw vfs_sync
	fa_saw vfs_rw_all
}

@test "net.cfg: network transmit and receive paths" {
	fa_apply_clean net
	echo fhook >/dev/udp/127.0.0.1/9
	fa_saw net_tx_sock
	fa_saw net_tx_ip
	fa_saw net_tx_dev
	fa_saw net_rx_dev
	fa_saw net_rx_ip
	fa_saw net_rx_l4
}

@test "security.cfg: credentials, exec" {
	fa_apply_clean security
	setpriv --reuid=65534 --regid=65534 --clear-groups true
	fa_saw sec_creds
	fa_saw sec_setid
	fa_saw sec_exec
}

@test "latency.cfg: callers, sampled stacks, logged opens with predicates" {
	fa_apply_clean latency
	dd if=/dev/zero of="$BATS_TEST_TMPDIR/f" bs=4k count=1 conv=fsync status=none
	grep -Eq '^[1-9][0-9]* (do_fsync|vfs_fsync_range) <- ' "$FH/lat_fsync_callers/stats"
	cat "$PROFILES/latency.cfg" >/dev/null
	grep -q '^[1-9][0-9]* filemap_read <- ' "$FH/lat_pagecache_callers/stats"
	sleep 0.5
	fa_saw lat_sleep_stacks
	setpriv --reuid=65534 --regid=65534 --clear-groups true
	grep -q 'hook=lat_creds_stack func=commit_creds ' \
		/sys/kernel/tracing/instances/fhook/trace
	grep -A3 'hook=lat_creds_stack func=commit_creds ' \
		/sys/kernel/tracing/instances/fhook/trace | grep -q '=> .*setresuid'
	bash -c 'cat /dev/null'
	grep -q 'bash.*hook=lat_shell_opens func=do_sys_openat2 ' \
		/sys/kernel/tracing/instances/fhook/trace
	t_eq "$(fh_hits lat_init_opens)" 0
	t_eq "$(cat "$FH/lat_slab_callers/enabled")" 0
}

@test "all five profiles at once: one profile including them" {
	{
		echo "version = 1;"
		echo "hooks = {"
		for p in sched vfs net security latency; do
			sed -n '/^hooks = {$/,/^};$/p' "$PROFILES/$p.cfg" |
				sed '1d;$d' >"$p.hooks"
			echo "  @include \"$p.hooks\""
		done
		echo "};"
	} >all.cfg
	run --separate-stderr -0 "$APPLY" all.cfg
	t_eq "$stderr" ""
	t_eq "${lines[-1]}" "all.cfg: applied: 33 created, 0 changed, 0 removed, 0 up to date (461 writes)"
	run -0 "$APPLY" --diff all.cfg
	t_eq "$output" ""
}
