// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Hostile guests on the real software GPU: each attack is refused with a
 * reason (the attacker in failsafe, or its bad entries made not present),
 * or has no effect (commands changed after the scan), nothing of it
 * reaches another VM or the host, and the victims' work before and after
 * the attack runs and is verified.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "wl.h"
#include "workload.h"

static const char *const three[] = { "xengt_8", "xengt_4", "xengt_8", NULL };

struct hs {
	struct world *w;
	struct wl_guest g[3]; /* 0 attacker, 1 and 2 victims */
	u64 data_gpa[3], blit_gpa[3];
	u32 round;
};

static int setup(void **state)
{
	struct hs *h = calloc(1, sizeof(*h));
	u32 i;

	fx_log_capture();
	h->w = fx_world(three);
	for (i = 0; i < 3; i++) {
		wl_init(&h->g[i], h->w, i);
		h->data_gpa[i] = wl_page(&h->g[i]);
		h->blit_gpa[i] = wl_page(&h->g[i]);
		wl_ppgtt_map(&h->g[i], WL_DATA_VA, h->data_gpa[i]);
		wl_ppgtt_map(&h->g[i], WL_DATA_VA + 4096, h->blit_gpa[i]);
	}
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	struct hs *h = *state;

	fx_world_free(h->w);
	free(h);
	return 0;
}

/* Victim @i stores and fills, then checks its own memory. */
static void victim_work(struct hs *h, u32 i)
{
	struct wl_guest *g = &h->g[i];
	u32 cmd[XY_COLOR_BLT_LEN], k, val = 0xc0de0000 + h->round * 16 + i;
	u32 *data = wl_ram32(g, h->data_gpa[i]);
	u32 *px = wl_ram32(g, h->blit_gpa[i]);

	wl_sdi(cmd, WL_DATA_VA + 8 * i, val);
	wl_emit(g, XENGT_RCS, cmd, 4);
	wl_submit(g, XENGT_RCS);
	cmd[0] = XY_COLOR_BLT_CMD | BLT_WRITE_RGBA | (XY_COLOR_BLT_LEN - 2);
	cmd[1] = BR13_DEPTH_32 | BLT_ROP_PATCOPY | 1024;
	cmd[2] = 0;
	cmd[3] = 1 << 16 | 256; /* one row of 256 pixels */
	cmd[4] = (u32)(WL_DATA_VA + 4096);
	cmd[5] = (u32)((WL_DATA_VA + 4096) >> 32);
	cmd[6] = val;
	wl_emit(g, XENGT_BCS, cmd, XY_COLOR_BLT_LEN);
	wl_submit(g, XENGT_BCS);
	assert_false(g->v->failsafe);
	assert_int_equal(data[2 * i], val);
	for (k = 0; k < 256; k++)
		assert_int_equal(px[k], val);
	assert_int_equal(wl_csb_last(g, XENGT_RCS),
			 GEN8_CTX_STATUS_COMPLETE |
				 GEN8_CTX_STATUS_ACTIVE_IDLE);
	assert_int_equal(wl_csb_last(g, XENGT_BCS),
			 GEN8_CTX_STATUS_COMPLETE |
				 GEN8_CTX_STATUS_ACTIVE_IDLE);
}

static void victims(struct hs *h)
{
	h->round++;
	victim_work(h, 1);
	victim_work(h, 2);
	assert_int_equal(wl_foreign(h->w), 0);
	assert_int_equal(wl_host_escapes(h->w), 0);
}

/* The attacker is in failsafe, says why, and submitted nothing. */
static void refused(struct hs *h, u64 submits_before, const char *why)
{
	struct vgpu *bad = h->g[0].v;

	assert_true(bad->failsafe);
	if (!strstr(bad->failsafe_reason, why))
		fail_msg("failsafe reason '%s' lacks '%s'",
			 bad->failsafe_reason, why);
	assert_int_equal(wl_phys_submits(h->w), submits_before);
	victims(h);
}

static void attack_ring(struct hs *h, u32 engine, const u32 *cmd, u32 n,
			const char *why)
{
	u64 before;

	victims(h);
	before = wl_phys_submits(h->w);
	wl_emit(&h->g[0], engine, cmd, n);
	wl_submit(&h->g[0], engine);
	refused(h, before, why);
}

static void test_foreign_frames(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	struct vgpu *victim = h->g[1].v;
	u64 idx = victim->low_gm_base >> 12, pte = h->w->gpu.ggtt[idx];
	u64 bad_entries = a->v->ppgtt.stats.bad_entries;
	u32 cmd[4];

	victims(h);
	/* GGTT: into the victim's partition and the host's, and past RAM. */
	fx_wr64(a->v, VGPU_GGTT_OFFSET + idx * 8, h->data_gpa[0] | 1);
	fx_wr64(a->v, VGPU_GGTT_OFFSET, h->data_gpa[0] | 1);
	assert_int_equal(h->w->gpu.ggtt[idx], pte);
	assert_int_equal(h->w->gpu.ggtt[0] & 1, 0);
	/* PPGTT: a leaf pointing past its RAM (another VM's or the host's). */
	wl_ppgtt_map(a, WL_DATA_VA + 0x10000, WORLD_VM_RAM + 0x5000);
	wl_ppgtt_map(a, WL_DATA_VA + 0x11000, 1ULL << 38);
	wl_sdi(cmd, WL_DATA_VA + 0x10000, 0xbad);
	attack_ring(h, XENGT_RCS, cmd, 4, "outside the vGPU's memory");
	assert_true(a->v->ppgtt.stats.bad_entries >= bad_entries + 2);
}

static void test_batch_outside_partition(void **state)
{
	struct hs *h = *state;
	u64 target = h->g[1].v->low_gm_base; /* the victim's context */
	u32 cmd[3] = { MI_BATCH_BUFFER_START_GEN8, (u32)target, 0 };

	attack_ring(h, XENGT_RCS, cmd, 3, "cannot be read");
}

/*
 * A post-sync qword write aimed at the last dword of the attacker's
 * graphics memory, whose next page is a neighbour's.  The scanner checks
 * the qword at the address rounded down to 8; the GPU must write exactly
 * that qword (both dwords in the attacker's page), never 4 bytes into the
 * neighbour.
 */
static void test_post_sync_qword_at_partition_end(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	u64 end = a->v->low_gm_base + a->v->low_gm_size;
	u64 gpa = wl_page(a), at = end - 4;
	u32 cmd[6] = { GFX_OP_PIPE_CONTROL(6),
		       PIPE_CONTROL_WRITE_IMMEDIATE |
			       PIPE_CONTROL_GLOBAL_GTT_IVB,
		       (u32)at,
		       (u32)(at >> 32),
		       0x0bad0001,
		       0x0bad0002 };
	u32 *page = wl_ram32(a, gpa), i;
	bool neighbour = false;

	for (i = 1; i < 3; i++)
		neighbour |= h->g[i].v->low_gm_base == end;
	assert_true(neighbour); /* the attack needs a partition right after */
	victims(h);
	/* The attacker's last page of low graphics memory: its own RAM. */
	fx_wr64(a->v, VGPU_GGTT_OFFSET + ((end >> 12) - 1) * 8, gpa | 1);
	wl_emit(a, XENGT_RCS, cmd, 6);
	wl_submit(a, XENGT_RCS);
	assert_int_equal(wl_foreign(h->w), 0);
	assert_int_equal(wl_host_escapes(h->w), 0);
	assert_int_equal(page[1022], 0x0bad0001);
	assert_int_equal(page[1023], 0x0bad0002);
	victims(h);
}

/*
 * i915 6.1's flushes write a scratch qword with store-index (PIPE_CONTROL
 * on rcs0, MI_FLUSH_DW on the others) at LRC_PPHWSP_SCRATCH_ADDR: in
 * execlist mode that is the running context's per-process HWSP, here page
 * 0 of the vGPU's own shadow context.  Accepted, and the write lands
 * there, at the offset within the page whatever else the address holds
 * (the last qword, garbage above bit 11 and in the high dword): never in
 * the engine's status page, another vGPU or the guest's partition.
 */
static void test_store_index_lands_in_own_pphwsp(void **state)
{
	static const u32 offsets[] = { 0xd0, 0xff8, 0xfffffff8 };
	static const u32 engines[2] = { XENGT_RCS, XENGT_BCS };
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	u32 i, k;

	for (i = 0; i < xengt_array_size(offsets); i++) {
		u32 val = 0x5c0a0000 + i, off = offsets[i] & 0xff8;
		u32 pc[6] = { GFX_OP_PIPE_CONTROL(6),
			      PIPE_CONTROL_WRITE_IMMEDIATE |
				      PIPE_CONTROL_STORE_DATA_INDEX |
				      PIPE_CONTROL_CS_STALL,
			      offsets[i],
			      0xffff,
			      val,
			      ~val };
		u32 flush[4] = { MI_FLUSH_DW_GEN8 | MI_FLUSH_DW_OP_STOREDW |
					 MI_FLUSH_DW_STORE_INDEX,
				 offsets[i] | MI_FLUSH_DW_USE_GTT, 0xffff,
				 val + 0x100 };

		victims(h);
		wl_emit(a, XENGT_RCS, pc, 6);
		wl_submit(a, XENGT_RCS);
		wl_emit(a, XENGT_BCS, flush, 4);
		wl_submit(a, XENGT_BCS);
		assert_false(a->v->failsafe);
		for (k = 0; k < 2; k++) {
			struct workload *wl = a->v->wl.spare[engines[k]];
			u32 *pphwsp;

			assert_non_null(wl);
			pphwsp = wl->ctx_cpu[LRC_PPHWSP_PN];
			assert_int_equal(wl_csb_last(a, engines[k]),
					 GEN8_CTX_STATUS_COMPLETE |
						 GEN8_CTX_STATUS_ACTIVE_IDLE);
			assert_int_equal(pphwsp[off / 4],
					 k ? val + 0x100 : val);
			if (!k)
				assert_int_equal(pphwsp[off / 4 + 1], ~val);
		}
		assert_int_equal(wl_foreign(h->w), 0);
		assert_int_equal(wl_host_escapes(h->w), 0);
		victims(h);
	}
}

/*
 * i915 6.1's golden render state for Gen9 (gen9_renderstate.c, emitted
 * once per boot on rcs0 as a secure GGTT batch): its commands in its
 * order, header and length, our encoding of the facts.  Payloads are zero
 * (i915's are mostly so) but for STATE_BASE_ADDRESS, the vertex buffers
 * and 3DPRIMITIVE, filled in by golden_batch().
 */
static const u32 golden[][2] = {
	{ 0x7a000004, 6 }, /* PIPE_CONTROL */
	{ 0x69040300, 1 }, /* PIPELINE_SELECT */
	{ 0x78140000, 2 },
	{ 0x7820000a, 12 },
	{ 0x78130002, 4 },
	{ 0x781f0004, 6 },
	{ 0x78510009, 11 },
	{ 0x78100007, 9 },
	{ 0x781b0007, 9 },
	{ 0x78110008, 10 },
	{ 0x781e0003, 5 },
	{ 0x781d0009, 11 },
	{ 0x78120002, 4 },
	{ 0x78500003, 5 },
	{ 0x781c0002, 4 },
	{ 0x780c0000, 2 },
	{ 0x78520003, 5 },
	{ 0x78300000, 2 },
	{ 0x78310000, 2 },
	{ 0x78320000, 2 },
	{ 0x78330000, 2 },
	{ 0x79190002, 4 },
	{ 0x791a0002, 4 },
	{ 0x791b0002, 4 },
	{ 0x79120000, 2 },
	{ 0x79130000, 2 },
	{ 0x79140000, 2 },
	{ 0x79150000, 2 },
	{ 0x79160000, 2 },
	{ 0x78150009, 11 },
	{ 0x78190009, 11 },
	{ 0x781a0009, 11 },
	{ 0x78160009, 11 },
	{ 0x78170009, 11 },
	{ 0x78490001, 3 },
	{ 0x784a0000, 2 },
	{ 0x784b0000, 2 },
	{ 0x79170101, 3 },
	{ 0x79180006, 8 },
	{ 0x79180006, 8 },
	{ 0x79180006, 8 },
	{ 0x79180006, 8 },
	{ 0x61010011, 19 }, /* STATE_BASE_ADDRESS */
	{ 0x61020001, 3 },
	{ 0x79000002, 4 },
	{ 0x78050006, 8 },
	{ 0x79040002, 4 },
	{ 0x79040002, 4 },
	{ 0x79040002, 4 },
	{ 0x79040002, 4 },
	{ 0x79080001, 3 },
	{ 0x790a0001, 3 },
	{ 0x78060003, 5 },
	{ 0x78070003, 5 },
	{ 0x78040001, 3 },
	{ 0x79110000, 2 },
	{ 0x780d0000, 2 },
	{ 0x79060000, 2 },
	{ 0x7907001f, 33 },
	{ 0x7902000f, 17 },
	{ 0x790c000f, 17 },
	{ 0x780a0003, 5 },
	{ 0x78080083, 133 }, /* 3DSTATE_VERTEX_BUFFERS: 33 */
	{ 0x78090043, 69 },
	{ 0x78550003, 5 },
	{ 0x680b0001, 1 }, /* 3DSTATE_VF_STATISTICS */
	{ 0x780e0000, 2 },
	{ 0x78240000, 2 },
	{ 0x784f0000, 2 },
	{ 0x784d0000, 2 },
	{ 0x782b0000, 2 },
	{ 0x782c0000, 2 },
	{ 0x782d0000, 2 },
	{ 0x782e0000, 2 },
	{ 0x782f0000, 2 },
	{ 0x780f0000, 2 },
	{ 0x78230000, 2 },
	{ 0x78210000, 2 },
	{ 0x78260000, 2 },
	{ 0x78270000, 2 },
	{ 0x78280000, 2 },
	{ 0x78290000, 2 },
	{ 0x782a0000, 2 },
	{ 0x7b000005, 7 }, /* 3DPRIMITIVE */
};

/*
 * The golden batch in a guest page mapped at *gm in the GGTT; its state
 * bases point at @base (i915: the batch itself), 4 KiB each.  Returns the
 * number of state commands (all but the PIPE_CONTROL).
 */
static u32 golden_batch(struct wl_guest *a, u64 base, u64 *gm)
{
	u64 gpa = wl_page(a);
	u32 *b = wl_ram32(a, gpa), n = 0, i, k;

	*gm = wl_map_ggtt(a, gpa);
	if (!base)
		base = *gm;
	for (i = 0; i < xengt_array_size(golden); i++) {
		u32 *c = &b[n];

		c[0] = golden[i][0];
		for (k = 1; k < golden[i][1]; k++)
			c[k] = 0;
		if (golden[i][0] == 0x61010011) {
			static const u32 base_dw[] = { 1, 4, 6, 10 };

			for (k = 0; k < xengt_array_size(base_dw); k++) {
				c[base_dw[k]] = (u32)base | 1;
				c[base_dw[k] + 1] = (u32)(base >> 32);
			}
			c[8] = 1; /* indirect object base 0, size 0 */
			c[12] = c[13] = c[15] = 0x1001; /* one page */
			c[14] = 1;
		} else if (golden[i][0] == 0x78080083) {
			for (k = 0; k < 33; k++)
				c[1 + 4 * k] = k << 26 | 1U << 14;
		} else if (golden[i][0] == 0x7b000005) {
			c[1] = 4; /* triangle list */
			c[2] = 1; /* one vertex */
			c[4] = 1; /* one instance */
		}
		n += golden[i][1];
	}
	b[n++] = MI_BATCH_BUFFER_END;
	return xengt_array_size(golden) - 1;
}

/* i915's request around it: ctx workarounds, secure batch, breadcrumb. */
static u32 golden_ring(u32 *r, u64 gm)
{
	u32 n = 0;

	r[n++] = MI_LOAD_REGISTER_IMM(2);
	r[n++] = 0x2580; /* GEN8_CS_CHICKEN1 */
	r[n++] = 0x00080008;
	r[n++] = 0x7004; /* CACHE_MODE_1 */
	r[n++] = 0x00010001;
	r[n++] = MI_ARB_ON_OFF | 1;
	r[n++] = MI_BATCH_BUFFER_START_GEN8; /* GGTT: secure */
	r[n++] = (u32)gm;
	r[n++] = (u32)(gm >> 32);
	r[n++] = MI_ARB_ON_OFF;
	r[n++] = MI_NOOP;
	return n;
}

static void test_i915_golden_render_state(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	struct sim_engine *rcs = &h->w->gpu.engines[SIM_RCS];
	u64 gm, before = rcs->stats.state_cmds;
	u32 ring[16], n, states;

	victims(h);
	states = golden_batch(a, 0, &gm);
	n = golden_ring(ring, gm);
	wl_emit(a, XENGT_RCS, ring, n);
	wl_submit(a, XENGT_RCS);
	assert_false(a->v->failsafe);
	assert_int_equal(wl_csb_last(a, XENGT_RCS),
			 GEN8_CTX_STATUS_COMPLETE |
				 GEN8_CTX_STATUS_ACTIVE_IDLE);
	/* Read as state, every one of them; nothing drawn, nothing foreign. */
	assert_int_equal(rcs->stats.state_cmds - before, states);
	assert_int_equal(wl_foreign(h->w), 0);
	assert_int_equal(wl_host_escapes(h->w), 0);
	victims(h);
}

/* The same with its state bases in a victim's partition: refused. */
static void test_golden_state_aimed_elsewhere(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	u32 ring[16], n;
	u64 gm;

	golden_batch(a, h->g[1].v->low_gm_base, &gm);
	n = golden_ring(ring, gm);
	attack_ring(h, XENGT_RCS, ring, n, "outside the vGPU's memory");
}

/* Commands with a memory effect, each aimed at a GGTT address. */
enum edge_kind {
	EDGE_SDI_DW,
	EDGE_SDI_QW,
	EDGE_SRM,
	EDGE_FLUSH_DW_DW,
	EDGE_FLUSH_DW_QW,
	EDGE_PC_IMMEDIATE,
	EDGE_PC_DEPTH,
	EDGE_PC_TIMESTAMP,
	EDGE_KINDS
};

static const char *const edge_name[EDGE_KINDS] = {
	"MI_STORE_DATA_IMM dword", "MI_STORE_DATA_IMM qword",
	"MI_STORE_REGISTER_MEM",   "MI_FLUSH_DW dword",
	"MI_FLUSH_DW qword",	   "PIPE_CONTROL immediate",
	"PIPE_CONTROL depth",	   "PIPE_CONTROL timestamp",
};

/* Build command @k writing at GGTT @at into @c; its length and engine. */
static u32 edge_cmd(enum edge_kind k, u64 at, u32 *c, u32 *engine)
{
	static const u32 pc_op[] = { PIPE_CONTROL_WRITE_IMMEDIATE,
				     PIPE_CONTROL_WRITE_DEPTH_COUNT,
				     PIPE_CONTROL_WRITE_TIMESTAMP };
	u32 lo = (u32)at, hi = (u32)(at >> 32);

	*engine = XENGT_RCS;
	switch (k) {
	case EDGE_SDI_DW:
	case EDGE_SDI_QW:
		c[0] = MI_INSTR(0x20, k == EDGE_SDI_QW ? 3 : 2) | MI_USE_GGTT;
		c[1] = lo;
		c[2] = hi;
		c[3] = 0x0bad0001;
		c[4] = 0x0bad0002;
		return k == EDGE_SDI_QW ? 5 : 4;
	case EDGE_SRM:
		c[0] = MI_STORE_REGISTER_MEM_GEN8 | MI_SRM_LRM_GLOBAL_GTT;
		c[1] = GEN9_RCS_BASE + RING_TIMESTAMP;
		c[2] = lo;
		c[3] = hi;
		return 4;
	case EDGE_FLUSH_DW_DW:
	case EDGE_FLUSH_DW_QW:
		*engine = XENGT_BCS;
		c[0] = MI_INSTR(0x26, k == EDGE_FLUSH_DW_QW ? 3 : 2) |
		       MI_FLUSH_DW_OP_STOREDW;
		c[1] = (lo & ~7U) | MI_FLUSH_DW_USE_GTT;
		c[2] = hi;
		c[3] = 0x0bad0003;
		c[4] = 0x0bad0004;
		return k == EDGE_FLUSH_DW_QW ? 5 : 4;
	default:
		c[0] = GFX_OP_PIPE_CONTROL(6);
		c[1] = pc_op[k - EDGE_PC_IMMEDIATE] |
		       PIPE_CONTROL_GLOBAL_GTT_IVB;
		c[2] = lo;
		c[3] = hi;
		c[4] = 0x0bad0005;
		c[5] = 0x0bad0006;
		return 6;
	}
}

/* Map GGTT page @gm of guest @g to a scratch page unless wl mapped it. */
static void map_unless_used(struct wl_guest *g, u64 gm)
{
	if (gm >= g->v->low_gm_base && gm < g->next_gm)
		return; /* a context, ring or status page of its own */
	fx_wr64(g->v, VGPU_GGTT_OFFSET + (gm >> 12) * 8, wl_page(g) | 1);
}

/* The guest whose graphics memory holds page @gm, or NULL. */
static struct wl_guest *owner_of(struct hs *h, u64 gm)
{
	u32 i;

	for (i = 0; i < 3; i++) {
		struct vgpu *v = h->g[i].v;

		if ((gm >= v->low_gm_base &&
		     gm < v->low_gm_base + v->low_gm_size) ||
		    (gm >= v->high_gm_base &&
		     gm < v->high_gm_base + v->high_gm_size))
			return &h->g[i];
	}
	return NULL;
}

/*
 * Every command of edge_cmd() at every byte from 16 inside to 4 outside
 * the partition edge @edge of attacker @a (@end: the edge ends its range,
 * else starts it), with the pages on both sides mapped: each is refused
 * or runs without a foreign access.  Counts the two outcomes.
 */
static void sweep_edge(struct hs *h, struct wl_guest *a, u64 edge, bool end,
		       const char *where, u32 *runs, u32 *refusals)
{
	u64 inside = end ? edge - 4096 : edge,
	    outside = end ? edge : edge - 4096;
	struct wl_guest *n = owner_of(h, outside);
	u32 k, cmd[6], engine, len;
	s32 d;

	if (!n || n == a)
		return; /* nobody's partition beside this edge */
	map_unless_used(n, outside);
	for (k = 0; k < EDGE_KINDS; k++) {
		for (d = -16; d <= 16; d++) {
			u64 at = edge + (u64)(s64)d, foreign, escapes;

			if (end ? d > 4 : d < -4)
				continue;
			vgpu_reset(a->v);
			wl_reinit(a);
			map_unless_used(a, inside);
			foreign = wl_foreign(h->w);
			escapes = wl_host_escapes(h->w);
			len = edge_cmd(k, at, cmd, &engine);
			wl_emit(a, engine, cmd, len);
			wl_submit(a, engine);
			if (wl_foreign(h->w) != foreign ||
			    wl_host_escapes(h->w) != escapes)
				fail_msg(
					"%s at %s %+d: the GPU wrote outside the approved range",
					edge_name[k], where, d);
			if (a->v->failsafe)
				(*refusals)++;
			else
				(*runs)++;
		}
	}
	vgpu_reset(a->v);
	wl_reinit(a);
}

/*
 * The range the scanner approves is the range the GPU touches: every
 * command with a memory effect, at every byte near both edges of the low
 * and high graphics memory of an attacker at the lowest, the middle and
 * the highest partition (wherever a neighbour's partition is adjacent),
 * is either refused or runs without one foreign access.
 */
static void test_edges_every_alignment(void **state)
{
	struct hs *h = *state;
	u32 i, runs = 0, refusals = 0, edges = 0;

	victims(h);
	for (i = 0; i < 3; i++) {
		struct wl_guest *a = &h->g[i];
		struct vgpu *v = a->v;
		u32 before = runs + refusals;

		sweep_edge(h, a, v->low_gm_base, false, "low GM start", &runs,
			   &refusals);
		sweep_edge(h, a, v->low_gm_base + v->low_gm_size, true,
			   "low GM end", &runs, &refusals);
		sweep_edge(h, a, v->high_gm_base, false, "high GM start", &runs,
			   &refusals);
		sweep_edge(h, a, v->high_gm_base + v->high_gm_size, true,
			   "high GM end", &runs, &refusals);
		edges += (runs + refusals - before) / (EDGE_KINDS * 21);
	}
	/* Every attacker had a neighbour; both outcomes occurred. */
	assert_true(edges >= 4);
	assert_true(runs > 0);
	assert_true(refusals > 0);
	for (i = 0; i < 3; i++)
		victim_work(h, i);
	assert_int_equal(wl_foreign(h->w), 0);
	assert_int_equal(wl_host_escapes(h->w), 0);
}

#define BLIT_EDGE_VA 0x500000000ULL /* two mapped pages, then nothing */

/*
 * Blits through the PPGTT near the end of what the guest mapped: fills
 * and copies (as destination and as source), one row and several rows a
 * page apart, ending anywhere from 16 bytes before to 4 after the last
 * mapped byte.  Each is refused or runs without a single GPU fault: a
 * fault after approval would be the GPU touching a page the scanner did
 * not approve (the shadow PPGTT maps only the guest's own frames, so the
 * PPGTT variant of the mismatch shows as a fault, not a foreign write).
 */
static void test_blit_edges_ppgtt(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	u64 end = BLIT_EDGE_VA + 2 * 4096, faults;
	u32 cmd[XY_SRC_COPY_BLT_LEN], rows, kind, runs = 0, refusals = 0;
	s32 d;

	wl_ppgtt_map(a, BLIT_EDGE_VA, wl_page(a));
	wl_ppgtt_map(a, BLIT_EDGE_VA + 4096, wl_page(a));
	victims(h);
	for (kind = 0; kind < 3; kind++) {
		for (rows = 1; rows <= 2; rows++) {
			for (d = -16; d <= 4; d++) {
				/* 2 pixels of 4 bytes; the last row ends at end + d. */
				u64 last = end + (u64)(s64)d - 8;
				u64 base = last - (u64)(rows - 1) * 4096;
				u64 far = BLIT_EDGE_VA; /* the other surface */
				bool copy = kind != 0;
				u64 dst = kind == 2 ? far : base;
				u64 src = kind == 2 ? base : far;

				vgpu_reset(a->v);
				wl_reinit(a);
				cmd[0] = (copy ? XY_SRC_COPY_BLT_CMD :
						 XY_COLOR_BLT_CMD) |
					 BLT_WRITE_RGBA |
					 ((copy ? XY_SRC_COPY_BLT_LEN :
						  XY_COLOR_BLT_LEN) -
					  2);
				cmd[1] = BR13_DEPTH_32 | 4096 |
					 (copy ? BLT_ROP_SRCCOPY :
						 BLT_ROP_PATCOPY);
				cmd[2] = 0;
				cmd[3] = rows << 16 | 2;
				cmd[4] = (u32)dst;
				cmd[5] = (u32)(dst >> 32);
				cmd[6] = copy ? 0 : 0x0badb1d0;
				cmd[7] = 4096;
				cmd[8] = (u32)src;
				cmd[9] = (u32)(src >> 32);
				faults = h->w->gpu.stats.faults;
				wl_emit(a, XENGT_BCS, cmd,
					copy ? XY_SRC_COPY_BLT_LEN :
					       XY_COLOR_BLT_LEN);
				wl_submit(a, XENGT_BCS);
				if (!a->v->failsafe &&
				    h->w->gpu.stats.faults != faults)
					fail_msg(
						"blit kind %u, %u rows, end %+d: approved, then the GPU faulted",
						kind, rows, d);
				if (a->v->failsafe)
					refusals++;
				else
					runs++;
			}
		}
	}
	assert_true(runs > 0);
	assert_true(refusals > 0);
	vgpu_reset(a->v);
	wl_reinit(a);
	victims(h);
}

static void test_lri_not_whitelisted(void **state)
{
	struct hs *h = *state;
	/* Repoint the render engine's status page: the core's. */
	u32 cmd[3] = { MI_LOAD_REGISTER_IMM(1), GEN9_RCS_BASE + RING_HWS_PGA,
		       (u32)h->g[1].v->low_gm_base };

	attack_ring(h, XENGT_RCS, cmd, 3, "not a per-context register");
}

static void test_endless_chain(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	u64 bb = WL_DATA_VA + 0x20000, bb_gpa = wl_page(a);
	u32 *p = wl_ram32(a, bb_gpa);
	u32 cmd[3] = { MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT, (u32)bb,
		       (u32)(bb >> 32) };

	wl_ppgtt_map(a, bb, bb_gpa);
	/* The batch jumps to itself, forever. */
	p[0] = MI_NOOP;
	p[1] = MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT;
	p[2] = (u32)bb;
	p[3] = (u32)(bb >> 32);
	attack_ring(h, XENGT_RCS, cmd, 3, "endless chain");
}

static void test_self_referencing_ppgtt(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	u64 root = wl_page(a), before, i;
	u32 cmd[4];

	victims(h);
	/* Every entry of the root points at the root itself. */
	for (i = 0; i < 512; i++)
		wl_pt_write(a, root + i * 8, root | 3);
	wl_set_ctx_reg(a, XENGT_RCS, CTX_PDP0_LDW, (u32)root);
	before = wl_phys_submits(h->w);
	/* Address 0 resolves through the loop to the root page itself. */
	wl_sdi(cmd, 0x40, 0x5e1f);
	wl_emit(a, XENGT_RCS, cmd, 4);
	wl_submit(a, XENGT_RCS);
	/* It ran, on its own page, with at most one shadow per level. */
	assert_false(a->v->failsafe);
	assert_int_equal(wl_phys_submits(h->w), before + 1);
	assert_int_equal(wl_ram32(a, root)[0x10], 0x5e1f);
	assert_true(a->v->ppgtt.nr_spt <= 4 + 4); /* + the normal tables */
	victims(h);
	/* A write through the trap to the looped table: still bounded. */
	wl_pt_write(a, root + 8, 0);
	wl_emit(a, XENGT_RCS, cmd, 4);
	wl_submit(a, XENGT_RCS);
	assert_false(a->v->failsafe);
	victims(h);
}

static void test_forged_root(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	/* The machine address of a victim page, as a root. */
	u64 forged = h->g[1].wv->vm->p2m[h->data_gpa[1] >> 12] << 12;
	u32 cmd[4];

	if (forged < WORLD_VM_RAM)
		forged += 0x40000000ULL; /* make sure it is not its own RAM */
	wl_set_ctx_reg(a, XENGT_RCS, CTX_PDP0_LDW, (u32)forged);
	wl_set_ctx_reg(a, XENGT_RCS, CTX_PDP0_UDW, (u32)(forged >> 32));
	wl_sdi(cmd, WL_DATA_VA, 0xbad);
	attack_ring(h, XENGT_RCS, cmd, 4, "not the guest's memory");
}

static void test_garbage_elsp(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	static const u64 garbage[][2] = {
		{ 0xdeadbeefdeadbeefULL, 0 },
		{ 0, 0x1234567812345679ULL }, /* element 0 not valid */
		{ 0x00000001ffff0019ULL, 0 }, /* LRCA far outside */
	};
	u64 before;
	u32 i;

	victims(h);
	for (i = 0; i < xengt_array_size(garbage); i++) {
		before = wl_phys_submits(h->w);
		vgpu_reset(a->v);
		wl_elsp(a, XENGT_RCS, garbage[i][0], garbage[i][1]);
		refused(h, before, "ELSP");
		assert_int_equal(workload_vgpu_queued(a->v), 0);
	}
	/* Victim's context descriptor from the attacker: not its memory. */
	vgpu_reset(a->v);
	before = wl_phys_submits(h->w);
	wl_elsp(a, XENGT_BCS, wl_desc(&h->g[1].ctx[XENGT_BCS]), 0);
	refused(h, before, "outside the vGPU's graphics memory");
}

static void test_reset_mid_workload(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0], *v = &h->g[1];
	u32 *vdata = wl_ram32(v, h->data_gpa[1]);
	u32 cmd[4], k;

	xengt_sched_pause(h->w->gvt, true);
	for (k = 0; k < 40; k++) {
		wl_sdi(cmd, WL_DATA_VA + 0x100, k + 1);
		wl_emit(a, XENGT_RCS, cmd, 4);
		wl_submit(a, XENGT_RCS);
		wl_sdi(cmd, WL_DATA_VA + 0x200, k + 1);
		wl_emit(v, XENGT_RCS, cmd, 4);
		wl_submit(v, XENGT_RCS);
	}
	assert_int_equal(workload_vgpu_queued(a->v), 40);
	/* Part of both queues runs, then the attacker is reset. */
	xengt_sched_run(h->w->gvt, 1500);
	assert_true(workload_vgpu_queued(a->v) > 0 &&
		    workload_vgpu_queued(a->v) < 40);
	vgpu_reset(a->v);
	assert_int_equal(workload_vgpu_queued(a->v), 0);
	assert_int_equal(a->v->ppgtt.nr_spt, 0);
	assert_int_equal(a->wv->vm->nr_wp, 0);
	assert_true(a->v->exec_stats.workloads_dropped > 0);
	xengt_sched_pause(h->w->gvt, false);
	xengt_sched_run(h->w->gvt, 0);
	/*
	 * Unpaused, the dispatchers run too: the last completion may still
	 * be finishing when xengt_sched_run() returns (TSan saw the read of
	 * workloads_done race with it).  Drain waits until it is done.
	 */
	xengt_gvt_drain(h->w->gvt);
	/* Every one of the victim's 40 workloads ran, in order. */
	assert_int_equal(workload_vgpu_queued(v->v), 0);
	assert_int_equal(vdata[0x200 / 4], 40);
	assert_int_equal(v->v->exec_stats.workloads_done, 40);
	victims(h);
}

/*
 * Time-of-check to time-of-use: the guest changes commands after the core
 * scanned them.  The GPU runs the copies the scanner read, so what it
 * writes afterwards never runs.  The command the attacker sneaks in:
 * repoint the render engine's status page (the core's) at its own memory.
 */
#define SNEAK_DWORDS 4

static void sneak_lri(u32 *p, u32 val)
{
	p[0] = MI_LOAD_REGISTER_IMM(1);
	p[1] = GEN9_RCS_BASE + RING_HWS_PGA;
	p[2] = val;
	p[3] = MI_NOOP;
}

static u32 phys_hws_pga(struct hs *h)
{
	return sim_gpu_reg_read(&h->w->gpu, GEN9_RCS_BASE + RING_HWS_PGA);
}

/* The sneaked LRI did not run, the attack's other work did, no failsafe. */
static void sneak_had_no_effect(struct hs *h, u64 submits)
{
	struct wl_guest *a = &h->g[0];

	assert_false(a->v->failsafe);
	assert_int_equal(wl_phys_submits(h->w), submits + 1);
	/* Still the core's status page, where the completion was read. */
	assert_int_equal(phys_hws_pga(h),
			 (u32)h->w->gpu.host[XENGT_RCS].hwsp_gm);
	assert_int_equal(h->w->gpu.engines[SIM_RCS].last_err, 0);
	assert_int_equal(wl_csb_last(a, XENGT_RCS),
			 GEN8_CTX_STATUS_COMPLETE |
				 GEN8_CTX_STATUS_ACTIVE_IDLE);
	assert_int_equal(wl_ctx_reg(a, XENGT_RCS, CTX_RING_HEAD),
			 a->ctx[XENGT_RCS].tail);
	victims(h);
}

/*
 * A batch that rewrites itself on the GPU: its first store puts the LRI
 * over the NOOPs it will reach next.  In guest memory the batch was clean
 * when scanned; on the shadow copy the stores land in the guest's page,
 * not in what runs.
 */
static void test_batch_rewrites_itself(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	u64 gpa = wl_page(a), gm = wl_map_ggtt(a, gpa);
	u32 *bb = wl_ram32(a, gpa), lri[SNEAK_DWORDS], i;
	u32 ring[3] = { MI_BATCH_BUFFER_START_GEN8, (u32)gm, 0 };
	u64 before;

	victims(h);
	sneak_lri(lri, (u32)h->g[1].v->low_gm_base);
	/* Two qword stores (GGTT, privileged batch) into bb[16..19]. */
	for (i = 0; i < 2; i++) {
		bb[5 * i] = (MI_STORE_DWORD_IMM_GEN4 | MI_USE_GGTT) + 1;
		bb[5 * i + 1] = (u32)(gm + 64 + 8 * i);
		bb[5 * i + 2] = 0;
		bb[5 * i + 3] = lri[2 * i];
		bb[5 * i + 4] = lri[2 * i + 1];
	}
	/* bb[10..19] stay MI_NOOP in the scanned copy. */
	bb[20] = MI_BATCH_BUFFER_END;
	before = wl_phys_submits(h->w);
	wl_emit(a, XENGT_RCS, ring, 3);
	wl_submit(a, XENGT_RCS);
	/* The stores ran: the guest's batch now holds the LRI... */
	for (i = 0; i < SNEAK_DWORDS; i++)
		assert_int_equal(bb[16 + i], lri[i]);
	/* ...but what ran was the copy. */
	sneak_had_no_effect(h, before);
	/* Scanned as it is now, the batch is refused. */
	attack_ring(h, XENGT_RCS, ring, 3, "not a per-context register");
}

/* A batch that rewrites the rest of the ring slice it was started from. */
static void test_batch_rewrites_ring(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	struct wl_ctx *c = &a->ctx[XENGT_RCS];
	u64 gpa = wl_page(a), gm = wl_map_ggtt(a, gpa);
	u32 *bb = wl_ram32(a, gpa), lri[SNEAK_DWORDS], i;
	/* Batch start, then four NOOPs the batch turns into the LRI. */
	u32 ring[8] = { MI_BATCH_BUFFER_START_GEN8, (u32)gm, 0 };
	u64 sneak = c->ring_gm + (c->tail + 12) % (WL_RING_PAGES * 4096);
	u64 before;

	victims(h);
	sneak_lri(lri, (u32)h->g[2].v->low_gm_base);
	for (i = 0; i < SNEAK_DWORDS; i++) {
		bb[4 * i] = MI_STORE_DWORD_IMM_GEN4 | MI_USE_GGTT;
		bb[4 * i + 1] = (u32)(sneak + 4 * i);
		bb[4 * i + 2] = 0;
		bb[4 * i + 3] = lri[i];
	}
	bb[16] = MI_BATCH_BUFFER_END;
	before = wl_phys_submits(h->w);
	wl_emit(a, XENGT_RCS, ring, 8);
	wl_submit(a, XENGT_RCS);
	for (i = 0; i < SNEAK_DWORDS; i++) {
		u32 off = (u32)(sneak - c->ring_gm) + 4 * i;

		assert_int_equal(
			wl_ram32(a, c->ring_gpa[off / 4096])[(off % 4096) / 4],
			lri[i]);
	}
	sneak_had_no_effect(h, before);
}

/*
 * A second vCPU: the guest rewrites its batch and ring in RAM after the
 * scan, just before the physical submission (a hook on the core's fourth
 * ELSP write stands in for the racing vCPU).
 */
static struct {
	const struct xengt_gpu_ops *ops;
	u32 *poke[2]; /* guest dwords to overwrite with the LRI */
	u32 val;
	u32 fired;
} race;

static int race_submit(struct xengt_gpu *gpu, u32 engine,
		       const struct xengt_gpu_ctx *ctx)
{
	u32 k;

	if (engine == XENGT_RCS) {
		race.fired++;
		for (k = 0; k < 2; k++)
			sneak_lri(race.poke[k], race.val);
	}
	return race.ops->submit(gpu, engine, ctx);
}

static void test_race_after_scan(void **state)
{
	struct hs *h = *state;
	struct wl_guest *a = &h->g[0];
	struct wl_ctx *c = &a->ctx[XENGT_RCS];
	struct xengt_gpu_ops racy;
	u64 gpa = wl_page(a), gm = wl_map_ggtt(a, gpa);
	u32 *bb = wl_ram32(a, gpa);
	u32 ring[8] = { MI_BATCH_BUFFER_START_GEN8, (u32)gm, 0 };
	u32 off = (c->tail + 12) % (WL_RING_PAGES * 4096);
	u64 before;

	victims(h);
	bb[8] = MI_BATCH_BUFFER_END; /* bb[0..7]: NOOPs when scanned */
	race.ops = h->w->gpu.base.ops;
	race.fired = 0;
	race.poke[0] = bb + 2;
	race.poke[1] = wl_ram32(a, c->ring_gpa[off / 4096]) + (off % 4096) / 4;
	race.val = (u32)h->g[1].v->low_gm_base;
	racy = *race.ops;
	racy.submit = race_submit;
	h->w->gpu.base.ops = &racy;
	before = wl_phys_submits(h->w);
	wl_emit(a, XENGT_RCS, ring, 8);
	wl_submit(a, XENGT_RCS);
	h->w->gpu.base.ops = race.ops;
	assert_int_equal(race.fired, 1);
	assert_int_equal(bb[2], MI_LOAD_REGISTER_IMM(1));
	sneak_had_no_effect(h, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_foreign_frames, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_batch_outside_partition,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_post_sync_qword_at_partition_end, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_store_index_lands_in_own_pphwsp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_i915_golden_render_state,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_golden_state_aimed_elsewhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edges_every_alignment,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_blit_edges_ppgtt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lri_not_whitelisted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_endless_chain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_self_referencing_ppgtt,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_root, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_garbage_elsp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reset_mid_workload, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_batch_rewrites_itself,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_rewrites_ring, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_race_after_scan, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
