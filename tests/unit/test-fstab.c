// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fstab.h"

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

/* The helper's wait from the fstab line mount(8) ran it for (x-* options never reach it). */
static void test_get_wait(void **state)
{
	char path[] = "/tmp/vfc-fstab-XXXXXX", *msg = NULL;
	struct vfc_ctx *ctx;
	int fd, ms = -5;
	FILE *f;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("share0 /tmp virtiofs nofail,x-virtiofs-ccw.wait=7 0 0\n"
	      "share1 /tmp virtiofs defaults 0 0\n"
	      "share2 /tmp virtiofs ro,x-virtiofs-ccw.wait=soon 0 0\n",
	      f);
	assert_int_equal(fclose(f), 0);
	setenv("LIBMOUNT_FSTAB", path, 1);
	assert_int_equal(vfc_ctx_new(&ctx), 0);

	/* The same directory, however the caller spells it. */
	assert_int_equal(vfc_fstab_get_wait(ctx, "share0", "/tmp/", &ms, &msg), 1);
	assert_int_equal(ms, 7000);
	assert_null(msg);

	/* A line without a wait, no line (another text, another directory): no wait. */
	ms = -5;
	assert_int_equal(vfc_fstab_get_wait(ctx, "share1", "/tmp", &ms, &msg), 0);
	assert_int_equal(vfc_fstab_get_wait(ctx, "0.0.1a12", "/tmp", &ms, &msg), 0);
	assert_int_equal(vfc_fstab_get_wait(ctx, "share0", "/var/tmp", &ms, &msg), 0);
	assert_int_equal(ms, -5);
	assert_null(msg);

	/* A bad one: said, naming the mountpoint, and no wait taken from it. */
	assert_int_equal(vfc_fstab_get_wait(ctx, "share2", "/tmp", &ms, &msg), -EINVAL);
	assert_string_equal(msg, "/tmp: the fstab line's invalid x-virtiofs-ccw.wait=soon: "
				 "expected a number of seconds from 0 to 86400");
	assert_int_equal(ms, -5);
	free(msg);
	msg = NULL;

	/* No fstab at all: no wait from it. */
	setenv("LIBMOUNT_FSTAB", "/nonexistent/fstab", 1);
	assert_int_equal(vfc_fstab_get_wait(ctx, "share0", "/tmp", &ms, &msg), 0);
	assert_int_equal(ms, -5);
	unlink(path);
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
		cmocka_unit_test_setup(test_fstab, setup),
		cmocka_unit_test_setup(test_user_mount, setup),
		cmocka_unit_test_setup(test_get_wait, setup),
	};

	return cmocka_run_group_tests_name("fstab", tests, NULL, NULL);
}
