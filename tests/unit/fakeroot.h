/* SPDX-License-Identifier: MIT */
/*
 * A fake root for the tests of hotplug's planning and actions: a copy of
 * the 6.12 tree (umockdev, with its proc/self/mountinfo), a utab
 * (LIBMOUNT_UTAB) and a mount base, all below one temporary directory.
 * Each test binary includes it once.
 */
#ifndef VFC_TEST_FAKEROOT_H
#define VFC_TEST_FAKEROOT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "ctx.h"

static char tmp[256], base[512];
static int next_mount_id = 700;

static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	char p[600];

	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/vfc-fakeroot-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	sh("cp -a '%s/612' '%s/tree'", getenv("VFC_TEST_TREES"), tmp);
	snprintf(base, sizeof(base), "%s/base", tmp);
	sh("printf '' > '%s/utab'", tmp);
	snprintf(p, sizeof(p), "%s/tree", tmp);
	setenv("UMOCKDEV_DIR", p, 1);
	snprintf(p, sizeof(p), "%s/utab", tmp);
	setenv("LIBMOUNT_UTAB", p, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'", tmp);
	return 0;
}

/* A context with policy @conf, the base below the fake root and no wait. */
static struct vfc_ctx *new_ctx(const char *conf)
{
	struct vfc_config *cfg = NULL;
	struct vfc_ctx *ctx;
	char *text = NULL, *msg = NULL;

	assert_true(asprintf(&text, "%s\nmount-base = %s\nwait = 0\n", conf, base) > 0);
	assert_int_equal(vfc_config_parse("test.conf", text, &cfg, &msg), 0);
	free(text);
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	vfc_ctx_set_config(ctx, cfg);
	vfc_config_unref(cfg);
	return ctx;
}

/*
 * The kernel mounted @tag on @target (mountinfo), and with @mark (NULL: none)
 * the auto-mounter's mark is in utab, as libmount writes it. Returns the
 * mount ID.
 */
static int mounted(const char *tag, const char *target, const char *mark)
{
	int id = next_mount_id++;

	sh("printf '%%s\\n' '%d 1 0:99 / %s rw,relatime - virtiofs %s rw' >> "
	   "'%s/tree/proc/self/mountinfo'",
	   id, target, tag, tmp);
	if (mark)
		sh("printf 'SRC=%s TARGET=%s ROOT=/ OPTS=x-virtiofs-ccw.auto=%s\\n' >> '%s/utab'",
		   tag, target, mark, tmp);
	return id;
}

#endif
