// SPDX-License-Identifier: MIT
/*
 * vfc_escape_fstab() on any bytes: the field holds only printable ASCII
 * other than '#', '\' and blanks, plus \ooo escapes of exactly the bytes that
 * need one; decoding gives back the input; and libmount, reading an fstab
 * line with it as the source, gets back the input too.
 */
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "escape.h"
#include "fuzz.h"

static bool needs_escape(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == '\\' || c == '#';
}

/*
 * Through mnt_table_parse_fstab(), as src/plan.c reads fstab: the stream and
 * file parsers guess the format from the first line and take one whose source
 * reads as two numbers ("2024-01 /mnt ...") for mountinfo, dropping it.
 */
static void check_libmount(const char *in, const char *field)
{
	static int fd = -1;
	static char path[64];
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_fs *fs = NULL;
	const char *src;
	char *line;
	int r, n;

	if (fd < 0) {
		fd = memfd_create("fuzz-fstab", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	n = asprintf(&line, "%s /mnt/x virtiofs defaults 0 0\n", field);
	if (!tb || n < 0 || ftruncate(fd, 0) < 0 || pwrite(fd, line, (size_t)n, 0) != n)
		abort();
	r = mnt_table_parse_fstab(tb, path);
	FUZZ_ASSERT(r == 0 && mnt_table_get_nents(tb) == 1 && mnt_table_first_fs(tb, &fs) == 0,
		    "libmount does not read the line of '%s' (%d)", fuzz_show(line), r);
	src = mnt_fs_get_source(fs);
	FUZZ_ASSERT(src && strcmp(src, in) == 0, "libmount reads '%s' back as '%s'", fuzz_show(in),
		    src ? fuzz_show(src) : "(null)");
	free(line);
	mnt_unref_table(tb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char *out = vfc_escape_fstab(s);
	const unsigned char *o, *i = (const unsigned char *)s;

	FUZZ_ASSERT(out, "NULL for '%s'", fuzz_show(s));
	FUZZ_ASSERT(strlen(out) <= 4 * strlen(s), "'%s' grew more than fourfold", fuzz_show(s));
	for (o = (const unsigned char *)out; *o; i++) {
		if (*o == '\\') {
			unsigned char b;

			FUZZ_ASSERT(o[1] >= '0' && o[1] <= '3' && o[2] >= '0' && o[2] <= '7' &&
					    o[3] >= '0' && o[3] <= '7',
				    "bad escape in '%s'", fuzz_show(out));
			b = (unsigned char)((o[1] - '0') * 64 + (o[2] - '0') * 8 + (o[3] - '0'));
			FUZZ_ASSERT(b == *i, "'%s' does not decode to '%s'", fuzz_show(out),
				    fuzz_show(s));
			FUZZ_ASSERT(needs_escape(b), "'%s': byte 0x%02x escaped needlessly",
				    fuzz_show(s), b);
			o += 4;
		} else {
			FUZZ_ASSERT(!needs_escape(*o), "'%s' keeps byte 0x%02x", fuzz_show(out),
				    *o);
			FUZZ_ASSERT(*o == *i, "'%s' does not decode to '%s'", fuzz_show(out),
				    fuzz_show(s));
			o++;
		}
	}
	FUZZ_ASSERT(*i == '\0', "'%s' lost the tail of '%s'", fuzz_show(out), fuzz_show(s));
	/* An empty field cannot be written in fstab at all; nobody passes one. */
	if (*s)
		check_libmount(s, out);
	free(out);
	free(s);
	return 0;
}
