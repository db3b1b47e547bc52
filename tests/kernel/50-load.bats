#!/usr/bin/env bats
# Hooks under load: every traceable function, several hooks at once,
# rmdir and commits while callbacks run on both CPUs. The guest boots with
# panic_on_warn=1, so any kernel warning fails the whole run.

load helpers

setup_file() {
	fh_setup_file
}

teardown() {
	[ -z "${LOAD:-}" ] || kill $LOAD 2>/dev/null || true
	wait 2>/dev/null || true
	fh_teardown
}

# A workload touching the VFS, scheduler, memory, signals and processes.
workload() {
	local i

	for ((i = 0; i < $1; i++)); do
		find /usr/lib -maxdepth 2 -name '*.so*' >/dev/null 2>&1
		ls -lR /sys/kernel/config >/dev/null
		cat /proc/meminfo /proc/self/status >/dev/null
		sh -c 'true' &
		wait
	done
}

# Without bats's errexit: ls -lR meets hook directories that vanish under
# it (rmdir is what the tests do), and that must not end the load.
start_load() {
	(
		set +e
		while :; do workload 1; done
	) 3>&- &
	LOAD=$!
}

@test "'*' hooks every traceable function and counts under load" {
	fh_hook all '*'
	echo 1 >"$FH/all/enabled"
	n=$(wc -l <"$TRACING/enabled_functions")
	echo "enabled functions: $n" >&3
	[ "$n" -gt 20000 ]
	workload 5
	h1=$(fh_hits all)
	workload 5
	h2=$(fh_hits all)
	echo "hits: $h1 then $h2, missed $(cat "$FH/all/missed")" >&3
	[ "$h1" -gt 100000 ]
	[ "$h2" -gt "$h1" ]
	rmdir "$FH/all"
	[ "$(wc -l <"$TRACING/enabled_functions")" -lt "$n" ]
}

@test "'*' minus notrace globs: excluded functions are not hooked" {
	mkdir "$FH/most"
	echo '*' >"$FH/most/filter"
	echo "__do_sys_* vfs_*" >"$FH/most/notrace"
	echo 1 >"$FH/most/commit"
	echo 1 >"$FH/most/enabled"
	run -1 grep -qE '^(__do_sys_|vfs_)' "$TRACING/enabled_functions"
	grep -q '^schedule ' "$TRACING/enabled_functions"
	hammer "$SYS_A" 1000
	workload 2
	[ "$(fh_hits most)" -gt 0 ]
}

@test "RECURSION and RCU flags with '*' under load" {
	fh_hook all '*' "RECURSION RCU"
	echo 1 >"$FH/all/enabled"
	workload 3
	[ "$(fh_hits all)" -gt 10000 ]
}

@test "rmdir of hot hooks while both CPUs run hooked functions" {
	local i

	start_load
	for ((i = 0; i < 5; i++)); do
		fh_hook "h$i" 'schedule* vfs_* __x64_sys_* kmem_cache_*' RECURSION
		echo 1 >"$FH/h$i/enabled"
	done
	sleep 1
	for ((i = 0; i < 5; i++)); do
		[ "$(fh_hits "h$i")" -gt 0 ]
		rmdir "$FH/h$i"
	done
	kill $LOAD
	LOAD=
	wait
	! ls "$FH"/h* 2>/dev/null
}

@test "commits of a hot '*'-sized hook under load" {
	start_load
	fh_hook big 'vfs_* schedule*'
	echo 1 >"$FH/big/enabled"
	for glob in 'kmem_* vfs_*' 'schedule* __x64_sys_*' 'vfs_*'; do
		echo "$glob" >"$FH/big/filter"
		echo 1 >"$FH/big/commit"
	done
	[ "$(fh_hits big)" -gt 0 ]
}

@test "rmmod after a loaded session leaves no fhook function enabled" {
	fh_hook last "vfs_read"
	echo 1 >"$FH/last/enabled"
	rmdir "$FH/last"
	rmmod fhook
	run -1 grep -q '^vfs_read ' "$TRACING/enabled_functions"
	modprobe fhook
}
