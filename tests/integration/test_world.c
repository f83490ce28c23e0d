// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Four simulated VMs run the guest job concurrently on their vGPUs; the
 * GPU then reads everything they mapped.  Every result must verify and no
 * GPU access may touch a frame the requesting VM does not own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"
#include "guest_workload.h"

static const char *const four[] = { "xengt_8", "xengt_4", "xengt_8", "xengt_4",
				    NULL };

static void test_four_vms_verify(void **state)
{
	struct world *w = fx_world(four);
	u32 i;

	(void)state;
	assert_int_equal(world_run_guests(w, 512), 0);
	world_verify(w);
	for (i = 0; i < 4; i++) {
		struct world_vm *v = &w->vms[i];

		if (!v->ok)
			fail_msg("VM %u: %s", i + 1, v->why);
		assert_int_equal(v->ggtt_entries, 1024);
		assert_int_equal(v->vgpu->stats.ggtt_writes, 1024);
		assert_int_equal(v->vgpu->stats.ggtt_dropped, 0);
	}
	assert_int_equal(w->gpu.stats.accesses, 4 * 1024);
	assert_int_equal(w->gpu.stats.foreign, 0);
	assert_int_equal(w->gpu.stats.host_escapes, 0);
	assert_int_equal(w->gpu.stats.faults, 0);
	fx_world_free(w);
}

/*
 * VM 1 turns hostile after the others finished: it aims GGTT entries at
 * VM 2's partition and at frames past its RAM.  VM 2's data must still
 * verify and the GPU must never reach a foreign frame.
 */
static void test_hostile_neighbour(void **state)
{
	struct world *w = fx_world(four);
	struct vgpu *bad, *victim;
	u64 gm, off;
	u32 i;

	(void)state;
	assert_int_equal(world_run_guests(w, 64), 0);
	bad = w->vms[0].vgpu;
	victim = w->vms[1].vgpu;
	for (gm = victim->low_gm_base; gm < victim->low_gm_base + 64 * 4096;
	     gm += 4096) {
		off = VGPU_GGTT_OFFSET + (gm >> 12) * 8;
		fx_wr64(bad, off, 0x1000 | 1);
	}
	/* Its own entries pointing past its RAM, to "machine" addresses. */
	for (i = 0; i < 64; i++) {
		off = VGPU_GGTT_OFFSET + ((bad->low_gm_base >> 12) + i) * 8;
		fx_wr64(bad, off, ((u64)w->vms[1].vm->p2m[i] << 12) | 1);
	}
	assert_int_equal(bad->stats.ggtt_dropped, 64);
	world_verify(w);
	for (i = 1; i < 4; i++)
		assert_true(w->vms[i].ok);
	assert_int_equal(w->gpu.stats.foreign, 0);
	assert_int_equal(w->gpu.stats.host_escapes, 0);
	fx_world_free(w);
}

static const char *const two[] = { "xengt_8", "xengt_4", NULL };

static bool busy_twenty(void *ctx)
{
	u32 *left = ctx;

	return --*left > 0;
}

/*
 * Two VMs each keep two blitter contexts in flight (i915pv_busy_run()):
 * every submission while the other context runs is i915's lite restore
 * of that one plus the new one.  The guest driver moves its execlist
 * ports by the CSB exactly as i915 does, so a PREEMPTED or completion
 * event out of sequence fails the run; every request must verify.
 */
static void test_two_contexts_in_flight(void **state)
{
	struct world *w = fx_world(two);
	u32 i;

	(void)state;
	assert_int_equal(world_run_guests(w, 16), 0);
	for (i = 0; i < 2; i++) {
		struct world_vm *v = &w->vms[i];
		u32 left = 20;
		struct i915pv_busy b = { .keep_going = busy_twenty,
					 .ctx = &left,
					 .seed = 0xb0 + i };

		if (!v->ok)
			fail_msg("VM %u: %s", i + 1, v->why);
		i915pv_pages_init(&v->pages, &v->io, WORLD_WL_RAM,
				  WORLD_VM_RAM);
		if (i915pv_busy_run(&v->dev, &v->pages, &b))
			fail_msg("VM %u: %s", i + 1, v->dev.error);
		assert_int_equal(b.requests, 20);
		assert_false(v->vgpu->failsafe);
		assert_int_equal(v->vgpu->exec_stats.workloads_stale, 0);
	}
	assert_int_equal(w->gpu.stats.foreign, 0);
	assert_int_equal(w->gpu.stats.host_escapes, 0);
	fx_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_four_vms_verify),
		cmocka_unit_test(test_hostile_neighbour),
		cmocka_unit_test(test_two_contexts_in_flight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
