// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The core's own graphics memory (see core_gm.h).
 */
#include "core_gm.h"
#include "gpu.h"

int core_gm_init(struct core_gm *cg, u64 base, u64 size)
{
	int ret;

	os_memset(cg, 0, sizeof(*cg));
	if (!size || !xengt_is_aligned(base | size, XENGT_PAGE_SIZE))
		return -EINVAL;
	ret = range_alloc_init(&cg->pages, "core graphics memory",
			       (u32)(size >> XENGT_PAGE_SHIFT));
	if (ret)
		return ret;
	cg->base = base;
	os_mutex_init(&cg->lock);
	return 0;
}

void core_gm_fini(struct core_gm *cg)
{
	if (!cg->pages.bitmap)
		return;
	if (cg->mapped)
		gvt_err("core graphics memory: %u pages still mapped at exit",
			cg->mapped);
	os_mutex_destroy(&cg->lock);
	range_alloc_fini(&cg->pages);
}

static void core_gm_unmap(struct xengt_gpu *gpu, u64 gm, u32 n, void **cpu,
			  const u64 *dma)
{
	u32 i;

	/* Unmap first: the GPU must never reach a page that went back. */
	for (i = 0; i < n; i++) {
		if (!cpu[i])
			continue;
		gpu->ops->ggtt_write(gpu, (u32)(gm >> XENGT_PAGE_SHIFT) + i, 0);
		gpu->ops->dma_free_page(gpu, cpu[i], dma[i]);
		cpu[i] = NULL;
	}
}

int core_gm_alloc(struct core_gm *cg, struct xengt_gpu *gpu, u32 n, void **cpu,
		  u64 *dma, u64 *gm)
{
	s64 first;
	u32 i;

	os_mutex_lock(&cg->lock);
	first = range_alloc_get(&cg->pages, n);
	os_mutex_unlock(&cg->lock);
	if (first < 0)
		return -ENOSPC;
	*gm = cg->base + ((u64)first << XENGT_PAGE_SHIFT);
	for (i = 0; i < n; i++) {
		cpu[i] = gpu->ops->dma_alloc_page(gpu, &dma[i]);
		if (!cpu[i]) {
			core_gm_unmap(gpu, *gm, i, cpu, dma);
			os_mutex_lock(&cg->lock);
			range_alloc_put(&cg->pages, (u32)first, n);
			os_mutex_unlock(&cg->lock);
			return -ENOMEM;
		}
		gpu->ops->ggtt_write(gpu, (u32)(*gm >> XENGT_PAGE_SHIFT) + i,
				     (dma[i] & GEN8_PTE_ADDR_MASK) |
					     GEN8_PTE_PRESENT);
	}
	os_mutex_lock(&cg->lock);
	cg->mapped += n;
	if (cg->mapped > cg->peak)
		cg->peak = cg->mapped;
	os_mutex_unlock(&cg->lock);
	return 0;
}

void core_gm_free(struct core_gm *cg, struct xengt_gpu *gpu, u64 gm, u32 n,
		  void **cpu, const u64 *dma)
{
	if (!n)
		return;
	core_gm_unmap(gpu, gm, n, cpu, dma);
	os_mutex_lock(&cg->lock);
	range_alloc_put(&cg->pages, (u32)((gm - cg->base) >> XENGT_PAGE_SHIFT),
			n);
	cg->mapped -= n;
	os_mutex_unlock(&cg->lock);
}

u32 core_gm_mapped(struct core_gm *cg)
{
	u32 n;

	os_mutex_lock(&cg->lock);
	n = cg->mapped;
	os_mutex_unlock(&cg->lock);
	return n;
}
