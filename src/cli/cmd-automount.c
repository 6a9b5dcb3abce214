// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw automount: the hotplug handler. The udev rule starts it
 * through systemd (udev/); without systemd, call it directly (see --help).
 */
#include <getopt.h>
#include <syslog.h>
#include <stdio.h>
#include <string.h>

#include "automount.h"
#include "cli.h"
#include "config.h"
#include "device.h"
#include "escape.h"
#include "lock.h"
#include "plan.h"
#include "spec.h"
#include "wait.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %1$s automount [OPTIONS] [SPEC...]\n"
		"       %1$s automount [OPTIONS] --remove\n"
		"\n"
		"Mount what the policy file asks for the named devices (a tag or a bus-ID;\n"
		"all present devices if none is named), or with --remove detach the\n"
		"auto-mounts whose device is gone. Safe to run again and concurrently.\n"
		"\n"
		"Options:\n"
		"  -n, --dry-run           print the planned actions, change nothing:\n"
		"                          'mount TAG DIR OPTIONS' or 'detach TAG DIR',\n"
		"                          fields escaped as in fstab (space = \\040)\n"
		"  -c, --config FILE       the policy file (default $%3$s, else %2$s)\n"
		"  -r, --remove            detach auto-mounts of devices that are gone\n"
		"  -k, --kernel-name NAME  the device as udev names it: a bus-ID, virtioN,\n"
		"                          or the N of /sys/fs/virtiofs/N\n"
		"  -v, --verbose           say what is done\n"
		"  -h, --help              show this help\n"
		"\n"
		"Without systemd (busybox mdev, an initramfs), call it from the hotplug\n"
		"script: '%1$s automount --kernel-name MDEV' when a virtio-fs device\n"
		"appears and '%1$s automount --remove' when one goes.\n"
		"\n"
		"Exit status: 0 success, 1 usage error or bad policy file (then nothing is\n"
		"mounted), 2 system error, 32 a mount or detach failed.\n",
		program_invocation_short_name, VFC_CONFIG_PATH, VFC_CONFIG_ENV);
}

static void print_action(const struct vfc_action *a)
{
	_cleanup_free_ char *tag = vfc_escape_fstab(a->tag);
	_cleanup_free_ char *target = vfc_escape_fstab(a->target);
	_cleanup_free_ char *opts = a->options ? vfc_escape_fstab(a->options) : NULL;

	if (a->kind == VFC_ACTION_MOUNT)
		printf("mount %s %s %s\n", tag ? tag : "", target ? target : "",
		       opts ? opts : "defaults");
	else
		printf("detach %s %s\n", tag ? tag : "", target ? target : "");
}

/* Plan (removals, or mounts for @devs) and carry it out. Returns an exit code. */
static int run_plan(struct vfc_ctx *ctx, bool remove, struct vfc_device **devs, size_t ndevs,
		    bool dry_run, bool verbose)
{
	unsigned int flags = vfc_lock_systemd_runs() ? VFC_AUTOMOUNT_SYSTEMD : 0;
	struct vfc_action *acts = NULL;
	size_t nacts = 0;
	int r, ret = MNT_EX_SUCCESS;

	r = remove ? vfc_plan_remove(ctx, &acts, &nacts) : vfc_plan_add(ctx, devs, ndevs, &acts, &nacts);
	if (r < 0) {
		cli_error("cannot plan: %s", strerror(-r));
		return MNT_EX_SYSERR;
	}
	/* A base that cannot be had fails every mount below it: say so once. */
	for (size_t i = 0; i < nacts && !dry_run && !remove; i++) {
		const char *base = vfc_config_get_mount_base(vfc_ctx_get_config(ctx));

		if (!acts[i].in_base)
			continue;
		r = vfc_automount_make_base(ctx);
		if (r < 0) {
			cli_error("cannot make the mount base %s: %s", base,
				  r == -EPERM ? "it, or a directory on the way to it, is not root's "
						"or is writable by others"
					      : strerror(-r));
			vfc_action_array_free(acts, nacts);
			return MNT_EX_SYSERR;
		}
		break;
	}
	for (size_t i = 0; i < nacts; i++) {
		struct vfc_mount_result res;
		_cleanup_free_ char *tag = NULL;

		if (dry_run) {
			print_action(&acts[i]);
			continue;
		}
		r = vfc_automount_apply(ctx, &acts[i], flags, &res);
		tag = vfc_escape_display(acts[i].tag);
		if (r < 0) {
			cli_error("%s", res.message ? res.message : strerror(-r));
			ret = MNT_EX_FAIL;
		} else if (verbose) {
			printf("%s tag '%s' %s %s\n",
			       acts[i].kind == VFC_ACTION_MOUNT ? "mounted" : "detached",
			       tag ? tag : "", acts[i].kind == VFC_ACTION_MOUNT ? "on" : "from",
			       acts[i].target);
		}
		vfc_mount_result_clear(&res);
	}
	vfc_action_array_free(acts, nacts);
	return ret;
}

int cmd_automount(struct vfc_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "remove", no_argument, NULL, 'r' },
		{ "kernel-name", required_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *config = NULL, *kname = NULL;
	bool dry_run = false, remove = false, verbose = false;
	struct vfc_device **devs = NULL;
	size_t ndevs = 0;
	int c, r, wait_ms, lockfd = -1, ret;

	while ((c = getopt_long(argc, argv, "nc:rk:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			dry_run = true;
			break;
		case 'c':
			config = optarg;
			break;
		case 'r':
			remove = true;
			break;
		case 'k':
			kname = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return MNT_EX_SUCCESS;
		default:
			cli_try_help("automount");
			return MNT_EX_USAGE;
		}
	}
	/* A handler's notes (why a device is skipped) belong in the journal. */
	vfc_ctx_set_log_priority(ctx, verbose ? LOG_INFO : LOG_NOTICE);
	if (remove && optind < argc) {
		cli_error("--remove takes no SPEC: it detaches what belongs to devices that are gone");
		return MNT_EX_USAGE;
	}
	/* Its own --config wins over the one given before the command. */
	if (cli_use_config(ctx, config) != MNT_EX_SUCCESS)
		return MNT_EX_USAGE;

	/* A device that has just appeared may need a moment to go online and get its tag. */
	wait_ms = vfc_config_get_wait(vfc_ctx_get_config(ctx)) * 1000;
	if (!remove && (kname || optind < argc)) {
		devs = calloc((size_t)(argc - optind) + 1, sizeof(*devs));
		if (!devs)
			return MNT_EX_SYSERR;
		if (kname) {
			r = vfc_wait_for_device(ctx, kname, true, wait_ms, &devs[ndevs]);
			if (r < 0) {
				/* Gone before we got to it: the removal event does the rest. */
				cli_note("%s: no such virtio-fs device (any more): %s", kname,
					 strerror(-r));
				free(devs);
				return MNT_EX_SUCCESS;
			}
			ndevs++;
		}
		for (int i = optind; i < argc; i++) {
			r = vfc_wait_for_device(ctx, argv[i], false, wait_ms, &devs[ndevs]);
			if (r < 0) {
				_cleanup_free_ char *msg = vfc_spec_strerror(ctx, argv[i], r);

				cli_error("%s", msg ? msg : strerror(-r));
				vfc_device_array_free(devs, ndevs);
				return MNT_EX_FAIL;
			}
			ndevs++;
		}
	}

	/* Nothing to do: touch nothing, not even the mount base. */
	if (!remove && vfc_config_get_automount(vfc_ctx_get_config(ctx)) == VFC_AUTOMOUNT_NONE) {
		vfc_device_array_free(devs, ndevs);
		return MNT_EX_SUCCESS;
	}

	/* Plan under the lock, so that two handlers never plan the same mount. */
	if (!dry_run) {
		r = vfc_lock_take(ctx, true, &lockfd);
		if (r < 0) {
			cli_error("cannot lock %s: %s", VFC_LOCK_PATH, strerror(-r));
			vfc_device_array_free(devs, ndevs);
			return MNT_EX_SYSERR;
		}
	}
	/*
	 * First what is stale: a device removed and added again at once has
	 * its old mount still where the new one goes. Then, unless removing,
	 * what to mount.
	 */
	ret = run_plan(ctx, true, NULL, 0, dry_run, verbose);
	if (!remove && ret != MNT_EX_SYSERR) {
		int r2 = run_plan(ctx, false, devs, ndevs, dry_run, verbose);

		if (r2 != MNT_EX_SUCCESS)
			ret = r2;
	}
	vfc_device_array_free(devs, ndevs);
	/*
	 * Under systemd the units unmount (they are bound to the device) and
	 * leave our directories behind: once they are stopped, tidy up.
	 */
	vfc_lock_release(lockfd);
	if (!dry_run && vfc_lock_systemd_runs()) {
		/* Not under the lock: other handlers go on meanwhile. */
		if (remove && vfc_automount_wait_units(ctx, wait_ms) < 0)
			cli_note("systemd has not yet unmounted all shares that went; their "
				 "directories below %s stay for now",
				 vfc_config_get_mount_base(vfc_ctx_get_config(ctx)));
		if (vfc_lock_take(ctx, true, &lockfd) == 0) {
			vfc_automount_sweep(ctx);
			vfc_lock_release(lockfd);
		}
	}
	return ret;
}
