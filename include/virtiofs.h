/* SPDX-License-Identifier: MIT */
/*
 * What the kernel and the virtio spec fix about virtio-fs on CCW: names and
 * limits every module agrees on, and nothing else.
 */
#ifndef VFC_VIRTIOFS_H
#define VFC_VIRTIOFS_H

/* QEMU's virtio-ccw control unit: type 0x3832, model = virtio device ID (26 = fs). */
#define VFC_CUTYPE_VIRTIO_FS "3832/1a"
/* The virtio-fs tag field is 36 bytes (virtio spec 5.11.4). */
#define VFC_TAG_MAX 36
/* The filesystem type (mount -t) and the virtio driver's name: both "virtiofs". */
#define VFC_FSTYPE	  "virtiofs"
#define VFC_VIRTIO_DRIVER "virtiofs"
/* The CCW bus's devices, each a link to its directory in /sys/devices. */
#define VFC_SYSFS_CCW_DEVICES "/sys/bus/ccw/devices"

#endif
