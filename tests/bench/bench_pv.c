// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The worst a guest can make one PV doorbell cost (core/pv.c), timed: a
 * ring as full as it can be of binds of XENGT_PV_VMA_MAX_PAGES pages
 * each, the PTEs in arrays (one guest page read and 512 frames checked
 * per message), until the doorbell budget stops it.  Four cases, median
 * of BENCH_PV_ROUNDS doorbells each, the worst printed as
 * "pv doorbell worst_ms = X":
 *   bind-new      every message needs new shadow tables (a PD and a PT of
 *                 its own, 1 GiB apart), the most allocation;
 *   bind-again    the same ranges bound again (tables exist): the
 *                 translation cost alone;
 *   unbind        the same ranges unbound: the root ends with its last
 *                 page, every table freed;
 *   bind-reclaim  PV tables at PPGTT_MAX_PV_SPT, the ring alternating an
 *                 unbind of one page (its PT is kept, empty) and a bind of
 *                 one page 1 GiB further (a PD and a PT it has no room
 *                 for): every bind makes the host reclaim empty tables.
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

/*
 * bind-reclaim: a second root's one-page binds 1 GiB apart (a PD and a PT
 * each) until the PV tables are at their limit; then the ring.  Its first
 * doorbell timed; the root dropped after.
 */
static u64 reclaim_ns(struct bench *b, u64 root, u64 data, u32 *per)
{
	struct vgpu *v = b->g.v;
	struct xengt_pv_ctb_desc *d = desc(b);
	u32 *ring = wl_ram32(&b->g, b->page + XENGT_PV_CTB_OFFSET);
	u64 ge = data | GEN8_PAGE_PRESENT | GEN8_PAGE_RW, se, t0, t;
	u32 n = 0, k = 0, i;

	vgpu_lock(v);
	ppgtt_pv_shadow_pte(v, ge, &se);
	while (!ppgtt_pv_bind(v, root, PV_VA + ((u64)n << 30), 1, &ge, &se))
		n++;
	vgpu_unlock(v);
	*per = 0;
	while ((RING_DW + d->tail - d->head) % RING_DW +
		       2 * (2 + XENGT_PV_VMA_DWORDS) <
	       RING_DW) {
		struct xengt_pv_vma vm[2] = {
			{ .size = 1,
			  .start = PV_VA + ((u64)k << 30),
			  .pml4 = root },
			{ .size = 1,
			  .start = PV_VA + ((u64)(n + k) << 30),
			  .dma_addrs = ge,
			  .pml4 = root },
		};
		u32 a, msg[2 + XENGT_PV_VMA_DWORDS];

		for (a = 0; a < 2; a++) {
			msg[0] = XENGT_PV_MSG_HDR(
				a ? XENGT_PV_ACTION_BIND_PPGTT :
				    XENGT_PV_ACTION_UNBIND_PPGTT,
				XENGT_PV_VMA_DWORDS, XENGT_PV_MSG_WRITE_FENCE);
			msg[1] = ++b->fence;
			memcpy(msg + 2, &vm[a], sizeof(vm[a]));
			for (i = 0; i < 2 + XENGT_PV_VMA_DWORDS; i++) {
				ring[d->tail] = msg[i];
				d->tail = (d->tail + 1) % RING_DW;
			}
		}
		k++;
		*per += 2;
	}
	t0 = now_ns();
	doorbell(b);
	t = now_ns() - t0;
	while (d->head != d->tail)
		doorbell(b);
	if (d->status)
		fprintf(stderr, "bench_pv: bind-reclaim: status %u\n",
			d->status);
	vgpu_lock(v);
	ppgtt_pv_drop_all(v);
	vgpu_unlock(v);
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
	const char *name[4] = { "bind-new", "bind-again", "unbind",
				"bind-reclaim" };
	u64 t[4][BENCH_PV_ROUNDS], data, *e, hits[4] = { 0 }, root2;
	u64 reclaimed = 0;
	double ms[4], worst = 0;
	u32 r, i, per = 0, per4 = 0;

	fx_log_capture();
	wl_init(&b.g, fx_world(one), 0);
	data = wl_page(&b.g);
	b.root = wl_page(&b.g);
	b.arr = wl_page(&b.g);
	root2 = wl_page(&b.g);
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
		reclaimed -= b.g.v->ppgtt.stats.pv_spt_reclaimed;
		t[3][r] = reclaim_ns(&b, root2, data, &per4);
		reclaimed += b.g.v->ppgtt.stats.pv_spt_reclaimed;
	}
	for (i = 0; i < 4; i++) {
		qsort(t[i], BENCH_PV_ROUNDS, sizeof(u64), cmp_u64);
		ms[i] = t[i][BENCH_PV_ROUNDS / 2] / 1e6;
		if (i < 3)
			printf("pv doorbell %-12s %8.3f ms (%u messages of %u pages in the ring; budget hit %llu of %d)\n",
			       name[i], ms[i], per, XENGT_PV_VMA_MAX_PAGES,
			       hits[i], BENCH_PV_ROUNDS);
		else
			printf("pv doorbell %-12s %8.3f ms (%u messages of 1 page in the ring, PV tables at their limit; %llu tables reclaimed per doorbell)\n",
			       name[i], ms[i], per4,
			       reclaimed / BENCH_PV_ROUNDS);
		if (ms[i] > worst)
			worst = ms[i];
	}
	printf("pv doorbell worst_ms = %.2f (the costliest of the four, median of %d doorbells; budget XENGT_PV_DOORBELL_BUDGET = %u units in xengt-pv.h)\n",
	       worst, BENCH_PV_ROUNDS, XENGT_PV_DOORBELL_BUDGET);
	fx_world_free(b.g.w);
	return 0;
}
