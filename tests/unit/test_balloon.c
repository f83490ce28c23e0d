// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Guest side: probing a vGPU and ballooning exactly as spec/pvinfo.md says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

/* The numbers observed with the stock i915 (spec/i915-guest.md). */
static const struct i915pv_dev spec_example = {
	.ggtt_total = 1ULL << 32,
	.mappable_end = 0x10000000,
	.mappable_base = 0x02000000,
	.mappable_size = 64 << 20,
	.nonmappable_base = 0x20000000,
	.nonmappable_size = 384 << 20,
};

static void test_spec_example_four_ranges(void **state)
{
	struct i915pv_dev d = spec_example;
	const struct i915pv_range want[4] = {
		{ 0x10000000, 0x20000000 },
		{ 0x38000000, 0x100000000ULL },
		{ 0x0, 0x2000000 },
		{ 0x6000000, 0x10000000 },
	};
	int i;

	(void)state;
	assert_int_equal(i915pv_balloon(&d), 0);
	assert_int_equal(d.nr_balloon, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(d.balloon[i].start, want[i].start);
		assert_int_equal(d.balloon[i].end, want[i].end);
	}
	i915pv_deballoon(&d);
	assert_int_equal(d.nr_balloon, 0);
}

static void test_balloon_rejects_bad_pvinfo(void **state)
{
	const struct i915pv_dev good = spec_example;
	struct i915pv_dev d;

	(void)state;
	d = good;
	d.mappable_size = 0x10000000; /* past the aperture */
	assert_int_not_equal(i915pv_balloon(&d), 0);
	d = good;
	d.nonmappable_base = 0x08000000; /* inside the aperture */
	assert_int_not_equal(i915pv_balloon(&d), 0);
	d = good;
	d.nonmappable_size = 0xf0000000; /* past the GGTT */
	assert_int_not_equal(i915pv_balloon(&d), 0);
}

static void test_probe_and_balloon_on_vgpu(void **state)
{
	static const char *const vms[] = { "xengt_8", "xengt_4", NULL };
	struct world *w = fx_world(vms);
	struct world_vm *v = &w->vms[1];
	uint64_t gm;
	int i;

	(void)state;
	assert_int_equal(i915pv_probe(&v->dev, &v->io, SIM_MMIO_HOLE), 0);
	assert_int_equal(v->dev.device_id, 0x1912);
	assert_int_equal(v->dev.bar0_size, 16 << 20);
	assert_int_equal(v->dev.bar2_size, SIM_GPU_APERTURE);
	assert_int_equal(v->dev.ggtt_total, 1ULL << 32);
	assert_int_equal(v->dev.vgt_id, v->vgpu->id);
	assert_int_equal(v->dev.mappable_base, v->vgpu->low_gm_base);
	assert_int_equal(i915pv_balloon(&v->dev), 0);
	/* Exactly what is not ours is reserved... */
	assert_true(i915pv_ballooned(&v->dev, 0, v->vgpu->low_gm_base));
	assert_false(
		i915pv_ballooned(&v->dev, v->vgpu->low_gm_base,
				 v->vgpu->low_gm_base + v->vgpu->low_gm_size));
	assert_false(i915pv_ballooned(&v->dev, v->vgpu->high_gm_base,
				      v->vgpu->high_gm_base +
					      v->vgpu->high_gm_size));
	assert_true(i915pv_ballooned(&v->dev, w->vms[0].vgpu->high_gm_base,
				     w->vms[0].vgpu->high_gm_base + 4096));
	/* ...and allocation stays inside the partition until it is full. */
	for (i = 0; i < 128; i++) {
		assert_int_equal(
			i915pv_gm_alloc(&v->dev, XENGT_MB(1), true, &gm), 0);
		assert_true(ggtt_gm_range_owned(v->vgpu, gm, XENGT_MB(1)));
	}
	assert_int_not_equal(i915pv_gm_alloc(&v->dev, 4096, true, &gm), 0);
	fx_world_free(w);
}

static void test_probe_fails_on_wrong_magic(void **state)
{
	static const char *const vms[] = { "xengt_8", NULL };
	struct world *w = fx_world(vms);
	struct world_vm *v = &w->vms[0];

	(void)state;
	/* A host whose PVINFO is not ours: the guest must refuse it. */
	vgpu_set_vreg32(v->vgpu, VGT_PVINFO_PAGE, 0x12345678);
	assert_int_not_equal(i915pv_probe(&v->dev, &v->io, SIM_MMIO_HOLE), 0);
	assert_non_null(strstr(v->dev.error, "magic"));
	fx_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example_four_ranges),
		cmocka_unit_test(test_balloon_rejects_bad_pvinfo),
		cmocka_unit_test(test_probe_and_balloon_on_vgpu),
		cmocka_unit_test(test_probe_fails_on_wrong_magic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
