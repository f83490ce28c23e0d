// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual PCI configuration space (see cfg_space.h).
 *
 * Every byte has a write mask, fixed at creation: a guest write only ever
 * changes the bits real hardware would latch, which is also what makes BAR
 * sizing (all-ones writes) read back the size mask for free.
 */
#include "vgpu.h"

#define SKL_GT2_DEVICE_ID 0x1912
#define SKL_REVISION 0x07

static void put8(u8 *p, u32 off, u8 v)
{
	p[off] = v;
}

static void put16(u8 *p, u32 off, u16 v)
{
	p[off] = v & 0xff;
	p[off + 1] = v >> 8;
}

static void put32(u8 *p, u32 off, u32 v)
{
	put16(p, off, v & 0xffff);
	put16(p, off + 2, v >> 16);
}

static u32 get32(const u8 *p, u32 off)
{
	return p[off] | p[off + 1] << 8 | p[off + 2] << 16 |
	       (u32)p[off + 3] << 24;
}

static u16 get16(const u8 *p, u32 off)
{
	return p[off] | p[off + 1] << 8;
}

u64 vgpu_cfg_bar_size(const struct vgpu *vgpu, int bar)
{
	switch (bar) {
	case 0:
		return VGPU_BAR0_SIZE;
	case 2:
		return vgpu->gvt->gpu->info.aperture_size;
	default:
		return 0;
	}
}

static u64 bar_base(const struct vgpu_cfg *cfg, u32 off)
{
	return ((u64)get32(cfg->space, off + 4) << 32) |
	       (get32(cfg->space, off) & ~0xfU);
}

u64 vgpu_cfg_bar0_base(const struct vgpu *vgpu)
{
	const struct vgpu_cfg *cfg = &vgpu->cfg;
	u64 base = bar_base(cfg, PCI_BASE_ADDRESS_0);

	if (!(get16(cfg->space, PCI_COMMAND) & PCI_COMMAND_MEMORY))
		return 0;
	/*
	 * An all-ones upper half is a sizing probe in progress (or a guest
	 * asking for the top of the address space): never trap there.
	 */
	if (base == 0 || (base >> 32) == 0xffffffff)
		return 0;
	return base;
}

u64 vgpu_cfg_asls(const struct vgpu *vgpu)
{
	return get32(vgpu->cfg.space, INTEL_ASLS);
}

static void cfg_init_wmask(struct vgpu *vgpu)
{
	u8 *m = vgpu->cfg.wmask;
	u64 ap = vgpu_cfg_bar_size(vgpu, 2);

	put16(m, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | 0x400);
	put32(m, PCI_BASE_ADDRESS_0, (u32) ~(VGPU_BAR0_SIZE - 1));
	put32(m, PCI_BASE_ADDRESS_0 + 4, 0xffffffff);
	put32(m, PCI_BASE_ADDRESS_2, (u32) ~(ap - 1) & ~0xfU);
	put32(m, PCI_BASE_ADDRESS_2 + 4, 0xffffffff);
	put8(m, PCI_INTERRUPT_LINE, 0xff);
	/* MSI: enable + multiple message enable, 64-bit address, data. */
	put16(m, VGPU_CAP_MSI + 2, 0x0071);
	put32(m, VGPU_CAP_MSI + 4, 0xfffffffc);
	put32(m, VGPU_CAP_MSI + 8, 0xffffffff);
	put16(m, VGPU_CAP_MSI + 12, 0xffff);
	/* PM: power state. */
	put16(m, VGPU_CAP_PM + 4, 0x0003);
	put32(m, INTEL_ASLS, 0xffffffff);
}

void vgpu_cfg_init(struct vgpu *vgpu)
{
	struct vgpu_cfg *cfg = &vgpu->cfg;
	u8 *s = cfg->space;

	os_memset(cfg, 0, sizeof(*cfg));
	put16(s, PCI_VENDOR_ID, 0x8086);
	put16(s, PCI_DEVICE_ID, vgpu->gvt->gpu->info.device_id);
	put16(s, PCI_STATUS, PCI_STATUS_CAP_LIST);
	put8(s, PCI_REVISION_ID, vgpu->gvt->gpu->info.revision);
	put32(s, PCI_REVISION_ID, get32(s, PCI_REVISION_ID) | 0x03000000);
	put8(s, PCI_HEADER_TYPE, 0);
	put32(s, PCI_BASE_ADDRESS_0, PCI_BAR_MEM_TYPE_64);
	put32(s, PCI_BASE_ADDRESS_2,
	      PCI_BAR_MEM_TYPE_64 | PCI_BAR_MEM_PREFETCH);
	put16(s, PCI_SUBSYSTEM_VENDOR_ID, 0x8086);
	put16(s, PCI_SUBSYSTEM_ID, 0x2015);
	put8(s, PCI_CAPABILITY_LIST, VGPU_CAP_MSI);
	put8(s, PCI_INTERRUPT_PIN, 1);
	put16(s, INTEL_GMCH_CTRL, GMCH_GGMS_8M << GMCH_GGMS_SHIFT);
	put32(s, INTEL_BDSM, 0); /* no stolen memory for a vGPU */

	put8(s, VGPU_CAP_MSI, 0x05);
	put8(s, VGPU_CAP_MSI + 1, VGPU_CAP_PM);
	put16(s, VGPU_CAP_MSI + 2, 0x0080); /* 64-bit capable, 1 vector */
	put8(s, VGPU_CAP_PM, 0x01);
	put8(s, VGPU_CAP_PM + 1, 0);
	put16(s, VGPU_CAP_PM + 2, 0x0022);

	cfg_init_wmask(vgpu);
}

void vgpu_cfg_sync_bar0(struct vgpu *vgpu)
{
	u64 want = vgpu_cfg_bar0_base(vgpu);
	u64 old = vgpu->cfg.bar0_mapped;
	s64 trapped;
	int ret;

	if (want == old)
		return;
	/* The old range goes first: the new one may overlap it. */
	if (old)
		hv_map_mmio(vgpu, old, 0, vgpu->cfg.bar0_trapped);
	vgpu->cfg.bar0_mapped = 0;
	trapped = ggtt_ram_place(vgpu, want);
	if (trapped < 0) {
		vgpu_err(vgpu, "cannot put BAR0's GGTT RAM at 0x%llx: %lld",
			 want, trapped);
		ggtt_ram_place(vgpu, 0);
		return;
	}
	if (!want)
		return;
	ret = hv_map_mmio(vgpu, 0, want, trapped);
	if (ret) {
		vgpu_err(vgpu, "cannot trap BAR0 at 0x%llx: %d", want, ret);
		ggtt_ram_place(vgpu, 0);
		return;
	}
	vgpu->cfg.bar0_mapped = want;
	vgpu->cfg.bar0_trapped = trapped;
}

static bool cfg_access_ok(u32 offset, u32 bytes)
{
	return (bytes == 1 || bytes == 2 || bytes == 4) &&
	       xengt_is_aligned(offset, bytes) && offset < 4096;
}

int vgpu_cfg_read(struct vgpu *vgpu, u32 offset, u32 bytes, u32 *val)
{
	u32 i, v = 0;

	if (!cfg_access_ok(offset, bytes)) {
		os_atomic_inc(&vgpu->stats.cfg_bad);
		*val = 0xffffffff;
		return -EINVAL;
	}
	vgpu_lock(vgpu);
	vgpu->stats.cfg_reads++;
	if (offset < VGPU_CFG_SIZE)
		for (i = 0; i < bytes; i++)
			v |= (u32)vgpu->cfg.space[offset + i] << (8 * i);
	vgpu_unlock(vgpu);
	*val = v;
	return 0;
}

int vgpu_cfg_write(struct vgpu *vgpu, u32 offset, u32 bytes, u32 val)
{
	struct vgpu_cfg *cfg = &vgpu->cfg;
	bool changed = false;
	u32 i;

	if (!cfg_access_ok(offset, bytes)) {
		os_atomic_inc(&vgpu->stats.cfg_bad);
		return -EINVAL;
	}
	vgpu_lock(vgpu);
	vgpu->stats.cfg_writes++;
	for (i = 0; i < bytes && offset + i < VGPU_CFG_SIZE; i++) {
		u8 m = cfg->wmask[offset + i];
		u8 b = (val >> (8 * i)) & 0xff;

		if (m)
			changed = true;
		cfg->space[offset + i] =
			(cfg->space[offset + i] & ~m) | (b & m);
	}
	if (!changed) {
		vgpu->stats.cfg_ro_writes++;
		goto out;
	}
	if (offset < PCI_BASE_ADDRESS_0 + 8 && offset + bytes > PCI_COMMAND)
		vgpu_cfg_sync_bar0(vgpu);
	if (offset + bytes > INTEL_ASLS)
		opregion_place(vgpu, vgpu_cfg_asls(vgpu));
out:
	vgpu_unlock(vgpu);
	return 0;
}
