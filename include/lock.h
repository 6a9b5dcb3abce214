/* SPDX-License-Identifier: MIT */
/*
 * The one lock of every tool that mounts shares: virtiofs-ccw automount,
 * virtiofs-ccw mount and mount.virtiofs. Without systemd nothing else
 * orders them: hotplug handlers, mount -a and an administrator's mount may
 * all plan the same share at once, and each must see what the other did.
 * Under systemd, mounts are systemd's jobs; there only the hotplug handlers
 * lock against each other (vfc_lock_take()'s @always), so that the helper,
 * run by systemd for a mount a handler waits for, never waits for the
 * handler in turn.
 *
 * The lock is flock(2) on VFC_LOCK_PATH, held only around planning and
 * mounting, never around a wait for a device.
 */
#ifndef VFC_LOCK_H
#define VFC_LOCK_H

#include <stdbool.h>

#include "ctx.h"

#define VFC_LOCK_PATH "/run/virtiofs-ccw.lock"
/* Overrides VFC_LOCK_PATH (tests); ignored when set-uid. */
#define VFC_LOCK_ENV "VIRTIOFS_CCW_LOCK"

/*
 * Does systemd run this system (sd_booted(3): /run/systemd/system exists)?
 * vfc_lock_take() asks the same of its ctx's run directory (vfc_ctx_set_run_dir()).
 */
bool vfc_lock_systemd_runs(void);

/*
 * Take the lock, waiting for it. *ret_fd is the fd to pass to
 * vfc_lock_release(), or -1 where no lock was taken: under systemd unless
 * @always, or where the lock file cannot be had (no /run, read-only): a
 * mount never fails for want of the lock (logged at debug level).
 * Returns 0, or -errno only where @always and the lock cannot be had.
 */
int vfc_lock_take(struct vfc_ctx *ctx, bool always, int *ret_fd);
void vfc_lock_release(int fd);

#endif
