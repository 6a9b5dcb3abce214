// SPDX-License-Identifier: MIT
#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "config.h"
#include "escape.h"
#include "macro.h"
#include "mountopts.h"

int vfc_mountopts_get_wait(const char *options, int *ret_ms, char **ret_msg)
{
	char *val = NULL;
	size_t len = 0;
	int s;

	if (!options || mnt_optstr_get_option(options, VFC_OPT_WAIT, &val, &len) != 0)
		return 0;
	if (!val || vfc_config_parse_wait(val, len, &s) < 0) {
		/* The value is the administrator's text: shown short, never raw. */
		_cleanup_free_ char *raw = val ? strndup(val, len < 16 ? len : 16) : strdup("");
		_cleanup_free_ char *shown = raw ? vfc_escape_display(raw) : NULL;

		if (ret_msg && asprintf(ret_msg,
					"invalid %s=%s: expected a number of seconds "
					"from 0 to %d",
					VFC_OPT_WAIT, shown ? shown : "", VFC_WAIT_MAX_S) < 0)
			*ret_msg = NULL;
		return -EINVAL;
	}
	*ret_ms = s * 1000;
	return 1;
}

bool vfc_mountopts_is_operation(const char *options)
{
	unsigned long flags = 0;

	if (!options ||
	    mnt_optstr_get_flags(options, &flags, mnt_get_builtin_optmap(MNT_LINUX_MAP)) != 0)
		return false;
	return flags &
	       (MS_REMOUNT | MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE);
}

/*
 * Options of virtiofsd, the host's daemon, that people put on the guest's
 * mount: the guest kernel's virtiofs takes none of them (only dax and
 * dax=always|never|inode besides the generic VFS ones).
 */
/* clang-format off */
static const char *const host_options[] = {
	"cache", "sandbox", "xattr", "no_xattr", "xattrmap", "uid", "gid", "thread-pool-size",
	"thread_pool_size", "source", "socket-path", "shared-dir", "announce_submounts",
	"posix_acl", "writeback", "no_writeback", "flock", "posix_lock", "readdirplus",
	"no_readdirplus", "timeout", "allow_direct_io", "modcaps", "log_level", "killpriv_v2",
};
/* clang-format on */

const char *vfc_mountopts_find_host_option(const char *options, size_t *ret_len)
{
	char *p = (char *)options, *name, *value;
	size_t nlen, vlen;

	while (p && mnt_optstr_next_option(&p, &name, &nlen, &value, &vlen) == 0)
		for (size_t i = 0; i < ARRAY_SIZE(host_options); i++)
			if (strlen(host_options[i]) == nlen &&
			    strncmp(name, host_options[i], nlen) == 0) {
				*ret_len = value ? (size_t)(value + vlen - name) : nlen;
				return name;
			}
	return NULL;
}

/* libmount's own list (its mnt_valid_tagname(), which it does not export). */
bool vfc_mountopts_is_libmount_tag(const char *source, size_t *ret_len)
{
	static const char *const names[] = {"LABEL", "UUID", "PARTLABEL", "PARTUUID", "ID"};
	size_t len = strcspn(source, "=");

	/* "LABEL=" with nothing after it is no lookup: libmount passes it on as it is. */
	if (!source[len] || !source[len + 1])
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == len && strncmp(source, names[i], len) == 0) {
			*ret_len = len;
			return true;
		}
	return false;
}

int vfc_mountopts_set_auto(char **options, const struct vfc_busid *id, unsigned long long instance)
{
	char busid[VFC_BUSID_STRLEN], val[VFC_BUSID_STRLEN + 24];

	snprintf(val, sizeof(val), "%s@%llu", vfc_busid_format(id, busid), instance);
	return mnt_optstr_set_option(options, VFC_OPT_AUTO, val) < 0 ? -ENOMEM : 0;
}

int vfc_mountopts_get_auto(const char *uopts, struct vfc_busid *ret_id,
			   unsigned long long *ret_instance)
{
	char buf[VFC_BUSID_STRLEN + 24], *val = NULL, *at, *end;
	unsigned long long instance = 0;
	struct vfc_busid id;
	size_t len = 0;

	if (!uopts || mnt_optstr_get_option(uopts, VFC_OPT_AUTO, &val, &len) != 0)
		return -ENOENT;
	if (!val || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, val, len);
	buf[len] = '\0';
	at = strchr(buf, '@');
	if (at) {
		*at++ = '\0';
		errno = 0;
		instance = strtoull(at, &end, 10);
		if (!*at || *end || errno)
			return -EINVAL;
	}
	if (vfc_busid_parse(buf, &id, NULL, NULL) < 0)
		return -EINVAL;
	*ret_id = id;
	*ret_instance = instance;
	return 0;
}
