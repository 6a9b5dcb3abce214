// SPDX-License-Identifier: MIT
/*
 * Unmounting through libmount, as libmount's context_umount.c is beside
 * context_mount.c: by mountpoint, or every mount of the tag a SPEC names.
 */
#include <errno.h>
#include <libmount/libmount.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "macro.h"
#include "mount.h"
#include "mounttab.h"
#include "spec.h"
#include "virtiofs.h"

static int umount_target(const struct vfc_mount_req *req, const char *target,
			 struct vfc_mount_result *res)
{
	_cleanup_mnt_context_ struct libmnt_context *cxt = NULL;
	char buf[BUFSIZ] = "";
	int rc, excode;

	cxt = mnt_new_context();
	if (!cxt)
		return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
	mnt_context_disable_helpers(cxt, 1);
	if (mnt_context_set_target(cxt, target) ||
	    (req->namespace && mnt_context_set_target_ns(cxt, req->namespace)))
		return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "cannot set up the unmount of %s", target);
	mnt_context_enable_fake(cxt, !!(req->flags & VFC_MOUNT_FAKE));
	mnt_context_disable_mtab(cxt, !!(req->flags & VFC_MOUNT_NOMTAB));
	mnt_context_enable_lazy(cxt, !!(req->flags & VFC_MOUNT_LAZY));

	rc = mnt_context_umount(cxt);
	excode = mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
	if (excode != MNT_EX_SUCCESS)
		return vfc_mount_result_fail(res, rc < 0 ? rc : -EIO, excode, "%s: %s", target,
			    buf[0] ? buf : "unmount failed");
	return 0;
}

int vfc_umount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, struct vfc_mount_result *res)
{
	char path[PATH_MAX], **targets = NULL;
	const char *arg = req->spec;
	const char *fstype, *source;
	struct vfc_spec spec;
	int r, n, done = 0;

	*res = (struct vfc_mount_result){ 0 };
	if (!arg || !*arg)
		return vfc_mount_result_fail(res, -EINVAL, MNT_EX_USAGE, "nothing to unmount given (a tag, a "
							"bus-ID or a mountpoint)");

	/* A mountpoint? (A tag may start with '/' too: only a mounted directory counts.) */
	if (arg[0] == '/') {
		if (!realpath(arg, path))
			snprintf(path, sizeof(path), "%s", arg);
		vfc_ctx_reset_mountinfo(ctx);
		r = vfc_mounttab_find_target(ctx, path, &fstype, &source, NULL);
		if (r == 0 && (!fstype || strcmp(fstype, VFC_FSTYPE) != 0))
			return vfc_mount_result_fail(res, -EINVAL, MNT_EX_USAGE, "%s is not a virtiofs mount (it is %s)",
				    path, fstype ? fstype : "unknown");
		if (r == 0) {
			res->tag = source ? strdup(source) : NULL;
			r = umount_target(req, path, res);
			if (r == 0)
				res->excode = MNT_EX_SUCCESS;
			return r;
		}
	}

	r = vfc_spec_resolve(ctx, arg, &spec);
	res->tag = TAKE_PTR(spec.tag);
	if (r == -ENOMEM) {
		vfc_spec_clear(&spec);
		return vfc_mount_result_fail(res, r, MNT_EX_SYSERR, "out of memory");
	}
	if (r < 0) {
		vfc_mount_result_fail_take(res, r, MNT_EX_FAIL, TAKE_PTR(spec.message));
		vfc_spec_clear(&spec);
		return r;
	}
	vfc_spec_clear(&spec);

	/* Newest first, so that stacked mounts come off in order. */
	vfc_ctx_reset_mountinfo(ctx);
	n = vfc_mounttab_get_targets(ctx, res->tag, true, &targets);
	if (n < 0)
		return vfc_mount_result_fail(res, n, MNT_EX_SYSERR, "cannot read the mount table: %s", strerror(-n));
	if (n == 0) {
		_cleanup_free_ char *shown = vfc_escape_display(res->tag);

		strv_free(targets);
		if (arg[0] == '/')
			return vfc_mount_result_fail(res, -ENOENT, MNT_EX_FAIL,
				    "%s is neither a virtiofs mountpoint nor a mounted tag",
				    shown ? shown : "");
		return vfc_mount_result_fail(res, -ENOENT, MNT_EX_FAIL, "tag '%s' is not mounted",
			    shown ? shown : "");
	}
	for (int i = 0; i < n; i++) {
		struct vfc_mount_result one = { 0 };

		if (umount_target(req, targets[i], &one) == 0) {
			done++;
		} else {
			/* Keep the first failure's words. */
			if (!res->message)
				vfc_mount_result_fail_take(res, -EIO, one.excode, TAKE_PTR(one.message));
		}
		vfc_mount_result_clear(&one);
	}
	strv_free(targets);
	if (done == n) {
		res->excode = MNT_EX_SUCCESS;
		return 0;
	}
	res->excode = done ? MNT_EX_SOMEOK : MNT_EX_FAIL;
	return -EIO;
}
