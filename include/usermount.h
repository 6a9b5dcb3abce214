/* SPDX-License-Identifier: MIT */
/*
 * A user's mount through the set-uid helper. mount(8) drops its privileges
 * before it runs a helper, so a "user" fstab line reaches mount.virtiofs as
 * the user, and anyone may run the helper directly, with any arguments. It
 * must grant exactly what util-linux's mount(8) grants for the same line:
 * the decision is libmount's own, in its restricted mode (the one mount(8)
 * runs in for a user: fstab only, user/users/owner/group/nouser with the
 * last one winning, nosuid,nodev,noexec implied, X-mount.mkdir refused),
 * made with the user's credentials; only mount(2) and the utab update run
 * as root, on the directory that was checked.
 */
#ifndef VFC_USERMOUNT_H
#define VFC_USERMOUNT_H

#include "ctx.h"
#include "mount.h"

/*
 * Start from nothing the user chose: clear the environment (the policy file
 * is read with secure_getenv(), libmount's variables must not count either)
 * but for a fixed PATH. Call it first thing. 0 or -errno.
 */
int vfc_usermount_restrict_env(void);

/*
 * Mount req->spec on req->target for the calling user (real uid not 0), as
 * mount(8) would for that user: req->options are not the user's to give
 * (mount(8) passes the line's; only "ro" is taken, as mount -r), -n, -N
 * and other namespaces are refused; VFC_MOUNT_FAKE and VFC_MOUNT_SLOPPY
 * are honoured. @default_wait_ms bounds the wait for the device where the
 * line names no x-virtiofs-ccw.wait. Returns 0 or -errno; either way @res
 * is filled in (mount(8)'s exit code, libmount's words for a refusal) and
 * released with vfc_mount_result_clear().
 */
int vfc_usermount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, int default_wait_ms,
		  struct vfc_mount_result *res);

#endif
