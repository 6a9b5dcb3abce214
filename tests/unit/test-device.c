// SPDX-License-Identifier: MIT
/*
 * Devices against fake sysfs trees (tests/fixtures/trees, built by mktree)
 * under umockdev: run as `umockdev-wrapper test-device` with
 * VFC_TEST_TREES naming the directory of built trees. Each test points
 * UMOCKDEV_DIR at its tree, which umockdev reads on every access.
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

#include "device.h"
#include "export.h"
#include "spec.h"
#include "trees.h"

static struct vfc_device *by_spec(struct vfc_ctx *ctx, const char *spec)
{
	struct vfc_device *dev = NULL;
	int r = vfc_spec_lookup(ctx, spec, 0, &dev, NULL);

	if (r != 0)
		fail_msg("spec '%s': %s", spec, strerror(-r));
	return dev;
}

static const char *const *mps(struct vfc_device *dev)
{
	const char *const *mp = NULL;

	assert_int_equal(vfc_device_get_mountpoints(dev, &mp), 0);
	return mp;
}

/* A mount table that cannot be read is an error, never "mounted nowhere". */
static void test_mountpoints_unreadable(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("612");
	const char *const *mp = NULL;
	struct vfc_device *dev = by_spec(ctx, "0.0.1a12");

	(void)state;
	assert_int_equal(vfc_ctx_set_mountinfo_path(ctx, "/nonexistent/mountinfo"), 0);
	assert_true(vfc_device_get_mountpoints(dev, &mp) < 0);
	assert_null(mp);
	vfc_device_unref(dev);
	vfc_ctx_unref(ctx);
}

static void busid_is(struct vfc_device *dev, const char *expected)
{
	char buf[VFC_BUSID_STRLEN];

	assert_string_equal(vfc_busid_format(vfc_device_get_busid(dev), buf), expected);
}

/* The 6.12 capture: three shares, virtio numbering unrelated to bus-ID order. */
static void test_enumerate_612(void **state)
{
	static const char *const ids[] = { "0.0.0002", "0.0.1a12", "0.1.0042" };
	static const char *const tags[] = { "share1", "share0", "share2" };
	static const char *const virtio[] = { "virtio1", "virtio2", "virtio3" };
	struct vfc_ctx *ctx = ctx_on_tree("612");
	struct vfc_device **devs;
	size_t n;

	(void)state;
	assert_int_equal(vfc_device_enumerate(ctx, &devs, &n), 0);
	assert_int_equal(n, 3); /* the virtio-net device at 0.0.0000 is not listed */
	for (size_t i = 0; i < n; i++) {
		busid_is(devs[i], ids[i]);
		assert_int_equal(vfc_device_get_state(devs[i]), VFC_DEVICE_READY);
		assert_string_equal(vfc_device_get_tag(devs[i]), tags[i]);
		assert_string_equal(vfc_device_get_virtio(devs[i]), virtio[i]);
		assert_string_equal(vfc_device_get_driver(devs[i]), "virtio_ccw");
		assert_true(vfc_device_is_online(devs[i]));
	}
	assert_string_equal(mps(devs[1])[0], "/mnt/share0");
	assert_null(mps(devs[1])[1]);
	assert_null(mps(devs[0])[0]);
	assert_true(vfc_export_exists(ctx));
	vfc_device_array_free(devs, n);
	vfc_ctx_unref(ctx);
}

static void test_enumerate_61(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("61");
	struct vfc_device **devs;
	size_t n;

	(void)state;
	assert_int_equal(vfc_device_enumerate(ctx, &devs, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_null(vfc_device_get_tag(devs[i]));
		assert_int_equal(vfc_device_get_state(devs[i]), VFC_DEVICE_NO_EXPORT);
		/* Without a tag the mount table cannot be matched to the device. */
		assert_null(mps(devs[i])[0]);
	}
	assert_string_equal(vfc_device_get_virtio(devs[1]), "virtio3");
	assert_false(vfc_export_exists(ctx));
	/* A tag cannot be looked up, a bus-ID can. */
	assert_int_equal(vfc_device_new_from_tag(ctx, "share0", &devs[0]), -ENOENT);
	vfc_device_array_free(devs, n);
	vfc_device_unref(by_spec(ctx, "fe.0.1a12"));
	vfc_ctx_unref(ctx);
}

static void test_states_mixed(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("mixed");
	struct vfc_device *dev;

	(void)state;
	dev = by_spec(ctx, "0.0.beef");
	assert_false(vfc_device_is_online(dev));
	assert_null(vfc_device_get_virtio(dev));
	assert_int_equal(vfc_device_get_state(dev), VFC_DEVICE_OFFLINE);
	vfc_device_unref(dev);

	dev = by_spec(ctx, "2000");
	assert_true(vfc_device_is_online(dev));
	assert_string_equal(vfc_device_get_virtio(dev), "virtio6");
	assert_int_equal(vfc_device_get_state(dev), VFC_DEVICE_UNBOUND);
	vfc_device_unref(dev);

	dev = by_spec(ctx, "fe.3.ffff");
	assert_string_equal(vfc_device_get_tag(dev), "\xff\xfe-bytes"); /* raw bytes */
	vfc_device_unref(dev);

	dev = by_spec(ctx, "abcdefghijklmnopqrstuvwxyz0123456789"); /* 36 bytes */
	busid_is(dev, "0.3.0007");
	vfc_device_unref(dev);

	dev = by_spec(ctx, "data set 7");
	busid_is(dev, "0.0.0001");
	assert_string_equal(mps(dev)[0], "/srv/data set");
	assert_string_equal(mps(dev)[1], "/mnt/second");
	assert_null(mps(dev)[2]);
	vfc_device_unref(dev);

	dev = by_spec(ctx, "a/b $(reboot) `id` \\x");
	busid_is(dev, "0.2.ff00");
	vfc_device_unref(dev);

	dev = by_spec(ctx, "../../etc");
	busid_is(dev, "0.1.0100");
	assert_string_equal(mps(dev)[0], "/run/virtiofs/x");
	vfc_device_unref(dev);
	vfc_ctx_unref(ctx);
}

/*
 * A full bus-ID names its device, whatever tag another device has (0.0.3000's
 * is "0.0.0001"); that device is reached by its own bus-ID.
 */
static void test_busid_wins(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("mixed");
	struct vfc_device *dev;

	(void)state;
	dev = by_spec(ctx, "0.0.0001");
	busid_is(dev, "0.0.0001");
	vfc_device_unref(dev);
	dev = by_spec(ctx, "0.0.3000");
	busid_is(dev, "0.0.3000");
	vfc_device_unref(dev);
	dev = by_spec(ctx, "fe.0.0001");
	busid_is(dev, "0.0.0001");
	vfc_device_unref(dev);
	dev = by_spec(ctx, "1");
	busid_is(dev, "0.0.0001");
	vfc_device_unref(dev);
	vfc_ctx_unref(ctx);
}

static void test_lookup_errors(void **state)
{
	static const struct {
		const char *spec;
		int err;
		const char *msg_part;
	} cases[] = {
		{ "0.0.4711", -EMEDIUMTYPE, "control unit 3990/e9, expected 3832/1a" },
		{ "0.0.0000", -EMEDIUMTYPE, "is not a virtio-fs device" },
		{ "0.0.9999", -ENODEV, "no CCW device 0.0.9999 (host fe.0.9999)" },
		{ "fe.0.5abc", -ENODEV, "hidden by cio_ignore; make it visible with 'cio_ignore -r 0.0.5abc'" },
		{ "0.1.1234", -ENODEV, "cio_ignore -r 0.1.1234" },
		{ "0.1.1235", -ENODEV, "no CCW device 0.1.1235" },
		{ "0.4.1a12", -ERANGE, "not a bus-ID: subchannel set must be 0-3" },
		{ "0.0.1a12x", -ENOENT, "'0.0.1a12x': no virtio-fs device has this tag" },
		{ "nope", -ENOENT, "no virtio-fs device has this tag" },
		{ "", -EINVAL, "no SPEC given" },
		{ "share\x1b[2J", -ENOENT, "'share\\x1b[2J'" }, /* no raw escapes in messages */
	};
	struct vfc_ctx *ctx = ctx_on_tree("mixed");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vfc_device *dev = NULL;
		char *msg = NULL;

		assert_int_equal(vfc_spec_lookup(ctx, cases[i].spec, 0, &dev, &msg), cases[i].err);
		assert_null(dev);
		assert_non_null(msg);
		if (!strstr(msg, cases[i].msg_part))
			fail_msg("'%s': message '%s' lacks '%s'", cases[i].spec, msg,
				 cases[i].msg_part);
		assert_null(strchr(msg, '\n'));
		free(msg);
	}
	vfc_ctx_unref(ctx);
}

/* Export index differs from the virtio index; entries pointing elsewhere; bad tag files. */
static void test_odd_exports(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("odd");
	struct vfc_device **devs;
	size_t n;

	(void)state;
	assert_int_equal(vfc_device_enumerate(ctx, &devs, &n), 0);
	assert_int_equal(n, 4);
	busid_is(devs[0], "0.0.0100");
	assert_string_equal(vfc_device_get_tag(devs[0]), "moved");
	assert_int_equal(vfc_device_get_state(devs[1]), VFC_DEVICE_BAD_TAG); /* 40 bytes */
	assert_null(vfc_device_get_tag(devs[1]));
	assert_int_equal(vfc_device_get_state(devs[2]), VFC_DEVICE_BAD_TAG); /* empty */
	assert_string_equal(vfc_device_get_tag(devs[3]), "other");
	vfc_device_array_free(devs, n);

	vfc_device_unref(by_spec(ctx, "moved"));
	vfc_ctx_unref(ctx);
}

/* Without virtio_ccw's driver directory the whole bus is scanned instead. */
static void test_enumerate_without_driver(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("nodriver");
	struct vfc_device **devs;
	size_t n;

	(void)state;
	assert_int_equal(vfc_device_enumerate(ctx, &devs, &n), 0);
	assert_int_equal(n, 1);
	busid_is(devs[0], "0.0.1a12");
	assert_null(vfc_device_get_driver(devs[0]));
	assert_int_equal(vfc_device_get_state(devs[0]), VFC_DEVICE_NO_CCW_DRIVER);
	vfc_device_array_free(devs, n);
	vfc_ctx_unref(ctx);
}

static void test_refcount(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("612");
	struct vfc_device *dev = by_spec(ctx, "share0");

	(void)state;
	assert_ptr_equal(vfc_device_ref(dev), dev);
	assert_null(vfc_device_unref(dev));
	/* Still alive after one unref, and after the context is dropped. */
	assert_null(vfc_ctx_unref(ctx));
	assert_string_equal(vfc_device_get_tag(dev), "share0");
	assert_null(vfc_device_unref(dev));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enumerate_612),
		cmocka_unit_test(test_mountpoints_unreadable),
		cmocka_unit_test(test_enumerate_61),
		cmocka_unit_test(test_states_mixed),
		cmocka_unit_test(test_busid_wins),
		cmocka_unit_test(test_lookup_errors),
		cmocka_unit_test(test_odd_exports),
		cmocka_unit_test(test_enumerate_without_driver),
		cmocka_unit_test(test_refcount),
	};

	return cmocka_run_group_tests_name("device", tests, NULL, NULL);
}
