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
#include "mounttab.h"
#include "plan.h"
#include "spec.h"
#include "unit.h"

void vfc_action_array_free(struct vfc_action *a, size_t n)
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

/* The same directory, trailing slashes aside ("/srv/a/" is "/srv/a")? */
static bool same_dir(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

/*
 * Plan a mount of @dev (known by @busid in notes; it has a tag) on @target
 * (taken over: freed on every path) with @opts: not if it is mounted there
 * already (unless @again) or planned there already (two fstab lines, one
 * mountpoint: systemd too makes one unit of them).
 */
static int plan_mount(struct vfc_ctx *ctx, struct vfc_device *dev, const char *busid, char *target,
		      const char *opts, bool in_base, bool again, struct vfc_action **v, size_t *n)
{
	const char *tag = vfc_device_get_tag(dev);
	struct vfc_action a = {
		.kind = VFC_ACTION_MOUNT,
		.id = *vfc_device_get_busid(dev),
		.target = target,
		.in_base = in_base,
		.instance = vfc_device_get_instance(dev),
	};

	if (!target)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		if ((*v)[i].kind == VFC_ACTION_MOUNT && strcmp((*v)[i].tag, tag) == 0 &&
		    same_dir((*v)[i].target, target)) {
			vfc_info(ctx, "%s: %s is planned already", busid, target);
			free(target);
			return 0;
		}
	}
	if (!again && vfc_mounttab_is_mounted_on(ctx, tag, target)) {
		vfc_info(ctx, "%s: already mounted on %s", busid, target);
		free(target);
		return 0;
	}
	a.tag = strdup(tag);
	a.options = opts ? strdup(opts) : NULL;
	if (!a.tag || (opts && !a.options) || actions_append(v, n, &a) < 0) {
		free(a.target);
		free(a.tag);
		free(a.options);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Is the fstab line @fe, which names the device at @busid, hotplug's to
 * mount? Not with noauto (mount -a skips it too), nor where systemd mounts
 * it. x-systemd.automount is no reason to wait: a line systemd handles is
 * bound (the generator binds every virtiofs line), and without systemd there
 * is no automount unit to mount it on first access, so it is mounted when
 * the share appears, as mount -a mounts it (mount(8) ignores x-systemd.*).
 * @log: say why a line is left.
 */
static bool line_is_ours(struct vfc_ctx *ctx, const struct vfc_fstab_entry *fe, const char *busid,
			 bool log)
{
	if (fe->noauto) {
		if (log)
			vfc_notice(ctx, "%s: fstab says noauto for %s: not mounting", busid,
				   fe->target);
		return false;
	}
	if (vfc_unit_is_bound(fe->target)) {
		if (log)
			vfc_info(ctx, "%s: systemd mounts fstab's %s (it binds to the share)",
				 busid, fe->target);
		return false;
	}
	if (log && fe->options &&
	    mnt_optstr_get_option(fe->options, "x-systemd.automount", NULL, NULL) == 0)
		vfc_info(ctx,
			 "%s: no systemd automount unit for %s: mounting it now, as mount -a does",
			 busid, fe->target);
	return true;
}

/*
 * Plan @dev: a mount on each fstab line that names it and is ours (a share
 * on two lines is mounted twice), or, if no line names it and the policy is
 * automount = all, one below the mount base. @again: only the mount on that
 * directory, even though it is mounted there (it is about to be taken off).
 */
static int plan_device(struct vfc_ctx *ctx, struct vfc_device *dev,
		       const struct vfc_fstab_entry *fstab, size_t nfstab, const char *again,
		       struct vfc_action **v, size_t *n)
{
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	const struct vfc_busid *id = vfc_device_get_busid(dev);
	const char *tag = vfc_device_get_tag(dev);
	char busid[VFC_BUSID_STRLEN], *target;
	bool named = false;
	size_t wanted = 0;
	int r = 0;

	vfc_busid_format(id, busid);

	/* First whether the policy wants the device at all; only then whether we can. */
	for (size_t i = 0; i < nfstab; i++) {
		if (!vfc_fstab_source_names(fstab[i].spec, id, tag))
			continue;
		named = true;
		if (again ? same_dir(fstab[i].target, again)
			  : line_is_ours(ctx, &fstab[i], busid, true))
			wanted++;
	}
	if (!named && vfc_config_get_automount(cfg) != VFC_AUTOMOUNT_ALL) {
		vfc_info(ctx, "%s: not in fstab, and automount is not 'all': not mounting", busid);
		return 0;
	}
	if (named && wanted == 0)
		return 0;
	if (!tag) {
		_cleanup_free_ char *why = vfc_spec_explain(ctx, NULL, dev);

		vfc_notice(ctx, "%s: nothing to mount: %s", busid, why ? why : "tag unknown");
		return 0;
	}

	if (!named) {
		target = vfc_config_get_mount_name(cfg) == VFC_MOUNT_NAME_BUSID
				 ? vfc_escape_subdir(vfc_config_get_mount_base(cfg), busid)
				 : vfc_escape_subdir(vfc_config_get_mount_base(cfg), tag);
		if (target && again && !same_dir(target, again)) {
			free(target);
			return 0;
		}
		return plan_mount(ctx, dev, busid, target, vfc_config_get_options(cfg), true,
				  again != NULL, v, n);
	}
	for (size_t i = 0; i < nfstab && r >= 0; i++) {
		const struct vfc_fstab_entry *fe = &fstab[i];

		if (!vfc_fstab_source_names(fe->spec, id, tag) ||
		    (again ? !same_dir(fe->target, again) : !line_is_ours(ctx, fe, busid, false)))
			continue;
		r = plan_mount(ctx, dev, busid, strdup(fe->target), fe->options, false,
			       again != NULL, v, n);
	}
	return r;
}

/* Parents first: a path sorts before every path below it ("/srv" < "/srv/a"); then by bus-ID. */
static int cmp_targets(const void *a, const void *b)
{
	const struct vfc_action *x = a, *y = b;
	int r = strcmp(x->target, y->target);

	return r ? r : vfc_busid_cmp(&x->id, &y->id);
}

static int cmp_targets_deepest(const void *a, const void *b)
{
	return -cmp_targets(a, b);
}

/* Is @path strictly below @dir? */
static bool is_below(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	while (len > 0 && dir[len - 1] == '/')
		len--;
	return len > 0 && strncmp(path, dir, len) == 0 && path[len] == '/' && path[len + 1];
}

/*
 * A parent that comes after its child: a mount planned on DIR would hide our
 * auto-mounts below DIR. Plan (into @pre) to take each off first, and (into
 * @v) to mount it again after its parent, on what the parent brings.
 */
static int plan_uncover(struct vfc_ctx *ctx, const struct vfc_fstab_entry *fstab, size_t nfstab,
			struct vfc_action **v, size_t *nv, struct vfc_action **pre, size_t *npre)
{
	struct vfc_mounttab_auto *m = NULL;
	size_t nm = 0, planned = *nv;
	int r;

	if (planned == 0)
		return 0;
	r = vfc_mounttab_get_auto(ctx, &m, &nm);
	if (r < 0)
		return r;
	for (size_t k = 0; k < nm && r >= 0; k++) {
		struct vfc_action a = { .kind = VFC_ACTION_DETACH, .id = m[k].id };
		struct vfc_device *dev = NULL;
		bool hidden = false;

		for (size_t i = 0; i < planned && !hidden; i++)
			hidden = (*v)[i].kind == VFC_ACTION_MOUNT &&
				 is_below(m[k].target, (*v)[i].target);
		if (!hidden)
			continue;
		vfc_info(ctx, "%s would be hidden by its parent's mount: mounted again after it",
			 m[k].target);
		a.mount_id = m[k].mount_id;
		a.tag = strdup(m[k].source);
		a.target = strdup(m[k].target);
		if (!a.tag || !a.target || actions_append(pre, npre, &a) < 0) {
			free(a.tag);
			free(a.target);
			r = -ENOMEM;
			break;
		}
		if (vfc_device_new_from_busid(ctx, &m[k].id, &dev) == 0) {
			r = plan_device(ctx, dev, fstab, nfstab, m[k].target, v, nv);
			vfc_device_unref(dev);
		}
	}
	vfc_mounttab_auto_free(m, nm);
	return r;
}

int vfc_plan_add(struct vfc_ctx *ctx, struct vfc_device **devs, size_t n, struct vfc_action **ret,
		 size_t *ret_n)
{
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	struct vfc_device **all = NULL;
	struct vfc_fstab_entry *fstab = NULL;
	struct vfc_action *v = NULL, *pre = NULL;
	size_t nall = 0, nfstab = 0, nv = 0, npre = 0;
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
		r = plan_device(ctx, devs[i], fstab, nfstab, NULL, &v, &nv);
	if (r >= 0)
		r = plan_uncover(ctx, fstab, nfstab, &v, &nv, &pre, &npre);
	vfc_fstab_entries_free(fstab, nfstab);
	vfc_device_array_free(all, nall);
	/* A mount made before its parent's would be hidden by it. */
	if (r >= 0 && nv > 1)
		qsort(v, nv, sizeof(*v), cmp_targets);
	/* What the new mounts would hide comes off first, deepest first. */
	if (r >= 0 && npre > 1)
		qsort(pre, npre, sizeof(*pre), cmp_targets_deepest);
	if (r >= 0 && npre > 0) {
		struct vfc_action *all_v = realloc(pre, (npre + nv) * sizeof(*pre));

		if (!all_v) {
			r = -ENOMEM;
		} else {
			pre = all_v;
			if (nv)
				memcpy(pre + npre, v, nv * sizeof(*v));
			free(v);
			v = TAKE_PTR(pre);
			nv += npre;
			npre = 0;
		}
	}
	if (r < 0) {
		vfc_action_array_free(v, nv);
		vfc_action_array_free(pre, npre);
		return r;
	}
	*ret = v;
	*ret_n = nv;
	return 0;
}

/*
 * Why the auto-mount @m must go, or NULL while its device is still the one
 * it was made from, with the tag it was mounted by.
 */
static const char *mount_is_stale(struct vfc_ctx *ctx, const struct vfc_mounttab_auto *m)
{
	struct vfc_device *dev = NULL;
	const char *why = NULL;

	if (vfc_device_new_from_busid(ctx, &m->id, &dev) < 0)
		return "the device is gone";
	switch (vfc_device_get_state(dev)) {
	case VFC_DEVICE_READY:
	case VFC_DEVICE_CONFIGURED:
		if (strcmp(vfc_device_get_tag(dev), m->source) != 0)
			why = "the device has another tag now";
		break;
	case VFC_DEVICE_NO_EXPORT:
		/* No tag to compare: the instance below still tells a replaced device. */
		break;
	default:
		why = "the device is no longer bound to virtiofs";
		break;
	}
	/* The same bus-ID and tag, but another device: removed and added again. */
	if (!why && m->instance && m->instance != vfc_device_get_instance(dev))
		why = "the device was replaced";
	vfc_device_unref(dev);
	return why;
}

int vfc_plan_remove(struct vfc_ctx *ctx, struct vfc_action **ret, size_t *ret_n)
{
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	const char *base = cfg ? vfc_config_get_mount_base(cfg) : NULL;
	struct vfc_mounttab_auto *m = NULL;
	struct vfc_action *v = NULL;
	size_t nm = 0, nv = 0;
	int r;

	r = vfc_mounttab_get_auto(ctx, &m, &nm);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nm; i++) {
		struct vfc_action a = { .kind = VFC_ACTION_DETACH, .id = m[i].id };
		char busid[VFC_BUSID_STRLEN];
		const char *why = mount_is_stale(ctx, &m[i]);

		if (!why)
			continue;
		vfc_info(ctx, "%s: %s: detaching %s", vfc_busid_format(&m[i].id, busid), why,
			 m[i].target);
		a.mount_id = m[i].mount_id;
		a.tag = strdup(m[i].source);
		a.target = strdup(m[i].target);
		a.in_base = base && vfc_escape_is_subdir(base, m[i].target);
		if (!a.tag || !a.target || actions_append(&v, &nv, &a) < 0) {
			free(a.tag);
			free(a.target);
			r = -ENOMEM;
			break;
		}
	}
	vfc_mounttab_auto_free(m, nm);
	if (r < 0) {
		vfc_action_array_free(v, nv);
		return r;
	}
	*ret = v;
	*ret_n = nv;
	return 0;
}
