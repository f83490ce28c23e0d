// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The native baseline (see native.h).
 */
#include <stdio.h>

#include "native.h"

#define BAR0_SIZE 0x1000000ULL /* 16 MiB: registers + GGTT */
#define BAR_MEM64 0x4U
#define BAR_PREFETCH 0x8U
#define GGTT_OFFSET 0x800000ULL
#define GMCH_GGMS_4G (3U << 6) /* 8 MiB of PTEs */

/* --- the IOMMU view: device address = the OS's physical address --- */

static u8 *iommu_frame(struct sim_bus *bus, u64 pfn, u16 *owner)
{
	struct native_iommu *mmu = (struct native_iommu *)bus;
	struct sim_vm *vm = mmu->vm;
	u8 *p = sim_vm_ram(vm, pfn << XENGT_PAGE_SHIFT);

	*owner = p ? vm->base.domid : SIM_OWNER_NONE;
	return p;
}

static u8 *iommu_alloc_host_frame(struct sim_bus __always_unused *bus,
				  u64 __always_unused *pfn)
{
	return NULL; /* no GVT core natively: nobody needs host frames */
}

static void iommu_free_host_frame(struct sim_bus __always_unused *bus,
				  u64 __always_unused pfn)
{
}

static const struct sim_bus_ops iommu_ops = {
	.frame = iommu_frame,
	.alloc_host_frame = iommu_alloc_host_frame,
	.free_host_frame = iommu_free_host_frame,
};

/* --- config space of a bare Skylake GT2 --- */

static u64 bar_size(u32 reg)
{
	if (reg == 0x10)
		return BAR0_SIZE;
	if (reg == 0x18)
		return SIM_GPU_APERTURE;
	return 0;
}

static void cfg_reset(struct native *n)
{
	memset(n->cfg, 0, sizeof(n->cfg));
	n->cfg[0x00 / 4] = 0x8086 | (u32)SIM_GPU_DEVICE_ID << 16;
	n->cfg[0x08 / 4] = 0x03000000 | SIM_GPU_REVISION;
	n->cfg[0x10 / 4] = BAR_MEM64;
	n->cfg[0x18 / 4] = BAR_MEM64 | BAR_PREFETCH;
	n->cfg[0x50 / 4] = GMCH_GGMS_4G;
}

static uint32_t io_cfg_read(void *ctx, uint32_t devfn, uint32_t reg,
			    uint32_t size)
{
	struct native *n = ctx;
	u32 v;

	if (devfn != SIM_VGPU_DEVFN || reg >= sizeof(n->cfg) || size > 4 ||
	    (reg & (size - 1)))
		return 0xffffffff;
	v = n->cfg[reg / 4] >> (8 * (reg & 3));
	return size == 4 ? v : v & ((1U << (8 * size)) - 1);
}

static void io_cfg_write(void *ctx, uint32_t devfn, uint32_t reg, uint32_t size,
			 uint32_t val)
{
	struct native *n = ctx;
	u32 *r, shift, mask;

	if (devfn != SIM_VGPU_DEVFN || reg >= sizeof(n->cfg) || size > 4 ||
	    (reg & (size - 1)))
		return;
	r = &n->cfg[reg / 4];
	if (reg == 0x10 || reg == 0x18) { /* BAR low dword: size mask */
		*r = (val & ~(u32)(bar_size(reg) - 1) & ~0xfU) | (*r & 0xf);
	} else if (reg == 0x14 || reg == 0x1c) {
		*r = val;
	} else if ((reg & ~3U) == 0x04) {
		shift = 8 * (reg & 3);
		mask = (size == 4 ? ~0U : ((1U << (8 * size)) - 1)) << shift;
		*r = (*r & ~mask) | ((val << shift) & mask);
	} else {
		return; /* the rest of a bare device is read-only here */
	}
	n->bar0 = ((u64)n->cfg[0x14 / 4] << 32 | n->cfg[0x10 / 4]) & ~0xfULL;
}

/* --- BAR0 straight to the GPU --- */

static bool in_bar0(struct native *n, uint64_t gpa, uint32_t size)
{
	return (n->cfg[0x04 / 4] & 0x2) && gpa >= n->bar0 &&
	       gpa + size <= n->bar0 + BAR0_SIZE;
}

static uint64_t bar0_read(struct native *n, u64 off, uint32_t size)
{
	u64 v;

	n->reg_accesses++;
	if (off >= GGTT_OFFSET) {
		u32 index = (off - GGTT_OFFSET) / 8;

		v = sim_gpu_ggtt_read(&n->gpu, index);
		v >>= 8 * (off & 7);
	} else if (off < SIM_GPU_MMIO_SIZE) {
		v = sim_gpu_reg_read(&n->gpu, off & ~3ULL);
		if (size == 8)
			v |= (u64)sim_gpu_reg_read(&n->gpu, (off & ~3ULL) + 4)
			     << 32;
		else
			v >>= 8 * (off & 3);
	} else {
		return 0;
	}
	return size == 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

static void bar0_write(struct native *n, u64 off, uint32_t size, uint64_t val)
{
	n->reg_accesses++;
	if (off >= GGTT_OFFSET) {
		u32 index = (off - GGTT_OFFSET) / 8;
		u64 pte = sim_gpu_ggtt_read(&n->gpu, index);

		if (size == 8)
			pte = val;
		else if (size == 4)
			pte = (off & 4) ? (pte & 0xffffffffULL) | val << 32 :
					  (pte & ~0xffffffffULL) | (u32)val;
		else
			return;
		sim_gpu_ggtt_write(&n->gpu, index, pte);
	} else if (off < SIM_GPU_MMIO_SIZE && size >= 4 && !(off & 3)) {
		sim_gpu_reg_write(&n->gpu, off, (u32)val);
		if (size == 8)
			sim_gpu_reg_write(&n->gpu, off + 4, (u32)(val >> 32));
	}
}

static uint64_t io_mmio_read(void *ctx, uint64_t gpa, uint32_t size)
{
	struct native *n = ctx;
	u64 v = 0;
	u8 *ram;

	if (in_bar0(n, gpa, size))
		return bar0_read(n, gpa - n->bar0, size);
	ram = sim_vm_ram(n->vm, gpa);
	if (ram && size <= 8) {
		memcpy(&v, ram, size);
		return v;
	}
	return ~0ULL;
}

static void io_mmio_write(void *ctx, uint64_t gpa, uint32_t size, uint64_t val)
{
	struct native *n = ctx;
	u8 *ram;

	if (in_bar0(n, gpa, size)) {
		bar0_write(n, gpa - n->bar0, size, val);
		return;
	}
	ram = sim_vm_ram(n->vm, gpa);
	if (ram && size <= 8)
		memcpy(ram, &val, size);
}

static void *io_ram(void *ctx, uint64_t gpa)
{
	return sim_vm_ram(((struct native *)ctx)->vm, gpa);
}

/* Natively nothing is write-protected: a page-table store is a store. */
static void io_ram_write(void *ctx, uint64_t gpa, uint32_t size, uint64_t val)
{
	u8 *ram = sim_vm_ram(((struct native *)ctx)->vm, gpa);

	if (ram && size <= 8)
		memcpy(ram, &val, size);
}

int native_init(struct native *n, u64 ram_bytes)
{
	int ret;

	memset(n, 0, sizeof(*n));
	ret = sim_machine_init(&n->machine,
			       (ram_bytes >> XENGT_PAGE_SHIFT) + 16, 0x6a71);
	if (ret)
		return ret;
	/* Fault the host pages in now, so timing sees no first touches. */
	memset(n->machine.mem, 0, n->machine.nr_frames << XENGT_PAGE_SHIFT);
	ret = sim_vm_create(&n->machine, NATIVE_DOMID, ram_bytes, &n->vm);
	if (ret)
		goto err_machine;
	n->iommu.bus.ops = &iommu_ops;
	n->iommu.vm = n->vm;
	ret = sim_gpu_init(&n->gpu, &n->iommu.bus);
	if (ret)
		goto err_vm;
	/* The OS's contexts carry tag 0: its work is its own. */
	sim_gpu_set_tag_owner(&n->gpu, 0, NATIVE_DOMID);
	cfg_reset(n);
	n->io = (struct i915pv_io){
		.cfg_read = io_cfg_read,
		.cfg_write = io_cfg_write,
		.mmio_read = io_mmio_read,
		.mmio_write = io_mmio_write,
		.ram = io_ram,
		.ram_write = io_ram_write,
		.ctx = n,
	};
	return 0;

err_vm:
	sim_vm_destroy(n->vm);
err_machine:
	sim_machine_fini(&n->machine);
	return ret;
}

void native_fini(struct native *n)
{
	sim_gpu_fini(&n->gpu);
	sim_vm_destroy(n->vm);
	sim_machine_fini(&n->machine);
}

int native_probe(struct native *n)
{
	if (i915pv_probe_any(&n->dev, &n->io, SIM_MMIO_HOLE) ||
	    i915pv_balloon(&n->dev)) {
		fprintf(stderr, "xengt-sim: native probe: %s\n", n->dev.error);
		return -ENODEV;
	}
	if (!n->dev.native) {
		fprintf(stderr,
			"xengt-sim: native probe found a PVINFO page\n");
		return -EINVAL;
	}
	return 0;
}
