/* SPDX-License-Identifier: MIT */
/*
 * mount --all: every virtiofs line of fstab without noauto, as
 * "mount -a -t virtiofs" would mount them. A nofail line that fails is
 * skipped, not a failure of the run.
 */
#ifndef VFC_MOUNTALL_H
#define VFC_MOUNTALL_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"
#include "fstab.h"
#include "mount.h"

struct vfc_mount_all_result {
	size_t lines;	/* virtiofs lines of fstab */
	size_t mounted; /* ... mounted (or already there, or would be with VFC_MOUNT_FAKE) */
	size_t failed;	/* ... that failed */
	size_t skipped; /* ... that failed but are nofail: no failure of the run */
	size_t noauto;	/* ... left out for noauto */
	int excode;	/* MNT_EX_SUCCESS, MNT_EX_SOMEOK, MNT_EX_FAIL or MNT_EX_SYSERR */
	char *message;	/* what stopped the run before its lines (MNT_EX_SYSERR), or NULL */
};

/* Called for each line tried, after it, with the request made and its result. */
typedef void (*vfc_mount_all_report_fn)(const struct vfc_fstab_entry *fe,
					const struct vfc_mount_req *req,
					const struct vfc_mount_result *res, void *userdata);

/*
 * Mount each virtiofs line of fstab without noauto with vfc_mount(). @tmpl
 * gives the flags, the wait (-1: the line's VFC_OPT_WAIT, else the policy's
 * wait, as mount.virtiofs does at boot) and options added to each line's;
 * its spec, target and default_wait_ms are not used. Returns 0 when no line
 * failed but nofail ones, -EIO when some did, -errno when the run could not
 * start; either way @res is filled in, for vfc_mount_all_result_clear().
 */
int vfc_mount_all(struct vfc_ctx *ctx, const struct vfc_mount_req *tmpl,
		  vfc_mount_all_report_fn report, void *userdata, struct vfc_mount_all_result *res);

void vfc_mount_all_result_clear(struct vfc_mount_all_result *res);

#endif
