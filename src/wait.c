// SPDX-License-Identifier: MIT
/*
 * Waiting on the kernel's uevents. A raw NETLINK_KOBJECT_UEVENT socket bound
 * to the kernel's multicast group, as libudev's "kernel" monitor is: the
 * helper runs at boot before systemd-udevd does, and in initramfs without
 * one, so udevd's own broadcasts cannot be relied on. An event only wakes
 * the wait up; what is true is read from sysfs again, so a lost or forged
 * event costs at most a look.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "device.h"
#include "macro.h"
#include "spec.h"
#include "wait.h"

/* Where no uevent socket can be had (seccomp, a test harness): look this often. */
#define WAIT_FALLBACK_MS 100

static int uevent_socket_open(void)
{
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd, r;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&snl, sizeof(snl)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static bool is_relevant(const char *kv)
{
	return strcmp(kv, "SUBSYSTEM=ccw") == 0 || strcmp(kv, "SUBSYSTEM=virtio") == 0 ||
	       strcmp(kv, "SUBSYSTEM=virtiofs") == 0;
}

/* Read what is queued; true if a message may concern a share (or some were lost). */
static bool drain_relevant(int fd)
{
	char buf[8192];
	bool hit = false;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			return hit || errno == ENOBUFS;
		buf[n] = '\0';
		/* "ACTION@DEVPATH\0KEY=VALUE\0...": look at each string. */
		for (char *p = buf; p < buf + n; p += strlen(p) + 1)
			if (is_relevant(p))
				hit = true;
	}
}

int vfc_wait_for(struct vfc_ctx *ctx, int timeout_ms, vfc_wait_check_fn check, void *userdata)
{
	_cleanup_close_ int fd = -1, mfd = -1;
	long long deadline, left;
	int r;

	/*
	 * Most questions are answered at the first look (the device is there):
	 * that costs no subscription. Only then subscribe, to uevents and to
	 * the mount table, which flags each change as POLLPRI (proc(5)), and
	 * look again before sleeping, so that nothing in between is missed.
	 */
	deadline = now_ms() + timeout_ms;
	r = check(ctx, userdata);
	if (r != 0 || timeout_ms <= 0)
		return r;
	mfd = open(vfc_ctx_get_mountinfo_path(ctx), O_RDONLY | O_CLOEXEC);
	fd = uevent_socket_open();
	if (fd < 0)
		vfc_debug(ctx, "no uevent socket (%s): looking every %d ms", strerror(-fd),
			  WAIT_FALLBACK_MS);
	for (;;) {
		r = check(ctx, userdata);
		if (r != 0)
			return r;
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		if (fd < 0) {
			sleep_ms(left < WAIT_FALLBACK_MS ? left : WAIT_FALLBACK_MS);
			continue;
		}
		/* Sleep until an event that may matter, or the deadline. */
		for (;;) {
			struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
					       { .fd = mfd, .events = POLLPRI } };
			int n;

			left = deadline - now_ms();
			if (left <= 0)
				break;
			n = poll(p, mfd >= 0 ? 2 : 1, (int)left);
			if (n < 0 && errno != EINTR)
				return -errno;
			if (n > 0 && (p[1].revents & POLLPRI))
				break;
			if (n > 0 && (p[0].revents & POLLIN) && drain_relevant(fd))
				break;
		}
	}
}

struct device_wait {
	const char *name;
	bool kernel_name;
	struct vfc_device *dev;
};

static int device_settled(struct vfc_ctx *ctx, void *userdata)
{
	struct device_wait *w = userdata;
	int r;

	w->dev = vfc_device_unref(w->dev);
	r = w->kernel_name ? vfc_device_new_from_kernel_name(ctx, w->name, &w->dev)
			   : vfc_spec_lookup(ctx, w->name, 0, &w->dev, NULL);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return r;
	return !vfc_device_state_is_coming(vfc_device_get_state(w->dev));
}

int vfc_wait_for_device(struct vfc_ctx *ctx, const char *name, bool kernel_name, int timeout_ms,
			struct vfc_device **ret)
{
	struct device_wait w = { .name = name, .kernel_name = kernel_name };
	int r;

	r = vfc_wait_for(ctx, timeout_ms, device_settled, &w);
	if (r < 0) {
		vfc_device_unref(w.dev);
		return r;
	}
	/* Time ran out: the device as it is, or why there is none. */
	if (!w.dev)
		return -ENODEV;
	*ret = w.dev;
	return 0;
}
