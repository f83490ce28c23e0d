// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The vGPU's OpRegion (see opregion.h).
 *
 * Layouts: the ACPI IGD OpRegion specification (header: signature, size
 * in KiB, version, mailbox flags) and the VBT's own headers, as i915
 * 6.1 reads them (intel_opregion_setup(), intel_bios_is_valid_vbt()).
 */
#include "vgpu.h"

/* OpRegion header */
#define OPR_SIGNATURE 0x00 /* "IntelGraphicsMem" */
#define OPR_SIZE_KB 0x10
#define OPR_VERSION_MAJOR 0x17 /* over: rsvd, revision, minor, major */
#define OPR_MBOXES 0x58 /* no bit set: only mailbox #4, always read */

/* VBT header, at OPREGION_VBT_OFFSET */
#define VBT_SIGNATURE 0x00 /* "$VBT" + platform, 20 bytes */
#define VBT_VERSION 0x14
#define VBT_HEADER_SIZE 0x16
#define VBT_SIZE 0x18
#define VBT_CHECKSUM 0x1a /* all VBT bytes sum to 0 */
#define VBT_BDB_OFFSET 0x1c
#define VBT_HEADER_LEN 0x30

/* BIOS data block header, right after the VBT header; no blocks follow */
#define BDB_SIGNATURE 0x00 /* "BIOS_DATA_BLOCK " */
#define BDB_VERSION 0x10
#define BDB_HEADER_SIZE 0x12
#define BDB_SIZE 0x14
#define BDB_HEADER_LEN 0x16

/*
 * A Skylake-era BDB version.  With no block present, no parser of i915
 * depends on it; it is reported in the guest's log.
 */
#define VBT_BDB_VERSION 221
#define VBT_LEN (VBT_HEADER_LEN + BDB_HEADER_LEN)

static void le16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void le32(u8 *p, u32 v)
{
	le16(p, v & 0xffff);
	le16(p + 2, v >> 16);
}

static void build_vbt(u8 *vbt)
{
	u8 *bdb = vbt + VBT_HEADER_LEN;
	u8 sum = 0;
	u32 i;

	os_memcpy(vbt + VBT_SIGNATURE, "$VBT SKYLAKE        ", 20);
	le16(vbt + VBT_VERSION, 100);
	le16(vbt + VBT_HEADER_SIZE, VBT_HEADER_LEN);
	le16(vbt + VBT_SIZE, VBT_LEN);
	le32(vbt + VBT_BDB_OFFSET, VBT_HEADER_LEN);
	os_memcpy(bdb + BDB_SIGNATURE, "BIOS_DATA_BLOCK ", 16);
	le16(bdb + BDB_VERSION, VBT_BDB_VERSION);
	le16(bdb + BDB_HEADER_SIZE, BDB_HEADER_LEN);
	le16(bdb + BDB_SIZE, BDB_HEADER_LEN);
	for (i = 0; i < VBT_LEN; i++)
		sum += vbt[i];
	vbt[VBT_CHECKSUM] = (u8)-sum;
}

void opregion_read_template(u32 off, u8 *buf, u32 len)
{
	u8 hdr[0x100], vbt[VBT_LEN];
	u32 i;

	os_memset(hdr, 0, sizeof(hdr));
	os_memcpy(hdr + OPR_SIGNATURE, "IntelGraphicsMem", 16);
	le32(hdr + OPR_SIZE_KB, OPREGION_SIZE >> 10);
	hdr[OPR_VERSION_MAJOR] = 2;
	le32(hdr + OPR_MBOXES, 0);
	os_memset(vbt, 0, sizeof(vbt));
	build_vbt(vbt);

	for (i = 0; i < len; i++) {
		u32 at = off + i;

		if (at < sizeof(hdr))
			buf[i] = hdr[at];
		else if (at >= OPREGION_VBT_OFFSET &&
			 at < OPREGION_VBT_OFFSET + VBT_LEN)
			buf[i] = vbt[at - OPREGION_VBT_OFFSET];
		else
			buf[i] = 0;
	}
}

/* Without RAM of the backend's: the firmware's reservation, if RAM. */
static int opregion_write_gpa(struct vgpu *vgpu, u64 gpa)
{
	u8 chunk[256];
	u32 off;
	int ret;

	for (off = 0; off < OPREGION_SIZE; off += sizeof(chunk)) {
		opregion_read_template(off, chunk, sizeof(chunk));
		ret = hv_write_gpa(vgpu, gpa + off, chunk, sizeof(chunk));
		if (ret)
			return ret;
	}
	return 0;
}

static bool opregion_overlaps_bar0(const struct vgpu *vgpu, u64 gpa)
{
	u64 bar0 = vgpu->cfg.bar0_mapped;

	return bar0 && gpa < bar0 + VGPU_BAR0_SIZE &&
	       bar0 < gpa + OPREGION_SIZE;
}

/* Whether the guest has RAM of its own at either page of [@gpa, +8 KiB). */
static bool opregion_in_guest_ram(struct vgpu *vgpu, u64 gpa)
{
	u64 dma, gfn = gpa >> XENGT_PAGE_SHIFT;
	u32 i;

	for (i = 0; i < OPREGION_SIZE >> XENGT_PAGE_SHIFT; i++)
		if (!hv_gfn_to_dma(vgpu, gfn + i, &dma))
			return true;
	return false;
}

/* Put the backend's RAM at @to (0: where it waits), filled once. */
static int opregion_move_ram(struct vgpu *vgpu, u64 to)
{
	struct vgpu_cfg *cfg = &vgpu->cfg;
	void *view = NULL;
	int ret;

	if (to == cfg->opregion_ram_gpa)
		return 0;
	ret = hv_back_ram(vgpu, HV_RAM_OPREGION, cfg->opregion_ram_gpa, to,
			  OPREGION_SIZE, &view);
	if (ret)
		return ret;
	/* Placed once, then only moved: the guest's mailbox writes stay. */
	if (!cfg->opregion_ram) {
		opregion_read_template(0, view, OPREGION_SIZE);
		cfg->opregion_ram = view;
	}
	cfg->opregion_ram_gpa = to;
	return 0;
}

void opregion_place(struct vgpu *vgpu, u64 gpa)
{
	struct vgpu_cfg *cfg = &vgpu->cfg;
	int ret;

	if (gpa == cfg->opregion_gpa)
		return;
	if (gpa && (!xengt_is_aligned(gpa, XENGT_PAGE_SIZE) ||
		    opregion_overlaps_bar0(vgpu, gpa))) {
		vgpu->stats.cfg_bad++;
		vgpu_warn(
			vgpu,
			"ASLS 0x%llx: not page aligned or over BAR0: no OpRegion",
			gpa);
		return;
	}
	/*
	 * Firmware that reserved guest RAM for it gets the OpRegion written
	 * there; hvmloader reserves a hole in the MMIO range, where RAM of
	 * the backend's goes (never over the guest's own RAM: a guest that
	 * points ASLS at its RAM cannot make it vanish).
	 */
	if (gpa && opregion_in_guest_ram(vgpu, gpa)) {
		ret = opregion_move_ram(vgpu, 0);
		if (ret == -EOPNOTSUPP)
			ret = 0;
		if (!ret) {
			cfg->opregion_gpa = 0;
			ret = opregion_write_gpa(vgpu, gpa);
		}
	} else {
		ret = opregion_move_ram(vgpu, gpa);
		if (ret == -EOPNOTSUPP && !gpa)
			ret = 0;
	}
	if (ret) {
		vgpu->stats.cfg_bad++;
		vgpu_warn(
			vgpu,
			"ASLS 0x%llx: neither guest RAM nor RAM the backend can place there: no OpRegion (%d)",
			gpa, ret);
		return;
	}
	cfg->opregion_gpa = gpa;
	if (gpa && cfg->opregion_ram_gpa == gpa)
		vgpu_info(vgpu, "OpRegion in RAM of the vGPU's at 0x%llx", gpa);
}

void opregion_forget(struct vgpu *vgpu)
{
	struct vgpu_cfg *cfg = &vgpu->cfg;

	/* The backend's to park or release; the view ends with it. */
	opregion_move_ram(vgpu, 0);
	cfg->opregion_ram = NULL;
	cfg->opregion_ram_gpa = 0;
	cfg->opregion_gpa = 0;
}
