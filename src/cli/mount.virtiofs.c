// SPDX-License-Identifier: MIT
/*
 * mount.virtiofs: the helper mount(8) runs for filesystem type virtiofs, so
 * that fstab lines and "mount -t virtiofs 0.0.1a12 /mnt" accept bus-IDs.
 * Plain tags pass through unchanged. The util-linux helper contract:
 *
 *   mount.virtiofs SPEC DIR [-sfnv] [-N NAMESPACE] [-o OPTIONS] [-t TYPE]
 */
#include <errno.h>
#include <getopt.h>
#include <libmount/libmount.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "escape.h"
#include "fstab.h"
#include "mount.h"
#include "mountopts.h"
#include "usermount.h"
#include "wait.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s SPEC DIR [-sfnv] [-N NAMESPACE] [-o OPTIONS]\n"
		"\n"
		"Mount a virtio-fs share; run by mount(8) for filesystem type virtiofs.\n"
		"SPEC is a tag, or a bus-ID: 0.n.dddd (guest), fe.n.dddd (host, as in\n"
		"libvirt) or dddd (= 0.0.dddd). A bus-ID is mounted by its device's tag.\n"
		"\n"
		"Options:\n"
		"  -f             fake: resolve and report, mount nothing\n"
		"  -n             do not write /run/mount/utab\n"
		"  -s             tolerate unknown mount options\n"
		"  -v             say what is done\n"
		"  -N NAMESPACE   mount in another mount namespace (path or PID)\n"
		"  -o OPTIONS     mount options; %s=SECONDS bounds the wait\n"
		"                 for an absent, offline or unprobed device (default:\n"
		"                 the policy file's wait, %d unless set)\n"
		"  -h, --help     show this help\n"
		"  -V, --version  show the version\n"
		"\n"
		"Exit status as mount(8): 0 success, 1 usage, 2 system error, 32 mount failure.\n",
		program_invocation_short_name, VFC_OPT_WAIT, VFC_WAIT_DEFAULT_S);
}

/*
 * The policy file gives the tags of bus-IDs on kernels that export none, and
 * the wait where neither -o nor the fstab line names one. A bad one must not
 * stop every virtiofs mount at boot: say so and go on without it (then such
 * a bus-ID is refused, nothing is guessed).
 */
static void use_policy(struct vfc_ctx *ctx, struct vfc_mount_req *req)
{
	struct vfc_config *cfg = NULL;
	char *msg = NULL;

	if (vfc_config_load(NULL, &cfg, &msg) < 0) {
		cli_note("%s: policy file not followed", msg ? msg : "cannot read the policy file");
		free(msg);
		return;
	}
	vfc_ctx_set_config(ctx, cfg);
	req->default_wait_ms = vfc_config_get_wait(cfg) * 1000;
	vfc_config_unref(cfg);
}

/* Does the environment name a language for messages, as setlocale(3) reads it? */
static bool locale_translates(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *name = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(vars) && !(name && *name); i++)
		name = getenv(vars[i]);
	return name && *name && strcmp(name, "C") != 0 && strcmp(name, "POSIX") != 0 &&
	       strncmp(name, "C.", 2) != 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	struct vfc_mount_req req = {
		.wait_ms = -1,
		.default_wait_ms = VFC_WAIT_DEFAULT_S * 1000,
		.flags = VFC_MOUNT_HELPER,
	};
	_cleanup_free_ char *tag = NULL, *ns_path = NULL;
	_cleanup_free_ char *msg = NULL;
	bool verbose = false, restricted = getuid() != 0 && geteuid() == 0;
	struct vfc_mount_result res;
	struct vfc_ctx *ctx;
	int c, ret;

	/* Start from nothing the user chose. */
	if (restricted && vfc_usermount_restrict_env() < 0) {
		cli_error("cannot clear the environment");
		return MNT_EX_SYSERR;
	}
	/*
	 * The user's language for messages (strerror's and libmount's) and its
	 * characters, and no more: no other category is ever used here, and
	 * loading all of them costs every mount two dozen more file opens. A C
	 * locale (C.UTF-8 too) has no translations, and we print bytes, never
	 * characters: loading it (17 system calls) would change nothing.
	 */
	if (locale_translates()) {
		setlocale(LC_CTYPE, "");
		setlocale(LC_MESSAGES, "");
	}
	/*
	 * mount(8) passes SPEC and DIR first, before any option, and a tag may
	 * start with '-' (a tag "-rf" is no option): take them as they are and
	 * parse only what follows (getopt sees DIR's slot as argv[0]).
	 */
	if (argc >= 3 && !vfc_fstab_source_is_helper_option(argv[1])) {
		req.spec = argv[1];
		req.target = argv[2];
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	while ((c = getopt_long(argc, argv, "sfnvN:o:t:hV", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			req.flags |= VFC_MOUNT_SLOPPY;
			break;
		case 'f':
			req.flags |= VFC_MOUNT_FAKE;
			break;
		case 'n':
			req.flags |= VFC_MOUNT_NOMTAB;
			break;
		case 'v':
			verbose = true;
			break;
		case 'N':
			/* A PID stands for its mount namespace, as with mount -N. */
			if (*optarg && strspn(optarg, "0123456789") == strlen(optarg)) {
				free(ns_path);
				if (asprintf(&ns_path, "/proc/%s/ns/mnt", optarg) < 0) {
					cli_error("out of memory");
					return MNT_EX_SYSERR;
				}
				req.namespace = ns_path;
			} else {
				req.namespace = optarg;
			}
			break;
		case 'o':
			req.options = optarg;
			break;
		case 't':
			/* mount(8) passes the type on; "virtiofs" is the only one we serve. */
			if (strcmp(optarg, "virtiofs") != 0) {
				cli_error("unsupported filesystem type '%s'; expected virtiofs",
					  optarg);
				return MNT_EX_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return MNT_EX_SUCCESS;
		case 'V':
			printf("%s %s\n", program_invocation_short_name, VERSION);
			return MNT_EX_SUCCESS;
		default:
			cli_try_help(NULL);
			return MNT_EX_USAGE;
		}
	}
	if (!req.spec) {
		if (argc - optind != 2) {
			cli_error(argc - optind < 2 ? "expected SPEC and DIR" : "too many arguments");
			cli_try_help(NULL);
			return MNT_EX_USAGE;
		}
		req.spec = argv[optind];
		req.target = argv[optind + 1];
	} else if (optind != argc) {
		cli_error("too many arguments");
		cli_try_help(NULL);
		return MNT_EX_USAGE;
	}

	if (getuid() != 0 && geteuid() != 0) {
		/* Installed without the set-uid bit (SETUID=0, dpkg-statoverride). */
		cli_error("not set-uid root here, so users cannot mount virtio-fs shares (fstab's "
			  "user and users lines): mount as root, or install %s set-uid root "
			  "(mount.virtiofs(8), SECURITY)",
			  program_invocation_short_name);
		return MNT_EX_FAIL;
	}
	ctx = cli_ctx_new(verbose);
	if (!ctx)
		return MNT_EX_SYSERR;
	use_policy(ctx, &req);

	/*
	 * At boot, an fstab line may name a device that is still coming up;
	 * mount(8) keeps the line's wait from us: fstab tells it. (A user's
	 * line is libmount's to find: usermount.h.)
	 */
	if (!restricted &&
	    vfc_fstab_get_wait(ctx, req.spec, req.target, &req.default_wait_ms, &msg) < 0) {
		cli_error("%s", msg ? msg : "the fstab line's wait is invalid");
		vfc_ctx_unref(ctx);
		return MNT_EX_USAGE;
	}
	if (restricted)
		vfc_usermount(ctx, &req, req.default_wait_ms, &res);
	else
		vfc_mount(ctx, &req, &res);
	ret = res.excode;
	if (ret != MNT_EX_SUCCESS) {
		cli_error("%s", res.message ? res.message : "mount failed");
	} else if (verbose) {
		const char *done = req.flags & VFC_MOUNT_FAKE ? "would mount" : "mounted";

		if (res.already) {
			tag = vfc_escape_display(res.tag);
			printf("%s: tag '%s' is already mounted on %s\n",
			       program_invocation_short_name, tag ? tag : "", req.target);
		} else if (res.tag) {
			tag = vfc_escape_display(res.tag);
			printf("%s: %s tag '%s' on %s\n", program_invocation_short_name, done,
			       tag ? tag : "", req.target);
		} else {
			/* remount, bind, ...: no share was resolved */
			printf("%s: %s %s with '%s'\n", program_invocation_short_name, done,
			       req.target, req.options);
		}
	}
	vfc_mount_result_clear(&res);
	vfc_ctx_unref(ctx);
	return ret;
}
