// SPDX-License-Identifier: MIT
/*
 * The cio_ignore list against fake trees (tests/fixtures/trees, built by
 * mktree) under umockdev, which redirects /proc/cio_ignore into the tree
 * UMOCKDEV_DIR names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cio.h"
#include "config.h"
#include "trees.h"

/* mixed.tree: "0.0.5000-0.0.5fff" and the single ID "0.1.1234". */
static void test_cio_ignore(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("mixed");
	struct vfc_busid in = {0, 0x5000}, in2 = {0, 0x5fff}, out = {0, 0x6000}, ss1 = {1, 0x1234},
			 ss1b = {1, 0x5000};

	(void)state;
	assert_int_equal(vfc_cio_ignore_contains(ctx, &in), 1);
	assert_int_equal(vfc_cio_ignore_contains(ctx, &in2), 1);
	assert_int_equal(vfc_cio_ignore_contains(ctx, &out), 0);
	assert_int_equal(vfc_cio_ignore_contains(ctx, &ss1), 1);
	assert_int_equal(vfc_cio_ignore_contains(ctx, &ss1b), 0);
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("612"); /* no /proc/cio_ignore at all */
	assert_int_equal(vfc_cio_ignore_contains(ctx, &in), -ENOENT);
	vfc_ctx_unref(ctx);
}

/* Both ends of a range belong to it; the IDs either side and other subchannel sets do not. */
static void test_cio_ignore_bounds(void **state)
{
	static const struct {
		struct vfc_busid id;
		int in;
	} cases[] = {
		{{0, 0x4fff}, 0}, {{0, 0x5000}, 1}, {{0, 0x5abc}, 1}, {{0, 0x5fff}, 1},
		{{0, 0x6000}, 0}, {{0, 0x0000}, 0}, {{0, 0xffff}, 0}, {{0, 0x1234}, 0},
		{{1, 0x1233}, 0}, {{1, 0x1234}, 1}, {{1, 0x1235}, 0}, {{2, 0x5000}, 0},
		{{3, 0x1234}, 0},
	};
	struct vfc_ctx *ctx = ctx_on_tree("mixed");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = vfc_cio_ignore_contains(ctx, &cases[i].id);

		if (r != cases[i].in)
			fail_msg("0.%x.%04x: %d, expected %d", cases[i].id.ssid, cases[i].id.devno,
				 r, cases[i].in);
	}
	vfc_ctx_unref(ctx);
}

/* The first bytes of the copy's /proc/cio_ignore: what a write put there. */
static void expect_written(const char *want)
{
	char path[512], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/cio_ignore", tmp);
	f = fopen(path, "re");
	assert_non_null(f);
	assert_non_null(fgets(buf, (int)strlen(want) + 1, f));
	fclose(f);
	assert_string_equal(buf, want);
}

/*
 * Freeing writes the kernel's "free 0.n.dddd" (the file of the copy stands
 * for the kernel's), only for a bus-ID the list hides, and never with
 * cio-free = no; a system without cio_ignore has nothing to free.
 */
static void test_cio_free(void **state)
{
	struct vfc_busid hidden = {0, 0x5001}, ss1 = {1, 0x1234}, shown = {0, 0x6000};
	struct vfc_config *cfg = NULL;
	struct vfc_ctx *ctx;

	(void)state;
	ctx = ctx_on_tree_copy("mixed");
	assert_int_equal(vfc_cio_ignore_wants_free(ctx, &shown), 0);
	assert_int_equal(vfc_cio_ignore_free(ctx, &shown), 0);
	expect_written("0.0.5000-0.0.5fff");
	assert_int_equal(vfc_config_parse("no.conf", "cio-free = no\n", &cfg, NULL), 0);
	vfc_ctx_set_config(ctx, cfg);
	assert_int_equal(vfc_cio_ignore_wants_free(ctx, &hidden), 0);
	assert_int_equal(vfc_cio_ignore_free(ctx, &hidden), 0);
	expect_written("0.0.5000-0.0.5fff");
	vfc_config_unref(cfg);
	assert_int_equal(vfc_config_parse("yes.conf", "", &cfg, NULL), 0);
	vfc_ctx_set_config(ctx, cfg);
	vfc_config_unref(cfg);
	assert_int_equal(vfc_cio_ignore_wants_free(ctx, &ss1), 1);
	assert_int_equal(vfc_cio_ignore_free(ctx, &ss1), 1);
	expect_written("free 0.1.1234");
	vfc_ctx_unref(ctx);
	cleanup_copy(NULL);

	ctx = ctx_on_tree("612"); /* no /proc/cio_ignore at all */
	assert_int_equal(vfc_cio_ignore_wants_free(ctx, &hidden), 0);
	assert_int_equal(vfc_cio_ignore_free(ctx, &hidden), 0);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cio_ignore),
		cmocka_unit_test(test_cio_ignore_bounds),
		cmocka_unit_test(test_cio_free),
	};

	return cmocka_run_group_tests_name("cio", tests, NULL, NULL);
}
