/* SPDX-License-Identifier: MIT */
/*
 * What the libFuzzer targets (tests/fuzz/fuzz-*.c) share: checked
 * assertions, C strings from fuzz input, an independent UTF-8 and escape
 * checker, and fake files for parsers that read a fixed path with fopen().
 *
 * A target is one file, fuzz-NAME.c, defining LLVMFuzzerTestOneInput() (and
 * LLVMFuzzerInitialize() if it needs set-up), with seeds in corpus/NAME/.
 * It must check properties of the result, not only survive the input.
 */
#ifndef VFC_FUZZ_H
#define VFC_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A failed property: print where and why, then abort() (libFuzzer keeps the input). */
#define FUZZ_ASSERT(cond, ...)                                                                     \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                         \
	} while (0)

__attribute__((noreturn, format(printf, 4, 5))) void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...);

/* The input as a C string (cut at its first NUL, as any C caller would); free() it. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* The input shown readably in messages: \xHH for every byte that is not printable ASCII. */
const char *fuzz_show(const char *s);

/*
 * Length of the well-formed UTF-8 sequence at @s (2-4 bytes, a code point
 * U+00A0 or above: no overlong forms, surrogates, C1 controls or values above
 * U+10FFFF), or 0. Written from RFC 3629 for the tests, apart from src/.
 */
size_t fuzz_utf8_len(const unsigned char *s);

/*
 * Check that @out is a display escaping of @in in util-linux's convention:
 * it holds only printable ASCII, well-formed UTF-8 (as fuzz_utf8_len) and
 * "\xHH" (lower-case hex); a backslash appears only as the start of "\xHH";
 * only bytes that had to be escaped are; and decoding @out gives back @in
 * exactly. Aborts through FUZZ_ASSERT on the first violation.
 */
void fuzz_check_display_escape(const char *in, const char *out);

/*
 * Fake files: while registered, fopen(@path, "r...") in the code under test
 * reads @data instead (the targets are linked with -Wl,--wrap=fopen). @data
 * must stay valid until fuzz_fake_files_clear(). Other paths open as usual.
 */
void fuzz_fake_file(const char *path, const void *data, size_t size);
void fuzz_fake_files_clear(void);

#endif
