// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual interrupts (see irq.h).
 */
#include "vgpu.h"
#include "irq.h"
#include "gen9.h"

#define MSI_CTRL_ENABLE 0x1

/* Master-control bit reported for each half of each GT bank. */
static u32 irq_bank_master_bits(u32 bank, u32 asserted)
{
	static const u32 lo[GEN8_GT_BANKS] = { GEN8_GT_RCS_IRQ,
					       GEN8_GT_VCS0_IRQ, GEN8_GT_PM_IRQ,
					       GEN8_GT_VECS_IRQ };
	static const u32 hi[GEN8_GT_BANKS] = { GEN8_GT_BCS_IRQ,
					       GEN8_GT_VCS1_IRQ, 0, 0 };
	u32 m = 0;

	if (asserted & 0xffff)
		m |= lo[bank];
	if (asserted >> 16)
		m |= hi[bank];
	return m;
}

static u32 irq_asserted(struct vgpu *vgpu)
{
	u32 bank, m = 0;

	for (bank = 0; bank < GEN8_GT_BANKS; bank++)
		m |= irq_bank_master_bits(
			bank, vgpu_vreg32(vgpu, GEN8_GT_IIR(bank)) &
				      vgpu_vreg32(vgpu, GEN8_GT_IER(bank)));
	return m;
}

static u32 cfg32(const struct vgpu *vgpu, u32 off)
{
	const u8 *p = vgpu->cfg.space + off;

	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* Send the MSI if the guest enabled it; counts what happened. */
static void irq_send_msi(struct vgpu *vgpu)
{
	u32 ctrl = cfg32(vgpu, VGPU_CAP_MSI) >> 16;
	u64 addr;
	u32 data;

	if (!(ctrl & MSI_CTRL_ENABLE)) {
		vgpu->irq.msi_disabled++;
		return;
	}
	addr = cfg32(vgpu, VGPU_CAP_MSI + 4) |
	       (u64)cfg32(vgpu, VGPU_CAP_MSI + 8) << 32;
	data = cfg32(vgpu, VGPU_CAP_MSI + 12) & 0xffff;
	if (hv_inject_msi(vgpu, addr, data)) {
		vgpu->irq.msi_failed++;
		return;
	}
	vgpu->irq.msi_sent++;
}

/*
 * The device's interrupt line: the master is on and a bank asserts.  The
 * MSI is its rising edge, so an event while it is already up (the guest
 * has not acknowledged the last one yet) sends nothing: the guest's
 * handler reads every asserting bank once it runs.
 */
static bool irq_line(struct vgpu *vgpu)
{
	return (vgpu_vreg32(vgpu, GEN8_MASTER_IRQ) & GEN8_MASTER_IRQ_CONTROL) &&
	       irq_asserted(vgpu);
}

void irq_vgpu_raise(struct vgpu *vgpu, u32 bank, u32 bits)
{
	u32 iir, unmasked;
	bool line;

	if (bank >= GEN8_GT_BANKS)
		return;
	unmasked = bits & ~vgpu_vreg32(vgpu, GEN8_GT_IMR(bank));
	vgpu->irq.events++;
	if (!unmasked)
		return;
	line = irq_line(vgpu);
	iir = vgpu_vreg32(vgpu, GEN8_GT_IIR(bank));
	vgpu_set_vreg32(vgpu, GEN8_GT_IIR(bank), iir | unmasked);
	if (!line && irq_line(vgpu))
		irq_send_msi(vgpu);
}

void irq_engine_raise(struct vgpu *vgpu, u32 engine, u32 events)
{
	u32 bits = events << execlist_irq_shift(engine);
	u32 imr = vgpu_vreg32(vgpu, execlist_engine_base(engine) + RING_IMR);

	/* Masked at the source: nothing latches, as on hardware. */
	if (bits & imr)
		vgpu->irq.ring_masked++;
	bits &= ~imr;
	if (bits)
		irq_vgpu_raise(vgpu, execlist_irq_bank(engine), bits);
}

u32 irq_master_read(struct vgpu *vgpu, u32 offset)
{
	return (vgpu_vreg32(vgpu, offset) & GEN8_MASTER_IRQ_CONTROL) |
	       irq_asserted(vgpu);
}

void irq_master_write(struct vgpu *vgpu, u32 offset, u32 old)
{
	u32 v = vgpu_vreg32(vgpu, offset) & GEN8_MASTER_IRQ_CONTROL;

	vgpu_set_vreg32(vgpu, offset, v);
	/* Re-enabling with work pending fires again, as hardware does. */
	if (v && !(old & GEN8_MASTER_IRQ_CONTROL) && irq_asserted(vgpu))
		irq_send_msi(vgpu);
}

void irq_gt_write(struct vgpu *vgpu, u32 offset, u32 old)
{
	u32 bank = (offset - GEN8_GT_ISR(0)) / 0x10;
	u32 iir, now, before;

	if (offset != GEN8_GT_IER(bank) ||
	    !(vgpu_vreg32(vgpu, GEN8_MASTER_IRQ) & GEN8_MASTER_IRQ_CONTROL))
		return;
	iir = vgpu_vreg32(vgpu, GEN8_GT_IIR(bank));
	/*
	 * An IER that newly enables a pending IIR bit asserts at once, an edge
	 * only if nothing asserted with the old IER (a bank's master bits are
	 * its own).
	 */
	now = irq_asserted(vgpu);
	before = (now & ~irq_bank_master_bits(
				bank, iir & vgpu_vreg32(vgpu, offset))) |
		 irq_bank_master_bits(bank, iir & old);
	if (now && !before)
		irq_send_msi(vgpu);
}
