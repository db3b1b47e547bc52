// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-bench: time a tight loop of getppid() system calls, pinned to one
 * CPU, and print the cost of one call in nanoseconds. The kernel side of
 * the call is __do_sys_getppid, so hooking that function (or every
 * function) shows up as the difference from an unhooked run.
 *
 *   fhook-bench [-c CPU] [-n CALLS] [-w WARMUP]
 *
 * Defaults: CPU 0, 2000000 timed calls after 100000 untimed ones. Prints
 * one line: the nanoseconds per call, with two decimals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int help(FILE *out, int code)
{
	fprintf(out, "usage: fhook-bench [-c CPU] [-n CALLS] [-w WARMUP]\n");
	return code;
}

static int parse_ull(const char *s, unsigned long long *val)
{
	char *end;

	errno = 0;
	*val = strtoull(s, &end, 10);
	return errno || *end || end == s || *s == '-' ? -1 : 0;
}

static int pin(unsigned long long cpu)
{
	cpu_set_t set;

	if (cpu >= CPU_SETSIZE) {
		fprintf(stderr, "fhook-bench: CPU %llu out of range\n", cpu);
		return -1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "fhook-bench: sched_setaffinity(%llu): %s\n",
			cpu, strerror(errno));
		return -1;
	}
	return 0;
}

static void calls(unsigned long long n)
{
	unsigned long long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long long cpu = 0, n = 2000000, warmup = 100000;
	unsigned long long t0, t1;
	int opt;

	if (argc == 2 && !strcmp(argv[1], "--help"))
		return help(stdout, 0);
	while ((opt = getopt(argc, argv, "c:n:w:")) != -1) {
		switch (opt) {
		case 'c':
			if (parse_ull(optarg, &cpu))
				return help(stderr, 2);
			break;
		case 'n':
			if (parse_ull(optarg, &n) || !n)
				return help(stderr, 2);
			break;
		case 'w':
			if (parse_ull(optarg, &warmup))
				return help(stderr, 2);
			break;
		default:
			return help(stderr, 2);
		}
	}
	if (optind != argc)
		return help(stderr, 2);
	if (pin(cpu))
		return 1;

	calls(warmup);
	t0 = now_ns();
	calls(n);
	t1 = now_ns();
	printf("%.2f\n", (double)(t1 - t0) / n);
	return 0;
}
