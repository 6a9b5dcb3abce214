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
#include "fstab.h"
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

/* Unmount each of @targets (taken). */
static int umount_all(const struct vfc_mount_req *req, char **targets, size_t n,
		      struct vfc_mount_result *res)
{
	size_t done = 0;

	for (size_t i = 0; i < n; i++) {
		struct vfc_mount_result one = { 0 };

		if (umount_target(req, targets[i], &one) == 0)
			done++;
		else if (!res->message)
			/* Keep the first failure's words. */
			vfc_mount_result_fail_take(res, -EIO, one.excode, TAKE_PTR(one.message));
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

/*
 * Where the device at @id is mounted, told without its tag: our marks
 * (mounttab.h) and the fstab lines that name its bus-ID, each where it is
 * a virtiofs mount now. Newest auto-mounts first.
 */
static int busid_targets(struct vfc_ctx *ctx, const struct vfc_busid *id, char ***ret,
			 size_t *ret_n)
{
	_cleanup_strv_free_ char **v = NULL;
	struct vfc_mounttab_auto *m = NULL;
	struct vfc_fstab_entry *e = NULL;
	size_t nm = 0, ne = 0, n = 0;
	int r;

	vfc_ctx_reset_mountinfo(ctx);
	r = vfc_mounttab_get_auto(ctx, &m, &nm);
	for (size_t i = 0; i < nm && r >= 0; i++)
		if (vfc_busid_cmp(&m[i].id, id) == 0)
			r = strv_push(&v, &n, strdup(m[i].target));
	vfc_mounttab_auto_free(m, nm);
	if (r >= 0)
		r = vfc_fstab_read(ctx, &e, &ne);
	for (size_t i = 0; i < ne && r >= 0; i++) {
		char path[PATH_MAX];
		const char *fstype = NULL;
		bool listed = false;

		if (!vfc_fstab_source_names(e[i].spec, id, NULL))
			continue;
		if (!realpath(e[i].target, path))
			snprintf(path, sizeof(path), "%s", e[i].target);
		if (vfc_mounttab_find_target(ctx, path, &fstype, NULL, NULL) < 0 ||
		    !fstype || strcmp(fstype, VFC_FSTYPE) != 0)
			continue;
		for (size_t k = 0; k < n && !listed; k++)
			listed = strcmp(v[k], path) == 0;
		if (!listed)
			r = strv_push(&v, &n, strdup(path));
	}
	vfc_fstab_entries_free(e, ne);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

/* A SPEC naming a device by bus-ID that tells no tag now (offline, gone). */
static int umount_busid(struct vfc_ctx *ctx, const struct vfc_mount_req *req, const char *arg,
			const struct vfc_spec *spec, struct vfc_mount_result *res)
{
	_cleanup_free_ char *shown = vfc_escape_display(arg);
	char **targets = NULL, b[VFC_BUSID_STRLEN];
	size_t n = 0;
	int r;

	r = busid_targets(ctx, &spec->id, &targets, &n);
	if (r < 0)
		return vfc_mount_result_fail(res, r, MNT_EX_SYSERR, "cannot read fstab or the mount "
				    "table: %s", strerror(-r));
	if (n > 0)
		return umount_all(req, targets, n, res);
	strv_free(targets);
	return vfc_mount_result_fail(res, -ENOENT, MNT_EX_FAIL,
		    "'%s': device %s tells no tag now (%s), and neither fstab nor an auto-mount "
		    "says where it is mounted: unmount it by its mountpoint (findmnt -t virtiofs)",
		    shown ? shown : "", vfc_busid_format(&spec->id, b),
		    spec->has_device ? vfc_spec_state_reason(spec->state) : "no such device");
}

int vfc_umount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, struct vfc_mount_result *res)
{
	char path[PATH_MAX], **targets = NULL;
	const char *arg = req->spec;
	const char *fstype, *source;
	struct vfc_spec spec;
	int r, n;

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

	r = vfc_spec_resolve(ctx, arg, 0, &spec);
	if (r == -ENOMEM) {
		vfc_spec_clear(&spec);
		return vfc_mount_result_fail(res, r, MNT_EX_SYSERR, "out of memory");
	}
	if (r < 0 && spec.has_id && vfc_spec_kind_is_busid(spec.kind)) {
		r = umount_busid(ctx, req, arg, &spec, res);
		vfc_spec_clear(&spec);
		return r;
	}
	if (r < 0) {
		vfc_mount_result_fail_take(res, r, MNT_EX_FAIL, TAKE_PTR(spec.message));
		vfc_spec_clear(&spec);
		return r;
	}
	res->tag = TAKE_PTR(spec.tag);
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
	return umount_all(req, targets, (size_t)n, res);
}
