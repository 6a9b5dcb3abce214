// SPDX-License-Identifier: MIT
/*
 * vfc_escape_dirname() and vfc_escape_subdir() on any tag (tags come from the
 * hypervisor): the name is one harmless path component -- never empty, "."
 * or "..", no '/', only [A-Za-z0-9_+,:@=%~.-] and \xHH, no leading '.' or
 * '-' -- and decodes back to the tag, so no two tags share a directory.
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fuzz.h"

static bool kept(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("_+,:@=%~.-", c));
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *tag = fuzz_cstr(data, size);
	char *name = vfc_escape_dirname(tag), *target, *want;
	size_t i = 0, o = 0, n;

	FUZZ_ASSERT(name, "NULL for '%s'", fuzz_show(tag));
	n = strlen(name);
	FUZZ_ASSERT(
		n > 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && !strchr(name, '/'),
		"'%s' -> '%s' is no single harmless component", fuzz_show(tag), fuzz_show(name));
	FUZZ_ASSERT(name[0] != '.' && name[0] != '-', "'%s' -> '%s' starts with '%c'",
		    fuzz_show(tag), fuzz_show(name), name[0]);
	FUZZ_ASSERT(n <= 4 * strlen(tag) + 4, "'%s' grew more than fourfold", fuzz_show(tag));
	if (strlen(tag) <= 63)
		FUZZ_ASSERT(n <= 255, "'%s' -> a name over NAME_MAX", fuzz_show(tag));

	/* Decode: kept bytes stand for themselves, \xHH for byte HH. */
	if (!*tag) {
		FUZZ_ASSERT(strcmp(name, "\\x00") == 0, "empty tag -> '%s'", fuzz_show(name));
	} else {
		while (name[o]) {
			unsigned char c = (unsigned char)name[o];

			if (c == '\\') {
				int hi = hexval(name[o + 1] == 'x' ? name[o + 2] : 'X');
				int lo = hi < 0 ? -1 : hexval(name[o + 3]);

				FUZZ_ASSERT(lo >= 0, "bad escape in '%s'", fuzz_show(name));
				c = (unsigned char)(hi * 16 + lo);
				FUZZ_ASSERT(c == (unsigned char)tag[i],
					    "'%s' does not decode to '%s'", fuzz_show(name),
					    fuzz_show(tag));
				/* Escaped only what had to be (or a leading '.' / '-'). */
				FUZZ_ASSERT(!kept(c) || (i == 0 && (c == '.' || c == '-')),
					    "'%s': byte 0x%02x escaped needlessly", fuzz_show(tag),
					    c);
				o += 4;
			} else {
				FUZZ_ASSERT(kept(c), "'%s' -> '%s' keeps byte 0x%02x",
					    fuzz_show(tag), fuzz_show(name), c);
				FUZZ_ASSERT(c == (unsigned char)tag[i],
					    "'%s' does not decode to '%s'", fuzz_show(name),
					    fuzz_show(tag));
				o++;
			}
			i++;
		}
		FUZZ_ASSERT(tag[i] == '\0', "'%s' lost the tail of '%s'", fuzz_show(name),
			    fuzz_show(tag));
	}

	/* The mountpoint: the base, one slash, the name; also for "/" and a trailing slash. */
	target = vfc_escape_subdir("/run/virtiofs", tag);
	FUZZ_ASSERT(target && strncmp(target, "/run/virtiofs/", 14) == 0 &&
			    strcmp(target + 14, name) == 0,
		    "target '%s' for '%s'", target ? fuzz_show(target) : "(null)", fuzz_show(tag));
	free(target);
	target = vfc_escape_subdir("/", tag);
	want = malloc(n + 2);
	if (!want)
		abort();
	want[0] = '/';
	memcpy(want + 1, name, n + 1);
	FUZZ_ASSERT(target && strcmp(target, want) == 0, "target '%s' in / for '%s'",
		    target ? fuzz_show(target) : "(null)", fuzz_show(tag));
	free(target);
	target = vfc_escape_subdir("/mnt/", tag);
	FUZZ_ASSERT(target && strncmp(target, "/mnt/", 5) == 0 && strcmp(target + 5, name) == 0,
		    "target '%s' in /mnt/ for '%s'", target ? fuzz_show(target) : "(null)",
		    fuzz_show(tag));
	free(target);
	free(want);
	free(name);
	free(tag);
	return 0;
}
