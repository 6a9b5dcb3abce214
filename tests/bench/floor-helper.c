// SPDX-License-Identifier: MIT
/*
 * floor-helper SOURCE DIR [OPTION...]
 *
 * The cheapest mount.virtiofs there could be, for make bench-system: put in
 * place of /sbin/mount.virtiofs, it execs "mount -i -t virtiofs SOURCE DIR
 * OPTION..." and nothing else. mount(8) running it costs what any helper
 * costs before it does any work of its own (one more process, linked to libc
 * only, and the mount(8) it hands over to): the floor beside which our helper
 * is measured. SOURCE must be a tag: nothing is resolved.
 *
 * Built with -DFLOOR_MOUNT2 (floor-mount2), it calls mount(2) itself instead:
 * mount(SOURCE, DIR, "virtiofs", flags, data), the flags from -o's generic
 * options (ro, rw, nosuid, ...) and the rest of -o as the data string. That
 * is the real floor of any helper that mount(8) runs: mount(8)'s own start,
 * one more process, mount(2). Exit 0, or 32 (mount(8)'s mount failure) with
 * one line on stderr. -n, -s, -v, -t TYPE and -N NS are taken and ignored;
 * -f mounts nothing.
 *
 * Built with -DFLOOR_MOUNT2 -DFLOOR_LIBMOUNT_OPTS (floor-lmopts, linked to
 * libmount), it calls mount(2) the same way, but libmount splits -o and maps
 * its generic options to flags (mnt_split_optstr(), mnt_optstr_get_flags()):
 * the cost of loading libmount (libblkid, libselinux, libpcre2) for what an
 * option means, without libmount's context.
 *
 * Built with -DFLOOR_LIBMOUNT (floor-libmount, linked to libmount), it mounts
 * through libmount as our helper does and does nothing else: a context in
 * helper mode, the type, SOURCE, DIR and -o, mnt_context_mount(), the exit
 * code libmount gives. The floor of any helper that leaves the mount to
 * libmount: the one above, plus loading libmount (libblkid, libselinux,
 * libpcre2) and libmount's own checks and utab.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#if defined(FLOOR_LIBMOUNT) || defined(FLOOR_MOUNT2)
/*
 * mount(8) passes SOURCE and DIR first, then its options: -o OPTIONS (or
 * -oOPTIONS), -f, and -n, -s, -v, -t TYPE, -N NS, which are ignored. Returns
 * the options or NULL; exits 1 on a short command line.
 */
static char *helper_args(int argc, char *argv[], int *ret_fake)
{
	char *opts = NULL;
	int a;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SOURCE DIR [-fnsv] [-t TYPE] [-N NS] [-o OPTIONS]\n",
			argv[0]);
		_exit(1);
	}
	*ret_fake = 0;
	for (a = 3; a < argc; a++) {
		if (!strcmp(argv[a], "-o") && a + 1 < argc)
			opts = argv[++a];
		else if (!strncmp(argv[a], "-o", 2))
			opts = argv[a] + 2;
		else if ((!strcmp(argv[a], "-t") || !strcmp(argv[a], "-N")) && a + 1 < argc)
			a++;
		else if (!strcmp(argv[a], "-f"))
			*ret_fake = 1;
	}
	return opts;
}
#endif

#if defined(FLOOR_LIBMOUNT)

#include <libmount.h>

int main(int argc, char *argv[])
{
	struct libmnt_context *cxt;
	char buf[BUFSIZ] = "";
	int rc, fake;
	const char *opts = helper_args(argc, argv, &fake);

	cxt = mnt_new_context();
	if (!cxt || mnt_context_init_helper(cxt, MNT_ACT_MOUNT, 0) ||
	    mnt_context_set_fstype(cxt, "virtiofs") || mnt_context_set_source(cxt, argv[1]) ||
	    mnt_context_set_target(cxt, argv[2]) || (opts && mnt_context_set_options(cxt, opts))) {
		fprintf(stderr, "floor-libmount: cannot set up the mount\n");
		return 32;
	}
	mnt_context_enable_fake(cxt, fake);
	rc = mnt_context_mount(cxt);
	rc = mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
	if (rc)
		fprintf(stderr, "floor-libmount: %s\n", buf);
	mnt_free_context(cxt);
	return rc;
}

#elif !defined(FLOOR_MOUNT2)

int main(int argc, char *argv[])
{
	/* mount -i -t virtiofs, then our arguments as mount(8) gave them */
	char *args[argc + 4];
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SOURCE DIR [OPTION...]\n", argv[0]);
		return 1;
	}
	args[0] = "mount";
	args[1] = "-i";
	args[2] = "-t";
	args[3] = "virtiofs";
	for (i = 1; i <= argc; i++)
		args[i + 3] = argv[i];
	execv("/usr/bin/mount", args);
	perror("floor-helper: /usr/bin/mount");
	return 32;
}

#else /* FLOOR_MOUNT2 */

#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>

#ifdef FLOOR_LIBMOUNT_OPTS

#include <libmount.h>

/* libmount's reading of -o: generic options to flags, the rest is data */
static int split_options(char *opts, unsigned long *ret_flags, char **ret_data)
{
	char *vfs = NULL;

	*ret_flags = 0;
	*ret_data = NULL;
	if (!opts)
		return 0;
	if (mnt_split_optstr(opts, NULL, &vfs, ret_data, 0, 0) ||
	    (vfs && mnt_optstr_get_flags(vfs, ret_flags, mnt_get_builtin_optmap(MNT_LINUX_MAP))))
		return -1;
	free(vfs);
	return 0;
}

#else

/* mount(8)'s generic options that are flags of mount(2), not data */
static const struct {
	const char *name;
	unsigned long set, clear;
} flag_opts[] = {
	{ "ro", MS_RDONLY, 0 },
	{ "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 },
	{ "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },
	{ "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 },
	{ "exec", 0, MS_NOEXEC },
	{ "sync", MS_SYNCHRONOUS, 0 },
	{ "async", 0, MS_SYNCHRONOUS },
	{ "dirsync", MS_DIRSYNC, 0 },
	{ "noatime", MS_NOATIME, 0 },
	{ "atime", 0, MS_NOATIME },
	{ "nodiratime", MS_NODIRATIME, 0 },
	{ "diratime", 0, MS_NODIRATIME },
	{ "relatime", MS_RELATIME, 0 },
	{ "norelatime", 0, MS_RELATIME },
	{ "strictatime", MS_STRICTATIME, 0 },
};

static int split_options(char *opts, unsigned long *ret_flags, char **ret_data)
{
	char *data, *tok, *save = NULL;
	size_t i, len = 0;

	*ret_flags = 0;
	*ret_data = NULL;
	if (!opts)
		return 0;
	data = malloc(strlen(opts) + 1);
	if (!data)
		return -1;
	for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(flag_opts) / sizeof(flag_opts[0]); i++)
			if (!strcmp(tok, flag_opts[i].name))
				break;
		if (i < sizeof(flag_opts) / sizeof(flag_opts[0])) {
			*ret_flags = (*ret_flags & ~flag_opts[i].clear) | flag_opts[i].set;
			continue;
		}
		if (len)
			data[len++] = ',';
		strcpy(data + len, tok);
		len += strlen(tok);
	}
	data[len] = '\0';
	if (len)
		*ret_data = data;
	else
		free(data);
	return 0;
}

#endif /* FLOOR_LIBMOUNT_OPTS */

int main(int argc, char *argv[])
{
	unsigned long flags;
	char *data;
	int fake;
	char *opts = helper_args(argc, argv, &fake);

	if (split_options(opts, &flags, &data) < 0) {
		fprintf(stderr, "floor-mount2: cannot read the options '%s'\n", opts);
		return 32;
	}
	if (!fake && mount(argv[1], argv[2], "virtiofs", flags, data) < 0) {
		fprintf(stderr, "floor-mount2: mount %s on %s: %s\n", argv[1], argv[2],
			strerror(errno));
		return 32;
	}
	free(data);
	return 0;
}

#endif /* FLOOR_MOUNT2 */
