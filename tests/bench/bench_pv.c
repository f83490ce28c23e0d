// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The worst a guest can make one PV doorbell cost (core/pv.c), timed: a
 * ring as full as it can be of binds of XENGT_PV_VMA_MAX_PAGES pages
 * each, the PTEs in arrays (one guest page read and 512 frames checked
 * per message), until the doorbell budget stops it.  Three cases, median
 * of BENCH_PV_ROUNDS doorbells each, the worst printed as
 * "pv doorbell worst_ms = X":
 *   bind-new      every message needs new shadow tables (a PD and a PT of
 *                 its own, 1 GiB apart), the most allocation;
 *   bind-again    the same ranges bound again (tables exist): the
 *                 translation cost alone;
 *   unbind        the same ranges unbound: tables freed, PT and PD.
 * White-box, like bench_scan: a vGPU of the software GPU's world, the
 * guest's page written directly, the doorbell through the PVINFO trap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wl.h"

#define BENCH_PV_ROUNDS 5
#define RING_DW (XENGT_PV_CTB_SIZE / 4)
#define PV_VA 0x8000000000ULL /* a PML4 slot of its own */
#define PV(off) (VGT_PVINFO_PAGE + (off))

static const char *const one[] = { "xengt_8", NULL };

struct bench {
	struct wl_guest g;
	u64 page, root, arr;
	u32 fence;
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static struct xengt_pv_ctb_desc *desc(struct bench *b)
{
	return (void *)((u8 *)wl_ram32(&b->g, b->page) + XENGT_PV_DESC_OFFSET);
}

static void doorbell(struct bench *b)
{
	fx_wr32(b->g.v, PV(PVINFO_G2V_NOTIFY), XENGT_G2V_PV_SEND_TRIGGER);
}

/* Fill the ring with as many 512-page (un)binds as fit; how many. */
static u32 fill(struct bench *b, u32 action, u32 round)
{
	struct xengt_pv_ctb_desc *d = desc(b);
	u32 *ring = wl_ram32(&b->g, b->page + XENGT_PV_CTB_OFFSET);
	u32 n = 0, i;

	while ((RING_DW + d->tail - d->head) % RING_DW + 2 +
		       XENGT_PV_VMA_DWORDS <
	       RING_DW) {
		struct xengt_pv_vma v = {
			.size = XENGT_PV_VMA_MAX_PAGES,
			.start = PV_VA + ((u64)(round * 64 + n) << 30),
			.dma_addrs = b->arr,
			.pml4 = b->root,
		};
		u32 msg[2 + XENGT_PV_VMA_DWORDS];

		msg[0] = XENGT_PV_MSG_HDR(action, XENGT_PV_VMA_DWORDS,
					  XENGT_PV_MSG_WRITE_FENCE);
		msg[1] = ++b->fence;
		memcpy(msg + 2, &v, sizeof(v));
		for (i = 0; i < 2 + XENGT_PV_VMA_DWORDS; i++) {
			ring[d->tail] = msg[i];
			d->tail = (d->tail + 1) % RING_DW;
		}
		n++;
	}
	return n;
}

/* The first doorbell of a full ring, timed; the rest rung untimed. */
static u64 doorbell_ns(struct bench *b, u64 *budget_hits)
{
	struct pv_stats *s = &b->g.v->pv.stats;
	u64 hits = s->budget_hits, t0, t;

	t0 = now_ns();
	doorbell(b);
	t = now_ns() - t0;
	*budget_hits += s->budget_hits - hits;
	while (desc(b)->head != desc(b)->tail)
		doorbell(b);
	if (desc(b)->status)
		fprintf(stderr, "bench_pv: status %u\n", desc(b)->status);
	return t;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	static struct bench b;
	const char *name[3] = { "bind-new", "bind-again", "unbind" };
	u64 t[3][BENCH_PV_ROUNDS], data, *e, hits[3] = { 0 };
	double ms[3], worst = 0;
	u32 r, i, per = 0;

	fx_log_capture();
	wl_init(&b.g, fx_world(one), 0);
	data = wl_page(&b.g);
	b.root = wl_page(&b.g);
	b.arr = wl_page(&b.g);
	e = (u64 *)wl_ram32(&b.g, b.arr);
	for (i = 0; i < XENGT_PV_VMA_MAX_PAGES; i++)
		e[i] = data | GEN8_PAGE_PRESENT | GEN8_PAGE_RW;
	b.page = wl_page(&b.g);
	desc(&b)->addr = XENGT_PV_CTB_OFFSET;
	desc(&b)->size = XENGT_PV_CTB_SIZE;
	fx_wr32(b.g.v, PV(XENGT_PVINFO_PV_CAPS), XENGT_PV_CAPS_ALL);
	fx_wr64(b.g.v, PV(XENGT_PVINFO_SHARED_PAGE_GPA), b.page);
	fx_wr32(b.g.v, PV(PVINFO_G2V_NOTIFY), XENGT_G2V_SHARED_PAGE_REGISTER);
	if (!b.g.v->pv.page_gpa) {
		fprintf(stderr, "bench_pv: shared page refused\n");
		return 1;
	}
	for (r = 0; r < BENCH_PV_ROUNDS; r++) {
		per = fill(&b, XENGT_PV_ACTION_BIND_PPGTT, r);
		t[0][r] = doorbell_ns(&b, &hits[0]);
		fill(&b, XENGT_PV_ACTION_BIND_PPGTT, r);
		t[1][r] = doorbell_ns(&b, &hits[1]);
		fill(&b, XENGT_PV_ACTION_UNBIND_PPGTT, r);
		t[2][r] = doorbell_ns(&b, &hits[2]);
		if (b.g.v->ppgtt.nr_spt || b.g.v->ppgtt.nr_pv_spt)
			fprintf(stderr, "bench_pv: %u tables left\n",
				b.g.v->ppgtt.nr_spt + b.g.v->ppgtt.nr_pv_spt);
	}
	for (i = 0; i < 3; i++) {
		qsort(t[i], BENCH_PV_ROUNDS, sizeof(u64), cmp_u64);
		ms[i] = t[i][BENCH_PV_ROUNDS / 2] / 1e6;
		printf("pv doorbell %-10s %8.3f ms (%u messages of %u pages in the ring; budget hit %llu of %d)\n",
		       name[i], ms[i], per, XENGT_PV_VMA_MAX_PAGES, hits[i],
		       BENCH_PV_ROUNDS);
		if (ms[i] > worst)
			worst = ms[i];
	}
	printf("pv doorbell worst_ms = %.2f (the costliest of the three, median of %d doorbells; budget XENGT_PV_DOORBELL_BUDGET = %u units in xengt-pv.h)\n",
	       worst, BENCH_PV_ROUNDS, XENGT_PV_DOORBELL_BUDGET);
	fx_world_free(b.g.w);
	return 0;
}
