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
	_cleanup_free_ char *name = vfc_escape_alias(tag);
	char *p;

	if (!name || asprintf(&p, "%s/%s", VFC_ALIAS_TAG_DIR, name) < 0)
		return NULL;
	return p;
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

bool vfc_unit_is_bound(const char *target)
{
	_cleanup_free_ char *unit = vfc_escape_unit_path(target, ".mount"), *path = NULL;

	if (!unit ||
	    asprintf(&path, "%s/%s.d/%s", VFC_GENERATOR_DIR, unit, VFC_GENERATOR_DROPIN) < 0)
		return false;
	return access(path, F_OK) == 0;
}
