/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The core's own graphics memory: a range of the host's GGTT space where
 * the core maps host pages for the physical GPU to use — the engines'
 * status pages, the shadow contexts and the shadow rings and batch buffers
 * the command scanner copies.
 *
 * The range is GVT_CORE_GM_MB at the top of the host's hidden share, which
 * no vGPU partition can include, so no guest can ever write a GGTT entry
 * in it.  It is handed out in runs of pages (first fit), each page backed
 * by its own gpu->ops->dma_alloc_page host page and mapped by a physical
 * GGTT entry the core writes itself: a run is contiguous in graphics
 * address space, not in host memory.
 *
 * Locking: core_gm.lock is a leaf, so allocation and release are callable
 * from any core path (dispatch under sched.lock and vgpu->lock, vGPU
 * reset and destroy).  Never from a trap handler: allocation sleeps.
 */
#ifndef XENGT_CORE_GM_H
#define XENGT_CORE_GM_H

#include "os.h"
#include "range_alloc.h"

struct xengt_gpu;

struct core_gm {
	struct os_mutex lock;
	struct range_alloc pages; /* units of one GGTT page */
	u64 base; /* graphics address of unit 0 */
	u32 mapped; /* host pages mapped right now */
	u32 peak; /* most pages ever mapped at once */
};

/* Take [base, base + size) of the GGTT.  Caller owns @cg (gvt init). */
int core_gm_init(struct core_gm *cg, u64 base, u64 size);
/* Every run must have been released.  Caller owns @cg (gvt fini). */
void core_gm_fini(struct core_gm *cg);

/*
 * Map @n fresh zeroed host pages at @n contiguous graphics pages: fills
 * cpu[0..n) and dma[0..n) and returns the first page's graphics address in
 * *gm.  -ENOSPC when no run of @n pages is free, -ENOMEM when host memory
 * is short; nothing is left allocated on failure.  Process context, no
 * lock required (takes cg->lock).
 */
int core_gm_alloc(struct core_gm *cg, struct xengt_gpu *gpu, u32 n, void **cpu,
		  u64 *dma, u64 *gm);
/*
 * Unmap and free a run from core_gm_alloc().  The GPU must be done with
 * it.  Clears cpu[].  Process context, no lock required.
 */
void core_gm_free(struct core_gm *cg, struct xengt_gpu *gpu, u64 gm, u32 n,
		  void **cpu, const u64 *dma);

/* Host pages the core has mapped right now (for tests and debugfs). */
u32 core_gm_mapped(struct core_gm *cg);

#endif /* XENGT_CORE_GM_H */
