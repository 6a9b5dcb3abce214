// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "automount.h"
#include "config.h"
#include "macro.h"
#include "plan.h"

/*
 * May a directory on the way to the mount base be trusted? Only if root (or
 * we) own it and nobody else may change it; a sticky directory such as /tmp
 * is fine on the way (others cannot replace what is ours there), but not as
 * the base itself, where others could make the entries we mount on.
 */
static int check_dir(int fd, bool last)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return -EPERM;
	if ((st.st_mode & 022) && (last || !(st.st_mode & S_ISVTX)))
		return -EPERM;
	return 0;
}

/*
 * Open @path as a directory, component by component from "/", creating
 * missing ones with mode 0755 and following no symlink on the way; every
 * component must pass check_dir().
 */
static int open_dir_nofollow(const char *path, bool create)
{
	_cleanup_free_ char *copy = strdup(path);
	int fd, r;

	if (!copy)
		return -ENOMEM;
	if (path[0] != '/')
		return -EINVAL;
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = check_dir(fd, strspn(path, "/") == strlen(path));
	if (r < 0) {
		close(fd);
		return r;
	}
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int next;

		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0) {
			close(fd);
			return -EINVAL;
		}
		if (create && mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			close(fd);
			return r;
		}
		next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = -errno;
		close(fd);
		if (next < 0)
			return r == -ELOOP ? -ENOTDIR : r;
		fd = next;
		/* the last component: nothing after it but slashes */
		r = check_dir(fd, save == NULL || strspn(save, "/") == strlen(save));
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	return fd;
}

int vfc_automount_lock(struct vfc_ctx *ctx)
{
	const char *base = vfc_config_get_mount_base(vfc_ctx_get_config(ctx));
	int fd = open_dir_nofollow(base, true);

	if (fd < 0)
		return fd;
	/* Events for the same or other tags queue here, one handler at a time. */
	if (flock(fd, LOCK_EX) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

void vfc_automount_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* The base directory and the last component of @target below it. */
static int open_base_of(const char *target, const char **ret_name)
{
	_cleanup_free_ char *dir = strdup(target);
	char *slash;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	*ret_name = target + (slash - dir) + 1;
	if (slash == dir)
		return open_dir_nofollow("/", false);
	*slash = '\0';
	return open_dir_nofollow(dir, true);
}

/* Is @name below @dirfd an empty directory (or unreadable: then not)? */
static bool dir_is_empty(int dirfd, const char *name)
{
	struct dirent *de;
	bool empty = true;
	DIR *d;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return false;
	}
	while (empty && (de = readdir(d)))
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

static int apply_mount(struct vfc_ctx *ctx, const struct vfc_action *a,
		       struct vfc_mount_result *res)
{
	struct vfc_mount_req req = {
		.spec = a->tag,
		.target = a->target,
		.options = a->options,
		.wait_ms = 0,
		/* the plan's tag, which may spell a bus-ID: taken as the tag it is */
		.flags = VFC_MOUNT_IDEMPOTENT | VFC_MOUNT_TAG,
	};
	_cleanup_close_ int basefd = -1;
	const char *name = NULL;
	bool made = false;
	struct stat st;
	int r;

	if (a->in_base) {
		basefd = open_base_of(a->target, &name);
		if (basefd < 0) {
			*res = (struct vfc_mount_result){ .excode = MNT_EX_FAIL };
			if (asprintf(&res->message, "cannot make the mount base for %s: %s",
				     a->target, strerror(-basefd)) < 0)
				res->message = NULL;
			return basefd;
		}
		if (mkdirat(basefd, name, 0755) == 0)
			made = true;
		else if (errno != EEXIST ||
			 fstatat(basefd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)) {
			/* Something else sits there (a symlink, a file): do not mount over it. */
			r = errno == EEXIST ? -ENOTDIR : -errno;
			*res = (struct vfc_mount_result){ .excode = MNT_EX_FAIL };
			if (asprintf(&res->message, "mountpoint %s: %s", a->target,
				     r == -ENOTDIR ? "exists and is not a directory"
						   : strerror(-r)) < 0)
				res->message = NULL;
			return r;
		}
		/* There already: only an empty directory, where nothing would be hidden. */
		if (!made && !dir_is_empty(basefd, name)) {
			*res = (struct vfc_mount_result){ .excode = MNT_EX_FAIL };
			if (asprintf(&res->message,
				     "mountpoint %s: exists and is not empty: not mounting over it",
				     a->target) < 0)
				res->message = NULL;
			return -ENOTEMPTY;
		}
	}

	r = vfc_mount(ctx, &req, res);
	/* Nothing half-done: a directory made for a mount that failed goes again. */
	if (r < 0 && made)
		unlinkat(basefd, name, AT_REMOVEDIR);
	return r;
}

static int apply_detach(struct vfc_ctx *ctx, const struct vfc_action *a,
			struct vfc_mount_result *res)
{
	struct vfc_mount_req req = { .spec = a->target, .flags = VFC_MOUNT_LAZY };
	_cleanup_close_ int basefd = -1;
	const char *name = NULL;
	int r;

	r = vfc_umount(ctx, &req, res);
	if (r < 0 || !a->in_base)
		return r;
	/* Our directory, now empty after the lazy unmount; anything else stays. */
	basefd = open_base_of(a->target, &name);
	if (basefd >= 0 && unlinkat(basefd, name, AT_REMOVEDIR) < 0)
		vfc_debug(ctx, "%s stays: %s", a->target, strerror(errno));
	return 0;
}

int vfc_automount_apply(struct vfc_ctx *ctx, const struct vfc_action *a,
			struct vfc_mount_result *res)
{
	return a->kind == VFC_ACTION_MOUNT ? apply_mount(ctx, a, res) : apply_detach(ctx, a, res);
}
