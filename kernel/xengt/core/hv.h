/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Hypervisor backend interface of the GVT core.
 *
 * A backend traps the guest's accesses to the vGPU (config space, BAR0)
 * and calls vgpu_cfg_read/write() and vgpu_mmio_read/write(); in the other
 * direction the core asks it for the services below.  Every member is
 * implemented by every backend:
 *   hv/sim.c          simulated VMs in one process (embedded default)
 *   hv/xen-user.c     Xen ioreq server in tools/xengt-dm (user space)
 *
 * Backend state per vGPU lives in struct hv_vm, which each backend defines
 * for itself; the core only carries the pointer.
 */
#ifndef XENGT_HV_H
#define XENGT_HV_H

#include "os.h"

struct vgpu;
struct hv_vm;

struct hv_ops {
	const char *name;
	/*
	 * Translate a guest frame number of the vGPU's domain into the address
	 * the physical GPU uses for it (machine frame << 12 on Xen).  Returns
	 * -EFAULT when @gfn is not RAM of that domain: the core then never
	 * lets the GPU reach it.
	 */
	int (*gfn_to_dma)(struct vgpu *vgpu, u64 gfn, u64 *dma);
	/* Copy to/from the domain's RAM; -EFAULT if any byte is not RAM. */
	int (*read_gpa)(struct vgpu *vgpu, u64 gpa, void *buf, u32 len);
	int (*write_gpa)(struct vgpu *vgpu, u64 gpa, const void *buf, u32 len);
	/*
	 * The guest placed, moved (old_base -> new_base) or disabled
	 * (new_base == 0) BAR0 of the vGPU: trap [new_base, new_base + size)
	 * from now on and stop trapping the old range.
	 */
	int (*map_mmio)(struct vgpu *vgpu, u64 old_base, u64 new_base,
			u64 size);
	/*
	 * Write-protect (@protect true) or release guest frame @gfn of the
	 * vGPU's domain.  While protected, every guest write to the frame
	 * is trapped and handed to vgpu_wp_write() (ppgtt.h) instead of
	 * reaching RAM; the core applies it.  Used for GPU page-table pages
	 * (Xen: p2m_mmio_write_dm / XEN_DMOP_map_mem_type_to_ioreq_server).
	 * Returns -EFAULT when @gfn is not RAM of that domain.  Idempotent.
	 * May be called with vgpu->lock held; must not call back into it.
	 */
	int (*set_wp)(struct vgpu *vgpu, u64 gfn, bool protect);
	/*
	 * Deliver an MSI with @addr / @data (as the guest programmed them
	 * in the vGPU's MSI capability) to the guest (Xen:
	 * xendevicemodel_inject_msi).  May be called with vgpu->lock held.
	 */
	int (*inject_msi)(struct vgpu *vgpu, u64 addr, u32 data);
};

#endif /* XENGT_HV_H */
