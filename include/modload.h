/* SPDX-License-Identifier: MIT */
/*
 * Making the virtiofs filesystem available: nothing to do when the kernel
 * has it registered (built in, as on Debian's 6.12, or loaded), otherwise
 * load module "virtiofs" through libkmod, as modprobe would.
 */
#ifndef VFC_MODLOAD_H
#define VFC_MODLOAD_H

#include <stdbool.h>

#include "ctx.h"

#define VFC_FSTYPE "virtiofs"
/* The module is "virtiofs" (fs/fuse/virtio_fs.c builds virtiofs.ko), not "virtio_fs". */
#define VFC_MODULE "virtiofs"

/* Whether /proc/filesystems lists @fstype. */
bool vfc_fs_is_registered(const char *fstype);

/*
 * Returns 0 once the filesystem is registered, or:
 * -ENOENT     no module "virtiofs" for the running kernel
 * -ECANCELED  the module is blacklisted (the administrator's choice is honoured)
 * -ENOPKG     the module loaded but the filesystem did not appear
 * other -errno from libkmod or init_module(2) (e.g. -EPERM when not root)
 */
int vfc_modload_virtiofs(struct vfc_ctx *ctx);

#endif
