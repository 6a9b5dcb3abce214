// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw-udev: run by 90-virtiofs-ccw.rules (IMPORT{program}) for the
 * virtio device of a virtio-fs CCW device. Prints udev properties:
 *
 *   VIRTIOFS_CCW_BUSID=0.0.1a12
 *   VIRTIOFS_CCW_ALIASES=/sys/subsystem/virtiofs/by-busid/0.0.1a12 /sys/subsystem/virtiofs/by-tag/share0
 *   VIRTIOFS_CCW_AUTOMOUNT=fstab
 *
 * The rule makes the aliases the device unit's (SYSTEMD_ALIAS). They carry
 * identity only; what fstab wants of a share is the generator's to write.
 * AUTOMOUNT is the policy's automount (fstab, all, none), or "invalid" where
 * the policy file cannot be followed: under systemd the rule starts
 * virtiofs-ccw-share@ only where that unit has something to do (all), or
 * something to say (invalid: it fails, naming the bad line). With fstab,
 * systemd mounts fstab's lines itself, from the generator's units.
 * The tag is the host's text: it appears only as one %-escaped path
 * component (escape.h), so no byte of it can add an alias, leave the prefix
 * or be eaten by systemd's unquoting. One device lookup, no fstab: O(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "config.h"
#include "device.h"
#include "unit.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s KERNEL-NAME\n"
		"\n"
		"Print the udev properties of a virtio-fs CCW device for 90-virtiofs-ccw.rules.\n"
		"KERNEL-NAME is its virtio device (virtio2), its bus-ID or its export index.\n"
		"\n"
		"Exit status: 0 success, 1 usage, 2 system error, 32 not a virtio-fs device.\n",
		program_invocation_short_name);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *by_busid = NULL, *by_tag = NULL;
	struct vfc_device *dev = NULL;
	struct vfc_config *cfg = NULL;
	const char *automount = "invalid";
	char busid[VFC_BUSID_STRLEN];
	struct vfc_ctx *ctx;
	int r;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return MNT_EX_SUCCESS;
	}
	if (argc != 2) {
		usage(stderr);
		return MNT_EX_USAGE;
	}
	ctx = cli_ctx_new(0);
	if (!ctx)
		return MNT_EX_SYSERR;
	/* The tags of bus-IDs on kernels without the export; a bad file is not followed. */
	if (vfc_config_load(NULL, &cfg, NULL) == 0) {
		vfc_ctx_set_config(ctx, cfg);
		automount = vfc_automount_to_string(vfc_config_get_automount(cfg));
		vfc_config_unref(cfg);
	}
	r = vfc_device_new_from_kernel_name(ctx, argv[1], &dev);
	if (r < 0) {
		vfc_ctx_unref(ctx);
		return r == -ENOMEM ? MNT_EX_SYSERR : MNT_EX_FAIL;
	}
	vfc_busid_format(vfc_device_get_busid(dev), busid);
	by_busid = vfc_unit_alias_busid(vfc_device_get_busid(dev));
	if (vfc_device_get_tag(dev))
		by_tag = vfc_unit_alias_tag(vfc_device_get_tag(dev));
	if (!by_busid || (vfc_device_get_tag(dev) && !by_tag)) {
		vfc_device_unref(dev);
		vfc_ctx_unref(ctx);
		return MNT_EX_SYSERR;
	}
	printf("VIRTIOFS_CCW_BUSID=%s\n", busid);
	printf("VIRTIOFS_CCW_ALIASES=%s%s%s\n", by_busid, by_tag ? " " : "", by_tag ? by_tag : "");
	printf("VIRTIOFS_CCW_AUTOMOUNT=%s\n", automount);
	vfc_device_unref(dev);
	vfc_ctx_unref(ctx);
	return fflush(stdout) == 0 ? MNT_EX_SUCCESS : MNT_EX_SYSERR;
}
