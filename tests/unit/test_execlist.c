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
#include <string.h>

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
	assert_int_equal(wl_host_escapes(g->w), 0);
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
	assert_int_equal(wl_host_escapes(g->w), 0);
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
	assert_int_equal(wl_host_escapes(g->w), 0);
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

/* ---- ELSP while active, as i915 6.1 drives it ------------------------- */

/*
 * i915 6.1's execlists state as its process_csb() keeps it on Gen9, for
 * the test to drive the vGPU the way i915 does: ELSP is written only while
 * nothing is pending (execlists_dequeue() waits for the last submission to
 * be promoted), an IDLE_TO_ACTIVE or PREEMPTED event promotes the pending
 * ports to inflight (what was inflight is let go, gen8_csb_parse()), any
 * other event completes the active port and advances to the next.  An
 * event the model cannot place is what i915 flags as ERROR_CSB (and
 * answers with an engine reset).
 */
#define M_PORTS 2
#define M_REQS 16

struct i915_model {
	struct wl_guest *g;
	u32 engine;
	u32 head; /* execlists->csb_head */
	u32 inflight[M_PORTS + 1], pending[M_PORTS + 1]; /* request numbers */
	u32 active; /* execlists->active, an index into inflight */
	u32 ctx_of[M_REQS]; /* context ID of each request */
	u32 left[M_REQS]; /* times a request left the ports */
	u32 completed[M_REQS]; /* ... with a completion event */
	u32 events[32], nevents; /* statuses seen by the last process_csb() */
	bool error;
};

/* What reset_csb_pointers() does: the next event goes to entry 0. */
static void model_init(struct i915_model *m, struct wl_guest *g, u32 engine)
{
	u32 *hwsp = wl_ram32(g, g->ctx[engine].hwsp_gpa);

	memset(m, 0, sizeof(*m));
	m->g = g;
	m->engine = engine;
	m->head = GEN8_CSB_ENTRIES - 1;
	fx_wr32(g->v, execlist_engine_base(engine) + RING_CONTEXT_STATUS_PTR,
		0xffffU << 16 | m->head << 8 | m->head);
	hwsp[I915_HWS_CSB_WRITE_INDEX] = m->head;
}

/* execlists_submit_ports(): requests @r0 (and @r1, 0 = none). */
static void model_elsp(struct i915_model *m, u32 r0, const struct wl_ctx *c0,
		       u32 r1, const struct wl_ctx *c1)
{
	assert_int_equal(m->pending[0], 0);
	m->pending[0] = r0;
	m->pending[1] = r1;
	m->pending[2] = 0;
	m->ctx_of[r0] = c0->id;
	if (r1)
		m->ctx_of[r1] = c1->id;
	wl_elsp(m->g, m->engine, wl_desc(c0), r1 ? wl_desc(c1) : 0);
	assert_false(m->g->v->failsafe);
}

static void model_process_csb(struct i915_model *m)
{
	u32 *hwsp = wl_ram32(m->g, m->g->ctx[m->engine].hwsp_gpa);
	u32 tail = hwsp[I915_HWS_CSB_WRITE_INDEX] & 0xff, i;

	m->nevents = 0;
	if (tail == m->head)
		return;
	assert_true(tail < GEN8_CSB_ENTRIES);
	do {
		u32 status, id;

		m->head = (m->head + 1) % GEN8_CSB_ENTRIES;
		status = hwsp[I915_HWS_CSB_BUF0_INDEX + 2 * m->head];
		id = hwsp[I915_HWS_CSB_BUF0_INDEX + 2 * m->head + 1];
		m->events[m->nevents++] = status;
		if (status &
		    (GEN8_CTX_STATUS_IDLE_ACTIVE | GEN8_CTX_STATUS_PREEMPTED)) {
			if (!m->pending[0]) {
				m->error = true;
				break;
			}
			for (i = m->active; m->inflight[i]; i++)
				m->left[m->inflight[i]]++;
			memcpy(m->inflight, m->pending, sizeof(m->inflight));
			m->active = 0;
			m->pending[0] = 0;
		} else {
			u32 rq = m->inflight[m->active];

			if (!rq) {
				m->error = true;
				break;
			}
			/* The event names the context that completed. */
			assert_int_equal(id, m->ctx_of[rq]);
			m->left[rq]++;
			m->completed[rq]++;
			m->active++;
		}
	} while (m->head != tail);
}

/* Everything i915 submitted is accounted for, the engine is idle. */
static void model_assert_idle(const struct i915_model *m, u32 nreqs)
{
	u32 r;

	assert_false(m->error);
	assert_int_equal(m->pending[0], 0);
	assert_int_equal(m->inflight[m->active], 0);
	for (r = 1; r <= nreqs; r++)
		assert_int_equal(m->left[r], 1);
}

/* Data writes the GPU made to the guest's frames (commands come from
 * the core's shadow copies, so these are the stores). */
static u64 guest_writes(struct wl_guest *g)
{
	struct sim_gpu_stats *st = &g->w->gpu.stats;

	return st->by_requester[g->wv->vm->base.domid] - st->host;
}

static void emit_store(struct wl_guest *g, struct wl_ctx *c, u32 slot, u32 val)
{
	u32 cmd[4];

	wl_sdi(cmd, WL_DATA_VA + 4 * slot, val);
	wl_emit_ctx(g, c, cmd, 4);
}

struct el_test {
	struct i915_model m;
	struct wl_ctx b; /* a second context on the render engine */
	u32 *d;
	u64 writes0;
};

static void el_test_init(struct el_test *t, struct wl_guest *g)
{
	u64 data = wl_page(g);

	wl_ppgtt_map(g, WL_DATA_VA, data);
	t->d = wl_ram32(g, data);
	wl_ctx_new(g, XENGT_RCS, &t->b, 1);
	model_init(&t->m, g, XENGT_RCS);
	/* i915 with no waiter: context-switch interrupts only. */
	fx_wr32(g->v, GEN8_GT_IMR(0), 0);
	xengt_sched_pause(g->w->gvt, true);
	t->writes0 = guest_writes(g);
}

static void el_run(struct el_test *t)
{
	xengt_sched_run(t->m.g->w->gvt, 0);
	assert_false(t->m.g->v->failsafe);
}

static void el_test_fini(struct el_test *t)
{
	xengt_sched_pause(t->m.g->w->gvt, false);
}

static void assert_events(const struct i915_model *m, u32 n, const u32 *ev)
{
	u32 i;

	assert_false(m->error);
	assert_int_equal(m->nevents, n);
	for (i = 0; i < n; i++)
		assert_int_equal(m->events[i], ev[i]);
}

#define ACK GEN8_CTX_STATUS_IDLE_ACTIVE
#define LITE (GEN8_CTX_STATUS_PREEMPTED | GEN8_CTX_STATUS_LITE_RESTORE)
#define SWITCH (GEN8_CTX_STATUS_COMPLETE | GEN8_CTX_STATUS_ELEMENT_SWITCH)
#define IDLE (GEN8_CTX_STATUS_COMPLETE | GEN8_CTX_STATUS_ACTIVE_IDLE)

/*
 * Lite restore: context A resubmitted with a longer tail while it runs.
 * Gen9 answers PREEMPTED | LITE_RESTORE (i915 promotes), A goes on to the
 * new tail and completes once.  Before, the second ELSP got another
 * IDLE_TO_ACTIVE and the first part's completion an ACTIVE_TO_IDLE, which
 * i915 took for the second request's (the third event then found nothing
 * inflight: ERROR_CSB), and the second part ran the first part again.
 */
static void test_lite_restore(void **state)
{
	static const u32 ack[] = { ACK }, lite[] = { LITE }, idle[] = { IDLE };
	struct wl_guest *g = *state;
	struct wl_ctx *a = &g->ctx[XENGT_RCS];
	struct el_test t;
	u32 iir;

	el_test_init(&t, g);
	emit_store(g, a, 0, 0xa1);
	model_elsp(&t.m, 1, a, 0, NULL);
	model_process_csb(&t.m);
	assert_events(&t.m, 1, ack);

	emit_store(g, a, 1, 0xa2);
	fx_wr32(g->v, GEN8_GT_IIR(0), ~0U);
	model_elsp(&t.m, 2, a, 0, NULL);
	model_process_csb(&t.m);
	assert_events(&t.m, 1, lite);
	/* A preemption is a context switch: its interrupt is raised. */
	iir = fx_rd32(g->v, GEN8_GT_IIR(0));
	assert_int_equal(iir & GT_CONTEXT_SWITCH_INTERRUPT,
			 GT_CONTEXT_SWITCH_INTERRUPT);

	el_run(&t);
	model_process_csb(&t.m);
	assert_events(&t.m, 1, idle);
	model_assert_idle(&t.m, 2);
	assert_int_equal(t.m.completed[2], 1);
	assert_int_equal(t.d[0], 0xa1);
	assert_int_equal(t.d[1], 0xa2);
	/* Each store ran once; the context saved at its final tail. */
	assert_int_equal(guest_writes(g) - t.writes0, 2);
	assert_int_equal(wl_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD), a->tail);
	el_test_fini(&t);
}

/*
 * A runs; i915 then submits A (lite restore, same tail) with B in port 1.
 * Events: PREEMPTED | LITE_RESTORE, A's COMPLETE | ELEMENT_SWITCH, B's
 * COMPLETE | ACTIVE_TO_IDLE.  A's commands run once.
 */
static void test_lite_restore_then_second_port(void **state)
{
	static const u32 ack[] = { ACK }, lite[] = { LITE },
			 done[] = { SWITCH, IDLE };
	struct wl_guest *g = *state;
	struct wl_ctx *a = &g->ctx[XENGT_RCS];
	struct el_test t;

	el_test_init(&t, g);
	emit_store(g, a, 0, 0xa1);
	model_elsp(&t.m, 1, a, 0, NULL);
	model_process_csb(&t.m);
	assert_events(&t.m, 1, ack);

	emit_store(g, &t.b, 1, 0xb1);
	model_elsp(&t.m, 2, a, 3, &t.b);
	model_process_csb(&t.m);
	assert_events(&t.m, 1, lite);

	el_run(&t);
	model_process_csb(&t.m);
	assert_events(&t.m, 2, done);
	model_assert_idle(&t.m, 3);
	assert_int_equal(t.m.completed[2] + t.m.completed[3], 2);
	assert_int_equal(t.d[0], 0xa1);
	assert_int_equal(t.d[1], 0xb1);
	assert_int_equal(guest_writes(g) - t.writes0, 2);
	assert_int_equal(wl_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD), a->tail);
	el_test_fini(&t);
}

/*
 * B preempts A (i915 unwound A first): A is PREEMPTED, the event naming
 * A.  While B runs, i915 puts A back behind it as execlists_dequeue()
 * does: B again in port 0 (a lite restore), A in port 1.  Nothing of A
 * runs twice, and A's image says where it stopped (it reached its tail
 * before the switch: an arbitration point at the end of its commands).
 */
static void test_preempt_then_resubmit(void **state)
{
	static const u32 ack[] = { ACK },
			 preempted[] = { GEN8_CTX_STATUS_PREEMPTED },
			 lite[] = { LITE }, done[] = { SWITCH, IDLE };
	struct wl_guest *g = *state;
	struct wl_ctx *a = &g->ctx[XENGT_RCS];
	struct el_test t;

	el_test_init(&t, g);
	emit_store(g, a, 0, 0xa1);
	model_elsp(&t.m, 1, a, 0, NULL);
	model_process_csb(&t.m);
	assert_events(&t.m, 1, ack);

	emit_store(g, &t.b, 1, 0xb1);
	model_elsp(&t.m, 2, &t.b, 0, NULL);
	model_process_csb(&t.m);
	assert_events(&t.m, 1, preempted);
	assert_int_equal(wl_ram32(g, a->hwsp_gpa)[I915_HWS_CSB_BUF0_INDEX + 1 +
						  2 * t.m.head],
			 a->id);

	model_elsp(&t.m, 3, &t.b, 4, a);
	model_process_csb(&t.m);
	assert_events(&t.m, 1, lite);
	el_run(&t);
	model_process_csb(&t.m);
	assert_events(&t.m, 2, done);
	model_assert_idle(&t.m, 4);
	assert_int_equal(t.m.completed[1] + t.m.completed[2], 0);
	assert_int_equal(t.m.completed[3] + t.m.completed[4], 2);
	assert_int_equal(t.d[0], 0xa1);
	assert_int_equal(t.d[1], 0xb1);
	assert_int_equal(guest_writes(g) - t.writes0, 2);
	assert_int_equal(wl_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD), a->tail);
	el_test_fini(&t);
}

/*
 * Many resubmissions of one context with growing tails, sometimes with a
 * second context in port 1, run now and then, the CSB processed now and
 * then, under i915's rules (no ELSP while one is pending, none while two
 * incomplete requests are inflight): every request leaves the ports once,
 * every store runs once, no event is out of sequence.
 */
static void test_resubmit_storm(void **state)
{
	struct wl_guest *g = *state;
	struct wl_ctx *a = &g->ctx[XENGT_RCS];
	struct el_test t;
	u32 r;

	el_test_init(&t, g);
	for (r = 1; r < M_REQS; r++) {
		bool second = r + 1 < M_REQS && r % 3 == 0;

		if (t.m.pending[0])
			model_process_csb(&t.m);
		emit_store(g, a, r, r);
		if (second) {
			emit_store(g, &t.b, r + 1, r + 1);
			model_elsp(&t.m, r, a, r + 1, &t.b);
			r++;
			el_run(&t); /* both complete before i915 goes on */
		} else {
			model_elsp(&t.m, r, a, 0, NULL);
		}
		if (r % 4 == 0)
			el_run(&t);
		if (r % 5 == 0)
			model_process_csb(&t.m);
		assert_false(t.m.error);
	}
	el_run(&t);
	model_process_csb(&t.m);
	model_assert_idle(&t.m, M_REQS - 1);
	for (r = 1; r < M_REQS; r++)
		assert_int_equal(t.d[r], r);
	assert_int_equal(guest_writes(g) - t.writes0, M_REQS - 1);
	assert_int_equal(wl_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD), a->tail);
	el_test_fini(&t);
}

/* ---- engine reset (GDRST) ----------------------------------------------- */

struct two {
	struct world *w;
	struct wl_guest g[2];
	u32 *d[2];
};

static int setup_two(void **state)
{
	static const char *const types[] = { "xengt_8", "xengt_8", NULL };
	struct two *s = calloc(1, sizeof(*s));
	u32 i;

	fx_log_capture();
	s->w = fx_world(types);
	for (i = 0; i < 2; i++) {
		u64 data;

		wl_init(&s->g[i], s->w, i);
		data = wl_page(&s->g[i]);
		wl_ppgtt_map(&s->g[i], WL_DATA_VA, data);
		s->d[i] = wl_ram32(&s->g[i], data);
	}
	*state = s;
	return 0;
}

static int teardown_two(void **state)
{
	struct two *s = *state;

	xengt_sched_pause(s->w->gvt, false);
	fx_world_free(s->w);
	free(s);
	return 0;
}

static void queue_store(struct wl_guest *g, u32 engine, u32 slot, u32 val)
{
	emit_store(g, &g->ctx[engine], slot, val);
	wl_submit(g, engine);
	assert_false(g->v->failsafe);
}

static u32 csb_wptr(struct vgpu *v, u32 engine)
{
	return fx_rd32(v,
		       execlist_engine_base(engine) + RING_CONTEXT_STATUS_PTR) &
	       GEN8_CSB_WRITE_PTR_MASK;
}

/*
 * GDRST's render domain drops the render engine's queued work of this
 * vGPU only: its blitter work and the other vGPU's render work run; the
 * engine's CSB starts over at entry 0 (write pointer 7), the request reads
 * back 0 at once, and a submission after i915's recovery runs normally.
 * Before, GDRST only read back 0: the dropped store ran.
 */
static void test_gdrst_engine(void **state)
{
	struct two *s = *state;
	struct wl_guest *g = &s->g[0], *o = &s->g[1];
	struct i915_model m;

	xengt_sched_pause(s->w->gvt, true);
	queue_store(g, XENGT_RCS, 0, 0xdead);
	queue_store(g, XENGT_BCS, 1, 0xb1);
	queue_store(o, XENGT_RCS, 0, 0x0e);
	assert_int_equal(csb_wptr(g->v, XENGT_RCS), 0);

	fx_wr32(g->v, GEN6_GDRST, GEN6_GRDOM_RENDER);
	assert_int_equal(fx_rd32(g->v, GEN6_GDRST), 0);
	assert_int_equal(workload_vgpu_queued(g->v), 1);
	assert_int_equal(workload_vgpu_queued(o->v), 1);
	assert_int_equal(g->v->exec_stats.workloads_dropped, 1);
	assert_int_equal(csb_wptr(g->v, XENGT_RCS), GEN8_CSB_PTR_RESET);
	assert_int_equal(csb_wptr(g->v, XENGT_BCS), 0);
	assert_false(g->v->failsafe);

	/* i915's recovery: CSB pointers, ring head past the dropped work. */
	model_init(&m, g, XENGT_RCS);
	wl_set_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD, g->ctx[XENGT_RCS].tail);
	emit_store(g, &g->ctx[XENGT_RCS], 2, 0xa2);
	model_elsp(&m, 1, &g->ctx[XENGT_RCS], 0, NULL);
	xengt_sched_run(s->w->gvt, 0);
	model_process_csb(&m);
	model_assert_idle(&m, 1);
	assert_int_equal(m.completed[1], 1);
	assert_int_equal(m.events[0], GEN8_CTX_STATUS_IDLE_ACTIVE);
	assert_int_equal(csb_wptr(g->v, XENGT_RCS), 1);

	assert_int_equal(s->d[0][0], 0);
	assert_int_equal(s->d[0][1], 0xb1);
	assert_int_equal(s->d[0][2], 0xa2);
	assert_int_equal(s->d[1][0], 0x0e);
	assert_int_equal(wl_csb_last(o, XENGT_RCS), IDLE);
	assert_int_equal(wl_csb_last(g, XENGT_BCS), IDLE);
	assert_int_equal(o->v->exec_stats.workloads_dropped, 0);
	assert_int_equal(wl_foreign(s->w), 0);
	assert_int_equal(wl_host_escapes(s->w), 0);
}

/* A full GDRST drops every engine's queued work (of this vGPU only). */
static void test_gdrst_full(void **state)
{
	struct two *s = *state;
	struct wl_guest *g = &s->g[0], *o = &s->g[1];
	u32 e;

	xengt_sched_pause(s->w->gvt, true);
	queue_store(g, XENGT_RCS, 0, 1);
	queue_store(g, XENGT_BCS, 1, 2);
	queue_store(o, XENGT_BCS, 1, 3);
	fx_wr32(g->v, GEN6_GDRST, GEN6_GRDOM_FULL);
	assert_int_equal(fx_rd32(g->v, GEN6_GDRST), 0);
	assert_int_equal(workload_vgpu_queued(g->v), 0);
	assert_int_equal(workload_vgpu_queued(o->v), 1);
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		assert_int_equal(csb_wptr(g->v, e), GEN8_CSB_PTR_RESET);
	xengt_sched_run(s->w->gvt, 0);
	assert_int_equal(s->d[0][0], 0);
	assert_int_equal(s->d[0][1], 0);
	assert_int_equal(s->d[1][1], 3);
	assert_int_equal(o->v->exec_stats.workloads_done, 1);
}

/*
 * Work already on the GPU when the engine is reset completes there (the
 * GPU is shared: it is not torn down), but says nothing to the guest: no
 * CSB event, no context write-back over i915's rewound image, no
 * interrupt.  Its completion is held back here, as when it finds the
 * vGPU's lock taken by the very trap that resets the engine.
 */
static void test_gdrst_in_flight(void **state)
{
	struct two *s = *state;
	struct wl_guest *g = &s->g[0];
	const struct vgpu_reg *gdrst = regs_lookup(GEN6_GDRST);
	u32 *hwsp = wl_ram32(g, g->ctx[XENGT_RCS].hwsp_gpa);
	u64 done;
	pthread_t t;

	fx_wr32(g->v, GEN8_GT_IMR(0), 0);
	xengt_sched_pause(s->w->gvt, true);
	queue_store(g, XENGT_RCS, 0, 0x5a);
	done = g->v->exec_stats.workloads_done;
	fx_wr32(g->v, GEN8_GT_IIR(0), ~0U);
	wl_set_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD, 0x40); /* i915's rewind */

	vgpu_lock(g->v);
	assert_int_equal(pthread_create(&t, NULL, dispatch_thread, s->w->gvt),
			 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_non_null(g->v->wl.done);
	/* The GDRST trap, under the lock the completion waits for. */
	vgpu_set_vreg32(g->v, GEN6_GDRST, GEN6_GRDOM_RENDER);
	gdrst->write(g->v, GEN6_GDRST, 0);
	vgpu_unlock(g->v);

	assert_null(g->v->wl.done);
	assert_int_equal(os_atomic32_read(&g->v->wl.busy), 0);
	assert_int_equal(s->d[0][0], 0x5a); /* it did run */
	assert_int_equal(g->v->exec_stats.workloads_done, done);
	assert_int_equal(csb_wptr(g->v, XENGT_RCS), GEN8_CSB_PTR_RESET);
	assert_int_equal(hwsp[I915_HWS_CSB_WRITE_INDEX], 0);
	assert_int_equal(wl_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD), 0x40);
	assert_int_equal(fx_rd32(g->v, GEN8_GT_IIR(0)), 0);
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
		cmocka_unit_test_setup_teardown(test_lite_restore, wl_setup_one,
						wl_teardown),
		cmocka_unit_test_setup_teardown(
			test_lite_restore_then_second_port, wl_setup_one,
			wl_teardown),
		cmocka_unit_test_setup_teardown(test_preempt_then_resubmit,
						wl_setup_one, wl_teardown),
		cmocka_unit_test_setup_teardown(test_resubmit_storm,
						wl_setup_one, wl_teardown),
		cmocka_unit_test_setup_teardown(test_gdrst_engine, setup_two,
						teardown_two),
		cmocka_unit_test_setup_teardown(test_gdrst_full, setup_two,
						teardown_two),
		cmocka_unit_test_setup_teardown(test_gdrst_in_flight, setup_two,
						teardown_two),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
