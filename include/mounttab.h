/* SPDX-License-Identifier: MIT */
/*
 * What is mounted: queries of the kernel's mount table (mountinfo, through
 * libmount and the context's cached copy). A virtiofs mount shows the tag as
 * its source; which device it came from is recorded by whoever mounted it.
 */
#ifndef VFC_MOUNTTAB_H
#define VFC_MOUNTTAB_H

#include <stdbool.h>

#include "busid.h"
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
 * The filesystem type, source and mount ID of the topmost mount on
 * (canonical) @target: 0 and all set (the strings owned by the context's
 * table, valid until its next reset; NULL outputs not wanted), -ENOENT if
 * nothing is mounted there, other -errno.
 */
int vfc_mounttab_find_target(struct vfc_ctx *ctx, const char *target, const char **ret_fstype,
			     const char **ret_source, int *ret_mount_id);

/*
 * Does utab get its entry for a mount of @tag from elsewhere, so that the
 * helper must write none? mount(8) records, after its helper, the source
 * it was given (@spec) unless utab has an entry of that source already,
 * and umount(8) removes one entry, the newest of the mountpoint. Where the
 * helper (@helper) mounts another source than @spec (a bus-ID's tag), an
 * entry of ours by tag would be left behind by every umount.
 */
bool vfc_mounttab_spec_recorded(bool helper, const char *spec, const char *tag);

/* A mount the auto-mounter made, found by its mark (mountopts.h's VFC_OPT_AUTO). */
struct vfc_mounttab_auto {
	int mount_id;
	char *source; /* the tag the kernel mounted */
	char *target;
	struct vfc_busid id;	     /* the device it was made from ... */
	unsigned long long instance; /* ... and which one there (0: not recorded) */
};

/*
 * Every virtiofs mount with the mark, newest first: mountinfo with utab's
 * user options merged in, through libmount (LIBMOUNT_UTAB redirects it).
 */
int vfc_mounttab_get_auto(struct vfc_ctx *ctx, struct vfc_mounttab_auto **ret, size_t *ret_n);
void vfc_mounttab_auto_free(struct vfc_mounttab_auto *v, size_t n);

#endif
