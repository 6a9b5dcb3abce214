// SPDX-License-Identifier: MIT
/*
 * The one resolver of a SPEC (see spec.h), and the one place where what the
 * kernel says about a device becomes a message.
 */
#include <ctype.h>
#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "busid.h"
#include "cio.h"
#include "config.h"
#include "device.h"
#include "escape.h"
#include "export.h"
#include "macro.h"
#include "spec.h"
#include "virtiofs.h"

#define HEX_DIGITS "0123456789abcdefABCDEF"

/*
 * Hex digits, a dot, hex digits, a dot and a hex digit: written as a bus-ID,
 * whatever the typo after that. (A tag such as "my.share" is not.)
 */
static bool looks_like_busid(const char *s)
{
	size_t a = strspn(s, HEX_DIGITS), b;

	if (a == 0 || s[a] != '.')
		return false;
	b = strspn(s + a + 1, HEX_DIGITS);
	if (b == 0 || s[a + 1 + b] != '.')
		return false;
	return isxdigit((unsigned char)s[a + 2 + b]);
}

bool vfc_spec_reads_as_busid(const char *text)
{
	return vfc_busid_parse(text, NULL, NULL, NULL) == 0 || looks_like_busid(text);
}

int vfc_device_new_from_spec(struct vfc_ctx *ctx, const char *spec, struct vfc_device **ret)
{
	enum vfc_busid_form form;
	struct vfc_busid id;
	int parsed, r;

	/* A full bus-ID names its device: no tag, which the host chooses, can take it over. */
	parsed = vfc_busid_parse(spec, &id, &form, NULL);
	if (parsed == 0 && form != VFC_BUSID_FORM_SHORT)
		return vfc_device_new_from_busid(ctx, &id, ret);

	r = vfc_device_new_from_tag(ctx, spec, ret);
	if (r != -ENOENT)
		return r;
	if (parsed == 0)
		return vfc_device_new_from_busid(ctx, &id, ret);
	return looks_like_busid(spec) ? parsed : -ENOENT;
}

/* "'share0', 'share1'" (display-escaped): the tags the export holds now, or NULL. */
static char *exported_tags(struct vfc_ctx *ctx)
{
	struct vfc_device **devs = NULL;
	char *list = NULL, *next;
	size_t n = 0;

	if (vfc_device_enumerate(ctx, &devs, &n) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *shown = NULL;
		const char *tag = vfc_device_get_tag(devs[i]);

		if (!tag || !(shown = vfc_escape_display(tag)))
			continue;
		if (asprintf(&next, "%s%s'%s'", list ? list : "", list ? ", " : "", shown) < 0) {
			next = NULL;
			break;
		}
		free(list);
		list = next;
	}
	vfc_device_array_free(devs, n);
	return list;
}

char *vfc_spec_strerror(struct vfc_ctx *ctx, const char *spec, int err)
{
	_cleanup_free_ char *shown = vfc_escape_display(spec ? spec : ""), *tags = NULL;
	_cleanup_udev_device_ struct udev_device *ccw = NULL;
	const char *reason = NULL, *cutype;
	char busid[VFC_BUSID_STRLEN], hostid[VFC_BUSID_STRLEN];
	struct vfc_busid id;
	char *msg = NULL;
	int r;

	if (!shown)
		return NULL;

	r = vfc_busid_parse(spec, &id, NULL, &reason);
	if (r == 0) {
		vfc_busid_format(&id, busid);
		vfc_busid_format_host(&id, hostid);
	}

	switch (err) {
	case -EINVAL:
	case -ERANGE:
		if (r == 0)
			break;
		if (looks_like_busid(spec)) {
			/* Meant as a bus-ID: say what is wrong with it first. */
			r = asprintf(&msg, "'%s': not a bus-ID: %s (and no virtio-fs device has this "
					   "tag)",
				     shown, reason);
			return r < 0 ? NULL : msg;
		}
		_fallthrough_;
	case -ENOENT:
		if (r == 0)
			break;
		if (!vfc_export_exists(ctx))
			r = asprintf(&msg,
				     "'%s': this kernel does not export virtio-fs tags to look it "
				     "up by (mainline 6.9 and some distribution kernels do), and it "
				     "is not a bus-ID: %s",
				     shown, reason);
		else if ((tags = exported_tags(ctx)))
			r = asprintf(&msg, "'%s': no virtio-fs device has this tag (the tags: %s), "
					   "and it is not a bus-ID: %s",
				     shown, tags, reason);
		else
			r = asprintf(&msg, "'%s': no virtio-fs device has this tag (none exports "
					   "one), and it is not a bus-ID: %s",
				     shown, reason);
		return r < 0 ? NULL : msg;
	case -ENODEV:
		if (r < 0)
			break;
		if (vfc_cio_ignore_contains(ctx, &id) > 0)
			r = asprintf(&msg,
				     "'%s': device %s (host %s) is hidden by cio_ignore; make it "
				     "visible with 'cio_ignore -r %s' (or for good with 'chzdev -e "
				     "%s')",
				     shown, busid, hostid, busid, busid);
		else
			r = asprintf(&msg, "'%s': no CCW device %s (host %s)", shown, busid,
				     hostid);
		return r < 0 ? NULL : msg;
	case -EMEDIUMTYPE:
		if (r < 0)
			break;
		ccw = udev_device_new_from_subsystem_sysname(vfc_ctx_get_udev(ctx), "ccw", busid);
		cutype = ccw ? udev_device_get_sysattr_value(ccw, "cutype") : NULL;
		r = asprintf(&msg, "'%s': %s is not a virtio-fs device (control unit %s, expected %s)",
			     shown, busid, cutype ? cutype : "unknown", VFC_CUTYPE_VIRTIO_FS);
		return r < 0 ? NULL : msg;
	default:
		break;
	}
	if (r == 0 && err == -ENOENT)
		r = asprintf(&msg, "'%s': no virtio-fs device %s", shown, busid);
	else
		r = asprintf(&msg, "'%s': %s", shown, strerror(-err));
	return r < 0 ? NULL : msg;
}

/* Is some virtio-fs device still on its way to telling its tag? */
static bool devices_coming(struct vfc_ctx *ctx)
{
	struct vfc_device **devs = NULL;
	bool coming = false;
	size_t n = 0;

	if (vfc_device_enumerate(ctx, &devs, &n) < 0)
		return false;
	for (size_t i = 0; i < n && !coming; i++) {
		switch (vfc_device_get_state(devs[i])) {
		case VFC_DEVICE_NO_CCW_DRIVER:
		case VFC_DEVICE_OFFLINE:
		case VFC_DEVICE_UNBOUND:
		case VFC_DEVICE_UNEXPORTED:
			coming = true;
			break;
		default:
			break;
		}
	}
	vfc_device_array_free(devs, n);
	return coming;
}

/* Each state as one word and in words. */
static const struct {
	const char *name, *reason;
} states[] = {
	[VFC_DEVICE_READY] = { "ready", "ready" },
	[VFC_DEVICE_CONFIGURED] = { "configured", "tag from the policy file" },
	[VFC_DEVICE_NO_CCW_DRIVER] = { "no-ccw-driver", "no CCW driver" },
	[VFC_DEVICE_OFFLINE] = { "offline", "device offline" },
	[VFC_DEVICE_UNBOUND] = { "unbound", "not bound to virtiofs" },
	[VFC_DEVICE_UNEXPORTED] = { "unexported", "tag not exported yet" },
	[VFC_DEVICE_NO_EXPORT] = { "no-export", "this kernel does not export tags" },
	[VFC_DEVICE_BAD_TAG] = { "bad-tag", "malformed tag file" },
};

const char *vfc_spec_state_name(enum vfc_device_state st)
{
	return (size_t)st < ARRAY_SIZE(states) && states[st].name ? states[st].name : "bad-tag";
}

const char *vfc_spec_state_reason(enum vfc_device_state st)
{
	return (size_t)st < ARRAY_SIZE(states) && states[st].reason ? states[st].reason
								    : "malformed tag file";
}

void vfc_spec_clear(struct vfc_spec *s)
{
	free(s->tag);
	free(s->message);
	*s = (struct vfc_spec){ 0 };
}

static int resolved(struct vfc_spec *ret, const char *tag, bool plain, bool can_wait)
{
	ret->tag = strdup(tag);
	if (!ret->tag)
		return -ENOMEM;
	ret->plain = plain;
	ret->can_wait = can_wait;
	return 0;
}

_printf_format_(4, 5) static int refused(struct vfc_spec *ret, int err, bool can_wait,
					 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&ret->message, fmt, ap) < 0)
		ret->message = NULL;
	va_end(ap);
	ret->can_wait = can_wait;
	return err;
}

/* Why the device a SPEC named has no tag to mount (yet), or its tag. */
static int device_tag(struct vfc_ctx *ctx, const char *spec, struct vfc_device *dev,
		      struct vfc_spec *ret)
{
	_cleanup_free_ char *shown = vfc_escape_display(spec);
	char busid[VFC_BUSID_STRLEN];
	struct vfc_config *cfg = vfc_ctx_get_config(ctx);

	if (!shown)
		return -ENOMEM;
	vfc_busid_format(vfc_device_get_busid(dev), busid);
	switch (vfc_device_get_state(dev)) {
	case VFC_DEVICE_READY:
	case VFC_DEVICE_CONFIGURED:
		return resolved(ret, vfc_device_get_tag(dev), false, false);
	case VFC_DEVICE_NO_CCW_DRIVER:
		return refused(ret, -ENXIO, true,
			       "'%s': device %s has no CCW driver: virtio_ccw is not loaded or "
			       "does not claim it ('modprobe virtio_ccw'; see lscss)",
			       shown, busid);
	case VFC_DEVICE_OFFLINE:
		return refused(ret, -ENXIO, true,
			       "'%s': device %s is offline; set it online with 'chzdev -e %s' or "
			       "'chccwdev -e %s' (virtio_ccw.no_auto= on the kernel command line "
			       "keeps it offline at boot)",
			       shown, busid, busid, busid);
	case VFC_DEVICE_UNBOUND:
		return refused(ret, -EAGAIN, true,
			       "'%s': device %s is online but not bound to the virtiofs driver "
			       "(is module virtiofs loaded? 'modprobe virtiofs')",
			       shown, busid);
	case VFC_DEVICE_UNEXPORTED:
		return refused(ret, -EAGAIN, true,
			       "'%s': device %s is bound to virtiofs, but the kernel has not "
			       "exported its tag yet",
			       shown, busid);
	case VFC_DEVICE_NO_EXPORT:
		return refused(ret, -EOPNOTSUPP, false,
			       "'%s': cannot tell the tag of device %s: this kernel does not export "
			       "virtio-fs tags (mainline 6.9 and some distribution kernels do); "
			       "mount it by tag, or name its tag in %s ('tag %s = TAG')",
			       shown, busid, cfg ? vfc_config_get_path(cfg) : VFC_CONFIG_PATH, busid);
	case VFC_DEVICE_BAD_TAG:
		break;
	}
	return refused(ret, -EBADMSG, false, "'%s': the kernel's tag file of device %s is malformed",
		       shown, busid);
}

int vfc_spec_resolve(struct vfc_ctx *ctx, const char *spec, struct vfc_spec *ret)
{
	struct vfc_device *dev = NULL;
	enum vfc_busid_form form;
	struct vfc_busid id;
	int r;

	*ret = (struct vfc_spec){ 0 };
	r = vfc_device_new_from_spec(ctx, spec, &dev);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT) {
		/* Neither a device's tag nor a bus-ID: a plain tag, for the kernel to judge. */
		if (!*spec || strlen(spec) > VFC_TAG_MAX || strchr(spec, '\n')) {
			ret->message = vfc_spec_strerror(ctx, spec, -EINVAL);
			return -EINVAL;
		}
		return resolved(ret, spec, true, devices_coming(ctx));
	}
	if ((r == -ENODEV || r == -EMEDIUMTYPE) && !vfc_export_exists(ctx) &&
	    vfc_busid_parse(spec, NULL, &form, NULL) == 0 && form == VFC_BUSID_FORM_SHORT)
		/*
		 * "cafe" reads as device 0.0.cafe, but there is none (or it is no
		 * virtio-fs device), and this kernel cannot tell whether some
		 * share has that tag: let the kernel judge it as a tag.
		 */
		return resolved(ret, spec, true, devices_coming(ctx));
	if (r < 0) {
		/* An absent device may still come, unless cio_ignore hides it. */
		ret->can_wait = r == -ENODEV && vfc_busid_parse(spec, &id, NULL, NULL) == 0 &&
				vfc_cio_ignore_contains(ctx, &id) != 1;
		ret->message = vfc_spec_strerror(ctx, spec, r);
		return r;
	}
	r = device_tag(ctx, spec, dev, ret);
	vfc_device_unref(dev);
	return r;
}

int vfc_spec_resolve_tag(struct vfc_ctx *ctx, const char *tag, struct vfc_spec *ret)
{
	struct vfc_device *dev = NULL;
	int r;

	*ret = (struct vfc_spec){ 0 };
	if (!*tag || strlen(tag) > VFC_TAG_MAX || strchr(tag, '\n')) {
		_cleanup_free_ char *shown = vfc_escape_display(tag);

		return refused(ret, -EINVAL, false, "'%s': not a tag: 1 to %d bytes, no newline",
			       shown ? shown : "", VFC_TAG_MAX);
	}
	r = vfc_device_new_from_tag(ctx, tag, &dev);
	if (r == -ENOENT)
		return resolved(ret, tag, true, devices_coming(ctx));
	if (r < 0) {
		ret->message = vfc_spec_strerror(ctx, tag, r);
		return r;
	}
	r = device_tag(ctx, tag, dev, ret);
	vfc_device_unref(dev);
	return r;
}
