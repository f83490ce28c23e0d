// SPDX-License-Identifier: GPL-2.0
#include "io.h"
#include "pci.h"

#define PCI_CONF_ADDR 0xcf8
#define PCI_CONF_DATA 0xcfc

static void pci_select(struct pci_bdf d, uint16_t reg)
{
	outl(PCI_CONF_ADDR, 0x80000000u | ((uint32_t)d.bus << 16) |
				    ((uint32_t)(d.dev & 0x1f) << 11) |
				    ((uint32_t)(d.fn & 7) << 8) | (reg & 0xfc));
}

uint8_t pci_cfg_read8(struct pci_bdf d, uint16_t reg)
{
	pci_select(d, reg);
	return inb(PCI_CONF_DATA + (reg & 3));
}

uint16_t pci_cfg_read16(struct pci_bdf d, uint16_t reg)
{
	pci_select(d, reg);
	return inw(PCI_CONF_DATA + (reg & 2));
}

uint32_t pci_cfg_read32(struct pci_bdf d, uint16_t reg)
{
	pci_select(d, reg);
	return inl(PCI_CONF_DATA);
}

void pci_cfg_write8(struct pci_bdf d, uint16_t reg, uint8_t v)
{
	pci_select(d, reg);
	outb(PCI_CONF_DATA + (reg & 3), v);
}

void pci_cfg_write16(struct pci_bdf d, uint16_t reg, uint16_t v)
{
	pci_select(d, reg);
	outw(PCI_CONF_DATA + (reg & 2), v);
}

void pci_cfg_write32(struct pci_bdf d, uint16_t reg, uint32_t v)
{
	pci_select(d, reg);
	outl(PCI_CONF_DATA, v);
}

uint64_t pci_bar_size(struct pci_bdf d, unsigned int bar, int *is64)
{
	uint16_t reg = PCI_BAR0 + 4 * bar;
	uint16_t cmd = pci_cfg_read16(d, PCI_COMMAND);
	uint32_t lo, hi = 0, mlo, mhi = 0xffffffffu;
	uint64_t mask;

	lo = pci_cfg_read32(d, reg);
	*is64 = 0;
	if (lo & PCI_BAR_IO)
		return 0;
	*is64 = (lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;

	pci_cfg_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
	pci_cfg_write32(d, reg, 0xffffffffu);
	mlo = pci_cfg_read32(d, reg);
	pci_cfg_write32(d, reg, lo);
	if (*is64) {
		hi = pci_cfg_read32(d, reg + 4);
		pci_cfg_write32(d, reg + 4, 0xffffffffu);
		mhi = pci_cfg_read32(d, reg + 4);
		pci_cfg_write32(d, reg + 4, hi);
	}
	pci_cfg_write16(d, PCI_COMMAND, cmd);

	mask = ((uint64_t)mhi << 32) | (mlo & PCI_BAR_MEM_MASK);
	if (!*is64)
		mask |= 0xffffffff00000000ull;
	if (!(mask & 0xffffffffull) && !*is64)
		return 0;
	return ~mask + 1;
}

void pci_bar_set(struct pci_bdf d, unsigned int bar, uint64_t addr, int is64)
{
	uint16_t reg = PCI_BAR0 + 4 * bar;

	pci_cfg_write32(d, reg, (uint32_t)addr);
	if (is64)
		pci_cfg_write32(d, reg + 4, (uint32_t)(addr >> 32));
}
