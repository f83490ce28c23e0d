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
#include <linux/sysfs.h>
#include <linux/module.h>

#include "xengt/xengt.h"
#include "sim_gpu.h"
#include "devxengt.h"
#include "kbus.h"
#include "module.h"
#include "sysfs.h"
#include "xen-kernel.h"

static char *gpu = "sim";
module_param(gpu, charp, 0444);
MODULE_PARM_DESC(gpu, "the GPU to share: sim (the software Gen9 GPU)");

static struct sim_gpu *xengt_sim_gpu;
static struct xengt_gvt *xengt_gvt;

void xengt_module_vgpu_created(struct vgpu *vgpu)
{
	/* The software GPU counts accesses to frames of other domains. */
	sim_gpu_set_tag_owner(xengt_sim_gpu, xengt_vgpu_id(vgpu),
			      xengt_vgpu_domid(vgpu));
}

ssize_t xengt_module_gpu_show(char *buf)
{
	const struct sim_gpu_stats *st = &xengt_sim_gpu->stats;
	struct xengt_engine_info ei;
	u64 mapped, protected;
	u32 domains, e;
	ssize_t n;

	xkvm_counts(&mapped, &protected, &domains);
	n = sysfs_emit(
		buf,
		"gpu sim\naccesses %llu\nfaults %llu\nhost %llu\nforeign %llu\n"
		"xen_domains %u\nguest_pages_mapped %llu\nguest_pages_protected %llu\n",
		st->accesses, st->faults, st->host, st->foreign, domains,
		mapped, protected);
	for (e = 0; !xengt_gvt_engine_info(xengt_gvt, e, &ei); e++)
		n += sysfs_emit_at(
			buf, n,
			"engine%u inflight=%u paused=%u submits=%llu queued=%u busy=%u done_pending=%u\n",
			e, ei.inflight, ei.paused, ei.submits, ei.queued,
			ei.busy, ei.done_pending);
	return n;
}

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
	kbus_init();
	ret = sim_gpu_init(xengt_sim_gpu, kbus_bus());
	if (ret)
		goto err_free;
	ret = xengt_gvt_create(&xengt_sim_gpu->base, &xengt_gvt);
	if (ret)
		goto err_gpu;
	ret = xengt_sysfs_init(xengt_gvt);
	if (ret)
		goto err_gvt;
	ret = xkvm_init(xengt_gvt, xengt_sysfs_domain_dead);
	if (ret)
		goto err_sysfs;
	ret = xengt_dev_init(xengt_gvt);
	if (ret)
		goto err_xen;
	pr_info("xengt: GVT up on the software GPU (gpu=sim): /sys/kernel/xengt\n");
	return 0;

err_xen:
	xkvm_fini();
err_sysfs:
	xengt_sysfs_fini();
err_gvt:
	xengt_gvt_destroy(xengt_gvt);
err_gpu:
	sim_gpu_fini(xengt_sim_gpu);
err_free:
	kbus_fini();
	kfree(xengt_sim_gpu);
	return ret;
}

static void __exit xengt_exit(void)
{
	/* No file is open (each holds the module); trap paths, then vGPUs. */
	xengt_dev_fini();
	xkvm_fini();
	xengt_sysfs_fini();
	xengt_gvt_destroy(xengt_gvt);
	sim_gpu_fini(xengt_sim_gpu);
	kbus_fini();
	kfree(xengt_sim_gpu);
	pr_info("xengt: unloaded\n");
}

module_init(xengt_init);
module_exit(xengt_exit);
MODULE_DESCRIPTION("XenGT: mediated pass-through GPU virtualization for Xen");
MODULE_LICENSE("GPL");
