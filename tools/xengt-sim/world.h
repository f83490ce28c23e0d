/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The embedded default world: a simulated machine, the software GPU, the
 * GVT core on top, and N simulated VMs with a vGPU each.  Used by the
 * xengt-sim tool and by the integration tests.
 */
#ifndef XENGT_SIM_WORLD_H
#define XENGT_SIM_WORLD_H

#include "os.h"
#include "xengt/xengt.h"
#include "sim.h"
#include "sim_gpu.h"
#include "i915pv.h"
#include "pages.h"
#include "guest_workload.h"
#include "guest_pv.h"

#define WORLD_MAX_VMS XENGT_MAX_VGPUS
#define WORLD_VM_RAM XENGT_MB(32)
/* Guest RAM the GPU workloads use: the top 8 MiB. */
#define WORLD_WL_RAM (WORLD_VM_RAM - XENGT_MB(8))

/* One workload's outcome in one guest. */
struct world_wl_result {
	struct i915pv_workload wl;
	bool ran, ok;
	u64 start_ns; /* when it began (monotonic) */
	u64 ns; /* wall time */
	u64 traps; /* config, MMIO and write-protect traps it caused */
	u64 gpu_ticks; /* GPU time it used (software GPU clock) */
	char why[96];
};

/* The workloads every guest runs after its GGTT job. */
struct world_wl_plan {
	u32 nr;
	int kinds[I915PV_WL_COUNT];
	u32 ops[I915PV_WL_COUNT];
};

/* Default ops per workload kind (xengt-sim --ops overrides). */
extern const u32 world_wl_default_ops[I915PV_WL_COUNT];

/*
 * A guest's use of the PV extension (xengt-sim --pv): off = every path
 * trapped; on = every PV cap, and the guest fails if the host does not
 * accept them all; auto = the caps the host offers, trapped paths for the
 * rest (none offered: all trapped).
 */
enum world_pv {
	WORLD_PV_OFF,
	WORLD_PV_ON,
	WORLD_PV_AUTO,
};

/* "off", "on", "auto" -> WORLD_PV_*, or -1. */
int world_pv_parse(const char *name);
/*
 * What a host offers (xengt-sim --pv-offer): "all", "none", or caps
 * joined by '+' ("ppgtt", "ggtt", "submission"); XENGT_PV_CAP_* bits
 * into @caps, or -EINVAL.
 */
int world_pv_offer_parse(const char *name, u32 *caps);
const char *world_pv_name(enum world_pv mode);
/* "on" -> 1, "off" -> 0, anything else -> -1 (xengt-sim --ppgtt-oos). */
int world_onoff_parse(const char *name);

struct world_vm {
	struct sim_vm *vm;
	struct vgpu *vgpu;
	struct i915pv_io io;
	struct i915pv_dev dev;
	struct i915pv_ggtt_job job;
	int ggtt_entries; /* written by the guest job */
	struct i915pv_pages pages; /* guest RAM for the workloads */
	enum world_pv pv_mode; /* set before world_run_guests() */
	struct i915pv_pv pv; /* while the guest runs */
	u32 pv_caps_used; /* the PV caps it used (pv.caps before fini) */
	struct world_wl_result wl[I915PV_WL_COUNT];
	u64 done_ns; /* when its last workload finished (monotonic) */
	bool ok;
	char why[128];
};

struct world {
	struct sim_machine machine;
	struct sim_gpu gpu;
	struct xengt_gvt *gvt;
	u32 nr_vms;
	struct world_vm vms[WORLD_MAX_VMS];
	struct world_wl_plan plan;
	/* GPU time per VM when the first VM finished its workloads. */
	u64 first_done_ticks[WORLD_MAX_VMS];
	int first_done; /* set once */
	u32 at_start; /* atomic: VMs at the start line (world_run_guests) */
};

/* Machine and GPU with room for @max_vms VMs; no VMs yet. */
int world_init(struct world *w, u32 max_vms);
void world_fini(struct world *w);
/* A VM (domid = index + 1) with a vGPU of @type; message on failure. */
int world_add_vm(struct world *w, const char *type);
/*
 * The same with explicit vGPU parameters (domid ignored) and @ram_bytes
 * of guest RAM (at most WORLD_VM_RAM: world_init() sized the machine).
 */
int world_add_vm_params(struct world *w, const struct xengt_vgpu_params *params,
			u64 ram_bytes);
/* Item @i (cycled) of the comma-separated @list, into @out. */
void world_list_item(const char *list, u32 i, char *out, size_t len);
/* Guest I/O accessors bound to a simulated VM. */
void world_vm_bind_io(struct world_vm *v);
/*
 * Run the guest job of every VM, one thread each: probe, balloon and the
 * GGTT job, then (once every VM is set up, so that their workloads
 * overlap from the start) the plan's workloads.
 */
int world_run_guests(struct world *w, u32 pages);
/* Have the GPU read every page the guests mapped and compare. */
void world_verify(struct world *w);

/* Monotonic clock in ns. */
u64 world_now_ns(void);
/*
 * Run one workload (r->wl set up) on a probed device, timed, with GPU time
 * read from @gpu for requester @domid; @traps (may be NULL) reads the
 * guest's trap counter.  Shared by the VMs and the native baseline.
 * Returns 0 if it completed and verified.
 */
int world_run_workload(struct i915pv_dev *dev, struct i915pv_pages *pages,
		       struct world_wl_result *r, struct sim_gpu *gpu,
		       u16 domid, u64 (*traps)(void *ctx), void *ctx);
/* Parse "store,blit,ptchurn" into @plan with @ops each (0 = defaults). */
int world_parse_workloads(struct world_wl_plan *plan, const char *list,
			  u32 ops);

#endif /* XENGT_SIM_WORLD_H */
