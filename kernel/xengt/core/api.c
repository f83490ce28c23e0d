// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The public API (include/xengt/xengt.h) over the core's own files.
 */
#include "vgpu.h"
#include "cfg_space.h"
#include "mmio.h"
#include "ppgtt.h"
#include "pvinfo.h"

const struct xengt_vgpu_type *xengt_vgpu_types(u32 *nr)
{
	*nr = vgpu_nr_types;
	return vgpu_types;
}

const struct xengt_vgpu_type *xengt_vgpu_type_find(const char *name)
{
	return vgpu_type_find(name);
}

u32 xengt_vgpu_type_available(struct xengt_gvt *gvt,
			      const struct xengt_vgpu_type *type)
{
	return vgpu_type_available(gvt, type);
}

void xengt_gvt_resources(struct xengt_gvt *gvt, struct xengt_resources *r)
{
	os_mutex_lock(&gvt->lock);
	r->low_gm_mb = range_alloc_largest_free(&gvt->low_gm);
	r->high_gm_mb = range_alloc_largest_free(&gvt->high_gm);
	r->fences = range_alloc_largest_free(&gvt->fences);
	r->low_gm_free_mb = range_alloc_free(&gvt->low_gm);
	r->high_gm_free_mb = range_alloc_free(&gvt->high_gm);
	r->fences_free = range_alloc_free(&gvt->fences);
	r->vgpus = gvt->nr_vgpus;
	r->vgpus_max = XENGT_MAX_VGPUS;
	os_mutex_unlock(&gvt->lock);
}

int xengt_gvt_create(struct xengt_gpu *gpu, struct xengt_gvt **out)
{
	struct xengt_gvt *gvt = os_vzalloc(sizeof(*gvt));
	int ret;

	if (!gvt)
		return -ENOMEM;
	ret = xengt_gvt_init(gvt, gpu);
	if (ret) {
		os_vfree(gvt);
		return ret;
	}
	*out = gvt;
	return 0;
}

void xengt_gvt_destroy(struct xengt_gvt *gvt)
{
	xengt_gvt_fini(gvt);
	os_vfree(gvt);
}

int xengt_vgpu_params_from_type(struct xengt_vgpu_params *p, const char *name)
{
	return vgpu_params_from_type(p, name);
}

int xengt_vgpu_create(struct xengt_gvt *gvt, const struct xengt_vgpu_params *p,
		      struct vgpu **out)
{
	return vgpu_create(gvt, p, out);
}

void xengt_vgpu_destroy(struct vgpu *vgpu)
{
	vgpu_destroy(vgpu);
}

void xengt_vgpu_reset(struct vgpu *vgpu)
{
	vgpu_reset(vgpu);
}

int xengt_vgpu_attach(struct vgpu *vgpu, struct hv_vm *vm)
{
	return vgpu_attach(vgpu, vm);
}

void xengt_vgpu_detach(struct vgpu *vgpu)
{
	vgpu_detach(vgpu);
}

struct vgpu *xengt_vgpu_find(struct xengt_gvt *gvt, u16 domid)
{
	struct vgpu *found = NULL;
	u32 i;

	os_mutex_lock(&gvt->lock);
	for (i = 0; i < XENGT_MAX_VGPUS && !found; i++)
		if (gvt->vgpus[i] && gvt->vgpus[i]->domid == domid)
			found = gvt->vgpus[i];
	os_mutex_unlock(&gvt->lock);
	return found;
}

u32 xengt_vgpu_id(const struct vgpu *vgpu)
{
	return vgpu->id;
}

u16 xengt_vgpu_domid(const struct vgpu *vgpu)
{
	return vgpu->domid;
}

int xengt_vgpu_set_weight(struct vgpu *vgpu, u32 weight)
{
	return xengt_sched_set_weight(vgpu, weight);
}

int xengt_vgpu_set_cap(struct vgpu *vgpu, u32 cap_percent)
{
	return xengt_sched_set_cap(vgpu, cap_percent);
}

int xengt_vgpu_set_pv_offer(struct vgpu *vgpu, u32 caps)
{
	if (caps & ~XENGT_PV_CAPS_ALL)
		return -EINVAL;
	vgpu_lock(vgpu);
	pv_set_offer(vgpu, caps);
	vgpu_unlock(vgpu);
	return 0;
}

void xengt_vgpu_set_ppgtt_oos(struct vgpu *vgpu, bool enabled)
{
	vgpu_lock(vgpu);
	ppgtt_set_oos(vgpu, enabled);
	vgpu_unlock(vgpu);
}

const char *xengt_vgpu_state_name(enum xengt_vgpu_state state)
{
	switch (state) {
	case XENGT_VGPU_DETACHED:
		return "detached";
	case XENGT_VGPU_RUNNING:
		return "running";
	case XENGT_VGPU_FAILSAFE:
		return "failsafe";
	}
	return "?";
}

int xengt_gvt_engine_info(struct xengt_gvt *gvt, u32 engine,
			  struct xengt_engine_info *out)
{
	struct xengt_engine *pe;
	u32 i;

	if (engine >= XENGT_NR_ENGINES)
		return -EINVAL;
	pe = &gvt->engine[engine];
	os_memset(out, 0, sizeof(*out));
	os_mutex_lock(&gvt->lock);
	os_mutex_lock(&pe->lock);
	out->inflight = pe->inflight != NULL;
	out->paused = __atomic_load_n(&pe->paused, __ATOMIC_ACQUIRE);
	out->submits = pe->submits;
	os_mutex_unlock(&pe->lock);
	for (i = 0; i < XENGT_MAX_VGPUS; i++) {
		struct vgpu *v = gvt->vgpus[i];

		if (!v)
			continue;
		out->queued += os_atomic32_read(&v->wl.q[engine].count);
		out->busy += os_atomic32_read(&v->wl.busy);
		if (__atomic_load_n(&v->wl.done, __ATOMIC_ACQUIRE))
			out->done_pending++;
	}
	os_mutex_unlock(&gvt->lock);
	return 0;
}

static void api_snapshot_pv(const struct vgpu *vgpu, struct xengt_vgpu_info *in)
{
	const struct vgpu_pv *pv = &vgpu->pv;
	const struct pv_stats *st = &pv->stats;
	u32 i;

	in->pv_offer = pv->offer;
	in->pv_caps = pv->caps;
	in->pv_registered = pv->page_gpa != 0;
	in->pv_doorbells = st->doorbells;
	in->pv_doorbells_idle = st->doorbells_idle;
	in->pv_messages = st->messages;
	in->pv_ok = st->status[XENGT_PV_STATUS_OK];
	in->pv_bad_msg = st->status[XENGT_PV_STATUS_BAD_MSG];
	in->pv_not_negotiated = st->status[XENGT_PV_STATUS_NOT_NEGOTIATED];
	in->pv_bad_range = st->status[XENGT_PV_STATUS_BAD_RANGE];
	in->pv_bad_gpa = st->status[XENGT_PV_STATUS_BAD_GPA];
	in->pv_bad_root = st->status[XENGT_PV_STATUS_BAD_ROOT];
	in->pv_no_space = st->status[XENGT_PV_STATUS_NO_SPACE];
	in->pv_bad_desc = st->status[XENGT_PV_STATUS_BAD_DESC];
	in->pv_dropped = st->dropped;
	in->pv_budget_hits = st->budget_hits;
	in->pv_pages_bound = st->pages_bound;
	in->pv_pages_unbound = st->pages_unbound;
	in->pv_submissions = st->submissions;
	in->pv_submit_errors = st->submit_errors;
	in->pv_registrations = st->registrations;
	in->pv_bad_registrations = st->bad_registrations;
	in->pv_gpa_faults = st->gpa_faults;
	for (i = PPGTT_MAX_MM; i < PPGTT_NR_MM; i++)
		if (vgpu->ppgtt.mm[i].root && vgpu->ppgtt.mm[i].pv &&
		    !vgpu->ppgtt.mm[i].dead)
			in->pv_roots++;
	in->pv_tables = vgpu->ppgtt.nr_pv_spt;
}

void xengt_vgpu_snapshot(struct vgpu *vgpu, struct xengt_vgpu_info *in)
{
	const struct vgpu_stats *st = &vgpu->stats;
	u32 e;

	os_memset(in, 0, sizeof(*in));
	vgpu_lock(vgpu);
	in->id = vgpu->id;
	in->domid = vgpu->domid;
	os_snprintf(in->type, sizeof(in->type), "%s", vgpu->type_name);
	in->state = vgpu->failsafe ? XENGT_VGPU_FAILSAFE :
		    vgpu->vm	   ? XENGT_VGPU_RUNNING :
				     XENGT_VGPU_DETACHED;
	in->low_gm_base = vgpu->low_gm_base;
	in->low_gm_size = vgpu->low_gm_size;
	in->high_gm_base = vgpu->high_gm_base;
	in->high_gm_size = vgpu->high_gm_size;
	in->fence_base = vgpu->fence_base;
	in->fences = vgpu->fence_num;
	os_snprintf(in->failsafe_reason, sizeof(in->failsafe_reason), "%s",
		    vgpu->failsafe_reason);
	in->mmio_reads = st->mmio_reads;
	in->mmio_writes = st->mmio_writes;
	in->mmio_bad = os_atomic_read(&st->mmio_bad);
	in->cfg_accesses = st->cfg_reads + st->cfg_writes;
	in->cfg_bad = os_atomic_read(&st->cfg_bad);
	in->ggtt_writes = st->ggtt_writes;
	in->ggtt_dropped = st->ggtt_dropped;
	in->ggtt_bad_pte = st->ggtt_bad_pte;
	in->traps = in->mmio_reads + in->mmio_writes + in->mmio_bad +
		    in->cfg_accesses + in->cfg_bad +
		    vgpu->ppgtt.stats.wp_writes;
	in->submissions = vgpu->exec_stats.elsp_submits;
	in->workloads_done = vgpu->exec_stats.workloads_done;
	in->workloads_failed = vgpu->exec_stats.workloads_failed;
	in->workloads_dropped = vgpu->exec_stats.workloads_dropped;
	in->queued = workload_vgpu_queued(vgpu);
	in->resets = st->resets;
	in->failsafes = st->failsafe;
	in->msi_sent = vgpu->irq.msi_sent;
	in->ppgtt_oos = vgpu->ppgtt.oos_enabled;
	api_snapshot_pv(vgpu, in);
	vgpu_unlock(vgpu);
	/* Scheduler state is the engines': read it under their locks. */
	xengt_engines_lock(vgpu->gvt);
	in->weight = vgpu->sched.weight;
	in->cap = vgpu->sched.cap;
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		in->gpu_ticks += vgpu->sched.e[e].busy;
	xengt_engines_unlock(vgpu->gvt);
}

int xengt_vgpu_cfg_read(struct vgpu *vgpu, u32 offset, u32 bytes, u32 *val)
{
	return vgpu_cfg_read(vgpu, offset, bytes, val);
}

int xengt_vgpu_cfg_write(struct vgpu *vgpu, u32 offset, u32 bytes, u32 val)
{
	return vgpu_cfg_write(vgpu, offset, bytes, val);
}

int xengt_vgpu_mmio_read(struct vgpu *vgpu, u64 offset, u32 bytes, void *data)
{
	return vgpu_mmio_read(vgpu, offset, bytes, data);
}

int xengt_vgpu_mmio_write(struct vgpu *vgpu, u64 offset, u32 bytes,
			  const void *data)
{
	return vgpu_mmio_write(vgpu, offset, bytes, data);
}

void xengt_vgpu_wp_write(struct vgpu *vgpu, u64 gpa, u32 bytes,
			 const void *data)
{
	vgpu_wp_write(vgpu, gpa, bytes, data);
}

int xengt_vgpu_inject_fault(struct vgpu *vgpu, enum xengt_fault fault)
{
	u64 bad = 0x0badc0de0badc0deULL;

	switch (fault) {
	case XENGT_FAULT_PVINFO_MAGIC:
		vgpu_lock(vgpu);
		vgpu_vreg_dirty(vgpu, VGT_PVINFO_PAGE + PVINFO_MAGIC,
				sizeof(bad));
		os_memcpy(vgpu->vreg + VGT_PVINFO_PAGE + PVINFO_MAGIC, &bad,
			  sizeof(bad));
		vgpu_unlock(vgpu);
		vgpu_warn(vgpu, "TEST FAULT INJECTED: PVINFO magic 0x%016llx",
			  bad);
		return 0;
	}
	return -EINVAL;
}
