// SPDX-License-Identifier: MIT
/* A user's mount through the set-uid helper (usermount.h). */
#include <errno.h>
#include <libmount/libmount.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "fstab.h"
#include "macro.h"
#include "usermount.h"

int vfc_usermount_restrict_env(void)
{
	if (clearenv() != 0)
		return -ENOMEM;
	if (setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) < 0)
		return -errno;
	return 0;
}

void vfc_usermount_clear(struct vfc_usermount *um)
{
	free(um->target);
	free(um->options);
	*um = (struct vfc_usermount){ 0 };
}

static int fail(char **ret_message, int err, const char *fmt, ...) _printf_format_(3, 4);
static int fail(char **ret_message, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(ret_message, fmt, ap) < 0)
		*ret_message = NULL;
	va_end(ap);
	return err;
}

int vfc_usermount_prepare(struct vfc_ctx *ctx, struct vfc_mount_req *req, uid_t uid,
			  struct vfc_usermount *ret, char **ret_message)
{
	char *target = NULL, *options = NULL;
	struct passwd *pw;
	int r;

	if (req->namespace)
		return fail(ret_message, -EPERM,
			    "-N: must be superuser to mount in another namespace");
	pw = getpwuid(uid);
	if (!pw)
		return fail(ret_message, -ENOENT, "user %u: not in the user database",
			    (unsigned int)uid);
	r = vfc_fstab_user_mount(ctx, req->spec, req->target, pw->pw_name, &target, &options);
	if (r == -EPERM) {
		_cleanup_free_ char *shown = vfc_escape_display(req->spec);

		return fail(ret_message, r,
			    "%s: must be superuser to mount '%s' there: no fstab line for it "
			    "allows users (option user or users)",
			    req->target, shown ? shown : "");
	}
	if (r < 0)
		return fail(ret_message, r, "cannot read fstab: %s", strerror(-r));
	*ret = (struct vfc_usermount){ .target = target, .options = options };
	req->target = target;
	req->options = options;
	req->flags |= VFC_MOUNT_NOMODLOAD;
	return 0;
}

int vfc_usermount_excode(int err)
{
	return err == -EPERM || err == -ENOENT ? MNT_EX_USAGE : MNT_EX_SYSERR;
}

int vfc_usermount_become_root(void)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -errno;
	return 0;
}
