/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Fence register partitioning: guest fence i is physical fence
 * fence_base + i; the guest sees only its own fence_num fences.
 */
#ifndef XENGT_FENCE_H
#define XENGT_FENCE_H

#include "os.h"
#include "gen9.h"

struct vgpu;

#define FENCE_REG_GEN6_BASE GEN6_FENCE_REG_BASE
#define FENCE_REG_MAX 32
#define FENCE_REG_BYTES (FENCE_REG_MAX * 8)
#define FENCE_VALID (1U << 0)

/* Register-table hooks (see regs.h); caller holds vgpu->lock. */
u32 fence_mmio_read(struct vgpu *vgpu, u32 offset);
void fence_mmio_write(struct vgpu *vgpu, u32 offset, u32 old);
/* Clear the vGPU's physical fences (reset, destroy). */
void fence_vgpu_clear(struct vgpu *vgpu);

#endif /* XENGT_FENCE_H */
