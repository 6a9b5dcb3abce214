// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "basedir.h"
#include "macro.h"
#include "mounttab.h"

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

int vfc_basedir_open(const char *path, bool create)
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
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
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

int vfc_basedir_open_parent(const char *target, bool create, const char **ret_name)
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
		return vfc_basedir_open("/", false);
	*slash = '\0';
	return vfc_basedir_open(dir, create);
}

bool vfc_basedir_is_empty(int fd)
{
	struct dirent *de;
	bool empty = true;
	DIR *d;

	fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
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

bool vfc_basedir_is_mountpoint(struct vfc_ctx *ctx, const char *base, const char *name)
{
	_cleanup_free_ char *path = NULL;
	size_t blen = strlen(base);

	while (blen > 1 && base[blen - 1] == '/')
		blen--;
	if (asprintf(&path, "%.*s/%s", (int)blen, strcmp(base, "/") == 0 ? "" : base, name) < 0)
		return true;
	return vfc_mounttab_find_target(ctx, path, NULL, NULL, NULL) == 0;
}

bool vfc_basedir_is_ours(int fd)
{
	char v[8];

	return fgetxattr(fd, VFC_BASEDIR_MARK, v, sizeof(v)) >= 0;
}

int vfc_basedir_mark(int fd)
{
	return fsetxattr(fd, VFC_BASEDIR_MARK, "1", 1, 0) < 0 ? -errno : 0;
}
