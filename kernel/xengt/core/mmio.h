/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Trapped BAR0 accesses: the entry points hypervisor backends call.
 */
#ifndef XENGT_MMIO_H
#define XENGT_MMIO_H

#include "os.h"

struct vgpu;

/*
 * Emulate a guest read/write of @bytes (1, 2, 4 or 8) at @offset into
 * BAR0.  @data is little-endian, as on the bus.  Register space accepts
 * 1/2/4-byte naturally aligned and 8-byte 4-aligned accesses; the GGTT
 * half accepts aligned 4 and 8.  Anything else returns -EINVAL, reads
 * all-ones and changes nothing.  Takes vgpu->lock.
 */
int vgpu_mmio_read(struct vgpu *vgpu, u64 offset, u32 bytes, void *data);
int vgpu_mmio_write(struct vgpu *vgpu, u64 offset, u32 bytes, const void *data);

#endif /* XENGT_MMIO_H */
