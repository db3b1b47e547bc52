#!/usr/bin/env bats
# Alternatives in function globs, "a|b": the first that matches a
# traceable function is the glob, resolved from the function list
# (--functions FILE stands in for the kernel's) before anything is
# planned; and every profile of profiles/ on each of the six kernels.

load helpers

setup() {
	fa_setup
	printf '%s\n' schedule sched_tick sched_balance_rq vfs_read \
		'e1000_xmit [e1000]' >funcs
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  tick = {
    filter = [ "scheduler_tick|sched_tick",
               "schedule|sched_tick" ];
  };
  lb = {
    filter = [ "vfs_*" ];
    notrace = [ "!load_balance|sched_balance_rq|vfs_read" ];
  };
};
EOF
}

@test "the first alternative that matches is the glob the module gets" {
	run --separate-stderr -0 fa --plan --functions funcs p.cfg
	fa_eq "$stderr" ""
	fa_eq "$(grep -E '/(filter|notrace)$' <<<"$output")" \
"printf '%s\n' 'sched_tick schedule' > $ROOT/tick/filter
printf '%s\n' '' > $ROOT/tick/notrace
printf '%s\n' 'vfs_*' > $ROOT/lb/filter
printf '%s\n' '!sched_balance_rq' > $ROOT/lb/notrace"
	run ! grep -q '|' <<<"$output"
}

@test "--check-symbols notes which alternative each glob uses, on stdout" {
	run --separate-stderr -0 fa --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" ""
	fa_eq "$output" "p.cfg:4: note: hook 'tick': 'scheduler_tick' is not in funcs, using 'sched_tick'
p.cfg:5: note: hook 'tick': using 'schedule', the first alternative
p.cfg:9: note: hook 'lb': 'load_balance' is not in funcs, using '!sched_balance_rq'
p.cfg: valid, 2 hooks, every glob matches a traceable function"
	profile q.cfg <<'EOF'
version = 1;
hooks = { a = { filter = [ "x|y|vfs_*" ]; notrace = [ "x|y|z|vfs_read" ]; }; };
EOF
	run --separate-stderr -0 fa --check-symbols --functions funcs q.cfg
	fa_eq "$output" "q.cfg:2: note: hook 'a': 'x' and 'y' are not in funcs, using 'vfs_*'
q.cfg:2: note: hook 'a': 'x', 'y' and 'z' are not in funcs, using 'vfs_read'
q.cfg: valid, 1 hooks, every glob matches a traceable function"
	run --separate-stderr -0 fa --check-symbols --json --functions funcs p.cfg
	fa_eq "$output" '{"profile":"p.cfg","status":"valid","hooks":2,"skipped":[],"functions_file":"funcs","pending":0,"alternatives":[{"hook":"tick","where":"p.cfg:4","list":"filter","glob":"scheduler_tick|sched_tick","using":"sched_tick","lacking":["scheduler_tick"]},{"hook":"tick","where":"p.cfg:5","list":"filter","glob":"schedule|sched_tick","using":"schedule","lacking":[]},{"hook":"lb","where":"p.cfg:9","list":"notrace","glob":"!load_balance|sched_balance_rq|vfs_read","using":"!sched_balance_rq","lacking":["load_balance"]}]}'
}

@test "applying and planning say nothing of the alternatives chosen" {
	fake_hook tick gen=1 filter=old enabled=1 tag=fhook-apply:p
	fake_hook lb gen=1 filter="vfs_*" enabled=1 tag=fhook-apply:p
	run --separate-stderr -0 fa --functions funcs p.cfg
	fa_eq "$stderr" ""
	fa_eq "$output" "tick: changed (filter)
lb: changed (notrace)
p.cfg: applied: 0 created, 2 changed, 0 removed, 0 up to date (22 writes)"
	fa_eq "$(words "$ROOT/tick/filter")" "sched_tick schedule"
	fa_eq "$(words "$ROOT/lb/notrace")" "!sched_balance_rq"
	run --separate-stderr -0 fa --plan --functions funcs p.cfg
	fa_eq "$stderr" ""
	run ! grep -q note <<<"$output"
}

@test "none of the alternatives here: an error naming them, or an optional hook skipped" {
	profile q.cfg <<'EOF'
version = 1;
hooks = {
  gone = { filter = [ "schedule", "kmem_cache_alloc|kmem_cache_alloc_noprof" ]; };
  maybe = { filter = [ "a|b" ]; optional = true; };
};
EOF
	before=$(tree_state)
	run --separate-stderr -1 fa --functions funcs q.cfg
	fa_eq "$stderr" "fhook-apply: q.cfg:3: hook 'gone': filter glob 'kmem_cache_alloc|kmem_cache_alloc_noprof': no alternative matches a traceable function
fhook-apply: q.cfg:4: warning: optional hook 'maybe' skipped: filter glob 'a|b': no alternative matches a traceable function
fhook-apply: q.cfg: 1 error, nothing applied"
	fa_eq "$(tree_state)" "$before"
	run --separate-stderr -1 fa --check-symbols --functions funcs q.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: q.cfg:3: hook 'gone': filter glob 'kmem_cache_alloc|kmem_cache_alloc_noprof': no alternative matches a traceable function"
	sed -i '/gone = /d' q.cfg
	run --separate-stderr -0 fa --plan --functions funcs q.cfg
	fa_eq "$stderr" "fhook-apply: q.cfg:3: warning: optional hook 'maybe' skipped: filter glob 'a|b': no alternative matches a traceable function"
	fa_eq "${lines[2]}" "# 0 to create, 0 to change, 0 to remove, 0 unchanged"
}

@test "without a function list, alternatives are an error at their line, exit 3" {
	before=$(tree_state)
	run --separate-stderr -3 fa --functions nofile p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:4: hook 'tick': filter glob 'scheduler_tick|sched_tick' has alternatives, which need the traceable functions: nofile: No such file or directory
fhook-apply: p.cfg:5: hook 'tick': filter glob 'schedule|sched_tick' has alternatives, which need the traceable functions: nofile: No such file or directory
fhook-apply: p.cfg:9: hook 'lb': notrace glob '!load_balance|sched_balance_rq|vfs_read' has alternatives, which need the traceable functions: nofile: No such file or directory"
	fa_eq "$output" ""
	fa_eq "$(tree_state)" "$before"
	run --separate-stderr -3 fa --plan --json --only lb --functions nofile p.cfg
	fa_eq "$output" '{"profile":"p.cfg","status":"failed","exit":3,"errors":[{"file":"p.cfg","line":4,"message":"hook '"'tick'"': filter glob '"'scheduler_tick|sched_tick'"' has alternatives, which need the traceable functions: nofile: No such file or directory"},{"file":"p.cfg","line":5,"message":"hook '"'tick'"': filter glob '"'schedule|sched_tick'"' has alternatives, which need the traceable functions: nofile: No such file or directory"},{"file":"p.cfg","line":9,"message":"hook '"'lb'"': notrace glob '"'!load_balance|sched_balance_rq|vfs_read'"' has alternatives, which need the traceable functions: nofile: No such file or directory"}]}'
	# a profile without any still applies, its optional hooks as the others
	profile q.cfg <<'EOF'
version = 1;
hooks = { o = { filter = [ "nope" ]; optional = true; }; };
EOF
	run --separate-stderr -0 fa --plan --functions nofile q.cfg
	# --check validates without the list; --delete does not need it
	run --separate-stderr -0 fa --check --functions nofile p.cfg
	fa_eq "$output" "p.cfg: valid, 2 hooks"
	run --separate-stderr -0 fa --plan --delete --functions nofile p.cfg
}

@test "after an apply, --diff is empty and applying again writes nothing" {
	# the module holds the chosen globs, as the apply above wrote them
	fake_hook tick gen=1 filter="sched_tick schedule" enabled=1 \
		tag=fhook-apply:p
	fake_hook lb gen=1 filter="vfs_*" notrace="!sched_balance_rq" enabled=1 \
		tag=fhook-apply:p
	run --separate-stderr -0 fa --diff --functions funcs p.cfg
	fa_eq "$output" ""
	before=$(tree_state)
	run --separate-stderr -0 fa --functions funcs p.cfg
	fa_eq "$output" "p.cfg: nothing to do: 2 hooks up to date (0 writes)"
	fa_eq "$(tree_state)" "$before"
	# on a kernel with the first alternative, the hook changes to it
	printf '%s\n' scheduler_tick sched_tick schedule load_balance >funcs3
	run --separate-stderr -1 fa --diff --functions funcs3 p.cfg
	fa_eq "$output" "~ tick (p.cfg:3)
    filter: sched_tick schedule -> schedule scheduler_tick
~ lb (p.cfg:7)
    notrace: !sched_balance_rq -> !load_balance"
}

@test "--list shows the alternative chosen; --json the entry it came from" {
	run --separate-stderr -0 fa --list --functions funcs --only tick p.cfg
	fa_eq "$output" "tick: 2 functions
  sched_tick      1  sched_tick
  schedule        1  schedule"
	run --separate-stderr -0 fa --list --json --functions funcs --only lb p.cfg
	fa_eq "$output" '{"profile":"p.cfg","functions_file":"funcs","errors":0,"hooks":[{"hook":"lb","where":"p.cfg:7","functions":1,"optional":false,"skipped":false,"globs":[{"list":"filter","glob":"vfs_*","removes":false,"matches":1,"names":["vfs_read"]},{"list":"notrace","glob":"!sched_balance_rq","alternatives":"!load_balance|sched_balance_rq|vfs_read","removes":false,"matches":1,"names":["sched_balance_rq"]}]}]}'
}

@test "--check: each alternative is checked as a glob; '!' only before the first" {
	profile q.cfg <<'EOF'
version = 1;
hooks = {
  a = {
    filter = [ "x", "a||b", "|a", "a|b/c" ];
    notrace = [ "a|!b", "!a|b", "p|" ];
    comm = [ "a|b" ];
  };
};
EOF
	run --separate-stderr -1 fa --check q.cfg
	fa_eq "$stderr" "fhook-apply: q.cfg:4: filter: empty alternative in 'a||b'
fhook-apply: q.cfg:4: filter: empty alternative in '|a'
fhook-apply: q.cfg:4: filter: invalid character '/' in glob 'b/c'
fhook-apply: q.cfg:5: notrace: '!' inside 'a|!b': write it once, before the first alternative, to exclude whichever is chosen
fhook-apply: q.cfg:5: notrace: empty alternative in 'p|'
fhook-apply: q.cfg: 5 errors, nothing applied"
	sed -i 's/"a||b", "|a", "a|b\/c"/"a|b*", "[ab]|c?"/; s/"a|!b", "!a|b", "p|"/"!a|b"/' q.cfg
	run --separate-stderr -0 fa --check q.cfg
	fa_eq "$stderr" ""
}

@test "limits: each alternative is a glob; the write is the longest of each" {
	long=$(printf 'f%.0s' $(seq "$(limit glob)"))
	profile q.cfg <<EOF
version = 1;
hooks = { a = { filter = [ "short|${long}x" ]; }; };
EOF
	run --separate-stderr -1 fa --check q.cfg
	fa_eq "$stderr" "fhook-apply: q.cfg:2: filter: glob '${long:0:32}...' is longer than $(limit glob) bytes
fhook-apply: q.cfg: 1 error, nothing applied"
	profile q.cfg <<EOF
version = 1;
hooks = { a = { filter = [ "short|${long}" ]; }; };
EOF
	run --separate-stderr -0 fa --check q.cfg
	# the write is one alternative of each: 8 of 500 bytes fit in 4094
	g=${long:0:499}
	profile q.cfg <<EOF
version = 1;
hooks = { a = { filter = [ "${g}1|${g}x|y", "${g}2|${g}x", "${g}3|${g}x",
  "${g}4|${g}x", "${g}5|${g}x", "${g}6|${g}x", "${g}7|${g}x",
  "${g}8|${g}x" ]; }; };
EOF
	run --separate-stderr -0 fa --check q.cfg
	sed -i "s/ \]; }; };/, \"${g}9\" ]; }; };/" q.cfg
	run --separate-stderr -1 fa --check q.cfg
	fa_eq "${stderr%%$'\n'*}" "fhook-apply: q.cfg:2: filter: value longer than $(limit input) bytes"
}

# tests/host/functions/KERNEL.txt: the lines of each kernel's
# available_filter_functions that a glob of profiles/ matches, e.g.
#   for p in profiles/*.cfg; do
#           fhook-apply --list --json --functions FULL "$p"
#   done | jq -r '.hooks[].globs[].names[]' | sort -u >names
#   awk 'NR == FNR { n[$1]; next } $1 in n' names FULL
# Every glob and alternative matches in it what it matches in the whole
# list, so the profiles resolve and check as on that kernel; a glob added
# to a profile needs the lists regenerated (61-profiles.bats checks the
# real ones in the guest).
#
# The lists were taken with no module loaded: a module selector of a
# profile ("f:mod:loop") is pending there, one warning each, and the
# rest of its profile checks as any other.
@test "every profile is valid, every hook kept, on each of the six kernels" {
	local k p alts n sels pending re

	re="^fhook-apply: [^:]+:[0-9]+: warning: module '[a-z0-9_]+' is not loaded: "
	re+="hook '[a-z0-9_]+' will hook its functions when it loads$"
	for k in 6.1-amd64 6.1-rt-amd64 6.12-amd64 6.12-rt-amd64 newest-amd64 \
		 newest-rt-amd64; do
		for p in "$PROFILES"/*.cfg; do
			run --separate-stderr -0 fa --check-symbols \
				--functions "$BATS_TEST_DIRNAME/functions/$k.txt" "$p"
			sels=$(sed 's/#.*//' "$p" | grep -o '"[^"]*:mod:[^"]*"' | wc -l || true)
			fa_eq "$k $(grep -cE "$re" <<<"$stderr" || true)" "$k $sels"
			fa_eq "$k $(grep -vE "$re" <<<"$stderr" || true)" "$k "
			pending=
			[ "$sels" = 0 ] ||
				pending=" or waits for its module ($sels selectors)"
			alts=$(sed 's/#.*//' "$p" | grep -o '"[^"]*|[^"]*"' | wc -l)
			n=$(sed -n 's/^  \([a-z0-9_]*\) = {$/\1/p' "$p" | wc -l)
			fa_eq "$k ${#lines[@]}" "$k $((alts + 1))"
			fa_eq "$k ${lines[-1]}" "$k $p: valid, $n hooks, every glob matches a traceable function$pending"
		done
	done
}

@test "the profiles use the names each kernel has" {
	local f=$BATS_TEST_DIRNAME/functions

	run -0 fa --check-symbols --functions "$f/6.1-amd64.txt" \
		"$PROFILES/sched.cfg"
	[[ "$output" == *"hook 'sched_tick': using 'scheduler_tick', the first alternative"* ]]
	run -0 fa --check-symbols --functions "$f/6.12-rt-amd64.txt" \
		"$PROFILES/sched.cfg"
	[[ "$output" == *"hook 'sched_balance': 'load_balance' is not in $f/6.12-rt-amd64.txt, using 'sched_balance_rq'"* ]]
	run -0 fa --check-symbols --functions "$f/newest-amd64.txt" \
		"$PROFILES/net.cfg"
	[[ "$output" == *"hook 'net_rx_dev': 'napi_gro_receive' is not in $f/newest-amd64.txt, using 'gro_receive_skb'"* ]]
	run -0 fa --check-symbols --functions "$f/6.12-amd64.txt" \
		"$PROFILES/latency.cfg"
	[[ "$output" == *"using 'kmem_cache_alloc_noprof'"* ]]
}
