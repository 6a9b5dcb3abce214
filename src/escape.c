// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* Length of the well-formed UTF-8 sequence at @s (2-4), or 0 if there is none. */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned int cp;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;

	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF and the C1 controls are not let through. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

char *vfc_escape_display(const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	char *out, *o;

	/* Worst case: every byte becomes \xHH. */
	out = malloc(strlen(str) * 4 + 1);
	if (!out)
		return NULL;

	for (o = out; *s;) {
		size_t n;

		if (*s >= 0x20 && *s < 0x7f && *s != '\\') {
			*o++ = (char)*s++;
		} else if ((n = utf8_seq_len(s)) > 0) {
			memcpy(o, s, n);
			o += n;
			s += n;
		} else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[*s >> 4];
			*o++ = hex[*s & 0xf];
			s++;
		}
	}
	*o = '\0';
	return out;
}

char *vfc_escape_fstab(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out, *o;

	out = malloc(strlen(str) * 4 + 1);
	if (!out)
		return NULL;
	/* A '#' would start a comment, a control byte could drive the terminal it is shown on. */
	for (o = out; *s; s++) {
		if (*s > 0x20 && *s < 0x7f && *s != '\\' && *s != '#') {
			*o++ = (char)*s;
			continue;
		}
		*o++ = '\\';
		*o++ = (char)('0' + (*s >> 6));
		*o++ = (char)('0' + ((*s >> 3) & 7));
		*o++ = (char)('0' + (*s & 7));
	}
	*o = '\0';
	return out;
}
