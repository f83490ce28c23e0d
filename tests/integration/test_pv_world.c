// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The PV extension end to end in simulated VMs: the guest driver
 * (guest/i915-pv, guest_pv.c) against the core's host side, through the
 * same world xengt-sim runs.  Every workload must verify in PV mode, next
 * to VMs without PV on the same GPU, and with a host that offers only
 * some caps (the guest falls back cap by cap); the PV paths must really
 * be the ones taken (messages handled, no CSB events for a PV-submitted
 * engine, fewer traps).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "guest_workload.h"

#define ALL_WL "store,blit,ptchurn,bind512"
#define OPS 12

static const char *const one[] = { "xengt_8", NULL };
static const char *const four[] = { "xengt_8", "xengt_4", "xengt_8", "xengt_4",
				    NULL };

static struct world *pv_world(const char *const *types, const char *pv,
			      const char *workloads)
{
	struct world *w = fx_world(types);
	u32 i;

	assert_int_equal(world_parse_workloads(&w->plan, workloads, OPS), 0);
	for (i = 0; i < w->nr_vms; i++) {
		char mode[16];

		world_list_item(pv, i, mode, sizeof(mode));
		w->vms[i].pv_mode = world_pv_parse(mode);
	}
	return w;
}

/* Run, and require every VM and every workload verified. */
static void run_all_ok(struct world *w)
{
	u32 i, k;

	assert_int_equal(world_run_guests(w, 16), 0);
	world_verify(w);
	for (i = 0; i < w->nr_vms; i++) {
		struct world_vm *v = &w->vms[i];

		if (!v->ok)
			fail_msg("VM %u (pv %s): %s", i + 1,
				 world_pv_name(v->pv_mode), v->why);
		for (k = 0; k < w->plan.nr; k++) {
			assert_true(v->wl[k].ok);
			assert_int_equal(v->wl[k].wl.done, OPS);
		}
		assert_false(v->vgpu->failsafe);
		/* PV was torn down: its pages back, the page unregistered. */
		assert_null(v->dev.pv);
		assert_int_equal(v->pages.in_use, 0);
	}
	assert_int_equal(w->gpu.stats.foreign, 0);
	assert_int_equal(w->gpu.stats.host_escapes, 0);
	assert_int_equal(w->gpu.stats.faults, 0);
}

static struct world_wl_result *result(struct world_vm *v, int kind)
{
	u32 k;

	for (k = 0; k < I915PV_WL_COUNT; k++)
		if (v->wl[k].ran && v->wl[k].wl.kind == (u32)kind)
			return &v->wl[k];
	fail_msg("workload %s did not run", i915pv_workload_name(kind));
	return NULL;
}

static u64 csb_events(struct world_vm *v)
{
	return v->vgpu->exec_stats.csb_events;
}

/* One VM, everything PV: all four workloads verify on the PV paths. */
static void test_all_workloads_pv(void **state)
{
	struct world *w = pv_world(one, "on", ALL_WL);
	struct world_vm *v = &w->vms[0];
	struct xengt_vgpu_info info;

	(void)state;
	run_all_ok(w);
	assert_int_equal(v->pv_caps_used, XENGT_PV_CAPS_ALL);
	xengt_vgpu_snapshot(v->vgpu, &info);
	assert_true(info.pv_messages > 0);
	assert_int_equal(info.pv_messages, info.pv_ok);
	assert_true(info.pv_pages_bound > 0);
	assert_true(info.pv_submissions >= 4 * OPS);
	/* PV submission: no CSB event was ever emulated for this guest. */
	assert_int_equal(csb_events(v), 0);
	/* ptchurn bound and unbound every page through PV. */
	assert_true(result(v, I915PV_WL_PTCHURN)->wl.pv_pages >=
		    2ULL * OPS * I915PV_CHURN_PAGES);
	/* Fewer traps: store was 4 ELSP writes per op, now one marker. */
	assert_true(result(v, I915PV_WL_STORE)->traps <= 2ULL * OPS);
	fx_world_free(w);
}

/*
 * PV and trapped guests on one GPU, at once: everything verifies, each
 * guest took its own paths, and no GPU access crossed owners.
 */
static void test_mixed(void **state)
{
	struct world *w = pv_world(four, "on,off,auto,off", ALL_WL);
	u32 i;

	(void)state;
	run_all_ok(w);
	for (i = 0; i < 4; i++) {
		struct world_vm *v = &w->vms[i];
		bool pv = v->pv_mode != WORLD_PV_OFF;
		struct world_wl_result *churn = result(v, I915PV_WL_PTCHURN);
		struct world_wl_result *store = result(v, I915PV_WL_STORE);

		assert_int_equal(v->pv_caps_used, pv ? XENGT_PV_CAPS_ALL : 0);
		assert_int_equal(churn->wl.pv_pages > 0, pv);
		assert_int_equal(csb_events(v) == 0, pv);
		/* Trapped ptchurn traps per PTE; PV rings once per op. */
		if (pv)
			assert_true(churn->traps <= 3ULL * OPS);
		else
			assert_true(churn->traps >=
				    (u64)OPS * I915PV_CHURN_PAGES);
		assert_int_equal(store->traps <= 2ULL * OPS, pv);
	}
	fx_world_free(w);
}

/* Run one VM with the host offering @offer; the guest asks with @mode. */
static struct world *offered(u32 offer, const char *mode)
{
	struct world *w = pv_world(one, mode, ALL_WL);

	assert_int_equal(xengt_vgpu_set_pv_offer(w->vms[0].vgpu, offer), 0);
	return w;
}

/* Per cap: PV where offered, trapped elsewhere, every workload verified. */
static void check_fallback(u32 offer)
{
	struct world *w = offered(offer, "auto");
	struct world_vm *v = &w->vms[0];
	struct xengt_vgpu_info info;
	u64 pv_pages = 0;
	u32 k;

	run_all_ok(w);
	assert_int_equal(v->pv_caps_used, offer);
	xengt_vgpu_snapshot(v->vgpu, &info);
	for (k = 0; k < w->plan.nr; k++)
		pv_pages += v->wl[k].wl.pv_pages;
	/* PPGTT bound by message only when offered. */
	assert_int_equal(pv_pages > 0, !!(offer & XENGT_PV_CAP_PPGTT));
	assert_int_equal(info.pv_pages_bound > 0,
			 !!(offer & (XENGT_PV_CAP_PPGTT | XENGT_PV_CAP_GGTT)));
	/* Submission through the area only when offered: else the CSB. */
	assert_int_equal(csb_events(v) == 0,
			 !!(offer & XENGT_PV_CAP_SUBMISSION));
	assert_int_equal(info.pv_submissions > 0,
			 !!(offer & XENGT_PV_CAP_SUBMISSION));
	if (!offer) {
		assert_int_equal(info.pv_messages, 0);
		assert_false(v->dev.caps & XENGT_VGT_CAPS_PV);
	}
	fx_world_free(w);
}

static void test_offer_none(void **state)
{
	(void)state;
	check_fallback(0);
}

static void test_offer_ppgtt_only(void **state)
{
	(void)state;
	check_fallback(XENGT_PV_CAP_PPGTT);
}

static void test_offer_submission_only(void **state)
{
	(void)state;
	check_fallback(XENGT_PV_CAP_SUBMISSION);
}

static void test_offer_ggtt_only(void **state)
{
	(void)state;
	check_fallback(XENGT_PV_CAP_GGTT);
}

/* --pv=on with a host that does not offer everything: a clear failure. */
static void test_on_needs_the_offer(void **state)
{
	struct world *w = offered(XENGT_PV_CAP_PPGTT, "on");
	struct world_vm *v = &w->vms[0];

	(void)state;
	assert_int_equal(world_run_guests(w, 16), 0);
	assert_false(v->ok);
	assert_non_null(strstr(v->why, "--pv=on"));
	assert_non_null(strstr(v->why, "0x1"));
	/* It ran nothing, and gave PV back. */
	assert_false(v->wl[0].ran);
	assert_null(v->dev.pv);
	fx_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_workloads_pv),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_offer_none),
		cmocka_unit_test(test_offer_ppgtt_only),
		cmocka_unit_test(test_offer_submission_only),
		cmocka_unit_test(test_offer_ggtt_only),
		cmocka_unit_test(test_on_needs_the_offer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
