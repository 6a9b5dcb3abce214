/* SPDX-License-Identifier: MIT */
/*
 * The fake sysfs trees of the unit tests (tests/fixtures/trees, built by
 * mktree into $VFC_TEST_TREES): point umockdev at one, or at a private copy
 * that a test may change (its own /proc/self/mountinfo, tag files, ...).
 */
#ifndef VFC_TEST_TREES_H
#define VFC_TEST_TREES_H

#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"

/* The private copy, while a test has one. */
static char tmp[256] __attribute__((unused));

/* umockdev reads UMOCKDEV_DIR on every access: this takes effect at once. */
static inline void point_tree(const char *name)
{
	char path[4096];

	assert_non_null(getenv("VFC_TEST_TREES"));
	snprintf(path, sizeof(path), "%s/%s", getenv("VFC_TEST_TREES"), name);
	assert_int_equal(setenv("UMOCKDEV_DIR", path, 1), 0);
}

static inline void point_tree_copy(const char *name)
{
	char cmd[8192];

	snprintf(tmp, sizeof(tmp), "/tmp/vfc-tree-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "cp -a '%s/%s/.' '%s/'", getenv("VFC_TEST_TREES"), name, tmp);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(setenv("UMOCKDEV_DIR", tmp, 1), 0);
}

/* The kernel of the private copy mounted something: @line goes into its mountinfo. */
static inline void append_mountinfo(const char *line)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", tmp);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(line, f);
	assert_int_equal(fclose(f), 0);
}

/* A teardown: the private copy goes. */
static inline int cleanup_copy(void **state)
{
	char cmd[512];

	(void)state;
	if (tmp[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		assert_int_equal(system(cmd), 0);
		tmp[0] = '\0';
	}
	return 0;
}

static inline struct vfc_ctx *ctx_on_tree(const char *name)
{
	struct vfc_ctx *ctx;

	point_tree(name);
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	return ctx;
}

static inline struct vfc_ctx *ctx_on_tree_copy(const char *name)
{
	struct vfc_ctx *ctx;

	point_tree_copy(name);
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	return ctx;
}

#endif
