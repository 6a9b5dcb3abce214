// SPDX-License-Identifier: MIT
/*
 * A user's mount through the set-uid helper (usermount.h). libmount decides,
 * in the restricted mode mount(8) runs in for a user (libmount's
 * context_mount.c evaluate_permissions(), context.c apply_fstab() and
 * mnt_context_prepare_target()), with the user's effective uid so that
 * every path is resolved as the user resolves it (mount(8)'s
 * canonicalize_path_restricted()). Then the checked directory is pinned by
 * an fd and mount(2) runs as root on that very directory (/proc/self/fd/N).
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "escape.h"
#include "macro.h"
#include "mount.h"
#include "mountopts.h"
#include "mounttab.h"
#include "usermount.h"
#include "virtiofs.h"

int vfc_usermount_restrict_env(void)
{
	if (clearenv() != 0)
		return -ENOMEM;
	if (setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) < 0)
		return -errno;
	return 0;
}

/* libmount's words for why it refused, as mount(8) would end up saying them. */
static int refused(struct libmnt_context *cxt, int rc, const char *target,
		   struct vfc_mount_result *res)
{
	_cleanup_free_ char *shown = NULL;
	char buf[BUFSIZ] = "";
	int excode;

	/*
	 * A user line libmount does not allow (nouser, no user/users): mount(8)
	 * drops its privileges and tries again, and mount(2) refuses with EPERM.
	 */
	if (rc == -EPERM && !mnt_context_syscall_called(cxt))
		return vfc_mount_result_fail(res, -EPERM, MNT_EX_FAIL,
					     "%s: must be superuser to use mount", target);
	excode = mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
	shown = vfc_escape_display(buf[0] ? buf : "mount failed");
	return vfc_mount_result_fail(res, rc < 0 ? rc : -rc, excode == MNT_EX_SUCCESS ? MNT_EX_FAIL
										 : excode,
				     "%s: %s", target, shown ? shown : "mount failed");
}

/* Is the fstab line libmount applied for @target written as @target itself? 0 or -ELOOP. */
static int line_target_is(struct libmnt_context *cxt, const char *target)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_fs *line;

	if (mnt_context_get_fstab(cxt, &tb) < 0 || !tb)
		return -ELOOP;
	line = mnt_table_find_target(tb, target, MNT_ITER_FORWARD);
	/* The same path, as libmount compares them (a trailing slash aside). */
	if (!line || !mnt_fs_streq_target(line, target))
		return -ELOOP;
	return 0;
}

/* Open @target as the user, and make sure it still is @target: the directory checked. */
static int pin_target(const char *target, char *proc, size_t proclen,
		      struct vfc_mount_result *res)
{
	char link[4096];
	ssize_t n;
	int fd;

	fd = open(target, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return vfc_mount_result_fail(res, -errno, MNT_EX_FAIL, "%s: %s", target,
					     strerror(errno));
	snprintf(proc, proclen, "/proc/self/fd/%d", fd);
	n = readlink(proc, link, sizeof(link) - 1);
	if (n < 0 || (size_t)n >= sizeof(link) - 1 || (link[n] = '\0', strcmp(link, target) != 0)) {
		close(fd);
		return vfc_mount_result_fail(res, -ESTALE, MNT_EX_FAIL,
					     "%s: changed while it was checked: not mounting", target);
	}
	return fd;
}

int vfc_usermount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, int default_wait_ms,
		  struct vfc_mount_result *res)
{
	_cleanup_mnt_context_ struct libmnt_context *cxt = NULL;
	_cleanup_free_ char *target = NULL, *source = NULL, *msg = NULL;
	_cleanup_close_ int fd = -1;
	struct vfc_mount_result found = { 0 };
	uid_t uid = getuid(), euid = geteuid();
	struct libmnt_fs *fs;
	char proc[64];
	int r, rc, wait_ms = default_wait_ms;
	size_t len;

	*res = (struct vfc_mount_result){ 0 };
	/* What mount(8) lets no user do (its "hlLUVvrist" and no --namespace). */
	if (req->namespace)
		return vfc_mount_result_fail(res, -EPERM, MNT_EX_USAGE,
					     "-N: only root can mount in another namespace");
	if (req->flags & VFC_MOUNT_NOMTAB)
		return vfc_mount_result_fail(res, -EPERM, MNT_EX_USAGE,
					     "-n: only root can mount without a utab entry (a user "
					     "could not unmount it)");
	/* mount(8) lets no user give options, so none changes a mount either. */
	if (vfc_mountopts_is_operation(req->options))
		return vfc_mount_result_fail(res, -EPERM, MNT_EX_USAGE,
					     "%s: only root can remount, bind, move or change the "
					     "propagation of a mount",
					     req->target);
	cxt = mnt_new_context();
	if (!cxt)
		return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
	if (uid == 0 || !mnt_context_is_restricted(cxt))
		return vfc_mount_result_fail(res, -EINVAL, MNT_EX_SYSERR, "not a user's mount");
	/* Never mount.virtiofs again: that is us. */
	mnt_context_disable_helpers(cxt, 1);
	if (mnt_context_set_source(cxt, req->spec) || mnt_context_set_target(cxt, req->target))
		return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
	/* The options are the line's; a user may ask for read-only (mount -r) only. */
	if (req->options && mnt_optstr_get_option(req->options, "ro", NULL, NULL) == 0)
		mnt_context_set_mflags(cxt, MS_RDONLY);
	/* Fake means nothing changes anywhere: no utab entry either. */
	mnt_context_enable_fake(cxt, !!(req->flags & VFC_MOUNT_FAKE));
	mnt_context_disable_mtab(cxt, !!(req->flags & VFC_MOUNT_FAKE));
	mnt_context_enable_sloppy(cxt, !!(req->flags & VFC_MOUNT_SLOPPY));

	/* The decision and every path with the user's credentials. */
	if (euid == 0 && seteuid(uid) < 0)
		return vfc_mount_result_fail(res, -errno, MNT_EX_SYSERR,
					     "cannot take the user's credentials: %s", strerror(errno));
	rc = mnt_context_prepare_mount(cxt);
	if (rc) {
		r = refused(cxt, rc, req->target, res);
		goto out;
	}
	fs = mnt_context_get_fs(cxt);
	source = strdup(mnt_fs_get_source(fs) ? mnt_fs_get_source(fs) : "");
	target = strdup(mnt_fs_get_target(fs) ? mnt_fs_get_target(fs) : "");
	if (!source || !target) {
		r = vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
		goto out;
	}
	/*
	 * Stricter than mount(8), which maps a path to the line whose mountpoint
	 * resolves to it (libmount's mnt_table_find_target()): a user mounts
	 * only on the line's own path, never where a symlink in it points now
	 * (a user who may write on the way could point it at /etc).
	 */
	r = line_target_is(cxt, target);
	if (r < 0) {
		r = vfc_mount_result_fail(res, r, MNT_EX_FAIL,
					  "%s: the fstab line's mountpoint resolves to %s: not mounting "
					  "there for a user",
					  req->target, target);
		goto out;
	}
	if (!mnt_fs_match_fstype(fs, VFC_FSTYPE)) {
		r = vfc_mount_result_fail(res, -EPERM, MNT_EX_USAGE,
					  "%s: the fstab line is of type %s, not " VFC_FSTYPE, target,
					  mnt_fs_get_fstype(fs) ? mnt_fs_get_fstype(fs) : "none");
		goto out;
	}
	/* mount(8) keeps x-* options from helpers: the line tells the wait. */
	if (vfc_mountopts_get_wait(mnt_fs_get_options(fs), &wait_ms, &msg) < 0) {
		r = vfc_mount_result_fail(res, -EINVAL, MNT_EX_USAGE, "%s: the fstab line's %s",
					  target, msg ? msg : "wait is invalid");
		goto out;
	}
	r = vfc_mount_resolve(ctx, source, 0, wait_ms, &found);
	if (r < 0) {
		r = vfc_mount_result_fail_take(res, r, found.excode, TAKE_PTR(found.message));
		goto out;
	}
	if (vfc_mountopts_is_libmount_tag(found.tag, &len)) {
		_cleanup_free_ char *shown = vfc_escape_display(found.tag);

		r = vfc_mount_result_fail(res, -EINVAL, MNT_EX_FAIL,
					  "tag '%s' cannot be mounted: libmount reads it as a %.*s= "
					  "lookup of a block device",
					  shown ? shown : "", (int)len, found.tag);
		goto out;
	}
	fd = pin_target(target, proc, sizeof(proc), res);
	if (fd < 0) {
		r = fd;
		goto out;
	}

	/* Root for mount(2), on the pinned directory, and for utab, by its path. */
	if (euid == 0 && seteuid(euid) < 0) {
		r = vfc_mount_result_fail(res, -errno, MNT_EX_SYSERR, "cannot become root again: %s",
					  strerror(errno));
		goto out;
	}
	/* mount(8) records the line's source itself: see vfc_mounttab_spec_recorded(). */
	if (vfc_mounttab_spec_recorded(true, source, found.tag))
		mnt_context_disable_mtab(cxt, 1);
	if (mnt_fs_set_source(fs, found.tag) || mnt_fs_set_target(fs, proc)) {
		r = vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
		goto out;
	}
	rc = mnt_context_do_mount(cxt);
	if (mnt_fs_set_target(fs, target) < 0 && rc == 0)
		rc = -ENOMEM;
	if (rc == 0 && mnt_context_get_status(cxt) == 1)
		rc = mnt_context_finalize_mount(cxt);
	if (rc != 0 || mnt_context_get_status(cxt) != 1) {
		r = refused(cxt, rc, target, res);
		goto out;
	}
	res->tag = TAKE_PTR(found.tag);
	res->excode = MNT_EX_SUCCESS;
	r = 0;
out:
	if (geteuid() != euid && seteuid(euid) < 0 && r == 0)
		r = vfc_mount_result_fail(res, -errno, MNT_EX_SYSERR, "cannot become root again");
	vfc_mount_result_clear(&found);
	return r;
}
