// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Ring and batch contents through the command scanner and the software
 * GPU.  Input: one byte of set-up (engine, how many submissions), a
 * 16-bit ring length in dwords, then the ring's dwords and the rest as
 * the contents of two batch pages.  The batch pages are mapped in the
 * attacker's PPGTT at WL_DATA_VA + 1 MiB and in its GGTT right after its
 * contexts; data pages are at WL_DATA_VA (PPGTT) and two more low GM
 * pages, the last two pages of its low GM slice are mapped too (the
 * partition's edge).  The seed corpus knows these addresses.
 */
#include <string.h>

#include "fz.h"

#define FZ_BATCH_VA (WL_DATA_VA + 0x100000)
#define FZ_RING_MAX 512U

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct wl_guest *g = fz_begin();
	u8 setup = fz_u8(&in);
	u32 engine = setup & 1 ? XENGT_BCS : XENGT_RCS;
	u32 rounds = 1 + ((setup >> 1) & 3);
	u32 ring_len = fz_u16(&in) % FZ_RING_MAX, i, r;
	u32 ring[FZ_RING_MAX];
	u64 batch[2], data_gpa = wl_page(g);

	wl_ppgtt_map(g, WL_DATA_VA, data_gpa);
	for (i = 0; i < 2; i++) {
		batch[i] = wl_page(g);
		wl_ppgtt_map(g, FZ_BATCH_VA + i * 4096ULL, batch[i]);
		wl_map_ggtt(g, batch[i]);
	}
	wl_map_ggtt(g, wl_page(g));
	wl_map_ggtt(g, wl_page(g));
	/* The last two pages of the low slice: the edge. */
	g->next_gm = g->v->low_gm_base + g->v->low_gm_size - 2 * 4096;
	wl_map_ggtt(g, wl_page(g));
	wl_map_ggtt(g, wl_page(g));

	for (i = 0; i < ring_len; i++)
		ring[i] = fz_u32(&in);
	for (i = 0; i < 2 && fz_more(&in); i++) {
		u32 n = in.n < 4096 ? (u32)in.n : 4096;

		memcpy(wl_ram32(g, batch[i]), in.p, n);
		in.p += n;
		in.n -= n;
	}
	for (r = 0; r < rounds && !g->v->failsafe; r++) {
		wl_emit(g, engine, ring, ring_len);
		wl_submit(g, engine);
		fz_run_gpu();
	}
	fz_end();
	return 0;
}
