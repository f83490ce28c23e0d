// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The software Gen9 GPU (see sim_gpu.h).
 */
#include "sim_gpu.h"

static u32 sim_mmio_read(struct xengt_gpu *gpu, u32 offset)
{
	struct sim_gpu *g = to_sim_gpu(gpu);

	if (offset >= SIM_GPU_MMIO_SIZE || offset & 3)
		return 0;
	return g->regs[offset / 4];
}

static void sim_mmio_write(struct xengt_gpu *gpu, u32 offset, u32 val)
{
	struct sim_gpu *g = to_sim_gpu(gpu);

	if (offset >= SIM_GPU_MMIO_SIZE || offset & 3)
		return;
	g->regs[offset / 4] = val;
}

static u64 sim_ggtt_read(struct xengt_gpu *gpu, u32 index)
{
	struct sim_gpu *g = to_sim_gpu(gpu);

	return index < g->ggtt_entries ? g->ggtt[index] : 0;
}

static void sim_ggtt_write(struct xengt_gpu *gpu, u32 index, u64 pte)
{
	struct sim_gpu *g = to_sim_gpu(gpu);

	if (index < g->ggtt_entries)
		__atomic_store_n(&g->ggtt[index], pte, __ATOMIC_RELEASE);
}

static void *sim_dma_alloc_page(struct xengt_gpu *gpu, u64 *dma)
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

static void sim_dma_free_page(struct xengt_gpu *gpu, void *cpu, u64 dma)
{
	struct sim_gpu *g = to_sim_gpu(gpu);

	if (cpu)
		g->bus->ops->free_host_frame(g->bus, dma >> XENGT_PAGE_SHIFT);
}

static const struct xengt_gpu_ops sim_gpu_ops = {
	.mmio_read = sim_mmio_read,
	.mmio_write = sim_mmio_write,
	.ggtt_read = sim_ggtt_read,
	.ggtt_write = sim_ggtt_write,
	.dma_alloc_page = sim_dma_alloc_page,
	.dma_free_page = sim_dma_free_page,
};

int sim_gpu_init(struct sim_gpu *g, struct sim_bus *bus)
{
	os_memset(g, 0, sizeof(*g));
	g->base.ops = &sim_gpu_ops;
	g->base.info.device_id = SIM_GPU_DEVICE_ID;
	g->base.info.revision = SIM_GPU_REVISION;
	g->base.info.aperture_size = SIM_GPU_APERTURE;
	g->base.info.gm_size = SIM_GPU_GM_SIZE;
	g->base.info.fences = SIM_GPU_FENCES;
	g->bus = bus;
	g->ggtt_entries = SIM_GPU_GM_SIZE >> XENGT_PAGE_SHIFT;
	g->regs = os_vzalloc(SIM_GPU_MMIO_SIZE);
	g->ggtt = os_vzalloc((size_t)g->ggtt_entries * sizeof(u64));
	if (!g->regs || !g->ggtt) {
		sim_gpu_fini(g);
		return -ENOMEM;
	}
	return 0;
}

void sim_gpu_fini(struct sim_gpu *g)
{
	os_vfree(g->ggtt);
	os_vfree(g->regs);
	g->ggtt = NULL;
	g->regs = NULL;
}

static void sim_record(struct sim_gpu *g, u16 requester, u16 owner)
{
	u32 r = requester < SIM_GPU_MAX_DOMAINS ? requester : 0;

	os_atomic_inc(&g->stats.accesses);
	os_atomic_inc(&g->stats.by_requester[r]);
	/* The core's own structures (shadow tables, contexts) are the host's. */
	if (owner == SIM_OWNER_HOST && requester != SIM_OWNER_HOST) {
		os_atomic_inc(&g->stats.host);
	} else if (owner != requester) {
		os_atomic_inc(&g->stats.foreign);
		os_atomic_inc(&g->stats.foreign_by_requester[r]);
	}
}

/* Frame behind graphics page @gm, or NULL (fault). */
static u8 *sim_gm_frame(struct sim_gpu *g, u64 gm, u16 *owner)
{
	u64 index = gm >> XENGT_PAGE_SHIFT;
	u64 pte;

	*owner = SIM_OWNER_NONE;
	if (index >= g->ggtt_entries || !g->bus)
		return NULL;
	pte = __atomic_load_n(&g->ggtt[index], __ATOMIC_ACQUIRE);
	if (!(pte & GEN8_PTE_PRESENT))
		return NULL;
	return g->bus->ops->frame(
		g->bus, (pte & GEN8_PTE_ADDR_MASK) >> XENGT_PAGE_SHIFT, owner);
}

int sim_gpu_gm_access(struct sim_gpu *g, u16 requester, u64 gm, void *buf,
		      u32 len, bool write)
{
	u8 *p = buf;
	int ret = 0;

	while (len) {
		u32 off = gm & (XENGT_PAGE_SIZE - 1);
		u32 n = XENGT_PAGE_SIZE - off < len ? XENGT_PAGE_SIZE - off :
						      len;
		u16 owner;
		u8 *frame = sim_gm_frame(g, gm, &owner);

		if (!frame) {
			os_atomic_inc(&g->stats.faults);
			ret = -EFAULT;
		} else {
			sim_record(g, requester, owner);
			if (write)
				os_memcpy(frame + off, p, n);
			else
				os_memcpy(p, frame + off, n);
		}
		gm += n;
		p += n;
		len -= n;
	}
	return ret;
}
