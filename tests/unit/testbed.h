/* SPDX-License-Identifier: MIT */
/*
 * What the kernel does, played into a umockdev testbed for the unit tests.
 */
#ifndef VFC_TEST_TESTBED_H
#define VFC_TEST_TESTBED_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * Send one uevent of @subsystem to every event socket of the testbed: umockdev
 * binds each netlink uevent socket of the program there. Returns how many got it.
 */
static inline int send_uevent(const char *subsystem)
{
	const char *dir = getenv("UMOCKDEV_DIR");
	char msg[256];
	struct dirent *de;
	int n, sent = 0;
	DIR *d;

	n = snprintf(msg, sizeof(msg), "add@/devices/css0/0.0.0009/0.0.2000%cACTION=add%c"
		     "DEVPATH=/devices/css0/0.0.0009/0.0.2000%cSUBSYSTEM=%s%cSEQNUM=1%c",
		     0, 0, 0, subsystem, 0, 0);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd;

		if (strncmp(de->d_name, "event", 5) != 0)
			continue;
		if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%.40s/%.60s", dir,
				     de->d_name) >= sizeof(sa.sun_path))
			continue;
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (fd >= 0 && sendto(fd, msg, (size_t)n, 0, (struct sockaddr *)&sa, sizeof(sa)) == n)
			sent++;
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return sent;
}

#endif
