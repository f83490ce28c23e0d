/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Command scanner: before a workload reaches the GPU, every command in its
 * ring slice and in every batch buffer it starts (chained and 2nd-level,
 * bounded in depth, count and length) is copied into host pages the core
 * owns, decoded there and audited:
 *  - each graphics address must lie in the vGPU's GGTT partition (GGTT
 *    accesses) or be mapped by its shadow PPGTT (PPGTT accesses);
 *  - register loads and stores (LRI, SRM, LRR) only touch per-context
 *    registers of a whitelist;
 *  - commands the scanner does not know, and privileged ones, are
 *    rejected.
 * A rejection says why in @reason (for the admin: failsafe_reason).
 *
 * Why copies: the guest owns its ring and batches and (with a second vCPU,
 * or through the GPU itself: a batch may store into its own later part)
 * can change them between the scan and the execution.  So the GPU executes
 * only the copies the scanner read (as GVT-g does): the shadow ring slice
 * and shadow batches live in the core's graphics memory (core_gm.h), every
 * MI_BATCH_BUFFER_START in them is patched to the shadow of its target,
 * and nothing the GPU fetches as a command is guest memory.
 *
 * Every copy is mapped in the GGTT, so the GPU fetches every batch as a
 * privileged (GGTT) one.  A batch the guest started through its PPGTT is
 * non-privileged on hardware: there the "use GGTT" bits of its commands
 * are ignored.  The scanner audited it with exactly those rules, and it
 * clears those bits in the copy, so the copy means on the GPU what the
 * scanner checked; commands only a privileged batch may use (LRI) are
 * rejected in it as before.
 */
#ifndef XENGT_CMD_PARSER_H
#define XENGT_CMD_PARSER_H

#include "os.h"
#include "gpu.h"

struct vgpu;
struct ppgtt_mm;

/*
 * The cost of scanning one workload is bounded, whatever the guest
 * builds; past any bound the workload is rejected (its vGPU failsafe'd):
 *   - CMD_MAX_DWORDS dwords sized, copied and decoded (each at most once
 *     per pass), in at most CMD_MAX_BATCHES batches, CMD_MAX_DEPTH deep;
 *   - CMD_SHADOW_MAX_PAGES host pages copied;
 *   - CMD_MAX_TRANSLATIONS page translations for the range checks of
 *     PPGTT writes (a blit costs one per page of every row it touches).
 * So the worst case is about CMD_MAX_DWORDS * (size + copy + decode) +
 * CMD_MAX_TRANSLATIONS * ppgtt_translate(); `make bench` measures it
 * ("scan worst_ms").  The scan holds only its own vGPU's locks.
 */
#define CMD_MAX_DWORDS (256U * 1024U) /* copied and scanned per workload */
#define CMD_MAX_BATCHES 64U /* MI_BATCH_BUFFER_STARTs per workload */
#define CMD_MAX_DEPTH 2U /* ring -> 1st level -> 2nd level */
/* A 4096x4096 32-bit surface (16K translations) fits several times. */
#define CMD_MAX_TRANSLATIONS (64U * 1024U)
/*
 * Host pages the shadow copies of one workload may take: the dword budget
 * (256 pages) plus room for the partial first and last pages of a few
 * dozen small batches; a workload that needs more is rejected.
 */
#define CMD_SHADOW_MAX_PAGES 320U
#define CMD_SHADOW_MAX_BUFS (CMD_MAX_BATCHES + 1U) /* ring + batches */
/*
 * Shadow-command pages one vGPU may hold at once over all its queued and
 * running workloads: two of the largest per engine.  Workloads are scanned
 * (and copied) when the guest submits them, so a guest that queues more
 * than that is refused; the core's graphics memory is sized so that every
 * vGPU can hold its quota at the same time (gvt.h).
 */
#define CMD_SHADOW_VGPU_QUOTA (2U * XENGT_NR_ENGINES * CMD_SHADOW_MAX_PAGES)

struct cmd_workload {
	u32 engine;
	struct ppgtt_mm *mm; /* the context's PPGTT */
	u64 ring_start; /* GGTT */
	u32 ring_size;
	u32 head, tail; /* byte offsets in the ring */
	/*
	 * Out, on success: the shadow ring the GPU executes instead, a ring
	 * of shadow_ring_size bytes at GGTT shadow_ring holding the guest's
	 * slice [head, tail) at [0, shadow_tail).
	 */
	u64 shadow_ring;
	u32 shadow_ring_size;
	u32 shadow_tail;
};

/* One copy: the ring slice or one batch (from its start to its end). */
struct cmd_shadow_buf {
	u64 gm; /* graphics address of its first page */
	u64 guest; /* the guest's address of its first byte (batch) */
	u32 first; /* its first page in cmd_shadow.cpu[] */
	u32 nr_pages;
	u32 off; /* offset of the copy in its first page */
	u32 len; /* bytes copied */
};

/*
 * The shadow copies of one workload: owned by the caller of cmd_scan()
 * (one per vGPU and engine), kept until the GPU is done with the workload,
 * then released with cmd_shadow_release().  One per workload.
 */
struct cmd_shadow {
	u32 nr_pages, nr_bufs;
	struct cmd_shadow_buf buf[CMD_SHADOW_MAX_BUFS];
	void *cpu[CMD_SHADOW_MAX_PAGES];
	u64 dma[CMD_SHADOW_MAX_PAGES];
};

/*
 * One-page shadow copies (a ring slice, a small batch: nearly every
 * workload) go back to a small per-vGPU cache when released, still mapped
 * in the core's graphics memory, and the next workload of that vGPU takes
 * them from there: no allocator lock, no GGTT write on the common path.
 * Cached pages count against the vGPU's quota, so the core's graphics
 * memory is still never overcommitted.  Under vgpu->lock.
 */
#define CMD_SHADOW_CACHE_PAGES 8U

struct cmd_shadow_cache {
	u32 nr;
	struct cmd_shadow_page {
		void *cpu;
		u64 dma, gm;
	} page[CMD_SHADOW_CACHE_PAGES];
};

struct cmd_stats {
	u64 scanned_dwords;
	u64 batches;
	u64 translations; /* page translations of range checks */
	u64 rejected;
	u64 shadow_bytes; /* copied into shadow rings and batches */
	u64 shadow_pages; /* host pages those copies took */
	u32 shadow_pages_now; /* held by this vGPU right now */
};

/*
 * Copy and scan @w for @vgpu into @sh (empty: fresh or released).  Returns
 * 0 with w->shadow_* set, or -EACCES / -EFAULT / -E2BIG / -EINVAL /
 * -ENOMEM with @reason filled.  Either way @sh may hold pages: the caller
 * releases it.  Caller holds vgpu->lock; the PPGTT is in sync.
 */
int cmd_scan(struct vgpu *vgpu, struct cmd_workload *w, struct cmd_shadow *sh,
	     char *reason, u32 reason_len);
/*
 * Unmap and free every copy of @sh; the GPU must be done with them (the
 * workload completed or was never submitted).  Caller holds vgpu->lock or
 * owns the vGPU (reset, destroy).
 */
void cmd_shadow_release(struct vgpu *vgpu, struct cmd_shadow *sh);
/* Free the vGPU's cached shadow pages.  Same callers as above. */
void cmd_shadow_cache_drain(struct vgpu *vgpu);

/* True if a register write (LRI, LRR destination) to @reg is allowed. */
bool cmd_reg_writable(u32 engine, u32 reg);
/* True if a register read (SRM, LRR source) of @reg is allowed. */
bool cmd_reg_readable(u32 engine, u32 reg);

#endif /* XENGT_CMD_PARSER_H */
