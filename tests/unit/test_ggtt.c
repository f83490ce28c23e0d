// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Shadow GGTT: guest entries inside the partition are translated GFN -> MFN
 * into the physical GGTT; anything else never reaches it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "fixture.h"

static const char *const two_vms[] = { "xengt_8", "xengt_4", NULL };

static int setup(void **state)
{
	*state = fx_world(two_vms);
	return 0;
}

static int teardown(void **state)
{
	fx_world_free(*state);
	return 0;
}

static u64 gtt_off(u64 gm)
{
	return VGPU_GGTT_OFFSET + (gm >> 12) * 8;
}

static u64 *snapshot_ggtt(struct world *w)
{
	size_t bytes = (size_t)w->gpu.ggtt_entries * 8;
	u64 *s = malloc(bytes);

	memcpy(s, w->gpu.ggtt, bytes);
	return s;
}

static void test_entry_translated(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u64 gm = v->low_gm_base + 5 * 4096, gpa = 0x345000;
	u64 pte, mfn = sim_vm_of(v->vm)->p2m[gpa >> 12];

	assert_int_not_equal(mfn, gpa >> 12); /* the simulation scatters */
	fx_wr64(v, gtt_off(gm), gpa | 0x3);
	pte = w->gpu.ggtt[gm >> 12];
	assert_int_equal(pte, (mfn << 12) | 0x3);
	/* The guest reads back its own value, not the machine frame. */
	assert_int_equal(fx_rd64(v, gtt_off(gm)), gpa | 0x3);
	/* High slice too. */
	gm = v->high_gm_base + v->high_gm_size - 4096;
	fx_wr64(v, gtt_off(gm), gpa | 1);
	assert_int_equal(w->gpu.ggtt[gm >> 12], (mfn << 12) | 1);
	assert_int_equal(v->stats.ggtt_writes, 2);
}

static void test_outside_partition_changes_nothing(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu, *other = w->vms[1].vgpu;
	u64 *before = snapshot_ggtt(w);
	u64 targets[] = {
		0, /* host */
		v->low_gm_base - 4096,
		v->low_gm_base + v->low_gm_size,
		v->high_gm_base - 4096,
		v->high_gm_base + v->high_gm_size,
		other->low_gm_base,
		other->high_gm_base + 4096,
		SIM_GPU_GM_SIZE - 4096,
	};
	u32 i;

	for (i = 0; i < xengt_array_size(targets); i++) {
		fx_wr64(v, gtt_off(targets[i]), 0x1000 | 1);
		fx_wr32(v, gtt_off(targets[i]), 0x1001);
		fx_wr32(v, gtt_off(targets[i]) + 4, 0);
		assert_int_equal(fx_rd64(v, gtt_off(targets[i])), 0);
	}
	assert_memory_equal(before, w->gpu.ggtt,
			    (size_t)w->gpu.ggtt_entries * 8);
	assert_int_equal(v->stats.ggtt_dropped, 3 * xengt_array_size(targets));
	assert_int_equal(v->stats.ggtt_writes, 0);
	free(before);
}

static void test_bad_entries_not_present(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u64 gm = v->low_gm_base;
	u64 idx = gm >> 12;

	/* Valid first, so each bad write must actively clear it. */
	fx_wr64(v, gtt_off(gm), 0x2000 | 1);
	assert_true(w->gpu.ggtt[idx] & 1);
	/* Frame past guest RAM. */
	fx_wr64(v, gtt_off(gm), (WORLD_VM_RAM + 0x1000) | 1);
	assert_int_equal(w->gpu.ggtt[idx], 0);
	fx_wr64(v, gtt_off(gm), 0x2000 | 1);
	/* Reserved bits above the 39-bit address. */
	fx_wr64(v, gtt_off(gm), (1ULL << 45) | 0x2000 | 1);
	assert_int_equal(w->gpu.ggtt[idx], 0);
	fx_wr64(v, gtt_off(gm), 0x2000 | 1);
	/* Not present. */
	fx_wr64(v, gtt_off(gm), 0x2000);
	assert_int_equal(w->gpu.ggtt[idx], 0);
	assert_int_equal(v->stats.ggtt_bad_pte, 2);
}

static void test_half_writes(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[1].vgpu;
	u64 gm = v->high_gm_base + 7 * 4096;
	u64 mfn = sim_vm_of(v->vm)->p2m[0x10];

	fx_wr32(v, gtt_off(gm) + 4, 0);
	fx_wr32(v, gtt_off(gm), 0x10001);
	assert_int_equal(w->gpu.ggtt[gm >> 12], (mfn << 12) | 1);
	/* Sub-dword or unaligned GGTT accesses are refused. */
	{
		u16 h = 0xffff;

		assert_int_equal(vgpu_mmio_write(v, gtt_off(gm), 2, &h),
				 -EINVAL);
		assert_int_equal(vgpu_mmio_write(v, gtt_off(gm) + 4, 8, &mfn),
				 -EINVAL);
	}
	assert_int_equal(w->gpu.ggtt[gm >> 12], (mfn << 12) | 1);
}

static void test_reset_and_destroy_clear_physical(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u64 lo = v->low_gm_base >> 12, hi = v->high_gm_base >> 12;

	fx_wr64(v, gtt_off(v->low_gm_base), 0x3000 | 1);
	fx_wr64(v, gtt_off(v->high_gm_base), 0x3000 | 1);
	vgpu_reset(v);
	assert_int_equal(w->gpu.ggtt[lo], 0);
	assert_int_equal(w->gpu.ggtt[hi], 0);
	assert_int_equal(fx_rd64(v, gtt_off(v->low_gm_base)), 0);
	fx_wr64(v, gtt_off(v->low_gm_base), 0x3000 | 1);
	vgpu_destroy(v);
	w->vms[0].vgpu = NULL;
	assert_int_equal(w->gpu.ggtt[lo], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entry_translated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_outside_partition_changes_nothing, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bad_entries_not_present,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_writes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_reset_and_destroy_clear_physical, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
