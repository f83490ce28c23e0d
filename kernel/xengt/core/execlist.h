/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Virtual execlists, the guest-facing side of submission: ELSP and the
 * context status buffer of each engine of a vGPU, as i915 6.1 drives them
 * on Gen9.
 *
 * Four dword writes to RING_ELSP (element 1 hi, lo, element 0 hi, lo)
 * submit up to two context descriptors.  The trap that completes the
 * fourth write checks them, has each valid element prepared as a workload
 * (workload.h: context shadowed, PPGTT synced, commands scanned and
 * copied) and queued, and returns; the GPU runs them later.  The virtual
 * engine acknowledges the submission at once and reports each completion
 * when the physical one arrives.  Context status events go to the CSB in
 * the guest's hardware status page (GGTT address from its RING_HWS_PGA),
 * dwords 0x10.., with the write pointer at dword 0x1f, and to the CSB
 * registers.
 *
 * The events are Gen9's, as i915's process_csb() reads them:
 *  - ELSP to an idle engine: IDLE_TO_ACTIVE;
 *  - ELSP while the engine runs an earlier one: that one is preempted,
 *    PREEMPTED with the ID of the context switched out, plus LITE_RESTORE
 *    when element 0 is that same context (a new tail for it).  The
 *    preempted workloads still run to their end (the switch happens at
 *    the arbitration point after their last command) and save their
 *    context image, but report nothing: the guest saw them switched out.
 *    A context resubmitted before its previous workload finished goes on
 *    from that workload's tail, so nothing runs twice (workload.c);
 *  - each completion of the running ELSP: COMPLETE with ELEMENT_SWITCH
 *    after element 0 of two, ACTIVE_TO_IDLE after the last.
 * The context-switch interrupt accompanies PREEMPTED and the completions.
 *
 * An engine reset (GEN6_GDRST, execlist_reset_domains()) drops what the
 * vGPU has queued on the engine and starts its execlist over (no ELSP
 * latched, idle, CSB pointers as after a hardware reset).  A workload of
 * the vGPU the GPU is running meanwhile finishes there (the GPU is
 * shared) and is then forgotten: its completion writes neither the CSB
 * nor the context image i915 has rewound, and raises no interrupt.
 */
#ifndef XENGT_EXECLIST_H
#define XENGT_EXECLIST_H

#include "os.h"
#include "gpu.h"
#include "gen9.h"

struct vgpu;

/* Queued guest submissions per (vGPU, engine); more is refused. */
#define EXECLIST_QUEUE_LEN 64
/* Pages of a context the core shadows: PPHWSP + register state. */
#define EXECLIST_CTX_PAGES GEN9_LRC_PAGES_XCS

/* One element of an ELSP write, as checked by the trap. */
struct execlist_elem {
	u64 desc; /* the guest's descriptor */
	u32 ring_tail; /* CTX_RING_TAIL when it was submitted */
	u32 seq; /* of its ELSP write (vgpu_execlist.seq) */
	u32 epoch; /* of its engine (vgpu_execlist.epoch) */
	bool first, last; /* of its ELSP write */
	bool pv; /* a PV submission: no CSB event, no context-switch irq */
};

/* Virtual engine state, under vgpu->lock. */
struct vgpu_execlist {
	u32 elsp[4]; /* dwords written so far to ELSP, in write order */
	u32 elsp_count;
	bool active; /* IDLE_TO_ACTIVE sent, ACTIVE_TO_IDLE not yet */
	u32 csb_write; /* last CSB entry written; 7 = none since reset */
	/*
	 * The ELSP write the guest sees running: its number (a workload of
	 * an older one was preempted), its elements, the one running.
	 */
	u32 seq;
	u64 run_desc[2];
	u32 run_cur;
	u32 epoch; /* engine resets: a workload of an older epoch is stale */
};

struct execlist_stats {
	u64 elsp_submits; /* accepted four-dword ELSP writes */
	u64 elsp_rejected; /* garbage descriptors */
	u64 elsp_ignored; /* while in failsafe or being reset */
	u64 workloads_done;
	u64 workloads_failed; /* rejected when prepared: scan, context, PPGTT */
	u64 workloads_dropped; /* by reset or failsafe, never run */
	u64 workloads_stale; /* ran, but the engine was reset meanwhile */
	u64 csb_events;
	u64 gpu_errors; /* the GPU stopped one with a fault or hang */
};

/* The context image a descriptor names, and dword @dword of its state. */
static inline u64 execlist_desc_lrca(u64 desc)
{
	return desc & GEN8_CTX_LRCA_MASK;
}

static inline u64 execlist_ctx_reg_gm(u64 desc, u32 dword)
{
	return execlist_desc_lrca(desc) + LRC_STATE_OFFSET + dword * 4;
}

u32 execlist_engine_base(u32 engine);
/* Engine index of MMIO engine base @base, or -1 if not emulated. */
int execlist_engine_of(u32 base);
/* GT bank and shift of an engine's interrupt bits. */
u32 execlist_irq_bank(u32 engine);
u32 execlist_irq_shift(u32 engine);

/*
 * Power-on virtual execlist state of every engine, nothing of the vGPU's
 * queued or on the GPU any more.  Caller holds vgpu->lock or owns vgpu.
 */
void execlist_vgpu_reset(struct vgpu *vgpu);

/*
 * The guest reset the engines of GEN6_GDRST reset domains @domains (all
 * of them for GEN6_GRDOM_FULL): each one's queued work dropped, its
 * execlist state back to what hardware has after a reset.  Never waits
 * for the GPU.  Trap path: caller holds vgpu->lock.
 */
void execlist_reset_domains(struct vgpu *vgpu, u32 domains);

/*
 * Whether a workload of @elem was cut off by an engine reset since it
 * was submitted (nothing of it may reach the guest).  vgpu->lock.
 */
bool execlist_elem_stale(const struct vgpu *vgpu, u32 engine,
			 const struct execlist_elem *elem);

/*
 * PV submission (pv.c): descriptors @desc0 and @desc1 (0: none) checked
 * as an ELSP write's elements and queued the same way, but the virtual
 * execlist (CSB, running ELSP) is left alone and their completions raise
 * only the user interrupt.  0; -EINVAL for a bad descriptor (nothing
 * queued, the vGPU goes on); -EFAULT if a workload was refused when
 * prepared (failsafe, as for ELSP); -ENOSPC if the queue is full; -EBUSY
 * in failsafe or while being reset.  Trap path: caller holds vgpu->lock.
 */
int execlist_submit_pv(struct vgpu *vgpu, u32 engine, u64 desc0, u64 desc1);

/* Register-table hooks (engine registers); caller holds vgpu->lock. */
void execlist_elsp_write(struct vgpu *vgpu, u32 offset, u32 old);
void execlist_hws_pga_write(struct vgpu *vgpu, u32 offset, u32 old);
void execlist_csb_ptr_write(struct vgpu *vgpu, u32 offset, u32 old);
u32 execlist_timestamp_read(struct vgpu *vgpu, u32 offset);

/*
 * Workload @elem of @engine (not stale) has completed on the GPU (its
 * context image is written back): post the completion to the guest's CSB
 * and raise the context-switch interrupt, unless its ELSP write was
 * preempted since; the user interrupt if @user_irq.  Called by workload.c
 * with vgpu->lock held.
 */
void execlist_complete(struct vgpu *vgpu, u32 engine,
		       const struct execlist_elem *elem, bool user_irq);

#endif /* XENGT_EXECLIST_H */
