// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw fstab: ready-to-paste fstab lines for the shares discovered.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "fstab.h"
#include "plan.h"
#include "spec.h"

#define DEFAULT_BASE	"/mnt/virtiofs"
/* The lines mount as printed: mount(8) and systemd make the mountpoint (X-mount.mkdir). */
#define DEFAULT_OPTIONS "defaults,nofail,X-mount.mkdir"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s fstab [OPTIONS] [SPEC...]\n"
		"\n"
		"Print fstab lines for virtio-fs devices (all, or those named by SPEC: a tag\n"
		"or a bus-ID). Each mountpoint is BASE/TAG, the tag made one safe path\n"
		"component (bytes other than letters, digits and _+,:@=%%~.- and a leading\n"
		"'.' or '-' become \\xHH). A tag that fstab would read as something else\n"
		"(LABEL=x, /path, a bus-ID, -h) is named by its bus-ID, after a comment.\n"
		"\n"
		"Options:\n"
		"  -b, --by-busid       name the share by its bus-ID (needs mount.virtiofs)\n"
		"  -t, --by-tag         name the share by its tag (the default)\n"
		"  -B, --base DIR       where mountpoints go (default %s)\n"
		"  -o, --options OPTS   mount options (default %s)\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit status: 0 success, 1 usage error, 2 system error, 32 a SPEC is not a\n"
		"virtio-fs device.\n",
		program_invocation_short_name, DEFAULT_BASE, DEFAULT_OPTIONS);
}

/* One fstab line, as the core makes it, after the comment that says why it names a bus-ID. */
static int print_line(struct vfc_device *dev, bool by_busid, const char *base, const char *opts)
{
	_cleanup_free_ char *line = NULL, *comment = NULL;
	const char *tag = vfc_device_get_tag(dev);
	char busid[VFC_BUSID_STRLEN];
	int r;

	if (!tag) {
		/* A commented line keeps the output pasteable and says why. */
		printf("# %s: tag unknown (%s): no line\n",
		       vfc_busid_format(vfc_device_get_busid(dev), busid),
		       vfc_spec_state_reason(vfc_device_get_state(dev)));
		return 0;
	}
	r = vfc_fstab_format_line(vfc_device_get_busid(dev), tag, by_busid, base, opts, &line,
				  &comment);
	if (r < 0)
		return r;
	if (comment)
		printf("%s\n", comment);
	printf("%s\n", line);
	return 0;
}

int cmd_fstab(struct vfc_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by-busid", no_argument, NULL, 'b' },
		{ "by-tag", no_argument, NULL, 't' },
		{ "base", required_argument, NULL, 'B' },
		{ "options", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *base = DEFAULT_BASE, *options = DEFAULT_OPTIONS;
	struct vfc_device **devs = NULL;
	bool by_busid = false;
	size_t n = 0;
	int c, ret;

	while ((c = getopt_long(argc, argv, "btB:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			by_busid = true;
			break;
		case 't':
			by_busid = false;
			break;
		case 'B':
			base = optarg;
			break;
		case 'o':
			options = optarg;
			break;
		case 'h':
			usage(stdout);
			return MNT_EX_SUCCESS;
		default:
			cli_try_help("fstab");
			return MNT_EX_USAGE;
		}
	}
	if (base[0] != '/') {
		cli_error("--base '%s': expected an absolute directory", base);
		return MNT_EX_USAGE;
	}
	if (!*options || strpbrk(options, " \t\n")) {
		cli_error("--options '%s': expected comma-separated options without blanks",
			  options);
		return MNT_EX_USAGE;
	}

	ret = cli_use_config(ctx, NULL);
	if (ret != MNT_EX_SUCCESS)
		return ret;
	ret = cli_devices(ctx, argv + optind, argc - optind, &devs, &n);
	for (size_t i = 0; i < n && ret == MNT_EX_SUCCESS; i++) {
		int r = print_line(devs[i], by_busid, base, options);

		if (r == -EINVAL) {
			cli_error("--base '%s' with --options '%s': the line would not read back "
				  "from fstab as it is printed", base, options);
			ret = MNT_EX_USAGE;
		} else if (r < 0) {
			cli_error("cannot make an fstab line: %s", strerror(-r));
			ret = MNT_EX_SYSERR;
		}
	}
	vfc_device_array_free(devs, n);
	return ret;
}
