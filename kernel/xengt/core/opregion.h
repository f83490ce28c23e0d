/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The vGPU's OpRegion: the ACPI IGD OpRegion an Intel GPU driver finds at
 * the guest-physical address in config register ASLS (0xfc).  Firmware
 * (Xen's hvmloader) reserves a few pages for it and writes ASLS; what the
 * driver then reads there is the device model's to provide.
 *
 * Ours is version 2.0 with no mailbox but #4, the Video BIOS Table, which
 * declares no display output: the vGPU is headless, and a VBT that says
 * so spares the guest driver its guesses (i915 otherwise assumes every
 * DDI port exists and probes each through trapped AUX registers).
 *
 * The backend backs the region with guest RAM it owns (hv back_ram,
 * HV_RAM_OPREGION) and moves it wherever the guest points ASLS; where the
 * backend has none, the core writes the same bytes into the guest RAM
 * the firmware reserved (write_gpa).  Either way the guest owns the
 * bytes afterwards: the core never reads them back.
 */
#ifndef XENGT_OPREGION_H
#define XENGT_OPREGION_H

#include "os.h"

struct vgpu;

#define OPREGION_SIZE XENGT_OPREGION_SIZE /* 8 KiB */
#define OPREGION_VBT_OFFSET 0x400 /* mailbox #4 */

/*
 * Bytes [@off, @off + @len) of the OpRegion every vGPU offers, into @buf.
 * Any caller, any context: pure.
 */
void opregion_read_template(u32 off, u8 *buf, u32 len);

/*
 * The guest wrote ASLS = @gpa: put the OpRegion there (0: take it away).
 * An address that is not page aligned, overlaps BAR0 or where the
 * backend can put no RAM and the guest has none leaves the vGPU with no
 * OpRegion, with a warning; ASLS keeps what the guest wrote, as on real
 * hardware, where it is a scratch register.  Called with vgpu->lock
 * held, from the config-space trap or when a backend attaches.
 */
void opregion_place(struct vgpu *vgpu, u64 gpa);

/*
 * The backend goes (vGPU detach): its RAM goes back where it waits.
 * Called with vgpu->lock held.
 */
void opregion_forget(struct vgpu *vgpu);

#endif /* XENGT_OPREGION_H */
