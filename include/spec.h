/* SPDX-License-Identifier: MIT */
/*
 * SPEC: what a user, fstab or a uevent names a share by; its one grammar
 * and its one resolver, for every front-end (mount.virtiofs, the CLI, the
 * generator, the udev helper, hotplug). A SPEC is, by its text alone:
 *   - a bus-ID: 0.n.dddd (guest), fe.n.dddd (host, as in libvirt) or the
 *     short devno dddd (= 0.0.dddd), as s390-tools read them: always the
 *     device at that bus-ID, whatever tags any device has;
 *   - malformed: the exact shape of a bus-ID (c.n.dddd) with a field out of
 *     range (0.4.1a12, ff.0.1a12): refused, never read as a tag;
 *   - a tag: any other text of 1 to VFC_TAG_MAX bytes without a newline
 *     (my.share, 2024.01.15, 10.0.0.1, LABEL=x). Where the kernel exports
 *     tags the device is looked up by it; where it does not, the tag goes
 *     to the kernel as it is.
 * A tag that reads as a bus-ID is reached with VFC_SPEC_AS_TAG (mount --tag)
 * or by its device's bus-ID.
 *
 * This is also the one place where a device's state becomes words.
 */
#ifndef VFC_SPEC_H
#define VFC_SPEC_H

#include <stdbool.h>

#include "busid.h"
#include "ctx.h"
#include "device.h"

enum vfc_spec_kind {
	VFC_SPEC_BUSID,	    /* 0.n.dddd */
	VFC_SPEC_HOSTID,    /* fe.n.dddd */
	VFC_SPEC_SHORT,	    /* dddd: 0.0.dddd */
	VFC_SPEC_TAG,	    /* a tag */
	VFC_SPEC_MALFORMED, /* a bus-ID's shape, not a bus-ID */
	VFC_SPEC_INVALID,   /* empty, over VFC_TAG_MAX bytes or with a newline: nothing */
};

enum {
	VFC_SPEC_AS_TAG = 1 << 0, /* the text is a tag, whatever it looks like */
};

/*
 * What @text names, by its grammar alone: no lookup. For the bus-ID kinds
 * *ret_id (may be NULL) is the bus-ID; for the last two *ret_reason (may be
 * NULL) says what was expected.
 */
enum vfc_spec_kind vfc_spec_parse(const char *text, unsigned int flags, struct vfc_busid *ret_id,
				  const char **ret_reason);

static inline bool vfc_spec_kind_is_busid(enum vfc_spec_kind k)
{
	return k == VFC_SPEC_BUSID || k == VFC_SPEC_HOSTID || k == VFC_SPEC_SHORT;
}

/*
 * The device @text names, looked up once. Returns 0, or -ENODEV (no CCW
 * device at that bus-ID: absent, or hidden by cio_ignore), -EMEDIUMTYPE (a
 * CCW device, but no virtio-fs device), -ENOENT (no device has that tag, or
 * the kernel cannot tell), -EINVAL (no SPEC), or another -errno from a
 * lookup that failed. Unless @ret_message is NULL, it is then one line that
 * says why (and what to do: cio_ignore -r), NULL on ENOMEM.
 */
int vfc_spec_lookup(struct vfc_ctx *ctx, const char *text, unsigned int flags,
		    struct vfc_device **ret_dev, char **ret_message);

/* What a SPEC resolves to, for mounting. */
struct vfc_spec {
	enum vfc_spec_kind kind;
	struct vfc_busid id;	     /* the device's bus-ID, where there is a device */
	bool has_id;
	bool has_device;	     /* ... and it is there, in @state */
	enum vfc_device_state state;
	char *tag;		     /* on success: the tag to mount */
	bool plain;		     /* a tag no device is known to have: the kernel judges it */
	bool kernel_judges;	     /* plain, and this kernel exports no tags: only mount(2) tells */
	bool can_wait;		     /* not final yet: a device is absent, coming online, probed */
	char *message;		     /* on failure: one line */
};

/*
 * Resolve @text once, without waiting. 0: ret->tag is what to mount (for a
 * plain tag, ret->can_wait says whether a device still on its way may turn
 * out to have it). -errno: ret->message says why, ret->can_wait whether
 * waiting may help. Either way release @ret with vfc_spec_clear().
 */
int vfc_spec_resolve(struct vfc_ctx *ctx, const char *text, unsigned int flags,
		     struct vfc_spec *ret);
void vfc_spec_clear(struct vfc_spec *s);

/*
 * A state as one word, lscss-style, for list's STATE column and fstab's
 * comments: ready, configured (tag from the policy file), no-ccw-driver,
 * offline, unbound (not bound to virtiofs), unexported (tag not exported
 * yet), no-export (this kernel exports no tags), bad-tag.
 */
const char *vfc_spec_state_name(enum vfc_device_state st);
/* The same in words, for people: "device offline", "this kernel does not export tags". */
const char *vfc_spec_state_reason(enum vfc_device_state st);
/*
 * Why @dev has no tag to mount, and the fix, in one line: "'SPEC': device
 * 0.0.1a12 is offline; set it online with 'chzdev -e 0.0.1a12' ...", or
 * without @spec "0.0.1a12: device offline; ...". NULL for a device that is
 * ready or configured, and on ENOMEM.
 */
char *vfc_spec_explain(struct vfc_ctx *ctx, const char *spec, struct vfc_device *dev);

/* How many virtio-fs devices are still on their way to telling their tags, or -errno. */
int vfc_spec_devices_coming(struct vfc_ctx *ctx);

#endif
