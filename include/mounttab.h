/* SPDX-License-Identifier: MIT */
/*
 * What is mounted: queries of the kernel's mount table (mountinfo, through
 * libmount and the context's cached copy). A virtiofs mount shows the tag as
 * its source; which device it came from is recorded by whoever mounted it.
 */
#ifndef VFC_MOUNTTAB_H
#define VFC_MOUNTTAB_H

#include <stdbool.h>

#include "ctx.h"

/*
 * Where @tag is mounted as virtiofs: a newly allocated NULL-terminated list
 * (free with strv_free()), in mount order or, with @newest_first, the
 * reverse. Returns the count or -errno.
 */
int vfc_mounttab_get_targets(struct vfc_ctx *ctx, const char *tag, bool newest_first, char ***ret);

/* Is @tag the virtiofs mounted on (canonical) @target, topmost? */
bool vfc_mounttab_is_mounted_on(struct vfc_ctx *ctx, const char *tag, const char *target);

/*
 * The filesystem type and source of the topmost mount on (canonical)
 * @target: 0 and both set (owned by the context's table, valid until its
 * next reset), -ENOENT if nothing is mounted there, other -errno.
 */
int vfc_mounttab_find_target(struct vfc_ctx *ctx, const char *target, const char **ret_fstype,
			     const char **ret_source);

#endif
