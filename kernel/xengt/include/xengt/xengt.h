/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The GVT core's public API: everything outside kernel/xengt/core uses
 * this header and nothing else of the core's (the module's sysfs and
 * character device, xengt-dm, xengt-sim, the integration tests, the xl
 * tooling).  The core's other headers are private; the build gives
 * nothing outside the core their directory, and tests/check-headers.sh
 * keeps it so.
 *
 * The two contracts the core asks of its backends sit beside it:
 * core/gpu.h (the physical GPU, at submission level) and core/hv.h (the
 * hypervisor: one struct hv_vm per guest).  A world is put together as
 *
 *     GPU backend --xengt_gvt_create()--> GVT --xengt_vgpu_create()--> vGPU
 *                                                      |
 *     hypervisor backend (struct hv_vm) --xengt_vgpu_attach()
 *
 * and the hypervisor backend then hands the guest's trapped accesses to
 * xengt_vgpu_cfg_*(), xengt_vgpu_mmio_*() and xengt_vgpu_wp_write().
 *
 * Locking: every function takes what it needs; none may be called with a
 * core lock held (they are all internal), and none from interrupt
 * context.  "Process context" below means: may sleep.
 */
#ifndef XENGT_XENGT_H
#define XENGT_XENGT_H

#include "os.h"
#include "xengt/xengt-pv.h" /* XENGT_PV_CAP_* for the PV offer */

struct xengt_gpu;
struct xengt_gvt;
struct hv_vm;
struct vgpu; /* opaque outside the core */

#define XENGT_MAX_VGPUS 8
#define XENGT_MAX_WEIGHT 16
/* BAR0 (GTTMMADR): 2 MiB of registers, then the GGTT at 8 MiB. */
#define XENGT_VGPU_BAR0_SIZE 0x1000000ULL
#define XENGT_VGPU_GGTT_OFFSET 0x800000ULL
/* The OpRegion the vGPU offers at ASLS (config 0xfc). */
#define XENGT_OPREGION_SIZE 0x2000U

/* ---- vGPU types ---------------------------------------------------------- */

struct xengt_vgpu_type {
	const char *name;
	u32 low_gm_mb; /* aperture (CPU-mappable) graphics memory */
	u32 high_gm_mb; /* hidden graphics memory */
	u32 fences;
	u32 weight; /* default scheduling weight */
	const char *resolution;
};

/* The reference types, smallest first; *nr is set to their count. */
const struct xengt_vgpu_type *xengt_vgpu_types(u32 *nr);
/* A type by name, or NULL. */
const struct xengt_vgpu_type *xengt_vgpu_type_find(const char *name);
/* How many more vGPUs of @type fit on @gvt right now.  Process context. */
u32 xengt_vgpu_type_available(struct xengt_gvt *gvt,
			      const struct xengt_vgpu_type *type);

/* What is left to partition (control/available_resource). */
struct xengt_resources {
	u32 low_gm_mb, high_gm_mb, fences; /* largest free block of each */
	u32 low_gm_free_mb, high_gm_free_mb, fences_free; /* in all */
	u32 vgpus, vgpus_max;
};

void xengt_gvt_resources(struct xengt_gvt *gvt, struct xengt_resources *r);

/* One engine's dispatch state, for diagnosing a stalled GPU. */
struct xengt_engine_info {
	bool inflight; /* a workload is on the GPU */
	bool paused;
	u64 submits;
	u32 queued; /* workloads waiting, all vGPUs */
	u32 busy; /* queued + on the GPU + done-pending, all vGPUs */
	u32 done_pending; /* vGPUs with completions waiting for their lock */
};

/* Snapshot engine @engine (< XENGT_NR_ENGINES); -EINVAL else.  Sleeps. */
int xengt_gvt_engine_info(struct xengt_gvt *gvt, u32 engine,
			  struct xengt_engine_info *out);

/* ---- the GVT: one per physical GPU -------------------------------------- */

/*
 * Take @gpu (a backend, gpu.h) and share it: partitions, engines,
 * dispatchers.  Returns 0 or -errno with a message logged.  Process
 * context; @gpu must outlive the GVT.
 */
int xengt_gvt_create(struct xengt_gpu *gpu, struct xengt_gvt **out);
/* Every vGPU must have been destroyed.  Process context. */
void xengt_gvt_destroy(struct xengt_gvt *gvt);

/* ---- vGPUs ---------------------------------------------------------------- */

struct xengt_vgpu_params {
	u16 domid;
	u32 low_gm_mb, high_gm_mb, fences;
	u32 weight; /* 1..XENGT_MAX_WEIGHT */
	u32 cap; /* percent of GPU time, 0 = none */
	const char *type_name; /* informational; "custom" when NULL */
};

/* Fill @p from type @name (domid untouched); -ENOENT if no such type. */
int xengt_vgpu_params_from_type(struct xengt_vgpu_params *p, const char *name);

/*
 * Carve a vGPU out of @gvt for domain @p->domid.  -EINVAL for bad
 * parameters, -EEXIST if the domain has one, -ENOSPC (with a message
 * naming the resource) if it does not fit.  The vGPU serves no guest
 * until a hypervisor backend attaches.  Process context.
 */
int xengt_vgpu_create(struct xengt_gvt *gvt, const struct xengt_vgpu_params *p,
		      struct vgpu **out);
/*
 * Release everything of @vgpu; its guest's trap path must be detached
 * (no trap may arrive any more).  Work in flight completes first.
 */
void xengt_vgpu_destroy(struct vgpu *vgpu);
/* Device reset (queued work dropped, registers and GTT back to power-on). */
void xengt_vgpu_reset(struct vgpu *vgpu);
/*
 * Bind the guest's trap path: @vm's backend delivers its traps and serves
 * the core (hv.h).  -EBUSY if one is attached.  Process context.
 */
int xengt_vgpu_attach(struct vgpu *vgpu, struct hv_vm *vm);
/*
 * Unbind it: BAR0 unclaimed, protections lifted, nothing more asked of
 * the backend.  The backend stops delivering traps before calling this.
 */
void xengt_vgpu_detach(struct vgpu *vgpu);

/* The vGPU of domain @domid, or NULL.  Process context. */
struct vgpu *xengt_vgpu_find(struct xengt_gvt *gvt, u16 domid);
/* vGPU ids are 1..XENGT_MAX_VGPUS (0 is the host, as PVINFO's vgt_id). */
u32 xengt_vgpu_id(const struct vgpu *vgpu);
u16 xengt_vgpu_domid(const struct vgpu *vgpu);

/*
 * The paravirtual extension (xengt/xengt-pv.h) this vGPU offers its
 * guest: @caps is a subset of XENGT_PV_CAPS_ALL (-EINVAL else); 0 offers
 * none (PVINFO then shows no PV at all and the guest stays on the
 * trapped paths).  Default: XENGT_PV_CAPS_ALL.  Caps the guest accepted
 * that are no longer offered are withdrawn at once; best set before the
 * guest boots.  Process context.
 */
int xengt_vgpu_set_pv_offer(struct vgpu *vgpu, u32 caps);

/*
 * The shadow PPGTT's out-of-sync pages (upstream i915/gvt's
 * enable_out_of_sync): when on (the default), a guest leaf page table
 * written often between two submissions stops trapping and is resynced
 * from guest memory before the next one; when off, every guest PTE write
 * traps and is shadowed at once (more traps, a shadow always current:
 * for debugging, and for measuring one trap per PTE).  Turning it off
 * resyncs every out-of-sync page at once.  Any time; process context,
 * takes the vGPU's lock.
 */
void xengt_vgpu_set_ppgtt_oos(struct vgpu *vgpu, bool enabled);

/* Scheduling: weight 1..16, cap 0..100 (0 and 100: none); -EINVAL else. */
int xengt_vgpu_set_weight(struct vgpu *vgpu, u32 weight);
int xengt_vgpu_set_cap(struct vgpu *vgpu, u32 cap_percent);

enum xengt_vgpu_state {
	XENGT_VGPU_DETACHED, /* created, no trap path yet */
	XENGT_VGPU_RUNNING,
	XENGT_VGPU_FAILSAFE, /* misbehaved or under-resourced: see reason */
};

/* A consistent snapshot of a vGPU for the admin (sysfs, xengt list). */
struct xengt_vgpu_info {
	u32 id;
	u16 domid;
	char type[16];
	enum xengt_vgpu_state state;
	u64 low_gm_base, low_gm_size; /* host graphics addresses, bytes */
	u64 high_gm_base, high_gm_size;
	u32 fence_base, fences;
	u32 weight, cap;
	bool ppgtt_oos; /* xengt_vgpu_set_ppgtt_oos() */
	char failsafe_reason[160];
	/* Counters since creation (a reset keeps them). */
	u64 traps; /* config, MMIO and write-protect traps */
	u64 mmio_reads, mmio_writes, mmio_bad;
	u64 cfg_accesses, cfg_bad;
	u64 ggtt_writes, ggtt_dropped, ggtt_bad_pte;
	u64 submissions; /* accepted ELSP writes */
	u64 workloads_done, workloads_failed, workloads_dropped;
	u64 queued; /* workloads waiting now */
	u64 gpu_ticks; /* GPU time used, all engines (engine clock ticks) */
	u64 resets;
	u64 failsafes;
	u64 msi_sent;
	/* The paravirtual extension (xengt/xengt-pv.h). */
	u32 pv_offer, pv_caps; /* offered, accepted by the guest */
	bool pv_registered; /* a shared page is registered */
	u64 pv_doorbells, pv_doorbells_idle;
	u64 pv_messages; /* handled, by status below (ok + errors) */
	u64 pv_ok, pv_bad_msg, pv_not_negotiated, pv_bad_range, pv_bad_gpa,
		pv_bad_root, pv_no_space, pv_bad_desc;
	u64 pv_dropped; /* doorbells that dropped the ring (torn, bad desc) */
	u64 pv_budget_hits;
	u64 pv_pages_bound, pv_pages_unbound;
	u64 pv_submissions, pv_submit_errors;
	u64 pv_registrations, pv_bad_registrations, pv_gpa_faults;
	u32 pv_roots; /* PPGTT roots the guest binds through PV, now */
	u32 pv_tables; /* their shadow tables now (empty ones kept too) */
};

void xengt_vgpu_snapshot(struct vgpu *vgpu, struct xengt_vgpu_info *info);
const char *xengt_vgpu_state_name(enum xengt_vgpu_state state);

/* ---- trap entry points (hypervisor backends) ----------------------------- */

/*
 * A guest config-space access of @bytes (1, 2 or 4) at @offset of the
 * vGPU's PCI function.  Bad ones read all-ones, change nothing and
 * return -EINVAL.  May sleep.
 */
int xengt_vgpu_cfg_read(struct vgpu *vgpu, u32 offset, u32 bytes, u32 *val);
int xengt_vgpu_cfg_write(struct vgpu *vgpu, u32 offset, u32 bytes, u32 val);
/*
 * A guest access of @bytes (1, 2, 4, 8) at @offset into BAR0; @data is
 * little-endian.  Bad ones read all-ones and return -EINVAL.  May sleep.
 */
int xengt_vgpu_mmio_read(struct vgpu *vgpu, u64 offset, u32 bytes, void *data);
int xengt_vgpu_mmio_write(struct vgpu *vgpu, u64 offset, u32 bytes,
			  const void *data);
/* A guest store to a page the core write-protected (hv.h set_wp). */
void xengt_vgpu_wp_write(struct vgpu *vgpu, u64 gpa, u32 bytes,
			 const void *data);

/* ---- determinism and fault hooks (tests, test aids) ---------------------- */

/*
 * Run queued workloads in the caller's thread until none is runnable, or
 * until @budget GPU ticks of an engine have elapsed (0: no limit); returns
 * the most ticks any engine advanced.  With dispatch paused, tests are
 * deterministic.
 */
u64 xengt_sched_run(struct xengt_gvt *gvt, u64 budget);
/* Pause or resume the engines' dispatchers. */
void xengt_sched_pause(struct xengt_gvt *gvt, bool paused);
/* GPU ticks a slice lasts (>= 1). */
void xengt_sched_set_slice(struct xengt_gvt *gvt, u64 ticks);
/* Wait until no vGPU has work queued or on the GPU. */
void xengt_gvt_drain(struct xengt_gvt *gvt);

enum xengt_fault {
	XENGT_FAULT_PVINFO_MAGIC, /* PVINFO shows a wrong magic */
};

/* Break @vgpu on purpose, so an end-to-end test can show it fails. */
int xengt_vgpu_inject_fault(struct vgpu *vgpu, enum xengt_fault fault);

#endif /* XENGT_XENGT_H */
