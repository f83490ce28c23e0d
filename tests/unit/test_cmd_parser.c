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
};

#define BB(i) (WL_DATA_VA + 0x10000 + (u64)(i)*4096)
#define LONG_BB 0x200000000ULL

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

	fx_world_free(c->g.w);
	free(c);
	return 0;
}

static int scan(struct ct *c, u32 engine, const u32 *cmd, u32 n)
{
	struct wl_guest *g = &c->g;
	struct cmd_workload w = {
		.engine = engine,
		.ring_start = g->ctx[engine].ring_gm,
		.ring_size = WL_RING_PAGES * 4096,
		.head = g->ctx[engine].tail,
	};
	int ret;

	wl_emit(g, engine, cmd, n);
	w.tail = g->ctx[engine].tail;
	os_mutex_lock(&g->v->lock);
	ret = ppgtt_get_mm(g->v, g->pml4_gpa, &w.mm);
	assert_int_equal(ret, 0);
	ret = cmd_scan(g->v, &w, why, sizeof(why));
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
	expect_reject(c, XENGT_BCS, sidx, 4, "store-index");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
