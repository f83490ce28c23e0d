/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Hypervisor backend interface of the GVT core.
 *
 * A backend serves one guest's trap path: it traps the guest's accesses to
 * its vGPU (config space, BAR0, write-protected pages) and hands them to
 * the trap entry points of the public API (xengt.h); in the other
 * direction the core asks it for the services below.  Every member is
 * implemented by every backend:
 *   hv/sim.c          simulated VMs in one process (embedded default)
 *   hv/xen-user.c     Xen ioreq server in tools/xengt-dm (user space)
 *
 * Each backend embeds struct hv_vm, one per guest, in its own state and
 * recovers it with container_of; the ops are per guest, so guests of one
 * GVT may be served by different backends (in-kernel and user space).
 */
#ifndef XENGT_HV_H
#define XENGT_HV_H

#include "os.h"

struct vgpu;
struct hv_vm;

/* Guest-visible regions a backend may back with RAM (hv_ops.back_ram). */
enum hv_ram {
	/* BAR0's GGTT half (8 MiB): the guest's PTE writes stop trapping. */
	HV_RAM_GGTT,
	/* The OpRegion at ASLS (8 KiB): i915 reads its header and VBT. */
	HV_RAM_OPREGION,
	HV_RAM_COUNT,
};

struct hv_ops {
	const char *name;
	/*
	 * Translate a guest frame number of the domain into the address the
	 * physical GPU uses for it (machine frame << 12 on Xen).  Returns
	 * -EFAULT when @gfn is not RAM of that domain: the core then never
	 * lets the GPU reach it.
	 */
	int (*gfn_to_dma)(struct hv_vm *vm, u64 gfn, u64 *dma);
	/* Copy to/from the domain's RAM; -EFAULT if any byte is not RAM. */
	int (*read_gpa)(struct hv_vm *vm, u64 gpa, void *buf, u32 len);
	int (*write_gpa)(struct hv_vm *vm, u64 gpa, const void *buf, u32 len);
	/*
	 * The guest placed, moved (old_base -> new_base) or disabled
	 * (new_base == 0) BAR0 of the vGPU: trap [new_base, new_base + size)
	 * from now on and stop trapping the old range.
	 */
	int (*map_mmio)(struct hv_vm *vm, u64 old_base, u64 new_base, u64 size);
	/*
	 * Back region @which (enum hv_ram) with RAM of this guest that the
	 * backend owns, as device models back VRAM: put its @size bytes at
	 * guest-physical @new_base (page aligned), moving them from
	 * @old_base (0: not placed yet); @new_base 0 takes them away from
	 * the guest.  *@view is the host's mapping of those bytes, the same
	 * from the first call until the guest's end; the guest may write
	 * them at any time, so the core reads them as untrusted.  Whatever
	 * reaches the GPU from them goes through the core (ggtt_ram_sync()),
	 * never by this mapping.  -EOPNOTSUPP: this backend or guest has no
	 * such RAM (the core then traps, or writes through write_gpa); any
	 * other error leaves the RAM where it was.  Called with vgpu->lock
	 * held, from the trap path.
	 */
	int (*back_ram)(struct hv_vm *vm, enum hv_ram which, u64 old_base,
			u64 new_base, u64 size, void **view);
	/*
	 * Write-protect (@protect true) or release guest frame @gfn of the
	 * domain.  While protected, every guest write to the frame is trapped
	 * and handed to xengt_vgpu_wp_write() instead of reaching RAM; the
	 * core applies it.  Used for GPU page-table pages (Xen:
	 * p2m_mmio_write_dm / XEN_DMOP_map_mem_type_to_ioreq_server).
	 * Returns -EFAULT when @gfn is not RAM of that domain.  Idempotent.
	 * Called with vgpu->lock held, from the trap path or from a GPU
	 * completion (another thread); must not call back into the core.
	 */
	int (*set_wp)(struct hv_vm *vm, u64 gfn, bool protect);
	/*
	 * Deliver an MSI with @addr / @data (as the guest programmed them in
	 * the vGPU's MSI capability) to the guest (Xen:
	 * xendevicemodel_inject_msi).  Called with vgpu->lock held, possibly
	 * from a GPU completion.
	 */
	int (*inject_msi)(struct hv_vm *vm, u64 addr, u32 data);
};

/* One guest as its hypervisor backend serves it. */
struct hv_vm {
	const struct hv_ops *ops;
	u16 domid;
	struct vgpu *vgpu; /* set by xengt_vgpu_attach(), NULL when detached */
};

#endif /* XENGT_HV_H */
