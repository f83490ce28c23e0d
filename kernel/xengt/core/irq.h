/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Interrupts: the vGPU's virtual GT interrupt tree (ISR/IMR/IIR/IER per GT
 * bank, the master control) and MSI injection.  The physical GPU's
 * interrupts are its backend's (gpu.h: completions arrive by callback).
 *
 * Virtual semantics follow Gen8/9 as i915 uses them: an engine's event is
 * first masked by that engine's RING_IMR (bits at the engine's position in
 * its GT bank, as i915 writes them; all masked at power-on, i915 unmasks
 * its irq_keep_mask when it resumes the engine, the user interrupt while
 * it waits for one); what passes sets its IIR bit unless the bank's IMR
 * masks it; a bank asserts upstream while IIR & IER is
 * non-zero; the master control (bit 31 enable) reports which engines
 * assert; the device sends its MSI on the rising edge of "master enabled
 * and a bank asserts": one per edge, none for an event while it is already
 * up (the guest's handler reads every asserting bank), again when the
 * driver re-enables the master with work still pending, as the hardware
 * re-triggers.
 */
#ifndef XENGT_IRQ_H
#define XENGT_IRQ_H

#include "os.h"

struct vgpu;
struct xengt_gvt;

/*
 * Raise @bits (already shifted into the bank's 32 bits) in virtual GT bank
 * @bank of @vgpu.  Caller holds vgpu->lock.
 */
void irq_vgpu_raise(struct vgpu *vgpu, u32 bank, u32 bits);
/*
 * Raise engine @engine's events @events (GT_* bits, not shifted) through
 * its RING_IMR and then its GT bank.  Caller holds vgpu->lock.
 */
void irq_engine_raise(struct vgpu *vgpu, u32 engine, u32 events);

/* Register-table hooks; caller holds vgpu->lock. */
u32 irq_master_read(struct vgpu *vgpu, u32 offset);
void irq_master_write(struct vgpu *vgpu, u32 offset, u32 old);
void irq_gt_write(struct vgpu *vgpu, u32 offset, u32 old);

#endif /* XENGT_IRQ_H */
