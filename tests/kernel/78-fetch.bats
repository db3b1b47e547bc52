#!/usr/bin/env bats
# Named, typed fetches in args (issue 13): NAME=FETCH[:TYPE], and the
# trace event fhook:<hook> a hook with them logs to, whose fields are its
# fetches: read through the fhook instance, event filters, hist triggers,
# perf and trace-cmd. Faults are marked, strings bounded.

load helpers

OPEN_FN=do_sys_openat2

setup_file() {
	ft_setup_file
}

setup() {
	fh_clear_trace
}

teardown() {
	local ev

	for ev in "$TRACING"/events/fhook/*/; do
		ev=${ev%/}
		case ${ev##*/} in fhook_call | fhook_stack | fhook_ctl) continue ;; esac
		echo 0 >"$ev/enable" 2>/dev/null || true
		echo 0 >"$ev/filter" 2>/dev/null || true
		echo '!hist:keys=filename' >"$ev/trigger" 2>/dev/null || true
	done
	[ ! -d "$TRACING/instances/t78" ] || rmdir "$TRACING/instances/t78"
	fh_teardown
}

# fetch_hook NAME FUNCTION ARGS: log hook, committed and enabled.
fetch_hook() {
	mkdir "$FH/$1"
	echo "$2" >"$FH/$1/filter"
	echo log >"$FH/$1/action"
	echo "$3" >"$FH/$1/args"
	echo 1 >"$FH/$1/commit"
	echo 1 >"$FH/$1/enabled"
}

@test "args: named fetches read back canonical, one a line; a count still works" {
	mkdir "$FH/f"
	fh_put "$FH/f/args" 'a=$arg1 b=+0x10($arg2):u32 c=-8(+24(+0($arg3))):string d=$arg6:s8'
	t_eq "$(cat "$FH/f/args")" 'a=$arg1:x64
b=+16($arg2):u32
c=-8(+24(+0($arg3))):string
d=$arg6:s8'
	echo 3 >"$FH/f/args"
	t_eq "$(cat "$FH/f/args")" 3
}

@test "args: every malformed fetch is refused with its reason, nothing changed" {
	mkdir "$FH/f"
	echo 'ok=$arg1' >"$FH/f/args"
	while IFS='|' read -r spec why; do
		fh_expect_fail f args "$spec" EINVAL "args: '$spec': $why" || { echo "spec: $spec" >&2; return 1; }
		t_eq "$(cat "$FH/f/args")" 'ok=$arg1:x64'
	done <<'EOF'
a|a fetch is NAME=FETCH[:TYPE]
1a=$arg1|a name is a letter or '_', then letters, digits or '_', 31 bytes at most
a-b=$arg1|a name is a letter or '_', then letters, digits or '_', 31 bytes at most
func=$arg1|name 'func' is reserved
common_pid=$arg1|name 'common_pid' is reserved
fhook_layout=$arg1|name 'fhook_layout' is reserved
a=$arg0|a fetch is $arg1 to $arg6 or +OFFSET(FETCH)
a=$arg7|a fetch is $arg1 to $arg6 or +OFFSET(FETCH)
a=$arg1:u128|unknown type: u8..u64, s8..s64, x8..x64, string or ustring
a=+8($arg1|a dereference is +OFFSET(FETCH), in parentheses
a=+8$arg1)|a dereference is +OFFSET(FETCH), in parentheses
a=+z($arg1)|offset must be a decimal or 0x number up to 0x7fffffff
a=+0x80000000($arg1)|offset must be a decimal or 0x number up to 0x7fffffff
a=+1(+1(+1(+1(+1(+1(+1(+1(+1($arg1)))))))))|more than 8 dereferences
EOF
	fh_expect_fail f args 'a=$arg1 a=$arg2' EINVAL "args: 'a=\$arg2': name used twice"
}

@test "a log hook with named args has its event fhook:NAME, fields typed" {
	fetch_hook opens "$OPEN_FN" 'dfd=$arg1:s32 filename=$arg2:string flags=+0($arg3):x64'
	local fmt=$TRACING/events/fhook/opens/format base
	# After the common header (16 bytes on 6.1 RT, 8 elsewhere): func,
	# caller, fhook_layout, then the fields in order, naturally aligned.
	base=$(sed -n 's/^\tfield:unsigned long func;\toffset:\([0-9]*\);\tsize:8;\tsigned:0;$/\1/p' "$fmt")
	[ -n "$base" ]
	[ $((base % 8)) -eq 0 ]
	grep -q $'\tfield:unsigned long caller;\toffset:'$((base + 8))$';\tsize:8;\tsigned:0;' "$fmt"
	grep -q $'\tfield:u32 fhook_layout;\toffset:'$((base + 16))$';\tsize:4;\tsigned:0;' "$fmt"
	grep -q $'\tfield:s32 dfd;\toffset:'$((base + 20))$';\tsize:4;\tsigned:1;' "$fmt"
	grep -q $'\tfield:__data_loc char\[\] filename;\toffset:'$((base + 24))$';\tsize:4;\tsigned:1;' "$fmt"
	grep -q $'\tfield:u64 flags;\toffset:'$((base + 32))$';\tsize:8;\tsigned:0;' "$fmt"
	grep -qF 'print fmt: "func=%ps caller=%pS dfd=%d filename=\"%s\" flags=0x%llx"' "$fmt"
	t_eq "$(cat "$FHI/events/fhook/opens/enable")" 1
	t_eq "$(fh_live_value opens args)" 'dfd=$arg1:s32 filename=$arg2:string flags=+0($arg3):x64'
}

@test "opening a known path logs it as a string; a filter and a hist trigger use the field" {
	fetch_hook opens "$OPEN_FN" 'dfd=$arg1:s32 filename=$arg2:string'
	cat /etc/hostname >/dev/null
	grep -q ' opens: func=do_sys_openat2 caller=[^ ]* dfd=-100 filename="/etc/hostname"$' "$FHI/trace"
	local ev=$TRACING/events/fhook/opens
	echo 'filename ~ "/etc/host*"' >"$ev/filter"
	echo 'hist:keys=filename' >"$ev/trigger"
	echo 1 >"$ev/enable"
	cat /etc/hostname /etc/hostname /etc/passwd >/dev/null
	echo 0 >"$ev/enable"
	t_eq "$(grep -v '^#' "$TRACING/trace" | grep -c ' opens: ')" \
	     "$(grep -v '^#' "$TRACING/trace" | grep -c 'filename="/etc/host')"
	grep -q 'filename="/etc/hostname"' "$TRACING/trace"
	grep -Eq '^\{ filename: /etc/hostname +\} hitcount: +2$' "$ev/hist"
}

@test "faults are marked, never an oops: a bad pointer, a NULL in a chain, a 4 KiB string" {
	fetch_hook t "$FT_TARGET" 'bad=$arg1:string null=+8(+0($arg2)):string n=+8($arg1):u64'
	kmsg_mark
	ft_call caller_a 1 5 0
	grep -q ' t: func=fhook_test_target .* bad="(fault)" null="(fault)" n=0$' "$FHI/trace"
	fetch_hook opens "$OPEN_FN" 'filename=$arg2:string'
	local long
	long=$(printf '/%0250d' {1..16})
	cat "$long" 2>/dev/null || true
	local got
	got=$(sed -n 's/.* opens: .* filename="\(\/0*1\/[^"]*\)"$/\1/p' "$FHI/trace" | head -n1)
	t_eq "${#got}" 255
	kmsg_no_warning
}

@test "fields change at a commit: refused while the event is enabled elsewhere" {
	fetch_hook opens "$OPEN_FN" 'dfd=$arg1:s32'
	echo 1 >"$TRACING/events/fhook/opens/enable"
	# A commit that keeps the fields keeps the event, enabled or not.
	echo 'comm*' >"$FH/opens/comm"
	echo 1 >"$FH/opens/commit"
	t_eq "$(fh_live_value opens generation)" 2
	t_eq "$(cat "$TRACING/events/fhook/opens/enable")" 1
	echo >"$FH/opens/comm"
	echo 'dfd=$arg1:s32 filename=$arg2:string' >"$FH/opens/args"
	run fh_put "$FH/opens/commit" 1
	t_eq "$output" EBUSY
	t_eq "$(cat "$FH/opens/last_error")" \
	     "trace event fhook:opens is in use (open by perf, or enabled outside the fhook instance): its fields cannot change"
	t_eq "$(fh_live_value opens generation)" 2
	grep -q 'field:s32 dfd' "$TRACING/events/fhook/opens/format"
	echo 0 >"$TRACING/events/fhook/opens/enable"
	echo 1 >"$FH/opens/commit"
	t_eq "$(fh_live_value opens generation)" 3
	grep -q 'field:__data_loc char\[\] filename' "$TRACING/events/fhook/opens/format"
	t_eq "$(cat "$FHI/events/fhook/opens/enable")" 1
}

@test "a commit that changes the fetches is atomic: each record all old or all new" {
	fetch_hook t "$FT_TARGET" 'a=$arg1:u64'
	local out=$BATS_TEST_TMPDIR/pipe reader caller i
	# Removing an enabled event clears the instance's buffer: read it
	# as it is written.
	cat "$FHI/trace_pipe" >"$out" &
	reader=$!
	(while :; do ft_call caller_a 200 7 9; done) &
	caller=$!
	for i in 1 2 3 4; do
		echo 'b=$arg2:u64 c=$arg1:s8' >"$FH/t/args"
		echo 1 >"$FH/t/commit"
		sleep 0.3
		echo 'a=$arg1:u64' >"$FH/t/args"
		echo 1 >"$FH/t/commit"
		sleep 0.3
	done
	kill "$caller"
	wait "$caller" 2>/dev/null || true
	sleep 0.5
	kill "$reader"
	wait "$reader" 2>/dev/null || true
	t_eq "$(fh_live_value t generation)" 9
	# every record one of the two sets of fields, with the right values
	# or, read after the commit, marked as of the fields before it (the
	# new event may have the old one's id)
	local good=' t: (func=fhook_test_target \[fhook_test\] caller=.* (a=7|b=9 c=7)|\(recorded with the fields before a commit\))$'
	grep ' t: ' "$out" | grep -Ev "$good" | head -n 5 >&2 || true
	t_eq "$(grep ' t: ' "$out" | grep -cEv "$good" || true)" 0
	[ "$(grep -c ' t: .* a=7$' "$out")" -gt 0 ]
	[ "$(grep -c ' t: .* b=9 c=7$' "$out")" -gt 0 ]
}

@test "perf script and trace-cmd report show the named fields" {
	fetch_hook opens "$OPEN_FN" 'dfd=$arg1:s32 filename=$arg2:string'
	perf record -q -e fhook:opens -o "$BATS_TEST_TMPDIR/p.data" -- cat /etc/hostname >/dev/null
	perf script -i "$BATS_TEST_TMPDIR/p.data" | grep -q 'fhook:opens: func=do_sys_openat2 .*dfd=-100 filename="/etc/hostname"'
	trace-cmd record -q -e fhook:opens -o "$BATS_TEST_TMPDIR/t.dat" cat /etc/hostname >/dev/null
	trace-cmd report -i "$BATS_TEST_TMPDIR/t.dat" 2>/dev/null | grep -q 'opens: .*filename="/etc/hostname"'
}

@test "rmdir removes the hook's event; a hook name that is no event name is refused" {
	fetch_hook opens "$OPEN_FN" 'dfd=$arg1:s32'
	[ -d "$TRACING/events/fhook/opens" ]
	rmdir "$FH/opens"
	[ ! -e "$TRACING/events/fhook/opens" ]
	mkdir "$FH/a-b"
	echo "$OPEN_FN" >"$FH/a-b/filter"
	echo log >"$FH/a-b/action"
	echo 'dfd=$arg1:s32' >"$FH/a-b/args"
	run fh_put "$FH/a-b/commit" 1
	t_eq "$output" EINVAL
	t_eq "$(cat "$FH/a-b/last_error")" \
	     "a hook that logs named args needs a trace event name: letters, digits and '_', not a digit first, not fhook_call, fhook_stack or fhook_ctl"
}


@test "rmdir while the event is in use: it stays, holding fhook, until let go" {
	local i refcnt

	refcnt=$(cat /sys/module/fhook/refcnt)
	fetch_hook opens "$OPEN_FN" 'dfd=$arg1:s32'
	# Enabled outside the fhook instance, as trace-cmd or a user would.
	echo 1 >"$TRACING/events/fhook/opens/enable"
	kmsg_mark
	rmdir "$FH/opens"
	# The hook's references went with it; the event holds one.
	t_eq "$(cat /sys/module/fhook/refcnt)" $((refcnt + 1))
	[ -d "$TRACING/events/fhook/opens" ]
	kmsg_since_mark | grep -q 'fhook: opens: trace event fhook:opens is in use: removed when it is not'
	echo 0 >"$TRACING/events/fhook/opens/enable"
	for ((i = 0; i < 50; i++)); do
		[ -d "$TRACING/events/fhook/opens" ] || break
		sleep 0.2
	done
	[ ! -d "$TRACING/events/fhook/opens" ]
	t_eq "$(cat /sys/module/fhook/refcnt)" "$refcnt"
	kmsg_no_warning
}

# fa_events HOOK: the lines of hook HOOK's event in the fhook instance.
fa_events() {
	grep -v '^#' "$FHI/trace" | grep " $1: " || true
}

@test "fhook-apply resolves a struct chain from BTF: the kernel's tracepoint says the same" {
	apply_setup
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  newtask = { filter = [ "wake_up_new_task" ]; action = "log";
              args = [ "p->pid", "p->comm", "tgid=p->tgid" ]; };
};
EOF
	run --separate-stderr -0 "$APPLY" --plan p.cfg
	# offsets differ between these kernels: only their shape is fixed
	grep -Eq "'pid=\+[0-9]+\(\\\$arg1\):s32 comm=\+[0-9]+\(\\\$arg1\):string tgid=\+[0-9]+\(\\\$arg1\):s32' > " <<<"$output"
	run --separate-stderr -0 "$APPLY" p.cfg
	# the module reads back what fhook-apply resolved
	run --separate-stderr -0 "$APPLY" --diff p.cfg
	t_eq "$output" ""
	# both events in an instance of their own (fhook's may hold only fhook's)
	local t=$TRACING/instances/t78 i
	mkdir "$t"
	echo 1 >"$t/events/fhook/newtask/enable"
	echo 1 >"$t/events/sched/sched_wakeup_new/enable"
	for ((i = 0; i < 5; i++)); do
		/bin/true
	done
	echo 0 >"$t/tracing_on"
	echo 0 >"$FH/newtask/enabled"
	local ours theirs
	ours=$(grep ' newtask: ' "$t/trace" |
	       sed -n 's/.* pid=\([0-9]*\) comm="\([^"]*\)" tgid=\([0-9]*\)$/\1 \2 \3/p' | sort)
	theirs=$(grep ' sched_wakeup_new: ' "$t/trace" |
		 sed -n 's/.* comm=\(.*\) pid=\([0-9]*\) prio=.*/\2 \1/p' | sort)
	[ "$(wc -l <<<"$ours")" -ge 5 ]
	# the same tasks; each a new process here, so its tgid is its pid
	t_eq "$(cut -d' ' -f1,2 <<<"$ours")" "$theirs"
	t_eq "$(awk '$1 != $3' <<<"$ours")" ""
	echo 0 >"$t/events/fhook/newtask/enable"
	echo 0 >"$t/events/sched/sched_wakeup_new/enable"
}

@test "files.cfg: opens, execs, unlinks and renames logged by name" {
	apply_setup
	local p=$PROFILES/files.cfg d=$BATS_TEST_TMPDIR
	kmsg_mark
	run --separate-stderr -0 "$APPLY" --check-symbols "$p"
	t_eq "$stderr" ""
	run --separate-stderr -0 "$APPLY" "$p"
	t_eq "$stderr" ""
	# what the module reads back is what fhook-apply resolved
	run --separate-stderr -0 "$APPLY" --diff "$p"
	t_eq "$output" ""
	cat /etc/hostname >/dev/null
	echo x >"$d/old"
	mv "$d/old" "$d/new"
	rm "$d/new"
	for h in files_open files_exec files_unlink files_rename; do
		echo 0 >"$FH/$h/enabled"
	done
	fa_events files_open | grep -Eq ' files_open: func=do_sys_openat2 caller=[^ ]+ dfd=-100 filename="/etc/hostname" flags=0x[0-9a-f]+ mode=0$'
	fa_events files_open | grep -q "filename=\"$d/old\" flags=0x[0-9a-f]*241 mode=438\$"
	fa_events files_exec | grep -q ' files_exec: func=security_bprm_check caller=[^ ]* filename="\(/usr\)\?/bin/mv" interp="\(/usr\)\?/bin/mv"$'
	fa_events files_rename | grep -q ' files_rename: func=vfs_rename caller=[^ ]* old="old" new="new"$'
	fa_events files_unlink | grep -Eq ' files_unlink: func=vfs_unlink caller=[^ ]+ name="new" ino=[1-9][0-9]*$'
	kmsg_no_warning
}
