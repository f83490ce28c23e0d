/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Graphics address spaces of the software GPU: the GGTT and a context's
 * 4-level 48-bit PPGTT, and memory accesses through them on behalf of one
 * requester domain (every frame touched is recorded with its owner).
 */
#ifndef XENGT_SIM_MEM_H
#define XENGT_SIM_MEM_H

#include "os.h"

struct sim_gpu;

enum sim_space {
	SIM_GGTT,
	SIM_PPGTT,
};

/*
 * Why the GPU touches a frame, recorded with every access (sim_gpu.h):
 * the isolation check needs it.  The GVT core's own frames (shadow page
 * tables, shadow contexts, the scanned copies of rings and batches, the
 * engines' status pages) are host frames, and the GPU reaches them for a
 * vGPU all the time through its own machinery.  What a command's operands
 * address, though, is the guest's to choose, and must only ever be the
 * guest's memory: such an access landing on a host frame is an escape.
 *
 * SIM_ACC_DATA is 0 so that an access nobody classified is held to the
 * strict rule.
 */
enum sim_access {
	/* A command's operand: store, post-sync write, blit, SRM. */
	SIM_ACC_DATA,
	/* Command fetch: the ring and the batch buffers it starts. */
	SIM_ACC_FETCH,
	/* A PPGTT page-table entry read by the walker. */
	SIM_ACC_WALK,
	/*
	 * The running context's own image: restore, save, and store-index
	 * writes, which the hardware places in the context's per-process
	 * HWSP whatever the command says (offset within that one page).
	 */
	SIM_ACC_CTX,
	/* The engine's status page (RING_HWS_PGA): CSB entries. */
	SIM_ACC_STATUS,
	SIM_ACC_KINDS,
};

#define SIM_TLB_SIZE 64 /* direct mapped, flushed at every context restore */

struct sim_tlb_entry {
	u64 vpn; /* ~0 = invalid */
	u8 *frame;
	u16 owner;
	bool rw;
};

/* What one context run may reach, and who asks. */
struct sim_as {
	struct sim_gpu *g;
	u16 requester;
	bool has_ppgtt;
	u64 pml4; /* DMA address of the PML4 page */
	struct sim_tlb_entry tlb[SIM_TLB_SIZE];
	/* The last fault: graphics address, space, -EFAULT or -EPERM. */
	u64 fault_addr;
	enum sim_space fault_space;
	int fault_err;
};

void sim_as_init(struct sim_as *as, struct sim_gpu *g, u16 requester,
		 bool has_ppgtt, u64 pml4);

/*
 * Walk the 4-level PPGTT rooted at DMA address @pml4 for @va (48 bits).
 * Every table entry read is recorded as an access (SIM_ACC_WALK) of
 * @requester.  Returns 0
 * with the DMA address in *pa, -EFAULT for a not-present entry (or no
 * memory behind a table, a huge-page entry, @va above 48 bits), -EPERM for
 * a write through an entry without GEN8_PAGE_RW.  Touches nothing else.
 */
int sim_ppgtt_walk(struct sim_gpu *g, u16 requester, u64 pml4, u64 va,
		   bool write, u64 *pa);

/*
 * The 4 KiB frame behind graphics page @addr of @space, recording one
 * access of kind @kind; NULL on a fault (recorded in @as, counted in the
 * GPU stats).  Callers: the engine and command streamer (exec_lock held).
 */
u8 *sim_as_page(struct sim_as *as, enum sim_access kind, enum sim_space space,
		u64 addr, bool write);

/*
 * Copy @len bytes from/to graphics memory, each page recorded as an access
 * of kind @kind.  Stops at the first page that faults (nothing of it is
 * touched) and returns its error; 0 when done.  Same callers.
 */
int sim_as_read(struct sim_as *as, enum sim_access kind, enum sim_space space,
		u64 addr, void *buf, u32 len);
int sim_as_write(struct sim_as *as, enum sim_access kind, enum sim_space space,
		 u64 addr, const void *buf, u32 len);

#endif /* XENGT_SIM_MEM_H */
