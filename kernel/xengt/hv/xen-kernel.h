/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen backend inside xengt.ko (xen-kernel.c).
 *
 * One struct xkvm per guest domain with a vGPU; it is that domain's
 * struct hv_vm (../core/hv.h).  It maps guest frames into the kernel
 * (foreign mappings, one ballooned page each) for the core and for the
 * GPU, write-protects GPU page-table pages, injects MSIs and claims BAR0,
 * all through dm_op, and gets the guest's ioreqs from one of two paths:
 *
 *   kernel  its own ioreq server (XEN_DMOP_create_ioreq_server), whose
 *           ioreq page it maps and whose per-vCPU event channels it binds
 *           to an interrupt handler: no user-space hop at all;
 *   dm      xengt-dm's ioreq server: xengt-dm keeps the event loop in user
 *           space and hands each ioreq in through /dev/xengt (devxengt.c).
 *
 * Either way the vGPU is one of the module's one GVT, and the ioreq is
 * decoded by the same code (ioreq-decode.c).
 *
 * Locking: xkvm_lock (a mutex, inside xen-kernel.c) guards the list of
 * domains; each xkvm's serve_lock serialises its ioreqs against its
 * teardown.  Every function here is for process context and may sleep.
 */
#ifndef XENGT_HV_XEN_KERNEL_H
#define XENGT_HV_XEN_KERNEL_H

#include <linux/types.h>

#include "ioreq-abi.h"

struct vgpu;
struct xengt_gvt;
struct xkvm;

/*
 * Module init: @gvt is the module's GVT; @domain_dead is called (without
 * any lock of ours held) once a served domain has died and its trap path
 * is gone, so that the module destroys its vGPU.  Outside a Xen dom0 this
 * succeeds and every attach fails with -ENODEV.
 */
int xkvm_init(struct xengt_gvt *gvt, void (*domain_dead)(u16 domid));
/* Module exit: tears down every trap path left (the vGPUs stay). */
void xkvm_fini(void);

/*
 * Serve @vgpu's domain with an in-kernel ioreq server, the vGPU at PCI
 * @sbdf (segment << 16 | bus << 8 | devfn); @claim_cf8 for PVH guests
 * (nobody else answers port 0xcf8).  The OpRegion is backed with RAM the
 * module populates in the guest (hv back_ram), and so is BAR0's GGTT half
 * with @ggtt_ram (for a guest driver that flushes its GGTT writes, as
 * i915 does); without that RAM (Xen refused it: logged) the core traps.
 * -ENODEV outside a Xen dom0, -EBUSY if the vGPU is served already,
 * -errno from Xen (logged).
 */
int xkvm_attach_kernel(struct vgpu *vgpu, u32 sbdf, bool claim_cf8,
		       bool ggtt_ram);
/*
 * Serve it through xengt-dm's ioreq server @ioservid (which has claimed
 * the device's config space); returns a reference in @out, for
 * xkvm_ioreq() and xkvm_put().  The OpRegion is backed with RAM as above,
 * the GGTT half too if @ggtt_ram (XENGT_ATTACH_GGTT_RAM).
 */
int xkvm_attach_dm(struct vgpu *vgpu, u16 ioservid, u32 sbdf, bool ggtt_ram,
		   struct xkvm **out);
/*
 * One ioreq from xengt-dm, served as the kernel path serves its own.
 * -ENODEV once the trap path was torn down (vGPU destroyed, domain dead).
 */
int xkvm_ioreq(struct xkvm *vm, struct xengt_ioreq *req);
/*
 * Drop xengt-dm's reference: its trap path is torn down (and, if its
 * domain is dead, the vGPU destroyed through @domain_dead).
 */
void xkvm_put_dm(struct xkvm *vm);

/* Tear down whatever trap path serves @vgpu (before destroying it). */
void xkvm_release_vgpu(struct vgpu *vgpu);
/* "kernel", "dm" or "detached": who serves @vgpu's traps. */
const char *xkvm_path_name(struct vgpu *vgpu);

/*
 * Pages the module holds for guests: mapped frames (the RAM views of
 * back_ram included), protected frames.
 */
void xkvm_counts(u64 *mapped, u64 *protected, u32 *domains);

#endif /* XENGT_HV_XEN_KERNEL_H */
