// SPDX-License-Identifier: MIT
/*
 * The virtio-fs CCW devices, read from sysfs. The kernel layout this relies
 * on (captured on Debian's 6.1 and 6.12 s390x kernels):
 *
 *   /sys/bus/ccw/devices/0.0.1a12 -> /sys/devices/css0/0.0.0001/0.0.1a12
 *       cutype "3832/1a", online "1", driver -> virtio_ccw
 *       virtio2/             the virtio device, driver -> virtiofs
 *
 * and, for the tag, the export (export.h) or the policy file (config.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "device.h"
#include "export.h"
#include "macro.h"
#include "mounttab.h"
#include "virtiofs.h"

struct vfc_device {
	int refcount;
	struct vfc_ctx *ctx;
	struct vfc_busid id;
	char *syspath;
	char *driver;
	char *virtio;
	bool online;
	char *tag;
	char *export; /* the export entry that holds the tag, when found */
	unsigned long long instance;
	enum vfc_device_state state;
	char **mountpoints;
};

bool vfc_device_state_is_coming(enum vfc_device_state st)
{
	switch (st) {
	case VFC_DEVICE_NO_CCW_DRIVER:
	case VFC_DEVICE_OFFLINE:
	case VFC_DEVICE_UNBOUND:
	case VFC_DEVICE_UNEXPORTED:
		return true;
	default:
		return false;
	}
}

struct vfc_device *vfc_device_ref(struct vfc_device *dev)
{
	if (dev)
		dev->refcount++;
	return dev;
}

struct vfc_device *vfc_device_unref(struct vfc_device *dev)
{
	if (!dev || --dev->refcount > 0)
		return NULL;

	strv_free(dev->mountpoints);
	free(dev->tag);
	free(dev->export);
	free(dev->virtio);
	free(dev->driver);
	free(dev->syspath);
	vfc_ctx_unref(dev->ctx);
	free(dev);
	return NULL;
}

static void vfc_device_unrefp(struct vfc_device **d)
{
	vfc_device_unref(*d);
}
#define _cleanup_device_ _cleanup_(vfc_device_unrefp)

static int device_read_tag(struct vfc_device *dev)
{
	char busid[VFC_BUSID_STRLEN];
	int r;

	vfc_busid_format(&dev->id, busid);
	r = vfc_export_find_device(dev->ctx, busid, dev->virtio, &dev->tag, &dev->export);
	if (r == -ENOMEM)
		return r;
	if (r == 0)
		dev->state = VFC_DEVICE_READY;
	else if (r == -EBADMSG)
		dev->state = VFC_DEVICE_BAD_TAG;
	else
		/* This kernel exports tags (the caller checked), only not this device's yet. */
		dev->state = VFC_DEVICE_UNEXPORTED;
	if (r < 0)
		vfc_debug(dev->ctx, "%s: no tag from %s: %s", busid, VFC_EXPORT_DIR, strerror(-r));
	return 0;
}

/* The virtio child is the one "virtioN" directory below the CCW device at @dfd. */
static int find_virtio_child(int dfd, char **ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd;

	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		const char *p = de->d_name;

		if (strncmp(p, "virtio", 6) != 0 || !p[6])
			continue;
		if (strspn(p + 6, "0123456789") != strlen(p + 6))
			continue;
		*ret = strdup(p);
		return *ret ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

/* Attribute @name of the device at @dfd, without its newline: sysfs "show" text. */
static int read_attr(int dfd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

/* The name of the driver bound to @path below @dfd ("driver", "virtio2/driver"), or NULL. */
static int read_driver(int dfd, const char *path, char **ret)
{
	char link[PATH_MAX];
	const char *name;
	ssize_t n;

	*ret = NULL;
	n = readlinkat(dfd, path, link, sizeof(link) - 1);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	link[n] = '\0';
	name = strrchr(link, '/');
	*ret = strdup(name ? name + 1 : link);
	return *ret ? 0 : -ENOMEM;
}

/*
 * /sys/bus/ccw/devices/BUS-ID is a relative link into /sys/devices: the
 * device's path there, as libudev would name it (list --info shows it).
 */
static int ccw_syspath(const char *busid, char **ret)
{
	char entry[sizeof(VFC_SYSFS_CCW_DEVICES) + VFC_BUSID_STRLEN + 1];
	char link[PATH_MAX], path[PATH_MAX] = VFC_SYSFS_CCW_DEVICES;
	size_t len = strlen(path);
	char *c, *save = NULL;
	ssize_t n;

	snprintf(entry, sizeof(entry), "%s/%s", VFC_SYSFS_CCW_DEVICES, busid);
	n = readlink(entry, link, sizeof(link) - 1);
	if (n < 0)
		return -ENODEV;
	link[n] = '\0';
	if (link[0] == '/')
		len = 0;
	for (c = strtok_r(link, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, "..") == 0) {
			while (len > 0 && path[--len] != '/')
				;
		} else if (strcmp(c, ".") != 0) {
			if (len + 1 + strlen(c) >= sizeof(path))
				return -ENAMETOOLONG;
			path[len++] = '/';
			strcpy(path + len, c);
			len += strlen(c);
		}
		path[len] = '\0';
	}
	*ret = strdup(path);
	return *ret ? 0 : -ENOMEM;
}

/* Read the CCW device at @dfd (/sys/bus/ccw/devices/<@busid>) and its virtio child. */
static int device_new_from_sysfs(struct vfc_ctx *ctx, int dfd, const struct vfc_busid *id,
				 const char *busid, struct vfc_device **ret)
{
	_cleanup_device_ struct vfc_device *dev = NULL;
	char online[8];
	int r;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->refcount = 1;
	dev->ctx = vfc_ctx_ref(ctx);
	dev->id = *id;

	r = ccw_syspath(busid, &dev->syspath);
	if (r < 0)
		return r;
	dev->online = read_attr(dfd, "online", online, sizeof(online)) == 0 &&
		      strcmp(online, "1") == 0;
	r = read_driver(dfd, "driver", &dev->driver);
	if (r == -ENOMEM)
		return r;

	r = find_virtio_child(dfd, &dev->virtio);
	if (r == -ENOMEM)
		return r;
	if (dev->virtio) {
		struct stat st;

		if (fstatat(dfd, dev->virtio, &st, 0) == 0)
			dev->instance = st.st_ino;
	}

	if (!dev->driver) {
		dev->state = VFC_DEVICE_NO_CCW_DRIVER;
	} else if (!dev->online) {
		dev->state = VFC_DEVICE_OFFLINE;
	} else if (!dev->virtio) {
		dev->state = VFC_DEVICE_UNBOUND;
	} else {
		_cleanup_free_ char *vlink = NULL, *vdrv = NULL;

		if (asprintf(&vlink, "%s/driver", dev->virtio) < 0)
			return -ENOMEM;
		if (read_driver(dfd, vlink, &vdrv) == -ENOMEM)
			return -ENOMEM;
		if (!vdrv || strcmp(vdrv, VFC_VIRTIO_DRIVER) != 0)
			dev->state = VFC_DEVICE_UNBOUND;
		else if (!vfc_export_exists(ctx))
			dev->state = VFC_DEVICE_NO_EXPORT;
		else if (device_read_tag(dev) < 0)
			return -ENOMEM;
	}

	/* What the kernel cannot tell, the administrator may have written down. */
	if (dev->state == VFC_DEVICE_NO_EXPORT) {
		const char *t = vfc_config_get_tag(vfc_ctx_get_config(ctx), &dev->id);

		if (t) {
			dev->tag = strdup(t);
			if (!dev->tag)
				return -ENOMEM;
			dev->state = VFC_DEVICE_CONFIGURED;
		}
	}

	*ret = TAKE_PTR(dev);
	return 0;
}

int vfc_device_read_cutype(const struct vfc_busid *id, char *buf, size_t size)
{
	_cleanup_close_ int dfd = -1;
	char path[sizeof(VFC_SYSFS_CCW_DEVICES) + VFC_BUSID_STRLEN + 1];
	char busid[VFC_BUSID_STRLEN];

	snprintf(path, sizeof(path), "%s/%s", VFC_SYSFS_CCW_DEVICES, vfc_busid_format(id, busid));
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -ENODEV;
	return read_attr(dfd, "cutype", buf, size);
}

int vfc_device_new_from_busid(struct vfc_ctx *ctx, const struct vfc_busid *id,
			      struct vfc_device **ret)
{
	_cleanup_close_ int dfd = -1;
	char path[sizeof(VFC_SYSFS_CCW_DEVICES) + VFC_BUSID_STRLEN + 1];
	char busid[VFC_BUSID_STRLEN], cutype[16];

	/*
	 * One sysfs lookup, whatever the size of the bus: the device's own
	 * directory, its attributes read relative to it (libudev would resolve
	 * the path component by component, and every attribute again).
	 */
	snprintf(path, sizeof(path), "%s/%s", VFC_SYSFS_CCW_DEVICES, vfc_busid_format(id, busid));
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOMEM ? -ENOMEM : -ENODEV;
	if (read_attr(dfd, "cutype", cutype, sizeof(cutype)) < 0 ||
	    strcmp(cutype, VFC_CUTYPE_VIRTIO_FS) != 0)
		return -EMEDIUMTYPE;
	return device_new_from_sysfs(ctx, dfd, id, busid, ret);
}

int vfc_device_new_from_tag(struct vfc_ctx *ctx, const char *tag, struct vfc_device **ret)
{
	_cleanup_device_ struct vfc_device *dev = NULL;
	const struct vfc_busid *cid;
	struct vfc_busid id;
	int r;

	if (!tag || !*tag || strlen(tag) > VFC_TAG_MAX)
		return -ENOENT;
	if (vfc_export_exists(ctx)) {
		r = vfc_export_find_tag(ctx, tag, &id);
		if (r < 0)
			return r;
		return vfc_device_new_from_busid(ctx, &id, ret);
	}
	/* A configured tag counts only where the kernel does not tell. */
	cid = vfc_config_find_tag(vfc_ctx_get_config(ctx), tag);
	if (!cid)
		return -ENOENT;
	r = vfc_device_new_from_busid(ctx, cid, &dev);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOENT;
	if (dev->state != VFC_DEVICE_CONFIGURED)
		return -ENOENT;
	*ret = TAKE_PTR(dev);
	return 0;
}

/* /sys/bus/virtio/devices/virtioN -> .../<bus-ID>/virtioN */
static int virtio_busid(const char *name, struct vfc_busid *ret_id)
{
	char path[64], link[512], *last, *parent;
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "/sys/bus/virtio/devices/%s", name) >=
	    sizeof(path))
		return -ENODEV;
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -ENODEV;
	link[n] = '\0';
	last = strrchr(link, '/');
	if (!last)
		return -ENODEV;
	*last = '\0';
	parent = strrchr(link, '/');
	if (vfc_busid_parse(parent ? parent + 1 : link, ret_id, NULL, NULL) < 0)
		return -ENODEV;
	return 0;
}

int vfc_device_new_from_kernel_name(struct vfc_ctx *ctx, const char *name, struct vfc_device **ret)
{
	struct vfc_busid id;
	int r;

	if (!name || !*name)
		return -EINVAL;
	/* A full bus-ID has dots; an index has only digits; a virtio device its prefix. */
	if (strchr(name, '.')) {
		if (vfc_busid_parse(name, &id, NULL, NULL) < 0)
			return -EINVAL;
	} else if (strspn(name, "0123456789") == strlen(name) && strlen(name) < 12) {
		r = vfc_export_get_busid(ctx, name, &id);
		if (r < 0)
			return r;
	} else if (strncmp(name, "virtio", 6) == 0 && name[6] &&
		   strspn(name + 6, "0123456789") == strlen(name + 6) && strlen(name) < 20) {
		r = virtio_busid(name, &id);
		if (r < 0)
			return r;
	} else {
		return -EINVAL;
	}
	return vfc_device_new_from_busid(ctx, &id, ret);
}

const struct vfc_busid *vfc_device_get_busid(struct vfc_device *dev)
{
	return &dev->id;
}

const char *vfc_device_get_syspath(struct vfc_device *dev)
{
	return dev->syspath;
}

bool vfc_device_is_online(struct vfc_device *dev)
{
	return dev->online;
}

const char *vfc_device_get_driver(struct vfc_device *dev)
{
	return dev->driver;
}

const char *vfc_device_get_export(struct vfc_device *dev)
{
	return dev->export;
}

const char *vfc_device_get_virtio(struct vfc_device *dev)
{
	return dev->virtio;
}

const char *vfc_device_get_tag(struct vfc_device *dev)
{
	return dev->tag;
}

unsigned long long vfc_device_get_instance(struct vfc_device *dev)
{
	return dev->instance;
}

enum vfc_device_state vfc_device_get_state(struct vfc_device *dev)
{
	return dev->state;
}

int vfc_device_get_mountpoints(struct vfc_device *dev, const char *const **ret)
{
	static const char *const none[] = { NULL };
	int r;

	if (!dev->mountpoints && dev->tag) {
		r = vfc_mounttab_get_targets(dev->ctx, dev->tag, false, &dev->mountpoints);
		if (r < 0)
			return r;
	}
	*ret = dev->mountpoints ? (const char *const *)dev->mountpoints : none;
	return 0;
}
