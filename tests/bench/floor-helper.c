// SPDX-License-Identifier: MIT
/*
 * floor-helper SOURCE DIR [OPTION...]
 *
 * The cheapest mount.virtiofs there could be, for make bench-system: put in
 * place of /sbin/mount.virtiofs, it execs "mount -i -t virtiofs SOURCE DIR
 * OPTION..." and nothing else. mount(8) running it costs what any helper
 * costs before it does any work of its own (one more process, linked to libc
 * only, and the mount(8) it hands over to): the floor beside which our helper
 * is measured. SOURCE must be a tag: nothing is resolved.
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	/* mount -i -t virtiofs, then our arguments as mount(8) gave them */
	char *args[argc + 4];
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SOURCE DIR [OPTION...]\n", argv[0]);
		return 1;
	}
	args[0] = "mount";
	args[1] = "-i";
	args[2] = "-t";
	args[3] = "virtiofs";
	for (i = 1; i <= argc; i++)
		args[i + 3] = argv[i];
	execv("/usr/bin/mount", args);
	perror("floor-helper: /usr/bin/mount");
	return 32;
}
