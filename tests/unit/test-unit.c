// SPDX-License-Identifier: MIT
/*
 * The systemd unit names of the shares, against the fake trees under umockdev
 * (the 612 tree exports tags, the 61 tree does not) and the fixture fstab.
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

#include "config.h"
#include "device.h"
#include "escape.h"
#include "fstab.h"
#include "unit.h"
#include "trees.h"

#define BY_BUSID VFC_ALIAS_BUSID_DIR "/"
#define BY_TAG	 VFC_ALIAS_TAG_DIR "/"

static void use_policy(struct vfc_ctx *ctx, const char *name)
{
	struct vfc_config *cfg = NULL;
	char path[4096], *msg = NULL;

	snprintf(path, sizeof(path), "%s/conf/%s", getenv("VFC_TEST_FIXTURES"), name);
	if (vfc_config_load(path, &cfg, &msg) != 0)
		fail_msg("%s: %s", path, msg ? msg : "?");
	vfc_ctx_set_config(ctx, cfg);
	vfc_config_unref(cfg);
}

static void use_fstab(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/fstab/%s", getenv("VFC_TEST_FIXTURES"), name);
	assert_int_equal(setenv("LIBMOUNT_FSTAB", path, 1), 0);
}

static struct vfc_device *by_busid(struct vfc_ctx *ctx, unsigned int ssid, unsigned int devno)
{
	struct vfc_busid id = { ssid, devno };
	struct vfc_device *dev = NULL;

	assert_int_equal(vfc_device_new_from_busid(ctx, &id, &dev), 0);
	return dev;
}

static void test_alias_busid(void **state)
{
	static const struct {
		struct vfc_busid id;
		const char *alias;
	} cases[] = {
		{ { 0, 0x1a12 }, BY_BUSID "0.0.1a12" },
		{ { 1, 0x0042 }, BY_BUSID "0.1.0042" },
		{ { 0, 0x0000 }, BY_BUSID "0.0.0000" },
		{ { 3, 0xffff }, BY_BUSID "0.3.ffff" },
	};
	char *p, *unit;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = vfc_unit_alias_busid(&cases[i].id);
		assert_non_null(p);
		assert_string_equal(p, cases[i].alias);
		free(p);
	}
	/* The device unit systemd makes of it, as unit.h names it. */
	p = vfc_unit_alias_busid(&cases[0].id);
	unit = vfc_escape_unit_path(p, ".device");
	assert_non_null(unit);
	assert_string_equal(unit, "sys-subsystem-virtiofs-by\\x2dbusid-0.0.1a12.device");
	free(unit);
	free(p);
}

/* @tag's alias is @component below VFC_ALIAS_TAG_DIR, and one word of SYSTEMD_ALIAS. */
static void tag_alias_is(const char *tag, const char *component)
{
	char *p = vfc_unit_alias_tag(tag);
	const char *c;

	assert_non_null(p);
	assert_int_equal(strncmp(p, BY_TAG, strlen(BY_TAG)), 0);
	c = p + strlen(BY_TAG);
	assert_string_equal(c, component);
	assert_true(*c);
	assert_null(strchr(c, '/'));
	assert_string_not_equal(c, ".");
	assert_string_not_equal(c, "..");
	/* The rule joins aliases with spaces: no blank, no newline in one. */
	assert_int_equal(strcspn(p, " \t\n"), strlen(p));
	free(p);
}

static void test_alias_tag(void **state)
{
	char *p, *unit;

	(void)state;
	tag_alias_is("share0", "share0");
	tag_alias_is("../x", "\\x2e.\\x2fx");
	tag_alias_is("..", "\\x2e.");
	tag_alias_is(".", "\\x2e");
	tag_alias_is("a/b", "a\\x2fb");
	tag_alias_is("/", "\\x2f");
	tag_alias_is("../../etc", "\\x2e.\\x2f..\\x2fetc");
	tag_alias_is("a\nb", "a\\x0ab");
	tag_alias_is("share0\n", "share0\\x0a");
	tag_alias_is("a b", "a\\x20b");
	tag_alias_is("data set 7", "data\\x20set\\x207");
	tag_alias_is("tab\there", "tab\\x09here");
	tag_alias_is("-x", "\\x2dx");
	tag_alias_is("", "\\x00");
	tag_alias_is("\xff\xfe-bytes", "\\xff\\xfe-bytes");

	p = vfc_unit_alias_tag("share0");
	unit = vfc_escape_unit_path(p, ".device");
	assert_non_null(unit);
	assert_string_equal(unit, "sys-subsystem-virtiofs-by\\x2dtag-share0.device");
	free(unit);
	free(p);
}

/* vfc_unit_line_alias() gives @alias (NULL: none) for the fstab source @spec. */
static void line_alias_is(struct vfc_ctx *ctx, const char *spec, const char *alias)
{
	char *p = (char *)"untouched";

	assert_int_equal(vfc_unit_line_alias(ctx, spec, &p), 0);
	if (!alias) {
		if (p)
			fail_msg("'%s': alias '%s', expected none", spec, p);
		return;
	}
	if (!p)
		fail_msg("'%s': no alias, expected '%s'", spec, alias);
	assert_string_equal(p, alias);
	free(p);
}

static void test_line_alias_busid(void **state)
{
	static const char *const trees[] = { "612", "61" };

	(void)state;
	/* Every bus-ID form, told without the device, on kernels with and without tags. */
	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		struct vfc_ctx *ctx = ctx_on_tree(trees[i]);

		line_alias_is(ctx, "0.0.1a12", BY_BUSID "0.0.1a12");
		line_alias_is(ctx, "fe.0.1a12", BY_BUSID "0.0.1a12");
		line_alias_is(ctx, "1a12", BY_BUSID "0.0.1a12");
		line_alias_is(ctx, "0.0.1A12", BY_BUSID "0.0.1a12");
		line_alias_is(ctx, "FE.1.0042", BY_BUSID "0.1.0042");
		line_alias_is(ctx, "fe.1.0042", BY_BUSID "0.1.0042");
		line_alias_is(ctx, "42", BY_BUSID "0.0.0042");
		line_alias_is(ctx, "0.3.ffff", BY_BUSID "0.3.ffff");
		/* No such device here: the alias is what it will be when it comes. */
		line_alias_is(ctx, "0.0.9999", BY_BUSID "0.0.9999");
		vfc_ctx_unref(ctx);
	}
}

static void test_line_alias_tag(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("612");

	(void)state;
	/* The kernel exports tags: any tag may come, mounted or not, present or not. */
	line_alias_is(ctx, "share0", BY_TAG "share0");
	line_alias_is(ctx, "share1", BY_TAG "share1");
	line_alias_is(ctx, "nosuch", BY_TAG "nosuch");
	line_alias_is(ctx, "data set 7", BY_TAG "data\\x20set\\x207");
	line_alias_is(ctx, "../x", BY_TAG "\\x2e.\\x2fx");
	vfc_ctx_unref(ctx);

	/* No export and no policy: no alias can stand for a tag. */
	ctx = ctx_on_tree("61");
	line_alias_is(ctx, "share0", NULL);
	line_alias_is(ctx, "data set 7", NULL);
	/* A policy without tags changes nothing. */
	use_policy(ctx, "default.conf");
	line_alias_is(ctx, "share0", NULL);
	/* One that names the tag: by tag (the udev helper gives the device that alias). */
	use_policy(ctx, "map61.conf");
	line_alias_is(ctx, "share0", BY_TAG "share0");
	line_alias_is(ctx, "share2", BY_TAG "share2");
	line_alias_is(ctx, "share1", NULL); /* not named there */
	line_alias_is(ctx, "1a12", BY_BUSID "0.0.1a12");
	vfc_ctx_unref(ctx);
}

static void wants_are(struct vfc_device *dev, const struct vfc_fstab_entry *e, size_t n,
		      const char *expected)
{
	char *w = NULL;

	assert_int_equal(vfc_unit_device_wants(dev, e, n, &w), 0);
	assert_non_null(w);
	assert_string_equal(w, expected);
	free(w);
}

/* tests/fixtures/fstab/virtiofs.fstab on the 612 and mixed trees. */
static void test_device_wants_fstab(void **state)
{
	struct vfc_fstab_entry *e;
	struct vfc_device *dev;
	struct vfc_ctx *ctx;
	size_t n;

	(void)state;
	use_fstab("virtiofs.fstab");
	ctx = ctx_on_tree("612");
	assert_int_equal(vfc_fstab_read(ctx, &e, &n), 0);
	assert_int_equal(n, 6);

	/* share0: "0.0.1a12 /tmp"; not "share0 /srv/never", which is noauto. */
	dev = by_busid(ctx, 0, 0x1a12);
	wants_are(dev, e, n, "tmp.mount");
	vfc_device_unref(dev);
	/* share2 by its host bus-ID "fe.1.0042", share1 by its tag. */
	dev = by_busid(ctx, 1, 0x0042);
	wants_are(dev, e, n, "tmp.mount");
	vfc_device_unref(dev);
	dev = by_busid(ctx, 0, 0x0002);
	wants_are(dev, e, n, "tmp.mount");
	vfc_device_unref(dev);
	vfc_fstab_entries_free(e, n);
	vfc_ctx_unref(ctx);

	ctx = ctx_on_tree("mixed");
	assert_int_equal(vfc_fstab_read(ctx, &e, &n), 0);
	/* "data\040set\0407 /tmp": the tag with its blanks. */
	dev = by_busid(ctx, 0, 0x0001);
	wants_are(dev, e, n, "tmp.mount");
	vfc_device_unref(dev);
	/* No line names 0.0.3000 (tag "0.0.0001"), nor its tag. */
	dev = by_busid(ctx, 0, 0x3000);
	wants_are(dev, e, n, "");
	vfc_device_unref(dev);
	vfc_fstab_entries_free(e, n);
	vfc_ctx_unref(ctx);
}

/* Every line that names the device, in fstab's order, as systemd names its mount unit. */
static void test_device_wants_lines(void **state)
{
	struct vfc_fstab_entry e[] = {
		{ .spec = (char *)"0.0.1a12", .target = (char *)"/srv/data" },
		{ .spec = (char *)"share1", .target = (char *)"/srv/other" },
		{ .spec = (char *)"fe.0.1a12", .target = (char *)"/mnt/a b" },
		{ .spec = (char *)"share0", .target = (char *)"/srv/never", .noauto = true },
		{ .spec = (char *)"1a12", .target = (char *)"/srv/my-data", .nofail = true },
		{ .spec = (char *)"0.1.1a12", .target = (char *)"/srv/ss1" },
		{ .spec = (char *)"share0", .target = (char *)"relative" },
		{ .spec = (char *)"share0", .target = (char *)"/" },
		{ .spec = (char *)"share00", .target = (char *)"/srv/prefix" },
	};
	struct vfc_device *dev;
	struct vfc_ctx *ctx = ctx_on_tree("612");

	(void)state;
	dev = by_busid(ctx, 0, 0x1a12);
	wants_are(dev, e, sizeof(e) / sizeof(e[0]),
		  "srv-data.mount mnt-a\\x20b.mount srv-my\\x2ddata.mount -.mount");
	wants_are(dev, e, 0, "");
	vfc_device_unref(dev);

	dev = by_busid(ctx, 0, 0x0002);
	wants_are(dev, e, sizeof(e) / sizeof(e[0]), "srv-other.mount");
	vfc_device_unref(dev);
	vfc_ctx_unref(ctx);
}

/* A full bus-ID names its device only, whatever tag another device has (mixed.tree). */
static void test_device_wants_busid_tag(void **state)
{
	struct vfc_fstab_entry e[] = {
		{ .spec = (char *)"0.0.0001", .target = (char *)"/srv/by-busid" },
		{ .spec = (char *)"data set 7", .target = (char *)"/srv/by-tag" },
	};
	struct vfc_device *dev;
	struct vfc_ctx *ctx = ctx_on_tree("mixed");

	(void)state;
	dev = by_busid(ctx, 0, 0x0001); /* tag "data set 7" */
	wants_are(dev, e, 2, "srv-by\\x2dbusid.mount srv-by\\x2dtag.mount");
	vfc_device_unref(dev);
	dev = by_busid(ctx, 0, 0x3000); /* tag "0.0.0001" */
	wants_are(dev, e, 2, "");
	vfc_device_unref(dev);
	vfc_ctx_unref(ctx);
}

/*
 * Only the false case: the true one needs the generator's drop-in in
 * /run/systemd/generator, which is the running system's and not redirected
 * by umockdev, so a test cannot write it there.
 */
static void test_is_bound(void **state)
{
	(void)state;
	assert_false(vfc_unit_is_bound("/nonexistent/virtiofs-ccw-unit-test"));
	assert_false(vfc_unit_is_bound("/nonexistent/virtiofs-ccw unit test"));
	assert_false(vfc_unit_is_bound("relative/path"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_busid),
		cmocka_unit_test(test_alias_tag),
		cmocka_unit_test(test_line_alias_busid),
		cmocka_unit_test(test_line_alias_tag),
		cmocka_unit_test(test_device_wants_fstab),
		cmocka_unit_test(test_device_wants_lines),
		cmocka_unit_test(test_device_wants_busid_tag),
		cmocka_unit_test(test_is_bound),
	};

	return cmocka_run_group_tests_name("unit", tests, NULL, NULL);
}
