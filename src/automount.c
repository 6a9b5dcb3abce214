// SPDX-License-Identifier: MIT
/*
 * Hotplug's actions. A directory below the mount base is made here, marked
 * as ours (VFC_BASEDIR_MARK) and used only while it is ours and empty; it goes
 * again with its mount. Under systemd the mount itself is systemd's: a
 * transient mount unit bound to the share's device unit (unit.h), asked for
 * as systemd-mount(1) does (systemd.h), so that unplug stops it (lazily, as
 * the device is gone) and shutdown unmounts it, in systemd's order.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "automount.h"
#include "basedir.h"
#include "config.h"
#include "device.h"
#include "escape.h"
#include "macro.h"
#include "mountopts.h"
#include "mounttab.h"
#include "plan.h"
#include "systemd.h"
#include "unit.h"
#include "virtiofs.h"
#include "wait.h"

/*
 * The mountpoint below the base: made now and marked, or ours from before
 * and empty. *ret_made says whether it is new. Returns its fd, or -errno
 * with @res filled in.
 */
static int prepare_dir(struct vfc_ctx *ctx, const struct vfc_action *a, int *ret_basefd,
		       bool *ret_made, struct vfc_mount_result *res)
{
	_cleanup_close_ int basefd = -1, fd = -1;
	const char *name = NULL;
	struct stat st;
	bool made;

	basefd = vfc_basedir_open_parent(a->target, true, &name);
	if (basefd < 0)
		return vfc_mount_result_fail(res, basefd, MNT_EX_FAIL, "cannot make the mount base for %s: %s",
			    a->target,
			    basefd == -EPERM ? "it, or a directory on the way to it, is not root's "
					       "or is writable by others"
					     : strerror(-basefd));
	made = mkdirat(basefd, name, 0755) == 0;
	if (!made && errno != EEXIST)
		return vfc_mount_result_fail(res, -errno, MNT_EX_FAIL, "mountpoint %s: %s", a->target, strerror(errno));
	vfc_ctx_reset_mountinfo(ctx);
	if (!made && vfc_basedir_is_mountpoint(ctx, "/", a->target + 1))
		return vfc_mount_result_fail(res, -EBUSY, MNT_EX_FAIL, "mountpoint %s: %s", a->target,
			    "something else is mounted there: not mounting over it");
	fd = openat(basefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		/* Something else sits there (a symlink, a file): do not mount over it. */
		return vfc_mount_result_fail(res, -ENOTDIR, MNT_EX_FAIL, "mountpoint %s: %s", a->target,
			    "exists and is not a directory");
	if (made) {
		/* Only root may set a trusted.* attribute: nobody else can forge the mark. */
		int r = vfc_basedir_mark(fd);

		if (r < 0)
			vfc_debug(ctx, "%s: cannot mark it as ours (%s): it stays after its mount",
				  a->target, strerror(-r));
	} else if (!vfc_basedir_is_ours(fd)) {
		return vfc_mount_result_fail(res, -EEXIST, MNT_EX_FAIL, "mountpoint %s: %s", a->target,
			    "exists and was not made by virtiofs-ccw: not mounting over it");
	} else if (!vfc_basedir_is_empty(fd)) {
		return vfc_mount_result_fail(res, -ENOTEMPTY, MNT_EX_FAIL, "mountpoint %s: %s", a->target,
			    "is not empty: not mounting over it");
	}
	*ret_made = made;
	*ret_basefd = TAKE_FD(basefd);
	return TAKE_FD(fd);
}

/*
 * Is @target, walked again from "/" without following symlinks, still the
 * directory @fd? Nobody but root can change a component (basedir.h), so
 * what passes here is what mount(2) gets.
 */
static bool still_there(const char *target, int fd)
{
	_cleanup_close_ int again = vfc_basedir_open(target, false);
	struct stat a, b;

	return again >= 0 && fstat(again, &a) == 0 && fstat(fd, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/*
 * A transient mount unit of systemd's (systemd.h): the device's bus-ID as
 * what to mount (mount.virtiofs resolves it, whatever a tag says), bound to
 * the share's device unit.
 */
static int mount_by_systemd(struct vfc_ctx *ctx, const struct vfc_action *a, int timeout_ms,
			    struct vfc_mount_result *res)
{
	_cleanup_free_ char *alias = vfc_unit_alias_busid(&a->id), *dev = NULL, *unit = NULL;
	_cleanup_free_ char *desc = NULL, *msg = NULL;
	char busid[VFC_BUSID_STRLEN];
	struct vfc_systemd_mount m = {
		.what = vfc_busid_format(&a->id, busid),
		.where = a->target,
		.type = VFC_FSTYPE,
		.options = a->options,
	};
	int r;

	dev = alias ? vfc_escape_unit_path(alias, ".device") : NULL;
	unit = vfc_escape_unit_path(a->target, ".mount");
	if (!dev || !unit || asprintf(&desc, "virtio-fs share %s (virtiofs-ccw automount)", busid) < 0)
		return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "%s: out of memory", a->target);
	m.unit = unit;
	m.binds_to = dev;
	m.description = desc;
	r = vfc_systemd_start_mount(ctx, &m, timeout_ms, &msg);
	if (r == -ENOSYS)
		return vfc_mount_result_fail(res, r, MNT_EX_SYSERR, "%s: libsystemd.so.0 cannot be loaded", a->target);
	if (r < 0) {
		_cleanup_free_ char *shown = msg ? vfc_escape_display(msg) : NULL;

		return vfc_mount_result_fail(res, r, MNT_EX_FAIL, "%s: systemd did not mount it (%s): see journalctl -u %s",
			    a->target, shown ? shown : strerror(-r), unit);
	}
	vfc_info(ctx, "%s: mounted on %s by systemd's %s, bound to %s", busid, a->target, unit, dev);
	*res = (struct vfc_mount_result){ .excode = MNT_EX_SUCCESS, .tag = strdup(a->tag) };
	return 0;
}

static int apply_mount(struct vfc_ctx *ctx, const struct vfc_action *a, unsigned int flags,
		       struct vfc_mount_result *res)
{
	_cleanup_free_ char *opts = a->options ? strdup(a->options) : NULL;
	_cleanup_close_ int basefd = -1, fd = -1;
	struct vfc_mount_req req = {
		.spec = a->tag,
		.target = a->target,
		.wait_ms = 0,
		/* the tag the device told the plan, whatever it spells */
		.flags = VFC_MOUNT_IDEMPOTENT | VFC_MOUNT_RESOLVED | VFC_MOUNT_LOCKED,
	};
	const char *name = strrchr(a->target, '/') + 1;
	bool made = false;
	int r;

	/* The mark by which a removal finds this mount again (libmount keeps it in utab). */
	if ((a->options && !opts) || vfc_mountopts_set_auto(&opts, &a->id, a->instance) < 0)
		return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "%s: %s", a->target, "out of memory");
	req.options = opts;
	if (a->in_base) {
		fd = prepare_dir(ctx, a, &basefd, &made, res);
		if (fd < 0)
			return fd;
		if (!still_there(a->target, fd)) {
			r = vfc_mount_result_fail(res, -ESTALE, MNT_EX_FAIL, "mountpoint %s: %s", a->target,
				 "changed while it was made: not mounting");
			goto out;
		}
	}
	/* fstab's lines are systemd's own units already: only those below the base are handed over. */
	if ((flags & VFC_AUTOMOUNT_SYSTEMD) && a->in_base)
		r = mount_by_systemd(ctx, a, VFC_SYSTEMD_MOUNT_MS, res);
	else
		r = vfc_mount(ctx, &req, res);
out:
	/* Nothing half-done: a directory made for a mount that failed goes again. */
	if (r < 0 && made)
		unlinkat(basefd, name, AT_REMOVEDIR);
	return r;
}

/* Remove the directory @target below the base if it is ours and nothing is mounted on it. */
static void remove_dir(struct vfc_ctx *ctx, const char *target)
{
	_cleanup_close_ int basefd = -1, fd = -1;
	const char *name = NULL;

	basefd = vfc_basedir_open_parent(target, false, &name);
	if (basefd < 0)
		return;
	vfc_ctx_reset_mountinfo(ctx);
	if (vfc_basedir_is_mountpoint(ctx, "/", target + 1)) {
		vfc_debug(ctx, "%s stays: something is still mounted on it", target);
		return;
	}
	fd = openat(basefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!vfc_basedir_is_ours(fd)) {
		vfc_debug(ctx, "%s stays: not made by virtiofs-ccw", target);
		return;
	}
	/* rmdir(2) refuses a mountpoint (EBUSY) and a non-empty directory. */
	if (unlinkat(basefd, name, AT_REMOVEDIR) < 0)
		vfc_debug(ctx, "%s stays: %s", target, strerror(errno));
}

static int apply_detach(struct vfc_ctx *ctx, const struct vfc_action *a,
			struct vfc_mount_result *res)
{
	struct vfc_mount_req req = { .spec = a->target, .flags = VFC_MOUNT_LAZY };
	int id = 0, r;

	/* By the mount, not the path: another mount on top is not ours to take off. */
	vfc_ctx_reset_mountinfo(ctx);
	if (a->mount_id > 0 &&
	    (vfc_mounttab_find_target(ctx, a->target, NULL, NULL, &id) < 0 || id != a->mount_id))
		return vfc_mount_result_fail(res, -EBUSY, MNT_EX_FAIL, "%s: %s", a->target,
			    "another mount is on top of the one to detach: left as it is");
	r = vfc_umount(ctx, &req, res);
	if (r < 0 || !a->in_base)
		return r;
	remove_dir(ctx, a->target);
	return 0;
}

int vfc_automount_apply(struct vfc_ctx *ctx, const struct vfc_action *a, unsigned int flags,
			struct vfc_mount_result *res)
{
	*res = (struct vfc_mount_result){ 0 };
	return a->kind == VFC_ACTION_MOUNT ? apply_mount(ctx, a, flags, res)
					   : apply_detach(ctx, a, res);
}

int vfc_automount_make_base(struct vfc_ctx *ctx)
{
	int fd = vfc_basedir_open(vfc_config_get_mount_base(vfc_ctx_get_config(ctx)), true);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int vfc_automount_sweep(struct vfc_ctx *ctx)
{
	const char *base = vfc_config_get_mount_base(vfc_ctx_get_config(ctx));
	_cleanup_close_ int basefd = -1;
	struct dirent *de;
	int n = 0, dfd;
	DIR *d;

	basefd = vfc_basedir_open(base, false);
	if (basefd < 0)
		return basefd == -ENOENT ? 0 : basefd;
	dfd = fcntl(basefd, F_DUPFD_CLOEXEC, 3);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		int r = -errno;

		if (dfd >= 0)
			close(dfd);
		return r;
	}
	/* One look at the mount table for all entries. */
	vfc_ctx_reset_mountinfo(ctx);
	while ((de = readdir(d))) {
		_cleanup_close_ int fd = -1;

		if (de->d_name[0] == '.' && (!de->d_name[1] || strcmp(de->d_name, "..") == 0))
			continue;
		if (vfc_basedir_is_mountpoint(ctx, base, de->d_name))
			continue;
		fd = openat(basefd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || !vfc_basedir_is_ours(fd) || !vfc_basedir_is_empty(fd))
			continue;
		if (unlinkat(basefd, de->d_name, AT_REMOVEDIR) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * The wait's question: is every virtiofs mount directly below the base one
 * of a device that is there with that tag? (systemd's units for the others
 * are still being stopped.)
 */
static int units_stopped(struct vfc_ctx *ctx, void *userdata)
{
	const char *base = vfc_config_get_mount_base(vfc_ctx_get_config(ctx));
	struct vfc_device **devs = NULL;
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	size_t n = 0;
	int r, left = 0;

	(void)userdata;
	r = vfc_device_enumerate(ctx, &devs, &n);
	if (r < 0)
		return r;
	vfc_ctx_reset_mountinfo(ctx);
	r = vfc_ctx_get_mountinfo(ctx, &tb);
	it = r == 0 ? mnt_new_iter(MNT_ITER_FORWARD) : NULL;
	while (it && mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *t = mnt_fs_get_target(fs), *src = mnt_fs_get_source(fs);
		bool known = false;

		if (!t || !src || !mnt_fs_match_fstype(fs, VFC_FSTYPE) || !vfc_escape_is_subdir(base, t))
			continue;
		for (size_t i = 0; i < n && !known; i++)
			known = vfc_device_get_tag(devs[i]) && strcmp(vfc_device_get_tag(devs[i]), src) == 0;
		left += !known;
	}
	mnt_free_iter(it);
	vfc_device_array_free(devs, n);
	if (r < 0)
		return r;
	return left == 0;
}

int vfc_automount_wait_units(struct vfc_ctx *ctx, int timeout_ms)
{
	int r = vfc_wait_for(ctx, timeout_ms, units_stopped, NULL);

	return r < 0 ? r : r > 0 ? 0 : -ETIMEDOUT;
}
