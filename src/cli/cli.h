/* SPDX-License-Identifier: MIT */
/* What the front-ends share: exit codes, messages, the library context. */
#ifndef VFC_CLI_H
#define VFC_CLI_H

#include <errno.h> /* program_invocation_short_name */
#include <string.h>

#include "ctx.h"
#include "macro.h"

/* The exit codes of mount(8), used by every front-end (see virtiofs-ccw(8)). */
#define EX_OK	  0
#define EX_USAGE  1  /* bad options or arguments */
#define EX_SYSERR 2  /* out of memory, cannot read sysfs or mountinfo */
#define EX_FAIL	  32 /* a device or tag could not be found or used */

void cli_error(const char *fmt, ...) _printf_format_(1, 2);
void cli_note(const char *fmt, ...) _printf_format_(1, 2);
/* "Try 'virtiofs-ccw [COMMAND] --help' for more information." */
void cli_try_help(const char *command);

/* A context whose log messages go to stderr with the program name; NULL on failure. */
struct vfc_ctx *cli_ctx_new(int verbosity);

int cmd_list(struct vfc_ctx *ctx, int argc, char **argv);

#endif
