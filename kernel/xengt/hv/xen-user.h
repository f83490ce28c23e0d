/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The Xen hypervisor backend for user space (tools/xengt-dm): one domain's
 * vGPU served through an ioreq server (xen-ioreq.c), its memory reached
 * through foreign mappings (xen-guestmem.c).
 *
 * Faithfulness: everything a vGPU needs from Xen is real here (traps,
 * BAR moves, guest memory, write-protected page-table pages through
 * HVMMEM_ioreq_server, MSIs through XEN_DMOP_inject_msi).  What a
 * user-space device model cannot have is machine frames: gfn_to_dma()
 * answers guest frame g with DMA page g, an address space of the device
 * model's own that its software GPU decodes (tools/xengt-dm/dm_bus.h);
 * this backend has no memory bus of its own.  A real GPU needs the
 * in-kernel backend.
 */
#ifndef XENGT_HV_XEN_USER_H
#define XENGT_HV_XEN_USER_H

#include "os.h"
#include "../core/hv.h"
#include "xen-ioreq.h"

/*
 * Guest frames this backend translates: 2^26 (256 GiB of guest RAM); DMA
 * pages from here up are the device model's host pages (dm_bus.h).
 */
#define XEN_DM_HOST_PFN_BASE (1ULL << 26)

struct xen_vm {
	struct hv_vm base; /* the vGPU is NULL until attached: all-ones */
	struct ioreq_server *server;
	struct guestmem *mem;
	/* The GPU's dispatch stops while mappings go (standalone mode). */
	struct xengt_gvt *gvt;
	u64 bar0_base; /* claimed BAR0 range, 0 = none */
	/*
	 * RAM for the regions of enum hv_ram (xen_vm_enable_ram()): the
	 * host's view (NULL: not enabled) and where the guest has it now.
	 */
	struct xen_vm_ram {
		void *view;
		u64 gfn;
	} ram[HV_RAM_COUNT];
	/* Attached to xengt.ko: /dev/xengt, else -1 (standalone). */
	int devfd;
	bool detached; /* the module destroyed the vGPU: stop serving */
	volatile sig_atomic_t *stop; /* xen_vm_run()'s */
};

#define XENGT_DEV_PATH "/dev/xengt"

extern const struct hv_ops xen_user_hv_ops;

/*
 * Become the ioreq server of @domid for PCI device @sbdf.  @claim_cf8 for
 * PVH guests, whose port 0xcf8 nobody else answers.  @log: where the
 * ioreq server's messages go (NULL: stderr).
 */
int xen_vm_open(u32 domid, u32 sbdf, bool claim_cf8, ioreq_log_fn log,
		struct xen_vm **out);
/*
 * Serve domain @domid's vGPU that lives in xengt.ko (created through
 * /sys/kernel/xengt): ioreqs go to the module through /dev/xengt; no GVT
 * or GPU in this process.  @ggtt_ram: the module backs BAR0's GGTT half
 * with guest RAM (XENGT_ATTACH_GGTT_RAM; -EOPNOTSUPP from a module too old
 * to know it).
 */
int xen_vm_open_attached(u32 domid, u32 sbdf, bool claim_cf8, bool ggtt_ram,
			 ioreq_log_fn log, struct xen_vm **out);
/*
 * Guest frames where a region's RAM waits while the guest has not placed
 * it: just below the frames this backend translates, above any guest's
 * RAM.  The GGTT half of BAR0 is 8 MiB; the OpRegion 8 KiB below it.
 */
#define XEN_DM_GGTT_PAGES \
	((XENGT_VGPU_BAR0_SIZE - XENGT_VGPU_GGTT_OFFSET) / XENGT_PAGE_SIZE)
#define XEN_DM_GGTT_PARK_GFN (XEN_DM_HOST_PFN_BASE - XEN_DM_GGTT_PAGES)
#define XEN_DM_OPREGION_PAGES (XENGT_OPREGION_SIZE / XENGT_PAGE_SIZE)
#define XEN_DM_OPREGION_PARK_GFN (XEN_DM_GGTT_PARK_GFN - XEN_DM_OPREGION_PAGES)
/*
 * Give the vGPU RAM for region @which (enum hv_ram), populated (maxmem
 * raised by as much) at its parking frames: for HV_RAM_GGTT the guest's
 * GGTT writes stop trapping (the core reads them at the guest's GGTT
 * flush); for HV_RAM_OPREGION the guest finds an OpRegion where its
 * firmware points ASLS.  Standalone only, before the vGPU is attached and
 * before restricting (needs dom0's full privilege); later the RAM only
 * moves (XEN_DMOP_relocate_memory, allowed to a restricted DM).
 */
int xen_vm_enable_ram(struct xen_vm *vm, enum hv_ram which);
/*
 * The vGPU must have been destroyed first.  Returns -EBUSY (logged) if
 * the vGPU left guest pages protected: a leak.
 */
int xen_vm_close(struct xen_vm *vm);
/* Serve until *stop or the domain dies (1); see ioreq_server_run(). */
int xen_vm_run(struct xen_vm *vm, volatile sig_atomic_t *stop,
	       const sigset_t *run_mask);

#endif /* XENGT_HV_XEN_USER_H */
