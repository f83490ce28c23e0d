/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The simulated hypervisor: N VMs in one process (the embedded default).
 *
 * Faithful in what isolation depends on: every VM's RAM is backed by
 * deliberately scattered machine frames (GFN != MFN, owners recorded per
 * frame), the GPU sees only machine frames, and a guest reaches its vGPU
 * only through traps (synchronous calls into the core here, where Xen
 * would deliver ioreqs).  Write-protected guest pages (the core's GPU
 * page-table shadows) trap every store made through sim_vm_mmio_write()
 * into vgpu_wp_write(), as Xen's p2m_mmio_write_dm type would; direct
 * stores through sim_vm_ram() pointers are not trapped (a guest must use
 * the trapping path for page-table pages).  MSIs are recorded per VM
 * (count, last address and data) for the guest and tests to observe.
 * Not modelled: vCPUs, timing, interrupt delivery to a guest CPU, IOMMU.
 */
#ifndef XENGT_HV_SIM_H
#define XENGT_HV_SIM_H

#include "os.h"
#include "../core/hv.h"
#include "../gpu/sim/sim_machine.h"

#define SIM_VGPU_DEVFN 0x10 /* 00:02.0 */
#define SIM_MMIO_HOLE 0xc0000000ULL /* guest MMIO window: [3 GiB, 4 GiB) */

struct sim_trap_stats {
	u64 cfg;
	u64 mmio;
	u64 unclaimed; /* accesses nothing claimed: read all-ones */
	u64 wp; /* stores to write-protected pages, handed to the core */
};

/* Interrupts the vGPU sent to this VM (hv->inject_msi). */
struct sim_msi_log {
	u64 count;
	u64 last_addr;
	u32 last_data;
};

struct sim_vm {
	struct hv_vm base; /* domid, and the vGPU once attached */
	struct sim_machine *machine;
	u64 nr_pages;
	u64 *p2m; /* gfn -> mfn */
	u64 bar0_base; /* where BAR0 traps now, 0 = nowhere */
	u64 bar0_size; /* how much of it traps */
	/*
	 * RAM of the backend's for the regions of enum hv_ram
	 * (sim_vm_enable_ram()): the view, where the guest sees it (0 =
	 * nowhere).
	 */
	struct sim_ram_region {
		bool enabled;
		void *view;
		u64 base;
		u64 size;
	} ram[HV_RAM_COUNT];
	struct sim_trap_stats traps;
	u8 *wp; /* per gfn: non-zero while write-protected */
	u64 nr_wp; /* gfns protected now (leak check for tests) */
	struct sim_msi_log msi;
};

extern const struct hv_ops sim_hv_ops;

/* The simulated VM of a struct hv_vm that sim_vm_create() made. */
static inline struct sim_vm *sim_vm_of(struct hv_vm *vm)
{
	return (struct sim_vm *)((u8 *)vm -
				 __builtin_offsetof(struct sim_vm, base));
}

/* A VM with @ram_bytes of RAM (rounded up to pages) taken from @m. */
int sim_vm_create(struct sim_machine *m, u16 domid, u64 ram_bytes,
		  struct sim_vm **out);
/* Frees the VM's RAM; its vGPU must have been destroyed first. */
void sim_vm_destroy(struct sim_vm *vm);
/*
 * Offer RAM of the backend's for region @which (hv back_ram; by default
 * the VM refuses: BAR0's GGTT half traps, and the OpRegion goes into
 * guest RAM or nowhere).  Before the vGPU is attached.
 */
void sim_vm_enable_ram(struct sim_vm *vm, enum hv_ram which);
static inline void sim_vm_enable_ggtt_ram(struct sim_vm *vm)
{
	sim_vm_enable_ram(vm, HV_RAM_GGTT);
}

/*
 * The guest's view: config space of bus 0 (only 00:02.0 exists when a vGPU
 * is attached), physical memory accesses (RAM, or a trap into BAR0, or
 * all-ones), and its RAM for direct use.
 */
u32 sim_vm_cfg_read(struct sim_vm *vm, u32 devfn, u32 reg, u32 size);
void sim_vm_cfg_write(struct sim_vm *vm, u32 devfn, u32 reg, u32 size, u32 val);
u64 sim_vm_mmio_read(struct sim_vm *vm, u64 gpa, u32 size);
void sim_vm_mmio_write(struct sim_vm *vm, u64 gpa, u32 size, u64 val);
/* Pointer to guest RAM at @gpa (page-bounded use only), or NULL. */
u8 *sim_vm_ram(struct sim_vm *vm, u64 gpa);
/* MSIs delivered to the VM so far (the guest's "interrupt count"). */
u64 sim_vm_msi_count(struct sim_vm *vm);
/* True while guest frame @gfn is write-protected. */
bool sim_vm_gfn_protected(struct sim_vm *vm, u64 gfn);

#endif /* XENGT_HV_SIM_H */
