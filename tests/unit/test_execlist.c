// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual execlists: i915's four-dword ELSP writes, CSB events in the
 * guest's status page and registers, ring head written back, and the
 * physical submission tagged with the vGPU id; the GPU fetching commands
 * only from the core's shadow copies, and those copies' lifetime.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>

#include "wl.h"

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
	assert_true(g->w->gpu.stats.ticks_by_requester[g->wv->vm->base.domid] >
		    0);
	assert_int_equal(wl_foreign(g->w), 0);
	/* The guest's driver resets the CSB pointer (masked write). */
	fx_wr32(g->v, base + RING_CONTEXT_STATUS_PTR,
		MASKED_BIT_ENABLE(GEN8_CSB_WRITE_PTR_MASK) & 0x000f0005);
	wl_emit(g, XENGT_RCS, cmd, 4);
	wl_submit(g, XENGT_RCS);
	assert_int_equal(hwsp[I915_HWS_CSB_WRITE_INDEX], 1);
	assert_int_equal(hwsp[0x10], GEN8_CTX_STATUS_IDLE_ACTIVE);
}

/*
 * A driver that re-initialises an engine (new status page) resumes the CSB
 * from the write pointer it then reads (i915pv_engine_init() does): the
 * register must say "none yet" (7), as the next event goes to entry 0.
 * Before the fix it kept the old pointer, so a second workload on an
 * engine whose pointer happened to be 1 never saw its completion.
 */
static void test_hws_pga_restarts_csb(void **state)
{
	struct wl_guest *g = *state;
	struct wl_ctx *c = &g->ctx[XENGT_RCS];
	u32 *hwsp = wl_ram32(g, c->hwsp_gpa);
	u32 base = GEN9_RCS_BASE, cmd[4];
	u64 data = wl_page(g);

	wl_ppgtt_map(g, WL_DATA_VA, data);
	wl_sdi(cmd, WL_DATA_VA, 1);
	wl_emit(g, XENGT_RCS, cmd, 4);
	wl_submit(g, XENGT_RCS);
	assert_int_equal(fx_rd32(g->v, base + RING_CONTEXT_STATUS_PTR) &
				 GEN8_CSB_WRITE_PTR_MASK,
			 1);
	fx_wr32(g->v, base + RING_HWS_PGA, (u32)c->hwsp_gm);
	assert_int_equal(fx_rd32(g->v, base + RING_CONTEXT_STATUS_PTR) &
				 GEN8_CSB_WRITE_PTR_MASK,
			 7);
	hwsp[I915_HWS_CSB_WRITE_INDEX] = 7;
	wl_sdi(cmd, WL_DATA_VA, 2);
	wl_emit(g, XENGT_RCS, cmd, 4);
	wl_submit(g, XENGT_RCS);
	assert_false(g->v->failsafe);
	assert_int_equal(wl_ram32(g, data)[0], 2);
	/* Entries 0 and 1 again: what a driver resuming from 7 reads next. */
	assert_int_equal(hwsp[I915_HWS_CSB_WRITE_INDEX], 1);
	assert_int_equal(fx_rd32(g->v, base + RING_CONTEXT_STATUS_PTR) &
				 GEN8_CSB_WRITE_PTR_MASK,
			 1);
	assert_int_equal(hwsp[0x10], GEN8_CTX_STATUS_IDLE_ACTIVE);
}

/*
 * vcs0 and vecs0 run what i915 6.1 puts in their rings (a store, its
 * MI_FLUSH_DW store-index flush, the user interrupt) and complete.
 */
static void test_video_engines_run(void **state)
{
	static const u32 engines[] = { XENGT_VCS, XENGT_VECS };
	struct wl_guest *g = *state;
	u64 data = wl_page(g), va = WL_DATA_VA + 0x40000;
	u32 *d = wl_ram32(g, data), i;

	wl_ppgtt_map(g, va, data);
	for (i = 0; i < xengt_array_size(engines); i++) {
		u32 cmd[9];

		wl_sdi(cmd, va + 4 * i, 0x71de0 + i);
		cmd[4] = MI_FLUSH_DW_GEN8 | MI_FLUSH_DW_OP_STOREDW |
			 MI_FLUSH_DW_STORE_INDEX;
		cmd[5] = 0x100 | MI_FLUSH_DW_USE_GTT;
		cmd[6] = 0;
		cmd[7] = i;
		cmd[8] = MI_USER_INTERRUPT;
		wl_emit(g, engines[i], cmd, xengt_array_size(cmd));
		wl_submit(g, engines[i]);
		assert_false(g->v->failsafe);
		assert_int_equal(wl_csb_last(g, engines[i]),
				 GEN8_CTX_STATUS_COMPLETE |
					 GEN8_CTX_STATUS_ACTIVE_IDLE);
		assert_int_equal(d[i], 0x71de0 + i);
	}
	assert_int_equal(wl_foreign(g->w), 0);
}

#define GGTT_BB 0 /* guest pages of the batches below */
#define PPGTT_BB 1
#define L2_BB 2
#define BB_VA(i) (WL_DATA_VA + 0x10000 + (u64)(i)*4096)

struct chain {
	u64 gpa[3], gm; /* the GGTT batch's graphics address */
	u64 data;
	u32 *d;
};

/*
 * Ring -> GGTT batch -> (2nd level) PPGTT batch, each with one store to
 * the data page, the ring with one more: every kind of command fetch and
 * exactly three data accesses.
 */
static void chain_init(struct wl_guest *g, struct chain *c)
{
	u32 *bb, i;

	c->data = wl_page(g);
	c->d = wl_ram32(g, c->data);
	wl_ppgtt_map(g, WL_DATA_VA, c->data);
	for (i = 0; i < 3; i++) {
		c->gpa[i] = wl_page(g);
		wl_ppgtt_map(g, BB_VA(i), c->gpa[i]);
	}
	c->gm = wl_map_ggtt(g, c->gpa[GGTT_BB]);
	bb = wl_ram32(g, c->gpa[GGTT_BB]);
	bb[0] = MI_NOOP;
	bb[1] = MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT |
		MI_BATCH_2ND_LEVEL;
	bb[2] = (u32)BB_VA(PPGTT_BB);
	bb[3] = (u32)(BB_VA(PPGTT_BB) >> 32);
	wl_sdi(&bb[4], WL_DATA_VA + 4, 0);
	bb[8] = MI_BATCH_BUFFER_END;
	bb = wl_ram32(g, c->gpa[PPGTT_BB]);
	bb[0] = MI_ARB_CHECK;
	wl_sdi(&bb[1], WL_DATA_VA + 8, 0);
	bb[5] = MI_BATCH_BUFFER_END;
}

/* Run the chain once with @val in every store; check the stores. */
static void chain_run(struct wl_guest *g, struct chain *c, u32 val)
{
	u32 cmd[7] = { MI_BATCH_BUFFER_START_GEN8, (u32)c->gm, 0 };

	wl_ram32(g, c->gpa[GGTT_BB])[7] = val;
	wl_ram32(g, c->gpa[PPGTT_BB])[4] = val;
	wl_sdi(&cmd[3], WL_DATA_VA, val);
	wl_emit(g, XENGT_RCS, cmd, 7);
	wl_submit(g, XENGT_RCS);
	assert_false(g->v->failsafe);
	assert_int_equal(c->d[0], val);
	assert_int_equal(c->d[1], val);
	assert_int_equal(c->d[2], val);
	assert_int_equal(wl_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD),
			 g->ctx[XENGT_RCS].tail);
}

/*
 * The software GPU's access log: of everything the mediated workload made
 * the GPU touch (context, status page, shadow page tables, ring, batches,
 * data), only the three stores reached the guest's frames.  Executing the
 * guest's own ring or batches would add a guest-frame access per fetch.
 */
static void test_fetches_only_host_frames(void **state)
{
	struct wl_guest *g = *state;
	struct sim_gpu_stats *st = &g->w->gpu.stats;
	u16 dom = g->wv->vm->base.domid;
	struct chain c;
	u64 all, host;

	chain_init(g, &c);
	chain_run(g, &c, 1); /* warm up: shadow context, PPGTT */
	all = st->by_requester[dom];
	host = st->host;
	chain_run(g, &c, 2);
	assert_true(st->by_requester[dom] - all > 10);
	assert_int_equal((st->by_requester[dom] - all) - (st->host - host), 3);
	assert_int_equal(wl_foreign(g->w), 0);
	/* Per run the ring and two batches were copied: one page each. */
	assert_int_equal(g->v->cmd.batches, 4);
	assert_int_equal(g->v->cmd.shadow_pages, 6);
	assert_int_equal(g->v->cmd.shadow_pages_now, 0);
}

/* The core's host pages: shadow contexts, status pages, shadow commands. */
static u64 host_pages_used(struct wl_guest *g)
{
	return sim_machine_free_frames(&g->w->machine);
}

/*
 * Shadow rings and batches live exactly as long as their workload: many
 * submissions and a reset in the middle of queued work leave the host's
 * free pages where they were.
 */
static void test_shadow_lifetime(void **state)
{
	struct wl_guest *g = *state;
	struct xengt_gvt *gvt = g->w->gvt;
	struct chain c;
	u64 free0, mapped0;
	u32 i;

	chain_init(g, &c);
	chain_run(g, &c, 1); /* shadow context, PPGTT, status page */
	free0 = host_pages_used(g);
	mapped0 = core_gm_mapped(&gvt->core_gm);
	for (i = 0; i < 1000; i++)
		chain_run(g, &c, i + 2);
	assert_int_equal(g->v->exec_stats.workloads_done, 1001);
	assert_int_equal(g->v->cmd.shadow_pages, 3 * 1001);
	assert_int_equal(g->v->cmd.shadow_pages_now, 0);
	assert_int_equal(host_pages_used(g), free0);
	assert_int_equal(core_gm_mapped(&gvt->core_gm), mapped0);

	/* Queue 20, run a few, reset with the rest queued. */
	xengt_sched_pause(gvt, true);
	for (i = 0; i < 20; i++) {
		u32 cmd[7] = { MI_BATCH_BUFFER_START_GEN8, (u32)c.gm, 0 };

		wl_sdi(&cmd[3], WL_DATA_VA, i);
		wl_emit(g, XENGT_RCS, cmd, 7);
		wl_submit(g, XENGT_RCS);
	}
	xengt_sched_run(gvt, 1000);
	assert_true(workload_vgpu_queued(g->v) > 0 &&
		    workload_vgpu_queued(g->v) < 20);
	vgpu_reset(g->v);
	xengt_sched_pause(gvt, false);
	assert_int_equal(g->v->cmd.shadow_pages_now, 0);
	/* Nothing of the vGPU's is left in the core's graphics memory. */
	assert_int_equal(core_gm_mapped(&gvt->core_gm), 0);
	/* The guest starts over; it costs what it cost before. */
	wl_init(g, g->w, 0);
	chain_init(g, &c);
	chain_run(g, &c, 7);
	assert_int_equal(core_gm_mapped(&gvt->core_gm), mapped0);
	assert_int_equal(host_pages_used(g), free0);
}

static void *dispatch_thread(void *arg)
{
	xengt_sched_run(arg, 0);
	return NULL;
}

/*
 * The engine never waits for a vGPU's trap lock: a completion that finds
 * it taken is left for the holder, which finishes it when it unlocks.
 * (While a trap scans, the GPU goes on with everyone else's work.)
 */
static void test_completion_waits_for_no_lock(void **state)
{
	struct wl_guest *g = *state;
	struct xengt_gvt *gvt = g->w->gvt;
	u64 data = wl_page(g), done;
	u32 cmd[4];
	pthread_t t;

	wl_ppgtt_map(g, WL_DATA_VA, data);
	xengt_sched_pause(gvt, true);
	wl_sdi(cmd, WL_DATA_VA, 0xfeed);
	wl_emit(g, XENGT_RCS, cmd, 4);
	wl_submit(g, XENGT_RCS);
	assert_int_equal(workload_vgpu_queued(g->v), 1);
	done = g->v->exec_stats.workloads_done;

	vgpu_lock(g->v); /* as a trap in the middle of a long scan */
	assert_int_equal(pthread_create(&t, NULL, dispatch_thread, gvt), 0);
	/* The dispatcher ran the workload and returned without the lock. */
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(wl_ram32(g, data)[0], 0xfeed);
	assert_non_null(g->v->wl.done);
	assert_int_equal(g->v->exec_stats.workloads_done, done);
	assert_int_not_equal(wl_csb_last(g, XENGT_RCS),
			     GEN8_CTX_STATUS_COMPLETE |
				     GEN8_CTX_STATUS_ACTIVE_IDLE);
	vgpu_unlock(g->v); /* the holder finishes it */
	assert_null(g->v->wl.done);
	assert_int_equal(g->v->exec_stats.workloads_done, done + 1);
	assert_int_equal(wl_csb_last(g, XENGT_RCS),
			 GEN8_CTX_STATUS_COMPLETE |
				 GEN8_CTX_STATUS_ACTIVE_IDLE);
	assert_int_equal(os_atomic32_read(&g->v->wl.busy), 0);
	xengt_sched_pause(gvt, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_elements, wl_setup_one,
						wl_teardown),
		cmocka_unit_test_setup_teardown(test_hws_pga_restarts_csb,
						wl_setup_one, wl_teardown),
		cmocka_unit_test_setup_teardown(test_video_engines_run,
						wl_setup_one, wl_teardown),
		cmocka_unit_test_setup_teardown(test_fetches_only_host_frames,
						wl_setup_one, wl_teardown),
		cmocka_unit_test_setup_teardown(test_shadow_lifetime,
						wl_setup_one, wl_teardown),
		cmocka_unit_test_setup_teardown(
			test_completion_waits_for_no_lock, wl_setup_one,
			wl_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
