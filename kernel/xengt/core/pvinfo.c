// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * PVINFO page (see pvinfo.h).
 */
#include "vgpu.h"
#include "pvinfo.h"
#include "pv.h"

#define PV(off) (VGT_PVINFO_PAGE + (off))

/* The only capabilities this vGPU offers today. */
#define VGPU_CAPS (VGT_CAPS_FULL_PPGTT | VGT_CAPS_HWSP_EMULATION)

void pvinfo_vgpu_init(struct vgpu *vgpu)
{
	u64 magic = VGT_MAGIC;

	vgpu_vreg_dirty(vgpu, VGT_PVINFO_PAGE, VGT_PVINFO_SIZE);
	os_memset(vgpu->vreg + VGT_PVINFO_PAGE, 0, VGT_PVINFO_SIZE);
	os_memcpy(vgpu->vreg + PV(PVINFO_MAGIC), &magic, 8);
	vgpu_set_vreg32(vgpu, PV(PVINFO_VERSION_MAJOR),
			VGT_VERSION_MAJOR | VGT_VERSION_MINOR << 16);
	vgpu_set_vreg32(vgpu, PV(PVINFO_VGT_ID), vgpu->id);
	vgpu_set_vreg32(vgpu, PV(PVINFO_VGT_CAPS),
			VGPU_CAPS | pv_vgt_caps(vgpu));
	/* pv_caps reads the offer until the guest answers (pv.h). */
	vgpu_set_vreg32(vgpu, PV(PVINFO_PV_CAPS), vgpu->pv.offer);
	vgpu_set_vreg32(vgpu, PV(PVINFO_MAPPABLE_BASE), vgpu->low_gm_base);
	vgpu_set_vreg32(vgpu, PV(PVINFO_MAPPABLE_SIZE), vgpu->low_gm_size);
	vgpu_set_vreg32(vgpu, PV(PVINFO_NONMAPPABLE_BASE), vgpu->high_gm_base);
	vgpu_set_vreg32(vgpu, PV(PVINFO_NONMAPPABLE_SIZE), vgpu->high_gm_size);
	vgpu_set_vreg32(vgpu, PV(PVINFO_FENCE_NUM), vgpu->fence_num);
}

static void pvinfo_g2v_notify(struct vgpu *vgpu, u32 code)
{
	vgpu->stats.g2v_notify++;
	switch (code) {
	case 1:
	case VGT_G2V_PPGTT_L3_PAGE_TABLE_CREATE:
	case VGT_G2V_PPGTT_L3_PAGE_TABLE_DESTROY:
	case VGT_G2V_PPGTT_L4_PAGE_TABLE_CREATE:
	case VGT_G2V_PPGTT_L4_PAGE_TABLE_DESTROY:
	case VGT_G2V_EXECLIST_CONTEXT_CREATE:
	case VGT_G2V_EXECLIST_CONTEXT_DESTROY:
		/*
		 * PPGTT roots are found from the context image at
		 * submission; the notification only says one exists.
		 */
		break;
	case VGT_G2V_SHARED_PAGE_REGISTER:
		if (pv_register(vgpu))
			break;
		goto unknown;
	case VGT_G2V_PV_SEND_TRIGGER:
		if (pv_doorbell(vgpu))
			break;
		goto unknown;
	default:
unknown:
		/* PV codes while PV is not offered, or garbage. */
		vgpu->stats.g2v_unknown++;
		vgpu_dbg(vgpu, "ignored g2v notification %u", code);
	}
}

static bool pvinfo_writable(u32 off)
{
	return off == PVINFO_DISPLAY_READY ||
	       (off >= PVINFO_RS_INSUFFICIENT && off < PVINFO_G2V_NOTIFY) ||
	       off == PVINFO_G2V_NOTIFY || off == PVINFO_CURSOR_X_HOT ||
	       off == PVINFO_CURSOR_Y_HOT ||
	       (off >= PVINFO_PDP && off < PVINFO_EXECLIST_DESC_LO) ||
	       off == PVINFO_EXECLIST_DESC_LO ||
	       off == PVINFO_EXECLIST_DESC_HI || off == PVINFO_PV_CAPS ||
	       (off >= PVINFO_SHARED_PAGE_GPA &&
		off < PVINFO_SHARED_PAGE_GPA + 8);
}

void pvinfo_mmio_write(struct vgpu *vgpu, u32 offset, u32 old)
{
	u32 off = offset - VGT_PVINFO_PAGE;
	u32 val = vgpu_vreg32(vgpu, offset);

	if (!pvinfo_writable(off)) {
		vgpu_set_vreg32(vgpu, offset, old);
		vgpu->stats.mmio_ro_writes++;
		return;
	}
	switch (off) {
	case PVINFO_DISPLAY_READY:
		vgpu->display_ready = val == 1;
		break;
	case PVINFO_G2V_NOTIFY:
		pvinfo_g2v_notify(vgpu, val);
		break;
	case PVINFO_PV_CAPS:
		/* Only what was offered can be accepted. */
		pv_caps_write(vgpu, offset, val, old);
		break;
	default:
		if (off >= PVINFO_RS_INSUFFICIENT && off < PVINFO_G2V_NOTIFY)
			vgpu_enter_failsafe(
				vgpu, "guest reports insufficient resources");
	}
}
