// SPDX-License-Identifier: MIT
/*
 * The systemd unit names of the shares, against the fake trees under umockdev
 * (the 612 tree exports tags, the 61 tree does not) and the fixture fstab.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "device.h"
#include "escape.h"
#include "fstab.h"
#include "macro.h"
#include "unit.h"
#include "trees.h"

#define BY_BUSID VFC_ALIAS_BUSID_DIR "/"
#define BY_TAG	 VFC_ALIAS_TAG_DIR "/"

static void use_policy(struct vfc_ctx *ctx, const char *name)
{
	struct vfc_config *cfg = NULL;
	char path[4096], *msg = NULL;

	snprintf(path, sizeof(path), "%s/conf/%s", getenv("VFC_TEST_FIXTURES"), name);
	if (vfc_config_load(path, &cfg, &msg) != 0)
		fail_msg("%s: %s", path, msg ? msg : "?");
	vfc_ctx_set_config(ctx, cfg);
	vfc_config_unref(cfg);
}

static void test_alias_busid(void **state)
{
	static const struct {
		struct vfc_busid id;
		const char *alias;
	} cases[] = {
		{ { 0, 0x1a12 }, BY_BUSID "0.0.1a12" },
		{ { 1, 0x0042 }, BY_BUSID "0.1.0042" },
		{ { 0, 0x0000 }, BY_BUSID "0.0.0000" },
		{ { 3, 0xffff }, BY_BUSID "0.3.ffff" },
	};
	char *p, *unit;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = vfc_unit_alias_busid(&cases[i].id);
		assert_non_null(p);
		assert_string_equal(p, cases[i].alias);
		free(p);
	}
	/* The device unit systemd makes of it, as unit.h names it. */
	p = vfc_unit_alias_busid(&cases[0].id);
	unit = vfc_escape_unit_path(p, ".device");
	assert_non_null(unit);
	assert_string_equal(unit, "sys-subsystem-virtiofs-by\\x2dbusid-0.0.1a12.device");
	free(unit);
	free(p);
}

/*
 * @tag's alias is @component below VFC_ALIAS_TAG_DIR, and survives PID 1's
 * reading of SYSTEMD_ALIAS (extract_first_word() with EXTRACT_UNQUOTE:
 * blanks split, quotes and backslashes are consumed) as it is.
 */
static void tag_alias_is(const char *tag, const char *component)
{
	char *p = vfc_unit_alias_tag(tag);
	const char *c;

	assert_non_null(p);
	assert_int_equal(strncmp(p, BY_TAG, strlen(BY_TAG)), 0);
	c = p + strlen(BY_TAG);
	if (component)
		assert_string_equal(c, component);
	assert_true(*c);
	assert_null(strchr(c, '/'));
	assert_string_not_equal(c, ".");
	assert_string_not_equal(c, "..");
	assert_int_equal(strcspn(p, " \t\n\r\v\f\\'\""), strlen(p));
	free(p);
}

/* What systemd-escape (the systemd on this machine) says, run without a shell. */
static char *systemd_escape(const char *suffix, const char *path)
{
	char buf[4096], opt[64];
	ssize_t n, len = 0;
	int fds[2], status;
	pid_t pid;

	snprintf(opt, sizeof(opt), "--suffix=%s", suffix);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execlp("systemd-escape", "systemd-escape", "--path", opt, "--", path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("systemd-escape --path %s '%s' failed (exit %d): is systemd installed?",
			 opt, path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

/* Tags of every byte class the host may choose. */
static const char *const odd_tags[] = {
	"share0", "a b", "ax20b", "a\\x20b", "a%20b", "%", "tab\there", "a/b", "/lead",
	"-dash", ".dot", "..", ".", "x=y", "LABEL=x", "it's", "say \"hi\"", "$HOME",
	"`id`", "\x01\x1f", "\x7f", "\xff\xfe", "caf\xc3\xa9", "\xc3\x28", "0.0.1a12",
	"1a12", "012345678901234567890123456789012345", "-", "a-b", "a\\", "\\",
};

static void test_alias_tag(void **state)
{
	char *aliases[ARRAY_SIZE(odd_tags)];

	(void)state;
	tag_alias_is("share0", "share0");
	tag_alias_is("a b", "a%20b");
	tag_alias_is("ax20b", "ax20b");
	tag_alias_is("a%20b", "a%2520b");
	tag_alias_is("../x", "%2e.%2fx");
	tag_alias_is("..", "%2e.");
	tag_alias_is(".", "%2e");
	tag_alias_is("-x", "-x");
	tag_alias_is("a\\x20b", "a%5cx20b");
	tag_alias_is("say \"hi\"", "say%20%22hi%22");
	tag_alias_is("\xff\xfe-bytes", "%ff%fe-bytes");
	tag_alias_is("", "%00");

	/* Distinct tags, distinct aliases, each one word whatever its bytes. */
	for (size_t i = 0; i < ARRAY_SIZE(odd_tags); i++) {
		tag_alias_is(odd_tags[i], NULL);
		aliases[i] = vfc_unit_alias_tag(odd_tags[i]);
		for (size_t k = 0; k < i; k++)
			if (strcmp(aliases[i], aliases[k]) == 0)
				fail_msg("tags %zu and %zu share the alias %s", i, k, aliases[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(odd_tags); i++)
		free(aliases[i]);
}

/* The unit names we compute are systemd's own, for every tag and odd mountpoints. */
static void test_names_as_systemd(void **state)
{
	static const char *const mountpoints[] = {
		"/srv/data", "/srv/my-data", "/srv/a b", "/srv/caf\xc3\xa9", "/srv/.hidden",
		"/srv/x\\y", "/mnt/1a12", "/srv/a%b", "/-", "/srv/trailing/",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(odd_tags); i++) {
		char *alias = vfc_unit_alias_tag(odd_tags[i]);
		char *ours = vfc_escape_unit_path(alias, ".device");
		char *theirs = systemd_escape("device", alias);

		if (strcmp(ours, theirs) != 0)
			fail_msg("tag %zu: we say %s, systemd-escape says %s", i, ours, theirs);
		free(alias);
		free(ours);
		free(theirs);
	}
	for (size_t i = 0; i < ARRAY_SIZE(mountpoints); i++) {
		char *ours = vfc_escape_unit_path(mountpoints[i], ".mount");
		char *theirs = systemd_escape("mount", mountpoints[i]);

		if (strcmp(ours, theirs) != 0)
			fail_msg("%s: we say %s, systemd-escape says %s", mountpoints[i], ours, theirs);
		free(ours);
		free(theirs);
	}
}

/* vfc_unit_line_alias() gives @alias (NULL: none) for the fstab source @spec. */
static void line_alias_is(struct vfc_ctx *ctx, const char *spec, const char *alias)
{
	char *p = (char *)"untouched";

	assert_int_equal(vfc_unit_line_alias(ctx, spec, &p), 0);
	if (!alias) {
		if (p)
			fail_msg("'%s': alias '%s', expected none", spec, p);
		return;
	}
	if (!p)
		fail_msg("'%s': no alias, expected '%s'", spec, alias);
	assert_string_equal(p, alias);
	free(p);
}

static void test_line_alias_busid(void **state)
{
	static const char *const trees[] = { "612", "61" };

	(void)state;
	/* Every bus-ID form, told without the device, on kernels with and without tags. */
	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		struct vfc_ctx *ctx = ctx_on_tree(trees[i]);

		line_alias_is(ctx, "0.0.1a12", BY_BUSID "0.0.1a12");
		line_alias_is(ctx, "fe.0.1a12", BY_BUSID "0.0.1a12");
		line_alias_is(ctx, "1a12", BY_BUSID "0.0.1a12");
		line_alias_is(ctx, "0.0.1A12", BY_BUSID "0.0.1a12");
		line_alias_is(ctx, "FE.1.0042", BY_BUSID "0.1.0042");
		line_alias_is(ctx, "fe.1.0042", BY_BUSID "0.1.0042");
		line_alias_is(ctx, "42", BY_BUSID "0.0.0042");
		line_alias_is(ctx, "0.3.ffff", BY_BUSID "0.3.ffff");
		/* No such device here: the alias is what it will be when it comes. */
		line_alias_is(ctx, "0.0.9999", BY_BUSID "0.0.9999");
		vfc_ctx_unref(ctx);
	}
}

static void test_line_alias_tag(void **state)
{
	struct vfc_ctx *ctx = ctx_on_tree("612");

	(void)state;
	/* The kernel exports tags: any tag may come, mounted or not, present or not. */
	line_alias_is(ctx, "share0", BY_TAG "share0");
	line_alias_is(ctx, "share1", BY_TAG "share1");
	line_alias_is(ctx, "nosuch", BY_TAG "nosuch");
	line_alias_is(ctx, "data set 7", BY_TAG "data%20set%207");
	line_alias_is(ctx, "../x", BY_TAG "%2e.%2fx");
	vfc_ctx_unref(ctx);

	/* No export and no policy: no alias can stand for a tag. */
	ctx = ctx_on_tree("61");
	line_alias_is(ctx, "share0", NULL);
	line_alias_is(ctx, "data set 7", NULL);
	/* A policy without tags changes nothing. */
	use_policy(ctx, "default.conf");
	line_alias_is(ctx, "share0", NULL);
	/* One that names the tag: by tag (the udev helper gives the device that alias). */
	use_policy(ctx, "map61.conf");
	line_alias_is(ctx, "share0", BY_TAG "share0");
	line_alias_is(ctx, "share2", BY_TAG "share2");
	line_alias_is(ctx, "share1", NULL); /* not named there */
	line_alias_is(ctx, "1a12", BY_BUSID "0.0.1a12");
	vfc_ctx_unref(ctx);
}

/*
 * Only the false case: the true one needs the generator's drop-in in
 * /run/systemd/generator, which is the running system's and not redirected
 * by umockdev, so a test cannot write it there.
 */
static void test_is_bound(void **state)
{
	(void)state;
	assert_false(vfc_unit_is_bound("/nonexistent/virtiofs-ccw-unit-test"));
	assert_false(vfc_unit_is_bound("/nonexistent/virtiofs-ccw unit test"));
	assert_false(vfc_unit_is_bound("relative/path"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_busid),
		cmocka_unit_test(test_alias_tag),
		cmocka_unit_test(test_names_as_systemd),
		cmocka_unit_test(test_line_alias_busid),
		cmocka_unit_test(test_line_alias_tag),
		cmocka_unit_test(test_is_bound),
	};

	return cmocka_run_group_tests_name("unit", tests, NULL, NULL);
}
