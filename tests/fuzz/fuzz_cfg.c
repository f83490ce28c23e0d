// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * PCI configuration space: reads and writes of 1, 2 and 4 bytes (and
 * bad sizes) at any offset of the 4 KiB space, through the public API
 * and through the simulated guest's bus (any devfn), with BAR0 moved,
 * disabled and probed, and MMIO through wherever it now decodes.
 *
 * Input: operations of one byte of kind, then its operands.
 */
#include "fz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 sizes[] = { 1, 2, 4, 3, 8, 0 };
	static const u32 regs[] = { 0x04, 0x10, 0x14, 0x18, 0x1c,
				    0x3c, 0x50, 0x52, 0x5c, 0xfc,
				    0xe4, 0xe8, 0xac, 0xb0, 0xb4 };
	struct fz_in in = { data, size };
	struct wl_guest *g = fz_begin();
	struct sim_vm *vm = g->wv->vm;
	u32 ops = 0;

	while (fz_more(&in) && ops++ < 256) {
		u8 kind = fz_u8(&in);
		u32 reg = kind & 0x80 ?
				  regs[fz_u8(&in) % xengt_array_size(regs)] :
				  fz_u16(&in) % 4100;
		u32 bytes = sizes[fz_u8(&in) % 6], val = 0;

		switch (kind % 5) {
		case 0:
			xengt_vgpu_cfg_read(g->v, reg, bytes, &val);
			break;
		case 1:
			xengt_vgpu_cfg_write(g->v, reg, bytes, fz_u32(&in));
			break;
		case 2: /* the guest's bus, any device */
			sim_vm_cfg_write(vm, fz_u8(&in), reg & 0xfff, bytes,
					 fz_u32(&in));
			break;
		case 3:
			sim_vm_cfg_read(vm, fz_u8(&in), reg & 0xfff, bytes);
			break;
		default: /* MMIO through wherever BAR0 decodes now */
			if (vm->bar0_base)
				sim_vm_mmio_read(
					vm,
					vm->bar0_base +
						(fz_u32(&in) % VGPU_BAR0_SIZE),
					4);
			break;
		}
	}
	fz_end();
	return 0;
}
