// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Scheduler on the software GPU's deterministic clock: shares of GPU time
 * (as the GPU itself accounts them per requester) under equal weights,
 * weights 2:4:8:16 and a 25% cap, with every vGPU kept backlogged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "wl.h"

#define NR 4
#define RUN_TICKS 400000ULL
#define CHUNK 2000ULL

/* Four of the smallest type: the larger ones do not fit four times. */
static const char *const four[] = { "xengt_8", "xengt_8", "xengt_8", "xengt_8",
				    NULL };

struct st {
	struct world *w;
	struct wl_guest g[NR];
	u64 data_gpa[NR];
	u32 seq[NR];
};

static int setup(void **state)
{
	struct st *s = calloc(1, sizeof(*s));
	u32 i;

	fx_log_capture();
	s->w = fx_world(four);
	for (i = 0; i < NR; i++) {
		wl_init(&s->g[i], s->w, i);
		s->data_gpa[i] = wl_page(&s->g[i]);
		wl_ppgtt_map(&s->g[i], WL_DATA_VA, s->data_gpa[i]);
	}
	xengt_sched_pause(s->w->gvt, true);
	xengt_sched_set_slice(s->w->gvt, 500);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct st *s = *state;

	fx_world_free(s->w);
	free(s);
	return 0;
}

/* Keep @active vGPUs backlogged; run RUN_TICKS; GPU ticks per vGPU. */
static u64 run(struct st *s, u32 active, u64 *ticks)
{
	u64 before[NR], elapsed = 0;
	u32 i;

	for (i = 0; i < NR; i++)
		before[i] = s->w->gpu.stats.ticks_by_requester[i + 1];
	while (elapsed < RUN_TICKS) {
		for (i = 0; i < NR; i++) {
			struct wl_guest *g = &s->g[i];
			u32 cmd[4];

			if (!(active & 1U << i))
				continue;
			while (workload_vgpu_queued(g->v) < 64) {
				wl_sdi(cmd, WL_DATA_VA, ++s->seq[i]);
				wl_emit(g, XENGT_RCS, cmd, 4);
				wl_submit(g, XENGT_RCS);
			}
		}
		elapsed += xengt_sched_run(s->w->gvt, CHUNK);
	}
	for (i = 0; i < NR; i++) {
		ticks[i] =
			s->w->gpu.stats.ticks_by_requester[i + 1] - before[i];
		assert_false(s->g[i].v->failsafe);
	}
	return elapsed;
}

static void drain_and_verify(struct st *s)
{
	u32 i;

	xengt_sched_run(s->w->gvt, 0);
	for (i = 0; i < NR; i++)
		assert_int_equal(wl_ram32(&s->g[i], s->data_gpa[i])[0],
				 s->seq[i]);
	assert_int_equal(wl_foreign(s->w), 0);
	assert_int_equal(wl_host_escapes(s->w), 0);
}

static void test_equal_weights(void **state)
{
	struct st *s = *state;
	double sum = 0, sq = 0, jain;
	u64 t[NR];
	u32 i;

	for (i = 0; i < NR; i++)
		assert_int_equal(xengt_sched_set_weight(s->g[i].v, 4), 0);
	run(s, 0xf, t);
	for (i = 0; i < NR; i++) {
		sum += (double)t[i];
		sq += (double)t[i] * (double)t[i];
	}
	jain = sum * sum / (NR * sq);
	printf("equal weights: ticks %llu %llu %llu %llu, Jain %.5f\n", t[0],
	       t[1], t[2], t[3], jain);
	assert_true(jain >= 0.99);
	drain_and_verify(s);
}

static void test_type_weights(void **state)
{
	struct st *s = *state;
	double sum = 0;
	u64 t[NR];
	u32 i, wsum = 0;

	/* The type's weight is the default; then 2, 4, 8, 16. */
	for (i = 0; i < NR; i++) {
		assert_int_equal(s->g[i].v->sched.weight, 2);
		assert_int_equal(xengt_sched_set_weight(s->g[i].v, 2U << i), 0);
		wsum += 2U << i;
	}
	run(s, 0xf, t);
	for (i = 0; i < NR; i++)
		sum += (double)t[i];
	for (i = 0; i < NR; i++) {
		double share = t[i] / sum, want = (double)(2U << i) / wsum;

		printf("weight %2u: share %.4f, proportional %.4f, error %+.2f%%\n",
		       2U << i, share, want, 100 * (share - want) / want);
		assert_true(share >= want * 0.95 && share <= want * 1.05);
	}
	drain_and_verify(s);
}

static void test_cap_under_contention(void **state)
{
	struct st *s = *state;
	u64 t[NR], elapsed;
	double share;
	u32 i;

	/* The heaviest vGPU (weight 16 of 30) capped at 25%. */
	for (i = 0; i < NR; i++)
		xengt_sched_set_weight(s->g[i].v, 2U << i);
	assert_int_equal(xengt_sched_set_cap(s->g[3].v, 25), 0);
	elapsed = run(s, 0xf, t);
	share = (double)t[3] / elapsed;
	printf("cap 25%% with contention: share %.4f of %llu ticks\n", share,
	       elapsed);
	assert_true(share >= 0.23 && share <= 0.27);
	drain_and_verify(s);
}

static void test_cap_alone(void **state)
{
	struct st *s = *state;
	u64 t[NR], elapsed;
	double share;

	assert_int_equal(xengt_sched_set_cap(s->g[0].v, 25), 0);
	elapsed = run(s, 0x1, t);
	share = (double)t[0] / elapsed;
	printf("cap 25%% alone: share %.4f of %llu ticks (GPU idle %.4f)\n",
	       share, elapsed, 1 - share);
	assert_true(share >= 0.23 && share <= 0.27);
	assert_int_equal(xengt_sched_set_cap(s->g[0].v, 101), -EINVAL);
	assert_int_equal(xengt_sched_set_weight(s->g[0].v, 0), -EINVAL);
	xengt_sched_set_cap(s->g[0].v, 0);
	drain_and_verify(s);
}

static void test_reset_drops_only_its_queue(void **state)
{
	struct st *s = *state;
	u32 cmd[4], i, k;

	for (k = 0; k < 10; k++)
		for (i = 0; i < NR; i++) {
			wl_sdi(cmd, WL_DATA_VA, ++s->seq[i]);
			wl_emit(&s->g[i], XENGT_RCS, cmd, 4);
			wl_submit(&s->g[i], XENGT_RCS);
		}
	vgpu_reset(s->g[2].v);
	assert_int_equal(workload_vgpu_queued(s->g[2].v), 0);
	for (i = 0; i < NR; i++)
		if (i != 2)
			assert_int_equal(workload_vgpu_queued(s->g[i].v), 10);
	xengt_sched_run(s->w->gvt, 0);
	for (i = 0; i < NR; i++)
		if (i != 2)
			assert_int_equal(wl_ram32(&s->g[i], s->data_gpa[i])[0],
					 s->seq[i]);
	assert_int_equal(wl_ram32(&s->g[2], s->data_gpa[2])[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_equal_weights, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_type_weights, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cap_under_contention,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_alone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reset_drops_only_its_queue,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
