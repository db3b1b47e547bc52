#!/usr/bin/env bats
# --export: the live hooks as a canonical profile that validates and
# diffs clean against the state it came from.

load helpers

setup() {
	fa_setup
}

@test "every committed hook, sorted, every key written, from live not staged" {
	fake_hook sched gen=3 filter="schedule try_to_wake_up" flags="RECURSION RCU" \
		enabled=1 tag=fhook-apply staged_filter=half-edited
	fake_hook reads gen=1 filter="vfs_*read* !vfs_readlink" notrace=vfs_readv \
		enabled=0
	run --separate-stderr -0 fa --export
	fa_eq "$stderr" ""
	fa_eq "$output" "# fhook profile exported by $("$APPLY" --version) from $ROOT (fhook 0.1.0)
version = 1;
tag = \"fhook-apply\";

hooks = {
  reads = {
    filter = [ \"!vfs_readlink\", \"vfs_*read*\" ];
    notrace = [ \"vfs_readv\" ];
    flags = [ ];
    action = \"count\";
    enabled = false;
    tag = \"\";
  };
  sched = {
    filter = [ \"schedule\", \"try_to_wake_up\" ];
    notrace = [ ];
    flags = [ \"RECURSION\", \"RCU\" ];
    action = \"count\";
    enabled = true;
  };
};"
}

@test "hooks never committed are left out, with a warning" {
	fake_hook a gen=1 filter=x tag=fhook-apply
	fake_hook fresh gen=0
	run --separate-stderr -0 fa --export
	fa_eq "$stderr" "fhook-apply: warning: hook 'fresh' not exported: never committed"
	[[ $output != *fresh* ]]
}

@test "the export validates and shows no difference against its source" {
	fake_hook a gen=2 filter="f1 f2" notrace="n1" flags="SAVE_REGS PERMANENT" \
		enabled=1 tag=fhook-apply
	fake_hook b gen=7 filter="x*" tag=fhook-apply
	fa --export >e.cfg
	run -0 fa --check e.cfg
	fa_eq "$output" "e.cfg: valid, 2 hooks"
	run -0 fa --diff e.cfg
	fa_eq "$output" ""
}

@test "a tag all hooks share is exported with them" {
	fake_hook a gen=1 filter=x tag='te"am\a'
	fake_hook b gen=1 filter=y tag='te"am\a'
	fa --export >e.cfg
	fa_eq "$(sed -n 3p e.cfg)" 'tag = "te\"am\\a";'
	run -0 fa --diff e.cfg
	fa_eq "$output" ""
	fake_hook c gen=1 filter=y tag=other
	fa --export >e.cfg
	fa_eq "$(sed -n 3p e.cfg)" 'tag = "te\"am\\a";'
	fa_eq "$(grep -c tag e.cfg)" 2
	fa_eq "$(sed -n '/^  c = {/,/^  };/p' e.cfg | grep tag)" '    tag = "other";'
}

@test "two tags and a hook made by hand: the most common tag is the profile's" {
	fake_hook a gen=1 filter=x tag=team
	fake_hook b gen=1 filter=y tag=team enabled=1
	fake_hook c gen=1 filter=z tag=other
	fake_hook d gen=1 filter=w
	fa --export >e.cfg
	fa_eq "$(grep tag e.cfg)" 'tag = "team";
    tag = "other";
    tag = "";'
	fa_eq "$(sed -n '/^  d = {/,/^  };/p' e.cfg | tail -n 2)" '    tag = "";
  };'
	run -0 fa --check e.cfg
	fa_eq "$output" "e.cfg: valid, 4 hooks"
	run -0 fa --diff e.cfg
	fa_eq "$output" ""
	# without the hook's own tag, the diff sees the difference
	sed -i '/tag = "other";/d' e.cfg
	run -1 fa --diff e.cfg
	fa_eq "${lines[1]}" "    tag: other -> team"
}

@test "--export --json: one JSON document of the committed hooks" {
	fake_hook a gen=2 filter="f1 f2" action="log stack" args=3 pids="977 412" \
		enabled=1 tag=team
	fake_hook b gen=1 filter=x
	fake_hook fresh gen=0
	run --separate-stderr -0 fa --export --json
	fa_eq "$stderr" "fhook-apply: warning: hook 'fresh' not exported: never committed"
	echo "$output" >e.json
	run -0 python3 -c 'import json, sys
d = json.load(sys.stdin)
a, b = d["hooks"]
assert d["tag"] == "team", d
assert a["name"] == "a" and a["filter"] == ["f1", "f2"], a
assert a["action"] == ["log", "stack"] and a["args"] == 3, a
assert a["pids"] == [412, 977] and a["enabled"] is True, a
assert a["tag"] == "team" and a["generation"] == 2, a
assert b["tag"] == "" and b["sample"] == 1 and b["target"] == "", b
print(len(d["hooks"]))' <e.json
	fa_eq "$output" 2
}

@test "an empty root exports an empty, valid profile" {
	fa --export >e.cfg
	fa_eq "$(tail -n 2 e.cfg)" "hooks = {
};"
	run -0 fa --check e.cfg
	fa_eq "$output" "e.cfg: valid, 0 hooks"
}

@test "the new attributes: exported where not the default, and back exactly" {
	fake_hook opens gen=3 filter=do_sys_openat2 action="log stack" args=3 \
		stack_depth=8 pids="412 977" comm='bash ng* q"x\y' sample=100 \
		functions=1 enabled=1 tag=fhook-apply
	fake_hook swap gen=1 filter=f flags=IPMODIFY action="count redirect" \
		target=my_f tag=fhook-apply
	fake_hook plain gen=1 filter=g tag=fhook-apply
	fa --export >e.cfg
	fa_eq "$(sed -n '/^hooks/,$p' e.cfg)" "hooks = {
  opens = {
    filter = [ \"do_sys_openat2\" ];
    notrace = [ ];
    flags = [ ];
    action = [ \"log\", \"stack\" ];
    args = 3;
    stack_depth = 8;
    pids = [ 412, 977 ];
    comm = [ \"bash\", \"ng*\", \"q\\\"x\\\\y\" ];
    sample = 100;
    enabled = true;
  };
  plain = {
    filter = [ \"g\" ];
    notrace = [ ];
    flags = [ ];
    action = \"count\";
    enabled = false;
  };
  swap = {
    filter = [ \"f\" ];
    notrace = [ ];
    flags = [ \"IPMODIFY\" ];
    action = [ \"count\", \"redirect\" ];
    target = \"my_f\";
    enabled = false;
  };
};"
	run -0 fa --check e.cfg
	fa_eq "$output" "e.cfg: valid, 3 hooks"
	run -0 fa --diff e.cfg
	fa_eq "$output" ""
	# applied to hooks never committed, it writes back what was read
	ROOT=$BATS_TEST_TMPDIR/copy
	mkdir -p "$ROOT"
	echo "$FEATURES" >"$ROOT/features"
	for h in opens swap plain; do
		fake_hook "$h" gen=0 tag=fhook-apply
	done
	run -0 fa e.cfg
	for f in args stack_depth target pids comm sample; do
		fa_eq "$(cat "$ROOT/opens/$f")" \
			"$(sed -n "s/^$f: *//p" "$BATS_TEST_TMPDIR/fhook/opens/live")"
	done
	fa_eq "$(cat "$ROOT/swap/target")" my_f
}
