/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One physical GPU shared by vGPUs: its backends, its partitionable
 * resources and its vGPUs.
 */
#ifndef XENGT_GVT_H
#define XENGT_GVT_H

#include "os.h"
#include "xengt/xengt.h"
#include "gpu.h"
#include "hv.h"
#include "range_alloc.h"
#include "core_gm.h"
#include "execlist.h"
#include "workload.h"

/*
 * The core's own graphics memory (core_gm.h), for the shadow contexts and
 * the shadow rings and batches of every queued workload: the top of the
 * host's hidden range.  Sized so that every vGPU can hold its quota of
 * both at once (checked at init).
 */
#define GVT_CORE_GM_MB 128 /* 8 vGPUs x 4 engines: ~97 MiB */

/* What the host keeps for itself (reference implementation's numbers). */
#define GVT_HOST_LOW_GM_MB 128
#define GVT_HOST_HIGH_GM_MB 384
#define GVT_HOST_FENCES 4

struct vgpu;

struct xengt_gvt {
	struct xengt_gpu *gpu;
	/* Protects the allocators and vgpus[]; never taken in a trap path. */
	struct os_mutex lock;
	struct range_alloc low_gm; /* units of 1 MiB over the aperture */
	struct range_alloc high_gm; /* units of 1 MiB above the aperture */
	struct range_alloc fences; /* units of one fence register */
	struct vgpu *vgpus[XENGT_MAX_VGPUS];
	u32 nr_vgpus;
	/*
	 * The register file of the last vGPU destroyed, all zero again: the
	 * next vgpu_create() takes it instead of a 2 MiB vzalloc().
	 */
	u8 *spare_vreg;

	struct core_gm core_gm; /* GVT_CORE_GM_MB of GGTT space of its own */
	struct xengt_engine engine[XENGT_NR_ENGINES];
	struct xengt_gpu_client gpu_client; /* completions (workload.c) */
};

/* Set up the device for @gpu and attach to it (gpu.h).  Process context. */
int xengt_gvt_init(struct xengt_gvt *gvt, struct xengt_gpu *gpu);
/* All vGPUs must have been destroyed. */
void xengt_gvt_fini(struct xengt_gvt *gvt);

#endif /* XENGT_GVT_H */
