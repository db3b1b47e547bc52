#!/usr/bin/env bats
# fhook-stat: the hook table, each hook's top functions and callers from
# its stats attribute, --top, --json, --prometheus (atomic file) and
# --watch with rates from two reads.

load helpers

STATS='# a comment
900 schedule
40 try_to_wake_up
7 mod_fn [some_mod]
3 f3
2 f4
1 f5
0 f6
600 schedule <- __x64_sys_sched_yield+0x9/0x20
300 schedule <- 0xffffffff81000000
40 try_to_wake_up <- wake_up_q+0x4c/0x90 [some_mod]
# 5 calls not attributed to a caller: table full'

setup() {
	fa_setup
	# the sanitized build beside FHOOK_APPLY when make check gives one
	STAT=$(dirname "$APPLY")/fhook-stat
	fake_hook sched gen=2 filter="schedule try_to_wake_up f*" enabled=1 \
		tag=fhook-apply action="count callers" functions=7 hits=953 \
		missed=1 stats="$STATS"
	# a module older than 0.2.0: no stats file, no functions line
	fake_hook old gen=1 filter=vfs_read hits=5 functions=
	fake_hook idle gen=1 filter=vfs_write functions=1 stats=
}

# A --watch a test left running, when it failed before it could end it.
teardown() {
	[ -z "${WATCH_PID-}" ] || kill "$WATCH_PID" 2>/dev/null || true
}

st() {
	"$STAT" --root "$ROOT" --functions /dev/null "$@"
}

@test "the table, then the top functions and callers of each hook" {
	run --separate-stderr -0 st
	fa_eq "$stderr" ""
	fa_eq "$output" "HOOK   ENABLED  GENERATION  ACTION         FUNCTIONS  HITS  MISSED  TAG
idle   no       1           count          1          0     0       -
old    no       1           count          -          5     0       -
sched  yes      2           count,callers  7          953   1       fhook-apply

sched: top functions
  HITS  FUNCTION
  900   schedule
  40    try_to_wake_up
  7     mod_fn [some_mod]
  3     f3
  2     f4
sched: top callers
  HITS  FUNCTION        CALLER
  600   schedule        __x64_sys_sched_yield+0x9/0x20
  300   schedule        0xffffffff81000000
  40    try_to_wake_up  wake_up_q+0x4c/0x90 [some_mod]"
	run -0 "$APPLY" --root "$ROOT" --functions /dev/null --status
	fa_eq "$output" "$(st)"
}

@test "--top N; 0 is all, functions without hits left out" {
	run -0 st --top 1
	fa_eq "$(sed -n '/^sched: top functions/,$p' <<<"$output")" "sched: top functions
  HITS  FUNCTION
  900   schedule
sched: top callers
  HITS  FUNCTION  CALLER
  600   schedule  __x64_sys_sched_yield+0x9/0x20"
	run -0 st --top 0
	fa_eq "$(sed -n '/^sched: top functions/,/^sched: top callers/p' <<<"$output")" \
		"sched: top functions
  HITS  FUNCTION
  900   schedule
  40    try_to_wake_up
  7     mod_fn [some_mod]
  3     f3
  2     f4
  1     f5
sched: top callers"
}

@test "stats lines in any order are sorted by hits, then by name" {
	fake_hook sched gen=2 filter=a action=count functions=3 \
		stats=$'5 b\n9 c\n5 a'
	run -0 st --top 0
	fa_eq "$(sed -n '/^sched:/,$p' <<<"$output")" "sched: top functions
  HITS  FUNCTION
  9     c
  5     a
  5     b"
}

@test "--json: every field, the top functions and callers" {
	run -0 st --json --top 2
	jq -e . <<<"$output" >/dev/null
	fa_eq "$(jq -c '.hooks[] | select(.hook == "sched")' <<<"$output")" \
		'{"hook":"sched","enabled":true,"generation":2,"functions":7,"hits":953,"missed":1,"tag":"fhook-apply","filter":["f*","schedule","try_to_wake_up"],"notrace":[],"flags":[],"action":["count","callers"],"args":0,"stack_depth":16,"target":"","pids":[],"comm":[],"sample":1,"last_error":"","top_functions":[{"function":"schedule","module":null,"hits":900},{"function":"try_to_wake_up","module":null,"hits":40}],"top_callers":[{"function":"schedule","module":null,"caller":"__x64_sys_sched_yield+0x9/0x20","hits":600},{"function":"schedule","module":null,"caller":"0xffffffff81000000","hits":300}]}'
	fa_eq "$(jq -c '[.root, .version, [.hooks[].hook], .hooks[1].functions, .hooks[1].top_functions]' <<<"$output")" \
		"[\"$ROOT\",\"0.1.0\",[\"idle\",\"old\",\"sched\"],null,[]]"
	run -0 st --json --top 0
	fa_eq "$(jq -c '[.hooks[2].top_functions[] | [.function, .module, .hits]]' <<<"$output")" \
		'[["schedule",null,900],["try_to_wake_up",null,40],["mod_fn","some_mod",7],["f3",null,3],["f4",null,2],["f5",null,1]]'
}

PROM_UP='# HELP fhook_up Whether fhook'"'"'s configfs directory could be read (1) or not (0).
# TYPE fhook_up gauge
fhook_up 1'
PROM_DOWN=${PROM_UP%1}0

PROM=$PROM_UP'
# HELP fhook_hook_enabled Whether the hook is enabled (1) or not (0).
# TYPE fhook_hook_enabled gauge
fhook_hook_enabled{hook="idle"} 0
fhook_hook_enabled{hook="old"} 0
fhook_hook_enabled{hook="sched"} 1
# HELP fhook_hook_generation Successful commits of the hook'"'"'s configuration.
# TYPE fhook_hook_generation gauge
fhook_hook_generation{hook="idle"} 1
fhook_hook_generation{hook="old"} 1
fhook_hook_generation{hook="sched"} 2
# HELP fhook_hook_functions Functions the hook'"'"'s live configuration hooks.
# TYPE fhook_hook_functions gauge
fhook_hook_functions{hook="idle"} 1
fhook_hook_functions{hook="sched"} 7
# HELP fhook_hook_hits_total Calls that reached the hook'"'"'s actions.
# TYPE fhook_hook_hits_total counter
fhook_hook_hits_total{hook="idle"} 0
fhook_hook_hits_total{hook="old"} 5
fhook_hook_hits_total{hook="sched"} 953
# HELP fhook_hook_missed_total Calls that reached the hook but were dropped.
# TYPE fhook_hook_missed_total counter
fhook_hook_missed_total{hook="idle"} 0
fhook_hook_missed_total{hook="old"} 0
fhook_hook_missed_total{hook="sched"} 1
# HELP fhook_function_hits_total Calls of one hooked function (action count).
# TYPE fhook_function_hits_total counter
fhook_function_hits_total{hook="sched",function="schedule"} 900
fhook_function_hits_total{hook="sched",function="try_to_wake_up"} 40
fhook_function_hits_total{hook="sched",function="mod_fn",module="some_mod"} 7
fhook_function_hits_total{hook="sched",function="f3"} 3
fhook_function_hits_total{hook="sched",function="f4"} 2
fhook_function_hits_total{hook="sched",function="f5"} 1
# HELP fhook_caller_hits_total Calls of one hooked function from one call site (action callers).
# TYPE fhook_caller_hits_total counter
fhook_caller_hits_total{hook="sched",function="schedule",caller="__x64_sys_sched_yield+0x9/0x20"} 600
fhook_caller_hits_total{hook="sched",function="schedule",caller="0xffffffff81000000"} 300
fhook_caller_hits_total{hook="sched",function="try_to_wake_up",caller="wake_up_q+0x4c/0x90 [some_mod]"} 40'

@test "--prometheus: every function unless --top, on stdout" {
	run --separate-stderr -0 st --prometheus
	fa_eq "$output" "$PROM"
	run -0 st --prometheus -
	fa_eq "$output" "$PROM"
	run -0 st --prometheus --top 1
	fa_eq "$(grep -c '^fhook_function_hits_total' <<<"$output")" 1
	fa_eq "$(grep -c '^fhook_caller_hits_total' <<<"$output")" 1
}

@test "--prometheus: label values escape backslash and double quote" {
	fake_hook odd gen=1 filter=x functions=1 \
		stats=$'3 x <- a\\b"c+0x1/0x2'
	run -0 st --prometheus
	fa_eq "$(grep '^fhook_caller_hits_total{hook="odd"' <<<"$output")" \
		'fhook_caller_hits_total{hook="odd",function="x",caller="a\\b\"c+0x1/0x2"} 3'
}

@test "--prometheus FILE: written whole by a rename, never half" {
	mkdir prom
	echo stale >prom/fhook.prom
	run --separate-stderr -0 st --prometheus prom/fhook.prom
	fa_eq "$output" ""
	fa_eq "$stderr" ""
	fa_eq "$(cat prom/fhook.prom)" "$PROM"
	fa_eq "$(ls prom)" "fhook.prom"
	# the same inode is never written: a reader keeps the old file
	exec {fd}<prom/fhook.prom
	fake_hook sched gen=3 filter=schedule functions=1 stats='1 schedule'
	run -0 st --prometheus=prom/fhook.prom
	fa_eq "$(cat /dev/fd/$fd)" "$PROM"
	exec {fd}<&-
	grep -qx 'fhook_hook_generation{hook="sched"} 3' prom/fhook.prom
	run --separate-stderr -3 st --prometheus "$BATS_TEST_TMPDIR/none/x.prom"
	[[ $stderr =~ ^fhook-stat:\ .*/none/x\.prom\.tmp\.[0-9]+:\ No\ such\ file\ or\ directory$ ]]
}

@test "--prometheus FILE: only fhook_up 0 while the hooks cannot be read" {
	mkdir prom
	run --separate-stderr -0 st --prometheus prom/fhook.prom
	fa_eq "$(cat prom/fhook.prom)" "$PROM"
	mv "$ROOT" gone
	run --separate-stderr -3 st --prometheus prom/fhook.prom
	fa_eq "$stderr" "fhook-stat: $ROOT: No such file or directory (is fhook loaded? try modprobe fhook)"
	fa_eq "$output" ""
	fa_eq "$(cat prom/fhook.prom)" "$PROM_DOWN"
	run -1 grep -c '^fhook_hook_' prom/fhook.prom
	fa_eq "$(ls prom)" "fhook.prom"
	run --separate-stderr -3 st --prometheus
	fa_eq "$output" "$PROM_DOWN"
	mv gone "$ROOT"
	run --separate-stderr -0 st --prometheus prom/fhook.prom
	fa_eq "$(cat prom/fhook.prom)" "$PROM"
}

@test "--json when the hooks cannot be read: one document with the error" {
	mv "$ROOT" gone
	run --separate-stderr -3 st --json
	fa_eq "$stderr" "fhook-stat: $ROOT: No such file or directory (is fhook loaded? try modprobe fhook)"
	fa_eq "$output" "{\"up\":false,\"root\":\"$ROOT\",\"error\":\"$ROOT: No such file or directory\"}"
	# --watch: one a refresh, exit 3 when the last could not read
	run --separate-stderr -3 st --json -n 0.05 --count 2
	fa_eq "$(jq -c '[.up, .error, (.time | length > 0)]' <<<"$output")" \
		"[false,\"$ROOT: No such file or directory\",true]
[false,\"$ROOT: No such file or directory\",true]"
}

# wait_for FILE PATTERN: until a line of FILE matches, at most 10 s.
wait_for() {
	local i

	# 30 s: fhook-stat under ASan on a loaded host can take seconds
	for ((i = 0; i < 600; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for '$2' in $1" >&2
	return 1
}

# The second frame of a two-frame watch sees hits added after the first.
watch_two_frames() {
	local pid

	st --watch 0.5 --count 2 "$@" >out 3>&- &
	pid=$!
	wait_for out '"hooks"\|^HOOK'
	echo 1453 >"$ROOT/sched/hits"
	echo 2 >"$ROOT/sched/missed"
	echo 1000 >"$ROOT/old/hits"
	printf '%s\n' '1100 schedule' '40 try_to_wake_up' '307 f3' \
		'600 schedule <- __x64_sys_sched_yield+0x9/0x20' \
		>"$ROOT/sched/stats"
	wait "$pid"
}

@test "--watch, not on a tty: frames with a timestamp, rates per second" {
	watch_two_frames --top 2
	run -0 cat out
	fa_eq "$(grep -c '^fhook-stat: ' out)" 2
	[[ ${lines[0]} =~ ^fhook-stat:\ [0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9:]{8},\ every\ 0.5s$ ]]
	[[ $output != *$'\e'* ]]
	# the first frame has no rates yet; hooks in name order
	fa_eq "$(sed -n '2,6p' out)" "
HOOK   ENABLED  GENERATION  ACTION         FUNCTIONS  HITS/S  HITS  MISSED/S  MISSED  TAG
idle   no       1           count          1          -       0     -         0       -
old    no       1           count          -          -       5     -         0       -
sched  yes      2           count,callers  7          -       953   -         1       fhook-apply"
	# the second: sorted by rate (old: 995 in 0.5 s, sched: 500)
	frame=$(sed -n '/^fhook-stat: /h; /^fhook-stat: /!H; ${x;p}' out)
	# hits/s and missed/s: the delta over at least 0.5 s
	fa_eq "$(sed -n '4,6p' <<<"$frame" | awk '
		function near(r, n) { return r > 0.9 * n && r <= n ? "~" n : r }
		{ print $1, near($6, $1 == "old" ? 1990 : 1000),
			near($8, $1 == "sched" ? 2 : 0) }')" "old ~1990 0.0
sched ~1000 ~2
idle 0.0 0.0"
	# f3 (+304) passes schedule (+200) by rate, not by hits
	fa_eq "$(sed -n '/^sched: top functions/,/^sched: top callers/p' <<<"$frame" |
		awk '{ print $2, $3 }')" "top functions
HITS FUNCTION
307 f3
1100 schedule
top callers"
}

@test "--watch --json: one object per line and refresh, with rates" {
	watch_two_frames --json
	run -0 jq -c '[.elapsed, [.hooks[] | [.hook, .hits_per_sec]]]' out
	fa_eq "${lines[0]}" '[null,[["idle",null],["old",null],["sched",null]]]'
	fa_eq "${#lines[@]}" 2
	run -0 jq -r '.elapsed as $t | .hooks[] |
		[.hook, (.hits_per_sec * $t | round),
		 ([.top_functions[] | [.function, (.hits_per_sec * $t | round)]] | tostring)] |
		join(" ")' <<<"$(tail -n 1 out)"
	fa_eq "$output" 'old 995 []
sched 500 [["f3",304],["schedule",200],["try_to_wake_up",0]]
idle 0 []'
	jq -e '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[-+][0-9]{4}$")' \
		<<<"$(tail -n 1 out)" >/dev/null
}

@test "--watch --prometheus FILE rewrites the file every refresh" {
	run -0 st -n 0.1 --count 2 --prometheus prom
	fa_eq "$output" ""
	fa_eq "$(cat prom)" "$PROM"
	fa_eq "$(ls)" "fhook
prom"
}

@test "--watch --prometheus FILE: fhook_up 0 while the module is gone, then 1" {
	local rc

	"$STAT" --root "$ROOT" --functions /dev/null --watch 0.05 \
		--prometheus fhook.prom 2>err 3>&- &
	WATCH_PID=$!
	wait_for fhook.prom '^fhook_up 1$'
	mv "$ROOT" gone
	wait_for fhook.prom '^fhook_up 0$'
	fa_eq "$(cat fhook.prom)" "$PROM_DOWN"
	# A frame begun before the move may name a file inside the root
	# (more likely on a loaded host); the next ones find no root at all.
	wait_for err "^fhook-stat: $ROOT: No such file or directory (is fhook loaded? try modprobe fhook)\$"
	mv gone "$ROOT"
	wait_for fhook.prom '^fhook_up 1$'
	fa_eq "$(cat fhook.prom)" "$PROM"
	kill -TERM "$WATCH_PID"
	rc=0
	wait "$WATCH_PID" || rc=$?
	unset WATCH_PID
	fa_eq "$rc" 0
	grep -qx "fhook-stat: $ROOT: No such file or directory (is fhook loaded? try modprobe fhook)" err
}

@test "SIGINT or SIGTERM ends --watch at once, exit 0" {
	local sig pid rc

	for sig in INT TERM; do
		# not st: $! must be fhook-stat itself. --count 2: should the
		# signal be lost, it still ends (with a second frame, failing
		# the test) rather than keeping bats waiting for it.
		"$STAT" --root "$ROOT" --watch 30 --count 2 --json >out 3>&- &
		pid=$!
		wait_for out '"hooks"'
		SECONDS=0
		kill -"$sig" "$pid"
		rc=0
		wait "$pid" || rc=$?
		fa_eq "$rc" 0
		# at once: long before the second frame, 30 s after the first
		# (the sanitizers' exit checks alone can take seconds on a
		# loaded host)
		((SECONDS < 20))
		fa_eq "$(wc -l <out)" 1
	done
}

@test "usage errors" {
	run --separate-stderr -2 st --top x
	fa_eq "${stderr%%$'\n'*}" "fhook-stat: --top: not a number: x"
	run --separate-stderr -2 st --count 0
	fa_eq "${stderr%%$'\n'*}" "fhook-stat: --count: not a number above 0: 0"
	run --separate-stderr -2 st --interval 0
	fa_eq "${stderr%%$'\n'*}" "fhook-stat: --interval: not 0.01 to 86400 seconds: 0"
	run --separate-stderr -2 st --watch=soon
	fa_eq "${stderr%%$'\n'*}" "fhook-stat: --interval: not 0.01 to 86400 seconds: soon"
	run --separate-stderr -2 st --watch --prometheus
	fa_eq "${stderr%%$'\n'*}" "fhook-stat: --watch with --prometheus needs a FILE"
	run --separate-stderr -2 st --json --prometheus
	fa_eq "${stderr%%$'\n'*}" "fhook-stat: --json and --prometheus cannot be combined"
	run --separate-stderr -2 fa --top 3 p.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: --top works with --status only"
	run --separate-stderr -3 "$STAT" --root "$BATS_TEST_TMPDIR/none"
	fa_eq "$stderr" "fhook-stat: $BATS_TEST_TMPDIR/none: No such file or directory (is fhook loaded? try modprobe fhook)"
}

@test "usage errors name fhook-stat's options, not fhook-apply's" {
	local opt

	run --separate-stderr -2 st foo
	fa_eq "$stderr" "fhook-stat: unexpected argument 'foo' (fhook-stat takes no PROFILE; see fhook-stat --help)"
	for opt in --prune --prune-all --only=x --lock=x --lock-timeout=1 \
		   --plan --diff --check --check-symbols --export --status; do
		run --separate-stderr -2 st "$opt"
		fa_eq "$stderr" "fhook-stat: unrecognized option '$opt'
Try 'fhook-stat --help' for more information."
	done
	# not ambiguous with --prune and --prune-all any more
	run -0 st --prom
	fa_eq "$output" "$PROM"
}

@test "--help and fhook-stat(8) document every option and exit code" {
	run --separate-stderr -0 "$STAT" --help
	fa_eq "${lines[0]}" "Usage: fhook-stat [OPTIONS]"
	for opt in --top --watch --interval --count --json --prometheus --root \
		   --functions --help --version; do
		[[ $output == *" $opt"* ]] || {
			echo "$opt is not in --help" >&2
			return 1
		}
		grep -qF -- "${opt//-/\\-}" "$TOP/man/fhook-stat.8" || {
			echo "$opt missing from fhook-stat.8" >&2
			return 1
		}
	done
	run -0 sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$TOP/man/fhook-stat.8"
	for code in 0 2 3; do
		[[ $output == *".B $code"* ]]
	done
}
