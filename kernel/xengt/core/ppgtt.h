/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Shadow PPGTT: the GPU never walks a guest's page tables.
 *
 * For each guest 4-level (48-bit) PPGTT root the core builds shadow tables
 * in host pages: non-leaf entries point at shadow tables, leaf entries hold
 * the machine address of the guest's own frame (hv->gfn_to_dma), anything
 * else (not the guest's RAM, reserved bits, huge pages) is not present.
 * Every guest page-table page is write-protected through hv->set_wp; a
 * trapped write is applied to guest RAM and to the shadow at once.  A leaf
 * table written often between two submissions goes out of sync: its
 * protection is lifted and the shadow is resynced from guest memory before
 * the vGPU's next submission (ppgtt_sync).  Shadows are keyed by (guest
 * frame, level), so tables that point at themselves or at each other cost
 * at most four shadows per guest frame and no walk ever loops.
 *
 * All functions: caller holds vgpu->lock unless stated otherwise.
 */
#ifndef XENGT_PPGTT_H
#define XENGT_PPGTT_H

#include "os.h"
#include "xengt/xengt-pv.h" /* XENGT_PV_MAX_ROOTS */

struct vgpu;
struct ppgtt_spt;
struct ppgtt_gpage;

/*
 * Per-vGPU limits: what a hostile guest can make the host allocate.  PV
 * roots (below) have limits of their own, apart from the trapped shadows':
 * they are never evicted, so sharing a limit would let a guest's PV
 * address spaces take every slot its trapped ones need, and the other way
 * round.  mm[] holds the trapped roots first, then the PV ones.
 */
#define PPGTT_MAX_MM 16 /* trapped roots shadowed at once (LRU beyond) */
#define PPGTT_MAX_SPT 256 /* their shadow page-table pages */
#define PPGTT_MAX_PV_MM XENGT_PV_MAX_ROOTS /* PV roots (never evicted) */
#define PPGTT_MAX_PV_SPT 256 /* PV tables, kept empty ones included */
#define PPGTT_NR_MM (PPGTT_MAX_MM + PPGTT_MAX_PV_MM)
/* Trapped writes to one leaf table between submissions before OOS. */
#define PPGTT_OOS_THRESHOLD 8
#define PPGTT_HASH_BUCKETS 256

struct ppgtt_mm {
	u64 root_gpa; /* guest PML4 */
	struct ppgtt_spt *root;
	u64 last_use;
	u32 pins; /* workloads using it (vgpu->lock) */
	bool dead; /* released by the guest while pinned: freed at unpin */
	bool pv; /* built from PV messages alone (pv.c), never evicted */
	u32 pv_pages; /* PV: pages bound in it (it ends at 0) */
};

struct ppgtt_stats {
	u64 wp_writes; /* trapped page-table writes */
	u64 shadow_updates; /* shadow entries changed by them or by resync */
	u64 bad_entries; /* entries made not present: not guest RAM etc. */
	u64 oos_pages; /* pages that went out of sync */
	u64 oos_resyncs;
	u64 spt_limit_hits;
	u64 mm_evictions;
	u64 pv_spt_allocs; /* PV tables allocated */
	u64 pv_spt_reclaimed; /* empty PV tables freed at PPGTT_MAX_PV_SPT */
	u64 pv_spt_limit_hits; /* PV binds refused at PPGTT_MAX_PV_SPT */
	u64 pv_mm_limit_hits; /* PV binds refused at PPGTT_MAX_PV_MM */
};

struct vgpu_ppgtt {
	struct ppgtt_mm mm[PPGTT_NR_MM]; /* trapped, then PV */
	struct ppgtt_gpage *hash[PPGTT_HASH_BUCKETS];
	struct ppgtt_gpage *oos_list;
	u32 nr_spt; /* trapped shadow tables */
	u32 nr_pv_spt; /* PV tables (each a shadow page and a copy) */
	u32 nr_pv_empty; /* of them with no entry: kept for the next bind */
	struct ppgtt_spt *pv_empty, *pv_empty_tail; /* those, oldest first */
	u64 use_clock;
	bool oos_enabled; /* the switch: out-of-sync pages allowed */
	bool overflow; /* a shadow could not be built: fail submissions */
	struct ppgtt_stats stats;
};

void ppgtt_vgpu_init(struct vgpu *vgpu);
/* Free every shadow and lift every protection (reset, destroy). */
void ppgtt_vgpu_fini(struct vgpu *vgpu);

/*
 * The shadow for guest root @root_gpa (its PML4), built if needed and
 * resynced: out-of-sync pages of this vGPU are brought back in sync first.
 * Returns 0, -EFAULT (root is not guest RAM) or -ENOSPC (limits).
 */
int ppgtt_get_mm(struct vgpu *vgpu, u64 root_gpa, struct ppgtt_mm **out);
/* The out-of-sync switch; turning it off resyncs at once. */
void ppgtt_set_oos(struct vgpu *vgpu, bool enabled);
/* Bring every out-of-sync page back in sync and under protection. */
void ppgtt_sync(struct vgpu *vgpu);
/* Drop the shadow of @root_gpa if there is one (guest destroyed it). */
void ppgtt_put_root(struct vgpu *vgpu, u64 root_gpa);
/*
 * A workload uses @mm from its preparation to its completion: while
 * pinned it is neither evicted nor freed (a guest release takes effect at
 * the last unpin).  Caller holds vgpu->lock.
 */
void ppgtt_pin_mm(struct ppgtt_mm *mm);
void ppgtt_unpin_mm(struct vgpu *vgpu, struct ppgtt_mm *mm);
/* Machine address of the shadow PML4 (what goes in the shadow context). */
u64 ppgtt_mm_root_dma(const struct ppgtt_mm *mm);
/*
 * Guest-physical address behind PPGTT address @va, through the validated
 * shadow only.  -EFAULT when the GPU could not reach it.
 */
int ppgtt_translate(const struct ppgtt_mm *mm, u64 va, u64 *gpa);

/*
 * PV roots (pv.c).  A root the guest binds through PV is the host's: its
 * shadow tables belong to no guest frame (nothing is read or
 * write-protected), entries change only by these calls, and it is never
 * evicted (it could not be rebuilt).  The root ends with its last bound
 * page.  Tables an unbind leaves empty are kept while their root lives, so
 * that a guest which unbinds and binds again in the same range (every
 * buffer it recycles) does not make the host free and allocate them each
 * time; they count in nr_pv_spt, and when a bind needs a table at
 * PPGTT_MAX_PV_SPT the empty ones of every PV root are freed first
 * (ppgtt_pv_reclaim(), O(1) a table: they are on a list), so keeping
 * them never refuses a bind.  PV roots
 * and tables count against PPGTT_MAX_PV_MM and PPGTT_MAX_PV_SPT only: they
 * never take a trapped shadow's slot or table, nor evict one.  Caller
 * holds vgpu->lock.
 *
 * ppgtt_pv_shadow_pte(): the shadow of leaf entry @ge (a present page of
 * the guest's RAM, no reserved bits, flags kept), or -EFAULT.
 * ppgtt_pv_root(): whether @root_gpa is a PV root.
 * ppgtt_pv_bind(): leaves of pages [@start, @start + @n pages) of root
 * @root_gpa (created if needed; a trapped shadow of it is dropped) set to
 * @sentry (checked shadows) / @gentry (the guest's values).  0, or
 * -ENOSPC / -ENOMEM with nothing changed.
 * ppgtt_pv_unbind(): those leaves cleared; returns how many were bound,
 * -ENOENT if @root_gpa is no PV root.
 * ppgtt_pv_drop_all(): every PV root forgotten (a PV reset).
 * ppgtt_pv_reclaim(): every empty PV table below an unpinned root freed
 * (a table left empty by that goes too); returns how many.
 */
int ppgtt_pv_shadow_pte(struct vgpu *vgpu, u64 ge, u64 *se);
bool ppgtt_pv_root(struct vgpu *vgpu, u64 root_gpa);
int ppgtt_pv_bind(struct vgpu *vgpu, u64 root_gpa, u64 start, u32 n,
		  const u64 *gentry, const u64 *sentry);
int ppgtt_pv_unbind(struct vgpu *vgpu, u64 root_gpa, u64 start, u32 n);
void ppgtt_pv_drop_all(struct vgpu *vgpu);
u32 ppgtt_pv_reclaim(struct vgpu *vgpu);

/*
 * A trapped guest store of @bytes (1..8, inside one page) at @gpa of a
 * write-protected page.  Called by hypervisor backends with no lock held;
 * takes vgpu->lock.
 */
void vgpu_wp_write(struct vgpu *vgpu, u64 gpa, u32 bytes, const void *data);

#endif /* XENGT_PPGTT_H */
