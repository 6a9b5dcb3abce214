// SPDX-License-Identifier: MIT
/*
 * Policy: which shares hotplug mounts where (automount = fstab | all |
 * none), and which auto-mounts go when their device does.
 */
#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "busid.h"
#include "config.h"
#include "device.h"
#include "escape.h"
#include "fstab.h"
#include "macro.h"
#include "mountopts.h"
#include "mounttab.h"
#include "plan.h"
#include "unit.h"
#include "virtiofs.h"

void vfc_actions_free(struct vfc_action *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].tag);
		free(a[i].target);
		free(a[i].options);
	}
	free(a);
}

static int actions_append(struct vfc_action **v, size_t *n, struct vfc_action *a)
{
	struct vfc_action *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = *a;
	return 0;
}

static int plan_device(struct vfc_ctx *ctx, struct vfc_device *dev,
		       const struct vfc_fstab_entry *fstab, size_t nfstab, struct vfc_action **v,
		       size_t *n)
{
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	const struct vfc_fstab_entry *fe;
	struct vfc_action a = {.kind = VFC_ACTION_MOUNT};
	char busid[VFC_BUSID_STRLEN];
	const char *tag = vfc_device_get_tag(dev), *opts;
	int r;

	a.id = *vfc_device_get_busid(dev);
	vfc_busid_format(&a.id, busid);

	/* First whether the policy wants the device at all; only then whether we can. */
	fe = vfc_fstab_find_device(fstab, nfstab, &a.id, tag);
	if (fe && fe->noauto) {
		vfc_notice(ctx, "%s: fstab says noauto for %s: not mounting", busid, fe->target);
		return 0;
	}
	if (fe && vfc_unit_is_bound(fe->target)) {
		vfc_info(ctx, "%s: systemd mounts fstab's %s (it binds to the share)", busid,
			 fe->target);
		return 0;
	}
	if (!fe && vfc_config_get_automount(cfg) != VFC_AUTOMOUNT_ALL) {
		vfc_info(ctx, "%s: not in fstab, and automount is not 'all': not mounting", busid);
		return 0;
	}
	if (!tag) {
		vfc_notice(ctx,
			   "%s: tag unknown, nothing to mount (a kernel without tag export "
			   "needs 'tag %s = TAG' in the policy file)",
			   busid, busid);
		return 0;
	}

	if (fe) {
		a.target = strdup(fe->target);
		opts = fe->options;
	} else {
		a.target = vfc_config_get_mount_name(cfg) == VFC_MOUNT_NAME_BUSID
				   ? vfc_escape_subdir(vfc_config_get_mount_base(cfg), busid)
				   : vfc_escape_subdir(vfc_config_get_mount_base(cfg), tag);
		a.in_base = true;
		opts = vfc_config_get_options(cfg);
	}
	a.tag = strdup(tag);
	if (!a.target || !a.tag)
		goto nomem;
	if (vfc_mounttab_is_mounted_on(ctx, tag, a.target)) {
		vfc_info(ctx, "%s: already mounted on %s", busid, a.target);
		free(a.target);
		free(a.tag);
		return 0;
	}
	/* The mark by which a removal finds this mount again (kept in utab by libmount). */
	a.options = opts ? strdup(opts) : NULL;
	if ((opts && !a.options) || mnt_optstr_set_option(&a.options, VFC_OPT_AUTO, busid) < 0)
		goto nomem;
	r = actions_append(v, n, &a);
	if (r < 0)
		goto nomem;
	return 0;
nomem:
	free(a.target);
	free(a.tag);
	free(a.options);
	return -ENOMEM;
}

int vfc_plan_add(struct vfc_ctx *ctx, struct vfc_device **devs, size_t n, struct vfc_action **ret,
		 size_t *ret_n)
{
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	struct vfc_device **all = NULL;
	struct vfc_fstab_entry *fstab = NULL;
	struct vfc_action *v = NULL;
	size_t nall = 0, nfstab = 0, nv = 0;
	int r;

	if (!cfg || vfc_config_get_automount(cfg) == VFC_AUTOMOUNT_NONE) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (n == 0) {
		r = vfc_device_enumerate(ctx, &all, &nall);
		if (r < 0)
			return r;
		devs = all;
		n = nall;
	}
	r = vfc_fstab_read(ctx, &fstab, &nfstab);
	vfc_ctx_reset_mountinfo(ctx);
	for (size_t i = 0; i < n && r >= 0; i++)
		r = plan_device(ctx, devs[i], fstab, nfstab, &v, &nv);
	vfc_fstab_entries_free(fstab, nfstab);
	vfc_device_array_free(all, nall);
	if (r < 0) {
		vfc_actions_free(v, nv);
		return r;
	}
	*ret = v;
	*ret_n = nv;
	return 0;
}

/* Is the device @busid still there with @tag, as far as the kernel can tell? */
static bool device_still_has(struct vfc_ctx *ctx, const char *busid, const char *tag)
{
	struct vfc_device *dev = NULL;
	struct vfc_busid id;
	bool there = false;

	if (vfc_busid_parse(busid, &id, NULL, NULL) < 0 ||
	    vfc_device_new_from_busid(ctx, &id, &dev) < 0)
		return false;
	switch (vfc_device_get_state(dev)) {
	case VFC_DEVICE_READY:
	case VFC_DEVICE_CONFIGURED:
		there = strcmp(vfc_device_get_tag(dev), tag) == 0;
		break;
	case VFC_DEVICE_NO_EXPORT:
		/* Only a kernel without any tag export leaves us guessing: the device is bound,
		 * keep it. */
		there = true;
		break;
	default:
		there = false;
		break;
	}
	vfc_device_unref(dev);
	return there;
}

int vfc_plan_remove(struct vfc_ctx *ctx, struct vfc_action **ret, size_t *ret_n)
{
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	const char *base = cfg ? vfc_config_get_mount_base(cfg) : NULL;
	struct vfc_action *v = NULL;
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	size_t nv = 0, blen = base ? strlen(base) : 0;
	int r;

	tb = mnt_new_table();
	it = mnt_new_iter(MNT_ITER_BACKWARD);
	if (!tb || !it) {
		r = -ENOMEM;
		goto out;
	}
	/* mountinfo with utab's user options merged in: that is where the mark lives. */
	r = mnt_table_parse_mtab(tb, NULL);
	if (r < 0)
		goto out;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *uopts = mnt_fs_get_user_options(fs), *src = mnt_fs_get_source(fs);
		const char *target = mnt_fs_get_target(fs);
		struct vfc_action a = {.kind = VFC_ACTION_DETACH};
		char *val = NULL, busid[VFC_BUSID_STRLEN];
		size_t len = 0;

		if (!mnt_fs_match_fstype(fs, VFC_FSTYPE) || !src || !target || !uopts ||
		    mnt_optstr_get_option(uopts, VFC_OPT_AUTO, &val, &len) != 0 || !val ||
		    len >= sizeof(busid))
			continue;
		memcpy(busid, val, len);
		busid[len] = '\0';
		if (device_still_has(ctx, busid, src))
			continue;
		if (vfc_busid_parse(busid, &a.id, NULL, NULL) < 0)
			memset(&a.id, 0, sizeof(a.id));
		a.tag = strdup(src);
		a.target = strdup(target);
		/* Only a directory directly below the base is one the auto-mounter made. */
		a.in_base = base && strncmp(target, base, blen) == 0 && target[blen] == '/' &&
			    !strchr(target + blen + 1, '/');
		if (!a.tag || !a.target || actions_append(&v, &nv, &a) < 0) {
			free(a.tag);
			free(a.target);
			r = -ENOMEM;
			goto out;
		}
	}
	r = 0;
out:
	mnt_free_iter(it);
	mnt_unref_table(tb);
	if (r < 0) {
		vfc_actions_free(v, nv);
		return r;
	}
	*ret = v;
	*ret_n = nv;
	return 0;
}
