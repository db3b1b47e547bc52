# Shared by the fhook-apply guest suites (60-apply, 61-profiles), loaded
# after helpers.bash: fhook-apply against the real module.
# shellcheck shell=bash

# fa_hook NAME FILTER [FLAGS] [ENABLED]: a hook made by hand, committed.
fa_hook() {
	fh_hook "$1" "$2" "${3:-}"
	echo "${4:-0}" >"$FH/$1/enabled"
}

# Everything a rollback restores, hook by hook: the live configuration
# without its generation, the staged attributes, enabled and tag.  Not
# the generation (a commit adds one), the counters or last_error.
fa_state() {
	local d f

	for d in "$FH"/*/; do
		[ -d "$d" ] || continue
		echo "[$(basename "$d")]"
		sed '/^generation:/d' "$d/live"
		for f in filter notrace flags action enabled tag; do
			printf 'staged %s: %s\n' "$f" "$(tr '\n' ' ' <"$d/$f")"
		done
	done
}

# The live configuration and enabled state of every hook, without the
# generation: what an exported profile carries.
fa_live() {
	local d

	for d in "$FH"/*/; do
		[ -d "$d" ] || continue
		echo "[$(basename "$d")] enabled $(cat "$d/enabled")"
		sed '/^generation:/d' "$d/live"
	done
}

fa_gen() {
	fh_live_value "$1" generation
}
