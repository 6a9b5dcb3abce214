/* SPDX-License-Identifier: MIT */
/*
 * Escaping of untrusted text (tags come from the hypervisor) before it reaches
 * a terminal, a JSON reader or a file name.
 */
#ifndef VFC_ESCAPE_H
#define VFC_ESCAPE_H

#include <stdbool.h>

/*
 * For display, in util-linux's convention: printable ASCII and well-formed
 * UTF-8 stay as they are; every other byte (controls, DEL, C1 controls,
 * malformed UTF-8) and the backslash itself become "\xHH", so the result
 * reads back unambiguously. Newly allocated; NULL on ENOMEM.
 */
char *vfc_escape_display(const char *s);

/*
 * For an fstab field: what mnt_mangle() escapes (blank, tab, newline,
 * backslash) and also '#', controls and every non-ASCII byte, as \ooo octal,
 * which libmount reads back to the same bytes. Newly allocated; NULL on ENOMEM.
 */
char *vfc_escape_fstab(const char *s);

/*
 * The name systemd gives the unit of @path (absolute), with @suffix
 * (".mount", ".device"), as systemd-escape --path --suffix does.
 * Newly allocated; NULL on ENOMEM or a relative @path.
 */
char *vfc_escape_unit_path(const char *path, const char *suffix);

/*
 * A tag as one path component: [A-Za-z0-9_+,:@=%~.-] stay, but a leading
 * '.' or '-' and every other byte become \xHH ("../x" -> "\x2e.\x2fx").
 * Never empty, never ".", "..", never contains '/'. Newly allocated.
 */
char *vfc_escape_dirname(const char *tag);
/*
 * A tag as one path component that crosses a udev property into systemd
 * unchanged: PID 1 splits SYSTEMD_ALIAS into words with unquoting, which
 * eats backslashes and quotes and splits at blanks, so every byte but
 * [A-Za-z0-9_+,:@=~.-] (and a leading '.') becomes %HH ("a b" -> "a%20b",
 * "%" -> "%25"): distinct tags give distinct components, never empty, ".",
 * ".." or with a '/'. Newly allocated; NULL on ENOMEM.
 */
char *vfc_escape_alias(const char *tag);
/* @base + "/" + vfc_escape_dirname(@tag). Newly allocated; NULL on ENOMEM. */
char *vfc_escape_subdir(const char *base, const char *tag);
/*
 * Is @path one component directly below @base, as vfc_escape_subdir() makes
 * it (the base's trailing slashes do not count)?
 */
bool vfc_escape_is_subdir(const char *base, const char *path);

#endif
