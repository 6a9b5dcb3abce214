// SPDX-License-Identifier: MIT
/*
 * Bus-ID parsing and formatting. The grammar follows s390-tools' zdev
 * (ccw_parse_devid): "css.ssid.devno" with a canonical "%x.%x.%04x" output.
 * We are stricter than zdev on purpose: the input comes from fstab, udev and
 * the hypervisor, and a typo must be an error, not a different device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "busid.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read 1..maxdigits hex digits from [s, end); -1 if any is not a hex digit or the count is off. */
static long parse_hex_field(const char *s, const char *end, size_t maxdigits)
{
	size_t n = (size_t)(end - s);
	long v = 0;

	if (n == 0 || n > maxdigits)
		return -1;
	for (; s < end; s++) {
		int d = hexval(*s);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static int fail(const char **ret_reason, const char *reason, int err)
{
	if (ret_reason)
		*ret_reason = reason;
	return err;
}

#define EXPECTED "expected 0.n.dddd, fe.n.dddd or dddd, with n 0-3 and dddd 1-4 hex digits"

int vfc_busid_parse(const char *str, struct vfc_busid *ret, enum vfc_busid_form *ret_form,
		    const char **ret_reason)
{
	const char *dot1, *dot2, *end;
	enum vfc_busid_form form;
	long css, ssid, devno;

	if (!str || !*str)
		return fail(ret_reason, "empty bus-ID; " EXPECTED, -EINVAL);

	end = str + strlen(str);
	dot1 = strchr(str, '.');
	if (!dot1) {
		devno = parse_hex_field(str, end, 4);
		if (devno < 0)
			return fail(ret_reason, EXPECTED, -EINVAL);
		if (ret) {
			ret->ssid = 0;
			ret->devno = (unsigned int)devno;
		}
		if (ret_form)
			*ret_form = VFC_BUSID_FORM_SHORT;
		return 0;
	}

	dot2 = strchr(dot1 + 1, '.');
	if (!dot2 || strchr(dot2 + 1, '.'))
		return fail(ret_reason, EXPECTED, -EINVAL);

	css = parse_hex_field(str, dot1, 2);
	ssid = parse_hex_field(dot1 + 1, dot2, 1);
	devno = parse_hex_field(dot2 + 1, end, 4);
	if (css < 0 || ssid < 0 || devno < 0)
		return fail(ret_reason, EXPECTED, -EINVAL);

	if (css == 0)
		form = VFC_BUSID_FORM_GUEST;
	else if (css == VFC_BUSID_HOST_CSSID)
		form = VFC_BUSID_FORM_HOST;
	else
		return fail(ret_reason,
			    "channel subsystem must be 0 (guest view) or fe (host view)", -ERANGE);
	if (ssid > VFC_BUSID_SSID_MAX)
		return fail(ret_reason, "subchannel set must be 0-3", -ERANGE);

	if (ret) {
		ret->ssid = (unsigned int)ssid;
		ret->devno = (unsigned int)devno;
	}
	if (ret_form)
		*ret_form = form;
	return 0;
}

int vfc_busid_parse_range(const char *str, struct vfc_busid *ret_first, struct vfc_busid *ret_last,
			  const char **ret_reason)
{
	struct vfc_busid first, last;
	const char *dash;
	char buf[VFC_BUSID_STRLEN];
	size_t n;
	int r;

	if (!str)
		return fail(ret_reason, "empty bus-ID range", -EINVAL);

	dash = strchr(str, '-');
	if (!dash) {
		r = vfc_busid_parse(str, &first, NULL, ret_reason);
		if (r < 0)
			return r;
		last = first;
	} else {
		n = (size_t)(dash - str);
		if (n >= sizeof(buf))
			return fail(ret_reason, EXPECTED, -EINVAL);
		memcpy(buf, str, n);
		buf[n] = '\0';
		r = vfc_busid_parse(buf, &first, NULL, ret_reason);
		if (r < 0)
			return r;
		r = vfc_busid_parse(dash + 1, &last, NULL, ret_reason);
		if (r < 0)
			return r;
		if (vfc_busid_cmp(&first, &last) > 0)
			return fail(ret_reason, "range start is above its end", -ERANGE);
	}

	if (ret_first)
		*ret_first = first;
	if (ret_last)
		*ret_last = last;
	return 0;
}

bool vfc_busid_is_valid(const char *str)
{
	return vfc_busid_parse(str, NULL, NULL, NULL) == 0;
}

char *vfc_busid_format(const struct vfc_busid *id, char *buf)
{
	snprintf(buf, VFC_BUSID_STRLEN, "0.%x.%04x", id->ssid & 0xf, id->devno & 0xffff);
	return buf;
}

char *vfc_busid_format_host(const struct vfc_busid *id, char *buf)
{
	snprintf(buf, VFC_BUSID_STRLEN, "fe.%x.%04x", id->ssid & 0xf, id->devno & 0xffff);
	return buf;
}

int vfc_busid_cmp(const struct vfc_busid *a, const struct vfc_busid *b)
{
	if (a->ssid != b->ssid)
		return a->ssid < b->ssid ? -1 : 1;
	if (a->devno != b->devno)
		return a->devno < b->devno ? -1 : 1;
	return 0;
}
