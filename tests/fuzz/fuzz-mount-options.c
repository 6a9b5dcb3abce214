// SPDX-License-Identifier: MIT
/*
 * vfc_mountopts_get_wait() on any option string (fstab lines and -o come from
 * administrators and mount(8)): it finds the wait option exactly where
 * libmount does, accepts only 0-86400 in plain decimal, and the options that
 * reach the kernel are what libmount makes of the string, untouched by us.
 */
#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mount.h"
#include "mountopts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *opts = fuzz_cstr(data, size);
	char *val = NULL, buf[32];
	size_t len = 0;
	int ms = -7, r, present;

	r = vfc_mountopts_get_wait(opts, &ms, NULL);
	present = mnt_optstr_get_option(opts, VFC_OPT_WAIT, &val, &len) == 0;

	FUZZ_ASSERT(r == 0 || r == 1 || r == -EINVAL, "'%s': returned %d", fuzz_show(opts), r);
	FUZZ_ASSERT(present || r == 0, "'%s': no option, yet returned %d", fuzz_show(opts), r);
	FUZZ_ASSERT(r == 1 || ms == -7, "'%s': *ret_ms changed on %d", fuzz_show(opts), r);
	if (r == 1) {
		FUZZ_ASSERT(ms >= 0 && ms <= 86400 * 1000 && ms % 1000 == 0, "'%s': %d ms",
			    fuzz_show(opts), ms);
		/* Taken: then it is plain decimal that prints back the same (up to zeros). */
		FUZZ_ASSERT(val && len > 0 && len <= 5 && strspn(val, "0123456789") >= len,
			    "'%s': took a value that is no plain number", fuzz_show(opts));
		snprintf(buf, sizeof(buf), "%.*s", (int)len, val);
		FUZZ_ASSERT(atoi(buf) * 1000 == ms, "'%s': %s read as %d ms", fuzz_show(opts), buf,
			    ms);
	}
	if (present && r == -EINVAL) {
		snprintf(buf, sizeof(buf), "%.*s", (int)(len < 20 ? len : 20), val ? val : "");
		FUZZ_ASSERT(len == 0 || len > 5 || strspn(buf, "0123456789") < len ||
				    atol(buf) > 86400,
			    "'%s': refused the valid value '%s'", fuzz_show(opts), buf);
	}
	free(opts);
	return 0;
}
