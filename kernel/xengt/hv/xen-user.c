// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The Xen user-space hypervisor backend (see xen-user.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xen-user.h"
#include "xengt/xengt.h"
#include "xengt/xengt-ioctl.h"

/* --- the core's view of the hypervisor ---------------------------------- */

static struct xen_vm *to_xen_vm(struct hv_vm *hvm)
{
	return (struct xen_vm *)((u8 *)hvm -
				 __builtin_offsetof(struct xen_vm, base));
}

static int xen_gfn_to_dma(struct hv_vm *hvm, u64 gfn, u64 *dma)
{
	struct xen_vm *vm = to_xen_vm(hvm);

	/* Mapping it is how a user-space DM learns it is RAM. */
	if (gfn >= XEN_DM_HOST_PFN_BASE || !guestmem_page(vm->mem, gfn))
		return -EFAULT;
	*dma = gfn << XENGT_PAGE_SHIFT;
	return 0;
}

static int xen_read_gpa(struct hv_vm *hvm, u64 gpa, void *buf, u32 len)
{
	return guestmem_read(to_xen_vm(hvm)->mem, gpa, buf, len);
}

static int xen_write_gpa(struct hv_vm *hvm, u64 gpa, const void *buf, u32 len)
{
	return guestmem_write(to_xen_vm(hvm)->mem, gpa, buf, len);
}

static int xen_map_mmio(struct hv_vm *hvm, u64 old_base, u64 new_base, u64 size)
{
	struct xen_vm *vm = to_xen_vm(hvm);
	int ret;

	if (old_base && vm->bar0_base == old_base) {
		ioreq_server_unmap_mmio(vm->server, old_base, size);
		vm->bar0_base = 0;
	}
	if (!new_base)
		return 0;
	ret = ioreq_server_map_mmio(vm->server, new_base, size);
	if (!ret)
		vm->bar0_base = new_base;
	return ret;
}

/* Where each region's RAM waits while the guest has not placed it. */
static const struct {
	u64 park_gfn;
	u32 pages;
} xen_ram_layout[HV_RAM_COUNT] = {
	[HV_RAM_GGTT] = { XEN_DM_GGTT_PARK_GFN, XEN_DM_GGTT_PAGES },
	[HV_RAM_OPREGION] = { XEN_DM_OPREGION_PARK_GFN, XEN_DM_OPREGION_PAGES },
};

static int xen_back_ram(struct hv_vm *hvm, enum hv_ram which,
			u64 __always_unused old_base, u64 new_base, u64 size,
			void **view)
{
	struct xen_vm *vm = to_xen_vm(hvm);
	struct xen_vm_ram *r;
	u64 to;
	int ret;

	if (which >= HV_RAM_COUNT)
		return -EOPNOTSUPP;
	r = &vm->ram[which];
	if (!r->view ||
	    size != (u64)xen_ram_layout[which].pages * XENGT_PAGE_SIZE)
		return -EOPNOTSUPP;
	if (!xengt_is_aligned(new_base, XENGT_PAGE_SIZE))
		return -EINVAL;
	to = new_base ? new_base >> XENGT_PAGE_SHIFT :
			xen_ram_layout[which].park_gfn;
	/* Never over the frames this backend translates for the GPU. */
	if (to + xen_ram_layout[which].pages > XEN_DM_HOST_PFN_BASE)
		return -EINVAL;
	if (to != r->gfn) {
		ret = ioreq_server_ram_move(vm->server, r->gfn, to,
					    xen_ram_layout[which].pages);
		if (ret)
			return ret;
		r->gfn = to;
	}
	*view = r->view;
	return 0;
}

int xen_vm_enable_ram(struct xen_vm *vm, enum hv_ram which)
{
	void *view;
	int ret;

	if (vm->devfd >= 0 || which >= HV_RAM_COUNT)
		return -EOPNOTSUPP;
	ret = ioreq_server_ram_alloc(vm->server, xen_ram_layout[which].park_gfn,
				     xen_ram_layout[which].pages, &view);
	if (ret)
		return ret;
	vm->ram[which].view = view;
	vm->ram[which].gfn = xen_ram_layout[which].park_gfn;
	return 0;
}

static int xen_set_wp(struct hv_vm *hvm, u64 gfn, bool protect)
{
	struct xen_vm *vm = to_xen_vm(hvm);

	if (gfn >= XEN_DM_HOST_PFN_BASE)
		return -EFAULT;
	return ioreq_server_set_wp(vm->server, gfn, protect);
}

static int xen_inject_msi(struct hv_vm *hvm, u64 addr, u32 data)
{
	return ioreq_server_inject_msi(to_xen_vm(hvm)->server, addr, data);
}

const struct hv_ops xen_user_hv_ops = {
	.name = "xen-user",
	.gfn_to_dma = xen_gfn_to_dma,
	.read_gpa = xen_read_gpa,
	.write_gpa = xen_write_gpa,
	.map_mmio = xen_map_mmio,
	.back_ram = xen_back_ram,
	.set_wp = xen_set_wp,
	.inject_msi = xen_inject_msi,
};

/* --- trapped accesses --------------------------------------------------- */

static uint32_t dev_cfg_read(void *dev, uint32_t reg, uint32_t size)
{
	struct xen_vm *vm = dev;
	u32 val = 0xffffffff;

	if (vm->base.vgpu)
		xengt_vgpu_cfg_read(vm->base.vgpu, reg, size, &val);
	return val;
}

static void dev_cfg_write(void *dev, uint32_t reg, uint32_t size, uint32_t val)
{
	struct xen_vm *vm = dev;

	if (vm->base.vgpu)
		xengt_vgpu_cfg_write(vm->base.vgpu, reg, size, val);
}

static uint64_t dev_mmio_read(void *dev, uint64_t addr, uint32_t size)
{
	struct xen_vm *vm = dev;
	u64 val = ~0ULL;

	if (vm->base.vgpu && vm->bar0_base && addr >= vm->bar0_base)
		xengt_vgpu_mmio_read(vm->base.vgpu, addr - vm->bar0_base, size,
				     &val);
	return val;
}

static void dev_mmio_write(void *dev, uint64_t addr, uint32_t size,
			   uint64_t val)
{
	struct xen_vm *vm = dev;

	if (vm->base.vgpu && vm->bar0_base && addr >= vm->bar0_base)
		xengt_vgpu_mmio_write(vm->base.vgpu, addr - vm->bar0_base, size,
				      &val);
}

/* A store to a write-protected page: a GPU page table the core shadows. */
static void dev_wp_write(void *dev, uint64_t gpa, uint32_t size, uint64_t val)
{
	struct xen_vm *vm = dev;

	if (vm->base.vgpu)
		xengt_vgpu_wp_write(vm->base.vgpu, gpa, size, &val);
	else
		guestmem_write(vm->mem, gpa, &val, size);
}

static const struct ioreq_device_ops vgpu_device_ops = {
	.cfg_read = dev_cfg_read,
	.cfg_write = dev_cfg_write,
	.mmio_read = dev_mmio_read,
	.mmio_write = dev_mmio_write,
	.wp_write = dev_wp_write,
};

/*
 * Mappings are about to go: the GPU must not be executing (it reaches
 * guest frames through them) until they are back.
 */
static void xen_quiesce(void *ctx, bool stop)
{
	struct xen_vm *vm = ctx;

	if (vm->gvt)
		xengt_sched_pause(vm->gvt, stop);
}

/* Attached to xengt.ko: the module decodes, we only carry the ioreq. */
static int forward_ioreq(void *dev, struct xengt_ioreq *req)
{
	struct xen_vm *vm = dev;
	struct xengt_ioc_ioreq r = {
		.addr = req->addr,
		.data = req->data,
		.count = req->count,
		.size = req->size,
		.type = req->type,
		.dir = req->dir,
		.df = req->df,
		.data_is_ptr = req->data_is_ptr,
	};

	if (ioctl(vm->devfd, XENGT_IOC_IOREQ, &r)) {
		/* The vGPU was destroyed under us: nothing left to serve. */
		if (errno == ENODEV && !vm->detached) {
			vm->detached = true;
			if (vm->stop)
				*vm->stop = 1;
		}
		return -errno;
	}
	req->data = r.data;
	return 0;
}

static int vm_open(u32 domid, u32 sbdf, bool claim_cf8, ioreq_log_fn log,
		   int devfd, struct xen_vm **out)
{
	struct xen_vm *vm = calloc(1, sizeof(*vm));
	struct ioreq_server_params p = {
		.domid = domid,
		.sbdf = sbdf,
		.claim_cf8 = claim_cf8,
		.ops = &vgpu_device_ops,
		.dev = vm,
		.log = log,
		.forward = devfd >= 0 ? forward_ioreq : NULL,
	};
	int ret;

	if (!vm)
		return -ENOMEM;
	vm->devfd = devfd;
	vm->base.ops = &xen_user_hv_ops;
	vm->base.domid = domid;
	ret = ioreq_server_open(&p, &vm->server);
	if (ret) {
		free(vm);
		return ret;
	}
	vm->mem = ioreq_server_guestmem(vm->server);
	guestmem_set_quiesce(vm->mem, xen_quiesce, vm);
	*out = vm;
	return 0;
}

int xen_vm_open(u32 domid, u32 sbdf, bool claim_cf8, ioreq_log_fn log,
		struct xen_vm **out)
{
	return vm_open(domid, sbdf, claim_cf8, log, -1, out);
}

int xen_vm_open_attached(u32 domid, u32 sbdf, bool claim_cf8, bool ggtt_ram,
			 ioreq_log_fn log, struct xen_vm **out)
{
	struct xengt_ioc_attach a = {
		.domid = domid,
		.sbdf = sbdf,
		.flags = ggtt_ram ? XENGT_ATTACH_GGTT_RAM : 0,
	};
	int fd = open(XENGT_DEV_PATH, O_RDWR | O_CLOEXEC), ret;
	struct xen_vm *vm;

	if (fd < 0) {
		ret = -errno;
		gvt_err("%s: %s (is xengt.ko loaded? --standalone runs a private software GPU instead)",
			XENGT_DEV_PATH, strerror(errno));
		return ret;
	}
	ret = vm_open(domid, sbdf, claim_cf8, log, fd, &vm);
	if (ret) {
		close(fd);
		return ret;
	}
	a.ioservid = ioreq_server_id(vm->server);
	if (ioctl(fd, XENGT_IOC_ATTACH, &a)) {
		ret = -errno;
		/*
		 * Every other field is ours and checked: EINVAL with a flag
		 * is a module from before that flag.
		 */
		if (ret == -EINVAL && a.flags) {
			gvt_err("domain %u: this xengt.ko cannot put the GGTT in guest RAM (older than --ggtt-ram): update it, or go without --ggtt-ram",
				domid);
			xen_vm_close(vm);
			return -EOPNOTSUPP;
		}
		gvt_err("domain %u: xengt.ko refused to attach its vGPU: %s (%s)",
			domid, strerror(errno),
			errno == ENOENT ?
				"create it first: echo \"DOMID TYPE\" > /sys/kernel/xengt/control/create" :
				"see dmesg");
		xen_vm_close(vm);
		return ret;
	}
	*out = vm;
	return 0;
}

int xen_vm_close(struct xen_vm *vm)
{
	u32 leaked_wp = ioreq_server_nr_wp(vm->server);

	/* Detach from xengt.ko first: it still needs our ioreq server. */
	if (vm->devfd >= 0)
		close(vm->devfd);
	/*
	 * The vGPU's detach parked the RAM: the guest keeps it there,
	 * out of its way, for the next device model to find.
	 */
	for (unsigned int i = 0; i < HV_RAM_COUNT; i++)
		ioreq_server_ram_unmap(vm->server, vm->ram[i].view,
				       xen_ram_layout[i].pages);
	/* The ioreq server releases what is still protected; say so. */
	ioreq_server_close(vm->server);
	free(vm);
	if (leaked_wp) {
		gvt_err("domain teardown: %u write-protected guest pages were still held after the vGPU was destroyed",
			leaked_wp);
		return -EBUSY;
	}
	return 0;
}

int xen_vm_run(struct xen_vm *vm, volatile sig_atomic_t *stop,
	       const sigset_t *run_mask)
{
	vm->stop = stop;
	return ioreq_server_run(vm->server, stop, run_mask);
}
