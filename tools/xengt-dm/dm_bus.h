/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The memory bus of the standalone device model's software GPU.
 *
 * A user-space device model has no machine frames to give a GPU, so in
 * standalone mode it makes up a DMA space of its own: DMA page g below
 * XEN_DM_HOST_PFN_BASE is guest frame g (what the Xen backend's
 * gfn_to_dma() hands the core), reached through the guest-memory mapping
 * cache; host pages (the GVT core's shadow tables and contexts) are plain
 * allocations numbered from XEN_DM_HOST_PFN_BASE.  The hypervisor backend
 * knows nothing of this: it only translates guest frames.  The in-kernel
 * path has real machine frames instead (kernel/xengt/kbus.c).
 *
 * One domain per bus.  Host pages are allocated on the trapping thread
 * (shadow copies, tables) and freed on the dispatchers' (completions), at
 * the same time: the page table is under the bus's lock.  frame() takes
 * it too (a completion may free a page the other engine's run looks up).
 */
#ifndef XENGT_DM_BUS_H
#define XENGT_DM_BUS_H

#include "sim_bus.h"
#include "xen-user.h"

#define DM_BUS_HOST_PAGES 4096

struct dm_bus {
	struct sim_bus bus; /* what sim_gpu_init() takes */
	struct guestmem *mem;
	u16 domid;
	struct os_mutex lock; /* host_pages, nr_host_pages */
	u8 *host_pages[DM_BUS_HOST_PAGES];
	u32 nr_host_pages;
};

/* The bus of @vm's guest memory.  Process context, before the GPU. */
void dm_bus_init(struct dm_bus *b, struct xen_vm *vm);
/*
 * Free the host pages; after the GPU and the GVT are gone.  Returns how
 * many were still allocated (a leak of the core's, 0 when clean).
 */
u32 dm_bus_fini(struct dm_bus *b);

#endif /* XENGT_DM_BUS_H */
