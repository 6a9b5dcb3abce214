/* SPDX-License-Identifier: MIT */
/*
 * The policy file, /etc/virtiofs-ccw.conf: "key = value" lines, '#' comments.
 *
 *   automount = fstab | all | none   what hotplug mounts (default fstab)
 *   mount-base = /run/virtiofs       where automount=all mounts the rest
 *   options = nosuid,nodev           mount options for those mounts
 *   mount-name = tag | busid         the directory below mount-base (default tag)
 *   wait = 10                        seconds to wait for a device
 *   cio-free = yes | no              free what fstab and root= name from cio_ignore
 *   tag 0.0.1a12 = share0            a device's tag, for kernels that export none
 *
 * Parsed strictly: an unknown key, a bad value or a repeated key is an error
 * that names the file and line, and nothing is taken from such a file.
 */
#ifndef VFC_CONFIG_H
#define VFC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "busid.h"

#define VFC_CONFIG_PATH "/etc/virtiofs-ccw.conf"
/* Overrides VFC_CONFIG_PATH, as LIBMOUNT_FSTAB does for fstab. */
#define VFC_CONFIG_ENV "VIRTIOFS_CCW_CONFIG"

enum vfc_automount {
	VFC_AUTOMOUNT_FSTAB,
	VFC_AUTOMOUNT_ALL,
	VFC_AUTOMOUNT_NONE,
};

/* What names a share's directory below mount-base. */
enum vfc_mount_name {
	VFC_MOUNT_NAME_TAG,   /* the tag, escaped into one component (default) */
	VFC_MOUNT_NAME_BUSID, /* the guest bus-ID: stable, and plain for shells */
};

struct vfc_config;

/*
 * The policy's wait where the file names none: at boot virtio_ccw sets
 * devices online asynchronously, and a share's device may come late.
 */
#define VFC_WAIT_DEFAULT_S 10
/* The longest wait anything takes: a day is no boot-time wait any more. */
#define VFC_WAIT_MAX_S 86400

/*
 * A wait in seconds as the policy file writes it, and so do the mount option
 * and --wait: the @len bytes at @s, plain decimal 0-VFC_WAIT_MAX_S (no sign,
 * no blanks). 0 and *ret_s set, or -EINVAL.
 */
int vfc_config_parse_wait(const char *s, size_t len, int *ret_s);

/*
 * Load @path (NULL: $VIRTIOFS_CCW_CONFIG or VFC_CONFIG_PATH). A missing
 * default file gives the defaults; a missing named file is an error.
 * On -EINVAL (a bad line) or another error, *ret_msg says where and why.
 */
int vfc_config_load(const char *path, struct vfc_config **ret, char **ret_msg);
/* Parse from a string (for tests and fuzzing); @name is used in messages. */
int vfc_config_parse(const char *name, const char *text, struct vfc_config **ret, char **ret_msg);

struct vfc_config *vfc_config_ref(struct vfc_config *cfg);
struct vfc_config *vfc_config_unref(struct vfc_config *cfg);

/* The file the policy came from (its name as given to vfc_config_parse()). */
const char *vfc_config_get_path(const struct vfc_config *cfg);
enum vfc_automount vfc_config_get_automount(const struct vfc_config *cfg);
/* The policy file's word for @a: "fstab", "all", "none". */
const char *vfc_automount_to_string(enum vfc_automount a);
const char *vfc_config_get_mount_base(const struct vfc_config *cfg);
const char *vfc_config_get_options(const struct vfc_config *cfg);
enum vfc_mount_name vfc_config_get_mount_name(const struct vfc_config *cfg);
int vfc_config_get_wait(const struct vfc_config *cfg);
bool vfc_config_get_cio_free(const struct vfc_config *cfg);
/* The configured tag of @id, or NULL. */
const char *vfc_config_get_tag(const struct vfc_config *cfg, const struct vfc_busid *id);
/* The bus-ID configured for @tag, or NULL. */
const struct vfc_busid *vfc_config_find_tag(const struct vfc_config *cfg, const char *tag);

#endif
