// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Graphics address spaces of the software GPU (see sim_mem.h).
 */
#include "sim_gpu.h"
#include "sim_mem.h"

SIM_NOCOV void sim_as_init(struct sim_as *as, struct sim_gpu *g, u16 requester,
			   bool has_ppgtt, u64 pml4)
{
	u32 i;

	as->g = g;
	as->requester = requester;
	as->has_ppgtt = has_ppgtt;
	as->pml4 = pml4 & GEN9_PPGTT_ADDR_MASK;
	for (i = 0; i < SIM_TLB_SIZE; i++)
		as->tlb[i].vpn = ~0ULL;
	as->fault_addr = 0;
	as->fault_space = SIM_GGTT;
	as->fault_err = 0;
}

/* Frame at DMA address @dma and its owner, or NULL. */
SIM_NOCOV static u8 *sim_dma_frame(struct sim_gpu *g, u64 dma, u16 *owner)
{
	*owner = SIM_OWNER_NONE;
	if (!g->bus)
		return NULL;
	return g->bus->ops->frame(g->bus, dma >> XENGT_PAGE_SHIFT, owner);
}

int sim_ppgtt_walk(struct sim_gpu *g, u16 requester, u64 pml4, u64 va,
		   bool write, u64 *pa)
{
	static const u8 shifts[4] = { GEN8_PML4E_SHIFT, GEN8_PDPE_SHIFT,
				      GEN8_PDE_SHIFT, GEN8_PTE_SHIFT };
	u64 table = pml4 & GEN9_PPGTT_ADDR_MASK;
	u32 level;

	if (va >> GEN8_PPGTT_VA_BITS)
		return -EFAULT;
	for (level = 0; level < 4; level++) {
		u16 owner;
		u8 *frame = sim_dma_frame(g, table, &owner);
		u64 entry;

		if (!frame)
			return -EFAULT;
		sim_gpu_record(g, requester, owner, SIM_ACC_WALK);
		os_memcpy(&entry, frame + GEN8_PT_INDEX(va, shifts[level]) * 8,
			  8);
		if (!(entry & GEN8_PAGE_PRESENT))
			return -EFAULT;
		/* 2M/1G pages are not modelled: refuse rather than guess. */
		if (level && level < 3 && (entry & GEN8_PDE_PS_2M))
			return -EFAULT;
		if (write && !(entry & GEN8_PAGE_RW))
			return -EPERM;
		table = entry & GEN9_PPGTT_ADDR_MASK;
	}
	*pa = table | (va & (XENGT_PAGE_SIZE - 1));
	return 0;
}

static u8 *sim_as_fault(struct sim_as *as, enum sim_space space, u64 addr,
			int err)
{
	sim_stat_add(&as->g->stats.faults, 1);
	as->fault_addr = addr;
	as->fault_space = space;
	as->fault_err = err;
	return NULL;
}

static u8 *sim_ggtt_page(struct sim_as *as, enum sim_access kind, u64 addr)
{
	struct sim_gpu *g = as->g;
	u64 index = addr >> XENGT_PAGE_SHIFT;
	u16 owner;
	u8 *frame;
	u64 pte;

	if (index >= g->ggtt_entries)
		return sim_as_fault(as, SIM_GGTT, addr, -EFAULT);
	pte = __atomic_load_n(&g->ggtt[index], __ATOMIC_ACQUIRE);
	if (!(pte & GEN8_PTE_PRESENT))
		return sim_as_fault(as, SIM_GGTT, addr, -EFAULT);
	frame = sim_dma_frame(g, pte & GEN8_PTE_ADDR_MASK, &owner);
	if (!frame)
		return sim_as_fault(as, SIM_GGTT, addr, -EFAULT);
	sim_gpu_record(g, as->requester, owner, kind);
	return frame;
}

static u8 *sim_ppgtt_page(struct sim_as *as, enum sim_access kind, u64 addr,
			  bool write)
{
	u64 vpn = addr >> XENGT_PAGE_SHIFT;
	struct sim_tlb_entry *t = &as->tlb[vpn % SIM_TLB_SIZE];
	u64 pa;
	int ret;

	if (!as->has_ppgtt)
		return sim_as_fault(as, SIM_PPGTT, addr, -EFAULT);
	if (t->vpn != vpn || (write && !t->rw)) {
		ret = sim_ppgtt_walk(as->g, as->requester, as->pml4, addr,
				     write, &pa);
		if (ret)
			return sim_as_fault(as, SIM_PPGTT, addr, ret);
		t->frame = sim_dma_frame(as->g, pa, &t->owner);
		if (!t->frame) {
			t->vpn = ~0ULL;
			return sim_as_fault(as, SIM_PPGTT, addr, -EFAULT);
		}
		t->vpn = vpn;
		/* The walk succeeded for a write, or we learn RW on demand. */
		t->rw = write;
	}
	sim_gpu_record(as->g, as->requester, t->owner, kind);
	return t->frame;
}

u8 *sim_as_page(struct sim_as *as, enum sim_access kind, enum sim_space space,
		u64 addr, bool write)
{
	if (space == SIM_PPGTT)
		return sim_ppgtt_page(as, kind, addr, write);
	return sim_ggtt_page(as, kind, addr);
}

static int sim_as_copy(struct sim_as *as, enum sim_access kind,
		       enum sim_space space, u64 addr, u8 *buf, u32 len,
		       bool write)
{
	while (len) {
		u32 off = addr & (XENGT_PAGE_SIZE - 1);
		u32 n = XENGT_PAGE_SIZE - off < len ? XENGT_PAGE_SIZE - off :
						      len;
		u8 *frame = sim_as_page(as, kind, space, addr, write);

		if (!frame)
			return as->fault_err;
		if (write)
			os_memcpy(frame + off, buf, n);
		else
			os_memcpy(buf, frame + off, n);
		addr += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int sim_as_read(struct sim_as *as, enum sim_access kind, enum sim_space space,
		u64 addr, void *buf, u32 len)
{
	return sim_as_copy(as, kind, space, addr, buf, len, false);
}

int sim_as_write(struct sim_as *as, enum sim_access kind, enum sim_space space,
		 u64 addr, const void *buf, u32 len)
{
	return sim_as_copy(as, kind, space, addr, (u8 *)buf, len, true);
}
