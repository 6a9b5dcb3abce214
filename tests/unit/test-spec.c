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

#include "macro.h"
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

	if (vfc_spec_resolve(ctx, spec, 0, &s) != 0)
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

	assert_int_equal(vfc_spec_resolve(ctx, spec, 0, &s), err);
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
	refuses(ctx, "0123456789012345678901234567890123456", -EINVAL, false,
		"too long for a tag (37 bytes, at most 36)");
	refuses(ctx, "", -EINVAL, false, "no SPEC given");
	refuses(ctx, "0.0.0000", -EMEDIUMTYPE, false, "control unit 3832/01");
	vfc_ctx_unref(ctx);
}

/* The grammar alone: what a text names, before any lookup. */
static void test_grammar(void **state)
{
	static const struct {
		const char *text;
		unsigned int flags;
		enum vfc_spec_kind kind;
	} cases[] = {
		{ "0.0.1a12", 0, VFC_SPEC_BUSID },
		{ "0.3.FFFF", 0, VFC_SPEC_BUSID },
		{ "0.0.1a", 0, VFC_SPEC_BUSID },
		{ "fe.1.0042", 0, VFC_SPEC_HOSTID },
		{ "1A12", 0, VFC_SPEC_SHORT },
		{ "cafe", 0, VFC_SPEC_SHORT },
		/* the exact shape of a bus-ID, a field out of range: refused */
		{ "0.4.1a12", 0, VFC_SPEC_MALFORMED },
		{ "1.0.1a12", 0, VFC_SPEC_MALFORMED },
		{ "ff.0.1a12", 0, VFC_SPEC_MALFORMED },
		/* versions, addresses, typos of another shape: tags */
		{ "2024.01.15", 0, VFC_SPEC_TAG },
		{ "10.0.0.1", 0, VFC_SPEC_TAG },
		{ "a.b.c", 0, VFC_SPEC_TAG },
		{ "1.2.3", 0, VFC_SPEC_TAG },
		{ "0.0.1a12x", 0, VFC_SPEC_TAG },
		{ "00.0.01a12", 0, VFC_SPEC_TAG },
		{ "0.0.1a12 ", 0, VFC_SPEC_TAG },
		{ "cafe1", 0, VFC_SPEC_TAG },
		{ "LABEL=x", 0, VFC_SPEC_TAG },
		{ "/srv", 0, VFC_SPEC_TAG },
		{ "-rf", 0, VFC_SPEC_TAG },
		{ "012345678901234567890123456789012345", 0, VFC_SPEC_TAG },
		/* nothing at all */
		{ "", 0, VFC_SPEC_INVALID },
		{ "0123456789012345678901234567890123456", 0, VFC_SPEC_INVALID },
		{ "a\nb", 0, VFC_SPEC_INVALID },
		/* mount --tag */
		{ "0.0.1a12", VFC_SPEC_AS_TAG, VFC_SPEC_TAG },
		{ "0.4.1a12", VFC_SPEC_AS_TAG, VFC_SPEC_TAG },
		{ "", VFC_SPEC_AS_TAG, VFC_SPEC_INVALID },
	};
	struct vfc_busid id;
	const char *reason;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum vfc_spec_kind k = vfc_spec_parse(cases[i].text, cases[i].flags, NULL, NULL);

		if (k != cases[i].kind)
			fail_msg("'%s' (flags %u): kind %d, expected %d", cases[i].text,
				 cases[i].flags, k, cases[i].kind);
	}
	assert_int_equal(vfc_spec_parse("fe.2.beef", 0, &id, NULL), VFC_SPEC_HOSTID);
	assert_int_equal(id.ssid, 2);
	assert_int_equal(id.devno, 0xbeef);
	reason = NULL;
	assert_int_equal(vfc_spec_parse("0.4.1a12", 0, NULL, &reason), VFC_SPEC_MALFORMED);
	assert_string_equal(reason, "subchannel set must be 0-3");
}

/* Text of a bus-ID's exact shape is one or an error; other text is a tag. */
static void test_lookalikes(void **state)
{
	struct vfc_ctx *ctx = new_ctx("612");

	(void)state;
	refuses(ctx, "0.4.1a12", -ERANGE, false, "'0.4.1a12': not a bus-ID: subchannel set must be 0-3");
	refuses(ctx, "1.0.1a12", -ERANGE, false, "channel subsystem must be 0");
	refuses(ctx, "ff.0.1a12", -ERANGE, false, "virtiofs-ccw mount --tag");
	/* A version, an address: tags no device has here, nothing coming. */
	resolves_as(ctx, "2024.01.15", "2024.01.15", true, false);
	resolves_as(ctx, "10.0.0.1", "10.0.0.1", true, false);
	resolves_as(ctx, "a.b.c", "a.b.c", true, false);
	resolves_as(ctx, "0.0.1a12x", "0.0.1a12x", true, false);
	vfc_ctx_unref(ctx);

	/* ... and shares that have them. */
	ctx = new_ctx("short");
	resolves(ctx, "2024.01.15", "2024.01.15");
	resolves(ctx, "10.0.0.1", "10.0.0.1");
	vfc_ctx_unref(ctx);

	/* Where the kernel tells no tags, they go to it as they are, at once. */
	ctx = new_ctx("61");
	{
		struct vfc_spec s;

		assert_int_equal(vfc_spec_resolve(ctx, "2024.01.15", 0, &s), 0);
		assert_true(s.plain);
		assert_true(s.kernel_judges);
		assert_string_equal(s.tag, "2024.01.15");
		vfc_spec_clear(&s);
	}
	vfc_ctx_unref(ctx);
}

/* dddd is the device at 0.0.dddd, whatever tags other devices have. */
static void test_short_form(void **state)
{
	struct vfc_ctx *ctx = new_ctx("short");
	struct vfc_spec s;

	(void)state;
	resolves(ctx, "1a12", "data");
	resolves(ctx, "1A12", "data");
	/* the share tagged "1a12" is its bus-ID's, or a tag's by --tag */
	resolves(ctx, "0.0.0003", "1a12");
	assert_int_equal(vfc_spec_resolve(ctx, "1a12", VFC_SPEC_AS_TAG, &s), 0);
	assert_string_equal(s.tag, "1a12");
	assert_false(s.plain);
	assert_int_equal(s.id.devno, 3);
	vfc_spec_clear(&s);
	/* no device at 0.0.cafe: absent (it may come), not the share tagged "cafe" */
	refuses(ctx, "cafe", -ENODEV, true, "no CCW device 0.0.cafe");
	vfc_ctx_unref(ctx);
}

/* Why a plain tag did not mount: the message names the tags there are, escaped. */
static void test_unknown_tag_message(void **state)
{
	struct vfc_ctx *ctx = new_ctx("612");
	struct vfc_device *dev = NULL;
	char *msg = NULL;

	(void)state;
	assert_int_equal(vfc_spec_lookup(ctx, "nosuch", 0, &dev, &msg), -ENOENT);
	assert_string_equal(msg, "'nosuch': no virtio-fs device has this tag (the tags: 'share1', "
				 "'share0', 'share2')");
	free(msg);
	vfc_ctx_unref(ctx);

	ctx = new_ctx("mixed");
	msg = NULL;
	assert_int_equal(vfc_spec_lookup(ctx, "nosuch", 0, &dev, &msg), -ENOENT);
	assert_non_null(strstr(msg, "'a/b $(reboot) `id` \\x5cx', "));
	assert_non_null(strstr(msg, "'\\xff\\xfe-bytes'"));
	free(msg);
	vfc_ctx_unref(ctx);

	ctx = new_ctx("61");
	msg = NULL;
	assert_int_equal(vfc_spec_lookup(ctx, "nosuch", 0, &dev, &msg), -ENOENT);
	assert_non_null(strstr(msg, "this kernel does not export virtio-fs tags"));
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

		assert_int_equal(vfc_spec_resolve(ctx, "0.0.1a12", VFC_SPEC_AS_TAG, &s), 0);
		assert_string_equal(s.tag, "0.0.1a12");
		assert_false(s.plain);
		vfc_spec_clear(&s);
		assert_int_equal(vfc_spec_resolve(ctx, "share0", VFC_SPEC_AS_TAG, &s), 0);
		assert_string_equal(s.tag, "share0");
		vfc_spec_clear(&s);
		/* no device has it, and 0.0.0002 is still coming */
		assert_int_equal(vfc_spec_resolve(ctx, "0.4.1a12", VFC_SPEC_AS_TAG, &s), 0);
		assert_true(s.plain);
		assert_true(s.can_wait);
		vfc_spec_clear(&s);
		assert_int_equal(vfc_spec_resolve(ctx, "", VFC_SPEC_AS_TAG, &s), -EINVAL);
		assert_non_null(strstr(s.message, "no SPEC given"));
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
	/* dddd is a bus-ID here too: no device 0.0.cafe (yet), whatever the kernel would say. */
	refuses(ctx, "cafe", -ENODEV, true, "no CCW device 0.0.cafe");
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
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_resolve_612),
		cmocka_unit_test(test_short_form),
		cmocka_unit_test(test_lookalikes),
		cmocka_unit_test(test_unknown_tag_message),
		cmocka_unit_test(test_busid_authoritative),
		cmocka_unit_test(test_resolve_states),
		cmocka_unit_test(test_kernel_shapes),
	};

	return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
