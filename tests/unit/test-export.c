// SPDX-License-Identifier: MIT
/*
 * The kernel's tag export, /sys/fs/virtiofs, against the fake trees
 * (tests/fixtures/trees, built by mktree) under umockdev. What each tree's
 * export holds (entry -> device link, tag):
 *
 *   612      1 -> 0.0.0002/virtio1 share1, 2 -> 0.0.1a12/virtio2 share0,
 *            3 -> 0.1.0042/virtio3 share2; no entry for the NIC 0.0.0000
 *   61       no /sys/fs/virtiofs at all (Linux 6.1)
 *   odd      9 -> 0.0.0100/virtio3 moved, 3 -> 0.0.0400/virtio7 other,
 *            4 -> 0.0.0200/virtio4 (a 40-byte tag), 5 -> 0.0.0300/virtio5 (empty)
 *   shapes   2 -> 0.0.1a12/virtio2 share0 (no newline), 4 -> 0.1.0042/virtio4
 *            "0.0.1a12"; 0.0.0002/virtio3 bound, not exported yet
 *   mixed    5 -> 0.3.0007/virtio5 (36 bytes), 12 -> 0.3.ffff/virtio12 (not
 *            UTF-8), 8 -> 0.0.3000/virtio8 "0.0.0001", 4 -> 0.1.0100 "../../etc", ...
 *   nodriver no virtiofs device, so no /sys/fs/virtiofs
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "export.h"
#include "trees.h"

/* A private copy of a tree that a test may change. */
/* Replace a file of the copy with @len bytes (NULs and all). */
static void write_copy(const char *rel, const char *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void busid_is(const struct vfc_busid *id, const char *expected)
{
	char buf[VFC_BUSID_STRLEN];

	assert_string_equal(vfc_busid_format(id, buf), expected);
}

static void finds_device(struct vfc_ctx *ctx, const char *busid, const char *virtio,
			 const char *tag, const char *entry)
{
	char *t = NULL, *e = NULL;
	int r = vfc_export_find_device(ctx, busid, virtio, &t, &e);

	if (r != 0)
		fail_msg("%s/%s: %s", busid, virtio, strerror(-r));
	assert_string_equal(t, tag);
	assert_string_equal(e, entry);
	free(t);
	free(e);
}

/* The lookup fails with @err and leaves both outputs as they were. */
static void finds_no_device(struct vfc_ctx *ctx, const char *busid, const char *virtio, int err)
{
	char sentinel_tag[] = "untouched", sentinel_entry[] = "untouched";
	char *t = sentinel_tag, *e = sentinel_entry;

	assert_int_equal(vfc_export_find_device(ctx, busid, virtio, &t, &e), err);
	assert_ptr_equal(t, sentinel_tag);
	assert_ptr_equal(e, sentinel_entry);
}

static void finds_tag(struct vfc_ctx *ctx, const char *tag, const char *busid)
{
	struct vfc_busid id = { 9, 9 };

	assert_int_equal(vfc_export_find_tag(ctx, tag, &id), 0);
	busid_is(&id, busid);
}

static void finds_no_tag(struct vfc_ctx *ctx, const char *tag)
{
	struct vfc_busid id = { 3, 0xdead };

	assert_int_equal(vfc_export_find_tag(ctx, tag, &id), -ENOENT);
	assert_int_equal(id.ssid, 3);
	assert_int_equal(id.devno, 0xdead);
}

static void index_is(struct vfc_ctx *ctx, const char *index, const char *busid)
{
	struct vfc_busid id = { 9, 9 };

	assert_int_equal(vfc_export_get_busid(ctx, index, &id), 0);
	busid_is(&id, busid);
}

static void index_fails(struct vfc_ctx *ctx, const char *index, int err)
{
	struct vfc_busid id = { 3, 0xdead };
	int r = vfc_export_get_busid(ctx, index, &id);

	if (r != err)
		fail_msg("index '%s': %d, expected %d", index, r, err);
	assert_int_equal(id.ssid, 3);
	assert_int_equal(id.devno, 0xdead);
}

static void test_exists(void **state)
{
	static const struct {
		const char *tree;
		bool exists;
	} cases[] = {
		{ "612", true },  { "odd", true }, { "shapes", true },
		{ "mixed", true }, { "61", false }, { "nodriver", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vfc_ctx *ctx = ctx_on_tree(cases[i].tree);

		if (vfc_export_exists(ctx) != cases[i].exists)
			fail_msg("tree %s: exists is not %d", cases[i].tree, cases[i].exists);
		vfc_ctx_unref(ctx);
	}
}

static void test_find_device(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("612");

	(void)state;
	finds_device(ctx, "0.0.1a12", "virtio2", "share0", "/sys/fs/virtiofs/2");
	finds_device(ctx, "0.0.0002", "virtio1", "share1", "/sys/fs/virtiofs/1");
	finds_device(ctx, "0.1.0042", "virtio3", "share2", "/sys/fs/virtiofs/3");
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("mixed");
	/* Exactly VFC_TAG_MAX bytes; bytes that are no UTF-8, returned raw. */
	finds_device(ctx, "0.3.0007", "virtio5", "abcdefghijklmnopqrstuvwxyz0123456789",
		     "/sys/fs/virtiofs/5");
	finds_device(ctx, "0.3.ffff", "virtio12", "\xff\xfe-bytes", "/sys/fs/virtiofs/12");
	finds_device(ctx, "0.0.0001", "virtio7", "data set 7", "/sys/fs/virtiofs/7");
	finds_device(ctx, "0.2.ff00", "virtio9", "a/b $(reboot) `id` \\x", "/sys/fs/virtiofs/9");
	vfc_ctx_unref(ctx);
}

static void test_find_device_missing(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("612");

	(void)state;
	/* The virtio-net device has no entry at all. */
	finds_no_device(ctx, "0.0.0000", "virtio0", -ENOENT);
	/* Entry 1 is there, but its device link names 0.0.0002: not this device's. */
	finds_no_device(ctx, "0.0.1a12", "virtio1", -ENOENT);
	finds_no_device(ctx, "0.0.0002", "virtio2", -ENOENT);
	/* Not a virtio device name. */
	finds_no_device(ctx, "0.0.1a12", "vda", -EINVAL);
	vfc_ctx_unref(ctx);

	/* Bound to virtiofs, but the entry is not there yet (the end of virtiofs' probe). */
	ctx = ctx_on_tree("shapes");
	finds_no_device(ctx, "0.0.0002", "virtio3", -ENOENT);
	vfc_ctx_unref(ctx);

	/* No export at all. */
	ctx = ctx_on_tree("61");
	finds_no_device(ctx, "0.0.1a12", "virtio3", -ENOENT);
	vfc_ctx_unref(ctx);
}

static void test_find_device_bad_tag(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("odd");

	(void)state;
	finds_no_device(ctx, "0.0.0200", "virtio4", -EBADMSG); /* 40 bytes */
	finds_no_device(ctx, "0.0.0300", "virtio5", -EBADMSG); /* empty: only the newline */
	vfc_ctx_unref(ctx);
}

/* The first 6.9 release candidates and some backports write the tag without its newline. */
static void test_find_device_no_newline(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("shapes");

	(void)state;
	finds_device(ctx, "0.0.1a12", "virtio2", "share0", "/sys/fs/virtiofs/2");
	/* A tag that spells a bus-ID is a tag like any other here. */
	finds_device(ctx, "0.1.0042", "virtio4", "0.0.1a12", "/sys/fs/virtiofs/4");
	vfc_ctx_unref(ctx);
}

/*
 * The entry is named by the virtio index, but need not be: virtio3's entry is
 * 9 in odd.tree, and entry 3 belongs to virtio7. The device link decides.
 */
static void test_find_device_moved(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("odd");

	(void)state;
	finds_device(ctx, "0.0.0100", "virtio3", "moved", "/sys/fs/virtiofs/9");
	finds_device(ctx, "0.0.0400", "virtio7", "other", "/sys/fs/virtiofs/3");
	vfc_ctx_unref(ctx);
}

/*
 * An entry of another transport (virtio-fs on PCI: its device link does not
 * end in <bus-ID>/virtioN) is not this device's, and the lookup goes on.
 */
static void test_find_device_other_transport(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree_copy("shapes");
	char path[1024];

	(void)state;
	snprintf(path, sizeof(path), "%s/sys/fs/virtiofs/7", tmp);
	assert_int_equal(mkdir(path, 0755), 0);
	write_copy("sys/fs/virtiofs/7/tag", "pcishare\n", 9);
	snprintf(path, sizeof(path), "%s/sys/fs/virtiofs/7/device", tmp);
	assert_int_equal(symlink("../../../devices/pci0001:00/0001:00:00.0/virtio7", path), 0);
	finds_no_device(ctx, "0.0.0002", "virtio3", -ENOENT);
	finds_device(ctx, "0.0.1a12", "virtio2", "share0", "/sys/fs/virtiofs/2");
	finds_no_tag(ctx, "pcishare");
	vfc_ctx_unref(ctx);
}

/* The tag file's limits, one byte either side, in a copy of odd.tree (entry 4, 0.0.0200). */
static void test_tag_file_limits(void **state)
{
	static const char t36[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char t37[] = "abcdefghijklmnopqrstuvwxyz0123456789A";
	static const struct {
		const char *data;
		size_t len;
		const char *tag; /* NULL: -EBADMSG */
	} cases[] = {
		{ "abcdefghijklmnopqrstuvwxyz0123456789\n", 37, t36 },
		{ t36, 36, t36 },
		{ "abcdefghijklmnopqrstuvwxyz0123456789A\n", 38, NULL },
		{ t37, 37, NULL },
		{ "abcdefghijklmnopqrstuvwxyz0123456789AB\n", 39, NULL },
		{ "x\n", 2, "x" },
		{ "x", 1, "x" },
		{ "", 0, NULL },
		{ "\n", 1, NULL },
		{ "\n\n", 2, NULL },
		{ "share0\n\n", 8, NULL },
		{ "share0\nforged\n", 14, NULL },
		{ "sha\0re0\n", 8, NULL }, /* an inner NUL */
		{ "share0\0\n", 8, NULL },
		{ "a b\t\\\n", 6, "a b\t\\" },
	};
	struct vfc_ctx *ctx = ctx_on_tree_copy("odd");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_copy("sys/fs/virtiofs/4/tag", cases[i].data, cases[i].len);
		if (cases[i].tag) {
			finds_device(ctx, "0.0.0200", "virtio4", cases[i].tag,
				     "/sys/fs/virtiofs/4");
			finds_tag(ctx, cases[i].tag, "0.0.0200");
		} else {
			finds_no_device(ctx, "0.0.0200", "virtio4", -EBADMSG);
		}
	}
	vfc_ctx_unref(ctx);
}

static void test_find_tag(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("612");

	(void)state;
	finds_tag(ctx, "share0", "0.0.1a12");
	finds_tag(ctx, "share1", "0.0.0002");
	finds_tag(ctx, "share2", "0.1.0042");
	/* Exactly the tag: no prefix, no newline, no other case. */
	finds_no_tag(ctx, "share");
	finds_no_tag(ctx, "share0\n");
	finds_no_tag(ctx, "SHARE0");
	finds_no_tag(ctx, "");
	finds_no_tag(ctx, "nope");
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("mixed");
	finds_tag(ctx, "data set 7", "0.0.0001");
	finds_tag(ctx, "../../etc", "0.1.0100");
	finds_tag(ctx, "\xff\xfe-bytes", "0.3.ffff");
	finds_tag(ctx, "0.0.0001", "0.0.3000"); /* the tag, not the bus-ID it spells */
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("odd");
	finds_tag(ctx, "moved", "0.0.0100");
	finds_tag(ctx, "other", "0.0.0400");
	/* A tag file that holds no tag matches nothing, not even its own bytes. */
	finds_no_tag(ctx, "0123456789012345678901234567890123456789");
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("shapes");
	finds_tag(ctx, "share0", "0.0.1a12"); /* no newline in the file */
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("61");
	finds_no_tag(ctx, "share0");
	vfc_ctx_unref(ctx);
}

static void test_get_busid(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("612");

	(void)state;
	index_is(ctx, "1", "0.0.0002");
	index_is(ctx, "2", "0.0.1a12");
	index_is(ctx, "3", "0.1.0042");
	index_fails(ctx, "0", -ENODEV); /* the NIC: no entry */
	index_fails(ctx, "9", -ENODEV);
	index_fails(ctx, "02", -ENODEV); /* entries are named "2", never "02" */
	index_fails(ctx, "x", -EINVAL);
	index_fails(ctx, "2a", -EINVAL);
	index_fails(ctx, "-1", -EINVAL);
	index_fails(ctx, "+2", -EINVAL);
	index_fails(ctx, " 2", -EINVAL);
	index_fails(ctx, "../2", -EINVAL);
	index_fails(ctx, "virtio2", -EINVAL);
	vfc_ctx_unref(ctx);

	/* The entry's device link decides, not its name; a bad tag does not matter here. */
	ctx = ctx_on_tree("odd");
	index_is(ctx, "9", "0.0.0100");
	index_is(ctx, "3", "0.0.0400");
	index_is(ctx, "4", "0.0.0200");
	index_fails(ctx, "7", -ENODEV);
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("mixed");
	index_is(ctx, "12", "0.3.ffff");
	index_is(ctx, "8", "0.0.3000");
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("61");
	index_fails(ctx, "2", -ENODEV);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exists),
		cmocka_unit_test(test_find_device),
		cmocka_unit_test(test_find_device_missing),
		cmocka_unit_test(test_find_device_bad_tag),
		cmocka_unit_test(test_find_device_no_newline),
		cmocka_unit_test(test_find_device_moved),
		cmocka_unit_test_teardown(test_tag_file_limits, cleanup_copy),
		cmocka_unit_test_teardown(test_find_device_other_transport, cleanup_copy),
		cmocka_unit_test(test_find_tag),
		cmocka_unit_test(test_get_busid),
	};

	return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
