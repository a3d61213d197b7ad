// SPDX-License-Identifier: GPL-2.0
/*
 * xpcpu_insmod - load a module with one finit_module() call, nothing else.
 *
 * busybox insmod retries a module whose init failed with init_module(),
 * so a module whose init returns -EAGAIN once it has done its work (the
 * benchmark, as lib/test_vmalloc.c does) would run twice.  This loader
 * tries once and reports the init's result as its exit status: 0, or the
 * errno (EAGAIN is 11).  Built static on the host for the guest's
 * initramfs (scripts/initramfs.sh puts it in /bin).
 *
 * Usage: xpcpu_insmod MODULE.ko [PARAM=VALUE...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char params[4096] = "";
	size_t len = 0;
	int fd, i, err;

	if (argc < 2) {
		fprintf(stderr, "usage: %s MODULE.ko [PARAM=VALUE...]\n", argv[0]);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		int n = snprintf(params + len, sizeof(params) - len, "%s%s",
				 len ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - len) {
			fprintf(stderr, "%s: parameters too long\n", argv[0]);
			return 2;
		}
		len += n;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], strerror(errno));
		return 2;
	}
	if (syscall(SYS_finit_module, fd, params, 0) == 0)
		return 0;
	err = errno;
	fprintf(stderr, "%s: %s: %s (errno %d)\n", argv[0], argv[1],
		strerror(err), err);
	return err > 0 && err < 126 ? err : 1;
}
