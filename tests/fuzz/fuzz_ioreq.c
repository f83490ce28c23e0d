// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ioreqs xengt-dm (and the in-kernel server) receive from Xen, through
 * the decoder both share (hv/ioreq-decode.c), against the attacker's live
 * vGPU: config space, BAR0 MMIO, the 0xcf8 latch, rep moves with data in
 * guest memory (the attacker's simulated RAM, bounds-checked: that is the
 * stub of xen-guestmem), stores to write-protected pages, invalidates and
 * unknown types.  Xen's own event-channel and ring handling
 * (hv/xen-ioreq.c's loop) is not in this target.
 *
 * Input: struct xengt_ioreq images, one after another.
 */
#include <string.h>

#include "fz.h"
#include "ioreq-decode.h"

#define FZ_BAR 0xf0000000ULL
#define FZ_SBDF 0x10 /* 00:02.0 */

static u32 d_cfg_read(void *dev, u32 reg, u32 size)
{
	u32 val = ~0U;

	xengt_vgpu_cfg_read(((struct wl_guest *)dev)->v, reg, size, &val);
	return val;
}

static void d_cfg_write(void *dev, u32 reg, u32 size, u32 val)
{
	xengt_vgpu_cfg_write(((struct wl_guest *)dev)->v, reg, size, val);
}

static u64 d_mmio_read(void *dev, u64 addr, u32 size)
{
	u64 val = ~0ULL;

	xengt_vgpu_mmio_read(((struct wl_guest *)dev)->v, addr - FZ_BAR, size,
			     &val);
	return val;
}

static void d_mmio_write(void *dev, u64 addr, u32 size, u64 val)
{
	xengt_vgpu_mmio_write(((struct wl_guest *)dev)->v, addr - FZ_BAR, size,
			      &val);
}

static bool d_is_wp(void *dev, u64 gfn)
{
	return sim_vm_gfn_protected(((struct wl_guest *)dev)->wv->vm, gfn);
}

static void d_wp_write(void *dev, u64 gpa, u32 size, u64 val)
{
	xengt_vgpu_wp_write(((struct wl_guest *)dev)->v, gpa, size, &val);
}

/* Guest memory: one page at a time, inside the attacker's RAM only. */
static int d_mem(void *dev, u64 gpa, void *buf, u32 len, bool write)
{
	struct sim_vm *vm = ((struct wl_guest *)dev)->wv->vm;
	u8 *p;

	if (!len || len > 8 || gpa + len < gpa ||
	    (gpa & ~(u64)(XENGT_PAGE_SIZE - 1)) !=
		    ((gpa + len - 1) & ~(u64)(XENGT_PAGE_SIZE - 1)))
		return -EFAULT;
	p = sim_vm_ram(vm, gpa);
	if (!p)
		return -EFAULT;
	if (write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return 0;
}

static int d_mem_read(void *dev, u64 gpa, void *buf, u32 len)
{
	return d_mem(dev, gpa, buf, len, false);
}

static int d_mem_write(void *dev, u64 gpa, const void *buf, u32 len)
{
	return d_mem(dev, gpa, (void *)buf, len, true);
}

static void d_invalidate(void *dev)
{
	(void)dev;
}

static const struct ioreq_target_ops fz_target_ops = {
	.cfg_read = d_cfg_read,
	.cfg_write = d_cfg_write,
	.mmio_read = d_mmio_read,
	.mmio_write = d_mmio_write,
	.is_wp = d_is_wp,
	.wp_write = d_wp_write,
	.mem_read = d_mem_read,
	.mem_write = d_mem_write,
	.invalidate = d_invalidate,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wl_guest *g = fz_begin();
	struct ioreq_decoder d = {
		.ops = &fz_target_ops,
		.dev = g,
		.sbdf = FZ_SBDF,
		.mmio_start = FZ_BAR,
		.mmio_size = VGPU_BAR0_SIZE,
	};
	struct xengt_ioreq req;
	u32 n = 0;

	/* A page table the core write-protects, for stores to reach it. */
	wl_ppgtt_map(g, WL_DATA_VA, wl_page(g));
	while (size >= sizeof(req) && n++ < 64) {
		memcpy(&req, data, sizeof(req));
		data += sizeof(req);
		size -= sizeof(req);
		req.state = XENGT_STATE_IOREQ_INPROCESS;
		ioreq_decode(&d, &req);
	}
	fz_run_gpu();
	fz_end();
	return 0;
}
