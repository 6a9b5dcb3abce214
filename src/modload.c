// SPDX-License-Identifier: MIT
/*
 * Loading the virtiofs module with libkmod, opened only when a module must
 * really be loaded, as systemd dlopen()s its optional libraries: linked in,
 * it (and through it libcrypto, liblzma, libzstd) would be loaded at every
 * start of every program, the set-uid helper's included, while the kernel
 * has the filesystem registered nearly always.
 */
#include <dlfcn.h>
#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "macro.h"
#include "modload.h"
#include "virtiofs.h"

#define PROC_FILESYSTEMS "/proc/filesystems"
#define LIBKMOD		 "libkmod.so.2"

#define KMOD_FUNCS(X)                                                                              \
	X(kmod_new)                                                                                \
	X(kmod_unref)                                                                              \
	X(kmod_set_log_fn)                                                                         \
	X(kmod_module_new_from_lookup)                                                             \
	X(kmod_module_new_from_name)                                                               \
	X(kmod_module_ref)                                                                         \
	X(kmod_module_unref)                                                                       \
	X(kmod_module_unref_list)                                                                  \
	X(kmod_module_get_module)                                                                  \
	X(kmod_module_get_name)                                                                    \
	X(kmod_module_get_initstate)                                                               \
	X(kmod_module_initstate_str)                                                               \
	X(kmod_module_probe_insert_module)

#define KMOD_MEMBER(f) __typeof__(f) *f;
static struct {
	KMOD_FUNCS(KMOD_MEMBER)
} dl;

/*
 * Open libkmod once. Its symbols are looked up in the global scope, where a
 * program's own definition comes first: how a test stands in for the
 * kernel's part (insertion). 0, or -ELIBACC where it cannot be had.
 */
static int kmod_open(void)
{
	static int r = 1;

	if (r <= 0)
		return r;
	if (!dlopen(LIBKMOD, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE))
		return r = -ELIBACC;
#define KMOD_LOOKUP(f)                                                                             \
	dl.f = (__typeof__(dl.f))dlsym(RTLD_DEFAULT, #f);                                          \
	if (!dl.f)                                                                                 \
		return r = -ELIBACC;
	KMOD_FUNCS(KMOD_LOOKUP)
#undef KMOD_LOOKUP
	return r = 0;
}

bool vfc_modload_is_registered(const char *fstype)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t len = 0;

	f = fopen(PROC_FILESYSTEMS, "re");
	if (!f)
		return false;
	/* Lines are "nodev\tvirtiofs" or "\text4": the name follows the tab. */
	while (getline(&line, &len, f) > 0) {
		char *name = strchr(line, '\t');

		if (!name)
			continue;
		name++;
		name[strcspn(name, "\n")] = '\0';
		if (strcmp(name, fstype) == 0)
			return true;
	}
	return false;
}

_printf_format_(6, 0) static void log_kmod(void *data, int priority, const char *file, int line, const char *fn,
		     const char *format, va_list args)
{
	struct vfc_ctx *ctx = data;
	_cleanup_free_ char *msg = NULL;

	(void)file;
	(void)line;
	(void)fn;
	if (vasprintf(&msg, format, args) < 0)
		return;
	/* libkmod's own messages are detail: pass them on at debug level. */
	msg[strcspn(msg, "\n")] = '\0';
	vfc_log(ctx, priority < LOG_DEBUG ? LOG_DEBUG : priority, "libkmod: %s", msg);
}

static void kmod_unrefp(struct kmod_ctx **k)
{
	if (*k)
		dl.kmod_unref(*k);
}

static void kmod_module_unrefp(struct kmod_module **m)
{
	if (*m)
		dl.kmod_module_unref(*m);
}

/* A module that init_module(2) is still initialising: its filesystem comes soon. */
#define COMING_WAIT_MS 5000
#define COMING_STEP_MS 50

static int wait_while_coming(struct vfc_ctx *ctx, struct kmod_module *mod)
{
	long long deadline = now_ms() + COMING_WAIT_MS;

	while (dl.kmod_module_get_initstate(mod) == KMOD_MODULE_COMING && now_ms() < deadline) {
		if (vfc_modload_is_registered(VFC_FSTYPE))
			return 0;
		sleep_ms(COMING_STEP_MS);
	}
	if (vfc_modload_is_registered(VFC_FSTYPE))
		return 0;
	vfc_debug(ctx, "module %s is %s, but no filesystem %s", dl.kmod_module_get_name(mod),
		  dl.kmod_module_initstate_str(dl.kmod_module_get_initstate(mod)), VFC_FSTYPE);
	return -ENOPKG;
}

int vfc_modload_virtiofs(struct vfc_ctx *ctx)
{
	_cleanup_(kmod_unrefp) struct kmod_ctx *kctx = NULL;
	_cleanup_(kmod_module_unrefp) struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;
	int r;

	if (vfc_modload_is_registered(VFC_FSTYPE))
		return 0;
	r = kmod_open();
	if (r < 0)
		return r;

	/* The running kernel's /lib/modules and /etc/modprobe.d, like modprobe. */
	kctx = dl.kmod_new(NULL, NULL);
	if (!kctx)
		return -ENOMEM;
	dl.kmod_set_log_fn(kctx, log_kmod, ctx);

	/*
	 * What the kernel itself asks for (request_module("fs-virtiofs")): the
	 * alias names the module, whatever a kernel calls it; its own name
	 * where no index has the alias.
	 */
	r = dl.kmod_module_new_from_lookup(kctx, "fs-" VFC_FSTYPE, &list);
	if (r == 0 && list) {
		mod = dl.kmod_module_ref(dl.kmod_module_get_module(list));
		dl.kmod_module_unref_list(list);
	} else {
		r = dl.kmod_module_new_from_name(kctx, VFC_MODULE, &mod);
		if (r < 0)
			return r;
	}
	if (!mod)
		return -ENOMEM;

	vfc_info(ctx, "filesystem %s not registered: loading module %s", VFC_FSTYPE,
		 dl.kmod_module_get_name(mod));
	r = dl.kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL,
					    NULL);
	if (r > 0)
		return -ECANCELED;
	/* libkmod says ENOENT when the module is in no index of this kernel. */
	if (r < 0)
		return r;
	r = wait_while_coming(ctx, mod);
	if (r == 0)
		vfc_info(ctx, "module %s loaded: filesystem %s registered", dl.kmod_module_get_name(mod),
			 VFC_FSTYPE);
	return r;
}

const char *vfc_modload_strerror(int err)
{
	switch (err) {
	case -ENOENT:
		return "filesystem virtiofs is not available: the running kernel has no module "
		       VFC_MODULE;
	case -ECANCELED:
		return "module " VFC_MODULE " is blacklisted (see /etc/modprobe.d): not loading it";
	case -ENOPKG:
		return "module " VFC_MODULE " is loaded but the kernel lists no virtiofs filesystem";
	case -EPERM:
		return "cannot load module " VFC_MODULE ": must be superuser";
	case -ELIBACC:
		return "cannot load module " VFC_MODULE ": " LIBKMOD " cannot be loaded (is libkmod "
		       "installed?)";
	default:
		return NULL;
	}
}
