/* SPDX-License-Identifier: MIT */
/*
 * The library context: one per program run, passed to every core call.
 * It owns the cached mount table and the policy, and carries the
 * log function through which the core reports (the core never prints).
 */
#ifndef VFC_CTX_H
#define VFC_CTX_H

#include <stdarg.h>

struct vfc_ctx;
struct vfc_config;
struct libmnt_table;

typedef void (*vfc_log_fn)(void *data, int priority, const char *fmt, va_list args);

int vfc_ctx_new(struct vfc_ctx **ret);
struct vfc_ctx *vfc_ctx_ref(struct vfc_ctx *ctx);
struct vfc_ctx *vfc_ctx_unref(struct vfc_ctx *ctx);

/* @priority is a syslog level; messages above @max_priority are dropped. */
void vfc_ctx_set_log_fn(struct vfc_ctx *ctx, vfc_log_fn fn, void *data);
void vfc_ctx_set_log_priority(struct vfc_ctx *ctx, int max_priority);

/* The policy (config.h) the core follows, e.g. for configured tags; NULL: none. */
void vfc_ctx_set_config(struct vfc_ctx *ctx, struct vfc_config *cfg);
struct vfc_config *vfc_ctx_get_config(struct vfc_ctx *ctx);

/* The kernel's mount table. */
#define VFC_MOUNTINFO_PATH "/proc/self/mountinfo"

/*
 * The kernel's mount table (vfc_ctx_get_mountinfo_path() through libmount),
 * parsed on first use and owned by @ctx. Returns 0 or -errno; mounttab.h asks it.
 */
int vfc_ctx_get_mountinfo(struct vfc_ctx *ctx, struct libmnt_table **ret);
/* Forget the cached table, e.g. after a mount. */
void vfc_ctx_reset_mountinfo(struct vfc_ctx *ctx);

/*
 * The file read as the mount table and watched for its changes (wait.h):
 * VFC_MOUNTINFO_PATH, or a test's own file (NULL: back to the default).
 * Forgets the cached table. Returns 0 or -ENOMEM.
 */
int vfc_ctx_set_mountinfo_path(struct vfc_ctx *ctx, const char *path);
const char *vfc_ctx_get_mountinfo_path(struct vfc_ctx *ctx);

/* The runtime directory, where systemd leaves systemd/system (sd_booted(3)). */
#define VFC_RUN_DIR "/run"

/*
 * Where lock.h looks whether systemd runs: VFC_RUN_DIR, or a directory a
 * test made (NULL: back to VFC_RUN_DIR). Not where the lock file is.
 * Returns 0 or -ENOMEM.
 */
int vfc_ctx_set_run_dir(struct vfc_ctx *ctx, const char *dir);
const char *vfc_ctx_get_run_dir(struct vfc_ctx *ctx);

void vfc_log(struct vfc_ctx *ctx, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define vfc_err(ctx, ...)   vfc_log(ctx, 3, __VA_ARGS__)
#define vfc_notice(ctx, ...) vfc_log(ctx, 5, __VA_ARGS__)
#define vfc_info(ctx, ...)  vfc_log(ctx, 6, __VA_ARGS__)
#define vfc_debug(ctx, ...) vfc_log(ctx, 7, __VA_ARGS__)

#endif
