// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "escape.h"
#include "fstab.h"
#include "plan.h"

static void dirname_is(const char *tag, const char *expected)
{
	char *d = vfc_escape_dirname(tag);

	assert_non_null(d);
	assert_string_equal(d, expected);
	/* One component, never the base or its parent. */
	assert_null(strchr(d, '/'));
	assert_string_not_equal(d, ".");
	assert_string_not_equal(d, "..");
	assert_true(d[0] != '\0' && d[0] != '-');
	free(d);
}

static void test_dirname(void **state)
{
	(void)state;
	dirname_is("share0", "share0");
	dirname_is("data.set_1-a", "data.set_1-a");
	dirname_is(".", "\\x2e");
	dirname_is("..", "\\x2e.");
	dirname_is("../x", "\\x2e.\\x2fx");
	dirname_is("a/b", "a\\x2fb");
	dirname_is("/", "\\x2f");
	dirname_is("-rf", "\\x2drf");
	dirname_is(".hidden", "\\x2ehidden");
	dirname_is("a b", "a\\x20b");
	dirname_is("$(reboot)", "\\x24\\x28reboot\\x29");
	dirname_is("back\\slash", "back\\x5cslash");
	dirname_is("\xff\xfe", "\\xff\\xfe");
	dirname_is("caf\xc3\xa9", "caf\\xc3\\xa9");
	dirname_is("", "\\x00");
	dirname_is("abcdefghijklmnopqrstuvwxyz0123456789",
		   "abcdefghijklmnopqrstuvwxyz0123456789");
}

/* Different tags never share a directory: the escaping is injective. */
static void test_dirname_injective(void **state)
{
	static const char *const tags[] = { "a/b", "a\\x2fb", "a\\b", "a b", "a\\x20b", ".x",
					    "\\x2ex", "x.", "-", "\\x2d" };
	char *d[sizeof(tags) / sizeof(tags[0])];

	(void)state;
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		d[i] = vfc_escape_dirname(tags[i]);
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		for (size_t j = i + 1; j < sizeof(tags) / sizeof(tags[0]); j++)
			if (strcmp(d[i], d[j]) == 0)
				fail_msg("'%s' and '%s' both map to '%s'", tags[i], tags[j], d[i]);
	}
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		free(d[i]);
}

static void target_is(const char *base, const char *tag, const char *expected)
{
	char *t = vfc_escape_subdir(base, tag);

	assert_non_null(t);
	assert_string_equal(t, expected);
	free(t);
}

static void test_target(void **state)
{
	(void)state;
	target_is("/run/virtiofs", "share0", "/run/virtiofs/share0");
	target_is("/run/virtiofs/", "share0", "/run/virtiofs/share0");
	target_is("/run/virtiofs//", "../../etc", "/run/virtiofs/\\x2e.\\x2f..\\x2fetc");
	target_is("/", "x", "/x");
}

static void test_fstab(void **state)
{
	struct vfc_fstab_entry *e;
	struct vfc_ctx *ctx;
	size_t n;

	(void)state;
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_int_equal(vfc_fstab_read(ctx, &e, &n), 0);
	assert_int_equal(n, 6); /* the virtiofs lines only */
	assert_string_equal(e[0].spec, "0.0.1a12");
	assert_string_equal(e[0].target, "/tmp");
	assert_true(e[0].nofail);
	assert_false(e[0].noauto);
	assert_string_equal(e[1].spec, "fe.1.0042");
	assert_string_equal(e[1].options, "ro");
	assert_true(e[4].noauto);
	assert_string_equal(e[5].spec, "data set 7"); /* unescaped by libmount */

	/* Found by the same text, by another bus-ID form, or by the device's tag. */
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "0.0.1a12"), &e[0]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "fe.0.1a12"), &e[0]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "1a12"), &e[0]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "0.1.0042"), &e[1]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "share2"), &e[1]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "0.0.0002"), &e[2]);
	assert_null(vfc_fstab_find(ctx, e, n, "0.0.0003"));
	assert_null(vfc_fstab_find(ctx, e, n, "nosuch"));
	vfc_fstab_entries_free(e, n);

	/* No fstab at all is an empty one. */
	setenv("LIBMOUNT_FSTAB", "/nonexistent/fstab", 1);
	assert_int_equal(vfc_fstab_read(ctx, &e, &n), 0);
	assert_int_equal(n, 0);
	vfc_fstab_entries_free(e, n);
	vfc_ctx_unref(ctx);
}

/* Users mount what an fstab line with user or users allows, as mount(8) would. */
static void test_user_mount(void **state)
{
	char path[4096], *target = NULL, *opts = NULL;
	struct vfc_ctx *ctx;

	(void)state;
	snprintf(path, sizeof(path), "%s/fstab/user.fstab", getenv("VFC_TEST_FIXTURES"));
	setenv("LIBMOUNT_FSTAB", path, 1);
	assert_int_equal(vfc_ctx_new(&ctx), 0);

	/* user: user=NAME, and nosuid,nodev,noexec right after it */
	assert_int_equal(vfc_fstab_user_mount(ctx, "share1", "/tmp/", "tester", &target, &opts), 0);
	assert_string_equal(target, "/tmp");
	assert_string_equal(opts, "noauto,user=tester,nosuid,nodev,noexec");
	free(target);
	free(opts);
	/* users; later options undo what it implies */
	assert_int_equal(vfc_fstab_user_mount(ctx, "0.0.1a12", "/var/tmp", "tester", &target, &opts),
			 0);
	assert_string_equal(opts, "noauto,users,nosuid,nodev,noexec,exec,ro");
	free(target);
	free(opts);
	/* ... earlier ones do not */
	assert_int_equal(vfc_fstab_user_mount(ctx, "share2", "/srv/exec", "tester", &target, &opts),
			 0);
	assert_string_equal(opts, "exec,user=tester,nosuid,nodev,noexec");
	free(target);
	free(opts);

	/* Not allowed: no user option, another source text, another directory, user=X. */
	target = opts = NULL;
	assert_int_equal(vfc_fstab_user_mount(ctx, "share0", "/srv/rootonly", "tester", &target,
					     &opts),
			 -EPERM);
	assert_int_equal(vfc_fstab_user_mount(ctx, "fe.0.1a12", "/var/tmp", "tester", &target, &opts),
			 -EPERM);
	assert_int_equal(vfc_fstab_user_mount(ctx, "share1", "/var/tmp", "tester", &target, &opts),
			 -EPERM);
	assert_int_equal(vfc_fstab_user_mount(ctx, "share0", "/srv/named", "tester", &target, &opts),
			 -EPERM);
	assert_null(target);
	assert_null(opts);
	vfc_ctx_unref(ctx);
}

static int setup(void **state)
{
	char path[4096];

	(void)state;
	/* The 6.12 tree gives the devices; the fixture fstab names them. */
	snprintf(path, sizeof(path), "%s/612", getenv("VFC_TEST_TREES"));
	setenv("UMOCKDEV_DIR", path, 1);
	snprintf(path, sizeof(path), "%s/fstab/virtiofs.fstab", getenv("VFC_TEST_FIXTURES"));
	setenv("LIBMOUNT_FSTAB", path, 1);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirname),
		cmocka_unit_test(test_dirname_injective),
		cmocka_unit_test(test_target),
		cmocka_unit_test_setup(test_fstab, setup),
		cmocka_unit_test_setup(test_user_mount, setup),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
