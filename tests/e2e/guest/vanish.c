// SPDX-License-Identifier: MIT
/*
 * Fault injection for the e2e guest (scenario fault-vanish), loaded with
 * LD_PRELOAD: the device goes away between a program's lookup and its
 * mount(2). Just before the first mount(2) of type virtiofs in the process,
 * "0" is written to the file $E2E_VANISH_ONLINE names (a CCW device's online
 * attribute; the write returns when the device is offline and its virtio
 * device is gone) and, if that worked, /run/e2e-vanish.done is created, so
 * the scenario knows the fault was injected. Then the real mount(2) runs.
 * Nothing is printed: the program's own output is what the test checks.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int mount(const char *source, const char *target, const char *type, unsigned long flags,
	  const void *data)
{
	static int injected;
	const char *online = getenv("E2E_VANISH_ONLINE");

	if (!injected && online && type && strcmp(type, "virtiofs") == 0) {
		int fd = open(online, O_WRONLY | O_CLOEXEC);

		injected = 1;
		if (fd >= 0) {
			if (write(fd, "0", 1) == 1) {
				int done = open("/run/e2e-vanish.done",
						O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

				if (done >= 0)
					close(done);
			}
			close(fd);
		}
	}
	return (int)syscall(SYS_mount, source, target, type, flags, data);
}
