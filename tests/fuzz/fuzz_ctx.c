// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Context images: the guest rewrites dwords of its contexts' register
 * state (ring start, head, tail and control; batch state; PDPs; the LRI
 * headers and register offsets themselves; anything) and of the
 * per-process status page, between submissions of a store and an
 * MI_BATCH_BUFFER_START into its own (empty) batch.
 *
 * Input: operations of one byte of kind, then its operands.
 */
#include "fz.h"

static const u32 fz_ctx_dwords[] = {
	CTX_LRI_HEADER_0,  CTX_CONTEXT_CONTROL, CTX_RING_HEAD,
	CTX_RING_TAIL,	   CTX_RING_START,	CTX_RING_CTL,
	CTX_BB_HEAD_U,	   CTX_BB_HEAD_L,	CTX_BB_STATE,
	CTX_LRI_HEADER_1,  CTX_TIMESTAMP,	CTX_PDP3_LDW,
	CTX_PDP0_UDW,	   CTX_PDP0_LDW,	CTX_PDP0_LDW - 1,
	CTX_RING_TAIL - 1, CTX_LRI_HEADER_2,	GEN9_CTX_RING_MI_MODE,
	CTX_END_XCS,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct wl_guest *g = fz_begin();
	u64 batch = wl_page(g), batch_gm = wl_map_ggtt(g, batch);
	u32 ops = 0;

	wl_ppgtt_map(g, WL_DATA_VA, wl_page(g));
	wl_ram32(g, batch)[0] = MI_BATCH_BUFFER_END;
	while (fz_more(&in) && ops++ < 256) {
		u8 kind = fz_u8(&in);
		u32 engine = kind & 0x80 ? XENGT_BCS : XENGT_RCS;
		u32 dw, val, cmd[4];

		switch (kind % 5) {
		case 0: /* a dword of interest, a value of interest */
			dw = fz_ctx_dwords[fz_u8(&in) %
					   xengt_array_size(fz_ctx_dwords)];
			switch (fz_u8(&in) % 3) {
			case 0:
				val = (u32)fz_pick_gm(&in, g->v);
				break;
			case 1:
				val = (u32)fz_pick_gpa(&in);
				break;
			default:
				val = fz_u32(&in);
				break;
			}
			wl_set_ctx_reg(g, engine, dw, val);
			break;
		case 1: /* any dword of either page */
			dw = fz_u16(&in) % 2048;
			wl_ram32(g,
				 g->ctx[engine].ctx_gpa[dw / 1024])[dw % 1024] =
				fz_u32(&in);
			break;
		case 2:
			wl_sdi(cmd, WL_DATA_VA, fz_u32(&in));
			wl_emit(g, engine, cmd, 4);
			wl_submit(g, engine);
			break;
		case 3:
			cmd[0] = MI_BATCH_BUFFER_START_GEN8;
			cmd[1] = (u32)batch_gm;
			cmd[2] = 0;
			wl_emit(g, engine, cmd, 3);
			wl_submit(g, engine);
			break;
		default:
			fz_run_gpu();
			break;
		}
	}
	fz_end();
	return 0;
}
