// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Engines of the software GPU (see sim_engine.h).
 */
#include "sim_gpu.h"
#include "sim_cs.h"

/* The register-state dwords we restore and save: up to the PDPs. */
#define SIM_CTX_DWORDS (CTX_PDP0_LDW + 1)

static const struct {
	const char *name;
	u32 base, bank, shift, master;
} sim_engine_desc[SIM_NUM_ENGINES] = {
	[SIM_RCS] = { "rcs0", GEN9_RCS_BASE, GEN8_RCS_IRQ_BANK,
		      GEN8_RCS_IRQ_SHIFT, GEN8_GT_RCS_IRQ, },
	[SIM_BCS] = { "bcs0", GEN9_BCS_BASE, GEN8_BCS_IRQ_BANK,
		      GEN8_BCS_IRQ_SHIFT, GEN8_GT_BCS_IRQ, },
	[SIM_VCS] = { "vcs0", GEN9_VCS_BASE, GEN8_VCS0_IRQ_BANK,
		      GEN8_VCS0_IRQ_SHIFT, GEN8_GT_VCS0_IRQ, },
	[SIM_VECS] = { "vecs0", GEN9_VECS_BASE, GEN8_VECS_IRQ_BANK,
		       GEN8_VECS_IRQ_SHIFT, GEN8_GT_VECS_IRQ, },
};

void sim_engine_init(struct sim_engine *e, struct sim_gpu *g,
		     enum sim_engine_id id)
{
	os_memset(e, 0, sizeof(*e));
	e->g = g;
	e->id = id;
	e->name = sim_engine_desc[id].name;
	e->base = sim_engine_desc[id].base;
	e->irq_bank = sim_engine_desc[id].bank;
	e->irq_shift = sim_engine_desc[id].shift;
	e->master_bit = sim_engine_desc[id].master;
	sim_engine_reset(e);
	e->stats.resets = 0;
}

void sim_engine_reset(struct sim_engine *e)
{
	e->elsp_n = 0;
	/* After reset the hardware writes CSB entry 0 first. */
	e->csb_wp = GEN8_CSB_ENTRIES - 1;
	e->csb_rp = GEN8_CSB_ENTRIES - 1;
	e->stats.resets++;
}

int sim_engine_fail(struct sim_engine *e, int err, const char *what, u64 addr)
{
	e->last_err = err ? err : -EINVAL;
	os_snprintf(e->error, sizeof(e->error), "%s: %s at 0x%llx (%d)",
		    e->name, what, addr, e->last_err);
	return e->last_err;
}

static void sim_engine_wr(struct sim_engine *e, u32 reg, u32 val)
{
	e->g->regs[(e->base + reg) / 4] = val;
}

/* Report an error the way the hardware does: RING_EIR and the GT IIR. */
static void sim_engine_error_irq(struct sim_engine *e, u32 eir)
{
	u32 *r = &e->g->regs[(e->base + RING_EIR) / 4];

	*r |= eir;
	sim_gpu_raise(e->g, e, GT_CS_MASTER_ERROR_INTERRUPT);
}

/* One context status event: CSB registers and the status page's copy. */
static void sim_engine_csb(struct sim_engine *e, u16 requester, u32 status,
			   u32 ctx_id)
{
	struct sim_as *as = &e->as;
	u32 wp = e->csb_wp + 1 >= GEN8_CSB_ENTRIES ? 0 : e->csb_wp + 1;
	u64 hwsp = sim_gpu_reg_read_locked(e->g, e->base + RING_HWS_PGA) &
		   ~(u64)(XENGT_PAGE_SIZE - 1);
	u32 entry[2] = { status, ctx_id };

	e->csb_wp = wp;
	sim_engine_wr(e, RING_CONTEXT_STATUS_BUF_LO(wp), status);
	sim_engine_wr(e, RING_CONTEXT_STATUS_BUF_HI(wp), ctx_id);
	/*
	 * The status page belongs to whoever programmed the engine: the
	 * native driver, or the GVT core (host frames) when mediated.  The
	 * write is made on behalf of the context's requester either way, as
	 * the engine's own (nothing of the context chose the address).
	 */
	sim_as_init(as, e->g, requester, false, 0);
	if (sim_as_write(as, SIM_ACC_STATUS, SIM_GGTT,
			 hwsp + I915_HWS_CSB_BUF0_INDEX * 4 + wp * 8, entry,
			 8) ||
	    sim_as_write(as, SIM_ACC_STATUS, SIM_GGTT,
			 hwsp + I915_HWS_CSB_WRITE_INDEX * 4, &wp, 4))
		sim_engine_fail(e, -EFAULT, "status page not mapped", hwsp);
}

static int sim_engine_ctx_fail(struct sim_engine *e, int err, const char *what,
			       u64 addr)
{
	e->stats.bad_ctx++;
	return sim_engine_fail(e, err, what, addr);
}

/*
 * Restore the context at @desc, run its ring slice, save it back.
 * Returns 0 or the error that stopped it.
 */
static int sim_engine_run(struct sim_engine *e, u64 desc, u16 requester)
{
	struct sim_gpu *g = e->g;
	u64 state = (desc & GEN8_CTX_LRCA_MASK) + LRC_STATE_OFFSET;
	u32 mode = (desc & GEN8_CTX_ADDRESSING_MODE_MASK) >>
		   GEN8_CTX_ADDRESSING_MODE_SHIFT;
	u32 img[SIM_CTX_DWORDS];
	struct sim_cs_run run = {
		.max_ticks = g->watchdog_ticks,
		.max_bb_starts = g->watchdog_bb_starts,
		.pphwsp = (desc & GEN8_CTX_LRCA_MASK) +
			  LRC_PPHWSP_PN * XENGT_PAGE_SIZE,
	};
	u16 slot = sim_gpu_requester_slot(requester);
	u64 pml4;
	u32 ctl, ts;
	int ret, wb;

	e->stats.contexts++;
	sim_stat_add(&g->stats.contexts_by_requester[slot], 1);
	e->ticks += SIM_TICKS_CTX;
	sim_stat_add(&g->stats.ticks_by_requester[slot], SIM_TICKS_CTX);
	sim_as_init(&e->as, g, requester, false, 0);
	if (sim_as_read(&e->as, SIM_ACC_CTX, SIM_GGTT, state, img, sizeof(img)))
		return sim_engine_ctx_fail(e, -EFAULT,
					   "context image not mapped", state);
	if (mode != INTEL_LEGACY_64B_CONTEXT)
		return sim_engine_ctx_fail(
			e, -EINVAL,
			"addressing mode not modelled (only 4-level PPGTT)",
			desc);
	ctl = img[CTX_RING_CTL];
	run.ring_start = img[CTX_RING_START] & ~(u32)(XENGT_PAGE_SIZE - 1);
	run.ring_size = (ctl & RING_NR_PAGES) + XENGT_PAGE_SIZE;
	run.head = img[CTX_RING_HEAD] & RING_HEAD_ADDR;
	run.tail = img[CTX_RING_TAIL] & RING_TAIL_ADDR;
	if (!(ctl & RING_VALID))
		return sim_engine_ctx_fail(e, -EINVAL, "ring not valid",
					   state + CTX_RING_CTL * 4);
	if (run.head >= run.ring_size || run.tail >= run.ring_size)
		return sim_engine_ctx_fail(e, -EINVAL,
					   "ring head/tail beyond its size",
					   state + CTX_RING_HEAD * 4);
	pml4 = (u64)img[CTX_PDP0_UDW] << 32 | img[CTX_PDP0_LDW];
	sim_as_init(&e->as, g, requester, pml4 != 0, pml4);

	sim_engine_wr(e, RING_START, run.ring_start);
	sim_engine_wr(e, RING_CTL, ctl);
	sim_engine_wr(e, RING_TAIL, run.tail);
	ret = sim_cs_execute(e, &run);
	e->stats.commands += run.commands;
	sim_stat_add(&g->stats.ticks_by_requester[slot], run.ticks);

	/*
	 * Save: the ring is consumed up to the tail even when the context
	 * was stopped, so a resubmission does not replay the bad commands.
	 */
	sim_engine_wr(e, RING_HEAD, run.tail);
	ts = img[CTX_TIMESTAMP] + (u32)(run.ticks + SIM_TICKS_CTX);
	sim_as_init(&e->as, g, requester, false, 0);
	wb = sim_as_write(&e->as, SIM_ACC_CTX, SIM_GGTT,
			  state + CTX_RING_HEAD * 4, &run.tail, 4);
	if (!wb)
		wb = sim_as_write(&e->as, SIM_ACC_CTX, SIM_GGTT,
				  state + CTX_TIMESTAMP * 4, &ts, 4);
	if (!ret && wb)
		ret = sim_engine_ctx_fail(e, wb, "context save fault", state);
	return ret;
}

static void sim_engine_account_error(struct sim_engine *e, int err)
{
	switch (err) {
	case -ETIMEDOUT:
		e->stats.hangs++;
		sim_engine_error_irq(e, I915_ERROR_INSTRUCTION);
		/* A hang costs an engine reset; the CSB stream goes on. */
		e->elsp_n = 0;
		e->stats.resets++;
		break;
	case -EFAULT:
	case -EPERM:
		e->stats.faults++;
		sim_engine_error_irq(e, I915_ERROR_PAGE_TABLE);
		break;
	default:
		e->stats.bad_cmds++;
		sim_engine_error_irq(e, I915_ERROR_INSTRUCTION);
	}
}

static void sim_engine_submit(struct sim_engine *e, const u64 desc[2])
{
	struct sim_gpu *g = e->g;
	u32 irq = GT_CONTEXT_SWITCH_INTERRUPT;
	int i, ret;

	e->stats.submissions++;
	if (!(desc[0] & GEN8_CTX_VALID)) {
		e->stats.bad_elsp++;
		sim_engine_fail(e, -EINVAL, "ELSP element 0 not valid",
				desc[0]);
		sim_engine_error_irq(e, I915_ERROR_INSTRUCTION);
		return;
	}
	e->user_irq = false;
	for (i = 0; i < 2; i++) {
		u32 ctx_id = desc[i] >> GEN8_CTX_ID_SHIFT;
		u16 requester = g->tag_owner[ctx_id >> GEN8_CTX_ID_TAG_SHIFT];
		u32 status = GEN8_CTX_STATUS_COMPLETE;

		if (!(desc[i] & GEN8_CTX_VALID))
			continue;
		if (!i)
			sim_engine_csb(e, requester,
				       GEN8_CTX_STATUS_IDLE_ACTIVE, ctx_id);
		ret = sim_engine_run(e, desc[i], requester);
		if (ret)
			sim_engine_account_error(e, ret);
		status |= !i && (desc[1] & GEN8_CTX_VALID) ?
				  GEN8_CTX_STATUS_ELEMENT_SWITCH :
				  GEN8_CTX_STATUS_ACTIVE_IDLE;
		sim_engine_csb(e, requester, status, ctx_id);
	}
	if (e->user_irq) {
		e->stats.user_interrupts++;
		irq |= GT_RENDER_USER_INTERRUPT;
	}
	sim_gpu_raise(g, e, irq);
}

void sim_engine_elsp_write(struct sim_engine *e, u32 val)
{
	u64 desc[2];

	e->elsp[e->elsp_n++] = val;
	if (e->elsp_n < 4)
		return;
	e->elsp_n = 0;
	/* Written as element 1 hi, lo, then element 0 hi, lo. */
	desc[1] = (u64)e->elsp[0] << 32 | e->elsp[1];
	desc[0] = (u64)e->elsp[2] << 32 | e->elsp[3];
	sim_engine_submit(e, desc);
}
