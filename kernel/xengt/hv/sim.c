// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The simulated hypervisor (see sim.h).
 */
#include "sim.h"
#include "xengt/xengt.h"

int sim_vm_create(struct sim_machine *m, u16 domid, u64 ram_bytes,
		  struct sim_vm **out)
{
	struct sim_vm *vm;
	u64 i;

	if (domid == SIM_OWNER_HOST || domid == SIM_OWNER_NONE || !ram_bytes ||
	    ram_bytes > SIM_MMIO_HOLE)
		return -EINVAL;
	vm = os_zalloc(sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->base.ops = &sim_hv_ops;
	vm->base.domid = domid;
	vm->machine = m;
	vm->nr_pages =
		xengt_round_up(ram_bytes, XENGT_PAGE_SIZE) >> XENGT_PAGE_SHIFT;
	vm->p2m = os_vzalloc(vm->nr_pages * sizeof(u64));
	vm->wp = os_vzalloc(vm->nr_pages);
	if (!vm->p2m || !vm->wp) {
		os_vfree(vm->p2m);
		os_vfree(vm->wp);
		os_free(vm);
		return -ENOMEM;
	}
	for (i = 0; i < vm->nr_pages; i++) {
		vm->p2m[i] = sim_machine_alloc(m, domid);
		if (vm->p2m[i] == ~0ULL) {
			vm->nr_pages = i;
			sim_vm_destroy(vm);
			return -ENOMEM;
		}
	}
	*out = vm;
	return 0;
}

void sim_vm_destroy(struct sim_vm *vm)
{
	u64 i;

	for (i = 0; i < vm->nr_pages; i++)
		sim_machine_release(vm->machine, vm->p2m[i]);
	for (i = 0; i < HV_RAM_COUNT; i++)
		os_vfree(vm->ram[i].view);
	os_vfree(vm->wp);
	os_vfree(vm->p2m);
	os_free(vm);
}

void sim_vm_enable_ram(struct sim_vm *vm, enum hv_ram which)
{
	vm->ram[which].enabled = true;
}

SIM_NOCOV u8 *sim_vm_ram(struct sim_vm *vm, u64 gpa)
{
	u64 gfn = gpa >> XENGT_PAGE_SHIFT;

	if (gfn >= vm->nr_pages)
		return NULL;
	return vm->machine->mem + (vm->p2m[gfn] << XENGT_PAGE_SHIFT) +
	       (gpa & (XENGT_PAGE_SIZE - 1));
}

/* --- the core's view of the hypervisor --- */

SIM_NOCOV static int sim_gfn_to_dma(struct hv_vm *hvm, u64 gfn, u64 *dma)
{
	struct sim_vm *vm = sim_vm_of(hvm);

	if (gfn >= vm->nr_pages)
		return -EFAULT;
	*dma = vm->p2m[gfn] << XENGT_PAGE_SHIFT;
	return 0;
}

static int sim_copy_gpa(struct sim_vm *vm, u64 gpa, void *buf, u32 len,
			bool write)
{
	u8 *p = buf;

	if (gpa + len < gpa || (gpa + len + XENGT_PAGE_SIZE - 1) >>
				       XENGT_PAGE_SHIFT > vm->nr_pages)
		return -EFAULT;
	while (len) {
		u32 n = XENGT_PAGE_SIZE - (gpa & (XENGT_PAGE_SIZE - 1));
		u8 *ram = sim_vm_ram(vm, gpa);

		if (n > len)
			n = len;
		if (write)
			os_memcpy(ram, p, n);
		else
			os_memcpy(p, ram, n);
		gpa += n;
		p += n;
		len -= n;
	}
	return 0;
}

static int sim_read_gpa(struct hv_vm *hvm, u64 gpa, void *buf, u32 len)
{
	return sim_copy_gpa(sim_vm_of(hvm), gpa, buf, len, false);
}

static int sim_write_gpa(struct hv_vm *hvm, u64 gpa, const void *buf, u32 len)
{
	return sim_copy_gpa(sim_vm_of(hvm), gpa, (void *)buf, len, true);
}

static int sim_map_mmio(struct hv_vm *hvm, u64 __always_unused old_base,
			u64 new_base, u64 size)
{
	struct sim_vm *vm = sim_vm_of(hvm);

	/* Like Xen, refuse to put a trap over the guest's RAM. */
	if (new_base &&
	    (new_base < SIM_MMIO_HOLE || new_base + size > 0x100000000ULL ||
	     !xengt_is_aligned(new_base, size))) {
		vm->bar0_base = 0;
		return -EINVAL;
	}
	vm->bar0_base = new_base;
	vm->bar0_size = size;
	return 0;
}

static int sim_back_ram(struct hv_vm *hvm, enum hv_ram which,
			u64 __always_unused old_base, u64 new_base, u64 size,
			void **view)
{
	struct sim_vm *vm = sim_vm_of(hvm);
	struct sim_ram_region *r;
	u64 align = which == HV_RAM_GGTT ? size : XENGT_PAGE_SIZE;

	if (which >= HV_RAM_COUNT || !vm->ram[which].enabled)
		return -EOPNOTSUPP;
	r = &vm->ram[which];
	/* Like Xen, RAM goes only where no RAM of the guest is. */
	if (new_base &&
	    (new_base < SIM_MMIO_HOLE || new_base + size > 0x100000000ULL ||
	     !xengt_is_aligned(new_base, align)))
		return -EINVAL;
	if (!r->view) {
		r->view = os_vzalloc(size);
		if (!r->view)
			return -ENOMEM;
		r->size = size;
	}
	r->base = new_base;
	*view = r->view;
	return 0;
}

static int sim_set_wp(struct hv_vm *hvm, u64 gfn, bool protect)
{
	struct sim_vm *vm = sim_vm_of(hvm);
	u8 old;

	if (gfn >= vm->nr_pages)
		return -EFAULT;
	old = __atomic_exchange_n(&vm->wp[gfn], protect ? 1 : 0,
				  __ATOMIC_ACQ_REL);
	if (old && !protect)
		__atomic_sub_fetch(&vm->nr_wp, 1, __ATOMIC_RELAXED);
	else if (!old && protect)
		__atomic_add_fetch(&vm->nr_wp, 1, __ATOMIC_RELAXED);
	return 0;
}

static int sim_inject_msi(struct hv_vm *hvm, u64 addr, u32 data)
{
	struct sim_vm *vm = sim_vm_of(hvm);

	/* Like Xen, only a message to the local APIC window is delivered. */
	if ((addr & 0xfff00000ULL) != 0xfee00000ULL)
		return -EINVAL;
	__atomic_store_n(&vm->msi.last_addr, addr, __ATOMIC_RELAXED);
	__atomic_store_n(&vm->msi.last_data, data, __ATOMIC_RELAXED);
	__atomic_add_fetch(&vm->msi.count, 1, __ATOMIC_RELEASE);
	return 0;
}

const struct hv_ops sim_hv_ops = {
	.name = "sim",
	.gfn_to_dma = sim_gfn_to_dma,
	.read_gpa = sim_read_gpa,
	.write_gpa = sim_write_gpa,
	.map_mmio = sim_map_mmio,
	.back_ram = sim_back_ram,
	.set_wp = sim_set_wp,
	.inject_msi = sim_inject_msi,
};

u64 sim_vm_msi_count(struct sim_vm *vm)
{
	return __atomic_load_n(&vm->msi.count, __ATOMIC_ACQUIRE);
}

bool sim_vm_gfn_protected(struct sim_vm *vm, u64 gfn)
{
	return gfn < vm->nr_pages &&
	       __atomic_load_n(&vm->wp[gfn], __ATOMIC_ACQUIRE);
}

/* --- the guest's view --- */

u32 sim_vm_cfg_read(struct sim_vm *vm, u32 devfn, u32 reg, u32 size)
{
	u32 val;

	vm->traps.cfg++;
	if (devfn != SIM_VGPU_DEVFN || !vm->base.vgpu) {
		vm->traps.unclaimed++;
		return 0xffffffff;
	}
	xengt_vgpu_cfg_read(vm->base.vgpu, reg, size, &val);
	return val;
}

void sim_vm_cfg_write(struct sim_vm *vm, u32 devfn, u32 reg, u32 size, u32 val)
{
	vm->traps.cfg++;
	if (devfn != SIM_VGPU_DEVFN || !vm->base.vgpu) {
		vm->traps.unclaimed++;
		return;
	}
	xengt_vgpu_cfg_write(vm->base.vgpu, reg, size, val);
}

static bool sim_in_bar0(struct sim_vm *vm, u64 gpa, u32 size)
{
	/* A straddling access still goes to the core, which rejects it. */
	return vm->base.vgpu && vm->bar0_base && gpa + size > vm->bar0_base &&
	       gpa < vm->bar0_base + vm->bar0_size;
}

/*
 * The backend's RAM at @gpa, or NULL: in the GGTT half an access within
 * one entry, in other regions one within the region.
 */
static u8 *sim_region_ram(struct sim_vm *vm, u64 gpa, u32 size)
{
	u32 i;

	for (i = 0; i < HV_RAM_COUNT; i++) {
		struct sim_ram_region *r = &vm->ram[i];
		u64 off = gpa - r->base;

		if (!r->base || gpa < r->base || off >= r->size ||
		    off + size > r->size)
			continue;
		if (i == HV_RAM_GGTT && (off & 7) + size > 8)
			continue;
		return (u8 *)r->view + off;
	}
	return NULL;
}

u64 sim_vm_mmio_read(struct sim_vm *vm, u64 gpa, u32 size)
{
	u64 val = 0;
	u8 *ram;

	if (size == 0 || size > 8)
		return ~0ULL;
	ram = sim_region_ram(vm, gpa, size);
	if (ram) {
		os_memcpy(&val, ram, size);
		return val;
	}
	if (sim_in_bar0(vm, gpa, size)) {
		vm->traps.mmio++;
		xengt_vgpu_mmio_read(vm->base.vgpu, gpa - vm->bar0_base, size,
				     &val);
		return val;
	}
	ram = sim_vm_ram(vm, gpa);
	if (ram && ((gpa + size - 1) >> XENGT_PAGE_SHIFT) ==
			   (gpa >> XENGT_PAGE_SHIFT)) {
		os_memcpy(&val, ram, size);
		return val;
	}
	vm->traps.unclaimed++;
	return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

void sim_vm_mmio_write(struct sim_vm *vm, u64 gpa, u32 size, u64 val)
{
	u8 *ram;

	if (size == 0 || size > 8)
		return;
	ram = sim_region_ram(vm, gpa, size);
	if (ram) {
		os_memcpy(ram, &val, size);
		return;
	}
	if (sim_in_bar0(vm, gpa, size)) {
		vm->traps.mmio++;
		xengt_vgpu_mmio_write(vm->base.vgpu, gpa - vm->bar0_base, size,
				      &val);
		return;
	}
	ram = sim_vm_ram(vm, gpa);
	if (ram && ((gpa + size - 1) >> XENGT_PAGE_SHIFT) ==
			   (gpa >> XENGT_PAGE_SHIFT)) {
		if (vm->base.vgpu &&
		    __atomic_load_n(&vm->wp[gpa >> XENGT_PAGE_SHIFT],
				    __ATOMIC_ACQUIRE)) {
			/* A protected page-table page: the core applies it. */
			__atomic_add_fetch(&vm->traps.wp, 1, __ATOMIC_RELAXED);
			xengt_vgpu_wp_write(vm->base.vgpu, gpa, size, &val);
			return;
		}
		os_memcpy(ram, &val, size);
		return;
	}
	vm->traps.unclaimed++;
}
