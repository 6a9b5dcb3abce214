// SPDX-License-Identifier: MIT
/*
 * vfc_busid_parse_range() on any string: "A-B" or a single bus-ID. Checked
 * against the two halves parsed on their own, then format -> parse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "busid.h"
#include "fuzz.h"

/* What the range grammar says: split at the first '-', both halves bus-IDs, A <= B. */
static int oracle(const char *s, struct vfc_busid *first, struct vfc_busid *last)
{
	const char *dash = strchr(s, '-');
	char *left;
	int r;

	if (!dash) {
		r = vfc_busid_parse(s, first, NULL, NULL);
		*last = *first;
		return r;
	}
	left = strndup(s, (size_t)(dash - s));
	if (!left)
		abort();
	r = vfc_busid_parse(left, first, NULL, NULL);
	free(left);
	if (r == 0)
		r = vfc_busid_parse(dash + 1, last, NULL, NULL);
	if (r == 0 && vfc_busid_cmp(first, last) > 0)
		r = -ERANGE;
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct vfc_busid first = { 0xdead, 0 }, last = { 0xdead, 0 }, of = { 0, 0 }, ol = { 0, 0 };
	struct vfc_busid f2, l2;
	char a[VFC_BUSID_STRLEN], b[VFC_BUSID_STRLEN], text[2 * VFC_BUSID_STRLEN];
	const char *reason = NULL;
	int r, want;

	r = vfc_busid_parse_range(s, &first, &last, &reason);
	want = oracle(s, &of, &ol);
	FUZZ_ASSERT(r == want, "'%s': parse_range returned %d, expected %d", fuzz_show(s), r, want);
	FUZZ_ASSERT(vfc_busid_parse_range(s, NULL, NULL, NULL) == r,
		    "'%s': result depends on out-params", fuzz_show(s));
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL || r == -ERANGE, "'%s': unexpected error %d", fuzz_show(s),
			    r);
		FUZZ_ASSERT(reason && *reason, "'%s': error without a reason", fuzz_show(s));
		FUZZ_ASSERT(first.ssid == 0xdead && last.ssid == 0xdead,
			    "'%s': failed parse wrote the result", fuzz_show(s));
		free(s);
		return 0;
	}

	FUZZ_ASSERT(vfc_busid_cmp(&first, &of) == 0 && vfc_busid_cmp(&last, &ol) == 0,
		    "'%s': range %x.%04x-%x.%04x, expected %x.%04x-%x.%04x", fuzz_show(s),
		    first.ssid, first.devno, last.ssid, last.devno, of.ssid, of.devno, ol.ssid,
		    ol.devno);
	FUZZ_ASSERT(vfc_busid_cmp(&first, &last) <= 0, "'%s': first above last", fuzz_show(s));

	/* The canonical "A-B" reads back as the same range. */
	snprintf(text, sizeof(text), "%s-%s", vfc_busid_format(&first, a),
		 vfc_busid_format(&last, b));
	FUZZ_ASSERT(vfc_busid_parse_range(text, &f2, &l2, NULL) == 0, "'%s' does not parse back",
		    text);
	FUZZ_ASSERT(vfc_busid_cmp(&f2, &first) == 0 && vfc_busid_cmp(&l2, &last) == 0,
		    "'%s' reads back as another range", text);
	/* And so does "B" alone, as a range of one. */
	FUZZ_ASSERT(vfc_busid_parse_range(b, &f2, &l2, NULL) == 0 &&
			    vfc_busid_cmp(&f2, &last) == 0 && vfc_busid_cmp(&l2, &last) == 0,
		    "'%s' is not a range of one", b);

	free(s);
	return 0;
}
