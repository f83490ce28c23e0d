/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The native baseline: the guest driver code running on the software GPU
 * with no vGPU and no GVT core in between, as a bare-metal i915 would.
 *
 * The "native OS" is one domain of its own machine; it sees a bare Skylake
 * GT2 in config space (no PVINFO, so it uses the whole GGTT) and its BAR0
 * goes straight to the software GPU's registers and GGTT.  The GPU reaches
 * the OS's RAM through an identity IOMMU view (device address = the OS's
 * physical address), so the GGTT and page tables hold guest-physical
 * addresses exactly as the OS wrote them.
 */
#ifndef XENGT_SIM_NATIVE_H
#define XENGT_SIM_NATIVE_H

#include "os.h"
#include "sim.h"
#include "sim_gpu.h"
#include "i915pv.h"

#define NATIVE_DOMID 1

struct native_iommu {
	struct sim_bus bus;
	struct sim_vm *vm;
};

struct native {
	struct sim_machine machine;
	struct sim_vm *vm;
	struct native_iommu iommu;
	struct sim_gpu gpu;
	struct i915pv_io io;
	struct i915pv_dev dev;
	/* Bare config space (BAR sizing emulated). */
	u32 cfg[64];
	u64 bar0; /* where the OS placed BAR0 */
	u64 reg_accesses; /* BAR0 accesses (none of them trap natively) */
};

/* A machine with one OS of @ram_bytes and its GPU; the OS has not probed. */
int native_init(struct native *n, u64 ram_bytes);
void native_fini(struct native *n);
/* Probe the bare GPU the way the guest driver does; message on failure. */
int native_probe(struct native *n);

#endif /* XENGT_SIM_NATIVE_H */
