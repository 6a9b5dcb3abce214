// SPDX-License-Identifier: MIT
/*
 * The one wait, under umockdev: its uevent socket is the testbed's, so the
 * test plays the kernel's events (uevent-shaped datagrams to the testbed's
 * event sockets). The wait must look again after a relevant event, not
 * after an unrelated one, and not in between: it never polls. Its mount
 * table is a file of the test's own, which never changes: a mount or
 * unmount on the host must not wake it.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <fcntl.h>

#include "macro.h"
#include "testbed.h"
#include "wait.h"

struct probe {
	int calls;
	int ready_after; /* calls */
};

static int check(struct vfc_ctx *ctx, void *userdata)
{
	struct probe *p = userdata;

	(void)ctx;
	p->calls++;
	return p->calls >= p->ready_after ? 1 : 0;
}

static void *later(void *arg)
{
	const char *const *subsystems = arg;

	for (; *subsystems; subsystems++) {
		usleep(200000);
		if (send_uevent(*subsystems) < 1)
			fprintf(stderr, "no event socket in the testbed\n");
	}
	return NULL;
}

static char testbed[64];

static int setup(void **state)
{
	(void)state;
	snprintf(testbed, sizeof(testbed), "/tmp/vfc-wait-XXXXXX");
	assert_non_null(mkdtemp(testbed));
	setenv("UMOCKDEV_DIR", testbed, 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", testbed);
	return system(cmd) == 0 ? 0 : -1;
}

/* The mount table: an empty file in the testbed, never the host's. */
static struct vfc_ctx *new_ctx(void)
{
	char path[128];
	struct vfc_ctx *ctx;
	FILE *f;

	snprintf(path, sizeof(path), "%s/mountinfo", testbed);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_int_equal(vfc_ctx_set_mountinfo_path(ctx, path), 0);
	return ctx;
}

/* No time to wait: one look. Done at once: one look, no waiting. */
static void test_once(void **state)
{
	struct probe p = { .ready_after = 5 };
	struct vfc_ctx *ctx = new_ctx();
	long long t0 = now_ms();

	(void)state;
	assert_int_equal(vfc_wait_for(ctx, 0, check, &p), 0);
	assert_int_equal(p.calls, 1);
	p = (struct probe){ .ready_after = 1 };
	assert_int_equal(vfc_wait_for(ctx, 5000, check, &p), 1);
	assert_int_equal(p.calls, 1);
	assert_true(now_ms() - t0 < 1000);
	vfc_ctx_unref(ctx);
}

/*
 * Nothing happens: a look at the start, one more once subscribed, and one at
 * the deadline, none in between.
 */
static void test_deadline(void **state)
{
	struct probe p = { .ready_after = 100 };
	struct vfc_ctx *ctx = new_ctx();
	long long t0 = now_ms(), dt;

	(void)state;
	assert_int_equal(vfc_wait_for(ctx, 700, check, &p), 0);
	dt = now_ms() - t0;
	assert_true(dt >= 700 && dt < 3000);
	assert_int_equal(p.calls, 3);
	vfc_ctx_unref(ctx);
}

/* A ccw event wakes it; an unrelated one (net) does not. */
static void test_events(void **state)
{
	static const char *const events[] = { "net", "ccw", NULL };
	struct probe p = { .ready_after = 3 };
	struct vfc_ctx *ctx = new_ctx();
	long long t0 = now_ms(), dt;
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, later, (void *)events), 0);
	assert_int_equal(vfc_wait_for(ctx, 10000, check, &p), 1);
	dt = now_ms() - t0;
	pthread_join(t, NULL);
	/* two looks at the start, then woken by the second event (~400 ms) */
	assert_int_equal(p.calls, 3);
	assert_true(dt >= 350 && dt < 5000);
	vfc_ctx_unref(ctx);
}

/* No mount table to watch: the uevents still wake it, and only they. */
static void test_events_no_mount_table(void **state)
{
	static const char *const events[] = { "net", "virtiofs", NULL };
	struct probe p = { .ready_after = 3 };
	struct vfc_ctx *ctx = new_ctx();
	long long t0 = now_ms(), dt;
	pthread_t t;

	(void)state;
	assert_int_equal(vfc_ctx_set_mountinfo_path(ctx, "/nonexistent/mountinfo"), 0);
	assert_int_equal(pthread_create(&t, NULL, later, (void *)events), 0);
	assert_int_equal(vfc_wait_for(ctx, 10000, check, &p), 1);
	dt = now_ms() - t0;
	pthread_join(t, NULL);
	assert_int_equal(p.calls, 3);
	assert_true(dt >= 350 && dt < 5000);
	vfc_ctx_unref(ctx);
}

static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

struct fd_probe {
	int calls;
	int fds[2];
};

static int check_fds(struct vfc_ctx *ctx, void *userdata)
{
	struct fd_probe *p = userdata;

	(void)ctx;
	if (p->calls < 2)
		p->fds[p->calls] = open_fds();
	return ++p->calls >= 2 ? 1 : 0;
}

/*
 * The first look costs no subscription (the common case: the device is
 * there); a "not yet" subscribes, to uevents and the mount table, before
 * the second look, so that nothing that happens after the first is missed.
 */
static void test_subscribe_after_first_look(void **state)
{
	struct fd_probe p = { 0 };
	struct vfc_ctx *ctx = new_ctx();
	int before = open_fds();

	(void)state;
	assert_int_equal(vfc_wait_for(ctx, 5000, check_fds, &p), 1);
	assert_int_equal(p.calls, 2);
	assert_int_equal(p.fds[0], before);
	assert_int_equal(p.fds[1], before + 2);
	assert_int_equal(open_fds(), before);
	vfc_ctx_unref(ctx);
}

/* The check's error ends the wait at once, with that error. */
static int broken(struct vfc_ctx *ctx, void *userdata)
{
	(void)ctx;
	(void)userdata;
	return -EIO;
}

static void test_error(void **state)
{
	struct vfc_ctx *ctx = new_ctx();

	(void)state;
	assert_int_equal(vfc_wait_for(ctx, 5000, broken, NULL), -EIO);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_no_mount_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subscribe_after_first_look, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error, setup, teardown),
	};

	return cmocka_run_group_tests_name("wait", tests, NULL, NULL);
}
