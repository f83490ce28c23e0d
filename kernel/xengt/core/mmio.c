// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MMIO trap dispatch (see mmio.h): offset -> register descriptor -> handler.
 *
 * Register space is emulated a dword at a time: a sub-dword write merges
 * into the current value first, an 8-byte access is two dwords.  That keeps
 * every handler's view simple (one whole dword) whatever the guest does.
 */
#include "vgpu.h"
#include "mmio.h"
#include "regs.h"

static bool mmio_reg_access_ok(u64 offset, u32 bytes)
{
	switch (bytes) {
	case 1:
	case 2:
	case 4:
		return xengt_is_aligned(offset, bytes);
	case 8:
		return xengt_is_aligned(offset, 4);
	default:
		return false;
	}
}

static bool mmio_ggtt_access_ok(u64 offset, u32 bytes)
{
	return (bytes == 4 || bytes == 8) && xengt_is_aligned(offset, bytes);
}

static u32 reg_read_dword(struct vgpu *vgpu, u32 offset)
{
	const struct vgpu_reg *r = regs_lookup(offset);

	if (r && r->read)
		return r->read(vgpu, offset);
	return vgpu_vreg32(vgpu, offset);
}

/* @mask: which bits of @val the guest actually wrote. */
static void reg_write_dword(struct vgpu *vgpu, u32 offset, u32 val, u32 mask)
{
	const struct vgpu_reg *r = regs_lookup(offset);
	u32 old = vgpu_vreg32(vgpu, offset);
	u32 next = (old & ~mask) | (val & mask);

	if (!r) {
		vgpu->stats.mmio_unknown_writes++;
		vgpu_set_vreg32(vgpu, offset, next);
		return;
	}
	if (r->flags & REG_RO) {
		vgpu->stats.mmio_ro_writes++;
		return;
	}
	if (r->flags & REG_MASKED) {
		u32 en = next >> 16;

		next = (old & 0xffff & ~en) | (next & en);
	} else if (r->flags & REG_W1C) {
		next = old & ~(val & mask);
	}
	vgpu_set_vreg32(vgpu, offset, next);
	if (r->write)
		r->write(vgpu, offset, old);
}

static void mmio_reg_read(struct vgpu *vgpu, u32 offset, u32 bytes, u8 *data)
{
	u32 pos = offset & ~3U, end = offset + bytes;

	for (; pos < end; pos += 4) {
		u32 v = reg_read_dword(vgpu, pos);
		u32 from = pos < offset ? offset - pos : 0;
		u32 to = end - pos < 4 ? end - pos : 4;

		os_memcpy(data, (u8 *)&v + from, to - from);
		data += to - from;
	}
}

static void mmio_reg_write(struct vgpu *vgpu, u32 offset, u32 bytes,
			   const u8 *data)
{
	u32 pos = offset & ~3U, end = offset + bytes;

	for (; pos < end; pos += 4) {
		u32 from = pos < offset ? offset - pos : 0;
		u32 to = end - pos < 4 ? end - pos : 4;
		u32 v = 0, mask = 0, i;

		for (i = from; i < to; i++) {
			v |= (u32)*data++ << (8 * i);
			mask |= 0xffU << (8 * i);
		}
		reg_write_dword(vgpu, pos, v, mask);
	}
}

enum mmio_region { MMIO_REGS, MMIO_GGTT, MMIO_RESERVED, MMIO_BAD };

static enum mmio_region mmio_classify(u64 offset, u32 bytes)
{
	if (offset >= VGPU_BAR0_SIZE || bytes > VGPU_BAR0_SIZE - offset)
		return MMIO_BAD;
	if (offset >= VGPU_GGTT_OFFSET)
		return mmio_ggtt_access_ok(offset, bytes) ? MMIO_GGTT :
							    MMIO_BAD;
	if (!mmio_reg_access_ok(offset, bytes))
		return MMIO_BAD;
	if (offset + bytes <= VGPU_MMIO_SIZE)
		return MMIO_REGS;
	/* Between the register space and the GGTT: nothing is there. */
	return MMIO_RESERVED;
}

int vgpu_mmio_read(struct vgpu *vgpu, u64 offset, u32 bytes, void *data)
{
	enum mmio_region region = mmio_classify(offset, bytes);

	if (region == MMIO_BAD) {
		os_memset(data, 0xff, bytes <= 8 ? bytes : 8);
		os_atomic_inc(&vgpu->stats.mmio_bad);
		return -EINVAL;
	}
	vgpu_lock(vgpu);
	vgpu->stats.mmio_reads++;
	switch (region) {
	case MMIO_REGS:
		mmio_reg_read(vgpu, offset, bytes, data);
		break;
	case MMIO_GGTT:
		ggtt_guest_read(vgpu, offset - VGPU_GGTT_OFFSET, bytes, data);
		break;
	default:
		os_memset(data, 0, bytes);
		os_atomic_inc(&vgpu->stats.mmio_bad);
	}
	vgpu_unlock(vgpu);
	return 0;
}

int vgpu_mmio_write(struct vgpu *vgpu, u64 offset, u32 bytes, const void *data)
{
	enum mmio_region region = mmio_classify(offset, bytes);

	if (region == MMIO_BAD) {
		os_atomic_inc(&vgpu->stats.mmio_bad);
		return -EINVAL;
	}
	vgpu_lock(vgpu);
	vgpu->stats.mmio_writes++;
	switch (region) {
	case MMIO_REGS:
		mmio_reg_write(vgpu, offset, bytes, data);
		break;
	case MMIO_GGTT:
		ggtt_guest_write(vgpu, offset - VGPU_GGTT_OFFSET, bytes, data);
		break;
	default:
		os_atomic_inc(&vgpu->stats.mmio_bad);
	}
	vgpu_unlock(vgpu);
	return 0;
}
