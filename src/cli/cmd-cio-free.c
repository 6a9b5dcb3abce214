// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw cio-free: free the bus-IDs of shares from the cio_ignore
 * list, as the boot does for what fstab and root= name (the generator's
 * virtiofs-ccw-cio-free@.service, the initramfs).
 */
#include <getopt.h>
#include <stdio.h>

#include "cio.h"
#include "cli.h"
#include "config.h"
#include "escape.h"
#include "spec.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %1$s cio-free [OPTIONS] SPEC...\n"
		"\n"
		"Free the bus-IDs named (0.n.dddd, fe.n.dddd or dddd) from the cio_ignore\n"
		"list, as 'cio_ignore -r' does, so that their devices appear, now or when\n"
		"they are plugged. A bus-ID the list does not hide is left alone, and so is\n"
		"every bus-ID when the policy file says 'cio-free = no'. A tag is skipped:\n"
		"a hidden device tells no tag.\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE  the policy file (default $%3$s, else %2$s)\n"
		"  -h, --help         show this help\n"
		"\n"
		"Exit status: 0 success, 1 usage error or bad policy file, 2 system error.\n",
		program_invocation_short_name, VFC_CONFIG_PATH, VFC_CONFIG_ENV);
}

int cmd_cio_free(struct vfc_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *config = NULL, *reason = NULL;
	int c, r, ret = MNT_EX_SUCCESS;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return MNT_EX_SUCCESS;
		default:
			cli_try_help("cio-free");
			return MNT_EX_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("no SPEC given: name the bus-IDs to free");
		cli_try_help("cio-free");
		return MNT_EX_USAGE;
	}
	/* Every SPEC is checked before anything is freed: nothing half-done. */
	for (int i = optind; i < argc; i++) {
		enum vfc_spec_kind k = vfc_spec_parse(argv[i], 0, NULL, &reason);

		if (k == VFC_SPEC_MALFORMED || k == VFC_SPEC_INVALID) {
			_cleanup_free_ char *shown = vfc_escape_display(argv[i]);

			cli_error("'%s': %s", shown ? shown : "", reason);
			return MNT_EX_USAGE;
		}
	}
	if (cli_use_config(ctx, config) != MNT_EX_SUCCESS)
		return MNT_EX_USAGE;
	for (int i = optind; i < argc; i++) {
		struct vfc_busid id;

		if (!vfc_spec_kind_is_busid(vfc_spec_parse(argv[i], 0, &id, NULL))) {
			_cleanup_free_ char *shown = vfc_escape_display(argv[i]);

			cli_note("'%s' is a tag, not a bus-ID: nothing to free (a device hidden by "
				 "cio_ignore tells no tag)",
				 shown ? shown : "");
			continue;
		}
		r = vfc_cio_ignore_free(ctx, &id);
		if (r < 0) {
			cli_error("cannot free 0.%x.%04x from %s: %s", id.ssid, id.devno,
				  VFC_CIO_IGNORE_PATH, strerror(-r));
			ret = MNT_EX_SYSERR;
		} else if (r > 0) {
			printf("0.%x.%04x: freed from cio_ignore\n", id.ssid, id.devno);
		}
	}
	return ret;
}
