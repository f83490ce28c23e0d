/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Virtual execlists: ELSP / CSB per engine of a vGPU, and the physical
 * submission of shadow contexts.
 *
 * Guest side (Gen9 as i915 6.1 drives it): four dword writes to
 * RING_ELSP (element 1 hi, lo, element 0 hi, lo) submit up to two context
 * descriptors; context-status events go to the CSB in the guest's hardware
 * status page (GGTT address from its RING_HWS_PGA), dwords 0x10.., with the
 * write pointer at dword 0x1f, and to the CSB registers.  Each valid
 * element becomes a queued workload; the scheduler runs it later.
 *
 * Physical side: the core gives each (vGPU, engine) a shadow context in
 * host pages mapped in its own graphics memory (core_gm.h), tags its
 * descriptor with the vGPU id (context ID bits 31:24) and submits it alone
 * in element 0.  The shadow context's ring is the scanner's shadow ring
 * (cmd_parser.h), never the guest's: the GPU fetches no command from guest
 * memory.  The guest's context image gets its ring head back as if its
 * own ring had run (head = tail).
 */
#ifndef XENGT_EXECLIST_H
#define XENGT_EXECLIST_H

#include "os.h"
#include "gen9.h"
#include "cmd_parser.h"

struct vgpu;
struct xengt_gvt;

enum xengt_engine { XENGT_RCS, XENGT_BCS, XENGT_NR_ENGINES };

/* Queued guest submissions per (vGPU, engine); more is a guest bug. */
#define EXECLIST_QUEUE_LEN 256
/* Pages of a context the core shadows: PPHWSP + register state. */
#define EXECLIST_CTX_PAGES GEN9_LRC_PAGES_XCS

struct execlist_elem {
	u64 desc; /* the guest's descriptor */
	u32 ring_tail; /* CTX_RING_TAIL when it was submitted */
};

struct vgpu_execlist {
	u32 elsp[4]; /* dwords written so far to ELSP, in write order */
	u32 elsp_count;
	/* Queue, protected by gvt->sched.qlock. */
	struct execlist_elem queue[EXECLIST_QUEUE_LEN];
	u32 q_head, q_count;
	/* Virtual engine state, under vgpu->lock. */
	bool active; /* IDLE_TO_ACTIVE sent, ACTIVE_TO_IDLE not yet */
	u32 csb_write; /* last CSB entry written; 7 = none since reset */
	/* Shadow context: host pages, mapped at shadow_gm in the GGTT. */
	void *ctx_cpu[EXECLIST_CTX_PAGES];
	u64 ctx_dma[EXECLIST_CTX_PAGES];
	u64 shadow_gm;
	/*
	 * Shadow ring and batches of the workload being prepared or on the
	 * GPU (allocated with the shadow context), and the guest ring it
	 * came from, for the write-back.  Under vgpu->lock.
	 */
	struct cmd_shadow *cmds;
	u32 ring_head, ring_size;
};

struct execlist_stats {
	u64 elsp_submits; /* accepted four-dword ELSP writes */
	u64 elsp_rejected; /* garbage descriptors */
	u64 elsp_ignored; /* while in failsafe */
	u64 workloads_done;
	u64 workloads_failed; /* rejected at dispatch: scan, context, PPGTT */
	u64 workloads_dropped; /* by reset or failsafe, never run */
	u64 csb_events;
	u64 gpu_hangs; /* no completion event from the physical GPU */
};

/* The physical engines as the core drives them, in struct xengt_gvt. */
struct execlist_pengine {
	void *hwsp_cpu; /* physical hardware status page (host page) */
	u64 hwsp_dma;
	u64 hwsp_gm; /* where it is mapped in the core's graphics memory */
	u32 csb_read; /* last physical CSB entry consumed */
	u32 irq_pending; /* per-engine IIR bits from xengt_gvt_irq() */
	u64 submits;
};

u32 execlist_engine_base(u32 engine);
/* Engine index of MMIO engine base @base, or -1 if not emulated. */
int execlist_engine_of(u32 base);
/* GGTT bank and shift of an engine's interrupt bits. */
u32 execlist_irq_bank(u32 engine);
u32 execlist_irq_shift(u32 engine);

/* Power-on virtual execlist state.  Caller holds vgpu->lock or owns vgpu. */
void execlist_vgpu_reset(struct vgpu *vgpu);
/*
 * Free the shadow contexts and any shadow commands left.  No workload of
 * @vgpu may be in flight: caller holds gvt->sched.lock (reset, destroy).
 */
void execlist_vgpu_fini(struct vgpu *vgpu);

/* Register-table hooks (engine registers); caller holds vgpu->lock. */
void execlist_elsp_write(struct vgpu *vgpu, u32 offset, u32 old);
void execlist_hws_pga_write(struct vgpu *vgpu, u32 offset, u32 old);
void execlist_csb_ptr_write(struct vgpu *vgpu, u32 offset, u32 old);
u32 execlist_timestamp_read(struct vgpu *vgpu, u32 offset);

/*
 * Run one queued element of @vgpu on @engine on the physical GPU: shadow
 * the context, sync the PPGTT, scan, submit, wait, write back, interrupt.
 * Returns the GPU ticks it took (0 if rejected or nothing to do).
 * Scheduler only: caller holds gvt->sched.lock and vgpu->lock.
 */
u64 execlist_run(struct vgpu *vgpu, u32 engine,
		 const struct execlist_elem *elem);

/* Release the core's physical engine state.  All vGPUs are gone. */
void execlist_gvt_fini(struct xengt_gvt *gvt);

#endif /* XENGT_EXECLIST_H */
