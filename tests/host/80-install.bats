#!/usr/bin/env bats
# What `make install` adds besides the module (make -C utils install and
# dist/install), into a staging DESTDIR, and that `make uninstall` takes
# all of it away again; the man pages and profiles.

load helpers

setup() {
	fa_setup
	DEST=$BATS_TEST_TMPDIR/dest
}

@test "tools, trace plugin, man pages, profiles, the enabled unit and the DKMS tree" {
	run -0 make -s -C "$TOP/utils" install DESTDIR="$DEST" PREFIX=/usr/local
	run -0 env DESTDIR="$DEST" PREFIX=/usr/local "$TOP/dist/install"
	[ -x "$DEST/usr/local/sbin/fhook-apply" ]
	fa_eq "$(readlink "$DEST/usr/local/sbin/fhook-stat")" fhook-apply
	# The libtraceevent plugin goes where trace-cmd looks, whatever PREFIX.
	cmp "$TOP/utils/plugin_fhook.so" \
		"$DEST$(pkg-config --variable=libdir libtraceevent)/traceevent/plugins/plugin_fhook.so"
	for f in man5/fhook.cfg.5 man8/fhook-apply.8 man8/fhook-stat.8; do
		cmp "$TOP/man/${f#*/}" "$DEST/usr/local/share/man/$f"
	done
	for p in sched vfs net security latency modules; do
		cmp "$TOP/profiles/$p.cfg" "$DEST/usr/local/share/fhook/$p.cfg"
	done
	[ -d "$DEST/etc/fhook" ]
	[ ! -e "$DEST/etc/fhook/profile.cfg" ]
	unit=$DEST/usr/local/lib/systemd/system/fhook-apply.service
	grep -qx 'ExecStart=/usr/local/sbin/fhook-apply --prune /etc/fhook/profile.cfg' "$unit"
	grep -qx 'ConditionPathExists=/etc/fhook/profile.cfg' "$unit"
	grep -qx 'WantedBy=multi-user.target' "$unit"
	fa_eq "$(readlink "$DEST/etc/systemd/system/multi-user.target.wants/fhook-apply.service")" \
		/usr/local/lib/systemd/system/fhook-apply.service
	src=$DEST/usr/src/fhook-$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dist/dkms.conf")
	for f in dkms.conf Kbuild Makefile fhook.h main.c configfs.c hook.c \
		 action.c parse.c compat.h; do
		[ -f "$src/$f" ]
	done
	[ ! -e "$src/fhook.mod.c" ]
	grep -qx 'BUILT_MODULE_NAME\[0\]="fhook"' "$src/dkms.conf"
	grep -qx 'DEST_MODULE_LOCATION\[0\]="/extra"' "$src/dkms.conf"
	grep -qx 'AUTOINSTALL="yes"' "$src/dkms.conf"
}

@test "installing twice is harmless and keeps an administrator's profile" {
	mkdir -p "$DEST/etc/fhook"
	echo mine >"$DEST/etc/fhook/profile.cfg"
	run -0 env DESTDIR="$DEST" "$TOP/dist/install"
	run -0 env DESTDIR="$DEST" "$TOP/dist/install"
	fa_eq "$(cat "$DEST/etc/fhook/profile.cfg")" mine
}

# install_all PREFIX: what make install puts into $DEST, with a module as
# modules_install leaves it for a kernel.
install_all() {
	run -0 make -s -C "$TOP/utils" install DESTDIR="$DEST" PREFIX="$1"
	run -0 env DESTDIR="$DEST" PREFIX="$1" "$TOP/dist/install"
	mkdir -p "$DEST/lib/modules/6.1.0-99-amd64/extra"
	echo ko >"$DEST/lib/modules/6.1.0-99-amd64/extra/fhook.ko"
}

# left_files: every file or symlink under $DEST, sorted.
left_files() {
	(cd "$DEST" && find . ! -type d | LC_ALL=C sort)
}

@test "the unit starts, reloads and stops with the installed fhook-apply" {
	run -0 make -s -C "$TOP/utils" install DESTDIR="$DEST" PREFIX=/opt/fh
	run -0 env DESTDIR="$DEST" PREFIX=/opt/fh "$TOP/dist/install"
	unit=$DEST/opt/fh/lib/systemd/system/fhook-apply.service
	[ -x "$DEST/opt/fh/sbin/fhook-apply" ]
	run -0 grep -E '^Exec(Start|Reload|Stop)=' "$unit"
	fa_eq "$output" "ExecStart=/opt/fh/sbin/fhook-apply --prune /etc/fhook/profile.cfg
ExecReload=/opt/fh/sbin/fhook-apply --prune /etc/fhook/profile.cfg
ExecStop=/opt/fh/sbin/fhook-apply --delete /etc/fhook/profile.cfg"
	fa_eq "$(readlink "$DEST/etc/systemd/system/multi-user.target.wants/fhook-apply.service")" \
		/opt/fh/lib/systemd/system/fhook-apply.service
}

@test "make uninstall removes everything make install added, in DESTDIR and PREFIX" {
	install_all /opt/fh
	[ -e "$DEST/opt/fh/sbin/fhook-apply" ]
	[ -n "$(left_files)" ]
	run -0 make -s -C "$TOP" uninstall DESTDIR="$DEST" PREFIX=/opt/fh
	fa_eq "$output" ""
	fa_eq "$(left_files)" ""
	# only the directories it shares with others are left
	[ ! -e "$DEST/opt/fh/share/fhook" ]
	[ ! -e "$DEST/etc/fhook" ]
	[ -z "$(find "$DEST/usr/src" -mindepth 1)" ]
	[ -d "$DEST/opt/fh/sbin" ]
	# a second run has nothing left to do and succeeds
	run -0 make -s -C "$TOP" uninstall DESTDIR="$DEST" PREFIX=/opt/fh
}

@test "uninstalling keeps the administrator's profile and what another PREFIX holds" {
	install_all /usr/local
	echo mine >"$DEST/etc/fhook/profile.cfg"
	mkdir -p "$DEST/usr/sbin"
	echo other >"$DEST/usr/sbin/fhook-apply"
	run -0 env DESTDIR="$DEST" PREFIX=/usr/local "$TOP/dist/uninstall"
	fa_eq "$(left_files)" "./etc/fhook/profile.cfg
./usr/sbin/fhook-apply"
	fa_eq "$(cat "$DEST/etc/fhook/profile.cfg")" mine
}

@test "dist/install installs fhook(7) when man/fhook.7 exists, dist/uninstall removes it" {
	cp -r "$TOP/dist" "$TOP/man" "$TOP/profiles" "$BATS_TEST_TMPDIR/"
	mkdir "$BATS_TEST_TMPDIR/module"
	cp "$TOP"/module/*.[ch] "$TOP/module/Kbuild" "$TOP/module/Makefile" \
		"$BATS_TEST_TMPDIR/module/"
	printf '.TH FHOOK 7\n' >"$BATS_TEST_TMPDIR/man/fhook.7"
	run -0 env DESTDIR="$DEST" "$BATS_TEST_TMPDIR/dist/install"
	cmp "$BATS_TEST_TMPDIR/man/fhook.7" "$DEST/usr/local/share/man/man7/fhook.7"
	run -0 env DESTDIR="$DEST" "$BATS_TEST_TMPDIR/dist/uninstall"
	fa_eq "$(left_files)" ""
}

@test "dkms.conf names the version the module reports" {
	module=$(sed -n 's/^#define FHOOK_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$TOP/module/fhook.h")
	dkms=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dist/dkms.conf")
	fa_eq "$dkms" "$module"
	cp -r "$TOP/dist" "$TOP/man" "$TOP/profiles" "$BATS_TEST_TMPDIR/"
	mkdir "$BATS_TEST_TMPDIR/module"
	cp "$TOP"/module/*.[ch] "$TOP/module/Kbuild" "$TOP/module/Makefile" \
		"$BATS_TEST_TMPDIR/module/"
	sed -i 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="9.9.9"/' "$BATS_TEST_TMPDIR/dist/dkms.conf"
	run --separate-stderr -1 env DESTDIR="$DEST" "$BATS_TEST_TMPDIR/dist/install"
	fa_eq "$stderr" "dist/install: dist/dkms.conf has version '9.9.9', module/fhook.h '$module'"
}

@test "the man pages render without warnings" {
	for m in man5/fhook.cfg.5 man8/fhook-apply.8 man8/fhook-stat.8; do
		run -0 groff -man -Tutf8 -ww -z "$TOP/man/${m#*/}"
		fa_eq "$output" ""
	done
}

@test "every profile validates and documents itself" {
	for p in sched vfs net security latency modules; do
		run -0 fa --check "$TOP/profiles/$p.cfg"
		# a comment above every hook says what it watches
		# shellcheck disable=SC2016
		run -0 awk '/^  [a-z0-9_]+ = \{/ { if (prev !~ /^ *#/) print $1 } { if ($0 !~ /^ *$/) prev = $0 }' \
			"$TOP/profiles/$p.cfg"
		fa_eq "$output" ""
	done
}

@test "the examples in profiles/README.md and fhook.cfg(5) are valid profiles" {
	echo 'x = { filter = [ "x" ]; };' >more-hooks.cfg
	# the first code block of the Format section
	sed -n '/^## Format/,/^## /p' "$TOP/profiles/README.md" |
		awk '/^```$/ { n++; next } n == 1' >readme.cfg
	run -0 fa --check readme.cfg
	fa_eq "$output" "readme.cfg: valid, 2 hooks"
	sed -n '/^\.SH EXAMPLE/,/^\.SH /p' "$TOP/man/fhook.cfg.5" |
		sed -n '/^\.nf$/,/^\.fi$/p' | sed '1d;$d' >man.cfg
	run -0 fa --check man.cfg
	fa_eq "$output" "man.cfg: valid, 5 hooks"
}
