// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * GGTT partitioning and the shadow GGTT (see ggtt.h).
 */
#include "vgpu.h"

/* Bits of a Gen9 GGTT PTE that must be zero (above the 39-bit address). */
#define GEN9_PTE_RESERVED_MASK (~(GEN8_PTE_ADDR_MASK | GEN8_PTE_FLAGS_MASK))

int ggtt_vgpu_init(struct vgpu *vgpu)
{
	struct vgpu_ggtt *g = &vgpu->ggtt;

	g->low_first = vgpu->low_gm_base >> XENGT_PAGE_SHIFT;
	g->low_count = vgpu->low_gm_size >> XENGT_PAGE_SHIFT;
	g->high_first = vgpu->high_gm_base >> XENGT_PAGE_SHIFT;
	g->high_count = vgpu->high_gm_size >> XENGT_PAGE_SHIFT;
	g->entries = os_vzalloc(((size_t)g->low_count + g->high_count) *
				sizeof(u64));
	return g->entries ? 0 : -ENOMEM;
}

/* Index into g->entries of GGTT entry @index, or -1 outside the partition. */
static s64 ggtt_slot(const struct vgpu_ggtt *g, u32 index)
{
	if (index >= g->low_first && index - g->low_first < g->low_count)
		return index - g->low_first;
	if (index >= g->high_first && index - g->high_first < g->high_count)
		return (s64)g->low_count + (index - g->high_first);
	return -1;
}

static void ggtt_clear_physical(struct vgpu *vgpu)
{
	struct xengt_gpu *gpu = vgpu->gvt->gpu;
	struct vgpu_ggtt *g = &vgpu->ggtt;
	u32 i;

	for (i = 0; i < g->low_count; i++)
		gpu->ops->ggtt_write(gpu, g->low_first + i, 0);
	for (i = 0; i < g->high_count; i++)
		gpu->ops->ggtt_write(gpu, g->high_first + i, 0);
}

static void ggtt_ram_publish(struct vgpu *vgpu);

void ggtt_vgpu_reset(struct vgpu *vgpu)
{
	struct vgpu_ggtt *g = &vgpu->ggtt;

	ggtt_clear_physical(vgpu);
	os_memset(g->entries, 0,
		  ((size_t)g->low_count + g->high_count) * sizeof(u64));
	if (g->path == GGTT_PATH_RAM)
		ggtt_ram_publish(vgpu);
}

void ggtt_vgpu_fini(struct vgpu *vgpu)
{
	if (!vgpu->ggtt.entries)
		return;
	ggtt_clear_physical(vgpu);
	os_vfree(vgpu->ggtt.entries);
	vgpu->ggtt.entries = NULL;
}

/*
 * The physical entry for a guest entry: the guest frame replaced by the
 * machine frame, or "not present" for anything that is not the guest's
 * own RAM.  Never the guest's value unchecked.
 */
static u64 ggtt_shadow_pte(struct vgpu *vgpu, u64 gpte)
{
	u64 dma;

	if (!(gpte & GEN8_PTE_PRESENT))
		return 0;
	if (gpte & GEN9_PTE_RESERVED_MASK) {
		vgpu->stats.ggtt_bad_pte++;
		return 0;
	}
	if (hv_gfn_to_dma(vgpu, (gpte & GEN8_PTE_ADDR_MASK) >> XENGT_PAGE_SHIFT,
			  &dma)) {
		vgpu->stats.ggtt_bad_pte++;
		return 0;
	}
	return (dma & GEN8_PTE_ADDR_MASK) | (gpte & GEN8_PTE_FLAGS_MASK);
}

void ggtt_guest_read(struct vgpu *vgpu, u32 offset, u32 bytes, void *data)
{
	s64 slot = ggtt_slot(&vgpu->ggtt, offset / 8);
	u64 v = slot < 0 ? 0 : vgpu->ggtt.entries[slot];

	os_memcpy(data, (u8 *)&v + (offset & 7), bytes);
}

/* The guest's new value of partition entry @index (slot @slot). */
static void ggtt_apply(struct vgpu *vgpu, u32 index, s64 slot, u64 gpte)
{
	struct xengt_gpu *gpu = vgpu->gvt->gpu;

	vgpu->ggtt.entries[slot] = gpte;
	vgpu->stats.ggtt_writes++;
	gpu->ops->ggtt_write(gpu, index, ggtt_shadow_pte(vgpu, gpte));
}

void ggtt_guest_write(struct vgpu *vgpu, u32 offset, u32 bytes,
		      const void *data)
{
	u32 index = offset / 8;
	s64 slot = ggtt_slot(&vgpu->ggtt, index);
	u64 gpte;

	if (slot < 0) {
		vgpu->stats.ggtt_dropped++;
		return;
	}
	gpte = vgpu->ggtt.entries[slot];
	os_memcpy((u8 *)&gpte + (offset & 7), data, bytes);
	ggtt_apply(vgpu, index, slot, gpte);
}

int ggtt_pte_check(struct vgpu *vgpu, u64 gpte)
{
	u64 dma;

	if (!(gpte & GEN8_PTE_PRESENT) || gpte & GEN9_PTE_RESERVED_MASK ||
	    hv_gfn_to_dma(vgpu, (gpte & GEN8_PTE_ADDR_MASK) >> XENGT_PAGE_SHIFT,
			  &dma))
		return -EFAULT;
	return 0;
}

void ggtt_pv_write(struct vgpu *vgpu, u32 index, u64 gpte)
{
	struct vgpu_ggtt *g = &vgpu->ggtt;
	s64 slot = ggtt_slot(g, index);

	if (slot < 0)
		return;
	ggtt_apply(vgpu, index, slot, gpte);
	/* Else the next flush would take the view's old value back. */
	if (g->path == GGTT_PATH_RAM)
		__atomic_store_n(&g->ram[index], gpte, __ATOMIC_RELAXED);
}

/* ---- the GGTT half as guest RAM ---------------------------------------- */

/* The guest's view starts as the core's: its entries, nothing elsewhere. */
static void ggtt_ram_publish(struct vgpu *vgpu)
{
	struct vgpu_ggtt *g = &vgpu->ggtt;

	os_memset(g->ram, 0, VGPU_GGTT_BYTES);
	os_memcpy(g->ram + g->low_first, g->entries,
		  (size_t)g->low_count * sizeof(u64));
	os_memcpy(g->ram + g->high_first, g->entries + g->low_count,
		  (size_t)g->high_count * sizeof(u64));
}

s64 ggtt_ram_place(struct vgpu *vgpu, u64 bar0)
{
	struct vgpu_ggtt *g = &vgpu->ggtt;
	u64 to = bar0 ? bar0 + VGPU_GGTT_OFFSET : 0;
	void *view = NULL;
	int ret;

	if (g->path == GGTT_PATH_TRAP)
		return VGPU_BAR0_SIZE;
	if (g->path == GGTT_PATH_UNDECIDED && !to)
		return VGPU_BAR0_SIZE;
	if (to == g->ram_base)
		return VGPU_GGTT_OFFSET;
	ret = hv_back_ram(vgpu, HV_RAM_GGTT, g->ram_base, to, VGPU_GGTT_BYTES,
			  &view);
	if (g->path == GGTT_PATH_UNDECIDED) {
		if (ret == -EOPNOTSUPP) {
			g->path = GGTT_PATH_TRAP;
			return VGPU_BAR0_SIZE;
		}
		if (ret)
			return ret;
		g->path = GGTT_PATH_RAM;
		g->ram = view;
		ggtt_ram_publish(vgpu);
		vgpu_info(vgpu, "GGTT entries in guest RAM at 0x%llx", to);
	} else if (ret) {
		return ret;
	}
	g->ram_base = to;
	return VGPU_GGTT_OFFSET;
}

void ggtt_ram_forget(struct vgpu *vgpu)
{
	struct vgpu_ggtt *g = &vgpu->ggtt;
	void *view;

	/* The backend's to release: the core's entries stay the truth. */
	if (g->path == GGTT_PATH_RAM && g->ram_base)
		hv_back_ram(vgpu, HV_RAM_GGTT, g->ram_base, 0, VGPU_GGTT_BYTES,
			    &view);
	g->path = GGTT_PATH_UNDECIDED;
	g->ram = NULL;
	g->ram_base = 0;
}

static void ggtt_ram_sync_slice(struct vgpu *vgpu, u32 first, u32 count,
				s64 slot0)
{
	struct vgpu_ggtt *g = &vgpu->ggtt;
	u32 i;

	for (i = 0; i < count; i++) {
		/* One read each: another vCPU of the guest may be writing. */
		u64 v = __atomic_load_n(&g->ram[first + i], __ATOMIC_RELAXED);

		if (v != g->entries[slot0 + i])
			ggtt_apply(vgpu, first + i, slot0 + i, v);
	}
}

void ggtt_ram_sync(struct vgpu *vgpu)
{
	struct vgpu_ggtt *g = &vgpu->ggtt;

	if (g->path != GGTT_PATH_RAM)
		return;
	vgpu->stats.ggtt_syncs++;
	ggtt_ram_sync_slice(vgpu, g->low_first, g->low_count, 0);
	ggtt_ram_sync_slice(vgpu, g->high_first, g->high_count, g->low_count);
}

bool ggtt_gm_range_owned(const struct vgpu *vgpu, u64 gm, u64 len)
{
	if (len == 0 || gm + len < gm)
		return false;
	if (gm >= vgpu->low_gm_base &&
	    gm + len <= vgpu->low_gm_base + vgpu->low_gm_size)
		return true;
	return gm >= vgpu->high_gm_base &&
	       gm + len <= vgpu->high_gm_base + vgpu->high_gm_size;
}

int ggtt_gm_to_gpa(const struct vgpu *vgpu, u64 gm, u64 *gpa)
{
	s64 slot = ggtt_slot(&vgpu->ggtt, gm >> XENGT_PAGE_SHIFT);
	u64 gpte;

	if (gm >> 32 || slot < 0)
		return -EFAULT;
	gpte = vgpu->ggtt.entries[slot];
	if (!(gpte & GEN8_PTE_PRESENT) || (gpte & GEN9_PTE_RESERVED_MASK))
		return -EFAULT;
	*gpa = (gpte & GEN8_PTE_ADDR_MASK) | (gm & (XENGT_PAGE_SIZE - 1));
	return 0;
}

static int ggtt_gm_copy(struct vgpu *vgpu, u64 gm, void *buf, u32 len,
			bool write)
{
	u8 *p = buf;

	while (len) {
		u32 n = XENGT_PAGE_SIZE - (gm & (XENGT_PAGE_SIZE - 1));
		u64 gpa;
		int ret;

		if (n > len)
			n = len;
		ret = ggtt_gm_to_gpa(vgpu, gm, &gpa);
		if (!ret)
			ret = write ? hv_write_gpa(vgpu, gpa, p, n) :
				      hv_read_gpa(vgpu, gpa, p, n);
		if (ret)
			return ret;
		gm += n;
		p += n;
		len -= n;
	}
	return 0;
}

int ggtt_gm_read(struct vgpu *vgpu, u64 gm, void *buf, u32 len)
{
	return ggtt_gm_copy(vgpu, gm, buf, len, false);
}

int ggtt_gm_write(struct vgpu *vgpu, u64 gm, const void *buf, u32 len)
{
	return ggtt_gm_copy(vgpu, gm, (void *)buf, len, true);
}
