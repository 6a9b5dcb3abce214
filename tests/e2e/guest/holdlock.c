// SPDX-License-Identifier: MIT
/*
 * For the e2e guest (scenario fault-lock): hold the flock(2) of a file the
 * way another tool that mounts would. holdlock FILE READY SECONDS: lock FILE,
 * create READY, sleep SECONDS, release (by exiting).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, ready;

	if (argc != 4)
		return 2;
	fd = open(argv[1], O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		return 1;
	ready = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (ready < 0)
		return 1;
	close(ready);
	sleep((unsigned int)atoi(argv[3]));
	return 0;
}
