// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual execlists: i915's four-dword ELSP writes, CSB events in the
 * guest's status page and registers, ring head written back, and the
 * physical submission tagged with the vGPU id.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "wl.h"

static const char *const one[] = { "xengt_8", NULL };

static int setup(void **state)
{
	struct wl_guest *g = calloc(1, sizeof(*g));

	fx_log_capture();
	wl_init(g, fx_world(one), 0);
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	struct wl_guest *g = *state;

	fx_world_free(g->w);
	free(g);
	return 0;
}

static void test_two_elements(void **state)
{
	struct wl_guest *g = *state;
	u64 data = wl_page(g);
	u32 *hwsp = wl_ram32(g, g->ctx[XENGT_RCS].hwsp_gpa);
	u32 cmd[4], base = GEN9_RCS_BASE;
	u64 d0, d1;

	wl_ppgtt_map(g, WL_DATA_VA, data);
	wl_sdi(cmd, WL_DATA_VA, 0x1234);
	wl_emit(g, XENGT_RCS, cmd, 4);
	/* The same context twice (lite-restore style), ids differ. */
	d0 = wl_desc(&g->ctx[XENGT_RCS]);
	d1 = (d0 & 0xffffffffULL) | 0x777ULL << 32;
	wl_elsp(g, XENGT_RCS, d0, d1);
	assert_false(g->v->failsafe);
	assert_int_equal(wl_ram32(g, data)[0], 0x1234);
	/* IDLE_TO_ACTIVE, COMPLETE|ELEMENT_SWITCH, COMPLETE|ACTIVE_TO_IDLE. */
	assert_int_equal(hwsp[I915_HWS_CSB_WRITE_INDEX], 2);
	assert_int_equal(hwsp[0x10], GEN8_CTX_STATUS_IDLE_ACTIVE);
	assert_int_equal(hwsp[0x11], g->ctx[XENGT_RCS].id);
	assert_int_equal(hwsp[0x12], GEN8_CTX_STATUS_COMPLETE |
					     GEN8_CTX_STATUS_ELEMENT_SWITCH);
	assert_int_equal(hwsp[0x14], GEN8_CTX_STATUS_COMPLETE |
					     GEN8_CTX_STATUS_ACTIVE_IDLE);
	assert_int_equal(hwsp[0x15], 0x777);
	assert_int_equal(fx_rd32(g->v, base + RING_CONTEXT_STATUS_PTR) & 0xf,
			 2);
	assert_int_equal(fx_rd32(g->v, base + RING_CONTEXT_STATUS_BUF_LO(2)),
			 hwsp[0x14]);
	/* Ring head written back = tail; ELSP reads back 0. */
	assert_int_equal(wl_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD),
			 g->ctx[XENGT_RCS].tail);
	assert_int_equal(fx_rd32(g->v, base + RING_ELSP), 0);
	assert_int_equal(g->v->exec_stats.workloads_done, 2);
	/* The GPU's work was attributed to this domain only. */
	assert_true(g->w->gpu.stats.ticks_by_requester[g->wv->vm->domid] > 0);
	assert_int_equal(wl_foreign(g->w), 0);
	/* The guest's driver resets the CSB pointer (masked write). */
	fx_wr32(g->v, base + RING_CONTEXT_STATUS_PTR,
		MASKED_BIT_ENABLE(GEN8_CSB_WRITE_PTR_MASK) & 0x000f0005);
	wl_emit(g, XENGT_RCS, cmd, 4);
	wl_submit(g, XENGT_RCS);
	assert_int_equal(hwsp[I915_HWS_CSB_WRITE_INDEX], 1);
	assert_int_equal(hwsp[0x10], GEN8_CTX_STATUS_IDLE_ACTIVE);
}

static void test_elsp_on_unemulated_engine(void **state)
{
	struct wl_guest *g = *state;
	u64 before = wl_phys_submits(g->w);
	u32 i;

	for (i = 0; i < 4; i++)
		fx_wr32(g->v, GEN9_VCS_BASE + RING_ELSP, 0x1000 | 0x19);
	assert_false(g->v->failsafe);
	assert_int_equal(wl_phys_submits(g->w), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_elements, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_elsp_on_unemulated_engine,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
