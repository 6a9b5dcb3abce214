/* SPDX-License-Identifier: MIT */
/*
 * A user's mount through the set-uid helper: mount(8) drops its privileges
 * before it runs a helper, so a "user" fstab line reaches mount.virtiofs as
 * the user. What the user may mount is decided from fstab alone (as mount(8)
 * decides it); only then does the helper become root for the mount.
 */
#ifndef VFC_USERMOUNT_H
#define VFC_USERMOUNT_H

#include <sys/types.h>

#include "ctx.h"
#include "mount.h"

struct vfc_usermount {
	char *target;  /* the fstab line's mountpoint, as the line spells it */
	char *options; /* the line's options as mount(8) makes them for a user */
};

/*
 * Start from nothing the user chose: clear the environment (libmount would
 * read LIBMOUNT_FSTAB and the like once we are root throughout; the policy
 * file is read with secure_getenv()), but for a fixed PATH. Call it first
 * thing. 0 or -errno.
 */
int vfc_usermount_restrict_env(void);

/*
 * May user @uid mount req->spec on req->target? Only what an fstab line
 * with user or users allows (vfc_fstab_user_mount()), no other mount
 * namespace. Then 0, @ret filled in (for vfc_usermount_clear()) and @req
 * changed to mount the line's target with the line's options, and without
 * loading modules. Else -EPERM (not allowed; -N), -ENOENT (@uid has no
 * name), -ENOMEM or another -errno (fstab cannot be read), @req and @ret
 * untouched, and *ret_message (if it could be made) says why.
 */
int vfc_usermount_prepare(struct vfc_ctx *ctx, struct vfc_mount_req *req, uid_t uid,
			  struct vfc_usermount *ret, char **ret_message);
void vfc_usermount_clear(struct vfc_usermount *um);

/* mount(8)'s exit code for an error of vfc_usermount_prepare(). */
int vfc_usermount_excode(int err);

/* Root throughout (group first, while we still may), for the mount. 0 or -errno. */
int vfc_usermount_become_root(void);

#endif
