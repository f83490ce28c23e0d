/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * PVINFO page at BAR0 + 0x78000: the guest/host ABI that makes an
 * unmodified i915 detect a vGPU (byte-exact to spec/pvinfo.md).
 */
#ifndef XENGT_PVINFO_H
#define XENGT_PVINFO_H

#include "os.h"

struct vgpu;

#define VGT_PVINFO_PAGE 0x78000U
#define VGT_PVINFO_SIZE 0x1000U
#define VGT_MAGIC 0x4776544776544776ULL /* "vGTvGTvG" */
#define VGT_VERSION_MAJOR 1
#define VGT_VERSION_MINOR 0

/* Offsets inside the page. */
#define PVINFO_MAGIC 0x000
#define PVINFO_VERSION_MAJOR 0x008
#define PVINFO_VERSION_MINOR 0x00a
#define PVINFO_VGT_ID 0x00c
#define PVINFO_VGT_CAPS 0x010
#define PVINFO_MAPPABLE_BASE 0x040
#define PVINFO_MAPPABLE_SIZE 0x044
#define PVINFO_NONMAPPABLE_BASE 0x048
#define PVINFO_NONMAPPABLE_SIZE 0x04c
#define PVINFO_FENCE_NUM 0x050
#define PVINFO_DISPLAY_READY 0x804
#define PVINFO_RS_INSUFFICIENT 0x808 /* 16 bytes */
#define PVINFO_G2V_NOTIFY 0x818
#define PVINFO_CURSOR_X_HOT 0x830
#define PVINFO_CURSOR_Y_HOT 0x834
#define PVINFO_PDP 0x838 /* 4 x (lo, hi) */
#define PVINFO_EXECLIST_DESC_LO 0x858
#define PVINFO_EXECLIST_DESC_HI 0x85c
#define PVINFO_PV_CAPS 0x860
#define PVINFO_SHARED_PAGE_GPA 0x864 /* 8 bytes, unaligned */

#define VGT_CAPS_FULL_PPGTT (1U << 2)
#define VGT_CAPS_HWSP_EMULATION (1U << 3)
#define VGT_CAPS_HUGE_GTT (1U << 4)
#define VGT_CAPS_PV (1U << 5)

enum vgt_g2v_type {
	VGT_G2V_PPGTT_L3_PAGE_TABLE_CREATE = 2,
	VGT_G2V_PPGTT_L3_PAGE_TABLE_DESTROY = 3,
	VGT_G2V_PPGTT_L4_PAGE_TABLE_CREATE = 4,
	VGT_G2V_PPGTT_L4_PAGE_TABLE_DESTROY = 5,
	VGT_G2V_EXECLIST_CONTEXT_CREATE = 6,
	VGT_G2V_EXECLIST_CONTEXT_DESTROY = 7,
	VGT_G2V_SHARED_PAGE_REGISTER = 8,
	VGT_G2V_PV_SEND_TRIGGER = 9,
};

/* Power-on contents of the page in the vreg file. */
void pvinfo_vgpu_init(struct vgpu *vgpu);
/* Register-table write hook for the page; caller holds vgpu->lock. */
void pvinfo_mmio_write(struct vgpu *vgpu, u32 offset, u32 old);

#endif /* XENGT_PVINFO_H */
