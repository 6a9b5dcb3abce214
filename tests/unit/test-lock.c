// SPDX-License-Identifier: MIT
/*
 * The one lock (lock.h), on the file VIRTIOFS_CCW_LOCK names (tests/unit/run
 * points it below the build directory). Whether systemd runs is read from a
 * run directory each test makes, never from the host's /run.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "lock.h"

static void test_lock(void **state)
{
	const char *path = getenv(VFC_LOCK_ENV);
	struct vfc_ctx *ctx;
	struct stat st;
	int fd, other;

	(void)state;
	assert_non_null(path);
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_int_equal(vfc_lock_take(ctx, true, &fd), 0);
	assert_true(fd >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* A second tool would wait here ... */
	other = open(path, O_RDONLY);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	/* ... until it is released. */
	vfc_lock_release(fd);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	vfc_ctx_unref(ctx);
}

/* A run directory of the test's own, so that the host's /run decides nothing. */
static char run_dir[64];

static int make_run_dir(void **state)
{
	(void)state;
	snprintf(run_dir, sizeof(run_dir), "/tmp/vfc-run-XXXXXX");
	return mkdtemp(run_dir) ? 0 : -1;
}

static int remove_run_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", run_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* systemd runs: its /run/systemd/system is there. */
static void boot_systemd(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/systemd", run_dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/systemd/system", run_dir);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* Without systemd nothing else orders the tools: a helper and a handler both lock. */
static void test_lock_without_systemd(void **state)
{
	struct vfc_ctx *ctx;
	int fd;

	(void)state;
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_int_equal(vfc_ctx_set_run_dir(ctx, run_dir), 0);
	assert_int_equal(vfc_lock_take(ctx, false, &fd), 0);
	assert_true(fd >= 0);
	vfc_lock_release(fd);
	assert_int_equal(vfc_lock_take(ctx, true, &fd), 0);
	assert_true(fd >= 0);
	vfc_lock_release(fd);
	vfc_ctx_unref(ctx);
}

/* Under systemd only the handlers lock (@always): a helper never waits for one. */
static void test_lock_under_systemd(void **state)
{
	struct vfc_ctx *ctx;
	int fd = 7;

	(void)state;
	boot_systemd();
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_int_equal(vfc_ctx_set_run_dir(ctx, run_dir), 0);
	assert_int_equal(vfc_lock_take(ctx, false, &fd), 0);
	assert_int_equal(fd, -1);
	assert_int_equal(vfc_lock_take(ctx, true, &fd), 0);
	assert_true(fd >= 0);
	vfc_lock_release(fd);
	vfc_ctx_unref(ctx);
}

/* No lock file to be had: a mount goes on without it; a handler is told. */
static void test_lock_unavailable(void **state)
{
	const char *saved = getenv(VFC_LOCK_ENV);
	char *copy = saved ? strdup(saved) : NULL;
	struct vfc_ctx *ctx;
	int fd = 7;

	(void)state;
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_int_equal(vfc_ctx_set_run_dir(ctx, run_dir), 0);
	setenv(VFC_LOCK_ENV, "/nonexistent/dir/lock", 1);
	assert_int_equal(vfc_lock_take(ctx, true, &fd), -ENOENT);
	assert_int_equal(fd, -1);
	fd = 7;
	assert_int_equal(vfc_lock_take(ctx, false, &fd), 0);
	assert_int_equal(fd, -1);
	/* Never through a symlink. */
	assert_int_equal(symlink("/nonexistent/target", "lock-symlink-test"), 0);
	setenv(VFC_LOCK_ENV, "lock-symlink-test", 1);
	assert_int_equal(vfc_lock_take(ctx, true, &fd), -ELOOP);
	unlink("lock-symlink-test");
	setenv(VFC_LOCK_ENV, copy, 1);
	free(copy);
	vfc_ctx_unref(ctx);
}

/* The setting: a copy, and NULL goes back to /run. */
static void test_run_dir(void **state)
{
	struct vfc_ctx *ctx;
	char dir[] = "/some/dir";

	(void)state;
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_string_equal(vfc_ctx_get_run_dir(ctx), VFC_RUN_DIR);
	assert_int_equal(vfc_ctx_set_run_dir(ctx, dir), 0);
	dir[1] = 'x';
	assert_string_equal(vfc_ctx_get_run_dir(ctx), "/some/dir");
	assert_int_equal(vfc_ctx_set_run_dir(ctx, NULL), 0);
	assert_string_equal(vfc_ctx_get_run_dir(ctx), VFC_RUN_DIR);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock),
		cmocka_unit_test_setup_teardown(test_lock_without_systemd, make_run_dir,
						remove_run_dir),
		cmocka_unit_test_setup_teardown(test_lock_under_systemd, make_run_dir,
						remove_run_dir),
		cmocka_unit_test_setup_teardown(test_lock_unavailable, make_run_dir,
						remove_run_dir),
		cmocka_unit_test(test_run_dir),
	};

	return cmocka_run_group_tests_name("lock", tests, NULL, NULL);
}
