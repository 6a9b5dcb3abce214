/* SPDX-License-Identifier: MIT */
/*
 * Policy: what hotplug mounts where, following the policy file (config.h)
 * and fstab (fstab.h), and what it detaches when a device goes. Directories
 * below mount-base are named by escape.h, so that no tag can steer a mount
 * out of the base.
 */
#ifndef VFC_PLAN_H
#define VFC_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "busid.h"
#include "ctx.h"

struct vfc_device;

enum vfc_action_kind {
	VFC_ACTION_MOUNT,
	VFC_ACTION_DETACH, /* lazy unmount: the device is gone */
};

struct vfc_action {
	enum vfc_action_kind kind;
	struct vfc_busid id;
	char *tag;
	char *target;
	char *options; /* for a mount: its options, as fstab or the policy file says */
	unsigned long long instance; /* for a mount: the device's (device.h) */
	int mount_id;  /* for a detach: the mount to take off (mountinfo's ID) */
	bool in_base;  /* the target is directly below mount-base, where we make directories */
};

void vfc_action_array_free(struct vfc_action *a, size_t n);

/*
 * What hotplug should mount for @devs (all present devices if @n is 0),
 * following the context's policy (automount = fstab | all | none) and fstab:
 * a mount on every fstab line that names a device (neither noauto nor one
 * systemd mounts), so a share on two lines is mounted twice; below
 * mount-base (automount = all) only a device that no line names.
 * Devices already mounted where the plan puts them need nothing; mounts come
 * parents first (by mountpoint), so none hides another, and an auto-mount
 * that a planned one would hide is detached first and planned again after
 * it (a parent that came after its child). Devices
 * that cannot be planned (no tag known, say) are skipped with a note through
 * the context's log.
 */
int vfc_plan_add(struct vfc_ctx *ctx, struct vfc_device **devs, size_t n, struct vfc_action **ret,
		 size_t *ret_n);

/*
 * What to detach: every virtiofs mount with the auto-mounter's mark whose
 * device is gone, is no longer bound, has another tag, or is another device
 * now at the same bus-ID (its instance differs: removed and added again).
 * Other mounts of the same tag are left alone.
 */
int vfc_plan_remove(struct vfc_ctx *ctx, struct vfc_action **ret, size_t *ret_n);

#endif
