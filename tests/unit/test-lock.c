// SPDX-License-Identifier: MIT
/*
 * The one lock (lock.h), on the file VIRTIOFS_CCW_LOCK names (tests/unit/run
 * points it below the build directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

/* Under systemd only the handlers lock (@always): a helper never waits for one. */
static void test_lock_under_systemd(void **state)
{
	struct vfc_ctx *ctx;
	int fd;

	(void)state;
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_int_equal(vfc_lock_take(ctx, false, &fd), 0);
	assert_int_equal(fd >= 0, !vfc_lock_systemd_runs());
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
	setenv(VFC_LOCK_ENV, "/nonexistent/dir/lock", 1);
	assert_int_equal(vfc_lock_take(ctx, true, &fd), -ENOENT);
	assert_int_equal(fd, -1);
	if (!vfc_lock_systemd_runs()) {
		assert_int_equal(vfc_lock_take(ctx, false, &fd), 0);
		assert_int_equal(fd, -1);
	}
	/* Never through a symlink. */
	assert_int_equal(symlink("/nonexistent/target", "lock-symlink-test"), 0);
	setenv(VFC_LOCK_ENV, "lock-symlink-test", 1);
	assert_int_equal(vfc_lock_take(ctx, true, &fd), -ELOOP);
	unlink("lock-symlink-test");
	setenv(VFC_LOCK_ENV, copy, 1);
	free(copy);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_lock_under_systemd),
		cmocka_unit_test(test_lock_unavailable),
	};

	return cmocka_run_group_tests_name("lock", tests, NULL, NULL);
}
