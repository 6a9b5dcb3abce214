/* SPDX-License-Identifier: MIT */
/*
 * A virtio-fs device on the CCW bus (control unit 3832/1a): an opaque,
 * ref-counted snapshot of what the kernel tells about it when it is looked
 * up: bus-ID, online state, CCW driver, virtio child, tag (export.h, or the
 * policy file's) and one state that says how far it got.
 *
 * Lookups by bus-ID or tag never walk the whole CCW bus: a guest may hold
 * 4 x 65536 CCW devices. A device hidden by cio_ignore has no sysfs entry and
 * so no object: its lookup says -ENODEV, and cio.h tells why.
 */
#ifndef VFC_DEVICE_H
#define VFC_DEVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "busid.h"
#include "ctx.h"

/* How far a device got on its way to a mountable tag. */
enum vfc_device_state {
	VFC_DEVICE_READY,	  /* bound to virtiofs, its tag exported */
	VFC_DEVICE_NO_CCW_DRIVER, /* no CCW driver (virtio_ccw) is bound to the device */
	VFC_DEVICE_OFFLINE,	  /* the CCW device is offline: no virtio device yet */
	VFC_DEVICE_UNBOUND,	  /* the virtio device is not bound to virtiofs */
	VFC_DEVICE_NO_EXPORT,	  /* the kernel exports no tags (before Linux 6.9) */
	VFC_DEVICE_CONFIGURED,	  /* no export, but the policy file names the tag */
	VFC_DEVICE_BAD_TAG,	  /* the kernel's tag file holds something that is no tag */
	VFC_DEVICE_UNEXPORTED,	  /* bound, but the export has no entry for it yet */
};

/*
 * Is a device in this state still on its way (virtio_ccw sets devices online
 * and virtiofs probes them asynchronously), so that waiting may help?
 */
bool vfc_device_state_is_coming(enum vfc_device_state st);

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

/* The control unit type of any CCW device ("3832/1a"): 0, or -ENODEV, -errno. */
int vfc_device_read_cutype(const struct vfc_busid *id, char *buf, size_t size);

/*
 * The device behind a udev event, as the automount units name it: a bus-ID
 * ("0.0.1a12"), a virtio device ("virtio4") or a virtiofs export index ("4").
 */
int vfc_device_new_from_kernel_name(struct vfc_ctx *ctx, const char *name, struct vfc_device **ret);

/* All virtio-fs CCW devices, sorted by bus-ID; free with vfc_device_array_free(). */
int vfc_device_enumerate(struct vfc_ctx *ctx, struct vfc_device ***ret_devs, size_t *ret_n);
void vfc_device_array_free(struct vfc_device **devs, size_t n);
/*
 * The same, and the virtio-fs devices at @extra (@nextra bus-IDs) too: a
 * device that no CCW driver claims (its probe failed, it was unbound by
 * hand) is not among the virtio_ccw driver's, and only a bus walk, which
 * costs in proportion to the bus, would find it otherwise.
 */
int vfc_device_enumerate_with(struct vfc_ctx *ctx, const struct vfc_busid *extra, size_t nextra,
			      struct vfc_device ***ret_devs, size_t *ret_n);

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
 * What tells this virtio device from one that replaced it at the same
 * bus-ID (removed and added again, set offline and online): the inode
 * number of its sysfs directory, which kernfs never hands out twice. 0
 * without a virtio child. A mount outlives its device; this says whether
 * the device it was made from is still the one there.
 */
unsigned long long vfc_device_get_instance(struct vfc_device *dev);
/*
 * The tag (raw bytes, untrusted) or NULL; vfc_device_get_state() says why.
 * Known from the kernel, or (VFC_DEVICE_CONFIGURED) from the context's policy.
 */
const char *vfc_device_get_tag(struct vfc_device *dev);
enum vfc_device_state vfc_device_get_state(struct vfc_device *dev);
/*
 * Where the device's tag is mounted as virtiofs now: NULL-terminated, owned
 * by @dev. 0, or -errno where the mount table cannot be read: never "nowhere".
 */
int vfc_device_get_mountpoints(struct vfc_device *dev, const char *const **ret);

#endif
