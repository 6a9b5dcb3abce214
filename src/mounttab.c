// SPDX-License-Identifier: MIT
#include <errno.h>
#include <libmount/libmount.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "mountopts.h"
#include "mounttab.h"
#include "virtiofs.h"

int vfc_mounttab_get_targets(struct vfc_ctx *ctx, const char *tag, bool newest_first, char ***ret)
{
	_cleanup_mnt_iter_ struct libmnt_iter *it = NULL;
	_cleanup_strv_free_ char **v = NULL;
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	size_t n = 0;
	int r;

	r = vfc_ctx_get_mountinfo(ctx, &tb);
	if (r < 0)
		return r;
	it = mnt_new_iter(newest_first ? MNT_ITER_BACKWARD : MNT_ITER_FORWARD);
	v = calloc(1, sizeof(*v));
	if (!it || !v)
		return -ENOMEM;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *src = mnt_fs_get_source(fs), *target = mnt_fs_get_target(fs);
		char **nv;

		if (!mnt_fs_match_fstype(fs, VFC_FSTYPE) || !src || !target ||
		    strcmp(src, tag) != 0)
			continue;
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv)
			return -ENOMEM;
		v = nv;
		v[n + 1] = NULL;
		v[n] = strdup(target);
		if (!v[n])
			return -ENOMEM;
		n++;
	}
	*ret = TAKE_PTR(v);
	return (int)n;
}

int vfc_mounttab_find_target(struct vfc_ctx *ctx, const char *target, const char **ret_fstype,
			     const char **ret_source, int *ret_mount_id)
{
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	int r;

	r = vfc_ctx_get_mountinfo(ctx, &tb);
	if (r < 0)
		return r;
	fs = mnt_table_find_target(tb, target, MNT_ITER_BACKWARD);
	if (!fs)
		return -ENOENT;
	if (ret_fstype)
		*ret_fstype = mnt_fs_get_fstype(fs);
	if (ret_source)
		*ret_source = mnt_fs_get_source(fs);
	if (ret_mount_id)
		*ret_mount_id = mnt_fs_get_id(fs);
	return 0;
}

bool vfc_mounttab_is_mounted_on(struct vfc_ctx *ctx, const char *tag, const char *target)
{
	const char *fstype, *source;

	return vfc_mounttab_find_target(ctx, target, &fstype, &source, NULL) == 0 && fstype &&
	       strcmp(fstype, VFC_FSTYPE) == 0 && source && strcmp(source, tag) == 0;
}

bool vfc_mounttab_spec_recorded(bool helper, const char *spec, const char *tag)
{
	return helper && spec && tag && strcmp(spec, tag) != 0;
}

void vfc_mounttab_auto_free(struct vfc_mounttab_auto *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].source);
		free(v[i].target);
	}
	free(v);
}

int vfc_mounttab_get_auto(struct vfc_ctx *ctx, struct vfc_mounttab_auto **ret, size_t *ret_n)
{
	_cleanup_mnt_table_ struct libmnt_table *tb = NULL;
	_cleanup_mnt_iter_ struct libmnt_iter *it = NULL;
	struct vfc_mounttab_auto *v = NULL;
	struct libmnt_fs *fs;
	size_t n = 0;
	int r;

	(void)ctx;
	tb = mnt_new_table();
	it = mnt_new_iter(MNT_ITER_BACKWARD);
	if (!tb || !it)
		return -ENOMEM;
	/* Not the context's cached table: the mark lives in utab, which that one leaves out. */
	r = mnt_table_parse_mtab(tb, NULL);
	if (r < 0)
		return r;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *src = mnt_fs_get_source(fs), *target = mnt_fs_get_target(fs);
		struct vfc_mounttab_auto a = { .mount_id = mnt_fs_get_id(fs) }, *nv;

		if (!mnt_fs_match_fstype(fs, VFC_FSTYPE) || !src || !target ||
		    vfc_mountopts_get_auto(mnt_fs_get_user_options(fs), &a.id, &a.instance) < 0)
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv)
			goto nomem;
		v = nv;
		a.source = strdup(src);
		a.target = strdup(target);
		v[n++] = a;
		if (!a.source || !a.target)
			goto nomem;
	}
	*ret = v;
	*ret_n = n;
	return 0;
nomem:
	vfc_mounttab_auto_free(v, n);
	return -ENOMEM;
}
