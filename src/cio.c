// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cio.h"
#include "config.h"
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

int vfc_cio_ignore_wants_free(struct vfc_ctx *ctx, const struct vfc_busid *id)
{
	const struct vfc_config *cfg = vfc_ctx_get_config(ctx);

	if (cfg && !vfc_config_get_cio_free(cfg))
		return 0;
	return vfc_cio_ignore_contains(ctx, id) > 0;
}

int vfc_cio_ignore_free(struct vfc_ctx *ctx, const struct vfc_busid *id)
{
	_cleanup_close_ int fd = -1;
	char cmd[32];
	ssize_t n;
	int len;

	if (!vfc_cio_ignore_wants_free(ctx, id))
		return 0;
	/* One write(2) of "free 0.n.dddd": the kernel's grammar, as cio_ignore -r writes it. */
	len = snprintf(cmd, sizeof(cmd), "free 0.%x.%04x", id->ssid, id->devno);
	fd = open(VFC_CIO_IGNORE_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, cmd, (size_t)len);
	if (n < 0)
		return -errno;
	return n == len ? 1 : -EIO;
}
