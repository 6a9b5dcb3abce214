/* SPDX-License-Identifier: MIT */
/*
 * The mount base and the directories below it, where the auto-mounter makes
 * the mountpoints of automount = all: walked from "/" without following
 * symlinks, every component root's and writable by nobody else, and each
 * mountpoint marked as ours so that nothing else there is ever mounted on
 * or removed.
 */
#ifndef VFC_BASEDIR_H
#define VFC_BASEDIR_H

#include <stdbool.h>

#include "ctx.h"

/*
 * The extended attribute that marks a directory as made by us. trusted.*
 * needs CAP_SYS_ADMIN, so nobody else can set it.
 */
#define VFC_BASEDIR_MARK "trusted.virtiofs-ccw"

/*
 * Open @path as a directory, component by component from "/", creating
 * missing ones with mode 0755 if @create and following no symlink on the
 * way; every component must be root's (or ours) and not writable by
 * others (a sticky one on the way is fine, as the last one not). Returns
 * the fd, or -EPERM, -ENOTDIR (a symlink or file in the way), -errno.
 */
int vfc_basedir_open(const char *path, bool create);
/* The same for the directory of @target, and *ret_name its last component. */
int vfc_basedir_open_parent(const char *target, bool create, const char **ret_name);

/* Is the directory @fd empty (or unreadable: then not)? */
bool vfc_basedir_is_empty(int fd);
/* Did we make the directory @fd (VFC_BASEDIR_MARK is on it)? */
bool vfc_basedir_is_ours(int fd);
/* Mark the directory @fd as ours: 0, or -errno (-ENOTSUP, -EPERM: not root). */
int vfc_basedir_mark(int fd);

/*
 * Is something mounted on @base/@name? Told from the context's mount table
 * (reset it first where it may be stale), never by opening the directory:
 * that would reach into the mounted filesystem.
 */
bool vfc_basedir_is_mountpoint(struct vfc_ctx *ctx, const char *base, const char *name);

#endif
