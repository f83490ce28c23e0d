// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fence register partitioning (see fence.h).
 */
#include "vgpu.h"
#include "fence.h"

static u32 fence_index(u32 offset)
{
	return (offset - FENCE_REG_GEN6_BASE) / 8;
}

u32 fence_mmio_read(struct vgpu *vgpu, u32 offset)
{
	if (fence_index(offset) >= vgpu->fence_num)
		return 0;
	return vgpu_vreg32(vgpu, offset);
}

static void fence_write_physical(struct vgpu *vgpu, u32 i, u32 lo, u32 hi)
{
	struct xengt_gpu *gpu = vgpu->gvt->gpu;

	gpu->ops->fence_write(gpu, vgpu->fence_base + i, (u64)hi << 32 | lo);
}

/*
 * A valid fence describes [start, end] of graphics memory (start in the
 * low dword, end page in the high dword, Gen6+ layout).  It may only cover
 * the vGPU's own partition; anything else is dropped to "invalid".
 */
void fence_mmio_write(struct vgpu *vgpu, u32 offset, u32 old)
{
	u32 i = fence_index(offset);
	u32 base = FENCE_REG_GEN6_BASE + 8 * i;
	u32 lo, hi;
	u64 start, end;

	if (i >= vgpu->fence_num) {
		vgpu_set_vreg32(vgpu, offset, old);
		vgpu->stats.fence_dropped++;
		return;
	}
	lo = vgpu_vreg32(vgpu, base);
	hi = vgpu_vreg32(vgpu, base + 4);
	if (!(lo & FENCE_VALID)) {
		fence_write_physical(vgpu, i, 0, 0);
		return;
	}
	start = lo & 0xfffff000U;
	end = (u64)(hi & 0xfffff000U) + XENGT_PAGE_SIZE;
	if (end <= start || !ggtt_gm_range_owned(vgpu, start, end - start)) {
		vgpu->stats.fence_dropped++;
		fence_write_physical(vgpu, i, 0, 0);
		return;
	}
	fence_write_physical(vgpu, i, lo, hi);
}

void fence_vgpu_clear(struct vgpu *vgpu)
{
	u32 i;

	for (i = 0; i < vgpu->fence_num; i++)
		fence_write_physical(vgpu, i, 0, 0);
}
