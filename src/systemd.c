// SPDX-License-Identifier: MIT
#include <dlfcn.h>
#include <errno.h>
#include <libmount/libmount.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "mounttab.h"
#include "systemd.h"
#include "wait.h"

/*
 * The part of libsystemd.so.0's stable ABI used here (sd-bus(3)), declared
 * rather than taken from <systemd/sd-bus.h>, which is not needed to build.
 */
typedef struct sd_bus sd_bus;
typedef struct sd_bus_message sd_bus_message;
typedef struct {
	const char *name;
	const char *message;
	int _need_free;
} sd_bus_error;

static struct {
	int (*new)(sd_bus **ret);
	int (*set_address)(sd_bus *bus, const char *address);
	int (*start)(sd_bus *bus);
	sd_bus *(*flush_close_unref)(sd_bus *bus);
	int (*message_new_method_call)(sd_bus *bus, sd_bus_message **m, const char *destination,
				       const char *path, const char *interface, const char *member);
	int (*message_append)(sd_bus_message *m, const char *types, ...);
	int (*message_open_container)(sd_bus_message *m, char type, const char *contents);
	int (*message_close_container)(sd_bus_message *m);
	sd_bus_message *(*message_unref)(sd_bus_message *m);
	int (*call)(sd_bus *bus, sd_bus_message *m, uint64_t usec, sd_bus_error *ret_error,
		    sd_bus_message **reply);
	void (*error_free)(sd_bus_error *e);
	int (*get_property_string)(sd_bus *bus, const char *destination, const char *path,
				   const char *interface, const char *member,
				   sd_bus_error *ret_error, char **ret);
	int (*path_encode)(const char *prefix, const char *external_id, char **ret_path);
} sd;

static int load(void)
{
	static const char *const names[] = {
		"sd_bus_new",
		"sd_bus_set_address",
		"sd_bus_start",
		"sd_bus_flush_close_unref",
		"sd_bus_message_new_method_call",
		"sd_bus_message_append",
		"sd_bus_message_open_container",
		"sd_bus_message_close_container",
		"sd_bus_message_unref",
		"sd_bus_call",
		"sd_bus_error_free",
		"sd_bus_get_property_string",
		"sd_bus_path_encode",
	};
	void **slots = (void **)&sd;
	void *h;

	if (sd.new)
		return 0;
	h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -ENOSYS;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		slots[i] = dlsym(h, names[i]);
		if (!slots[i]) {
			memset(&sd, 0, sizeof(sd));
			dlclose(h);
			return -ENOSYS;
		}
	}
	return 0;
}

static int bus_open(sd_bus **ret)
{
	sd_bus *bus = NULL;
	int r;

	/* PID 1's own socket, as systemctl and systemd-mount use it as root: no bus daemon needed.
	 */
	r = sd.new(&bus);
	if (r < 0)
		return r;
	r = sd.set_address(bus, "unix:path=/run/systemd/private");
	if (r >= 0)
		r = sd.start(bus);
	if (r < 0) {
		sd.flush_close_unref(bus);
		return r;
	}
	*ret = bus;
	return 0;
}

static int append_properties(sd_bus_message *m, const struct vfc_systemd_mount *mnt)
{
	int r;

	r = sd.message_append(m, "ss", mnt->unit, "fail");
	if (r >= 0)
		r = sd.message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd.message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)", "What", "s", mnt->what,
				      "Where", "s", mnt->where, "Type", "s", mnt->type, "Options",
				      "s", mnt->options ? mnt->options : "", "Description", "s",
				      mnt->description, "CollectMode", "s", "inactive-or-failed");
	/* The device is gone for good when it goes: detach now, whatever is still open. */
	if (r >= 0)
		r = sd.message_append(m, "(sv)", "LazyUnmount", "b", 1);
	if (r >= 0 && mnt->binds_to)
		r = sd.message_append(m, "(sv)(sv)", "BindsTo", "as", 1, mnt->binds_to, "After",
				      "as", 1, mnt->binds_to);
	if (r >= 0)
		r = sd.message_close_container(m);
	if (r >= 0)
		r = sd.message_append(m, "a(sa(sv))", 0);
	return r;
}

struct unit_wait {
	const struct vfc_systemd_mount *m;
	sd_bus *bus;
	char *path;
};

/* The wait's question: mounted (1), failed or gone without a mount (-EIO), or not yet (0)? */
static int unit_settled(struct vfc_ctx *ctx, void *userdata)
{
	struct unit_wait *w = userdata;
	sd_bus_error error = {0};
	_cleanup_free_ char *state = NULL;
	const char *fstype = NULL;
	int r;

	vfc_ctx_reset_mountinfo(ctx);
	if (vfc_mounttab_find_target(ctx, w->m->where, &fstype, NULL, NULL) == 0 && fstype &&
	    strcmp(fstype, w->m->type) == 0)
		return 1;
	r = sd.get_property_string(w->bus, "org.freedesktop.systemd1", w->path,
				   "org.freedesktop.systemd1.Unit", "ActiveState", &error, &state);
	sd.error_free(&error);
	/* Failed, or collected after failing: it will not mount any more. (Inactive: queued.) */
	if (r < 0 || strcmp(state, "failed") == 0)
		return -EIO;
	return 0;
}

int vfc_systemd_start_mount(struct vfc_ctx *ctx, const struct vfc_systemd_mount *m, int timeout_ms,
			    char **ret_msg)
{
	struct unit_wait w = {.m = m};
	sd_bus_message *call = NULL, *reply = NULL;
	sd_bus_error error = {0};
	int r;

	*ret_msg = NULL;
	r = load();
	if (r < 0)
		return r;
	r = bus_open(&w.bus);
	if (r < 0)
		return r;
	r = sd.message_new_method_call(w.bus, &call, "org.freedesktop.systemd1",
				       "/org/freedesktop/systemd1",
				       "org.freedesktop.systemd1.Manager", "StartTransientUnit");
	if (r >= 0)
		r = append_properties(call, m);
	if (r >= 0)
		r = sd.call(w.bus, call, 0, &error, &reply);
	if (r < 0 && error.message)
		*ret_msg = strdup(error.message);
	if (r < 0 && error.name && strstr(error.name, "UnitExists"))
		r = -EEXIST;
	sd.error_free(&error);
	sd.message_unref(call);
	sd.message_unref(reply);
	if (r >= 0)
		r = sd.path_encode("/org/freedesktop/systemd1/unit", m->unit, &w.path);
	if (r >= 0) {
		/* Woken by the mount table's changes; systemd's state tells a failure. */
		r = vfc_wait_for(ctx, timeout_ms, unit_settled, &w);
		r = r > 0 ? 0 : r == 0 ? -ETIMEDOUT : r;
	}
	free(w.path);
	sd.flush_close_unref(w.bus);
	return r < 0 ? r : 0;
}
