// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw list: findmnt/lsblk-style output through libsmartcols.
 */
#include <errno.h>
#include <getopt.h>
#include <libsmartcols/libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "device.h"
#include "escape.h"
#include "spec.h"

enum {
	COL_BUSID,
	COL_HOSTID,
	COL_TAG,
	COL_ONLINE,
	COL_VIRTIO,
	COL_MOUNTPOINTS,
	COL_DRIVER,
	COL_STATE,
};

static const struct colinfo {
	const char *name;
	double whint;
	int flags;
	const char *help;
} infos[] = {
	[COL_BUSID] = { "BUSID", 10, 0, "bus-ID in the guest (0.n.dddd)" },
	[COL_HOSTID] = { "HOSTID", 10, 0,
			 "the same device as the host names it (fe.n.dddd)" },
	[COL_TAG] = { "TAG", 0.2, 0, "virtio-fs tag (mount source)" },
	[COL_ONLINE] = { "ONLINE", 1, SCOLS_FL_RIGHT,
			 "whether the CCW device is online" },
	[COL_VIRTIO] = { "VIRTIO", 8, 0, "virtio device once probed" },
	[COL_MOUNTPOINTS] = { "MOUNTPOINTS", 0.3, SCOLS_FL_WRAP,
			      "where the tag is mounted as virtiofs" },
	[COL_DRIVER] = { "DRIVER", 10, 0, "the CCW driver bound to the device (lscss)" },
	[COL_STATE] = { "STATE", 12, 0,
			"ready, configured, no-ccw-driver, offline, unbound, unexported,\n"
			"               no-export or bad-tag (virtiofs-ccw(8))" },
};

struct list_opts {
	int columns[ARRAY_SIZE(infos)];
	size_t ncolumns;
	bool json, raw, noheadings;
};

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
	for (size_t i = 0; i < ARRAY_SIZE(infos); i++)
		fprintf(out, "  %-12s %s\n", infos[i].name, infos[i].help);
	fprintf(out, "\n"
		     "Tags are shown as the kernel exports them (mainline 6.9 and some\n"
		     "distribution kernels do). Bytes that\n"
		     "are not printable appear as \\xHH; in JSON the backslash does too.\n"
		     "\n"
		     "Exit status: 0 success, 1 usage error, 2 system error,\n"
		     "32 a SPEC is not a virtio-fs device.\n");
}

/* "BUSID, HOSTID, ...": from infos[] itself, so the message names every column there is. */
static char *column_names(void)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < ARRAY_SIZE(infos); i++)
		len += strlen(infos[i].name) + 2;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (size_t i = 0; i < ARRAY_SIZE(infos); i++)
		p = stpcpy(stpcpy(p, i ? ", " : ""), infos[i].name);
	return s;
}

static int parse_columns(const char *arg, struct list_opts *o)
{
	const char *p = arg;

	o->ncolumns = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < ARRAY_SIZE(infos); i++)
			if (strlen(infos[i].name) == len && strncasecmp(infos[i].name, p, len) == 0)
				break;
		if (i == ARRAY_SIZE(infos) || len == 0) {
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
 * Cells carry the raw bytes: libsmartcols encodes what is not printable as
 * \xHH in table and raw output, as lsblk and findmnt do.
 */
static int set_text(struct libscols_line *ln, size_t col, const char *s)
{
	return s ? scols_line_set_data(ln, col, s) : 0;
}

static int mountpoints_cell(struct libscols_line *ln, size_t col, struct vfc_device *dev)
{
	_cleanup_free_ char *joined = NULL;
	const char *const *mp;
	size_t len = 0;
	int r;

	r = vfc_device_get_mountpoints(dev, &mp);
	if (r < 0)
		return r;
	/*
	 * One mountpoint per line of the cell. Each is display-escaped first, so
	 * a newline in a path is the text \x0a and never a line of its own.
	 */
	for (; *mp; mp++) {
		_cleanup_free_ char *shown = vfc_escape_display(*mp);
		size_t mlen;
		char *n;

		if (!shown)
			return -ENOMEM;
		mlen = strlen(shown);
		n = realloc(joined, len + mlen + 2);
		if (!n)
			return -ENOMEM;
		joined = n;
		if (len)
			joined[len++] = '\n';
		memcpy(joined + len, shown, mlen + 1);
		len += mlen;
	}
	if (!joined)
		return 0;
	if (scols_line_refer_data(ln, col, joined) < 0)
		return -ENOMEM;
	joined = NULL;
	return 0;
}

static int add_line(struct libscols_table *tb, const struct list_opts *o, struct vfc_device *dev)
{
	char busid[VFC_BUSID_STRLEN], hostid[VFC_BUSID_STRLEN];
	struct libscols_line *ln;
	int r = 0;

	ln = scols_table_new_line(tb, NULL);
	if (!ln)
		return -ENOMEM;

	for (size_t i = 0; i < o->ncolumns && r >= 0; i++) {
		switch (o->columns[i]) {
		case COL_BUSID:
			r = scols_line_set_data(ln, i, vfc_busid_format(vfc_device_get_busid(dev), busid));
			break;
		case COL_HOSTID:
			r = scols_line_set_data(
				ln, i, vfc_busid_format_host(vfc_device_get_busid(dev), hostid));
			break;
		case COL_TAG:
			r = set_text(ln, i, vfc_device_get_tag(dev));
			break;
		case COL_ONLINE:
			r = scols_line_set_data(ln, i, vfc_device_is_online(dev) ? "yes" : "no");
			break;
		case COL_VIRTIO:
			r = set_text(ln, i, vfc_device_get_virtio(dev));
			break;
		case COL_MOUNTPOINTS:
			r = mountpoints_cell(ln, i, dev);
			break;
		case COL_DRIVER:
			r = set_text(ln, i, vfc_device_get_driver(dev));
			break;
		case COL_STATE:
			r = scols_line_set_data(ln, i,
						vfc_spec_state_name(vfc_device_get_state(dev)));
			break;
		}
	}
	return r < 0 ? -ENOMEM : 0;
}

/* A JSON string from untrusted bytes: escaped for display first, so it is valid UTF-8. */
static int json_string(FILE *out, const char *s)
{
	_cleanup_free_ char *e = NULL;

	if (!s) {
		fputs("null", out);
		return 0;
	}
	e = vfc_escape_display(s);
	if (!e)
		return -ENOMEM;
	fputc('"', out);
	for (const char *p = e; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', out);
		fputc(*p, out);
	}
	fputc('"', out);
	return 0;
}

/*
 * JSON is written here rather than by libsmartcols 2.38, which prints an empty
 * array as [null] and passes malformed UTF-8 through; tags are host-controlled.
 */
static int print_json(const struct list_opts *o, struct vfc_device **devs, size_t n)
{
	char busid[VFC_BUSID_STRLEN];
	FILE *out = stdout;
	int r = 0;

	fputs("{\n   \"devices\": [", out);
	for (size_t d = 0; d < n && r == 0; d++) {
		struct vfc_device *dev = devs[d];

		fputs(d ? ",{\n" : "\n      {\n", out);
		for (size_t i = 0; i < o->ncolumns && r == 0; i++) {
			const struct colinfo *ci = &infos[o->columns[i]];
			const char *const *mp;

			fputs("         \"", out);
			for (const char *c = ci->name; *c; c++)
				fputc(*c - 'A' + 'a', out);
			fputs("\": ", out);
			switch (o->columns[i]) {
			case COL_BUSID:
				r = json_string(out, vfc_busid_format(vfc_device_get_busid(dev), busid));
				break;
			case COL_HOSTID:
				r = json_string(out,
						vfc_busid_format_host(vfc_device_get_busid(dev), busid));
				break;
			case COL_TAG:
				r = json_string(out, vfc_device_get_tag(dev));
				break;
			case COL_ONLINE:
				fputs(vfc_device_is_online(dev) ? "true" : "false", out);
				break;
			case COL_DRIVER:
				r = json_string(out, vfc_device_get_driver(dev));
				break;
			case COL_STATE:
				r = json_string(out,
						vfc_spec_state_name(vfc_device_get_state(dev)));
				break;
			case COL_VIRTIO:
				r = json_string(out, vfc_device_get_virtio(dev));
				break;
			case COL_MOUNTPOINTS:
				fputc('[', out);
				r = vfc_device_get_mountpoints(dev, &mp);
				for (size_t m = 0; mp[m] && r == 0; m++) {
					fputs(m ? ", " : "", out);
					r = json_string(out, mp[m]);
				}
				fputc(']', out);
				break;
			}
			fputs(i + 1 < o->ncolumns ? ",\n" : "\n", out);
		}
		fputs("      }", out);
	}
	fputs(n ? "\n   ]\n}\n" : "]\n}\n", out);
	if (r == 0 && fflush(out) != 0)
		r = -errno;
	return r;
}

static int print_table(const struct list_opts *o, struct vfc_device **devs, size_t n)
{
	struct libscols_table *tb;
	int r = 0;

	tb = scols_new_table();
	if (!tb)
		return -ENOMEM;
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);

	for (size_t i = 0; i < o->ncolumns && r == 0; i++) {
		const struct colinfo *ci = &infos[o->columns[i]];
		struct libscols_column *cl = scols_table_new_column(tb, ci->name, ci->whint,
								    ci->flags);

		if (!cl) {
			r = -ENOMEM;
			break;
		}
		if (ci->flags & SCOLS_FL_WRAP) {
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
						  scols_wrapnl_nextchunk, NULL);
			/*
			 * The newlines are ours (one path a line), the backslashes
			 * our escapes (mountpoints_cell). Raw output encodes both,
			 * so that a separator (\x0a) never reads like a path's.
			 */
			if (!o->raw)
				scols_column_set_safechars(cl, "\n\\");
		}
	}
	for (size_t i = 0; i < n && r == 0; i++)
		r = add_line(tb, o, devs[i]);
	if (r == 0)
		r = scols_print_table(tb);
	scols_unref_table(tb);
	return r;
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
		r = o.json ? print_json(&o, devs, n) : print_table(&o, devs, n);
		if (r < 0) {
			cli_error("cannot print the table: %s", strerror(-r));
			ret = MNT_EX_SYSERR;
		}
	}
	vfc_device_array_free(devs, n);
	return ret;
}
