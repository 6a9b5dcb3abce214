// SPDX-License-Identifier: MIT
/*
 * The kernel command line as systemd reads it for its generators, and what
 * it says of a virtio-fs root.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline.h"

static void expect_val(const char *cmdline, const char *key, const char *want)
{
	char *v = NULL;
	int r = vfc_cmdline_get(cmdline, key, &v);

	if (!want) {
		if (r != -ENOENT)
			fail_msg("[%s] %s: %d '%s', expected none", cmdline, key, r, v ? v : "");
		return;
	}
	if (r != 0)
		fail_msg("[%s] %s: %d, expected '%s'", cmdline, key, r, want);
	assert_string_equal(v, want);
	free(v);
}

/* Words, quotes and backslashes as systemd's proc_cmdline takes them; the last word wins. */
static void test_get(void **state)
{
	(void)state;
	expect_val("root=/dev/vda ro quiet", "root", "/dev/vda");
	expect_val("root=/dev/vda ro quiet", "ro", "");
	expect_val("root=/dev/vda ro quiet", "rootfstype", NULL);
	expect_val("rootfstype=ext4 root=a", "root", "a");
	expect_val("root=a root=b", "root", "b");
	expect_val("  root=a\tx=1\n", "x", "1");
	expect_val("root=\"virtiofs:my share\" ro", "root", "virtiofs:my share");
	expect_val("\"root=virtiofs:my share\" ro", "root", "virtiofs:my share");
	expect_val("root='a \"b\"'", "root", "a \"b\"");
	expect_val("root=caf\\\\x", "root", "caf\\x");
	expect_val("root=a\\ b", "root", "a b");
	expect_val("rd.timeout=20", "rd.timeout", "20");
	expect_val("rd.timeouts=20", "rd.timeout", NULL);
	expect_val("", "root", NULL);
}

static void expect_root(const char *cmdline, const char *want)
{
	char *spec = NULL;
	int r = vfc_cmdline_get_root(cmdline, &spec);

	if (!want) {
		if (r != 0)
			fail_msg("[%s]: %d '%s', expected no virtio-fs root", cmdline, r,
				 spec ? spec : "");
		return;
	}
	if (r != 1)
		fail_msg("[%s]: %d, expected '%s'", cmdline, r, want);
	assert_string_equal(spec, want);
	free(spec);
}

/* root=virtiofs:SPEC, or root=SPEC with rootfstype=virtiofs: SPEC as it is. */
static void test_root(void **state)
{
	(void)state;
	expect_root("root=virtiofs:0.0.1a12 ro", "0.0.1a12");
	expect_root("root=virtiofs:fe.0.1a12", "fe.0.1a12");
	expect_root("root=virtiofs:share0", "share0");
	expect_root("root=virtiofs:virtiofs:x", "virtiofs:x");
	expect_root("rootfstype=virtiofs root=0.0.1a12", "0.0.1a12");
	expect_root("root=1a12 rootfstype=virtiofs", "1a12");
	expect_root("root=\"virtiofs:a b\"", "a b");
	expect_root("root=/dev/vda rootfstype=ext4", NULL);
	expect_root("root=/dev/vda", NULL);
	expect_root("root=virtiofs:", NULL);
	expect_root("rootfstype=virtiofs", NULL);
	expect_root("root=virtiofs:a root=/dev/vda", NULL);
	expect_root("quiet", NULL);
}

/* $SYSTEMD_PROC_CMDLINE and $SYSTEMD_IN_INITRD, as systemd's generators take them. */
static void test_env(void **state)
{
	char *line = NULL;

	(void)state;
	assert_int_equal(setenv("SYSTEMD_PROC_CMDLINE", "root=virtiofs:x", 1), 0);
	assert_int_equal(vfc_cmdline_read(&line), 0);
	assert_string_equal(line, "root=virtiofs:x");
	free(line);
	assert_int_equal(setenv("SYSTEMD_IN_INITRD", "1", 1), 0);
	assert_true(vfc_in_initrd());
	assert_int_equal(setenv("SYSTEMD_IN_INITRD", "no", 1), 0);
	assert_false(vfc_in_initrd());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_env),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
