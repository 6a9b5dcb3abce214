// SPDX-License-Identifier: MIT
/*
 * Mounting through libmount. The kernel mounts virtio-fs by tag; a bus-ID is
 * turned into its device's tag first. Anything that is neither a known tag
 * nor a bus-ID is passed on as a tag, so plain tags behave as with mount(8).
 */
#include <errno.h>
#include <libmount/libmount.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "discover.h"
#include "escape.h"
#include "macro.h"
#include "modload.h"
#include "mount.h"


static void mnt_free_contextp(struct libmnt_context **c)
{
	mnt_free_context(*c);
}
#define _cleanup_mnt_context_ _cleanup_(mnt_free_contextp)

void vfc_mount_result_clear(struct vfc_mount_result *res)
{
	free(res->tag);
	free(res->message);
	*res = (struct vfc_mount_result){ 0 };
}

/* Record a failure: exit code and one line. Returns @err for tail calls. */
_printf_format_(4, 5) static int fail(struct vfc_mount_result *res, int err, int excode,
				      const char *fmt, ...)
{
	va_list ap;

	free(res->message);
	res->message = NULL;
	va_start(ap, fmt);
	if (vasprintf(&res->message, fmt, ap) < 0)
		res->message = NULL;
	va_end(ap);
	res->excode = excode;
	return err;
}

static int fail_msg(struct vfc_mount_result *res, int err, int excode, char *msg)
{
	free(res->message);
	res->message = msg;
	res->excode = excode;
	return err;
}

int vfc_mount_resolve(struct vfc_ctx *ctx, const char *spec, char **ret_tag, char **ret_msg,
		      bool *ret_retry)
{
	_cleanup_free_ char *shown = NULL;
	struct vfc_device *dev = NULL;
	enum vfc_busid_form form;
	char busid[VFC_BUSID_STRLEN];
	char *tag = NULL, *msg = NULL;
	bool retry = false;
	int r;

	r = vfc_device_new_from_spec(ctx, spec, &dev);
	if (r == -EINVAL || r == -ERANGE || r == -ENOENT) {
		/* Neither a known tag nor a bus-ID: a plain tag, for the kernel to judge. */
		if (!*spec || strlen(spec) > VFC_TAG_MAX || strchr(spec, '\n')) {
			*ret_msg = vfc_spec_strerror(ctx, spec, r);
			*ret_retry = false;
			return -EINVAL;
		}
		tag = strdup(spec);
		if (!tag)
			return -ENOMEM;
		*ret_tag = tag;
		return 0;
	}
	if (r == -ENOMEM)
		return r;
	if ((r == -ENODEV || r == -EMEDIUMTYPE) && !vfc_have_tag_export(ctx) &&
	    vfc_busid_parse(spec, NULL, &form, NULL) == 0 && form == VFC_BUSID_FORM_SHORT) {
		/*
		 * "cafe" reads as device 0.0.cafe, but there is none (or it is no
		 * virtio-fs device), and this kernel cannot tell whether some
		 * share has that tag: let the kernel judge it as a tag.
		 */
		tag = strdup(spec);
		if (!tag)
			return -ENOMEM;
		*ret_tag = tag;
		return 0;
	}
	if (r < 0) {
		struct vfc_busid id;

		/* An absent device may still come, unless cio_ignore hides it. */
		retry = r == -ENODEV && vfc_busid_parse(spec, &id, NULL, NULL) == 0 &&
			vfc_cio_ignore_contains(ctx, &id) != 1;
		*ret_msg = vfc_spec_strerror(ctx, spec, r);
		*ret_retry = retry;
		return r;
	}

	shown = vfc_escape_display(spec);
	vfc_busid_format(vfc_device_get_busid(dev), busid);
	switch (vfc_device_get_tag_state(dev)) {
	case VFC_TAG_KNOWN:
	case VFC_TAG_CONFIGURED:
		tag = strdup(vfc_device_get_tag(dev));
		r = tag ? 0 : -ENOMEM;
		break;
	case VFC_TAG_OFFLINE:
		r = -ENXIO;
		retry = true;
		if (asprintf(&msg,
			     "'%s': device %s is offline; set it online with 'chzdev -e %s' or "
			     "'echo 1 > /sys/bus/ccw/devices/%s/online'",
			     shown, busid, busid, busid) < 0)
			msg = NULL;
		break;
	case VFC_TAG_NO_DRIVER:
		r = -EAGAIN;
		retry = true;
		if (asprintf(&msg, "'%s': device %s is online but not bound to the virtiofs driver",
			     shown, busid) < 0)
			msg = NULL;
		break;
	case VFC_TAG_NOT_EXPORTED:
		r = -EOPNOTSUPP;
		if (asprintf(&msg,
			     "'%s': cannot tell the tag of device %s: this kernel does not export "
			     "virtio-fs tags (Linux 6.9 or later does); mount it by tag, or name "
			     "its tag in %s ('tag %s = TAG')",
			     shown, busid,
			     vfc_ctx_get_config(ctx) ? vfc_config_get_path(vfc_ctx_get_config(ctx))
						     : VFC_CONFIG_PATH,
			     busid) < 0)
			msg = NULL;
		break;
	case VFC_TAG_INVALID:
		r = -EBADMSG;
		if (asprintf(&msg, "'%s': the kernel's tag file of device %s is malformed", shown,
			     busid) < 0)
			msg = NULL;
		break;
	}
	vfc_device_unref(dev);
	if (r < 0) {
		*ret_msg = msg;
		*ret_retry = retry;
		return r;
	}
	*ret_tag = tag;
	return 0;
}

int vfc_mount_parse_wait(const char *options, int *ret_ms)
{
	char *val = NULL;
	size_t len = 0;
	int s;

	if (!options || mnt_optstr_get_option(options, VFC_OPT_WAIT, &val, &len) != 0)
		return 0;
	if (!val || vfc_parse_wait_seconds(val, len, &s) < 0)
		return -EINVAL;
	*ret_ms = s * 1000;
	return 1;
}

static int wait_option(const char *options, int default_ms, int *ret_ms,
		       struct vfc_mount_result *res)
{
	char *val = NULL;
	size_t len = 0;

	*ret_ms = default_ms > 0 ? default_ms : 0;
	if (vfc_mount_parse_wait(options, ret_ms) >= 0)
		return 0;
	mnt_optstr_get_option(options, VFC_OPT_WAIT, &val, &len);
	return fail(res, -EINVAL, MNT_EX_USAGE,
		    "invalid %s=%.*s: expected a number of seconds from 0 to %d", VFC_OPT_WAIT,
		    (int)(len < 16 ? len : 16), val ? val : "", VFC_WAIT_MAX_S);
}

static int modload(struct vfc_ctx *ctx, struct vfc_mount_result *res)
{
	int r = vfc_modload_virtiofs(ctx);

	switch (r) {
	case 0:
		return 0;
	case -ENOENT:
		return fail(res, r, MNT_EX_FAIL,
			    "filesystem virtiofs is not available: the running kernel has no "
			    "module %s",
			    VFC_MODULE);
	case -ECANCELED:
		return fail(res, r, MNT_EX_FAIL,
			    "module %s is blacklisted (see /etc/modprobe.d): not loading it",
			    VFC_MODULE);
	case -ENOPKG:
		return fail(res, r, MNT_EX_FAIL,
			    "module %s is loaded but the kernel lists no virtiofs filesystem",
			    VFC_MODULE);
	case -EPERM:
		return fail(res, r, MNT_EX_USAGE, "cannot load module %s: must be superuser",
			    VFC_MODULE);
	default:
		return fail(res, r, MNT_EX_SYSERR, "cannot load module %s: %s", VFC_MODULE,
			    strerror(-r));
	}
}

/* Why did the kernel refuse @tag with EINVAL? Say what we can tell. */
static int explain_einval(struct vfc_ctx *ctx, const struct vfc_mount_req *req, const char *tag,
			  struct vfc_mount_result *res)
{
	_cleanup_free_ char *shown = vfc_escape_display(tag);
	_cleanup_free_ char *reason = NULL, *again = NULL;
	struct vfc_device *dev = NULL;
	char *msg = NULL;
	bool retry;

	/* The device may have gone (offline, removed) since it was resolved: say that. */
	if (vfc_mount_resolve(ctx, req->spec, &again, &msg, &retry) < 0)
		return fail_msg(res, -EINVAL, MNT_EX_FAIL, msg);

	if (vfc_have_tag_export(ctx)) {
		if (vfc_device_new_from_tag(ctx, tag, &dev) == 0) {
			vfc_device_unref(dev);
			return fail(res, -EINVAL, MNT_EX_FAIL,
				    "mounting tag '%s' on %s failed: the kernel rejected the "
				    "options '%s'",
				    shown ? shown : "", req->target, req->options ? req->options : "");
		}
		reason = vfc_spec_strerror(ctx, req->spec, -ENOENT);
		return fail(res, -EINVAL, MNT_EX_FAIL, "%s",
			    reason ? reason : "no virtio-fs device has this tag");
	}
	return fail(res, -EINVAL, MNT_EX_FAIL,
		    "mounting tag '%s' on %s failed: no virtio-fs device has this tag, or an "
		    "option is invalid (the kernel log says which)",
		    shown ? shown : "", req->target);
}

/* The source tags libmount resolves itself (its mnt_valid_tagname(), not exported). */
static bool is_libmount_tagname(const char *name)
{
	static const char *const names[] = { "LABEL", "UUID", "PARTLABEL", "PARTUUID", "ID" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static int mount_tag(struct vfc_ctx *ctx, const struct vfc_mount_req *req, const char *tag,
		     struct vfc_mount_result *res)
{
	_cleanup_mnt_context_ struct libmnt_context *cxt = NULL;
	char target[PATH_MAX], buf[BUFSIZ] = "";
	int rc, excode;

	/*
	 * libmount reads a source "LABEL=x" (UUID=, PARTUUID=, ...) as a lookup
	 * of a block device, whatever the filesystem: such a tag cannot be
	 * passed through it. Say so rather than report a missing device.
	 */
	if (strchr(tag, '=')) {
		_cleanup_free_ char *name = strndup(tag, strcspn(tag, "="));
		_cleanup_free_ char *shown = vfc_escape_display(tag);

		if (!name)
			return fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
		if (is_libmount_tagname(name))
			return fail(res, -EINVAL, MNT_EX_FAIL,
				    "tag '%s' cannot be mounted: libmount reads it as a %s= "
				    "lookup of a block device",
				    shown ? shown : "", name);
	}
	if (!realpath(req->target, target)) {
		/* libmount creates missing mountpoints itself when asked to. */
		if (errno != ENOENT || !req->options ||
		    mnt_optstr_get_option(req->options, "X-mount.mkdir", NULL, NULL) != 0)
			return fail(res, -errno, MNT_EX_FAIL, "mountpoint %s %s", req->target,
				    errno == ENOENT ? "does not exist" : strerror(errno));
		snprintf(target, sizeof(target), "%s", req->target);
	}
	vfc_ctx_reset_mountinfo(ctx);
	if (vfc_tag_is_mounted_on(ctx, tag, target)) {
		res->already = true;
		return 0;
	}

	cxt = mnt_new_context();
	if (!cxt)
		return fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
	/*
	 * Never let libmount run mount.virtiofs: that is us. As the helper,
	 * init_helper() also tells libmount it runs on behalf of mount(8).
	 */
	if (req->flags & VFC_MOUNT_HELPER)
		mnt_context_init_helper(cxt, MNT_ACT_MOUNT, 0);
	else
		mnt_context_disable_helpers(cxt, 1);
	if (mnt_context_set_fstype(cxt, VFC_FSTYPE) || mnt_context_set_source(cxt, tag) ||
	    mnt_context_set_target(cxt, req->target) ||
	    (req->options && mnt_context_set_options(cxt, req->options)) ||
	    (req->namespace && mnt_context_set_target_ns(cxt, req->namespace)))
		return fail(res, -ENOMEM, MNT_EX_SYSERR, "cannot set up the mount of %s",
			    req->target);
	mnt_context_enable_fake(cxt, !!(req->flags & VFC_MOUNT_FAKE));
	mnt_context_disable_mtab(cxt, !!(req->flags & VFC_MOUNT_NOMTAB));
	mnt_context_enable_sloppy(cxt, !!(req->flags & VFC_MOUNT_SLOPPY));

	rc = mnt_context_mount(cxt);
	vfc_ctx_reset_mountinfo(ctx);
	if (mnt_context_syscall_called(cxt) && mnt_context_get_syscall_errno(cxt) == EINVAL)
		return explain_einval(ctx, req, tag, res);

	excode = mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
	if (excode != MNT_EX_SUCCESS)
		return fail(res, rc < 0 ? rc : -EIO, excode, "%s: %s", req->target,
			    buf[0] ? buf : "mount failed");
	return 0;
}

int vfc_mount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, struct vfc_mount_result *res)
{
	long long deadline;
	int wait_ms, r;

	*res = (struct vfc_mount_result){ 0 };
	if (!req->spec || !*req->spec)
		return fail(res, -EINVAL, MNT_EX_USAGE, "no share given (a tag or a bus-ID)");
	if (!req->target || !*req->target)
		return fail(res, -EINVAL, MNT_EX_USAGE, "no mountpoint given");

	wait_ms = req->wait_ms;
	if (wait_ms < 0) {
		r = wait_option(req->options, req->default_wait_ms, &wait_ms, res);
		if (r < 0)
			return r;
	}

	/* Loading the module is a change to the system: not when only pretending. */
	if (!(req->flags & (VFC_MOUNT_FAKE | VFC_MOUNT_NOMODLOAD))) {
		r = modload(ctx, res);
		if (r < 0)
			return r;
	}

	deadline = now_ms() + wait_ms;
	for (;;) {
		bool retry = false;
		char *msg = NULL;

		free(res->tag);
		res->tag = NULL;
		r = vfc_mount_resolve(ctx, req->spec, &res->tag, &msg, &retry);
		if (r == -ENOMEM)
			return fail(res, r, MNT_EX_SYSERR, "out of memory");
		if (r == 0) {
			r = mount_tag(ctx, req, res->tag, res);
			/* EINVAL: the kernel knows no such tag (yet): a device may still come. */
			retry = r == -EINVAL && !res->already;
		} else {
			fail_msg(res, r, MNT_EX_FAIL, msg);
		}
		if (r == 0 || !retry || now_ms() >= deadline)
			break;
		vfc_debug(ctx, "waiting for %s", req->spec);
		sleep_ms(VFC_POLL_MS);
	}
	if (r == 0) {
		res->excode = MNT_EX_SUCCESS;
		free(res->message);
		res->message = NULL;
	}
	return r;
}

static int umount_target(const struct vfc_mount_req *req, const char *target,
			 struct vfc_mount_result *res)
{
	_cleanup_mnt_context_ struct libmnt_context *cxt = NULL;
	char buf[BUFSIZ] = "";
	int rc, excode;

	cxt = mnt_new_context();
	if (!cxt)
		return fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
	mnt_context_disable_helpers(cxt, 1);
	if (mnt_context_set_target(cxt, target) ||
	    (req->namespace && mnt_context_set_target_ns(cxt, req->namespace)))
		return fail(res, -ENOMEM, MNT_EX_SYSERR, "cannot set up the unmount of %s", target);
	mnt_context_enable_fake(cxt, !!(req->flags & VFC_MOUNT_FAKE));
	mnt_context_disable_mtab(cxt, !!(req->flags & VFC_MOUNT_NOMTAB));
	mnt_context_enable_lazy(cxt, !!(req->flags & VFC_MOUNT_LAZY));

	rc = mnt_context_umount(cxt);
	excode = mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
	if (excode != MNT_EX_SUCCESS)
		return fail(res, rc < 0 ? rc : -EIO, excode, "%s: %s", target,
			    buf[0] ? buf : "unmount failed");
	return 0;
}

int vfc_umount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, struct vfc_mount_result *res)
{
	char path[PATH_MAX], **targets = NULL;
	const char *arg = req->spec;
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	bool retry;
	char *msg = NULL;
	int r, n, done = 0;

	*res = (struct vfc_mount_result){ 0 };
	if (!arg || !*arg)
		return fail(res, -EINVAL, MNT_EX_USAGE, "nothing to unmount given (a tag, a "
							"bus-ID or a mountpoint)");

	/* A mountpoint? (A tag may start with '/' too: only a mounted directory counts.) */
	if (arg[0] == '/') {
		if (!realpath(arg, path))
			snprintf(path, sizeof(path), "%s", arg);
		vfc_ctx_reset_mountinfo(ctx);
		tb = vfc_ctx_get_mountinfo(ctx);
		fs = tb ? mnt_table_find_target(tb, path, MNT_ITER_BACKWARD) : NULL;
		if (fs && !mnt_fs_match_fstype(fs, VFC_FSTYPE))
			return fail(res, -EINVAL, MNT_EX_USAGE, "%s is not a virtiofs mount (it is %s)",
				    path, mnt_fs_get_fstype(fs));
		if (fs) {
			res->tag = mnt_fs_get_source(fs) ? strdup(mnt_fs_get_source(fs)) : NULL;
			r = umount_target(req, path, res);
			if (r == 0)
				res->excode = MNT_EX_SUCCESS;
			return r;
		}
	}

	r = vfc_mount_resolve(ctx, arg, &res->tag, &msg, &retry);
	if (r == -ENOMEM)
		return fail(res, r, MNT_EX_SYSERR, "out of memory");
	if (r < 0)
		return fail_msg(res, r, MNT_EX_FAIL, msg);

	/* Newest first, so that stacked mounts come off in order. */
	vfc_ctx_reset_mountinfo(ctx);
	n = vfc_tag_mountpoints(ctx, res->tag, true, &targets);
	if (n < 0)
		return fail(res, n, MNT_EX_SYSERR, "cannot read the mount table: %s", strerror(-n));
	if (n == 0) {
		_cleanup_free_ char *shown = vfc_escape_display(res->tag);

		vfc_strv_free(targets);
		if (arg[0] == '/')
			return fail(res, -ENOENT, MNT_EX_FAIL,
				    "%s is neither a virtiofs mountpoint nor a mounted tag",
				    shown ? shown : "");
		return fail(res, -ENOENT, MNT_EX_FAIL, "tag '%s' is not mounted",
			    shown ? shown : "");
	}
	for (int i = 0; i < n; i++) {
		struct vfc_mount_result one = { 0 };

		if (umount_target(req, targets[i], &one) == 0) {
			done++;
		} else {
			/* Keep the first failure's words. */
			if (!res->message)
				fail_msg(res, -EIO, one.excode, TAKE_PTR(one.message));
		}
		vfc_mount_result_clear(&one);
	}
	vfc_strv_free(targets);
	if (done == n) {
		res->excode = MNT_EX_SUCCESS;
		return 0;
	}
	res->excode = done ? MNT_EX_SOMEOK : MNT_EX_FAIL;
	return -EIO;
}
