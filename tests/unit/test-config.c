// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static struct vfc_config *parses(const char *text)
{
	struct vfc_config *cfg = NULL;
	char *msg = NULL;

	if (vfc_config_parse("test.conf", text, &cfg, &msg) != 0)
		fail_msg("'%s' did not parse: %s", text, msg ? msg : "?");
	assert_null(msg);
	return cfg;
}

static void refuses(const char *text, const char *expected_msg)
{
	struct vfc_config *cfg = NULL;
	char *msg = NULL;

	assert_int_equal(vfc_config_parse("test.conf", text, &cfg, &msg), -EINVAL);
	assert_null(cfg);
	assert_non_null(msg);
	assert_string_equal(msg, expected_msg);
	free(msg);
}

static void test_defaults(void **state)
{
	struct vfc_config *cfg = parses("");

	(void)state;
	assert_int_equal(vfc_config_get_automount(cfg), VFC_AUTOMOUNT_FSTAB);
	assert_string_equal(vfc_config_get_mount_base(cfg), "/run/virtiofs");
	assert_string_equal(vfc_config_get_options(cfg), "nosuid,nodev");
	assert_int_equal(vfc_config_get_wait(cfg), 10);
	assert_true(vfc_config_get_cio_free(cfg));
	vfc_config_unref(cfg);
}

/* cio-free: yes or no, once; anything else names what was expected. */
static void test_cio_free(void **state)
{
	struct vfc_config *cfg;

	(void)state;
	cfg = parses("cio-free = no\n");
	assert_false(vfc_config_get_cio_free(cfg));
	vfc_config_unref(cfg);
	cfg = parses("cio-free=yes\n");
	assert_true(vfc_config_get_cio_free(cfg));
	vfc_config_unref(cfg);
	refuses("cio-free = off\n", "test.conf:1: cio-free: expected yes or no");
	refuses("cio-free = no\ncio-free = no\n", "test.conf:2: 'cio-free' is set twice");
}

static void test_values(void **state)
{
	struct vfc_config *cfg;
	struct vfc_busid id = {0, 0x1a12}, id2 = {1, 0x42}, id3 = {0, 0x42};

	(void)state;
	cfg = parses("# comment\n"
		     "\n"
		     "  automount = all  \n"
		     "mount-base=/srv/virtiofs\n"
		     "options = ro,nosuid\t\n"
		     "wait = 0\n"
		     "tag 0.0.1a12 = share0\n"
		     "tag\tFE.1.0042 = data set 7\n"
		     "   # indented comment\n");
	assert_int_equal(vfc_config_get_automount(cfg), VFC_AUTOMOUNT_ALL);
	assert_string_equal(vfc_config_get_mount_base(cfg), "/srv/virtiofs");
	assert_string_equal(vfc_config_get_options(cfg), "ro,nosuid");
	assert_int_equal(vfc_config_get_wait(cfg), 0);
	assert_string_equal(vfc_config_get_tag(cfg, &id), "share0");
	assert_string_equal(vfc_config_get_tag(cfg, &id2), "data set 7");
	assert_null(vfc_config_get_tag(cfg, &id3));
	assert_int_equal(vfc_busid_cmp(vfc_config_find_tag(cfg, "data set 7"), &id2), 0);
	assert_null(vfc_config_find_tag(cfg, "nope"));
	vfc_config_unref(cfg);

	/* The kernel's mount table spells directories canonically: so does the base. */
	cfg = parses("mount-base = //run//virtiofs/\n");
	assert_string_equal(vfc_config_get_mount_base(cfg), "/run/virtiofs");
	vfc_config_unref(cfg);
	/* mount-name: the tag by default, or the bus-ID */
	cfg = parses("mount-name = busid\n");
	assert_int_equal(vfc_config_get_mount_name(cfg), VFC_MOUNT_NAME_BUSID);
	vfc_config_unref(cfg);
	cfg = parses("mount-name = tag\n");
	assert_int_equal(vfc_config_get_mount_name(cfg), VFC_MOUNT_NAME_TAG);
	vfc_config_unref(cfg);

	cfg = parses("automount = none\n");
	assert_int_equal(vfc_config_get_automount(cfg), VFC_AUTOMOUNT_NONE);
	vfc_config_unref(cfg);
	/* No final newline, CRLF-free, still fine. */
	cfg = parses("automount = fstab");
	assert_int_equal(vfc_config_get_automount(cfg), VFC_AUTOMOUNT_FSTAB);
	vfc_config_unref(cfg);
}

static void test_errors(void **state)
{
	(void)state;
	refuses("automount = everything\n",
		"test.conf:1: automount: unknown value 'everything'; expected fstab, all or none");
	refuses("\n# x\nmountbase = /srv\n",
		"test.conf:3: unknown key 'mountbase'; expected automount, mount-base, mount-name, "
		"options, wait, cio-free or 'tag BUS-ID'");
	/* The root and the system's directories are no mount base. */
	refuses("mount-base = /\n", "test.conf:1: mount-base: / is a system directory; expected "
				    "one of its own, such as /run/virtiofs");
	refuses("mount-base = //etc/\n", "test.conf:1: mount-base: /etc is a system directory"
					 "; expected one of its own, such as /run/virtiofs");
	refuses("mount-base = /run\n", "test.conf:1: mount-base: /run is a system directory; "
				       "expected one of its own, such as /run/virtiofs");
	refuses("mount-base = /sys/fs/x\n",
		"test.conf:1: mount-base: /sys/fs/x is a system directory; expected one of its "
		"own, such as /run/virtiofs");
	refuses("mount-name = uuid\n",
		"test.conf:1: mount-name: unknown value; expected tag or busid");
	refuses("mount-name = tag\nmount-name = busid\n", "test.conf:2: 'mount-name' is set twice");
	refuses("automount\n", "test.conf:1: expected 'key = value'");
	refuses("automount = all\nautomount = none\n", "test.conf:2: 'automount' is set twice");
	refuses("mount-base = relative\n",
		"test.conf:1: mount-base: expected an absolute directory without '.', '..' or "
		"blanks");
	refuses("mount-base = /run/../etc\n",
		"test.conf:1: mount-base: expected an absolute directory without '.', '..' or "
		"blanks");
	refuses("mount-base = /run/x/..\n",
		"test.conf:1: mount-base: expected an absolute directory without '.', '..' or "
		"blanks");
	refuses("options = ro, nosuid\n",
		"test.conf:1: options: expected comma-separated mount options without blanks or "
		"quotes");
	refuses("options = ro,,nosuid\n",
		"test.conf:1: options: expected comma-separated mount options without blanks or "
		"quotes");
	refuses("options =\n",
		"test.conf:1: options: expected comma-separated mount options without blanks or "
		"quotes");
	refuses("wait = soon\n", "test.conf:1: wait: expected a number of seconds from 0 to 86400");
	refuses("wait = -1\n", "test.conf:1: wait: expected a number of seconds from 0 to 86400");
	refuses("wait = 86401\n",
		"test.conf:1: wait: expected a number of seconds from 0 to 86400");
	/* One reading of a wait everywhere (file, option, --wait): plain decimal. */
	refuses("wait = +5\n", "test.conf:1: wait: expected a number of seconds from 0 to 86400");
	refuses("wait = 0x10\n", "test.conf:1: wait: expected a number of seconds from 0 to 86400");
	refuses("tag 0.4.1a12 = x\n",
		"test.conf:1: tag: '0.4.1a12' is not a bus-ID: subchannel set must be 0-3");
	refuses("tag 0.0.1a12 =\n", "test.conf:1: tag: expected a tag of 1 to 36 bytes");
	refuses("tag 0.0.1a12 = 0123456789012345678901234567890123456\n",
		"test.conf:1: tag: expected a tag of 1 to 36 bytes");
	refuses("tag 0.0.1a12 = a\ntag fe.0.1a12 = b\n",
		"test.conf:2: tag: fe.0.1a12 is set twice");
	refuses("tag 0.0.1a12 = a\ntag 0.0.1a13 = a\n",
		"test.conf:2: tag: two devices cannot have the same tag");
	refuses("tags 0.0.1a12 = a\n",
		"test.conf:1: unknown key 'tags 0.0.1a12'; expected automount, mount-base, "
		"mount-name, options, wait, cio-free or 'tag BUS-ID'");
	refuses("\x1b[2J = x\n",
		"test.conf:1: unknown key '\\x1b[2J'; expected automount, mount-base, mount-name, "
		"options, wait, cio-free or 'tag BUS-ID'");
}

static void test_load(void **state)
{
	struct vfc_config *cfg = NULL;
	char path[4096], *msg = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/conf/all.conf", getenv("VFC_TEST_FIXTURES"));
	assert_int_equal(vfc_config_load(path, &cfg, &msg), 0);
	assert_int_equal(vfc_config_get_automount(cfg), VFC_AUTOMOUNT_ALL);
	vfc_config_unref(cfg);

	/* A file named explicitly must exist. */
	assert_int_equal(vfc_config_load("/nonexistent.conf", &cfg, &msg), -ENOENT);
	assert_string_equal(msg, "/nonexistent.conf: No such file or directory");
	free(msg);
	msg = NULL;

	/* The environment names the file, as LIBMOUNT_FSTAB does for fstab. */
	snprintf(path, sizeof(path), "%s/conf/bad-key.conf", getenv("VFC_TEST_FIXTURES"));
	setenv(VFC_CONFIG_ENV, path, 1);
	assert_int_equal(vfc_config_load(NULL, &cfg, &msg), -EINVAL);
	assert_non_null(strstr(msg, "bad-key.conf:2: unknown key 'mountbase'"));
	free(msg);
	unsetenv(VFC_CONFIG_ENV);
}

/* A policy file is small: 64 KiB of comments still loads, a byte more does not. */
static void test_load_size(void **state)
{
	char path[] = "/tmp/vfc-conf-XXXXXX", *msg = NULL;
	struct vfc_config *cfg = NULL;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	for (int i = 0; i < 65536 / 64; i++)
		fprintf(f, "#%062d\n", i);
	fclose(f);
	assert_int_equal(vfc_config_load(path, &cfg, &msg), 0);
	vfc_config_unref(cfg);
	f = fopen(path, "a");
	fputc('\n', f);
	fclose(f);
	assert_int_equal(vfc_config_load(path, &cfg, &msg), -EINVAL);
	assert_non_null(strstr(msg, "file larger than 64 KiB"));
	free(msg);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults), cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),	 cmocka_unit_test(test_cio_free),
		cmocka_unit_test(test_load),	 cmocka_unit_test(test_load_size),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
