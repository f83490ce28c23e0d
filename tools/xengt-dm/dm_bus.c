// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The standalone device model's DMA space (see dm_bus.h).
 */
#include <stdlib.h>

#include "dm_bus.h"
#include "xen-guestmem.h"

static struct dm_bus *to_dm_bus(struct sim_bus *bus)
{
	return (struct dm_bus *)((u8 *)bus -
				 __builtin_offsetof(struct dm_bus, bus));
}

static u8 *dm_bus_frame(struct sim_bus *bus, u64 pfn, u16 *owner)
{
	struct dm_bus *b = to_dm_bus(bus);
	u8 *page = NULL;

	*owner = SIM_OWNER_NONE;
	if (pfn < XEN_DM_HOST_PFN_BASE) {
		page = guestmem_page(b->mem, pfn);
		if (page)
			*owner = b->domid;
	} else if (pfn - XEN_DM_HOST_PFN_BASE < DM_BUS_HOST_PAGES) {
		os_mutex_lock(&b->lock);
		page = b->host_pages[pfn - XEN_DM_HOST_PFN_BASE];
		os_mutex_unlock(&b->lock);
		if (page)
			*owner = SIM_OWNER_HOST;
	}
	return page;
}

static u8 *dm_bus_alloc_host_frame(struct sim_bus *bus, u64 *pfn)
{
	struct dm_bus *b = to_dm_bus(bus);
	u8 *page = calloc(1, XENGT_PAGE_SIZE);
	u32 i;

	if (!page)
		return NULL;
	os_mutex_lock(&b->lock);
	for (i = 0; i < DM_BUS_HOST_PAGES; i++) {
		if (b->host_pages[i])
			continue;
		b->host_pages[i] = page;
		b->nr_host_pages++;
		os_mutex_unlock(&b->lock);
		*pfn = XEN_DM_HOST_PFN_BASE + i;
		return page;
	}
	os_mutex_unlock(&b->lock);
	free(page);
	return NULL;
}

static void dm_bus_free_host_frame(struct sim_bus *bus, u64 pfn)
{
	struct dm_bus *b = to_dm_bus(bus);
	u64 i = pfn - XEN_DM_HOST_PFN_BASE;
	u8 *page;

	if (pfn < XEN_DM_HOST_PFN_BASE || i >= DM_BUS_HOST_PAGES)
		return;
	os_mutex_lock(&b->lock);
	page = b->host_pages[i];
	b->host_pages[i] = NULL;
	if (page)
		b->nr_host_pages--;
	os_mutex_unlock(&b->lock);
	free(page);
}

static const struct sim_bus_ops dm_bus_ops = {
	.frame = dm_bus_frame,
	.alloc_host_frame = dm_bus_alloc_host_frame,
	.free_host_frame = dm_bus_free_host_frame,
};

void dm_bus_init(struct dm_bus *b, struct xen_vm *vm)
{
	*b = (struct dm_bus){
		.bus.ops = &dm_bus_ops,
		.mem = vm->mem,
		.domid = vm->base.domid,
	};
	os_mutex_init(&b->lock);
}

u32 dm_bus_fini(struct dm_bus *b)
{
	u32 i, leaked = b->nr_host_pages;

	for (i = 0; i < DM_BUS_HOST_PAGES; i++)
		free(b->host_pages[i]);
	b->nr_host_pages = 0;
	os_mutex_destroy(&b->lock);
	return leaked;
}
