// SPDX-License-Identifier: MIT
/*
 * Discovery of virtio-fs CCW devices through libudev and the virtiofs sysfs
 * export. The kernel layout this relies on (captured on Debian's 6.1 and
 * 6.12 s390x kernels):
 *
 *   /sys/bus/ccw/devices/0.0.1a12 -> /sys/devices/css0/0.0.0001/0.0.1a12
 *       cutype "3832/1a", online "1", driver -> virtio_ccw
 *       virtio2/             the virtio device, driver -> virtiofs
 *   /sys/fs/virtiofs/2/tag   "share0\n"        (Linux 6.9+, virtiofs loaded)
 *   /sys/fs/virtiofs/2/device -> ../../../devices/css0/0.0.0001/0.0.1a12/virtio2
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "macro.h"
#include "discover.h"
#include "escape.h"

#define SYSFS_VIRTIOFS	      "/sys/fs/virtiofs"
#define SYSFS_VIRTIO_CCW_DRV  "/sys/bus/ccw/drivers/virtio_ccw"
#define PROC_CIO_IGNORE	      "/proc/cio_ignore"
#define VIRTIOFS_DRIVER	      "virtiofs"
#define VIRTIOFS_FSTYPE	      "virtiofs"

struct vfc_device {
	int refcount;
	struct vfc_ctx *ctx;
	struct vfc_busid id;
	char *syspath;
	char *driver;
	char *virtio;
	bool online;
	char *tag;
	char *export; /* /sys/fs/virtiofs/N that holds the tag, when found */
	enum vfc_tag_state tag_state;
	char **mountpoints;
};

static void udev_device_unrefp(struct udev_device **d)
{
	udev_device_unref(*d);
}
#define _cleanup_udev_device_ _cleanup_(udev_device_unrefp)

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

void vfc_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
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

	vfc_strv_free(dev->mountpoints);
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

bool vfc_have_tag_export(struct vfc_ctx *ctx)
{
	(void)ctx;
	return access(SYSFS_VIRTIOFS, F_OK) == 0;
}

/*
 * Read a virtio-fs tag file: the raw tag and one newline (mainline), or the
 * tag alone (the first 6.9 release candidates and some distribution
 * backports). Anything else (empty, over 36 bytes, an inner NUL or newline)
 * is not a tag we can use.
 */
static int read_tag_file(int dirfd, char **ret)
{
	_cleanup_close_ int fd = -1;
	char buf[VFC_TAG_MAX + 2];
	ssize_t n;
	char *tag;

	fd = openat(dirfd, "tag", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n < 1 || n > VFC_TAG_MAX || memchr(buf, '\n', (size_t)n) || memchr(buf, '\0', (size_t)n))
		return -EBADMSG;

	tag = strndup(buf, (size_t)n);
	if (!tag)
		return -ENOMEM;
	*ret = tag;
	return 0;
}

/*
 * The "device" link of /sys/fs/virtiofs/N ends in ".../<ccw bus-ID>/virtioM".
 * Take those two components; they identify the device without resolving paths.
 */
static int read_device_link(int dirfd, char *ret_busid, size_t busid_len, char *ret_virtio,
			    size_t virtio_len)
{
	char link[512];
	char *last, *parent;
	ssize_t n;

	n = readlinkat(dirfd, "device", link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';

	last = strrchr(link, '/');
	if (!last || last == link)
		return -EBADMSG;
	*last++ = '\0';
	parent = strrchr(link, '/');
	parent = parent ? parent + 1 : link;

	if (strncmp(last, "virtio", 6) != 0 || strlen(last) >= virtio_len ||
	    strlen(parent) >= busid_len)
		return -EBADMSG;
	strcpy(ret_virtio, last);
	strcpy(ret_busid, parent);
	return 0;
}

/* Open /sys/fs/virtiofs/<name> as a directory; @name is a kernel index, never a tag. */
static int open_virtiofs_entry(const char *name)
{
	char path[sizeof(SYSFS_VIRTIOFS) + 256];
	int fd;

	if (!*name || strchr(name, '/') || (size_t)snprintf(path, sizeof(path), "%s/%s",
							    SYSFS_VIRTIOFS, name) >= sizeof(path))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Does /sys/fs/virtiofs/<entry> belong to @busid's virtio child @virtio? Then read its tag. */
static int tag_from_entry(const char *entry, const char *busid, const char *virtio, char **ret)
{
	_cleanup_close_ int fd = -1;
	char lbusid[VFC_BUSID_STRLEN], lvirtio[32];
	int r;

	fd = open_virtiofs_entry(entry);
	if (fd < 0)
		return fd;
	r = read_device_link(fd, lbusid, sizeof(lbusid), lvirtio, sizeof(lvirtio));
	if (r < 0)
		return r;
	if (strcmp(lbusid, busid) != 0 || strcmp(lvirtio, virtio) != 0)
		return -ENOENT;
	return read_tag_file(fd, ret);
}

static void device_read_tag(struct vfc_device *dev)
{
	_cleanup_closedir_ DIR *d = NULL;
	char busid[VFC_BUSID_STRLEN];
	struct dirent *de;
	int r;

	vfc_busid_format(&dev->id, busid);

	/* The export is named by the virtio index; try that first, then look at all. */
	r = tag_from_entry(dev->virtio + strlen("virtio"), busid, dev->virtio, &dev->tag);
	if (r != -ENOENT && asprintf(&dev->export, "%s/%s", SYSFS_VIRTIOFS,
				     dev->virtio + strlen("virtio")) < 0)
		dev->export = NULL;
	if (r == -ENOENT) {
		d = opendir(SYSFS_VIRTIOFS);
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			r = tag_from_entry(de->d_name, busid, dev->virtio, &dev->tag);
			if (r != -ENOENT) {
				if (asprintf(&dev->export, "%s/%s", SYSFS_VIRTIOFS, de->d_name) < 0)
					dev->export = NULL;
				break;
			}
		}
	}

	if (r == 0)
		dev->tag_state = VFC_TAG_KNOWN;
	else if (r == -EBADMSG)
		dev->tag_state = VFC_TAG_INVALID;
	else
		/*
		 * This kernel exports tags (the caller checked), only not this
		 * device's yet: virtiofs adds the entry late in its probe.
		 */
		dev->tag_state = VFC_TAG_NOT_YET;
	if (r < 0)
		vfc_debug(dev->ctx, "%s: no tag from %s: %s", busid, SYSFS_VIRTIOFS, strerror(-r));
}

/* The virtio child is the one "virtioN" directory below the CCW device. */
static int find_virtio_child(const char *syspath, char **ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	d = opendir(syspath);
	if (!d)
		return -errno;
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

static bool is_virtio_fs(struct udev_device *ccw)
{
	const char *cutype = udev_device_get_sysattr_value(ccw, "cutype");

	return cutype && strcmp(cutype, VFC_CUTYPE_VIRTIO_FS) == 0;
}

static int device_new_from_udev(struct vfc_ctx *ctx, struct udev_device *ccw,
				struct vfc_device **ret)
{
	_cleanup_device_ struct vfc_device *dev = NULL;
	const char *s;
	int r;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->refcount = 1;
	dev->ctx = vfc_ctx_ref(ctx);

	r = vfc_busid_parse(udev_device_get_sysname(ccw), &dev->id, NULL, NULL);
	if (r < 0)
		return r;
	dev->syspath = strdup(udev_device_get_syspath(ccw));
	if (!dev->syspath)
		return -ENOMEM;

	s = udev_device_get_sysattr_value(ccw, "online");
	dev->online = s && strcmp(s, "1") == 0;

	s = udev_device_get_driver(ccw);
	if (s) {
		dev->driver = strdup(s);
		if (!dev->driver)
			return -ENOMEM;
	}

	r = find_virtio_child(dev->syspath, &dev->virtio);
	if (r == -ENOMEM)
		return r;

	if (!dev->driver) {
		dev->tag_state = VFC_TAG_NO_CCW_DRIVER;
	} else if (!dev->online) {
		dev->tag_state = VFC_TAG_OFFLINE;
	} else if (!dev->virtio) {
		dev->tag_state = VFC_TAG_NO_DRIVER;
	} else {
		_cleanup_udev_device_ struct udev_device *vdev = NULL;
		_cleanup_free_ char *vpath = NULL;
		const char *vdrv = NULL;

		if (asprintf(&vpath, "%s/%s", dev->syspath, dev->virtio) < 0)
			return -ENOMEM;
		vdev = udev_device_new_from_syspath(vfc_ctx_get_udev(ctx), vpath);
		if (vdev)
			vdrv = udev_device_get_driver(vdev);
		if (!vdrv || strcmp(vdrv, VIRTIOFS_DRIVER) != 0)
			dev->tag_state = VFC_TAG_NO_DRIVER;
		else if (!vfc_have_tag_export(ctx))
			dev->tag_state = VFC_TAG_NOT_EXPORTED;
		else
			device_read_tag(dev);
	}

	/* What the kernel cannot tell, the administrator may have written down. */
	if (dev->tag_state == VFC_TAG_NOT_EXPORTED) {
		const char *t = vfc_config_get_tag(vfc_ctx_get_config(ctx), &dev->id);

		if (t) {
			dev->tag = strdup(t);
			if (!dev->tag)
				return -ENOMEM;
			dev->tag_state = VFC_TAG_CONFIGURED;
		}
	}

	*ret = TAKE_PTR(dev);
	return 0;
}

int vfc_device_new_from_busid(struct vfc_ctx *ctx, const struct vfc_busid *id,
			      struct vfc_device **ret)
{
	_cleanup_udev_device_ struct udev_device *ccw = NULL;
	char busid[VFC_BUSID_STRLEN];

	/* One sysfs lookup: /sys/bus/ccw/devices/<bus-ID>, whatever the size of the bus. */
	ccw = udev_device_new_from_subsystem_sysname(vfc_ctx_get_udev(ctx), "ccw",
						     vfc_busid_format(id, busid));
	if (!ccw)
		return -ENODEV;
	if (!is_virtio_fs(ccw))
		return -EMEDIUMTYPE;
	return device_new_from_udev(ctx, ccw, ret);
}

int vfc_device_new_from_tag(struct vfc_ctx *ctx, const char *tag, struct vfc_device **ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (!tag || !*tag || strlen(tag) > VFC_TAG_MAX)
		return -ENOENT;

	/* Cost: one directory entry per virtio-fs device, nothing per CCW device. */
	d = opendir(SYSFS_VIRTIOFS);
	if (!d) {
		const struct vfc_busid *id = vfc_config_find_tag(vfc_ctx_get_config(ctx), tag);
		struct vfc_device *dev;
		int r;

		if (!id)
			return -ENOENT;
		/* A configured tag counts only where the kernel does not tell. */
		r = vfc_device_new_from_busid(ctx, id, &dev);
		if (r < 0)
			return r == -ENOMEM ? r : -ENOENT;
		if (vfc_device_get_tag_state(dev) != VFC_TAG_CONFIGURED) {
			vfc_device_unref(dev);
			return -ENOENT;
		}
		*ret = dev;
		return 0;
	}
	while ((de = readdir(d))) {
		_cleanup_close_ int fd = -1;
		_cleanup_free_ char *t = NULL;
		char busid[VFC_BUSID_STRLEN], virtio[32];
		struct vfc_busid id;

		if (de->d_name[0] == '.')
			continue;
		fd = open_virtiofs_entry(de->d_name);
		if (fd < 0 || read_tag_file(fd, &t) < 0 || strcmp(t, tag) != 0)
			continue;
		if (read_device_link(fd, busid, sizeof(busid), virtio, sizeof(virtio)) < 0 ||
		    vfc_busid_parse(busid, &id, NULL, NULL) < 0)
			continue;
		return vfc_device_new_from_busid(ctx, &id, ret);
	}
	return -ENOENT;
}

int vfc_device_new_from_kernel_name(struct vfc_ctx *ctx, const char *name,
				    struct vfc_device **ret)
{
	_cleanup_close_ int fd = -1;
	char busid[VFC_BUSID_STRLEN], virtio[32], path[64];
	struct vfc_busid id;
	ssize_t n;

	if (!name || !*name)
		return -EINVAL;
	/* A full bus-ID has dots; an index has only digits; a virtio device its prefix. */
	if (strchr(name, '.')) {
		if (vfc_busid_parse(name, &id, NULL, NULL) < 0)
			return -EINVAL;
		return vfc_device_new_from_busid(ctx, &id, ret);
	}
	if (strspn(name, "0123456789") == strlen(name) && strlen(name) < 12) {
		fd = open_virtiofs_entry(name);
		if (fd < 0)
			return -ENODEV;
		if (read_device_link(fd, busid, sizeof(busid), virtio, sizeof(virtio)) < 0 ||
		    vfc_busid_parse(busid, &id, NULL, NULL) < 0)
			return -ENODEV;
		return vfc_device_new_from_busid(ctx, &id, ret);
	}
	if (strncmp(name, "virtio", 6) == 0 && name[6] &&
	    strspn(name + 6, "0123456789") == strlen(name + 6) && strlen(name) < 20) {
		char link[512], *last, *parent;

		/* /sys/bus/virtio/devices/virtioN -> .../<bus-ID>/virtioN */
		snprintf(path, sizeof(path), "/sys/bus/virtio/devices/%s", name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			return -ENODEV;
		link[n] = '\0';
		last = strrchr(link, '/');
		if (!last)
			return -ENODEV;
		*last = '\0';
		parent = strrchr(link, '/');
		if (vfc_busid_parse(parent ? parent + 1 : link, &id, NULL, NULL) < 0)
			return -ENODEV;
		return vfc_device_new_from_busid(ctx, &id, ret);
	}
	return -EINVAL;
}

int vfc_cio_ignore_contains(struct vfc_ctx *ctx, const struct vfc_busid *id)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t len = 0;
	ssize_t n;

	(void)ctx;
	f = fopen(PROC_CIO_IGNORE, "re");
	if (!f)
		return -errno;
	/* One range or ID per line, e.g. "0.0.0000-0.0.1a11". */
	while ((n = getline(&line, &len, f)) > 0) {
		struct vfc_busid first, last;

		line[strcspn(line, "\n")] = '\0';
		if (vfc_busid_parse_range(line, &first, &last, NULL) < 0)
			continue;
		if (vfc_busid_cmp(id, &first) >= 0 && vfc_busid_cmp(id, &last) <= 0)
			return 1;
	}
	return 0;
}

static int cmp_devices(const void *a, const void *b)
{
	const struct vfc_device *da = *(const struct vfc_device *const *)a;
	const struct vfc_device *db = *(const struct vfc_device *const *)b;

	return vfc_busid_cmp(&da->id, &db->id);
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

static int add_ccw_device(struct vfc_ctx *ctx, struct udev_device *ccw,
			  struct vfc_device ***devs, size_t *n, size_t *alloc)
{
	struct vfc_device *dev;
	int r;

	if (!is_virtio_fs(ccw))
		return 0;
	r = device_new_from_udev(ctx, ccw, &dev);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	r = devices_append(devs, n, alloc, dev);
	if (r < 0)
		vfc_device_unref(dev);
	return r;
}

/*
 * Fallback when virtio_ccw is not bound (module not loaded): ask libudev for
 * the whole CCW bus. This reads every CCW device's cutype, so it costs in
 * proportion to the bus (up to 4 x 65536 devices), not to the virtio devices.
 */
static int enumerate_whole_bus(struct vfc_ctx *ctx, struct vfc_device ***devs, size_t *n,
			       size_t *alloc)
{
	struct udev *udev = vfc_ctx_get_udev(ctx);
	struct udev_enumerate *e;
	struct udev_list_entry *le;
	int r;

	e = udev_enumerate_new(udev);
	if (!e)
		return -ENOMEM;
	r = udev_enumerate_add_match_subsystem(e, "ccw");
	if (r >= 0)
		r = udev_enumerate_add_match_sysattr(e, "cutype", VFC_CUTYPE_VIRTIO_FS);
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	udev_list_entry_foreach(le, r >= 0 ? udev_enumerate_get_list_entry(e) : NULL)
	{
		_cleanup_udev_device_ struct udev_device *ccw =
			udev_device_new_from_syspath(udev, udev_list_entry_get_name(le));

		if (!ccw)
			continue;
		r = add_ccw_device(ctx, ccw, devs, n, alloc);
		if (r < 0)
			break;
	}
	udev_enumerate_unref(e);
	return r < 0 ? r : 0;
}

int vfc_device_enumerate(struct vfc_ctx *ctx, struct vfc_device ***ret_devs, size_t *ret_n)
{
	struct udev *udev = vfc_ctx_get_udev(ctx);
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
		_cleanup_udev_device_ struct udev_device *ccw = NULL;

		if (!vfc_busid_is_valid(de->d_name) || de->d_name[0] != '0')
			continue;
		ccw = udev_device_new_from_subsystem_sysname(udev, "ccw", de->d_name);
		if (!ccw)
			continue;
		r = add_ccw_device(ctx, ccw, &devs, &n, &alloc);
		if (r < 0)
			break;
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

enum vfc_tag_state vfc_device_get_tag_state(struct vfc_device *dev)
{
	return dev->tag_state;
}

int vfc_tag_mountpoints(struct vfc_ctx *ctx, const char *tag, bool newest_first, char ***ret)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	char **v;
	size_t n = 0;
	int r = 0;

	tb = vfc_ctx_get_mountinfo(ctx);
	if (!tb)
		return -errno;
	it = mnt_new_iter(newest_first ? MNT_ITER_BACKWARD : MNT_ITER_FORWARD);
	v = calloc(1, sizeof(*v));
	if (!it || !v) {
		r = -ENOMEM;
		goto out;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *src = mnt_fs_get_source(fs), *target = mnt_fs_get_target(fs);
		char **nv;

		if (!mnt_fs_match_fstype(fs, VIRTIOFS_FSTYPE) || !src || !target ||
		    strcmp(src, tag) != 0)
			continue;
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv) {
			r = -ENOMEM;
			goto out;
		}
		v = nv;
		v[n + 1] = NULL;
		v[n] = strdup(target);
		if (!v[n]) {
			r = -ENOMEM;
			goto out;
		}
		n++;
	}
out:
	mnt_free_iter(it);
	if (r < 0) {
		vfc_strv_free(v);
		return r;
	}
	*ret = v;
	return (int)n;
}

bool vfc_tag_is_mounted_on(struct vfc_ctx *ctx, const char *tag, const char *target)
{
	struct libmnt_table *tb = vfc_ctx_get_mountinfo(ctx);
	struct libmnt_fs *fs = tb ? mnt_table_find_target(tb, target, MNT_ITER_BACKWARD) : NULL;

	return fs && mnt_fs_match_fstype(fs, VIRTIOFS_FSTYPE) && mnt_fs_get_source(fs) &&
	       strcmp(mnt_fs_get_source(fs), tag) == 0;
}

const char *const *vfc_device_get_mountpoints(struct vfc_device *dev)
{
	static const char *const none[] = { NULL };

	if (!dev->mountpoints && dev->tag)
		vfc_tag_mountpoints(dev->ctx, dev->tag, false, &dev->mountpoints);
	return dev->mountpoints ? (const char *const *)dev->mountpoints : none;
}
