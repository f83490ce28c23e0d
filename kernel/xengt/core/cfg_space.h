/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Virtual PCI configuration space of a vGPU: a Gen9 (Skylake GT2) VGA
 * device with a 64-bit BAR0 (GTTMMADR, 16 MiB), a 64-bit prefetchable BAR2
 * (aperture), MSI and PM capabilities, GMCH control and the OpRegion
 * address (ASLS).
 */
#ifndef XENGT_CFG_SPACE_H
#define XENGT_CFG_SPACE_H

#include "os.h"

struct vgpu;

#define VGPU_CFG_SIZE 256

/* Standard and Intel-specific offsets used by the guest driver. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_BASE_ADDRESS_2 0x18
#define PCI_BASE_ADDRESS_4 0x20
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define INTEL_GMCH_CTRL 0x50
#define INTEL_BDSM 0x5c
#define VGPU_CAP_MSI 0xac
#define VGPU_CAP_PM 0xd0
#define INTEL_ASLS 0xfc

#define PCI_BAR_MEM_TYPE_64 0x4
#define PCI_BAR_MEM_PREFETCH 0x8

/* GMCH control: GGMS (bits 7:6) = 3 -> 8 MiB of PTEs -> 4 GiB GGTT. */
#define GMCH_GGMS_SHIFT 6
#define GMCH_GGMS_8M 3

struct vgpu_cfg {
	u8 space[VGPU_CFG_SIZE];
	u64 bar0_mapped; /* where the hypervisor traps BAR0 now; 0 = nowhere */
	u64 bar0_trapped; /* bytes of it trapped: all, or the register half */
	/* OpRegion (opregion.h), under vgpu->lock */
	u64 opregion_gpa; /* where the guest has it now, 0 = nowhere */
	void *opregion_ram; /* the backend's RAM for it, NULL: none yet */
	u64 opregion_ram_gpa; /* where that RAM is in the guest, 0 = parked */
	u8 wmask[VGPU_CFG_SIZE]; /* bits a guest write may change */
};

/* Power-on config space for @vgpu.  Caller holds no lock (vGPU not live). */
void vgpu_cfg_init(struct vgpu *vgpu);

/*
 * Trapped config access of @bytes (1, 2 or 4) at @offset (0..4095;
 * extended space reads as zero).  Returns 0, or -EINVAL for a bad
 * size/alignment (reads then return all-ones).  Takes vgpu->lock.
 */
int vgpu_cfg_read(struct vgpu *vgpu, u32 offset, u32 bytes, u32 *val);
int vgpu_cfg_write(struct vgpu *vgpu, u32 offset, u32 bytes, u32 val);

/* Guest-physical base of BAR0 as programmed (0 when not decoded). */
u64 vgpu_cfg_bar0_base(const struct vgpu *vgpu);
/* ASLS as the guest last wrote it.  Under vgpu->lock. */
u64 vgpu_cfg_asls(const struct vgpu *vgpu);
/*
 * Have the hypervisor trap BAR0 where config space puts it now (after a
 * BAR write, or when a trap path attaches).  Caller holds vgpu->lock.
 */
void vgpu_cfg_sync_bar0(struct vgpu *vgpu);
/* BAR sizes the device decodes. */
u64 vgpu_cfg_bar_size(const struct vgpu *vgpu, int bar);

#endif /* XENGT_CFG_SPACE_H */
