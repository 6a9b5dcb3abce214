// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "macro.h"

#define ROOT_PREFIX "virtiofs:"

int vfc_cmdline_read(char **ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	const char *e = getenv("SYSTEMD_PROC_CMDLINE");
	char *line = NULL;
	size_t len = 0;

	if (e) {
		line = strdup(e);
		if (!line)
			return -ENOMEM;
		*ret = line;
		return 0;
	}
	f = fopen("/proc/cmdline", "re");
	if (!f)
		return -errno;
	if (getline(&line, &len, f) < 0) {
		free(line);
		return feof(f) ? -ENODATA : -errno;
	}
	line[strcspn(line, "\n")] = '\0';
	*ret = line;
	return 0;
}

/* The next word of *@p into @buf (as long as the text), unquoted; false at the end. */
static bool next_word(const char **p, char *buf)
{
	const char *s = *p;
	char quote = 0;
	size_t n = 0;

	s += strspn(s, " \t\n");
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!quote && strchr(" \t\n", *s))
			break;
		if (*s == '\\' && s[1]) {
			buf[n++] = *++s;
		} else if (quote && *s == quote) {
			quote = 0;
		} else if (!quote && (*s == '\'' || *s == '"')) {
			quote = *s;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
	*p = s;
	return true;
}

int vfc_cmdline_get(const char *cmdline, const char *key, char **ret)
{
	_cleanup_free_ char *buf = malloc(strlen(cmdline) + 1);
	const char *p = cmdline, *found = NULL;
	size_t klen = strlen(key);
	char *val = NULL;

	if (!buf)
		return -ENOMEM;
	while (next_word(&p, buf)) {
		if (strncmp(buf, key, klen) != 0 || (buf[klen] != '=' && buf[klen] != '\0'))
			continue;
		free(val);
		val = strdup(buf[klen] ? buf + klen + 1 : "");
		if (!val)
			return -ENOMEM;
		found = val;
	}
	if (!found)
		return -ENOENT;
	*ret = val;
	return 0;
}

int vfc_cmdline_get_root(const char *cmdline, char **ret)
{
	_cleanup_free_ char *root = NULL, *type = NULL;
	char *spec;
	int r;

	r = vfc_cmdline_get(cmdline, "root", &root);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = vfc_cmdline_get(cmdline, "rootfstype", &type);
	if (r < 0 && r != -ENOENT)
		return r;
	if (strncmp(root, ROOT_PREFIX, strlen(ROOT_PREFIX)) == 0)
		spec = strdup(root + strlen(ROOT_PREFIX));
	else if (type && strcmp(type, "virtiofs") == 0)
		spec = strdup(root);
	else
		return 0;
	if (!spec)
		return -ENOMEM;
	if (!*spec) {
		free(spec);
		return 0;
	}
	*ret = spec;
	return 1;
}

bool vfc_in_initrd(void)
{
	const char *e = getenv("SYSTEMD_IN_INITRD");

	if (e && *e)
		return strcmp(e, "1") == 0 || strcmp(e, "yes") == 0 || strcmp(e, "true") == 0 ||
		       strcmp(e, "on") == 0 || strcmp(e, "y") == 0 || strcmp(e, "t") == 0;
	return access("/etc/initrd-release", F_OK) == 0;
}
