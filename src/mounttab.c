// SPDX-License-Identifier: MIT
#include <errno.h>
#include <libmount/libmount.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "mounttab.h"
#include "virtiofs.h"

static void mnt_free_iterp(struct libmnt_iter **it)
{
	mnt_free_iter(*it);
}
#define _cleanup_mnt_iter_ _cleanup_(mnt_free_iterp)

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
			     const char **ret_source)
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
	*ret_fstype = mnt_fs_get_fstype(fs);
	*ret_source = mnt_fs_get_source(fs);
	return 0;
}

bool vfc_mounttab_is_mounted_on(struct vfc_ctx *ctx, const char *tag, const char *target)
{
	const char *fstype, *source;

	return vfc_mounttab_find_target(ctx, target, &fstype, &source) == 0 && fstype &&
	       strcmp(fstype, VFC_FSTYPE) == 0 && source && strcmp(source, tag) == 0;
}
