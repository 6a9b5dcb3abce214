// SPDX-License-Identifier: MIT
/*
 * vfc_busid_parse() on any string (fstab, udev and the command line hand it
 * bus-IDs). Checked against a separate reading of the grammar in
 * include/busid.h, then parse -> format -> parse in both notations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "busid.h"
#include "fuzz.h"

/* Hex field of 1..max digits spanning exactly [s, e); -1 if it is not one. */
static long field(const char *s, const char *e, size_t max)
{
	long v = 0;

	if (e <= s || (size_t)(e - s) > max)
		return -1;
	for (; s < e; s++) {
		char c = *s;
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* The grammar of busid.h: "dddd", or "cc.s.dddd" with cc 0 or fe and s 0-3. */
static int oracle(const char *s, struct vfc_busid *id, enum vfc_busid_form *form)
{
	const char *dots[3];
	size_t ndots = 0, len = strlen(s);
	long css, ssid, devno;

	for (const char *p = s; *p; p++)
		if (*p == '.' && ndots < 3)
			dots[ndots++] = p;
	if (ndots == 0) {
		devno = field(s, s + len, 4);
		if (devno < 0)
			return -EINVAL;
		*id = (struct vfc_busid){ 0, (unsigned int)devno };
		*form = VFC_BUSID_FORM_SHORT;
		return 0;
	}
	if (ndots != 2)
		return -EINVAL;
	css = field(s, dots[0], 2);
	ssid = field(dots[0] + 1, dots[1], 1);
	devno = field(dots[1] + 1, s + len, 4);
	if (css < 0 || ssid < 0 || devno < 0)
		return -EINVAL;
	if ((css != 0 && css != 0xfe) || ssid > 3)
		return -ERANGE;
	*id = (struct vfc_busid){ (unsigned int)ssid, (unsigned int)devno };
	*form = css == 0 ? VFC_BUSID_FORM_GUEST : VFC_BUSID_FORM_HOST;
	return 0;
}

static void reparse(const char *text, const struct vfc_busid *want, enum vfc_busid_form want_form)
{
	struct vfc_busid id;
	enum vfc_busid_form form;
	int r = vfc_busid_parse(text, &id, &form, NULL);

	FUZZ_ASSERT(r == 0, "formatted '%s' does not parse back: %d", text, r);
	FUZZ_ASSERT(vfc_busid_cmp(&id, want) == 0 && form == want_form,
		    "'%s' parses back as %x.%04x form %d, not %x.%04x form %d", text, id.ssid,
		    id.devno, form, want->ssid, want->devno, want_form);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct vfc_busid id = { 0xdead, 0xbeef }, oid = { 0, 0 };
	enum vfc_busid_form form = -1, oform = -1;
	const char *reason = NULL;
	char buf[VFC_BUSID_STRLEN], host[VFC_BUSID_STRLEN];
	int r, want;

	r = vfc_busid_parse(s, &id, &form, &reason);
	want = oracle(s, &oid, &oform);
	FUZZ_ASSERT(r == want, "'%s': parse returned %d, the grammar says %d", fuzz_show(s), r,
		    want);
	FUZZ_ASSERT(vfc_busid_parse(s, NULL, NULL, NULL) == r, "'%s': result depends on out-params",
		    fuzz_show(s));
	FUZZ_ASSERT(vfc_busid_is_valid(s) == (r == 0), "'%s': is_valid disagrees with parse",
		    fuzz_show(s));

	if (r < 0) {
		FUZZ_ASSERT(reason && *reason, "'%s': error %d without a reason", fuzz_show(s), r);
		for (const char *p = reason; *p; p++)
			FUZZ_ASSERT(*p >= 0x20 && *p < 0x7f, "reason '%s' not printable ASCII",
				    fuzz_show(reason));
		FUZZ_ASSERT(id.ssid == 0xdead && id.devno == 0xbeef,
			    "'%s': failed parse wrote the result", fuzz_show(s));
		free(s);
		return 0;
	}

	FUZZ_ASSERT(reason == NULL, "'%s': success with a reason '%s'", fuzz_show(s), reason);
	FUZZ_ASSERT(vfc_busid_cmp(&id, &oid) == 0 && form == oform,
		    "'%s': parsed %x.%04x form %d, the grammar says %x.%04x form %d", fuzz_show(s),
		    id.ssid, id.devno, form, oid.ssid, oid.devno, oform);
	FUZZ_ASSERT(id.ssid <= VFC_BUSID_SSID_MAX && id.devno <= 0xffff, "'%s': out of range",
		    fuzz_show(s));

	/* Canonical text: "0.s.dddd" and "fe.s.dddd", lower case, and both read back. */
	vfc_busid_format(&id, buf);
	vfc_busid_format_host(&id, host);
	FUZZ_ASSERT(strlen(buf) == 8 && strlen(host) == 9, "'%s' / '%s' not canonical", buf, host);
	reparse(buf, &id, VFC_BUSID_FORM_GUEST);
	reparse(host, &id, VFC_BUSID_FORM_HOST);
	FUZZ_ASSERT(strcasecmp(buf + 2, host + 3) == 0, "guest '%s' and host '%s' differ", buf,
		    host);
	if (form == VFC_BUSID_FORM_SHORT)
		reparse(buf + 4, &id, VFC_BUSID_FORM_SHORT);
	FUZZ_ASSERT(vfc_busid_cmp(&id, &id) == 0, "cmp is not reflexive");

	free(s);
	return 0;
}
