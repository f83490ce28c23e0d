// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Device-wide state: the GPU's partitionable resources (see gvt.h).
 */
#include "gvt.h"
#include "vgpu.h"

int xengt_gvt_init(struct xengt_gvt *gvt, struct xengt_gpu *gpu)
{
	const struct xengt_gpu_info *info = &gpu->info;
	u32 low_mb = info->aperture_size >> 20;
	u32 high_mb = (info->gm_size - info->aperture_size) >> 20;
	int ret;

	os_memset(gvt, 0, sizeof(*gvt));
	gvt->gpu = gpu;
	if (info->aperture_size > info->gm_size ||
	    low_mb < GVT_HOST_LOW_GM_MB || high_mb < GVT_HOST_HIGH_GM_MB ||
	    info->fences < GVT_HOST_FENCES || info->fences > 32) {
		gvt_err("GPU too small to share: aperture %u MiB, hidden %u MiB, %u fences",
			low_mb, high_mb, info->fences);
		return -EINVAL;
	}
	ret = range_alloc_init(&gvt->low_gm, "low GM (aperture)", low_mb);
	if (ret)
		goto err;
	ret = range_alloc_init(&gvt->high_gm, "high GM (hidden)", high_mb);
	if (ret)
		goto err_low;
	ret = range_alloc_init(&gvt->fences, "fence registers", info->fences);
	if (ret)
		goto err_high;
	/* The host's own share comes first in each space. */
	range_alloc_reserve(&gvt->low_gm, 0, GVT_HOST_LOW_GM_MB);
	range_alloc_reserve(&gvt->high_gm, 0, GVT_HOST_HIGH_GM_MB);
	range_alloc_reserve(&gvt->fences, 0, GVT_HOST_FENCES);
	os_mutex_init(&gvt->lock);
	/*
	 * Every vGPU's quota of shadow commands, and a shadow context for
	 * each workload it may have queued, a spare and the one running,
	 * must fit at once; and the backend's own graphics memory must fit
	 * below the core's in the host's hidden share.
	 */
	if (((u64)XENGT_MAX_VGPUS *
	     (CMD_SHADOW_VGPU_QUOTA + XENGT_NR_ENGINES *
					      (EXECLIST_QUEUE_LEN + 2) *
					      EXECLIST_CTX_PAGES)) *
			    XENGT_PAGE_SIZE >
		    XENGT_MB(GVT_CORE_GM_MB) ||
	    info->backend_gm_size >
		    XENGT_MB(GVT_HOST_HIGH_GM_MB - GVT_CORE_GM_MB)) {
		ret = -EINVAL;
		goto err_lock;
	}
	ret = core_gm_init(&gvt->core_gm,
			   info->aperture_size + XENGT_MB(GVT_HOST_HIGH_GM_MB -
							  GVT_CORE_GM_MB),
			   XENGT_MB(GVT_CORE_GM_MB));
	if (ret)
		goto err_lock;
	ret = workload_gvt_init(gvt);
	if (ret)
		goto err_core_gm;
	gvt_info("GPU %04x: aperture %u MiB, hidden %u MiB, %u fences",
		 info->device_id, low_mb, high_mb, info->fences);
	return 0;

err_core_gm:
	core_gm_fini(&gvt->core_gm);
err_lock:
	os_mutex_destroy(&gvt->lock);
	range_alloc_fini(&gvt->fences);
err_high:
	range_alloc_fini(&gvt->high_gm);
err_low:
	range_alloc_fini(&gvt->low_gm);
err:
	return ret;
}

void xengt_gvt_fini(struct xengt_gvt *gvt)
{
	workload_gvt_fini(gvt);
	os_vfree(gvt->spare_vreg);
	gvt->spare_vreg = NULL;
	core_gm_fini(&gvt->core_gm);
	os_mutex_destroy(&gvt->lock);
	range_alloc_fini(&gvt->fences);
	range_alloc_fini(&gvt->high_gm);
	range_alloc_fini(&gvt->low_gm);
}
