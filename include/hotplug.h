/* SPDX-License-Identifier: MIT */
/*
 * One hotplug event, start to end, as the handler (virtiofs-ccw automount,
 * started by the udev rule) carries it out: wait for the named devices to
 * settle, take the lock, detach what is stale, plan and mount what the
 * policy asks for (plan.h, automount.h), and under systemd tidy the mount
 * base once systemd has stopped the units of shares that went.
 */
#ifndef VFC_HOTPLUG_H
#define VFC_HOTPLUG_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "mount.h"
#include "plan.h"

struct vfc_hotplug_req {
	const char *kernel_name;   /* the device as udev names it (bus-ID, virtioN, N), or NULL */
	const char *const *specs;  /* SPECs to mount for; with neither, every present device */
	size_t nspecs;
	bool remove;		   /* detach the auto-mounts of devices that are gone, only */
	bool dry_run;		   /* plan and report, change nothing, take no lock */
	bool udev;		   /* run by udevd's worker: wait at most VFC_UDEV_WAIT_MAX_S */
};

/*
 * The longest a handler run from a udev rule waits for a device to settle:
 * udevd's worker blocks the device's later events meanwhile, and is killed
 * at the event timeout (180 s by default).
 */
#define VFC_UDEV_WAIT_MAX_S 10

/*
 * Called for each planned action: with @dry_run before anything is done
 * (@r 0, @res NULL), else after it with its result.
 */
typedef void (*vfc_hotplug_report_fn)(const struct vfc_action *a, int r,
				      const struct vfc_mount_result *res, void *userdata);

/*
 * Carry out the event. The context's policy (config.h) must be set. Returns
 * 0 or -errno; either way @res (released with vfc_mount_result_clear())
 * has mount(8)'s exit code: MNT_EX_SUCCESS (also for a device gone before it
 * could be looked at: its removal event does the rest), MNT_EX_FAIL (a SPEC
 * names no device, or an action failed: said through @report), or
 * MNT_EX_SYSERR; res->message says what stopped it, where nothing else did.
 */
int vfc_hotplug_run(struct vfc_ctx *ctx, const struct vfc_hotplug_req *req,
		    vfc_hotplug_report_fn report, void *userdata, struct vfc_mount_result *res);

#endif
