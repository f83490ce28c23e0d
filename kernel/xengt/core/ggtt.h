/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * GGTT partitioning and the shadow GGTT.
 *
 * A vGPU owns two slices of the global graphics memory: low (CPU-mappable
 * through the aperture) and high (hidden).  The guest balloons everything
 * else away (spec/pvinfo.md), so it uses host graphics addresses directly:
 * the core checks an entry's index against the partition and translates the
 * guest frame to a machine frame, it never relocates addresses.
 */
#ifndef XENGT_GGTT_H
#define XENGT_GGTT_H

#include "os.h"

struct vgpu;

/* How the guest's GGTT writes reach the core (see ggtt_ram_place()). */
enum ggtt_path {
	GGTT_PATH_UNDECIDED, /* BAR0 not placed since the backend attached */
	GGTT_PATH_TRAP, /* every access to the GGTT half traps */
	GGTT_PATH_RAM, /* the GGTT half is RAM, read at each GGTT flush */
};

struct vgpu_ggtt {
	/*
	 * The guest's own values, low partition entries then high ones:
	 * what the shadow was made from, whatever the guest's view holds.
	 */
	u64 *entries;
	u32 low_first, low_count; /* GGTT indices of the low partition */
	u32 high_first, high_count;
	enum ggtt_path path;
	/* GGTT_PATH_RAM: the guest's view (all entries) and where it is. */
	u64 *ram;
	u64 ram_base;
};

int ggtt_vgpu_init(struct vgpu *vgpu);
/* Clear the partition's physical entries and free the guest view. */
void ggtt_vgpu_fini(struct vgpu *vgpu);
/* Guest view and physical entries of the partition back to "not present". */
void ggtt_vgpu_reset(struct vgpu *vgpu);

/*
 * Trapped access to the GGTT half of BAR0; @offset is relative to
 * BAR0 + 8 MiB.  8-byte (aligned) and 4-byte (aligned) accesses only.
 * Caller holds vgpu->lock and has validated size and alignment.
 */
void ggtt_guest_read(struct vgpu *vgpu, u32 offset, u32 bytes, void *data);
void ggtt_guest_write(struct vgpu *vgpu, u32 offset, u32 bytes,
		      const void *data);

/*
 * BAR0 is now at @bar0 (0: nowhere).  The first placement after the
 * backend attached asks it to back the GGTT half with RAM (hv
 * back_ram); if it can, the guest's PTE writes stop trapping and land in
 * that RAM (the guest's view, which starts as the core's entries), and
 * from then on the half moves with BAR0; if not, it stays trapped.
 * Returns the bytes of BAR0 from its start that must be trapped (all of
 * it, or the register half), or a negative errno (the RAM stayed where it
 * was).  Caller holds vgpu->lock; cfg_space.c only.
 */
s64 ggtt_ram_place(struct vgpu *vgpu, u64 bar0);
/* The backend goes: the RAM view is left to it. */
void ggtt_ram_forget(struct vgpu *vgpu);
/*
 * The guest flushed its GGTT writes (GFX_FLSH_CNTL, as i915 does after
 * every update): every partition entry of the RAM view that differs from
 * the core's goes through the same checks as a trapped write.  Only then,
 * as on hardware a guest must flush: one that does not runs on its old
 * entries, which were checked (not at each submission: a full compare per
 * ELSP write would be the flush's work again on the submission path).  Entries outside the partition are ignored there (the guest's
 * own scribbles).  No-op on the trap path.  Caller holds vgpu->lock.
 */
void ggtt_ram_sync(struct vgpu *vgpu);

/*
 * Copy [gm, gm + len) of the vGPU's graphics memory from / to the guest
 * RAM its GGTT entries map (the guest's own view, checked against the
 * partition page by page).  -EFAULT if any page is outside the partition
 * or not mapped.  Caller holds vgpu->lock.
 */
int ggtt_gm_read(struct vgpu *vgpu, u64 gm, void *buf, u32 len);
int ggtt_gm_write(struct vgpu *vgpu, u64 gm, const void *buf, u32 len);
/* Guest-physical address behind graphics address @gm, or -EFAULT. */
int ggtt_gm_to_gpa(const struct vgpu *vgpu, u64 gm, u64 *gpa);

/*
 * PV bind / unbind (pv.c).  ggtt_pte_check(): 0 if guest entry @gpte is a
 * present page of the guest's RAM with no reserved bits (what a trapped
 * write needs to make a present shadow), else -EFAULT.  ggtt_pv_write():
 * partition entry @index (the caller checked it is one) becomes @gpte
 * exactly as by a trapped 8-byte write, and the guest's view (the RAM
 * half, if that is the path) shows it.  Caller holds vgpu->lock.
 */
int ggtt_pte_check(struct vgpu *vgpu, u64 gpte);
void ggtt_pv_write(struct vgpu *vgpu, u32 index, u64 gpte);

/* True if [gm, gm + len) lies entirely inside one slice of the partition. */
bool ggtt_gm_range_owned(const struct vgpu *vgpu, u64 gm, u64 len);

#endif /* XENGT_GGTT_H */
