// SPDX-License-Identifier: MIT
/*
 * Module loading against a fake /proc/filesystems (umockdev) with libkmod's
 * insertion stood in for: modload.c looks libkmod's functions up in the
 * global scope, where this program's own definition (exported, -rdynamic)
 * comes first. It plays the kernel, registering the filesystem or failing as
 * each test asks.
 */
#include <errno.h>
#include <pthread.h>
#include <libkmod.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "modload.h"

static char root[256];

static void write_filesystems(const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/filesystems", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

int kmod_module_probe_insert_module(struct kmod_module *mod, unsigned int flags,
					    const char *extra_options,
					    int (*run_install)(struct kmod_module *m,
							       const char *cmdline, void *data),
					    const void *data,
					    void (*print_action)(struct kmod_module *m, bool install,
								 const char *options));

int kmod_module_probe_insert_module(struct kmod_module *mod, unsigned int flags,
					    const char *extra_options,
					    int (*run_install)(struct kmod_module *m,
							       const char *cmdline, void *data),
					    const void *data,
					    void (*print_action)(struct kmod_module *m, bool install,
								 const char *options))
{
	int ret;

	(void)extra_options;
	(void)run_install;
	(void)data;
	(void)print_action;
	function_called();
	check_expected_ptr(kmod_module_get_name(mod));
	/* modprobe's rule: a blacklisted module is not loaded. */
	assert_true(flags & KMOD_PROBE_APPLY_BLACKLIST);
	ret = mock_type(int);
	if (mock_type(int)) /* does the "kernel" register the filesystem? */
		write_filesystems("nodev\tproc\nnodev\tfuse\nnodev\tvirtiofs\n");
	return ret;
}

static void expect_probe(int ret, int registers)
{
	expect_function_call(kmod_module_probe_insert_module);
	expect_string(kmod_module_probe_insert_module, kmod_module_get_name(mod), "virtiofs");
	will_return(kmod_module_probe_insert_module, ret);
	will_return(kmod_module_probe_insert_module, registers);
}

static int setup(void **state)
{
	char path[512];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/vfc-modload-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	assert_int_equal(mkdir(path, 0755), 0);
	write_filesystems("nodev\tsysfs\nnodev\tproc\n\text4\n");
	setenv("UMOCKDEV_DIR", root, 1);
	return 0;
}

static int teardown(void **state)
{
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/proc/filesystems", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc", root);
	rmdir(path);
	rmdir(root);
	return 0;
}

static struct vfc_ctx *new_ctx(void)
{
	struct vfc_ctx *ctx;

	assert_int_equal(vfc_ctx_new(&ctx), 0);
	return ctx;
}

static void test_registered_needs_nothing(void **state)
{
	struct vfc_ctx *ctx = new_ctx();

	(void)state;
	/* Built in (Debian 6.12) or loaded: libkmod is not asked at all. */
	write_filesystems("nodev\tfuse\nnodev\tvirtiofs\n");
	assert_true(vfc_modload_is_registered("virtiofs"));
	assert_int_equal(vfc_modload_virtiofs(ctx), 0);
	vfc_ctx_unref(ctx);
}

static void test_load(void **state)
{
	struct vfc_ctx *ctx = new_ctx();

	(void)state;
	assert_false(vfc_modload_is_registered("virtiofs"));
	expect_probe(0, 1);
	assert_int_equal(vfc_modload_virtiofs(ctx), 0);
	assert_true(vfc_modload_is_registered("virtiofs"));
	vfc_ctx_unref(ctx);
}

static void test_missing_module(void **state)
{
	struct vfc_ctx *ctx = new_ctx();

	(void)state;
	expect_probe(-ENOENT, 0);
	assert_int_equal(vfc_modload_virtiofs(ctx), -ENOENT);
	vfc_ctx_unref(ctx);
}

static void test_blacklisted(void **state)
{
	struct vfc_ctx *ctx = new_ctx();

	(void)state;
	expect_probe(KMOD_PROBE_APPLY_BLACKLIST, 0);
	assert_int_equal(vfc_modload_virtiofs(ctx), -ECANCELED);
	vfc_ctx_unref(ctx);
}

static void test_loaded_but_absent(void **state)
{
	struct vfc_ctx *ctx = new_ctx();

	(void)state;
	expect_probe(0, 0);
	assert_int_equal(vfc_modload_virtiofs(ctx), -ENOPKG);
	vfc_ctx_unref(ctx);
}

/* /sys/module/virtiofs/initstate, as the kernel shows a module being initialised. */
static void write_initstate(const char *state)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "mkdir -p '%s/sys/module/virtiofs'", root);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/sys/module/virtiofs/initstate", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", state);
	fclose(f);
}

static void *register_later(void *arg)
{
	(void)arg;
	usleep(300000);
	write_filesystems("nodev\tproc\nnodev\tfuse\nnodev\tvirtiofs\n");
	write_initstate("live");
	return NULL;
}

/* A module still coming (loaded by someone else right now): its filesystem is waited for. */
static void test_coming(void **state)
{
	struct vfc_ctx *ctx = new_ctx();
	struct timespec t0, t1;
	char path[512];
	pthread_t t;

	(void)state;
	write_initstate("coming");
	expect_probe(0, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pthread_create(&t, NULL, register_later, NULL), 0);
	assert_int_equal(vfc_modload_virtiofs(ctx), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(t, NULL);
	assert_true(t1.tv_sec - t0.tv_sec < 4);
	assert_true(vfc_modload_is_registered("virtiofs"));
	vfc_ctx_unref(ctx);
	snprintf(path, sizeof(path), "rm -rf '%s/sys'", root);
	assert_int_equal(system(path), 0);
}

static void test_not_root(void **state)
{
	struct vfc_ctx *ctx = new_ctx();

	(void)state;
	expect_probe(-EPERM, 0);
	assert_int_equal(vfc_modload_virtiofs(ctx), -EPERM);
	vfc_ctx_unref(ctx);
}

static void test_name_not_prefix(void **state)
{
	(void)state;
	/* "virtiofs" must be a whole name, not the prefix of another. */
	write_filesystems("nodev\tvirtiofs2\nnodev\tfuse.virtiofs\n");
	assert_false(vfc_modload_is_registered("virtiofs"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_registered_needs_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_module, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blacklisted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loaded_but_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coming, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_not_prefix, setup, teardown),
	};

	return cmocka_run_group_tests_name("modload", tests, NULL, NULL);
}
