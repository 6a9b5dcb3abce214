// SPDX-License-Identifier: MIT
/*
 * Mount options and sources as libmount reads them. Where the answer is
 * libmount's, the test asks libmount too, so that a libmount that reads an
 * option otherwise shows here rather than in a mount that goes wrong.
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
#include <sys/mount.h>
#include <cmocka.h>

#include "config.h"
#include "mountopts.h"

static void wait_is(const char *options, int ms)
{
	int got = -42;
	char *msg = NULL;

	assert_int_equal(vfc_mountopts_get_wait(options, &got, &msg), 1);
	assert_int_equal(got, ms);
	assert_null(msg);
}

/* -EINVAL; the message names the option and shows @shown as the value. */
static void wait_refused(const char *options, const char *shown)
{
	char *msg = NULL, *expected;
	int ms = -42;

	assert_int_equal(vfc_mountopts_get_wait(options, &ms, &msg), -EINVAL);
	assert_int_equal(ms, -42);
	assert_non_null(msg);
	assert_true(asprintf(&expected,
			     "invalid " VFC_OPT_WAIT "=%s: expected a number of seconds "
			     "from 0 to %d",
			     shown, VFC_WAIT_MAX_S) > 0);
	assert_string_equal(msg, expected);
	assert_null(strchr(msg, '\n'));
	free(expected);
	free(msg);

	/* No message wanted: the same answer. */
	ms = -42;
	assert_int_equal(vfc_mountopts_get_wait(options, &ms, NULL), -EINVAL);
	assert_int_equal(ms, -42);
}

static void test_get_wait(void **state)
{
	char *msg = NULL;
	int ms = -42;

	(void)state;
	/* Absent: 0, and the caller's default stays (mount.virtiofs relies on that). */
	assert_int_equal(vfc_mountopts_get_wait(NULL, &ms, &msg), 0);
	assert_int_equal(vfc_mountopts_get_wait("", &ms, &msg), 0);
	assert_int_equal(vfc_mountopts_get_wait("ro,nosuid", &ms, &msg), 0);
	assert_int_equal(vfc_mountopts_get_wait("x-virtiofs-ccw.waits=5", &ms, &msg), 0);
	assert_int_equal(vfc_mountopts_get_wait("x-virtiofs-ccw.auto=0.0.1a12", &ms, &msg), 0);
	assert_int_equal(ms, -42);
	assert_null(msg);

	wait_is("x-virtiofs-ccw.wait=5", 5000);
	wait_is("ro,x-virtiofs-ccw.wait=5,nosuid", 5000);
	wait_is("x-virtiofs-ccw.wait=0", 0);
	wait_is("x-virtiofs-ccw.wait=007", 7000);
	wait_is("x-virtiofs-ccw.wait=86400", 86400000); /* VFC_WAIT_MAX_S */

	wait_refused("x-virtiofs-ccw.wait=-1", "-1");
	wait_refused("x-virtiofs-ccw.wait=soon", "soon");
	wait_refused("ro,x-virtiofs-ccw.wait=,nosuid", "");
	wait_refused("x-virtiofs-ccw.wait=", "");
	wait_refused("x-virtiofs-ccw.wait=86401", "86401");
	wait_refused("x-virtiofs-ccw.wait=100000", "100000");
	wait_refused("x-virtiofs-ccw.wait=5s", "5s");
	wait_refused("x-virtiofs-ccw.wait=+5", "+5");
	wait_refused("x-virtiofs-ccw.wait=0x10", "0x10");
	wait_refused("x-virtiofs-ccw.wait", ""); /* no '=' */
	wait_refused("ro,x-virtiofs-ccw.wait", "");
	/* The administrator's text, shown short and escaped: no terminal controls get out. */
	wait_refused("x-virtiofs-ccw.wait=\x1b[2J", "\\x1b[2J");
	wait_refused("x-virtiofs-ccw.wait=a\tb\\", "a\\x09b\\x5c");
	wait_refused("x-virtiofs-ccw.wait=12345678901234567890", "1234567890123456");
}

/* Does libmount's own map give @opt a flag of the operations? */
static bool libmount_knows(const char *opt)
{
	const struct libmnt_optmap *map = mnt_get_builtin_optmap(MNT_LINUX_MAP);

	for (; map && map->name; map++)
		if (strcmp(map->name, opt) == 0)
			return map->id & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE |
					  MS_SLAVE | MS_UNBINDABLE);
	return false;
}

static void test_is_operation(void **state)
{
	/* As mount(8) writes them into the option string (-o, --bind, --make-*, ...). */
	static const char *const ops[] = {
		"remount",    "bind",	 "rbind",    "shared", "private",     "slave",
		"unbindable", "rshared", "rprivate", "rslave", "runbindable",
	};
	static const char *const with_others[] = {
		"remount,ro", "ro,remount", "rw,bind", "nosuid,rbind,nodev", "noexec,rslave",
		"x-virtiofs-ccw.wait=5,remount",
	};
	static const char *const not_ops[] = {
		"",	    "ro",	  "ro,nosuid",	 "rw,nodev,noexec",
		"defaults", "dax=always", "noauto,user", "x-virtiofs-ccw.wait=5",
		"x-bind",   "nobind",	  "bindx",	 "make-shared",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!vfc_mountopts_is_operation(ops[i]))
			fail_msg("'%s' is an operation", ops[i]);
		/* ... as libmount itself reads it. */
		assert_true(libmount_knows(ops[i]));
	}
	for (size_t i = 0; i < sizeof(with_others) / sizeof(with_others[0]); i++)
		if (!vfc_mountopts_is_operation(with_others[i]))
			fail_msg("'%s' is an operation", with_others[i]);
	for (size_t i = 0; i < sizeof(not_ops) / sizeof(not_ops[0]); i++)
		if (vfc_mountopts_is_operation(not_ops[i]))
			fail_msg("'%s' is no operation", not_ops[i]);
	assert_false(vfc_mountopts_is_operation(NULL));
	/* mount(8) turns --make-shared into "shared": "make-shared" is no option. */
	assert_false(libmount_knows("make-shared"));

	/*
	 * "move" is libmount's to read: util-linux up to 2.38 has no "move" in
	 * its option map (mount(8) --move sets MS_MOVE itself, "as option
	 * string is not supported by libmount"), so "-o move" is no operation
	 * there but filesystem data for the kernel; from 2.39 on the map has it.
	 * The answer must follow the libmount we run with.
	 */
	assert_int_equal(vfc_mountopts_is_operation("move"), libmount_knows("move"));
	assert_int_equal(vfc_mountopts_is_operation("ro,move"), libmount_knows("move"));
}

static void host_option_is(const char *options, const char *expected)
{
	size_t len = 0;
	const char *p = vfc_mountopts_find_host_option(options, &len);

	if (!expected) {
		if (p)
			fail_msg("'%s': found '%.*s'", options, (int)len, p);
		return;
	}
	if (!p)
		fail_msg("'%s': no host option found, expected '%s'", options, expected);
	/* A pointer into @options, and the length covers the option with its value. */
	assert_true(p >= options && p < options + strlen(options));
	assert_int_equal(len, strlen(expected));
	assert_memory_equal(p, expected, len);
}

static void test_find_host_option(void **state)
{
	(void)state;
	host_option_is("cache=always", "cache=always");
	host_option_is("ro,xattr", "xattr");
	host_option_is("ro,xattr,nosuid", "xattr");
	host_option_is("ro,cache=auto,xattr", "cache=auto"); /* the first */
	host_option_is("nosuid,sandbox=chroot", "sandbox=chroot");
	host_option_is("thread-pool-size=4", "thread-pool-size=4");
	host_option_is("uid=1000,gid=1000", "uid=1000");
	host_option_is("no_xattr", "no_xattr");
	host_option_is("cache=", "cache=");

	/* The guest's own: dax (bare or with a mode) and the generic ones. */
	host_option_is("dax=always", NULL);
	host_option_is("dax", NULL);
	host_option_is("ro", NULL);
	host_option_is("ro,nosuid,nodev,noexec,relatime", NULL);
	host_option_is("x-virtiofs-ccw.wait=5", NULL);
	/* Whole names only: no prefix, no suffix, no other case. */
	host_option_is("cached=always", NULL);
	host_option_is("xattrs", NULL);
	host_option_is("CACHE=always", NULL);
	host_option_is("", NULL);
	assert_null(vfc_mountopts_find_host_option(NULL, &(size_t){ 0 }));
}

/* Does libmount, setting @source as a source, read it as a tag? Then which name? */
static bool libmount_tag(const char *source, size_t *ret_len)
{
	struct libmnt_fs *fs = mnt_new_fs();
	const char *name = NULL, *value = NULL;
	bool tag;

	assert_non_null(fs);
	assert_int_equal(mnt_fs_set_source(fs, source), 0);
	tag = mnt_fs_get_tag(fs, &name, &value) == 0;
	if (tag)
		*ret_len = strlen(name);
	mnt_unref_fs(fs);
	return tag;
}

static void test_is_libmount_tag(void **state)
{
	static const struct {
		const char *source;
		size_t len; /* 0: not a tag */
	} cases[] = {
		{ "LABEL=x", 5 },
		{ "UUID=0a1b2c3d-0000-4000-8000-000000000001", 4 },
		{ "PARTLABEL=data", 9 },
		{ "PARTUUID=0a1b2c3d-01", 8 },
		{ "ID=virtio-share0", 2 },
		{ "LABEL=\"quoted\"", 5 },
		{ "LABEL=a=b", 5 },
		{ "share=1", 0 },
		{ "label=x", 0 },
		{ "Label=x", 0 },
		{ "uuid=x", 0 },
		{ "LABEL", 0 },
		{ "UUID", 0 },
		{ "LABELS=x", 0 },
		{ "LABEL=", 0 }, /* no value: no lookup, a source like any other */
		{ "UUID=", 0 },
		{ "XLABEL=x", 0 },
		{ "=x", 0 },
		{ "share0", 0 },
		{ "0.0.1a12", 0 },
		{ "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = 99, lm_len = 0;
		bool tag = vfc_mountopts_is_libmount_tag(cases[i].source, &len);
		bool lm = libmount_tag(cases[i].source, &lm_len);

		if (tag != (cases[i].len > 0))
			fail_msg("'%s': %s a libmount tag", cases[i].source, tag ? "is" : "is not");
		if (tag)
			assert_int_equal(len, cases[i].len);
		else
			assert_int_equal(len, 99);
		/* ... and libmount says the same. */
		if (lm != tag)
			fail_msg("'%s': libmount %s it a tag", cases[i].source,
				 lm ? "reads" : "does not read");
		if (lm)
			assert_int_equal(lm_len, cases[i].len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_wait),
		cmocka_unit_test(test_is_operation),
		cmocka_unit_test(test_find_host_option),
		cmocka_unit_test(test_is_libmount_tag),
	};

	return cmocka_run_group_tests_name("mountopts", tests, NULL, NULL);
}
