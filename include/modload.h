/* SPDX-License-Identifier: MIT */
/*
 * Making the virtiofs filesystem available: nothing to do when the kernel
 * has it registered (built in, as on Debian's 6.12, or loaded), otherwise
 * load the module of alias "fs-virtiofs" (the kernel's own request) through
 * libkmod with modprobe's blacklist, and wait a moment while it is still
 * coming up.
 */
#ifndef VFC_MODLOAD_H
#define VFC_MODLOAD_H

#include <stdbool.h>

#include "ctx.h"
#include "virtiofs.h"

/* Where no index has the alias: fs/fuse/virtio_fs.c builds virtiofs.ko, not virtio_fs.ko. */
#define VFC_MODULE "virtiofs"

/* Whether /proc/filesystems lists @fstype. */
bool vfc_modload_is_registered(const char *fstype);

/*
 * Returns 0 once the filesystem is registered, or:
 * -ENOENT     no module "virtiofs" for the running kernel
 * -ECANCELED  the module is blacklisted (the administrator's choice is honoured)
 * -ENOPKG     the module loaded but the filesystem did not appear
 * other -errno from libkmod or init_module(2) (e.g. -EPERM when not root)
 */
int vfc_modload_virtiofs(struct vfc_ctx *ctx);

/*
 * What vfc_modload_virtiofs()'s @err means, in one line naming the module;
 * NULL for another errno (then strerror() says it).
 */
const char *vfc_modload_strerror(int err);

#endif
