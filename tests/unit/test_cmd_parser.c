// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Command scanner: what passes, what is refused and why, on ring slices
 * and batches built in guest memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "wl.h"

static const char *const one[] = { "xengt_8", NULL };
static char why[160];

struct ct {
	struct wl_guest g;
	u64 bb_gpa[3];
	struct cmd_shadow sh; /* the copies of the last scan */
	struct cmd_workload w;
};

#define BB(i) (WL_DATA_VA + 0x10000 + (u64)(i)*4096)
#define LONG_BB 0x200000000ULL
#define ROWS_VA 0x300000000ULL

static int setup(void **state)
{
	struct ct *c = calloc(1, sizeof(*c));
	u32 i;

	fx_log_capture();
	wl_init(&c->g, fx_world(one), 0);
	wl_ppgtt_map(&c->g, WL_DATA_VA, wl_page(&c->g));
	for (i = 0; i < 3; i++) {
		c->bb_gpa[i] = wl_page(&c->g);
		wl_ppgtt_map(&c->g, BB(i), c->bb_gpa[i]);
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ct *c = *state;

	os_mutex_lock(&c->g.v->lock);
	cmd_shadow_release(c->g.v, &c->sh);
	os_mutex_unlock(&c->g.v->lock);
	fx_world_free(c->g.w);
	free(c);
	return 0;
}

/* Scan @cmd as a ring slice; the copies stay in c->sh until the next. */
static int scan(struct ct *c, u32 engine, const u32 *cmd, u32 n)
{
	struct wl_guest *g = &c->g;
	struct cmd_workload *w = &c->w;
	int ret;

	*w = (struct cmd_workload){
		.engine = engine,
		.ring_start = g->ctx[engine].ring_gm,
		.ring_size = WL_RING_PAGES * 4096,
		.head = g->ctx[engine].tail,
	};
	wl_emit(g, engine, cmd, n);
	w->tail = g->ctx[engine].tail;
	os_mutex_lock(&g->v->lock);
	cmd_shadow_release(g->v, &c->sh);
	ret = ppgtt_get_mm(g->v, g->pml4_gpa, &w->mm);
	assert_int_equal(ret, 0);
	ret = cmd_scan(g->v, w, &c->sh, why, sizeof(why));
	os_mutex_unlock(&g->v->lock);
	return ret;
}

static void expect_reject(struct ct *c, u32 engine, const u32 *cmd, u32 n,
			  const char *reason)
{
	if (!scan(c, engine, cmd, n))
		fail_msg("accepted, expected '%s'", reason);
	if (!strstr(why, reason))
		fail_msg("reason '%s' lacks '%s'", why, reason);
}

static void test_allowed(void **state)
{
	struct ct *c = *state;
	u32 gpr = GEN9_RCS_BASE + 0x600;
	u32 ok[] = {
		MI_NOOP,
		MI_ARB_CHECK,
		MI_USER_INTERRUPT,
		MI_NOOP,
		MI_STORE_DWORD_IMM_GEN4,
		(u32)WL_DATA_VA,
		1,
		5,
		MI_LOAD_REGISTER_IMM(1),
		gpr,
		7,
		MI_STORE_REGISTER_MEM_GEN8,
		GEN9_RCS_BASE + RING_TIMESTAMP,
		(u32)WL_DATA_VA,
		1,
		GFX_OP_PIPE_CONTROL(6),
		PIPE_CONTROL_WRITE_IMMEDIATE,
		(u32)WL_DATA_VA + 8,
		1,
		1,
		2,
		MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT,
		(u32)BB(0),
		1,
	};
	u32 *bb0 = wl_ram32(&c->g, c->bb_gpa[0]);
	u32 *bb1 = wl_ram32(&c->g, c->bb_gpa[1]);
	u32 blt[] = { XY_COLOR_BLT_CMD | BLT_WRITE_RGBA | 5,
		      BR13_DEPTH_32 | BLT_ROP_PATCOPY | 256,
		      0,
		      4 << 16 | 64,
		      (u32)WL_DATA_VA,
		      1,
		      0x12345678 };

	/* 1st level: a 2nd-level batch, then end. */
	bb0[0] = MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT |
		 MI_BATCH_2ND_LEVEL;
	bb0[1] = (u32)BB(1);
	bb0[2] = 1;
	bb0[3] = MI_BATCH_BUFFER_END;
	bb1[0] = MI_STORE_DWORD_IMM_GEN4;
	bb1[1] = (u32)WL_DATA_VA + 16;
	bb1[2] = 1;
	bb1[3] = 9;
	bb1[4] = MI_BATCH_BUFFER_END;
	assert_int_equal(scan(c, XENGT_RCS, ok, xengt_array_size(ok)), 0);
	assert_int_equal(scan(c, XENGT_BCS, blt, xengt_array_size(blt)), 0);
}

/*
 * What i915 6.1 emits on rcs0 of a Skylake before recording its default
 * context (intel_engine_emit_ctx_wa(): gen9 + skl ctx workarounds, one
 * LRI of masked writes); refused on another engine, in a PPGTT batch,
 * and for a context-saved register that holds an address (TR-TT).
 */
static void test_i915_ctx_workarounds(void **state)
{
	struct ct *c = *state;
	static const u32 regs[] = { 0x2580, 0xe188, 0x7004, 0x7014,
				    0xe4f0, 0xe194, 0x5588, 0xe180,
				    0xe184, 0x7300, 0x7008 };
	u32 lri[2 + 2 * xengt_array_size(regs)], i, n = 0;
	u32 trtt[] = { MI_LOAD_REGISTER_IMM(1), 0x4de0, 0x1000 };
	u32 bcs[] = { MI_LOAD_REGISTER_IMM(1), 0x7004, 0x00010001 };

	lri[n++] = MI_LOAD_REGISTER_IMM(xengt_array_size(regs));
	for (i = 0; i < xengt_array_size(regs); i++) {
		lri[n++] = regs[i];
		lri[n++] = 0xffff0000U | i; /* masked: enable bits above */
	}
	lri[n++] = MI_NOOP;
	assert_int_equal(scan(c, XENGT_RCS, lri, n), 0);
	expect_reject(c, XENGT_RCS, trtt, 3, "not a per-context register");
	expect_reject(c, XENGT_BCS, bcs, 3, "not a per-context register");
}

/* 3D state (gen9_3d.h): admitted in its null or bounded forms only. */
static void test_3d_state(void **state)
{
	struct ct *c = *state;
	u32 ok[] = { 0x69040300, /* PIPELINE_SELECT */
		     0x78140000, 0, /* 3DSTATE_WM */
		     0x79180006, 0, 0, 0, 0, 0, 0, 0, /* SO_BUFFER, off */
		     0x7b000005, 4, 0, 0, 1, 0, 0 /* 3DPRIMITIVE */ };
	u32 vs_short[] = { 0x78100006, 0, 0, 0, 0, 0, 0, 0 };
	u32 unknown[] = { 0x78990000, 0 };
	u32 sba_nosize[19] = { 0x61010011, (u32)WL_DATA_VA | 1 };
	u32 depth[8] = { 0x78050006, 0, 0x10000 };
	u32 so_on[8] = { 0x79180006, 1U << 31 };
	u32 consts[11] = { 0x78150009, 1 };
	u32 vb[5] = { 0x78080003, 0, 0x1000, 0, 64 }; /* host GGTT page */
	u32 pool[4] = { 0x79190002, 0x1000 | 1U << 11, 0, 0x1000 };

	assert_int_equal(scan(c, XENGT_RCS, ok, xengt_array_size(ok)), 0);
	expect_reject(c, XENGT_BCS, ok, 1, "not allowed");
	expect_reject(c, XENGT_RCS, vs_short, 8, "bad length");
	expect_reject(c, XENGT_RCS, unknown, 2, "unknown command");
	expect_reject(c, XENGT_RCS, sba_nosize, 19, "without its size");
	expect_reject(c, XENGT_RCS, depth, 8, "not modelled");
	expect_reject(c, XENGT_RCS, so_on, 8, "not modelled");
	expect_reject(c, XENGT_RCS, consts, 11, "push constants");
	expect_reject(c, XENGT_RCS, vb, 5, "outside");
	expect_reject(c, XENGT_RCS, pool, 4, "outside");
}

static void test_refused(void **state)
{
	struct ct *c = *state;
	u32 *bb0 = wl_ram32(&c->g, c->bb_gpa[0]);
	u32 *bb1 = wl_ram32(&c->g, c->bb_gpa[1]);
	u32 *bb2 = wl_ram32(&c->g, c->bb_gpa[2]);
	u32 unknown[] = { MI_INSTR(0x18, 0), 0 }; /* MI_SET_CONTEXT-like */
	u32 srm[] = { MI_STORE_REGISTER_MEM_GEN8, 0x2080, (u32)WL_DATA_VA, 1 };
	u32 sdi[] = { MI_STORE_DWORD_IMM_GEN4, 0, 0x7, 1 }; /* unmapped */
	u32 ggtt[] = { MI_STORE_DWORD_IMM_GEN4 | MI_USE_GGTT, 0x1000, 0, 1 };
	u32 flush[] = { MI_FLUSH_DW_GEN8 | MI_FLUSH_DW_OP_STOREDW,
			(u32)WL_DATA_VA, 1, 0 };
	u32 sidx[] = { MI_FLUSH_DW_GEN8 | MI_FLUSH_DW_OP_STOREDW |
			       MI_FLUSH_DW_STORE_INDEX,
		       0x100, 0, 0 };
	u32 blt[] = { XY_COLOR_BLT_CMD | BLT_WRITE_RGBA | 5,
		      BR13_DEPTH_32 | BLT_ROP_PATCOPY | 4096,
		      0,
		      2 << 16 | 16,
		      (u32)WL_DATA_VA,
		      1,
		      0 }; /* 2nd row is unmapped */
	u32 bbs[] = { MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT, (u32)BB(0),
		      1 };
	u32 bbe[] = { MI_BATCH_BUFFER_END, MI_NOOP };
	u32 i;

	expect_reject(c, XENGT_RCS, unknown, 2, "not allowed");
	expect_reject(c, XENGT_RCS, srm, 4, "not whitelisted");
	expect_reject(c, XENGT_RCS, sdi, 4, "outside");
	expect_reject(c, XENGT_RCS, ggtt, 4, "outside"); /* host GGTT */
	expect_reject(c, XENGT_RCS, flush, 4, "not allowed"); /* BCS only */
	/* Store-index: the context's own status page (test_hostile). */
	assert_int_equal(scan(c, XENGT_BCS, sidx, 4), 0);
	expect_reject(c, XENGT_BCS, blt, 7, "outside");
	expect_reject(c, XENGT_RCS, bbe, 2, "in the ring");
	/* LRI, even to a GPR, from a non-privileged (PPGTT) batch. */
	bb0[0] = MI_LOAD_REGISTER_IMM(1);
	bb0[1] = GEN9_RCS_BASE + 0x600;
	bb0[2] = 0;
	bb0[3] = MI_BATCH_BUFFER_END;
	expect_reject(c, XENGT_RCS, bbs, 3, "non-privileged");
	/* Three levels deep. */
	bb0[0] = MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_2ND_LEVEL;
	bb0[1] = (u32)BB(1);
	bb0[2] = 1;
	bb1[0] = MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_2ND_LEVEL;
	bb1[1] = (u32)BB(2);
	bb1[2] = 1;
	bb2[0] = MI_BATCH_BUFFER_END;
	expect_reject(c, XENGT_RCS, bbs, 3, "nested deeper");
	/* A loop of two chained batches. */
	bb0[0] = MI_BATCH_BUFFER_START_GEN8;
	bb1[0] = MI_BATCH_BUFFER_START_GEN8;
	bb1[1] = (u32)BB(0);
	expect_reject(c, XENGT_RCS, bbs, 3, "endless chain");
	/* A batch of nothing but NOOPs, longer than the scan budget. */
	memset(bb0, 0, 4096);
	for (i = 0; i < CMD_MAX_DWORDS / 1024 + 8; i++)
		wl_ppgtt_map(&c->g, LONG_BB + i * 4096ULL, c->bb_gpa[0]);
	bbs[1] = (u32)LONG_BB;
	bbs[2] = (u32)(LONG_BB >> 32);
	expect_reject(c, XENGT_RCS, bbs, 3, "longer than");
	/* ... and one that runs into unmapped memory. */
	bbs[1] = (u32)(LONG_BB + (i - 1) * 4096ULL);
	expect_reject(c, XENGT_RCS, bbs, 3, "cannot be read");
	assert_true(c->g.v->cmd.rejected >= 12);
}

/* Dword @i of copy @b (the scanner's shadow), as the GPU will fetch it. */
static u32 copy_dw(struct ct *c, const struct cmd_shadow_buf *b, u32 i)
{
	u32 at = b->off + 4 * i;

	return ((u32 *)c->sh.cpu[b->first + at / 4096])[(at % 4096) / 4];
}

/* A copy lies in the core's graphics memory, outside every partition. */
static void assert_core_gm(struct ct *c, const struct cmd_shadow_buf *b)
{
	struct core_gm *cg = &c->g.w->gvt->core_gm;
	u64 end = b->gm + (u64)b->nr_pages * 4096;

	assert_true(b->gm >= cg->base);
	assert_true(end <= cg->base + XENGT_MB(GVT_CORE_GM_MB));
	assert_false(ggtt_gm_range_owned(c->g.v, b->gm, 4096));
	assert_int_equal(c->g.w->gpu.ggtt[b->gm >> 12] & ~0xfffULL,
			 c->sh.dma[b->first]);
}

/*
 * What the GPU will run is a copy: the ring slice from offset 0, every
 * batch start pointing at the copy of its target through the GGTT, and
 * "use GGTT" bits of a non-privileged batch cleared; the guest's memory is
 * left as it was.
 */
static void test_copies(void **state)
{
	struct ct *c = *state;
	u32 *bb0 = wl_ram32(&c->g, c->bb_gpa[0]);
	u32 *bb1 = wl_ram32(&c->g, c->bb_gpa[1]);
	u32 ring[] = { MI_NOOP, MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT,
		       (u32)BB(0) + 8, 1 };
	const struct cmd_shadow_buf *r, *b0, *b1;
	u32 i;

	bb0[2] = MI_STORE_DWORD_IMM_GEN4 | MI_USE_GGTT; /* PPGTT here */
	bb0[3] = (u32)WL_DATA_VA;
	bb0[4] = 1;
	bb0[5] = 3;
	bb0[6] = MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT |
		 MI_BATCH_2ND_LEVEL;
	bb0[7] = (u32)BB(1);
	bb0[8] = 1;
	bb0[9] = MI_BATCH_BUFFER_END;
	bb1[0] = MI_BATCH_BUFFER_END;
	assert_int_equal(scan(c, XENGT_RCS, ring, 4), 0);
	assert_int_equal(c->sh.nr_bufs, 3);
	r = &c->sh.buf[0];
	b0 = &c->sh.buf[1];
	b1 = &c->sh.buf[2];
	/* The ring slice, at the start of a ring with room after it. */
	assert_int_equal(c->w.shadow_ring, r->gm);
	assert_int_equal(c->w.shadow_tail, 16);
	assert_true(c->w.shadow_ring_size > c->w.shadow_tail);
	assert_int_equal(copy_dw(c, r, 0), MI_NOOP);
	assert_int_equal(copy_dw(c, r, 1), MI_BATCH_BUFFER_START_GEN8);
	assert_int_equal(copy_dw(c, r, 2), (u32)(b0->gm + b0->off));
	assert_int_equal(copy_dw(c, r, 3), 0);
	/* The first-level batch from its start to its end, at its offset. */
	assert_int_equal(b0->guest, BB(0) + 8);
	assert_int_equal(b0->off, 8);
	assert_int_equal(b0->len, 8 * 4);
	assert_int_equal(copy_dw(c, b0, 0), MI_STORE_DWORD_IMM_GEN4);
	assert_int_equal(copy_dw(c, b0, 3), 3);
	assert_int_equal(copy_dw(c, b0, 4),
			 MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_2ND_LEVEL);
	assert_int_equal(copy_dw(c, b0, 5), (u32)(b1->gm + b1->off));
	assert_int_equal(copy_dw(c, b0, 7), MI_BATCH_BUFFER_END);
	assert_int_equal(b1->len, 4);
	for (i = 0; i < 3; i++)
		assert_core_gm(c, &c->sh.buf[i]);
	/* The guest's own memory is untouched. */
	assert_int_equal(bb0[2], MI_STORE_DWORD_IMM_GEN4 | MI_USE_GGTT);
	assert_int_equal(bb0[7], (u32)BB(1));
	assert_int_equal(c->g.v->cmd.shadow_pages_now, 3);
	os_mutex_lock(&c->g.v->lock);
	cmd_shadow_release(c->g.v, &c->sh);
	/* One-page copies stay mapped in the vGPU's cache for its next work. */
	assert_int_equal(c->g.v->cmd.shadow_pages_now, 0);
	assert_int_equal(c->g.v->cmd_cache.nr, 3);
	assert_int_not_equal(c->g.w->gpu.ggtt[r->gm >> 12], 0);
	cmd_shadow_cache_drain(c->g.v);
	os_mutex_unlock(&c->g.v->lock);
	assert_int_equal(c->g.v->cmd_cache.nr, 0);
	assert_int_equal(c->g.w->gpu.ggtt[r->gm >> 12], 0);
}

/*
 * The cache of one-page copies: the next workload reuses them (same
 * pages, no new host frame), and cached pages count against the vGPU's
 * quota, giving way when a workload needs the room.
 */
static void test_shadow_cache(void **state)
{
	struct ct *c = *state;
	struct vgpu *v = c->g.v;
	u64 gm, free0;

	assert_int_equal(scan(c, XENGT_RCS, (u32[]){ MI_NOOP, MI_NOOP }, 2), 0);
	gm = c->sh.buf[0].gm;
	free0 = sim_machine_free_frames(&c->g.w->machine);
	/* scan() releases the last copy first: it goes to the cache... */
	assert_int_equal(scan(c, XENGT_RCS, (u32[]){ MI_NOOP, MI_NOOP }, 2), 0);
	/* ...and the new ring copy is that very page. */
	assert_int_equal(c->sh.buf[0].gm, gm);
	assert_int_equal(v->cmd_cache.nr, 0);
	assert_int_equal(sim_machine_free_frames(&c->g.w->machine), free0);

	/*
	 * Pages held plus cached never exceed the quota: with other work
	 * holding all but one page, the cached page is freed and the copy
	 * takes a fresh one.
	 */
	os_mutex_lock(&v->lock);
	cmd_shadow_release(v, &c->sh);
	assert_int_equal(v->cmd_cache.nr, 1);
	v->cmd.shadow_pages_now = CMD_SHADOW_VGPU_QUOTA - 1;
	os_mutex_unlock(&v->lock);
	assert_int_equal(scan(c, XENGT_RCS, (u32[]){ MI_NOOP, MI_NOOP }, 2), 0);
	assert_int_equal(v->cmd_cache.nr, 0);
	assert_int_equal(v->cmd.shadow_pages_now, CMD_SHADOW_VGPU_QUOTA);
	assert_int_equal(sim_machine_free_frames(&c->g.w->machine), free0);
	os_mutex_lock(&v->lock);
	cmd_shadow_release(v, &c->sh);
	v->cmd.shadow_pages_now = 0;
	cmd_shadow_cache_drain(v);
	os_mutex_unlock(&v->lock);
	assert_int_equal(sim_machine_free_frames(&c->g.w->machine), free0 + 1);
}

/*
 * Decoding as the command streamer does: a store whose 10-bit length says
 * 68 dwords is not a 4-dword store followed by commands.
 */
static void test_lengths_as_the_gpu_reads_them(void **state)
{
	struct ct *c = *state;
	u32 *bb0 = wl_ram32(&c->g, c->bb_gpa[0]);
	u32 bbs[] = { MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT, (u32)BB(0),
		      1 };

	bb0[0] = MI_STORE_DWORD_IMM_GEN4 | 0x40;
	bb0[1] = (u32)WL_DATA_VA;
	bb0[2] = 1;
	bb0[68] = MI_BATCH_BUFFER_END;
	expect_reject(c, XENGT_RCS, bbs, 3, "bad length 68");
}

/*
 * The shadow budget: a batch of three pages and a bit, placed so that it
 * spreads over five pages, chaining to itself: 64 copies of it need more
 * host pages than one workload may take.  Refused before they are taken.
 */
static void test_shadow_budget(void **state)
{
	struct ct *c = *state;
	u64 gpa[5], start = LONG_BB + 4096 - 8;
	u32 bbs[] = { MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT, (u32)start,
		      (u32)(start >> 32) };
	u32 at = 4096 - 8 + (3 * 1024 + 1) * 4, k;
	u64 free0;

	for (k = 0; k < 5; k++) {
		gpa[k] = wl_page(&c->g);
		wl_ppgtt_map(&c->g, LONG_BB + k * 4096ULL, gpa[k]);
	}
	/* 3073 NOOPs, then the chained start of itself, ending in page 4. */
	for (k = 0; k < 3; k++, at += 4)
		wl_ram32(&c->g, gpa[at / 4096])[(at % 4096) / 4] = bbs[k];
	/* A first scan builds the shadow PPGTT (host pages it keeps). */
	assert_int_equal(scan(c, XENGT_RCS, (u32[]){ MI_NOOP }, 1), 0);
	free0 = sim_machine_free_frames(&c->g.w->machine);
	expect_reject(c, XENGT_RCS, bbs, 3, "more than 320 host pages");
	assert_int_equal(c->sh.nr_bufs, 1 + 63); /* the 64th did not fit */
	assert_int_equal(c->sh.nr_pages, 1 + 63 * 5);
	os_mutex_lock(&c->g.v->lock);
	cmd_shadow_release(c->g.v, &c->sh);
	os_mutex_unlock(&c->g.v->lock);
	/* The ring copy went back to the cache, the batches to the host. */
	assert_int_equal(sim_machine_free_frames(&c->g.w->machine), free0);
	os_mutex_lock(&c->g.v->lock);
	cmd_shadow_cache_drain(c->g.v);
	os_mutex_unlock(&c->g.v->lock);
	assert_int_equal(sim_machine_free_frames(&c->g.w->machine),
			 free0 + 1); /* + the copy of an earlier scan */
}

/*
 * A blit whose every row straddles two pages of its own (rows two pages
 * apart) costs two translations per row to check.  1024 such rows pass; 65535 exceed the
 * scan budget
 * and are refused for it, after CMD_MAX_TRANSLATIONS translations,
 * instead of being checked row by row for as long as the guest likes.
 */
static void test_scan_budget(void **state)
{
	struct ct *c = *state;
	u64 page = wl_page(&c->g);
	u32 k, blit[XY_COLOR_BLT_LEN] = {
		XY_COLOR_BLT_CMD | BLT_WRITE_RGBA | (XY_COLOR_BLT_LEN - 2),
		BR13_DEPTH_32 | BLT_ROP_PATCOPY | 8192, /* pitch: two pages */
		1023, /* x1: the last pixel of a page */
		1024U << 16 | 1025, /* 2 pixels wide, 1024 rows */
		(u32)ROWS_VA,
		(u32)(ROWS_VA >> 32),
		0,
	};
	u64 before = c->g.v->cmd.translations;

	for (k = 0; k <= CMD_MAX_TRANSLATIONS + 1; k++)
		wl_ppgtt_map(&c->g, ROWS_VA + k * 4096ULL, page);
	assert_int_equal(scan(c, XENGT_BCS, blit, XY_COLOR_BLT_LEN), 0);
	assert_int_equal(c->g.v->cmd.translations - before, 2 * 1024);
	blit[3] = 65535U << 16 | 1025;
	expect_reject(c, XENGT_BCS, blit, XY_COLOR_BLT_LEN,
		      "scan budget exceeded");
	assert_int_equal(c->g.v->cmd.translations - before,
			 2 * 1024 + CMD_MAX_TRANSLATIONS + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shadow_cache, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scan_budget, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_3d_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_i915_ctx_workarounds,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_lengths_as_the_gpu_reads_them, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shadow_budget, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
