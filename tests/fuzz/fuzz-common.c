// SPDX-License-Identifier: GPL-2.0
/*
 * Shared by the harnesses: see fuzz.h.  Every failure to set up is an
 * abort(), so that libFuzzer reports it instead of fuzzing nothing.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

const char *prog = "fhook-apply";

const char fuzz_features[] =
	"flags: SAVE_REGS SAVE_REGS_IF_SUPPORTED RECURSION IPMODIFY RCU PERMANENT\n"
	"actions: count log stack callers redirect\n"
	"predicates: pids comm sample\n"
	"limits: args=6 stack_depth=64 pids=64 comm=16 sample=1000000000 name=64 tag=64 globs=256 glob=511 input=4094 target=127 comm_glob=64 pid=4194304 fetches=16 fetch_depth=8\n"
	"needs_save_regs:\n";

/*
 * fhook-apply's messages are part of what runs, but printing thousands a
 * second slows the fuzzer down: they go to /dev/null.  libFuzzer and the
 * sanitizers write to file descriptor 2 or their own FILE, not stderr.
 */
void fuzz_init(void)
{
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		abort();
	stderr = null;
}

void fuzz_features_load(struct features *f)
{
	memset(f, 0, sizeof(*f));
	if (features_parse(f, fuzz_features))
		abort();
}

char *fuzz_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	xasprintf(&dir, "%s/fhook-fuzz.XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(dir))
		abort();
	return dir;
}

static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	return remove(path);
}

void fuzz_rmtree(const char *dir)
{
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS))
		abort();
}

void fuzz_write(const char *dir, const char *name, const char *text,
		size_t len)
{
	char *path;
	int fd;

	xasprintf(&path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (len && write(fd, text, len) != (ssize_t)len))
		abort();
	close(fd);
	free(path);
}

static void write_str(const char *dir, const char *name, const char *text)
{
	fuzz_write(dir, name, text, strlen(text));
}

void fuzz_fake_root(const char *root)
{
	write_str(root, "version", "0.2.0\n");
	write_str(root, "features", fuzz_features);
}

/* A never-enabled hook with the mkdir defaults, as helpers.bash's fake_hook. */
void fuzz_fake_hook(const char *root, const char *name)
{
	static const char * const files[][2] = {
		{ "live", "generation: 1\nfilter: vfs_read\nnotrace:\nflags:\n"
			  "action: count\nargs: 0\nstack_depth: 16\ntarget:\n"
			  "pids:\ncomm:\nsample: 1\nfunctions: 1\n" },
		{ "filter", "vfs_read\n" }, { "notrace", "" }, { "flags", "\n" },
		{ "action", "count\n" }, { "args", "0\n" },
		{ "stack_depth", "16\n" }, { "target", "\n" }, { "pids", "\n" },
		{ "comm", "\n" }, { "sample", "1\n" }, { "enabled", "0\n" },
		{ "tag", "\n" }, { "hits", "0\n" }, { "missed", "0\n" },
		{ "last_error", "\n" }, { "commit", "" }, { "reset", "" },
	};
	char *dir;
	size_t i;

	xasprintf(&dir, "%s/%s", root, name);
	if (mkdir(dir, 0755))
		abort();
	for (i = 0; i < ARRAY_SIZE(files); i++)
		write_str(dir, files[i][0], files[i][1]);
	free(dir);
}

static bool starts(const char *s, const char *word)
{
	return !strncmp(s, word, strlen(word));
}

/*
 * Every line of the script outside a quoted string is a comment or one of
 * the configfs operations: a name from the kernel or the profile must not
 * start a command of its own.
 */
static void check_script(const char *s)
{
	bool quoted = false, bol = true;

	for (; *s; s++) {
		if (bol && !quoted && *s == '#') {
			s = strchrnul(s, '\n');
			if (!*s)
				break;
			continue;
		}
		if (bol && !quoted && !starts(s, "set -e\n") &&
		    !starts(s, "mkdir ") && !starts(s, "rmdir ") &&
		    !starts(s, "printf '%s\\n' "))
			abort();
		if (*s == '\\' && !quoted && s[1])
			s++;
		else if (*s == '\'')
			quoted = !quoted;
		bol = *s == '\n';
	}
	if (quoted)
		abort();
}

void fuzz_check_plan(const struct plan *pl, const char *profile)
{
	FILE *null = fopen("/dev/null", "w"), *mem;
	size_t len;
	char *text;

	mem = open_memstream(&text, &len);
	if (!null || !mem)
		abort();
	print_plan(mem, pl, profile, false);
	fclose(mem);
	check_script(text);
	free(text);
	print_plan(null, pl, profile, true);
	fclose(null);
}

/* What fhook-apply keeps for the whole run: once per input here. */
void fuzz_reset(void)
{
	diags_free(&run_diags);
	json_documents = 0;
}
