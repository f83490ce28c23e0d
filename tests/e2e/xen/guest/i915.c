// SPDX-License-Identifier: GPL-2.0
/*
 * The i915-pv e2e test: the guest library of guest/i915-pv (the code the
 * simulated guests run) on a real Xen vGPU, through real traps.
 *
 * 1. i915pv_probe: find 00:02.0, size and place BAR0 at bar0= (BAR2, the
 *    aperture, after it; never touched), read and check PVINFO.
 * 2. Check PVINFO against the vGPU type (low_mb=, high_mb=, fences=;
 *    default xengt_8), i915pv_balloon, i915pv_ggtt_job_run (pages= per
 *    slice) and a GGTT write outside the partition that must be dropped.
 * 3. Hostile pokes that must get defined values and break nothing:
 *    config space of an unclaimed device and unimplemented registers,
 *    BAR0 past its end and in the 2-8 MiB hole, odd sizes and alignments,
 *    rep movs / rep stos (count > 1, data_is_ptr, df) against BAR0.
 * 4. PVINFO and a GGTT entry again: the vGPU still works.
 * 5. Trap timing (TRAP_RT / XEN_RT, as the baseline guest) and trap counts
 *    per guest operation (TRAPS line).
 *
 * Every access goes through an i915pv_io table over port I/O (type-1
 * config, bus 0) and 32-bit physical MMIO (paging is off), which also
 * counts them: each is one VM exit, answered by the device model or, for
 * what nobody claimed, by Xen itself.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "guest.h"
#include "i915pv.h"
#include "io.h"
#include "lib.h"
#include "pci.h"
#include "result.h"
#include "timing.h"

#define BAR0_DEFAULT_GPA 0xc0000000u
#define RAM_END_DEFAULT (32u << 20) /* memory = 32 in the domain config */
#define JOB_RAM_GPA (16u << 20) /* far above the image, below RAM end */
#define PVINFO I915PV_PVINFO
#define PV_CURSOR_X_HOT 0x830
#define PV_PDP 0x838 /* 8 writable dwords */
#define MMIO_HOLE 0x400000u /* between registers (2 MiB) and GGTT (8 MiB) */
#define BAR0_SIZE (16u << 20)

static const uint64_t magic = I915PV_VGT_MAGIC;

/* ---- the i915pv_io table --------------------------------------------- */

struct traps {
	uint32_t pio, mmio;
};

static struct traps traps;
static uint32_t ram_end = RAM_END_DEFAULT;

static struct pci_bdf bdf_of(uint32_t devfn)
{
	struct pci_bdf d = { 0, (uint8_t)(devfn >> 3), (uint8_t)(devfn & 7) };

	return d;
}

/* One config access is two exits: 0xcf8 (address) and 0xcfc (data). */
static uint32_t io_cfg_read(void *ctx, uint32_t devfn, uint32_t reg,
			    uint32_t size)
{
	(void)ctx;
	traps.pio += 2;
	switch (size) {
	case 1:
		return pci_cfg_read8(bdf_of(devfn), reg);
	case 2:
		return pci_cfg_read16(bdf_of(devfn), reg);
	default:
		return pci_cfg_read32(bdf_of(devfn), reg);
	}
}

static void io_cfg_write(void *ctx, uint32_t devfn, uint32_t reg, uint32_t size,
			 uint32_t val)
{
	(void)ctx;
	traps.pio += 2;
	switch (size) {
	case 1:
		pci_cfg_write8(bdf_of(devfn), reg, val);
		break;
	case 2:
		pci_cfg_write16(bdf_of(devfn), reg, val);
		break;
	default:
		pci_cfg_write32(bdf_of(devfn), reg, val);
	}
}

static uint64_t io_mmio_read(void *ctx, uint64_t gpa, uint32_t size)
{
	(void)ctx;
	if (gpa >> 32)
		result_fail("MMIO read above 4 GiB (0x%llx): paging is off",
			    gpa);
	traps.mmio++;
	switch (size) {
	case 1:
		return mmio_read8(gpa);
	case 2:
		return mmio_read16(gpa);
	case 4:
		return mmio_read32(gpa);
	default:
		return mmio_read64(gpa);
	}
}

static void io_mmio_write(void *ctx, uint64_t gpa, uint32_t size, uint64_t val)
{
	(void)ctx;
	if (gpa >> 32)
		result_fail("MMIO write above 4 GiB (0x%llx): paging is off",
			    gpa);
	traps.mmio++;
	switch (size) {
	case 1:
		mmio_write8(gpa, val);
		break;
	case 2:
		mmio_write16(gpa, val);
		break;
	case 4:
		mmio_write32(gpa, val);
		break;
	default:
		mmio_write64(gpa, val);
	}
}

/* Identity: paging is off and RAM starts at 0. */
static void *io_ram(void *ctx, uint64_t gpa)
{
	(void)ctx;
	if (gpa >= ram_end || gpa < (1u << 20))
		return 0;
	return (void *)(uintptr_t)gpa;
}

/* A plain store: if the host write-protected the page, Xen traps it. */
static void io_ram_write(void *ctx, uint64_t gpa, uint32_t size, uint64_t val)
{
	void *p = io_ram(ctx, gpa);

	if (!p)
		result_fail("ram_write outside guest RAM (0x%llx)", gpa);
	switch (size) {
	case 1:
		*(volatile uint8_t *)p = val;
		break;
	case 2:
		*(volatile uint16_t *)p = val;
		break;
	case 4:
		*(volatile uint32_t *)p = val;
		break;
	default:
		*(volatile uint64_t *)p = val;
	}
}

static const struct i915pv_io io = {
	.cfg_read = io_cfg_read,
	.cfg_write = io_cfg_write,
	.mmio_read = io_mmio_read,
	.mmio_write = io_mmio_write,
	.ram = io_ram,
	.ram_write = io_ram_write,
};

static struct i915pv_dev dev;

static uint32_t traps_total(void)
{
	return traps.pio + traps.mmio;
}

/* ---- checks ---------------------------------------------------------- */

#define expect(what, got, want)                                              \
	do {                                                                 \
		uint64_t g_ = (got), w_ = (want);                            \
		if (g_ != w_)                                                \
			result_fail("%s: got 0x%llx, expected 0x%llx", what, \
				    g_, w_);                                 \
	} while (0)

static uint32_t bar0(uint32_t off)
{
	return (uint32_t)dev.bar0 + off;
}

static void check_pvinfo(void)
{
	uint64_t low = cmdline_ulong("low_mb", 64) << 20;
	uint64_t high = cmdline_ulong("high_mb", 384) << 20;

	printf("PVINFO: version %u.%u vgt_id %u caps 0x%x low 0x%llx+0x%llx high 0x%llx+0x%llx fences %u\n",
	       dev.version_major, dev.version_minor, dev.vgt_id, dev.caps,
	       dev.mappable_base, dev.mappable_size, dev.nonmappable_base,
	       dev.nonmappable_size, dev.fence_num);
	expect("PVINFO version_major", dev.version_major, 1);
	expect("PVINFO mappable size (low GM of the vGPU type)",
	       dev.mappable_size, low);
	expect("PVINFO non-mappable size (high GM of the vGPU type)",
	       dev.nonmappable_size, high);
	expect("PVINFO fence_num", dev.fence_num, cmdline_ulong("fences", 4));
	if (!dev.mappable_base || dev.mappable_base & 0xfff ||
	    dev.nonmappable_base < dev.mappable_end)
		result_fail(
			"PVINFO partition is implausible: low base 0x%llx, high base 0x%llx, aperture 0x%llx",
			dev.mappable_base, dev.nonmappable_base,
			dev.mappable_end);
}

static void check_balloon(void)
{
	uint64_t lo = dev.mappable_base, hi = dev.nonmappable_base;

	if (i915pv_balloon(&dev))
		result_fail("i915pv_balloon: %s", dev.error);
	if (i915pv_ballooned(&dev, lo, lo + 4096) ||
	    i915pv_ballooned(&dev, hi, hi + 4096))
		result_fail("balloon covers the vGPU's own graphics memory");
	if (!i915pv_ballooned(&dev, 0, 4096) ||
	    !i915pv_ballooned(&dev, dev.ggtt_total - 4096, dev.ggtt_total))
		result_fail(
			"balloon leaves another vGPU's graphics memory usable");
}

/* A GGTT write outside the partition is dropped: it reads back as 0. */
static void check_ggtt_isolation(void)
{
	uint64_t foreign = 0; /* ballooned: the host's or another vGPU's */

	i915pv_ggtt_map(&dev, foreign, JOB_RAM_GPA);
	expect("GGTT entry outside the partition (must be dropped)",
	       i915pv_ggtt_read(&dev, foreign), 0);
}

/* ---- hostile pokes --------------------------------------------------- */

static void poke_config(void)
{
	const struct pci_bdf none = { 0, 3, 0 }, gpu = { 0, 2, 0 };

	/* Nobody claimed 00:03.0: Xen answers all-ones, writes vanish. */
	expect("config read32 of unclaimed 00:03.0", pci_cfg_read32(none, 0),
	       0xffffffff);
	expect("config read16 of unclaimed 00:03.0", pci_cfg_read16(none, 2),
	       0xffff);
	expect("config read8 of unclaimed 00:03.0", pci_cfg_read8(none, 0xb),
	       0xff);
	pci_cfg_write32(none, PCI_BAR0, 0x12345678);
	expect("config read after a write to unclaimed 00:03.0",
	       pci_cfg_read32(none, PCI_BAR0), 0xffffffff);
	/* Unimplemented and read-only registers of the vGPU. */
	expect("config read of unimplemented 00:02.0 register 0xf0",
	       pci_cfg_read32(gpu, 0xf0), 0);
	pci_cfg_write32(gpu, 0xf0, 0xdeadbeef);
	expect("config 0xf0 after a write", pci_cfg_read32(gpu, 0xf0), 0);
	pci_cfg_write16(gpu, PCI_VENDOR_ID, 0x1234);
	expect("vendor id after a write (read-only)",
	       pci_cfg_read16(gpu, PCI_VENDOR_ID), 0x8086);
	/* A byte in the middle of a dword, and an odd-sized read. */
	expect("config read8 of the class code byte", pci_cfg_read8(gpu, 0xb),
	       0x03);
	traps.pio += 2 * 11;
}

static void poke_mmio(void)
{
	uint32_t end = bar0(BAR0_SIZE);
	uint32_t v;

	/* Past BAR0's end: nobody claimed it, Xen answers all-ones. */
	expect("read32 just past BAR0's end", mmio_read32(end), 0xffffffff);
	mmio_write32(end, 0x5a5a5a5a);
	expect("read32 past BAR0's end after a write", mmio_read32(end),
	       0xffffffff);
	expect("read64 16 KiB past BAR0's end", mmio_read64(end + 0x4000),
	       ~0ULL);
	/* The hole between registers and GGTT: reads 0, writes dropped. */
	expect("read32 in the 2-8 MiB hole", mmio_read32(bar0(MMIO_HOLE)), 0);
	mmio_write32(bar0(MMIO_HOLE), 0xdeadbeef);
	expect("read32 in the hole after a write", mmio_read32(bar0(MMIO_HOLE)),
	       0);
	mmio_write64(bar0(MMIO_HOLE + 8), ~0ULL);
	expect("read64 in the hole after a write",
	       mmio_read64(bar0(MMIO_HOLE + 8)), 0);

	/* Odd sizes and alignments on PVINFO (magic "vGTvGTvG"). */
	expect("read8 of PVINFO+1", mmio_read8(bar0(PVINFO + 1)),
	       (magic >> 8) & 0xff);
	expect("read16 of PVINFO+2", mmio_read16(bar0(PVINFO + 2)),
	       (magic >> 16) & 0xffff);
	expect("read16 of PVINFO+1 (misaligned: rejected)",
	       mmio_read16(bar0(PVINFO + 1)), 0xffff);
	expect("read32 of PVINFO+2 (misaligned: rejected)",
	       mmio_read32(bar0(PVINFO + 2)), 0xffffffff);
	/* Writes of odd size to a writable PVINFO register. */
	mmio_write32(bar0(PVINFO + PV_CURSOR_X_HOT), 0x11223344);
	mmio_write16(bar0(PVINFO + PV_CURSOR_X_HOT + 1), 0xaaaa);
	expect("cursor_x_hot after a misaligned write16 (dropped)",
	       mmio_read32(bar0(PVINFO + PV_CURSOR_X_HOT)), 0x11223344);
	mmio_write8(bar0(PVINFO + PV_CURSOR_X_HOT + 1), 0x55);
	expect("cursor_x_hot after a write8 at +1 (merged)",
	       mmio_read32(bar0(PVINFO + PV_CURSOR_X_HOT)), 0x11225544);
	/* The magic is read-only whatever the size. */
	mmio_write8(bar0(PVINFO + 3), 0);
	mmio_write64(bar0(PVINFO), 0);
	expect("PVINFO magic after writes to it", mmio_read64(bar0(PVINFO)),
	       magic);
	/* A misaligned 8-byte GGTT write is rejected: the entry keeps 0. */
	v = (uint32_t)dev.mappable_base >> 12; /* first entry of ours */
	mmio_write64(bar0(I915PV_GGTT_OFFSET + v * 8 + 4), ~0ULL);
	expect("GGTT entry after a misaligned 8-byte write",
	       i915pv_ggtt_read(&dev, dev.mappable_base),
	       (uint64_t)JOB_RAM_GPA | 1);
	traps.mmio += 22;
}

static void poke_rep(void)
{
	uint32_t buf[8], pat[8];
	uint8_t bytes[8];
	uint32_t end = bar0(BAR0_SIZE);
	int i;

	/* rep movs from BAR0: one ioreq, count > 1, data_is_ptr. */
	memset(bytes, 0, sizeof(bytes));
	mmio_copy_from8(bytes, bar0(PVINFO), 8);
	if (memcmp(bytes, &magic, 8))
		result_fail("rep movsb from PVINFO does not read the magic");
	memset(buf, 0, sizeof(buf));
	mmio_copy_from32(buf, bar0(PVINFO), 2);
	if (memcmp(buf, &magic, 8))
		result_fail("rep movsl from PVINFO does not read the magic");
	/* Backwards (df = 1): from PVINFO+4 down to PVINFO+0. */
	memset(buf, 0, sizeof(buf));
	mmio_copy_from32_down(&buf[1], bar0(PVINFO + 4), 2);
	if (memcmp(buf, &magic, 8))
		result_fail("rep movsl with DF=1 from PVINFO reads %08x %08x",
			    buf[1], buf[0]);
	/* rep stos (count > 1, no pointer) into the writable PDP slots. */
	mmio_fill32(bar0(PVINFO + PV_PDP), 0xa5a5a5a5, 8);
	for (i = 0; i < 8; i++)
		expect("PDP dword after rep stosl",
		       mmio_read32(bar0(PVINFO + PV_PDP + 4 * i)), 0xa5a5a5a5);
	/* rep movs RAM -> BAR0 (a write with data_is_ptr). */
	for (i = 0; i < 8; i++)
		pat[i] = 0x01020304u * (i + 1);
	mmio_copy_to32(bar0(PVINFO + PV_PDP), pat, 8);
	for (i = 0; i < 8; i++)
		expect("PDP dword after rep movsl from RAM",
		       mmio_read32(bar0(PVINFO + PV_PDP + 4 * i)), pat[i]);
	/* rep stos into the hole: dropped. */
	mmio_fill32(bar0(MMIO_HOLE), 0xffffffff, 16);
	expect("hole after rep stosl", mmio_read32(bar0(MMIO_HOLE + 60)), 0);
	/*
	 * rep movs across BAR0's end: Xen splits it at the page boundary;
	 * the last GGTT entry (not ours: 0), then nobody's MMIO (all-ones).
	 */
	memset(buf, 0, sizeof(buf));
	mmio_copy_from32(buf, end - 8, 4);
	expect("rep movsl: last GGTT dwords", buf[0] | buf[1], 0);
	expect("rep movsl: first dword past BAR0", buf[2], 0xffffffff);
	expect("rep movsl: second dword past BAR0", buf[3], 0xffffffff);
	/* 7 rep instructions, one split in two; 17 single reads */
	traps.mmio += 8 + 17;
}

static void check_still_works(void)
{
	uint64_t gm;

	expect("PVINFO magic after the pokes", mmio_read64(bar0(PVINFO)),
	       magic);
	expect("PVINFO vgt_id after the pokes", mmio_read32(bar0(PVINFO + 0xc)),
	       dev.vgt_id);
	if (i915pv_gm_alloc(&dev, 4096, true, &gm))
		result_fail("after the pokes: %s", dev.error);
	i915pv_ggtt_map(&dev, gm, JOB_RAM_GPA + 0x200000);
	expect("GGTT entry written after the pokes", i915pv_ggtt_read(&dev, gm),
	       (JOB_RAM_GPA + 0x200000) | 1);
	traps.mmio += 2;
}

/* ---- the test -------------------------------------------------------- */

void test_main(void)
{
	uint32_t bar_gpa = cmdline_ulong("bar0", BAR0_DEFAULT_GPA);
	uint32_t npages = cmdline_ulong("pages", 64);
	unsigned long trap_n = cmdline_ulong("trap_n", 1000);
	struct i915pv_ggtt_job job = {
		.ram_gpa = JOB_RAM_GPA,
		.npages = npages,
		.seed = 0x5eed,
	};
	uint32_t t_probe, t_balloon, t_job, t_entry, t_hostile;
	uint32_t t0, tsc_khz = xen_tsc_khz();
	uint64_t gm;
	int n;

	ram_end = cmdline_ulong("ram_mb", RAM_END_DEFAULT >> 20) << 20;
	if (bar_gpa & (BAR0_SIZE - 1))
		result_fail("bar0=0x%x is not 16 MiB aligned", bar_gpa);
	if ((uint64_t)npages * 2 * 4096 > 0x100000)
		result_fail("pages=%u does not fit the 1 MiB job area", npages);

	t0 = traps_total();
	if (i915pv_probe(&dev, &io, bar_gpa))
		result_fail("i915pv_probe: %s (PVINFO magic 0x%016llx)",
			    dev.error, dev.magic);
	t_probe = traps_total() - t0;
	printf("vGPU %04x at 00:%02x.%x: BAR0 0x%llx (0x%llx), BAR2 0x%llx (0x%llx), GGTT 0x%llx\n",
	       dev.device_id, dev.devfn >> 3, dev.devfn & 7, dev.bar0,
	       dev.bar0_size, dev.bar2, dev.bar2_size, dev.ggtt_total);
	check_pvinfo();

	t0 = traps_total();
	check_balloon();
	t_balloon = traps_total() - t0;

	t0 = traps_total();
	n = i915pv_ggtt_job_run(&dev, &job);
	if (n < 0)
		result_fail("i915pv_ggtt_job_run: %s", dev.error);
	t_job = traps_total() - t0;
	if (n != (int)(2 * npages))
		result_fail("GGTT job wrote %d entries, expected %u", n,
			    2 * npages);

	t0 = traps_total();
	if (i915pv_gm_alloc(&dev, 4096, false, &gm))
		result_fail("i915pv_gm_alloc: %s", dev.error);
	i915pv_ggtt_map(&dev, gm, JOB_RAM_GPA + 0x100000);
	expect("single GGTT entry read back", i915pv_ggtt_read(&dev, gm),
	       (JOB_RAM_GPA + 0x100000) | 1);
	t_entry = traps_total() - t0;
	check_ggtt_isolation();

	t0 = traps_total();
	poke_config();
	poke_mmio();
	poke_rep();
	t_hostile = traps_total() - t0;
	check_still_works();

	time_reads("TRAP_RT", bar0(PVINFO), trap_n, tsc_khz);
	time_reads("XEN_RT", bar0(BAR0_SIZE), trap_n, tsc_khz);
	traps.mmio += 2 * trap_n;
	result_printf(
		"TRAPS probe=%u balloon=%u ggtt_job=%u ggtt_entries=%d ggtt_entry=%u hostile=%u timing=%lu total=%u",
		t_probe, t_balloon, t_job, n, t_entry, t_hostile, 2 * trap_n,
		traps_total());
	result_pass();
}
