// SPDX-License-Identifier: MIT
/* mount --all (mountall.h). */
#include <errno.h>
#include <libmount/libmount.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "macro.h"
#include "mountall.h"
#include "wait.h"

void vfc_mount_all_result_clear(struct vfc_mount_all_result *res)
{
	free(res->message);
	*res = (struct vfc_mount_all_result){ 0 };
}

static int fail(struct vfc_mount_all_result *res, int err)
{
	if (err == -ENOMEM)
		res->message = strdup("out of memory");
	else if (asprintf(&res->message, "cannot read fstab: %s", strerror(-err)) < 0)
		res->message = NULL;
	res->excode = MNT_EX_SYSERR;
	return err;
}

int vfc_mount_all(struct vfc_ctx *ctx, const struct vfc_mount_req *tmpl,
		  vfc_mount_all_report_fn report, void *userdata, struct vfc_mount_all_result *res)
{
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	struct vfc_fstab_entry *e = NULL;
	size_t n = 0;
	int r;

	*res = (struct vfc_mount_all_result){ .excode = MNT_EX_SUCCESS };
	r = vfc_fstab_read(ctx, &e, &n);
	if (r < 0)
		return fail(res, r);
	res->lines = n;
	for (size_t i = 0; i < n; i++) {
		struct vfc_mount_req req = *tmpl;
		struct vfc_mount_result one;
		_cleanup_free_ char *opts = NULL;

		if (e[i].noauto) {
			res->noauto++;
			continue;
		}
		req.spec = e[i].spec;
		req.target = e[i].target;
		req.options = e[i].options;
		if (tmpl->options) {
			opts = e[i].options ? strdup(e[i].options) : NULL;
			if ((e[i].options && !opts) ||
			    mnt_optstr_append_option(&opts, tmpl->options, NULL) < 0) {
				vfc_fstab_entries_free(e, n);
				return fail(res, -ENOMEM);
			}
			req.options = opts;
		}
		/* fstab is served as mount.virtiofs serves it at boot: the policy's wait. */
		req.default_wait_ms = cfg ? vfc_config_get_wait(cfg) * 1000 : VFC_WAIT_DEFAULT_S * 1000;

		vfc_mount(ctx, &req, &one);
		if (one.excode == MNT_EX_SUCCESS)
			res->mounted++;
		else if (e[i].nofail)
			res->skipped++;
		else
			res->failed++;
		if (report)
			report(&e[i], &req, &one, userdata);
		vfc_mount_result_clear(&one);
	}
	vfc_fstab_entries_free(e, n);
	if (res->failed == 0)
		return 0;
	res->excode = res->mounted ? MNT_EX_SOMEOK : MNT_EX_FAIL;
	return -EIO;
}
