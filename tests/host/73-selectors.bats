#!/usr/bin/env bats
# Module selectors ("GLOB:mod:MODULE") and addresses ("0xHEX") in filter
# and notrace: the module's write-time rules, the canonical address, the
# warnings, matching against "name [module]" lines, export and stats.

load helpers

setup() {
	fa_setup
	printf '%s\n' 'xmit [e1000]' 'xmit [igb]' xmit 'e1000_probe [e1000]' \
		'e1000_remove [e1000]' schedule >funcs
}

# The warning each address of a profile gets, on every run.
boot_only() {
	echo "fhook-apply: p.cfg:$1: warning: $2: address $3 is valid for this boot only: the next boot moves the kernel and its modules; use the function's name"
}

@test "selectors and addresses are accepted, written canonical and sorted" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "xmit:mod:e1000", "!*_remove:mod:e1[0-9]*",
                   "0xFFFFFFFFC0A01230", "!0X000abc", "x[!a]:mod:ig?" ];
        notrace = [ "0x00000000000000ff", "e1000_*:mod:e1000",
                    "0x00FFFFFFFFC0001000" ]; };
};
EOF
	run --separate-stderr -0 fa --check p.cfg
	fa_eq "$output" "p.cfg: valid, 1 hooks"
	run --separate-stderr -0 fa --plan p.cfg
	[[ "$output" == *"printf '%s\\n' '!*_remove:mod:e1[0-9]* !0xabc 0xffffffffc0a01230 x[!a]:mod:ig? xmit:mod:e1000' > $ROOT/a/filter"* ]]
	[[ "$output" == *"printf '%s\\n' '0xff 0xffffffffc0001000 e1000_*:mod:e1000' > $ROOT/a/notrace"* ]]
}

@test "each selector and address the module refuses, on its own line" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "ok",
                   "x:foo:y",
                   "x:mod:",
                   ":mod:m",
                   "x:mod:a/b",
                   "0xzz",
                   "0x",
                   "!0x1g",
                   "a/b:mod:m",
                   "x:mod:m[a",
                   "x:mod:m:n",
                   "0x10000000000000000",
                   "0x1|xmit",
                   "0x0",
                   "0x00010000000000000000",
                   "0x000",
                   "0xzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
                   "a/b:c",
                   "x:mod:nf_[a-z]*-x.y" ];
        notrace = [ "!:mod:m", ":mod:" ]; };
};
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:4: filter: ':' in glob 'x:foo:y': only GLOB:mod:MODULE selectors are supported
fhook-apply: p.cfg:5: filter: module name missing in selector 'x:mod:'
fhook-apply: p.cfg:6: filter: glob missing in selector ':mod:m'
fhook-apply: p.cfg:7: filter: invalid character '/' in module name of 'x:mod:a/b'
fhook-apply: p.cfg:8: filter: bad address '0xzz'
fhook-apply: p.cfg:9: filter: bad address '0x'
fhook-apply: p.cfg:10: filter: bad address '!0x1g'
fhook-apply: p.cfg:11: filter: invalid character '/' in glob 'a/b:mod:m'
fhook-apply: p.cfg:12: filter: bad bracket expression in glob 'x:mod:m[a'
fhook-apply: p.cfg:13: filter: ':' in glob 'x:mod:m:n': only GLOB:mod:MODULE selectors are supported
fhook-apply: p.cfg:14: filter: bad address '0x10000000000000000'
fhook-apply: p.cfg:15: filter: address '0x1' in '0x1|xmit': an address is no name to look for, so it cannot be an alternative
fhook-apply: p.cfg:16: filter: bad address '0x0'
fhook-apply: p.cfg:17: filter: bad address '0x00010000000000000000'
fhook-apply: p.cfg:18: filter: bad address '0x000'
fhook-apply: p.cfg:19: filter: bad address '0xzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'
fhook-apply: p.cfg:20: filter: invalid character '/' in glob 'a/b:c'
fhook-apply: p.cfg:22: notrace: glob missing in selector '!:mod:m'
fhook-apply: p.cfg:22: notrace: glob missing in selector ':mod:'
fhook-apply: p.cfg: 19 errors, nothing applied"
}

@test "an address the module reads back canonical shows no difference" {
	fake_hook a gen=1 filter="!0xabc 0xffffffffc0a01230 xmit:mod:e1000" \
		notrace="0xff" enabled=1 tag=fhook-apply:p
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "0x00FFFFFFFFC0A01230", "xmit:mod:e1000", "!0x0ABC" ];
        notrace = [ "0x00Ff" ]; };
};
EOF
	run --separate-stderr -0 fa --diff p.cfg
	fa_eq "$output" ""
	fa_eq "$stderr" "$(boot_only 3 filter 0xffffffffc0a01230)
$(boot_only 3 filter 0xabc)
$(boot_only 4 notrace 0xff)"
	before=$(tree_state)
	run --separate-stderr -0 fa p.cfg
	fa_eq "$output" "p.cfg: nothing to do: 1 hooks up to date (0 writes)"
	fa_eq "$(tree_state)" "$before"
	# a different address is a difference
	sed -i 's/0x00Ff/0x0100/' p.cfg
	run --separate-stderr -1 fa --diff p.cfg
	[[ "$output" == *"notrace: 0xff -> 0x100"* ]]
}

@test "the boot-only warning on apply, --check, --plan, --diff, and beside --json" {
	fake_hook a gen=1 filter=old enabled=1 tag=fhook-apply:p
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "xmit",
                   "!0xC0DE" ]; };
};
EOF
	for mode in --check --plan --diff ""; do
		run --separate-stderr fa $mode p.cfg
		fa_eq "$mode $stderr" "$mode $(boot_only 4 filter 0xc0de)"
	done
	fa_eq "$(words "$ROOT/a/filter")" "!0xc0de xmit"
	for mode in --check --plan --diff ""; do
		run --separate-stderr fa --json $mode p.cfg
		fa_eq "$mode $stderr" "$mode $(boot_only 4 filter 0xc0de)"
		[[ $output == "{"*"}" && $output != *boot* ]]
	done
	# a selector alone is no reason to warn
	sed -i 's/!0xC0DE/!xmit:mod:e1000/' p.cfg
	run --separate-stderr -0 fa --check p.cfg
	fa_eq "$stderr" ""
}

@test "--check-symbols: a selector matches only its module's functions" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "xmit:mod:e1000" ]; };
  b = { filter = [ "*:mod:e1*", "!e1000_remove:mod:e1000" ]; };
  c = { filter = [ "schedule:mod:e1000" ];
        notrace = [ "schedule:mod:[a-z]*" ]; };
  d = { filter = [ "xmit" ]; };
};
EOF
	run --separate-stderr -1 fa --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:5: hook 'c': filter glob 'schedule:mod:e1000' matches no traceable function
fhook-apply: p.cfg:6: hook 'c': notrace glob 'schedule:mod:[a-z]*' matches no traceable function
fhook-apply: p.cfg: 2 errors, nothing applied"
	sed -i '/^  c = /,/notrace/d' p.cfg
	run --separate-stderr -0 fa --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" ""
	fa_eq "$output" "p.cfg: valid, 3 hooks, every glob matches a traceable function"
	run -0 fa --list --functions funcs p.cfg
	fa_eq "$output" "a: 1 function
  xmit:mod:e1000               1  xmit
b: 2 functions
  *:mod:e1*                    3  e1000_probe e1000_remove xmit
  !e1000_remove:mod:e1000     -1  e1000_remove
d: 3 functions
  xmit                         3  xmit"
}

@test "a selector of a module not loaded warns, and apply still succeeds" {
	fake_hook a gen=1 filter=old enabled=1 tag=fhook-apply:p
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "xmit", "*:mod:wireguard" ];
        notrace = [ "*_init:mod:wire*" ]; };
};
EOF
	warn="fhook-apply: p.cfg:3: warning: module 'wireguard' is not loaded: hook 'a' will hook its functions when it loads
fhook-apply: p.cfg:4: warning: module 'wire*' is not loaded: hook 'a' will apply notrace glob '*_init:mod:wire*' to its functions when it loads"
	run --separate-stderr -0 fa --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" "$warn"
	fa_eq "$output" "p.cfg: valid, 1 hooks, every glob matches a traceable function or waits for its module (2 selectors)"
	run --separate-stderr -0 fa --check-symbols --json --functions funcs p.cfg
	fa_eq "$stderr" "$warn"
	[[ $output == *'"pending":2,'* ]]
	run --separate-stderr -0 fa --list --functions funcs p.cfg
	fa_eq "$stderr" "$warn"
	run --separate-stderr -0 fa --functions funcs p.cfg
	fa_eq "$stderr" "$warn"
	fa_eq "$(words "$ROOT/a/filter")" "*:mod:wireguard xmit"
	fa_eq "$(words "$ROOT/a/notrace")" "*_init:mod:wire*"
	# an optional hook waits for the module too: it is not skipped
	sed -i 's/notrace = /optional = true; notrace = /' p.cfg
	run --separate-stderr -0 fa --plan --functions funcs p.cfg
	fa_eq "$stderr" "$warn"
	[[ $output == *"# a: update (filter, notrace)"* ]]
}

@test "the 1000-function guard counts a module's functions and an address as one" {
	local i

	for i in $(seq 1000); do
		echo "f$i [big]"
		echo "f$i"
	done >many
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "*:mod:big" ]; action = "log"; };
};
EOF
	run --separate-stderr -0 fa --check-symbols --functions many p.cfg
	sed -i 's/"\*:mod:big"/"*:mod:big", "0xc0de"/' p.cfg
	run --separate-stderr -1 fa --plan --functions many p.cfg
	[[ $stderr == *"p.cfg:3: hook 'a': action log records every call of 1001 functions (more than 1000)"* ]]
	sed -i 's/"0xc0de"/"!f1:mod:big"/' p.cfg
	run --separate-stderr -0 fa --plan --functions many p.cfg
}

@test "--export keeps selectors and addresses as configfs reads them back" {
	fake_hook a gen=2 filter="!*_exit:mod:fhook_mod_a *:mod:fhook_mod_a 0xffffffffc0a01230" \
		notrace="!0xabc ext4_*:mod:ext4" enabled=1 tag=fhook-apply
	run --separate-stderr -0 fa --export
	fa_eq "$stderr" ""
	[[ $output == *'    filter = [ "!*_exit:mod:fhook_mod_a", "*:mod:fhook_mod_a", "0xffffffffc0a01230" ];
    notrace = [ "!0xabc", "ext4_*:mod:ext4" ];'* ]]
	echo "$output" >e.cfg
	run --separate-stderr -0 fa --diff e.cfg
	fa_eq "$output" ""
	fa_eq "$stderr" "$(boot_only 7 filter 0xffffffffc0a01230 | sed 's/p.cfg/e.cfg/')
$(boot_only 8 notrace 0xabc | sed 's/p.cfg/e.cfg/')"
}

@test "fhook-stat: namesakes' functions with their start address" {
	fake_hook a gen=1 filter="xmit" functions=4 enabled=1 hits=19 stats="9 xmit [e1000] 0xffffffffc0a01230
5 xmit 0xffffffff81001000
3 xmit 0xffffffff81002000
2 xmit [igb]
7 xmit 0xffffffff81001000 <- dev_queue+0x1/0x2
1 xmit [e1000] 0xffffffffc0a01230 <- e1000_tx+0x5/0x10 [e1000]"
	run --separate-stderr -0 "$APPLY" --status --root "$ROOT" --top 0
	fa_eq "$stderr" ""
	[[ $output == *"a: top functions
  HITS  FUNCTION
  9     xmit [e1000] 0xffffffffc0a01230
  5     xmit 0xffffffff81001000
  3     xmit 0xffffffff81002000
  2     xmit [igb]
a: top callers
  HITS  FUNCTION                         CALLER
  7     xmit 0xffffffff81001000          dev_queue+0x1/0x2
  1     xmit [e1000] 0xffffffffc0a01230  e1000_tx+0x5/0x10 [e1000]"* ]]
	run --separate-stderr -0 "$APPLY" --status --root "$ROOT" --json
	[[ $output == *'{"function":"xmit","module":"e1000","address":"0xffffffffc0a01230","hits":9}'* ]]
	[[ $output == *'{"function":"xmit","module":null,"address":"0xffffffff81002000","hits":3}'* ]]
	[[ $output == *'{"function":"xmit","module":"igb","hits":2}'* ]]
	run --separate-stderr -0 "$APPLY" --status --root "$ROOT" --prometheus
	[[ $output == *'fhook_function_hits_total{hook="a",function="xmit",address="0xffffffff81001000"} 5'* ]]
	[[ $output == *'fhook_function_hits_total{hook="a",function="xmit",address="0xffffffff81002000"} 3'* ]]
	[[ $output == *'fhook_caller_hits_total{hook="a",function="xmit",module="e1000",address="0xffffffffc0a01230",caller="e1000_tx+0x5/0x10 [e1000]"} 1'* ]]
}

@test "fhook-stat counts a module's functions from the list when live does not" {
	fake_hook a gen=1 filter="*:mod:e1000 !e1000_probe:mod:e1000 0xc0de" \
		functions= enabled=1
	run --separate-stderr -0 "$APPLY" --status --root "$ROOT" --functions funcs --json
	[[ $output == *'"functions":3,'* ]]
}

@test "fhook-stat --watch: each namesake's rate from its own count" {
	local pid i

	fake_hook a gen=1 filter=xmit functions=2 enabled=1 \
		stats="10 xmit 0xffffffff81001000
100 xmit 0xffffffff81002000"
	# 3 s between the frames: room for the write below between them
	# even on a loaded host.
	"$APPLY" --status --root "$ROOT" --watch 3 --count 2 --json >out 3>&- &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		grep -q '"hooks"' out 2>/dev/null && break
		sleep 0.05
	done
	printf '%s\n' '100 xmit 0xffffffff81002000' '60 xmit 0xffffffff81001000' \
		>"$ROOT/a/stats"
	wait "$pid"
	# 0x...1000: 50 more in at least 3 s; 0x...2000: none more
	fa_eq "$(tail -n1 out | jq -r '.hooks[0].top_functions[] |
		"\(.address) \(.hits) \(.hits_per_sec > 0 and .hits_per_sec <= 100)"')" \
		"0xffffffff81001000 60 true
0xffffffff81002000 100 false"
}
