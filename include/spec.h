/* SPDX-License-Identifier: MIT */
/*
 * SPEC: what a user, fstab or a uevent names a share by, and the one
 * resolver of it. A SPEC is
 *   - a bus-ID in full form, 0.n.dddd (guest) or fe.n.dddd (host, as in
 *     libvirt): always the device at that bus-ID, whatever any tag says;
 *   - the tag a device exports (Linux 6.9+) or that the policy file names;
 *   - a short devno dddd (1-4 hex digits): device 0.0.dddd, unless a device
 *     exports exactly that tag (fstab lines we print always use full forms);
 *   - any other text: a plain tag, passed on for the kernel to judge. Text
 *     shaped like a mistyped bus-ID (0.4.1a12, 0.0.1a12x, 00.0.01a12) is an
 *     error that names the expected form, unless a device has that tag.
 */
#ifndef VFC_SPEC_H
#define VFC_SPEC_H

#include <stdbool.h>

#include "ctx.h"
#include "device.h"

/*
 * The device a SPEC names. Returns 0, or -ENODEV / -EMEDIUMTYPE (a bus-ID of
 * no CCW device / of no virtio-fs device), -ENOENT (no device has this tag
 * and it is no bus-ID), -EINVAL / -ERANGE (shaped like a bus-ID, but not
 * one). vfc_spec_strerror() says which.
 */
int vfc_device_new_from_spec(struct vfc_ctx *ctx, const char *spec, struct vfc_device **ret);

/*
 * One line (no trailing newline) saying why @spec did not resolve, with a hint
 * where one helps (cio_ignore, tag export). Newly allocated; NULL on ENOMEM.
 */
char *vfc_spec_strerror(struct vfc_ctx *ctx, const char *spec, int err);

/*
 * Would @text, as a SPEC, be read as a bus-ID (or refused as a mistyped one)
 * rather than as a tag? Then a share with that tag is named by its bus-ID.
 */
bool vfc_spec_reads_as_busid(const char *text);

/*
 * A state as one word, lscss-style, for list's STATE column and fstab's
 * comments: ready, configured (tag from the policy file), no-ccw-driver,
 * offline, unbound (not bound to virtiofs), unexported (tag not exported
 * yet), no-export (this kernel exports no tags), bad-tag.
 */
const char *vfc_spec_state_name(enum vfc_device_state st);
/* The same in words, for people: "device offline", "this kernel does not export tags". */
const char *vfc_spec_state_reason(enum vfc_device_state st);

/* What a SPEC resolves to, for mounting. */
struct vfc_spec {
	char *tag;     /* on success: the tag to mount */
	bool plain;    /* the SPEC is no device's bus-ID or tag: a tag for the kernel to judge */
	bool can_wait; /* not final yet: a device is absent, coming online or being probed */
	char *message; /* on failure: one line */
};

/*
 * Resolve @spec once, without waiting. 0: ret->tag is what to mount (for a
 * plain tag, ret->can_wait says whether a device still on its way may turn
 * out to have it). -errno: ret->message says why, ret->can_wait whether
 * waiting may help. Either way release @ret with vfc_spec_clear().
 */
int vfc_spec_resolve(struct vfc_ctx *ctx, const char *spec, struct vfc_spec *ret);
void vfc_spec_clear(struct vfc_spec *s);

/*
 * As vfc_spec_resolve(), for @tag taken as a tag whatever it looks like
 * (virtiofs-ccw mount --tag): how a tag that spells a bus-ID is reached.
 */
int vfc_spec_resolve_tag(struct vfc_ctx *ctx, const char *tag, struct vfc_spec *ret);

#endif
