// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Device discovery, BAR placement and PVINFO checks (see i915pv.h).
 */
#include "i915pv.h"

#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_CLASS_REVISION 0x08
#define PCI_BAR0 0x10
#define PCI_BAR2 0x18
#define GMCH_CTRL 0x50
#define GMCH_GGMS_SHIFT 6
#define GMCH_GGMS_MASK 0x3

static uint32_t cfg_rd(struct i915pv_dev *dev, uint32_t reg, uint32_t size)
{
	return dev->io->cfg_read(dev->io->ctx, dev->devfn, reg, size);
}

static void cfg_wr(struct i915pv_dev *dev, uint32_t reg, uint32_t size,
		   uint32_t val)
{
	dev->io->cfg_write(dev->io->ctx, dev->devfn, reg, size, val);
}

static int fail(struct i915pv_dev *dev, const char *why)
{
	dev->error = why;
	return -1;
}

/* Size a 64-bit memory BAR the PCI way: all-ones, read mask, restore. */
static uint64_t bar_size64(struct i915pv_dev *dev, uint32_t reg)
{
	uint32_t lo = cfg_rd(dev, reg, 4), hi = cfg_rd(dev, reg + 4, 4);
	uint64_t mask;

	cfg_wr(dev, reg, 4, 0xffffffff);
	cfg_wr(dev, reg + 4, 4, 0xffffffff);
	mask = (uint64_t)cfg_rd(dev, reg + 4, 4) << 32 |
	       (cfg_rd(dev, reg, 4) & ~0xfU);
	cfg_wr(dev, reg, 4, lo);
	cfg_wr(dev, reg + 4, 4, hi);
	return mask ? ~mask + 1 : 0;
}

static void bar_place64(struct i915pv_dev *dev, uint32_t reg, uint64_t base)
{
	cfg_wr(dev, reg, 4, (uint32_t)base);
	cfg_wr(dev, reg + 4, 4, (uint32_t)(base >> 32));
}

static int find_device(struct i915pv_dev *dev)
{
	for (dev->devfn = 0; dev->devfn < 256; dev->devfn += 8) {
		uint32_t id = cfg_rd(dev, 0, 4);
		uint32_t cls = cfg_rd(dev, PCI_CLASS_REVISION, 4) >> 8;

		if ((id & 0xffff) == 0x8086 && (cls >> 8) == 0x0300) {
			dev->device_id = id >> 16;
			return 0;
		}
	}
	return fail(dev, "no Intel VGA device on bus 0");
}

static uint64_t mmio_rd(struct i915pv_dev *dev, uint64_t off, uint32_t size)
{
	return dev->io->mmio_read(dev->io->ctx, dev->bar0 + off, size);
}

static int read_pvinfo(struct i915pv_dev *dev)
{
	dev->magic = mmio_rd(dev, I915PV_PVINFO + 0x0, 8);
	if (dev->magic != I915PV_VGT_MAGIC)
		return fail(dev, "PVINFO magic mismatch: not a vGPU");
	dev->version_major = mmio_rd(dev, I915PV_PVINFO + 0x8, 2);
	dev->version_minor = mmio_rd(dev, I915PV_PVINFO + 0xa, 2);
	if (dev->version_major < 1)
		return fail(dev, "PVINFO version_major < 1");
	dev->vgt_id = mmio_rd(dev, I915PV_PVINFO + 0xc, 4);
	dev->caps = mmio_rd(dev, I915PV_PVINFO + 0x10, 4);
	dev->mappable_base = mmio_rd(dev, I915PV_PVINFO + 0x40, 4);
	dev->mappable_size = mmio_rd(dev, I915PV_PVINFO + 0x44, 4);
	dev->nonmappable_base = mmio_rd(dev, I915PV_PVINFO + 0x48, 4);
	dev->nonmappable_size = mmio_rd(dev, I915PV_PVINFO + 0x4c, 4);
	dev->fence_num = mmio_rd(dev, I915PV_PVINFO + 0x50, 4);
	return 0;
}

static int probe_device(struct i915pv_dev *dev, const struct i915pv_io *io,
			uint64_t mmio_base)
{
	uint32_t ggms;

	*dev = (struct i915pv_dev){ .io = io };
	if (find_device(dev))
		return -1;
	cfg_wr(dev, PCI_COMMAND, 2,
	       cfg_rd(dev, PCI_COMMAND, 2) & ~PCI_COMMAND_MEMORY);
	dev->bar0_size = bar_size64(dev, PCI_BAR0);
	dev->bar2_size = bar_size64(dev, PCI_BAR2);
	if (dev->bar0_size != 16ULL << 20)
		return fail(dev, "BAR0 is not 16 MiB");
	if (!dev->bar2_size || dev->bar2_size & (dev->bar2_size - 1))
		return fail(dev, "BAR2 size is not a power of two");
	dev->bar0 = mmio_base;
	dev->bar2 = (mmio_base + dev->bar0_size + dev->bar2_size - 1) &
		    ~(dev->bar2_size - 1);
	bar_place64(dev, PCI_BAR0, dev->bar0);
	bar_place64(dev, PCI_BAR2, dev->bar2);
	cfg_wr(dev, PCI_COMMAND, 2,
	       cfg_rd(dev, PCI_COMMAND, 2) | PCI_COMMAND_MEMORY);

	ggms = (cfg_rd(dev, GMCH_CTRL, 2) >> GMCH_GGMS_SHIFT) & GMCH_GGMS_MASK;
	if (!ggms)
		return fail(dev, "GMCH control reports no GGTT");
	/* (1 << ggms) MiB of 8-byte PTEs, each mapping 4 KiB. */
	dev->ggtt_total = ((1ULL << ggms) << 20) / 8 * 4096;
	dev->mappable_end = dev->bar2_size;
	return 0;
}

int i915pv_probe(struct i915pv_dev *dev, const struct i915pv_io *io,
		 uint64_t mmio_base)
{
	if (probe_device(dev, io, mmio_base))
		return -1;
	return read_pvinfo(dev);
}

int i915pv_probe_any(struct i915pv_dev *dev, const struct i915pv_io *io,
		     uint64_t mmio_base)
{
	if (probe_device(dev, io, mmio_base))
		return -1;
	if (!read_pvinfo(dev))
		return 0;
	/* A bare GPU: everything it maps is ours, as for a native i915. */
	dev->native = true;
	dev->error = NULL;
	dev->magic = 0;
	dev->mappable_base = 0;
	dev->mappable_size = dev->mappable_end;
	dev->nonmappable_base = dev->mappable_end;
	dev->nonmappable_size = dev->ggtt_total - dev->mappable_end;
	return 0;
}
