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

#endif
