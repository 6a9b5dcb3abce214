/* SPDX-License-Identifier: MIT */
/*
 * The channel subsystem's view beyond the device: the cio_ignore list
 * (/proc/cio_ignore, ranges such as "0.0.0000-0.0.1a11"), which hides
 * devices from Linux altogether, so that no sysfs entry tells of them.
 */
#ifndef VFC_CIO_H
#define VFC_CIO_H

#include "busid.h"
#include "ctx.h"

#define VFC_CIO_IGNORE_PATH "/proc/cio_ignore"

/* 1 if @id is on the kernel's cio_ignore list, 0 if not, -errno if that cannot be told. */
int vfc_cio_ignore_contains(struct vfc_ctx *ctx, const struct vfc_busid *id);

/*
 * Whether @id is to be freed from the cio_ignore list, because fstab or
 * root= names it: cio_ignore lists it and the policy (the context's, else
 * the defaults) does not say cio-free = no. 1 or 0; where there is no
 * cio_ignore list (not s390, or no access) 0.
 */
int vfc_cio_ignore_wants_free(struct vfc_ctx *ctx, const struct vfc_busid *id);

/*
 * Free @id, if vfc_cio_ignore_wants_free() says so, as 'cio_ignore -r'
 * does: the channel subsystem then senses the device, and it appears (now,
 * or when it is plugged). Nothing else is freed. 1 freed, 0 nothing to do,
 * -errno.
 */
int vfc_cio_ignore_free(struct vfc_ctx *ctx, const struct vfc_busid *id);

#endif
