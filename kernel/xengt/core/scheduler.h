/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * GPU scheduler: which vGPU's queued workload runs next on the physical
 * GPU, with weighted fair shares, optional caps and time slices, all
 * measured in GPU time (RING_TIMESTAMP deltas around each workload; the
 * software GPU's clock is deterministic, real hardware's is real time).
 *
 * Policy: each vGPU has a virtual time that advances by its GPU time
 * divided by its weight; the runnable vGPU with the smallest virtual time
 * gets the GPU for a time slice (it keeps it while its slice lasts and it
 * has work).  A capped vGPU earns cap% of every elapsed tick as credit
 * (burst limited to one slice) and is not eligible while its credit is
 * spent; when only throttled vGPUs have work, the GPU idles until the
 * first one is eligible again (idle time counts as elapsed time).
 *
 * Locks: sched.lock serialises dispatching (one workload on the physical
 * GPU at a time) and is taken before any vgpu->lock; sched.qlock protects
 * the queues and is a leaf (taken under vgpu->lock by the ELSP trap).
 */
#ifndef XENGT_SCHEDULER_H
#define XENGT_SCHEDULER_H

#include "os.h"

struct vgpu;
struct xengt_gvt;

/* Default time slice in GPU ticks (1 ms of a 12 MHz Gen9 timestamp). */
#define SCHED_DEFAULT_SLICE 12000ULL

struct xengt_sched {
	struct os_mutex lock;
	struct os_mutex qlock;
	bool paused; /* kicks do not dispatch; only xengt_sched_run() does */
	u64 slice; /* GPU ticks */
	u64 now; /* scheduler clock: busy + idle GPU ticks */
	u64 busy, idle;
	u64 vclock; /* virtual time of the last pick */
	struct vgpu *holder; /* has the GPU for its slice */
	u64 slice_left;
	u32 rr_engine; /* engine to look at first */
};

struct vgpu_sched {
	u32 weight; /* 1..16; defaults to the type's weight */
	u32 cap; /* percent of GPU time, 0 = none */
	u64 vtime;
	s64 credit; /* cap credit, in ticks * 100 */
	bool idle; /* had no queued work when last looked at */
	u64 busy; /* GPU ticks used */
	u64 workloads;
	u64 slices; /* times it was given the GPU */
};

/* Caller owns @gvt (init / fini time). */
void sched_gvt_init(struct xengt_gvt *gvt);
void sched_gvt_fini(struct xengt_gvt *gvt);
void sched_vgpu_init(struct vgpu *vgpu);

/*
 * Queue @n elements for @vgpu on @engine.  Returns 0, or -ENOSPC when the
 * queue is full (nothing queued).  Caller holds vgpu->lock (trap path).
 */
struct execlist_elem;
int sched_queue(struct vgpu *vgpu, u32 engine,
		const struct execlist_elem *elems, u32 n);
/*
 * Drop everything @vgpu has queued (reset, failsafe, destroy); returns how
 * many elements.  Takes qlock only: callable under vgpu->lock.
 */
u32 sched_vgpu_drop(struct vgpu *vgpu);
/* Queued elements of @vgpu on all engines.  Takes qlock. */
u32 sched_vgpu_queued(struct vgpu *vgpu);

/*
 * Dispatch after a trap queued work, unless paused.  Caller holds no vGPU
 * lock (mmio.c calls it after dropping vgpu->lock).
 */
void sched_kick(struct xengt_gvt *gvt);

/*
 * Run queued workloads until none is runnable, or until @budget GPU ticks
 * (busy + idle) have elapsed when @budget is non-zero.  Returns the ticks
 * elapsed.  Process context; takes sched.lock, then each vgpu->lock.
 */
u64 xengt_sched_run(struct xengt_gvt *gvt, u64 budget);
/* Stop / resume dispatching from traps.  Takes sched.lock. */
void xengt_sched_pause(struct xengt_gvt *gvt, bool paused);
/* Weight 1..16, cap 0..100 (0 = none).  -EINVAL otherwise.  sched.lock. */
int xengt_sched_set_weight(struct vgpu *vgpu, u32 weight);
int xengt_sched_set_cap(struct vgpu *vgpu, u32 cap_percent);
/* GPU ticks a slice lasts (>= 1).  Takes sched.lock. */
void xengt_sched_set_slice(struct xengt_gvt *gvt, u64 ticks);

#endif /* XENGT_SCHEDULER_H */
