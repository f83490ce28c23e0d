// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * `xengt create` (see create.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "create.h"
#include "dm_state.h"
#include "toolstack.h"
#include "vgt_config.h"
#include "xengt_sysfs.h"

/* What exists so far, for the undo. */
struct made {
	uint32_t domid;
	bool domain, vgpu, trap;
	uint32_t vgpu_id;
};

static void say_err(const char *what, int err)
{
	fprintf(stderr, "xengt create: %s: %s\n", what, strerror(-err));
}

/*
 * The record in xenstore (dm_state.h) is what the toolstack and admins
 * read; the vGPU works without it, so a failure to write it is said,
 * not fatal.
 */
static void record(const struct vgt_config *c, const struct made *m,
		   const char *state)
{
	struct dm_state s;
	int ret;

	dm_state_init(&s);
	snprintf(s.state, sizeof(s.state), "%s", state);
	snprintf(s.path, sizeof(s.path), "%s", vgt_path_name(c->path));
	snprintf(s.bdf, sizeof(s.bdf), "%02x:%02x.%x", c->sbdf >> 8,
		 (c->sbdf >> 3) & 31, c->sbdf & 7);
	snprintf(s.type, sizeof(s.type), "%s", c->type[0] ? c->type : "custom");
	s.vgpu = m->vgpu_id;
	ret = dm_state_write(m->domid, &s, true);
	if (ret)
		fprintf(stderr,
			"xengt: domain %u: cannot record its vGPU in xenstore (%s/%u/xengt): %s\n",
			m->domid, DM_STATE_DIR, m->domid, strerror(-ret));
}

static void forget(uint32_t domid)
{
	int ret = dm_state_remove(domid);

	if (ret)
		fprintf(stderr,
			"xengt: domain %u: cannot remove its xenstore record (%s/%u/xengt): %s\n",
			domid, DM_STATE_DIR, domid, strerror(-ret));
}

static void undo(struct made *m)
{
	char id[16];
	int ret;

	snprintf(id, sizeof(id), "%u", m->domid);
	/* The trap path goes with the vGPU; the domain last. */
	if (m->vgpu) {
		ret = xsys_destroy(m->domid);
		if (ret)
			say_err("undo: destroying the vGPU", ret);
		forget(m->domid);
	}
	if (m->domain) {
		const char *argv[] = { ts_xl(), "destroy", id, NULL };

		ret = ts_run(argv, NULL, 0);
		if (ret)
			fprintf(stderr,
				"xengt create: undo: xl destroy %s exited %d\n",
				id, ret);
	}
	fprintf(stderr, "xengt create: undone: no domain, no vGPU left\n");
}

static int check_fits(const struct vgt_config *c)
{
	struct xsys_type types[XSYS_MAX_TYPES];
	struct xsys_resources r;
	int n, i;

	if (!c->type[0]) {
		if (xsys_resources(&r))
			return XE_NOMODULE;
		if (c->low_gm_mb > r.low_gm_mb ||
		    c->high_gm_mb > r.high_gm_mb || c->fences > r.fences ||
		    r.vgpus >= r.vgpus_max) {
			fprintf(stderr,
				"xengt create: a %u/%u MiB, %u-fence vGPU does not fit: largest free %u/%u MiB, %u fences, %u of %u vGPUs in use (xengt types)\n",
				c->low_gm_mb, c->high_gm_mb, c->fences,
				r.low_gm_mb, r.high_gm_mb, r.fences, r.vgpus,
				r.vgpus_max);
			return XE_NOSPACE;
		}
		return XE_OK;
	}
	n = xsys_types(types, XSYS_MAX_TYPES);
	if (n < 0)
		return XE_NOMODULE;
	for (i = 0; i < n && strcmp(types[i].name, c->type); i++)
		;
	if (i < n && !types[i].available) {
		fprintf(stderr,
			"xengt create: no %s vGPU fits on the GPU now (xengt types)\n",
			c->type);
		return XE_NOSPACE;
	}
	return XE_OK;
}

static enum xengt_exit make_domain(const char *cfg, char *const *xl_args,
				   int nr, const struct vgt_config *c,
				   struct made *m)
{
	const char **argv = calloc(nr + 5, sizeof(*argv));
	char out[64], *end;
	unsigned long id;
	int ret, i, a = 0;

	if (!argv)
		return XE_FAIL;
	argv[a++] = ts_xl();
	argv[a++] = "create";
	argv[a++] = "-p";
	for (i = 0; i < nr; i++)
		argv[a++] = xl_args[i];
	argv[a++] = cfg;
	ret = ts_run(argv, NULL, 0);
	free(argv);
	if (ret) {
		fprintf(stderr, "xengt create: xl create -p %s exited %d\n",
			cfg, ret);
		return XE_TOOLSTACK;
	}
	/* Its id as xl (libxl) knows it by the configuration's name. */
	{
		const char *dargv[] = { ts_xl(), "domid", c->name, NULL };

		ret = ts_run(dargv, out, sizeof(out));
	}
	id = strtoul(out, &end, 10);
	if (ret || end == out || (*end && *end != '\n') || !id || id > 0x7fef) {
		fprintf(stderr,
			"xengt create: xl created \"%s\" but cannot tell its id (xl domid: status %d): destroy it by hand (xl destroy %s)\n",
			c->name, ret, c->name);
		return XE_TOOLSTACK;
	}
	m->domid = (uint32_t)id;
	m->domain = true;
	return XE_OK;
}

static enum xengt_exit make_vgpu(const struct vgt_config *c, struct made *m)
{
	struct xsys_vgpu v;
	int ret;

	if (c->type[0])
		ret = xsys_create_type(m->domid, c->type, c->weight, c->cap);
	else
		ret = xsys_create_custom(m->domid, c->low_gm_mb, c->high_gm_mb,
					 c->fences, c->weight, c->cap);
	if (ret) {
		say_err("the vGPU (control/create; dmesg says more)", ret);
		return ret == -ENOSPC ? XE_NOSPACE : XE_FAIL;
	}
	m->vgpu = true;
	ret = xsys_vgpu_of(m->domid, &v);
	if (ret) {
		say_err("the new vGPU is not in /sys/kernel/xengt", ret);
		return XE_FAIL;
	}
	m->vgpu_id = v.id;
	record(c, m, "attaching");
	return XE_OK;
}

static enum xengt_exit make_trap_path(const struct vgt_config *c,
				      struct made *m)
{
	char bdf[16], req[64], id[16];
	int ret;

	snprintf(bdf, sizeof(bdf), "%02x:%02x.%x", c->sbdf >> 8,
		 (c->sbdf >> 3) & 31, c->sbdf & 7);
	if (c->path == VGT_PATH_KERNEL) {
		snprintf(req, sizeof(req), "kernel %s%s%s", bdf,
			 c->hvm ? "" : " pvh", c->ggtt_ram ? " ggtt-ram" : "");
		ret = xsys_trap(m->vgpu_id, req);
		if (ret) {
			say_err("the in-kernel ioreq server (vgpu/trap; dmesg says more)",
				ret);
			return XE_FAIL;
		}
	} else {
		const char *argv[8] = { ts_dm(), "--domain", id, "--bdf", bdf };
		int a = 5;

		/* argv[] holds 8: the five above, these two, NULL. */
		if (!c->hvm)
			argv[a++] = "--pvh";
		if (c->ggtt_ram)
			argv[a++] = "--ggtt-ram";
		argv[a] = NULL;
		snprintf(id, sizeof(id), "%u", m->domid);
		/* It returns once it serves (or failed): it daemonizes. */
		ret = ts_run(argv, NULL, 0);
		if (ret) {
			fprintf(stderr,
				"xengt create: %s --domain %s exited %d (its reason is in syslog)\n",
				ts_dm(), id, ret);
			return XE_TOOLSTACK;
		}
	}
	m->trap = true;
	record(c, m, "running");
	return XE_OK;
}

enum xengt_exit xengt_vgpu_up(const struct vgt_config *c, uint32_t domid,
			      uint32_t *vgpu_id)
{
	struct made m = { .domid = domid };
	enum xengt_exit ret = make_vgpu(c, &m);

	if (!ret)
		ret = make_trap_path(c, &m);
	if (ret) {
		if (m.vgpu) {
			int err = xsys_destroy(domid);

			if (err)
				say_err("undo: destroying the vGPU", err);
			forget(domid);
		}
		return ret;
	}
	*vgpu_id = m.vgpu_id;
	return XE_OK;
}

enum xengt_exit xengt_create(const char *cfg, char *const *xl_args, int nr)
{
	struct xsys_type types[XSYS_MAX_TYPES];
	const char *names[XSYS_MAX_TYPES + 1];
	struct vgt_config c;
	struct made m = { 0 };
	enum xengt_exit ret;
	char id[16];
	int n, i;

	n = xsys_types(types, XSYS_MAX_TYPES);
	if (n <= 0) {
		fprintf(stderr,
			"xengt create: xengt.ko is not loaded (%s/control/types: %s): modprobe xengt\n",
			xsys_root(), n ? strerror(-n) : "empty");
		return XE_NOMODULE;
	}
	for (i = 0; i < n; i++)
		names[i] = types[i].name;
	names[n] = NULL;
	if (vgt_config_read(cfg, names, &c, stderr))
		return XE_CONFIG;
	if (!c.enabled) {
		fprintf(stderr,
			"xengt create: %s: vgt: not 1: this guest asks for no vGPU (use xl create)\n",
			cfg);
		return XE_CONFIG;
	}
	ret = check_fits(&c);
	if (ret)
		return ret;
	ret = make_domain(cfg, xl_args, nr, &c, &m);
	if (!ret)
		ret = make_vgpu(&c, &m);
	if (!ret)
		ret = make_trap_path(&c, &m);
	if (!ret) {
		const char *argv[] = { ts_xl(), "unpause", id, NULL };
		int st;

		snprintf(id, sizeof(id), "%u", m.domid);
		st = ts_run(argv, NULL, 0);
		if (st) {
			fprintf(stderr,
				"xengt create: xl unpause %s exited %d\n", id,
				st);
			ret = XE_TOOLSTACK;
		}
	}
	if (ret) {
		if (m.domain)
			undo(&m);
		return ret;
	}
	printf("xengt: domain %s (%u) runs with vGPU %u (%s), traps served by %s\n",
	       c.name, m.domid, m.vgpu_id, c.type[0] ? c.type : "custom",
	       c.path == VGT_PATH_KERNEL ? "xengt.ko" : "xengt-dm");
	return XE_OK;
}
