// SPDX-License-Identifier: MIT
/*
 * canary MODE: a program with a known defect, run the way the real tests run
 * (under umockdev-wrapper, with the same sanitizer or valgrind settings), so
 * that check-sanitize and check-valgrind prove they would catch one:
 *
 *   ok        read a sysfs attribute through umockdev, print it, free everything
 *   leak      lose a heap block (LeakSanitizer / memcheck "definitely lost")
 *   overflow  read one byte past a heap block (ASan / memcheck "Invalid read")
 *   ubsan     signed integer overflow (UBSan; not checked under valgrind)
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keep the compiler from proving the defects away. */
static volatile int sink;
static char *volatile escaped;

static int read_attr(void)
{
	char buf[64] = "";
	FILE *f;

	/* Redirected by umockdev to $UMOCKDEV_DIR/sys/...; absent without it. */
	f = fopen("/sys/bus/ccw/devices/0.0.0000/cutype", "re");
	if (!f) {
		perror("canary: /sys/bus/ccw/devices/0.0.0000/cutype");
		return 1;
	}
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 1;
	}
	fclose(f);
	fputs(buf, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char *p;

	if (strcmp(mode, "ok") == 0)
		return read_attr();
	if (strcmp(mode, "leak") == 0) {
		p = malloc(4711);
		if (!p)
			return 1;
		/* The only pointer to the block is overwritten: lost for good. */
		escaped = p;
		escaped = NULL;
		return 0;
	}
	if (strcmp(mode, "overflow") == 0) {
		p = malloc(16);
		if (!p)
			return 1;
		memset(p, 0, 16);
		escaped = p;
		sink = escaped[16 + (argc > 2)];
		free(p);
		return 0;
	}
	if (strcmp(mode, "ubsan") == 0) {
		int i = INT_MAX - (argc > 2);

		sink = i + 1;
		return 0;
	}
	fprintf(stderr, "usage: canary ok|leak|overflow|ubsan\n");
	return 2;
}
