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
#include <libmount/libmount.h>

#include "escape.h"
#include "fstab.h"

static void test_fstab(void **state)
{
	struct vfc_fstab_entry *e;
	struct vfc_ctx *ctx;
	size_t n;

	(void)state;
	assert_int_equal(vfc_ctx_new(&ctx), 0);
	assert_int_equal(vfc_fstab_read(ctx, &e, &n), 0);
	assert_int_equal(n, 6); /* the virtiofs lines only */
	assert_string_equal(e[0].spec, "0.0.1a12");
	assert_string_equal(e[0].target, "/tmp");
	assert_true(e[0].nofail);
	assert_false(e[0].noauto);
	assert_string_equal(e[1].spec, "fe.1.0042");
	assert_string_equal(e[1].options, "ro");
	assert_true(e[4].noauto);
	assert_string_equal(e[5].spec, "data set 7"); /* unescaped by libmount */

	/* Found by the same text, by another bus-ID form, or by the device's tag. */
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "0.0.1a12"), &e[0]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "fe.0.1a12"), &e[0]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "1a12"), &e[0]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "0.1.0042"), &e[1]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "share2"), &e[1]);
	assert_ptr_equal(vfc_fstab_find(ctx, e, n, "0.0.0002"), &e[2]);
	assert_null(vfc_fstab_find(ctx, e, n, "0.0.0003"));
	assert_null(vfc_fstab_find(ctx, e, n, "nosuch"));
	vfc_fstab_entries_free(e, n);

	/* No fstab at all is an empty one. */
	setenv("LIBMOUNT_FSTAB", "/nonexistent/fstab", 1);
	assert_int_equal(vfc_fstab_read(ctx, &e, &n), 0);
	assert_int_equal(n, 0);
	vfc_fstab_entries_free(e, n);
	vfc_ctx_unref(ctx);
}

/* The helper's wait from the fstab line mount(8) ran it for (x-* options never reach it). */
static void test_get_wait(void **state)
{
	char path[] = "/tmp/vfc-fstab-XXXXXX", *msg = NULL;
	struct vfc_ctx *ctx;
	int fd, ms = -5;
	FILE *f;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("share0 /tmp virtiofs nofail,x-virtiofs-ccw.wait=7 0 0\n"
	      "share1 /tmp virtiofs defaults 0 0\n"
	      "share2 /tmp virtiofs ro,x-virtiofs-ccw.wait=soon 0 0\n",
	      f);
	assert_int_equal(fclose(f), 0);
	setenv("LIBMOUNT_FSTAB", path, 1);
	assert_int_equal(vfc_ctx_new(&ctx), 0);

	/* The same directory, however the caller spells it. */
	assert_int_equal(vfc_fstab_get_wait(ctx, "share0", "/tmp/", &ms, &msg), 1);
	assert_int_equal(ms, 7000);
	assert_null(msg);

	/* A line without a wait, no line (another text, another directory): no wait. */
	ms = -5;
	assert_int_equal(vfc_fstab_get_wait(ctx, "share1", "/tmp", &ms, &msg), 0);
	assert_int_equal(vfc_fstab_get_wait(ctx, "0.0.1a12", "/tmp", &ms, &msg), 0);
	assert_int_equal(vfc_fstab_get_wait(ctx, "share0", "/var/tmp", &ms, &msg), 0);
	assert_int_equal(ms, -5);
	assert_null(msg);

	/* A bad one: said, naming the mountpoint, and no wait taken from it. */
	assert_int_equal(vfc_fstab_get_wait(ctx, "share2", "/tmp", &ms, &msg), -EINVAL);
	assert_string_equal(msg, "/tmp: the fstab line's invalid x-virtiofs-ccw.wait=soon: "
				 "expected a number of seconds from 0 to 86400");
	assert_int_equal(ms, -5);
	free(msg);
	msg = NULL;

	/* No fstab at all: no wait from it. */
	setenv("LIBMOUNT_FSTAB", "/nonexistent/fstab", 1);
	assert_int_equal(vfc_fstab_get_wait(ctx, "share0", "/tmp", &ms, &msg), 0);
	assert_int_equal(ms, -5);
	unlink(path);
	vfc_ctx_unref(ctx);
}

/*
 * @line, read back as mount(8) reads fstab: one virtiofs line whose source is
 * @source exactly (no LABEL=-style lookup), mounted on @base/tag.
 */
static void assert_reads_as(const char *line, const char *source, const char *base,
			    const char *tag)
{
	struct libmnt_table *tb = mnt_new_table();
	char *target = vfc_escape_subdir(base, tag);
	struct libmnt_fs *fs;
	FILE *f;

	assert_non_null(tb);
	assert_non_null(target);
	assert_null(strchr(line, '\n'));
	f = fmemopen((void *)line, strlen(line), "r");
	assert_non_null(f);
	assert_int_equal(mnt_table_parse_stream(tb, f, "test"), 0);
	fclose(f);
	assert_int_equal(mnt_table_get_nents(tb), 1);
	assert_int_equal(mnt_table_first_fs(tb, &fs), 0);
	assert_string_equal(mnt_fs_get_source(fs), source);
	assert_int_not_equal(mnt_fs_get_tag(fs, NULL, NULL), 0);
	assert_string_equal(mnt_fs_get_target(fs), target);
	assert_true(vfc_escape_is_subdir(base, mnt_fs_get_target(fs)));
	assert_string_equal(mnt_fs_get_fstype(fs), "virtiofs");
	assert_string_equal(mnt_fs_get_options(fs), "defaults,nofail");
	mnt_unref_table(tb);
	free(target);
}

/* fstab names the share by @tag, on one line that reads back as it. */
static void assert_by_tag(const char *tag)
{
	char *line = NULL, *comment = (char *)"unset";
	struct vfc_busid id;

	assert_int_equal(vfc_busid_parse("0.0.1a12", &id, NULL, NULL), 0);
	assert_int_equal(vfc_fstab_format_line(&id, tag, false, "/srv/my shares/", "defaults,nofail",
					       &line, &comment),
			 0);
	assert_null(comment);
	assert_reads_as(line, tag, "/srv/my shares/", tag);
	free(line);
}

/* fstab names the share by its bus-ID, after a comment that names @tag and says @why. */
static void assert_by_busid(const char *tag, const char *why)
{
	char *line = NULL, *comment = NULL, *shown = vfc_escape_display(tag), *want = NULL;
	struct vfc_busid id;

	assert_int_equal(vfc_busid_parse("fe.1.0042", &id, NULL, NULL), 0);
	assert_int_equal(vfc_fstab_format_line(&id, tag, false, "/mnt/virtiofs", "defaults,nofail",
					       &line, &comment),
			 0);
	assert_reads_as(line, "0.1.0042", "/mnt/virtiofs", tag);
	assert_true(asprintf(&want, "# 0.1.0042: tag '%s' %s in fstab: named by its bus-ID", shown,
			     why) > 0);
	assert_string_equal(comment, want);
	/* One line, safe on a terminal. */
	for (const char *c = comment; *c; c++)
		assert_true((unsigned char)*c >= 0x20 && *c != 0x7f);
	free(line);
	free(comment);
	free(shown);
	free(want);
}

/* Every byte class a host may put in a tag: the line mounts what it says. */
static void test_format_line(void **state)
{
	char all[256], *line = NULL, *comment = NULL;
	struct vfc_busid id;

	(void)state;
	assert_by_tag("share0");
	assert_by_tag(" ");
	assert_by_tag(" lead and trail ");
	assert_by_tag("a\tb");
	assert_by_tag("\t");
	assert_by_tag("back\\slash");
	assert_by_tag("\\");
	assert_by_tag("-x");
	assert_by_tag("--rf");
	assert_by_tag(".x");
	assert_by_tag(".");
	assert_by_tag("..");
	assert_by_tag("../../etc");
	assert_by_tag("=");
	assert_by_tag("=x");
	assert_by_tag("a=b");
	assert_by_tag("LABEL=");	/* no value: no lookup */
	assert_by_tag("label=x");	/* libmount's names are upper case */
	assert_by_tag("\"LABEL=x\"");
	assert_by_tag("SRC=x");
	assert_by_tag("#x");
	assert_by_tag("x#y");
	assert_by_tag("'");
	assert_by_tag("\"");
	assert_by_tag("'it'\"s\"");
	assert_by_tag("$HOME");
	assert_by_tag("$(reboot)");
	assert_by_tag("x,y");
	assert_by_tag("none");
	assert_by_tag("a/b");
	assert_by_tag("\x01\x02\x1b[2J\x1f");
	assert_by_tag("\x7f\x80\x9f\xa0\xfe\xff");
	assert_by_tag("\xc3\xa9t\xc3\xa9");	/* UTF-8 */
	assert_by_tag("\xc3(\xe2\x82\xed\xa0\x80"); /* not UTF-8 */
	assert_by_tag("123456789012345678901234567890123456"); /* VFC_TAG_MAX */
	assert_by_tag("0.0.1a12x");
	assert_by_tag("beefcafe");

	/* Every byte but NUL and newline, 36 at a time. */
	for (int b = 1; b < 256;) {
		int n = 0;

		for (; b < 256 && n < 36; b++)
			if (b != '\n')
				all[n++] = (char)b;
		all[n] = '\0';
		if (all[0] == '/' || (all[0] == '-' && (n == 2 || all[1] == '-')))
			continue;
		assert_by_tag(all);
	}

	assert_by_busid("LABEL=x", "reads as a block-device lookup");
	assert_by_busid("LABEL=\"x\"", "reads as a block-device lookup");
	assert_by_busid("LABEL=a b", "reads as a block-device lookup");
	assert_by_busid("UUID=0123-4567", "reads as a block-device lookup");
	assert_by_busid("PARTUUID=x", "reads as a block-device lookup");
	assert_by_busid("PARTLABEL=x", "reads as a block-device lookup");
	assert_by_busid("ID=x", "reads as a block-device lookup");
	assert_by_busid("LABEL=\x1b]0;pwned\x07", "reads as a block-device lookup");
	assert_by_busid("/", "reads as a path");
	assert_by_busid("/srv/share", "reads as a path");
	assert_by_busid("//host/share", "reads as a path");
	assert_by_busid("0.0.1a12", "reads as bus-ID 0.0.1a12");
	assert_by_busid("fe.0.0042", "reads as bus-ID 0.0.0042");
	assert_by_busid("cafe", "reads as bus-ID 0.0.cafe");
	assert_by_busid("0.4.1a12", "reads as a malformed bus-ID");
	assert_by_busid("-h", "reads as an option of mount.virtiofs");
	assert_by_busid("--help", "reads as an option of mount.virtiofs");
	assert_by_busid("-V", "reads as an option of mount.virtiofs");
	assert_by_busid("--version", "reads as an option of mount.virtiofs");

	/* Asked for by bus-ID: no comment, whatever the tag. */
	assert_int_equal(vfc_busid_parse("0.0.1a12", &id, NULL, NULL), 0);
	assert_int_equal(vfc_fstab_format_line(&id, "LABEL=x", true, "/mnt", "defaults,nofail",
					       &line, &comment),
			 0);
	assert_null(comment);
	assert_reads_as(line, "0.0.1a12", "/mnt", "LABEL=x");
	assert_string_equal(line, "0.0.1a12 /mnt/LABEL=x virtiofs defaults,nofail 0 0");
	free(line);

	/* Blanks and '#' in the base and the options are escaped too. */
	assert_int_equal(vfc_fstab_format_line(&id, "a b", false, "/srv/#1 x", "ro,x-y=#", &line,
					       &comment),
			 0);
	assert_string_equal(line, "a\\040b /srv/\\0431\\040x/a\\134x20b virtiofs ro,x-y=\\043 0 0");
	assert_null(comment);
	free(line);
}

static int setup(void **state)
{
	char path[4096];

	(void)state;
	/* The 6.12 tree gives the devices; the fixture fstab names them. */
	snprintf(path, sizeof(path), "%s/612", getenv("VFC_TEST_TREES"));
	setenv("UMOCKDEV_DIR", path, 1);
	snprintf(path, sizeof(path), "%s/fstab/virtiofs.fstab", getenv("VFC_TEST_FIXTURES"));
	setenv("LIBMOUNT_FSTAB", path, 1);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fstab, setup),
		cmocka_unit_test_setup(test_get_wait, setup),
		cmocka_unit_test(test_format_line),
	};

	return cmocka_run_group_tests_name("fstab", tests, NULL, NULL);
}
