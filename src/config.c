// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "escape.h"
#include "macro.h"
#include "virtiofs.h"

#define DEFAULT_MOUNT_BASE "/run/virtiofs"
#define DEFAULT_OPTIONS	   "nosuid,nodev"
/* The longest line we take: a key, a bus-ID and a 36-byte tag fit many times over. */
#define LINE_MAX_LEN 1024
#define FILE_MAX_LEN 65536

struct tag_map {
	struct vfc_busid id;
	char *tag;
};

struct vfc_config {
	int refcount;
	char *path;
	enum vfc_automount automount;
	char *mount_base;
	char *options;
	int wait;
	bool cio_free;
	enum vfc_mount_name mount_name;
	struct tag_map *map;
	size_t nmap;
	unsigned int seen; /* keys given, to refuse repeats */
};

enum {
	SEEN_AUTOMOUNT = 1,
	SEEN_BASE = 2,
	SEEN_OPTIONS = 4,
	SEEN_WAIT = 8,
	SEEN_NAME = 16,
	SEEN_CIO_FREE = 32,
};

/*
 * Where a mount base must not be: the root and the system's own directories
 * (and anything below the kernel's pseudo filesystems), so that automount =
 * all never puts a share's directory beside /etc's files.
 */
static bool system_dir(const char *dir)
{
	static const char *const exact[] = { "/",    "/bin", "/boot", "/dev", "/etc",
					     "/lib", "/lib64", "/proc", "/root", "/run",
					     "/sbin", "/sys", "/tmp", "/usr", "/var" };
	static const char *const below[] = { "/proc/", "/sys/", "/dev/" };

	for (size_t i = 0; i < ARRAY_SIZE(exact); i++)
		if (strcmp(dir, exact[i]) == 0)
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(below); i++)
		if (strncmp(dir, below[i], strlen(below[i])) == 0)
			return true;
	return false;
}

int vfc_config_parse_wait(const char *s, size_t len, int *ret_s)
{
	int v = 0;

	if (len == 0 || len > 5 || strspn(s, "0123456789") < len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	if (v > VFC_WAIT_MAX_S)
		return -EINVAL;
	*ret_s = v;
	return 0;
}

static struct vfc_config *config_new(void)
{
	struct vfc_config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->refcount = 1;
	cfg->automount = VFC_AUTOMOUNT_FSTAB;
	cfg->wait = VFC_WAIT_DEFAULT_S;
	cfg->cio_free = true;
	cfg->mount_base = strdup(DEFAULT_MOUNT_BASE);
	cfg->options = strdup(DEFAULT_OPTIONS);
	if (!cfg->mount_base || !cfg->options)
		return vfc_config_unref(cfg);
	return cfg;
}

struct vfc_config *vfc_config_ref(struct vfc_config *cfg)
{
	if (cfg)
		cfg->refcount++;
	return cfg;
}

struct vfc_config *vfc_config_unref(struct vfc_config *cfg)
{
	if (!cfg || --cfg->refcount > 0)
		return NULL;
	for (size_t i = 0; i < cfg->nmap; i++)
		free(cfg->map[i].tag);
	free(cfg->map);
	free(cfg->mount_base);
	free(cfg->options);
	free(cfg->path);
	free(cfg);
	return NULL;
}

static void vfc_config_unrefp(struct vfc_config **c)
{
	vfc_config_unref(*c);
}

static char *trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

_printf_format_(4, 5) static int bad(char **ret_msg, const char *name, unsigned int line,
				     const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	if (ret_msg && asprintf(ret_msg, "%s:%u: %s", name, line, what ? what : "invalid") < 0)
		*ret_msg = NULL;
	return -EINVAL;
}

static int set_once(struct vfc_config *cfg, unsigned int flag, char **ret_msg, const char *name,
		    unsigned int line, const char *key)
{
	if (cfg->seen & flag)
		return bad(ret_msg, name, line, "'%s' is set twice", key);
	cfg->seen |= flag;
	return 0;
}

/*
 * One spelling per directory ("/run//virtiofs/" is "/run/virtiofs"): the
 * kernel's mount table shows the canonical one, and removal compares with it.
 */
static char *normalize_dir(const char *path)
{
	char *out = malloc(strlen(path) + 1), *o = out;

	if (!out)
		return NULL;
	for (const char *p = path; *p; p++)
		if (*p != '/' || o == out || o[-1] != '/')
			*o++ = *p;
	if (o > out + 1 && o[-1] == '/')
		o--;
	*o = '\0';
	return out;
}

/* Options as mount(8) takes them: comma-separated, no blanks, no empty ones. */
static bool valid_options(const char *v)
{
	if (!*v || strpbrk(v, " \t\"'\\") || v[0] == ',' || v[strlen(v) - 1] == ',' ||
	    strstr(v, ",,"))
		return false;
	return true;
}

static int parse_line(struct vfc_config *cfg, char *line, const char *name, unsigned int lineno,
		      char **ret_msg)
{
	_cleanup_free_ char *shown = NULL;
	char *eq, *key, *val;
	int r;

	eq = strchr(line, '=');
	if (!eq)
		return bad(ret_msg, name, lineno, "expected 'key = value'");
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);

	if (strcmp(key, "automount") == 0) {
		r = set_once(cfg, SEEN_AUTOMOUNT, ret_msg, name, lineno, key);
		if (r < 0)
			return r;
		if (strcmp(val, "fstab") == 0)
			cfg->automount = VFC_AUTOMOUNT_FSTAB;
		else if (strcmp(val, "all") == 0)
			cfg->automount = VFC_AUTOMOUNT_ALL;
		else if (strcmp(val, "none") == 0)
			cfg->automount = VFC_AUTOMOUNT_NONE;
		else
			goto bad_value;
		return 0;
	}
	if (strcmp(key, "mount-base") == 0) {
		r = set_once(cfg, SEEN_BASE, ret_msg, name, lineno, key);
		if (r < 0)
			return r;
		/* Absolute, and no "." or ".." that would walk out of what it names. */
		if (val[0] != '/' || strstr(val, "/../") || strstr(val, "/./") ||
		    (strlen(val) >= 3 && strcmp(val + strlen(val) - 3, "/..") == 0) ||
		    (strlen(val) >= 2 && strcmp(val + strlen(val) - 2, "/.") == 0) ||
		    strpbrk(val, " \t"))
			return bad(ret_msg, name, lineno,
				   "mount-base: expected an absolute directory without '.', '..' "
				   "or blanks");
		free(cfg->mount_base);
		cfg->mount_base = normalize_dir(val);
		if (!cfg->mount_base)
			return -ENOMEM;
		if (system_dir(cfg->mount_base)) {
			shown = vfc_escape_display(cfg->mount_base);
			return bad(ret_msg, name, lineno,
				   "mount-base: %s is a system directory; expected one of its own, "
				   "such as /run/virtiofs",
				   shown ? shown : "");
		}
		return 0;
	}
	if (strcmp(key, "mount-name") == 0) {
		r = set_once(cfg, SEEN_NAME, ret_msg, name, lineno, key);
		if (r < 0)
			return r;
		if (strcmp(val, "tag") == 0)
			cfg->mount_name = VFC_MOUNT_NAME_TAG;
		else if (strcmp(val, "busid") == 0)
			cfg->mount_name = VFC_MOUNT_NAME_BUSID;
		else
			return bad(ret_msg, name, lineno,
				   "mount-name: unknown value; expected tag or busid");
		return 0;
	}
	if (strcmp(key, "options") == 0) {
		r = set_once(cfg, SEEN_OPTIONS, ret_msg, name, lineno, key);
		if (r < 0)
			return r;
		if (!valid_options(val))
			return bad(ret_msg, name, lineno,
				   "options: expected comma-separated mount options without "
				   "blanks or quotes");
		free(cfg->options);
		cfg->options = strdup(val);
		return cfg->options ? 0 : -ENOMEM;
	}
	if (strcmp(key, "wait") == 0) {
		r = set_once(cfg, SEEN_WAIT, ret_msg, name, lineno, key);
		if (r < 0)
			return r;
		if (vfc_config_parse_wait(val, strlen(val), &cfg->wait) < 0)
			return bad(ret_msg, name, lineno,
				   "wait: expected a number of seconds from 0 to %d", VFC_WAIT_MAX_S);
		return 0;
	}
	if (strcmp(key, "cio-free") == 0) {
		r = set_once(cfg, SEEN_CIO_FREE, ret_msg, name, lineno, key);
		if (r < 0)
			return r;
		if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0)
			return bad(ret_msg, name, lineno, "cio-free: expected yes or no");
		cfg->cio_free = strcmp(val, "yes") == 0;
		return 0;
	}
	if (strncmp(key, "tag", 3) == 0 && (key[3] == ' ' || key[3] == '\t')) {
		const char *reason = NULL;
		struct vfc_busid id;
		struct tag_map *nm;
		char *busid = trim(key + 3);

		r = vfc_busid_parse(busid, &id, NULL, &reason);
		if (r < 0) {
			shown = vfc_escape_display(busid);
			return bad(ret_msg, name, lineno, "tag: '%s' is not a bus-ID: %s",
				   shown ? shown : "", reason);
		}
		if (!*val || strlen(val) > VFC_TAG_MAX)
			return bad(ret_msg, name, lineno, "tag: expected a tag of 1 to %d bytes",
				   VFC_TAG_MAX);
		for (size_t i = 0; i < cfg->nmap; i++) {
			if (vfc_busid_cmp(&cfg->map[i].id, &id) == 0)
				return bad(ret_msg, name, lineno, "tag: %s is set twice", busid);
			/* Tags are unique on a guest, so one tag names one device. */
			if (strcmp(cfg->map[i].tag, val) == 0)
				return bad(ret_msg, name, lineno,
					   "tag: two devices cannot have the same tag");
		}
		nm = realloc(cfg->map, (cfg->nmap + 1) * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		cfg->map = nm;
		nm[cfg->nmap].id = id;
		nm[cfg->nmap].tag = strdup(val);
		if (!nm[cfg->nmap].tag)
			return -ENOMEM;
		cfg->nmap++;
		return 0;
	}
	shown = vfc_escape_display(key);
	return bad(ret_msg, name, lineno,
		   "unknown key '%s'; expected automount, mount-base, mount-name, options, wait, "
		   "cio-free or 'tag BUS-ID'",
		   shown ? shown : "");

bad_value:
	shown = vfc_escape_display(val);
	return bad(ret_msg, name, lineno, "%s: unknown value '%s'; expected fstab, all or none",
		   key, shown ? shown : "");
}

int vfc_config_parse(const char *name, const char *text, struct vfc_config **ret, char **ret_msg)
{
	_cleanup_(vfc_config_unrefp) struct vfc_config *cfg = config_new();
	unsigned int lineno = 0;
	const char *p = text;

	if (!cfg)
		return -ENOMEM;
	cfg->path = strdup(name);
	if (!cfg->path)
		return -ENOMEM;
	while (*p) {
		char buf[LINE_MAX_LEN + 1], *line;
		size_t len = strcspn(p, "\n");
		int r;

		lineno++;
		if (len > LINE_MAX_LEN)
			return bad(ret_msg, name, lineno, "line longer than %d bytes", LINE_MAX_LEN);
		memcpy(buf, p, len);
		buf[len] = '\0';
		p += len + (p[len] == '\n');
		if (memchr(buf, '\0', len))
			return bad(ret_msg, name, lineno, "NUL byte in line");

		line = trim(buf);
		if (!*line || *line == '#')
			continue;
		r = parse_line(cfg, line, name, lineno, ret_msg);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(cfg);
	return 0;
}

int vfc_config_load(const char *path, struct vfc_config **ret, char **ret_msg)
{
	_cleanup_free_ char *text = NULL;
	/* Not in a set-uid run: a user must not hand root a policy of theirs. */
	const char *env = secure_getenv(VFC_CONFIG_ENV);
	bool named = path || (env && *env);
	size_t len;
	FILE *f;
	int r;

	if (!path)
		path = env && *env ? env : VFC_CONFIG_PATH;
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		if (r == -ENOENT && !named)
			return vfc_config_parse(path, "", ret, ret_msg);
		if (ret_msg && asprintf(ret_msg, "%s: %s", path, strerror(-r)) < 0)
			*ret_msg = NULL;
		return r;
	}
	/* Run set-uid by a user: follow only a file that only root can change. */
	if (getuid() != geteuid()) {
		struct stat st;

		if (fstat(fileno(f), &st) < 0 || st.st_uid != 0 || (st.st_mode & 022)) {
			fclose(f);
			if (ret_msg && asprintf(ret_msg, "%s: not root's, or writable by others", path) < 0)
				*ret_msg = NULL;
			return -EPERM;
		}
	}
	/* Small by nature; 64 KiB is far beyond any real policy file: read one byte more. */
	text = malloc(FILE_MAX_LEN + 2);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	len = fread(text, 1, FILE_MAX_LEN + 1, f);
	r = ferror(f) ? -EIO : 0;
	fclose(f);
	if (r < 0)
		return r;
	if (len > FILE_MAX_LEN)
		return bad(ret_msg, path, 0, "file larger than 64 KiB");
	if (memchr(text, '\0', len))
		return bad(ret_msg, path, 0, "NUL byte in file");
	text[len] = '\0';
	return vfc_config_parse(path, text, ret, ret_msg);
}

const char *vfc_config_get_path(const struct vfc_config *cfg)
{
	return cfg->path;
}

enum vfc_automount vfc_config_get_automount(const struct vfc_config *cfg)
{
	return cfg->automount;
}

const char *vfc_automount_to_string(enum vfc_automount a)
{
	static const char *const names[] = {
		[VFC_AUTOMOUNT_FSTAB] = "fstab",
		[VFC_AUTOMOUNT_ALL] = "all",
		[VFC_AUTOMOUNT_NONE] = "none",
	};

	return (size_t)a < ARRAY_SIZE(names) ? names[a] : NULL;
}

const char *vfc_config_get_mount_base(const struct vfc_config *cfg)
{
	return cfg->mount_base;
}

const char *vfc_config_get_options(const struct vfc_config *cfg)
{
	return cfg->options;
}

int vfc_config_get_wait(const struct vfc_config *cfg)
{
	return cfg->wait;
}

bool vfc_config_get_cio_free(const struct vfc_config *cfg)
{
	return cfg->cio_free;
}

enum vfc_mount_name vfc_config_get_mount_name(const struct vfc_config *cfg)
{
	return cfg->mount_name;
}

const char *vfc_config_get_tag(const struct vfc_config *cfg, const struct vfc_busid *id)
{
	for (size_t i = 0; cfg && i < cfg->nmap; i++)
		if (vfc_busid_cmp(&cfg->map[i].id, id) == 0)
			return cfg->map[i].tag;
	return NULL;
}

const struct vfc_busid *vfc_config_find_tag(const struct vfc_config *cfg, const char *tag)
{
	for (size_t i = 0; cfg && i < cfg->nmap; i++)
		if (strcmp(cfg->map[i].tag, tag) == 0)
			return &cfg->map[i].id;
	return NULL;
}
