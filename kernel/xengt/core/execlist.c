// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual execlists: the guest-facing side of submission (see execlist.h).
 */
#include "vgpu.h"
#include "execlist.h"
#include "workload.h"
#include "irq.h"
#include "pv.h"

#define CSB_NONE 7 /* virtual CSB write pointer before the first event */

/* Per engine: MMIO base, GT interrupt bank and shift, GDRST domain. */
static const struct {
	u32 base, irq_bank, irq_shift, reset_domain;
} engine_desc[XENGT_NR_ENGINES] = {
	[XENGT_RCS] = { GEN9_RCS_BASE, GEN8_RCS_IRQ_BANK, GEN8_RCS_IRQ_SHIFT,
			GEN6_GRDOM_RENDER },
	[XENGT_BCS] = { GEN9_BCS_BASE, GEN8_BCS_IRQ_BANK, GEN8_BCS_IRQ_SHIFT,
			GEN6_GRDOM_BLT },
	[XENGT_VCS] = { GEN9_VCS_BASE, GEN8_VCS0_IRQ_BANK, GEN8_VCS0_IRQ_SHIFT,
			GEN6_GRDOM_MEDIA },
	[XENGT_VECS] = { GEN9_VECS_BASE, GEN8_VECS_IRQ_BANK,
			 GEN8_VECS_IRQ_SHIFT, GEN6_GRDOM_VECS },
};

u32 execlist_engine_base(u32 engine)
{
	return engine_desc[engine].base;
}

int execlist_engine_of(u32 base)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		if (engine_desc[e].base == base)
			return e;
	return -1;
}

u32 execlist_irq_bank(u32 engine)
{
	return engine_desc[engine].irq_bank;
}

u32 execlist_irq_shift(u32 engine)
{
	return engine_desc[engine].irq_shift;
}

/*
 * The engine's execlist as after a reset: nothing latched, idle, no CSB
 * entry written.  Every ELSP write so far is over (seq), and every
 * workload submitted so far is cut off from the guest (epoch).
 */
static void execlist_engine_clear(struct vgpu *vgpu, u32 engine)
{
	struct vgpu_execlist *el = &vgpu->execlist[engine];

	el->elsp_count = 0;
	el->active = false;
	el->csb_write = CSB_NONE;
	el->seq++;
	el->run_desc[0] = el->run_desc[1] = 0;
	el->run_cur = 0;
	el->epoch++;
}

void execlist_vgpu_reset(struct vgpu *vgpu)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		execlist_engine_clear(vgpu, e);
}

bool execlist_elem_stale(const struct vgpu *vgpu, u32 engine,
			 const struct execlist_elem *elem)
{
	return elem->epoch != vgpu->execlist[engine].epoch;
}

/*
 * One engine reset, as the hardware does it for the vGPU: its queued
 * workloads dropped (as a device reset drops them, workload.h), what is
 * on the GPU left to finish unseen (epoch), the CSB pointers at their
 * reset value (read 0, write "none": the next event goes to entry 0; i915
 * rewrites both anyway).  The trap does not wait for the GPU.
 */
static void execlist_engine_reset(struct vgpu *vgpu, u32 engine)
{
	u32 base = execlist_engine_base(engine);
	u32 dropped = workload_vgpu_drop_engine(vgpu, engine);

	execlist_engine_clear(vgpu, engine);
	vgpu_set_vreg32(vgpu, base + RING_CONTEXT_STATUS_PTR,
			GEN8_CSB_PTR_RESET);
	vgpu_info(vgpu, "engine 0x%x reset (%u queued workloads dropped)", base,
		  dropped);
}

void execlist_reset_domains(struct vgpu *vgpu, u32 domains)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		if (domains & (GEN6_GRDOM_FULL | engine_desc[e].reset_domain))
			execlist_engine_reset(vgpu, e);
}

/* ---- guest side: ELSP, CSB --------------------------------------------- */

/* Why @desc cannot be a context of @vgpu, or NULL if it can. */
static const char *execlist_check_desc(struct vgpu *vgpu, u64 desc)
{
	u32 mode = (desc & GEN8_CTX_ADDRESSING_MODE_MASK) >>
		   GEN8_CTX_ADDRESSING_MODE_SHIFT;

	if (!(desc & GEN8_CTX_VALID))
		return "not valid";
	if (mode != INTEL_LEGACY_64B_CONTEXT)
		return "addressing mode is not 4-level PPGTT";
	if (!ggtt_gm_range_owned(vgpu, execlist_desc_lrca(desc),
				 EXECLIST_CTX_PAGES * XENGT_PAGE_SIZE))
		return "context outside the vGPU's graphics memory";
	return NULL;
}

static void execlist_emit_csb(struct vgpu *vgpu, u32 engine, u32 status,
			      u32 ctx_id);

/*
 * Check the elements of a submission into @elems (element 1 absent when
 * @desc1 is not valid, or for PV when it is 0); *@n of them.  Returns
 * NULL, or why not with @why filled.
 */
static const char *execlist_check_elems(struct vgpu *vgpu, u32 engine,
					const u64 *descs, bool pv,
					struct execlist_elem *elems, u32 *n,
					char *why, u32 why_len)
{
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	u32 i;

	*n = 0;
	for (i = 0; i < 2; i++) {
		const char *bad;

		/* Element 1 may be empty; element 0 may not. */
		if (i == 1 && (pv ? !descs[i] : !(descs[i] & GEN8_CTX_VALID)))
			break;
		bad = execlist_check_desc(vgpu, descs[i]);
		if (!bad &&
		    ggtt_gm_read(vgpu,
				 execlist_ctx_reg_gm(descs[i], CTX_RING_TAIL),
				 &elems[*n].ring_tail, 4))
			bad = "context image not mapped";
		if (bad) {
			os_snprintf(
				why, why_len,
				"%s on engine 0x%x: element %u descriptor 0x%016llx: %s",
				pv ? "PV submission" : "ELSP",
				execlist_engine_base(engine), i, descs[i], bad);
			return why;
		}
		elems[*n].desc = descs[i];
		elems[*n].seq = el->seq + 1;
		elems[*n].epoch = el->epoch;
		elems[*n].first = *n == 0;
		elems[*n].last = false;
		elems[*n].pv = pv;
		(*n)++;
	}
	elems[*n - 1].last = true;
	return NULL;
}

/*
 * Prepare (shadow, scan) and queue the checked elements.  -EFAULT: one
 * was refused, the vGPU is in failsafe; -ENOSPC: the queue is full.
 */
static int execlist_queue_elems(struct vgpu *vgpu, u32 engine,
				const struct execlist_elem *elems, u32 n)
{
	struct workload *wls[2];
	u32 i;

	for (i = 0; i < n; i++) {
		wls[i] = workload_prepare(vgpu, engine, &elems[i]);
		if (!wls[i]) {
			while (i--)
				workload_discard(wls[i]);
			return -EFAULT; /* failsafe, with the reason */
		}
	}
	if (workload_queue(vgpu, engine, wls, n)) {
		for (i = 0; i < n; i++)
			workload_discard(wls[i]);
		return -ENOSPC;
	}
	return 0;
}

/*
 * A complete ELSP write: check the elements, prepare each as a workload
 * (shadow, scan), queue them, acknowledge.  Nothing waits for the GPU.
 */
static void execlist_submit(struct vgpu *vgpu, u32 engine, u64 desc0, u64 desc1)
{
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	struct execlist_elem elems[2];
	u64 descs[2] = { desc0, desc1 };
	char why[128];
	u32 n;
	int ret;

	if (vgpu->failsafe || vgpu->blocked) {
		vgpu->exec_stats.elsp_ignored++;
		return;
	}
	if (execlist_check_elems(vgpu, engine, descs, false, elems, &n, why,
				 sizeof(why))) {
		vgpu->exec_stats.elsp_rejected++;
		vgpu_enter_failsafe(vgpu, why);
		return;
	}
	ret = execlist_queue_elems(vgpu, engine, elems, n);
	if (ret == -ENOSPC) {
		vgpu->exec_stats.elsp_rejected++;
		vgpu_enter_failsafe(vgpu, "ELSP: too many submissions queued");
	}
	if (ret)
		return;
	vgpu->exec_stats.elsp_submits++;
	/* The engine took the pair: the guest may see it as running. */
	if (el->active) {
		u64 cur = el->run_desc[el->run_cur];
		u32 status = GEN8_CTX_STATUS_PREEMPTED;

		if (execlist_desc_lrca(cur) == execlist_desc_lrca(desc0))
			status |= GEN8_CTX_STATUS_LITE_RESTORE;
		execlist_emit_csb(vgpu, engine, status, (u32)(cur >> 32));
		irq_engine_raise(vgpu, engine, GT_CONTEXT_SWITCH_INTERRUPT);
	} else {
		execlist_emit_csb(vgpu, engine, GEN8_CTX_STATUS_IDLE_ACTIVE,
				  (u32)(desc0 >> 32));
	}
	el->seq = elems[0].seq;
	el->run_desc[0] = desc0;
	el->run_desc[1] = n > 1 ? desc1 : 0;
	el->run_cur = 0;
	el->active = true;
}

int execlist_submit_pv(struct vgpu *vgpu, u32 engine, u64 desc0, u64 desc1)
{
	struct execlist_elem elems[2];
	u64 descs[2] = { desc0, desc1 };
	char why[128];
	u32 n;

	if (vgpu->failsafe || vgpu->blocked) {
		vgpu->exec_stats.elsp_ignored++;
		return -EBUSY;
	}
	/* A bad descriptor is the guest's error to see, not a failsafe. */
	if (execlist_check_elems(vgpu, engine, descs, true, elems, &n, why,
				 sizeof(why))) {
		vgpu->exec_stats.elsp_rejected++;
		vgpu_dbg(vgpu, "%s", why);
		return -EINVAL;
	}
	return execlist_queue_elems(vgpu, engine, elems, n);
}

void execlist_elsp_write(struct vgpu *vgpu, u32 offset, u32 __always_unused old)
{
	int engine = execlist_engine_of(offset - RING_ELSP);
	struct vgpu_execlist *el;

	if (engine < 0)
		return; /* engine without execlist emulation: plain register */
	el = &vgpu->execlist[engine];
	/* The PV marker as the first dword: a PV submission (pv.h). */
	if (!el->elsp_count &&
	    pv_elsp_write(vgpu, engine, vgpu_vreg32(vgpu, offset))) {
		vgpu_set_vreg32(vgpu, offset, 0);
		return;
	}
	el->elsp[el->elsp_count++] = vgpu_vreg32(vgpu, offset);
	vgpu_set_vreg32(vgpu, offset, 0); /* the port reads back as zero */
	if (el->elsp_count < 4)
		return;
	el->elsp_count = 0;
	/* Write order: element 1 hi, lo, element 0 hi, lo. */
	execlist_submit(vgpu, engine, (u64)el->elsp[2] << 32 | el->elsp[3],
			(u64)el->elsp[0] << 32 | el->elsp[1]);
}

void execlist_hws_pga_write(struct vgpu *vgpu, u32 offset,
			    u32 __always_unused old)
{
	int engine = execlist_engine_of(offset - RING_HWS_PGA);

	/*
	 * A (re)initialised engine starts a fresh CSB, and its status
	 * pointer must say so: a driver resumes from the write pointer it
	 * reads, and a stale one would hide the next events from it.
	 */
	if (engine >= 0) {
		u32 reg =
			execlist_engine_base(engine) + RING_CONTEXT_STATUS_PTR;

		vgpu->execlist[engine].csb_write = CSB_NONE;
		vgpu->execlist[engine].elsp_count = 0;
		vgpu_set_vreg32(
			vgpu, reg,
			(vgpu_vreg32(vgpu, reg) & ~GEN8_CSB_WRITE_PTR_MASK) |
				CSB_NONE);
	}
}

void execlist_csb_ptr_write(struct vgpu *vgpu, u32 offset, u32 old)
{
	int engine = execlist_engine_of(offset - RING_CONTEXT_STATUS_PTR);
	u32 v = vgpu_vreg32(vgpu, offset);

	/* The driver may reset the write pointer (i915 does on resume). */
	if (engine >= 0 && (v ^ old) & GEN8_CSB_WRITE_PTR_MASK) {
		u32 w = v & GEN8_CSB_WRITE_PTR_MASK;

		vgpu->execlist[engine].csb_write =
			w < GEN8_CSB_ENTRIES ? w : CSB_NONE;
	}
}

u32 execlist_timestamp_read(struct vgpu *vgpu, u32 offset)
{
	struct xengt_gpu *gpu = vgpu->gvt->gpu;
	int engine = execlist_engine_of(offset & ~0xfffU);
	u64 ts;

	if (engine < 0)
		return 0;
	/* The engine's clock, passed through (a side channel: DESIGN.md). */
	ts = gpu->ops->timestamp(gpu, engine);
	return (offset & 0xfff) == RING_TIMESTAMP_UDW ? (u32)(ts >> 32) :
							(u32)ts;
}

/* One context-status event into the guest's CSB (HWSP and registers). */
static void execlist_emit_csb(struct vgpu *vgpu, u32 engine, u32 status,
			      u32 ctx_id)
{
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	u32 base = execlist_engine_base(engine);
	u32 w = el->csb_write == CSB_NONE ?
			0 :
			(el->csb_write + 1) % GEN8_CSB_ENTRIES;
	u64 hws = vgpu_vreg32(vgpu, base + RING_HWS_PGA) & 0xfffff000U;
	u32 entry[2] = { status, ctx_id };
	u32 ptr;

	el->csb_write = w;
	vgpu->exec_stats.csb_events++;
	vgpu_set_vreg32(vgpu, base + RING_CONTEXT_STATUS_BUF_LO(w), status);
	vgpu_set_vreg32(vgpu, base + RING_CONTEXT_STATUS_BUF_HI(w), ctx_id);
	ptr = vgpu_vreg32(vgpu, base + RING_CONTEXT_STATUS_PTR);
	vgpu_set_vreg32(vgpu, base + RING_CONTEXT_STATUS_PTR,
			(ptr & ~GEN8_CSB_WRITE_PTR_MASK) | w);
	/* The status page is the guest's own memory: it sees it there. */
	if (hws && ggtt_gm_range_owned(vgpu, hws, XENGT_PAGE_SIZE)) {
		ggtt_gm_write(vgpu, hws + (I915_HWS_CSB_BUF0_INDEX + 2 * w) * 4,
			      entry, sizeof(entry));
		ggtt_gm_write(vgpu, hws + I915_HWS_CSB_WRITE_INDEX * 4, &w, 4);
	}
}

void execlist_complete(struct vgpu *vgpu, u32 engine,
		       const struct execlist_elem *elem, bool user_irq)
{
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	u32 status = GEN8_CTX_STATUS_COMPLETE;
	u32 events = user_irq ? GT_RENDER_USER_INTERRUPT : 0;

	/*
	 * Of a preempted ELSP write: the guest saw it switched out.  Of a PV
	 * submission: the guest follows its breadcrumbs, no CSB.
	 */
	if (!elem->pv && elem->seq == el->seq && el->active) {
		if (elem->last) {
			status |= GEN8_CTX_STATUS_ACTIVE_IDLE;
			el->active = false;
		} else {
			status |= GEN8_CTX_STATUS_ELEMENT_SWITCH;
			el->run_cur = 1;
		}
		execlist_emit_csb(vgpu, engine, status,
				  (u32)(elem->desc >> 32));
		events |= GT_CONTEXT_SWITCH_INTERRUPT;
	}
	if (events)
		irq_engine_raise(vgpu, engine, events);
}
