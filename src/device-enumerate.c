// SPDX-License-Identifier: MIT
/*
 * All virtio-fs CCW devices: vfc_device_enumerate() of device.h. Each is
 * looked up as vfc_device_new_from_busid() does; what costs is finding them.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "macro.h"
#include "virtiofs.h"

#define SYSFS_VIRTIO_CCW_DRV "/sys/bus/ccw/drivers/virtio_ccw"

static int cmp_devices(const void *a, const void *b)
{
	struct vfc_device *da = *(struct vfc_device *const *)a;
	struct vfc_device *db = *(struct vfc_device *const *)b;

	return vfc_busid_cmp(vfc_device_get_busid(da), vfc_device_get_busid(db));
}

void vfc_device_array_free(struct vfc_device **devs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vfc_device_unref(devs[i]);
	free(devs);
}

static int devices_append(struct vfc_device ***devs, size_t *n, size_t *alloc,
			  struct vfc_device *dev)
{
	if (*n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 8;
		struct vfc_device **nd = realloc(*devs, na * sizeof(*nd));

		if (!nd)
			return -ENOMEM;
		*devs = nd;
		*alloc = na;
	}
	(*devs)[(*n)++] = dev;
	return 0;
}

/* Add the device at bus-ID @name, if it is a virtio-fs device that can be read. */
static int add_ccw_device(struct vfc_ctx *ctx, const char *name, struct vfc_device ***devs,
			  size_t *n, size_t *alloc)
{
	struct vfc_device *dev;
	struct vfc_busid id;
	int r;

	if (vfc_busid_parse(name, &id, NULL, NULL) < 0)
		return 0;
	r = vfc_device_new_from_busid(ctx, &id, &dev);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	r = devices_append(devs, n, alloc, dev);
	if (r < 0)
		vfc_device_unref(dev);
	return r;
}

#define LIBUDEV "libudev.so.1"

#define UDEV_FUNCS(X)                                                                              \
	X(udev_new)                                                                                \
	X(udev_unref)                                                                              \
	X(udev_enumerate_new)                                                                      \
	X(udev_enumerate_unref)                                                                    \
	X(udev_enumerate_add_match_subsystem)                                                      \
	X(udev_enumerate_add_match_sysattr)                                                        \
	X(udev_enumerate_scan_devices)                                                             \
	X(udev_enumerate_get_list_entry)                                                           \
	X(udev_list_entry_get_next)                                                                \
	X(udev_list_entry_get_name)

#define UDEV_MEMBER(f) __typeof__(f) *f;
static struct {
	UDEV_FUNCS(UDEV_MEMBER)
} dl;

/*
 * libudev is opened only here, as modload.c opens libkmod: linked, it would
 * be loaded and relocated at every start of every program, the set-uid
 * helper's included, for a fallback that a guest with virtio_ccw bound never
 * takes. 0, or -ELIBACC where it cannot be had.
 */
static int udev_open(struct vfc_ctx *ctx)
{
	static int r = 1;
	void *h;

	if (r <= 0)
		return r;
	/* dlerror() tells why once, right after the failing call: say it then. */
	h = dlopen(LIBUDEV, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h) {
		vfc_debug(ctx, "%s", dlerror());
		return r = -ELIBACC;
	}
#define UDEV_LOOKUP(f)                                                                             \
	dl.f = (__typeof__(dl.f))dlsym(h, #f);                                                     \
	if (!dl.f) {                                                                               \
		vfc_debug(ctx, "%s", dlerror());                                                   \
		return r = -ELIBACC;                                                               \
	}
	UDEV_FUNCS(UDEV_LOOKUP)
#undef UDEV_LOOKUP
	return r = 0;
}

/*
 * Fallback when virtio_ccw is not bound (module not loaded): ask libudev for
 * the CCW devices of the virtio-fs control unit type. That reads every CCW
 * device's cutype, so it costs in proportion to the bus (up to 4 x 65536
 * devices), not to the virtio devices; the common paths read sysfs directly
 * and never open libudev.
 */
static int enumerate_whole_bus(struct vfc_ctx *ctx, struct vfc_device ***devs, size_t *n,
			       size_t *alloc)
{
	struct udev_enumerate *e = NULL;
	struct udev_list_entry *le;
	struct udev *udev;
	int r;

	r = udev_open(ctx);
	if (r < 0)
		return r;
	udev = dl.udev_new();
	if (udev)
		e = dl.udev_enumerate_new(udev);
	if (!e) {
		dl.udev_unref(udev);
		return -ENOMEM;
	}
	r = dl.udev_enumerate_add_match_subsystem(e, "ccw");
	if (r >= 0)
		r = dl.udev_enumerate_add_match_sysattr(e, "cutype", VFC_CUTYPE_VIRTIO_FS);
	if (r >= 0)
		r = dl.udev_enumerate_scan_devices(e);
	for (le = r >= 0 ? dl.udev_enumerate_get_list_entry(e) : NULL; le;
	     le = dl.udev_list_entry_get_next(le)) {
		const char *name = strrchr(dl.udev_list_entry_get_name(le), '/');

		r = add_ccw_device(ctx, name ? name + 1 : "", devs, n, alloc);
		if (r < 0)
			break;
	}
	dl.udev_enumerate_unref(e);
	dl.udev_unref(udev);
	return r < 0 ? r : 0;
}

int vfc_device_enumerate(struct vfc_ctx *ctx, struct vfc_device ***ret_devs, size_t *ret_n)
{
	return vfc_device_enumerate_with(ctx, NULL, 0, ret_devs, ret_n);
}

static bool listed(struct vfc_device **devs, size_t n, const struct vfc_busid *id)
{
	for (size_t i = 0; i < n; i++)
		if (vfc_busid_cmp(vfc_device_get_busid(devs[i]), id) == 0)
			return true;
	return false;
}

int vfc_device_enumerate_with(struct vfc_ctx *ctx, const struct vfc_busid *extra, size_t nextra,
			      struct vfc_device ***ret_devs, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct vfc_device **devs = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	int r = 0;

	/*
	 * The virtio_ccw driver directory links exactly the virtio-ccw devices,
	 * online or not, so listing costs in proportion to them, not to the bus.
	 */
	d = opendir(SYSFS_VIRTIO_CCW_DRV);
	if (!d) {
		vfc_debug(ctx, "%s: %s; scanning the whole CCW bus", SYSFS_VIRTIO_CCW_DRV,
			  strerror(errno));
		r = enumerate_whole_bus(ctx, &devs, &n, &alloc);
	}
	while (d && (de = readdir(d))) {
		/* Bus-IDs, and the driver's own files (bind, uevent, ...) to skip. */
		if (!vfc_busid_is_valid(de->d_name) || de->d_name[0] != '0')
			continue;
		r = add_ccw_device(ctx, de->d_name, &devs, &n, &alloc);
		if (r < 0)
			break;
	}
	/* Asked for by bus-ID: one lookup each, found whatever claims them. */
	for (size_t i = 0; i < nextra && r >= 0; i++) {
		char b[VFC_BUSID_STRLEN];

		if (!listed(devs, n, &extra[i]))
			r = add_ccw_device(ctx, vfc_busid_format(&extra[i], b), &devs, &n, &alloc);
	}
	if (r < 0) {
		vfc_device_array_free(devs, n);
		return r;
	}

	if (n > 1)
		qsort(devs, n, sizeof(*devs), cmp_devices);
	*ret_devs = devs;
	*ret_n = n;
	return 0;
}

