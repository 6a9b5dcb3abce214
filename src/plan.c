// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "busid.h"
#include "discover.h"
#include "escape.h"
#include "spec.h"
#include "macro.h"
#include "modload.h"
#include "config.h"
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

/* Does the fstab source @spec name device @id (with tag @tag), as spec.h reads a SPEC? */
static bool line_names(const char *spec, const struct vfc_busid *id, const char *tag)
{
	enum vfc_busid_form form;
	struct vfc_busid lid;

	if (vfc_busid_parse(spec, &lid, &form, NULL) == 0 && form != VFC_BUSID_FORM_SHORT)
		return vfc_busid_cmp(&lid, id) == 0;
	if (tag && strcmp(spec, tag) == 0)
		return true;
	return vfc_busid_parse(spec, &lid, NULL, NULL) == 0 && vfc_busid_cmp(&lid, id) == 0;
}

static const struct vfc_fstab_entry *find_device(const struct vfc_fstab_entry *e, size_t n,
						 const struct vfc_busid *id, const char *tag)
{
	for (size_t i = 0; i < n; i++)
		if (line_names(e[i].spec, id, tag))
			return &e[i];
	return NULL;
}

const struct vfc_fstab_entry *vfc_plan_fstab_find(struct vfc_ctx *ctx,
						  const struct vfc_fstab_entry *e, size_t n,
						  const char *spec)
{
	const struct vfc_fstab_entry *found = NULL;
	struct vfc_device *dev = NULL;
	struct vfc_busid id;

	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].spec, spec) == 0)
			return &e[i];
	/* What @spec stands for, resolved once: a device, or at least a bus-ID. */
	if (vfc_device_new_from_spec(ctx, spec, &dev) == 0) {
		found = find_device(e, n, vfc_device_get_busid(dev), vfc_device_get_tag(dev));
		vfc_device_unref(dev);
	} else if (vfc_busid_parse(spec, &id, NULL, NULL) == 0) {
		found = find_device(e, n, &id, NULL);
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

const struct vfc_fstab_entry *vfc_plan_fstab_find_line(const struct vfc_fstab_entry *e, size_t n,
						       const char *spec, const char *target)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].spec, spec) == 0 && same_dir(e[i].target, target))
			return &e[i];
	return NULL;
}

/* The line's options, with what user/users imply right after them. */
static int user_options(const char *opts, const char *username, char **ret)
{
	_cleanup_free_ char *out = NULL;
	char *name, *value, *p = (char *)opts;
	size_t nlen, vlen;
	bool allowed = false;
	int r;

	while ((r = mnt_optstr_next_option(&p, &name, &nlen, &value, &vlen)) == 0) {
		bool user = nlen == 4 && strncmp(name, "user", 4) == 0 && !value;
		bool users = nlen == 5 && strncmp(name, "users", 5) == 0 && !value;
		_cleanup_free_ char *one = strndup(name, nlen);

		if (!one)
			return -ENOMEM;
		if (user || users) {
			allowed = true;
			r = mnt_optstr_append_option(&out, one, user ? username : NULL);
			if (r == 0)
				r = mnt_optstr_append_option(&out, "nosuid,nodev,noexec", NULL);
		} else {
			_cleanup_free_ char *val = value ? strndup(value, vlen) : NULL;

			if (value && !val)
				return -ENOMEM;
			r = mnt_optstr_append_option(&out, one, val);
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (!allowed)
		return -EPERM;
	*ret = TAKE_PTR(out);
	return 0;
}

int vfc_plan_user_mount(struct vfc_ctx *ctx, const char *spec, const char *target,
			const char *username, char **ret_target, char **ret_options)
{
	const struct vfc_fstab_entry *fe;
	struct vfc_fstab_entry *e = NULL;
	char *opts = NULL, *tgt;
	size_t n = 0;
	int r;

	if (!spec || !target || !username)
		return -EINVAL;
	r = vfc_plan_fstab(ctx, &e, &n);
	if (r < 0)
		return r;
	fe = vfc_plan_fstab_find_line(e, n, spec, target);
	r = fe && fe->options ? user_options(fe->options, username, &opts) : -EPERM;
	if (r == 0) {
		tgt = strdup(fe->target);
		if (!tgt) {
			free(opts);
			r = -ENOMEM;
		} else {
			*ret_target = tgt;
			*ret_options = opts;
		}
	}
	vfc_fstab_entries_free(e, n);
	return r;
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

/* Does systemd mount the fstab line at @target (our generator bound its unit to the share)? */
static bool systemd_mounts(const char *target)
{
	_cleanup_free_ char *unit = vfc_escape_unit_path(target, ".mount"), *path = NULL;

	if (!unit || asprintf(&path, "%s/%s.d/%s", VFC_GENERATOR_DIR, unit, VFC_GENERATOR_DROPIN) < 0)
		return false;
	return access(path, F_OK) == 0;
}

static int plan_device(struct vfc_ctx *ctx, struct vfc_device *dev,
		       const struct vfc_fstab_entry *fstab, size_t nfstab,
		       struct vfc_action **v, size_t *n)
{
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	const struct vfc_fstab_entry *fe;
	struct vfc_action a = { .kind = VFC_ACTION_MOUNT };
	char busid[VFC_BUSID_STRLEN];
	const char *tag = vfc_device_get_tag(dev), *opts;
	int r;

	a.id = *vfc_device_get_busid(dev);
	vfc_busid_format(&a.id, busid);

	/* First whether the policy wants the device at all; only then whether we can. */
	fe = find_device(fstab, nfstab, &a.id, tag);
	if (fe && fe->noauto) {
		vfc_notice(ctx, "%s: fstab says noauto for %s: not mounting", busid, fe->target);
		return 0;
	}
	if (fe && systemd_mounts(fe->target)) {
		vfc_info(ctx, "%s: systemd mounts fstab's %s (it binds to the share)", busid,
			 fe->target);
		return 0;
	}
	if (!fe && vfc_config_get_automount(cfg) != VFC_AUTOMOUNT_ALL) {
		vfc_info(ctx, "%s: not in fstab, and automount is not 'all': not mounting", busid);
		return 0;
	}
	if (!tag) {
		vfc_notice(ctx, "%s: tag unknown, nothing to mount (a kernel without tag export "
				"needs 'tag %s = TAG' in the policy file)",
			   busid, busid);
		return 0;
	}

	if (fe) {
		a.target = strdup(fe->target);
		opts = fe->options;
	} else {
		a.target = vfc_config_get_mount_name(cfg) == VFC_MOUNT_NAME_BUSID
				   ? vfc_plan_target(vfc_config_get_mount_base(cfg), busid)
				   : vfc_plan_target(vfc_config_get_mount_base(cfg), tag);
		a.in_base = true;
		opts = vfc_config_get_options(cfg);
	}
	a.tag = strdup(tag);
	if (!a.target || !a.tag)
		goto nomem;
	if (vfc_tag_is_mounted_on(ctx, tag, a.target)) {
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
	r = vfc_plan_fstab(ctx, &fstab, &nfstab);
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
	switch (vfc_device_get_tag_state(dev)) {
	case VFC_TAG_KNOWN:
	case VFC_TAG_CONFIGURED:
		there = strcmp(vfc_device_get_tag(dev), tag) == 0;
		break;
	case VFC_TAG_NOT_EXPORTED:
		/* Only a kernel without any tag export leaves us guessing: the device is bound, keep it. */
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
		struct vfc_action a = { .kind = VFC_ACTION_DETACH };
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

char *vfc_plan_alias_busid(const struct vfc_busid *id)
{
	char busid[VFC_BUSID_STRLEN], *p;

	if (asprintf(&p, "%s/%s", VFC_ALIAS_BUSID_DIR, vfc_busid_format(id, busid)) < 0)
		return NULL;
	return p;
}

char *vfc_plan_alias_tag(const char *tag)
{
	return vfc_plan_target(VFC_ALIAS_TAG_DIR, tag);
}

int vfc_plan_line_alias(struct vfc_ctx *ctx, const char *spec, char **ret)
{
	struct vfc_busid id;
	char *p = NULL;

	if (vfc_busid_parse(spec, &id, NULL, NULL) == 0)
		p = vfc_plan_alias_busid(&id);
	else if (vfc_have_tag_export(ctx) || vfc_config_find_tag(vfc_ctx_get_config(ctx), spec))
		p = vfc_plan_alias_tag(spec);
	else {
		*ret = NULL;
		return 0;
	}
	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}

bool vfc_plan_line_names(const struct vfc_fstab_entry *fe, struct vfc_device *dev)
{
	return line_names(fe->spec, vfc_device_get_busid(dev), vfc_device_get_tag(dev));
}

int vfc_plan_device_wants(struct vfc_device *dev, const struct vfc_fstab_entry *e, size_t n,
			  char **ret)
{
	_cleanup_free_ char *out = strdup("");
	const struct vfc_busid *id = vfc_device_get_busid(dev);
	const char *tag = vfc_device_get_tag(dev);

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *unit = NULL;
		char *next;

		if (e[i].noauto || !line_names(e[i].spec, id, tag))
			continue;
		unit = vfc_escape_unit_path(e[i].target, ".mount");
		if (!unit)
			continue; /* not an absolute path: systemd takes no such line either */
		if (asprintf(&next, "%s%s%s", out, *out ? " " : "", unit) < 0)
			return -ENOMEM;
		free(out);
		out = next;
	}
	*ret = TAKE_PTR(out);
	return 0;
}
