// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cio.h"
#include "macro.h"

int vfc_cio_ignore_contains(struct vfc_ctx *ctx, const struct vfc_busid *id)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t len = 0;
	ssize_t n;

	(void)ctx;
	f = fopen(VFC_CIO_IGNORE_PATH, "re");
	if (!f)
		return -errno;
	/* One range or ID per line, e.g. "0.0.0000-0.0.1a11". */
	while ((n = getline(&line, &len, f)) > 0) {
		struct vfc_busid first, last;

		line[strcspn(line, "\n")] = '\0';
		if (vfc_busid_parse_range(line, &first, &last, NULL) < 0)
			continue;
		if (vfc_busid_cmp(id, &first) >= 0 && vfc_busid_cmp(id, &last) <= 0)
			return 1;
	}
	return 0;
}
