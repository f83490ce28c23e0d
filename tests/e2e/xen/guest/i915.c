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
 * 5. Interrupts on: the vGPU's MSI (config space cap 0xac) to a vector of
 *    the local APIC, GT bank 0 context-switch and user interrupts
 *    unmasked, master IRQ on, sti.  Then the GPU workloads of the guest
 *    library, each with its own 4-level PPGTT written through ram_write
 *    (plain stores that Xen traps once the host write-protects the pages)
 *    and execlist submission: store (wl_store= ops, default 64), blit
 *    (wl_blit=, 2), ptchurn (wl_ptchurn=, 16).  Every op is verified in
 *    guest memory, and every batch must bring exactly one MSI (WORKLOAD
 *    and MSI lines).
 * 6. Trap timing (TRAP_RT / XEN_RT, as the baseline guest) and trap counts
 *    per guest operation (TRAPS line).
 * 7. pv=1: trap vs PV in this one boot.  store, ptchurn, blit and bind512
 *    again with every path trapped, then the PV extension negotiated
 *    (every cap required: guest_pv.c) and the same four through it; each
 *    op still verified, and no context-switch MSI for a PV-submitted
 *    engine.  pv=on instead: the PV extension negotiated before the
 *    workloads (every cap required) and all of them, busy_ms= too, run
 *    through it; the guest's PV counters must show it.  Per
 *    workload the guest's own time per op (TSC) and traps per op, and
 *    bind512's traps of its page-table updates: PV_CMP lines, which
 *    xengt-pv.sh prints as XEN_E2E_PV.
 *
 * Every access goes through an i915pv_io table over port I/O (type-1
 * config, bus 0) and 32-bit physical MMIO (paging is off), which also
 * counts them: each is one VM exit, answered by the device model or, for
 * what nobody claimed, by Xen itself.  Page-table stores are counted as
 * trapped (wp=) when they took longer than 20 us.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "fmt.h"
#include "gen9.h"
#include "guest.h"
#include "i915pv.h"
#include "io.h"
#include "lib.h"
#include "pages.h"
#include "pci.h"
#include "result.h"
#include "timing.h"
#include "guest_workload.h"
#include "guest_pv.h"

#define BAR0_DEFAULT_GPA 0xc0000000u
#define RAM_END_DEFAULT (32u << 20) /* memory = 32 in the domain config */
#define JOB_RAM_GPA (16u << 20) /* far above the image, below RAM end */
#define PVINFO I915PV_PVINFO
#define PV_CURSOR_X_HOT 0x830
#define PV_PDP 0x838 /* 8 writable dwords */
#define MMIO_HOLE 0x400000u /* between registers (2 MiB) and GGTT (8 MiB) */
#define BAR0_SIZE (16u << 20)
/* Pages the GPU workloads take (blit: 2 MiB of surfaces + tables). */
#define WL_RAM_GPA (18u << 20)
#define WL_RAM_END (30u << 20)

/* Local APIC (PVH: emulated by Xen at its reset base) and our vectors. */
#define LAPIC_BASE 0xfee00000u
#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_ISR(v) (0x100 + 0x10 * ((v) / 32)) /* in service, bit v % 32 */
#define LAPIC_SVR 0xf0
#define LAPIC_SVR_ENABLE 0x100
#define MSI_VECTOR 0x41
#define SPURIOUS_VECTOR 0xff
/* MSI capability of the vGPU (64-bit address, one vector). */
#define MSI_CAP 0xac
#define MSI_CTRL_ENABLE 0x1
#define GT_ENGINE_IRQS (GT_CONTEXT_SWITCH_INTERRUPT | GT_RENDER_USER_INTERRUPT)
#define GT_CTX_SWITCH_BITS                                   \
	(GT_CONTEXT_SWITCH_INTERRUPT << GEN8_RCS_IRQ_SHIFT | \
	 GT_CONTEXT_SWITCH_INTERRUPT << GEN8_BCS_IRQ_SHIFT)
#define GT_BANK0_IRQS                             \
	((GT_ENGINE_IRQS << GEN8_RCS_IRQ_SHIFT) | \
	 (GT_ENGINE_IRQS << GEN8_BCS_IRQ_SHIFT))

static const uint64_t magic = I915PV_VGT_MAGIC;

/* ---- the i915pv_io table --------------------------------------------- */

struct traps {
	uint32_t pio, mmio;
	uint32_t ptw; /* stores through ram_write (GPU page-table pages) */
	uint32_t wp; /* of those, the ones that took a VM exit (timed) */
};

static struct traps traps;
static uint32_t ram_end = RAM_END_DEFAULT;
/*
 * A store to RAM slower than this was trapped: Xen alone answers in
 * ~40 us under TCG, a plain store takes nanoseconds.
 */
static uint64_t wp_cycles = ~0ULL;

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
	uint64_t t0;

	if (!p)
		result_fail("ram_write outside guest RAM (0x%llx)", gpa);
	/*
	 * Whether the host write-protected the page is its business, not
	 * the guest's: only the time the store took tells it was trapped.
	 */
	traps.ptw++;
	t0 = rdtsc();
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
		/*
		 * One 8-byte store, not two halves: the host would see a
		 * torn entry in between (and trap twice).
		 */
		mmio_write64((uint32_t)(uintptr_t)p, val);
	}
	if (rdtsc() - t0 > wp_cycles)
		traps.wp++;
}

static uint32_t clock_tsc_khz;

static uint64_t io_clock_us(void *ctx)
{
	(void)ctx;
	return clock_tsc_khz ? rdtsc() / (clock_tsc_khz / 1000) : 0;
}

static void io_relax(void *ctx)
{
	(void)ctx;
	asm volatile("pause");
}

static uint64_t io_traps(void *ctx);

static const struct i915pv_io io = {
	.traps = io_traps,
	.clock_us = io_clock_us,
	.relax = io_relax,
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

/* Forward: the MSI handler's exits count too. */
static uint32_t msi_handler_traps(void);

/* Every exit this guest caused: port and MMIO, timed page-table stores. */
static uint64_t io_traps(void *ctx)
{
	(void)ctx;
	return (uint64_t)traps.pio + traps.mmio + traps.wp +
	       msi_handler_traps();
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

/* ---- interrupts: the vGPU's MSI into the local APIC ----------------- */

struct msi_stats {
	volatile uint32_t count; /* MSIs taken */
	volatile uint32_t ctx_switch; /* of those, with a context switch */
	volatile uint32_t user; /* ... with a user interrupt */
	volatile uint32_t stray; /* ... with nothing asserted */
	volatile uint32_t replayed; /* not the local APIC's: not counted */
	volatile uint32_t traps; /* the handler's VM exits */
};

static struct msi_stats msi;

static uint32_t msi_handler_traps(void)
{
	return msi.traps;
}

static uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(LAPIC_BASE + reg);
}

static void lapic_write(uint32_t reg, uint32_t val)
{
	mmio_write32(LAPIC_BASE + reg, val);
}

/*
 * What i915's gen8_irq_handler() does: master off, see which banks
 * assert, acknowledge the GT IIR (write-1-to-clear), master on again;
 * then EOI.  Plain 32-bit MMIO only: no SSE state in a handler.
 *
 * With nothing asserted, the local APIC decides whose the interrupt was:
 * one it delivered is in service (ISR) until our EOI (Intel SDM vol. 3A,
 * APIC, "Interrupt Acceptance for Fixed Interrupts").  An entry with the
 * vector not in service is no MSI of the vGPU: the hypervisor replayed an
 * event it had injected already (seen under QEMU TCG's single-threaded
 * SVM, the vGPU having sent one MSI per event).  It is counted apart and
 * needs no EOI; an MSI that the local APIC did deliver with nothing
 * asserted is a stray, and fails.
 */
static void msi_handler(void)
{
	uint32_t master, iir = 0;

	mmio_write32(bar0(GEN8_MASTER_IRQ), 0);
	master = mmio_read32(bar0(GEN8_MASTER_IRQ));
	msi.traps += 2;
	if (master & (GEN8_GT_RCS_IRQ | GEN8_GT_BCS_IRQ)) {
		iir = mmio_read32(bar0(GEN8_GT_IIR(0)));
		mmio_write32(bar0(GEN8_GT_IIR(0)), iir);
		msi.traps += 2;
	} else if (!(lapic_read(LAPIC_ISR(MSI_VECTOR)) &
		     1u << (MSI_VECTOR % 32))) {
		mmio_write32(bar0(GEN8_MASTER_IRQ), GEN8_MASTER_IRQ_CONTROL);
		msi.traps += 2;
		msi.replayed++;
		return;
	}
	if (!(iir & GT_BANK0_IRQS))
		msi.stray++;
	if (iir & GT_CTX_SWITCH_BITS)
		msi.ctx_switch++;
	if (iir & (GT_RENDER_USER_INTERRUPT << GEN8_RCS_IRQ_SHIFT |
		   GT_RENDER_USER_INTERRUPT << GEN8_BCS_IRQ_SHIFT))
		msi.user++;
	mmio_write32(bar0(GEN8_MASTER_IRQ), GEN8_MASTER_IRQ_CONTROL);
	lapic_write(LAPIC_EOI, 0); /* Xen's vLAPIC answers this one */
	msi.traps += 2;
	msi.count++;
}

/*
 * Route the vGPU's interrupts to MSI_VECTOR on this CPU: IDT gate, local
 * APIC software-enabled, MSI address/data in config space, the engines'
 * context-switch and user interrupts unmasked in GT bank 0, master on.
 */
static void msi_enable(void)
{
	uint32_t apic_id;

	irq_install(MSI_VECTOR, msi_handler);
	irq_install_spurious(SPURIOUS_VECTOR);
	apic_id = lapic_read(LAPIC_ID) >> 24;
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | SPURIOUS_VECTOR);
	if (!(lapic_read(LAPIC_SVR) & LAPIC_SVR_ENABLE))
		result_fail("local APIC stays software-disabled (SVR 0x%x)",
			    lapic_read(LAPIC_SVR));

	io_cfg_write(0, dev.devfn, MSI_CAP + 4, 4, 0xfee00000u | apic_id << 12);
	io_cfg_write(0, dev.devfn, MSI_CAP + 8, 4, 0);
	io_cfg_write(0, dev.devfn, MSI_CAP + 12, 2, MSI_VECTOR);
	io_cfg_write(0, dev.devfn, MSI_CAP + 2, 2, MSI_CTRL_ENABLE);
	expect("MSI control after enabling",
	       io_cfg_read(0, dev.devfn, MSI_CAP + 2, 2) & MSI_CTRL_ENABLE,
	       MSI_CTRL_ENABLE);

	io_mmio_write(0, bar0(GEN8_GT_IMR(0)), 4, ~GT_BANK0_IRQS);
	io_mmio_write(0, bar0(GEN8_GT_IER(0)), 4, GT_BANK0_IRQS);
	io_mmio_write(0, bar0(GEN8_GT_IIR(0)), 4, ~0u); /* nothing stale */
	io_mmio_write(0, bar0(GEN8_MASTER_IRQ), 4, GEN8_MASTER_IRQ_CONTROL);
	asm volatile("sti" ::: "memory");
	printf("MSI: vector 0x%x to APIC %u, GT IER 0x%x\n", MSI_VECTOR,
	       apic_id, GT_BANK0_IRQS);
}

/* Master off first, so nothing is sent between the two. */
static void msi_disable(void)
{
	io_mmio_write(0, bar0(GEN8_MASTER_IRQ), 4, 0);
	asm volatile("cli" ::: "memory");
}

/* ---- GPU workloads --------------------------------------------------- */

/* traps per op as "N.NN" */
static const char *per_op(uint32_t n, uint32_t ops, char *buf)
{
	uint32_t x = ops ? (n * 100 + ops / 2) / ops : 0;

	snprintf(buf, 16, "%u.%02u", x / 100, x % 100);
	return buf;
}

/*
 * pv=on: the PV extension for every workload of this guest, and the
 * submissions that must have gone through it (the guest's own count).
 */
static struct i915pv_pv pv_main;
static uint64_t pv_main_submissions;

/* What one workload run cost, as the guest sees it. */
struct wl_figure {
	uint32_t ops, traps;
	uint64_t cycles; /* TSC */
	uint64_t bind_traps; /* bind512 */
};

/*
 * Run one workload through the vGPU: every op verified in guest memory by
 * the library.  Trapped submission: exactly one MSI per batch (the
 * submission completes while the ELSP write is being served, the
 * interrupt is taken right after that write, so none can merge with the
 * next).  PV submission: no context-switch MSI at all (the host emulates
 * none for that engine).
 */
static uint32_t run_workload_fig(struct i915pv_pages *pages,
				 enum i915pv_workload_kind kind, uint32_t ops,
				 struct wl_figure *fig, bool quiet)
{
	struct i915pv_workload wl = { .kind = kind,
				      .ops = ops,
				      .seed = 0x5eed0 + kind };
	struct traps t0 = traps;
	struct msi_stats m0 = msi;
	bool pv = i915pv_pv_has(&dev, XENGT_PV_CAP_SUBMISSION);
	uint32_t n, irqs, ctxsw;
	uint64_t c0;
	char buf[16];
	bool msi_ok;

	if (!ops)
		return 0;
	dev.error = 0;
	c0 = rdtsc();
	if (i915pv_workload_run(&dev, pages, &wl))
		result_fail("workload %s%s after %u of %u ops: %s",
			    i915pv_workload_name(kind), dev.pv ? " (pv)" : "",
			    wl.done, ops, dev.error ? dev.error : "?");
	c0 = rdtsc() - c0;
	guest_integrity_check(i915pv_workload_name(kind));
	if (wl.done != ops)
		result_fail("workload %s: %u of %u ops done",
			    i915pv_workload_name(kind), wl.done, ops);
	/* With PV, its shared page and page array stay in use. */
	if (pages->in_use != (dev.pv ? 2u : 0u))
		result_fail("workload %s kept %u guest pages",
			    i915pv_workload_name(kind), pages->in_use);
	irqs = msi.count - m0.count;
	ctxsw = msi.ctx_switch - m0.ctx_switch;
	n = traps.pio + traps.mmio + traps.wp - t0.pio - t0.mmio - t0.wp +
	    msi.traps - m0.traps;
	msi_ok = pv ? ctxsw == 0 : irqs == wl.submissions && ctxsw == irqs;
	/* Quiet: the result page is 4 KiB; failures are still reported. */
	if (!quiet || !msi_ok)
		result_printf(
			"WORKLOAD %s%s ops=%u batches=%llu traps=%u traps_per_op=%s wp=%u ptw=%u msi=%u bytes=%llu %s",
			i915pv_workload_name(kind), dev.pv ? "/pv" : "", ops,
			wl.submissions, n, per_op(n, ops, buf),
			traps.wp - t0.wp, traps.ptw - t0.ptw, irqs, wl.bytes,
			msi_ok ? "ok" : "BAD-MSI");
	if (!msi_ok)
		result_fail(
			"workload %s: %u MSIs (%u with a context switch) for %llu batches%s",
			i915pv_workload_name(kind), irqs, ctxsw, wl.submissions,
			pv ? " submitted through PV" : "");
	if (pv)
		pv_main_submissions += wl.submissions;
	if (fig) {
		fig->ops = ops;
		fig->traps = n;
		fig->cycles = c0;
		fig->bind_traps = wl.bind_traps;
	}
	return n;
}

static uint32_t run_workload(struct i915pv_pages *pages,
			     enum i915pv_workload_kind kind, uint32_t ops)
{
	return run_workload_fig(pages, kind, ops, 0, false);
}

/* a / b as "N.NN" (per-op figures of different op counts made equal). */
static const char *ratio(uint64_t a_num, uint32_t a_ops, uint64_t b_num,
			 uint32_t b_ops, char *buf)
{
	uint64_t a = a_num * b_ops, b = b_num * a_ops, x, rem;

	/* No libgcc here: 64-bit division by hand. */
	x = b ? udivmod64(a * 100 + (b >> 1), b, &rem) : 0;
	x = udivmod64(x, 100, &rem);
	snprintf(buf, 24, "%llu.%02llu", x, rem);
	return buf;
}

static struct i915pv_pages wl_pages;

/* Guest time per op of @f in us (TSC), 0 without the TSC frequency. */
static uint64_t us_per_op(const struct wl_figure *f)
{
	uint64_t rem;

	if (!clock_tsc_khz || !f->ops)
		return 0;
	return udivmod64(udivmod64(f->cycles * 1000, clock_tsc_khz, &rem),
			 f->ops, &rem);
}

/*
 * pv=1: store, ptchurn and bind512 trapped, then through the PV extension
 * (every cap, or FAIL), in this boot; PV_CMP lines with the ratios.
 */
static void run_pv_compare(void)
{
	/* bind512 last: its bind_traps line below reads index NR_CMP - 1. */
	enum { NR_CMP = 4 };
	static const enum i915pv_workload_kind kinds[] = { I915PV_WL_STORE,
							   I915PV_WL_PTCHURN,
							   I915PV_WL_BLIT,
							   I915PV_WL_BIND512 };
	static const char *const knob[] = { "pv_store", "pv_ptchurn", "pv_blit",
					    "pv_bind512" };
	/* blit: 1 op of 2 MiB fills and copies, a few s per round on TCG */
	static const uint32_t dflt[] = { 64, 16, 1, 4 };
	static struct i915pv_pv pv;
	struct wl_figure trap[NR_CMP], para[NR_CMP], f;
	uint32_t rounds = cmdline_ulong("pv_rounds", 2), round, k;
	char r1[24], r2[24], r3[16], r4[16];

	/*
	 * Trapped and PV rounds alternate, each figure keeping its fastest
	 * round: TCG's speed drifts within a boot and load on the host only
	 * ever slows a round down.  Traps per op are those of the first.
	 */
	for (round = 0; round < (rounds ? rounds : 1); round++) {
		for (k = 0; k < NR_CMP; k++) {
			run_workload_fig(&wl_pages, kinds[k],
					 cmdline_ulong(knob[k], dflt[k]), &f,
					 round > 0);
			if (!round)
				trap[k] = f;
			else if (f.cycles < trap[k].cycles)
				trap[k].cycles = f.cycles;
		}
		if (i915pv_pv_init(&pv, &dev, &wl_pages, XENGT_PV_CAPS_ALL))
			result_fail("pv=1: %s", dev.error);
		if (pv.caps != XENGT_PV_CAPS_ALL)
			result_fail(
				"pv=1: the host offers pv_caps 0x%x (vgt_caps 0x%x), not all of 0x%x",
				pv.caps, dev.caps, XENGT_PV_CAPS_ALL);
		for (k = 0; k < NR_CMP; k++) {
			run_workload_fig(&wl_pages, kinds[k],
					 cmdline_ulong(knob[k], dflt[k]), &f,
					 round > 0);
			if (!round)
				para[k] = f;
			else if (f.cycles < para[k].cycles)
				para[k].cycles = f.cycles;
		}
		if (!round)
			result_printf(
				"PV caps=0x%x messages=%llu doorbells=%llu submits=%llu",
				pv.caps, pv.messages, pv.doorbells, pv.submits);
		i915pv_pv_fini(&pv);
	}
	for (k = 0; k < NR_CMP; k++)
		result_printf(
			"PV_CMP %s time trap/pv = %s traps trap/pv = %s us_per_op=%llu/%llu traps_per_op=%s/%s rounds=%u",
			i915pv_workload_name(kinds[k]),
			ratio(trap[k].cycles, trap[k].ops, para[k].cycles,
			      para[k].ops, r1),
			ratio(trap[k].traps, trap[k].ops, para[k].traps,
			      para[k].ops, r2),
			us_per_op(&trap[k]), us_per_op(&para[k]),
			per_op(trap[k].traps, trap[k].ops, r3),
			per_op(para[k].traps, para[k].ops, r4), rounds);
	result_printf("PV_CMP bind512 traps trap/pv = %s bind_traps=%llu/%llu",
		      ratio(trap[NR_CMP - 1].bind_traps, trap[NR_CMP - 1].ops,
			    para[NR_CMP - 1].bind_traps, para[NR_CMP - 1].ops,
			    r1),
		      trap[NR_CMP - 1].bind_traps, para[NR_CMP - 1].bind_traps);
}

/*
 * pv=on: negotiate before the workloads, every cap or FAIL (a host that
 * offers fewer would quietly leave some paths trapped).
 */
static void pv_on_start(void)
{
	if (i915pv_pv_init(&pv_main, &dev, &wl_pages, XENGT_PV_CAPS_ALL))
		result_fail("pv=on: %s", dev.error);
	if (pv_main.caps != XENGT_PV_CAPS_ALL)
		result_fail(
			"pv=on: the host offers pv_caps 0x%x (vgt_caps 0x%x), not all of 0x%x",
			pv_main.caps, dev.caps, XENGT_PV_CAPS_ALL);
}

/*
 * pv=on, after the workloads (and busy_ms=): PV must really have carried
 * them, every submission through the area, then give the pages back.
 */
static void pv_on_finish(void)
{
	struct i915pv_pv *pv = &pv_main;

	result_printf(
		"PV caps=0x%x messages=%llu doorbells=%llu submits=%llu submissions=%llu ring_full_waits=%llu",
		pv->caps, pv->messages, pv->doorbells, pv->submits,
		pv_main_submissions, pv->ring_full_waits);
	if (!pv->messages || !pv->doorbells)
		result_fail("pv=on: no PV message or doorbell was sent");
	if (!pv->submits || pv->submits != pv_main_submissions)
		result_fail("pv=on: %llu PV submits for %llu submissions",
			    pv->submits, pv_main_submissions);
	i915pv_pv_fini(pv);
	if (wl_pages.in_use)
		result_fail("pv=on: %u guest pages kept after the PV teardown",
			    wl_pages.in_use);
}

static uint32_t run_workloads(uint32_t *nmsi)
{
	struct i915pv_pages *pages = &wl_pages;
	bool pv_on = cmdline_is("pv", "on");
	uint32_t n = 0;

	msi_enable();
	if (pv_on)
		pv_on_start();
	n += run_workload(pages, I915PV_WL_STORE,
			  cmdline_ulong("wl_store", 64));
	n += run_workload(pages, I915PV_WL_BLIT, cmdline_ulong("wl_blit", 2));
	n += run_workload(pages, I915PV_WL_PTCHURN,
			  cmdline_ulong("wl_ptchurn", 16));
	n += run_workload(pages, I915PV_WL_BIND512,
			  cmdline_ulong("wl_bind512", 0));
	if (!pv_on && cmdline_ulong("pv", 0))
		run_pv_compare();
	msi_disable();
	if (msi.stray || irq_spurious_count)
		result_fail("%u MSIs with nothing asserted, %u spurious",
			    msi.stray, irq_spurious_count);
	/* PV submission: the host emulates no context switch to signal. */
	if (pv_on && msi.ctx_switch)
		result_fail("pv=on: %u context-switch MSIs", msi.ctx_switch);
	if (!pv_on && !msi.count)
		result_fail("no MSI arrived");
	result_printf(
		"MSI count=%u ctx_switch=%u user=%u stray=%u spurious=%u replayed=%u handler_traps=%u",
		msi.count, msi.ctx_switch, msi.user, msi.stray,
		irq_spurious_count, msi.replayed, msi.traps);
	*nmsi = msi.count;
	return n;
}

/* ---- GPU-time shares and a hostile submission (the shared-GPU test) ---- */

static uint64_t busy_deadline;

static bool busy_keep_going(void *ctx)
{
	(void)ctx;
	guest_integrity_check("busy loop");
	return rdtsc() < busy_deadline;
}

/*
 * busy_ms=N: keep the blitter busy for N ms (two requests in flight) so
 * that the host can read this vGPU's share of the one GPU.
 */
static void run_busy(unsigned long ms, uint32_t tsc_khz)
{
	struct i915pv_busy b = { .keep_going = busy_keep_going, .seed = 0xb5 };
	bool pv = i915pv_pv_has(&dev, XENGT_PV_CAP_SUBMISSION);

	if (!tsc_khz)
		result_fail("busy_ms needs the TSC frequency");
	result_printf("BUSY start ms=%lu%s", ms, pv ? " pv" : "");
	busy_deadline = rdtsc() + (uint64_t)tsc_khz * ms;
	/*
	 * The workloads' allocator: it holds the PV pages with pv=on and
	 * knows which pages were page tables (still shadowed by the host).
	 */
	if (i915pv_busy_run(&dev, &wl_pages, &b))
		result_fail("busy%s: after %llu requests: %s",
			    pv ? " (pv)" : "", b.requests,
			    dev.error ? dev.error : "?");
	if (pv)
		pv_main_submissions += b.submissions;
	result_printf("BUSY requests=%llu submissions=%llu bytes=%llu ok",
		      b.requests, b.submissions, b.bytes);
}

/*
 * hostile_submit=1: a batch with MI_LOAD_REGISTER_IMM, which no
 * unprivileged batch may carry.  The host must refuse it and put this
 * vGPU in failsafe: the request never completes.  PASS is that.
 */
static void run_hostile_submit(void)
{
	static struct i915pv_pages pages;
	struct i915pv_workload wl = { .kind = I915PV_WL_STORE,
				      .ops = 1,
				      .hostile_lri = true };
	int ret;

	i915pv_pages_init(&pages, &io, WL_RAM_GPA, WL_RAM_END);
	dev.wait_us = 3000000; /* a refused request never completes */
	ret = i915pv_workload_run(&dev, &pages, &wl);
	dev.wait_us = 0;
	if (!ret)
		result_fail(
			"a batch with MI_LOAD_REGISTER_IMM completed: the host ran it");
	result_printf("HOSTILE refused: %s", dev.error ? dev.error : "?");
	result_pass();
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
	uint32_t t_probe, t_balloon, t_job, t_entry, t_hostile, t_wl, nmsi;
	uint32_t t0, tsc_khz = xen_tsc_khz();
	uint64_t gm;
	int n;

	clock_tsc_khz = tsc_khz;
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
	if (cmdline_ulong("hostile_submit", 0)) {
		check_balloon();
		run_hostile_submit();
	}

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

	if (tsc_khz)
		wp_cycles = (uint64_t)tsc_khz * 20 / 1000; /* 20 us */
	i915pv_pages_init(&wl_pages, &io, WL_RAM_GPA, WL_RAM_END);
	t_wl = run_workloads(&nmsi);
	if (cmdline_ulong("busy_ms", 0))
		run_busy(cmdline_ulong("busy_ms", 0), tsc_khz);
	if (dev.pv)
		pv_on_finish();

	time_reads("TRAP_RT", bar0(PVINFO), trap_n, tsc_khz);
	time_reads("XEN_RT", bar0(BAR0_SIZE), trap_n, tsc_khz);
	traps.mmio += 2 * trap_n;
	result_printf(
		"TRAPS probe=%u balloon=%u ggtt_job=%u ggtt_entries=%d ggtt_entry=%u hostile=%u workloads=%u msi=%u timing=%lu total=%u",
		t_probe, t_balloon, t_job, n, t_entry, t_hostile, t_wl, nmsi,
		2 * trap_n, traps_total() + traps.wp + msi.traps);
	result_pass();
}
