// SPDX-License-Identifier: GPL-2.0
/*
 * xengt.ko: the one owner of the GPU in dom0.
 *
 * It takes the GPU named by gpu= (today only "sim", the software Gen9
 * GPU, so that everything runs without Intel hardware), puts the one GVT
 * of the host on it, and shows it at /sys/kernel/xengt (sysfs.c), where
 * vGPUs are created, destroyed and watched.  Every vGPU of the host lives
 * on this GVT, whichever trap path serves its guest.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/xarray.h>

#include "xengt/xengt.h"
#include "sim_gpu.h"
#include "sysfs.h"

static char *gpu = "sim";
module_param(gpu, charp, 0444);
MODULE_PARM_DESC(gpu, "the GPU to share: sim (the software Gen9 GPU)");

static struct sim_gpu *xengt_sim_gpu;
static struct xengt_gvt *xengt_gvt;

/*
 * The software GPU's memory in the kernel: host pages it may reach are
 * the pages this module allocated for it, found by page frame number.
 */
struct xengt_kbus {
	struct sim_bus bus;
	struct xarray pages; /* pfn -> struct page of ours */
};

static struct xengt_kbus xengt_kbus;

static u8 *kbus_frame(struct sim_bus *bus, u64 pfn, u16 *owner)
{
	struct xengt_kbus *kb = container_of(bus, struct xengt_kbus, bus);
	struct page *page = xa_load(&kb->pages, (unsigned long)pfn);

	*owner = page ? SIM_OWNER_HOST : SIM_OWNER_NONE;
	return page ? page_address(page) : NULL;
}

static u8 *kbus_alloc_host_frame(struct sim_bus *bus, u64 *pfn)
{
	struct xengt_kbus *kb = container_of(bus, struct xengt_kbus, bus);
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (!page)
		return NULL;
	*pfn = page_to_pfn(page);
	if (xa_err(xa_store(&kb->pages, (unsigned long)*pfn, page,
			    GFP_KERNEL))) {
		__free_page(page);
		return NULL;
	}
	return page_address(page);
}

static void kbus_free_host_frame(struct sim_bus *bus, u64 pfn)
{
	struct xengt_kbus *kb = container_of(bus, struct xengt_kbus, bus);
	struct page *page = xa_erase(&kb->pages, (unsigned long)pfn);

	if (page)
		__free_page(page);
}

static const struct sim_bus_ops xengt_kbus_ops = {
	.frame = kbus_frame,
	.alloc_host_frame = kbus_alloc_host_frame,
	.free_host_frame = kbus_free_host_frame,
};

static int __init xengt_init(void)
{
	int ret;

	if (strcmp(gpu, "sim")) {
		pr_err("xengt: gpu=%s is not supported; supported: sim (the software Gen9 GPU)\n",
		       gpu);
		return -EINVAL;
	}
	xengt_sim_gpu = kzalloc(sizeof(*xengt_sim_gpu), GFP_KERNEL);
	if (!xengt_sim_gpu)
		return -ENOMEM;
	xa_init(&xengt_kbus.pages);
	xengt_kbus.bus.ops = &xengt_kbus_ops;
	ret = sim_gpu_init(xengt_sim_gpu, &xengt_kbus.bus);
	if (ret)
		goto err_free;
	ret = xengt_gvt_create(&xengt_sim_gpu->base, &xengt_gvt);
	if (ret)
		goto err_gpu;
	ret = xengt_sysfs_init(xengt_gvt);
	if (ret)
		goto err_gvt;
	pr_info("xengt: GVT up on the software GPU (gpu=sim): /sys/kernel/xengt\n");
	return 0;

err_gvt:
	xengt_gvt_destroy(xengt_gvt);
err_gpu:
	sim_gpu_fini(xengt_sim_gpu);
err_free:
	xa_destroy(&xengt_kbus.pages);
	kfree(xengt_sim_gpu);
	return ret;
}

static void __exit xengt_exit(void)
{
	xengt_sysfs_fini();
	xengt_gvt_destroy(xengt_gvt);
	sim_gpu_fini(xengt_sim_gpu);
	/* The backend's own pages were the last; a leak shows here. */
	WARN_ON(!xa_empty(&xengt_kbus.pages));
	xa_destroy(&xengt_kbus.pages);
	kfree(xengt_sim_gpu);
	pr_info("xengt: unloaded\n");
}

module_init(xengt_init);
module_exit(xengt_exit);
MODULE_DESCRIPTION("XenGT: mediated pass-through GPU virtualization for Xen");
MODULE_LICENSE("GPL");
