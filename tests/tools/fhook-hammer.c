// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-hammer: make an exact number of calls of one kernel function from
 * one task, so a test can compare a hook's hit count with what it did.
 *
 *   fhook-hammer SYSCALL COUNT     make COUNT calls
 *   fhook-hammer SYSCALL -         call until SIGTERM or SIGINT, then
 *                                  print how many calls were made
 *
 * SYSCALL names a syscall whose kernel implementation the test hooks
 * (see the table); each iteration enters the kernel exactly once.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct hammer_call {
	const char *name;
	long nr;
};

/* Argument-less syscalls, each implemented by one traceable function. */
static const struct hammer_call calls[] = {
	{ "getppid",	SYS_getppid },
	{ "getpgrp",	SYS_getpgrp },
	{ "getpid",	SYS_getpid },
	{ "gettid",	SYS_gettid },
	{ "getuid",	SYS_getuid },
	{ "getgid",	SYS_getgid },
	{ "geteuid",	SYS_geteuid },
	{ "getegid",	SYS_getegid },
	{ "sched_yield", SYS_sched_yield },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Set from the signal handler; atomic accesses instead of volatile. */
static int stop;

static void on_signal(int sig)
{
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

/*
 * A signal is delivered on the way back from a syscall, so the call in
 * progress has completed and is counted before the loop sees @stop.
 */
static int hammer_until_signal(long nr)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long n = 0;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL)) {
		perror("fhook-hammer: sigaction");
		return 1;
	}
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		syscall(nr);
		n++;
	}
	printf("%llu\n", n);
	return 0;
}

static int help(FILE *out, int code)
{
	unsigned int i;

	fprintf(out, "usage: fhook-hammer SYSCALL COUNT|-\nSYSCALL:");
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		fprintf(out, " %s", calls[i].name);
	fprintf(out, "\n");
	return code;
}

int main(int argc, char **argv)
{
	unsigned long long count, i;
	unsigned int c;
	char *end;

	if (argc == 2 && !strcmp(argv[1], "--help"))
		return help(stdout, 0);
	if (argc != 3)
		return help(stderr, 2);
	for (c = 0; c < ARRAY_SIZE(calls); c++)
		if (!strcmp(calls[c].name, argv[1]))
			break;
	if (c == ARRAY_SIZE(calls)) {
		fprintf(stderr, "fhook-hammer: unknown syscall '%s'\n", argv[1]);
		return help(stderr, 2);
	}
	if (!strcmp(argv[2], "-"))
		return hammer_until_signal(calls[c].nr);
	errno = 0;
	count = strtoull(argv[2], &end, 10);
	if (errno || *end || end == argv[2]) {
		fprintf(stderr, "fhook-hammer: bad count '%s'\n", argv[2]);
		return 2;
	}
	for (i = 0; i < count; i++)
		syscall(calls[c].nr);
	return 0;
}
