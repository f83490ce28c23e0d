/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Workloads, the physical side of submission: each accepted ELSP element
 * becomes a workload that owns everything the GPU will read for it — a
 * shadow context (the core's own image: checked ring registers, shadow
 * PPGTT root, the shadow ring), the scanned copies of its ring slice and
 * batches (cmd_parser.h) and a pinned shadow PPGTT — so the guest can
 * change nothing of it after its trap returned (no TOCTOU).
 *
 * Life of a workload:
 *   trap (vgpu->lock)   workload_prepare(): shadow, scan, copy;
 *                       workload_queue(): on the (vGPU, engine) queue,
 *                       the engine's dispatcher kicked.  The trap returns.
 *   dispatcher          per physical engine, an os_work off the trapping
 *   (engine->lock)      thread: the scheduler (scheduler.h) picks the next
 *                       vGPU, its first workload goes to gpu->ops->submit.
 *   completion          the GPU backend's callback: GPU time accounted,
 *                       the guest's context image written back, its CSB
 *                       and interrupt (execlist_complete()), the workload
 *                       freed, the dispatcher kicked again.
 *
 * Locks, in order: gvt->lock, engine->lock (each engine in index order),
 * vgpu->lock, vgpu->wl.qlock (a leaf).  No lock shared by all vGPUs is
 * taken on the trap path: a trap takes its vGPU's locks and at most wakes
 * a dispatcher.  The dispatcher never waits for a vGPU's trap lock: a
 * completion that finds vgpu->lock taken is left on the vGPU's done list
 * for the holder to finish in vgpu_unlock() (vgpu.h).
 */
#ifndef XENGT_WORKLOAD_H
#define XENGT_WORKLOAD_H

#include "os.h"
#include "gpu.h"
#include "execlist.h"
#include "cmd_parser.h"
#include "scheduler.h"

struct vgpu;
struct xengt_gvt;
struct ppgtt_mm;

struct workload {
	struct workload *next; /* in its queue or on the done list */
	/* Prepared and not yet finished, newest first (vgpu->lock). */
	struct workload *live_prev, *live_next;
	bool live;
	struct vgpu *vgpu;
	u32 engine;
	struct execlist_elem elem;
	u32 events; /* XENGT_GPU_EV_* of its completion */
	struct ppgtt_mm *mm; /* pinned while the workload lives */
	/* Shadow context: host pages mapped at shadow_gm in the GGTT. */
	void *ctx_cpu[EXECLIST_CTX_PAGES];
	u64 ctx_dma[EXECLIST_CTX_PAGES];
	u64 shadow_gm;
	u32 ring_head, ring_size; /* of the guest's ring, for the write-back */
	struct cmd_shadow cmds;
};

struct workload_queue {
	struct workload *head, *tail;
	u32 count; /* atomic reads: the dispatcher's "has work" */
};

/* Per vGPU (struct vgpu's wl). */
struct vgpu_workloads {
	struct os_mutex qlock; /* queues and the done list */
	struct workload_queue q[XENGT_NR_ENGINES];
	struct workload *done; /* completions waiting for vgpu->lock */
	u32 busy; /* atomic: workloads queued, on the GPU or done-pending */
	/* One spare per engine, its shadow context kept (vgpu->lock). */
	struct workload *spare[XENGT_NR_ENGINES];
	/*
	 * Per engine, every workload prepared and not yet finished (queued,
	 * on the GPU, done-pending), newest first (vgpu->lock): where a
	 * context resubmitted meanwhile goes on from.
	 */
	struct workload *live[XENGT_NR_ENGINES];
};

/* A physical engine as the core drives it (struct xengt_gvt's engine[]). */
struct xengt_engine {
	struct xengt_gvt *gvt;
	u32 id;
	struct os_mutex lock; /* the scheduler state and inflight */
	struct os_work dispatch;
	bool paused; /* only xengt_sched_run() dispatches (tests) */
	struct workload *inflight;
	u64 t0; /* engine clock when inflight was submitted */
	u64 submits;
	struct xengt_sched sched;
};

/*
 * Every engine's lock, in order (vGPU publication, weights and caps).
 * Caller holds no engine lock.
 */
void xengt_engines_lock(struct xengt_gvt *gvt);
void xengt_engines_unlock(struct xengt_gvt *gvt);

/* Engines, dispatchers and the GPU attachment.  Caller owns @gvt. */
int workload_gvt_init(struct xengt_gvt *gvt);
/* Every vGPU is gone. */
void workload_gvt_fini(struct xengt_gvt *gvt);
void workload_vgpu_init(struct vgpu *vgpu);
/* Nothing queued or in flight any more (workload_vgpu_quiesce()). */
void workload_vgpu_fini(struct vgpu *vgpu);

/*
 * Turn @elem into a workload ready for the GPU.  On failure the vGPU is
 * put in failsafe with the reason and NULL returned.  Trap path: caller
 * holds vgpu->lock.
 */
struct workload *workload_prepare(struct vgpu *vgpu, u32 engine,
				  const struct execlist_elem *elem);
/* Free a workload that was never queued.  Caller holds vgpu->lock. */
void workload_discard(struct workload *wl);
/*
 * Queue @n prepared workloads of one ELSP write, in order, and kick the
 * engine.  -ENOSPC (nothing queued) when the queue is full.  Caller holds
 * vgpu->lock.
 */
int workload_queue(struct vgpu *vgpu, u32 engine, struct workload **wls, u32 n);
/*
 * Free everything @vgpu has queued (reset, failsafe, destroy); returns
 * how many.  A workload on the GPU is not touched.  Caller holds
 * vgpu->lock.
 */
u32 workload_vgpu_drop(struct vgpu *vgpu);
/* The same for one engine (its reset, execlist.h). */
u32 workload_vgpu_drop_engine(struct vgpu *vgpu, u32 engine);
/* Queued workloads of @vgpu on all engines.  Any context. */
u32 workload_vgpu_queued(struct vgpu *vgpu);
/*
 * Wait until no workload of @vgpu is on the GPU or waiting for its
 * completion.  Caller holds no lock of the vGPU's.
 */
void workload_vgpu_quiesce(struct vgpu *vgpu);
/*
 * Finish the completions left for the holder of vgpu->lock.  Caller
 * holds vgpu->lock (vgpu_unlock() calls it).
 */
void workload_vgpu_finish_done(struct vgpu *vgpu);

#endif /* XENGT_WORKLOAD_H */
