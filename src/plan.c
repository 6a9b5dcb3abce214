// SPDX-License-Identifier: MIT
#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "busid.h"
#include "discover.h"
#include "macro.h"
#include "modload.h"
#include "plan.h"

void vfc_fstab_entries_free(struct vfc_fstab_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].spec);
		free(e[i].target);
		free(e[i].options);
	}
	free(e);
}

int vfc_plan_fstab(struct vfc_ctx *ctx, struct vfc_fstab_entry **ret, size_t *ret_n)
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
	r = mnt_table_parse_fstab(tb, NULL);
	if (r == -ENOENT) {
		r = 0;
		goto out;
	}
	if (r < 0) {
		vfc_debug(ctx, "cannot parse %s: %d", mnt_get_fstab_path(), r);
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

const struct vfc_fstab_entry *vfc_plan_fstab_find(struct vfc_ctx *ctx,
						  const struct vfc_fstab_entry *e, size_t n,
						  const char *spec)
{
	const struct vfc_fstab_entry *found = NULL;
	struct vfc_device *dev = NULL;
	const struct vfc_busid *id = NULL;
	struct vfc_busid sid, eid;
	const char *tag = NULL;

	/* What @spec stands for: a device (by tag or bus-ID) or at least a bus-ID. */
	if (vfc_device_new_from_spec(ctx, spec, &dev) == 0) {
		tag = vfc_device_get_tag(dev);
		id = vfc_device_get_busid(dev);
	} else if (vfc_busid_parse(spec, &sid, NULL, NULL) == 0) {
		id = &sid;
	}
	for (size_t i = 0; i < n && !found; i++) {
		if (strcmp(e[i].spec, spec) == 0 || (tag && strcmp(e[i].spec, tag) == 0) ||
		    (id && vfc_busid_parse(e[i].spec, &eid, NULL, NULL) == 0 &&
		     vfc_busid_cmp(id, &eid) == 0))
			found = &e[i];
	}
	vfc_device_unref(dev);
	return found;
}

static bool keep_byte(unsigned char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	if (first && (c == '.' || c == '-'))
		return false;
	return c && strchr("_+,:@=%~.-", c);
}

char *vfc_plan_dirname(const char *tag)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)tag;
	char *out, *o;

	/* An empty tag cannot be mounted, but must still not name the base itself. */
	if (!*s)
		return strdup("\\x00");
	out = malloc(strlen(tag) * 4 + 1);
	if (!out)
		return NULL;
	for (o = out; *s; s++) {
		if (keep_byte(*s, s == (const unsigned char *)tag)) {
			*o++ = (char)*s;
			continue;
		}
		*o++ = '\\';
		*o++ = 'x';
		*o++ = hex[*s >> 4];
		*o++ = hex[*s & 0xf];
	}
	*o = '\0';
	return out;
}

char *vfc_plan_target(const char *base, const char *tag)
{
	_cleanup_free_ char *name = vfc_plan_dirname(tag);
	size_t blen;
	char *path;

	if (!name)
		return NULL;
	/* No doubled slash, whether the base ends in one or is "/" itself. */
	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	if (asprintf(&path, "%.*s/%s", (int)blen, base, name) < 0)
		return NULL;
	return path;
}
