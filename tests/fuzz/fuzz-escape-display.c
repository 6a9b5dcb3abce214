// SPDX-License-Identifier: MIT
/*
 * vfc_escape_display() on any bytes (tags come from the hypervisor): the
 * result holds only printable ASCII, well-formed UTF-8 and \xHH, reads back
 * as exactly the input, and escapes nothing that could stay.
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char *out = vfc_escape_display(s);

	FUZZ_ASSERT(out, "NULL for '%s'", fuzz_show(s));
	FUZZ_ASSERT(strlen(out) <= 4 * strlen(s), "'%s' grew more than fourfold", fuzz_show(s));
	fuzz_check_display_escape(s, out);
	free(out);
	free(s);
	return 0;
}
