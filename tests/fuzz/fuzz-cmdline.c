// SPDX-License-Identifier: MIT
/*
 * vfc_cmdline_get() and vfc_cmdline_get_root() on any kernel command line
 * (the boot loader's text, and what an initrd is booted with): a value is
 * never longer than the line, root= gives a non-empty SPEC or none, and a
 * plain word appended last is what the key reads back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *v = NULL, *line = NULL;
	int r;

	r = vfc_cmdline_get(s, "root", &v);
	FUZZ_ASSERT(r == 0 || r == -ENOENT, "get: %d for '%s'", r, fuzz_show(s));
	if (r == 0) {
		FUZZ_ASSERT(strlen(v) <= strlen(s), "value longer than '%s'", fuzz_show(s));
		free(v);
		v = NULL;
	}
	r = vfc_cmdline_get_root(s, &v);
	FUZZ_ASSERT(r == 0 || r == 1, "get_root: %d for '%s'", r, fuzz_show(s));
	if (r == 1) {
		FUZZ_ASSERT(*v, "an empty root SPEC from '%s'", fuzz_show(s));
		free(v);
		v = NULL;
	}
	/* Whatever plain words came before, the last word wins. */
	FUZZ_ASSERT(asprintf(&line, "%s root=virtiofs:x.y", s) > 0, "asprintf");
	if (!strpbrk(s, "\"'\\")) {
		r = vfc_cmdline_get_root(line, &v);
		FUZZ_ASSERT(r == 1 && strcmp(v, "x.y") == 0, "last root= lost after '%s'",
			    fuzz_show(s));
		free(v);
	}
	free(line);
	free(s);
	return 0;
}
