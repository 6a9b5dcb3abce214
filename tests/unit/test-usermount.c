// SPDX-License-Identifier: MIT
/*
 * The set-uid helper's decision for a user's mount, made without privileges:
 * from tests/fixtures/fstab/user.fstab, for the user running the tests.
 */
#include <errno.h>
#include <libmount/libmount.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "usermount.h"

static char name[256];

static struct vfc_ctx *new_ctx(void)
{
	struct vfc_ctx *ctx;

	assert_int_equal(vfc_ctx_new(&ctx), 0);
	return ctx;
}

/* user: allowed, with user=NAME and nosuid,nodev,noexec; the line's own target. */
static void test_user_line(void **state)
{
	struct vfc_mount_req req = { .spec = "share1", .target = "/tmp/", .options = "rw",
				     .flags = VFC_MOUNT_HELPER };
	struct vfc_usermount um = { 0 };
	struct vfc_ctx *ctx = new_ctx();
	char *msg = NULL, want[512];

	(void)state;
	assert_int_equal(vfc_usermount_prepare(ctx, &req, getuid(), &um, &msg), 0);
	assert_null(msg);
	assert_string_equal(um.target, "/tmp");
	snprintf(want, sizeof(want), "noauto,user=%s,nosuid,nodev,noexec", name);
	assert_string_equal(um.options, want);
	/* The request mounts what the line says, not what the caller asked for. */
	assert_ptr_equal(req.target, um.target);
	assert_ptr_equal(req.options, um.options);
	assert_int_equal(req.flags, VFC_MOUNT_HELPER | VFC_MOUNT_NOMODLOAD);
	vfc_usermount_clear(&um);
	assert_null(um.target);
	vfc_ctx_unref(ctx);
}

static void test_users_line(void **state)
{
	struct vfc_mount_req req = { .spec = "0.0.1a12", .target = "/var/tmp" };
	struct vfc_usermount um = { 0 };
	struct vfc_ctx *ctx = new_ctx();
	char *msg = NULL;

	(void)state;
	assert_int_equal(vfc_usermount_prepare(ctx, &req, getuid(), &um, &msg), 0);
	assert_string_equal(um.target, "/var/tmp");
	assert_string_equal(um.options, "noauto,users,nosuid,nodev,noexec,exec,ro");
	vfc_usermount_clear(&um);
	vfc_ctx_unref(ctx);
}

/* No line allows it: refused as mount(8) refuses it, nothing changed. */
static void test_no_line(void **state)
{
	static const char *const specs[][2] = {
		{ "share0", "/srv/rootonly" }, /* no user option */
		{ "fe.0.1a12", "/var/tmp" },   /* another text for the same device */
		{ "share1", "/var/tmp" },      /* another directory */
		{ "share0", "/srv/named" },    /* user=someone is no user line */
	};
	struct vfc_usermount um = { 0 };
	struct vfc_ctx *ctx = new_ctx();
	char want[512];

	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct vfc_mount_req req = { .spec = specs[i][0], .target = specs[i][1],
					     .options = "ro" };
		char *msg = NULL;
		int r;

		r = vfc_usermount_prepare(ctx, &req, getuid(), &um, &msg);
		assert_int_equal(r, -EPERM);
		assert_int_equal(vfc_usermount_excode(r), MNT_EX_USAGE);
		snprintf(want, sizeof(want),
			 "%s: must be superuser to mount '%s' there: no fstab line for it allows "
			 "users (option user or users)",
			 specs[i][1], specs[i][0]);
		assert_string_equal(msg, want);
		free(msg);
		assert_string_equal(req.target, specs[i][1]);
		assert_string_equal(req.options, "ro");
		assert_int_equal(req.flags, 0);
		assert_null(um.target);
		assert_null(um.options);
	}
	vfc_ctx_unref(ctx);
}

/* -N: another mount namespace is root's alone, whatever fstab allows. */
static void test_namespace_refused(void **state)
{
	struct vfc_mount_req req = { .spec = "share1", .target = "/tmp",
				     .namespace = "/proc/1/ns/mnt" };
	struct vfc_usermount um = { 0 };
	struct vfc_ctx *ctx = new_ctx();
	char *msg = NULL;
	int r;

	(void)state;
	r = vfc_usermount_prepare(ctx, &req, getuid(), &um, &msg);
	assert_int_equal(r, -EPERM);
	assert_int_equal(vfc_usermount_excode(r), MNT_EX_USAGE);
	assert_string_equal(msg, "-N: must be superuser to mount in another namespace");
	assert_string_equal(req.target, "/tmp");
	assert_null(um.target);
	free(msg);
	vfc_ctx_unref(ctx);
}

static void test_unknown_user(void **state)
{
	struct vfc_mount_req req = { .spec = "share1", .target = "/tmp" };
	struct vfc_usermount um = { 0 };
	struct vfc_ctx *ctx = new_ctx();
	uid_t uid = 4000000000u;
	char *msg = NULL;
	int r;

	(void)state;
	if (getpwuid(uid))
		skip();
	r = vfc_usermount_prepare(ctx, &req, uid, &um, &msg);
	assert_int_equal(r, -ENOENT);
	assert_int_equal(vfc_usermount_excode(r), MNT_EX_USAGE);
	assert_string_equal(msg, "user 4000000000: not in the user database");
	free(msg);
	/* Anything else is the system's failure (fstab unreadable, no memory). */
	assert_int_equal(vfc_usermount_excode(-EACCES), MNT_EX_SYSERR);
	assert_int_equal(vfc_usermount_excode(-ENOMEM), MNT_EX_SYSERR);
	vfc_ctx_unref(ctx);
}

/* Only root can become root; anyone else is told so, nothing changes. */
static void test_become_root(void **state)
{
	(void)state;
	if (geteuid() == 0) {
		assert_int_equal(vfc_usermount_become_root(), 0);
		assert_int_equal(getuid(), 0);
		assert_int_equal(getgid(), 0);
	} else {
		assert_int_equal(vfc_usermount_become_root(), -EPERM);
	}
}

/* The environment goes, but for a PATH of our own: last, it takes UMOCKDEV_DIR too. */
static void test_restrict_env(void **state)
{
	(void)state;
	assert_int_equal(setenv("LIBMOUNT_FSTAB", "/home/user/fstab", 1), 0);
	assert_int_equal(vfc_usermount_restrict_env(), 0);
	assert_null(getenv("LIBMOUNT_FSTAB"));
	assert_null(getenv("VIRTIOFS_CCW_CONFIG"));
	assert_string_equal(getenv("PATH"), "/usr/sbin:/usr/bin:/sbin:/bin");
}

static int setup(void **state)
{
	struct passwd *pw = getpwuid(getuid());
	char path[4096];

	(void)state;
	assert_non_null(pw);
	snprintf(name, sizeof(name), "%s", pw->pw_name);
	snprintf(path, sizeof(path), "%s/612", getenv("VFC_TEST_TREES"));
	setenv("UMOCKDEV_DIR", path, 1);
	snprintf(path, sizeof(path), "%s/fstab/user.fstab", getenv("VFC_TEST_FIXTURES"));
	setenv("LIBMOUNT_FSTAB", path, 1);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_line),
		cmocka_unit_test(test_users_line),
		cmocka_unit_test(test_no_line),
		cmocka_unit_test(test_namespace_refused),
		cmocka_unit_test(test_unknown_user),
		cmocka_unit_test(test_become_root),
		cmocka_unit_test(test_restrict_env),
	};

	return cmocka_run_group_tests_name("usermount", tests, setup, NULL);
}
