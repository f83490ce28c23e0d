// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Shadow PPGTT: leaves hold only the guest's frames, trapped writes update
 * the shadow, out-of-sync pages resync before use (and the switch turns
 * them off), teardown frees every page and protection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "wl.h"

static struct ppgtt_mm *get_mm(struct wl_guest *g)
{
	struct ppgtt_mm *mm = NULL;

	os_mutex_lock(&g->v->lock);
	assert_int_equal(ppgtt_get_mm(g->v, g->pml4_gpa, &mm), 0);
	os_mutex_unlock(&g->v->lock);
	return mm;
}

static void test_shadow_and_trapped_updates(void **state)
{
	struct wl_guest *g = *state;
	u64 page = wl_page(g), page2 = wl_page(g), gpa, frees;
	struct ppgtt_mm *mm;

	frees = sim_machine_free_frames(&g->w->machine);
	wl_ppgtt_map(g, WL_DATA_VA, page);
	mm = get_mm(g);
	assert_int_equal(ppgtt_translate(mm, WL_DATA_VA + 4, &gpa), 0);
	assert_int_equal(gpa, page + 4);
	assert_true(sim_vm_gfn_protected(g->wv->vm, g->pml4_gpa >> 12));
	assert_int_equal(g->v->ppgtt.nr_spt, 4);
	/* A trapped PTE write re-points the shadow at once. */
	wl_ppgtt_map(g, WL_DATA_VA, page2);
	assert_int_equal(ppgtt_translate(mm, WL_DATA_VA, &gpa), 0);
	assert_int_equal(gpa, page2);
	/* Not the guest's RAM: not present. */
	wl_ppgtt_map(g, WL_DATA_VA, WORLD_VM_RAM + 0x1000);
	assert_int_equal(ppgtt_translate(mm, WL_DATA_VA, &gpa), -EFAULT);
	assert_true(g->v->ppgtt.stats.bad_entries > 0);
	assert_true(g->v->ppgtt.stats.wp_writes >= 2);
	/* Unhooking the PDP frees its subtree and lifts protection. */
	wl_pt_write(g,
		    g->pml4_gpa +
			    GEN8_PT_INDEX(WL_DATA_VA, GEN8_PML4E_SHIFT) * 8,
		    0);
	assert_int_equal(g->v->ppgtt.nr_spt, 1);
	assert_int_equal(g->wv->vm->nr_wp, 1);
	os_mutex_lock(&g->v->lock);
	ppgtt_vgpu_fini(g->v);
	os_mutex_unlock(&g->v->lock);
	assert_int_equal(g->wv->vm->nr_wp, 0);
	assert_int_equal(sim_machine_free_frames(&g->w->machine), frees);
}

static void churn(struct wl_guest *g, u64 *pages, u32 n, u32 round)
{
	u32 i;

	for (i = 0; i < n; i++)
		wl_ppgtt_map(g, WL_DATA_VA + i * 4096ULL,
			     pages[(i + round) % n]);
}

static void oos_run(struct wl_guest *g, bool oos)
{
	struct ppgtt_mm *mm;
	u64 pages[32], gpa;
	u32 i, r;

	for (i = 0; i < 32; i++)
		pages[i] = wl_page(g);
	os_mutex_lock(&g->v->lock);
	ppgtt_set_oos(g->v, oos);
	os_mutex_unlock(&g->v->lock);
	churn(g, pages, 32, 0);
	mm = get_mm(g);
	for (r = 1; r < 4; r++) {
		churn(g, pages, 32, r);
		mm = get_mm(g); /* resyncs before "submission" */
		for (i = 0; i < 32; i++) {
			assert_int_equal(
				ppgtt_translate(mm, WL_DATA_VA + i * 4096ULL,
						&gpa),
				0);
			assert_int_equal(gpa, pages[(i + r) % 32]);
		}
	}
}

static void test_out_of_sync(void **state)
{
	struct wl_guest *g = *state;

	oos_run(g, true);
	assert_true(g->v->ppgtt.stats.oos_pages > 0);
	assert_true(g->v->ppgtt.stats.oos_resyncs > 0);
}

static void test_out_of_sync_off(void **state)
{
	struct wl_guest *g = *state;

	oos_run(g, false);
	assert_int_equal(g->v->ppgtt.stats.oos_pages, 0);
}

/*
 * The admin's switch (xengt_vgpu_set_ppgtt_oos(), the public API): off
 * resyncs and protects every out-of-sync page at once, after which each
 * PTE write traps; the snapshot says which; a reset keeps the setting.
 */
static void test_out_of_sync_switch(void **state)
{
	struct wl_guest *g = *state;
	struct xengt_vgpu_info in;
	struct ppgtt_mm *mm;
	u64 pages[32], gpa, wp, traps;
	u32 i;

	xengt_vgpu_snapshot(g->v, &in);
	assert_true(in.ppgtt_oos); /* the default */
	for (i = 0; i < 32; i++)
		pages[i] = wl_page(g);
	churn(g, pages, 32, 0);
	get_mm(g);
	churn(g, pages, 32, 1);
	assert_non_null(g->v->ppgtt.oos_list);
	wp = g->wv->vm->nr_wp;
	xengt_vgpu_set_ppgtt_oos(g->v, false);
	assert_null(g->v->ppgtt.oos_list);
	assert_int_equal(g->wv->vm->nr_wp, wp + 1); /* the leaf, again */
	xengt_vgpu_snapshot(g->v, &in);
	assert_false(in.ppgtt_oos);
	/* Off: every PTE write traps, and the shadow is current at once. */
	traps = g->v->ppgtt.stats.wp_writes;
	churn(g, pages, 32, 2);
	assert_int_equal(g->v->ppgtt.stats.wp_writes, traps + 32);
	mm = get_mm(g);
	for (i = 0; i < 32; i++) {
		assert_int_equal(
			ppgtt_translate(mm, WL_DATA_VA + i * 4096ULL, &gpa), 0);
		assert_int_equal(gpa, pages[(i + 2) % 32]);
	}
	/* A reset keeps the admin's setting; on again is on. */
	vgpu_reset(g->v);
	xengt_vgpu_snapshot(g->v, &in);
	assert_false(in.ppgtt_oos);
	xengt_vgpu_set_ppgtt_oos(g->v, true);
	xengt_vgpu_snapshot(g->v, &in);
	assert_true(in.ppgtt_oos);
}

static void test_limits(void **state)
{
	struct wl_guest *g = *state;
	struct ppgtt_mm *mm;
	u64 i;

	/* More tables than a vGPU may have shadowed. */
	for (i = 0; i < PPGTT_MAX_SPT + 8; i++)
		wl_ppgtt_map(g, i << GEN8_PDE_SHIFT, wl_page(g));
	os_mutex_lock(&g->v->lock);
	assert_int_equal(ppgtt_get_mm(g->v, g->pml4_gpa, &mm), -ENOSPC);
	assert_true(g->v->ppgtt.nr_spt <= PPGTT_MAX_SPT);
	/* Not guest RAM as a root. */
	assert_int_equal(ppgtt_get_mm(g->v, WORLD_VM_RAM, &mm), -EFAULT);
	os_mutex_unlock(&g->v->lock);
	vgpu_reset(g->v);
	assert_int_equal(g->v->ppgtt.nr_spt, 0);
	assert_int_equal(g->wv->vm->nr_wp, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shadow_and_trapped_updates,
						wl_setup_one, wl_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_sync, wl_setup_one,
						wl_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_sync_off,
						wl_setup_one, wl_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_sync_switch,
						wl_setup_one, wl_teardown),
		cmocka_unit_test_setup_teardown(test_limits, wl_setup_one,
						wl_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
