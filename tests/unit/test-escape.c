// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libmount/libmount.h>

#include "escape.h"

static void check(const char *in, const char *expected)
{
	char *out = vfc_escape_display(in);

	assert_non_null(out);
	assert_string_equal(out, expected);
	free(out);
}

static void test_display(void **state)
{
	(void)state;
	check("share0", "share0");
	check("", "");
	check("data set 7", "data set 7");
	check("../../etc", "../../etc");
	check("a\\b", "a\\x5cb");
	check("\\x41", "\\x5cx41"); /* reads back as the four bytes it was */
	check("tab\there", "tab\\x09here");
	check("\x1b[31mred", "\\x1b[31mred"); /* no terminal escapes get through */
	check("del\x7f", "del\\x7f");
	check("caf\xc3\xa9", "caf\xc3\xa9");		   /* UTF-8 stays */
	check("\xe2\x82\xac", "\xe2\x82\xac");		   /* 3-byte sequence */
	check("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");	   /* 4-byte sequence */
	check("\xff\xfe-bytes", "\\xff\\xfe-bytes");	   /* not UTF-8 */
	check("\xc3", "\\xc3");				   /* truncated sequence */
	check("\xc0\xaf", "\\xc0\\xaf");		   /* overlong '/' */
	check("\xe0\x80\xaf", "\\xe0\\x80\\xaf");	   /* overlong, 3 bytes */
	check("\xed\xa0\x80", "\\xed\\xa0\\x80");	   /* surrogate */
	check("\xc2\x9b", "\\xc2\\x9b");		   /* C1 CSI */
	check("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* beyond U+10FFFF */
}

static void fstab_is(const char *in, const char *expected)
{
	char *out = vfc_escape_fstab(in), *back;

	assert_non_null(out);
	assert_string_equal(out, expected);
	/* libmount reads the field back to the very same bytes. */
	back = mnt_unmangle(out);
	assert_non_null(back);
	assert_string_equal(back, in);
	free(back);
	free(out);
}

static void test_fstab(void **state)
{
	(void)state;
	fstab_is("share0", "share0");
	fstab_is("data set 7", "data\\040set\\0407");
	fstab_is("tab\there", "tab\\011here");
	fstab_is("a\\b", "a\\134b");
	fstab_is("#comment", "\\043comment");
	fstab_is("\x1b[2J", "\\033[2J");
	fstab_is("\xff\xfe", "\\377\\376");
	fstab_is("/mnt/virtiofs/\\x2e.", "/mnt/virtiofs/\\134x2e.");
}

/* Each case as systemd-escape --path --suffix=mount prints it (systemd 252). */
static void test_unit_path(void **state)
{
	static const char *const cases[][2] = {
		{ "/srv/data", "srv-data.mount" },
		{ "/", "-.mount" },
		{ "/srv//a/", "srv-a.mount" },
		{ "/a/./b", "a-b.mount" },
		{ "/mnt/a b", "mnt-a\\x20b.mount" },
		{ "/srv/my-data", "srv-my\\x2ddata.mount" },
		{ "/.hidden/x", "\\x2ehidden-x.mount" },
		{ "/srv/.x", "srv-.x.mount" },
		{ "/srv/\xc3\xa4", "srv-\\xc3\\xa4.mount" },
		{ "/a\\b", "a\\x5cb.mount" },
		{ "/mnt/$(x)", "mnt-\\x24\\x28x\\x29.mount" },
	};
	char *got;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = vfc_escape_unit_path(cases[i][0], ".mount");
		assert_non_null(got);
		assert_string_equal(got, cases[i][1]);
		free(got);
	}
	assert_null(vfc_escape_unit_path("relative", ".mount"));
	got = vfc_escape_unit_path("/sys/subsystem/virtiofs/by-busid/0.0.1a12", ".device");
	assert_string_equal(got, "sys-subsystem-virtiofs-by\\x2dbusid-0.0.1a12.device");
	free(got);
}

static void dirname_is(const char *tag, const char *expected)
{
	char *d = vfc_escape_dirname(tag);

	assert_non_null(d);
	assert_string_equal(d, expected);
	/* One component, never the base or its parent. */
	assert_null(strchr(d, '/'));
	assert_string_not_equal(d, ".");
	assert_string_not_equal(d, "..");
	assert_true(d[0] != '\0' && d[0] != '-');
	free(d);
}

static void test_dirname(void **state)
{
	(void)state;
	dirname_is("share0", "share0");
	dirname_is("data.set_1-a", "data.set_1-a");
	dirname_is(".", "\\x2e");
	dirname_is("..", "\\x2e.");
	dirname_is("../x", "\\x2e.\\x2fx");
	dirname_is("a/b", "a\\x2fb");
	dirname_is("/", "\\x2f");
	dirname_is("-rf", "\\x2drf");
	dirname_is(".hidden", "\\x2ehidden");
	dirname_is("a b", "a\\x20b");
	dirname_is("$(reboot)", "\\x24\\x28reboot\\x29");
	dirname_is("back\\slash", "back\\x5cslash");
	dirname_is("\xff\xfe", "\\xff\\xfe");
	dirname_is("caf\xc3\xa9", "caf\\xc3\\xa9");
	dirname_is("", "\\x00");
	dirname_is("abcdefghijklmnopqrstuvwxyz0123456789",
		   "abcdefghijklmnopqrstuvwxyz0123456789");
}

/* Different tags never share a directory: the escaping is injective. */
static void test_dirname_injective(void **state)
{
	static const char *const tags[] = { "a/b", "a\\x2fb", "a\\b", "a b", "a\\x20b", ".x",
					    "\\x2ex", "x.", "-", "\\x2d" };
	char *d[sizeof(tags) / sizeof(tags[0])];

	(void)state;
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		d[i] = vfc_escape_dirname(tags[i]);
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		for (size_t j = i + 1; j < sizeof(tags) / sizeof(tags[0]); j++)
			if (strcmp(d[i], d[j]) == 0)
				fail_msg("'%s' and '%s' both map to '%s'", tags[i], tags[j], d[i]);
	}
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		free(d[i]);
}

static void target_is(const char *base, const char *tag, const char *expected)
{
	char *t = vfc_escape_subdir(base, tag);

	assert_non_null(t);
	assert_string_equal(t, expected);
	free(t);
}

static void test_target(void **state)
{
	(void)state;
	target_is("/run/virtiofs", "share0", "/run/virtiofs/share0");
	target_is("/run/virtiofs/", "share0", "/run/virtiofs/share0");
	target_is("/run/virtiofs//", "../../etc", "/run/virtiofs/\\x2e.\\x2f..\\x2fetc");
	target_is("/", "x", "/x");
}

/* What vfc_escape_subdir() makes is a subdir again, whatever the base's slashes. */
static void test_is_subdir(void **state)
{
	static const char *const bases[] = { "/run/virtiofs", "/run/virtiofs/", "/run/virtiofs//",
					     "/" };
	static const char *const tags[] = { "share0", "../../etc", "a/b", "" };

	(void)state;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		for (size_t j = 0; j < sizeof(tags) / sizeof(tags[0]); j++) {
			char *t = vfc_escape_subdir(bases[i], tags[j]);

			assert_non_null(t);
			if (!vfc_escape_is_subdir(bases[i], t))
				fail_msg("'%s' is not below '%s'", t, bases[i]);
			free(t);
		}
	assert_false(vfc_escape_is_subdir("/run/virtiofs", "/run/virtiofs"));
	assert_false(vfc_escape_is_subdir("/run/virtiofs", "/run/virtiofs/"));
	assert_false(vfc_escape_is_subdir("/run/virtiofs", "/run/virtiofs/a/b"));
	assert_false(vfc_escape_is_subdir("/run/virtiofs", "/run/virtiofsx/a"));
	assert_false(vfc_escape_is_subdir("/run/virtiofs/", "/srv/a"));
	assert_true(vfc_escape_is_subdir("/run/virtiofs/", "/run/virtiofs/a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_fstab),
		cmocka_unit_test(test_unit_path),
		cmocka_unit_test(test_dirname),
		cmocka_unit_test(test_dirname_injective),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_is_subdir),
	};

	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
