// SPDX-License-Identifier: MIT
/*
 * Helpers of the fuzz targets (fuzz.h). Linked into every target; not a
 * target itself (the rules build tests/fuzz/fuzz-*.c except this file).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: property violated: %s\n    ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n = nul ? (size_t)(nul - data) : size;
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

const char *fuzz_show(const char *s)
{
	static char buf[1024];
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && o + 8 < sizeof(buf); p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			buf[o++] = (char)*p;
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", *p);
	}
	buf[o] = '\0';
	return buf;
}

size_t fuzz_utf8_len(const unsigned char *s)
{
	/* RFC 3629, section 4: the well-formed byte sequences, spelled out. */
	if (s[0] == 0xc2)
		return s[1] >= 0xa0 && s[1] <= 0xbf ? 2 : 0; /* U+00A0..U+00BF; U+0080..9F are C1 */
	if (s[0] >= 0xc3 && s[0] <= 0xdf)
		return s[1] >= 0x80 && s[1] <= 0xbf ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		unsigned char lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = s[0] == 0xed ? 0x9f : 0xbf;

		return s[1] >= lo && s[1] <= hi && s[2] >= 0x80 && s[2] <= 0xbf ? 3 : 0;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		unsigned char lo = s[0] == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = s[0] == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= lo && s[1] <= hi && s[2] >= 0x80 && s[2] <= 0xbf && s[3] >= 0x80 &&
				       s[3] <= 0xbf
			       ? 4
			       : 0;
	}
	return 0;
}

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* upper case is not the canonical form */
}

void fuzz_check_display_escape(const char *in, const char *out)
{
	const unsigned char *o = (const unsigned char *)out;
	const unsigned char *i = (const unsigned char *)in;
	size_t n;

	while (*o) {
		if (*o == '\\') {
			int hi, lo;
			unsigned char b;

			FUZZ_ASSERT(o[1] == 'x', "bare backslash in '%s'", fuzz_show(out));
			hi = hexdigit((char)o[2]);
			FUZZ_ASSERT(hi >= 0, "bad \\x escape in '%s'", fuzz_show(out));
			lo = hexdigit((char)o[3]);
			FUZZ_ASSERT(lo >= 0, "bad \\x escape in '%s'", fuzz_show(out));
			b = (unsigned char)(hi * 16 + lo);
			FUZZ_ASSERT(b == *i, "'%s' decodes to another input than '%s'",
				    fuzz_show(out), fuzz_show(in));
			/* Escaped without need? Printable ASCII and whole UTF-8 characters stay. */
			FUZZ_ASSERT(b == '\\' || b < 0x20 || b == 0x7f ||
					    (b >= 0x80 && fuzz_utf8_len(i) == 0),
				    "byte 0x%02x of '%s' escaped needlessly", b, fuzz_show(in));
			o += 4;
			i++;
		} else if (*o >= 0x20 && *o < 0x7f) {
			FUZZ_ASSERT(*o == *i, "'%s' is not the escaping of '%s'", fuzz_show(out),
				    fuzz_show(in));
			o++;
			i++;
		} else {
			n = fuzz_utf8_len(o);
			FUZZ_ASSERT(n > 0, "raw byte 0x%02x (control or not UTF-8) in output '%s'",
				    *o, fuzz_show(out));
			FUZZ_ASSERT(memcmp(o, i, n) == 0, "'%s' is not the escaping of '%s'",
				    fuzz_show(out), fuzz_show(in));
			o += n;
			i += n;
		}
	}
	FUZZ_ASSERT(*i == '\0', "'%s' lost the tail of '%s'", fuzz_show(out), fuzz_show(in));
}

/* --- fake files behind fopen() ------------------------------------------------------ */

#define MAX_FAKE_FILES 8

static struct {
	const char *path;
	const void *data;
	size_t size;
} fakes[MAX_FAKE_FILES];
static size_t nfakes;

void fuzz_fake_file(const char *path, const void *data, size_t size)
{
	FUZZ_ASSERT(nfakes < MAX_FAKE_FILES, "more than %d fake files", MAX_FAKE_FILES);
	fakes[nfakes].path = path;
	fakes[nfakes].data = data;
	fakes[nfakes].size = size;
	nfakes++;
}

void fuzz_fake_files_clear(void)
{
	nfakes = 0;
}

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);

FILE *__wrap_fopen(const char *path, const char *mode)
{
	for (size_t k = 0; k < nfakes; k++) {
		if (strcmp(path, fakes[k].path) != 0)
			continue;
		FUZZ_ASSERT(mode[0] == 'r', "fake file %s opened with mode %s", path, mode);
		/* fmemopen() refuses an empty buffer. */
		if (fakes[k].size == 0)
			return __real_fopen("/dev/null", "re");
		return fmemopen((void *)fakes[k].data, fakes[k].size, "r");
	}
	return __real_fopen(path, mode);
}
