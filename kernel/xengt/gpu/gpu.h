/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Physical GPU backend interface of the GVT core.
 *
 * The core multiplexes one physical GPU; this is all it asks of it.  Every
 * member is implemented by every backend:
 *   gpu/sim/          the software Gen9 GPU (see gpu/sim/sim_gpu.h for
 *                     what it models and what it does not)
 * A backend embeds struct xengt_gpu in its own state and recovers it with
 * container_of-style arithmetic.
 */
#ifndef XENGT_GPU_H
#define XENGT_GPU_H

#include "os.h"

struct xengt_gpu;
struct xengt_gvt;

/* Gen8+ GGTT PTE: bit 0 present, address in bits 12..38 on Gen9. */
#define GEN8_PTE_PRESENT (1ULL << 0)
#define GEN8_PTE_ADDR_MASK 0x0000007ffffff000ULL
#define GEN8_PTE_FLAGS_MASK 0x0000000000000fffULL

struct xengt_gpu_info {
	u16 device_id;
	u8 revision;
	u64 aperture_size; /* CPU-mappable ("low") graphics memory, bytes */
	u64 gm_size; /* all GGTT-mapped graphics memory, bytes */
	u32 fences; /* fence registers */
};

struct xengt_gpu_ops {
	/* 32-bit access to a physical MMIO register (offset in BAR0). */
	u32 (*mmio_read)(struct xengt_gpu *gpu, u32 offset);
	void (*mmio_write)(struct xengt_gpu *gpu, u32 offset, u32 val);
	/* Read / write one physical GGTT entry (index = graphics address >> 12). */
	u64 (*ggtt_read)(struct xengt_gpu *gpu, u32 index);
	void (*ggtt_write)(struct xengt_gpu *gpu, u32 index, u64 pte);
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
	/*
	 * The GVT core driving this GPU, or NULL (native use, tests).  Set by
	 * the core; the backend only hands it to xengt_gvt_irq().
	 */
	struct xengt_gvt *gvt;
};

/*
 * The core's interrupt entry (core/irq.c): a backend calls it when the
 * physical GPU asserts its interrupt, i.e. GEN8_MASTER_IRQ_CONTROL is set
 * and some GT IIR bit is enabled in its IER.  The core then reads and
 * clears the IIRs through ops->mmio_read/mmio_write.  Called from the
 * backend's completion path (the software GPU: inside the MMIO write that
 * submitted the work, with no backend lock held; the core may submit
 * again from it).
 */
void xengt_gvt_irq(struct xengt_gvt *gvt);

#endif /* XENGT_GPU_H */
