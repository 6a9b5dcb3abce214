// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "cli.h"
#include "config.h"
#include "device.h"
#include "fstab.h"
#include "spec.h"

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", program_invocation_short_name, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("note: ", fmt, ap);
	va_end(ap);
}

void cli_try_help(const char *command)
{
	fprintf(stderr, "Try '%s%s%s --help' for more information.\n", program_invocation_short_name,
		command ? " " : "", command ? command : "");
}

static void log_stderr(void *data, int priority, const char *fmt, va_list ap)
{
	(void)data;
	vmsg(priority >= LOG_DEBUG ? "debug: " : priority == LOG_NOTICE ? "note: " : "", fmt, ap);
}

const char *cli_config;

struct vfc_ctx *cli_ctx_new(int verbosity)
{
	struct vfc_ctx *ctx;
	int r;

	r = vfc_ctx_new(&ctx);
	if (r < 0) {
		cli_error("cannot initialise: %s", strerror(-r));
		return NULL;
	}
	vfc_ctx_set_log_fn(ctx, log_stderr, NULL);
	vfc_ctx_set_log_priority(ctx, verbosity > 1 ? LOG_DEBUG : verbosity ? LOG_INFO : LOG_ERR);
	return ctx;
}

int cli_use_config(struct vfc_ctx *ctx, const char *path)
{
	struct vfc_config *cfg = NULL;
	char *msg = NULL;
	int r;

	/* A policy file with a bad line is not followed at all. */
	r = vfc_config_load(path ? path : cli_config, &cfg, &msg);
	if (r < 0) {
		cli_error("%s", msg ? msg : strerror(-r));
		free(msg);
		return MNT_EX_USAGE;
	}
	vfc_ctx_set_config(ctx, cfg);
	vfc_config_unref(cfg);
	return MNT_EX_SUCCESS;
}

int cli_devices(struct vfc_ctx *ctx, char **specs, int nspecs, struct vfc_device ***ret_devs,
		size_t *ret_n)
{
	struct vfc_device **devs;
	int r, ret = MNT_EX_SUCCESS;
	size_t n = 0;

	if (nspecs == 0) {
		r = vfc_fstab_enumerate_devices(ctx, ret_devs, ret_n);
		if (r < 0) {
			cli_error("cannot list CCW devices: %s", strerror(-r));
			return MNT_EX_SYSERR;
		}
		return MNT_EX_SUCCESS;
	}
	devs = calloc((size_t)nspecs, sizeof(*devs));
	if (!devs)
		return MNT_EX_SYSERR;
	for (int i = 0; i < nspecs; i++) {
		_cleanup_free_ char *msg = NULL;

		r = vfc_spec_lookup(ctx, specs[i], 0, &devs[n], &msg);
		if (r < 0) {
			cli_error("%s", msg ? msg : strerror(-r));
			if (ret != MNT_EX_SYSERR)
				ret = r == -ENOMEM ? MNT_EX_SYSERR : MNT_EX_FAIL;
			continue;
		}
		n++;
	}
	*ret_devs = devs;
	*ret_n = n;
	return ret;
}
