// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual interrupts: a completed workload sets the context-switch IIR bit
 * (unless the engine's RING_IMR or the bank's IMR masks it), the master
 * reports it, and an MSI reaches the guest only with IER, the master and
 * the MSI capability all enabled.
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
	/* As i915 with a waiter: user and context-switch interrupts. */
	fx_wr32(g->v, GEN9_RCS_BASE + RING_IMR, wl_ring_imr_waiting(XENGT_RCS));
	return 0;
}

static void work_on(struct wl_guest *g, u32 engine, bool user_irq)
{
	u32 cmd[6];

	wl_sdi(cmd, WL_DATA_VA, 1);
	cmd[4] = user_irq ? MI_USER_INTERRUPT : MI_NOOP;
	cmd[5] = MI_NOOP;
	wl_emit(g, engine, cmd, 6);
	wl_submit(g, engine);
	assert_false(g->v->failsafe);
}

static void work(struct wl_guest *g, bool user_irq)
{
	work_on(g, XENGT_RCS, user_irq);
}

static void msi_on(struct vgpu *v)
{
	fx_cfg_wr(v, VGPU_CAP_MSI + 4, 4, 0xfee00000);
	fx_cfg_wr(v, VGPU_CAP_MSI + 12, 2, 0x4041);
	fx_cfg_wr(v, VGPU_CAP_MSI + 2, 2, 0x0001);
}

/*
 * RING_IMR masks the engine's events before the GT bank sees them, with
 * the bits where the engine's sit in its bank: what i915 6.1 writes
 * (~irq_keep_mask with no waiter, ~(enable | keep) with one).  The GT
 * IMR/IER alone let everything through, as i915 programs them.  Before
 * RING_IMR was honoured, its all-masked power-on value let a completion
 * set the IIR and send an MSI.
 */
static void test_ring_imr(void **state)
{
	struct wl_guest *g = *state;
	struct vgpu *v = g->v;
	u32 cs = GT_CONTEXT_SWITCH_INTERRUPT, user = GT_RENDER_USER_INTERRUPT;
	u32 all = (cs | user) | (cs | user) << GEN8_BCS_IRQ_SHIFT, e;
	u64 msi0;

	/* Power-on (and device reset): every engine source masked. */
	vgpu_reset(v);
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		assert_int_equal(fx_rd32(v, execlist_engine_base(e) + RING_IMR),
				 RING_IMR_RESET);
	wl_reinit(g);
	wl_ppgtt_map(g, WL_DATA_VA, wl_page(g));
	fx_wr32(v, GEN9_RCS_BASE + RING_IMR, ~0U);
	fx_wr32(v, GEN9_BCS_BASE + RING_IMR, ~0U);
	fx_wr32(v, GEN8_GT_IMR(0), ~all);
	fx_wr32(v, GEN8_GT_IER(0), all);
	fx_wr32(v, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	msi_on(v);
	msi0 = sim_vm_msi_count(g->wv->vm);

	work(g, true);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), 0);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), msi0);
	assert_true(v->irq.ring_masked > 0);

	/* No waiter: context switches only. */
	fx_wr32(v, GEN9_RCS_BASE + RING_IMR, wl_ring_imr_keep(XENGT_RCS));
	work(g, true);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), cs);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), msi0 + 1);
	fx_wr32(v, GEN8_GT_IIR(0), ~0U);

	/* A waiter: the user interrupt too. */
	fx_wr32(v, GEN9_RCS_BASE + RING_IMR, wl_ring_imr_waiting(XENGT_RCS));
	work(g, true);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), cs | user);
	fx_wr32(v, GEN8_GT_IIR(0), ~0U);

	/* The blitter's bits are its bank's upper half, in RING_IMR too. */
	fx_wr32(v, GEN9_BCS_BASE + RING_IMR, ~(cs | user));
	work_on(g, XENGT_BCS, true);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), 0);
	fx_wr32(v, GEN9_BCS_BASE + RING_IMR, wl_ring_imr_keep(XENGT_BCS));
	work_on(g, XENGT_BCS, true);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), cs << GEN8_BCS_IRQ_SHIFT);
	/* One engine's RING_IMR does not mask another's events. */
	fx_wr32(v, GEN8_GT_IIR(0), ~0U);
	fx_wr32(v, GEN9_RCS_BASE + RING_IMR, ~0U);
	work_on(g, XENGT_BCS, false);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), cs << GEN8_BCS_IRQ_SHIFT);
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
	msi_on(v);
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

/*
 * The MSI is the rising edge of the device's interrupt (a bank's IIR & IER,
 * the master on): one per edge, not one per event.  An event while the
 * guest has not yet acknowledged the last one, or an IER that enables a
 * pending bit while another one asserts, sends nothing; its handler reads
 * every asserting bank (i915's gen8_irq_handler, the e2e guest's).  What
 * lights up while the handler has the master off fires when it turns the
 * master back on.  Before, each of those events sent one more MSI, which
 * the guest's handler found with nothing asserted.
 */
static void test_msi_edge(void **state)
{
	struct wl_guest *g = *state;
	struct vgpu *v = g->v;
	u32 cs = GT_CONTEXT_SWITCH_INTERRUPT, user = GT_RENDER_USER_INTERRUPT;
	u32 rcs = cs << GEN8_RCS_IRQ_SHIFT, bcs = cs << GEN8_BCS_IRQ_SHIFT;
	u32 bank1 = cs << GEN8_VCS0_IRQ_SHIFT;

	fx_wr32(v, GEN8_GT_IMR(0), ~(rcs | bcs | user));
	fx_wr32(v, GEN8_GT_IER(0), rcs | bcs | user);
	fx_wr32(v, GEN8_GT_IMR(1), ~bank1);
	fx_wr32(v, GEN8_GT_IER(1), 0);
	fx_wr32(v, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	msi_on(v);

	/* The edge: one MSI. */
	irq_vgpu_raise(v, 0, rcs);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 1);
	/* Still up, not acknowledged: more events, same bit or others. */
	irq_vgpu_raise(v, 0, rcs);
	irq_vgpu_raise(v, 0, bcs);
	irq_engine_raise(v, XENGT_RCS, cs | user);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 1);
	assert_int_equal(fx_rd32(v, GEN8_GT_IIR(0)), rcs | bcs | user);
	/* Another bank latched, then its IER on: the line is already up. */
	irq_vgpu_raise(v, 1, bank1);
	fx_wr32(v, GEN8_GT_IER(1), bank1);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 1);

	/* The handler: master off, acknowledge, an event meanwhile, on. */
	fx_wr32(v, GEN8_MASTER_IRQ, 0);
	fx_wr32(v, GEN8_GT_IIR(0), ~0U);
	fx_wr32(v, GEN8_GT_IIR(1), ~0U);
	irq_vgpu_raise(v, 0, bcs);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 1);
	fx_wr32(v, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 2);
	/* Its handler again, nothing new: master on sends nothing. */
	fx_wr32(v, GEN8_MASTER_IRQ, 0);
	fx_wr32(v, GEN8_GT_IIR(0), ~0U);
	fx_wr32(v, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 2);

	/* All down: the next event is an edge again. */
	irq_vgpu_raise(v, 0, rcs);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 3);
	fx_wr32(v, GEN8_MASTER_IRQ, 0);
	fx_wr32(v, GEN8_GT_IIR(0), ~0U);
	fx_wr32(v, GEN8_MASTER_IRQ, GEN8_MASTER_IRQ_CONTROL);
	/* IER enabling a latched bit with nothing else up: an edge. */
	fx_wr32(v, GEN8_GT_IER(1), 0);
	irq_vgpu_raise(v, 1, bank1);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 3);
	fx_wr32(v, GEN8_GT_IER(1), bank1);
	assert_int_equal(sim_vm_msi_count(g->wv->vm), 4);
	assert_int_equal(v->irq.msi_sent, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_iir_imr_ier_msi, setup,
						wl_teardown),
		cmocka_unit_test_setup_teardown(test_ring_imr, setup,
						wl_teardown),
		cmocka_unit_test_setup_teardown(test_msi_edge, setup,
						wl_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
