// SPDX-License-Identifier: MIT
/*
 * vfc_config_parse() on any text (/etc/virtiofs-ccw.conf). An error comes
 * with a message naming the file and line that is safe to print; a success
 * holds only values the header allows, maps every "tag BUS-ID = TAG" line both
 * ways, and the settings written back out read back the same.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

#define NAME "fuzz.conf"

static char *trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* Printable ASCII or well-formed UTF-8 only: nothing that can drive a terminal. */
static void check_printable(const char *msg)
{
	for (const unsigned char *p = (const unsigned char *)msg; *p;) {
		size_t n = *p >= 0x20 && *p < 0x7f ? 1 : fuzz_utf8_len(p);

		FUZZ_ASSERT(n > 0, "message '%s' holds raw byte 0x%02x", fuzz_show(msg), *p);
		p += n;
	}
}

static void check_values(const struct vfc_config *cfg)
{
	const char *base = vfc_config_get_mount_base(cfg), *opts = vfc_config_get_options(cfg);
	size_t bl = strlen(base), ol = strlen(opts);
	enum vfc_automount am = vfc_config_get_automount(cfg);
	int wait = vfc_config_get_wait(cfg);

	FUZZ_ASSERT(am == VFC_AUTOMOUNT_FSTAB || am == VFC_AUTOMOUNT_ALL ||
			    am == VFC_AUTOMOUNT_NONE,
		    "automount %d", am);
	FUZZ_ASSERT(base[0] == '/' && !strpbrk(base, " \t\n") && !strstr(base, "/../") &&
			    !strstr(base, "/./") && !(bl >= 3 && !strcmp(base + bl - 3, "/..")) &&
			    !(bl >= 2 && !strcmp(base + bl - 2, "/.")),
		    "mount-base '%s' taken", fuzz_show(base));
	FUZZ_ASSERT(ol > 0 && !strpbrk(opts, " \t\n\"'\\") && opts[0] != ',' &&
			    opts[ol - 1] != ',' && !strstr(opts, ",,"),
		    "options '%s' taken", fuzz_show(opts));
	FUZZ_ASSERT(wait >= 0 && wait <= 86400, "wait %d taken", wait);
}

/*
 * Every "tag BUS-ID = TAG" line of @text, read here on its own, is in @cfg
 * both ways; written to @canon (if not NULL) in canonical form.
 */
static void check_tags(const struct vfc_config *cfg, const char *text, FILE *canon)
{
	char *copy = strdup(text), *line, *save = NULL;

	if (!copy)
		abort();
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *key, *eq, *val, busid[VFC_BUSID_STRLEN];
		const struct vfc_busid *found;
		struct vfc_busid id;
		const char *tag;

		key = trim(line);
		eq = strchr(key, '=');
		if (*key == '#' || !eq || strncmp(key, "tag", 3) != 0 ||
		    (key[3] != ' ' && key[3] != '\t'))
			continue;
		*eq = '\0';
		val = trim(eq + 1);
		FUZZ_ASSERT(vfc_busid_parse(trim(key + 3), &id, NULL, NULL) == 0,
			    "accepted a tag line for '%s'", fuzz_show(key + 3));
		tag = vfc_config_get_tag(cfg, &id);
		FUZZ_ASSERT(tag && strcmp(tag, val) == 0, "tag of %s is '%s', the file says '%s'",
			    vfc_busid_format(&id, busid), tag ? fuzz_show(tag) : "(none)",
			    fuzz_show(val));
		FUZZ_ASSERT(strlen(tag) >= 1 && strlen(tag) <= 36, "tag of %zu bytes", strlen(tag));
		found = vfc_config_find_tag(cfg, val);
		FUZZ_ASSERT(found && vfc_busid_cmp(found, &id) == 0,
			    "tag '%s' finds another device", fuzz_show(val));
		if (canon)
			fprintf(canon, "tag %s = %s\n", vfc_busid_format(&id, busid), tag);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const am_names[] = { "fstab", "all", "none" };
	static char untouched;
	struct vfc_config *cfg = (struct vfc_config *)&untouched, *again = NULL;
	char *text = fuzz_cstr(data, size), *msg = NULL, *canon = NULL;
	size_t canon_len = 0;
	FILE *f;
	int r;

	r = vfc_config_parse(NAME, text, &cfg, &msg);
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL, "'%s': error %d", fuzz_show(text), r);
		FUZZ_ASSERT(msg && strncmp(msg, NAME ":", strlen(NAME ":")) == 0,
			    "'%s': message '%s' does not name the file", fuzz_show(text),
			    msg ? fuzz_show(msg) : "(null)");
		check_printable(msg);
		FUZZ_ASSERT(cfg == (struct vfc_config *)&untouched,
			    "failed parse wrote the result");
		free(msg);
		free(text);
		return 0;
	}
	FUZZ_ASSERT(msg == NULL, "success with a message '%s'", fuzz_show(msg));
	check_values(cfg);

	/* The settings written out canonically read back the same. */
	f = open_memstream(&canon, &canon_len);
	if (!f)
		abort();
	fprintf(f, "# canonical\nautomount = %s\nmount-base = %s\noptions = %s\nwait = %d\n",
		am_names[vfc_config_get_automount(cfg)], vfc_config_get_mount_base(cfg),
		vfc_config_get_options(cfg), vfc_config_get_wait(cfg));
	check_tags(cfg, text, f);
	fclose(f);
	r = vfc_config_parse(NAME, canon, &again, &msg);
	FUZZ_ASSERT(r == 0, "canonical form does not parse: %s\n%s", msg ? fuzz_show(msg) : "",
		    fuzz_show(canon));
	FUZZ_ASSERT(
		vfc_config_get_automount(again) == vfc_config_get_automount(cfg) &&
			strcmp(vfc_config_get_mount_base(again), vfc_config_get_mount_base(cfg)) ==
				0 &&
			strcmp(vfc_config_get_options(again), vfc_config_get_options(cfg)) == 0 &&
			vfc_config_get_wait(again) == vfc_config_get_wait(cfg),
		"canonical form reads back differently: %s", fuzz_show(canon));
	check_tags(again, text, NULL);
	vfc_config_unref(again);
	vfc_config_unref(cfg);
	free(canon);
	free(text);
	return 0;
}
