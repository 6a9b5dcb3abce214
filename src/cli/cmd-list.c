// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw list: findmnt/lsblk-style output through libsmartcols.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "device.h"
#include "list.h"
#include "spec.h"


static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %1$s list [OPTIONS] [SPEC...]\n"
		"       %1$s list --info [--json] SPEC\n"
		"\n"
		"List virtio-fs devices on the CCW bus. A SPEC is a tag or a bus-ID:\n"
		"0.n.dddd (guest), fe.n.dddd (host, as in libvirt) or dddd (= 0.0.dddd).\n"
		"A full bus-ID is always the bus-ID, whatever a tag says.\n"
		"\n"
		"Options:\n"
		"  -J, --json            use JSON output\n"
		"  -o, --output COLS     the columns to show, comma-separated\n"
		"  -n, --noheadings      do not print a header line\n"
		"  -r, --raw             raw output (fields separated by one space)\n"
		"  -i, --info            every fact about one share, where it was read, and\n"
		"                        the next step\n"
		"  -h, --help            show this help\n"
		"\n"
		"Columns:\n",
		program_invocation_short_name);
	for (size_t i = 0; i < LIST_NCOLUMNS; i++)
		fprintf(out, "  %-12s %s\n", list_columns[i].name, list_columns[i].help);
	fprintf(out, "\n"
		     "Tags are shown as the kernel exports them (mainline 6.9 and some\n"
		     "distribution kernels do). Bytes that\n"
		     "are not printable appear as \\xHH; in JSON the backslash does too.\n"
		     "\n"
		     "Exit status: 0 success, 1 usage error, 2 system error,\n"
		     "32 a SPEC is not a virtio-fs device.\n");
}

/* "BUSID, HOSTID, ...": from list_columns[] itself, so the message names every column there is. */
static char *column_names(void)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < LIST_NCOLUMNS; i++)
		len += strlen(list_columns[i].name) + 2;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (size_t i = 0; i < LIST_NCOLUMNS; i++)
		p = stpcpy(stpcpy(p, i ? ", " : ""), list_columns[i].name);
	return s;
}

static int parse_columns(const char *arg, struct list_opts *o)
{
	const char *p = arg;

	o->ncolumns = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < LIST_NCOLUMNS; i++)
			if (strlen(list_columns[i].name) == len && strncasecmp(list_columns[i].name, p, len) == 0)
				break;
		if (i == LIST_NCOLUMNS || len == 0) {
			_cleanup_free_ char *names = column_names();

			cli_error("unknown column '%.*s' in --output; expected one of %s", (int)len,
				  p, names ? names : "the columns of --help");
			return -EINVAL;
		}
		if (o->ncolumns == ARRAY_SIZE(o->columns)) {
			cli_error("too many columns in --output '%s'", arg);
			return -EINVAL;
		}
		o->columns[o->ncolumns++] = (int)i;
		p += len;
		if (*p == ',')
			p++;
	}
	if (o->ncolumns == 0) {
		cli_error("--output needs at least one column");
		return -EINVAL;
	}
	return 0;
}

/*
 * Say why a tag is missing, so an empty TAG column is no mystery: per device
 * in spec.c's words, and a kernel without the export once.
 */
static void explain_unknown_tags(struct vfc_ctx *ctx, struct vfc_device **devs, size_t n)
{
	bool not_exported = false;

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *why = NULL;

		if (vfc_device_get_state(devs[i]) == VFC_DEVICE_NO_EXPORT) {
			not_exported = true;
			continue;
		}
		why = vfc_spec_explain(ctx, NULL, devs[i]);
		if (why)
			cli_note("%s", why);
	}
	if (not_exported)
		cli_note("this kernel does not export virtio-fs tags (mainline 6.9 and some "
			 "distribution kernels do): "
			 "tags unknown; mount by tag still works");
}

int cmd_list(struct vfc_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ "info", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct list_opts o = {
		.columns = { COL_BUSID, COL_HOSTID, COL_TAG, COL_ONLINE, COL_VIRTIO,
			     COL_MOUNTPOINTS },
		.ncolumns = 6,
	};
	struct vfc_device **devs = NULL;
	bool info = false;
	size_t n = 0;
	int c, r, ret = MNT_EX_SUCCESS;

	while ((c = getopt_long(argc, argv, "Jo:nrih", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			info = true;
			break;
		case 'J':
			o.json = true;
			break;
		case 'o':
			if (parse_columns(optarg, &o) < 0)
				return MNT_EX_USAGE;
			break;
		case 'n':
			o.noheadings = true;
			break;
		case 'r':
			o.raw = true;
			break;
		case 'h':
			usage(stdout);
			return MNT_EX_SUCCESS;
		default:
			cli_try_help("list");
			return MNT_EX_USAGE;
		}
	}

	ret = cli_use_config(ctx, NULL);
	if (ret != MNT_EX_SUCCESS)
		return ret;
	if (info) {
		if (argc - optind != 1) {
			cli_error("--info takes one SPEC");
			cli_try_help("list");
			return MNT_EX_USAGE;
		}
		return cli_list_info(ctx, argv[optind], o.json);
	}
	ret = cli_devices(ctx, argv + optind, argc - optind, &devs, &n);

	/*
	 * A SPEC that names no share does not hide the ones that do (as lsblk
	 * and findmnt): they are listed, the exit code still says one failed.
	 * After a system error nothing is listed, as the list may be short.
	 */
	/* The mount table first: a table that cannot be read is an error, not "nowhere". */
	for (size_t i = 0; i < n && ret != MNT_EX_SYSERR; i++) {
		const char *const *mp;

		r = vfc_device_get_mountpoints(devs[i], &mp);
		if (r < 0) {
			cli_error("cannot read the mount table: %s", strerror(-r));
			ret = MNT_EX_SYSERR;
		}
	}
	if (ret == MNT_EX_SUCCESS || (ret == MNT_EX_FAIL && n > 0)) {
		explain_unknown_tags(ctx, devs, n);
		r = o.json ? cli_list_print_json(&o, devs, n) : cli_list_print_table(&o, devs, n);
		if (r < 0) {
			cli_error("cannot print the table: %s", strerror(-r));
			ret = MNT_EX_SYSERR;
		}
	}
	vfc_device_array_free(devs, n);
	return ret;
}
