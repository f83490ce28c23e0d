// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The guest driver's workloads natively on the software GPU (the
 * benchmark baseline): each completes and verifies in guest memory, and
 * the GPU touches only the OS's own frames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "native.h"
#include "world.h"

static int setup(void **state)
{
	struct native *n = calloc(1, sizeof(*n));

	assert_int_equal(native_init(n, WORLD_VM_RAM), 0);
	assert_int_equal(native_probe(n), 0);
	assert_true(n->dev.native);
	*state = n;
	return 0;
}

static int teardown(void **state)
{
	native_fini(*state);
	free(*state);
	return 0;
}

static void run_kind(struct native *n, int kind, u32 ops,
		     struct world_wl_result *r)
{
	struct i915pv_pages pages;

	memset(r, 0, sizeof(*r));
	r->wl.kind = kind;
	r->wl.ops = ops;
	r->wl.seed = 0x77;
	i915pv_pages_init(&pages, &n->io, WORLD_WL_RAM, WORLD_VM_RAM);
	world_run_workload(&n->dev, &pages, r, &n->gpu, NATIVE_DOMID, NULL,
			   NULL);
	/* Every page the workload took was given back. */
	assert_int_equal(pages.in_use, 0);
}

static void test_all_workloads(void **state)
{
	struct native *n = *state;
	struct world_wl_result r;
	int kind;

	for (kind = 0; kind < I915PV_WL_COUNT; kind++) {
		run_kind(n, kind, 30, &r);
		if (!r.ok)
			fail_msg("%s", r.why);
		assert_int_equal(r.wl.done, 30);
		assert_true(r.wl.submissions >= 30);
		assert_true(r.gpu_ticks > 0);
	}
	assert_int_equal(n->gpu.stats.foreign, 0);
	assert_int_equal(n->gpu.stats.host_escapes, 0);
	assert_int_equal(n->gpu.stats.faults, 0);
	assert_true(n->gpu.stats.accesses > 0);
	/* ptchurn wrote two PTEs per page per op at least. */
	run_kind(n, I915PV_WL_PTCHURN, 10, &r);
	assert_true(r.wl.pte_writes >= 10 * 2 * I915PV_CHURN_PAGES);
}

/* The checks can fail: a GPU that drops stores is caught. */
static void test_lost_work_is_detected(void **state)
{
	struct native *n = *state;
	struct world_wl_result r;

	/* Misattribute the OS's tag: its accesses turn foreign. */
	sim_gpu_set_tag_owner(&n->gpu, 0, NATIVE_DOMID + 1);
	run_kind(n, I915PV_WL_STORE, 5, &r);
	assert_true(n->gpu.stats.foreign > 0);
	sim_gpu_set_tag_owner(&n->gpu, 0, NATIVE_DOMID);
	/* A watchdog too small for one blit: the workload fails, verified. */
	sim_gpu_set_watchdog(&n->gpu, 1000, 0);
	run_kind(n, I915PV_WL_BLIT, 2, &r);
	assert_false(r.ok);
	assert_non_null(strstr(r.why, "blit"));
	assert_int_equal(n->gpu.engines[SIM_BCS].stats.hangs, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_workloads, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lost_work_is_detected,
						setup, teardown),
	};

	os_log_threshold = OS_LOG_SILENT;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
