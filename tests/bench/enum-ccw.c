// SPDX-License-Identifier: MIT
/*
 * enum-ccw: what a tool that walks the whole CCW bus pays (lszdev, a naive
 * lister, our fallback without the virtio_ccw driver): libudev enumerates the
 * subsystem "ccw" and reads every device's cutype. Prints
 * "N ccw devices, M virtio-fs" for `make bench` to check.
 */
#include <libudev.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	struct udev *udev = udev_new();
	struct udev_enumerate *e;
	struct udev_list_entry *le;
	unsigned long n = 0, fs = 0;

	if (!udev)
		return 1;
	e = udev_enumerate_new(udev);
	if (!e || udev_enumerate_add_match_subsystem(e, "ccw") < 0 ||
	    udev_enumerate_scan_devices(e) < 0) {
		fprintf(stderr, "enum-ccw: cannot enumerate the CCW bus\n");
		return 1;
	}
	udev_list_entry_foreach(le, udev_enumerate_get_list_entry(e))
	{
		struct udev_device *d =
			udev_device_new_from_syspath(udev, udev_list_entry_get_name(le));
		const char *cutype;

		if (!d)
			continue;
		cutype = udev_device_get_sysattr_value(d, "cutype");
		n++;
		if (cutype && strcmp(cutype, "3832/1a") == 0)
			fs++;
		udev_device_unref(d);
	}
	udev_enumerate_unref(e);
	udev_unref(udev);
	printf("%lu ccw devices, %lu virtio-fs\n", n, fs);
	return 0;
}
