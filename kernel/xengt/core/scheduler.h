/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * GPU scheduler: which vGPU's queued workload an engine runs next, with
 * weighted fair shares, optional caps and time slices, all measured in GPU
 * time (the engine clock's ticks between submission and completion; the
 * software GPU's clock is deterministic, real hardware's is real time).
 * Each physical engine is scheduled on its own (workload.h's dispatcher).
 *
 * Policy, per engine: each vGPU has a virtual time that advances by its
 * GPU time divided by its weight; the runnable vGPU with the smallest
 * virtual time gets the engine for a time slice (it keeps it while its
 * slice lasts and it has work).  A capped vGPU earns cap% of every
 * elapsed tick as credit (burst limited to one slice) and is not eligible
 * while its credit is spent; when only throttled vGPUs have work, the
 * engine idles until the first one is eligible again (idle time counts as
 * elapsed time; on the software GPU's clock it passes at once).
 *
 * Locks: the scheduler state of an engine is under its engine->lock.
 */
#ifndef XENGT_SCHEDULER_H
#define XENGT_SCHEDULER_H

#include "os.h"
#include "gpu.h"

struct vgpu;
struct xengt_engine;

/* Default time slice in GPU ticks (1 ms of a 12 MHz Gen9 timestamp). */
#define SCHED_DEFAULT_SLICE 12000ULL

/* One engine's scheduler (in struct xengt_engine). */
struct xengt_sched {
	u64 slice; /* GPU ticks */
	u64 now; /* scheduler clock: busy + idle GPU ticks */
	u64 busy, idle;
	u64 vclock; /* virtual time of the last pick */
	struct vgpu *holder; /* has the engine for its slice */
	u64 slice_left;
};

/* A vGPU's standing on one engine. */
struct vgpu_sched_engine {
	u64 vtime;
	s64 credit; /* cap credit, in ticks * 100 */
	bool idle; /* had no queued work when last looked at */
	u64 busy; /* GPU ticks used */
	u64 workloads;
	u64 slices; /* times it was given the engine */
};

struct vgpu_sched {
	u32 weight; /* 1..16; defaults to the type's weight */
	u32 cap; /* percent of each engine's time, 0 = none */
	struct vgpu_sched_engine e[XENGT_NR_ENGINES];
};

#define SCHED_MAX_WEIGHT 16

void sched_engine_init(struct xengt_sched *s);
/* Caller owns @vgpu (creation). */
void sched_vgpu_init(struct vgpu *vgpu);

/*
 * Next vGPU to run on @pe, or NULL; *throttled tells whether some vGPU
 * has work but is held back by its cap.  Caller holds pe->lock.
 */
struct vgpu *sched_pick(struct xengt_engine *pe, bool *throttled);
/* @ticks of @pe's time passed, @user (NULL: idle) used them.  pe->lock. */
void sched_account(struct xengt_engine *pe, struct vgpu *user, u64 ticks);
/* Ticks until the first throttled vGPU may run again.  pe->lock. */
u64 sched_idle_until_eligible(struct xengt_engine *pe);
/* Forget @vgpu as @pe's slice holder (it is going).  pe->lock. */
void sched_forget(struct xengt_engine *pe, struct vgpu *vgpu);

/*
 * Weight 1..16, cap 0..100 (0 and 100 = none): -EINVAL otherwise.  Take
 * every engine's lock; any process context.
 */
int xengt_sched_set_weight(struct vgpu *vgpu, u32 weight);
int xengt_sched_set_cap(struct vgpu *vgpu, u32 cap_percent);

#endif /* XENGT_SCHEDULER_H */
