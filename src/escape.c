// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "macro.h"

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

/*
 * systemd's unit name of a path (systemd-escape --path, unit_name_from_path()):
 * the path simplified ("//" and "/./" folded, no trailing "/"), its leading
 * "/" dropped, the others "-"; bytes other than [A-Za-z0-9:_.] (and a
 * leading ".") as \xHH; "/" alone is "-".
 */
char *vfc_escape_unit_path(const char *path, const char *suffix)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(path), sl = strlen(suffix);
	char *out, *o;
	bool first = true;

	if (path[0] != '/')
		return NULL;
	/* Worst case: every byte becomes \xHH. */
	out = malloc(4 * n + sl + 2);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = path; *p;) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.')) {
			p += len;
			continue;
		}
		if (!first)
			*o++ = '-';
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];

			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == ':' || c == '_' ||
			    (c == '.' && !(first && i == 0))) {
				*o++ = (char)c;
			} else {
				*o++ = '\\';
				*o++ = 'x';
				*o++ = hex[c >> 4];
				*o++ = hex[c & 0xf];
			}
		}
		first = false;
		p += len;
	}
	if (first)
		*o++ = '-';
	memcpy(o, suffix, sl + 1);
	return out;
}

static bool keep_byte(unsigned char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	if (first && (c == '.' || c == '-'))
		return false;
	return c && strchr("_+,:@=%~.-", c);
}

/*
 * @tag as one path component: the bytes keep_byte() keeps (but '%' where
 * @prefix is "%", which escapes with it), every other one @prefix HH.
 * @lead_dash: a leading '-' is escaped too. Never empty.
 */
static char *component(const char *tag, const char *prefix, bool lead_dash)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)tag;
	size_t plen = strlen(prefix);
	char *out, *o;

	/* No tag is empty; should one be, it must still be a component, not the base. */
	if (!*s)
		return asprintf(&out, "%s00", prefix) < 0 ? NULL : out;
	out = malloc(strlen(tag) * (plen + 2) + 1);
	if (!out)
		return NULL;
	for (o = out; *s; s++) {
		bool first = s == (const unsigned char *)tag && (*s == '.' || lead_dash);

		if (!(plen == 1 && *s == (unsigned char)prefix[0]) && keep_byte(*s, first)) {
			*o++ = (char)*s;
			continue;
		}
		memcpy(o, prefix, plen);
		o += plen;
		*o++ = hex[*s >> 4];
		*o++ = hex[*s & 0xf];
	}
	*o = '\0';
	return out;
}

char *vfc_escape_dirname(const char *tag)
{
	return component(tag, "\\x", true);
}

char *vfc_escape_alias(const char *tag)
{
	return component(tag, "%", false);
}

char *vfc_escape_subdir(const char *base, const char *tag)
{
	_cleanup_free_ char *name = vfc_escape_dirname(tag);
	size_t blen;
	char *path;

	if (!name)
		return NULL;
	/* No doubled slash, whether the base ends in one or is "/" itself. */
	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	if (asprintf(&path, "%.*s/%s", (int)blen, base, name) < 0)
		return NULL;
	return path;
}

bool vfc_escape_is_subdir(const char *base, const char *path)
{
	size_t blen = strlen(base);

	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	return strncmp(path, base, blen) == 0 && path[blen] == '/' && path[blen + 1] &&
	       !strchr(path + blen + 1, '/');
}
