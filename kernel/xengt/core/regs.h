/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The register table: what the vGPU does for each trapped MMIO register.
 *
 * Offsets without a descriptor are plain virtual registers: reads return
 * the last value written (0 at power-on), writes are kept in the vreg file
 * and counted.  Nothing the guest writes reaches the physical GPU except
 * through a handler that checks it (fences, GGTT).
 */
#ifndef XENGT_REGS_H
#define XENGT_REGS_H

#include "os.h"

struct vgpu;

enum vgpu_reg_flags {
	REG_RO = 1 << 0, /* guest writes dropped and counted */
	REG_MASKED = 1 << 1, /* upper 16 bits enable writes of the lower 16 */
	REG_W1C = 1 << 2, /* writing 1 clears the bit (IIR, EIR) */
};

struct vgpu_reg {
	u32 offset;
	u32 size; /* bytes covered: 4, or a whole block (PVINFO, fences) */
	u32 flags;
	u32 init; /* power-on value of each dword */
	/* Optional: value a guest read returns (default: the vreg). */
	u32 (*read)(struct vgpu *vgpu, u32 offset);
	/*
	 * Optional: called after the vreg holds the new value (masks and
	 * W1C already applied), with the previous value in @old.
	 */
	void (*write)(struct vgpu *vgpu, u32 offset, u32 old);
};

/* Descriptor covering @offset, or NULL.  O(log n), no locks. */
const struct vgpu_reg *regs_lookup(u32 offset);
/*
 * Load every register's power-on value into the vreg file, which must be
 * all zeroes (fresh from os_vzalloc(), or cleared by vgpu_reset()): a
 * second pass over its 2 MiB on create touched every page of it, the
 * largest cost of creating a vGPU.
 */
void regs_vgpu_init(struct vgpu *vgpu);
/* For tests: the table, sorted by offset. */
const struct vgpu_reg *regs_table(u32 *count);

#endif /* XENGT_REGS_H */
