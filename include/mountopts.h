/* SPDX-License-Identifier: MIT */
/*
 * Mount options and sources as libmount reads them: what is ours
 * (x-virtiofs-ccw.*), what is an operation on a mount already there, what
 * belongs to virtiofsd on the host rather than to the guest's virtiofs.
 */
#ifndef VFC_MOUNTOPTS_H
#define VFC_MOUNTOPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "busid.h"

/* The mount option that bounds the wait for a device at boot, in seconds. */
#define VFC_OPT_WAIT "x-virtiofs-ccw.wait"
/*
 * The user option that marks a mount as the auto-mounter's (libmount keeps
 * it in utab): "x-virtiofs-ccw.auto=0.0.1a12@4711", the bus-ID and the
 * instance (device.h) of the device mounted. A mark without "@..." (from
 * version 0.1) names the bus-ID only.
 */
#define VFC_OPT_AUTO "x-virtiofs-ccw.auto"

/* Add VFC_OPT_AUTO for @id and @instance to the option string *@options. */
int vfc_mountopts_set_auto(char **options, const struct vfc_busid *id, unsigned long long instance);
/*
 * VFC_OPT_AUTO in the user options @uopts: 0 and the bus-ID and instance (0
 * if the mark has none), -ENOENT without the mark, -EINVAL for a bad one.
 */
int vfc_mountopts_get_auto(const char *uopts, struct vfc_busid *ret_id,
			   unsigned long long *ret_instance);

/*
 * VFC_OPT_WAIT in @options: 1 and *ret_ms set when it is there, 0 when it is
 * not, -EINVAL when its value is not 0-VFC_WAIT_MAX_S seconds (then, if
 * @ret_msg is not NULL, a newly allocated line saying so).
 */
int vfc_mountopts_get_wait(const char *options, int *ret_ms, char **ret_msg);

/*
 * Remount, bind, move and propagation changes act on what is mounted at the
 * target: their source names no share to resolve.
 */
bool vfc_mountopts_is_operation(const char *options);

/*
 * The first option of virtiofsd (cache=, sandbox=, xattr, ...) in @options,
 * pointing into it, with its length (and value) in *ret_len; NULL if none.
 */
const char *vfc_mountopts_find_host_option(const char *options, size_t *ret_len);

/*
 * Does libmount read @source as a lookup of a block device (LABEL=x, UUID=x,
 * PARTLABEL=x, PARTUUID=x, ID=x; not with an empty value), whatever the
 * filesystem type? Then *ret_len is the length of the name before '='.
 */
bool vfc_mountopts_is_libmount_tag(const char *source, size_t *ret_len);

#endif
