#!/usr/bin/env bats
# Named args: explicit fetch specifications spelt as the module reads
# them back, and names resolved from BTF.  The BTF is a small kernel-like
# one built here (gcc -g, then pahole), laid out as /sys/kernel/btf:
# "vmlinux" and one module, "mymod"; the guest suite 78-fetch resolves
# names from the real kernels' BTF.

load helpers

setup_file() {
	local d=$BATS_FILE_TMPDIR

	cat >"$d/types.h" <<'EOF'
struct qstr { unsigned int hash; unsigned int len; const unsigned char *name; };
struct dentry { int d_flags; struct qstr d_name; };
struct path { void *mnt; struct dentry *dentry; };
struct inode { long pad[8]; unsigned long i_ino; };
struct file {
	union { void *rcu; struct path f_path; };
	struct inode *f_inode;
	long long f_pos;
	char tag[16];
	unsigned int bits:3;
	enum { MODE_A = -1, MODE_B } mode;
};
struct open_how { unsigned long long flags, mode, resolve; };
struct pair { long a, b; };
struct big { long a, b, c; };
typedef unsigned char u8;
EOF
	cat >"$d/vmlinux.c" <<'EOF'
#include "types.h"
long do_sys_openat2(int dfd, const char *filename, struct open_how *how)
{ return dfd + (long)filename + (long)how; }
long vfs_read(struct file *file, char *buf, unsigned long count, long long *pos)
{ return (long)file + (long)buf + count + (long)pos; }
long vfs_write(struct file *file, const char *buf, unsigned long count, long long *pos)
{ return (long)file + (long)buf + count + (long)pos; }
long by_value(struct pair pr, short after, u8 *bytes, struct big bg, struct file f)
{ return pr.a + bg.a + after + (long)bytes + f.f_pos; }
long seven(long a, long b, long c, long d, long e, long f, long g)
{ return a + b + c + d + e + f + g; }
long deep(struct file *f) { return (long)f; }
long other_read(int flags, struct file *file) { return flags + (long)file; }
EOF
	cat >"$d/mymod.c" <<'EOF'
#include "types.h"
long mod_write(struct file *filp, unsigned long n) { return (long)filp + n; }
EOF
	mkdir -p "$d/btf"
	gcc -g -O0 -c -o "$d/vmlinux.o" "$d/vmlinux.c"
	gcc -g -O0 -c -o "$d/mymod.o" "$d/mymod.c"
	# raw BTF, as /sys/kernel/btf has it (pahole -J would need
	# llvm-objcopy to put it in the ELF file); the module's split on it
	pahole --btf_encode_detached="$d/btf/vmlinux" "$d/vmlinux.o"
	pahole --btf_base "$d/btf/vmlinux" \
		--btf_encode_detached="$d/btf/mymod" "$d/mymod.o"
}

setup() {
	fa_setup
	BTF=$BATS_FILE_TMPDIR/btf
}

# The args line --plan writes for hook $1.
plan_args() {
	sed -n "s|^printf '%s\\\\n' '\\(.*\\)' > $ROOT/$1/args\$|\\1|p" <<<"$output"
}

@test "names from BTF become the module's fetch specifications" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  opens = { filter = [ "do_sys_openat2" ]; action = "log";
            args = [ "dfd", "filename", "flags=how->flags", "how->mode:x32" ]; };
  reads = { filter = [ "vfs_read" ]; action = "log";
            args = [ "name=file->f_path.dentry->d_name.name", "count",
                     "file->f_pos", "ino=file->f_inode->i_ino", "file->tag",
                     "file->mode", "buf:x64", "pos" ]; };
};
EOF
	run --separate-stderr -0 fa --btf "$BTF" --plan p.cfg
	fa_eq "$(plan_args opens)" \
		'dfd=$arg1:s32 filename=+0($arg2):string flags=+0($arg3):u64 mode=+8($arg3):x32'
	fa_eq "$(plan_args reads)" \
		'name=+0(+16(+8($arg1))):string count=$arg3:u64 f_pos=+24($arg1):s64 ino=+64(+16($arg1)):u64 tag=+32($arg1):string mode=+52($arg1):s32 buf=$arg2:x64 pos=$arg4:x64'
}

@test "registers follow the x86-64 calling convention, not the parameter's index" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "by_value" ]; action = "log"; args = [ "after", "bytes" ]; };
};
EOF
	run --separate-stderr -0 fa --btf "$BTF" --plan p.cfg
	# pr takes two registers; u8 * is no string
	fa_eq "$(plan_args a)" 'after=$arg3:s16 bytes=$arg4:x64'
}

@test "a function of a module is found in its BTF, with or without its selector" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "mod_write" ]; action = "log"; args = [ "filp->f_pos", "n" ]; };
  b = { filter = [ "mod_write:mod:mymod" ]; action = "log"; args = [ "filp->tag" ]; };
};
EOF
	run --separate-stderr -0 fa --btf "$BTF" --plan p.cfg
	fa_eq "$(plan_args a)" 'f_pos=+24($arg1):s64 n=$arg2:u64'
	fa_eq "$(plan_args b)" 'tag=+32($arg1):string'
}

@test "explicit specifications are written as the module reads them back" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "f" ]; action = "log";
        args = [ "x=$arg1", "y=+0x10(-0(+8($arg2))):u32", "s=$arg3:string",
                 "_z9=$arg06:ustring" ]; };
};
EOF
	run --separate-stderr -0 fa --plan p.cfg
	fa_eq "$(plan_args a)" \
		'x=$arg1:x64 y=+16(+0(+8($arg2))):u32 s=$arg3:string _z9=$arg6:ustring'
}

@test "a hook whose args read back the same is unchanged; export writes them" {
	fake_hook a gen=1 filter=do_sys_openat2 action=log enabled=1 \
		tag=fhook-apply:p 'args=dfd=$arg1:s32 filename=+0($arg2):string'
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "do_sys_openat2" ]; action = "log";
        args = [ "dfd", "filename" ]; };
};
EOF
	run --separate-stderr -0 fa --btf "$BTF" --diff p.cfg
	fa_eq "$output" ""
	run --separate-stderr -0 fa --export
	[[ "$output" == *'    args = [ "dfd=$arg1:s32", "filename=+0($arg2):string" ];'* ]]
	run --separate-stderr -0 fa --export --json
	[[ "$output" == *'"args":["dfd=$arg1:s32","filename=+0($arg2):string"]'* ]]
	# the count form stays a number
	fake_hook b gen=1 filter=f action=log args=2
	run --separate-stderr -0 fa --export
	[[ "$output" == *'    args = 2;'* ]]
}

@test "a changed name is a change of args" {
	fake_hook a gen=1 filter=do_sys_openat2 action=log enabled=1 \
		tag=fhook-apply:p 'args=dfd=$arg1:s32'
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "do_sys_openat2" ]; action = "log"; args = [ "fd=dfd" ]; };
};
EOF
	run --separate-stderr -1 fa --btf "$BTF" --diff p.cfg
	[[ "$output" == *'args'*'dfd=$arg1:s32'*'fd=$arg1:s32'* ]]
}

@test "every name BTF cannot resolve is an error at its line, naming what there is" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "vfs_read" ]; action = "log"; args = [ "fil" ]; };
  b = { filter = [ "vfs_read" ]; action = "log"; args = [ "file->nope" ]; };
  c = { filter = [ "vfs_read" ]; action = "log"; args = [ "file->f_path" ]; };
  d = { filter = [ "vfs_read" ]; action = "log"; args = [ "file->bits" ]; };
  e = { filter = [ "vfs_read" ]; action = "log"; args = [ "file.f_pos" ]; };
  f = { filter = [ "by_value" ]; action = "log"; args = [ "bg" ]; };
  g = { filter = [ "by_value" ]; action = "log"; args = [ "f.f_pos" ]; };
  h = { filter = [ "seven" ]; action = "log"; args = [ "g" ]; };
  i = { filter = [ "vfs_*" ]; action = "log"; args = [ "file" ]; };
  j = { filter = [ "nosuch" ]; action = "log"; args = [ "x" ]; };
  k = { filter = [ "vfs_read" ]; action = "log"; args = [ "count:string" ]; };
  l = { filter = [ "vfs_read" ]; action = "log"; args = [ "file->tag:u8" ]; };
  m = { filter = [ "vfs_read" ]; action = "log"; args = [ "func=file" ]; };
  n = { filter = [ "vfs_read" ]; action = "log"; args = [ "count", "count" ]; };
  o = { filter = [ "vfs_read", "by_value" ]; action = "log"; args = [ "file" ]; };
  p = { filter = [ "mod_write:mod:other" ]; action = "log"; args = [ "n" ]; };
  q = { filter = [ "vfs_read" ]; action = "log"; args = [ "file->" ]; };
};
EOF
	run --separate-stderr -1 fa --btf "$BTF" --plan p.cfg
	fa_eq "$output" ""
	fa_eq "$stderr" "fhook-apply: p.cfg:3: args: 'fil': vfs_read has no parameter 'fil': its parameters are file, buf, count, pos
fhook-apply: p.cfg:4: args: 'file->nope': struct file has no member 'nope'
fhook-apply: p.cfg:5: args: 'file->f_path': 'f_path' is not a number or pointer: name a member
fhook-apply: p.cfg:6: args: 'file->bits': 'bits' is a bitfield
fhook-apply: p.cfg:7: args: 'file.f_pos': 'file' is a pointer: use '->'
fhook-apply: p.cfg:8: args: 'bg': 'bg' is not passed in one of the first 6 registers
fhook-apply: p.cfg:9: args: 'f.f_pos': 'f' is not passed in one of the first 6 registers
fhook-apply: p.cfg:10: args: 'g': 'g' is not passed in one of the first 6 registers
fhook-apply: p.cfg:11: args: named args from BTF need the hook's filter to name functions, not 'vfs_*'
fhook-apply: p.cfg:12: args: 'x': nosuch is not in the kernel's BTF (inlined, or not a function)
fhook-apply: p.cfg:13: args: 'count:string': 'count' is not a char pointer or array: it has no string
fhook-apply: p.cfg:14: args: 'file->tag:u8': 'tag' is a char array: its type is string
fhook-apply: p.cfg:15: args: 'func=file': name 'func' is reserved
fhook-apply: p.cfg:16: args: name 'count' used twice
fhook-apply: p.cfg:17: args: 'file': by_value has no parameter 'file': its parameters are pr, after, bytes, bg, f
fhook-apply: p.cfg:18: args: 'n': no BTF for module other ($BTF/other): is it loaded?
fhook-apply: p.cfg:19: args: 'file->': a member name is missing
fhook-apply: p.cfg: 17 errors, nothing applied"
}

@test "a hook whose functions resolve a name differently is refused" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "vfs_read", "vfs_write", "!x" ]; action = "log";
        args = [ "file->f_pos", "count" ]; };
  b = { filter = [ "vfs_read", "vfs_write" ]; action = "log"; args = [ "buf" ]; };
  c = { filter = [ "vfs_read", "deep" ]; action = "log"; args = [ "x=$arg1" ]; };
};
EOF
	run --separate-stderr -0 fa --btf "$BTF" --plan p.cfg
	fa_eq "$(plan_args a)" 'f_pos=+24($arg1):s64 count=$arg3:u64'
	fa_eq "$(plan_args c)" 'x=$arg1:x64'
	# char * and const char *: both strings, the same specification
	fa_eq "$(plan_args b)" 'buf=+0($arg2):string'
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "vfs_read", "other_read" ]; action = "log"; args = [ "file" ]; };
  b = { filter = [ "vfs_read", "deep" ]; action = "log"; args = [ "file" ]; };
};
EOF
	run --separate-stderr -1 fa --btf "$BTF" --plan p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:3: args: other_read and vfs_read give different fetches (file=\$arg2:x64 / file=\$arg1:x64): hook them separately or write NAME=FETCH:TYPE
fhook-apply: p.cfg:4: args: 'file': deep has no parameter 'file': its parameters are f
fhook-apply: p.cfg: 2 errors, nothing applied"
}

@test "each malformed entry is refused with the module's reason" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "f" ]; action = "log";
        args = [ "x=$arg7", "=$arg1", "1x=$arg1", "x=+8$arg1", "x=+0x80000000($arg1)",
                 "x=$arg1:u128", "a b", "", "9", "x=+1(+1(+1(+1(+1(+1(+1(+1(+1($arg1)))))))))",
                 "common_pid=$arg1", "x=$arg", "abcdefghijabcdefghijabcdefghijab=$arg1" ]; };
  b = { filter = [ "f" ]; action = "stack"; args = [ "x=$arg1" ]; };
  c = { filter = [ "f" ]; action = "log"; args = "x=$arg1"; };
  d = { filter = [ "f" ]; action = "log";
        args = [ "a=$arg1", "b=$arg1", "c=$arg1", "d=$arg1", "e=$arg1", "f=$arg1",
                 "g=$arg1", "h=$arg1", "i=$arg1", "j=$arg1", "k=$arg1", "l=$arg1",
                 "m=$arg1", "n=$arg1", "o=$arg1", "p=$arg1", "q=$arg1" ]; };
};
EOF
	run --separate-stderr -1 fa --check p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:4: args: 'x=\$arg7': a fetch is \$arg1 to \$arg6 or +OFFSET(FETCH)
fhook-apply: p.cfg:4: args: '=\$arg1': a name is a letter or '_', then letters, digits or '_', 31 bytes at most
fhook-apply: p.cfg:4: args: '1x=\$arg1': a name is a letter or '_', then letters, digits or '_', 31 bytes at most
fhook-apply: p.cfg:4: args: 'x=+8\$arg1': a dereference is +OFFSET(FETCH), in parentheses
fhook-apply: p.cfg:4: args: 'x=+0x80000000(\$arg1)': offset must be a decimal or 0x number up to 0x7fffffff
fhook-apply: p.cfg:5: args: 'x=\$arg1:u128': unknown type: u8..u64, s8..s64, x8..x64, string or ustring
fhook-apply: p.cfg:5: args: 'a b': a named argument is NAME=FETCH[:TYPE], or [NAME=]PARAMETER[->MEMBER|.MEMBER]...[:TYPE] from BTF
fhook-apply: p.cfg:5: args: '': a named argument is NAME=FETCH[:TYPE], or [NAME=]PARAMETER[->MEMBER|.MEMBER]...[:TYPE] from BTF
fhook-apply: p.cfg:5: args: '9': a named argument is NAME=FETCH[:TYPE], or [NAME=]PARAMETER[->MEMBER|.MEMBER]...[:TYPE] from BTF
fhook-apply: p.cfg:5: args: 'x=+1(+1(+1(+1(+1(+1(+1(+1(+1(\$arg1)))))))))': more than 8 dereferences
fhook-apply: p.cfg:6: args: 'common_pid=\$arg1': name 'common_pid' is reserved
fhook-apply: p.cfg:6: args: 'x=\$arg': a fetch is \$arg1 to \$arg6 or +OFFSET(FETCH)
fhook-apply: p.cfg:6: args: 'abcdefghijabcdefghijabcdefghijab=\$arg1': a name is a letter or '_', then letters, digits or '_', 31 bytes at most
fhook-apply: p.cfg:7: named args need action log
fhook-apply: p.cfg:8: 'args' must be an integer or a list of strings
fhook-apply: p.cfg:10: args: more than 16 fetches
fhook-apply: p.cfg: 16 errors, nothing applied"
}

@test "without BTF, names are an error to apply or plan, a warning to the checks" {
	profile p.cfg <<'EOF'
version = 1;
hooks = {
  a = { filter = [ "vfs_read" ]; action = "log"; args = [ "count", "x=$arg1" ]; };
  b = { filter = [ "vfs_read" ]; action = "log"; args = [ "y=$arg2" ]; };
};
EOF
	local before
	before=$(tree_state)
	run --separate-stderr -1 fa --btf "$BATS_TEST_TMPDIR/none" --plan p.cfg
	fa_eq "$stderr" "fhook-apply: p.cfg:3: args: cannot read the kernel's BTF ($BATS_TEST_TMPDIR/none): No such file or directory; write fetch specifications NAME=FETCH:TYPE instead
fhook-apply: p.cfg: 1 error, nothing applied"
	run --separate-stderr -1 fa --btf "$BATS_TEST_TMPDIR/none" p.cfg
	fa_eq "$(tree_state)" "$before"
	run --separate-stderr -0 fa --btf "$BATS_TEST_TMPDIR/none" --check p.cfg
	[[ "$stderr" == "fhook-apply: p.cfg:3: warning: args: cannot read the kernel's BTF"* ]]
	run --separate-stderr -0 fa --check p.cfg
	fa_eq "$stderr" ""
	# another kernel's function list: its BTF only from --btf
	echo vfs_read >funcs
	run --separate-stderr -0 fa --btf "$BATS_TEST_TMPDIR/none" --check-symbols --functions funcs p.cfg
	[[ "$stderr" == "fhook-apply: p.cfg:3: warning: args: cannot read the kernel's BTF"* ]]
	run --separate-stderr -0 fa --check-symbols --functions funcs p.cfg
	fa_eq "$stderr" ""
	sed -i 's/"count"/"cnt"/' p.cfg
	run --separate-stderr -0 fa --check-symbols --functions funcs p.cfg
	run --separate-stderr -1 fa --btf "$BTF" --check-symbols --functions funcs p.cfg
	[[ "$stderr" == "fhook-apply: p.cfg:3: args: 'cnt': vfs_read has no parameter 'cnt': its parameters are file, buf, count, pos"* ]]
	run --separate-stderr -0 fa --check p.cfg
	run --separate-stderr -1 fa --btf "$BTF" --check p.cfg
	sed -i 's/"cnt"/"count"/' p.cfg
	# a directory without vmlinux, and a file that is no BTF
	mkdir empty
	run --separate-stderr -1 fa --btf empty --plan p.cfg
	[[ "$stderr" == *"cannot read the kernel's BTF (empty/vmlinux): No such file"* ]]
	run --separate-stderr -1 fa --btf p.cfg --plan p.cfg
	[[ "$stderr" == *"cannot read the kernel's BTF (p.cfg): "* ]]
}
