/* SPDX-License-Identifier: MIT */
/*
 * The systemd units of the shares. The rule (udev/) gives the virtio device
 * of each virtio-fs CCW device two aliases, so that mount units can bind to
 * a share by bus-ID or by tag:
 *
 *   sys-subsystem-virtiofs-by\x2dbusid-0.0.1a12.device
 *   sys-subsystem-virtiofs-by\x2dtag-share0.device
 *
 * virtiofs-ccw-generator binds the mount units of fstab's virtiofs lines to
 * them and makes them want those units (DEVICE.device.wants/), so that a
 * share that comes is mounted.
 */
#ifndef VFC_UNIT_H
#define VFC_UNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "busid.h"
#include "ctx.h"
#include "fstab.h"

#define VFC_ALIAS_BUSID_DIR "/sys/subsystem/virtiofs/by-busid"
#define VFC_ALIAS_TAG_DIR   "/sys/subsystem/virtiofs/by-tag"

/*
 * The drop-in virtiofs-ccw-generator writes for a mount unit, in systemd's
 * generator directory: where it exists, the fstab line is systemd's to
 * mount and unmount, and hotplug leaves it alone.
 */
#define VFC_GENERATOR_DIR    "/run/systemd/generator"
#define VFC_GENERATOR_DROPIN "50-virtiofs-ccw.conf"

/* VFC_ALIAS_BUSID_DIR/0.n.dddd; newly allocated, NULL on ENOMEM. */
char *vfc_unit_alias_busid(const struct vfc_busid *id);
/*
 * VFC_ALIAS_TAG_DIR/<vfc_escape_alias(tag)>: one component, whatever the tag,
 * that systemd's unquoting of SYSTEMD_ALIAS leaves as it is.
 */
char *vfc_unit_alias_tag(const char *tag);

/*
 * The alias an fstab source stands for, told without the device, as spec.h
 * reads it: a bus-ID (any form, dddd too) by bus-ID; a tag by tag where the
 * kernel exports tags or the policy file names it; else none (*ret NULL:
 * nothing can bind it, as for text of a bus-ID's shape that is none).
 */
int vfc_unit_line_alias(struct vfc_ctx *ctx, const char *spec, char **ret);

/* Does systemd mount fstab's line at @target (the generator bound its unit to the share)? */
bool vfc_unit_is_bound(const char *target);

#endif
