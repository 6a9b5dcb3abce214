/* SPDX-License-Identifier: MIT */
/*
 * CCW bus-IDs in the vocabulary of s390-tools: the guest form "0.n.dddd",
 * the host (libvirt/QEMU) form "fe.n.dddd" of the virtual channel subsystem,
 * the short devno "dddd" (= 0.0.dddd) and ranges "A-B".
 */
#ifndef VFC_BUSID_H
#define VFC_BUSID_H

#include <stdbool.h>
#include <stddef.h>

#define VFC_BUSID_SSID_MAX 3
/* The channel subsystem a KVM guest's virtio-ccw devices live in, as QEMU names it. */
#define VFC_BUSID_HOST_CSSID 0xfe
/* "fe.3.ffff" plus the terminating NUL */
#define VFC_BUSID_STRLEN 10

/* Always the guest's view: a guest sees the host's css 0xfe as css 0. */
struct vfc_busid {
	unsigned int ssid;
	unsigned int devno;
};

enum vfc_busid_form {
	VFC_BUSID_FORM_GUEST, /* 0.n.dddd */
	VFC_BUSID_FORM_HOST,  /* fe.n.dddd */
	VFC_BUSID_FORM_SHORT, /* dddd */
};

/*
 * Parse @str strictly (case-insensitive, no blanks, no 0x, 1-4 devno digits).
 * Returns 0, or -EINVAL for a malformed and -ERANGE for an out-of-range ID;
 * then *ret_reason (if given) names what was expected. @ret_form may be NULL.
 */
int vfc_busid_parse(const char *str, struct vfc_busid *ret, enum vfc_busid_form *ret_form,
		    const char **ret_reason);

/* Parse "A-B" (or a single ID, which is a range of one); A must not exceed B. */
int vfc_busid_parse_range(const char *str, struct vfc_busid *ret_first, struct vfc_busid *ret_last,
			  const char **ret_reason);

/* Quick check whether @str reads as a bus-ID at all (any form). */
bool vfc_busid_is_valid(const char *str);

/* "0.n.dddd" and "fe.n.dddd"; @buf holds at least VFC_BUSID_STRLEN bytes. */
char *vfc_busid_format(const struct vfc_busid *id, char *buf);
char *vfc_busid_format_host(const struct vfc_busid *id, char *buf);

int vfc_busid_cmp(const struct vfc_busid *a, const struct vfc_busid *b);

#endif
