// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The Gen9 register table (see regs.h).
 *
 * The behaviours are the ones an unmodified i915 (6.1) needs before it
 * reaches its first submission (spec/i915-guest.md): masked registers,
 * reset handshakes that complete, power wells and PLLs that follow their
 * requests, write-1-to-clear interrupt identity registers.
 */
#include "vgpu.h"
#include "regs.h"
#include "pvinfo.h"
#include "fence.h"
#include "irq.h"
#include "gen9.h"

#ifndef BIT
#define BIT(n) (1U << (n))
#endif

#define GEN6_PCODE_MAILBOX 0x138124
#define GFX_FLSH_CNTL_GEN6 0x101008 /* the GGTT invalidate i915 writes */
#define GEN6_PCODE_DATA 0x138128
#define GEN6_PCODE_READY BIT(31)
#define GEN7_PCODE_ILLEGAL_CMD 0x1
#define SKL_PCODE_CDCLK_CONTROL 0x7
#define GEN9_PCODE_SAGV_CONTROL 0x21

#define DP_AUX_SEND_BUSY BIT(31)
#define DP_AUX_DONE BIT(30)
#define DP_AUX_TIME_OUT_ERROR BIT(28)
#define DP_AUX_RECEIVE_ERROR BIT(25)
#define DP_AUX_W1C (DP_AUX_DONE | DP_AUX_TIME_OUT_ERROR | DP_AUX_RECEIVE_ERROR)

static void reset_ctl_write(struct vgpu *vgpu, u32 offset,
			    u32 __always_unused old)
{
	u32 v = vgpu_vreg32(vgpu, offset);

	/* No engine is ever busy from the guest's point of view here. */
	if (v & RESET_CTL_REQUEST_RESET)
		v |= RESET_CTL_READY_TO_RESET;
	else
		v &= ~RESET_CTL_READY_TO_RESET;
	vgpu_set_vreg32(vgpu, offset, v);
}

static void mi_mode_write(struct vgpu *vgpu, u32 offset,
			  u32 __always_unused old)
{
	u32 v = vgpu_vreg32(vgpu, offset);

	if (v & MI_MODE_STOP_RING)
		v |= MI_MODE_IDLE;
	else
		v &= ~MI_MODE_IDLE;
	vgpu_set_vreg32(vgpu, offset, v);
}

/*
 * GDRST: the requested engine resets happen at once (execlist.h says what
 * they do to the vGPU's work), so the request bits read back 0.
 */
static void gdrst_write(struct vgpu *vgpu, u32 offset, u32 __always_unused old)
{
	u32 domains = vgpu_vreg32(vgpu, offset);

	execlist_reset_domains(vgpu, domains);
	if (domains & GEN6_GRDOM_FULL)
		pv_gdrst_full(vgpu);
	vgpu_set_vreg32(vgpu, offset, 0);
}

/* Requests that complete at once: TLB invalidation. */
static void self_clear_write(struct vgpu *vgpu, u32 offset,
			     u32 __always_unused old)
{
	vgpu_set_vreg32(vgpu, offset, 0);
}

static void pcode_write(struct vgpu *vgpu, u32 offset, u32 __always_unused old)
{
	u32 v = vgpu_vreg32(vgpu, offset);
	u32 err = 0;

	if (!(v & GEN6_PCODE_READY))
		return;
	switch (v & 0xff) {
	case GEN9_PCODE_SAGV_CONTROL:
		err = GEN7_PCODE_ILLEGAL_CMD; /* no SAGV on a vGPU */
		break;
	case SKL_PCODE_CDCLK_CONTROL:
		vgpu_set_vreg32(vgpu, GEN6_PCODE_DATA,
				1); /* ready for change */
		break;
	default:
		break;
	}
	vgpu_set_vreg32(vgpu, offset, err);
}

/* State bit 2n follows request bit 2n+1 (SKL power wells). */
static void power_well_write(struct vgpu *vgpu, u32 offset,
			     u32 __always_unused old)
{
	u32 req = vgpu_vreg32(vgpu, offset) & 0xaaaaaaaaU;

	vgpu_set_vreg32(vgpu, offset, req | req >> 1);
}

/* Bit 30 (state / lock) follows bit 31 (request / enable). */
static void bit30_follows_bit31_write(struct vgpu *vgpu, u32 offset,
				      u32 __always_unused old)
{
	u32 v = vgpu_vreg32(vgpu, offset) & ~BIT(30);

	vgpu_set_vreg32(vgpu, offset, v | ((v >> 1) & BIT(30)));
}

/* No DP sink behind a vGPU: every AUX transfer times out at once. */
/*
 * i915 writes GFX_FLSH_CNTL after every batch of GGTT updates (the GGTT
 * invalidate): where the GGTT half is guest RAM, that is when its new
 * entries are read and checked.
 */
static void ggtt_flush_write(struct vgpu *vgpu, u32 __always_unused offset,
			     u32 __always_unused old)
{
	ggtt_ram_sync(vgpu);
}

static void dp_aux_ctl_write(struct vgpu *vgpu, u32 offset,
			     u32 __always_unused old)
{
	u32 v = vgpu_vreg32(vgpu, offset);

	v = (v & ~DP_AUX_W1C) | (old & DP_AUX_W1C & ~v);
	if (v & DP_AUX_SEND_BUSY)
		v = (v & ~(DP_AUX_SEND_BUSY | DP_AUX_RECEIVE_ERROR)) |
		    DP_AUX_DONE | DP_AUX_TIME_OUT_ERROR;
	vgpu_set_vreg32(vgpu, offset, v);
}

#define R(off, fl, ini)                                                  \
	{                                                                \
		.offset = (off), .size = 4, .flags = (fl), .init = (ini) \
	}
#define RW(off, fl, hook)                                                  \
	{                                                                  \
		.offset = (off), .size = 4, .flags = (fl), .write = (hook) \
	}

#define RR(off, fl, rd)                                                 \
	{                                                               \
		.offset = (off), .size = 4, .flags = (fl), .read = (rd) \
	}

/*
 * Per engine; execlist hooks act only on the engines the core emulates
 * (execlist.h), elsewhere the registers stay plain.
 */
#define ENGINE_REGS(b)                                                         \
	RW((b) + RING_HWS_PGA, 0, execlist_hws_pga_write),                     \
		RW((b) + RING_MI_MODE, REG_MASKED, mi_mode_write),             \
		R((b) + RING_IMR, 0, RING_IMR_RESET),                          \
		R((b) + RING_EIR, REG_W1C, 0),                                 \
		RW((b) + RING_RESET_CTL, REG_MASKED, reset_ctl_write),         \
		RW((b) + RING_ELSP, 0, execlist_elsp_write),                   \
		R((b) + RING_MODE_GEN7, REG_MASKED, 0),                        \
		RR((b) + RING_TIMESTAMP, REG_RO, execlist_timestamp_read),     \
		RR((b) + RING_TIMESTAMP_UDW, REG_RO, execlist_timestamp_read), \
		{ .offset = (b) + RING_CONTEXT_STATUS_BUF_LO(0),               \
		  .size = 8 * GEN8_CSB_ENTRIES,                                \
		  .flags = REG_RO },                                           \
		RW((b) + RING_CONTEXT_STATUS_PTR, REG_MASKED,                  \
		   execlist_csb_ptr_write)

#define GT_BANK_REGS(n)                                    \
	RW(GEN8_GT_IMR(n), 0, irq_gt_write),               \
		RW(GEN8_GT_IIR(n), REG_W1C, irq_gt_write), \
		RW(GEN8_GT_IER(n), 0, irq_gt_write)

/* Sorted by offset; tests/unit checks order and overlap. */
static const struct vgpu_reg reg_table[] = {
	ENGINE_REGS(GEN9_RCS_BASE),
	RW(0x4260, 0, self_clear_write), /* TLB invalidation */
	RW(0x4264, 0, self_clear_write),
	RW(0x4268, 0, self_clear_write),
	RW(0x426c, 0, self_clear_write),
	RW(0x4270, 0, self_clear_write),
	R(0x9120, REG_RO, 0x02800000), /* GEN8_FUSE2: 1 slice, 3 subslices */
	RW(GEN6_GDRST, 0, gdrst_write),
	R(0xc000, REG_RO, 0x1), /* GUC_STATUS: held in reset */
	ENGINE_REGS(GEN9_VCS_BASE),
	ENGINE_REGS(GEN9_VECS_BASE),
	ENGINE_REGS(GEN9_BCS_BASE),
	R(0x42000, REG_RO, 0x8e000000), /* SKL_FUSE_STATUS: all ready */
	{ .offset = GEN8_MASTER_IRQ,
	  .size = 4,
	  .read = irq_master_read,
	  .write = irq_master_write },
	GT_BANK_REGS(0),
	GT_BANK_REGS(1),
	GT_BANK_REGS(2),
	GT_BANK_REGS(3),
	R(0x44408, REG_W1C, 0), /* GEN8_DE_PIPE_IIR(A..C) */
	R(0x44418, REG_W1C, 0),
	R(0x44428, REG_W1C, 0),
	R(0x44448, REG_W1C, 0), /* GEN8_DE_PORT_IIR */
	R(0x44468, REG_W1C, 0), /* GEN8_DE_MISC_IIR */
	R(0x444e8, REG_W1C, 0), /* GEN8_PCU_IIR */
	RW(0x45008, 0, bit30_follows_bit31_write), /* DBUF_CTL */
	RW(0x45400, 0, power_well_write), /* HSW_PWR_WELL_CTL1..4 */
	RW(0x45404, 0, power_well_write),
	RW(0x45408, 0, power_well_write),
	RW(0x4540c, 0, power_well_write),
	RW(0x46010, 0, bit30_follows_bit31_write), /* LCPLL1_CTL */
	RW(0x46014, 0, bit30_follows_bit31_write), /* LCPLL2_CTL */
	RW(0x64010, 0, dp_aux_ctl_write), /* DP_AUX_CH_CTL(A..D) */
	RW(0x64110, 0, dp_aux_ctl_write),
	RW(0x64210, 0, dp_aux_ctl_write),
	RW(0x64310, 0, dp_aux_ctl_write),
	R(0x64838, REG_W1C, 0), /* EDP_PSR_IIR */
	/*
	 * DPLL_CTRL2: the DDI clocks of ports A-E off at power-on, as i915
	 * expects of disabled ports (else it "gates" each with a warning).
	 */
	R(0x6c05c, 0, 0x000f8000),
	R(0x6c060, REG_RO, 0x01010101), /* DPLL_STATUS: all locked */
	{ .offset = VGT_PVINFO_PAGE,
	  .size = VGT_PVINFO_SIZE,
	  .write = pvinfo_mmio_write },
	R(0xc4008, REG_W1C, 0), /* SDEIIR */
	R(0xc5108, REG_RO, 0x800), /* GMBUS2: hardware ready */
	{ .offset = FENCE_REG_GEN6_BASE,
	  .size = FENCE_REG_BYTES,
	  .read = fence_mmio_read,
	  .write = fence_mmio_write },
	RW(GFX_FLSH_CNTL_GEN6, 0, ggtt_flush_write),
	RW(GEN6_PCODE_MAILBOX, 0, pcode_write),
};

const struct vgpu_reg *regs_table(u32 *count)
{
	*count = xengt_array_size(reg_table);
	return reg_table;
}

const struct vgpu_reg *regs_lookup(u32 offset)
{
	u32 lo = 0, hi = xengt_array_size(reg_table);

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct vgpu_reg *r = &reg_table[mid];

		if (offset < r->offset)
			hi = mid;
		else if (offset - r->offset >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

void regs_vgpu_init(struct vgpu *vgpu)
{
	u32 i, off;

	for (i = 0; i < xengt_array_size(reg_table); i++) {
		const struct vgpu_reg *r = &reg_table[i];

		for (off = 0; r->init && off < r->size; off += 4)
			vgpu_set_vreg32(vgpu, r->offset + off, r->init);
	}
	pvinfo_vgpu_init(vgpu);
}
