// SPDX-License-Identifier: GPL-2.0
/*
 * The Xen backend inside xengt.ko (see xen-kernel.h): foreign mappings,
 * write protection, MSIs and BAR0 through dm_op, and the in-kernel ioreq
 * server.
 *
 * This dom0 is PV (Debian's 6.1 kernel on Xen 4.17): a guest frame is
 * mapped by pointing the PTE of a one-page vmalloc window at it
 * (HYPERVISOR_mmu_update with the guest as the foreign domain; Xen
 * translates the gfn through the guest's p2m and takes a reference), as
 * privcmd does for user space.  The mapping gives the machine frame,
 * which is what the GPU is programmed with: the software GPU finds it
 * in kbus.c.
 *
 * Set-up is a ladder (enum xkvm_step); teardown undoes every step
 * reached, in reverse.
 */
#include <linux/kernel.h>
#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <xen/xen.h>
#include <xen/events.h>
#include <xen/xenbus.h>
#include <xen/interface/xen.h>
#include <xen/interface/memory.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/hvm/dm_op.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <asm/pgtable.h>

#include "xengt/xengt.h"
#include "../core/hv.h"
#include "../kbus.h"
#include "ioreq-decode.h"
#include "xen-kernel.h"

/* ---- the dm_op ABI (Xen 4.17 public/hvm/dm_op.h; Linux has no copy) ---- */

#define XEN_DMOP_create_ioreq_server 1
#define XEN_DMOP_get_ioreq_server_info 2
#define XEN_DMOP_map_io_range_to_ioreq_server 3
#define XEN_DMOP_unmap_io_range_from_ioreq_server 4
#define XEN_DMOP_set_ioreq_server_state 5
#define XEN_DMOP_destroy_ioreq_server 6
#define XEN_DMOP_set_mem_type 12
#define XEN_DMOP_inject_msi 14
#define XEN_DMOP_map_mem_type_to_ioreq_server 15
#define XEN_DMOP_relocate_memory 17
#define XEN_DMOP_nr_vcpus 20

#define XEN_DMOP_IO_RANGE_PORT 0
#define XEN_DMOP_IO_RANGE_MEMORY 1
#define XEN_DMOP_IO_RANGE_PCI 2
#define XEN_DMOP_no_gfns 1
#define XEN_DMOP_IOREQ_MEM_ACCESS_WRITE 2

#define HVMMEM_ram_rw 0
#define HVMMEM_ioreq_server 4

struct xkvm_dm_op {
	u32 op;
	u32 pad;
	union {
		struct {
			u8 handle_bufioreq;
			u8 pad[3];
			u16 id;
		} create;
		struct {
			u16 id;
			u16 flags;
			u16 bufioreq_port_pad[2]; /* port is u32 at offset 4 */
			u64 ioreq_gfn, bufioreq_gfn;
		} info;
		struct {
			u16 id;
			u16 pad;
			u32 type;
			u64 start, end;
		} range;
		struct {
			u16 id;
			u8 enabled;
			u8 pad;
		} state;
		struct {
			u16 id;
			u16 pad;
		} destroy;
		struct {
			u32 nr;
			u16 mem_type;
			u16 pad;
			u64 first_pfn;
		} mem_type;
		struct {
			u32 data;
			u32 pad;
			u64 addr;
		} msi;
		struct {
			u16 id;
			u16 type;
			u32 flags;
			u64 opaque;
		} map_mem_type;
		struct {
			u32 vcpus;
		} nr_vcpus;
		struct {
			u32 size;
			u32 pad;
			u64 src_gfn, dst_gfn;
		} relocate;
	} u; /* Xen copies only the named op's part (dm.c: op_size[]) */
};

/*
 * The domctl ABI (public/domctl.h), for XEN_DOMCTL_max_mem only.  Xen
 * accepts a domctl only with its own interface version; max_mem's layout
 * has not changed across the versions listed (4.15 .. 4.19).
 */
#define XEN_DOMCTL_max_mem 11
static const u32 xkvm_domctl_versions[] = { 0x15, 0x16, 0x17, 0x14, 0x13 };

struct xkvm_domctl {
	u32 cmd;
	u32 interface_version;
	u16 domain;
	u16 pad[3];
	union {
		struct {
			u64 max_memkb;
		} max_mem;
		u8 pad[128];
	} u;
};

/* ---- state ----------------------------------------------------------------- */

#define XKVM_MAX_MAPS 65536 /* 256 MiB of one guest mapped at once */
#define XKVM_MAX_VCPUS (PAGE_SIZE / sizeof(struct xengt_ioreq))
#define CF8_LAST (IOREQ_CF8_PORT + 3)

enum xkvm_step {
	XS_NONE,
	XS_SERVER, /* kernel path: our ioreq server exists */
	XS_IOPAGE, /* its ioreq page is mapped */
	XS_RAM, /* the back_ram regions' views exist (those Xen gave) */
	XS_ATTACHED, /* the vGPU is attached to us */
	XS_PCIDEV, /* config space of the BDF claimed */
	XS_CF8, /* port 0xcf8 claimed (PVH) */
	XS_ENABLED, /* the server is on */
	XS_PORTS, /* every vCPU's event channel bound */
};

/* One guest frame mapped in the kernel. */
struct xkvm_map {
	struct kbus_frame bus;
	void *va; /* the window that maps it */
	u64 mfn;
};

/*
 * RAM of a back_ram region: frames of the guest, populated by us (or by
 * an earlier device model of the domain) and mapped into one contiguous
 * vmalloc area, the view the core keeps until the domain's end.
 */
struct xkvm_ram {
	void *view; /* NULL: no RAM, back_ram says -EOPNOTSUPP */
	u64 *mfns; /* each page's machine frame: ours, wherever it sits */
	u64 gfn; /* where the guest has it now */
};

struct xkvm_vcpu {
	struct xkvm *vm;
	unsigned int idx;
	int irq; /* 0: not bound */
	struct work_struct work;
};

struct xkvm {
	struct hv_vm base;
	struct kref ref;
	struct list_head node; /* xkvm_list, while set up */
	struct vgpu *vgpu;
	bool kernel_path; /* our ioreq server; else xengt-dm's */
	u16 ioservid;
	u32 sbdf;
	bool claim_cf8;
	enum xkvm_step step;
	bool dead; /* the domain is gone: teardown errors are expected */
	bool gone; /* torn down: nothing more is served */
	struct mutex teardown_lock; /* one teardown; held for all of it */
	struct mutex serve_lock; /* one ioreq at a time, and teardown */
	struct ioreq_decoder dec;
	u64 nr_ioreqs;
	atomic64_t nr_events; /* interrupts from the ioreq event channels */

	struct mutex map_lock; /* maps, nr_maps */
	struct xarray maps; /* gfn -> struct xkvm_map */
	u32 nr_maps;
	bool map_full_logged;

	struct mutex wp_lock; /* wp, nr_wp, memtype_claimed */
	struct xarray wp; /* gfn -> xa_mk_value(1) while protected */
	u32 nr_wp;
	bool memtype_claimed;

	/* back_ram: under vgpu->lock (the core's calls) once attached */
	struct xkvm_ram ram[HV_RAM_COUNT];
	bool ggtt_ram; /* HV_RAM_GGTT asked for */

	/* kernel path */
	struct xengt_ioreq *iopage; /* its window; one slot per vCPU */
	unsigned int nr_vcpus;
	struct xkvm_vcpu *vcpus;
};

static struct xengt_gvt *xkvm_gvt;
static void (*xkvm_domain_dead)(u16 domid);
static DEFINE_MUTEX(xkvm_lock); /* xkvm_list */
static LIST_HEAD(xkvm_list);
static struct workqueue_struct *xkvm_wq;
static bool xkvm_watching;
static atomic64_t xkvm_nr_mapped = ATOMIC64_INIT(0);
static atomic64_t xkvm_nr_protected = ATOMIC64_INIT(0);

static struct xkvm *to_xkvm(struct hv_vm *hvm)
{
	return container_of(hvm, struct xkvm, base);
}

#define xkvm_err(vm, fmt, ...) \
	pr_err("xengt: domain %u: " fmt "\n", (vm)->base.domid, ##__VA_ARGS__)
#define xkvm_info(vm, fmt, ...) \
	pr_info("xengt: domain %u: " fmt "\n", (vm)->base.domid, ##__VA_ARGS__)

/* ---- hypercalls ------------------------------------------------------------ */

static int dm_op(struct xkvm *vm, struct xkvm_dm_op *op)
{
	struct xen_dm_op_buf buf;

	buf.size = sizeof(*op);
	set_xen_guest_handle(buf.h, op);
	return HYPERVISOR_dm_op(vm->base.domid, 1, &buf);
}

/* Log a failed step (unless the domain is gone) and pass the error on. */
static int dm_check(struct xkvm *vm, int rc, const char *what)
{
	if (rc && !vm->dead)
		xkvm_err(vm, "%s: Xen says %d", what, rc);
	return rc;
}

static int dm_range(struct xkvm *vm, bool map, u32 type, u64 start, u64 end)
{
	struct xkvm_dm_op op = {
		.op = map ? XEN_DMOP_map_io_range_to_ioreq_server :
			    XEN_DMOP_unmap_io_range_from_ioreq_server,
		.u.range = { .id = vm->ioservid,
			     .type = type,
			     .start = start,
			     .end = end },
	};

	return dm_op(vm, &op);
}

/*
 * Guest frames (and ioreq pages) are reached through windows: one page of
 * vmalloc space each, vmap()ed onto a placeholder page of ours, whose PTE
 * is then pointed at the frame (HYPERVISOR_mmu_update, as privcmd's
 * xen_remap_pfn() does for user space) and back.  vmalloc addresses are
 * ours alone: no other user of the unpopulated-page pool (gntdev) can
 * ever see a stale translation of them, and each change is flushed on
 * every CPU.
 */
static struct page *xkvm_placeholder;

static void *window_get(void)
{
	return vmap(&xkvm_placeholder, 1, VM_MAP, PAGE_KERNEL);
}

static void window_put(void *va)
{
	vunmap(va);
}

/* The window's PTE, and its machine address for mmu_update. */
static pte_t *window_pte(void *va, u64 *maddr)
{
	unsigned int level;
	pte_t *ptep = lookup_address((unsigned long)va, &level);

	if (!ptep || level != PG_LEVEL_4K)
		return NULL;
	*maddr = arbitrary_virt_to_machine(ptep).maddr;
	return ptep;
}

static void flush_one(void *va)
{
	struct mmuext_op op = { .cmd = MMUEXT_INVLPG_ALL };

	op.arg1.linear_addr = (unsigned long)va;
	WARN_ON(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF));
}

/* A present, writable, never executable kernel mapping of a frame. */
static u64 frame_pte_flags(void)
{
	return (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY |
		_PAGE_NX) &
	       __supported_pte_mask;
}

/*
 * Point window @va at @frame of domain @dom: a gfn that Xen translates
 * (@translate), or a machine frame.  Returns the machine frame mapped.
 */
static int map_frame(void *va, u64 frame, u16 dom, bool translate, u64 *mfn)
{
	struct mmu_update u;
	pte_t *ptep;
	u64 maddr;
	int rc;

	ptep = window_pte(va, &maddr);
	if (!ptep)
		return -EFAULT;
	u.ptr = maddr |
		(translate ? MMU_NORMAL_PT_UPDATE : MMU_PT_UPDATE_NO_TRANSLATE);
	u.val = (frame << PAGE_SHIFT) | frame_pte_flags();
	rc = HYPERVISOR_mmu_update(&u, 1, NULL, dom);
	/* The window showed the placeholder: no CPU may keep that. */
	flush_one(va);
	if (rc)
		return rc == -ESRCH ? -ESRCH : -EFAULT;
	*mfn = pte_mfn(*ptep);
	return 0;
}

/* Undo map_frame(): back to the placeholder; Xen drops its reference. */
static void unmap_frame(void *va)
{
	WARN_ON(HYPERVISOR_update_va_mapping(
		(unsigned long)va,
		mfn_pte(pfn_to_mfn(page_to_pfn(xkvm_placeholder)), PAGE_KERNEL),
		UVMF_INVLPG | UVMF_ALL));
}

/* ---- guest memory ------------------------------------------------------------ */

static struct xkvm_map *map_gfn(struct xkvm *vm, u64 gfn)
{
	struct xkvm_map *m = xa_load(&vm->maps, gfn);
	int rc;

	if (m)
		return m;
	mutex_lock(&vm->map_lock);
	m = xa_load(&vm->maps, gfn);
	if (m)
		goto out;
	if (vm->nr_maps >= XKVM_MAX_MAPS) {
		if (!vm->map_full_logged)
			xkvm_err(
				vm,
				"more than %u guest pages mapped: refusing more",
				XKVM_MAX_MAPS);
		vm->map_full_logged = true;
		goto out;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		goto out;
	m->va = window_get();
	if (!m->va)
		goto err_free;
	/* Not RAM of the guest (MMIO, a hole, beyond its memory): refused. */
	if (map_frame(m->va, gfn, vm->base.domid, true, &m->mfn))
		goto err_page;
	m->bus.va = m->va;
	m->bus.owner = vm->base.domid;
	rc = kbus_add(m->mfn, &m->bus);
	if (rc) {
		/* The guest has the same frame at two gfns: not for the GPU. */
		xkvm_err(vm, "gfn 0x%llx: machine frame already mapped (%d)",
			 gfn, rc);
		goto err_map;
	}
	rc = xa_err(xa_store(&vm->maps, gfn, m, GFP_KERNEL));
	if (rc) {
		kbus_del(m->mfn);
		goto err_map;
	}
	vm->nr_maps++;
	atomic64_inc(&xkvm_nr_mapped);
	goto out;

err_map:
	unmap_frame(m->va);
err_page:
	window_put(m->va);
err_free:
	kfree(m);
	m = NULL;
out:
	mutex_unlock(&vm->map_lock);
	return m;
}

/*
 * Every mapping goes.  The vGPU is detached (no work of it runs); the
 * dispatchers are paused anyway while the GPU's view of the frames goes,
 * as a GPU reset would.
 */
static void unmap_all(struct xkvm *vm)
{
	struct xkvm_map *m;
	unsigned long gfn;

	if (!vm->nr_maps)
		return;
	xengt_sched_pause(xkvm_gvt, true);
	xa_for_each(&vm->maps, gfn, m) kbus_del(m->mfn);
	xengt_sched_pause(xkvm_gvt, false);
	xa_for_each(&vm->maps, gfn, m)
	{
		xa_erase(&vm->maps, gfn);
		unmap_frame(m->va);
		window_put(m->va);
		kfree(m);
		atomic64_dec(&xkvm_nr_mapped);
	}
	vm->nr_maps = 0;
	xa_destroy(&vm->maps);
}

static int copy_gpa(struct xkvm *vm, u64 gpa, void *buf, u32 len, bool write)
{
	while (len) {
		u32 off = gpa & (PAGE_SIZE - 1);
		u32 n = min_t(u32, len, PAGE_SIZE - off);
		struct xkvm_map *m = map_gfn(vm, gpa >> PAGE_SHIFT);

		if (!m)
			return -EFAULT;
		if (write)
			memcpy((u8 *)m->bus.va + off, buf, n);
		else
			memcpy(buf, (u8 *)m->bus.va + off, n);
		gpa += n;
		buf = (u8 *)buf + n;
		len -= n;
	}
	return 0;
}

/* ---- the core's view (hv.h) ------------------------------------------------ */

static int xkvm_gfn_to_dma(struct hv_vm *hvm, u64 gfn, u64 *dma)
{
	struct xkvm_map *m = map_gfn(to_xkvm(hvm), gfn);

	if (!m)
		return -EFAULT;
	*dma = m->mfn << PAGE_SHIFT;
	return 0;
}

static int xkvm_read_gpa(struct hv_vm *hvm, u64 gpa, void *buf, u32 len)
{
	return copy_gpa(to_xkvm(hvm), gpa, buf, len, false);
}

static int xkvm_write_gpa(struct hv_vm *hvm, u64 gpa, const void *buf, u32 len)
{
	return copy_gpa(to_xkvm(hvm), gpa, (void *)buf, len, true);
}

/* Called from the trap path (serve_lock held) or from detach. */
static int xkvm_map_mmio(struct hv_vm *hvm, u64 old_base, u64 new_base,
			 u64 size)
{
	struct xkvm *vm = to_xkvm(hvm);
	struct ioreq_decoder *d = &vm->dec;
	int rc;

	if (old_base && d->mmio_size && d->mmio_start == old_base) {
		d->mmio_size = 0;
		d->stats.mmio_unmaps++;
		dm_check(vm,
			 dm_range(vm, false, XEN_DMOP_IO_RANGE_MEMORY, old_base,
				  old_base + size - 1),
			 "release BAR0");
	}
	if (!new_base)
		return 0;
	if (!size || new_base + size - 1 < new_base)
		return -EINVAL;
	rc = dm_check(vm,
		      dm_range(vm, true, XEN_DMOP_IO_RANGE_MEMORY, new_base,
			       new_base + size - 1),
		      "claim BAR0");
	if (rc)
		return rc;
	d->mmio_start = new_base;
	d->mmio_size = size;
	d->stats.mmio_maps++;
	return 0;
}

static int set_mem_type(struct xkvm *vm, u64 gfn, u16 type)
{
	struct xkvm_dm_op op = {
		.op = XEN_DMOP_set_mem_type,
		.u.mem_type = { .nr = 1, .mem_type = type, .first_pfn = gfn },
	};

	return dm_op(vm, &op);
}

static int claim_memtype(struct xkvm *vm, bool claim)
{
	struct xkvm_dm_op op = {
		.op = XEN_DMOP_map_mem_type_to_ioreq_server,
		.u.map_mem_type = {
			.id = vm->ioservid,
			.type = HVMMEM_ioreq_server,
			/* Only writes trap: page-table reads stay at RAM speed. */
			.flags = claim ? XEN_DMOP_IOREQ_MEM_ACCESS_WRITE : 0,
		},
	};

	return dm_op(vm, &op);
}

static int xkvm_set_wp(struct hv_vm *hvm, u64 gfn, bool protect)
{
	struct xkvm *vm = to_xkvm(hvm);
	bool have;
	int rc = 0;

	mutex_lock(&vm->wp_lock);
	have = xa_load(&vm->wp, gfn);
	if (have == protect)
		goto out;
	if (!protect) {
		rc = set_mem_type(vm, gfn, HVMMEM_ram_rw);
		/* Once the domain is gone, so is its p2m: nothing to lift. */
		if (rc && !vm->dead) {
			xkvm_err(vm,
				 "release write protection of gfn 0x%llx: %d",
				 gfn, rc);
			goto out;
		}
		rc = 0;
		xa_erase(&vm->wp, gfn);
		vm->nr_wp--;
		atomic64_dec(&xkvm_nr_protected);
		goto out;
	}
	/* Only the guest's RAM can be protected. */
	if (!map_gfn(vm, gfn)) {
		rc = -EFAULT;
		goto out;
	}
	if (!vm->memtype_claimed) {
		rc = dm_check(vm, claim_memtype(vm, true),
			      "claim the ioreq_server memory type");
		if (rc)
			goto out;
		vm->memtype_claimed = true;
	}
	rc = xa_err(xa_store(&vm->wp, gfn, xa_mk_value(1), GFP_KERNEL));
	if (rc)
		goto out;
	rc = set_mem_type(vm, gfn, HVMMEM_ioreq_server);
	if (rc) {
		xkvm_err(vm, "write-protect gfn 0x%llx: %d", gfn, rc);
		xa_erase(&vm->wp, gfn);
		goto out;
	}
	vm->nr_wp++;
	atomic64_inc(&xkvm_nr_protected);
out:
	mutex_unlock(&vm->wp_lock);
	return rc;
}

static int xkvm_inject_msi(struct hv_vm *hvm, u64 addr, u32 data)
{
	struct xkvm_dm_op op = {
		.op = XEN_DMOP_inject_msi,
		.u.msi = { .data = data, .addr = addr },
	};

	return dm_op(to_xkvm(hvm), &op);
}

/* ---- RAM the module gives the guest (hv back_ram) ------------------------- */

/*
 * Where each region's RAM waits while the guest has not placed it: the
 * frames xengt-dm parks it at (xen-user.h: just below gfn 2^26, above any
 * guest's RAM), so that whichever device model serves the domain next
 * finds the RAM it was given, the OpRegion's mailboxes included.
 */
#define XKVM_RAM_TOP (1ULL << 26)
#define XKVM_GGTT_PAGES \
	((XENGT_VGPU_BAR0_SIZE - XENGT_VGPU_GGTT_OFFSET) >> PAGE_SHIFT)
#define XKVM_OPREGION_PAGES (XENGT_OPREGION_SIZE >> PAGE_SHIFT)
#define XKVM_GGTT_PARK (XKVM_RAM_TOP - XKVM_GGTT_PAGES)
#define XKVM_OPREGION_PARK (XKVM_GGTT_PARK - XKVM_OPREGION_PAGES)
#define XKVM_RAM_PARK_LOW XKVM_OPREGION_PARK

static const struct {
	u64 park_gfn;
	u32 pages;
	const char *name;
} xkvm_ram_layout[HV_RAM_COUNT] = {
	[HV_RAM_GGTT] = { XKVM_GGTT_PARK, XKVM_GGTT_PAGES, "GGTT" },
	[HV_RAM_OPREGION] = { XKVM_OPREGION_PARK, XKVM_OPREGION_PAGES,
			      "OpRegion" },
};

/* mmu_update requests per hypercall: one page of them. */
#define XKVM_MMU_BATCH (PAGE_SIZE / sizeof(struct mmu_update))

static void flush_all(void)
{
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_ALL };

	WARN_ON(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF));
}

/*
 * A view: @npages pages of vmalloc space, every one vmap()ed onto the
 * placeholder, whose PTEs view_map() then points at guest frames (a
 * 2050-frame window of its own, as map_frame() is for one).
 */
static void *view_get(u32 npages)
{
	struct page **pages;
	void *va;
	u32 i;

	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < npages; i++)
		pages[i] = xkvm_placeholder;
	va = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	return va;
}

/*
 * Point the first @npages pages of view @va back at the placeholder (Xen
 * drops its references to the guest's frames), so that vunmap() finds
 * what vmap() put there.
 */
static void view_unmap(void *va, u32 npages)
{
	u64 ph = pte_val_ma(mfn_pte(pfn_to_mfn(page_to_pfn(xkvm_placeholder)),
				    PAGE_KERNEL));
	struct mmu_update *req = (void *)__get_free_page(GFP_KERNEL);
	u32 i = 0, n, k;

	while (i < npages) {
		n = min_t(u32, npages - i, req ? XKVM_MMU_BATCH : 0);
		for (k = 0; k < n; k++) {
			u64 maddr;

			if (!window_pte((u8 *)va + (size_t)(i + k) * PAGE_SIZE,
					&maddr))
				break;
			req[k].ptr = maddr | MMU_NORMAL_PT_UPDATE;
			req[k].val = ph;
		}
		if (k &&
		    !WARN_ON(HYPERVISOR_mmu_update(req, k, NULL, DOMID_SELF))) {
			i += k;
			continue;
		}
		/* No memory for a batch, or it failed: one page at a time. */
		unmap_frame((u8 *)va + (size_t)i * PAGE_SIZE);
		i++;
	}
	if (req)
		free_page((unsigned long)req);
	flush_all();
}

/*
 * Point view @va at frames @gfn.. of domain @dom; @mfns gets the machine
 * frames.  Returns 0 or an error; *@mapped: how many pages were mapped
 * (view_unmap() them on error).
 */
static int view_map(void *va, u32 npages, u16 dom, u64 gfn, u64 *mfns,
		    u32 *mapped)
{
	struct mmu_update *req = (void *)__get_free_page(GFP_KERNEL);
	u32 i = 0, n, k;
	int rc = 0, done;

	if (!req)
		rc = -ENOMEM;
	while (!rc && i < npages) {
		n = min_t(u32, npages - i, XKVM_MMU_BATCH);
		for (k = 0; k < n; k++) {
			u64 maddr;

			if (!window_pte((u8 *)va + (size_t)(i + k) * PAGE_SIZE,
					&maddr))
				break;
			req[k].ptr = maddr | MMU_NORMAL_PT_UPDATE;
			req[k].val = ((gfn + i + k) << PAGE_SHIFT) |
				     frame_pte_flags();
		}
		if (k < n) {
			rc = -EFAULT;
			break;
		}
		done = 0;
		rc = HYPERVISOR_mmu_update(req, n, &done, dom);
		for (k = 0; k < (u32)done && k < n; k++) {
			u64 maddr;
			pte_t *ptep = window_pte(
				(u8 *)va + (size_t)(i + k) * PAGE_SIZE, &maddr);

			mfns[i + k] = pte_mfn(*ptep);
		}
		i += min_t(u32, done, n);
		if (!rc && (u32)done < n)
			rc = -EFAULT;
	}
	if (req)
		free_page((unsigned long)req);
	/* The view showed the placeholder: no CPU may keep that. */
	flush_all();
	*mapped = i;
	if (rc && rc != -ENOMEM && rc != -ESRCH)
		rc = -EFAULT;
	return rc;
}

/*
 * XEN_DOMCTL_max_mem, as libxc's xc_domain_setmaxmem(): a domctl is not
 * among the hypercalls Linux wraps, but a dom0 module makes it as privcmd
 * makes it for libxc.
 */
static int set_maxmem(struct xkvm *vm, u64 pages)
{
	struct xkvm_domctl op = {
		.cmd = XEN_DOMCTL_max_mem,
		.domain = vm->base.domid,
		.u.max_mem.max_memkb = pages << (PAGE_SHIFT - 10),
	};
	unsigned int i;
	int rc = -EACCES;

	BUILD_BUG_ON(sizeof(op) != 144); /* struct xen_domctl's size */
	/* -EACCES: not this Xen's interface version; the next, then. */
	for (i = 0; i < ARRAY_SIZE(xkvm_domctl_versions) && rc == -EACCES;
	     i++) {
		op.interface_version = xkvm_domctl_versions[i];
		rc = _hypercall1(int, domctl, &op);
	}
	return rc;
}

/*
 * Make room for @npages more pages in the domain, as QEMU does for its
 * VRAM (and xengt-dm for this RAM): its limit grows by as much; *@old_max
 * is what to put back if they are not used (-1: nothing to put back).
 * If Xen refuses (a domctl interface this module does not know, an XSM
 * policy), they may still fit in the headroom the toolstack left.
 */
static int grow_allowance(struct xkvm *vm, u32 npages, long *old_max)
{
	domid_t domid = vm->base.domid;
	long max, cur;
	int rc;

	*old_max = -1;
	max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &domid);
	cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &domid);
	if (max < 0 || cur < 0)
		return dm_check(vm, max < 0 ? max : cur,
				"read the domain's memory limit");
	rc = set_maxmem(vm, max + npages);
	if (!rc) {
		*old_max = max;
		return 0;
	}
	if (max - cur >= npages) {
		xkvm_info(
			vm,
			"cannot raise the domain's memory limit (Xen says %d): %u pages of vGPU RAM taken from its headroom",
			rc, npages);
		return 0;
	}
	xkvm_err(
		vm,
		"cannot raise the domain's memory limit for %u pages of vGPU RAM (Xen says %d; %ld of %ld pages used)",
		npages, rc, cur, max);
	return -EOPNOTSUPP;
}

/*
 * XENMEM_populate_physmap (@populate) or XENMEM_decrease_reservation of
 * the domain's frames [@gfn, +@npages).  Returns how many were done.
 */
static u32 reservation(struct xkvm *vm, bool populate, u64 gfn, u32 npages)
{
	xen_pfn_t *gfns = (void *)__get_free_page(GFP_KERNEL);
	const u32 per = PAGE_SIZE / sizeof(*gfns);
	u32 i = 0, n, k;
	int rc;

	while (gfns && i < npages) {
		struct xen_memory_reservation res = {
			.nr_extents = min(per, npages - i),
			.domid = vm->base.domid,
		};

		n = res.nr_extents;
		for (k = 0; k < n; k++)
			gfns[k] = gfn + i + k;
		set_xen_guest_handle(res.extent_start, gfns);
		rc = HYPERVISOR_memory_op(populate ?
						  XENMEM_populate_physmap :
						  XENMEM_decrease_reservation,
					  &res);
		if (rc > 0)
			i += min_t(u32, rc, n);
		if (rc != n)
			break;
	}
	if (gfns)
		free_page((unsigned long)gfns);
	return i;
}

/*
 * Give the guest RAM for region @which at its parking frames and map it:
 * found there (an earlier device model of the domain populated it) or
 * populated now.  Without it back_ram says -EOPNOTSUPP (logged: the core
 * then traps the GGTT half, or goes without an OpRegion).  Set-up only,
 * before the vGPU is attached.
 */
static void ram_enable(struct xkvm *vm, enum hv_ram which)
{
	struct xkvm_ram *r = &vm->ram[which];
	const u64 gfn = xkvm_ram_layout[which].park_gfn;
	const u32 npages = xkvm_ram_layout[which].pages;
	u32 mapped = 0, added = 0;
	long old_max = -1;
	void *view;
	int rc;

	r->mfns = kvcalloc(npages, sizeof(*r->mfns), GFP_KERNEL);
	view = view_get(npages);
	if (!r->mfns || !view) {
		rc = -ENOMEM;
		goto err;
	}
	rc = view_map(view, npages, vm->base.domid, gfn, r->mfns, &mapped);
	/* None of it there (a part would be someone else's): populate. */
	if (rc == -EFAULT && !mapped) {
		rc = grow_allowance(vm, npages, &old_max);
		if (!rc)
			added = reservation(vm, true, gfn, npages);
		if (!rc && added != npages) {
			xkvm_err(vm,
				 "Xen populated %u of %u pages at gfn 0x%llx",
				 added, npages, gfn);
			rc = -ENOMEM;
		}
		if (!rc)
			rc = view_map(view, npages, vm->base.domid, gfn,
				      r->mfns, &mapped);
	}
	if (rc)
		goto err_map;
	r->view = view;
	r->gfn = gfn;
	atomic64_add(npages, &xkvm_nr_mapped);
	xkvm_info(vm, "%u pages of RAM for the vGPU's %s at gfn 0x%llx (%s)",
		  npages, xkvm_ram_layout[which].name, gfn,
		  added ? "populated" : "there already");
	return;

err_map:
	view_unmap(view, mapped);
	/* The frames we populated go back to Xen, the limit as it was. */
	if (added)
		reservation(vm, false, gfn, added);
	if (old_max >= 0)
		set_maxmem(vm, old_max);
err:
	if (view)
		vunmap(view);
	kvfree(r->mfns);
	r->mfns = NULL;
	if (!vm->dead)
		xkvm_err(vm, "no RAM for the vGPU's %s (%d): %s",
			 xkvm_ram_layout[which].name, rc,
			 which == HV_RAM_GGTT ? "its GGTT writes trap" :
						"no OpRegion");
}

/* Teardown: the views go; the RAM stays the guest's, parked by detach. */
static void ram_release(struct xkvm *vm)
{
	unsigned int i;

	for (i = 0; i < HV_RAM_COUNT; i++) {
		struct xkvm_ram *r = &vm->ram[i];

		if (!r->view)
			continue;
		view_unmap(r->view, xkvm_ram_layout[i].pages);
		vunmap(r->view);
		r->view = NULL;
		kvfree(r->mfns);
		r->mfns = NULL;
		atomic64_sub(xkvm_ram_layout[i].pages, &xkvm_nr_mapped);
	}
}

static int relocate(struct xkvm *vm, u64 from, u64 to, u32 npages)
{
	struct xkvm_dm_op op = {
		.op = XEN_DMOP_relocate_memory,
		.u.relocate = { .size = npages,
				.src_gfn = from,
				.dst_gfn = to },
	};

	/* Xen moves a long range in slices (a continuation): one call. */
	return dm_op(vm, &op);
}

/*
 * A relocation to @to failed part way, and Xen does not say how far it
 * got: bring each page of ours found there back where it was.
 */
static void ram_restore(struct xkvm *vm, struct xkvm_ram *r, u32 npages, u64 to)
{
	void *win = window_get();
	u32 i, back = 0;
	u64 mfn;

	if (!win)
		return;
	for (i = 0; i < npages; i++) {
		if (map_frame(win, to + i, vm->base.domid, true, &mfn))
			continue;
		unmap_frame(win);
		if (mfn == r->mfns[i] && !relocate(vm, to + i, r->gfn + i, 1))
			back++;
	}
	window_put(win);
	if (back)
		xkvm_err(vm, "%u pages moved back to gfn 0x%llx", back, r->gfn);
}

static int ram_move(struct xkvm *vm, enum hv_ram which, u64 to)
{
	struct xkvm_ram *r = &vm->ram[which];
	const u32 npages = xkvm_ram_layout[which].pages;
	int rc;

	rc = relocate(vm, r->gfn, to, npages);
	if (!rc) {
		r->gfn = to;
		return 0;
	}
	if (!vm->dead) {
		xkvm_err(
			vm,
			"move the vGPU's %s RAM from gfn 0x%llx to 0x%llx: Xen says %d",
			xkvm_ram_layout[which].name, r->gfn, to, rc);
		ram_restore(vm, r, npages, to);
	}
	return rc;
}

/* Whether @npages at @to would cover a parking place or the RAM of @other. */
static bool ram_overlaps(struct xkvm *vm, enum hv_ram other, u64 to, u32 npages)
{
	u64 end = to + npages;

	if (end > XKVM_RAM_PARK_LOW && to < XKVM_RAM_TOP)
		return true;
	return vm->ram[other].view &&
	       to < vm->ram[other].gfn + xkvm_ram_layout[other].pages &&
	       vm->ram[other].gfn < end;
}

/*
 * Called with vgpu->lock held: from the trap path (serve_lock held), from
 * xengt_vgpu_attach() at set-up and from xengt_vgpu_detach() at teardown.
 */
static int xkvm_back_ram(struct hv_vm *hvm, enum hv_ram which,
			 u64 __always_unused old_base, u64 new_base, u64 size,
			 void **view)
{
	struct xkvm *vm = to_xkvm(hvm);
	struct xkvm_ram *r;
	u64 park, to;
	u32 npages;
	int rc;

	if (which >= HV_RAM_COUNT || !vm->ram[which].view)
		return -EOPNOTSUPP;
	r = &vm->ram[which];
	npages = xkvm_ram_layout[which].pages;
	park = xkvm_ram_layout[which].park_gfn;
	if (size != (u64)npages << PAGE_SHIFT)
		return -EOPNOTSUPP;
	if (new_base & (PAGE_SIZE - 1))
		return -EINVAL;
	to = new_base ? new_base >> PAGE_SHIFT : park;
	if (to != park &&
	    (to + npages < to ||
	     ram_overlaps(vm,
			  which == HV_RAM_GGTT ? HV_RAM_OPREGION : HV_RAM_GGTT,
			  to, npages)))
		return -EINVAL;
	if (to != r->gfn) {
		/* Overlapping ranges would move pages onto their own. */
		if (r->gfn != park && to < r->gfn + npages &&
		    r->gfn < to + npages) {
			rc = ram_move(vm, which, park);
			if (rc)
				return rc;
		}
		rc = ram_move(vm, which, to);
		if (rc)
			return rc;
	}
	*view = r->view;
	return 0;
}

/* Set-up, before the vGPU is attached: its RAM must be there first. */
static void enable_ram(struct xkvm *vm)
{
	ram_enable(vm, HV_RAM_OPREGION);
	if (vm->ggtt_ram)
		ram_enable(vm, HV_RAM_GGTT);
	vm->step = XS_RAM;
}

/* One table for both ioreq sources: the services are the module's. */
static const struct hv_ops xkvm_ops = {
	.name = "xen-kernel",
	.gfn_to_dma = xkvm_gfn_to_dma,
	.read_gpa = xkvm_read_gpa,
	.write_gpa = xkvm_write_gpa,
	.map_mmio = xkvm_map_mmio,
	.back_ram = xkvm_back_ram,
	.set_wp = xkvm_set_wp,
	.inject_msi = xkvm_inject_msi,
};

/* ---- what the decoder reaches (ioreq-decode.h) ------------------------------ */

static u32 tgt_cfg_read(void *dev, u32 reg, u32 size)
{
	struct xkvm *vm = dev;
	u32 val = ~0U;

	if (vm->base.vgpu)
		xengt_vgpu_cfg_read(vm->base.vgpu, reg, size, &val);
	return val;
}

static void tgt_cfg_write(void *dev, u32 reg, u32 size, u32 val)
{
	struct xkvm *vm = dev;

	if (vm->base.vgpu)
		xengt_vgpu_cfg_write(vm->base.vgpu, reg, size, val);
}

static u64 tgt_mmio_read(void *dev, u64 addr, u32 size)
{
	struct xkvm *vm = dev;
	u64 val = ~0ULL;

	if (vm->base.vgpu)
		xengt_vgpu_mmio_read(vm->base.vgpu, addr - vm->dec.mmio_start,
				     size, &val);
	return val;
}

static void tgt_mmio_write(void *dev, u64 addr, u32 size, u64 val)
{
	struct xkvm *vm = dev;

	if (vm->base.vgpu)
		xengt_vgpu_mmio_write(vm->base.vgpu, addr - vm->dec.mmio_start,
				      size, &val);
}

static bool tgt_is_wp(void *dev, u64 gfn)
{
	return xa_load(&((struct xkvm *)dev)->wp, gfn);
}

static void tgt_wp_write(void *dev, u64 gpa, u32 size, u64 val)
{
	struct xkvm *vm = dev;

	if (vm->base.vgpu)
		xengt_vgpu_wp_write(vm->base.vgpu, gpa, size, &val);
	else
		copy_gpa(vm, gpa, &val, size, true);
}

static int tgt_mem_read(void *dev, u64 gpa, void *buf, u32 len)
{
	return copy_gpa(dev, gpa, buf, len, false);
}

static int tgt_mem_write(void *dev, u64 gpa, const void *buf, u32 len)
{
	return copy_gpa(dev, gpa, (void *)buf, len, true);
}

/*
 * The guest's p2m changed (ballooning).  Our mappings hold references to
 * the frames they had, so nothing of another domain can be reached; the
 * core re-translates on its next shadow update.
 */
static void tgt_invalidate(void *dev)
{
}

static const struct ioreq_target_ops xkvm_target_ops = {
	.cfg_read = tgt_cfg_read,
	.cfg_write = tgt_cfg_write,
	.mmio_read = tgt_mmio_read,
	.mmio_write = tgt_mmio_write,
	.is_wp = tgt_is_wp,
	.wp_write = tgt_wp_write,
	.mem_read = tgt_mem_read,
	.mem_write = tgt_mem_write,
	.invalidate = tgt_invalidate,
};

/* ---- the in-kernel ioreq server ---------------------------------------------- */

static void serve_slot(struct xkvm_vcpu *vc)
{
	struct xkvm *vm = vc->vm;
	struct xengt_ioreq *req = &vm->iopage[vc->idx];
	unsigned int eoi = 0;

	mutex_lock(&vm->serve_lock);
	if (vm->gone || ((volatile struct xengt_ioreq *)req)->state !=
				XENGT_STATE_IOREQ_READY) {
		vm->dec.stats.spurious++;
		eoi = XEN_EOI_FLAG_SPURIOUS;
		goto out;
	}
	/* Read the request only after seeing READY. */
	virt_rmb();
	req->state = XENGT_STATE_IOREQ_INPROCESS;
	ioreq_decode(&vm->dec, req);
	vm->nr_ioreqs++;
	/* The response before the state change; Xen reads it after the event. */
	virt_wmb();
	((volatile struct xengt_ioreq *)req)->state = XENGT_STATE_IORESP_READY;
	virt_mb();
	notify_remote_via_irq(vc->irq);
out:
	mutex_unlock(&vm->serve_lock);
	xen_irq_lateeoi(vc->irq, eoi);
}

static void serve_work(struct work_struct *work)
{
	serve_slot(container_of(work, struct xkvm_vcpu, work));
}

/* Hard interrupt: the core sleeps, so the ioreq is served by a worker. */
static irqreturn_t ioreq_event(int irq, void *dev_id)
{
	struct xkvm_vcpu *vc = dev_id;

	/*
	 * Xen raises the port as it is bound (evtchn_bind_interdomain), so
	 * this can run before bind_ports() has stored the irq: the worker
	 * must not EOI irq 0 and leave ours masked for good (seen: a guest
	 * hung at its first trap, "1 events, 1 spurious, 0 ioreqs").
	 */
	WRITE_ONCE(vc->irq, irq);
	atomic64_inc(&vc->vm->nr_events);
	queue_work(xkvm_wq, &vc->work);
	return IRQ_HANDLED;
}

static int create_server(struct xkvm *vm)
{
	struct xkvm_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
	int rc;

	/* No buffered ioreqs: every access of ours needs an answer. */
	op.u.create.handle_bufioreq = 0;
	rc = dm_check(vm, dm_op(vm, &op),
		      "create an ioreq server (is the domain HVM or PVH?)");
	if (rc)
		return rc;
	vm->ioservid = op.u.create.id;
	vm->step = XS_SERVER;
	return 0;
}

static int map_iopage(struct xkvm *vm)
{
	struct xen_mem_acquire_resource xmar = {
		.domid = vm->base.domid,
		.type = XENMEM_resource_ioreq_server,
		.id = vm->ioservid,
		.nr_frames = 1,
		.frame = XENMEM_resource_ioreq_server_frame_ioreq(0),
	};
	xen_pfn_t frame = 0;
	u64 mfn;
	int rc;

	set_xen_guest_handle(xmar.frame_list, &frame);
	/* A PV caller gets the machine frame back in frame_list. */
	rc = dm_check(vm, HYPERVISOR_memory_op(XENMEM_acquire_resource, &xmar),
		      "acquire the ioreq page");
	if (rc)
		return rc;
	vm->iopage = window_get();
	if (!vm->iopage)
		return -ENOMEM;
	rc = map_frame(vm->iopage, frame,
		       xmar.flags & XENMEM_rsrc_acq_caller_owned ?
			       DOMID_SELF :
			       vm->base.domid,
		       false, &mfn);
	if (rc) {
		xkvm_err(vm, "map the ioreq page (mfn 0x%llx): %d", (u64)frame,
			 rc);
		window_put(vm->iopage);
		vm->iopage = NULL;
		return rc;
	}
	vm->step = XS_IOPAGE;
	return 0;
}

static int claim_device(struct xkvm *vm)
{
	int rc;

	rc = dm_check(
		vm,
		dm_range(vm, true, XEN_DMOP_IO_RANGE_PCI, vm->sbdf, vm->sbdf),
		"claim the PCI device");
	if (rc)
		return rc;
	vm->step = XS_PCIDEV;
	if (vm->claim_cf8) {
		rc = dm_check(vm,
			      dm_range(vm, true, XEN_DMOP_IO_RANGE_PORT,
				       IOREQ_CF8_PORT, CF8_LAST),
			      "claim port 0xcf8");
		if (rc)
			return rc;
	}
	vm->step = XS_CF8;
	return 0;
}

static int set_server_state(struct xkvm *vm, bool on)
{
	struct xkvm_dm_op op = {
		.op = XEN_DMOP_set_ioreq_server_state,
		.u.state = { .id = vm->ioservid, .enabled = on },
	};

	return dm_op(vm, &op);
}

static int enable_server(struct xkvm *vm)
{
	struct xkvm_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	int rc;

	rc = dm_check(vm, set_server_state(vm, true),
		      "enable the ioreq server");
	if (rc)
		return rc;
	vm->step = XS_ENABLED;
	rc = dm_check(vm, dm_op(vm, &op), "count vCPUs");
	if (rc)
		return rc;
	if (!op.u.nr_vcpus.vcpus || op.u.nr_vcpus.vcpus > XKVM_MAX_VCPUS) {
		xkvm_err(vm, "%u vCPUs do not fit one ioreq page",
			 op.u.nr_vcpus.vcpus);
		return -E2BIG;
	}
	vm->vcpus =
		kcalloc(op.u.nr_vcpus.vcpus, sizeof(*vm->vcpus), GFP_KERNEL);
	if (!vm->vcpus)
		return -ENOMEM;
	vm->nr_vcpus = op.u.nr_vcpus.vcpus;
	return 0;
}

static int bind_ports(struct xkvm *vm)
{
	unsigned int v;

	vm->step = XS_PORTS;
	for (v = 0; v < vm->nr_vcpus; v++) {
		struct xkvm_vcpu *vc = &vm->vcpus[v];
		struct evtchn_bind_interdomain bind = {
			.remote_dom = vm->base.domid,
			.remote_port = READ_ONCE(vm->iopage[v].vp_eport),
		};
		struct evtchn_close close;
		int irq, rc;

		vc->vm = vm;
		vc->idx = v;
		INIT_WORK(&vc->work, serve_work);
		rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain,
						 &bind);
		if (rc)
			return dm_check(vm, rc, "bind a vCPU's event channel");
		/* From here the interrupt owns the port (and closes it). */
		irq = bind_evtchn_to_irqhandler_lateeoi(
			bind.local_port, ioreq_event, 0, "xengt-ioreq", vc);
		if (irq < 0) {
			close.port = bind.local_port;
			HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
			return dm_check(vm, irq, "bind an ioreq interrupt");
		}
		vc->irq = irq;
	}
	return 0;
}

/* ---- teardown ---------------------------------------------------------------- */

/* Lift what the core left protected (it lifts all at detach); say so. */
static void release_wp(struct xkvm *vm)
{
	unsigned long gfn;
	void *entry;

	mutex_lock(&vm->wp_lock);
	if (vm->nr_wp && !vm->dead)
		xkvm_err(vm, "%u pages still write-protected after detach",
			 vm->nr_wp);
	xa_for_each(&vm->wp, gfn, entry)
	{
		set_mem_type(vm, gfn, HVMMEM_ram_rw);
		xa_erase(&vm->wp, gfn);
		atomic64_dec(&xkvm_nr_protected);
	}
	vm->nr_wp = 0;
	if (vm->memtype_claimed)
		dm_check(vm, claim_memtype(vm, false),
			 "release the ioreq_server memory type");
	vm->memtype_claimed = false;
	mutex_unlock(&vm->wp_lock);
}

static bool server_gone(struct xkvm *vm)
{
	struct xkvm_dm_op op = {
		.op = XEN_DMOP_get_ioreq_server_info,
		.u.info = { .id = vm->ioservid, .flags = XEN_DMOP_no_gfns },
	};

	return dm_op(vm, &op) != 0;
}

/*
 * Undo every step reached, in reverse.  Returns false if it had been done
 * already.  xkvm_lock not held.
 */
static bool teardown(struct xkvm *vm)
{
	struct xkvm_dm_op op = { .op = XEN_DMOP_destroy_ioreq_server };
	unsigned int v;

	mutex_lock(&vm->teardown_lock);
	if (vm->gone) {
		mutex_unlock(&vm->teardown_lock);
		return false;
	}
	mutex_lock(&xkvm_lock);
	if (!list_empty(&vm->node))
		list_del_init(&vm->node);
	mutex_unlock(&xkvm_lock);

	/* No new ioreq from here; one in progress finishes first. */
	for (v = 0; v < vm->nr_vcpus; v++)
		if (vm->vcpus[v].irq)
			disable_irq(vm->vcpus[v].irq);
	for (v = 0; v < vm->nr_vcpus; v++)
		cancel_work_sync(&vm->vcpus[v].work);
	mutex_lock(&vm->serve_lock);
	vm->gone = true;
	if (vm->step >= XS_SERVER && server_gone(vm))
		vm->dead = true;

	switch (vm->step) {
	case XS_PORTS:
		for (v = 0; v < vm->nr_vcpus; v++)
			if (vm->vcpus[v].irq)
				unbind_from_irqhandler(vm->vcpus[v].irq,
						       &vm->vcpus[v]);
		fallthrough;
	case XS_ENABLED:
		kfree(vm->vcpus);
		vm->vcpus = NULL;
		vm->nr_vcpus = 0;
		if (vm->kernel_path)
			dm_check(vm, set_server_state(vm, false),
				 "disable the ioreq server");
		fallthrough;
	case XS_CF8:
		if (vm->kernel_path && vm->claim_cf8)
			dm_check(vm,
				 dm_range(vm, false, XEN_DMOP_IO_RANGE_PORT,
					  IOREQ_CF8_PORT, CF8_LAST),
				 "release port 0xcf8");
		fallthrough;
	case XS_PCIDEV:
		if (vm->kernel_path)
			dm_check(vm,
				 dm_range(vm, false, XEN_DMOP_IO_RANGE_PCI,
					  vm->sbdf, vm->sbdf),
				 "release the PCI device");
		fallthrough;
	case XS_ATTACHED:
		/* BAR0 unclaimed and protections lifted through our ops. */
		xengt_vgpu_detach(vm->vgpu);
		release_wp(vm);
		fallthrough;
	case XS_RAM:
		/* After the detach: the core no longer reads the views. */
		ram_release(vm);
		fallthrough;
	case XS_IOPAGE:
		if (vm->iopage) {
			unmap_frame(vm->iopage);
			window_put(vm->iopage);
			vm->iopage = NULL;
		}
		fallthrough;
	case XS_SERVER:
		if (vm->kernel_path) {
			op.u.destroy.id = vm->ioservid;
			dm_check(vm, dm_op(vm, &op),
				 "destroy the ioreq server");
		}
		fallthrough;
	case XS_NONE:
		break;
	}
	unmap_all(vm);
	mutex_unlock(&vm->serve_lock);
	xkvm_info(
		vm,
		"%s trap path gone after %llu ioreqs (%lld events, %llu spurious, %llu bad)%s",
		vm->kernel_path ? "in-kernel" : "xengt-dm", vm->nr_ioreqs,
		(long long)atomic64_read(&vm->nr_events),
		vm->dec.stats.spurious, vm->dec.stats.bad,
		vm->dead ? " (the domain died)" : "");
	mutex_unlock(&vm->teardown_lock);
	return true;
}

static void xkvm_free(struct kref *ref)
{
	struct xkvm *vm = container_of(ref, struct xkvm, ref);

	WARN_ON(!vm->gone && vm->step != XS_NONE);
	kfree(vm);
}

/* ---- set-up ------------------------------------------------------------------- */

static bool retire(struct xkvm *vm);

static struct xkvm *find_locked(struct vgpu *vgpu)
{
	struct xkvm *vm;

	list_for_each_entry(vm, &xkvm_list,
			    node) if (vm->vgpu == vgpu) return vm;
	return NULL;
}

static struct xkvm *xkvm_alloc(struct vgpu *vgpu, bool kernel_path, u32 sbdf)
{
	struct xkvm *vm = kzalloc(sizeof(*vm), GFP_KERNEL);

	if (!vm)
		return NULL;
	kref_init(&vm->ref);
	INIT_LIST_HEAD(&vm->node);
	vm->base.ops = &xkvm_ops;
	vm->base.domid = xengt_vgpu_domid(vgpu);
	vm->vgpu = vgpu;
	vm->kernel_path = kernel_path;
	vm->sbdf = sbdf;
	mutex_init(&vm->teardown_lock);
	mutex_init(&vm->serve_lock);
	mutex_init(&vm->map_lock);
	mutex_init(&vm->wp_lock);
	xa_init(&vm->maps);
	xa_init(&vm->wp);
	vm->dec.ops = &xkvm_target_ops;
	vm->dec.dev = vm;
	vm->dec.sbdf = sbdf;
	return vm;
}

/* Publish @vm for @vgpu unless the vGPU is served already. */
static int publish(struct xkvm *vm)
{
	int rc = 0;

	mutex_lock(&xkvm_lock);
	if (find_locked(vm->vgpu))
		rc = -EBUSY;
	else
		list_add(&vm->node, &xkvm_list);
	mutex_unlock(&xkvm_lock);
	return rc;
}

static int attach_vgpu(struct xkvm *vm)
{
	int rc = xengt_vgpu_attach(vm->vgpu, &vm->base);

	if (rc) {
		xkvm_err(vm, "cannot attach vGPU %u: %d",
			 xengt_vgpu_id(vm->vgpu), rc);
		return rc;
	}
	vm->step = XS_ATTACHED;
	return 0;
}

int xkvm_attach_kernel(struct vgpu *vgpu, u32 sbdf, bool claim_cf8,
		       bool ggtt_ram)
{
	struct xkvm *vm;
	int rc;

	if (!xkvm_wq)
		return -ENODEV;
	vm = xkvm_alloc(vgpu, true, sbdf);
	if (!vm)
		return -ENOMEM;
	vm->claim_cf8 = claim_cf8;
	vm->ggtt_ram = ggtt_ram;
	rc = publish(vm);
	if (rc)
		goto out_free;
	/* The ladder: every step reached is undone by teardown(). */
	rc = create_server(vm);
	if (!rc)
		rc = map_iopage(vm);
	if (!rc)
		enable_ram(vm);
	if (!rc)
		rc = attach_vgpu(vm);
	if (!rc)
		rc = claim_device(vm);
	if (!rc)
		rc = enable_server(vm);
	if (!rc)
		rc = bind_ports(vm);
	if (rc) {
		retire(vm);
		return rc;
	}
	xkvm_info(
		vm,
		"vGPU %u served in the kernel: ioreq server %u at %02x:%02x.%x, %u vCPU(s)",
		xengt_vgpu_id(vgpu), vm->ioservid, (sbdf >> 8) & 0xff,
		(sbdf >> 3) & 0x1f, sbdf & 7, vm->nr_vcpus);
	return 0;

out_free:
	kfree(vm);
	return rc;
}

int xkvm_attach_dm(struct vgpu *vgpu, u16 ioservid, u32 sbdf, bool ggtt_ram,
		   struct xkvm **out)
{
	struct xkvm *vm;
	int rc;

	if (!xkvm_wq)
		return -ENODEV;
	vm = xkvm_alloc(vgpu, false, sbdf);
	if (!vm)
		return -ENOMEM;
	vm->ioservid = ioservid;
	vm->ggtt_ram = ggtt_ram;
	rc = publish(vm);
	if (rc) {
		kfree(vm);
		return rc;
	}
	/* xengt-dm's server must exist: it is where BAR0 is claimed. */
	if (server_gone(vm)) {
		xkvm_err(vm, "xengt-dm's ioreq server %u does not exist",
			 ioservid);
		rc = -ENOENT;
	}
	if (!rc)
		enable_ram(vm);
	if (!rc)
		rc = attach_vgpu(vm);
	if (rc) {
		retire(vm);
		return rc;
	}
	xkvm_info(vm, "vGPU %u served through xengt-dm (ioreq server %u)%s",
		  xengt_vgpu_id(vgpu), ioservid,
		  ggtt_ram ? ", GGTT in guest RAM" : "");
	/* One reference for the list's owner, one for xengt-dm's file. */
	kref_get(&vm->ref);
	*out = vm;
	return 0;
}

int xkvm_ioreq(struct xkvm *vm, struct xengt_ioreq *req)
{
	int rc = 0;

	mutex_lock(&vm->serve_lock);
	if (vm->gone) {
		rc = -ENODEV;
	} else {
		ioreq_decode(&vm->dec, req);
		vm->nr_ioreqs++;
	}
	mutex_unlock(&vm->serve_lock);
	return rc;
}

/*
 * Tear @vm down and drop the list's reference; true if this call did it
 * (so exactly one caller reports the domain's death).  The caller holds a
 * reference of its own.
 */
static bool retire(struct xkvm *vm)
{
	if (!teardown(vm))
		return false;
	kref_put(&vm->ref, xkvm_free);
	return true;
}

void xkvm_put_dm(struct xkvm *vm)
{
	u16 domid = vm->base.domid;
	bool dead = retire(vm) && vm->dead;

	kref_put(&vm->ref, xkvm_free); /* the file's */
	if (dead && xkvm_domain_dead)
		xkvm_domain_dead(domid);
}

void xkvm_release_vgpu(struct vgpu *vgpu)
{
	struct xkvm *vm;

	mutex_lock(&xkvm_lock);
	vm = find_locked(vgpu);
	if (vm)
		kref_get(&vm->ref);
	mutex_unlock(&xkvm_lock);
	if (!vm)
		return;
	retire(vm);
	kref_put(&vm->ref, xkvm_free);
}

const char *xkvm_path_name(struct vgpu *vgpu)
{
	const char *name = "detached";
	struct xkvm *vm;

	mutex_lock(&xkvm_lock);
	vm = find_locked(vgpu);
	if (vm)
		name = vm->kernel_path ? "kernel" : "dm";
	mutex_unlock(&xkvm_lock);
	return name;
}

void xkvm_counts(u64 *mapped, u64 *protected, u32 *domains)
{
	struct xkvm *vm;
	u32 n = 0;

	mutex_lock(&xkvm_lock);
	list_for_each_entry(vm, &xkvm_list, node) n++;
	mutex_unlock(&xkvm_lock);
	*mapped = atomic64_read(&xkvm_nr_mapped);
	*protected = atomic64_read(&xkvm_nr_protected);
	*domains = n;
}

/* ---- domain death ------------------------------------------------------------- */

/*
 * xenstored fires @releaseDomain when a domain dies (or shuts down).  A
 * dead domain's ioreq servers are destroyed by Xen, so a server that is
 * gone is how we tell death from a shutdown: then its trap path goes and
 * the module destroys its vGPU.
 */
static void reap(struct work_struct *work)
{
	struct xkvm *vm, *dead[XENGT_MAX_VGPUS];
	unsigned int i, n = 0;

	mutex_lock(&xkvm_lock);
	list_for_each_entry(vm, &xkvm_list, node)
	{
		if (n < ARRAY_SIZE(dead) && server_gone(vm)) {
			kref_get(&vm->ref);
			dead[n++] = vm;
		}
	}
	mutex_unlock(&xkvm_lock);
	for (i = 0; i < n; i++) {
		u16 domid = dead[i]->base.domid;
		bool reported = retire(dead[i]) && dead[i]->dead;

		kref_put(&dead[i]->ref, xkvm_free);
		if (reported && xkvm_domain_dead)
			xkvm_domain_dead(domid);
	}
}

static DECLARE_WORK(xkvm_reap_work, reap);

static void release_domain_watch(struct xenbus_watch *w, const char *path,
				 const char *token)
{
	queue_work(xkvm_wq, &xkvm_reap_work);
}

static struct xenbus_watch xkvm_watch = {
	.node = "@releaseDomain",
	.callback = release_domain_watch,
};

int xkvm_init(struct xengt_gvt *gvt, void (*domain_dead)(u16 domid))
{
	int rc;

	xkvm_gvt = gvt;
	xkvm_domain_dead = domain_dead;
	if (!xen_initial_domain())
		return 0;
	if (!xen_pv_domain()) {
		/* The foreign mappings above are the PV way. */
		pr_warn("xengt: this dom0 is not PV: Xen trap paths are not available\n");
		return 0;
	}
	xkvm_placeholder = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!xkvm_placeholder)
		return -ENOMEM;
	xkvm_wq = alloc_workqueue("xengt-ioreq", WQ_HIGHPRI | WQ_UNBOUND, 0);
	if (!xkvm_wq) {
		__free_page(xkvm_placeholder);
		xkvm_placeholder = NULL;
		return -ENOMEM;
	}
	rc = register_xenbus_watch(&xkvm_watch);
	if (rc) {
		pr_err("xengt: cannot watch @releaseDomain: %d\n", rc);
		destroy_workqueue(xkvm_wq);
		xkvm_wq = NULL;
		__free_page(xkvm_placeholder);
		xkvm_placeholder = NULL;
		return rc;
	}
	xkvm_watching = true;
	return 0;
}

void xkvm_fini(void)
{
	struct xkvm *vm;

	if (xkvm_watching)
		unregister_xenbus_watch(&xkvm_watch);
	xkvm_watching = false;
	if (xkvm_wq)
		flush_work(&xkvm_reap_work);
	for (;;) {
		mutex_lock(&xkvm_lock);
		vm = list_first_entry_or_null(&xkvm_list, struct xkvm, node);
		if (vm)
			kref_get(&vm->ref);
		mutex_unlock(&xkvm_lock);
		if (!vm)
			break;
		retire(vm);
		kref_put(&vm->ref, xkvm_free);
	}
	if (xkvm_wq)
		destroy_workqueue(xkvm_wq);
	xkvm_wq = NULL;
	if (xkvm_placeholder)
		__free_page(xkvm_placeholder);
	xkvm_placeholder = NULL;
}
