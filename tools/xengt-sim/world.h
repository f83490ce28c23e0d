/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The embedded default world: a simulated machine, the software GPU, the
 * GVT core on top, and N simulated VMs with a vGPU each.  Used by the
 * xengt-sim tool and by the integration tests.
 */
#ifndef XENGT_SIM_WORLD_H
#define XENGT_SIM_WORLD_H

#include "os.h"
#include "gvt.h"
#include "vgpu.h"
#include "sim.h"
#include "sim_gpu.h"
#include "i915pv.h"

#define WORLD_MAX_VMS XENGT_MAX_VGPUS
#define WORLD_VM_RAM XENGT_MB(32)

struct world_vm {
	struct hv_vm *vm;
	struct vgpu *vgpu;
	struct i915pv_io io;
	struct i915pv_dev dev;
	struct i915pv_ggtt_job job;
	int ggtt_entries; /* written by the guest job */
	bool ok;
	char why[128];
};

struct world {
	struct sim_machine machine;
	struct sim_gpu gpu;
	struct xengt_gvt gvt;
	u32 nr_vms;
	struct world_vm vms[WORLD_MAX_VMS];
};

/* Machine and GPU with room for @max_vms VMs; no VMs yet. */
int world_init(struct world *w, u32 max_vms);
void world_fini(struct world *w);
/* A VM (domid = index + 1) with a vGPU of @type; message on failure. */
int world_add_vm(struct world *w, const char *type);
/* Guest I/O accessors bound to a simulated VM. */
void world_vm_bind_io(struct world_vm *v);
/* Run the guest job of every VM, one thread each. */
int world_run_guests(struct world *w, u32 pages);
/* Have the GPU read every page the guests mapped and compare. */
void world_verify(struct world *w);

#endif /* XENGT_SIM_WORLD_H */
