/* SPDX-License-Identifier: MIT */
/*
 * The one bounded wait: for a device that is absent, offline, not probed yet
 * or whose tag is not exported yet, and for mounts to go. Event-driven: it
 * asks its question; if the answer is "not yet", it subscribes to the
 * kernel's uevents and to the mount table, asks again, and again after each
 * uevent of the ccw, virtio or virtiofs subsystem, each change of the mount
 * table, and once more at the deadline.
 * It never retries mount(2) to find out.
 */
#ifndef VFC_WAIT_H
#define VFC_WAIT_H

#include <stdbool.h>

#include "ctx.h"

struct vfc_device;

/* The question: > 0 done (ready), 0 not yet, -errno done (failed). */
typedef int (*vfc_wait_check_fn)(struct vfc_ctx *ctx, void *userdata);

/*
 * Ask @check until it says done or @timeout_ms have passed; @timeout_ms <= 0
 * asks once. Returns the last answer: 0 means the time ran out.
 */
int vfc_wait_for(struct vfc_ctx *ctx, int timeout_ms, vfc_wait_check_fn check, void *userdata);

/*
 * Look @name up (a SPEC, or with @kernel_name as vfc_device_new_from_kernel_name()
 * takes it) and wait up to @timeout_ms while it is absent, offline, not yet
 * probed or its tag not exported yet. Returns the device as it is then (its
 * tag state says if it is not ready), or the lookup's error.
 */
int vfc_wait_for_device(struct vfc_ctx *ctx, const char *name, bool kernel_name, int timeout_ms,
			struct vfc_device **ret);

#endif
