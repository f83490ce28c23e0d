/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Command scanner: before a workload reaches the GPU, every command in its
 * ring slice and in every batch buffer it starts (chained and 2nd-level,
 * bounded in depth, count and length) is decoded and audited:
 *  - each graphics address must lie in the vGPU's GGTT partition (GGTT
 *    accesses) or be mapped by its shadow PPGTT (PPGTT accesses);
 *  - register loads and stores (LRI, SRM, LRR) only touch per-context
 *    registers of a whitelist;
 *  - commands the scanner does not know, and privileged ones, are
 *    rejected.
 * A rejection says why in @reason (for the admin: failsafe_reason).
 */
#ifndef XENGT_CMD_PARSER_H
#define XENGT_CMD_PARSER_H

#include "os.h"

struct vgpu;
struct ppgtt_mm;

/* Bounds that make an endless chain or loop a rejection, not a hang. */
#define CMD_MAX_DWORDS (256U * 1024U) /* scanned per workload */
#define CMD_MAX_BATCHES 64U /* MI_BATCH_BUFFER_STARTs per workload */
#define CMD_MAX_DEPTH 2U /* ring -> 1st level -> 2nd level */

struct cmd_workload {
	u32 engine;
	struct ppgtt_mm *mm; /* the context's PPGTT */
	u64 ring_start; /* GGTT */
	u32 ring_size;
	u32 head, tail; /* byte offsets in the ring */
};

struct cmd_stats {
	u64 scanned_dwords;
	u64 batches;
	u64 rejected;
};

/*
 * Scan @w for @vgpu.  Returns 0, or -EACCES / -EFAULT / -E2BIG / -EINVAL
 * with @reason filled.  Caller holds vgpu->lock; the PPGTT is in sync.
 */
int cmd_scan(struct vgpu *vgpu, const struct cmd_workload *w, char *reason,
	     u32 reason_len);

/* True if a register write (LRI, LRR destination) to @reg is allowed. */
bool cmd_reg_writable(u32 engine, u32 reg);
/* True if a register read (SRM, LRR source) of @reg is allowed. */
bool cmd_reg_readable(u32 engine, u32 reg);

#endif /* XENGT_CMD_PARSER_H */
