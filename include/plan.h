/* SPDX-License-Identifier: MIT */
/*
 * Planning what to mount where: the virtiofs lines of fstab (through
 * libmount, so LIBMOUNT_FSTAB and fstab escaping work as in mount(8)) and
 * mountpoints derived from tags that no tag can steer out of their base.
 */
#ifndef VFC_PLAN_H
#define VFC_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "busid.h"
#include "ctx.h"

struct vfc_device;

struct vfc_fstab_entry {
	char *spec;    /* fstab's source: a tag or a bus-ID */
	char *target;
	char *options; /* NULL if none */
	bool noauto;
	bool nofail;
};

/* The virtiofs lines of fstab, in file order. A missing fstab is an empty one. */
int vfc_plan_fstab(struct vfc_ctx *ctx, struct vfc_fstab_entry **ret, size_t *ret_n);
void vfc_fstab_entries_free(struct vfc_fstab_entry *e, size_t n);

/*
 * The fstab line that names @spec: the same source text, the same device by
 * another bus-ID form, or the tag @spec resolves to. NULL if none.
 */
const struct vfc_fstab_entry *vfc_plan_fstab_find(struct vfc_ctx *ctx,
						  const struct vfc_fstab_entry *e, size_t n,
						  const char *spec);

/* The fstab line with exactly this source text and mountpoint (as mount(8) ran it), or NULL. */
const struct vfc_fstab_entry *vfc_plan_fstab_find_line(const struct vfc_fstab_entry *e, size_t n,
						       const char *spec, const char *target);

/*
 * May a user who is not root mount @spec on @target, as mount(8) allows it?
 * Only if an fstab line has exactly this source text and this mountpoint
 * (the same directory) and the option user or users. Then 0, *ret_target
 * the line's mountpoint (not the caller's spelling of it) and *ret_options
 * the line's options as mount(8) makes them for a user mount: user (as
 * user=@username) and users imply nosuid, nodev and noexec, which later
 * options may undo ("user,exec"). -EPERM if no line allows it.
 */
int vfc_plan_user_mount(struct vfc_ctx *ctx, const char *spec, const char *target,
			const char *username, char **ret_target, char **ret_options);

/*
 * A tag as one path component: [A-Za-z0-9_+,:@=%~.-] stay, but a leading
 * '.' or '-' and every other byte become \xHH ("../x" -> "\x2e.\x2fx").
 * Never empty, never ".", "..", never contains '/'. Newly allocated.
 */
char *vfc_plan_dirname(const char *tag);

/* @base + "/" + vfc_plan_dirname(@tag). Newly allocated; NULL on ENOMEM. */
char *vfc_plan_target(const char *base, const char *tag);

/*
 * systemd device units of the shares: the rule (udev/) gives the virtio
 * device of each virtio-fs CCW device these aliases, so that the fstab mount
 * units can bind to a share by bus-ID or by tag (virtiofs-ccw-generator).
 */
#define VFC_ALIAS_BUSID_DIR "/sys/subsystem/virtiofs/by-busid"
#define VFC_ALIAS_TAG_DIR   "/sys/subsystem/virtiofs/by-tag"

/*
 * The drop-in virtiofs-ccw-generator writes for a mount unit, in systemd's
 * generator directory: where it exists, the fstab line is systemd's to
 * mount and unmount, and hotplug leaves it alone.
 */
#define VFC_GENERATOR_DIR    "/run/systemd/generator"
#define VFC_GENERATOR_DROPIN "50-virtiofs-ccw.conf"

/* VFC_ALIAS_BUSID_DIR/0.n.dddd; newly allocated, NULL on ENOMEM. */
char *vfc_plan_alias_busid(const struct vfc_busid *id);
/* VFC_ALIAS_TAG_DIR/<vfc_plan_dirname(tag)>: one component, whatever the tag. */
char *vfc_plan_alias_tag(const char *tag);
/*
 * The alias an fstab source stands for, told without the device: a bus-ID
 * (any form, dddd too) by bus-ID; a tag by tag where the kernel exports tags
 * or the policy file names it, else none (*ret NULL: nothing can bind it).
 */
int vfc_plan_line_alias(struct vfc_ctx *ctx, const char *spec, char **ret);
/* Does the fstab line @fe name @dev (by any bus-ID form, or by its tag)? */
bool vfc_plan_line_names(const struct vfc_fstab_entry *fe, struct vfc_device *dev);

/*
 * The mount units (systemd-escaped, ".mount") of the fstab lines that name
 * @dev and are not noauto, space-separated, "" if none.
 */
int vfc_plan_device_wants(struct vfc_device *dev, const struct vfc_fstab_entry *e, size_t n,
			  char **ret);

/* The user option that marks a mount as the auto-mounter's, with the device's bus-ID. */
#define VFC_OPT_AUTO "x-virtiofs-ccw.auto"

enum vfc_action_kind {
	VFC_ACTION_MOUNT,
	VFC_ACTION_DETACH, /* lazy unmount: the device is gone */
};

struct vfc_action {
	enum vfc_action_kind kind;
	struct vfc_busid id;
	char *tag;
	char *target;
	char *options;	/* for a mount: with VFC_OPT_AUTO=<bus-ID> added */
	bool in_base;	/* the target is a directory of ours below mount-base */
};

void vfc_actions_free(struct vfc_action *a, size_t n);

/*
 * What hotplug should mount for @devs (all present devices if @n is 0),
 * following the context's policy (automount = fstab | all | none) and fstab.
 * Devices already mounted where the plan puts them need nothing. Devices
 * that cannot be planned (no tag known, say) are skipped with a note through
 * the context's log.
 */
int vfc_plan_add(struct vfc_ctx *ctx, struct vfc_device **devs, size_t n, struct vfc_action **ret,
		 size_t *ret_n);

/*
 * What to detach: every virtiofs mount that carries VFC_OPT_AUTO (in utab)
 * whose device is gone or no longer has the mounted tag. Other mounts of the
 * same tag are left alone.
 */
int vfc_plan_remove(struct vfc_ctx *ctx, struct vfc_action **ret, size_t *ret_n);

#endif
