// SPDX-License-Identifier: MIT
/*
 * vfc_cio_ignore_contains() on any /proc/cio_ignore content: one range or
 * bus-ID per line, parsed by vfc_busid_parse_range(). The input's first line
 * is the bus-ID to look up (any form), the rest is the file, so that seeds and
 * crashers stay readable text. The answer must be that of the lines read on
 * their own, and every range read must contain its own ends.
 */
#include <stdlib.h>
#include <string.h>

#include "busid.h"
#include "cio.h"
#include "ctx.h"
#include "device.h"
#include "fuzz.h"

#define MAX_RANGES 16

static struct vfc_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (vfc_ctx_new(&ctx) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfc_busid id, first, last, ends[2 * MAX_RANGES];
	const uint8_t *file, *p, *end = data + size;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t nends = 0;
	char *query;
	int want = 0, r;

	if (!nl)
		return -1; /* not an input of this target: keep it out of the corpus */
	query = fuzz_cstr(data, (size_t)(nl - data));
	r = vfc_busid_parse(query, &id, NULL, NULL);
	free(query);
	if (r < 0)
		return -1;
	file = nl + 1;

	/* The lines as getline() hands them over, cut at the newline or a NUL. */
	for (p = file; p < end;) {
		const uint8_t *eol = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *next = eol ? eol + 1 : end;
		char *line = fuzz_cstr(p, (size_t)((eol ? eol : end) - p));

		if (vfc_busid_parse_range(line, &first, &last, NULL) == 0) {
			if (vfc_busid_cmp(&id, &first) >= 0 && vfc_busid_cmp(&id, &last) <= 0)
				want = 1;
			if (nends < sizeof(ends) / sizeof(ends[0])) {
				ends[nends++] = first;
				ends[nends++] = last;
			}
		}
		free(line);
		p = next;
	}

	fuzz_fake_file("/proc/cio_ignore", file, (size_t)(end - file));
	r = vfc_cio_ignore_contains(ctx, &id);
	FUZZ_ASSERT(r == want, "0.%x.%04x: cio_ignore_contains says %d, the lines say %d", id.ssid,
		    id.devno, r, want);
	for (size_t k = 0; k < nends; k++)
		FUZZ_ASSERT(vfc_cio_ignore_contains(ctx, &ends[k]) == 1,
			    "0.%x.%04x, the end of a range read, is not contained", ends[k].ssid,
			    ends[k].devno);
	fuzz_fake_files_clear();
	return 0;
}
