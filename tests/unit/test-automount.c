// SPDX-License-Identifier: MIT
/*
 * The hotplug handler's planning and its actions, in fake trees (umockdev)
 * with a utab fixture (LIBMOUNT_UTAB) and libmount's mount and umount calls
 * wrapped (-Wl,--wrap): directories are real, in a temporary base.
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
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "automount.h"
#include "config.h"
#include "device.h"
#include "plan.h"

int __wrap_mnt_context_mount(struct libmnt_context *cxt);
int __wrap_mnt_context_umount(struct libmnt_context *cxt);

int __wrap_mnt_context_mount(struct libmnt_context *cxt)
{
	int r = mock_type(int);

	check_expected_ptr(mnt_context_get_target(cxt));
	mnt_context_set_syscall_status(cxt, r);
	return r;
}

int __wrap_mnt_context_umount(struct libmnt_context *cxt)
{
	check_expected_ptr(mnt_context_get_target(cxt));
	/* A removal detaches lazily: the share's server is gone. */
	assert_true(mnt_context_is_lazy(cxt));
	mnt_context_set_syscall_status(cxt, 0);
	return 0;
}

static char tmp[256], base[512];

static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

/* A copy of the 6.12 tree, a utab and a mount base, all below one temporary directory. */
static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/vfc-automount-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	sh("cp -a '%s/612' '%s/tree'", getenv("VFC_TEST_TREES"), tmp);
	snprintf(base, sizeof(base), "%s/base", tmp);
	sh("printf '' > '%s/utab'", tmp);
	{
		char p[600];

		snprintf(p, sizeof(p), "%s/tree", tmp);
		setenv("UMOCKDEV_DIR", p, 1);
		snprintf(p, sizeof(p), "%s/utab", tmp);
		setenv("LIBMOUNT_UTAB", p, 1);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'", tmp);
	return 0;
}

static struct vfc_ctx *new_ctx(const char *conf)
{
	struct vfc_config *cfg = NULL;
	struct vfc_ctx *ctx;
	char *text = NULL, *msg = NULL;

	assert_true(asprintf(&text, "%s\nmount-base = %s\nwait = 0\n", conf, base) > 0);
	assert_int_equal(vfc_config_parse("test.conf", text, &cfg, &msg), 0);
	free(text);
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	vfc_ctx_set_config(ctx, cfg);
	vfc_config_unref(cfg);
	return ctx;
}

static void mounted(const char *tag, const char *target, const char *auto_busid)
{
	sh("printf '%%s\\n' '7%d 1 0:99 / %s rw,relatime - virtiofs %s rw' >> '%s/tree/proc/self/mountinfo'",
	   rand() % 100, target, tag, tmp);
	if (auto_busid)
		sh("printf 'SRC=%s TARGET=%s ROOT=/ OPTS=x-virtiofs-ccw.auto=%s\\n' >> '%s/utab'", tag,
		   target, auto_busid, tmp);
}

static void test_remove_plan(void **state)
{
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	char target[600];
	size_t n;

	(void)state;
	snprintf(target, sizeof(target), "%s/hot0", base);
	/* Ours, device still there with that tag: stays. */
	mounted("share1", "/srv/share1", "0.0.0002");
	/* Ours, device gone: detach, and the directory is ours. */
	mounted("hot0", target, "0.0.2000");
	/* Ours, but the device at that ID now has another tag: detach. */
	mounted("oldtag", "/srv/old", "0.1.0042");
	/* Not ours (no mark): stays, even though no device has that tag. */
	mounted("hot0", "/srv/manual", NULL);

	ctx = new_ctx("automount = all");
	assert_int_equal(vfc_plan_remove(ctx, &a, &n), 0);
	assert_int_equal(n, 2);
	/* Newest mount first. */
	assert_string_equal(a[0].target, "/srv/old");
	assert_false(a[0].in_base);
	assert_string_equal(a[1].tag, "hot0");
	assert_string_equal(a[1].target, target);
	assert_true(a[1].in_base);
	assert_int_equal(a[1].kind, VFC_ACTION_DETACH);
	vfc_actions_free(a, n);
	vfc_ctx_unref(ctx);
}

static void test_add_plan(void **state)
{
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	char target[600];
	size_t n;

	(void)state;
	setenv("LIBMOUNT_FSTAB", "/nonexistent", 1);
	ctx = new_ctx("automount = all\noptions = ro");
	assert_int_equal(vfc_plan_add(ctx, NULL, 0, &a, &n), 0);
	assert_int_equal(n, 3);
	snprintf(target, sizeof(target), "%s/share1", base);
	assert_string_equal(a[0].target, target);
	assert_string_equal(a[0].options, "ro,x-virtiofs-ccw.auto=0.0.0002");
	assert_true(a[0].in_base);
	vfc_actions_free(a, n);
	vfc_ctx_unref(ctx);

	/* automount = fstab, and fstab names nothing: nothing to do. */
	ctx = new_ctx("automount = fstab");
	assert_int_equal(vfc_plan_add(ctx, NULL, 0, &a, &n), 0);
	assert_int_equal(n, 0);
	vfc_actions_free(a, n);
	vfc_ctx_unref(ctx);

	/* Already mounted where the plan puts it: nothing to do for that one. */
	snprintf(target, sizeof(target), "%s/share2", base);
	mounted("share2", target, NULL);
	ctx = new_ctx("automount = all");
	assert_int_equal(vfc_plan_add(ctx, NULL, 0, &a, &n), 0);
	assert_int_equal(n, 2);
	vfc_actions_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

static struct vfc_action mount_action(const char *name)
{
	struct vfc_action a = { .kind = VFC_ACTION_MOUNT, .in_base = true };

	a.tag = strdup(name);
	assert_true(asprintf(&a.target, "%s/%s", base, name) > 0);
	a.options = strdup("ro,x-virtiofs-ccw.auto=0.0.0002");
	return a;
}

static void clear_action(struct vfc_action *a)
{
	free(a->tag);
	free(a->target);
	free(a->options);
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
	assert_int_equal(vfc_automount_apply(ctx, &a, &res), 0);
	vfc_mount_result_clear(&res);
	/* The base and the directory exist, as directories, mode 0755. */
	assert_int_equal(lstat(a.target, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lstat(base, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
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
	assert_true(vfc_automount_apply(ctx, &a, &res) < 0);
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
	assert_int_equal(vfc_automount_apply(ctx, &a, &res), -ENOTDIR);
	assert_non_null(strstr(res.message, "exists and is not a directory"));
	vfc_mount_result_clear(&res);
	clear_action(&a);

	/* Nor is a symlinked base followed. */
	sh("rm -rf '%s' && ln -s '%s' '%s'", base, victim, base);
	a = mount_action("share2");
	assert_true(vfc_automount_apply(ctx, &a, &res) < 0);
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
	assert_int_equal(vfc_automount_apply(ctx, &a, &res), -ENOTDIR);
	assert_int_equal(res.excode, MNT_EX_FAIL);
	assert_non_null(strstr(res.message, "exists and is not a directory"));
	vfc_mount_result_clear(&res);
	clear_action(&a);

	/* The base itself is a file: nothing can be made below it. */
	sh("rm -rf '%s' && touch '%s'", base, base);
	a = mount_action("share2");
	assert_int_equal(vfc_automount_apply(ctx, &a, &res), -ENOTDIR);
	assert_non_null(strstr(res.message, "cannot make the mount base"));
	vfc_mount_result_clear(&res);
	assert_true(vfc_automount_lock(ctx) < 0);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

static void test_apply_detach(void **state)
{
	struct vfc_action a = { .kind = VFC_ACTION_DETACH, .in_base = true };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	struct stat st;

	(void)state;
	a.tag = strdup("hot0");
	assert_true(asprintf(&a.target, "%s/hot0", base) > 0);
	assert_int_equal(mkdir(base, 0755), 0);
	assert_int_equal(mkdir(a.target, 0755), 0);
	mounted("hot0", a.target, "0.0.2000");
	expect_string(__wrap_mnt_context_umount, mnt_context_get_target(cxt), a.target);
	assert_int_equal(vfc_automount_apply(ctx, &a, &res), 0);
	vfc_mount_result_clear(&res);
	/* Our directory goes with the mount. */
	assert_int_equal(lstat(a.target, &st), -1);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

static void test_lock(void **state)
{
	struct vfc_ctx *ctx = new_ctx("automount = all");
	int fd, other;

	(void)state;
	fd = vfc_automount_lock(ctx);
	assert_true(fd >= 0);
	/* A second handler would wait here. */
	other = open(base, O_RDONLY | O_DIRECTORY);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	vfc_automount_unlock(fd);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	vfc_ctx_unref(ctx);
}

/* mount-name = busid: the directory is the bus-ID, whatever the tag. */
static void test_add_plan_busid_names(void **state)
{
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	char target[600];
	size_t n;

	(void)state;
	setenv("LIBMOUNT_FSTAB", "/nonexistent", 1);
	ctx = new_ctx("automount = all\nmount-name = busid");
	assert_int_equal(vfc_plan_add(ctx, NULL, 0, &a, &n), 0);
	assert_int_equal(n, 3);
	snprintf(target, sizeof(target), "%s/0.0.0002", base);
	assert_string_equal(a[0].target, target);
	assert_string_equal(a[0].tag, "share1");
	vfc_actions_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

/* A base that others may write to is no base: nothing is made or locked there. */
static void test_unsafe_base(void **state)
{
	struct vfc_action a = mount_action("share1");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	struct stat st;

	(void)state;
	sh("mkdir -p '%s' && chmod 1777 '%s'", base, base);
	assert_int_equal(vfc_automount_lock(ctx), -EPERM);
	assert_true(vfc_automount_apply(ctx, &a, &res) < 0);
	vfc_mount_result_clear(&res);
	assert_int_equal(lstat(a.target, &st), -1);
	/* ... nor one owned by another user (root may hand it away: only as root) */
	if (geteuid() == 0) {
		sh("chmod 0755 '%s' && chown 65534 '%s'", base, base);
		assert_int_equal(vfc_automount_lock(ctx), -EPERM);
		sh("chown 0 '%s'", base);
	}
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

/* An existing directory that holds something is never mounted over. */
static void test_apply_refuses_nonempty(void **state)
{
	struct vfc_action a = mount_action("share1");
	struct vfc_mount_result res;
	struct vfc_ctx *ctx = new_ctx("automount = all");
	struct stat st;

	(void)state;
	sh("mkdir -p '%s/share1' && touch '%s/share1/keep'", base, base);
	assert_int_equal(vfc_automount_apply(ctx, &a, &res), -ENOTEMPTY);
	assert_int_equal(res.excode, MNT_EX_FAIL);
	assert_non_null(strstr(res.message, "exists and is not empty"));
	vfc_mount_result_clear(&res);
	/* untouched */
	assert_int_equal(lstat(a.target, &st), 0);
	sh("test -e '%s/share1/keep'", base);
	/* an empty one is fine */
	sh("rm '%s/share1/keep'", base);
	expect_string(__wrap_mnt_context_mount, mnt_context_get_target(cxt), a.target);
	will_return(__wrap_mnt_context_mount, 0);
	assert_int_equal(vfc_automount_apply(ctx, &a, &res), 0);
	vfc_mount_result_clear(&res);
	clear_action(&a);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_remove_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_mount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_mount_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_refuses_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan_busid_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_refuses_nonempty, setup, teardown),
	};

	return cmocka_run_group_tests_name("automount", tests, NULL, NULL);
}
