/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Workload fixture: a guest's GPU objects built directly in its RAM with
 * gen9.h formats (contexts, rings, status pages, 4-level PPGTTs, batches),
 * submitted through its vGPU's ELSP, for the workload-path tests.
 * Page-table pages are written through the trapping path
 * (sim_vm_mmio_write), everything else directly.
 */
#ifndef XENGT_TEST_WL_H
#define XENGT_TEST_WL_H

#include "fixture.h"
#include "gen9.h"
#include "irq.h"

#define WL_RING_PAGES 4
#define WL_DATA_VA 0x100000000ULL /* PPGTT address of the data pages */

struct wl_ctx {
	u64 ctx_gm, ctx_gpa[EXECLIST_CTX_PAGES];
	u64 ring_gm, ring_gpa[WL_RING_PAGES];
	u64 hwsp_gm, hwsp_gpa;
	u32 tail;
	u32 id; /* context ID in the descriptor's upper dword */
};

struct wl_guest {
	struct world *w;
	struct world_vm *wv;
	struct vgpu *v;
	u64 next_gpa, next_gm;
	u64 pml4_gpa;
	struct wl_ctx ctx[XENGT_NR_ENGINES];
};

/*
 * RING_IMR as i915 6.1 leaves it with no waiter (execlists_resume():
 * ~irq_keep_mask, the engine's bits at its GT-bank position), and with
 * a waiter armed (~(irq_enable_mask | irq_keep_mask)).
 */
u32 wl_ring_imr_keep(u32 engine);
u32 wl_ring_imr_waiting(u32 engine);
/* Set up VM @i's guest objects for both engines, with its tag registered. */
void wl_init(struct wl_guest *g, struct world *w, u32 i);
/*
 * What the guest driver does after its vGPU was reset: its GGTT entries
 * (contexts, rings, status pages; a reset clears them), the engines'
 * status pages and run-list mode again, ring heads past what was
 * emitted.  Other GGTT entries and the PPGTT are the caller's.
 */
void wl_reinit(struct wl_guest *g);
/* cmocka fixtures: *state = a guest on a one-VM (xengt_8) world; freed. */
int wl_setup_one(void **state);
int wl_teardown(void **state);
u64 wl_page(struct wl_guest *g); /* a zeroed guest page */
u64 wl_map_ggtt(struct wl_guest *g, u64 gpa); /* next low GM page */
/* Map PPGTT @va to guest page @gpa (tables written through the trap). */
void wl_ppgtt_map(struct wl_guest *g, u64 va, u64 gpa);
/* Write a raw 64-bit entry into a guest page through the trap. */
void wl_pt_write(struct wl_guest *g, u64 gpa, u64 val);
u32 *wl_ram32(struct wl_guest *g, u64 gpa);
/* Append dwords to the engine's ring (qword-padded) and set its tail. */
void wl_emit(struct wl_guest *g, u32 engine, const u32 *dw, u32 n);
/*
 * Another context of @engine (image, ring; same PPGTT), id 0x200 + @n:
 * the engine's registers are left alone.
 */
void wl_ctx_new(struct wl_guest *g, u32 engine, struct wl_ctx *c, u32 n);
/* wl_emit() for any context of the guest. */
void wl_emit_ctx(struct wl_guest *g, struct wl_ctx *c, const u32 *dw, u32 n);
/* ELSP: element 0 = the engine's context, element 1 empty. */
void wl_submit(struct wl_guest *g, u32 engine);
void wl_elsp(struct wl_guest *g, u32 engine, u64 desc0, u64 desc1);
u64 wl_desc(const struct wl_ctx *c);
/* Last CSB event in the guest's status page (status dword). */
u32 wl_csb_last(struct wl_guest *g, u32 engine);
u32 wl_ctx_reg(struct wl_guest *g, u32 engine, u32 dword);
void wl_set_ctx_reg(struct wl_guest *g, u32 engine, u32 dword, u32 val);
/* MI_STORE_DATA_IMM of @val to PPGTT @va (4 dwords). */
void wl_sdi(u32 *cmd, u64 va, u32 val);
/* Physical submissions so far, all engines. */
u64 wl_phys_submits(struct world *w);
/* Sum of the GPU's foreign accesses (must stay 0). */
u64 wl_foreign(struct world *w);
/*
 * Command operands of a domain that landed on host frames, the core's own
 * memory (sim_gpu.h stats.host_escapes; must stay 0).
 */
u64 wl_host_escapes(struct world *w);

#endif /* XENGT_TEST_WL_H */
