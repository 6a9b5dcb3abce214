// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw automount: the hotplug handler. Under systemd the share's
 * unit runs it (udev/); without systemd the udev rule runs it (--udev).
 */
#include <getopt.h>
#include <syslog.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "escape.h"
#include "hotplug.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %1$s automount [OPTIONS] [SPEC...]\n"
		"       %1$s automount [OPTIONS] --remove\n"
		"\n"
		"Mount what the policy file asks for the named devices (a tag or a bus-ID;\n"
		"all present devices if none is named), or with --remove detach the\n"
		"auto-mounts whose device is gone. Safe to run again and concurrently.\n"
		"\n"
		"Options:\n"
		"  -n, --dry-run           print the planned actions, change nothing:\n"
		"                          'mount TAG DIR OPTIONS' or 'detach TAG DIR',\n"
		"                          fields escaped as in fstab (space = \\040)\n"
		"  -c, --config FILE       the policy file (default $%3$s, else %2$s)\n"
		"  -r, --remove            detach auto-mounts of devices that are gone\n"
		"  -k, --kernel-name NAME  the device as udev names it: a bus-ID, virtioN,\n"
		"                          or the N of /sys/fs/virtiofs/N\n"
		"  -u, --udev              run from a udev rule: wait at most %4$d s\n"
		"  -v, --verbose           say what is done\n"
		"  -h, --help              show this help\n"
		"\n"
		"Without systemd the udev rule runs it (--udev). Under busybox mdev, call it\n"
		"from the hotplug script: '%1$s automount --kernel-name MDEV' when a\n"
		"virtio-fs device appears and '%1$s automount --remove' when one goes.\n"
		"\n"
		"Exit status: 0 success, 1 usage error or bad policy file (then nothing is\n"
		"mounted), 2 system error, 32 a mount or detach failed.\n",
		program_invocation_short_name, VFC_CONFIG_PATH, VFC_CONFIG_ENV,
		VFC_UDEV_WAIT_MAX_S);
}

static void print_action(const struct vfc_action *a)
{
	_cleanup_free_ char *tag = vfc_escape_fstab(a->tag);
	_cleanup_free_ char *target = vfc_escape_fstab(a->target);
	_cleanup_free_ char *opts = a->options ? vfc_escape_fstab(a->options) : NULL;

	if (a->kind == VFC_ACTION_MOUNT)
		printf("mount %s %s %s\n", tag ? tag : "", target ? target : "",
		       opts ? opts : "defaults");
	else
		printf("detach %s %s\n", tag ? tag : "", target ? target : "");
}

struct report {
	bool verbose;
};

static void report_action(const struct vfc_action *a, int r, const struct vfc_mount_result *res,
			  void *userdata)
{
	const struct report *o = userdata;
	_cleanup_free_ char *tag = NULL;

	if (!res) {
		print_action(a);
		return;
	}
	if (r < 0) {
		cli_error("%s", res->message ? res->message : strerror(-r));
		return;
	}
	if (!o->verbose)
		return;
	tag = vfc_escape_display(a->tag);
	printf("%s tag '%s' %s %s\n", a->kind == VFC_ACTION_MOUNT ? "mounted" : "detached",
	       tag ? tag : "", a->kind == VFC_ACTION_MOUNT ? "on" : "from", a->target);
}

int cmd_automount(struct vfc_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "remove", no_argument, NULL, 'r' },
		{ "kernel-name", required_argument, NULL, 'k' },
		{ "udev", no_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct vfc_hotplug_req req = { 0 };
	struct report o = { 0 };
	struct vfc_mount_result res;
	const char *config = NULL;
	int c, ret;

	while ((c = getopt_long(argc, argv, "nc:rk:uvh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			req.dry_run = true;
			break;
		case 'c':
			config = optarg;
			break;
		case 'r':
			req.remove = true;
			break;
		case 'k':
			req.kernel_name = optarg;
			break;
		case 'u':
			req.udev = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return MNT_EX_SUCCESS;
		default:
			cli_try_help("automount");
			return MNT_EX_USAGE;
		}
	}
	/* A handler's notes (why a device is skipped) belong in the journal. */
	vfc_ctx_set_log_priority(ctx, o.verbose ? LOG_INFO : LOG_NOTICE);
	if (req.remove && optind < argc) {
		cli_error("--remove takes no SPEC: it detaches what belongs to devices that are gone");
		return MNT_EX_USAGE;
	}
	/* Its own --config wins over the one given before the command. */
	if (cli_use_config(ctx, config) != MNT_EX_SUCCESS)
		return MNT_EX_USAGE;
	req.specs = (const char *const *)argv + optind;
	req.nspecs = (size_t)(argc - optind);
	vfc_hotplug_run(ctx, &req, report_action, &o, &res);
	if (res.message)
		cli_error("%s", res.message);
	ret = res.excode;
	vfc_mount_result_clear(&res);
	return ret;
}
