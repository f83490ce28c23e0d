// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The vGPU keys of an xl domain configuration (see vgt_config.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "vgt_config.h"

/* One problem, in the one format every message has. */
#define report(ctx, key, ...)                                      \
	do {                                                       \
		fprintf((ctx)->err, "%s: %s: ", (ctx)->file, key); \
		fprintf((ctx)->err, __VA_ARGS__);                  \
		fputc('\n', (ctx)->err);                           \
		(ctx)->bad++;                                      \
	} while (0)

struct parse_ctx {
	const char *file;
	FILE *err;
	const XLU_Config *cfg;
	int bad;
};

const char *vgt_path_name(enum vgt_path path)
{
	return path == VGT_PATH_DM ? "dm" : "kernel";
}

int vgt_parse_bdf(const char *s, uint32_t *sbdf)
{
	unsigned int bus, dev, fn;
	int n = 0;

	if (sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) != 3 ||
	    s[n] != '\0' || n != 7 || dev > 31 || fn > 7)
		return -EINVAL;
	*sbdf = bus << 8 | dev << 3 | fn;
	return 0;
}

/* A string key: 1 if given, 0 if absent, -1 (reported) if not a string. */
static int get_string(struct parse_ctx *c, const char *key, const char **v)
{
	int rc = xlu_cfg_get_string(c->cfg, key, v, 1);

	if (rc == ESRCH)
		return 0;
	if (rc) {
		report(c, key, "not a string (write %s = \"...\")", key);
		return -1;
	}
	return 1;
}

/*
 * A number key in @min..@max: 1 if given, 0 if absent, -1 (reported)
 * otherwise.  Numbers are decimal, as everywhere in xl.
 */
static int get_number(struct parse_ctx *c, const char *key, long min, long max,
		      const char *unit, uint32_t *out)
{
	const char *s;
	char *end;
	long v;
	int rc = xlu_cfg_get_long(c->cfg, key, &v, 1);

	if (rc == ESRCH)
		return 0;
	/* xl writes numbers bare; a quoted one is still read as a number. */
	if (rc == EINVAL && !xlu_cfg_get_string(c->cfg, key, &s, 1)) {
		errno = 0;
		v = strtol(s, &end, 10);
		rc = (errno || end == s || *end) ? EINVAL : 0;
	}
	if (rc || v < min || v > max) {
		report(c, key, "not a decimal number in %ld..%ld%s%s", min, max,
		       unit ? " " : "", unit ? unit : "");
		return -1;
	}
	*out = (uint32_t)v;
	return 1;
}

static void list_types(struct parse_ctx *c, const char *const *types)
{
	for (int i = 0; types[i]; i++)
		fprintf(c->err, "%s%s", i ? ", " : "", types[i]);
}

static void parse_type(struct parse_ctx *c, const char *const *types,
		       struct vgt_config *out)
{
	const char *v;
	int i, given = get_string(c, "vgt_type", &v);

	if (given <= 0)
		return;
	for (i = 0; types[i]; i++)
		if (!strcmp(v, types[i]))
			break;
	if (!types[i] || strlen(v) >= sizeof(out->type)) {
		fprintf(c->err, "%s: vgt_type: unknown type \"%s\" (accepted: ",
			c->file, v);
		list_types(c, types);
		fprintf(c->err, ")\n");
		c->bad++;
		return;
	}
	strcpy(out->type, v);
}

static void parse_guest(struct parse_ctx *c, struct vgt_config *out)
{
	const char *v;
	int given = get_string(c, "name", &v);

	if (given == 0)
		report(c, "name", "missing: the domain needs a name");
	else if (given > 0 && strlen(v) >= sizeof(out->name))
		report(c, "name", "longer than %zu characters",
		       sizeof(out->name) - 1);
	else if (given > 0)
		strcpy(out->name, v);

	/* xl's own keys: type, or the older builder. */
	given = get_string(c, "type", &v);
	if (given == 0 && get_string(c, "builder", &v) > 0)
		given = 1;
	if (given < 0)
		return;
	if (given > 0 && !strcmp(v, "hvm"))
		out->hvm = true;
	else if (given == 0 || strcmp(v, "pvh"))
		report(c, "type",
		       "\"%s\": a vGPU needs an HVM or PVH guest (accepted: \"hvm\", \"pvh\")",
		       given ? v : "pv (xl's default)");
}

static void parse_path(struct parse_ctx *c, struct vgt_config *out)
{
	const char *v;

	out->path = VGT_PATH_KERNEL;
	if (get_string(c, "vgt_path", &v) <= 0)
		return;
	if (!strcmp(v, "dm"))
		out->path = VGT_PATH_DM;
	else if (strcmp(v, "kernel"))
		report(c, "vgt_path", "\"%s\" (accepted: \"kernel\", \"dm\")",
		       v);
}

static void parse_bdf(struct parse_ctx *c, struct vgt_config *out)
{
	const char *v;
	int given = get_string(c, "vgt_bdf", &v);

	/* With vga = "none", QEMU's platform device sits at 00:02.0. */
	out->sbdf = out->hvm ? 5 << 3 : 2 << 3;
	if (given > 0 && vgt_parse_bdf(v, &out->sbdf))
		report(c, "vgt_bdf",
		       "\"%s\" is not a PCI address BB:DD.F (hex, device 00..1f, function 0..7)",
		       v);
}

static const char *const vgt_keys[] = {
	"vgt_type",	"vgt_low_gm_sz", "vgt_high_gm_sz",
	"vgt_fence_sz", "vgt_weight",	 "vgt_cap",
	"vgt_path",	"vgt_bdf",	 "vgt_ggtt_ram",
	NULL,
};

static void parse(struct parse_ctx *c, const char *const *types,
		  struct vgt_config *out)
{
	uint32_t vgt = 0;
	int sizes;

	memset(out, 0, sizeof(*out));
	if (get_number(c, "vgt", 0, 1, NULL, &vgt) < 0)
		return;
	out->enabled = vgt;
	if (!out->enabled) {
		const char *any = NULL;

		for (int i = 0; vgt_keys[i]; i++) {
			XLU_ConfigList *l;

			/* Present in any form: a string, a number or a list. */
			if (xlu_cfg_get_list(c->cfg, vgt_keys[i], &l, NULL,
					     1) != ESRCH) {
				any = vgt_keys[i];
				break;
			}
		}
		if (any)
			report(c, any,
			       "given, but vgt is not 1: a guest that asks for a vGPU never boots without one (set vgt = 1, or remove the vgt_ keys)");
		return;
	}
	parse_guest(c, out);
	parse_type(c, types, out);
	sizes = (get_number(c, "vgt_low_gm_sz", 1, 65535, "MiB",
			    &out->low_gm_mb) > 0) +
		(get_number(c, "vgt_high_gm_sz", 1, 65535, "MiB",
			    &out->high_gm_mb) > 0) +
		(get_number(c, "vgt_fence_sz", 1, 32, "fence registers",
			    &out->fences) > 0);
	get_number(c, "vgt_weight", 1, 16, NULL, &out->weight);
	get_number(c, "vgt_cap", 0, 100, "percent", &out->cap);
	parse_path(c, out);
	parse_bdf(c, out);
	{
		/* The stock i915 writes GFX_FLSH_CNTL after its GGTT updates. */
		uint32_t ggtt_ram = out->hvm;

		get_number(c, "vgt_ggtt_ram", 0, 1, NULL, &ggtt_ram);
		out->ggtt_ram = ggtt_ram;
	}
	if (c->bad)
		return;
	if (out->type[0] && sizes)
		report(c, "vgt_type",
		       "given with custom sizes: give either vgt_type or all of vgt_low_gm_sz, vgt_high_gm_sz and vgt_fence_sz");
	else if (sizes && sizes < 3)
		report(c, "vgt_low_gm_sz",
		       "a custom vGPU needs all of vgt_low_gm_sz, vgt_high_gm_sz and vgt_fence_sz");
	else if (!sizes && !out->type[0])
		strcpy(out->type, types[0]); /* "smallest first": the default */
}

/* @data NULL: read the file @file (xlu reports why it cannot). */
static int parse_with_xlu(const char *file, const char *data, int len,
			  const char *const *types, struct vgt_config *out,
			  FILE *err)
{
	struct parse_ctx c = { .file = file, .err = err };
	XLU_Config *cfg;
	int ret;

	if (!types || !types[0])
		return -EINVAL;
	cfg = xlu_cfg_init(err, file);
	if (!cfg)
		return -ENOMEM;
	/* xlu reports syntax errors itself, with the file and line. */
	ret = data ? xlu_cfg_readdata(cfg, data, len) :
		     xlu_cfg_readfile(cfg, file);
	if (ret) {
		xlu_cfg_destroy(cfg);
		if (!data && ret != EINVAL)
			fprintf(err, "%s: %s\n", file, strerror(ret));
		return -ret;
	}
	c.cfg = cfg;
	parse(&c, types, out);
	xlu_cfg_destroy(cfg);
	return c.bad ? -EINVAL : 0;
}

int vgt_config_parse(const char *file, const char *data, int len,
		     const char *const *types, struct vgt_config *out,
		     FILE *err)
{
	if (!data)
		return -EINVAL;
	return parse_with_xlu(file, data, len, types, out, err);
}

int vgt_config_read(const char *path, const char *const *types,
		    struct vgt_config *out, FILE *err)
{
	return parse_with_xlu(path, NULL, 0, types, out, err);
}
