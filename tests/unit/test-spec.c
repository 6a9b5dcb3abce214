// SPDX-License-Identifier: MIT
/*
 * The one resolver of a SPEC, against fake sysfs trees (umockdev): bus-IDs
 * are authoritative, look-alikes are errors, plain tags pass on, every kernel
 * shape reads right, and each state becomes the right message.
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
#include "spec.h"

static void use_tree(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", getenv("VFC_TEST_TREES"), name);
	setenv("UMOCKDEV_DIR", path, 1);
}

static struct vfc_ctx *new_ctx(const char *tree)
{
	struct vfc_ctx *ctx;

	use_tree(tree);
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	return ctx;
}

/* @spec resolves to @tag; @plain: as a plain tag, @can_wait: a device is still coming. */
static void resolves_as(struct vfc_ctx *ctx, const char *spec, const char *tag, bool plain,
			bool can_wait)
{
	struct vfc_spec s;

	if (vfc_spec_resolve(ctx, spec, &s) != 0)
		fail_msg("'%s' did not resolve: %s", spec, s.message ? s.message : "?");
	assert_string_equal(s.tag, tag);
	assert_null(s.message);
	assert_int_equal(s.plain, plain);
	assert_int_equal(s.can_wait, can_wait);
	vfc_spec_clear(&s);
}

static void resolves(struct vfc_ctx *ctx, const char *spec, const char *tag)
{
	resolves_as(ctx, spec, tag, false, false);
}

static void refuses(struct vfc_ctx *ctx, const char *spec, int err, bool can_wait,
		    const char *msg_part)
{
	struct vfc_spec s;

	assert_int_equal(vfc_spec_resolve(ctx, spec, &s), err);
	assert_null(s.tag);
	assert_non_null(s.message);
	if (!strstr(s.message, msg_part))
		fail_msg("'%s': message '%s' lacks '%s'", spec, s.message, msg_part);
	assert_int_equal(s.can_wait, can_wait);
	vfc_spec_clear(&s);
}

static void test_resolve_612(void **state)
{
	struct vfc_ctx *ctx = new_ctx("612");

	(void)state;
	resolves(ctx, "0.0.1a12", "share0");
	resolves(ctx, "fe.0.1a12", "share0");
	resolves(ctx, "1A12", "share0");
	resolves(ctx, "fe.1.0042", "share2");
	resolves(ctx, "0.0.0002", "share1");
	resolves(ctx, "share1", "share1");
	/* Neither a device's tag nor a bus-ID: passed on, and nothing is coming. */
	resolves_as(ctx, "not-here-yet", "not-here-yet", true, false);
	resolves_as(ctx, "my.share.v2", "my.share.v2", true, false);
	refuses(ctx, "0123456789012345678901234567890123456", -EINVAL, false, "not a bus-ID");
	refuses(ctx, "", -EINVAL, false, "empty");
	refuses(ctx, "0.0.0000", -EMEDIUMTYPE, false, "control unit 3832/01");
	vfc_ctx_unref(ctx);
}

/* Text written as a bus-ID is one: a typo is an error, never a tag to wait for. */
static void test_lookalikes(void **state)
{
	struct vfc_ctx *ctx = new_ctx("612");

	(void)state;
	refuses(ctx, "0.4.1a12", -ERANGE, false, "subchannel set must be 0-3");
	refuses(ctx, "0.0.1a12x", -EINVAL, false, "expected 0.n.dddd, fe.n.dddd or dddd");
	refuses(ctx, "00.0.01a12", -EINVAL, false, "expected 0.n.dddd");
	refuses(ctx, "1.0.1a12", -ERANGE, false, "channel subsystem must be 0");
	refuses(ctx, "a.b.c", -ERANGE, false, "not a bus-ID");
	refuses(ctx, "0.0.1a12x", -EINVAL, false, "'0.0.1a12x': not a bus-ID: expected");
	vfc_ctx_unref(ctx);
}

/* Why a plain tag did not mount: the message names the tags there are, escaped. */
static void test_unknown_tag_message(void **state)
{
	struct vfc_ctx *ctx = new_ctx("612");
	char *msg;

	(void)state;
	msg = vfc_spec_strerror(ctx, "nosuch", -ENOENT);
	assert_string_equal(msg, "'nosuch': no virtio-fs device has this tag (the tags: 'share1', "
				 "'share0', 'share2'), and it is not a bus-ID: expected 0.n.dddd, "
				 "fe.n.dddd or dddd, with n 0-3 and dddd 1-4 hex digits");
	free(msg);
	vfc_ctx_unref(ctx);

	ctx = new_ctx("mixed");
	msg = vfc_spec_strerror(ctx, "nosuch", -ENOENT);
	assert_non_null(strstr(msg, "'a/b $(reboot) `id` \\x5cx', "));
	assert_non_null(strstr(msg, "'\\xff\\xfe-bytes'"));
	free(msg);
	vfc_ctx_unref(ctx);
}

/* A tag the host chose never takes over a bus-ID: only its own bus-ID reaches it. */
static void test_busid_authoritative(void **state)
{
	struct vfc_ctx *ctx = new_ctx("mixed");

	(void)state;
	resolves(ctx, "0.0.0001", "data set 7");
	resolves(ctx, "fe.0.0001", "data set 7");
	resolves(ctx, "0.0.3000", "0.0.0001");
	vfc_ctx_unref(ctx);

	ctx = new_ctx("shapes");
	resolves(ctx, "0.0.1a12", "share0");
	resolves(ctx, "0.1.0042", "0.0.1a12");
	/* ... or as a tag, when asked to (mount --tag) */
	{
		struct vfc_spec s;

		assert_int_equal(vfc_spec_resolve_tag(ctx, "0.0.1a12", &s), 0);
		assert_string_equal(s.tag, "0.0.1a12");
		assert_false(s.plain);
		vfc_spec_clear(&s);
		assert_int_equal(vfc_spec_resolve_tag(ctx, "share0", &s), 0);
		assert_string_equal(s.tag, "share0");
		vfc_spec_clear(&s);
		/* no device has it, and 0.0.0002 is still coming */
		assert_int_equal(vfc_spec_resolve_tag(ctx, "0.4.1a12", &s), 0);
		assert_true(s.plain);
		assert_true(s.can_wait);
		vfc_spec_clear(&s);
		assert_int_equal(vfc_spec_resolve_tag(ctx, "", &s), -EINVAL);
		assert_non_null(strstr(s.message, "not a tag"));
		vfc_spec_clear(&s);
	}
	vfc_ctx_unref(ctx);
}

static void test_resolve_states(void **state)
{
	struct vfc_ctx *ctx = new_ctx("mixed");

	(void)state;
	refuses(ctx, "0.0.beef", -ENXIO, true, "set it online with 'chzdev -e 0.0.beef' or "
					      "'chccwdev -e 0.0.beef'");
	refuses(ctx, "fe.0.2000", -EAGAIN, true, "not bound to the virtiofs driver");
	refuses(ctx, "0.0.4711", -EMEDIUMTYPE, false, "not a virtio-fs device");
	refuses(ctx, "0.0.9999", -ENODEV, true, "no CCW device 0.0.9999");
	refuses(ctx, "0.0.5001", -ENODEV, false, "cio_ignore -r 0.0.5001");
	/* 0.0.beef is offline and 0.0.2000 unbound: either may turn out to have it. */
	resolves_as(ctx, "later", "later", true, true);
	vfc_ctx_unref(ctx);

	ctx = new_ctx("61");
	refuses(ctx, "0.0.1a12", -EOPNOTSUPP, false, "mount it by tag");
	resolves_as(ctx, "share0", "share0", true, false);
	/* No device 0.0.cafe, and no export to ask: the kernel judges "cafe". */
	resolves_as(ctx, "cafe", "cafe", true, false);
	vfc_ctx_unref(ctx);

	ctx = new_ctx("odd");
	refuses(ctx, "0.0.0200", -EBADMSG, false, "malformed");
	vfc_ctx_unref(ctx);

	/* No CCW driver is not "offline": the fix is virtio_ccw, not chzdev. */
	ctx = new_ctx("nodriver");
	refuses(ctx, "0.0.1a12", -ENXIO, true, "has no CCW driver");
	vfc_ctx_unref(ctx);
	assert_string_equal(vfc_spec_state_name(VFC_DEVICE_NO_CCW_DRIVER), "no-ccw-driver");
	assert_string_equal(vfc_spec_state_name(VFC_DEVICE_UNEXPORTED), "unexported");
}

/* Tag files without their newline; the probe window before the export entry. */
static void test_kernel_shapes(void **state)
{
	struct vfc_ctx *ctx = new_ctx("shapes");

	(void)state;
	resolves(ctx, "share0", "share0");
	resolves(ctx, "1a12", "share0");
	refuses(ctx, "0.0.0002", -EAGAIN, true, "has not exported its tag yet");
	resolves_as(ctx, "nosuch", "nosuch", true, true);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_612),
		cmocka_unit_test(test_lookalikes),
		cmocka_unit_test(test_unknown_tag_message),
		cmocka_unit_test(test_busid_authoritative),
		cmocka_unit_test(test_resolve_states),
		cmocka_unit_test(test_kernel_shapes),
	};

	return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
