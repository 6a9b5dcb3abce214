/* SPDX-License-Identifier: MIT */
/*
 * Mounting and unmounting virtio-fs shares through libmount's context API
 * (never by exec'ing mount(8), never through a shell). A SPEC is resolved to
 * the tag the kernel mounts; results carry mount(8)'s exit codes (MNT_EX_*)
 * and one line that says what went wrong.
 */
#ifndef VFC_MOUNT_H
#define VFC_MOUNT_H

#include <stdbool.h>

#include "ctx.h"

enum {
	VFC_MOUNT_FAKE = 1 << 0,    /* resolve and report, mount nothing (-f) */
	VFC_MOUNT_NOMTAB = 1 << 1,  /* do not write utab (-n) */
	VFC_MOUNT_SLOPPY = 1 << 2,  /* tolerate unknown options (-s) */
	VFC_MOUNT_HELPER = 1 << 3,  /* called by mount(8) as mount.virtiofs */
	VFC_MOUNT_LAZY = 1 << 4,    /* umount: detach now, clean up when unused */
	VFC_MOUNT_NOMODLOAD = 1 << 5, /* do not load the virtiofs module */
	VFC_MOUNT_IDEMPOTENT = 1 << 6, /* the tag mounted on the target already: done (hotplug) */
	VFC_MOUNT_TAG = 1 << 7,        /* spec is a tag, whatever it looks like (mount --tag) */
	VFC_MOUNT_LOCKED = 1 << 8,     /* the caller holds lock.h's lock */
	VFC_MOUNT_RESOLVED = 1 << 9,   /* spec is the tag a ready device told (hotplug) */
};

struct vfc_mount_req {
	const char *spec;	/* tag or bus-ID (any form) */
	const char *target;	/* mountpoint */
	const char *options;	/* comma-separated mount options, or NULL */
	const char *namespace;	/* mount namespace path (mount -N), or NULL */
	int wait_ms;		/* how long to wait for the device; -1: the options' VFC_OPT_WAIT */
	int default_wait_ms;	/* ... or this, where the options name no wait */
	unsigned int flags;	/* VFC_MOUNT_* */
};

struct vfc_mount_result {
	char *tag;     /* the tag mounted (or that would be), when it was resolved */
	bool already;  /* it was mounted on the target already: nothing was done */
	int excode;    /* MNT_EX_SUCCESS, MNT_EX_USAGE, MNT_EX_SYSERR, MNT_EX_FAIL, ... */
	char *message; /* on failure: one line, no trailing newline */
};

/*
 * Resolve req->spec and mount it on req->target, waiting up to the request's
 * wait for a device still coming. Operations on a mount (remount, bind,
 * move, propagation flags in req->options) pass through as they are.
 * Returns 0 or -errno (the kernel's errno where mount(2) failed); either way
 * @res is filled in and must be released with vfc_mount_result_clear().
 */
int vfc_mount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, struct vfc_mount_result *res);

/*
 * Only the first half of vfc_mount(): the tag @spec names (VFC_MOUNT_TAG in
 * @flags: taken as a tag), waiting up to @wait_ms for a device still coming.
 * 0 and res->tag, or -errno and res->message; release with
 * vfc_mount_result_clear().
 */
int vfc_mount_resolve(struct vfc_ctx *ctx, const char *spec, unsigned int flags, int wait_ms,
		      struct vfc_mount_result *res);

/*
 * Unmount req->target if it is a virtiofs mountpoint, else every virtiofs
 * mount of the tag that req->spec resolves to. res->tag names the tag.
 */
int vfc_umount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, struct vfc_mount_result *res);

void vfc_mount_result_clear(struct vfc_mount_result *res);

/*
 * Record a failure in @res (initialised): @excode and one line made from
 * @fmt, replacing an earlier line. Returns @err, for tail calls.
 */
int vfc_mount_result_fail(struct vfc_mount_result *res, int err, int excode, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The same, with @msg (allocated, or NULL on ENOMEM) as the line: @res takes it. */
int vfc_mount_result_fail_take(struct vfc_mount_result *res, int err, int excode, char *msg);

#endif
