// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual interrupts: a completed workload sets the context-switch IIR bit
 * (unless IMR masks it), the master reports it, and an MSI reaches the
 * guest only with IER, the master and the MSI capability all enabled.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "wl.h"

static int setup(void **state)
{
	struct wl_guest *g;

	if (wl_setup_one(state))
		return -1;
	g = *state;
	wl_ppgtt_map(g, WL_DATA_VA, wl_page(g));
	return 0;
}

static void work(struct wl_guest *g, bool user_irq)
{
	u32 cmd[6];

	wl_sdi(cmd, WL_DATA_VA, 1);
	cmd[4] = user_irq ? MI_USER_INTERRUPT : MI_NOOP;
	cmd[5] = MI_NOOP;
	wl_emit(g, XENGT_RCS, cmd, 6);
	wl_submit(g, XENGT_RCS);
	assert_false(g->v->failsafe);
}

static void test_iir_imr_ier_msi(void **state)
{
	struct wl_guest *g = *state;
	struct vgpu *v = g->v;
	u32 cs = GT_CONTEXT_SWITCH_INTERRUPT, user = GT_RENDER_USER_INTERRUPT;

	/* Masked: nothing latches. */
	fx_wr32(v, GEN8_GT_IMR(0), 0xffffffff);
	work(g, false);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), 0);
	/* Unmasked, IER off: latches, no MSI. */
	fx_wr32(v, GEN8_GT_IMR(0), ~(cs | user));
	work(g, true);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), cs | user);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 0);
	/* IER + master on, MSI off in config space: still nothing. */
	fx_wr32(v, GEN8_GT_IER(0), cs | user);
	fx_wr32(v, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	assert_int_equal(fx_rd32(v, GEN8_MASTER_IRQ),
			 GEN8_MASTER_IRQ_CONTROL | GEN8_GT_RCS_IRQ);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 0);
	assert_true(v->irq.msi_disabled > 0);
	/* The guest enables MSI: the next event is delivered. */
	fx_cfg_wr(v, VGPU_CAP_MSI + 4, 4, 0xfee00000);
	fx_cfg_wr(v, VGPU_CAP_MSI + 12, 2, 0x4041);
	fx_cfg_wr(v, VGPU_CAP_MSI + 2, 2, 0x0001);
	fx_wr32(v, GEN8_GT_IIR(0), cs | user); /* W1C */
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), 0);
	assert_int_equal(fx_rd32(v, GEN8_MASTER_IRQ), GEN8_MASTER_IRQ_CONTROL);
	work(g, false);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 1);
	assert_int_equal(g->wv->vm->msi.last_data, 0x4041);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), cs);
	/* Re-enabling the master with work pending fires again. */
	fx_wr32(v, GEN8_MASTER_IRQ, 0);
	fx_wr32(v, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_iir_imr_ier_msi, setup,
						wl_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
