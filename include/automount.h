/* SPDX-License-Identifier: MIT */
/*
 * Carrying out what plan.h decides for hotplug: directories below the mount
 * base made without following symlinks, mounts marked as ours, lazy detaches,
 * and one lock so that concurrent events never race.
 */
#ifndef VFC_AUTOMOUNT_H
#define VFC_AUTOMOUNT_H

#include "ctx.h"
#include "mount.h"
#include "plan.h"

/*
 * Take the auto-mounter's lock: flock() on the mount base directory, made
 * (0755, root's) if missing. Returns the fd to pass to vfc_automount_unlock().
 */
int vfc_automount_lock(struct vfc_ctx *ctx);
void vfc_automount_unlock(int fd);

/*
 * Carry out one action. A mount below the base gets its directory first and
 * loses it again if the mount fails; a detach unmounts lazily and removes
 * the directory if it is ours. @res is filled in as by vfc_mount().
 */
int vfc_automount_apply(struct vfc_ctx *ctx, const struct vfc_action *a,
			struct vfc_mount_result *res);

#endif
