/* SPDX-License-Identifier: MIT */
/*
 * The virtiofs lines of fstab, read through libmount (so LIBMOUNT_FSTAB and
 * fstab's escaping work as in mount(8)), and which of them name a device or
 * allow a user mount.
 */
#ifndef VFC_FSTAB_H
#define VFC_FSTAB_H

#include <stdbool.h>
#include <stddef.h>

#include "busid.h"
#include "ctx.h"

struct vfc_device;

struct vfc_fstab_entry {
	char *spec; /* fstab's source: a tag or a bus-ID */
	char *target;
	char *options; /* NULL if none */
	bool noauto;
	bool nofail;
};

/* The virtiofs lines of fstab, in file order. A missing fstab is an empty one. */
int vfc_fstab_read(struct vfc_ctx *ctx, struct vfc_fstab_entry **ret, size_t *ret_n);
/* The same of the fstab at @path (NULL: fstab, as above), such as /sysroot/etc/fstab. */
int vfc_fstab_read_file(struct vfc_ctx *ctx, const char *path, struct vfc_fstab_entry **ret,
			size_t *ret_n);
void vfc_fstab_entries_free(struct vfc_fstab_entry *e, size_t n);

/*
 * Does the fstab source @spec name device @id (with tag @tag, or NULL), as
 * spec.h reads a SPEC? A bus-ID (any form, dddd too) names its device only,
 * a tag the device with that tag.
 */
bool vfc_fstab_source_names(const char *spec, const struct vfc_busid *id, const char *tag);
/*
 * Every virtio-fs device an administrator should see: those a CCW driver
 * claims (vfc_device_enumerate()) and those fstab names by bus-ID, whatever
 * their state. Sorted by bus-ID; free with vfc_device_array_free().
 */
int vfc_fstab_enumerate_devices(struct vfc_ctx *ctx, struct vfc_device ***ret_devs,
				size_t *ret_n);
/* Does the fstab line @fe name @dev (by any bus-ID form, or by its tag)? */
bool vfc_fstab_line_names(const struct vfc_fstab_entry *fe, struct vfc_device *dev);
/* The first line that names device @id with tag @tag (or NULL); NULL if none. */
const struct vfc_fstab_entry *vfc_fstab_find_device(const struct vfc_fstab_entry *e, size_t n,
						    const struct vfc_busid *id, const char *tag);
/*
 * The fstab line that names @spec: the same source text, the same device by
 * another bus-ID form, or the tag @spec resolves to. NULL if none.
 */
const struct vfc_fstab_entry *vfc_fstab_find(struct vfc_ctx *ctx, const struct vfc_fstab_entry *e,
					     size_t n, const char *spec);
/* The line with exactly this source text and mountpoint (as mount(8) ran it), or NULL. */
const struct vfc_fstab_entry *vfc_fstab_find_line(const struct vfc_fstab_entry *e, size_t n,
						  const char *spec, const char *target);

/*
 * The wait (VFC_OPT_WAIT) on the line with exactly this source text and
 * mountpoint, as vfc_fstab_find_line() finds it: mount(8) keeps x-* options
 * from its helpers, so mount.virtiofs asks fstab itself. 1 and *ret_ms when
 * the line names one; 0 when there is no such line, it names none, or fstab
 * cannot be read; -EINVAL when its value is bad, and then *ret_message (if
 * it could be made) says so, naming the mountpoint.
 */
int vfc_fstab_get_wait(struct vfc_ctx *ctx, const char *spec, const char *target, int *ret_ms,
		       char **ret_message);

/*
 * Does mount.virtiofs take @source, its first argument as mount(8) runs it,
 * for one of its own options (-h, --help, -V, --version) rather than a SPEC?
 */
bool vfc_fstab_source_is_helper_option(const char *source);

/*
 * One fstab line (no newline) that mounts share @tag of device @id on
 * @base/tag (vfc_escape_subdir()) with @options, each field escaped as
 * fstab reads it. The share is named by its tag, or by its bus-ID where
 * @by_busid or where the tag would read as something else in fstab (a
 * bus-ID, a LABEL=/UUID=... block-device lookup, a path, an option of
 * mount.virtiofs, anything libmount does not read back as the tag); then
 * *ret_comment is a comment line naming the tag and saying why, else NULL.
 * Every line is read back through libmount before it is returned.
 * -EINVAL if even the bus-ID's line does not read back (@base, @options).
 */
int vfc_fstab_format_line(const struct vfc_busid *id, const char *tag, bool by_busid,
			  const char *base, const char *options, char **ret_line,
			  char **ret_comment);

#endif
