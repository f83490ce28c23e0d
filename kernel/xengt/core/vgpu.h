/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vGPU: types, lifecycle and resource accounting.
 */
#ifndef XENGT_VGPU_H
#define XENGT_VGPU_H

#include "os.h"
#include "xengt/xengt.h"
#include "gvt.h"
#include "cfg_space.h"
#include "opregion.h"
#include "ggtt.h"
#include "execlist.h"
#include "ppgtt.h"
#include "scheduler.h"
#include "cmd_parser.h"
#include "workload.h"
#include "pv.h"

/* BAR0 (GTTMMADR) layout the guest sees. */
#define VGPU_BAR0_SIZE XENGT_VGPU_BAR0_SIZE /* 16 MiB */
#define VGPU_MMIO_SIZE 0x200000U /* Gen9 register space: 2 MiB */
#define VGPU_VREG_PAGES (VGPU_MMIO_SIZE >> XENGT_PAGE_SHIFT)
#define VGPU_GGTT_OFFSET XENGT_VGPU_GGTT_OFFSET /* GGTT entries at 8 MiB */
#define VGPU_GGTT_BYTES 0x800000ULL /* 8 MiB of PTEs = 4 GiB of GM */

/* The four reference types (spec/pvinfo.md), in order of size. */
extern const struct xengt_vgpu_type vgpu_types[];
extern const u32 vgpu_nr_types;

const struct xengt_vgpu_type *vgpu_type_find(const char *name);
/* How many more vGPUs of @type fit right now.  Takes gvt->lock. */
u32 vgpu_type_available(struct xengt_gvt *gvt,
			const struct xengt_vgpu_type *type);

/* Fill @p from a named type; -ENOENT if no such type. */
int vgpu_params_from_type(struct xengt_vgpu_params *p, const char *type_name);

struct vgpu_stats {
	u64 mmio_reads;
	u64 mmio_writes;
	u64 mmio_unknown_writes; /* no descriptor: kept in the vreg file */
	u64 mmio_ro_writes; /* read-only register: dropped */
	u64 mmio_bad; /* bad size/alignment or outside the register space */
	u64 cfg_reads;
	u64 cfg_writes;
	u64 cfg_ro_writes;
	u64 cfg_bad;
	u64 ggtt_writes; /* accepted guest GGTT entry writes */
	u64 ggtt_dropped; /* outside the partition: never written */
	u64 ggtt_bad_pte; /* reserved bits or not the guest's RAM */
	u64 ggtt_syncs; /* GGTT flushes read from the RAM view */
	u64 fence_dropped;
	u64 g2v_notify;
	u64 g2v_unknown;
	u64 failsafe;
	u64 resets;
};

struct vgpu_irq_stats {
	u64 events; /* virtual interrupt events raised */
	u64 ring_masked; /* events an engine's RING_IMR masked at the source */
	u64 msi_sent;
	u64 msi_disabled; /* would have fired, MSI not enabled by the guest */
	u64 msi_failed; /* the hypervisor refused the message */
};

struct vgpu {
	struct xengt_gvt *gvt;
	u32 id;
	u16 domid;
	char type_name[16];
	u32 weight;
	struct hv_vm *vm;

	/* Partition, in host graphics addresses (the guest uses them as is). */
	u64 low_gm_base, low_gm_size;
	u64 high_gm_base, high_gm_size;
	u32 fence_base, fence_num;

	/* Serialises every trap of this vGPU and its reset. */
	struct os_mutex lock;

	u8 *vreg; /* virtual register file, VGPU_MMIO_SIZE bytes */
	/*
	 * Pages of vreg written since it was all zero: a reset or destroy
	 * clears just these instead of 2 MiB (vgpu_vreg_clear()).  A u32
	 * each, set with a single store, so that writers on other threads
	 * (completions) cannot lose each other's marks.
	 */
	u32 vreg_dirty[VGPU_VREG_PAGES];
	struct vgpu_cfg cfg;
	struct vgpu_ggtt ggtt;

	bool display_ready;
	bool failsafe; /* guest reported insufficient resources, or misbehaved */
	char failsafe_reason[160];
	struct vgpu_stats stats;

	/* Workload path (execlist.c, workload.c, ppgtt.c, cmd_parser.c). */
	struct vgpu_execlist execlist[XENGT_NR_ENGINES];
	struct vgpu_irq_stats irq;
	struct execlist_stats exec_stats;
	struct vgpu_ppgtt ppgtt;
	struct vgpu_workloads wl;
	struct vgpu_sched sched; /* under the engines' locks */
	struct cmd_stats cmd;
	struct cmd_shadow_cache cmd_cache;
	u8 *scan_buf; /* one page: the scanner's window on guest commands */
	struct vgpu_pv pv; /* the paravirtual extension (pv.h) */
	bool blocked; /* being reset or destroyed: ELSP writes are ignored */
};

/*
 * Create a vGPU: carve its partition out of the GPU's resources, set up its
 * virtual config space, register file, PVINFO and GGTT view.  A request that
 * does not fit fails with -ENOSPC and a message naming the resource.
 * Process context; takes gvt->lock.
 */
int vgpu_create(struct xengt_gvt *gvt, const struct xengt_vgpu_params *p,
		struct vgpu **out);
/*
 * Bind / unbind the guest's trap path (xengt.h).  Detach quiesces the
 * vGPU's GPU work, lifts its write protections and unclaims BAR0.
 */
int vgpu_attach(struct vgpu *vgpu, struct hv_vm *vm);
void vgpu_detach(struct vgpu *vgpu);
/* Release everything of @vgpu, physical GGTT entries and fences included. */
void vgpu_destroy(struct vgpu *vgpu);
/*
 * Device reset: queued workloads dropped (one in flight completes first),
 * registers back to power-on values, GGTT partition and fences cleared,
 * shadow PPGTTs freed, failsafe lifted.  Config space (BAR placement) is
 * kept so the trap mapping stays valid.  Other vGPUs' work is untouched.
 * Takes vgpu->lock, then the engines' locks; never call it from a trap.
 */
void vgpu_reset(struct vgpu *vgpu);
/*
 * Put the vGPU in failsafe with a reason the admin can read; its queued
 * workloads are dropped and later submissions ignored until a reset.
 * Caller holds vgpu->lock (or owns the vGPU).
 */
void vgpu_enter_failsafe(struct vgpu *vgpu, const char *reason);

/*
 * Take and release vgpu->lock, the lock of every trap of the vGPU.  The
 * release first finishes the GPU completions that found the lock taken
 * (workload.h), so they wait for no more than the holder's own work.
 */
static inline void vgpu_lock(struct vgpu *vgpu)
{
	os_mutex_lock(&vgpu->lock);
}

static inline void vgpu_unlock(struct vgpu *vgpu)
{
	do {
		workload_vgpu_finish_done(vgpu);
		os_mutex_unlock(&vgpu->lock);
	} while (__atomic_load_n(&vgpu->wl.done, __ATOMIC_ACQUIRE) &&
		 os_mutex_trylock(&vgpu->lock));
}

/*
 * The core's calls of its hypervisor backend (hv.h).  A detached vGPU
 * (no trap path yet) gets -ENODEV: nothing of a guest is reachable.
 */
static inline int hv_gfn_to_dma(struct vgpu *vgpu, u64 gfn, u64 *dma)
{
	return vgpu->vm ? vgpu->vm->ops->gfn_to_dma(vgpu->vm, gfn, dma) :
			  -ENODEV;
}

static inline int hv_read_gpa(struct vgpu *vgpu, u64 gpa, void *buf, u32 len)
{
	return vgpu->vm ? vgpu->vm->ops->read_gpa(vgpu->vm, gpa, buf, len) :
			  -ENODEV;
}

static inline int hv_write_gpa(struct vgpu *vgpu, u64 gpa, const void *buf,
			       u32 len)
{
	return vgpu->vm ? vgpu->vm->ops->write_gpa(vgpu->vm, gpa, buf, len) :
			  -ENODEV;
}

static inline int hv_map_mmio(struct vgpu *vgpu, u64 old_base, u64 new_base,
			      u64 size)
{
	return vgpu->vm ? vgpu->vm->ops->map_mmio(vgpu->vm, old_base, new_base,
						  size) :
			  -ENODEV;
}

static inline int hv_back_ram(struct vgpu *vgpu, enum hv_ram which,
			      u64 old_base, u64 new_base, u64 size, void **view)
{
	return vgpu->vm ? vgpu->vm->ops->back_ram(vgpu->vm, which, old_base,
						  new_base, size, view) :
			  -ENODEV;
}

static inline int hv_set_wp(struct vgpu *vgpu, u64 gfn, bool protect)
{
	return vgpu->vm ? vgpu->vm->ops->set_wp(vgpu->vm, gfn, protect) :
			  -ENODEV;
}

static inline int hv_inject_msi(struct vgpu *vgpu, u64 addr, u32 data)
{
	return vgpu->vm ? vgpu->vm->ops->inject_msi(vgpu->vm, addr, data) :
			  -ENODEV;
}

static inline u32 vgpu_vreg32(const struct vgpu *vgpu, u32 offset)
{
	u32 v;

	os_memcpy(&v, vgpu->vreg + offset, 4);
	return v;
}

/* Every write to vreg goes through here (or vgpu_set_vreg32()). */
static inline void vgpu_vreg_dirty(struct vgpu *vgpu, u32 offset, u32 len)
{
	u32 p = offset >> XENGT_PAGE_SHIFT;
	u32 last = (offset + len - 1) >> XENGT_PAGE_SHIFT;

	for (; p <= last && p < VGPU_VREG_PAGES; p++)
		if (!os_atomic32_read(&vgpu->vreg_dirty[p]))
			os_atomic32_set(&vgpu->vreg_dirty[p], 1);
}

static inline void vgpu_set_vreg32(struct vgpu *vgpu, u32 offset, u32 v)
{
	vgpu_vreg_dirty(vgpu, offset, 4);
	os_memcpy(vgpu->vreg + offset, &v, 4);
}

/* Zero the register file again: only the pages written since. */
void vgpu_vreg_clear(struct vgpu *vgpu);

#endif /* XENGT_VGPU_H */
