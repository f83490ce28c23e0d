/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Physical GPU backend interface of the GVT core: what the core needs of
 * the one GPU it multiplexes, at submission level.
 *
 * The core hands the backend one shadow context at a time per engine and
 * learns of its completion through the callback it registered at attach;
 * how an engine is brought up and programmed (status page, execlist mode,
 * interrupts, ELSP) is the backend's business, as it would be i915's for a
 * real host backend (upstream GVT-g submits through i915 the same way).
 * Beside submission the core writes GGTT entries and fence registers (the
 * partitions it validated), reads an engine's clock and allocates host
 * pages the GPU can reach for its own structures.
 *
 * Every member is implemented by every backend:
 *   gpu/sim/          the software Gen9 GPU (see gpu/sim/sim_gpu.h for
 *                     what it models and what it does not)
 * A backend embeds struct xengt_gpu in its own state.
 */
#ifndef XENGT_GPU_H
#define XENGT_GPU_H

#include "os.h"

struct xengt_gpu;

/* Gen8+ GGTT PTE: bit 0 present, address in bits 12..38 on Gen9. */
#define GEN8_PTE_PRESENT (1ULL << 0)
#define GEN8_PTE_ADDR_MASK 0x0000007ffffff000ULL
#define GEN8_PTE_FLAGS_MASK 0x0000000000000fffULL

/*
 * Engines the core submits to, in the core's numbering: those of a Gen9
 * GT2, every one i915 6.1 uses there (rcs0, bcs0, vcs0, vecs0).
 */
enum xengt_engine_id {
	XENGT_RCS,
	XENGT_BCS,
	XENGT_VCS,
	XENGT_VECS,
	XENGT_NR_ENGINES
};

struct xengt_gpu_info {
	u16 device_id;
	u8 revision;
	u64 aperture_size; /* CPU-mappable ("low") graphics memory, bytes */
	u64 gm_size; /* all GGTT-mapped graphics memory, bytes */
	u32 fences; /* fence registers */
	/*
	 * Graphics memory the backend keeps for its own structures (engine
	 * status pages and the like), at the start of the host's hidden
	 * share; the core never partitions or maps it.
	 */
	u64 backend_gm_size;
};

/* One shadow context for the GPU to run. */
struct xengt_gpu_ctx {
	u64 lrca; /* graphics address of its image (GGTT, page aligned) */
	u32 ctx_id; /* upper descriptor dword: bits 31:24 name the vGPU */
	u64 cookie; /* the core's, handed back in complete() */
};

/* What happened while a context ran (complete()'s @events). */
#define XENGT_GPU_EV_USER_IRQ (1U << 0) /* it executed MI_USER_INTERRUPT */
#define XENGT_GPU_EV_ERROR (1U << 1) /* it was stopped by a fault or hang */

struct xengt_gpu_client {
	/*
	 * The context submitted with @cookie on @engine is off the GPU.
	 * Called exactly once per accepted submit(), from the backend's
	 * completion context (process context, no backend lock held), which
	 * may be inside submit() itself; the core may submit again from it.
	 */
	void (*complete)(const struct xengt_gpu_client *client, u32 engine,
			 u64 cookie, u32 events);
};

struct xengt_gpu_ops {
	/*
	 * Bring the engines up for submission and route completions to
	 * @client (which outlives the attachment).  One client at a time:
	 * -EBUSY otherwise.  Process context.
	 */
	int (*attach)(struct xengt_gpu *gpu,
		      const struct xengt_gpu_client *client);
	/* Nothing may be in flight.  Process context. */
	void (*detach)(struct xengt_gpu *gpu);
	/*
	 * Run @ctx alone on @engine.  At most one context per engine is in
	 * flight: the core submits the next one after complete().  Returns
	 * 0 (complete() will follow) or a negative errno (it will not).
	 */
	int (*submit)(struct xengt_gpu *gpu, u32 engine,
		      const struct xengt_gpu_ctx *ctx);
	/* The engine's clock (RING_TIMESTAMP ticks).  Any context. */
	u64 (*timestamp)(struct xengt_gpu *gpu, u32 engine);
	/* Write one physical GGTT entry (index = graphics address >> 12). */
	void (*ggtt_write)(struct xengt_gpu *gpu, u32 index, u64 pte);
	/* Write physical fence register @index (Gen6+ 64-bit layout). */
	void (*fence_write)(struct xengt_gpu *gpu, u32 index, u64 val);
	/*
	 * One zeroed 4 KiB page of host memory the GPU can reach, for the
	 * core's own structures (shadow page tables, shadow contexts).
	 * Returns the CPU pointer and sets *dma, or NULL.  Process context.
	 */
	void *(*dma_alloc_page)(struct xengt_gpu *gpu, u64 *dma);
	void (*dma_free_page)(struct xengt_gpu *gpu, void *cpu, u64 dma);
};

struct xengt_gpu {
	const struct xengt_gpu_ops *ops;
	struct xengt_gpu_info info;
};

#endif /* XENGT_GPU_H */
