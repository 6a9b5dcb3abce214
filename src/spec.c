// SPDX-License-Identifier: MIT
/*
 * The one grammar and resolver of a SPEC (see spec.h), and the one place
 * where what the kernel says about a device becomes a message.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cio.h"
#include "config.h"
#include "escape.h"
#include "export.h"
#include "macro.h"
#include "spec.h"
#include "virtiofs.h"

/* Exactly c.n.dddd in hex digits (1-2, 1, 4): how a bus-ID is written, whatever the values. */
static bool busid_shaped(const char *s)
{
	size_t css = strspn(s, "0123456789abcdefABCDEF");

	if (css < 1 || css > 2 || s[css] != '.' || !isxdigit((unsigned char)s[css + 1]) ||
	    s[css + 2] != '.')
		return false;
	s += css + 3;
	return strspn(s, "0123456789abcdefABCDEF") == 4 && s[4] == '\0';
}

enum vfc_spec_kind vfc_spec_parse(const char *text, unsigned int flags, struct vfc_busid *ret_id,
				  const char **ret_reason)
{
	enum vfc_busid_form form;
	const char *reason = NULL;
	struct vfc_busid id;

	if (!text || !*text || strlen(text) > VFC_TAG_MAX || strchr(text, '\n')) {
		if (ret_reason)
			*ret_reason = "a tag is 1 to " STRINGIFY(VFC_TAG_MAX)
				      " bytes without a newline, a bus-ID 0.n.dddd, fe.n.dddd or dddd";
		return VFC_SPEC_INVALID;
	}
	if (flags & VFC_SPEC_AS_TAG)
		return VFC_SPEC_TAG;
	if (vfc_busid_parse(text, &id, &form, &reason) == 0) {
		if (ret_id)
			*ret_id = id;
		return form == VFC_BUSID_FORM_GUEST  ? VFC_SPEC_BUSID
		       : form == VFC_BUSID_FORM_HOST ? VFC_SPEC_HOSTID
						     : VFC_SPEC_SHORT;
	}
	if (!busid_shaped(text))
		return VFC_SPEC_TAG;
	if (ret_reason)
		*ret_reason = reason;
	return VFC_SPEC_MALFORMED;
}

/* Each state: one word, in words, and what a resolve that meets it says. */
static const struct {
	const char *name, *reason;
	int err;
} states[] = {
	[VFC_DEVICE_READY] = { "ready", "ready", 0 },
	[VFC_DEVICE_CONFIGURED] = { "configured", "tag from the policy file", 0 },
	[VFC_DEVICE_NO_CCW_DRIVER] = { "no-ccw-driver", "no CCW driver", -ENXIO },
	[VFC_DEVICE_OFFLINE] = { "offline", "device offline", -ENXIO },
	[VFC_DEVICE_UNBOUND] = { "unbound", "not bound to virtiofs", -EAGAIN },
	[VFC_DEVICE_UNEXPORTED] = { "unexported", "tag not exported yet", -EAGAIN },
	[VFC_DEVICE_NO_EXPORT] = { "no-export", "this kernel does not export tags", -EOPNOTSUPP },
	[VFC_DEVICE_BAD_TAG] = { "bad-tag", "malformed tag file", -EBADMSG },
};

static unsigned int state_index(enum vfc_device_state st)
{
	return (size_t)st < ARRAY_SIZE(states) && states[st].name ? st : VFC_DEVICE_BAD_TAG;
}

const char *vfc_spec_state_name(enum vfc_device_state st)
{
	return states[state_index(st)].name;
}

const char *vfc_spec_state_reason(enum vfc_device_state st)
{
	return states[state_index(st)].reason;
}

char *vfc_spec_explain(struct vfc_ctx *ctx, const char *spec, struct vfc_device *dev)
{
	_cleanup_free_ char *shown = spec ? vfc_escape_display(spec) : NULL, *what = NULL;
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);
	char b[VFC_BUSID_STRLEN];
	char *msg;
	int r;

	if (spec && !shown)
		return NULL;
	vfc_busid_format(vfc_device_get_busid(dev), b);
	switch (vfc_device_get_state(dev)) {
	case VFC_DEVICE_READY:
	case VFC_DEVICE_CONFIGURED:
		return NULL;
	case VFC_DEVICE_NO_CCW_DRIVER:
		r = asprintf(&what, "device %s has no CCW driver: virtio_ccw is not loaded or does "
				    "not claim it ('modprobe virtio_ccw'; see lscss)",
			     b);
		break;
	case VFC_DEVICE_OFFLINE:
		r = asprintf(&what, "device %s is offline; set it online with 'chzdev -e %s' or "
				    "'chccwdev -e %s' (virtio_ccw.no_auto= on the kernel command "
				    "line keeps it offline at boot)",
			     b, b, b);
		break;
	case VFC_DEVICE_UNBOUND:
		r = asprintf(&what, "device %s is online but not bound to the virtiofs driver (is "
				    "module virtiofs loaded? 'modprobe virtiofs')",
			     b);
		break;
	case VFC_DEVICE_UNEXPORTED:
		r = asprintf(&what, "device %s is bound to virtiofs, but the kernel has not "
				    "exported its tag yet",
			     b);
		break;
	case VFC_DEVICE_NO_EXPORT:
		r = asprintf(&what, "cannot tell the tag of device %s: this kernel does not export "
				    "virtio-fs tags (mainline 6.9 and some distribution kernels "
				    "do); mount it by tag, or name its tag in %s ('tag %s = TAG')",
			     b, cfg ? vfc_config_get_path(cfg) : VFC_CONFIG_PATH, b);
		break;
	default:
		r = asprintf(&what, "the kernel's tag file of device %s is malformed", b);
		break;
	}
	if (r < 0)
		return NULL;
	if (!spec)
		return TAKE_PTR(what);
	return asprintf(&msg, "'%s': %s", shown, what) < 0 ? NULL : msg;
}

int vfc_spec_devices_coming(struct vfc_ctx *ctx)
{
	struct vfc_device **devs = NULL;
	size_t n = 0;
	int r, coming = 0;

	r = vfc_device_enumerate(ctx, &devs, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		coming += vfc_device_state_is_coming(vfc_device_get_state(devs[i]));
	vfc_device_array_free(devs, n);
	return coming;
}

/* "'share0', 'share1'" (display-escaped): the tags the export holds now, or why not. */
static char *exported_tags(struct vfc_ctx *ctx)
{
	struct vfc_device **devs = NULL;
	char *list = NULL, *next;
	size_t n = 0;
	int r;

	r = vfc_device_enumerate(ctx, &devs, &n);
	if (r < 0)
		return asprintf(&list, "which cannot be listed: %s", strerror(-r)) < 0 ? NULL : list;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *shown = NULL;
		const char *tag = vfc_device_get_tag(devs[i]);

		if (!tag || !(shown = vfc_escape_display(tag)))
			continue;
		if (asprintf(&next, "%s%s'%s'", list ? list : "the tags: ", list ? ", " : "",
			     shown) < 0) {
			next = NULL;
			break;
		}
		free(list);
		list = next;
	}
	vfc_device_array_free(devs, n);
	if (!list && asprintf(&list, "none exports one") < 0)
		return NULL;
	return list;
}

_printf_format_(2, 3) static char *format(char **ret, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (r < 0)
		*ret = NULL;
	return *ret;
}

/* Why a SPEC of @kind names no device (@err), in one line. */
static char *lookup_message(struct vfc_ctx *ctx, const char *text, enum vfc_spec_kind kind,
			    const struct vfc_busid *id, const char *reason, int hidden, int err)
{
	_cleanup_free_ char *shown = vfc_escape_display(text ? text : ""), *tags = NULL;
	char b[VFC_BUSID_STRLEN], h[VFC_BUSID_STRLEN];
	char *msg = NULL;

	if (!shown)
		return NULL;
	if (kind == VFC_SPEC_INVALID && (!text || !*text))
		return format(&msg, "no SPEC given: %s", reason);
	if (kind == VFC_SPEC_INVALID && strlen(text) > VFC_TAG_MAX)
		return format(&msg, "'%s': too long for a tag (%zu bytes, at most %d) and no bus-ID",
			      shown, strlen(text), VFC_TAG_MAX);
	if (kind == VFC_SPEC_INVALID)
		return format(&msg, "'%s': neither a tag nor a bus-ID: %s", shown, reason);
	if (kind == VFC_SPEC_MALFORMED)
		return format(&msg, "'%s': not a bus-ID: %s (a tag of this shape is mounted by "
				    "its device's bus-ID or with 'virtiofs-ccw mount --tag')",
			      shown, reason);
	if (vfc_spec_kind_is_busid(kind)) {
		vfc_busid_format(id, b);
		vfc_busid_format_host(id, h);
	}
	if (vfc_spec_kind_is_busid(kind) && err == -ENODEV && hidden > 0)
		return format(&msg, "'%s': device %s (host %s) is hidden by cio_ignore; make it "
				    "visible with 'cio_ignore -r %s' (or for good with 'chzdev -e "
				    "%s')",
			      shown, b, h, b, b);
	if (vfc_spec_kind_is_busid(kind) && err == -ENODEV)
		return format(&msg, "'%s': no CCW device %s (host %s)", shown, b, h);
	if (vfc_spec_kind_is_busid(kind) && err == -EMEDIUMTYPE) {
		char cutype[16];

		if (vfc_device_read_cutype(id, cutype, sizeof(cutype)) < 0)
			strcpy(cutype, "unknown");
		return format(&msg, "'%s': %s is not a virtio-fs device (control unit %s, expected "
				    "%s)",
			      shown, b, cutype, VFC_CUTYPE_VIRTIO_FS);
	}
	if (kind == VFC_SPEC_TAG && err == -ENOENT && !vfc_export_exists(ctx))
		return format(&msg, "'%s': this kernel does not export virtio-fs tags to look it up "
				    "by (mainline 6.9 and some distribution kernels do)",
			      shown);
	if (kind == VFC_SPEC_TAG && err == -ENOENT) {
		tags = exported_tags(ctx);
		return tags ? format(&msg, "'%s': no virtio-fs device has this tag (%s)", shown, tags)
			    : NULL;
	}
	return format(&msg, "'%s': cannot look it up: %s", shown, strerror(-err));
}

/*
 * The lookup, with whether cio_ignore hides an absent bus-ID (read once, only
 * then). @plain_ok: a tag no device has is no error to word (the resolver
 * passes it on to the kernel), so its message, which lists every exported
 * tag, is not made.
 */
static int lookup(struct vfc_ctx *ctx, const char *text, unsigned int flags, bool plain_ok,
		  enum vfc_spec_kind *ret_kind, struct vfc_busid *ret_id, int *ret_hidden,
		  struct vfc_device **ret_dev, char **ret_message)
{
	const char *reason = NULL;
	struct vfc_busid id = { 0 };
	int r, hidden = 0;

	*ret_kind = vfc_spec_parse(text, flags, &id, &reason);
	*ret_id = id;
	switch (*ret_kind) {
	case VFC_SPEC_BUSID:
	case VFC_SPEC_HOSTID:
	case VFC_SPEC_SHORT:
		r = vfc_device_new_from_busid(ctx, &id, ret_dev);
		if (r == -ENODEV)
			hidden = vfc_cio_ignore_contains(ctx, &id);
		break;
	case VFC_SPEC_TAG:
		r = vfc_device_new_from_tag(ctx, text, ret_dev);
		break;
	case VFC_SPEC_MALFORMED:
		r = -ERANGE;
		break;
	default:
		r = -EINVAL;
		break;
	}
	*ret_hidden = hidden;
	if (r >= 0 || r == -ENOMEM || !ret_message ||
	    (plain_ok && r == -ENOENT && *ret_kind == VFC_SPEC_TAG))
		return r;
	*ret_message = lookup_message(ctx, text, *ret_kind, &id, reason, hidden, r);
	return r;
}

int vfc_spec_lookup(struct vfc_ctx *ctx, const char *text, unsigned int flags,
		    struct vfc_device **ret_dev, char **ret_message)
{
	enum vfc_spec_kind kind;
	struct vfc_busid id;
	int hidden;

	return lookup(ctx, text, flags, false, &kind, &id, &hidden, ret_dev, ret_message);
}

void vfc_spec_clear(struct vfc_spec *s)
{
	free(s->tag);
	free(s->message);
	*s = (struct vfc_spec){ 0 };
}

int vfc_spec_resolve(struct vfc_ctx *ctx, const char *text, unsigned int flags,
		     struct vfc_spec *ret)
{
	struct vfc_device *dev = NULL;
	enum vfc_device_state st;
	int r, hidden;

	*ret = (struct vfc_spec){ 0 };
	/*
	 * A tag the export holds is a device bound to virtiofs, so online and
	 * probed: ready, with nothing more to read. The helper's common case,
	 * no dearer than a bus-ID's (vfc_device_new_from_tag() would read the
	 * device again, and its tag a second time).
	 */
	if (vfc_spec_parse(text, flags, &ret->id, NULL) == VFC_SPEC_TAG && vfc_export_exists(ctx) &&
	    vfc_export_find_tag(ctx, text, &ret->id) == 0) {
		ret->kind = VFC_SPEC_TAG;
		ret->has_id = ret->has_device = true;
		ret->state = VFC_DEVICE_READY;
		ret->tag = strdup(text);
		return ret->tag ? 0 : -ENOMEM;
	}
	r = lookup(ctx, text, flags, true, &ret->kind, &ret->id, &hidden, &dev, &ret->message);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT && ret->kind == VFC_SPEC_TAG) {
		/* No device is known to have it: a plain tag, for the kernel to judge. */
		r = vfc_spec_devices_coming(ctx);
		if (r < 0) {
			format(&ret->message, "cannot list the virtio-fs devices: %s", strerror(-r));
			return r;
		}
		ret->can_wait = r > 0;
		ret->plain = true;
		ret->kernel_judges = !vfc_export_exists(ctx);
		ret->tag = strdup(text);
		return ret->tag ? 0 : -ENOMEM;
	}
	ret->has_id = vfc_spec_kind_is_busid(ret->kind) || r == 0;
	if (r < 0) {
		/* An absent device may still come, unless cio_ignore hides it. */
		ret->can_wait = r == -ENODEV && hidden != 1;
		return r;
	}
	ret->id = *vfc_device_get_busid(dev);
	st = vfc_device_get_state(dev);
	ret->has_device = true;
	ret->state = st;
	r = states[state_index(st)].err;
	if (r == 0) {
		ret->tag = strdup(vfc_device_get_tag(dev));
		r = ret->tag ? 0 : -ENOMEM;
	} else {
		ret->can_wait = vfc_device_state_is_coming(st);
		ret->message = vfc_spec_explain(ctx, text, dev);
	}
	vfc_device_unref(dev);
	return r;
}
