// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw list's output: a table through libsmartcols, as lsblk and
 * findmnt print theirs, or JSON.
 */
#include <errno.h>
#include <libsmartcols/libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "busid.h"
#include "device.h"
#include "escape.h"
#include "list.h"
#include "macro.h"
#include "spec.h"

const struct list_colinfo list_columns[] = {
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
int cli_list_print_json(const struct list_opts *o, struct vfc_device **devs, size_t n)
{
	char busid[VFC_BUSID_STRLEN];
	FILE *out = stdout;
	int r = 0;

	fputs("{\n   \"devices\": [", out);
	for (size_t d = 0; d < n && r == 0; d++) {
		struct vfc_device *dev = devs[d];

		fputs(d ? ",{\n" : "\n      {\n", out);
		for (size_t i = 0; i < o->ncolumns && r == 0; i++) {
			const struct list_colinfo *ci = &list_columns[o->columns[i]];
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

int cli_list_print_table(const struct list_opts *o, struct vfc_device **devs, size_t n)
{
	struct libscols_table *tb;
	int r = 0;

	tb = scols_new_table();
	if (!tb)
		return -ENOMEM;
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);

	for (size_t i = 0; i < o->ncolumns && r == 0; i++) {
		const struct list_colinfo *ci = &list_columns[o->columns[i]];
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
