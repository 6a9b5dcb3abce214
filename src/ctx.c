// SPDX-License-Identifier: MIT
#include <errno.h>
#include <libmount/libmount.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "ctx.h"

struct vfc_ctx {
	int refcount;
	struct libmnt_table *mountinfo;
	struct vfc_config *config;
	char *mountinfo_path; /* NULL: VFC_MOUNTINFO_PATH */
	char *run_dir;	      /* NULL: VFC_RUN_DIR */
	vfc_log_fn log_fn;
	void *log_data;
	int log_priority;
};

int vfc_ctx_new(struct vfc_ctx **ret)
{
	struct vfc_ctx *ctx;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;

	ctx->refcount = 1;
	ctx->log_priority = LOG_ERR;
	*ret = ctx;
	return 0;
}

struct vfc_ctx *vfc_ctx_ref(struct vfc_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

struct vfc_ctx *vfc_ctx_unref(struct vfc_ctx *ctx)
{
	if (!ctx || --ctx->refcount > 0)
		return NULL;

	mnt_unref_table(ctx->mountinfo);
	vfc_config_unref(ctx->config);
	free(ctx->mountinfo_path);
	free(ctx->run_dir);
	free(ctx);
	return NULL;
}

void vfc_ctx_set_log_fn(struct vfc_ctx *ctx, vfc_log_fn fn, void *data)
{
	ctx->log_fn = fn;
	ctx->log_data = data;
}

void vfc_ctx_set_log_priority(struct vfc_ctx *ctx, int max_priority)
{
	ctx->log_priority = max_priority;
}

void vfc_log(struct vfc_ctx *ctx, int priority, const char *fmt, ...)
{
	va_list ap;

	if (!ctx->log_fn || priority > ctx->log_priority)
		return;
	va_start(ap, fmt);
	ctx->log_fn(ctx->log_data, priority, fmt, ap);
	va_end(ap);
}

void vfc_ctx_set_config(struct vfc_ctx *ctx, struct vfc_config *cfg)
{
	vfc_config_unref(ctx->config);
	ctx->config = vfc_config_ref(cfg);
}

struct vfc_config *vfc_ctx_get_config(struct vfc_ctx *ctx)
{
	return ctx->config;
}

int vfc_ctx_get_mountinfo(struct vfc_ctx *ctx, struct libmnt_table **ret)
{
	const char *path = vfc_ctx_get_mountinfo_path(ctx);
	struct libmnt_table *tb;
	int r;

	if (ctx->mountinfo) {
		*ret = ctx->mountinfo;
		return 0;
	}
	tb = mnt_new_table();
	if (!tb)
		return -ENOMEM;
	/* Only the kernel's view: utab's userspace options are not needed here. */
	r = mnt_table_parse_file(tb, path);
	if (r < 0) {
		vfc_debug(ctx, "cannot parse %s: %d", path, r);
		mnt_unref_table(tb);
		return r;
	}
	ctx->mountinfo = tb;
	*ret = tb;
	return 0;
}

void vfc_ctx_reset_mountinfo(struct vfc_ctx *ctx)
{
	mnt_unref_table(ctx->mountinfo);
	ctx->mountinfo = NULL;
}

int vfc_ctx_set_mountinfo_path(struct vfc_ctx *ctx, const char *path)
{
	char *copy = NULL;

	if (path) {
		copy = strdup(path);
		if (!copy)
			return -ENOMEM;
	}
	free(ctx->mountinfo_path);
	ctx->mountinfo_path = copy;
	vfc_ctx_reset_mountinfo(ctx);
	return 0;
}

const char *vfc_ctx_get_mountinfo_path(struct vfc_ctx *ctx)
{
	return ctx->mountinfo_path ? ctx->mountinfo_path : VFC_MOUNTINFO_PATH;
}

int vfc_ctx_set_run_dir(struct vfc_ctx *ctx, const char *dir)
{
	char *copy = NULL;

	if (dir) {
		copy = strdup(dir);
		if (!copy)
			return -ENOMEM;
	}
	free(ctx->run_dir);
	ctx->run_dir = copy;
	return 0;
}

const char *vfc_ctx_get_run_dir(struct vfc_ctx *ctx)
{
	return ctx->run_dir ? ctx->run_dir : VFC_RUN_DIR;
}
