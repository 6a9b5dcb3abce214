// SPDX-License-Identifier: MIT
/*
 * mount --all against the 6.12 tree and fixture fstabs, with libmount's
 * mnt_context_mount() wrapped (-Wl,--wrap): the stand-in checks which
 * source each line mounts and plays the kernel's answer.
 */
#include <errno.h>
#include <libmount/libmount.h>
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

#include "config.h"
#include "mountall.h"
#include "trees.h"

int __wrap_mnt_context_mount(struct libmnt_context *cxt);

int __wrap_mnt_context_mount(struct libmnt_context *cxt)
{
	int r;

	function_called();
	check_expected_ptr(mnt_context_get_source(cxt));
	check_expected_ptr(mnt_context_get_options(cxt));
	r = mock_type(int);
	mnt_context_set_syscall_status(cxt, r);
	return r;
}

static void expect_mount(const char *source, const char *options, int answer)
{
	expect_function_call(__wrap_mnt_context_mount);
	expect_string(__wrap_mnt_context_mount, mnt_context_get_source(cxt), source);
	expect_string(__wrap_mnt_context_mount, mnt_context_get_options(cxt), options);
	will_return(__wrap_mnt_context_mount, answer);
}

/* What the report callback saw: one letter per line tried, and its options. */
struct seen {
	char lines[16];
	size_t n;
};

static void record(const struct vfc_fstab_entry *fe, const struct vfc_mount_req *req,
		   const struct vfc_mount_result *res, void *userdata)
{
	struct seen *s = userdata;

	assert_ptr_equal(req->spec, fe->spec);
	assert_string_equal(req->target, fe->target);
	assert_true(s->n < sizeof(s->lines) - 1);
	s->lines[s->n++] = res->excode == MNT_EX_SUCCESS ? 'm' : fe->nofail ? 's' : 'f';
}

/* The policy file @name of tests/fixtures/conf on a context on the 6.12 tree. */
static struct vfc_ctx *ctx_with_policy(const char *name)
{
	struct vfc_config *cfg = NULL;
	struct vfc_ctx *ctx = ctx_on_tree("612");
	char path[4096];

	snprintf(path, sizeof(path), "%s/conf/%s", getenv("VFC_TEST_FIXTURES"), name);
	assert_int_equal(vfc_config_load(path, &cfg, NULL), 0);
	vfc_ctx_set_config(ctx, cfg);
	vfc_config_unref(cfg);
	return ctx;
}

static void use_fstab(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/fstab/%s", getenv("VFC_TEST_FIXTURES"), name);
	assert_int_equal(setenv("LIBMOUNT_FSTAB", path, 1), 0);
}

/* An fstab of its own: @text in a temporary file that LIBMOUNT_FSTAB names. */
static char fstab[64];

static void write_fstab(const char *text)
{
	FILE *f;
	int fd;

	snprintf(fstab, sizeof(fstab), "/tmp/vfc-fstab-XXXXXX");
	fd = mkstemp(fstab);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(setenv("LIBMOUNT_FSTAB", fstab, 1), 0);
}

static int remove_fstab(void **state)
{
	(void)state;
	if (fstab[0])
		unlink(fstab);
	fstab[0] = '\0';
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * virtiofs.fstab: noauto left out, -o added to each line's options, a nofail
 * line that fails skipped, one that fails without nofail makes it "some".
 */
static void test_mount_all_counts(void **state)
{
	struct vfc_mount_req tmpl = { .wait_ms = -1, .options = "ro",
				      .flags = VFC_MOUNT_NOMODLOAD | VFC_MOUNT_IDEMPOTENT };
	struct vfc_mount_all_result res;
	struct seen seen = { 0 };
	struct vfc_ctx *ctx;

	(void)state;
	ctx = ctx_with_policy("wait0.conf");
	use_fstab("virtiofs.fstab");
	expect_mount("share0", "defaults,nofail,ro", 0);
	expect_mount("share2", "ro,ro", 0);
	expect_mount("share1", "defaults,ro", 0);
	/* 0.0.9999 is absent: no mount(2); "share0 /srv/never" is noauto. */
	expect_mount("data set 7", "defaults,ro", -EACCES);
	assert_int_equal(vfc_mount_all(ctx, &tmpl, record, &seen, &res), -EIO);
	assert_string_equal(seen.lines, "mmmsf");
	assert_int_equal(res.lines, 6);
	assert_int_equal(res.mounted, 3);
	assert_int_equal(res.failed, 1);
	assert_int_equal(res.skipped, 1);
	assert_int_equal(res.noauto, 1);
	assert_int_equal(res.excode, MNT_EX_SOMEOK);
	assert_null(res.message);
	vfc_mount_all_result_clear(&res);
	vfc_ctx_unref(ctx);
}

/* Failures of nofail lines only are no failure; no line mounted at all is one. */
static void test_mount_all_excodes(void **state)
{
	struct vfc_mount_req tmpl = { .wait_ms = -1, .flags = VFC_MOUNT_NOMODLOAD };
	struct vfc_mount_all_result res;
	struct vfc_ctx *ctx;

	(void)state;
	ctx = ctx_with_policy("wait0.conf");
	write_fstab("share1 /tmp virtiofs defaults 0 0\n"
		    "0.0.9999 /tmp virtiofs nofail 0 0\n");
	expect_mount("share1", "defaults", 0);
	assert_int_equal(vfc_mount_all(ctx, &tmpl, NULL, NULL, &res), 0);
	assert_int_equal(res.excode, MNT_EX_SUCCESS);
	assert_int_equal(res.mounted, 1);
	assert_int_equal(res.skipped, 1);
	vfc_mount_all_result_clear(&res);
	remove_fstab(NULL);

	write_fstab("share1 /tmp virtiofs defaults 0 0\n"
		    "0.0.9999 /tmp virtiofs defaults 0 0\n");
	expect_mount("share1", "defaults", -EACCES);
	assert_int_equal(vfc_mount_all(ctx, &tmpl, NULL, NULL, &res), -EIO);
	assert_int_equal(res.excode, MNT_EX_FAIL);
	assert_int_equal(res.failed, 2);
	vfc_mount_all_result_clear(&res);
	remove_fstab(NULL);

	/* No fstab: nothing to do. */
	assert_int_equal(setenv("LIBMOUNT_FSTAB", "/nonexistent/fstab", 1), 0);
	assert_int_equal(vfc_mount_all(ctx, &tmpl, NULL, NULL, &res), 0);
	assert_int_equal(res.excode, MNT_EX_SUCCESS);
	assert_int_equal(res.lines, 0);
	vfc_mount_all_result_clear(&res);
	vfc_ctx_unref(ctx);
}

/*
 * A line that names no wait waits as long as the policy says, as the helper
 * does at boot: with "wait = 0" an absent device fails at once, not in 10 s.
 */
static void test_mount_all_policy_wait(void **state)
{
	struct vfc_mount_req tmpl = { .wait_ms = -1, .flags = VFC_MOUNT_NOMODLOAD };
	struct vfc_mount_all_result res;
	struct seen seen = { 0 };
	struct vfc_ctx *ctx;
	long long t0;

	(void)state;
	ctx = ctx_with_policy("wait0.conf");
	write_fstab("0.0.9999 /tmp virtiofs defaults 0 0\n");
	t0 = now_ms();
	assert_int_equal(vfc_mount_all(ctx, &tmpl, record, &seen, &res), -EIO);
	assert_true(now_ms() - t0 < 2000);
	assert_string_equal(seen.lines, "f");
	assert_int_equal(res.excode, MNT_EX_FAIL);
	vfc_mount_all_result_clear(&res);
	vfc_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mount_all_counts),
		cmocka_unit_test_teardown(test_mount_all_excodes, remove_fstab),
		cmocka_unit_test_teardown(test_mount_all_policy_wait, remove_fstab),
	};

	return cmocka_run_group_tests_name("mountall", tests, NULL, NULL);
}
