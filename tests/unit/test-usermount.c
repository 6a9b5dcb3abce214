// SPDX-License-Identifier: MIT
/*
 * A user's mount through the set-uid helper, decided by libmount in its
 * restricted mode. Each case runs in a child that has become nobody (real
 * and effective uid), so libmount is restricted; as for any user it reads
 * /etc/fstab only, so the child first binds the test's fstab there in a
 * mount namespace of its own (which needs root). Mounts are fake (-f): the
 * verdict is what is tested, the mount itself is the real-system suite's.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "macro.h"
#include "trees.h"
#include "usermount.h"

#define NOBODY 65534

static char dir[64], fstab[128];

static int setup(void **state)
{
	static const char *const subdirs[] = { "user", "users", "nouser", "usernouser",
					       "nouseruser", "usersnousers", "owner", "root",
					       "ro", "tmpfs", "secret" };
	FILE *f;

	(void)state;
	if (geteuid() != 0 || access("/etc/fstab", F_OK) != 0) {
		fprintf(stderr, "NOT RUN usermount: needs root and an /etc/fstab to bind over\n");
		return -1;
	}
	snprintf(dir, sizeof(dir), "/tmp/vfc-usermount-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		char p[128];

		snprintf(p, sizeof(p), "%s/%s", dir, subdirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	/* A directory nobody cannot search, with something in it: for the path oracle. */
	snprintf(fstab, sizeof(fstab), "%s/secret/there", dir);
	assert_int_equal(mkdir(fstab, 0755), 0);
	assert_int_equal(chmod(strcat(strcpy(fstab, dir), "/secret"), 0700), 0);
	/* A user line's mountpoint replaced by a symlink to /etc. */
	assert_int_equal(symlink("/etc", strcat(strcpy(fstab, dir), "/link")), 0);
	snprintf(fstab, sizeof(fstab), "%s/fstab", dir);
	f = fopen(fstab, "w");
	assert_non_null(f);
	fprintf(f, "share1 %1$s/user virtiofs noauto,user 0 0\n"
		   "0.0.1a12 %1$s/users virtiofs noauto,users,exec 0 0\n"
		   "share1 %1$s/nouser virtiofs noauto,nouser 0 0\n"
		   "share1 %1$s/usernouser virtiofs noauto,user,nouser 0 0\n"
		   "share1 %1$s/nouseruser virtiofs noauto,nouser,user 0 0\n"
		   "share1 %1$s/usersnousers virtiofs noauto,users,nousers 0 0\n"
		   "share1 %1$s/owner virtiofs noauto,owner 0 0\n"
		   "share1 %1$s/group virtiofs noauto,group 0 0\n"
		   "share0 %1$s/root virtiofs noauto 0 0\n"
		   "share1 %1$s/mkdir/m virtiofs noauto,user,X-mount.mkdir 0 0\n"
		   "tmpfs %1$s/tmpfs tmpfs noauto,user 0 0\n"
		   "share1 %1$s/link virtiofs noauto,user 0 0\n",
		dir);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(fstab, 0644), 0);
	/* The user resolves the share: a copy of the tree that nobody may read. */
	point_tree_copy("612");
	assert_int_equal(chmod(tmp, 0755), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	/* Our own temporary directory, by a path we made: no tag reaches this. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, tmp);
	return system(cmd) == 0 ? 0 : -1;
}

struct verdict {
	int r;
	int excode;
	char message[512];
	char tag[64];
};

/* vfc_usermount() of @spec on @target with @flags, as nobody, in a child. */
static struct verdict as_nobody(const char *spec, const char *target, unsigned int flags,
				const char *options, const char *ns)
{
	struct verdict v = { 0 };
	int fds[2], st;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vfc_mount_req req = { .spec = spec, .target = target, .options = options,
					     .namespace = ns, .flags = flags | VFC_MOUNT_HELPER };
		struct vfc_mount_result res;
		struct vfc_ctx *ctx;

		close(fds[0]);
		/*
		 * For a user, libmount reads /etc/fstab whatever the environment
		 * says: show it ours, in a mount namespace of this child's own.
		 */
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount(fstab, "/etc/fstab", "none", MS_BIND, NULL) < 0)
			_exit(93);
		if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) < 0)
			_exit(90);
		if (vfc_ctx_new(&ctx) < 0)
			_exit(91);
		v.r = vfc_usermount(ctx, &req, 0, &res);
		v.excode = res.excode;
		snprintf(v.message, sizeof(v.message), "%s", res.message ? res.message : "");
		snprintf(v.tag, sizeof(v.tag), "%s", res.tag ? res.tag : "");
		vfc_mount_result_clear(&res);
		vfc_ctx_unref(ctx);
		_exit(write(fds[1], &v, sizeof(v)) == sizeof(v) ? 0 : 92);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &v, sizeof(v)), sizeof(v));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return v;
}

static void allowed(const char *spec, const char *sub, const char *tag)
{
	char target[128];
	struct verdict v;

	snprintf(target, sizeof(target), "%s/%s", dir, sub);
	v = as_nobody(spec, target, VFC_MOUNT_FAKE, NULL, NULL);
	if (v.r != 0)
		fail_msg("%s on %s: refused (%d, exit %d): %s", spec, sub, v.r, v.excode, v.message);
	assert_int_equal(v.excode, MNT_EX_SUCCESS);
	assert_string_equal(v.tag, tag);
}

static struct verdict refused(const char *spec, const char *target, unsigned int flags,
			      int excode, const char *msg_part)
{
	struct verdict v = as_nobody(spec, target, flags, NULL, NULL);

	if (v.r == 0)
		fail_msg("%s on %s: allowed, expected refused", spec, target);
	assert_int_equal(v.excode, excode);
	if (!strstr(v.message, msg_part))
		fail_msg("%s on %s: message '%s' lacks '%s'", spec, target, v.message, msg_part);
	return v;
}

static char *at(const char *sub)
{
	static char p[4][160];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, sub);
	return p[i];
}

/* user, users and their negations as libmount weighs them: the last one counts. */
static void test_user_options(void **state)
{
	(void)state;
	allowed("share1", "user", "share1");
	allowed("0.0.1a12", "users", "share0"); /* a bus-ID line mounts its device's tag */
	allowed("share1", "nouseruser", "share1");
	refused("share1", at("nouser"), VFC_MOUNT_FAKE, MNT_EX_FAIL, "must be superuser");
	refused("share1", at("usernouser"), VFC_MOUNT_FAKE, MNT_EX_FAIL, "must be superuser");
	refused("share1", at("usersnousers"), VFC_MOUNT_FAKE, MNT_EX_FAIL, "must be superuser");
	/* owner and group are about block devices a user owns: never a share */
	refused("share1", at("owner"), VFC_MOUNT_FAKE, MNT_EX_FAIL, "must be superuser");
	refused("share0", at("root"), VFC_MOUNT_FAKE, MNT_EX_FAIL, "must be superuser");
}

/* Only the line's source with the line's mountpoint; another line's type is not ours. */
static void test_only_the_line(void **state)
{
	struct verdict v;

	(void)state;
	v = refused("share2", at("user"), VFC_MOUNT_FAKE, MNT_EX_USAGE, "can't find");
	(void)v;
	refused("share1", at("users"), VFC_MOUNT_FAKE, MNT_EX_USAGE, "can't find");
	refused("tmpfs", at("tmpfs"), VFC_MOUNT_FAKE, MNT_EX_USAGE, "not virtiofs");
	/*
	 * the line's mountpoint is a symlink to /etc now: mount(8) would mount
	 * there (libmount maps /etc to the line); we do not
	 */
	refused("share1", at("link"), VFC_MOUNT_FAKE, MNT_EX_FAIL, "resolves to /etc");
	/* X-mount.mkdir: not for users (libmount: root only) */
	refused("share1", at("mkdir/m"), VFC_MOUNT_FAKE, MNT_EX_FAIL, "must be superuser");
}

/* What mount(8) lets no user do. */
static void test_flags_refused(void **state)
{
	struct verdict v;

	(void)state;
	refused("share1", at("user"), VFC_MOUNT_NOMTAB, MNT_EX_USAGE, "-n: only root");
	v = as_nobody("share1", at("user"), VFC_MOUNT_FAKE, NULL, "/proc/1/ns/mnt");
	assert_int_equal(v.excode, MNT_EX_USAGE);
	assert_non_null(strstr(v.message, "-N: only root"));
	/* -o is not the user's: "exec,suid" changes nothing, the line still mounts */
	v = as_nobody("share1", at("user"), VFC_MOUNT_FAKE, "exec,suid", NULL);
	assert_int_equal(v.excode, MNT_EX_SUCCESS);
	/* ... and no option changes a mount: remount, bind */
	v = as_nobody("share1", at("user"), VFC_MOUNT_FAKE, "remount,suid", NULL);
	assert_int_equal(v.excode, MNT_EX_USAGE);
	assert_non_null(strstr(v.message, "only root can remount"));
	v = as_nobody("share1", at("user"), VFC_MOUNT_FAKE, "bind", NULL);
	assert_int_equal(v.excode, MNT_EX_USAGE);
}

/*
 * Paths are resolved with the user's credentials: a path through a
 * directory the user cannot search says the same whether what lies behind
 * it exists or not (no oracle, as CVE-2013-0157 for util-linux).
 */
static void test_no_path_oracle(void **state)
{
	char exists[192], missing[192];
	struct verdict a, b;

	(void)state;
	snprintf(exists, sizeof(exists), "%s/secret/there/../../user", dir);
	snprintf(missing, sizeof(missing), "%s/secret/nothere/../../user", dir);
	/* root made secret/there; secret/nothere is not there: the user cannot tell */
	a = as_nobody("share1", exists, VFC_MOUNT_FAKE, NULL, NULL);
	b = as_nobody("share1", missing, VFC_MOUNT_FAKE, NULL, NULL);
	assert_int_not_equal(a.r, 0);
	assert_int_equal(a.r, b.r);
	assert_int_equal(a.excode, b.excode);
	/* the messages differ only by the path given */
	assert_non_null(strstr(a.message, exists));
	assert_non_null(strstr(b.message, missing));
	assert_string_equal(a.message + strlen(exists), b.message + strlen(missing));
}

static void test_restrict_env(void **state)
{
	(void)state;
	setenv("LIBMOUNT_FSTAB", "/tmp/x", 1);
	setenv("VIRTIOFS_CCW_CONFIG", "/tmp/y", 1);
	assert_int_equal(vfc_usermount_restrict_env(), 0);
	assert_null(getenv("LIBMOUNT_FSTAB"));
	assert_null(getenv("VIRTIOFS_CCW_CONFIG"));
	assert_string_equal(getenv("PATH"), "/usr/sbin:/usr/bin:/sbin:/bin");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_options),
		cmocka_unit_test(test_only_the_line),
		cmocka_unit_test(test_flags_refused),
		cmocka_unit_test(test_no_path_oracle),
		cmocka_unit_test(test_restrict_env),
	};

	return cmocka_run_group_tests_name("usermount", tests, setup, teardown);
}
