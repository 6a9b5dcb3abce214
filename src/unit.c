// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "device.h"
#include "escape.h"
#include "export.h"
#include "fstab.h"
#include "macro.h"
#include "spec.h"
#include "unit.h"

char *vfc_unit_alias_busid(const struct vfc_busid *id)
{
	char busid[VFC_BUSID_STRLEN], *p;

	if (asprintf(&p, "%s/%s", VFC_ALIAS_BUSID_DIR, vfc_busid_format(id, busid)) < 0)
		return NULL;
	return p;
}

char *vfc_unit_alias_tag(const char *tag)
{
	return vfc_escape_subdir(VFC_ALIAS_TAG_DIR, tag);
}

int vfc_unit_line_alias(struct vfc_ctx *ctx, const char *spec, char **ret)
{
	enum vfc_spec_kind kind;
	struct vfc_busid id;
	char *p = NULL;

	kind = vfc_spec_parse(spec, 0, &id, NULL);
	if (vfc_spec_kind_is_busid(kind))
		p = vfc_unit_alias_busid(&id);
	else if (kind == VFC_SPEC_TAG &&
		 (vfc_export_exists(ctx) || vfc_config_find_tag(vfc_ctx_get_config(ctx), spec)))
		p = vfc_unit_alias_tag(spec);
	else {
		*ret = NULL;
		return 0;
	}
	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}

int vfc_unit_device_wants(struct vfc_device *dev, const struct vfc_fstab_entry *e, size_t n,
			  char **ret)
{
	_cleanup_free_ char *out = strdup("");
	const struct vfc_busid *id = vfc_device_get_busid(dev);
	const char *tag = vfc_device_get_tag(dev);

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *unit = NULL;
		char *next;

		if (e[i].noauto || !vfc_fstab_source_names(e[i].spec, id, tag))
			continue;
		unit = vfc_escape_unit_path(e[i].target, ".mount");
		if (!unit)
			continue; /* not an absolute path: systemd takes no such line either */
		if (asprintf(&next, "%s%s%s", out, *out ? " " : "", unit) < 0)
			return -ENOMEM;
		free(out);
		out = next;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

bool vfc_unit_is_bound(const char *target)
{
	_cleanup_free_ char *unit = vfc_escape_unit_path(target, ".mount"), *path = NULL;

	if (!unit ||
	    asprintf(&path, "%s/%s.d/%s", VFC_GENERATOR_DIR, unit, VFC_GENERATOR_DROPIN) < 0)
		return false;
	return access(path, F_OK) == 0;
}
