// SPDX-License-Identifier: MIT
/*
 * Hotplug's policy: what to mount where, and which auto-mounts are stale,
 * in a fake root (fakeroot.h): the 6.12 tree, a utab, a mount base.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "device.h"
#include "fakeroot.h"
#include "plan.h"

/* The instance of the device at @busid in the tree, checked against its sysfs directory. */
static unsigned long long instance_of(const char *busid)
{
	struct vfc_device *dev;
	struct vfc_busid id;
	struct vfc_ctx *ctx;
	unsigned long long ino;
	char path[1024];
	struct stat st;

	assert_int_equal(vfc_busid_parse(busid, &id, NULL, NULL), 0);
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_int_equal(vfc_device_new_from_busid(ctx, &id, &dev), 0);
	ino = vfc_device_get_instance(dev);
	snprintf(path, sizeof(path), "%s/tree/sys/bus/ccw/devices/%s/%s", tmp, busid,
		 vfc_device_get_virtio(dev));
	assert_int_equal(stat(path, &st), 0);
	assert_true(ino != 0);
	assert_true(ino == (unsigned long long)st.st_ino);
	vfc_device_unref(dev);
	vfc_ctx_unref(ctx);
	return ino;
}

static void test_remove_plan(void **state)
{
	char target[600], mark[64];
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	int hot0_id;
	size_t n;

	(void)state;
	snprintf(target, sizeof(target), "%s/hot0", base);
	/* Ours, device still there with that tag: stays (a mark without an instance too). */
	mounted("share1", "/srv/share1", "0.0.0002");
	snprintf(mark, sizeof(mark), "0.0.1a12@%llu", instance_of("0.0.1a12"));
	mounted("share0", "/srv/share0", mark);
	/* Ours, device gone: detach, and the directory is below the base. */
	hot0_id = mounted("hot0", target, "0.0.2000@99");
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
	/* The detach names the mount, not only its path. */
	assert_int_equal(a[1].mount_id, hot0_id);
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);

	/* The base written with a trailing slash is the same base. */
	{
		struct vfc_config *cfg = NULL;
		char *text = NULL, *msg = NULL;

		assert_true(asprintf(&text, "automount = all\nmount-base = %s/\n", base) > 0);
		assert_int_equal(vfc_config_parse("slash.conf", text, &cfg, &msg), 0);
		free(text);
		assert_int_equal(vfc_ctx_new(&ctx), 0);
		vfc_ctx_set_config(ctx, cfg);
		vfc_config_unref(cfg);
		assert_int_equal(vfc_plan_remove(ctx, &a, &n), 0);
		assert_int_equal(n, 2);
		assert_string_equal(a[1].target, target);
		assert_true(a[1].in_base);
		vfc_action_array_free(a, n);
		vfc_ctx_unref(ctx);
	}
}

/*
 * Removed and added again at once: the same bus-ID, the same tag, but
 * another device. The old mount is dead and must go; tag and bus-ID alone
 * cannot tell it.
 */
static void test_remove_plan_replaced(void **state)
{
	char mark[64];
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	unsigned long long before, after;
	size_t n;

	(void)state;
	before = instance_of("0.0.1a12");
	snprintf(mark, sizeof(mark), "0.0.1a12@%llu", before);
	mounted("share0", "/srv/share0", mark);
	ctx = new_ctx("automount = all");
	assert_int_equal(vfc_plan_remove(ctx, &a, &n), 0);
	assert_int_equal(n, 0);
	vfc_action_array_free(a, n);

	/* The kernel makes a new virtio device (a new sysfs directory) for the new one. */
	sh("cd '%s/tree/sys/bus/ccw/devices/0.0.1a12/' && v=$(ls -d virtio*) && "
	   "cp -a \"$v\" \"$v.new\" && rm -rf \"$v\" && mv \"$v.new\" \"$v\"",
	   tmp);
	after = instance_of("0.0.1a12");
	assert_true(after != before);
	assert_int_equal(vfc_plan_remove(ctx, &a, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].target, "/srv/share0");
	assert_string_equal(a[0].tag, "share0");
	vfc_action_array_free(a, n);
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
	snprintf(target, sizeof(target), "%s/share0", base);
	/* In mountpoint order, parents first: share0 < share1 < share2. */
	assert_string_equal(a[0].target, target);
	assert_string_equal(a[0].options, "ro");
	assert_true(a[0].in_base);
	/* The device it is planned for: bus-ID and instance, for the mark. */
	assert_int_equal(a[0].id.devno, 0x1a12);
	assert_true(a[0].instance == instance_of("0.0.1a12"));
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);

	/* automount = fstab, and fstab names nothing: nothing to do. */
	ctx = new_ctx("automount = fstab");
	assert_int_equal(vfc_plan_add(ctx, NULL, 0, &a, &n), 0);
	assert_int_equal(n, 0);
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);

	/* Already mounted where the plan puts it: nothing to do for that one. */
	snprintf(target, sizeof(target), "%s/share2", base);
	mounted("share2", target, NULL);
	ctx = new_ctx("automount = all");
	assert_int_equal(vfc_plan_add(ctx, NULL, 0, &a, &n), 0);
	assert_int_equal(n, 2);
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

/* Nested mountpoints: the parent is mounted first, whatever the order of fstab or the bus. */
static void test_add_plan_parents_first(void **state)
{
	char fstab[600];
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	size_t n;

	(void)state;
	snprintf(fstab, sizeof(fstab), "%s/fstab", tmp);
	sh("printf '%%s\\n' 'share1 /srv/a/b/c virtiofs defaults 0 0' "
	   "'0.1.0042 /srv/a virtiofs defaults 0 0' 'share0 /srv/a/b virtiofs ro 0 0' > '%s'",
	   fstab);
	setenv("LIBMOUNT_FSTAB", fstab, 1);
	ctx = new_ctx("automount = fstab");
	assert_int_equal(vfc_plan_add(ctx, NULL, 0, &a, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].target, "/srv/a");
	assert_string_equal(a[0].tag, "share2");
	assert_string_equal(a[1].target, "/srv/a/b");
	assert_string_equal(a[2].target, "/srv/a/b/c");
	assert_false(a[2].in_base);
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

/*
 * A parent that comes after its child (without systemd each device is its
 * own event): its mount would hide the child's. The child comes off first
 * and is mounted again after the parent, on what the parent brings.
 */
static void test_add_plan_late_parent(void **state)
{
	char fstab[600], mark[64];
	struct vfc_action *a;
	struct vfc_device *dev;
	struct vfc_busid id = { 1, 0x0042 };
	struct vfc_ctx *ctx;
	int child_id;
	size_t n;

	(void)state;
	snprintf(fstab, sizeof(fstab), "%s/fstab", tmp);
	sh("printf '%%s\\n' '0.1.0042 /srv/a virtiofs defaults 0 0' "
	   "'share0 /srv/a/b virtiofs ro 0 0' 'share1 /srv/other virtiofs ro 0 0' > '%s'",
	   fstab);
	setenv("LIBMOUNT_FSTAB", fstab, 1);
	/* share0 (0.0.1a12) came first and is mounted at /srv/a/b; share1 elsewhere. */
	snprintf(mark, sizeof(mark), "0.0.1a12@%llu", instance_of("0.0.1a12"));
	child_id = mounted("share0", "/srv/a/b", mark);
	snprintf(mark, sizeof(mark), "0.0.0002@%llu", instance_of("0.0.0002"));
	mounted("share1", "/srv/other", mark);

	ctx = new_ctx("automount = fstab");
	assert_int_equal(vfc_device_new_from_busid(ctx, &id, &dev), 0);
	assert_int_equal(vfc_plan_add(ctx, &dev, 1, &a, &n), 0);
	vfc_device_unref(dev);
	assert_int_equal(n, 3);
	assert_int_equal(a[0].kind, VFC_ACTION_DETACH);
	assert_string_equal(a[0].target, "/srv/a/b");
	assert_int_equal(a[0].mount_id, child_id);
	assert_false(a[0].in_base);
	assert_int_equal(a[1].kind, VFC_ACTION_MOUNT);
	assert_string_equal(a[1].target, "/srv/a");
	assert_string_equal(a[1].tag, "share2");
	assert_int_equal(a[2].kind, VFC_ACTION_MOUNT);
	assert_string_equal(a[2].target, "/srv/a/b");
	assert_string_equal(a[2].tag, "share0");
	assert_string_equal(a[2].options, "ro");
	vfc_action_array_free(a, n);

	/* A mount not below the new one, or one that is not ours, is left alone. */
	mounted("share9", "/srv/a/c", NULL);
	assert_int_equal(vfc_device_new_from_busid(ctx, &id, &dev), 0);
	assert_int_equal(vfc_plan_add(ctx, &dev, 1, &a, &n), 0);
	vfc_device_unref(dev);
	assert_int_equal(n, 3);
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
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
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

/* An fstab of @lines (NULL-terminated) in the fake root, for libmount. */
static void write_fstab(const char *first, ...)
{
	char path[600];
	const char *l;
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/fstab", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	va_start(ap, first);
	for (l = first; l; l = va_arg(ap, const char *))
		fprintf(f, "%s\n", l);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
	setenv("LIBMOUNT_FSTAB", path, 1);
}

/* The plan for the one device at @busid. */
static void plan_one(struct vfc_ctx *ctx, const char *busid, struct vfc_action **a, size_t *n)
{
	struct vfc_device *dev;
	struct vfc_busid id;

	assert_int_equal(vfc_busid_parse(busid, &id, NULL, NULL), 0);
	assert_int_equal(vfc_device_new_from_busid(ctx, &id, &dev), 0);
	assert_int_equal(vfc_plan_add(ctx, &dev, 1, a, n), 0);
	vfc_device_unref(dev);
}

/* A noauto line first does not hide the share's other lines (mount -a skips only that one). */
static void test_add_plan_noauto_then_line(void **state)
{
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	size_t n;

	(void)state;
	write_fstab("share1 /srv/rescue virtiofs noauto 0 0",
		    "share1 /srv/data virtiofs defaults 0 0", NULL);
	ctx = new_ctx("automount = fstab");
	plan_one(ctx, "0.0.0002", &a, &n);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].target, "/srv/data");
	assert_string_equal(a[0].tag, "share1");
	assert_false(a[0].in_base);
	vfc_action_array_free(a, n);

	/* Only noauto lines: fstab names it, so automount = all leaves it alone too. */
	write_fstab("share1 /srv/rescue virtiofs noauto 0 0", NULL);
	vfc_ctx_unref(ctx);
	ctx = new_ctx("automount = all");
	plan_one(ctx, "0.0.0002", &a, &n);
	assert_int_equal(n, 0);
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

/* Two lines for one share: two mounts, each with its line's options, parents first. */
static void test_add_plan_two_lines(void **state)
{
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	size_t n;

	(void)state;
	write_fstab("share1 /srv/a/b virtiofs ro 0 0", "share1 /srv/a virtiofs defaults 0 0", NULL);
	ctx = new_ctx("automount = all");
	plan_one(ctx, "0.0.0002", &a, &n);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].target, "/srv/a");
	assert_string_equal(a[0].options, "defaults");
	assert_string_equal(a[1].target, "/srv/a/b");
	assert_string_equal(a[1].options, "ro");
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].kind, VFC_ACTION_MOUNT);
		assert_string_equal(a[i].tag, "share1");
		assert_int_equal(a[i].id.devno, 0x0002);
		/* fstab names it: not below the base as well. */
		assert_false(a[i].in_base);
	}
	vfc_action_array_free(a, n);

	/* One of them is mounted already: only the other. */
	mounted("share1", "/srv/a", NULL);
	plan_one(ctx, "0.0.0002", &a, &n);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].target, "/srv/a/b");
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

/* One line by tag, one by a bus-ID form: both name the device, two mounts. */
static void test_add_plan_tag_and_busid(void **state)
{
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	size_t n;

	(void)state;
	write_fstab("share2 /srv/by-tag virtiofs ro 0 0", "fe.1.0042 /srv/by-id virtiofs rw 0 0",
		    NULL);
	ctx = new_ctx("automount = fstab");
	plan_one(ctx, "0.1.0042", &a, &n);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].target, "/srv/by-id");
	assert_string_equal(a[0].options, "rw");
	assert_string_equal(a[1].target, "/srv/by-tag");
	assert_string_equal(a[1].options, "ro");
	assert_string_equal(a[0].tag, "share2");
	assert_string_equal(a[1].tag, "share2");
	vfc_action_array_free(a, n);

	/* Two lines on one mountpoint: one mount, as systemd makes one unit of them. */
	write_fstab("share2 /srv/same virtiofs ro 0 0", "0.1.0042 /srv/same/ virtiofs rw 0 0",
		    NULL);
	plan_one(ctx, "0.1.0042", &a, &n);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].options, "ro");
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

/*
 * Without systemd there is no automount unit: an x-systemd.automount line is
 * mounted when the share appears, as mount -a mounts it (mount(8) ignores
 * x-systemd.* options).
 */
static void test_add_plan_systemd_automount(void **state)
{
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	size_t n;

	(void)state;
	write_fstab("share1 /srv/lazy virtiofs x-systemd.automount,nofail 0 0", NULL);
	ctx = new_ctx("automount = fstab");
	plan_one(ctx, "0.0.0002", &a, &n);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].target, "/srv/lazy");
	assert_string_equal(a[0].options, "x-systemd.automount,nofail");
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

/*
 * A late parent hides one of a share's two auto-mounts: only that one comes
 * off and is mounted again; the other stays as it is.
 */
static void test_add_plan_late_parent_two_lines(void **state)
{
	char mark[64];
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	size_t n;

	(void)state;
	write_fstab("0.1.0042 /srv/a virtiofs defaults 0 0", "share0 /srv/x virtiofs ro 0 0",
		    "share0 /srv/a/b virtiofs ro 0 0", NULL);
	snprintf(mark, sizeof(mark), "0.0.1a12@%llu", instance_of("0.0.1a12"));
	mounted("share0", "/srv/x", mark);
	mounted("share0", "/srv/a/b", mark);
	ctx = new_ctx("automount = fstab");
	plan_one(ctx, "0.1.0042", &a, &n);
	assert_int_equal(n, 3);
	assert_int_equal(a[0].kind, VFC_ACTION_DETACH);
	assert_string_equal(a[0].target, "/srv/a/b");
	assert_int_equal(a[1].kind, VFC_ACTION_MOUNT);
	assert_string_equal(a[1].target, "/srv/a");
	assert_int_equal(a[2].kind, VFC_ACTION_MOUNT);
	assert_string_equal(a[2].target, "/srv/a/b");
	assert_string_equal(a[2].tag, "share0");
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
	unsetenv("LIBMOUNT_FSTAB");
}

/* A share mounted twice (two fstab lines): both auto-mounts go with the device. */
static void test_remove_plan_two_mounts(void **state)
{
	char mark[64];
	struct vfc_action *a;
	struct vfc_ctx *ctx;
	int data_id, rescue_id;
	size_t n;

	(void)state;
	snprintf(mark, sizeof(mark), "0.0.0002@%llu", instance_of("0.0.0002"));
	data_id = mounted("share1", "/srv/data", mark);
	rescue_id = mounted("share1", "/srv/rescue", mark);
	ctx = new_ctx("automount = fstab");
	assert_int_equal(vfc_plan_remove(ctx, &a, &n), 0);
	assert_int_equal(n, 0);
	vfc_action_array_free(a, n);

	/* The device goes (unplugged): both its mounts are detached, each by its own ID. */
	sh("rm '%s/tree/sys/bus/ccw/devices/0.0.0002'", tmp);
	assert_int_equal(vfc_plan_remove(ctx, &a, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].kind, VFC_ACTION_DETACH);
	assert_string_equal(a[0].target, "/srv/rescue");
	assert_int_equal(a[0].mount_id, rescue_id);
	assert_int_equal(a[1].kind, VFC_ACTION_DETACH);
	assert_string_equal(a[1].target, "/srv/data");
	assert_int_equal(a[1].mount_id, data_id);
	assert_string_equal(a[1].tag, "share1");
	vfc_action_array_free(a, n);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_remove_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_plan_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan_parents_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan_late_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan_busid_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan_noauto_then_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan_two_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan_tag_and_busid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan_systemd_automount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_plan_late_parent_two_lines, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_remove_plan_two_mounts, setup, teardown),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
