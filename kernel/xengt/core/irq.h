/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Interrupts: the vGPU's virtual GT interrupt tree (ISR/IMR/IIR/IER per GT
 * bank, the master control) and MSI injection; and the physical GPU's
 * interrupt entry point.
 *
 * Virtual semantics follow Gen8/9 as i915 uses them: an event sets its IIR
 * bit unless IMR masks it; a bank asserts upstream while IIR & IER is
 * non-zero; the master control (bit 31 enable) reports which engines
 * assert; the device sends its MSI when the master is enabled and a bank
 * asserts (again on every new event, and when the driver re-enables the
 * master with work still pending, as the hardware re-triggers).
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

/* Register-table hooks; caller holds vgpu->lock. */
u32 irq_master_read(struct vgpu *vgpu, u32 offset);
void irq_master_write(struct vgpu *vgpu, u32 offset, u32 old);
void irq_gt_write(struct vgpu *vgpu, u32 offset, u32 old);

/*
 * The physical GPU's interrupt: acknowledge the physical GT IIRs and note
 * per engine what fired, for the scheduler to collect.  Called by the GPU
 * backend in interrupt context (the software GPU: synchronously from
 * inside the ELSP write that completed work); takes no lock.
 */
void xengt_gvt_irq(struct xengt_gvt *gvt);
/*
 * Take and clear the interrupt bits (unshifted, per-engine 16 bits) noted
 * for physical engine @engine.  Scheduler context.
 */
u32 irq_take_pending(struct xengt_gvt *gvt, u32 engine);

#endif /* XENGT_IRQ_H */
