// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "macro.h"
#include "virtiofs.h"

bool vfc_export_exists(struct vfc_ctx *ctx)
{
	(void)ctx;
	return access(VFC_EXPORT_DIR, F_OK) == 0;
}

/*
 * Read a tag file: the raw tag and one newline (mainline), or the tag alone
 * (the first 6.9 release candidates and some distribution backports).
 */
static int read_tag_file(int dirfd, const char *path, char **ret)
{
	_cleanup_close_ int fd = -1;
	char buf[VFC_TAG_MAX + 2];
	ssize_t n;
	char *tag;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n < 1 || n > VFC_TAG_MAX || memchr(buf, '\n', (size_t)n) ||
	    memchr(buf, '\0', (size_t)n))
		return -EBADMSG;

	tag = strndup(buf, (size_t)n);
	if (!tag)
		return -ENOMEM;
	*ret = tag;
	return 0;
}

/*
 * The "device" link ends in ".../<ccw bus-ID>/virtioM". Take those two
 * components; they identify the device without resolving paths.
 */
static int read_device_link(int dirfd, const char *path, char *ret_busid, size_t busid_len,
			    char *ret_virtio, size_t virtio_len)
{
	char link[512];
	char *last, *parent;
	ssize_t n;

	n = readlinkat(dirfd, path, link, sizeof(link) - 1);
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

/* Open VFC_EXPORT_DIR/<name> as a directory; @name is a kernel index, never a tag. */
static int open_entry(const char *name)
{
	char path[sizeof(VFC_EXPORT_DIR) + 256];
	int fd;

	if (!*name || strchr(name, '/') ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", VFC_EXPORT_DIR, name) >= sizeof(path))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* @path: the entry's "device" link, relative to @fd */
static int entry_busid(int fd, const char *path, struct vfc_busid *ret_id)
{
	char busid[VFC_BUSID_STRLEN], virtio[32];
	struct vfc_busid id;
	int r;

	r = read_device_link(fd, path, busid, sizeof(busid), virtio, sizeof(virtio));
	if (r < 0)
		return r;
	r = vfc_busid_parse(busid, &id, NULL, NULL);
	if (r < 0)
		return r;
	*ret_id = id;
	return 0;
}

/* Does entry @name belong to @busid's virtio child @virtio? Then read its tag. */
static int tag_from_entry(const char *name, const char *busid, const char *virtio, char **ret)
{
	_cleanup_close_ int fd = -1;
	char lbusid[VFC_BUSID_STRLEN], lvirtio[32];
	int r;

	fd = open_entry(name);
	if (fd < 0)
		return fd;
	/* A link of another shape (a virtio-fs PCI device, say) is not ours either. */
	r = read_device_link(fd, "device", lbusid, sizeof(lbusid), lvirtio, sizeof(lvirtio));
	if (r == -ENOMEM)
		return r;
	if (r < 0 || strcmp(lbusid, busid) != 0 || strcmp(lvirtio, virtio) != 0)
		return -ENOENT;
	return read_tag_file(fd, "tag", ret);
}

int vfc_export_find_device(struct vfc_ctx *ctx, const char *busid, const char *virtio,
			   char **ret_tag, char **ret_entry)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_free_ char *tag = NULL;
	const char *name;
	struct dirent *de;
	char *entry;
	int r;

	(void)ctx;
	if (strncmp(virtio, "virtio", 6) != 0)
		return -EINVAL;
	/* The entry is named by the virtio index: try that first, then look at all. */
	name = virtio + strlen("virtio");
	r = tag_from_entry(name, busid, virtio, &tag);
	if (r == -ENOENT) {
		d = opendir(VFC_EXPORT_DIR);
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			r = tag_from_entry(de->d_name, busid, virtio, &tag);
			if (r != -ENOENT) {
				name = de->d_name;
				break;
			}
		}
	}
	if (r < 0)
		return r == -EBADMSG ? r : r == -ENOMEM ? r : -ENOENT;
	if (asprintf(&entry, "%s/%s", VFC_EXPORT_DIR, name) < 0)
		return -ENOMEM;
	*ret_tag = TAKE_PTR(tag);
	*ret_entry = entry;
	return 0;
}

int vfc_export_find_tag(struct vfc_ctx *ctx, const char *tag, struct vfc_busid *ret_id)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	(void)ctx;
	d = opendir(VFC_EXPORT_DIR);
	/*
	 * Each entry's tag read by its path below the export, its directory
	 * opened for nothing: a lookup by tag reads every entry up to its own.
	 */
	while (d && (de = readdir(d))) {
		_cleanup_free_ char *t = NULL;
		char path[256 + sizeof("/device")];

		if (de->d_name[0] == '.' || strchr(de->d_name, '/') ||
		    (size_t)snprintf(path, sizeof(path), "%s/tag", de->d_name) >= sizeof(path))
			continue;
		if (read_tag_file(dirfd(d), path, &t) < 0 || strcmp(t, tag) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/device", de->d_name);
		if (entry_busid(dirfd(d), path, ret_id) == 0)
			return 0;
	}
	return -ENOENT;
}

int vfc_export_get_busid(struct vfc_ctx *ctx, const char *index, struct vfc_busid *ret_id)
{
	_cleanup_close_ int fd = -1;

	(void)ctx;
	if (strspn(index, "0123456789") != strlen(index))
		return -EINVAL;
	fd = open_entry(index);
	if (fd < 0)
		return -ENODEV;
	return entry_busid(fd, "device", ret_id) < 0 ? -ENODEV : 0;
}
