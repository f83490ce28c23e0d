// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The host driver of the software GPU: gpu.h implemented on its Gen9
 * registers, the way a host i915 drives a real GPU for GVT-g.
 *
 * attach() brings RCS and BCS up in execlist mode with a status page of
 * the backend's own (host frames mapped in the backend's graphics memory,
 * SIM_HOST_GM_SIZE at the start of the host's hidden share) and their
 * context-switch and user interrupts enabled.  submit() writes the shadow
 * context to ELSP element 0; the interrupt handler acknowledges the GT
 * IIR, consumes the engine's CSB and reports the completion to the core.
 * The software GPU executes inside the fourth ELSP write, so completion is
 * usually reported before submit() returns; nothing here relies on it.
 */
#include "sim_gpu.h"

/* The software GPU's engine behind core engine @engine. */
static const struct sim_engine *sim_host_hw(struct sim_gpu *g, u32 engine)
{
	static const enum sim_engine_id hw[XENGT_NR_ENGINES] = {
		[XENGT_RCS] = SIM_RCS,
		[XENGT_BCS] = SIM_BCS,
		[XENGT_VCS] = SIM_VCS,
		[XENGT_VECS] = SIM_VECS,
	};

	return &g->engines[hw[engine]];
}

static u32 sim_host_hwsp_index(struct sim_gpu *g, u32 engine)
{
	return (u32)((g->base.info.aperture_size >> XENGT_PAGE_SHIFT) + engine);
}

static void sim_host_ggtt_write(struct xengt_gpu *gpu, u32 index, u64 pte)
{
	sim_gpu_ggtt_write(to_sim_gpu(gpu), index, pte);
}

/* Consume @engine's new CSB events; true if the context in flight ended. */
static bool sim_host_csb(struct sim_gpu *g, u32 engine)
{
	struct sim_host_engine *h = &g->host[engine];
	const u32 *hwsp = (const u32 *)h->hwsp;
	u32 w = __atomic_load_n(&hwsp[I915_HWS_CSB_WRITE_INDEX],
				__ATOMIC_ACQUIRE) &
		GEN8_CSB_WRITE_PTR_MASK;
	bool done = false;

	if (w >= GEN8_CSB_ENTRIES)
		return false;
	while (h->csb_read != w) {
		u32 r = (h->csb_read + 1) % GEN8_CSB_ENTRIES;
		u32 status = hwsp[I915_HWS_CSB_BUF0_INDEX + 2 * r];
		u32 id = hwsp[I915_HWS_CSB_BUF0_INDEX + 2 * r + 1];

		h->csb_read = r;
		if (h->busy && id == h->ctx_id &&
		    (status &
		     (GEN8_CTX_STATUS_COMPLETE | GEN8_CTX_STATUS_ACTIVE_IDLE)))
			done = true;
	}
	return done;
}

/* The device's interrupt: one deliverer at a time (sim_gpu_deliver_irq). */
static void sim_host_irq(struct sim_gpu *g)
{
	u32 iir[GEN8_GT_BANKS], b, e;

	/* Acknowledge every bank first, as i915's gen8_gt_irq_ack does. */
	for (b = 0; b < GEN8_GT_BANKS; b++) {
		iir[b] = sim_gpu_reg_read(g, GEN8_GT_IIR(b));
		if (iir[b])
			sim_gpu_reg_write(g, GEN8_GT_IIR(b), iir[b]);
	}
	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		const struct sim_engine *hw = sim_host_hw(g, e);
		struct sim_host_engine *h = &g->host[e];
		u32 bits = (iir[hw->irq_bank] >> hw->irq_shift) & 0xffff;
		u32 events = 0;
		u64 cookie;

		if (!(bits & GT_CONTEXT_SWITCH_INTERRUPT) ||
		    !sim_host_csb(g, e))
			continue;
		if (bits & GT_RENDER_USER_INTERRUPT)
			events |= XENGT_GPU_EV_USER_IRQ;
		if (bits & GT_CS_MASTER_ERROR_INTERRUPT)
			events |= XENGT_GPU_EV_ERROR;
		cookie = h->cookie;
		__atomic_store_n(&h->busy, false, __ATOMIC_RELEASE);
		g->client->complete(g->client, e, cookie, events);
	}
}

static void sim_host_release(struct sim_gpu *g)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		struct sim_host_engine *h = &g->host[e];

		if (!h->hwsp)
			continue;
		sim_host_ggtt_write(&g->base, sim_host_hwsp_index(g, e), 0);
		g->bus->ops->free_host_frame(g->bus, h->hwsp_pfn);
		h->hwsp = NULL;
	}
}

static int sim_host_attach(struct xengt_gpu *gpu,
			   const struct xengt_gpu_client *client)
{
	struct sim_gpu *g = to_sim_gpu(gpu);
	u32 e;

	if (g->client)
		return -EBUSY;
	if (!g->bus)
		return -ENODEV;
	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		const struct sim_engine *hw = sim_host_hw(g, e);
		struct sim_host_engine *h = &g->host[e];
		u32 bits = (GT_CONTEXT_SWITCH_INTERRUPT |
			    GT_RENDER_USER_INTERRUPT |
			    GT_CS_MASTER_ERROR_INTERRUPT)
			   << hw->irq_shift;
		u32 gm = sim_host_hwsp_index(g, e) << XENGT_PAGE_SHIFT;

		h->hwsp = g->bus->ops->alloc_host_frame(g->bus, &h->hwsp_pfn);
		if (!h->hwsp) {
			sim_host_release(g);
			return -ENOMEM;
		}
		sim_host_ggtt_write(gpu, sim_host_hwsp_index(g, e),
				    (h->hwsp_pfn << XENGT_PAGE_SHIFT) |
					    GEN8_PTE_PRESENT);
		h->hwsp_gm = gm;
		h->csb_read = GEN8_CSB_ENTRIES - 1;
		h->busy = false;
		sim_gpu_reg_write(g, hw->base + RING_HWS_PGA, gm);
		sim_gpu_reg_write(g, hw->base + RING_MODE_GEN7,
				  MASKED_BIT_ENABLE(GFX_RUN_LIST_ENABLE |
						    GFX_DISABLE_LEGACY_MODE));
		sim_gpu_reg_write(
			g, GEN8_GT_IMR(hw->irq_bank),
			sim_gpu_reg_read(g, GEN8_GT_IMR(hw->irq_bank)) & ~bits);
		sim_gpu_reg_write(
			g, GEN8_GT_IER(hw->irq_bank),
			sim_gpu_reg_read(g, GEN8_GT_IER(hw->irq_bank)) | bits);
	}
	g->client = client;
	g->irq_handler = sim_host_irq;
	sim_gpu_reg_write(g, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	return 0;
}

static void sim_host_detach(struct xengt_gpu *gpu)
{
	struct sim_gpu *g = to_sim_gpu(gpu);

	if (!g->client)
		return;
	sim_gpu_reg_write(g, GEN8_MASTER_IRQ, 0);
	g->irq_handler = NULL;
	g->client = NULL;
	sim_host_release(g);
}

static int sim_host_submit(struct xengt_gpu *gpu, u32 engine,
			   const struct xengt_gpu_ctx *ctx)
{
	struct sim_gpu *g = to_sim_gpu(gpu);
	struct sim_host_engine *h;
	u32 elsp[4];

	if (engine >= XENGT_NR_ENGINES || !g->client)
		return -EINVAL;
	h = &g->host[engine];
	if (__atomic_load_n(&h->busy, __ATOMIC_ACQUIRE))
		return -EBUSY;
	/* Element 1 empty, element 0 last: its low dword submits. */
	elsp[0] = 0;
	elsp[1] = 0;
	elsp[2] = ctx->ctx_id;
	elsp[3] = (u32)ctx->lrca | GEN8_CTX_VALID | GEN8_CTX_FORCE_PD_RESTORE |
		  GEN8_CTX_FORCE_RESTORE |
		  INTEL_LEGACY_64B_CONTEXT << GEN8_CTX_ADDRESSING_MODE_SHIFT |
		  GEN8_CTX_PRIVILEGE;
	h->ctx_id = ctx->ctx_id;
	h->cookie = ctx->cookie;
	__atomic_store_n(&h->busy, true, __ATOMIC_RELEASE);
	sim_gpu_reg_write_seq(g, sim_host_hw(g, engine)->base + RING_ELSP, elsp,
			      4);
	return 0;
}

static u64 sim_host_timestamp(struct xengt_gpu *gpu, u32 engine)
{
	struct sim_gpu *g = to_sim_gpu(gpu);

	if (engine >= XENGT_NR_ENGINES)
		return 0;
	return __atomic_load_n(&sim_host_hw(g, engine)->ticks,
			       __ATOMIC_RELAXED);
}

static void sim_host_fence_write(struct xengt_gpu *gpu, u32 index, u64 val)
{
	struct sim_gpu *g = to_sim_gpu(gpu);
	u32 reg = GEN6_FENCE_REG_BASE + 8 * index;

	if (index >= g->base.info.fences)
		return;
	/* Invalidate first so the GPU never sees half an update. */
	sim_gpu_reg_write(g, reg, 0);
	sim_gpu_reg_write(g, reg + 4, (u32)(val >> 32));
	sim_gpu_reg_write(g, reg, (u32)val);
}

static void *sim_host_dma_alloc_page(struct xengt_gpu *gpu, u64 *dma)
{
	struct sim_gpu *g = to_sim_gpu(gpu);
	u64 pfn;
	u8 *p;

	if (!g->bus)
		return NULL;
	p = g->bus->ops->alloc_host_frame(g->bus, &pfn);
	if (p)
		*dma = pfn << XENGT_PAGE_SHIFT;
	return p;
}

static void sim_host_dma_free_page(struct xengt_gpu *gpu, void *cpu, u64 dma)
{
	struct sim_gpu *g = to_sim_gpu(gpu);

	if (cpu)
		g->bus->ops->free_host_frame(g->bus, dma >> XENGT_PAGE_SHIFT);
}

const struct xengt_gpu_ops sim_host_gpu_ops = {
	.attach = sim_host_attach,
	.detach = sim_host_detach,
	.submit = sim_host_submit,
	.timestamp = sim_host_timestamp,
	.ggtt_write = sim_host_ggtt_write,
	.fence_write = sim_host_fence_write,
	.dma_alloc_page = sim_host_dma_alloc_page,
	.dma_free_page = sim_host_dma_free_page,
};
