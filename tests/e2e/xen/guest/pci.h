/* SPDX-License-Identifier: GPL-2.0 */
/* PCI configuration space through the type-1 mechanism (0xcf8/0xcfc). */
#ifndef GUEST_PCI_H
#define GUEST_PCI_H

#include <stdint.h>

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_CLASS_REVISION 0x08
#define PCI_BAR0 0x10
#define PCI_BAR_IO 0x1
#define PCI_BAR_MEM_TYPE_MASK 0x6
#define PCI_BAR_MEM_TYPE_64 0x4
#define PCI_BAR_MEM_MASK (~0xfu)

struct pci_bdf {
	uint8_t bus, dev, fn;
};

uint8_t pci_cfg_read8(struct pci_bdf d, uint16_t reg);
uint16_t pci_cfg_read16(struct pci_bdf d, uint16_t reg);
uint32_t pci_cfg_read32(struct pci_bdf d, uint16_t reg);
void pci_cfg_write8(struct pci_bdf d, uint16_t reg, uint8_t v);
void pci_cfg_write16(struct pci_bdf d, uint16_t reg, uint16_t v);
void pci_cfg_write32(struct pci_bdf d, uint16_t reg, uint32_t v);

/*
 * Sizes a memory BAR (decode off while probing, then the old value and the
 * command register are restored). Returns the size in bytes, 0 if there is
 * no memory BAR; *is64 tells whether it takes two dwords.
 */
uint64_t pci_bar_size(struct pci_bdf d, unsigned int bar, int *is64);
/* Programs a memory BAR with addr (both dwords for a 64-bit BAR). */
void pci_bar_set(struct pci_bdf d, unsigned int bar, uint64_t addr, int is64);

#endif
