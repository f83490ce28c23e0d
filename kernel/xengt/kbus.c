// SPDX-License-Identifier: GPL-2.0
/*
 * The software GPU's memory inside xengt.ko (see kbus.h).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <xen/xen.h>
#include <asm/xen/page.h>

#include "kbus.h"
#include "sim_gpu.h"

/* A page the GPU backend allocated for itself (status pages, shadows). */
struct kbus_host_page {
	struct kbus_frame f;
	struct page *page;
};

static struct sim_bus kbus;
static DEFINE_XARRAY(kbus_frames); /* frame -> struct kbus_frame */

static u8 *kbus_frame_va(struct sim_bus *bus, u64 frame, u16 *owner)
{
	struct kbus_frame *f = xa_load(&kbus_frames, (unsigned long)frame);

	*owner = f ? f->owner : SIM_OWNER_NONE;
	return f ? f->va : NULL;
}

/* The GPU's address of a page of ours: what the kernel's DMA would use. */
static u64 host_frame_of(struct page *page)
{
	if (xen_pv_domain())
		return pfn_to_mfn(page_to_pfn(page));
	return page_to_pfn(page);
}

static u8 *kbus_alloc_host_frame(struct sim_bus *bus, u64 *frame)
{
	struct kbus_host_page *hp = kzalloc(sizeof(*hp), GFP_KERNEL);

	if (!hp)
		return NULL;
	hp->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!hp->page)
		goto err;
	hp->f.va = page_address(hp->page);
	hp->f.owner = SIM_OWNER_HOST;
	*frame = host_frame_of(hp->page);
	if (kbus_add(*frame, &hp->f))
		goto err_page;
	return hp->f.va;

err_page:
	__free_page(hp->page);
err:
	kfree(hp);
	return NULL;
}

static void kbus_free_host_frame(struct sim_bus *bus, u64 frame)
{
	struct kbus_frame *f = xa_load(&kbus_frames, (unsigned long)frame);
	struct kbus_host_page *hp;

	if (!f || f->owner != SIM_OWNER_HOST)
		return;
	hp = container_of(f, struct kbus_host_page, f);
	kbus_del(frame);
	__free_page(hp->page);
	kfree(hp);
}

static const struct sim_bus_ops kbus_ops = {
	.frame = kbus_frame_va,
	.alloc_host_frame = kbus_alloc_host_frame,
	.free_host_frame = kbus_free_host_frame,
};

int kbus_add(u64 frame, struct kbus_frame *f)
{
	return xa_insert(&kbus_frames, (unsigned long)frame, f, GFP_KERNEL);
}

void kbus_del(u64 frame)
{
	xa_erase(&kbus_frames, (unsigned long)frame);
}

void kbus_init(void)
{
	kbus.ops = &kbus_ops;
}

struct sim_bus *kbus_bus(void)
{
	return &kbus;
}

void kbus_fini(void)
{
	/* The backend's own pages and every guest's were the last. */
	WARN_ON(!xa_empty(&kbus_frames));
	xa_destroy(&kbus_frames);
}
