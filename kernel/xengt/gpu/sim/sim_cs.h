/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The command streamer of the software GPU: executes a ring slice and the
 * batch buffers it starts, on behalf of one context.
 *
 * Commands (Gen8/9 encodings, gen9.h):
 *   MI_NOOP, MI_ARB_CHECK, MI_ARB_ON_OFF     no-ops
 *   MI_USER_INTERRUPT                        user interrupt at completion
 *   MI_BATCH_BUFFER_START (GGTT or PPGTT per bit 8; bit 22 = 2nd level)
 *   MI_BATCH_BUFFER_END                      return one level
 *   MI_STORE_DATA_IMM (dword or more)        "use GGTT" bit 22
 *   MI_LOAD_REGISTER_IMM                     privileged only
 *   MI_STORE_REGISTER_MEM                    "use GGTT" bit 22
 *   MI_FLUSH_DW with post-sync store dword   not on RCS
 *   PIPE_CONTROL with post-sync write        RCS only: immediate, timestamp,
 *                                            depth count (always 0)
 *   XY_COLOR_BLT, XY_SRC_COPY_BLT            BCS only, linear, 8/16/32 bpp,
 *                                            ROP PATCOPY / SRCCOPY
 *   other render-client commands (3D state)  RCS only, skipped by length
 * Anything else stops the context (RING_EIR instruction error).
 *
 * Privilege: the ring and GGTT batches are privileged; a PPGTT batch (and
 * everything it starts) is not: there "use GGTT" bits are ignored (the
 * PPGTT is used, as on hardware), batch starts stay in the PPGTT and
 * MI_LOAD_REGISTER_IMM stops the context.  Blits and stores without the
 * GGTT bit use the context's PPGTT.
 *
 * Cost model (ticks of the deterministic GPU clock):
 *   every command             SIM_TICKS_CMD + 1 per dword
 *   MI_BATCH_BUFFER_START     + SIM_TICKS_BB_START
 *   XY_COLOR_BLT              + bytes written / 64
 *   XY_SRC_COPY_BLT           + bytes copied / 32
 *   context restore + save    SIM_TICKS_CTX (sim_engine.c)
 */
#ifndef XENGT_SIM_CS_H
#define XENGT_SIM_CS_H

#include "os.h"
#include "sim_engine.h"

#define SIM_TICKS_CMD 2
#define SIM_TICKS_BB_START 16
#define SIM_TICKS_CTX 64
#define SIM_BLT_FILL_BYTES_PER_TICK 64
#define SIM_BLT_COPY_BYTES_PER_TICK 32

struct sim_cs_run {
	/* In: the ring, as the context image gives it (GGTT). */
	u64 ring_start;
	u32 ring_size;
	u32 head, tail;
	u64 max_ticks;
	u32 max_bb_starts;
	/* The context's per-process HWSP (its LRCA, GGTT): store-index writes. */
	u64 pphwsp;
	/* Out */
	u64 ticks;
	u32 bb_starts;
	u32 commands;
};

/*
 * Execute from @run->head to @run->tail on engine @e in @e->as.  Returns 0,
 * or the error that stopped the context (-EFAULT, -EPERM: memory fault;
 * -EINVAL: bad or unmodelled command; -ETIMEDOUT: watchdog) with
 * @e->error set.  A faulting access never touches memory.
 */
int sim_cs_execute(struct sim_engine *e, struct sim_cs_run *run);

#endif /* XENGT_SIM_CS_H */
