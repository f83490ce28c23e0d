// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * GGTT entries: writes of 4 and 8 bytes to any entry (inside the
 * partition, at its edges, in the neighbours' and the core's ranges),
 * with any frame (own RAM, its last page, past it, raw) and flags, then
 * the GPU using what was mapped: stores and MI_FLUSH_DW post-syncs to GGTT
 * addresses of interest, from the ring.
 *
 * Input: operations of one byte of kind, then its operands.
 */
#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct wl_guest *g = fz_begin();
	u32 ops = 0;

	while (fz_more(&in) && ops++ < 256) {
		u8 kind = fz_u8(&in);
		u64 gm, val;
		u32 cmd[5];

		switch (kind % 5) {
		case 0: /* one entry, a frame of interest */
			gm = fz_pick_gm(&in, g->v);
			val = fz_pick_gpa(&in) | (fz_u16(&in) & 0xfff);
			xengt_vgpu_mmio_write(
				g->v,
				VGPU_GGTT_OFFSET + ((gm >> 12) * 8 & 0x7ffff8),
				8, &val);
			break;
		case 1: /* half an entry, anything */
			gm = fz_pick_gm(&in, g->v);
			val = fz_u32(&in);
			xengt_vgpu_mmio_write(
				g->v,
				VGPU_GGTT_OFFSET + ((gm >> 12) * 8 & 0x7ffff8) +
					(kind & 0x80 ? 4 : 0),
				4, &val);
			break;
		case 2: /* a GGTT store */
			gm = fz_pick_gm(&in, g->v);
			cmd[0] = MI_STORE_DWORD_IMM_GEN4 | MI_USE_GGTT;
			cmd[1] = (u32)gm;
			cmd[2] = (u32)(gm >> 32);
			cmd[3] = fz_u32(&in);
			wl_emit(g, XENGT_RCS, cmd, 4);
			wl_submit(g, XENGT_RCS);
			break;
		case 3: /* an MI_FLUSH_DW post-sync store through the GGTT */
			gm = fz_pick_gm(&in, g->v);
			cmd[0] = MI_FLUSH_DW_GEN8 | MI_FLUSH_DW_OP_STOREDW;
			cmd[1] = (u32)gm | MI_FLUSH_DW_USE_GTT;
			cmd[2] = (u32)(gm >> 32);
			cmd[3] = fz_u32(&in);
			cmd[4] = 0;
			wl_emit(g, XENGT_BCS, cmd, 5);
			wl_submit(g, XENGT_BCS);
			break;
		default:
			fz_run_gpu();
			break;
		}
	}
	fz_end();
	return 0;
}
