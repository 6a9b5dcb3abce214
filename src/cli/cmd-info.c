// SPDX-License-Identifier: MIT
/*
 * virtiofs-ccw list --info SPEC: why a share is (not) mounted, in the spirit
 * of lszdev --info: every fact along the chain from the CCW device to the
 * mount, each with where it was read, and the one next step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cio.h"
#include "cli.h"
#include "config.h"
#include "device.h"
#include "escape.h"
#include "fstab.h"
#include "plan.h"
#include "spec.h"
#include "virtiofs.h"

struct fact {
	const char *key;  /* "Online" */
	const char *json; /* "online" */
	char *value;	  /* display-escaped */
	char *source;	  /* where it was read, or NULL */
};

/* Grows: a share may be mounted in any number of places (bind mounts into containers). */
struct facts {
	struct fact *v;
	size_t n, size;
};

static void facts_clear(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].value);
		free(f->v[i].source);
	}
	free(f->v);
	*f = (struct facts){ .v = NULL };
}

_printf_format_(5, 6) static int add(struct facts *f, const char *key, const char *json,
				      const char *source, const char *fmt, ...)
{
	struct fact *x;
	va_list ap;
	char *raw;
	int r;

	if (f->n == f->size) {
		size_t size = f->size ? 2 * f->size : 16;
		struct fact *v = reallocarray(f->v, size, sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->v = v;
		f->size = size;
	}
	va_start(ap, fmt);
	r = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	x = &f->v[f->n++];
	*x = (struct fact){ .key = key, .json = json };
	x->value = vfc_escape_display(raw);
	free(raw);
	x->source = source ? vfc_escape_display(source) : NULL;
	return x->value && (!source || x->source) ? 0 : -ENOMEM;
}

static char *join_path(const char *a, const char *b)
{
	char *p;

	return asprintf(&p, "%s/%s", a, b) < 0 ? NULL : p;
}

/* The one next step, from the state, fstab and the mounts. */
static char *next_step(struct vfc_ctx *ctx, struct vfc_device *dev,
		       const struct vfc_fstab_entry *line)
{
	char busid[VFC_BUSID_STRLEN], *s = NULL;
	const char *const *mp = NULL;

	vfc_busid_format(vfc_device_get_busid(dev), busid);
	s = vfc_spec_explain(ctx, NULL, dev);
	if (s)
		return s;
	vfc_device_get_mountpoints(dev, &mp); /* collect() read it already */
	if (mp && mp[0])
		return strdup("none: it is mounted");
	if (line && asprintf(&s, "mount %s (its fstab line)", line->target) >= 0)
		return s;
	if (asprintf(&s, "mount -t virtiofs %s DIR, or add the line 'virtiofs-ccw fstab %s' prints",
		     busid, busid) < 0)
		return NULL;
	return s;
}

static int collect(struct vfc_ctx *ctx, struct vfc_device *dev, struct facts *f)
{
	_cleanup_free_ char *online = NULL, *driver = NULL, *cutype = NULL, *vpath = NULL,
			     *next = NULL;
	const char *sys = vfc_device_get_syspath(dev), *tag = vfc_device_get_tag(dev);
	const struct vfc_fstab_entry *line = NULL;
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	char busid[VFC_BUSID_STRLEN], hostid[VFC_BUSID_STRLEN];
	const char *const *mp = NULL;
	struct vfc_fstab_entry *e = NULL;
	const char *slash, *sub;
	size_t n = 0, nlines = 0;
	int r, cio;

	r = vfc_device_get_mountpoints(dev, &mp);
	if (r < 0)
		return r;
	vfc_busid_format(vfc_device_get_busid(dev), busid);
	vfc_busid_format_host(vfc_device_get_busid(dev), hostid);
	online = join_path(sys, "online");
	driver = join_path(sys, "driver");
	cutype = join_path(sys, "cutype");
	if (!online || !driver || !cutype)
		return -ENOMEM;
	/* /sys/devices/css0/<subchannel>/<bus-ID> */
	slash = strrchr(sys, '/');
	for (sub = slash; sub && sub > sys && sub[-1] != '/'; sub--)
		;
	r = add(f, "Device", "busid", sys, "%s (host %s)", busid, hostid);
	if (r == 0) {
		_cleanup_free_ char *subpath = slash ? strndup(sys, (size_t)(slash - sys)) : NULL;

		r = add(f, "Subchannel", "subchannel", subpath, "%.*s",
			slash && sub ? (int)(slash - sub) : 0, sub ? sub : "");
	}
	if (r == 0)
		r = add(f, "Control unit", "cutype", cutype, "%s (virtio-fs)", VFC_CUTYPE_VIRTIO_FS);
	if (r == 0)
		r = add(f, "Online", "online", online, "%s", vfc_device_is_online(dev) ? "yes" : "no");
	if (r == 0)
		r = add(f, "CCW driver", "driver", driver, "%s",
			vfc_device_get_driver(dev) ? vfc_device_get_driver(dev) : "none");
	if (r == 0 && vfc_device_get_virtio(dev)) {
		_cleanup_free_ char *vdrv = NULL;

		vpath = join_path(sys, vfc_device_get_virtio(dev));
		vdrv = vpath ? join_path(vpath, "driver") : NULL;
		r = vdrv ? add(f, "Virtio device", "virtio", vpath, "%s", vfc_device_get_virtio(dev))
			 : -ENOMEM;
		if (r == 0)
			r = add(f, "virtiofs driver", "virtiofs", vdrv, "%s",
				vfc_device_get_state(dev) == VFC_DEVICE_UNBOUND ? "not bound"
										   : "bound");
	} else if (r == 0) {
		r = add(f, "Virtio device", "virtio", NULL, "none (not probed)");
	}
	if (r == 0)
		r = add(f, "Tag", "tag",
			vfc_device_get_export(dev)			      ? vfc_device_get_export(dev)
			: vfc_device_get_state(dev) == VFC_DEVICE_CONFIGURED ? vfc_config_get_path(cfg)
									      : NULL,
			"%s", tag ? tag : "unknown");
	if (r == 0) {
		const char *name = vfc_spec_state_name(vfc_device_get_state(dev));
		const char *why = vfc_spec_state_reason(vfc_device_get_state(dev));

		r = strcmp(name, why) == 0 ? add(f, "State", "state", NULL, "%s", name)
					   : add(f, "State", "state", NULL, "%s (%s)", name, why);
	}
	if (r == 0)
		r = vfc_fstab_read(ctx, &e, &n);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (!vfc_fstab_line_names(&e[i], dev))
			continue;
		line = line ? line : &e[i];
		nlines++;
		r = add(f, "fstab", "fstab", mnt_get_fstab_path(), "%s %s%s%s", e[i].spec, e[i].target,
			e[i].options ? " " : "", e[i].options ? e[i].options : "");
	}
	if (r == 0 && nlines == 0)
		r = add(f, "fstab", "fstab", mnt_get_fstab_path(), "no line names it");
	if (r == 0)
		r = add(f, "Policy", "automount", cfg ? vfc_config_get_path(cfg) : VFC_CONFIG_PATH,
			"automount = %s, mount-base = %s",
			vfc_automount_to_string(vfc_config_get_automount(cfg)),
			vfc_config_get_mount_base(cfg));
	for (size_t i = 0; mp && mp[i] && r == 0; i++)
		r = add(f, "Mounted on", "mountpoints", vfc_ctx_get_mountinfo_path(ctx), "%s",
			mp[i]);
	if (r == 0 && !(mp && mp[0]))
		r = add(f, "Mounted on", "mountpoints", vfc_ctx_get_mountinfo_path(ctx), "nowhere");
	cio = vfc_cio_ignore_contains(ctx, vfc_device_get_busid(dev));
	if (r == 0)
		r = add(f, "cio_ignore", "cio_ignore", "/proc/cio_ignore", "%s",
			cio > 0 ? "listed" : cio == 0 ? "not listed" : "unknown");
	if (r == 0) {
		next = next_step(ctx, dev, line);
		r = next ? add(f, "Next step", "next", NULL, "%s", next) : -ENOMEM;
	}
	vfc_fstab_entries_free(e, n);
	return r;
}

static void print_text(const struct facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		printf("%-16s %s", f->v[i].key, f->v[i].value);
		if (f->v[i].source)
			printf("\n%-16s   (%s)", "", f->v[i].source);
		putchar('\n');
	}
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

/* One object; keys that repeat (fstab, mountpoints) become lists of {value, source}. */
static void print_json(const struct facts *f)
{
	fputs("{\n", stdout);
	for (size_t i = 0; i < f->n; i++) {
		bool list = strcmp(f->v[i].json, "fstab") == 0 ||
			    strcmp(f->v[i].json, "mountpoints") == 0;
		bool first = i == 0 || strcmp(f->v[i - 1].json, f->v[i].json) != 0;
		bool last = i + 1 == f->n || strcmp(f->v[i + 1].json, f->v[i].json) != 0;

		if (first)
			printf("   \"%s\": %s", f->v[i].json, list ? "[" : "");
		fputs("{\"value\": ", stdout);
		json_str(f->v[i].value);
		if (f->v[i].source) {
			fputs(", \"source\": ", stdout);
			json_str(f->v[i].source);
		}
		fputs("}", stdout);
		if (!last && list)
			fputs(", ", stdout);
		if (last)
			printf("%s%s\n", list ? "]" : "", i + 1 < f->n ? "," : "");
	}
	fputs("}\n", stdout);
}

int cli_list_info(struct vfc_ctx *ctx, const char *spec, bool json)
{
	struct facts f = { .v = NULL };
	struct vfc_device *dev = NULL;
	int r;

	_cleanup_free_ char *msg = NULL;

	r = vfc_spec_lookup(ctx, spec, 0, &dev, &msg);
	if (r < 0) {
		cli_error("%s", msg ? msg : "out of memory");
		return r == -ENOMEM ? MNT_EX_SYSERR : MNT_EX_FAIL;
	}
	r = collect(ctx, dev, &f);
	vfc_device_unref(dev);
	if (r < 0) {
		facts_clear(&f);
		cli_error("cannot gather the facts: %s", strerror(-r));
		return MNT_EX_SYSERR;
	}
	if (json)
		print_json(&f);
	else
		print_text(&f);
	facts_clear(&f);
	return MNT_EX_SUCCESS;
}
