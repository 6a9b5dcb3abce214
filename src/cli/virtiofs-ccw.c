// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw: discover and mount virtio-fs shares on the CCW bus of a KVM
 * guest on IBM Z. This file only dispatches to the subcommands.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"

static const struct command {
	const char *name;
	int (*fn)(struct vfc_ctx *ctx, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "list", cmd_list, "list virtio-fs devices with bus-IDs, tags and mountpoints" },
	{ "mount", cmd_mount, "mount a share by tag or bus-ID, or all that fstab names" },
	{ "umount", cmd_umount, "unmount a share by tag, bus-ID or mountpoint" },
	{ "fstab", cmd_fstab, "print fstab lines for the shares discovered" },
	{ "automount", cmd_automount, "mount (or detach) what the hotplug policy asks for" },
	{ "cio-free", cmd_cio_free, "free shares' bus-IDs from the cio_ignore list" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Discover and mount virtio-fs shares on the CCW bus of a KVM guest on IBM Z.\n"
		"\n"
		"Commands:\n",
		program_invocation_short_name);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n"
		     "Options:\n"
		     "  -c, --config FILE  the policy file (default: $%s, else %s)\n"
		     "  -v, --verbose      say more (twice: debug messages)\n"
		     "  -h, --help         show this help\n"
		     "  -V, --version      show the version\n"
		     "\n"
		     "Run '%s COMMAND --help' for a command's options.\n"
		     "\n"
		     "Exit status: 0 success, 1 usage error or bad policy file, 2 system error,\n"
		     "32 a device or tag was not found or cannot be used, 64 some of several\n"
		     "mounts or unmounts succeeded.\n",
		VFC_CONFIG_ENV, VFC_CONFIG_PATH, program_invocation_short_name);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	struct vfc_ctx *ctx;
	int c, verbosity = 0, r;

	setlocale(LC_ALL, "");
	/* Stop at the command name: what follows is the command's. */
	while ((c = getopt_long(argc, argv, "+c:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli_config = optarg;
			break;
		case 'v':
			verbosity++;
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
	if (optind >= argc) {
		cli_error("no command given");
		cli_try_help(NULL);
		return MNT_EX_USAGE;
	}

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		_cleanup_free_ char *name = NULL;

		ctx = cli_ctx_new(verbosity);
		if (!ctx)
			return MNT_EX_SYSERR;
		/* getopt names argv[0] in its messages: make that "virtiofs-ccw list". */
		if (asprintf(&name, "%s %s", program_invocation_short_name, commands[i].name) < 0) {
			vfc_ctx_unref(ctx);
			return MNT_EX_SYSERR;
		}
		argc -= optind;
		argv += optind;
		argv[0] = name;
		optind = 0;
		r = commands[i].fn(ctx, argc, argv);
		vfc_ctx_unref(ctx);
		return r;
	}
	cli_error("unknown command '%s'", argv[optind]);
	cli_try_help(NULL);
	return MNT_EX_USAGE;
}
