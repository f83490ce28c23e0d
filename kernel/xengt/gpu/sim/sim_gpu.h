/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The software Gen9 GPU: the physical GPU of the simulated and real-Xen
 * test worlds.
 *
 * What it models today:
 *  - a Skylake GT2 (8086:1912) identity, 512 MiB aperture, 4 GiB GGTT,
 *    32 fence registers;
 *  - the register file (plain storage: no side effects yet);
 *  - the physical GGTT (Gen8 PTEs: present bit, 39-bit address);
 *  - memory accesses through the GGTT, each recorded with the domain that
 *    owns the frame it touches, so tests can assert isolation.
 * What it does not model (yet): engines, command streamers, execlists,
 * interrupts, PPGTT walks, display.  A not-present GGTT entry makes an
 * access fail and is counted as a fault (real hardware would read the
 * scratch page instead).
 */
#ifndef XENGT_SIM_GPU_H
#define XENGT_SIM_GPU_H

#include "os.h"
#include "gpu.h"
#include "sim_bus.h"

#define SIM_GPU_DEVICE_ID 0x1912 /* Skylake GT2 */
#define SIM_GPU_REVISION 0x07
#define SIM_GPU_APERTURE XENGT_MB(512)
#define SIM_GPU_GM_SIZE XENGT_GB(4)
#define SIM_GPU_FENCES 32
#define SIM_GPU_MMIO_SIZE 0x200000U
#define SIM_GPU_MAX_DOMAINS 64

struct sim_gpu_stats {
	u64 accesses; /* page-sized or smaller memory accesses */
	u64 faults; /* not-present GGTT entry or no frame behind it */
	u64 host; /* frames of the host (the core's structures) for a domain */
	u64 foreign; /* frame of another domain, or of nobody */
	u64 by_requester[SIM_GPU_MAX_DOMAINS];
	u64 foreign_by_requester[SIM_GPU_MAX_DOMAINS];
};

struct sim_gpu {
	struct xengt_gpu base;
	struct sim_bus *bus;
	u32 *regs;
	u64 *ggtt;
	u32 ggtt_entries;
	struct sim_gpu_stats stats;
};

static inline struct sim_gpu *to_sim_gpu(struct xengt_gpu *gpu)
{
	return (struct sim_gpu *)((u8 *)gpu -
				  __builtin_offsetof(struct sim_gpu, base));
}

/* @bus may be NULL (no memory behind the GPU: every access faults). */
int sim_gpu_init(struct sim_gpu *g, struct sim_bus *bus);
void sim_gpu_fini(struct sim_gpu *g);

/*
 * Read or write @len bytes of graphics memory at @gm through the GGTT on
 * behalf of domain @requester, recording the owner of every frame touched.
 * Returns 0 or -EFAULT (some page not mapped; the rest is still done).
 */
int sim_gpu_gm_access(struct sim_gpu *g, u16 requester, u64 gm, void *buf,
		      u32 len, bool write);

#endif /* XENGT_SIM_GPU_H */
