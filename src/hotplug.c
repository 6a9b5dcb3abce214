// SPDX-License-Identifier: MIT
/*
 * The hotplug sequence (hotplug.h). Its order is what makes concurrent
 * events safe: waits happen before the lock, planning and mounting under
 * it, and waiting for systemd after it.
 */
#include <errno.h>
#include <libmount/libmount.h>
#include <stdlib.h>
#include <string.h>

#include "automount.h"
#include "config.h"
#include "device.h"
#include "hotplug.h"
#include "lock.h"
#include "spec.h"
#include "wait.h"

/* Plan (removals, or mounts for @devs) and carry it out; the worst exit code. */
static int run_plan(struct vfc_ctx *ctx, const struct vfc_hotplug_req *req, bool remove,
		    struct vfc_device **devs, size_t ndevs, vfc_hotplug_report_fn report,
		    void *userdata, struct vfc_mount_result *res)
{
	unsigned int flags = vfc_lock_systemd_runs() ? VFC_AUTOMOUNT_SYSTEMD : 0;
	const char *base = vfc_config_get_mount_base(vfc_ctx_get_config(ctx));
	struct vfc_action *acts = NULL;
	size_t nacts = 0;
	int r, ret = MNT_EX_SUCCESS;

	r = remove ? vfc_plan_remove(ctx, &acts, &nacts)
		   : vfc_plan_add(ctx, devs, ndevs, &acts, &nacts);
	if (r < 0) {
		vfc_mount_result_fail(res, r, MNT_EX_SYSERR, "cannot plan: %s", strerror(-r));
		return MNT_EX_SYSERR;
	}
	/* A base that cannot be had fails every mount below it: say so once. */
	for (size_t i = 0; i < nacts && !req->dry_run && !remove; i++) {
		if (!acts[i].in_base)
			continue;
		r = vfc_automount_make_base(ctx);
		if (r < 0) {
			vfc_mount_result_fail(res, r, MNT_EX_SYSERR, "cannot make the mount base %s: %s",
					      base,
					      r == -EPERM ? "it, or a directory on the way to it, is "
							    "not root's or is writable by others"
							  : strerror(-r));
			vfc_action_array_free(acts, nacts);
			return MNT_EX_SYSERR;
		}
		break;
	}
	for (size_t i = 0; i < nacts; i++) {
		struct vfc_mount_result one;

		if (req->dry_run) {
			report(&acts[i], 0, NULL, userdata);
			continue;
		}
		r = vfc_automount_apply(ctx, &acts[i], flags, &one);
		report(&acts[i], r, &one, userdata);
		if (r < 0)
			ret = MNT_EX_FAIL;
		vfc_mount_result_clear(&one);
	}
	vfc_action_array_free(acts, nacts);
	return ret;
}

/* The devices the event names, each waited for while it is still coming. */
static int settle_devices(struct vfc_ctx *ctx, const struct vfc_hotplug_req *req, int wait_ms,
			  struct vfc_device ***ret, size_t *ret_n, struct vfc_mount_result *res)
{
	struct vfc_device **devs;
	size_t n = 0;
	int r;

	devs = calloc(req->nspecs + 1, sizeof(*devs));
	if (!devs)
		return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
	if (req->kernel_name) {
		r = vfc_wait_for_device(ctx, req->kernel_name, true, wait_ms, &devs[n]);
		if (r < 0) {
			/* Gone before we got to it: the removal event does the rest. */
			vfc_notice(ctx, "%s: no such virtio-fs device (any more): %s",
				   req->kernel_name, strerror(-r));
			free(devs);
			*ret = NULL;
			*ret_n = 0;
			return 0;
		}
		n++;
	}
	for (size_t i = 0; i < req->nspecs; i++) {
		struct vfc_device *dev = NULL;
		char *msg = NULL;

		r = vfc_wait_for_device(ctx, req->specs[i], false, wait_ms, &devs[n]);
		if (r == 0) {
			n++;
			continue;
		}
		/* Why, from a look of its own: building the words on every look would cost. */
		r = vfc_spec_lookup(ctx, req->specs[i], 0, &dev, &msg);
		vfc_device_unref(dev);
		vfc_device_array_free(devs, n);
		if (r == -ENOMEM || !msg)
			return vfc_mount_result_fail(res, -ENOMEM, MNT_EX_SYSERR, "out of memory");
		return vfc_mount_result_fail_take(res, r < 0 ? r : -ENODEV, MNT_EX_FAIL, msg);
	}
	*ret = devs;
	*ret_n = n;
	return 0;
}

int vfc_hotplug_run(struct vfc_ctx *ctx, const struct vfc_hotplug_req *req,
		    vfc_hotplug_report_fn report, void *userdata, struct vfc_mount_result *res)
{
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	struct vfc_device **devs = NULL;
	size_t ndevs = 0;
	int r, wait_ms, lockfd = -1, ret;

	*res = (struct vfc_mount_result){ .excode = MNT_EX_SUCCESS };
	if (!cfg || (req->remove && (req->nspecs || req->kernel_name)))
		return vfc_mount_result_fail(res, -EINVAL, MNT_EX_USAGE,
					     "--remove takes no SPEC: it detaches what belongs to "
					     "devices that are gone");

	/* A device that has just appeared may need a moment to go online and get its tag. */
	wait_ms = vfc_config_get_wait(cfg) * 1000;
	if (req->udev && wait_ms > VFC_UDEV_WAIT_MAX_S * 1000)
		wait_ms = VFC_UDEV_WAIT_MAX_S * 1000;
	if (!req->remove && (req->kernel_name || req->nspecs)) {
		r = settle_devices(ctx, req, wait_ms, &devs, &ndevs, res);
		if (r < 0)
			return r;
		if (!devs)
			return 0;
	}

	/* Nothing to do: touch nothing, not even the mount base. */
	if (!req->remove && vfc_config_get_automount(cfg) == VFC_AUTOMOUNT_NONE) {
		vfc_device_array_free(devs, ndevs);
		return 0;
	}

	/* Plan under the lock, so that two handlers never plan the same mount. */
	if (!req->dry_run) {
		r = vfc_lock_take(ctx, true, &lockfd);
		if (r < 0) {
			vfc_device_array_free(devs, ndevs);
			return vfc_mount_result_fail(res, r, MNT_EX_SYSERR, "cannot lock %s: %s",
						     VFC_LOCK_PATH, strerror(-r));
		}
	}
	/*
	 * First what is stale: a device removed and added again at once has
	 * its old mount still where the new one goes. Then, unless removing,
	 * what to mount.
	 */
	ret = run_plan(ctx, req, true, NULL, 0, report, userdata, res);
	if (!req->remove && ret != MNT_EX_SYSERR) {
		int r2 = run_plan(ctx, req, false, devs, ndevs, report, userdata, res);

		if (r2 != MNT_EX_SUCCESS)
			ret = r2;
	}
	vfc_device_array_free(devs, ndevs);
	vfc_lock_release(lockfd);
	/*
	 * Under systemd the units unmount (they are bound to the device) and
	 * leave our directories behind: once they are stopped, tidy up, not
	 * under the lock, so that other handlers go on meanwhile.
	 */
	if (!req->dry_run && vfc_lock_systemd_runs()) {
		if (req->remove && vfc_automount_wait_units(ctx, wait_ms) < 0)
			vfc_notice(ctx,
				   "systemd has not yet unmounted all shares that went; their "
				   "directories below %s stay for now",
				   vfc_config_get_mount_base(cfg));
		if (vfc_lock_take(ctx, true, &lockfd) == 0) {
			vfc_automount_sweep(ctx);
			vfc_lock_release(lockfd);
		}
	}
	res->excode = ret;
	return ret == MNT_EX_SUCCESS ? 0 : -EIO;
}
