// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The worst a guest can make the command scanner do for one submission
 * (cmd_parser.h states the bounds), timed: the scan of each hostile
 * workload below, median of BENCH_SCAN_ROUNDS, the worst one printed as
 * "scan worst_ms = X".  Each is built to exhaust one bound:
 *   dwords        CMD_MAX_DWORDS of commands in CMD_MAX_BATCHES batches
 *                 (sized, copied and decoded): refused at the bound;
 *   translations  one blit of 65535 rows, each straddling two pages of its
 *                 own: refused when the range checks exceed
 *                 CMD_MAX_TRANSLATIONS;
 *   blits         a 64-page batch of one-row blits, two translations
 *                 each (decoding and range checks together).
 * White-box, like the unit tests: it calls cmd_scan() directly on a vGPU
 * of the software GPU's world (no GPU execution).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wl.h"

#define BENCH_SCAN_ROUNDS 5
#define ROWS_VA 0x300000000ULL /* 2 * 65536 pages, one guest frame */
#define BATCH_VA 0x400000000ULL /* the batches */
#define BATCH_PAGES 64U

static const char *const one[] = { "xengt_8", NULL };

struct bench {
	struct wl_guest g;
	struct cmd_shadow sh;
	u64 batch_gpa[BATCH_PAGES];
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* Scan the ring slice @cmd on @engine; ns taken, *ret the result. */
static u64 scan_ns(struct bench *b, u32 engine, const u32 *cmd, u32 n, int *ret)
{
	struct wl_guest *g = &b->g;
	struct cmd_workload w = {
		.engine = engine,
		.ring_start = g->ctx[engine].ring_gm,
		.ring_size = WL_RING_PAGES * 4096,
		.head = g->ctx[engine].tail,
	};
	char why[160];
	u64 t0, t;

	wl_emit(g, engine, cmd, n);
	w.tail = g->ctx[engine].tail;
	os_mutex_lock(&g->v->lock);
	cmd_shadow_release(g->v, &b->sh);
	if (ppgtt_get_mm(g->v, g->pml4_gpa, &w.mm)) {
		os_mutex_unlock(&g->v->lock);
		fprintf(stderr, "bench_scan: no PPGTT\n");
		exit(1);
	}
	t0 = now_ns();
	*ret = cmd_scan(g->v, &w, &b->sh, why, sizeof(why));
	t = now_ns() - t0;
	cmd_shadow_release(g->v, &b->sh);
	os_mutex_unlock(&g->v->lock);
	return t;
}

static u32 *batch_dw(struct bench *b, u32 i)
{
	return wl_ram32(&b->g, b->batch_gpa[i / 1024]) + i % 1024;
}

/* A one-row, two-pixel blit whose row straddles pages 2k and 2k + 1. */
static void blit_row(u32 *c, u32 rows, u64 va)
{
	c[0] = XY_COLOR_BLT_CMD | BLT_WRITE_RGBA | (XY_COLOR_BLT_LEN - 2);
	c[1] = BR13_DEPTH_32 | BLT_ROP_PATCOPY | 8192;
	c[2] = 1023;
	c[3] = rows << 16 | 1025;
	c[4] = (u32)va;
	c[5] = (u32)(va >> 32);
	c[6] = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static double median_ms(struct bench *b, u32 engine, const u32 *cmd, u32 n,
			int *ret)
{
	u64 t[BENCH_SCAN_ROUNDS];
	u32 r;

	for (r = 0; r < BENCH_SCAN_ROUNDS; r++)
		t[r] = scan_ns(b, engine, cmd, n, ret);
	qsort(t, BENCH_SCAN_ROUNDS, sizeof(t[0]), cmp_u64);
	return t[BENCH_SCAN_ROUNDS / 2] / 1e6;
}

int main(void)
{
	static struct bench b;
	u32 bbs[3] = { MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT,
		       (u32)BATCH_VA, (u32)(BATCH_VA >> 32) };
	u32 blit[XY_COLOR_BLT_LEN], i, k, per = 4096 / 4 * BATCH_PAGES;
	double ms[3], worst = 0;
	const char *name[3] = { "dwords", "translations", "blits" };
	u64 row_page;
	int ret[3];

	fx_log_capture();
	wl_init(&b.g, fx_world(one), 0);
	row_page = wl_page(&b.g);
	for (k = 0; k <= 2 * (CMD_MAX_TRANSLATIONS / 2 + 1); k++)
		wl_ppgtt_map(&b.g, ROWS_VA + k * 4096ULL, row_page);
	for (i = 0; i < BATCH_PAGES; i++) {
		b.batch_gpa[i] = wl_page(&b.g);
		wl_ppgtt_map(&b.g, BATCH_VA + i * 4096ULL, b.batch_gpa[i]);
	}

	/* dwords: a 256 KiB batch of no-ops that chains to itself. */
	for (i = 0; i < per - 3; i++)
		*batch_dw(&b, i) = MI_NOOP;
	for (k = 0; k < 3; k++)
		*batch_dw(&b, per - 3 + k) = bbs[k];
	ms[0] = median_ms(&b, XENGT_RCS, bbs, 3, &ret[0]);

	/* translations: one blit of 65535 rows. */
	blit_row(blit, 65535, ROWS_VA);
	ms[1] = median_ms(&b, XENGT_BCS, blit, XY_COLOR_BLT_LEN, &ret[1]);

	/* blits: one-row blits, each on two pages of its own. */
	for (i = 0, k = 0; i + XY_COLOR_BLT_LEN + 1 < per; k++) {
		u32 j;

		blit_row(blit, 1,
			 ROWS_VA + (k % (CMD_MAX_TRANSLATIONS / 2 + 1)) *
					   8192ULL);
		for (j = 0; j < XY_COLOR_BLT_LEN; j++)
			*batch_dw(&b, i++) = blit[j];
	}
	*batch_dw(&b, i++) = MI_BATCH_BUFFER_END;
	ms[2] = median_ms(&b, XENGT_BCS, bbs, 3, &ret[2]);

	for (i = 0; i < 3; i++) {
		printf("scan %-12s %8.3f ms (%s)\n", name[i], ms[i],
		       ret[i] ? "refused at its bound" : "accepted");
		if (ms[i] > worst)
			worst = ms[i];
	}
	printf("scan worst_ms = %.2f (the costliest of the three, median of %d scans; bounds in kernel/xengt/core/cmd_parser.h)\n",
	       worst, BENCH_SCAN_ROUNDS);
	fx_world_free(b.g.w);
	return 0;
}
