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

#include "escape.h"
#include "lock.h"
#include "macro.h"
#include "modload.h"
#include "mount.h"
#include "mountopts.h"
#include "mounttab.h"
#include "spec.h"
#include "virtiofs.h"
#include "wait.h"


void vfc_mount_result_clear(struct vfc_mount_result *res)
{
	free(res->tag);
	free(res->message);
	*res = (struct vfc_mount_result){ 0 };
}

int vfc_mount_result_fail(struct vfc_mount_result *res, int err, int excode, const char *fmt, ...)
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

int vfc_mount_result_fail_take(struct vfc_mount_result *res, int err, int excode, char *msg)
{
	free(res->message);
	res->message = msg;
	res->excode = excode;
	return err;
}

static int wait_option(const char *options, int default_ms, int *ret_ms,
		       struct vfc_mount_result *res)
{
	char *msg = NULL;

	*ret_ms = default_ms > 0 ? default_ms : 0;
	if (vfc_mountopts_get_wait(options, ret_ms, &msg) >= 0)
		return 0;
	return vfc_mount_result_fail_take(res, -EINVAL, MNT_EX_USAGE, msg);
}

static int modload(struct vfc_ctx *ctx, struct vfc_mount_result *res)
{
	int r = vfc_modload_virtiofs(ctx);
	const char *msg;

	if (r == 0)
		return 0;
	msg = vfc_modload_strerror(r);
	if (!msg)
		return vfc_mount_result_fail(res, r, MNT_EX_SYSERR, "cannot load module %s: %s", VFC_MODULE,
			    strerror(-r));
	return vfc_mount_result_fail(res, r,
		    r == -EPERM ? MNT_EX_USAGE : MNT_EX_FAIL, "%s", msg);
}

/*
 * Why did the kernel refuse @tag with EINVAL? @now is the SPEC resolved
 * again after the refusal: say what we can tell.
 */
static int explain_einval(struct vfc_ctx *ctx, const struct vfc_mount_req *req, const char *tag,
			  struct vfc_spec *now, int r, struct vfc_mount_result *res)
{
	_cleanup_free_ char *shown = vfc_escape_display(tag), *msg = NULL;
	struct vfc_device *dev = NULL;

	/* The device may have gone (offline, removed) since it was resolved: say that. */
	if (r < 0)
		return vfc_mount_result_fail_take(res, -EINVAL, MNT_EX_FAIL, TAKE_PTR(now->message));
	if (!now->plain)
		return vfc_mount_result_fail(res, -EINVAL, MNT_EX_FAIL,
			    "mounting tag '%s' on %s failed: the kernel rejected the options '%s'",
			    shown ? shown : "", req->target, req->options ? req->options : "");
	if (!now->kernel_judges && vfc_spec_lookup(ctx, tag, VFC_SPEC_AS_TAG, &dev, &msg) < 0 &&
	    msg)
		return vfc_mount_result_fail_take(res, -EINVAL, MNT_EX_FAIL, TAKE_PTR(msg));
	vfc_device_unref(dev);
	return vfc_mount_result_fail(res, -EINVAL, MNT_EX_FAIL,
		    "mounting tag '%s' on %s failed: no virtio-fs device has this tag, or an "
		    "option is invalid (the kernel log says which)",
		    shown ? shown : "", req->target);
}

struct mount_wait {
	const char *spec_text;
	unsigned int spec_flags;
	struct vfc_spec spec;
	int r;
	int coming; /* devices still coming when the kernel judged a tag */
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
	bool nomtab;
	size_t len;

	/*
	 * libmount reads a source "LABEL=x" (UUID=, PARTUUID=, ...) as a lookup
	 * of a block device, whatever the filesystem: such a tag cannot be
	 * passed through it. Say so rather than report a missing device.
	 */
	if (vfc_mountopts_is_libmount_tag(tag, &len)) {
		_cleanup_free_ char *shown_tag = vfc_escape_display(tag);

		return vfc_mount_result_fail(res, -EINVAL, MNT_EX_FAIL,
			    "tag '%s' cannot be mounted: libmount reads it as a %.*s= lookup of "
			    "a block device",
			    shown_tag ? shown_tag : "", (int)len, tag);
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
			return vfc_mount_result_fail(res, -errno, MNT_EX_FAIL, "mountpoint %s %s", req->target,
				    errno == ENOENT ? "does not exist" : strerror(errno));
		snprintf(target, sizeof(target), "%s", req->target);
	}
	/* Hotplug's idempotence; mount(8) and its helper mount again when asked to. */
	vfc_ctx_reset_mountinfo(ctx);
	if ((req->flags & VFC_MOUNT_IDEMPOTENT) && !req->namespace &&
	    vfc_mounttab_is_mounted_on(ctx, tag, target)) {
		res->already = true;
		return 0;
	}

	cxt = mnt_new_context();
	if (!cxt)
		return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
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
		return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "cannot set up the mount of %s",
			    req->target);
	/*
	 * Fake means nothing changes anywhere: no utab entry either. Nor where
	 * mount(8) records the mount itself (a bus-ID line; mounttab.h).
	 */
	nomtab = (req->flags & (VFC_MOUNT_NOMTAB | VFC_MOUNT_FAKE)) ||
		 vfc_mounttab_spec_recorded(req->flags & VFC_MOUNT_HELPER, req->spec, tag);
	mnt_context_enable_fake(cxt, !!(req->flags & VFC_MOUNT_FAKE));
	mnt_context_disable_mtab(cxt, nomtab);
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
	return vfc_mount_result_fail(res, err ? -err : rc < 0 ? rc : -EIO, excode, "%s: %s", req->target,
		    shown ? shown : "mount failed");
}

/* Is @tag the topmost mount at req->target? */
static bool already_there(struct vfc_ctx *ctx, const struct vfc_mount_req *req, const char *tag)
{
	char target[PATH_MAX];

	if (!realpath(req->target, target))
		return false;
	vfc_ctx_reset_mountinfo(ctx);
	return vfc_mounttab_is_mounted_on(ctx, tag, target);
}

/* The wait's question: is the SPEC resolved for good (mountable, or failed for good)? */
static int spec_settled(struct vfc_ctx *ctx, void *userdata)
{
	struct mount_wait *w = userdata;

	vfc_spec_clear(&w->spec);
	w->r = vfc_spec_resolve(ctx, w->spec_text, w->spec_flags, &w->spec);
	if (w->r == -ENOMEM)
		return w->r;
	/* Where the kernel tells no tags, only mount(2) can: it goes first. */
	return w->spec.can_wait && !w->spec.kernel_judges ? 0 : 1;
}

/*
 * After the kernel refused a tag it judges: has a device that was coming
 * arrived since (so that it may be the one), or is none coming any more?
 */
static int coming_changed(struct vfc_ctx *ctx, void *userdata)
{
	struct mount_wait *w = userdata;
	int n = vfc_spec_devices_coming(ctx);

	if (n < 0)
		return n;
	if (n == 0 || n < w->coming)
		return 1;
	w->coming = n;
	return 0;
}

int vfc_mount_resolve(struct vfc_ctx *ctx, const char *spec, unsigned int flags, int wait_ms,
		      struct vfc_mount_result *res)
{
	struct mount_wait w = {
		.spec_text = spec,
		.spec_flags = flags & VFC_MOUNT_TAG ? VFC_SPEC_AS_TAG : 0,
	};
	int r;

	*res = (struct vfc_mount_result){ 0 };
	r = vfc_wait_for(ctx, wait_ms, spec_settled, &w);
	if (r == -ENOMEM || w.r == -ENOMEM)
		r = vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
	else if (w.r < 0)
		r = vfc_mount_result_fail_take(res, w.r, MNT_EX_FAIL, TAKE_PTR(w.spec.message));
	else if (!(res->tag = strdup(w.spec.tag)))
		r = vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
	else
		r = 0;
	vfc_spec_clear(&w.spec);
	return r;
}

/* Mount the tag @tag as it is, under the lock. */
static int mount_locked(struct vfc_ctx *ctx, const struct vfc_mount_req *req, const char *tag,
			bool *ret_refused, struct vfc_mount_result *res)
{
	int lockfd = -1, r;

	/* Held around mount(2) only, never around a wait; see lock.h. */
	if (!(req->flags & (VFC_MOUNT_FAKE | VFC_MOUNT_LOCKED)))
		vfc_lock_take(ctx, false, &lockfd);
	r = mount_source(ctx, req, tag, ret_refused, res);
	vfc_lock_release(lockfd);
	if (r == -EBUSY && !req->namespace && already_there(ctx, req, tag)) {
		/*
		 * The share is the mount at the target already, and the kernel
		 * will not stack it on itself. mount(8) skips such a line itself,
		 * but it cannot tell for a bus-ID line (mountinfo shows the tag):
		 * answer as it would.
		 */
		res->already = true;
		return 0;
	}
	return r;
}

int vfc_mount(struct vfc_ctx *ctx, const struct vfc_mount_req *req, struct vfc_mount_result *res)
{
	struct mount_wait w = {
		.spec_text = req->spec,
		.spec_flags = req->flags & VFC_MOUNT_TAG ? VFC_SPEC_AS_TAG : 0,
	};
	bool refused = false, retried = false;
	long long deadline;
	int wait_ms, r;

	*res = (struct vfc_mount_result){ 0 };
	if (!req->spec || !*req->spec)
		return vfc_mount_result_fail(res, -EINVAL, MNT_EX_USAGE, "no share given (a tag or a bus-ID)");
	if (!req->target || !*req->target)
		return vfc_mount_result_fail(res, -EINVAL, MNT_EX_USAGE, "no mountpoint given");

	wait_ms = req->wait_ms;
	if (wait_ms < 0) {
		r = wait_option(req->options, req->default_wait_ms, &wait_ms, res);
		if (r < 0)
			return r;
	}

	if (vfc_mountopts_is_operation(req->options)) {
		r = mount_source(ctx, req, req->spec, &refused, res);
		if (refused)
			vfc_mount_result_fail(res, r, MNT_EX_FAIL, "%s: the kernel refused '%s' (Invalid argument)",
			     req->target, req->options);
		goto done;
	}

	{
		size_t len = 0;
		const char *host = vfc_mountopts_find_host_option(req->options, &len);

		if (host)
			return vfc_mount_result_fail(res, -EINVAL, MNT_EX_USAGE,
				    "'%.*s': an option of virtiofsd on the host (its command line, "
				    "or libvirt's <binary> element), not of the guest's virtiofs, "
				    "which takes dax, dax=always|never|inode and the generic ones "
				    "(ro, noexec, ...)",
				    (int)(len < 64 ? len : 64), host);
	}

	/* A tag its device has told (hotplug): nothing to resolve, wait for or load. */
	if (req->flags & VFC_MOUNT_RESOLVED) {
		res->tag = strdup(req->spec);
		if (!res->tag)
			return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
		r = mount_locked(ctx, req, res->tag, &refused, res);
		if (refused)
			r = vfc_mount_result_fail(res, r, MNT_EX_FAIL,
						  "%s: the kernel refused the tag or the options '%s'",
						  req->target, req->options ? req->options : "");
		goto done;
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
	 * A tag the kernel alone can judge (no export) is mounted first, and
	 * again only after a device that was coming has arrived.
	 */
	deadline = now_ms() + wait_ms;
	r = vfc_wait_for(ctx, wait_ms, spec_settled, &w);
	for (;;) {
		if (r == -ENOMEM || w.r == -ENOMEM) {
			r = vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
			break;
		}
		if (w.r < 0) {
			r = vfc_mount_result_fail_take(res, w.r, MNT_EX_FAIL, TAKE_PTR(w.spec.message));
			break;
		}
		free(res->tag);
		res->tag = strdup(w.spec.tag);
		if (!res->tag) {
			r = vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
			break;
		}
		refused = false;
		r = mount_locked(ctx, req, res->tag, &refused, res);
		if (!refused)
			break;
		if (w.spec.kernel_judges) {
			w.coming = vfc_spec_devices_coming(ctx);
			r = 0;
			if (w.coming > 0 && now_ms() < deadline)
				r = vfc_wait_for(ctx, (int)(deadline - now_ms()), coming_changed, &w);
			if (r > 0) {
				vfc_debug(ctx, "a device arrived: mounting %s again", req->spec);
				r = spec_settled(ctx, &w);
				continue;
			}
			r = explain_einval(ctx, req, res->tag, &w.spec, 0, res);
			break;
		}
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
