// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline e2e test: find the vGPU at 00:02.0, size and place BAR0, read the
 * PVINFO magic at BAR0 + 0x78000 and time trapped MMIO reads.
 *
 * Command line (xl cmdline=): bar0=ADDR (default 0xf0000000),
 * trap_n=N (default 2000, at most 20000).
 */
#include <stdint.h>

#include "console.h"
#include "guest.h"
#include "io.h"
#include "lib.h"
#include "pci.h"
#include "result.h"
#include "timing.h"

#define VGPU_VENDOR_INTEL 0x8086
#define BAR0_DEFAULT_GPA 0xf0000000u
#define PVINFO_OFFSET 0x78000u
#define VGT_MAGIC 0x4776544776544776ull /* "vGTvGTvG" */
/* Guest-physical address no device model claims: Xen completes the access
 * itself (reads as all-ones), so it times the hypervisor-only round trip. */
#define UNCLAIMED_GPA 0xe0000000u

void test_main(void)
{
	const struct pci_bdf gpu = { 0, 2, 0 };
	uint32_t id, class, bar_gpa, lo, hi;
	uint64_t size, magic, got;
	uint16_t cmd, w;
	uint8_t b;
	int is64;

	id = pci_cfg_read32(gpu, PCI_VENDOR_ID);
	class = pci_cfg_read32(gpu, PCI_CLASS_REVISION);
	printf("00:02.0: id %04x:%04x class %06x rev %02x\n", id & 0xffff,
	       id >> 16, class >> 8, class & 0xff);
	if ((id & 0xffff) == 0xffff)
		result_fail(
			"no PCI device at 00:02.0 (config reads all-ones: no device model claimed it)");
	if ((id & 0xffff) != VGPU_VENDOR_INTEL)
		result_fail("00:02.0 vendor 0x%04x, expected 0x8086",
			    id & 0xffff);

	size = pci_bar_size(gpu, 0, &is64);
	printf("BAR0: %s memory, size 0x%llx\n", is64 ? "64-bit" : "32-bit",
	       size);
	if (!size)
		result_fail("00:02.0 BAR0 is not a memory BAR");

	bar_gpa = cmdline_ulong("bar0", BAR0_DEFAULT_GPA);
	if (bar_gpa & (size - 1))
		result_fail("bar0=0x%x is not aligned to the BAR size 0x%llx",
			    bar_gpa, size);
	cmd = pci_cfg_read16(gpu, PCI_COMMAND);
	pci_cfg_write16(gpu, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
	pci_bar_set(gpu, 0, bar_gpa, is64);
	lo = pci_cfg_read32(gpu, PCI_BAR0);
	hi = is64 ? pci_cfg_read32(gpu, PCI_BAR0 + 4) : 0;
	if ((lo & PCI_BAR_MEM_MASK) != bar_gpa || hi)
		result_fail("BAR0 reads back 0x%08x%08x after writing 0x%x", hi,
			    lo, bar_gpa);
	pci_cfg_write16(gpu, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY);
	printf("BAR0 placed at 0x%x, memory decode on\n", bar_gpa);

	magic = mmio_read64(bar_gpa + PVINFO_OFFSET);
	printf("PVINFO magic (64-bit read): 0x%016llx\n", magic);

	time_reads("TRAP_RT", bar_gpa + PVINFO_OFFSET,
		   cmdline_ulong("trap_n", 2000), xen_tsc_khz());
	time_reads("XEN_RT", UNCLAIMED_GPA, cmdline_ulong("trap_n", 2000),
		   xen_tsc_khz());

	if (magic != VGT_MAGIC)
		result_fail(
			"PVINFO magic at BAR0+0x78000 is 0x%016llx, expected 0x%016llx (\"vGTvGTvG\")",
			magic, VGT_MAGIC);

	/* The same bytes through narrower accesses. */
	lo = mmio_read32(bar_gpa + PVINFO_OFFSET);
	hi = mmio_read32(bar_gpa + PVINFO_OFFSET + 4);
	w = mmio_read16(bar_gpa + PVINFO_OFFSET + 2);
	b = mmio_read8(bar_gpa + PVINFO_OFFSET + 7);
	got = ((uint64_t)hi << 32) | lo;
	if (got != VGT_MAGIC || w != (uint16_t)(VGT_MAGIC >> 16) ||
	    b != (uint8_t)(VGT_MAGIC >> 56))
		result_fail(
			"PVINFO sub-reads disagree: 32-bit 0x%016llx, 16-bit@2 0x%04x, 8-bit@7 0x%02x",
			got, w, b);

	/* String reads: one ioreq each, count > 1, data_is_ptr. */
	{
		uint8_t bytes[8];
		uint32_t dwords[2];

		memset(bytes, 0, sizeof(bytes));
		memset(dwords, 0, sizeof(dwords));
		mmio_copy_from8(bytes, bar_gpa + PVINFO_OFFSET, 8);
		mmio_copy_from32(dwords, bar_gpa + PVINFO_OFFSET, 2);
		if (memcmp(bytes, &magic, 8) || memcmp(dwords, &magic, 8))
			result_fail(
				"rep movs from PVINFO reads %02x%02x%02x%02x%02x%02x%02x%02x / %08x%08x, expected the magic",
				bytes[7], bytes[6], bytes[5], bytes[4],
				bytes[3], bytes[2], bytes[1], bytes[0],
				dwords[1], dwords[0]);
	}

	result_pass();
}
