// SPDX-License-Identifier: GPL-2.0
/*
 * xengt.ko: the GVT core in the dom0 kernel.
 *
 * For now it brings the core up on the software GPU with no hypervisor
 * backend, proving that the core builds and runs in the kernel from the
 * same files as in user space.  The Xen backend (hv/xen-kernel.c) and the
 * admin view (/sys/kernel/xengt) attach here later.
 */
#include <linux/module.h>

#include "gvt.h"
#include "sim_gpu.h"

static struct sim_gpu *xengt_sim_gpu;
static struct xengt_gvt *xengt_gvt;

static int __init xengt_init(void)
{
	int ret;

	xengt_sim_gpu = kzalloc(sizeof(*xengt_sim_gpu), GFP_KERNEL);
	xengt_gvt = kzalloc(sizeof(*xengt_gvt), GFP_KERNEL);
	if (!xengt_sim_gpu || !xengt_gvt) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = sim_gpu_init(xengt_sim_gpu, NULL);
	if (ret)
		goto err_free;
	ret = xengt_gvt_init(xengt_gvt, &xengt_sim_gpu->base, NULL);
	if (ret)
		goto err_gpu;
	pr_info("xengt: core up on the software GPU, no hypervisor backend\n");
	return 0;

err_gpu:
	sim_gpu_fini(xengt_sim_gpu);
err_free:
	kfree(xengt_gvt);
	kfree(xengt_sim_gpu);
	return ret;
}

static void __exit xengt_exit(void)
{
	xengt_gvt_fini(xengt_gvt);
	sim_gpu_fini(xengt_sim_gpu);
	kfree(xengt_gvt);
	kfree(xengt_sim_gpu);
	pr_info("xengt: unloaded\n");
}

module_init(xengt_init);
module_exit(xengt_exit);
MODULE_DESCRIPTION("XenGT: mediated pass-through GPU virtualization for Xen");
MODULE_LICENSE("GPL");
