/* SPDX-License-Identifier: MIT */
/* virtiofs-ccw list: its columns, and the table and JSON it prints. */
#ifndef VFC_CLI_LIST_H
#define VFC_CLI_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct vfc_device;

enum {
	COL_BUSID,
	COL_HOSTID,
	COL_TAG,
	COL_ONLINE,
	COL_VIRTIO,
	COL_MOUNTPOINTS,
	COL_DRIVER,
	COL_STATE,
	LIST_NCOLUMNS
};

struct list_colinfo {
	const char *name;
	double whint;
	int flags;
	const char *help;
};

extern const struct list_colinfo list_columns[LIST_NCOLUMNS];

struct list_opts {
	int columns[LIST_NCOLUMNS];
	size_t ncolumns;
	bool json, raw, noheadings;
};

/* The devices as a table (libsmartcols) or as JSON; 0 or -errno. */
int cli_list_print_table(const struct list_opts *o, struct vfc_device **devs, size_t n);
int cli_list_print_json(const struct list_opts *o, struct vfc_device **devs, size_t n);

#endif
