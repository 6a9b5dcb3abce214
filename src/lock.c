// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"

/* sd_booted(3), in @run_dir: /run, or a test's own. */
static bool systemd_runs_in(const char *run_dir)
{
	char path[PATH_MAX];

	/* A directory too long to name holds no systemd either. */
	if (snprintf(path, sizeof(path), "%s/systemd/system", run_dir) >= (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

bool vfc_lock_systemd_runs(void)
{
	return systemd_runs_in(VFC_RUN_DIR);
}

int vfc_lock_take(struct vfc_ctx *ctx, bool always, int *ret_fd)
{
	const char *path = secure_getenv(VFC_LOCK_ENV);
	int fd, r;

	*ret_fd = -1;
	if (!always && systemd_runs_in(vfc_ctx_get_run_dir(ctx)))
		return 0;
	if (!path || !*path)
		path = VFC_LOCK_PATH;
	/* Never through a symlink someone left: the file is root's, in root's /run. */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		vfc_debug(ctx, "%s: %s: not locking", path, strerror(-r));
		return always ? r : 0;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		r = -errno;
		close(fd);
		vfc_debug(ctx, "%s: cannot lock: %s", path, strerror(-r));
		return always ? r : 0;
	}
	*ret_fd = fd;
	return 0;
}

void vfc_lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
