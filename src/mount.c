// SPDX-License-Identifier: MIT
/*
 * Mounting through libmount. The kernel mounts virtio-fs by tag; a SPEC is
 * resolved to one first (spec.h), waiting for its device where that can
 * help (wait.h). Operations on what is mounted already (remount, bind, move,
 * propagation) pass through untouched, as they would without us.
 */
#include <errno.h>
#include <libmount/libmount.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>

#include "config.h"
#include "discover.h"
#include "escape.h"
#include "macro.h"
#include "modload.h"
#include "mount.h"
#include "spec.h"
#include "wait.h"


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

/*
 * Why did the kernel refuse @tag with EINVAL? @now is the SPEC resolved
 * again after the refusal: say what we can tell.
 */
static int explain_einval(struct vfc_ctx *ctx, const struct vfc_mount_req *req, const char *tag,
			  struct vfc_spec *now, int r, struct vfc_mount_result *res)
{
	_cleanup_free_ char *shown = vfc_escape_display(tag);

	/* The device may have gone (offline, removed) since it was resolved: say that. */
	if (r < 0)
		return fail_msg(res, -EINVAL, MNT_EX_FAIL, TAKE_PTR(now->message));
	if (!now->plain && vfc_have_tag_export(ctx))
		return fail(res, -EINVAL, MNT_EX_FAIL,
			    "mounting tag '%s' on %s failed: the kernel rejected the options '%s'",
			    shown ? shown : "", req->target, req->options ? req->options : "");
	if (vfc_have_tag_export(ctx))
		return fail_msg(res, -EINVAL, MNT_EX_FAIL,
				vfc_spec_strerror(ctx, req->spec, -ENOENT));
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

struct mount_wait {
	const char *spec_text;
	bool as_tag;
	struct vfc_spec spec;
	int r;
};

/*
 * Mount @tag (or, for an operation on a mount, mount(8)'s source as it is)
 * on req->target. Where mount(2) refused with EINVAL, *ret_refused is set
 * and @res left for the caller, who can tell why.
 */
static int mount_source(struct vfc_ctx *ctx, const struct vfc_mount_req *req, const char *tag,
			bool *ret_refused, struct vfc_mount_result *res)
{
	_cleanup_mnt_context_ struct libmnt_context *cxt = NULL;
	_cleanup_free_ char *shown = NULL;
	char target[PATH_MAX], buf[BUFSIZ] = "";
	int rc, excode, err;

	/*
	 * libmount reads a source "LABEL=x" (UUID=, PARTUUID=, ...) as a lookup
	 * of a block device, whatever the filesystem: such a tag cannot be
	 * passed through it. Say so rather than report a missing device.
	 */
	if (strchr(tag, '=')) {
		_cleanup_free_ char *name = strndup(tag, strcspn(tag, "="));
		_cleanup_free_ char *shown_tag = vfc_escape_display(tag);

		if (!name)
			return fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
		if (is_libmount_tagname(name))
			return fail(res, -EINVAL, MNT_EX_FAIL,
				    "tag '%s' cannot be mounted: libmount reads it as a %s= "
				    "lookup of a block device",
				    shown_tag ? shown_tag : "", name);
	}
	/*
	 * In another mount namespace the target is that namespace's: libmount
	 * looks it up there. Here it is checked in ours.
	 */
	if (req->namespace) {
		snprintf(target, sizeof(target), "%s", req->target);
	} else if (!realpath(req->target, target)) {
		/* libmount creates missing mountpoints itself when asked to. */
		if (errno != ENOENT || !req->options ||
		    mnt_optstr_get_option(req->options, "X-mount.mkdir", NULL, NULL) != 0)
			return fail(res, -errno, MNT_EX_FAIL, "mountpoint %s %s", req->target,
				    errno == ENOENT ? "does not exist" : strerror(errno));
		snprintf(target, sizeof(target), "%s", req->target);
	}
	/* Hotplug's idempotence; mount(8) and its helper mount again when asked to. */
	vfc_ctx_reset_mountinfo(ctx);
	if ((req->flags & VFC_MOUNT_IDEMPOTENT) && !req->namespace &&
	    vfc_tag_is_mounted_on(ctx, tag, target)) {
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
	/* Fake means nothing changes anywhere: no utab entry either. */
	mnt_context_enable_fake(cxt, !!(req->flags & VFC_MOUNT_FAKE));
	mnt_context_disable_mtab(cxt, !!(req->flags & (VFC_MOUNT_NOMTAB | VFC_MOUNT_FAKE)));
	mnt_context_enable_sloppy(cxt, !!(req->flags & VFC_MOUNT_SLOPPY));

	rc = mnt_context_mount(cxt);
	vfc_ctx_reset_mountinfo(ctx);
	err = mnt_context_syscall_called(cxt) ? mnt_context_get_syscall_errno(cxt) : 0;
	if (err == EINVAL) {
		*ret_refused = true;
		return -EINVAL;
	}

	excode = mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
	if (excode == MNT_EX_SUCCESS)
		return 0;
	/* libmount's text may quote the source, which is the host's: escape it. */
	shown = vfc_escape_display(buf[0] ? buf : "mount failed");
	return fail(res, err ? -err : rc < 0 ? rc : -EIO, excode, "%s: %s", req->target,
		    shown ? shown : "mount failed");
}

/*
 * Remount, bind, move and propagation changes act on what is mounted at the
 * target; the source does not name a share to resolve.
 */
static bool is_mount_operation(const char *options)
{
	unsigned long flags = 0;

	if (!options ||
	    mnt_optstr_get_flags(options, &flags, mnt_get_builtin_optmap(MNT_LINUX_MAP)) != 0)
		return false;
	return flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE |
			MS_UNBINDABLE);
}

/* Is @tag the topmost mount at req->target? */
static bool already_there(struct vfc_ctx *ctx, const struct vfc_mount_req *req, const char *tag)
{
	char target[PATH_MAX];

	if (!realpath(req->target, target))
		return false;
	vfc_ctx_reset_mountinfo(ctx);
	return vfc_tag_is_mounted_on(ctx, tag, target);
}

/*
 * Options of virtiofsd, the host's daemon, that people put on the guest's
 * mount: the guest kernel's virtiofs takes none of them (only dax and
 * dax=always|never|inode besides the generic VFS ones).
 */
static const char *const host_options[] = {
	"cache",	 "sandbox",	"xattr",	  "no_xattr",	"xattrmap",
	"uid",		 "gid",		"thread-pool-size", "thread_pool_size", "source",
	"socket-path",	 "shared-dir",	"announce_submounts", "posix_acl", "writeback",
	"no_writeback",	 "flock",	"posix_lock",	  "readdirplus", "no_readdirplus",
	"timeout",	 "allow_direct_io", "modcaps",	  "log_level",	"killpriv_v2",
};

/* The first host option in @options, or NULL. */
static const char *find_host_option(const char *options, size_t *ret_len)
{
	char *p = (char *)options, *name, *value;
	size_t nlen, vlen;

	while (p && mnt_optstr_next_option(&p, &name, &nlen, &value, &vlen) == 0)
		for (size_t i = 0; i < ARRAY_SIZE(host_options); i++)
			if (strlen(host_options[i]) == nlen &&
			    strncmp(name, host_options[i], nlen) == 0) {
				*ret_len = value ? (size_t)(value + vlen - name) : nlen;
				return name;
			}
	return NULL;
}

/* The wait's question: is the SPEC resolved for good (mountable, or failed for good)? */
static int spec_settled(struct vfc_ctx *ctx, void *userdata)
{
	struct mount_wait *w = userdata;

	vfc_spec_clear(&w->spec);
	w->r = w->as_tag ? vfc_spec_resolve_tag(ctx, w->spec_text, &w->spec)
			 : vfc_spec_resolve(ctx, w->spec_text, &w->spec);
	if (w->r == -ENOMEM)
		return w->r;
	return w->spec.can_wait ? 0 : 1;
}

int vfc_mount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, struct vfc_mount_result *res)
{
	struct mount_wait w = { .spec_text = req->spec, .as_tag = !!(req->flags & VFC_MOUNT_TAG) };
	bool refused = false, retried = false;
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

	if (is_mount_operation(req->options)) {
		r = mount_source(ctx, req, req->spec, &refused, res);
		if (refused)
			fail(res, r, MNT_EX_FAIL, "%s: the kernel refused '%s' (Invalid argument)",
			     req->target, req->options);
		goto done;
	}

	{
		size_t len = 0;
		const char *host = find_host_option(req->options, &len);

		if (host)
			return fail(res, -EINVAL, MNT_EX_USAGE,
				    "'%.*s': an option of virtiofsd on the host (its command line, "
				    "or libvirt's <binary> element), not of the guest's virtiofs, "
				    "which takes dax, dax=always|never|inode and the generic ones "
				    "(ro, noexec, ...)",
				    (int)(len < 64 ? len : 64), host);
	}

	/* Loading the module is a change to the system: not when only pretending. */
	if (!(req->flags & (VFC_MOUNT_FAKE | VFC_MOUNT_NOMODLOAD))) {
		r = modload(ctx, res);
		if (r < 0)
			return r;
	}

	/*
	 * Wait (on uevents) while the device is still coming, then mount once.
	 * Should the kernel refuse the tag because the device went in between,
	 * wait for it again: mount(2) runs once per time the device was ready.
	 */
	deadline = now_ms() + wait_ms;
	r = vfc_wait_for(ctx, wait_ms, spec_settled, &w);
	for (;;) {
		if (r == -ENOMEM || w.r == -ENOMEM) {
			r = fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
			break;
		}
		if (w.r < 0) {
			r = fail_msg(res, w.r, MNT_EX_FAIL, TAKE_PTR(w.spec.message));
			break;
		}
		free(res->tag);
		res->tag = strdup(w.spec.tag);
		if (!res->tag) {
			r = fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
			break;
		}
		refused = false;
		r = mount_source(ctx, req, res->tag, &refused, res);
		if (r == -EBUSY && !req->namespace && already_there(ctx, req, res->tag)) {
			/*
			 * The share is the mount at the target already, and the
			 * kernel will not stack it on itself. mount(8) skips such
			 * a line itself, but it cannot tell for a bus-ID line
			 * (mountinfo shows the tag): answer as it would.
			 */
			res->already = true;
			r = 0;
			break;
		}
		if (!refused)
			break;
		/* The kernel knows no such tag now. Why? */
		spec_settled(ctx, &w);
		if (w.r == 0 && !w.spec.plain && !w.spec.can_wait && !retried) {
			/* The device is ready again: it may have gone and come back meanwhile. */
			retried = true;
			continue;
		}
		if (w.r == -ENOMEM || now_ms() >= deadline || !w.spec.can_wait) {
			r = explain_einval(ctx, req, res->tag, &w.spec, w.r, res);
			break;
		}
		vfc_debug(ctx, "waiting for %s again", req->spec);
		r = vfc_wait_for(ctx, (int)(deadline - now_ms()), spec_settled, &w);
	}
	vfc_spec_clear(&w.spec);
done:
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
	struct vfc_spec spec;
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

	r = vfc_spec_resolve(ctx, arg, &spec);
	res->tag = TAKE_PTR(spec.tag);
	if (r == -ENOMEM) {
		vfc_spec_clear(&spec);
		return fail(res, r, MNT_EX_SYSERR, "out of memory");
	}
	if (r < 0) {
		fail_msg(res, r, MNT_EX_FAIL, TAKE_PTR(spec.message));
		vfc_spec_clear(&spec);
		return r;
	}
	vfc_spec_clear(&spec);

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
