/* SPDX-License-Identifier: MIT */
/* What the front-ends share: exit codes, messages, the library context. */
#ifndef VFC_CLI_H
#define VFC_CLI_H

#include <errno.h> /* program_invocation_short_name */
#include <stdbool.h>
#include <string.h>

#include "ctx.h"
#include "macro.h"

/*
 * Every front-end exits with mount(8)'s codes (see virtiofs-ccw(8)):
 * MNT_EX_SUCCESS 0, MNT_EX_USAGE 1 (bad options or arguments), MNT_EX_SYSERR 2
 * (out of memory, cannot read sysfs), MNT_EX_FAIL 32 (a device or tag could
 * not be found or used), MNT_EX_SOMEOK 64 (some of several succeeded).
 */
#include <libmount/libmount.h>

void cli_error(const char *fmt, ...) _printf_format_(1, 2);
void cli_note(const char *fmt, ...) _printf_format_(1, 2);
/* "Try 'virtiofs-ccw [COMMAND] --help' for more information." */
void cli_try_help(const char *command);

/* A context whose log messages go to stderr with the program name; NULL on failure. */
struct vfc_ctx *cli_ctx_new(int verbosity);

/* The policy file named by --config before the command, or NULL. */
extern const char *cli_config;
/*
 * Follow the policy file @path (NULL: cli_config, else $VIRTIOFS_CCW_CONFIG,
 * else the default). Returns MNT_EX_SUCCESS, or MNT_EX_USAGE once the
 * file's error is said: a bad file is not followed at all.
 */
int cli_use_config(struct vfc_ctx *ctx, const char *path);

struct vfc_device;
/*
 * The devices the SPECs name (all virtio-fs devices if @nspecs is 0), for
 * free with vfc_device_array_free(). Every SPEC is tried; each that fails
 * gets its line on stderr. Returns MNT_EX_SUCCESS or the exit code to use.
 */
int cli_devices(struct vfc_ctx *ctx, char **specs, int nspecs, struct vfc_device ***ret_devs,
		size_t *ret_n);

int cmd_list(struct vfc_ctx *ctx, int argc, char **argv);
/* list --info SPEC: every fact about one share, with its source, and the next step. */
int cli_list_info(struct vfc_ctx *ctx, const char *spec, bool json);
int cmd_mount(struct vfc_ctx *ctx, int argc, char **argv);
int cmd_umount(struct vfc_ctx *ctx, int argc, char **argv);
int cmd_fstab(struct vfc_ctx *ctx, int argc, char **argv);
int cmd_automount(struct vfc_ctx *ctx, int argc, char **argv);
int cmd_cio_free(struct vfc_ctx *ctx, int argc, char **argv);

#endif
