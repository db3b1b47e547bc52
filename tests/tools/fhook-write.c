// SPDX-License-Identifier: GPL-2.0
/*
 * fhook-write: one write() of a value to a file, reporting the errno by
 * name, so tests can assert the exact error a configfs store returns
 * (a shell's "echo >" only prints strerror text, and may retry).
 *
 *   fhook-write FILE VALUE     prints "ok", or the errno name and exits 1
 *   fhook-write -n FILE SIZE   writes SIZE bytes of 'a' (over-long tests)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *errno_name(int err)
{
	switch (err) {
	case EINVAL:		return "EINVAL";
	case EBUSY:		return "EBUSY";
	case ENOMEM:		return "ENOMEM";
	case ENODEV:		return "ENODEV";
	case ENOENT:		return "ENOENT";
	case EEXIST:		return "EEXIST";
	case EACCES:		return "EACCES";
	case EPERM:		return "EPERM";
	case ENAMETOOLONG:	return "ENAMETOOLONG";
	case E2BIG:		return "E2BIG";
	case EFBIG:		return "EFBIG";
	case ENOSPC:		return "ENOSPC";
	default:		return "EOTHER";
	}
}

static int put(const char *path, const char *val, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0) {
		printf("open: %s\n", errno_name(errno));
		return 1;
	}
	n = write(fd, val, len);
	if (n < 0) {
		printf("%s\n", errno_name(errno));
		close(fd);
		return 1;
	}
	close(fd);
	if ((size_t)n != len) {
		printf("short write %zd of %zu\n", n, len);
		return 1;
	}
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	size_t size;
	char *buf;
	int ret;

	if (argc == 3)
		return put(argv[1], argv[2], strlen(argv[2]));
	if (argc != 4 || strcmp(argv[1], "-n")) {
		fprintf(stderr, "usage: fhook-write FILE VALUE | -n FILE SIZE\n");
		return 2;
	}
	size = strtoul(argv[3], NULL, 10);
	buf = malloc(size + 1);
	if (!buf)
		return 2;
	memset(buf, 'a', size);
	ret = put(argv[2], buf, size);
	free(buf);
	return ret;
}
