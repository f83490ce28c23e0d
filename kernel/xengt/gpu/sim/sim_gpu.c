// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The software Gen9 GPU: device state, registers, interrupts (see
 * sim_gpu.h).
 */
#include "sim_gpu.h"
#include "sim_mem.h"

#define SIM_ENGINE_REGS 0x800U /* per-engine register block size */
#define SIM_BLIT_ROW_BYTES (65536U * 4)

u16 sim_gpu_requester_slot(u16 requester)
{
	return requester < SIM_GPU_MAX_DOMAINS ? requester : 0;
}

void sim_gpu_record(struct sim_gpu *g, u16 requester, u16 owner,
		    enum sim_access kind)
{
	u32 r = sim_gpu_requester_slot(requester);

	sim_stat_add(&g->stats.accesses, 1);
	sim_stat_add(&g->stats.by_requester[r], 1);
	/*
	 * The core's own structures (shadow tables, contexts, command
	 * copies, status pages) are the host's: the GPU's machinery reaches
	 * them for every vGPU, but what a command addresses never may.
	 */
	if (owner == SIM_OWNER_HOST && requester != SIM_OWNER_HOST) {
		sim_stat_add(&g->stats.host, 1);
		sim_stat_add(&g->stats.host_by_kind[kind], 1);
		if (kind == SIM_ACC_DATA) {
			sim_stat_add(&g->stats.host_escapes, 1);
			sim_stat_add(&g->stats.host_escapes_by_requester[r], 1);
		}
	} else if (owner != requester) {
		sim_stat_add(&g->stats.foreign, 1);
		sim_stat_add(&g->stats.foreign_by_requester[r], 1);
	}
}

static struct sim_engine *sim_engine_at(struct sim_gpu *g, u32 offset, u32 *reg)
{
	u32 i;

	for (i = 0; i < SIM_NUM_ENGINES; i++) {
		struct sim_engine *e = &g->engines[i];

		if (offset >= e->base && offset < e->base + SIM_ENGINE_REGS) {
			*reg = offset - e->base;
			return e;
		}
	}
	return NULL;
}

static u32 *sim_reg(struct sim_gpu *g, u32 offset)
{
	return &g->regs[offset / 4];
}

/* Bits of GEN8_MASTER_IRQ that say which GT bank part is pending. */
static u32 sim_master_pending(struct sim_gpu *g)
{
	u32 pend[GEN8_GT_BANKS], bits = 0, i;

	for (i = 0; i < GEN8_GT_BANKS; i++)
		pend[i] = *sim_reg(g, GEN8_GT_IIR(i)) &
			  *sim_reg(g, GEN8_GT_IER(i));
	for (i = 0; i < SIM_NUM_ENGINES; i++) {
		struct sim_engine *e = &g->engines[i];

		if ((pend[e->irq_bank] >> e->irq_shift) & 0xffff)
			bits |= e->master_bit;
	}
	if (pend[2])
		bits |= GEN8_GT_PM_IRQ;
	return bits;
}

static bool sim_irq_asserted(struct sim_gpu *g)
{
	return (*sim_reg(g, GEN8_MASTER_IRQ) & GEN8_MASTER_IRQ_CONTROL) &&
	       sim_master_pending(g);
}

void sim_gpu_raise(struct sim_gpu *g, struct sim_engine *e, u32 bits)
{
	u32 ev = bits << e->irq_shift;

	/* IMR keeps an event out of the IIR; IER decides if it interrupts. */
	*sim_reg(g, GEN8_GT_IIR(e->irq_bank)) |=
		ev & ~*sim_reg(g, GEN8_GT_IMR(e->irq_bank));
	if (sim_irq_asserted(g))
		__atomic_store_n(&g->irq_raised, 1, __ATOMIC_RELEASE);
}

void sim_gpu_deliver_irq(struct sim_gpu *g)
{
	if (!g->irq_handler)
		return;
	/*
	 * One deliverer at a time, and never under exec_lock: the core may
	 * submit again from its handler.  Whoever finds the flag taken
	 * leaves irq_raised set for the current deliverer to pick up.
	 */
	while (__atomic_load_n(&g->irq_raised, __ATOMIC_ACQUIRE) &&
	       !__atomic_exchange_n(&g->irq_busy, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_exchange_n(&g->irq_raised, 0,
					   __ATOMIC_ACQ_REL)) {
			bool asserted;

			os_mutex_lock(&g->exec_lock);
			asserted = sim_irq_asserted(g);
			os_mutex_unlock(&g->exec_lock);
			if (asserted)
				g->irq_handler(g);
		}
		__atomic_store_n(&g->irq_busy, 0, __ATOMIC_RELEASE);
	}
}

u32 sim_gpu_reg_read_locked(struct sim_gpu *g, u32 offset)
{
	struct sim_engine *e;
	u32 reg;

	if (offset >= SIM_GPU_MMIO_SIZE || offset & 3)
		return 0;
	e = sim_engine_at(g, offset, &reg);
	if (e) {
		switch (reg) {
		case RING_TIMESTAMP:
			return (u32)e->ticks;
		case RING_TIMESTAMP_UDW:
			return (u32)(e->ticks >> 32);
		case RING_CONTEXT_STATUS_PTR:
			return e->csb_rp << GEN8_CSB_READ_PTR_SHIFT | e->csb_wp;
		}
	} else if (offset == GEN8_MASTER_IRQ) {
		return (*sim_reg(g, offset) & GEN8_MASTER_IRQ_CONTROL) |
		       sim_master_pending(g);
	}
	return *sim_reg(g, offset);
}

/*
 * Engines execute on their submitters' threads (one per engine now), so
 * the register file is shared: the CPU's view reads it under exec_lock.
 */
u32 sim_gpu_reg_read(struct sim_gpu *g, u32 offset)
{
	u32 v;

	os_mutex_lock(&g->exec_lock);
	v = sim_gpu_reg_read_locked(g, offset);
	os_mutex_unlock(&g->exec_lock);
	return v;
}

static void sim_masked_write(u32 *r, u32 val)
{
	u32 mask = val >> 16;

	*r = (*r & ~mask) | (val & mask);
}

static void sim_gdrst(struct sim_gpu *g, u32 val)
{
	static const u32 dom[SIM_NUM_ENGINES] = {
		[SIM_RCS] = GEN6_GRDOM_RENDER,
		[SIM_BCS] = GEN6_GRDOM_BLT,
		[SIM_VCS] = GEN6_GRDOM_MEDIA,
		[SIM_VECS] = GEN6_GRDOM_VECS,
	};
	u32 i;

	for (i = 0; i < SIM_NUM_ENGINES; i++)
		if (val & (GEN6_GRDOM_FULL | dom[i]))
			sim_engine_reset(&g->engines[i]);
	/* Resets complete at once: the request bits read back 0. */
	*sim_reg(g, GEN6_GDRST) = 0;
}

/*
 * A register write.  @from_cs: made by MI_LOAD_REGISTER_IMM, which may
 * not reach registers that act (submission, reset, interrupt
 * acknowledgement): -EINVAL for those.  Called with exec_lock held.
 */
static int sim_reg_write_locked(struct sim_gpu *g, u32 offset, u32 val,
				bool from_cs)
{
	u32 *r = sim_reg(g, offset);
	struct sim_engine *e;
	u32 reg;

	if (offset >= SIM_GPU_MMIO_SIZE || offset & 3)
		return -EINVAL;
	e = sim_engine_at(g, offset, &reg);
	if (e) {
		switch (reg) {
		case RING_ELSP:
			if (from_cs)
				return -EINVAL;
			sim_engine_elsp_write(e, val);
			return 0;
		case RING_CONTEXT_STATUS_PTR:
			if ((val >> 16) & GEN8_CSB_READ_PTR_MASK)
				e->csb_rp = (val & GEN8_CSB_READ_PTR_MASK) >>
					    GEN8_CSB_READ_PTR_SHIFT;
			if ((val >> 16) & GEN8_CSB_WRITE_PTR_MASK)
				e->csb_wp = val & GEN8_CSB_WRITE_PTR_MASK;
			return 0;
		case RING_MI_MODE:
			sim_masked_write(r, val);
			/* Nothing runs behind the CPU's back: stop is instant. */
			if (*r & MI_MODE_STOP_RING)
				*r |= MI_MODE_IDLE;
			else
				*r &= ~MI_MODE_IDLE;
			return 0;
		case RING_RESET_CTL:
			sim_masked_write(r, val);
			if (*r & RESET_CTL_REQUEST_RESET)
				*r |= RESET_CTL_READY_TO_RESET;
			else
				*r &= ~RESET_CTL_READY_TO_RESET;
			return 0;
		case RING_MODE_GEN7:
		case RING_CONTEXT_CONTROL:
			sim_masked_write(r, val);
			return 0;
		case RING_EIR:
			*r &= ~val;
			return 0;
		case RING_TIMESTAMP:
		case RING_TIMESTAMP_UDW:
			return 0; /* read-only */
		}
		*r = val;
		return 0;
	}
	switch (offset) {
	case GEN8_GT_IIR(0):
	case GEN8_GT_IIR(1):
	case GEN8_GT_IIR(2):
	case GEN8_GT_IIR(3):
		if (from_cs)
			return -EINVAL;
		*r &= ~val;
		return 0;
	case GEN8_GT_ISR(0):
	case GEN8_GT_ISR(1):
	case GEN8_GT_ISR(2):
	case GEN8_GT_ISR(3):
		return 0; /* read-only */
	case GEN8_MASTER_IRQ:
		if (from_cs)
			return -EINVAL;
		*r = val & GEN8_MASTER_IRQ_CONTROL;
		if (sim_irq_asserted(g))
			__atomic_store_n(&g->irq_raised, 1, __ATOMIC_RELEASE);
		return 0;
	case GEN6_GDRST:
		if (from_cs)
			return -EINVAL;
		sim_gdrst(g, val);
		return 0;
	}
	*r = val;
	return 0;
}

void sim_gpu_reg_write(struct sim_gpu *g, u32 offset, u32 val)
{
	os_mutex_lock(&g->exec_lock);
	sim_reg_write_locked(g, offset, val, false);
	os_mutex_unlock(&g->exec_lock);
	sim_gpu_deliver_irq(g);
}

void sim_gpu_reg_write_seq(struct sim_gpu *g, u32 offset, const u32 *vals,
			   u32 n)
{
	u32 i;

	os_mutex_lock(&g->exec_lock);
	for (i = 0; i < n; i++)
		sim_reg_write_locked(g, offset, vals[i], false);
	os_mutex_unlock(&g->exec_lock);
	sim_gpu_deliver_irq(g);
}

int sim_gpu_cs_reg_write(struct sim_gpu *g, u32 offset, u32 val)
{
	return sim_reg_write_locked(g, offset, val, true);
}

int sim_gpu_init(struct sim_gpu *g, struct sim_bus *bus)
{
	u32 i;

	os_memset(g, 0, sizeof(*g));
	g->base.ops = &sim_host_gpu_ops;
	g->base.info.device_id = SIM_GPU_DEVICE_ID;
	g->base.info.revision = SIM_GPU_REVISION;
	g->base.info.aperture_size = SIM_GPU_APERTURE;
	g->base.info.gm_size = SIM_GPU_GM_SIZE;
	g->base.info.fences = SIM_GPU_FENCES;
	g->base.info.backend_gm_size = SIM_HOST_GM_SIZE;
	g->bus = bus;
	g->ggtt_entries = SIM_GPU_GM_SIZE >> XENGT_PAGE_SHIFT;
	g->regs = os_vzalloc(SIM_GPU_MMIO_SIZE);
	g->ggtt = os_vzalloc((size_t)g->ggtt_entries * sizeof(u64));
	g->blit_row = os_vzalloc(SIM_BLIT_ROW_BYTES);
	if (!g->regs || !g->ggtt || !g->blit_row) {
		os_vfree(g->blit_row);
		os_vfree(g->ggtt);
		os_vfree(g->regs);
		return -ENOMEM;
	}
	for (i = 0; i < SIM_GPU_TAGS; i++)
		g->tag_owner[i] = SIM_OWNER_NONE;
	g->watchdog_ticks = SIM_GPU_WATCHDOG_TICKS;
	g->watchdog_bb_starts = SIM_GPU_WATCHDOG_BB_STARTS;
	for (i = 0; i < SIM_NUM_ENGINES; i++)
		sim_engine_init(&g->engines[i], g, i);
	/* Interrupts masked and disabled at power-on, as i915 expects. */
	for (i = 0; i < GEN8_GT_BANKS; i++)
		*sim_reg(g, GEN8_GT_IMR(i)) = ~0U;
	os_mutex_init(&g->exec_lock);
	return 0;
}

void sim_gpu_fini(struct sim_gpu *g)
{
	if (!g->regs)
		return;
	os_mutex_destroy(&g->exec_lock);
	os_vfree(g->blit_row);
	os_vfree(g->ggtt);
	os_vfree(g->regs);
	g->blit_row = NULL;
	g->ggtt = NULL;
	g->regs = NULL;
}

void sim_gpu_set_tag_owner(struct sim_gpu *g, u8 tag, u16 domid)
{
	__atomic_store_n(&g->tag_owner[tag], domid, __ATOMIC_RELEASE);
}

void sim_gpu_set_watchdog(struct sim_gpu *g, u64 ticks, u32 bb_starts)
{
	os_mutex_lock(&g->exec_lock);
	if (ticks)
		g->watchdog_ticks = ticks;
	if (bb_starts)
		g->watchdog_bb_starts = bb_starts;
	os_mutex_unlock(&g->exec_lock);
}

int sim_gpu_gm_access(struct sim_gpu *g, u16 requester, u64 gm, void *buf,
		      u32 len, bool write)
{
	struct sim_as as;
	u8 *p = buf;
	int ret = 0;

	os_mutex_lock(&g->exec_lock);
	sim_as_init(&as, g, requester, false, 0);
	/* Page by page, so one hole does not hide the rest (tests rely on it). */
	while (len) {
		u32 off = gm & (XENGT_PAGE_SIZE - 1);
		u32 n = XENGT_PAGE_SIZE - off < len ? XENGT_PAGE_SIZE - off :
						      len;
		int r = write ? sim_as_write(&as, SIM_ACC_DATA, SIM_GGTT, gm, p,
					     n) :
				sim_as_read(&as, SIM_ACC_DATA, SIM_GGTT, gm, p,
					    n);

		if (r)
			ret = -EFAULT;
		gm += n;
		p += n;
		len -= n;
	}
	os_mutex_unlock(&g->exec_lock);
	return ret;
}

u64 sim_gpu_ggtt_read(struct sim_gpu *g, u32 index)
{
	return index < g->ggtt_entries ?
		       __atomic_load_n(&g->ggtt[index], __ATOMIC_ACQUIRE) :
		       0;
}

SIM_NOCOV void sim_gpu_ggtt_write(struct sim_gpu *g, u32 index, u64 pte)
{
	if (index < g->ggtt_entries)
		__atomic_store_n(&g->ggtt[index], pte, __ATOMIC_RELEASE);
}
