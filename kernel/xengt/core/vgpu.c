// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vGPU types, lifecycle and resource accounting (see vgpu.h).
 */
#include "vgpu.h"
#include "regs.h"
#include "fence.h"
#include "gen9.h"

const struct xengt_vgpu_type vgpu_types[] = {
	{ "xengt_8", 64, 384, 4, 2, "1024x768" },
	{ "xengt_4", 128, 512, 4, 4, "1920x1200" },
	{ "xengt_2", 256, 1024, 4, 8, "1920x1200" },
	{ "xengt_1", 512, 2048, 4, 16, "1920x1200" },
};

const u32 vgpu_nr_types = xengt_array_size(vgpu_types);

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct xengt_vgpu_type *vgpu_type_find(const char *name)
{
	u32 i;

	for (i = 0; i < vgpu_nr_types; i++)
		if (str_eq(vgpu_types[i].name, name))
			return &vgpu_types[i];
	return NULL;
}

int vgpu_params_from_type(struct xengt_vgpu_params *p, const char *type_name)
{
	const struct xengt_vgpu_type *t = vgpu_type_find(type_name);

	if (!t)
		return -ENOENT;
	p->low_gm_mb = t->low_gm_mb;
	p->high_gm_mb = t->high_gm_mb;
	p->fences = t->fences;
	p->weight = t->weight;
	p->type_name = t->name;
	return 0;
}

static u32 fits(u32 largest_free, u32 need)
{
	return need ? largest_free / need : 0;
}

u32 vgpu_type_available(struct xengt_gvt *gvt, const struct xengt_vgpu_type *t)
{
	u32 n;

	os_mutex_lock(&gvt->lock);
	n = fits(range_alloc_largest_free(&gvt->low_gm), t->low_gm_mb);
	if (fits(range_alloc_largest_free(&gvt->high_gm), t->high_gm_mb) < n)
		n = fits(range_alloc_largest_free(&gvt->high_gm),
			 t->high_gm_mb);
	if (fits(range_alloc_largest_free(&gvt->fences), t->fences) < n)
		n = fits(range_alloc_largest_free(&gvt->fences), t->fences);
	if (XENGT_MAX_VGPUS - gvt->nr_vgpus < n)
		n = XENGT_MAX_VGPUS - gvt->nr_vgpus;
	os_mutex_unlock(&gvt->lock);
	return n;
}

/* Take @count units of @ra or say exactly which resource ran out. */
static s64 vgpu_take(struct range_alloc *ra, u32 count, const char *unit)
{
	s64 first = range_alloc_get(ra, count);

	if (first < 0)
		gvt_err("cannot create vGPU: not enough %s: %u %s requested, largest free block %u %s",
			ra->name, count, unit, range_alloc_largest_free(ra),
			unit);
	return first;
}

static int vgpu_alloc_resources(struct xengt_gvt *gvt, struct vgpu *vgpu,
				const struct xengt_vgpu_params *p)
{
	u64 ap = gvt->gpu->info.aperture_size;
	s64 low, high, fence;

	low = vgpu_take(&gvt->low_gm, p->low_gm_mb, "MiB");
	if (low < 0)
		return -ENOSPC;
	high = vgpu_take(&gvt->high_gm, p->high_gm_mb, "MiB");
	if (high < 0)
		goto err_low;
	fence = vgpu_take(&gvt->fences, p->fences, "fences");
	if (fence < 0)
		goto err_high;
	vgpu->low_gm_base = XENGT_MB(low);
	vgpu->low_gm_size = XENGT_MB(p->low_gm_mb);
	vgpu->high_gm_base = ap + XENGT_MB(high);
	vgpu->high_gm_size = XENGT_MB(p->high_gm_mb);
	vgpu->fence_base = fence;
	vgpu->fence_num = p->fences;
	return 0;

err_high:
	range_alloc_put(&gvt->high_gm, high, p->high_gm_mb);
err_low:
	range_alloc_put(&gvt->low_gm, low, p->low_gm_mb);
	return -ENOSPC;
}

static void vgpu_free_resources(struct xengt_gvt *gvt, struct vgpu *vgpu)
{
	range_alloc_put(&gvt->low_gm, vgpu->low_gm_base >> 20,
			vgpu->low_gm_size >> 20);
	range_alloc_put(&gvt->high_gm,
			(vgpu->high_gm_base - gvt->gpu->info.aperture_size) >>
				20,
			vgpu->high_gm_size >> 20);
	range_alloc_put(&gvt->fences, vgpu->fence_base, vgpu->fence_num);
}

static int vgpu_check_params(const struct xengt_vgpu_params *p)
{
	if (!p->low_gm_mb || !p->high_gm_mb || !p->fences) {
		gvt_err("cannot create vGPU: low GM, high GM and fences must all be non-zero (got %u MiB, %u MiB, %u)",
			p->low_gm_mb, p->high_gm_mb, p->fences);
		return -EINVAL;
	}
	if (p->weight < 1 || p->weight > XENGT_MAX_WEIGHT) {
		gvt_err("cannot create vGPU: weight %u out of range 1..%u",
			p->weight, XENGT_MAX_WEIGHT);
		return -EINVAL;
	}
	if (p->cap > 100) {
		gvt_err("cannot create vGPU: cap %u%% out of range 0..100",
			p->cap);
		return -EINVAL;
	}
	return 0;
}

/* Slot of a new vGPU, or -ENOSPC.  Caller holds gvt->lock. */
static int vgpu_free_slot(struct xengt_gvt *gvt, u16 domid)
{
	int i, free = -ENOSPC;

	for (i = XENGT_MAX_VGPUS - 1; i >= 0; i--) {
		if (!gvt->vgpus[i])
			free = i;
		else if (gvt->vgpus[i]->domid == domid)
			return -EEXIST;
	}
	if (free < 0)
		gvt_err("cannot create vGPU: all %d vGPU slots in use",
			XENGT_MAX_VGPUS);
	return free;
}

void vgpu_vreg_clear(struct vgpu *vgpu)
{
	u32 p;

	for (p = 0; p < VGPU_VREG_PAGES; p++) {
		if (!vgpu->vreg_dirty[p])
			continue;
		os_memset(vgpu->vreg + ((size_t)p << XENGT_PAGE_SHIFT), 0,
			  XENGT_PAGE_SIZE);
		vgpu->vreg_dirty[p] = 0;
	}
}

int vgpu_create(struct xengt_gvt *gvt, const struct xengt_vgpu_params *p,
		struct vgpu **out)
{
	struct vgpu *vgpu;
	int slot, ret;

	ret = vgpu_check_params(p);
	if (ret)
		return ret;
	vgpu = os_zalloc(sizeof(*vgpu));
	if (!vgpu)
		return -ENOMEM;
	os_mutex_lock(&gvt->lock);
	vgpu->vreg = gvt->spare_vreg;
	gvt->spare_vreg = NULL;
	os_mutex_unlock(&gvt->lock);
	if (!vgpu->vreg)
		vgpu->vreg = os_vzalloc(VGPU_MMIO_SIZE);
	vgpu->scan_buf = os_zalloc(XENGT_PAGE_SIZE);
	if (!vgpu->vreg || !vgpu->scan_buf) {
		ret = -ENOMEM;
		goto err_free;
	}

	os_mutex_lock(&gvt->lock);
	slot = vgpu_free_slot(gvt, p->domid);
	if (slot < 0) {
		if (slot == -EEXIST)
			gvt_err("cannot create vGPU: domain %u already has one",
				p->domid);
		ret = slot;
		goto err_unlock;
	}
	ret = vgpu_alloc_resources(gvt, vgpu, p);
	if (ret)
		goto err_unlock;
	vgpu->gvt = gvt;
	vgpu->id = slot + 1; /* 0 is the host, as in PVINFO vgt_id */
	vgpu->domid = p->domid;
	vgpu->weight = p->weight;
	os_snprintf(vgpu->type_name, sizeof(vgpu->type_name), "%s",
		    p->type_name ? p->type_name : "custom");
	ret = ggtt_vgpu_init(vgpu);
	if (ret)
		goto err_resources;
	os_mutex_init(&vgpu->lock);
	vgpu->pv.offer = XENGT_PV_CAPS_ALL; /* PVINFO shows it from the start */
	vgpu_cfg_init(vgpu);
	regs_vgpu_init(vgpu);
	execlist_vgpu_reset(vgpu);
	vgpu->ppgtt.oos_enabled = true;
	ppgtt_vgpu_init(vgpu);
	workload_vgpu_init(vgpu);
	sched_vgpu_init(vgpu);
	vgpu->sched.cap = p->cap == 100 ? 0 : p->cap;
	/* The dispatchers walk vgpus[]: publish under their locks too. */
	xengt_engines_lock(gvt);
	gvt->vgpus[slot] = vgpu;
	xengt_engines_unlock(gvt);
	gvt->nr_vgpus++;
	os_mutex_unlock(&gvt->lock);

	vgpu_info(
		vgpu,
		"created for domain %u: %s, low GM 0x%llx+%llu MiB, high GM 0x%llx+%llu MiB, fences %u-%u, weight %u",
		vgpu->domid, vgpu->type_name, vgpu->low_gm_base,
		vgpu->low_gm_size >> 20, vgpu->high_gm_base,
		vgpu->high_gm_size >> 20, vgpu->fence_base,
		vgpu->fence_base + vgpu->fence_num - 1, vgpu->weight);
	*out = vgpu;
	return 0;

err_resources:
	vgpu_free_resources(gvt, vgpu);
err_unlock:
	os_mutex_unlock(&gvt->lock);
err_free:
	os_free(vgpu->scan_buf);
	os_vfree(vgpu->vreg);
	os_free(vgpu);
	return ret;
}

/*
 * Stop taking work, let the GPU finish with what it has of @vgpu's, free
 * its shadows: afterwards nothing of the vGPU is queued, running, pinned
 * or write-protected.  Returns with vgpu->lock held and the vGPU blocked
 * (ELSP ignored) and how many queued workloads were dropped.
 */
static u32 vgpu_stop_work_locked(struct vgpu *vgpu)
{
	u32 dropped;

	vgpu_lock(vgpu);
	vgpu->blocked = true;
	dropped = workload_vgpu_drop(vgpu);
	vgpu_unlock(vgpu);
	workload_vgpu_quiesce(vgpu);
	vgpu_lock(vgpu);
	ppgtt_vgpu_fini(vgpu);
	workload_vgpu_fini(vgpu);
	return dropped;
}

int vgpu_attach(struct vgpu *vgpu, struct hv_vm *vm)
{
	int ret = 0;

	vgpu_lock(vgpu);
	if (vgpu->vm) {
		ret = -EBUSY;
	} else {
		vgpu->vm = vm;
		vm->vgpu = vgpu;
		/* A guest that placed BAR0 before keeps it where it was. */
		vgpu_cfg_sync_bar0(vgpu);
		opregion_place(vgpu, vgpu_cfg_asls(vgpu));
	}
	vgpu_unlock(vgpu);
	if (!ret)
		vgpu_info(vgpu, "attached to domain %u through %s", vm->domid,
			  vm->ops->name);
	return ret;
}

void vgpu_detach(struct vgpu *vgpu)
{
	struct hv_vm *vm;

	/* Nothing of the guest's may be in use once the backend is gone. */
	vgpu_stop_work_locked(vgpu);
	vm = vgpu->vm;
	if (vm) {
		if (vgpu->cfg.bar0_mapped)
			hv_map_mmio(vgpu, vgpu->cfg.bar0_mapped, 0,
				    vgpu->cfg.bar0_trapped);
		ggtt_ram_forget(vgpu);
		opregion_forget(vgpu);
		vm->vgpu = NULL;
		vgpu->vm = NULL;
	}
	vgpu->cfg.bar0_mapped = 0;
	vgpu->blocked = false;
	vgpu_unlock(vgpu);
	if (vm)
		vgpu_info(vgpu, "detached from domain %u", vm->domid);
}

void vgpu_destroy(struct vgpu *vgpu)
{
	struct xengt_gvt *gvt = vgpu->gvt;
	u32 e;

	/* Unpublished first: no dispatcher picks it any more. */
	os_mutex_lock(&gvt->lock);
	xengt_engines_lock(gvt);
	gvt->vgpus[vgpu->id - 1] = NULL;
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		sched_forget(&gvt->engine[e], vgpu);
	xengt_engines_unlock(gvt);
	os_mutex_unlock(&gvt->lock);
	vgpu_detach(vgpu);
	os_mutex_lock(&gvt->lock);
	gvt->nr_vgpus--;
	ggtt_vgpu_fini(vgpu);
	fence_vgpu_clear(vgpu);
	vgpu_free_resources(gvt, vgpu);
	/* Nothing of this vGPU's may reach the next one's registers. */
	vgpu_vreg_clear(vgpu);
	if (!gvt->spare_vreg) {
		gvt->spare_vreg = vgpu->vreg;
		vgpu->vreg = NULL;
	}
	os_mutex_unlock(&gvt->lock);
	vgpu_info(vgpu, "destroyed");
	pv_vgpu_fini(vgpu);
	os_mutex_destroy(&vgpu->wl.qlock);
	os_mutex_destroy(&vgpu->lock);
	os_free(vgpu->scan_buf);
	os_vfree(vgpu->vreg);
	os_free(vgpu);
}

void vgpu_reset(struct vgpu *vgpu)
{
	struct xengt_gvt *gvt = vgpu->gvt;
	u32 dropped = vgpu_stop_work_locked(vgpu), e;

	execlist_vgpu_reset(vgpu);
	pv_vgpu_reset(vgpu);
	vgpu_vreg_clear(vgpu);
	regs_vgpu_init(vgpu);
	ggtt_vgpu_reset(vgpu);
	fence_vgpu_clear(vgpu);
	vgpu->display_ready = false;
	vgpu->failsafe = false;
	vgpu->failsafe_reason[0] = '\0';
	vgpu->blocked = false;
	vgpu->stats.resets++;
	vgpu_unlock(vgpu);
	xengt_engines_lock(gvt);
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		sched_forget(&gvt->engine[e], vgpu);
	xengt_engines_unlock(gvt);
	vgpu_info(vgpu, "reset (%u queued workloads dropped)", dropped);
}

void vgpu_enter_failsafe(struct vgpu *vgpu, const char *reason)
{
	vgpu->stats.failsafe++;
	/* Nothing more of this vGPU reaches the GPU until a reset. */
	workload_vgpu_drop(vgpu);
	if (vgpu->failsafe)
		return;
	vgpu->failsafe = true;
	os_snprintf(vgpu->failsafe_reason, sizeof(vgpu->failsafe_reason), "%s",
		    reason);
	vgpu_err(vgpu, "failsafe: %s", reason);
}
