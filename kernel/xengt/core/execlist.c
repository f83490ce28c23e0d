// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual execlists and physical submission (see execlist.h).
 */
#include "vgpu.h"
#include "execlist.h"
#include "irq.h"

/* Element flags kept in the low bits of a queued descriptor copy. */
#define ELEM_FIRST (1ULL << 9) /* first element of its ELSP write */
#define ELEM_LAST (1ULL << 10) /* last element of its ELSP write */
/* Descriptor bits the core keeps for itself in queued copies. */
#define ELEM_FLAGS (ELEM_FIRST | ELEM_LAST)

#define CSB_NONE 7 /* virtual CSB write pointer before the first event */

static const u32 engine_base[XENGT_NR_ENGINES] = { GEN9_RCS_BASE,
						   GEN9_BCS_BASE };

u32 execlist_engine_base(u32 engine)
{
	return engine_base[engine];
}

int execlist_engine_of(u32 base)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		if (engine_base[e] == base)
			return e;
	return -1;
}

u32 execlist_irq_bank(u32 engine)
{
	return engine == XENGT_RCS ? GEN8_RCS_IRQ_BANK : GEN8_BCS_IRQ_BANK;
}

u32 execlist_irq_shift(u32 engine)
{
	return engine == XENGT_RCS ? GEN8_RCS_IRQ_SHIFT : GEN8_BCS_IRQ_SHIFT;
}

void execlist_vgpu_reset(struct vgpu *vgpu)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		struct vgpu_execlist *el = &vgpu->execlist[e];

		el->elsp_count = 0;
		el->active = false;
		el->csb_write = CSB_NONE;
	}
}

static void execlist_free_shadow(struct vgpu *vgpu, u32 engine)
{
	struct xengt_gvt *gvt = vgpu->gvt;
	struct vgpu_execlist *el = &vgpu->execlist[engine];

	if (el->cmds) {
		cmd_shadow_release(vgpu, el->cmds);
		os_free(el->cmds);
		el->cmds = NULL;
	}
	if (el->ctx_cpu[0])
		core_gm_free(&gvt->core_gm, gvt->gpu, el->shadow_gm,
			     EXECLIST_CTX_PAGES, el->ctx_cpu, el->ctx_dma);
}

void execlist_vgpu_fini(struct vgpu *vgpu)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		execlist_free_shadow(vgpu, e);
}

static int execlist_alloc_shadow(struct vgpu *vgpu, u32 engine)
{
	struct xengt_gvt *gvt = vgpu->gvt;
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	int ret;

	if (el->ctx_cpu[0])
		return 0;
	el->cmds = os_zalloc(sizeof(*el->cmds));
	if (!el->cmds)
		return -ENOMEM;
	ret = core_gm_alloc(&gvt->core_gm, gvt->gpu, EXECLIST_CTX_PAGES,
			    el->ctx_cpu, el->ctx_dma, &el->shadow_gm);
	if (ret) {
		os_free(el->cmds);
		el->cmds = NULL;
	}
	return ret;
}

/* ---- guest side: ELSP, CSB --------------------------------------------- */

static u64 elem_lrca(u64 desc)
{
	return desc & GEN8_CTX_LRCA_MASK;
}

/* Why @desc cannot be a context of @vgpu, or NULL if it can. */
static const char *execlist_check_desc(struct vgpu *vgpu, u64 desc)
{
	u32 mode = (desc & GEN8_CTX_ADDRESSING_MODE_MASK) >>
		   GEN8_CTX_ADDRESSING_MODE_SHIFT;

	if (!(desc & GEN8_CTX_VALID))
		return "not valid";
	if (mode != INTEL_LEGACY_64B_CONTEXT)
		return "addressing mode is not 4-level PPGTT";
	if (!ggtt_gm_range_owned(vgpu, elem_lrca(desc),
				 EXECLIST_CTX_PAGES * XENGT_PAGE_SIZE))
		return "context outside the vGPU's graphics memory";
	return NULL;
}

static u64 ctx_reg_gm(u64 desc, u32 dword)
{
	return elem_lrca(desc) + LRC_STATE_OFFSET + dword * 4;
}

static void execlist_submit(struct vgpu *vgpu, u32 engine, u64 desc0, u64 desc1)
{
	struct execlist_elem elems[2];
	u64 descs[2] = { desc0, desc1 };
	char why[128];
	u32 i, n = 0;

	if (vgpu->failsafe) {
		vgpu->exec_stats.elsp_ignored++;
		return;
	}
	for (i = 0; i < 2; i++) {
		const char *bad;

		/* Element 1 may be empty; element 0 may not. */
		if (i == 1 && !(descs[i] & GEN8_CTX_VALID))
			break;
		bad = execlist_check_desc(vgpu, descs[i]);
		if (!bad &&
		    ggtt_gm_read(vgpu, ctx_reg_gm(descs[i], CTX_RING_TAIL),
				 &elems[n].ring_tail, 4))
			bad = "context image not mapped";
		if (bad) {
			os_snprintf(
				why, sizeof(why),
				"ELSP on engine 0x%x: element %u descriptor 0x%016llx: %s",
				execlist_engine_base(engine), i, descs[i], bad);
			vgpu->exec_stats.elsp_rejected++;
			vgpu_enter_failsafe(vgpu, why);
			return;
		}
		elems[n++].desc = descs[i] & ~ELEM_FLAGS;
	}
	elems[0].desc |= ELEM_FIRST;
	elems[n - 1].desc |= ELEM_LAST;
	if (sched_queue(vgpu, engine, elems, n)) {
		vgpu->exec_stats.elsp_rejected++;
		vgpu_enter_failsafe(vgpu, "ELSP: too many submissions queued");
		return;
	}
	vgpu->exec_stats.elsp_submits++;
	vgpu->exec_kick = true;
}

void execlist_elsp_write(struct vgpu *vgpu, u32 offset, u32 __always_unused old)
{
	int engine = execlist_engine_of(offset - RING_ELSP);
	struct vgpu_execlist *el;

	if (engine < 0)
		return; /* engine without execlist emulation: plain register */
	el = &vgpu->execlist[engine];
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

	/* The GPU clock is global and harmless to read: pass it through. */
	return gpu->ops->mmio_read(gpu, offset);
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

/* ---- physical side ------------------------------------------------------ */

static int execlist_pengine_init(struct xengt_gvt *gvt, u32 engine)
{
	struct execlist_pengine *pe = &gvt->engine[engine];
	struct xengt_gpu *gpu = gvt->gpu;
	u32 base = execlist_engine_base(engine);
	u32 bank = execlist_irq_bank(engine);
	u32 bits = (GT_CONTEXT_SWITCH_INTERRUPT | GT_RENDER_USER_INTERRUPT)
		   << execlist_irq_shift(engine);
	int ret;

	if (pe->hwsp_cpu)
		return 0;
	ret = core_gm_alloc(&gvt->core_gm, gpu, 1, &pe->hwsp_cpu, &pe->hwsp_dma,
			    &pe->hwsp_gm);
	if (ret)
		return ret;
	pe->csb_read = GEN8_CSB_ENTRIES - 1;
	gpu->ops->mmio_write(gpu, base + RING_HWS_PGA, (u32)pe->hwsp_gm);
	gpu->ops->mmio_write(gpu, base + RING_MODE_GEN7,
			     MASKED_BIT_ENABLE(GFX_RUN_LIST_ENABLE |
					       GFX_DISABLE_LEGACY_MODE));
	gpu->ops->mmio_write(gpu, GEN8_GT_IMR(bank),
			     gpu->ops->mmio_read(gpu, GEN8_GT_IMR(bank)) &
				     ~bits);
	gpu->ops->mmio_write(gpu, GEN8_GT_IER(bank),
			     gpu->ops->mmio_read(gpu, GEN8_GT_IER(bank)) |
				     bits);
	gpu->ops->mmio_write(gpu, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	return 0;
}

void execlist_gvt_fini(struct xengt_gvt *gvt)
{
	struct xengt_gpu *gpu = gvt->gpu;
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		struct execlist_pengine *pe = &gvt->engine[e];

		if (!pe->hwsp_cpu)
			continue;
		core_gm_free(&gvt->core_gm, gpu, pe->hwsp_gm, 1, &pe->hwsp_cpu,
			     &pe->hwsp_dma);
	}
}

/* Consume new physical CSB events; true if @tag's context completed. */
static bool execlist_hw_completed(struct execlist_pengine *pe, u32 tag)
{
	const u32 *hwsp = pe->hwsp_cpu;
	u32 w = __atomic_load_n(&hwsp[I915_HWS_CSB_WRITE_INDEX],
				__ATOMIC_ACQUIRE) &
		GEN8_CSB_WRITE_PTR_MASK;
	bool done = false;

	if (w >= GEN8_CSB_ENTRIES)
		return false;
	while (pe->csb_read != w) {
		u32 r = (pe->csb_read + 1) % GEN8_CSB_ENTRIES;
		u32 status = hwsp[I915_HWS_CSB_BUF0_INDEX + 2 * r];
		u32 id = hwsp[I915_HWS_CSB_BUF0_INDEX + 2 * r + 1];

		pe->csb_read = r;
		if (id == tag && (status & (GEN8_CTX_STATUS_COMPLETE |
					    GEN8_CTX_STATUS_ACTIVE_IDLE)))
			done = true;
	}
	return done;
}

/*
 * Submit the shadow context of (vGPU, engine) and wait for it.  The
 * software GPU executes inside the fourth ELSP write, so the completion is
 * in the status page when the write returns; hardware would be waited for
 * through the context-switch interrupt.
 */
static int execlist_hw_submit(struct vgpu *vgpu, u32 engine, u64 *ticks)
{
	struct xengt_gvt *gvt = vgpu->gvt;
	struct xengt_gpu *gpu = gvt->gpu;
	struct execlist_pengine *pe = &gvt->engine[engine];
	u32 base = execlist_engine_base(engine);
	u32 tag = vgpu->id << GEN8_CTX_ID_TAG_SHIFT | engine;
	u32 lo = (u32)vgpu->execlist[engine].shadow_gm | GEN8_CTX_VALID |
		 GEN8_CTX_FORCE_PD_RESTORE | GEN8_CTX_FORCE_RESTORE |
		 INTEL_LEGACY_64B_CONTEXT << GEN8_CTX_ADDRESSING_MODE_SHIFT |
		 GEN8_CTX_PRIVILEGE;
	u32 t0, t1;

	t0 = gpu->ops->mmio_read(gpu, base + RING_TIMESTAMP);
	pe->submits++;
	gpu->ops->mmio_write(gpu, base + RING_ELSP, 0);
	gpu->ops->mmio_write(gpu, base + RING_ELSP, 0);
	gpu->ops->mmio_write(gpu, base + RING_ELSP, tag);
	gpu->ops->mmio_write(gpu, base + RING_ELSP, lo);
	t1 = gpu->ops->mmio_read(gpu, base + RING_TIMESTAMP);
	/* Collect interrupts even if the backend raised none (polling). */
	xengt_gvt_irq(gvt);
	*ticks = (u32)(t1 - t0); /* the 32-bit counter wraps */
	return execlist_hw_completed(pe, tag) ? 0 : -EIO;
}

/* Canonical (register, context slot) pairs of the shadow state page. */
struct ctx_pair {
	u16 dword; /* value slot; the register offset goes one before */
	u16 reg; /* offset from the engine base */
};

static const struct ctx_pair ctx_ring_pairs[] = {
	{ CTX_CONTEXT_CONTROL, RING_CONTEXT_CONTROL },
	{ CTX_RING_HEAD, RING_HEAD },
	{ CTX_RING_TAIL, RING_TAIL },
	{ CTX_RING_START, RING_START },
	{ CTX_RING_CTL, RING_CTL },
	{ CTX_BB_HEAD_U, RING_BBADDR_UDW },
	{ CTX_BB_HEAD_L, RING_BBADDR },
	{ CTX_BB_STATE, RING_BBSTATE },
};

static const struct ctx_pair ctx_pdp_pairs[] = {
	{ CTX_TIMESTAMP, RING_CTX_TIMESTAMP },
	{ CTX_PDP3_UDW, RING_PDP_UDW(3) },
	{ CTX_PDP3_LDW, RING_PDP_LDW(3) },
	{ CTX_PDP2_UDW, RING_PDP_UDW(2) },
	{ CTX_PDP2_LDW, RING_PDP_LDW(2) },
	{ CTX_PDP1_UDW, RING_PDP_UDW(1) },
	{ CTX_PDP1_LDW, RING_PDP_LDW(1) },
	{ CTX_PDP0_UDW, RING_PDP_UDW(0) },
	{ CTX_PDP0_LDW, RING_PDP_LDW(0) },
};

/* What the shadow state page takes from a checked guest image. */
struct ctx_state {
	u32 ctx_control, timestamp;
	u32 ring_start, ring_ctl, head, tail;
	u64 root; /* shadow PML4 */
};

/*
 * The shadow register state page: the core's own LRI headers and register
 * offsets (a guest image cannot make the restore load other registers),
 * with the guest's values only where they are the context's own: context
 * control, the checked ring registers, the timestamp.  Batch state is
 * cleared (the core never resumes a half-run batch) and the PPGTT root is
 * the shadow's.  Values come from the copy that was checked, never from a
 * second read of guest memory.
 */
static void execlist_build_state(u32 *s, u32 base, const struct ctx_state *c)
{
	u32 i;

	os_memset(s, 0, XENGT_PAGE_SIZE);
	s[CTX_LRI_HEADER_0] = MI_LOAD_REGISTER_IMM(11) | MI_LRI_FORCE_POSTED;
	for (i = 0; i < xengt_array_size(ctx_ring_pairs); i++)
		s[ctx_ring_pairs[i].dword - 1] = base + ctx_ring_pairs[i].reg;
	s[CTX_CONTEXT_CONTROL] = c->ctx_control;
	s[CTX_RING_HEAD] = c->head;
	s[CTX_RING_TAIL] = c->tail;
	s[CTX_RING_START] = c->ring_start;
	s[CTX_RING_CTL] = c->ring_ctl;
	s[CTX_LRI_HEADER_1] = MI_LOAD_REGISTER_IMM(9) | MI_LRI_FORCE_POSTED;
	for (i = 0; i < xengt_array_size(ctx_pdp_pairs); i++)
		s[ctx_pdp_pairs[i].dword - 1] = base + ctx_pdp_pairs[i].reg;
	s[CTX_TIMESTAMP] = c->timestamp;
	s[CTX_PDP0_UDW] = (u32)(c->root >> 32);
	s[CTX_PDP0_LDW] = (u32)c->root;
}

static void execlist_fail(struct vgpu *vgpu, u32 engine, u64 desc,
			  const char *what)
{
	char why[160];

	os_snprintf(why, sizeof(why),
		    "workload on engine 0x%x (context 0x%llx) rejected: %s",
		    execlist_engine_base(engine), elem_lrca(desc), what);
	vgpu->exec_stats.workloads_failed++;
	vgpu_enter_failsafe(vgpu, why);
}

/*
 * Shadow the guest context of @elem, check its ring and PPGTT, scan it.
 * On success the shadow context is ready to submit.
 */
static int execlist_prepare(struct vgpu *vgpu, u32 engine,
			    const struct execlist_elem *elem)
{
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	u64 lrca = elem_lrca(elem->desc);
	struct cmd_workload w = { .engine = engine };
	struct ctx_state c;
	char reason[128];
	u32 *g = (u32 *)vgpu->scan_buf;
	u64 root;
	int ret;

	/* The per-process HWSP as is; the state page goes through a copy. */
	if (ggtt_gm_read(vgpu, lrca, el->ctx_cpu[LRC_PPHWSP_PN],
			 XENGT_PAGE_SIZE) ||
	    ggtt_gm_read(vgpu, lrca + LRC_STATE_OFFSET, g, XENGT_PAGE_SIZE)) {
		execlist_fail(vgpu, engine, elem->desc,
			      "context image not mapped");
		return -EFAULT;
	}
	c.ctx_control = g[CTX_CONTEXT_CONTROL];
	c.timestamp = g[CTX_TIMESTAMP];
	c.ring_start = g[CTX_RING_START] & 0xfffff000U;
	c.ring_ctl = g[CTX_RING_CTL];
	c.head = g[CTX_RING_HEAD] & RING_HEAD_ADDR;
	c.tail = elem->ring_tail & RING_TAIL_ADDR;
	el->ring_head = c.head;
	root = (u64)g[CTX_PDP0_UDW] << 32 | g[CTX_PDP0_LDW];
	w.ring_start = c.ring_start;
	w.ring_size = (c.ring_ctl & RING_NR_PAGES) + XENGT_PAGE_SIZE;
	if (!(c.ring_ctl & RING_VALID) ||
	    !ggtt_gm_range_owned(vgpu, w.ring_start, w.ring_size) ||
	    c.head >= w.ring_size || c.tail >= w.ring_size) {
		os_snprintf(
			reason, sizeof(reason),
			"ring 0x%x ctl 0x%x head 0x%x tail 0x%x outside the vGPU's graphics memory",
			c.ring_start, c.ring_ctl, c.head, c.tail);
		execlist_fail(vgpu, engine, elem->desc, reason);
		return -EFAULT;
	}
	w.head = c.head;
	w.tail = c.tail;
	el->ring_size = w.ring_size;
	ret = ppgtt_get_mm(vgpu, root, &w.mm);
	if (ret) {
		os_snprintf(
			reason, sizeof(reason),
			ret == -ENOSPC ?
				"PPGTT root 0x%llx: shadow limits exceeded" :
				"PPGTT root 0x%llx is not the guest's memory",
			root);
		execlist_fail(vgpu, engine, elem->desc, reason);
		return ret;
	}
	ret = cmd_scan(vgpu, &w, el->cmds, reason, sizeof(reason));
	if (ret) {
		execlist_fail(vgpu, engine, elem->desc, reason);
		return ret;
	}
	/* The GPU runs the scanned copy of the slice, from its start. */
	c.ring_start = (u32)w.shadow_ring;
	c.ring_ctl = (c.ring_ctl & ~RING_NR_PAGES) |
		     RING_CTL_SIZE(w.shadow_ring_size);
	c.head = 0;
	c.tail = w.shadow_tail;
	c.root = ppgtt_mm_root_dma(w.mm);
	execlist_build_state(el->ctx_cpu[LRC_STATE_PN],
			     execlist_engine_base(engine), &c);
	return 0;
}

/*
 * The context went back to the guest: its PPHWSP, timestamp and ring head.
 * The GPU consumed the shadow ring; the head it saved there is an offset
 * in the copy of the slice, which started at the guest's head.
 */
static void execlist_writeback(struct vgpu *vgpu, u32 engine, u64 desc)
{
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	const u32 *s = el->ctx_cpu[LRC_STATE_PN];
	u64 lrca = elem_lrca(desc);
	u32 head = (el->ring_head + (s[CTX_RING_HEAD] & RING_HEAD_ADDR)) %
		   el->ring_size;

	ggtt_gm_write(vgpu, lrca, el->ctx_cpu[LRC_PPHWSP_PN], XENGT_PAGE_SIZE);
	ggtt_gm_write(vgpu, ctx_reg_gm(desc, CTX_RING_HEAD), &head, 4);
	ggtt_gm_write(vgpu, ctx_reg_gm(desc, CTX_TIMESTAMP), &s[CTX_TIMESTAMP],
		      4);
}

/* Shadow, submit and complete one element; returns the GPU ticks. */
static u64 execlist_run_shadowed(struct vgpu *vgpu, u32 engine,
				 const struct execlist_elem *elem)
{
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	u32 ctx_id = (u32)(elem->desc >> 32);
	u32 bits, status;
	u64 ticks = 0;

	if (execlist_prepare(vgpu, engine, elem))
		return 0;
	if (!el->active || (elem->desc & ELEM_FIRST)) {
		execlist_emit_csb(vgpu, engine, GEN8_CTX_STATUS_IDLE_ACTIVE,
				  ctx_id);
		el->active = true;
	}
	irq_take_pending(vgpu->gvt, engine); /* nothing stale is forwarded */
	if (execlist_hw_submit(vgpu, engine, &ticks)) {
		vgpu->exec_stats.gpu_hangs++;
		execlist_fail(vgpu, engine, elem->desc,
			      "the GPU did not complete it");
		return ticks;
	}
	execlist_writeback(vgpu, engine, elem->desc);
	vgpu->exec_stats.workloads_done++;
	status = GEN8_CTX_STATUS_COMPLETE;
	if (elem->desc & ELEM_LAST) {
		status |= GEN8_CTX_STATUS_ACTIVE_IDLE;
		el->active = false;
	} else {
		status |= GEN8_CTX_STATUS_ELEMENT_SWITCH;
	}
	execlist_emit_csb(vgpu, engine, status, ctx_id);
	bits = GT_CONTEXT_SWITCH_INTERRUPT |
	       (irq_take_pending(vgpu->gvt, engine) & GT_RENDER_USER_INTERRUPT);
	irq_vgpu_raise(vgpu, execlist_irq_bank(engine),
		       bits << execlist_irq_shift(engine));
	return ticks;
}

u64 execlist_run(struct vgpu *vgpu, u32 engine,
		 const struct execlist_elem *elem)
{
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	u64 ticks;

	if (vgpu->failsafe) {
		vgpu->exec_stats.workloads_dropped++;
		return 0;
	}
	if (execlist_pengine_init(vgpu->gvt, engine) ||
	    execlist_alloc_shadow(vgpu, engine)) {
		execlist_fail(vgpu, engine, elem->desc, "out of host memory");
		return 0;
	}
	ticks = execlist_run_shadowed(vgpu, engine, elem);
	/*
	 * The submission is synchronous (execlist_hw_submit() returns with
	 * the context completed, or given up on), so the GPU is done with
	 * the shadow commands whatever happened: the next workload of this
	 * engine starts from an empty set, and a vGPU holds shadow pages only
	 * while its workload is being prepared or run.
	 */
	cmd_shadow_release(vgpu, el->cmds);
	return ticks;
}
