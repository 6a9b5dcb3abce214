/* SPDX-License-Identifier: MIT */
/*
 * Asking systemd, PID 1, for a transient mount unit: what systemd-mount(1)
 * does, through systemd's private bus socket, for a source systemd-mount of
 * systemd 252 cannot take (it resolves every source as a path). libsystemd
 * is loaded only here and only where systemd runs, so that the tools need
 * no libsystemd elsewhere (an initramfs, busybox).
 */
#ifndef VFC_SYSTEMD_H
#define VFC_SYSTEMD_H

#include "ctx.h"

struct vfc_systemd_mount {
	const char *unit; /* the unit's name: Where escaped, ".mount" */
	const char *what; /* the source mount(8) is given */
	const char *where;
	const char *type;
	const char *options;  /* or NULL */
	const char *binds_to; /* a unit it is bound to (BindsTo=, After=), or NULL */
	const char *description;
};

/*
 * Start the transient mount unit @m (LazyUnmount=yes, collected when
 * inactive or failed) and wait up to @timeout_ms until it is mounted.
 * Returns 0, or -errno: -ENOSYS (no libsystemd), -EEXIST (such a unit is
 * there already), -ETIMEDOUT, -EIO (the unit failed: its log says why);
 * *ret_msg (newly allocated, or NULL) is systemd's word where it gave one.
 */
int vfc_systemd_start_mount(struct vfc_ctx *ctx, const struct vfc_systemd_mount *m, int timeout_ms,
			    char **ret_msg);

#endif
