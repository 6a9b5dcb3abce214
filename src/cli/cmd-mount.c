// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw mount / umount: mount(8)-like commands that take bus-IDs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "escape.h"
#include "fstab.h"
#include "mount.h"
#include "mountall.h"
#include "mountopts.h"

static void mount_usage(FILE *out)
{
	fprintf(out,
		"Usage: %1$s mount [OPTIONS] SPEC [DIR]\n"
		"       %1$s mount [OPTIONS] --all\n"
		"\n"
		"Mount a virtio-fs share. SPEC is a tag or a bus-ID: 0.n.dddd (guest),\n"
		"fe.n.dddd (host, as in libvirt) or dddd (= 0.0.dddd). Without DIR the\n"
		"mountpoint comes from the fstab line that names SPEC. --all mounts every\n"
		"virtiofs line of fstab without noauto, like 'mount -a -t virtiofs'.\n"
		"\n"
		"Options:\n"
		"  -a, --all            mount what fstab names\n"
		"  -o, --options OPTS   mount options (with --all: added to fstab's)\n"
		"  -w, --wait SECONDS   wait this long for an absent, offline or unprobed\n"
		"                       device (default: the %2$s option, else 0;\n"
		"                       with --all the policy file's wait)\n"
		"  -f, --fake           resolve and report, mount nothing\n"
		"  -t, --tag            SPEC is a tag, even one that spells a bus-ID\n"
		"  -v, --verbose        say what is done\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit status: 0 success, 1 usage error, 2 system error, 32 failure,\n"
		"64 (--all) some mounts succeeded.\n",
		program_invocation_short_name, VFC_OPT_WAIT);
}

static int parse_wait(const char *arg, int *ret_ms)
{
	int s;

	if (vfc_config_parse_wait(arg, strlen(arg), &s) < 0) {
		cli_error("invalid --wait '%s': expected a number of seconds from 0 to %d", arg,
			  VFC_WAIT_MAX_S);
		return -EINVAL;
	}
	*ret_ms = s * 1000;
	return 0;
}

static void report(const struct vfc_mount_req *req, const struct vfc_mount_result *res,
		   bool verbose)
{
	_cleanup_free_ char *tag = NULL;

	if (res->excode != MNT_EX_SUCCESS) {
		cli_error("%s", res->message ? res->message : "mount failed");
		return;
	}
	if (!verbose)
		return;
	tag = vfc_escape_display(res->tag ? res->tag : "");
	printf("tag '%s' %s %s\n", tag ? tag : "",
	       res->already		      ? "is already mounted on"
	       : req->flags & VFC_MOUNT_FAKE ? "would be mounted on"
					      : "mounted on",
	       req->target);
}

struct all_report {
	bool verbose;
};

static void report_line(const struct vfc_fstab_entry *fe, const struct vfc_mount_req *req,
			const struct vfc_mount_result *res, void *userdata)
{
	const struct all_report *o = userdata;

	/* nofail: say so, but it is no failure of the whole run. */
	if (res->excode != MNT_EX_SUCCESS && fe->nofail)
		cli_note("%s (nofail): %s", fe->target, res->message ? res->message : "");
	else
		report(req, res, o->verbose);
}

static int mount_all(struct vfc_ctx *ctx, const struct vfc_mount_req *tmpl, bool verbose)
{
	struct all_report o = { .verbose = verbose };
	struct vfc_mount_all_result res;
	int ret;

	vfc_mount_all(ctx, tmpl, report_line, &o, &res);
	if (res.message)
		cli_error("%s", res.message);
	/* What was not mounted, in one line, where a nofail failure leaves exit status 0. */
	else if (res.skipped || (verbose && res.noauto))
		cli_note("%zu of %zu virtiofs lines of %s mounted; not mounted: %zu that failed "
			 "(above; %zu of them nofail), %zu noauto",
			 res.mounted, res.lines, mnt_get_fstab_path(), res.skipped + res.failed,
			 res.skipped, res.noauto);
	ret = res.excode;
	vfc_mount_all_result_clear(&res);
	return ret;
}

int cmd_mount(struct vfc_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "options", required_argument, NULL, 'o' },
		{ "wait", required_argument, NULL, 'w' },
		{ "fake", no_argument, NULL, 'f' },
		{ "tag", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	/* Like hotplug, and unlike mount(8): a share mounted there already is done. */
	struct vfc_mount_req req = { .wait_ms = -1, .flags = VFC_MOUNT_IDEMPOTENT };
	struct vfc_fstab_entry *e = NULL;
	struct vfc_mount_result res;
	bool all = false, verbose = false;
	size_t n = 0;
	int c, ret;

	while ((c = getopt_long(argc, argv, "ao:w:ftvh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 't':
			req.flags |= VFC_MOUNT_TAG;
			break;
		case 'o':
			req.options = optarg;
			break;
		case 'w':
			if (parse_wait(optarg, &req.wait_ms) < 0)
				return MNT_EX_USAGE;
			break;
		case 'f':
			req.flags |= VFC_MOUNT_FAKE;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			mount_usage(stdout);
			return MNT_EX_SUCCESS;
		default:
			cli_try_help("mount");
			return MNT_EX_USAGE;
		}
	}

	ret = cli_use_config(ctx, NULL);
	if (ret != MNT_EX_SUCCESS)
		return ret;
	if (all) {
		if (optind != argc) {
			cli_error("--all takes no SPEC or DIR");
			cli_try_help("mount");
			return MNT_EX_USAGE;
		}
		return mount_all(ctx, &req, verbose);
	}
	if (argc - optind < 1 || argc - optind > 2) {
		cli_error(argc == optind ? "no SPEC given" : "too many arguments");
		cli_try_help("mount");
		return MNT_EX_USAGE;
	}
	req.spec = argv[optind];
	req.target = argc - optind == 2 ? argv[optind + 1] : NULL;

	if (!req.target) {
		const struct vfc_fstab_entry *fe;
		_cleanup_free_ char *shown = vfc_escape_display(req.spec);
		int r = vfc_fstab_read(ctx, &e, &n);

		if (r < 0) {
			cli_error("cannot read fstab: %s", strerror(-r));
			return MNT_EX_SYSERR;
		}
		fe = vfc_fstab_find(ctx, e, n, req.spec);
		if (!fe) {
			cli_error("'%s': no mountpoint given and no virtiofs line in %s names it",
				  shown ? shown : "", mnt_get_fstab_path());
			vfc_fstab_entries_free(e, n);
			return MNT_EX_USAGE;
		}
		req.spec = fe->spec;
		req.target = fe->target;
		if (!req.options)
			req.options = fe->options;
	}

	vfc_mount(ctx, &req, &res);
	report(&req, &res, verbose);
	ret = res.excode;
	vfc_mount_result_clear(&res);
	vfc_fstab_entries_free(e, n);
	return ret;
}

static void umount_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s umount [OPTIONS] SPEC|DIR...\n"
		"\n"
		"Unmount virtio-fs shares: a virtiofs mountpoint DIR, or every mount of the\n"
		"tag that SPEC (a tag or a bus-ID) names.\n"
		"\n"
		"Options:\n"
		"  -l, --lazy      detach now, clean up when no longer busy\n"
		"  -f, --fake      report, unmount nothing\n"
		"  -v, --verbose   say what is done\n"
		"  -h, --help      show this help\n"
		"\n"
		"Exit status: 0 success, 1 usage error, 2 system error, 32 failure,\n"
		"64 some unmounts succeeded.\n",
		program_invocation_short_name);
}

int cmd_umount(struct vfc_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lazy", no_argument, NULL, 'l' },
		{ "fake", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct vfc_mount_req req = { 0 };
	bool verbose = false;
	size_t ok = 0, failed = 0;
	int c;

	while ((c = getopt_long(argc, argv, "lfvh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			req.flags |= VFC_MOUNT_LAZY;
			break;
		case 'f':
			req.flags |= VFC_MOUNT_FAKE;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			umount_usage(stdout);
			return MNT_EX_SUCCESS;
		default:
			cli_try_help("umount");
			return MNT_EX_USAGE;
		}
	}
	if (optind == argc) {
		cli_error("nothing to unmount given (a tag, a bus-ID or a mountpoint)");
		cli_try_help("umount");
		return MNT_EX_USAGE;
	}
	if (cli_use_config(ctx, NULL) != MNT_EX_SUCCESS)
		return MNT_EX_USAGE;

	for (int i = optind; i < argc; i++) {
		struct vfc_mount_result res;
		_cleanup_free_ char *shown = vfc_escape_display(argv[i]);

		req.spec = argv[i];
		if (vfc_umount(ctx, &req, &res) == 0) {
			ok++;
			if (verbose)
				printf("%s: %s\n", shown ? shown : "",
				       req.flags & VFC_MOUNT_FAKE ? "would be unmounted"
								  : "unmounted");
		} else {
			failed++;
			cli_error("%s", res.message ? res.message : "unmount failed");
		}
		vfc_mount_result_clear(&res);
	}
	if (failed == 0)
		return MNT_EX_SUCCESS;
	return ok ? MNT_EX_SOMEOK : MNT_EX_FAIL;
}
