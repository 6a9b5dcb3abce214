// SPDX-License-Identifier: MIT
/*
 * Spec resolution and mounting against fake sysfs trees (umockdev), with
 * libmount's mnt_context_mount() wrapped (-Wl,--wrap): the stand-in checks
 * what libmount was asked to do and plays the kernel's answer.
 */
#include <errno.h>
#include <libmount/libmount.h>
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

#include "mount.h"
#include "testbed.h"
#include "trees.h"

enum kernel_answer { KERNEL_OK, KERNEL_EINVAL, KERNEL_EACCES, KERNEL_EBUSY, REAL_FAKE_MOUNT };

int __real_mnt_context_mount(struct libmnt_context *cxt);
int __wrap_mnt_context_mount(struct libmnt_context *cxt);

int __wrap_mnt_context_mount(struct libmnt_context *cxt)
{
	function_called();
	check_expected_ptr(mnt_context_get_source(cxt));
	assert_string_equal(mnt_context_get_fstype(cxt), "virtiofs");
	/* libmount must never run mount.virtiofs: that is us. */
	assert_true(mnt_context_is_nohelpers(cxt));
	switch (mock_type(int)) {
	case KERNEL_OK:
		mnt_context_set_syscall_status(cxt, 0);
		return 0;
	case KERNEL_EINVAL:
		mnt_context_set_syscall_status(cxt, -EINVAL);
		return -EINVAL;
	case KERNEL_EACCES:
		mnt_context_set_syscall_status(cxt, -EACCES);
		return -EACCES;
	case KERNEL_EBUSY:
		mnt_context_set_syscall_status(cxt, -EBUSY);
		return -EBUSY;
	default:
		/* Fake writes nothing anywhere, utab included. */
		assert_true(mnt_context_is_fake(cxt));
		assert_true(mnt_context_is_nomtab(cxt));
		return __real_mnt_context_mount(cxt);
	}
}

/* A private copy of a tree that a test may change. */
static struct vfc_ctx *new_ctx(void)
{
	struct vfc_ctx *ctx;

	assert_int_equal(vfc_ctx_new(&ctx), 0);
	return ctx;
}

static void expect_mount(const char *source, enum kernel_answer answer)
{
	expect_function_call(__wrap_mnt_context_mount);
	expect_string(__wrap_mnt_context_mount, mnt_context_get_source(cxt), source);
	will_return(__wrap_mnt_context_mount, answer);
}

static void test_mount_by_busid(void **state)
{
	struct vfc_mount_req req = {
		.spec = "fe.1.0042", .target = "/tmp", .options = "ro",
		.flags = VFC_MOUNT_NOMODLOAD,
	};
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;

	(void)state;
	point_tree("612");
	ctx = new_ctx();
	expect_mount("share2", KERNEL_OK);
	assert_int_equal(vfc_mount(ctx, &req, &res), 0);
	assert_int_equal(res.excode, MNT_EX_SUCCESS);
	assert_string_equal(res.tag, "share2");
	assert_false(res.already);
	assert_null(res.message);
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}

static void test_fake_mount(void **state)
{
	struct vfc_mount_req req = { .spec = "0.0.1a12", .target = "/tmp", .flags = VFC_MOUNT_FAKE };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;

	(void)state;
	point_tree("612");
	ctx = new_ctx();
	/* libmount's own fake mode: it goes through libmount, mounts nothing. */
	expect_mount("share0", REAL_FAKE_MOUNT);
	assert_int_equal(vfc_mount(ctx, &req, &res), 0);
	assert_string_equal(res.tag, "share0");
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}


static void test_already_mounted(void **state)
{
	struct vfc_mount_req req = { .spec = "0.0.1a12", .target = "/tmp/",
				     .flags = VFC_MOUNT_NOMODLOAD | VFC_MOUNT_IDEMPOTENT };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;

	(void)state;
	point_tree_copy("612");
	append_mountinfo("99 1 0:99 / /tmp rw,relatime - virtiofs share0 rw\n");
	ctx = new_ctx();
	/* No call of mnt_context_mount is expected: a second mount is not made. */
	assert_int_equal(vfc_mount(ctx, &req, &res), 0);
	assert_true(res.already);
	assert_int_equal(res.excode, MNT_EX_SUCCESS);
	vfc_mount_result_clear(&res);

	/* Another tag on that directory is no reason to skip. */
	req.spec = "share1";
	expect_mount("share1", KERNEL_OK);
	assert_int_equal(vfc_mount(ctx, &req, &res), 0);
	assert_false(res.already);
	vfc_mount_result_clear(&res);

	/* mount(8)'s helper is not idempotent: a second mount is what was asked for. */
	req.spec = "0.0.1a12";
	req.flags = VFC_MOUNT_NOMODLOAD | VFC_MOUNT_HELPER;
	expect_mount("share0", KERNEL_OK);
	assert_int_equal(vfc_mount(ctx, &req, &res), 0);
	assert_false(res.already);
	vfc_mount_result_clear(&res);

	/* ... unless the kernel refuses to stack the share on itself: as mount -a would. */
	expect_mount("share0", KERNEL_EBUSY);
	assert_int_equal(vfc_mount(ctx, &req, &res), 0);
	assert_true(res.already);
	assert_int_equal(res.excode, MNT_EX_SUCCESS);
	vfc_mount_result_clear(&res);

	/* EBUSY for a target where the share is not mounted is the kernel's error. */
	req.spec = "share2";
	expect_mount("share2", KERNEL_EBUSY);
	assert_int_equal(vfc_mount(ctx, &req, &res), -EBUSY);
	assert_false(res.already);
	assert_int_not_equal(res.excode, MNT_EX_SUCCESS);
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}

/*
 * Remount, bind, move, propagation: mount(8)'s source goes through as it is
 * (no resolution, no wait, even for a device that is gone).
 */
static void test_mount_operations(void **state)
{
	static const char *const ops[] = { "remount,ro", "remount,rw", "bind", "rbind",
					   "private", "rslave", "rshared" };
	struct vfc_mount_req req = { .target = "/tmp", .wait_ms = 5000,
				     .flags = VFC_MOUNT_NOMODLOAD | VFC_MOUNT_HELPER };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;

	(void)state;
	point_tree("612");
	ctx = new_ctx();
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		req.spec = i % 2 ? "share0" : "0.0.9999";
		req.options = ops[i];
		expect_mount(req.spec, KERNEL_OK);
		assert_int_equal(vfc_mount(ctx, &req, &res), 0);
		assert_int_equal(res.excode, MNT_EX_SUCCESS);
		vfc_mount_result_clear(&res);
	}
	/* The kernel's refusal is reported as such. */
	req.spec = "share0";
	req.options = "remount,bogus";
	expect_mount("share0", KERNEL_EINVAL);
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	assert_non_null(strstr(res.message, "the kernel refused 'remount,bogus'"));
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}

static void test_kernel_einval(void **state)
{
	struct vfc_mount_req req = { .spec = "nosuchtag", .target = "/tmp",
				     .flags = VFC_MOUNT_NOMODLOAD };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;

	(void)state;
	point_tree("612");
	ctx = new_ctx();
	/* mount(2)'s errno reaches the caller as it is. */
	expect_mount("nosuchtag", KERNEL_EACCES);
	assert_int_equal(vfc_mount(ctx, &req, &res), -EACCES);
	assert_int_not_equal(res.excode, MNT_EX_SUCCESS);
	vfc_mount_result_clear(&res);

	expect_mount("nosuchtag", KERNEL_EINVAL);
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	assert_int_equal(res.excode, MNT_EX_FAIL);
	assert_non_null(strstr(res.message, "no virtio-fs device has this tag (the tags: 'share1', "
					    "'share0', 'share2')"));
	vfc_mount_result_clear(&res);

	/* Even with time to wait: nothing is coming that could have it, one mount(2). */
	req.wait_ms = 5000;
	expect_mount("nosuchtag", KERNEL_EINVAL);
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	vfc_mount_result_clear(&res);
	req.wait_ms = 0;

	/*
	 * The tag exists: the device may have gone and come back between the
	 * look and mount(2), so once more; refused again, the options are bad.
	 */
	req.spec = "share0";
	req.options = "bogus";
	expect_mount("share0", KERNEL_EINVAL);
	expect_mount("share0", KERNEL_EINVAL);
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	assert_non_null(strstr(res.message, "rejected the options 'bogus'"));
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);

	/* 6.1 exports no tags: say both possibilities. */
	point_tree("61");
	ctx = new_ctx();
	req.spec = "nosuchtag";
	req.options = NULL;
	expect_mount("nosuchtag", KERNEL_EINVAL);
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	assert_non_null(strstr(res.message, "or an option is invalid"));
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The wait is bounded: an offline device is retried until the deadline, then reported. */
static void test_wait_bounded(void **state)
{
	struct vfc_mount_req req = { .spec = "0.0.beef", .target = "/tmp",
				     .options = "x-virtiofs-ccw.wait=1", .wait_ms = -1,
				     .flags = VFC_MOUNT_NOMODLOAD };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;
	long long t0, dt;

	(void)state;
	point_tree("mixed");
	ctx = new_ctx();
	t0 = now_ms();
	assert_int_equal(vfc_mount(ctx, &req, &res), -ENXIO);
	dt = now_ms() - t0;
	assert_true(dt >= 1000 && dt < 5000);
	assert_non_null(strstr(res.message, "offline"));
	vfc_mount_result_clear(&res);

	/*
	 * A tag no device has, while devices are still coming (0.0.beef offline,
	 * 0.0.2000 unbound): waited for until the deadline, then mount(2) once.
	 */
	req.spec = "late";
	req.options = NULL;
	req.wait_ms = 300;
	t0 = now_ms();
	expect_mount("late", KERNEL_EINVAL);
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	assert_true(now_ms() - t0 >= 300);
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}

static void *plug_device(void *arg)
{
	char link[512];

	(void)arg;
	usleep(300000);
	snprintf(link, sizeof(link), "%s/sys/bus/ccw/devices/0.1.0042", tmp);
	if (symlink("../../../devices/css0/0.1.0000/0.1.0042", link) != 0)
		perror("symlink");
	/* and the kernel says so */
	if (send_uevent("ccw") < 1)
		fprintf(stderr, "plug_device: nobody listens\n");
	return NULL;
}

/* A device that appears while we wait (as at boot) is mounted when it does. */
static void test_wait_for_device(void **state)
{
	struct vfc_mount_req req = { .spec = "0.1.0042", .target = "/tmp", .wait_ms = 10000,
				     .flags = VFC_MOUNT_NOMODLOAD };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;
	char link[512];
	pthread_t t;
	long long t0;

	(void)state;
	point_tree_copy("612");
	snprintf(link, sizeof(link), "%s/sys/bus/ccw/devices/0.1.0042", tmp);
	assert_int_equal(unlink(link), 0);
	ctx = new_ctx();
	expect_mount("share2", KERNEL_OK);
	assert_int_equal(pthread_create(&t, NULL, plug_device, NULL), 0);
	t0 = now_ms();
	assert_int_equal(vfc_mount(ctx, &req, &res), 0);
	assert_true(now_ms() - t0 >= 250 && now_ms() - t0 < 5000);
	assert_string_equal(res.tag, "share2");
	pthread_join(t, NULL);
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}

static void test_bad_requests(void **state)
{
	struct vfc_mount_req req = { .spec = "share0", .target = "/tmp", .wait_ms = -1,
				     .options = "x-virtiofs-ccw.wait=soon",
				     .flags = VFC_MOUNT_NOMODLOAD };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;

	(void)state;
	point_tree("612");
	ctx = new_ctx();
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	assert_int_equal(res.excode, MNT_EX_USAGE);
	assert_non_null(strstr(res.message, "x-virtiofs-ccw.wait=soon"));
	vfc_mount_result_clear(&res);

	req.options = NULL;
	req.target = "/nonexistent/mnt";
	assert_int_equal(vfc_mount(ctx, &req, &res), -ENOENT);
	assert_int_equal(res.excode, MNT_EX_FAIL);
	assert_string_equal(res.message, "mountpoint /nonexistent/mnt does not exist");
	vfc_mount_result_clear(&res);

	/* libmount makes the directory itself when asked. */
	req.options = "X-mount.mkdir";
	expect_mount("share0", KERNEL_OK);
	assert_int_equal(vfc_mount(ctx, &req, &res), 0);
	vfc_mount_result_clear(&res);

	req.spec = "";
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	assert_int_equal(res.excode, MNT_EX_USAGE);
	vfc_mount_result_clear(&res);
	req.spec = "share0";
	req.target = NULL;
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	assert_int_equal(res.excode, MNT_EX_USAGE);
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}

/*
 * Where the kernel exports no tags, a tag goes to mount(2) at once: a device
 * still offline must not hold up a share that is there. A tag the kernel
 * refuses waits only until the deadline, for that device.
 */
static void test_61_tag_not_held_up(void **state)
{
	struct vfc_mount_req req = { .spec = "share0", .target = "/tmp", .wait_ms = 5000,
				     .flags = VFC_MOUNT_NOMODLOAD };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;
	long long t0;

	(void)state;
	point_tree("61off");
	ctx = new_ctx();
	expect_mount("share0", KERNEL_OK);
	t0 = now_ms();
	assert_int_equal(vfc_mount(ctx, &req, &res), 0);
	assert_true(now_ms() - t0 < 1000);
	vfc_mount_result_clear(&res);

	req.spec = "nosuch";
	req.wait_ms = 400;
	expect_mount("nosuch", KERNEL_EINVAL);
	t0 = now_ms();
	assert_int_equal(vfc_mount(ctx, &req, &res), -EINVAL);
	assert_true(now_ms() - t0 >= 400);
	assert_non_null(strstr(res.message, "no virtio-fs device has this tag"));
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}

/* A bus-ID whose device tells no tag now: fstab says where it is, or we say how. */
static void test_umount_offline(void **state)
{
	struct vfc_mount_req req = { .spec = "0.0.beef", .flags = VFC_MOUNT_FAKE };
	char fstab[] = "/tmp/vfc-fstab-XXXXXX";
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;
	FILE *f;
	int fd;

	(void)state;
	point_tree("61off");
	ctx = new_ctx();
	assert_int_equal(vfc_umount(ctx, &req, &res), -ENOENT);
	assert_string_equal(res.message,
			    "'0.0.beef': device 0.0.beef tells no tag now (device offline), and "
			    "neither fstab nor an auto-mount says where it is mounted: unmount it "
			    "by its mountpoint (findmnt -t virtiofs)");
	vfc_mount_result_clear(&res);

	fd = mkstemp(fstab);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("beef /mnt/share0 virtiofs defaults 0 0\n", f);
	fclose(f);
	setenv("LIBMOUNT_FSTAB", fstab, 1);
	assert_int_equal(vfc_umount(ctx, &req, &res), 0);
	assert_int_equal(res.excode, MNT_EX_SUCCESS);
	vfc_mount_result_clear(&res);
	unsetenv("LIBMOUNT_FSTAB");
	unlink(fstab);
	vfc_ctx_unref(ctx);
}

static void test_umount(void **state)
{
	struct vfc_mount_req req = { .spec = "0.0.1a12", .flags = VFC_MOUNT_FAKE };
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;

	(void)state;
	point_tree("612");
	ctx = new_ctx();
	assert_int_equal(vfc_umount(ctx, &req, &res), 0);
	assert_string_equal(res.tag, "share0");
	vfc_mount_result_clear(&res);

	req.spec = "/mnt/share0";
	assert_int_equal(vfc_umount(ctx, &req, &res), 0);
	assert_string_equal(res.tag, "share0");
	vfc_mount_result_clear(&res);

	req.spec = "share1";
	assert_int_equal(vfc_umount(ctx, &req, &res), -ENOENT);
	assert_string_equal(res.message, "tag 'share1' is not mounted");
	vfc_mount_result_clear(&res);

	req.spec = "/proc";
	assert_int_equal(vfc_umount(ctx, &req, &res), -ENOENT);
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mount_by_busid),
		cmocka_unit_test(test_fake_mount),
		cmocka_unit_test_teardown(test_already_mounted, cleanup_copy),
		cmocka_unit_test(test_mount_operations),
		cmocka_unit_test(test_kernel_einval),
		cmocka_unit_test(test_wait_bounded),
		cmocka_unit_test_teardown(test_wait_for_device, cleanup_copy),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_umount),
		cmocka_unit_test(test_61_tag_not_held_up),
		cmocka_unit_test(test_umount_offline),
	};

	return cmocka_run_group_tests_name("mount", tests, NULL, NULL);
}
