// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The software GPU on its own: PPGTT walk, execlist submission, the
 * command streamer, faults, the watchdog, interrupts and access
 * attribution.  Memory is one domain's frames on a simulated machine; the
 * tests build contexts, rings, batches and page tables by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "sim.h"
#include "sim_gpu.h"
#include "sim_mem.h"
#include "gen9.h"

#define DOM 1
#define TAG 5
#define CTX_ID ((u32)TAG << 24 | 0x42)

struct tg {
	struct sim_machine m;
	struct sim_gpu g;
	struct sim_vm *vm;
	u64 next_gfn;
	u64 next_gm;
	u64 pml4; /* DMA address */
	/* One context per engine: image, ring, status page. */
	u64 img_gm[2], ring_gm[2], hwsp_gm[2];
	u32 *img[2], *ring[2], *hwsp[2];
	u32 tail[2];
	/*
	 * Contexts, rings, status pages and page tables made from now on are
	 * host frames, as the GVT core's shadows are (data pages stay the
	 * domain's).
	 */
	bool shadow;
};

static u8 *page_new(struct tg *t, u64 *dma)
{
	u64 gfn = t->next_gfn++;

	assert_true(gfn < t->vm->nr_pages);
	*dma = t->vm->p2m[gfn] << XENGT_PAGE_SHIFT;
	return sim_vm_ram(t->vm, gfn << XENGT_PAGE_SHIFT);
}

/* A host frame (the core's memory); its CPU view. */
static u8 *host_page(struct tg *t, u64 *dma)
{
	u64 pfn;
	u8 *p = t->m.bus.ops->alloc_host_frame(&t->m.bus, &pfn);

	assert_non_null(p);
	*dma = pfn << XENGT_PAGE_SHIFT;
	return p;
}

/* A page of the GPU's own structures: the domain's, or host (shadow). */
static u8 *struct_page(struct tg *t, u64 *dma)
{
	return t->shadow ? host_page(t, dma) : page_new(t, dma);
}

static u64 gm_map(struct tg *t, u64 dma)
{
	u64 gm = t->next_gm;

	t->g.ggtt[gm >> 12] = dma | GEN8_PTE_PRESENT;
	t->next_gm += XENGT_PAGE_SIZE;
	return gm;
}

static u8 *gm_page(struct tg *t, u64 *gm)
{
	u64 dma;
	u8 *p = struct_page(t, &dma);

	*gm = gm_map(t, dma);
	return p;
}

static u8 *dma_ptr(struct tg *t, u64 dma)
{
	u16 owner;

	return t->m.bus.ops->frame(&t->m.bus, dma >> 12, &owner) +
	       (dma & 0xfff);
}

/* Map @va -> @dma in the test PPGTT, creating tables. */
static void pp_map(struct tg *t, u64 va, u64 dma, bool rw)
{
	static const int shifts[4] = { 39, 30, 21, 12 };
	u64 table = t->pml4;
	int l;

	for (l = 0; l < 3; l++) {
		u64 *e =
			(u64 *)dma_ptr(t, table) + GEN8_PT_INDEX(va, shifts[l]);

		if (!(*e & GEN8_PAGE_PRESENT)) {
			u64 next;

			struct_page(t, &next);
			*e = next | GEN8_PAGE_PRESENT | GEN8_PAGE_RW;
		}
		table = *e & GEN9_PPGTT_ADDR_MASK;
	}
	((u64 *)dma_ptr(t, table))[GEN8_PT_INDEX(va, 12)] =
		dma | GEN8_PAGE_PRESENT | (rw ? GEN8_PAGE_RW : 0);
}

/* A fresh data page mapped at @va; returns its CPU view. */
static u32 *pp_page(struct tg *t, u64 va, bool rw)
{
	u64 dma;
	u32 *p = (u32 *)page_new(t, &dma);

	pp_map(t, va, dma, rw);
	return p;
}

static u32 engine_base(int e)
{
	return e ? GEN9_BCS_BASE : GEN9_RCS_BASE;
}

static void ctx_setup(struct tg *t, int e)
{
	u64 gm0, gm1;
	u32 *state;

	gm_page(t, &gm0); /* PPHWSP */
	state = (u32 *)gm_page(t, &gm1);
	assert_int_equal(gm1, gm0 + 4096);
	t->img_gm[e] = gm0;
	t->img[e] = state;
	t->ring[e] = (u32 *)gm_page(t, &t->ring_gm[e]);
	t->hwsp[e] = (u32 *)gm_page(t, &t->hwsp_gm[e]);
	state[CTX_RING_START] = t->ring_gm[e];
	state[CTX_RING_CTL] = RING_CTL_SIZE(4096) | RING_VALID;
	state[CTX_PDP0_UDW] = t->pml4 >> 32;
	state[CTX_PDP0_LDW] = (u32)t->pml4;
	sim_gpu_reg_write(&t->g, engine_base(e) + RING_HWS_PGA, t->hwsp_gm[e]);
}

static int setup(void **state)
{
	struct tg *t = calloc(1, sizeof(*t));

	assert_int_equal(sim_machine_init(&t->m, 4096, 7), 0);
	assert_int_equal(sim_vm_create(&t->m, DOM, XENGT_MB(8), &t->vm), 0);
	assert_int_equal(sim_gpu_init(&t->g, &t->m.bus), 0);
	sim_gpu_set_tag_owner(&t->g, TAG, DOM);
	t->next_gm = 0x100000;
	page_new(t, &t->pml4);
	ctx_setup(t, 0);
	ctx_setup(t, 1);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tg *t = *state;

	sim_gpu_fini(&t->g);
	sim_vm_destroy(t->vm);
	sim_machine_fini(&t->m);
	free(t);
	return 0;
}

static void emit(struct tg *t, int e, const u32 *cs, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		t->ring[e][t->tail[e] / 4] = cs[i];
		t->tail[e] = (t->tail[e] + 4) % 4096;
	}
}

static void elsp(struct tg *t, int e, u64 desc0)
{
	u32 base = engine_base(e);

	sim_gpu_reg_write(&t->g, base + RING_ELSP, 0);
	sim_gpu_reg_write(&t->g, base + RING_ELSP, 0);
	sim_gpu_reg_write(&t->g, base + RING_ELSP, desc0 >> 32);
	sim_gpu_reg_write(&t->g, base + RING_ELSP, (u32)desc0);
}

static u64 desc_of(struct tg *t, int e, u32 ctx_id)
{
	return (u64)ctx_id << 32 | t->img_gm[e] | 3 << 3 | GEN8_CTX_PRIVILEGE |
	       GEN8_CTX_VALID;
}

/* Submit what is in the ring up to the tail; returns the engine error. */
static int run(struct tg *t, int e, u32 ctx_id)
{
	t->img[e][CTX_RING_TAIL] = t->tail[e];
	t->g.engines[e].last_err = 0;
	elsp(t, e, desc_of(t, e, ctx_id));
	return t->g.engines[e].last_err;
}

/* Ring: start the PPGTT batch at @va. */
static void emit_bb(struct tg *t, int e, u64 va, bool ppgtt)
{
	u32 cs[4] = { MI_BATCH_BUFFER_START_GEN8 | (ppgtt ? MI_BATCH_PPGTT : 0),
		      (u32)va, (u32)(va >> 32), MI_NOOP };

	emit(t, e, cs, 4);
}

static void test_ppgtt_walk(void **state)
{
	struct tg *t = *state;
	u64 va = 0x0000123456789000ULL, dma, pa;
	u64 before;

	page_new(t, &dma);
	pp_map(t, va, dma, false);
	before = t->g.stats.accesses;
	assert_int_equal(
		sim_ppgtt_walk(&t->g, DOM, t->pml4, va + 0x10, false, &pa), 0);
	assert_int_equal(pa, dma + 0x10);
	/* One recorded access per level, all of the domain's own frames. */
	assert_int_equal(t->g.stats.accesses - before, 4);
	assert_int_equal(t->g.stats.foreign, 0);
	assert_int_equal(sim_ppgtt_walk(&t->g, DOM, t->pml4, va, true, &pa),
			 -EPERM);
	assert_int_equal(
		sim_ppgtt_walk(&t->g, DOM, t->pml4, va + 4096, false, &pa),
		-EFAULT);
	assert_int_equal(
		sim_ppgtt_walk(&t->g, DOM, t->pml4, 1ULL << 48, false, &pa),
		-EFAULT);
	/* Another PML4 slot: not present at the top level. */
	assert_int_equal(sim_ppgtt_walk(&t->g, DOM, t->pml4,
					0x0000800000000000ULL >> 1, false, &pa),
			 -EFAULT);
	/* A requester walking tables it does not own counts as foreign. */
	assert_int_equal(sim_ppgtt_walk(&t->g, 9, t->pml4, va, false, &pa), 0);
	assert_int_equal(t->g.stats.foreign, 4);
}

static void test_store_and_csb(void **state)
{
	struct tg *t = *state;
	u32 *data = pp_page(t, 0x100000000ULL, true);
	u32 *batch = pp_page(t, 0x200000, false);
	struct sim_engine *e = &t->g.engines[SIM_RCS];
	u32 pc[6] = { GFX_OP_PIPE_CONTROL(6),
		      PIPE_CONTROL_WRITE_IMMEDIATE |
			      PIPE_CONTROL_GLOBAL_GTT_IVB,
		      (u32)t->hwsp_gm[0] + 0x100,
		      0,
		      77,
		      0 };
	u32 ui = MI_USER_INTERRUPT;
	u32 i;

	for (i = 0; i < 16; i++) {
		batch[4 * i] = MI_STORE_DWORD_IMM_GEN4;
		batch[4 * i + 1] = 0x100 * i; /* low dword of 0x1_0000_0000 + */
		batch[4 * i + 2] = 1;
		batch[4 * i + 3] = 0xabc00 + i;
	}
	batch[64] = MI_BATCH_BUFFER_END;
	/* Unmask interrupts so the IIR latches them. */
	sim_gpu_reg_write(&t->g, GEN8_GT_IMR(0), 0);
	emit_bb(t, 0, 0x200000, true);
	emit(t, 0, pc, 6);
	emit(t, 0, &ui, 1);
	emit(t, 0, (u32[]){ MI_NOOP }, 1);
	assert_int_equal(run(t, 0, CTX_ID), 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(data[0x40 * i], 0xabc00 + i);
	assert_int_equal(t->hwsp[0][0x40], 77);
	/* CSB: idle->active then complete|active->idle, in entries 0 and 1. */
	assert_int_equal(t->hwsp[0][I915_HWS_CSB_BUF0_INDEX],
			 GEN8_CTX_STATUS_IDLE_ACTIVE);
	assert_int_equal(t->hwsp[0][I915_HWS_CSB_BUF0_INDEX + 1], CTX_ID);
	assert_int_equal(t->hwsp[0][I915_HWS_CSB_BUF0_INDEX + 2],
			 GEN8_CTX_STATUS_COMPLETE |
				 GEN8_CTX_STATUS_ACTIVE_IDLE);
	assert_int_equal(t->hwsp[0][I915_HWS_CSB_BUF0_INDEX + 3], CTX_ID);
	assert_int_equal(t->hwsp[0][I915_HWS_CSB_WRITE_INDEX], 1);
	assert_int_equal(
		sim_gpu_reg_read(&t->g,
				 GEN9_RCS_BASE + RING_CONTEXT_STATUS_PTR) &
			GEN8_CSB_WRITE_PTR_MASK,
		1);
	assert_int_equal(
		sim_gpu_reg_read(&t->g,
				 GEN9_RCS_BASE + RING_CONTEXT_STATUS_BUF_LO(1)),
		0x18);
	/* Context image saved: ring consumed, run time accumulated. */
	assert_int_equal(t->img[0][CTX_RING_HEAD], t->tail[0]);
	assert_true(t->img[0][CTX_TIMESTAMP] > 0);
	assert_true(sim_gpu_reg_read(&t->g, GEN9_RCS_BASE + RING_TIMESTAMP) >=
		    t->img[0][CTX_TIMESTAMP]);
	/* Interrupts: context switch and user interrupt in RCS's bits. */
	assert_int_equal(sim_gpu_reg_read(&t->g, GEN8_GT_IIR(0)),
			 GT_CONTEXT_SWITCH_INTERRUPT |
				 GT_RENDER_USER_INTERRUPT);
	assert_int_equal(sim_gpu_reg_read(&t->g, GEN8_MASTER_IRQ), 0);
	sim_gpu_reg_write(&t->g, GEN8_GT_IER(0), GT_CONTEXT_SWITCH_INTERRUPT);
	sim_gpu_reg_write(&t->g, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	assert_int_equal(sim_gpu_reg_read(&t->g, GEN8_MASTER_IRQ),
			 GEN8_MASTER_IRQ_CONTROL | GEN8_GT_RCS_IRQ);
	sim_gpu_reg_write(&t->g, GEN8_GT_IIR(0), GT_CONTEXT_SWITCH_INTERRUPT);
	assert_int_equal(sim_gpu_reg_read(&t->g, GEN8_GT_IIR(0)),
			 GT_RENDER_USER_INTERRUPT);
	assert_int_equal(e->stats.contexts, 1);
	assert_int_equal(e->stats.user_interrupts, 1);
	/* Everything touched was the domain's own. */
	assert_int_equal(t->g.stats.foreign, 0);
	assert_true(t->g.stats.by_requester[DOM] > 0);
	assert_true(t->g.stats.ticks_by_requester[DOM] > 0);
}

static void test_fault_touches_nothing(void **state)
{
	struct tg *t = *state;
	u32 *data = pp_page(t, 0x300000, true);
	u32 *batch = pp_page(t, 0x200000, false);
	struct sim_engine *e = &t->g.engines[SIM_RCS];
	u32 i;

	/* Store to a mapped page, then to an unmapped one, then mapped. */
	u64 targets[3] = { 0x300000, 0x400000, 0x300004 };

	for (i = 0; i < 3; i++) {
		batch[4 * i] = MI_STORE_DWORD_IMM_GEN4;
		batch[4 * i + 1] = (u32)targets[i];
		batch[4 * i + 2] = 0;
		batch[4 * i + 3] = 0x55 + i;
	}
	batch[12] = MI_BATCH_BUFFER_END;
	emit_bb(t, 0, 0x200000, true);
	assert_int_equal(run(t, 0, CTX_ID), -EFAULT);
	assert_int_equal(data[0], 0x55);
	assert_int_equal(data[1], 0); /* stopped before the third store */
	assert_int_equal(e->stats.faults, 1);
	assert_true(sim_gpu_reg_read(&t->g, GEN9_RCS_BASE + RING_EIR) &
		    I915_ERROR_PAGE_TABLE);
	assert_non_null(strstr(e->error, "MI_STORE_DATA_IMM fault"));
	/* Still reported complete, ring consumed: the driver can go on. */
	assert_int_equal(t->hwsp[0][I915_HWS_CSB_BUF0_INDEX + 2], 0x18);
	assert_int_equal(t->img[0][CTX_RING_HEAD], t->tail[0]);
	/* A write through a read-only PTE faults too (-EPERM). */
	batch[0] = MI_STORE_DWORD_IMM_GEN4;
	batch[1] = 0x200000;
	batch[2] = 0;
	batch[3] = 1;
	batch[4] = MI_BATCH_BUFFER_END;
	emit_bb(t, 0, 0x200000, true);
	assert_int_equal(run(t, 0, CTX_ID), -EPERM);
	assert_int_equal(batch[0], MI_STORE_DWORD_IMM_GEN4);
}

static void test_watchdog(void **state)
{
	struct tg *t = *state;
	u32 *batch = pp_page(t, 0x200000, false);
	u32 *data = pp_page(t, 0x300000, true);
	struct sim_engine *e = &t->g.engines[SIM_RCS];

	/* A batch that chains to itself forever. */
	batch[0] = MI_STORE_DWORD_IMM_GEN4;
	batch[1] = 0x300000;
	batch[2] = 0;
	batch[3] = 9;
	batch[4] = MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT;
	batch[5] = 0x200000;
	batch[6] = 0;
	emit_bb(t, 0, 0x200000, true);
	assert_int_equal(run(t, 0, CTX_ID), -ETIMEDOUT);
	assert_int_equal(e->stats.hangs, 1);
	assert_int_equal(data[0], 9);
	assert_int_equal(t->img[0][CTX_RING_HEAD], t->tail[0]);
	/* A batch without an end runs off into NOOPs: the tick budget. */
	sim_gpu_set_watchdog(&t->g, 100000, 0);
	batch[0] = MI_NOOP;
	batch[4] = MI_NOOP;
	batch[5] = MI_NOOP;
	emit_bb(t, 0, 0x200000, false); /* GGTT 0x200000: unmapped -> fault */
	assert_int_equal(run(t, 0, CTX_ID), -EFAULT);
	/* The engine still works afterwards. */
	batch[0] = MI_STORE_DWORD_IMM_GEN4;
	batch[3] = 10;
	batch[4] = MI_BATCH_BUFFER_END;
	emit_bb(t, 0, 0x200000, true);
	assert_int_equal(run(t, 0, CTX_ID), 0);
	assert_int_equal(data[0], 10);
}

static u32 pixel(u32 x, u32 y)
{
	return x * 7919 + y * 104729 + 1;
}

static void test_blits(void **state)
{
	struct tg *t = *state;
	u32 *batch = pp_page(t, 0x200000, false);
	u32 *src[4], *dst[4];
	u32 x, y, n = 0;
	const u64 sva = 0x10000000, dva = 0x20000000;

	/* 1024 x 4 pixels of 32 bits: pitch 4096, one page per row. */
	for (y = 0; y < 4; y++) {
		src[y] = pp_page(t, sva + y * 4096, true);
		dst[y] = pp_page(t, dva + y * 4096, true);
		for (x = 0; x < 1024; x++)
			src[y][x] = pixel(x, y);
	}
	batch[n++] = XY_COLOR_BLT_CMD | BLT_WRITE_RGBA | 5;
	batch[n++] = BR13_DEPTH_32 | BLT_ROP_PATCOPY | 4096;
	batch[n++] = 0;
	batch[n++] = 4 << 16 | 1024;
	batch[n++] = (u32)dva;
	batch[n++] = 0;
	batch[n++] = 0xc0ffee;
	batch[n++] = XY_SRC_COPY_BLT_CMD | BLT_WRITE_RGBA | 8;
	batch[n++] = BR13_DEPTH_32 | BLT_ROP_SRCCOPY | 4096;
	batch[n++] = 1 << 16 | 1000; /* dst (1000, 1) */
	batch[n++] = 3 << 16 | 1024; /* .. (1024, 3): 24 x 2, across pages */
	batch[n++] = (u32)dva;
	batch[n++] = 0;
	batch[n++] = 2 << 16 | 5; /* src (5, 2) */
	batch[n++] = 4096;
	batch[n++] = (u32)sva;
	batch[n++] = 0;
	batch[n++] = MI_BATCH_BUFFER_END;
	emit_bb(t, 1, 0x200000, true);
	assert_int_equal(run(t, 1, CTX_ID), 0);
	for (y = 0; y < 4; y++)
		for (x = 0; x < 1024; x++) {
			u32 want = y >= 1 && y < 3 && x >= 1000 ?
					   pixel(5 + x - 1000, 2 + y - 1) :
					   0xc0ffee;

			assert_int_equal(dst[y][x], want);
		}
	/* Blits are refused on the render engine. */
	emit_bb(t, 0, 0x200000, true);
	assert_int_equal(run(t, 0, CTX_ID), -EINVAL);
	assert_non_null(strstr(t->g.engines[0].error, "non-blitter"));
}

static void test_privilege_and_registers(void **state)
{
	struct tg *t = *state;
	u32 *batch = pp_page(t, 0x200000, false);
	u32 *data = pp_page(t, 0x300000, true);
	u32 *bb2 = pp_page(t, 0x400000, false);
	u32 lri[4] = { MI_LOAD_REGISTER_IMM(1), 0x7000, 0x1234, MI_NOOP };
	u32 srm[4] = { MI_STORE_REGISTER_MEM_GEN8 | MI_SRM_LRM_GLOBAL_GTT,
		       0x7000, (u32)t->hwsp_gm[0] + 0x200, 0 };
	u32 bad[4] = { MI_LOAD_REGISTER_IMM(1), GEN9_RCS_BASE + RING_ELSP, 1,
		       MI_NOOP };

	/* From the ring (privileged): LRI lands, SRM reads it back. */
	emit(t, 0, lri, 4);
	emit(t, 0, srm, 4);
	assert_int_equal(run(t, 0, CTX_ID), 0);
	assert_int_equal(sim_gpu_reg_read(&t->g, 0x7000), 0x1234);
	assert_int_equal(t->hwsp[0][0x80], 0x1234);
	/* LRI may not submit. */
	emit(t, 0, bad, 4);
	assert_int_equal(run(t, 0, CTX_ID), -EINVAL);
	/* From a PPGTT batch (non-privileged): LRI stops the context. */
	memcpy(batch, lri, sizeof(lri));
	batch[3] = MI_BATCH_BUFFER_END;
	emit_bb(t, 0, 0x200000, true);
	assert_int_equal(run(t, 0, CTX_ID), -EINVAL);
	assert_non_null(strstr(t->g.engines[0].error, "non-privileged"));
	/*
	 * 2nd-level batch returns to the 1st level; in a non-privileged
	 * batch the "use GGTT" bit is ignored (the PPGTT is used).
	 */
	batch[0] = MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT |
		   MI_BATCH_2ND_LEVEL;
	batch[1] = 0x400000;
	batch[2] = 0;
	batch[3] = MI_STORE_DWORD_IMM_GEN4 | MI_USE_GGTT;
	batch[4] = 0x300008;
	batch[5] = 0;
	batch[6] = 0x77;
	batch[7] = MI_BATCH_BUFFER_END;
	bb2[0] = MI_STORE_DWORD_IMM_GEN4;
	bb2[1] = 0x300004;
	bb2[2] = 0;
	bb2[3] = 0x66;
	bb2[4] = MI_BATCH_BUFFER_END;
	emit_bb(t, 0, 0x200000, true);
	assert_int_equal(run(t, 0, CTX_ID), 0);
	assert_int_equal(data[1], 0x66);
	assert_int_equal(data[2], 0x77);
	/* MI_FLUSH_DW post-sync store on the blitter, not on render. */
	{
		u32 fl[4] = { MI_FLUSH_DW_GEN8 | MI_FLUSH_DW_OP_STOREDW,
			      ((u32)t->hwsp_gm[1] + 0x104) |
				      MI_FLUSH_DW_USE_GTT,
			      0, 0x99 };

		emit(t, 1, fl, 4);
		assert_int_equal(run(t, 1, CTX_ID), 0);
		assert_int_equal(t->hwsp[1][0x40], 0x99);
		emit(t, 0, fl, 4);
		assert_int_equal(run(t, 0, CTX_ID), -EINVAL);
	}
}

static void test_elsp_and_attribution(void **state)
{
	struct tg *t = *state;
	struct sim_engine *e = &t->g.engines[SIM_RCS];
	u32 *data = pp_page(t, 0x300000, true);
	u32 sdi[4] = { MI_STORE_DWORD_IMM_GEN4, 0x300000, 0, 5 };
	u32 wp = t->hwsp[0][I915_HWS_CSB_WRITE_INDEX];

	/* Element 0 not valid: refused, no CSB event. */
	elsp(t, 0, desc_of(t, 0, CTX_ID) & ~(u64)GEN8_CTX_VALID);
	assert_int_equal(e->stats.bad_elsp, 1);
	assert_int_equal(t->hwsp[0][I915_HWS_CSB_WRITE_INDEX], wp);
	/* Unsupported addressing mode: context refused, still completed. */
	emit(t, 0, sdi, 4);
	t->img[0][CTX_RING_TAIL] = t->tail[0];
	elsp(t, 0, desc_of(t, 0, CTX_ID) & ~(3ULL << 3));
	assert_int_equal(e->stats.bad_ctx, 1);
	assert_int_equal(data[0], 0);
	/* An unregistered tag: its accesses are nobody's, all foreign. */
	t->img[0][CTX_RING_HEAD] = 0;
	t->tail[0] = 0;
	emit(t, 0, sdi, 4);
	assert_int_equal(run(t, 0, 0x77000001), 0);
	assert_int_equal(data[0], 5);
	assert_true(t->g.stats.foreign > 0);
	/* VCS refuses an invalid element 0 like the others. */
	sim_gpu_reg_write(&t->g, GEN9_VCS_BASE + RING_ELSP, 0);
	sim_gpu_reg_write(&t->g, GEN9_VCS_BASE + RING_ELSP, 0);
	sim_gpu_reg_write(&t->g, GEN9_VCS_BASE + RING_ELSP, 0);
	sim_gpu_reg_write(&t->g, GEN9_VCS_BASE + RING_ELSP, 0x1000);
	assert_int_equal(t->g.engines[SIM_VCS].stats.bad_elsp, 1);
}

/*
 * A mediated context: image, ring, batch, status page and page tables are
 * host frames, as the core's shadows are.  Its walks, fetches, context
 * restore/save, store-index write and CSB writes touch host frames for
 * the domain and are not escapes; its stores to its own data are not
 * either.
 */
static void test_host_frames_gpu_own(void **state)
{
	struct tg *t = *state;
	const struct sim_gpu_stats *st = &t->g.stats;
	u64 batch_dma, batch_gm;
	u32 *batch, *data;
	u32 pc[6] = { GFX_OP_PIPE_CONTROL(6),
		      PIPE_CONTROL_WRITE_IMMEDIATE |
			      PIPE_CONTROL_STORE_DATA_INDEX,
		      0x80,
		      0,
		      0x1234,
		      0 };

	t->shadow = true;
	host_page(t, &t->pml4);
	ctx_setup(t, 0);
	data = pp_page(t, 0x300000, true);
	batch = (u32 *)host_page(t, &batch_dma);
	batch_gm = gm_map(t, batch_dma);
	batch[0] = MI_STORE_DWORD_IMM_GEN4;
	batch[1] = 0x300010;
	batch[2] = 0;
	batch[3] = 0xfeed;
	batch[4] = MI_BATCH_BUFFER_END;
	/* A GGTT batch, as the scanner's copies are. */
	emit_bb(t, 0, batch_gm, false);
	emit(t, 0, pc, 6);
	assert_int_equal(run(t, 0, CTX_ID), 0);
	assert_int_equal(data[4], 0xfeed);
	/* Store index: the context's PPHWSP, the page before its state. */
	assert_int_equal(((u32 *)dma_ptr(t, t->g.ggtt[t->img_gm[0] >> 12] &
						    GEN8_PTE_ADDR_MASK))[0x20],
			 0x1234);
	assert_true(st->host_by_kind[SIM_ACC_WALK] > 0);
	assert_true(st->host_by_kind[SIM_ACC_FETCH] > 0);
	assert_true(st->host_by_kind[SIM_ACC_CTX] > 0);
	assert_true(st->host_by_kind[SIM_ACC_STATUS] > 0);
	assert_int_equal(st->host_by_kind[SIM_ACC_DATA], 0);
	assert_int_equal(st->host, st->host_by_kind[SIM_ACC_WALK] +
					   st->host_by_kind[SIM_ACC_FETCH] +
					   st->host_by_kind[SIM_ACC_CTX] +
					   st->host_by_kind[SIM_ACC_STATUS]);
	assert_int_equal(st->host_escapes, 0);
	assert_int_equal(st->foreign, 0);
}

/*
 * A command's operand on a host frame is an escape, whichever way it
 * gets there: a GGTT store into the core's graphics memory, a PPGTT leaf
 * the core got wrong (a host frame behind a guest address), a blit that
 * reads the core's memory, the same read made with sim_gpu_gm_access().
 * The host's own accesses to its frames are not.
 */
static void test_host_escapes(void **state)
{
	struct tg *t = *state;
	const struct sim_gpu_stats *st = &t->g.stats;
	u64 core_dma, core_gm, walks;
	u32 *core = (u32 *)host_page(t, &core_dma);
	u32 *dst = pp_page(t, 0x500000, true);
	u32 buf[4];
	u32 cs[4] = { MI_STORE_DWORD_IMM_GEN4 | MI_USE_GGTT, 0, 0, 0xbad1 };
	/* 4 pixels of one row, from PPGTT 0x400040 to 0x500000. */
	u32 blt[10] = { XY_SRC_COPY_BLT_CMD | BLT_WRITE_RGBA | 8,
			BR13_DEPTH_32 | BLT_ROP_SRCCOPY | 4096,
			0,
			1 << 16 | 4,
			0x500000,
			0,
			0,
			4096,
			0x400040,
			0 };

	core_gm = gm_map(t, core_dma);
	/* From the privileged ring, GGTT: the core's graphics memory. */
	cs[1] = (u32)core_gm + 0x40;
	emit(t, 0, cs, 4);
	assert_int_equal(run(t, 0, CTX_ID), 0);
	assert_int_equal(core[0x10], 0xbad1);
	assert_int_equal(st->host_escapes, 1);
	assert_int_equal(st->host_escapes_by_requester[DOM], 1);
	assert_int_equal(st->host_by_kind[SIM_ACC_DATA], 1);

	/* Through the PPGTT: the walk is the GPU's, the store is not. */
	pp_map(t, 0x400000, core_dma, true);
	walks = st->host_by_kind[SIM_ACC_WALK];
	emit(t, 0, (u32[]){ MI_STORE_DWORD_IMM_GEN4, 0x400044, 0, 0xbad2 }, 4);
	assert_int_equal(run(t, 0, CTX_ID), 0);
	assert_int_equal(core[0x11], 0xbad2);
	assert_int_equal(st->host_by_kind[SIM_ACC_WALK], walks);
	assert_int_equal(st->host_escapes, 2);

	/* A blit reading the core's page into the domain's own. */
	emit(t, 1, blt, 10);
	assert_int_equal(run(t, 1, CTX_ID), 0);
	assert_int_equal(dst[1], 0xbad2);
	assert_int_equal(st->host_escapes, 3);
	assert_int_equal(st->host_escapes_by_requester[DOM], 3);

	/* The same read as the domain's GPU work, and as the host's own. */
	assert_int_equal(sim_gpu_gm_access(&t->g, DOM, core_gm + 0x40, buf,
					   sizeof(buf), false),
			 0);
	assert_int_equal(buf[0], 0xbad1);
	assert_int_equal(st->host_escapes, 4);
	assert_int_equal(sim_gpu_gm_access(&t->g, SIM_OWNER_HOST, core_gm, buf,
					   sizeof(buf), false),
			 0);
	assert_int_equal(st->host_escapes, 4);
	assert_int_equal(st->host_escapes_by_requester[SIM_OWNER_HOST], 0);
	assert_int_equal(st->foreign, 0);
}

static void test_masked_and_reset(void **state)
{
	struct tg *t = *state;
	u32 b = GEN9_RCS_BASE;

	sim_gpu_reg_write(&t->g, b + RING_MI_MODE,
			  MASKED_BIT_ENABLE(MI_MODE_STOP_RING));
	assert_true(sim_gpu_reg_read(&t->g, b + RING_MI_MODE) & MI_MODE_IDLE);
	sim_gpu_reg_write(&t->g, b + RING_RESET_CTL,
			  MASKED_BIT_ENABLE(RESET_CTL_REQUEST_RESET));
	assert_true(sim_gpu_reg_read(&t->g, b + RING_RESET_CTL) &
		    RESET_CTL_READY_TO_RESET);
	sim_gpu_reg_write(&t->g, b + RING_CONTEXT_STATUS_PTR,
			  0xffff0000 | 3 << 8 | 3);
	assert_int_equal(sim_gpu_reg_read(&t->g, b + RING_CONTEXT_STATUS_PTR),
			 3 << 8 | 3);
	sim_gpu_reg_write(&t->g, GEN6_GDRST, GEN6_GRDOM_RENDER);
	assert_int_equal(sim_gpu_reg_read(&t->g, GEN6_GDRST), 0);
	assert_int_equal(sim_gpu_reg_read(&t->g, b + RING_CONTEXT_STATUS_PTR) &
				 GEN8_CSB_WRITE_PTR_MASK,
			 GEN8_CSB_ENTRIES - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ppgtt_walk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store_and_csb, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_touches_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_watchdog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_privilege_and_registers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_elsp_and_attribution,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_frames_gpu_own, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_host_escapes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_masked_and_reset, setup,
						teardown),
	};

	os_log_threshold = OS_LOG_SILENT;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
