// SPDX-License-Identifier: MIT
/*
 * The hotplug handler's actions in a fake root (fakeroot.h), with
 * libmount's mount and umount calls wrapped (-Wl,--wrap): directories and
 * their marks are real, in a temporary base. Marks are trusted.* attributes,
 * which only root can set: as another user the cases that need one say so.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "automount.h"
#include "basedir.h"
#include "fakeroot.h"
#include "plan.h"

int __wrap_mnt_context_mount(struct libmnt_context *cxt);
int __wrap_mnt_context_umount(struct libmnt_context *cxt);

int __wrap_mnt_context_mount(struct libmnt_context *cxt)
{
	int r = mock_type(int);

	check_expected_ptr(mnt_context_get_target(cxt));
	/* Every auto-mount carries the mark a removal finds it by: bus-ID and instance. */
	assert_non_null(strstr(mnt_context_get_options(cxt), "x-virtiofs-ccw.auto=0.0.0002@4711"));
	mnt_context_set_syscall_status(cxt, r);
	return r;
}

int __wrap_mnt_context_umount(struct libmnt_context *cxt)
{
	check_expected_ptr(mnt_context_get_target(cxt));
	/* A removal detaches lazily: the share's server is gone. */
	assert_true(mnt_context_is_lazy(cxt));
	/* As the kernel would: the topmost mount on the target leaves the table. */
	sh("f='%s/tree/proc/self/mountinfo'; n=$(grep -n ' %s rw,' \"$f\" | tail -1 | cut -d: -f1); "
	   "[ -z \"$n\" ] || sed -i \"${n}d\" \"$f\"",
	   tmp, mnt_context_get_target(cxt));
	mnt_context_set_syscall_status(cxt, 0);
	return 0;
}

static struct vfc_action mount_action(const char *name)
{
	struct vfc_action a = { .kind = VFC_ACTION_MOUNT, .in_base = true };

	a.tag = strdup(name);
	assert_true(asprintf(&a.target, "%s/%s", base, name) > 0);
	a.options = strdup("ro");
	a.id = (struct vfc_busid){ 0, 0x0002 };
	a.instance = 4711;
	return a;
}

static struct vfc_action detach_action(const char *name)
{
	struct vfc_action a = { .kind = VFC_ACTION_DETACH, .in_base = true };

	a.tag = strdup(name);
	assert_true(asprintf(&a.target, "%s/%s", base, name) > 0);
	return a;
}

static void clear_action(struct vfc_action *a)
{
	free(a->tag);
	free(a->target);
	free(a->options);
}

static bool marked(const char *path)
{
	return getxattr(path, VFC_BASEDIR_MARK, NULL, 0) >= 0;
}

static void test_apply_mount(void **state)
{
	struct vfc_action a = mount_action("share1");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	struct stat st;

	(void)state;
	expect_string(__wrap_mnt_context_mount, mnt_context_get_target(cxt), a.target);
	will_return(__wrap_mnt_context_mount, 0);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), 0);
	vfc_mount_result_clear(&res);
	/* The base and the directory exist, as directories, mode 0755 ... */
	assert_int_equal(lstat(a.target, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lstat(base, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* ... and the directory is marked as ours where that can be done (root). */
	assert_int_equal(marked(a.target), geteuid() == 0);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

static void test_apply_mount_fails_cleanly(void **state)
{
	struct vfc_action a = mount_action("share1");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	struct stat st;

	(void)state;
	expect_string(__wrap_mnt_context_mount, mnt_context_get_target(cxt), a.target);
	will_return(__wrap_mnt_context_mount, -EIO);
	assert_true(vfc_automount_apply(ctx, &a, 0, &res) < 0);
	assert_int_equal(res.excode, MNT_EX_FAIL);
	vfc_mount_result_clear(&res);
	/* No stray mountpoint left behind. */
	assert_int_equal(lstat(a.target, &st), -1);
	assert_int_equal(errno, ENOENT);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

static void test_apply_refuses_symlink(void **state)
{
	struct vfc_action a = mount_action("share1");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	char victim[600];

	(void)state;
	/* Someone put a symlink where our directory goes: never mount through it. */
	snprintf(victim, sizeof(victim), "%s/victim", tmp);
	assert_int_equal(mkdir(victim, 0700), 0);
	assert_int_equal(mkdir(base, 0755), 0);
	assert_int_equal(symlink(victim, a.target), 0);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), -ENOTDIR);
	assert_non_null(strstr(res.message, "exists and is not a directory"));
	vfc_mount_result_clear(&res);
	clear_action(&a);

	/* Nor is a symlinked base followed. */
	sh("rm -rf '%s' && ln -s '%s' '%s'", base, victim, base);
	a = mount_action("share2");
	assert_true(vfc_automount_apply(ctx, &a, 0, &res) < 0);
	vfc_mount_result_clear(&res);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

static void test_apply_faults(void **state)
{
	struct vfc_action a = mount_action("share1");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	FILE *f;

	(void)state;
	/* A plain file where our directory goes. */
	assert_int_equal(mkdir(base, 0755), 0);
	f = fopen(a.target, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), -ENOTDIR);
	assert_int_equal(res.excode, MNT_EX_FAIL);
	assert_non_null(strstr(res.message, "exists and is not a directory"));
	vfc_mount_result_clear(&res);
	clear_action(&a);

	/* The base itself is a file: nothing can be made below it. */
	sh("rm -rf '%s' && touch '%s'", base, base);
	a = mount_action("share2");
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), -ENOTDIR);
	assert_non_null(strstr(res.message, "cannot make the mount base"));
	vfc_mount_result_clear(&res);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

static void test_apply_detach(void **state)
{
	struct vfc_action a = detach_action("hot0");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	struct stat st;

	(void)state;
	if (geteuid() != 0) {
		print_message("not root: no trusted.* mark can be set, the removal of a marked "
			      "directory is not shown\n");
		clear_action(&a);
		vfc_ctx_unref(ctx);
		return;
	}
	assert_int_equal(mkdir(base, 0755), 0);
	assert_int_equal(mkdir(a.target, 0755), 0);
	assert_int_equal(setxattr(a.target, VFC_BASEDIR_MARK, "1", 1, 0), 0);
	a.mount_id = mounted("hot0", a.target, "0.0.2000@4711");
	expect_string(__wrap_mnt_context_umount, mnt_context_get_target(cxt), a.target);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), 0);
	vfc_mount_result_clear(&res);
	/* Our directory goes with the mount. */
	assert_int_equal(lstat(a.target, &st), -1);
	assert_int_equal(errno, ENOENT);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

/* A directory we did not make stays; a mount stacked on ours is not taken off. */
static void test_apply_detach_not_ours(void **state)
{
	struct vfc_action a = detach_action("hot0");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	struct stat st;

	(void)state;
	sh("mkdir -p '%s/hot0'", base);
	a.mount_id = mounted("hot0", a.target, "0.0.2000@4711");
	expect_string(__wrap_mnt_context_umount, mnt_context_get_target(cxt), a.target);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), 0);
	vfc_mount_result_clear(&res);
	assert_int_equal(lstat(a.target, &st), 0);

	a.mount_id = mounted("hot0", a.target, "0.0.2000@4711");
	assert_true(mounted("other", a.target, NULL) != a.mount_id);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), -EBUSY);
	assert_int_equal(res.excode, MNT_EX_FAIL);
	assert_non_null(strstr(res.message, "another mount is on top"));
	vfc_mount_result_clear(&res);
	assert_int_equal(lstat(a.target, &st), 0);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

/* A base that others may write to is no base: nothing is made there. */
static void test_unsafe_base(void **state)
{
	struct vfc_action a = mount_action("share1");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	struct stat st;

	(void)state;
	sh("mkdir -p '%s' && chmod 1777 '%s'", base, base);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), -EPERM);
	assert_non_null(strstr(res.message, "not root's or is writable by others"));
	vfc_mount_result_clear(&res);
	assert_int_equal(lstat(a.target, &st), -1);
	/* ... nor one owned by another user (root may hand it away: only as root) */
	if (geteuid() == 0) {
		sh("chmod 0755 '%s' && chown 65534 '%s'", base, base);
		assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), -EPERM);
		vfc_mount_result_clear(&res);
		assert_int_equal(lstat(a.target, &st), -1);
		sh("chown 0 '%s'", base);
	}
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

/* A directory that is there already is mounted on only if it is ours and empty. */
static void test_apply_existing_dirs(void **state)
{
	struct vfc_action a = mount_action("share1");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	struct stat st;

	(void)state;
	/* Not made by us (no mark), even though empty: the administrator's, left alone. */
	sh("mkdir -p '%s/share1'", base);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), -EEXIST);
	assert_int_equal(res.excode, MNT_EX_FAIL);
	assert_non_null(strstr(res.message, "was not made by virtiofs-ccw"));
	vfc_mount_result_clear(&res);
	assert_int_equal(lstat(a.target, &st), 0);
	if (geteuid() != 0) {
		print_message("not root: no trusted.* mark can be set, ours-from-before not shown\n");
		clear_action(&a);
		vfc_ctx_unref(ctx);
		return;
	}

	/* Ours, but something is in it now: never hidden by a mount. */
	assert_int_equal(setxattr(a.target, VFC_BASEDIR_MARK, "1", 1, 0), 0);
	sh("touch '%s/share1/keep'", base);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), -ENOTEMPTY);
	assert_non_null(strstr(res.message, "is not empty"));
	vfc_mount_result_clear(&res);
	sh("test -e '%s/share1/keep'", base);

	/* Ours and empty (left from before, e.g. a mount systemd took off): mounted on. */
	sh("rm '%s/share1/keep'", base);
	expect_string(__wrap_mnt_context_mount, mnt_context_get_target(cxt), a.target);
	will_return(__wrap_mnt_context_mount, 0);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), 0);
	vfc_mount_result_clear(&res);

	/* Something else mounted there: not mounted over, whoever made the directory. */
	mounted("other", a.target, NULL);
	assert_int_equal(vfc_automount_apply(ctx, &a, 0, &res), -EBUSY);
	assert_non_null(strstr(res.message, "something else is mounted there"));
	vfc_mount_result_clear(&res);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

/* Our empty, unmounted directories go; everything else below the base stays. */
static void test_sweep(void **state)
{
	struct vfc_ctx *ctx = new_ctx("automount = all");
	char path[700];

	(void)state;
	assert_int_equal(vfc_automount_sweep(ctx), 0); /* no base yet: nothing */
	sh("mkdir -p '%s/gone' '%s/busy' '%s/full' '%s/admins' && touch '%s/full/x'", base, base,
	   base, base, base);
	if (geteuid() != 0) {
		assert_int_equal(vfc_automount_sweep(ctx), 0);
		print_message("not root: no trusted.* mark can be set, sweeping not shown\n");
		vfc_ctx_unref(ctx);
		return;
	}
	for (const char *const *d = (const char *const[]){ "gone", "busy", "full", NULL }; *d; d++) {
		snprintf(path, sizeof(path), "%s/%s", base, *d);
		assert_int_equal(setxattr(path, VFC_BASEDIR_MARK, "1", 1, 0), 0);
	}
	snprintf(path, sizeof(path), "%s/busy", base);
	mounted("share0", path, NULL);
	assert_int_equal(vfc_automount_sweep(ctx), 1);
	sh("test ! -e '%s/gone' && test -d '%s/busy' && test -d '%s/full' && test -d '%s/admins'",
	   base, base, base, base);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply_mount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_mount_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_refuses_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_detach_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_existing_dirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
	};

	return cmocka_run_group_tests_name("automount", tests, NULL, NULL);
}
