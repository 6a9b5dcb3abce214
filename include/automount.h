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

/* How long a handler waits for systemd to mount a unit it asked for. */
#define VFC_SYSTEMD_MOUNT_MS 30000

enum {
	/* systemd runs the system: mounts below the base become its mount units */
	VFC_AUTOMOUNT_SYSTEMD = 1 << 0,
};

/*
 * Carry out one action. A mount below the base gets its directory first
 * (made and marked, or ours and empty from before) and loses it again if
 * the mount fails; with VFC_AUTOMOUNT_SYSTEMD the mount is a transient unit
 * of systemd's (systemd.h), bound to the share's device unit, waited for. A detach unmounts lazily the mount the plan names (by its mount ID)
 * and removes its directory if it is ours. @res is filled in as by
 * vfc_mount().
 */
int vfc_automount_apply(struct vfc_ctx *ctx, const struct vfc_action *a, unsigned int flags,
			struct vfc_mount_result *res);

/*
 * Under systemd, after a device went: wait up to @timeout_ms until systemd
 * has stopped the mount units below the base whose device is gone (they are
 * bound to it), so that their directories can go too. 0, or -ETIMEDOUT.
 */
int vfc_automount_wait_units(struct vfc_ctx *ctx, int timeout_ms);

/*
 * Make the mount base (mode 0755, following no symlink) if it is missing.
 * 0, or -EPERM where it or a directory on the way is not root's or is
 * writable by others, or the error of making it.
 */
int vfc_automount_make_base(struct vfc_ctx *ctx);

/*
 * Remove the directories below the mount base that are ours, empty and not
 * mounted on (systemd unmounts its units without us). Returns how many.
 */
int vfc_automount_sweep(struct vfc_ctx *ctx);

#endif
