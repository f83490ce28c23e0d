// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The embedded default world (see world.h).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "world.h"

/* Guest RAM below this is the guest "kernel"; the job uses pages above. */
#define WORLD_JOB_RAM 0x400000ULL

int world_init(struct world *w, u32 max_vms)
{
	/* Guest RAM for every VM, plus room for the host's own frames. */
	u64 frames = (u64)max_vms * (WORLD_VM_RAM >> XENGT_PAGE_SHIFT) + 1024;
	int ret;

	memset(w, 0, sizeof(*w));
	ret = sim_machine_init(&w->machine, frames, 0x5eed);
	if (ret)
		return ret;
	/* Fault the host pages in now, so timing sees no first touches. */
	memset(w->machine.mem, 0, w->machine.nr_frames << XENGT_PAGE_SHIFT);
	ret = sim_gpu_init(&w->gpu, &w->machine.bus);
	if (ret)
		goto err_machine;
	ret = xengt_gvt_create(&w->gpu.base, &w->gvt);
	if (ret)
		goto err_gpu;
	return 0;

err_gpu:
	sim_gpu_fini(&w->gpu);
err_machine:
	sim_machine_fini(&w->machine);
	return ret;
}

void world_fini(struct world *w)
{
	u32 i;

	for (i = 0; i < w->nr_vms; i++) {
		if (w->vms[i].vgpu)
			xengt_vgpu_destroy(w->vms[i].vgpu);
		sim_vm_destroy(w->vms[i].vm);
	}
	xengt_gvt_destroy(w->gvt);
	sim_gpu_fini(&w->gpu);
	sim_machine_fini(&w->machine);
}

int world_add_vm(struct world *w, const char *type)
{
	struct xengt_vgpu_params p = { 0 };
	int ret;

	ret = xengt_vgpu_params_from_type(&p, type);
	if (ret) {
		fprintf(stderr, "xengt-sim: unknown vGPU type '%s'\n", type);
		return ret;
	}
	return world_add_vm_params(w, &p, WORLD_VM_RAM);
}

int world_add_vm_params(struct world *w, const struct xengt_vgpu_params *params,
			u64 ram_bytes)
{
	struct xengt_vgpu_params p = *params;
	struct world_vm *v;
	int ret;

	if (w->nr_vms >= WORLD_MAX_VMS)
		return -ENOSPC;
	if (ram_bytes > WORLD_VM_RAM)
		return -EINVAL;
	v = &w->vms[w->nr_vms];
	memset(v, 0, sizeof(*v));
	ret = sim_vm_create(&w->machine, w->nr_vms + 1, ram_bytes, &v->vm);
	if (ret)
		return ret;
	p.domid = w->nr_vms + 1;
	ret = xengt_vgpu_create(w->gvt, &p, &v->vgpu);
	if (!ret) {
		ret = xengt_vgpu_attach(v->vgpu, &v->vm->base);
		if (ret)
			xengt_vgpu_destroy(v->vgpu);
	}
	if (ret) {
		v->vgpu = NULL;
		sim_vm_destroy(v->vm);
		return ret;
	}
	/* The core tags its shadow contexts with the vGPU id. */
	sim_gpu_set_tag_owner(&w->gpu, xengt_vgpu_id(v->vgpu), p.domid);
	world_vm_bind_io(v);
	w->nr_vms++;
	return 0;
}

static uint32_t io_cfg_read(void *ctx, uint32_t devfn, uint32_t reg,
			    uint32_t size)
{
	return sim_vm_cfg_read(ctx, devfn, reg, size);
}

static void io_cfg_write(void *ctx, uint32_t devfn, uint32_t reg, uint32_t size,
			 uint32_t val)
{
	sim_vm_cfg_write(ctx, devfn, reg, size, val);
}

static uint64_t io_mmio_read(void *ctx, uint64_t gpa, uint32_t size)
{
	return sim_vm_mmio_read(ctx, gpa, size);
}

static void io_mmio_write(void *ctx, uint64_t gpa, uint32_t size, uint64_t val)
{
	sim_vm_mmio_write(ctx, gpa, size, val);
}

static void *io_ram(void *ctx, uint64_t gpa)
{
	return sim_vm_ram(ctx, gpa);
}

static void io_ram_write(void *ctx, uint64_t gpa, uint32_t size, uint64_t val)
{
	sim_vm_mmio_write(ctx, gpa, size, val);
}

static void io_relax(void __always_unused *ctx)
{
	sched_yield();
}

static u64 vm_traps(void *ctx)
{
	struct sim_vm *vm = ctx;

	return vm->traps.cfg + vm->traps.mmio + vm->traps.wp;
}

static uint64_t io_traps(void *ctx)
{
	return vm_traps(ctx);
}

void world_vm_bind_io(struct world_vm *v)
{
	v->io = (struct i915pv_io){
		.cfg_read = io_cfg_read,
		.cfg_write = io_cfg_write,
		.mmio_read = io_mmio_read,
		.mmio_write = io_mmio_write,
		.ram = io_ram,
		.ram_write = io_ram_write,
		.ctx = v->vm,
		.relax = io_relax,
		.traps = io_traps,
	};
}

int world_pv_parse(const char *name)
{
	if (!strcmp(name, "off"))
		return WORLD_PV_OFF;
	if (!strcmp(name, "on"))
		return WORLD_PV_ON;
	if (!strcmp(name, "auto"))
		return WORLD_PV_AUTO;
	return -1;
}

int world_onoff_parse(const char *name)
{
	if (!strcmp(name, "on"))
		return 1;
	if (!strcmp(name, "off"))
		return 0;
	return -1;
}

int world_pv_offer_parse(const char *name, u32 *caps)
{
	static const struct {
		const char *name;
		u32 cap;
	} names[] = {
		{ "ppgtt", XENGT_PV_CAP_PPGTT },
		{ "ggtt", XENGT_PV_CAP_GGTT },
		{ "submission", XENGT_PV_CAP_SUBMISSION },
	};
	const char *p = name;

	*caps = 0;
	if (!strcmp(name, "all")) {
		*caps = XENGT_PV_CAPS_ALL;
		return 0;
	}
	if (!strcmp(name, "none"))
		return 0;
	while (*p) {
		size_t len = strcspn(p, "+"), i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len &&
			    !strncmp(p, names[i].name, len))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -EINVAL;
		*caps |= names[i].cap;
		p += len;
		if (*p == '+' && *++p == '\0')
			return -EINVAL;
	}
	return *caps ? 0 : -EINVAL;
}

const char *world_pv_name(enum world_pv mode)
{
	return mode == WORLD_PV_ON   ? "on" :
	       mode == WORLD_PV_AUTO ? "auto" :
				       "off";
}

static void vm_fail(struct world_vm *v, const char *step, const char *why)
{
	char msg[sizeof(v->why)];

	/* @why may live inside @v (a workload's own reason). */
	v->ok = false;
	snprintf(msg, sizeof(msg), "%s: %s", step, why ? why : "?");
	memcpy(v->why, msg, sizeof(msg));
}

const u32 world_wl_default_ops[I915PV_WL_COUNT] = {
	[I915PV_WL_STORE] = 500,
	[I915PV_WL_BLIT] = 20,
	[I915PV_WL_PTCHURN] = 200,
	[I915PV_WL_BIND512] = 20,
};

u64 world_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int world_parse_workloads(struct world_wl_plan *plan, const char *list, u32 ops)
{
	char name[32];
	const char *p = list;

	memset(plan, 0, sizeof(*plan));
	while (*p) {
		size_t len = strcspn(p, ",");
		int kind;
		u32 i;

		if (!len || len >= sizeof(name))
			return -EINVAL;
		memcpy(name, p, len);
		name[len] = '\0';
		kind = i915pv_workload_parse(name);
		if (kind < 0)
			return -EINVAL;
		for (i = 0; i < plan->nr; i++)
			if (plan->kinds[i] == kind)
				return -EINVAL;
		plan->kinds[plan->nr] = kind;
		plan->ops[plan->nr] = ops ? ops : world_wl_default_ops[kind];
		plan->nr++;
		p += len;
		if (*p == ',')
			p++;
	}
	return plan->nr ? 0 : -EINVAL;
}

int world_run_workload(struct i915pv_dev *dev, struct i915pv_pages *pages,
		       struct world_wl_result *r, struct sim_gpu *gpu,
		       u16 domid, u64 (*traps)(void *ctx), void *ctx)
{
	u16 slot = sim_gpu_requester_slot(domid);
	u64 t0 = traps ? traps(ctx) : 0;
	u64 g0 = os_atomic_read(&gpu->stats.ticks_by_requester[slot]);
	u64 start = world_now_ns();
	int ret;

	dev->error = NULL;
	ret = i915pv_workload_run(dev, pages, &r->wl);
	r->start_ns = start;
	r->ns = world_now_ns() - start;
	r->gpu_ticks =
		os_atomic_read(&gpu->stats.ticks_by_requester[slot]) - g0;
	r->traps = traps ? traps(ctx) - t0 : 0;
	r->ran = true;
	r->ok = !ret;
	if (ret)
		snprintf(r->why, sizeof(r->why), "%s after %u of %u ops: %s",
			 i915pv_workload_name(r->wl.kind), r->wl.done,
			 r->wl.ops, dev->error ? dev->error : "?");
	return ret;
}

/* GPU time of every VM, once, when the first VM is done. */
static void world_first_done(struct world *w)
{
	u32 i;

	if (__atomic_exchange_n(&w->first_done, 1, __ATOMIC_ACQ_REL))
		return;
	for (i = 0; i < w->nr_vms; i++)
		w->first_done_ticks[i] = os_atomic_read(
			&w->gpu.stats.ticks_by_requester[sim_gpu_requester_slot(
				w->vms[i].vm->base.domid)]);
}

static void run_plan(struct world *w, struct world_vm *v, u32 index)
{
	u32 i;

	for (i = 0; i < w->plan.nr && v->ok; i++) {
		struct world_wl_result *r = &v->wl[i];

		memset(r, 0, sizeof(*r));
		r->wl.kind = w->plan.kinds[i];
		r->wl.ops = w->plan.ops[i];
		r->wl.seed = 0x2000 + index * 16 + i;
		if (world_run_workload(&v->dev, &v->pages, r, &w->gpu,
				       v->vm->base.domid, vm_traps, v->vm))
			vm_fail(v, "workload", r->why);
	}
	v->done_ns = world_now_ns();
	world_first_done(w);
}

struct guest_arg {
	struct world *w;
	u32 index;
};

/* The PV extension as v->pv_mode asks: 0, or -1 with the VM failed. */
static int guest_pv(struct world_vm *v)
{
	char why[96];

	v->pv_caps_used = 0;
	if (v->pv_mode == WORLD_PV_OFF)
		return 0;
	if (i915pv_pv_init(&v->pv, &v->dev, &v->pages, XENGT_PV_CAPS_ALL)) {
		if (v->pv_mode == WORLD_PV_ON) {
			vm_fail(v, "pv", v->dev.error);
			return -1;
		}
		return 0; /* auto: the trapped paths */
	}
	if (v->pv_mode == WORLD_PV_ON && v->pv.caps != XENGT_PV_CAPS_ALL) {
		snprintf(
			why, sizeof(why),
			"--pv=on: the host offers pv_caps 0x%x (%s), not all of 0x%x",
			v->pv.caps,
			v->dev.caps & XENGT_VGT_CAPS_PV ? "PV in vgt_caps" :
							  "no PV in vgt_caps",
			XENGT_PV_CAPS_ALL);
		vm_fail(v, "pv", why);
		i915pv_pv_fini(&v->pv);
		return -1;
	}
	v->pv_caps_used = v->pv.caps;
	return 0;
}

/* Probe, balloon, GGTT job, PV: 0, or -1 with the VM failed. */
static int guest_setup(struct world_vm *v)
{
	if (i915pv_probe(&v->dev, &v->io, SIM_MMIO_HOLE)) {
		vm_fail(v, "probe", v->dev.error);
		return -1;
	}
	if (i915pv_balloon(&v->dev)) {
		vm_fail(v, "balloon", v->dev.error);
		return -1;
	}
	v->ggtt_entries = i915pv_ggtt_job_run(&v->dev, &v->job);
	if (v->ggtt_entries < 0) {
		vm_fail(v, "ggtt job", v->dev.error);
		return -1;
	}
	i915pv_pages_init(&v->pages, &v->io, WORLD_WL_RAM, WORLD_VM_RAM);
	return guest_pv(v);
}

/* Wait until every VM's guest is set up (or failed trying). */
static void world_start_line(struct world *w)
{
	__atomic_add_fetch(&w->at_start, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&w->at_start, __ATOMIC_ACQUIRE) < w->nr_vms)
		sched_yield();
}

static void *guest_main(void *arg)
{
	struct guest_arg *ga = arg;
	struct world_vm *v = &ga->w->vms[ga->index];
	int ret;

	v->ok = true;
	ret = guest_setup(v);
	world_start_line(ga->w);
	if (!ret && ga->w->plan.nr)
		run_plan(ga->w, v, ga->index);
	if (!ret)
		i915pv_pv_fini(&v->pv);
	return NULL;
}

int world_run_guests(struct world *w, u32 pages)
{
	pthread_t threads[WORLD_MAX_VMS];
	struct guest_arg args[WORLD_MAX_VMS];
	u64 job_end = WORLD_JOB_RAM + (u64)pages * 2 * XENGT_PAGE_SIZE;
	u32 i;

	if (job_end > (w->plan.nr ? WORLD_WL_RAM : WORLD_VM_RAM))
		return -EINVAL;
	w->first_done = 0;
	w->at_start = 0;
	for (i = 0; i < w->nr_vms; i++) {
		w->vms[i].job = (struct i915pv_ggtt_job){
			.ram_gpa = WORLD_JOB_RAM,
			.npages = pages,
			.seed = 0x1000 + i,
		};
		args[i] = (struct guest_arg){ .w = w, .index = i };
		if (pthread_create(&threads[i], NULL, guest_main, &args[i])) {
			/* The started ones must not wait for the rest. */
			__atomic_add_fetch(&w->at_start, w->nr_vms - i,
					   __ATOMIC_ACQ_REL);
			while (i--)
				pthread_join(threads[i], NULL);
			return -EAGAIN;
		}
	}
	for (i = 0; i < w->nr_vms; i++)
		pthread_join(threads[i], NULL);
	return 0;
}

/* Read graphics page @gm as VM @v's GPU work and compare with its pattern. */
static bool verify_page(struct world *w, struct world_vm *v, u64 gm, u32 page)
{
	u32 buf[1024], i;

	if (sim_gpu_gm_access(&w->gpu, v->vm->base.domid, gm, buf, sizeof(buf),
			      false))
		return false;
	for (i = 0; i < 1024; i++)
		if (buf[i] != i915pv_pattern(v->job.seed, page, i))
			return false;
	return true;
}

void world_verify(struct world *w)
{
	u32 i, p;

	for (i = 0; i < w->nr_vms; i++) {
		struct world_vm *v = &w->vms[i];

		if (!v->ok)
			continue;
		for (p = 0; p < v->job.npages && v->ok; p++) {
			if (!verify_page(w, v, v->job.low_gm + p * 4096ULL,
					 p) ||
			    !verify_page(w, v, v->job.high_gm + p * 4096ULL,
					 v->job.npages + p))
				vm_fail(v, "gpu verify",
					"GPU read through the GGTT differs from guest memory");
		}
		if (v->ok &&
		    w->gpu.stats.foreign_by_requester[v->vm->base.domid])
			vm_fail(v, "isolation",
				"GPU touched frames of another owner");
		if (v->ok &&
		    w->gpu.stats.host_escapes_by_requester[v->vm->base.domid])
			vm_fail(v, "isolation",
				"a command of this VM reached the core's own frames");
	}
}

/* The @i-th name of a comma-separated list, cycled. */
void world_list_item(const char *list, u32 i, char *out, size_t len)
{
	u32 count = 1, k;
	const char *p, *end;

	for (p = list; *p; p++)
		count += *p == ',';
	i %= count;
	for (p = list, k = 0; k < i; p++)
		k += *p == ',';
	end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	snprintf(out, len, "%.*s", (int)(end - p), p);
}
