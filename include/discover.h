/* SPDX-License-Identifier: MIT */
/*
 * Discovery: the virtio-fs devices on the CCW bus (control unit 3832/1a) and
 * what the kernel tells about each: bus-ID, online state, CCW driver, virtio
 * child, tag (Linux 6.9+: /sys/fs/virtiofs/N/tag) and current mountpoints.
 *
 * Lookups by bus-ID or tag never walk the whole CCW bus: a guest may hold
 * 4 x 65536 CCW devices.
 */
#ifndef VFC_DISCOVER_H
#define VFC_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "busid.h"
#include "ctx.h"

/* QEMU's virtio-ccw control unit: type 0x3832, model = virtio device ID (26 = fs). */
#define VFC_CUTYPE_VIRTIO_FS "3832/1a"
/* The virtio-fs tag field is 36 bytes (virtio spec 5.11.4). */
#define VFC_TAG_MAX 36

/* Why a device's tag is (not) known. */
enum vfc_tag_state {
	VFC_TAG_KNOWN,
	VFC_TAG_NO_CCW_DRIVER, /* no CCW driver (virtio_ccw) is bound to the device */
	VFC_TAG_OFFLINE,      /* the CCW device is offline: there is no virtio device yet */
	VFC_TAG_NO_DRIVER,    /* the virtio device is not bound to virtiofs (module not loaded) */
	VFC_TAG_NOT_EXPORTED, /* the kernel has no /sys/fs/virtiofs (before Linux 6.9) */
	VFC_TAG_CONFIGURED,   /* not exported, but the policy file names it ("tag ID = TAG") */
	VFC_TAG_INVALID,      /* the kernel's tag file holds something that is no tag */
	VFC_TAG_NOT_YET,      /* bound to virtiofs, but the export has no entry for it yet */
};

struct vfc_device;

struct vfc_device *vfc_device_ref(struct vfc_device *dev);
struct vfc_device *vfc_device_unref(struct vfc_device *dev);

/*
 * Look up one device. Return 0, or:
 * -ENODEV       no CCW device with this bus-ID (absent, or hidden by cio_ignore)
 * -EMEDIUMTYPE  the CCW device is not a virtio-fs device
 * -ENOENT       (by tag) no device has this tag
 */
int vfc_device_new_from_busid(struct vfc_ctx *ctx, const struct vfc_busid *id,
			      struct vfc_device **ret);
int vfc_device_new_from_tag(struct vfc_ctx *ctx, const char *tag, struct vfc_device **ret);

/*
 * The device behind a udev event, as the automount units name it: a bus-ID
 * ("0.0.1a12"), a virtio device ("virtio4") or a virtiofs export index ("4").
 */
int vfc_device_new_from_kernel_name(struct vfc_ctx *ctx, const char *name,
				    struct vfc_device **ret);

/* All virtio-fs CCW devices, sorted by bus-ID; free with vfc_device_array_free(). */
int vfc_device_enumerate(struct vfc_ctx *ctx, struct vfc_device ***ret_devs, size_t *ret_n);
void vfc_device_array_free(struct vfc_device **devs, size_t n);

const struct vfc_busid *vfc_device_get_busid(struct vfc_device *dev);
const char *vfc_device_get_syspath(struct vfc_device *dev);
bool vfc_device_is_online(struct vfc_device *dev);
/* The CCW driver bound to the device ("virtio_ccw"), or NULL. */
const char *vfc_device_get_driver(struct vfc_device *dev);
/* The export entry ("/sys/fs/virtiofs/2") the tag was read from, or NULL. */
const char *vfc_device_get_export(struct vfc_device *dev);
/* The virtio child ("virtio2") once the device is online and probed, or NULL. */
const char *vfc_device_get_virtio(struct vfc_device *dev);
/*
 * The tag (raw bytes, untrusted) or NULL; vfc_device_get_tag_state() says why.
 * Known from the kernel, or (VFC_TAG_CONFIGURED) from the context's policy.
 */
const char *vfc_device_get_tag(struct vfc_device *dev);
enum vfc_tag_state vfc_device_get_tag_state(struct vfc_device *dev);
/* Where the device's tag is mounted as virtiofs now: NULL-terminated, owned by @dev. */
const char *const *vfc_device_get_mountpoints(struct vfc_device *dev);

/*
 * Where @tag is mounted as virtiofs, per the context's mount table: a newly
 * allocated NULL-terminated list (free with vfc_strv_free()), in mount order
 * or, with @newest_first, the reverse. Returns the count or -errno.
 */
int vfc_tag_mountpoints(struct vfc_ctx *ctx, const char *tag, bool newest_first, char ***ret);
/* Is @tag the virtiofs mounted on (canonical) @target, topmost? */
bool vfc_tag_is_mounted_on(struct vfc_ctx *ctx, const char *tag, const char *target);
void vfc_strv_free(char **v);

/* Whether the kernel exports virtio-fs tags at all (/sys/fs/virtiofs present). */
bool vfc_have_tag_export(struct vfc_ctx *ctx);

/* 1 if @id is on the kernel's cio_ignore list, 0 if not, -errno if that cannot be told. */
int vfc_cio_ignore_contains(struct vfc_ctx *ctx, const struct vfc_busid *id);

#endif
