/* SPDX-License-Identifier: MIT */
/*
 * The kernel's export of virtio-fs tags (Linux 6.9+, fs/fuse/virtio_fs.c):
 *
 *   /sys/fs/virtiofs/2/tag     "share0\n" (no newline on some backports)
 *   /sys/fs/virtiofs/2/device -> ../../../devices/css0/0.0.0001/0.0.1a12/virtio2
 *
 * Entries are named by the virtio device's index, and the device link is
 * what ties a tag to a CCW device. The cost of every lookup is one entry per
 * virtio-fs device, nothing per CCW device.
 */
#ifndef VFC_EXPORT_H
#define VFC_EXPORT_H

#include <stdbool.h>

#include "busid.h"
#include "ctx.h"

#define VFC_EXPORT_DIR "/sys/fs/virtiofs"

/* Does this kernel export tags at all (is VFC_EXPORT_DIR there)? */
bool vfc_export_exists(struct vfc_ctx *ctx);

/*
 * The tag of the virtio device @virtio ("virtio2") below CCW device @busid,
 * and the entry it was read from ("/sys/fs/virtiofs/2"). Returns 0, or
 * -ENOENT (no entry for the device, yet: virtiofs adds it late in its probe)
 * or -EBADMSG (its tag file holds no tag: empty, over VFC_TAG_MAX bytes, an
 * inner NUL or newline). Both outputs newly allocated, untouched on failure.
 */
int vfc_export_find_device(struct vfc_ctx *ctx, const char *busid, const char *virtio,
			   char **ret_tag, char **ret_entry);

/* The bus-ID of the CCW device whose entry holds exactly @tag; -ENOENT if none. */
int vfc_export_find_tag(struct vfc_ctx *ctx, const char *tag, struct vfc_busid *ret_id);

/* The bus-ID of the CCW device of entry @index ("2"); -ENODEV if there is none. */
int vfc_export_get_busid(struct vfc_ctx *ctx, const char *index, struct vfc_busid *ret_id);

#endif
