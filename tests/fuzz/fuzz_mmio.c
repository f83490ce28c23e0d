// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MMIO sequences against a live vGPU: any register, any size, the GGTT
 * half of BAR0, and ELSP submissions that reach the scheduler (the
 * guest's contexts, rings and status pages are set up as i915 leaves
 * them, so a descriptor the input derives from a valid one runs).
 *
 * Input: operations of one byte of kind, then its operands.
 */
#include "fz.h"

/* Registers an attacker would aim at (engine ones are relative to RCS). */
static const u32 fz_regs[] = {
	RING_TAIL,
	RING_HEAD,
	RING_START,
	RING_CTL,
	RING_HWS_PGA,
	RING_IMR,
	RING_MI_MODE,
	RING_ELSP,
	RING_EXECLIST_STATUS_LO,
	RING_EXECLIST_STATUS_HI,
	RING_MODE_GEN7,
	RING_TIMESTAMP,
	RING_CONTEXT_STATUS_BUF_LO(0),
	RING_CONTEXT_STATUS_PTR,
	GEN6_GDRST,
	GEN8_MASTER_IRQ,
	GEN8_GT_IMR(0),
	GEN8_GT_IER(0),
	VGT_PVINFO_PAGE,
	VGT_PVINFO_PAGE + 0x800,
	VGT_PVINFO_PAGE + 0xffc,
	GEN6_FENCE_REG_BASE,
};

static u64 fz_mmio_offset(struct fz_in *in, const struct vgpu *v)
{
	u8 how = fz_u8(in);
	u32 reg = fz_regs[fz_u8(in) % xengt_array_size(fz_regs)];

	switch (how % 4) {
	case 0: /* a register of the list, on either engine */
		return (reg < 0x1000 ?
				execlist_engine_base(how >> 7 ? XENGT_BCS :
								XENGT_RCS) :
				0) +
		       reg + (fz_u8(in) & 0x3c);
	case 1: /* the GGTT half, at an address of interest */
		return VGPU_GGTT_OFFSET + (fz_pick_gm(in, v) >> 12) * 8;
	case 2: /* anywhere in BAR0 */
		return fz_u32(in) % VGPU_BAR0_SIZE;
	default: /* and past it */
		return VGPU_BAR0_SIZE - 8 + (fz_u8(in) & 0x1f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 sizes[] = { 1, 2, 4, 8, 3, 16 };
	struct fz_in in = { data, size };
	struct wl_guest *g = fz_begin();
	u32 ops = 0;

	wl_ppgtt_map(g, WL_DATA_VA, wl_page(g));
	while (fz_more(&in) && ops++ < 256) {
		u8 kind = fz_u8(&in);
		u32 engine = kind & 0x80 ? XENGT_BCS : XENGT_RCS;
		u64 off, val;
		u32 cmd[4];

		switch (kind % 5) {
		case 0:
			off = fz_mmio_offset(&in, g->v);
			val = 0;
			xengt_vgpu_mmio_read(g->v, off, sizes[fz_u8(&in) % 6],
					     &val);
			break;
		case 1:
			off = fz_mmio_offset(&in, g->v);
			val = fz_u64(&in);
			xengt_vgpu_mmio_write(g->v, off, sizes[fz_u8(&in) % 6],
					      &val);
			break;
		case 2: /* ELSP: a valid descriptor, some bits flipped */
			wl_elsp(g, engine,
				wl_desc(&g->ctx[engine]) ^ fz_u64(&in),
				fz_u8(&in) & 1 ? wl_desc(&g->ctx[engine]) : 0);
			break;
		case 3: /* the guest queues a store, to any PPGTT address */
			wl_sdi(cmd, fz_u8(&in) & 1 ? WL_DATA_VA : fz_u64(&in),
			       fz_u32(&in));
			wl_emit(g, engine, cmd, 4);
			break;
		default:
			fz_run_gpu();
			break;
		}
	}
	fz_end();
	return 0;
}
