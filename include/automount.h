/* SPDX-License-Identifier: MIT */
/*
 * Carrying out what plan.h decides for hotplug: mountpoints below the mount
 * base made without following symlinks and marked as ours, mounts marked as
 * ours, detaches of exactly the mount planned. The caller holds lock.h's
 * lock, so that concurrent events never race.
 */
#ifndef VFC_AUTOMOUNT_H
#define VFC_AUTOMOUNT_H

#include "ctx.h"
#include "mount.h"
#include "plan.h"

/*
 * The extended attribute that marks a directory below the mount base as
 * made by us: only such a directory, and only while empty, is mounted on
 * or removed. trusted.* needs CAP_SYS_ADMIN, so nobody else can set it.
 */
#define VFC_DIR_MARK "trusted.virtiofs-ccw"

enum {
	/* systemd runs the system: mounts below the base become its mount units */
	VFC_AUTOMOUNT_SYSTEMD = 1 << 0,
};

/*
 * Carry out one action. A mount below the base gets its directory first
 * (made and marked, or ours and empty from before) and loses it again if
 * the mount fails; with VFC_AUTOMOUNT_SYSTEMD the mount is a transient unit
 * of systemd's, made by systemd-mount(1) and bound to the share's device
 * unit. A detach unmounts lazily the mount the plan names (by its mount ID)
 * and removes its directory if it is ours. @res is filled in as by
 * vfc_mount().
 */
int vfc_automount_apply(struct vfc_ctx *ctx, const struct vfc_action *a, unsigned int flags,
			struct vfc_mount_result *res);

/*
 * Remove the directories below the mount base that are ours, empty and not
 * mounted on (systemd unmounts its units without us). Returns how many.
 */
int vfc_automount_sweep(struct vfc_ctx *ctx);

#endif
