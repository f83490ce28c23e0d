// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vGPU lifecycle and resource accounting; fence partitioning.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"
#include "fence.h"
#include "range_alloc.h"

static const char *const no_vms[] = { NULL };

static int setup(void **state)
{
	*state = fx_world(no_vms);
	fx_log_capture();
	return 0;
}

static int teardown(void **state)
{
	fx_world_free(*state);
	return 0;
}

static struct xengt_vgpu_params params(const char *type, u16 domid)
{
	struct xengt_vgpu_params p = { 0 };

	assert_int_equal(vgpu_params_from_type(&p, type), 0);
	p.domid = domid;
	return p;
}

static void assert_host_only(struct xengt_gvt *gvt)
{
	assert_int_equal(gvt->nr_vgpus, 0);
	assert_int_equal(gvt->low_gm.used_units, GVT_HOST_LOW_GM_MB);
	assert_int_equal(gvt->high_gm.used_units, GVT_HOST_HIGH_GM_MB);
	assert_int_equal(gvt->fences.used_units, GVT_HOST_FENCES);
}

static void test_reference_types(void **state)
{
	struct world *w = *state;

	assert_int_equal(vgpu_nr_types, 4);
	assert_non_null(vgpu_type_find("xengt_8"));
	assert_null(vgpu_type_find("xengt_3"));
	/* min((aperture - host low) / low, (hidden - host high) / high) */
	assert_int_equal(vgpu_type_available(w->gvt, vgpu_type_find("xengt_8")),
			 6);
	assert_int_equal(vgpu_type_available(w->gvt, vgpu_type_find("xengt_4")),
			 3);
	assert_int_equal(vgpu_type_available(w->gvt, vgpu_type_find("xengt_2")),
			 1);
	assert_int_equal(vgpu_type_available(w->gvt, vgpu_type_find("xengt_1")),
			 0);
}

static void test_create_destroy_cycles_balance(void **state)
{
	struct world *w = *state;
	struct xengt_vgpu_params a, b;
	struct vgpu *va, *vb;
	u32 i;

	assert_int_equal(
		sim_vm_create(&w->machine, 1, XENGT_MB(1), &w->vms[0].vm), 0);
	w->nr_vms = 1;
	a = params("xengt_8", 1);
	b = params("xengt_4", 2);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(vgpu_create(w->gvt, &a, &va), 0);
		assert_int_equal(vgpu_create(w->gvt, &b, &vb), 0);
		if (i & 1) {
			vgpu_reset(va);
			vgpu_destroy(va);
			vgpu_destroy(vb);
		} else {
			vgpu_destroy(vb);
			vgpu_destroy(va);
		}
	}
	assert_host_only(w->gvt);
	assert_int_equal(range_alloc_largest_free(&w->gvt->low_gm),
			 (SIM_GPU_APERTURE >> 20) - GVT_HOST_LOW_GM_MB);
}

static void test_overcommit_names_resource(void **state)
{
	struct world *w = *state;
	struct vgpu *v[8];
	struct xengt_vgpu_params p;
	u32 i;

	assert_int_equal(
		sim_vm_create(&w->machine, 1, XENGT_MB(1), &w->vms[0].vm), 0);
	w->nr_vms = 1;
	for (i = 0; i < 3; i++) {
		p = params("xengt_4", i + 1);
		assert_int_equal(vgpu_create(w->gvt, &p, &v[i]), 0);
	}
	fx_log_reset();
	p = params("xengt_4", 9);
	assert_int_equal(vgpu_create(w->gvt, &p, &v[3]), -ENOSPC);
	assert_non_null(strstr(fx_log_text(), "not enough low GM (aperture)"));
	/* Nothing leaked by the failed attempt. */
	assert_int_equal(w->gvt->nr_vgpus, 3);
	assert_int_equal(w->gvt->high_gm.used_units,
			 GVT_HOST_HIGH_GM_MB + 3 * 512);

	/* Hidden memory runs out first for a custom shape. */
	vgpu_destroy(v[2]);
	fx_log_reset();
	p = params("xengt_8", 10);
	p.low_gm_mb = 1;
	p.high_gm_mb = 4096;
	assert_int_equal(vgpu_create(w->gvt, &p, &v[3]), -ENOSPC);
	assert_non_null(strstr(fx_log_text(), "not enough high GM (hidden)"));
	assert_int_equal(w->gvt->low_gm.used_units,
			 GVT_HOST_LOW_GM_MB + 2 * 128);

	/* And fences: 32 - 4 (host) - 2 x 4 leaves 20. */
	fx_log_reset();
	p = params("xengt_8", 11);
	p.low_gm_mb = 1;
	p.high_gm_mb = 1;
	p.fences = 21;
	assert_int_equal(vgpu_create(w->gvt, &p, &v[3]), -ENOSPC);
	assert_non_null(strstr(fx_log_text(), "not enough fence registers"));
	p.fences = 20;
	assert_int_equal(vgpu_create(w->gvt, &p, &v[2]), 0);

	for (i = 0; i < 3; i++)
		vgpu_destroy(v[i]);
	assert_host_only(w->gvt);
}

static void test_limits_and_bad_params(void **state)
{
	struct world *w = *state;
	struct vgpu *v[XENGT_MAX_VGPUS + 1];
	struct xengt_vgpu_params p;
	u32 i;

	assert_int_equal(
		sim_vm_create(&w->machine, 1, XENGT_MB(1), &w->vms[0].vm), 0);
	w->nr_vms = 1;
	for (i = 0; i < XENGT_MAX_VGPUS; i++) {
		p = params("xengt_8", i + 1);
		p.low_gm_mb = 8;
		p.high_gm_mb = 8;
		p.fences = 1;
		assert_int_equal(vgpu_create(w->gvt, &p, &v[i]), 0);
		assert_int_equal(v[i]->id, i + 1);
	}
	fx_log_reset();
	p.domid = 100;
	assert_int_equal(vgpu_create(w->gvt, &p, &v[i]), -ENOSPC);
	assert_non_null(strstr(fx_log_text(), "vGPU slots"));
	vgpu_destroy(v[3]);
	/* One vGPU per domain. */
	p.domid = 1;
	assert_int_equal(vgpu_create(w->gvt, &p, &v[3]), -EEXIST);
	p.domid = 4;
	assert_int_equal(vgpu_create(w->gvt, &p, &v[3]), 0);
	assert_int_equal(v[3]->id, 4);

	p.domid = 50;
	p.fences = 0;
	assert_int_equal(vgpu_create(w->gvt, &p, &v[8]), -EINVAL);
	p.fences = 1;
	p.weight = 0;
	assert_int_equal(vgpu_create(w->gvt, &p, &v[8]), -EINVAL);
	p.weight = 17;
	assert_int_equal(vgpu_create(w->gvt, &p, &v[8]), -EINVAL);
	for (i = 0; i < XENGT_MAX_VGPUS; i++)
		vgpu_destroy(v[i]);
	assert_host_only(w->gvt);
}

static u32 phys_fence(struct world *w, u32 n, u32 half)
{
	return w->gpu.regs[(FENCE_REG_GEN6_BASE + 8 * n + 4 * half) / 4];
}

static void test_fences_partitioned(void **state)
{
	struct world *w = *state;
	struct vgpu *v;
	u32 lo, hi;

	assert_int_equal(world_add_vm(w, "xengt_8"), 0);
	v = w->vms[0].vgpu;
	/* A fence over the vGPU's low GM reaches its own physical fence. */
	lo = (u32)v->low_gm_base | FENCE_VALID;
	hi = (u32)(v->low_gm_base + XENGT_MB(1) - 4096);
	fx_wr32(v, FENCE_REG_GEN6_BASE + 8 * 1 + 4, hi);
	fx_wr32(v, FENCE_REG_GEN6_BASE + 8 * 1, lo);
	assert_int_equal(phys_fence(w, v->fence_base + 1, 0), lo);
	assert_int_equal(phys_fence(w, v->fence_base + 1, 1), hi);
	assert_int_equal(fx_rd32(v, FENCE_REG_GEN6_BASE + 8), lo);
	/* A fence over someone else's memory is dropped to invalid. */
	fx_wr32(v, FENCE_REG_GEN6_BASE + 8 * 2 + 4, 0x00100000);
	fx_wr32(v, FENCE_REG_GEN6_BASE + 8 * 2, 0x00000000 | FENCE_VALID);
	assert_int_equal(phys_fence(w, v->fence_base + 2, 0), 0);
	/* Fences past fence_num: not the vGPU's, not even virtually. */
	fx_wr32(v, FENCE_REG_GEN6_BASE + 8 * 4, lo);
	assert_int_equal(fx_rd32(v, FENCE_REG_GEN6_BASE + 8 * 4), 0);
	assert_int_equal(phys_fence(w, v->fence_base + 4, 0), 0);
	assert_int_equal(phys_fence(w, 0, 0), 0);
	assert_int_equal(v->stats.fence_dropped, 2);
	vgpu_reset(v);
	assert_int_equal(phys_fence(w, v->fence_base + 1, 0), 0);
}

static bool vreg_all_zero(const u8 *r)
{
	u32 i;

	for (i = 0; i < VGPU_MMIO_SIZE; i++)
		if (r[i])
			return false;
	return true;
}

/*
 * A destroyed vGPU's register file is kept for the next one: cleared of
 * everything written to it (traps, PVINFO, a fault injected, registers
 * with no descriptor anywhere in the 2 MiB), the next vGPU's power-on
 * state is a fresh one's; a reset clears it the same way.
 */
static void test_register_file_reused_clean(void **state)
{
	static const u32 offs[] = { 0x2000,  0x2030,   0x4000,	 0x44308,
				    0x7fffc, 0x100000, 0x1ff000, 0x1ffffc,
				    0x12340, 0x8ffc };
	struct world *w = *state;
	struct xengt_vgpu_params p = params("xengt_8", 1);
	struct vgpu *v;
	u8 *fresh = malloc(VGPU_MMIO_SIZE), *file;
	u64 seed = 7;
	u32 i;

	assert_non_null(fresh);
	assert_int_equal(
		sim_vm_create(&w->machine, 1, XENGT_MB(1), &w->vms[0].vm), 0);
	w->nr_vms = 1;
	assert_null(w->gvt->spare_vreg);
	assert_int_equal(vgpu_create(w->gvt, &p, &v), 0);
	memcpy(fresh, v->vreg, VGPU_MMIO_SIZE);
	for (i = 0; i < xengt_array_size(offs); i++)
		fx_wr32(v, offs[i], 0xa5a5a5a5 ^ i);
	for (i = 0; i < 200; i++)
		fx_wr32(v, (fx_rand(&seed) % VGPU_MMIO_SIZE) & ~3U,
			(u32)fx_rand(&seed) | 1);
	fx_wr32(v, VGT_PVINFO_PAGE + PVINFO_DISPLAY_READY, 1);
	assert_int_equal(xengt_vgpu_inject_fault(v, XENGT_FAULT_PVINFO_MAGIC),
			 0);
	file = v->vreg;
	vgpu_destroy(v);
	assert_ptr_equal(w->gvt->spare_vreg, file);
	assert_true(vreg_all_zero(file));

	assert_int_equal(vgpu_create(w->gvt, &p, &v), 0);
	assert_ptr_equal(v->vreg, file);
	assert_null(w->gvt->spare_vreg);
	assert_memory_equal(v->vreg, fresh, VGPU_MMIO_SIZE);

	for (i = 0; i < 200; i++)
		fx_wr32(v, (fx_rand(&seed) % VGPU_MMIO_SIZE) & ~3U,
			(u32)fx_rand(&seed) | 1);
	vgpu_vreg_clear(v);
	assert_true(vreg_all_zero(v->vreg));
	for (i = 0; i < VGPU_VREG_PAGES; i++)
		assert_int_equal(v->vreg_dirty[i], 0);
	vgpu_destroy(v);
	free(fresh);
	assert_host_only(w->gvt);
}

/* First fit and the longest free run, one unit at a time. */
static s64 naive_first_fit(const struct range_alloc *ra, u32 count)
{
	u32 u, run = 0;

	for (u = 0; u < ra->nr_units; u++) {
		run = ra->bitmap[u / 64] & (1ULL << (u % 64)) ? 0 : run + 1;
		if (run == count)
			return u + 1 - count;
	}
	return -ENOSPC;
}

static u32 naive_largest(const struct range_alloc *ra)
{
	u32 u, run = 0, best = 0;

	for (u = 0; u < ra->nr_units; u++) {
		run = ra->bitmap[u / 64] & (1ULL << (u % 64)) ? 0 : run + 1;
		if (run > best)
			best = run;
	}
	return best;
}

/* The allocator steps over whole bitmap words: same answers as unit-wise. */
static void test_range_alloc_word_steps(void **state)
{
	static const u32 sizes[] = { 1, 63, 64, 65, 128, 200, 4095 };
	u64 seed = 1;
	u32 s, round;

	(void)state;
	for (s = 0; s < xengt_array_size(sizes); s++) {
		for (round = 0; round < 300; round++) {
			struct range_alloc ra;
			u32 n = sizes[s], u, count;
			u32 density = (u32)(fx_rand(&seed) % 5);
			s64 want;

			assert_int_equal(range_alloc_init(&ra, "t", n), 0);
			/* Long runs of used and free units, and noise. */
			for (u = 0; u < n; u++) {
				bool used =
					density == 4 ?
						fx_rand(&seed) % 2 :
						(u / (64 >> density)) % 3 == 1;

				if (used)
					range_alloc_reserve(&ra, u, 1);
			}
			assert_int_equal(range_alloc_largest_free(&ra),
					 naive_largest(&ra));
			count = 1 + (u32)(fx_rand(&seed) % (n + 1));
			want = naive_first_fit(&ra, count);
			assert_int_equal(range_alloc_get(&ra, count), want);
			if (want >= 0)
				assert_int_equal(
					range_alloc_reserve(&ra, (u32)want, 1),
					-EBUSY);
			range_alloc_fini(&ra);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reference_types, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_create_destroy_cycles_balance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overcommit_names_resource,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits_and_bad_params,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fences_partitioned, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_register_file_reused_clean,
						setup, teardown),
		cmocka_unit_test(test_range_alloc_word_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
