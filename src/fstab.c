// SPDX-License-Identifier: MIT
#include <errno.h>
#include <libmount/libmount.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "busid.h"
#include "device.h"
#include "escape.h"
#include "fstab.h"
#include "macro.h"
#include "mountopts.h"
#include "spec.h"
#include "virtiofs.h"

void vfc_fstab_entries_free(struct vfc_fstab_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].spec);
		free(e[i].target);
		free(e[i].options);
	}
	free(e);
}

int vfc_fstab_read(struct vfc_ctx *ctx, struct vfc_fstab_entry **ret, size_t *ret_n)
{
	return vfc_fstab_read_file(ctx, NULL, ret, ret_n);
}

int vfc_fstab_read_file(struct vfc_ctx *ctx, const char *path, struct vfc_fstab_entry **ret,
			size_t *ret_n)
{
	struct vfc_fstab_entry *v = NULL;
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	size_t n = 0;
	int r;

	tb = mnt_new_table();
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!tb || !it) {
		r = -ENOMEM;
		goto out;
	}
	/* NULL: the default fstab, or $LIBMOUNT_FSTAB, as mount(8) reads it. */
	r = mnt_table_parse_fstab(tb, path);
	if (r == -ENOENT) {
		r = 0;
		goto out;
	}
	if (r < 0) {
		vfc_debug(ctx, "cannot parse %s: %d", path ? path : mnt_get_fstab_path(), r);
		goto out;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *opts = mnt_fs_get_options(fs);
		struct vfc_fstab_entry *nv, *e;

		if (!mnt_fs_match_fstype(fs, VFC_FSTYPE) || !mnt_fs_get_source(fs) ||
		    !mnt_fs_get_target(fs))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			r = -ENOMEM;
			goto out;
		}
		v = nv;
		e = &v[n++];
		*e = (struct vfc_fstab_entry){
			.spec = strdup(mnt_fs_get_source(fs)),
			.target = strdup(mnt_fs_get_target(fs)),
			.options = opts ? strdup(opts) : NULL,
			.noauto = opts && mnt_optstr_get_option(opts, "noauto", NULL, NULL) == 0,
			.nofail = opts && mnt_optstr_get_option(opts, "nofail", NULL, NULL) == 0,
		};
		if (!e->spec || !e->target || (opts && !e->options)) {
			r = -ENOMEM;
			goto out;
		}
	}
	r = 0;
out:
	mnt_free_iter(it);
	mnt_unref_table(tb);
	if (r < 0) {
		vfc_fstab_entries_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

bool vfc_fstab_source_names(const char *spec, const struct vfc_busid *id, const char *tag)
{
	struct vfc_busid lid;

	switch (vfc_spec_parse(spec, 0, &lid, NULL)) {
	case VFC_SPEC_BUSID:
	case VFC_SPEC_HOSTID:
	case VFC_SPEC_SHORT:
		return vfc_busid_cmp(&lid, id) == 0;
	case VFC_SPEC_TAG:
		return tag && strcmp(spec, tag) == 0;
	default:
		return false;
	}
}

const struct vfc_fstab_entry *vfc_fstab_find_device(const struct vfc_fstab_entry *e, size_t n,
						    const struct vfc_busid *id, const char *tag)
{
	for (size_t i = 0; i < n; i++)
		if (vfc_fstab_source_names(e[i].spec, id, tag))
			return &e[i];
	return NULL;
}

const struct vfc_fstab_entry *vfc_fstab_find(struct vfc_ctx *ctx, const struct vfc_fstab_entry *e,
					     size_t n, const char *spec)
{
	const struct vfc_fstab_entry *found = NULL;
	struct vfc_device *dev = NULL;
	struct vfc_busid id;

	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].spec, spec) == 0)
			return &e[i];
	/* What @spec stands for, looked up once: a device, or at least a bus-ID. */
	if (vfc_spec_lookup(ctx, spec, 0, &dev, NULL) == 0) {
		found = vfc_fstab_find_device(e, n, vfc_device_get_busid(dev),
					      vfc_device_get_tag(dev));
		vfc_device_unref(dev);
	} else if (vfc_spec_kind_is_busid(vfc_spec_parse(spec, 0, &id, NULL))) {
		found = vfc_fstab_find_device(e, n, &id, NULL);
	}
	return found;
}

static bool same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (realpath(a, ra) && realpath(b, rb))
		return strcmp(ra, rb) == 0;
	return strcmp(a, b) == 0;
}

const struct vfc_fstab_entry *vfc_fstab_find_line(const struct vfc_fstab_entry *e, size_t n,
						  const char *spec, const char *target)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].spec, spec) == 0 && same_dir(e[i].target, target))
			return &e[i];
	return NULL;
}

int vfc_fstab_get_wait(struct vfc_ctx *ctx, const char *spec, const char *target, int *ret_ms,
		       char **ret_message)
{
	const struct vfc_fstab_entry *fe;
	struct vfc_fstab_entry *e = NULL;
	_cleanup_free_ char *msg = NULL;
	size_t n = 0;
	int r, ms;

	/* Without fstab the caller's default wait is as good as any. */
	r = vfc_fstab_read(ctx, &e, &n);
	if (r < 0) {
		vfc_debug(ctx, "no wait from fstab: %s", strerror(-r));
		return 0;
	}
	fe = vfc_fstab_find_line(e, n, spec, target);
	r = fe ? vfc_mountopts_get_wait(fe->options, &ms, &msg) : 0;
	if (r == 1) {
		*ret_ms = ms;
	} else if (r < 0) {
		if (asprintf(ret_message, "%s: the fstab line's %s", fe->target,
			     msg ? msg : "wait is invalid") < 0)
			*ret_message = NULL;
		r = -EINVAL;
	}
	vfc_fstab_entries_free(e, n);
	return r;
}

int vfc_fstab_enumerate_devices(struct vfc_ctx *ctx, struct vfc_device ***ret_devs,
				size_t *ret_n)
{
	struct vfc_fstab_entry *e = NULL;
	struct vfc_busid *ids = NULL;
	size_t n = 0, nids = 0;
	int r;

	r = vfc_fstab_read(ctx, &e, &n);
	if (r < 0)
		return r;
	ids = calloc(n + 1, sizeof(*ids));
	if (!ids) {
		vfc_fstab_entries_free(e, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (vfc_spec_kind_is_busid(vfc_spec_parse(e[i].spec, 0, &ids[nids], NULL)))
			nids++;
	vfc_fstab_entries_free(e, n);
	r = vfc_device_enumerate_with(ctx, ids, nids, ret_devs, ret_n);
	free(ids);
	return r;
}

bool vfc_fstab_line_names(const struct vfc_fstab_entry *fe, struct vfc_device *dev)
{
	return vfc_fstab_source_names(fe->spec, vfc_device_get_busid(dev), vfc_device_get_tag(dev));
}

bool vfc_fstab_source_is_helper_option(const char *source)
{
	static const char *const opts[] = {"-h", "--help", "-V", "--version"};

	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (strcmp(source, opts[i]) == 0)
			return true;
	return false;
}

/*
 * Does @line read back through libmount, as mount(8) and systemd read fstab,
 * as one virtiofs line with exactly this source (no TAG= lookup), mountpoint
 * and options? 1 or 0, or -errno.
 */
static int line_reads_back(const char *line, const char *source, const char *target,
			   const char *options)
{
	_cleanup_mnt_table_ struct libmnt_table *tb = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	struct libmnt_fs *fs;
	const char *s, *t, *type, *o;
	int r;

	tb = mnt_new_table();
	if (!tb)
		return -ENOMEM;
	f = fmemopen((void *)line, strlen(line), "r");
	if (!f)
		return -errno;
	r = mnt_table_parse_stream(tb, f, "fstab");
	if (r < 0)
		return r;
	if (mnt_table_get_nents(tb) != 1 || mnt_table_first_fs(tb, &fs) != 0)
		return 0;
	s = mnt_fs_get_source(fs);
	t = mnt_fs_get_target(fs);
	type = mnt_fs_get_fstype(fs);
	o = mnt_fs_get_options(fs);
	return s && strcmp(s, source) == 0 && mnt_fs_get_tag(fs, NULL, NULL) != 0 && t &&
	       strcmp(t, target) == 0 && type && strcmp(type, VFC_FSTYPE) == 0 && o &&
	       strcmp(o, options) == 0;
}

/* "SOURCE TARGET virtiofs OPTIONS 0 0", checked; 1 if it reads back, 0 if not, or -errno. */
static int make_line(const char *source, const char *target, const char *options,
		     char **ret_line)
{
	_cleanup_free_ char *msrc = vfc_escape_fstab(source), *mtarget = vfc_escape_fstab(target),
			    *mopts = vfc_escape_fstab(options), *line = NULL;
	int r;

	if (!msrc || !mtarget || !mopts ||
	    asprintf(&line, "%s %s %s %s 0 0", msrc, mtarget, VFC_FSTYPE, mopts) < 0)
		return -ENOMEM;
	r = line_reads_back(line, source, target, options);
	if (r > 0)
		*ret_line = TAKE_PTR(line);
	return r;
}

/*
 * Why fstab cannot name the share by @tag, in words ("reads as ... in fstab"),
 * or NULL if its shape does not stop it. @buf holds the bus-ID a tag spells.
 */
static const char *tag_misreading(const char *tag, char *buf, size_t size)
{
	struct vfc_busid id;
	enum vfc_spec_kind kind = vfc_spec_parse(tag, 0, &id, NULL);
	char busid[VFC_BUSID_STRLEN];
	size_t len;

	/* Ours: a bus-ID in fstab names the device at that bus-ID, whatever its tag. */
	if (vfc_spec_kind_is_busid(kind)) {
		snprintf(buf, size, "reads as bus-ID %s", vfc_busid_format(&id, busid));
		return buf;
	}
	if (kind != VFC_SPEC_TAG)
		return "reads as a malformed bus-ID";
	/* libmount's, and systemd's: a lookup of a block device by its label or UUID. */
	if (vfc_mountopts_is_libmount_tag(tag, &len))
		return "reads as a block-device lookup";
	/* Older libmount canonicalizes a path; systemd may wait for it as a device. */
	if (tag[0] == '/')
		return "reads as a path";
	if (vfc_fstab_source_is_helper_option(tag))
		return "reads as an option of mount.virtiofs";
	return NULL;
}

int vfc_fstab_format_line(const struct vfc_busid *id, const char *tag, bool by_busid,
			  const char *base, const char *options, char **ret_line,
			  char **ret_comment)
{
	_cleanup_free_ char *target = NULL, *line = NULL, *shown = NULL, *comment = NULL;
	char busid[VFC_BUSID_STRLEN], buf[64];
	const char *why = NULL;
	int r;

	vfc_busid_format(id, busid);
	target = vfc_escape_subdir(base, tag);
	if (!target)
		return -ENOMEM;
	if (!by_busid) {
		why = tag_misreading(tag, buf, sizeof(buf));
		if (!why) {
			/* Whatever else libmount would read otherwise: the check is the judge. */
			r = make_line(tag, target, options, &line);
			if (r < 0)
				return r;
			if (r == 0)
				why = "does not read back as it is";
		}
	}
	if (!line) {
		r = make_line(busid, target, options, &line);
		if (r < 0)
			return r;
		if (r == 0)
			return -EINVAL;
	}
	if (why) {
		shown = vfc_escape_display(tag);
		if (!shown || asprintf(&comment, "# %s: tag '%s' %s in fstab: named by its bus-ID",
				       busid, shown, why) < 0)
			return -ENOMEM;
	}
	*ret_line = TAKE_PTR(line);
	*ret_comment = TAKE_PTR(comment);
	return 0;
}
