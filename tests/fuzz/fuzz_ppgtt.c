// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * PPGTT contents plus trapped writes: the guest builds 4-level tables
 * (wl_ppgtt_map), rewrites any entry of any of its pages through the
 * write-protect trap (8 or 4 bytes, frames of interest, any flags), moves
 * its context's root, and uses the result with stores and colour blits
 * of any geometry.
 *
 * Input: operations of one byte of kind, then its operands.
 */
#include "fz.h"

/* A VA of interest: the data window, a table boundary, or raw. */
static u64 fz_pick_va(struct fz_in *in)
{
	u8 how = fz_u8(in);

	switch (how % 4) {
	case 0:
		return WL_DATA_VA + ((u64)fz_u8(in) << 12) +
		       (fz_u16(in) & 0xfff);
	case 1: /* the last bytes before a 2 MiB / 1 GiB boundary */
		return WL_DATA_VA + (how & 0x80 ? 1ULL << 30 : 1ULL << 21) -
		       (fz_u8(in) & 0x3f);
	case 2:
		return (u64)fz_u16(in) << 12;
	default:
		return fz_u64(in);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct wl_guest *g = fz_begin();
	u32 ops = 0;

	wl_ppgtt_map(g, WL_DATA_VA, wl_page(g));
	while (fz_more(&in) && ops++ < 256) {
		u8 kind = fz_u8(&in);
		u64 va, gpa, val;
		u32 cmd[XY_COLOR_BLT_LEN];

		switch (kind % 6) {
		case 0: /* map: tables from the guest's free pages */
			va = fz_pick_va(&in) & ((1ULL << 48) - 1);
			gpa = fz_pick_gpa(&in);
			if (g->next_gpa + 4 * XENGT_PAGE_SIZE <= FZ_RAM)
				wl_ppgtt_map(g, va, gpa);
			break;
		case 1: /* rewrite an entry of any page, through the trap */
			gpa = fz_pick_gpa(&in) + (fz_u16(&in) % 512) * 8;
			val = fz_pick_gpa(&in) | (fz_u16(&in) & 0xfff);
			if (kind & 0x80)
				sim_vm_mmio_write(g->wv->vm,
						  gpa + (kind & 0x40 ? 4 : 0),
						  4, val);
			else
				wl_pt_write(g, gpa, val);
			break;
		case 2: /* a store */
			wl_sdi(cmd, fz_pick_va(&in), fz_u32(&in));
			wl_emit(g, XENGT_RCS, cmd, 4);
			wl_submit(g, XENGT_RCS);
			break;
		case 3: /* a colour blit of any geometry */
			va = fz_pick_va(&in);
			cmd[0] = XY_COLOR_BLT_CMD | BLT_WRITE_RGBA |
				 (XY_COLOR_BLT_LEN - 2);
			cmd[1] = BR13_DEPTH_32 | BLT_ROP_PATCOPY | fz_u16(&in);
			cmd[2] = fz_u32(&in) & 0x00ff00ff; /* y1, x1 */
			cmd[3] = fz_u32(&in) & 0x03ff03ff; /* y2, x2 */
			cmd[4] = (u32)va;
			cmd[5] = (u32)(va >> 32);
			cmd[6] = fz_u32(&in);
			wl_emit(g, XENGT_BCS, cmd, XY_COLOR_BLT_LEN);
			wl_submit(g, XENGT_BCS);
			break;
		case 4: /* the context's root: any page (a foreign root too) */
			gpa = fz_pick_gpa(&in);
			wl_set_ctx_reg(g, kind & 0x80 ? XENGT_BCS : XENGT_RCS,
				       CTX_PDP0_LDW, (u32)gpa);
			wl_set_ctx_reg(g, kind & 0x80 ? XENGT_BCS : XENGT_RCS,
				       CTX_PDP0_UDW, (u32)(gpa >> 32));
			break;
		default:
			fz_run_gpu();
			break;
		}
	}
	fz_end();
	return 0;
}
