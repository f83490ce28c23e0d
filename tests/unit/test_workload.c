// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Workload dispatch against a GPU that completes later, from a thread of
 * its own (as hardware interrupts do), instead of inside submit() as the
 * software GPU does: every workload of two guests still runs once per
 * dispatch, in order, completes, and nothing foreign is touched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wl.h"

#define NR_VMS 2
#define NR_SUBMITS 40

/* The "hardware": submissions run 100 us after submit() returned. */
static struct {
	const struct xengt_gpu_ops *ops;
	struct xengt_gpu_ops late_ops;
	pthread_mutex_t m;
	pthread_cond_t c;
	struct xengt_gpu *gpu;
	u32 engine;
	struct xengt_gpu_ctx ctx;
	bool pending, stop;
	u32 runs;
	u32 overlapping; /* submit() while one was in flight: must stay 0 */
	pthread_t thread;
} hw;

static int late_submit(struct xengt_gpu *gpu, u32 engine,
		       const struct xengt_gpu_ctx *ctx)
{
	pthread_mutex_lock(&hw.m);
	if (hw.pending)
		hw.overlapping++;
	hw.gpu = gpu;
	hw.engine = engine;
	hw.ctx = *ctx;
	hw.pending = true;
	pthread_cond_signal(&hw.c);
	pthread_mutex_unlock(&hw.m);
	return 0;
}

static void *hw_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&hw.m);
	for (;;) {
		struct timespec ts = { 0, 100000 };

		while (!hw.pending && !hw.stop)
			pthread_cond_wait(&hw.c, &hw.m);
		if (hw.stop)
			break;
		pthread_mutex_unlock(&hw.m);
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&hw.m);
		hw.pending = false;
		hw.runs++;
		pthread_mutex_unlock(&hw.m);
		/* Runs it and calls complete() from this thread. */
		hw.ops->submit(hw.gpu, hw.engine, &hw.ctx);
		pthread_mutex_lock(&hw.m);
	}
	pthread_mutex_unlock(&hw.m);
	return NULL;
}

struct st {
	struct world *w;
	struct wl_guest g[NR_VMS];
	u64 data_gpa[NR_VMS];
};

static int setup(void **state)
{
	static const char *const two[] = { "xengt_8", "xengt_4", NULL };
	struct st *s = calloc(1, sizeof(*s));
	u32 i;

	fx_log_capture();
	s->w = fx_world(two);
	for (i = 0; i < NR_VMS; i++) {
		wl_init(&s->g[i], s->w, i);
		s->data_gpa[i] = wl_page(&s->g[i]);
		wl_ppgtt_map(&s->g[i], WL_DATA_VA, s->data_gpa[i]);
	}
	pthread_mutex_init(&hw.m, NULL);
	pthread_cond_init(&hw.c, NULL);
	hw.ops = s->w->gpu.base.ops;
	hw.late_ops = *hw.ops;
	hw.late_ops.submit = late_submit;
	hw.stop = hw.pending = false;
	hw.runs = hw.overlapping = 0;
	assert_int_equal(pthread_create(&hw.thread, NULL, hw_thread, NULL), 0);
	s->w->gpu.base.ops = &hw.late_ops;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct st *s = *state;

	xengt_gvt_drain(s->w->gvt);
	pthread_mutex_lock(&hw.m);
	hw.stop = true;
	pthread_cond_signal(&hw.c);
	pthread_mutex_unlock(&hw.m);
	pthread_join(hw.thread, NULL);
	s->w->gpu.base.ops = hw.ops;
	fx_world_free(s->w);
	pthread_cond_destroy(&hw.c);
	pthread_mutex_destroy(&hw.m);
	free(s);
	return 0;
}

/* An ELSP write without waiting for the GPU (wl_elsp() would drain). */
static void submit_nowait(struct wl_guest *g, u32 val)
{
	u32 elsp = execlist_engine_base(XENGT_RCS) + RING_ELSP, cmd[4];
	u64 desc = wl_desc(&g->ctx[XENGT_RCS]);

	wl_sdi(cmd, WL_DATA_VA, val);
	wl_emit(g, XENGT_RCS, cmd, 4);
	fx_wr32(g->v, elsp, 0);
	fx_wr32(g->v, elsp, 0);
	fx_wr32(g->v, elsp, (u32)(desc >> 32));
	fx_wr32(g->v, elsp, (u32)desc);
}

static void test_late_completions(void **state)
{
	struct st *s = *state;
	u32 k, i;

	for (k = 1; k <= NR_SUBMITS; k++) {
		for (i = 0; i < NR_VMS; i++)
			submit_nowait(&s->g[i], 0xa000 * (i + 1) + k);
		/* Let the queues drain now and then, not always. */
		if (k % 8 == 0)
			xengt_gvt_drain(s->w->gvt);
	}
	xengt_gvt_drain(s->w->gvt);
	for (i = 0; i < NR_VMS; i++) {
		struct vgpu *v = s->g[i].v;

		assert_false(v->failsafe);
		assert_int_equal(v->exec_stats.workloads_done, NR_SUBMITS);
		assert_int_equal(wl_ram32(&s->g[i], s->data_gpa[i])[0],
				 0xa000 * (i + 1) + NR_SUBMITS);
		assert_int_equal(wl_csb_last(&s->g[i], XENGT_RCS),
				 GEN8_CTX_STATUS_COMPLETE |
					 GEN8_CTX_STATUS_ACTIVE_IDLE);
		assert_int_equal(workload_vgpu_queued(v), 0);
		assert_int_equal(os_atomic32_read(&v->wl.busy), 0);
		assert_int_equal(v->cmd.shadow_pages_now, 0);
	}
	/* One context per engine at a time, every one ran. */
	assert_int_equal(hw.overlapping, 0);
	assert_int_equal(hw.runs, NR_VMS * NR_SUBMITS);
	assert_int_equal(wl_foreign(s->w), 0);
	assert_int_equal(wl_host_escapes(s->w), 0);
}

/* Destroying a vGPU with work queued and on the GPU waits for the GPU. */
static void test_destroy_while_in_flight(void **state)
{
	struct st *s = *state;
	struct wl_guest *g = &s->g[0];
	u32 k;

	for (k = 1; k <= 10; k++)
		submit_nowait(g, k);
	xengt_vgpu_destroy(g->v);
	s->w->vms[0].vgpu = NULL;
	/* The other guest is unaffected. */
	submit_nowait(&s->g[1], 77);
	xengt_gvt_drain(s->w->gvt);
	assert_int_equal(wl_ram32(&s->g[1], s->data_gpa[1])[0], 77);
	assert_int_equal(wl_foreign(s->w), 0);
	assert_int_equal(wl_host_escapes(s->w), 0);
	/* The other's spare context and its cached command copies. */
	assert_int_equal(core_gm_mapped(&s->w->gvt->core_gm),
			 EXECLIST_CTX_PAGES + s->g[1].v->cmd_cache.nr);
	assert_int_equal(s->g[1].v->cmd_cache.nr, 1);
}

static int refusing_submit(struct xengt_gpu __always_unused *gpu,
			   u32 __always_unused engine,
			   const struct xengt_gpu_ctx __always_unused *ctx)
{
	return -EIO;
}

/*
 * A context the GPU backend refuses never ran: its guest sees no
 * completion, its vGPU goes to failsafe saying why, nothing leaks, and
 * the other guest's work goes on once the GPU takes contexts again.
 */
static void test_refused_submission(void **state)
{
	struct st *s = *state;
	struct xengt_gpu_ops refusing = hw.late_ops;
	struct vgpu *v = s->g[0].v;

	refusing.submit = refusing_submit;
	s->w->gpu.base.ops = &refusing;
	submit_nowait(&s->g[0], 5);
	xengt_gvt_drain(s->w->gvt);
	assert_true(v->failsafe);
	assert_non_null(strstr(v->failsafe_reason, "the GPU refused"));
	assert_int_equal(v->exec_stats.workloads_done, 0);
	assert_int_equal(wl_csb_last(&s->g[0], XENGT_RCS),
			 GEN8_CTX_STATUS_IDLE_ACTIVE);
	assert_int_equal(wl_ram32(&s->g[0], s->data_gpa[0])[0], 0);
	assert_int_equal(os_atomic32_read(&v->wl.busy), 0);
	assert_int_equal(v->cmd.shadow_pages_now, 0);
	s->w->gpu.base.ops = &hw.late_ops;
	submit_nowait(&s->g[1], 9);
	xengt_gvt_drain(s->w->gvt);
	assert_int_equal(wl_ram32(&s->g[1], s->data_gpa[1])[0], 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_late_completions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_destroy_while_in_flight,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_submission, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
