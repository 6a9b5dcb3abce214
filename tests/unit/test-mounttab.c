// SPDX-License-Identifier: MIT
/*
 * Mount table queries against the mountinfo of the fake trees: umockdev
 * redirects /proc/self/mountinfo into the tree UMOCKDEV_DIR names, as it
 * does /sys. Tests that need more mounts than a tree has append lines (in
 * the kernel's format) to a private copy of it.
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

#include "macro.h"
#include "mounttab.h"
#include "trees.h"

static struct vfc_ctx *new_ctx(void)
{
	struct vfc_ctx *ctx;

	assert_int_equal(vfc_ctx_new(&ctx), 0);
	return ctx;
}


/* vfc_mounttab_get_targets() gives exactly @expected (NULL-terminated), in that order. */
static void targets_are(struct vfc_ctx *ctx, const char *tag, bool newest_first,
			const char *const *expected)
{
	char **v = NULL;
	size_t n = 0;
	int r;

	while (expected[n])
		n++;
	r = vfc_mounttab_get_targets(ctx, tag, newest_first, &v);
	assert_int_equal(r, (int)n);
	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i], expected[i]);
	assert_null(v[n]);
	strv_free(v);
}

static void top_is(struct vfc_ctx *ctx, const char *target, const char *fstype, const char *source,
		   int mount_id)
{
	const char *t = NULL, *s = NULL;
	int id = -1;

	assert_int_equal(vfc_mounttab_find_target(ctx, target, &t, &s, &id), 0);
	assert_string_equal(t, fstype);
	assert_string_equal(s, source);
	assert_int_equal(id, mount_id);
}

/* The trees' own mountinfo (mktree writes the kernel's octal escapes). */
static void test_targets(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("mixed");

	(void)state;
	targets_are(ctx, "data set 7", false,
		    (const char *const[]){ "/srv/data set", "/mnt/second", NULL });
	targets_are(ctx, "data set 7", true,
		    (const char *const[]){ "/mnt/second", "/srv/data set", NULL });
	targets_are(ctx, "../../etc", false, (const char *const[]){ "/run/virtiofs/x", NULL });
	/* Exactly the tag: not a prefix, not an unescaped spelling of it. */
	targets_are(ctx, "data set", false, (const char *const[]){ NULL });
	targets_are(ctx, "data\\040set\\0407", false, (const char *const[]){ NULL });
	targets_are(ctx, "nope", true, (const char *const[]){ NULL });
	vfc_ctx_unref(ctx);

	/* A newline and a backslash in a mountpoint stay in one target. */
	ctx = ctx_on_tree("shapes");
	targets_are(ctx, "share0", false,
		    (const char *const[]){ "/mnt/a\n0.0.9999   fe.0.9999  forged",
					   "/mnt/back\\slash", NULL });
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("612");
	targets_are(ctx, "share0", false, (const char *const[]){ "/mnt/share0", NULL });
	targets_are(ctx, "share1", false, (const char *const[]){ NULL });
	assert_true(vfc_mounttab_is_mounted_on(ctx, "share0", "/mnt/share0"));
	assert_false(vfc_mounttab_is_mounted_on(ctx, "share1", "/mnt/share0"));
	top_is(ctx, "/mnt/share0", "virtiofs", "share0", 31);
	vfc_ctx_unref(ctx);
}

/*
 * In a copy of the 612 tree (share0 on /mnt/share0, mount 31): share1 stacked
 * on share0's mountpoint, share2 on two targets, a tmpfs named "share2" (any
 * source text is allowed) and a tmpfs stacked on one of share2's targets.
 */
static void test_stacked(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree_copy("612");
	const char *fstype = "untouched", *source = "untouched";
	int id = -7;

	(void)state;
	append_mountinfo("40 31 0:40 / /mnt/share0 rw,relatime shared:12 - virtiofs share1 rw\n"
			 "41 1 0:41 / /srv/a rw,relatime - virtiofs share2 rw\n"
			 "42 1 0:42 / /srv/b rw,nosuid,relatime - virtiofs share2 ro\n"
			 "43 1 0:43 / /srv/c rw,nosuid,nodev - tmpfs share2 rw,size=1024k\n"
			 "44 42 0:44 / /srv/b rw,relatime - tmpfs tmpfs rw,size=512k\n");

	/* Several mounts of one tag, in mount order or newest first; not the tmpfs. */
	targets_are(ctx, "share2", false, (const char *const[]){ "/srv/a", "/srv/b", NULL });
	targets_are(ctx, "share2", true, (const char *const[]){ "/srv/b", "/srv/a", NULL });
	/* A covered mount is still mounted. */
	targets_are(ctx, "share0", false, (const char *const[]){ "/mnt/share0", NULL });
	targets_are(ctx, "share1", false, (const char *const[]){ "/mnt/share0", NULL });
	targets_are(ctx, "tmpfs", false, (const char *const[]){ NULL });

	/* The topmost mount on a target wins. */
	top_is(ctx, "/mnt/share0", "virtiofs", "share1", 40);
	assert_true(vfc_mounttab_is_mounted_on(ctx, "share1", "/mnt/share0"));
	assert_false(vfc_mounttab_is_mounted_on(ctx, "share0", "/mnt/share0"));
	top_is(ctx, "/srv/b", "tmpfs", "tmpfs", 44);
	assert_false(vfc_mounttab_is_mounted_on(ctx, "share2", "/srv/b"));
	top_is(ctx, "/srv/a", "virtiofs", "share2", 41);
	assert_true(vfc_mounttab_is_mounted_on(ctx, "share2", "/srv/a"));
	/* The same source text on another filesystem is not the share. */
	top_is(ctx, "/srv/c", "tmpfs", "share2", 43);
	assert_false(vfc_mounttab_is_mounted_on(ctx, "share2", "/srv/c"));

	/* Not mounted: -ENOENT, and the outputs stay as they were. */
	assert_int_equal(vfc_mounttab_find_target(ctx, "/srv/none", &fstype, &source, &id),
			 -ENOENT);
	assert_string_equal(fstype, "untouched");
	assert_string_equal(source, "untouched");
	assert_int_equal(id, -7);
	assert_false(vfc_mounttab_is_mounted_on(ctx, "share2", "/srv/none"));
	/* A mountpoint's parent or child is not the mountpoint. */
	assert_int_equal(vfc_mounttab_find_target(ctx, "/srv", NULL, NULL, NULL), -ENOENT);
	assert_int_equal(vfc_mounttab_find_target(ctx, "/srv/a/x", NULL, NULL, NULL), -ENOENT);
	/* Outputs not wanted. */
	assert_int_equal(vfc_mounttab_find_target(ctx, "/srv/a", NULL, NULL, NULL), 0);
	vfc_ctx_unref(ctx);
}

/* The table is read once per context; vfc_ctx_reset_mountinfo() reads it anew. */
static void test_reset(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree_copy("612");

	(void)state;
	targets_are(ctx, "share2", false, (const char *const[]){ NULL });
	assert_int_equal(vfc_mounttab_find_target(ctx, "/srv/new", NULL, NULL, NULL), -ENOENT);

	append_mountinfo("50 1 0:50 / /srv/new rw,relatime - virtiofs share2 rw\n");
	/* Still the cached table. */
	targets_are(ctx, "share2", false, (const char *const[]){ NULL });
	assert_false(vfc_mounttab_is_mounted_on(ctx, "share2", "/srv/new"));

	vfc_ctx_reset_mountinfo(ctx);
	targets_are(ctx, "share2", false, (const char *const[]){ "/srv/new", NULL });
	assert_true(vfc_mounttab_is_mounted_on(ctx, "share2", "/srv/new"));
	top_is(ctx, "/srv/new", "virtiofs", "share2", 50);
	/* What was there before is there still. */
	assert_true(vfc_mounttab_is_mounted_on(ctx, "share0", "/mnt/share0"));

	/* A new context reads the file as it is now. */
	vfc_ctx_unref(ctx);
	ctx = new_ctx();
	targets_are(ctx, "share2", true, (const char *const[]){ "/srv/new", NULL });
	vfc_ctx_unref(ctx);
}

/* Which mounts of the helper leave their utab entry to mount(8). */
static void test_spec_recorded(void **state)
{
	(void)state;
	/* A bus-ID, a host ID, a short one: mount(8) records the line's source. */
	assert_true(vfc_mounttab_spec_recorded(true, "0.0.0002", "share1"));
	assert_true(vfc_mounttab_spec_recorded(true, "fe.0.0002", "share1"));
	assert_true(vfc_mounttab_spec_recorded(true, "0002", "share1"));
	/* A tag, even one that spells a bus-ID: the entry's source is the mount's. */
	assert_false(vfc_mounttab_spec_recorded(true, "share1", "share1"));
	assert_false(vfc_mounttab_spec_recorded(true, "0.0.1a12", "0.0.1a12"));
	/* Not the helper (virtiofs-ccw mount, hotplug): nobody records it after us. */
	assert_false(vfc_mounttab_spec_recorded(false, "0.0.0002", "share1"));
	/* Remount and friends: no tag was resolved. */
	assert_false(vfc_mounttab_spec_recorded(true, "0.0.0002", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_spec_recorded),
		cmocka_unit_test_teardown(test_stacked, cleanup_copy),
		cmocka_unit_test_teardown(test_reset, cleanup_copy),
	};

	return cmocka_run_group_tests_name("mounttab", tests, NULL, NULL);
}
