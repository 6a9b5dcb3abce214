/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line, read as systemd reads it for its generators:
 * words split at blanks, '...' and "..." group, a backslash takes the next
 * byte as it is, the last KEY=VALUE of a key wins; $SYSTEMD_PROC_CMDLINE
 * stands in for /proc/cmdline and $SYSTEMD_IN_INITRD for the initrd's mark
 * (systemd's ENVIRONMENT.md), so that tests run the generator as it runs.
 * And what the command line says of a virtio-fs root.
 */
#ifndef VFC_CMDLINE_H
#define VFC_CMDLINE_H

#include <stdbool.h>

/* The command line: $SYSTEMD_PROC_CMDLINE, else /proc/cmdline. 0 or -errno. */
int vfc_cmdline_read(char **ret);

/*
 * The value of the last word KEY=VALUE (or bare KEY: "") of @cmdline, newly
 * allocated. 0, -ENOENT (no such word) or -ENOMEM.
 */
int vfc_cmdline_get(const char *cmdline, const char *key, char **ret);

/*
 * The SPEC of a virtio-fs root: root=virtiofs:SPEC (as dracut and systemd
 * spell it), or root=SPEC with rootfstype=virtiofs. 1 and *ret (newly
 * allocated), 0 (the root is something else), -ENOMEM.
 */
int vfc_cmdline_get_root(const char *cmdline, char **ret);

/* Are we in an initrd: $SYSTEMD_IN_INITRD, else /etc/initrd-release, as systemd tells. */
bool vfc_in_initrd(void);

#endif
