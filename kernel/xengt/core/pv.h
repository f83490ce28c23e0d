/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The paravirtual extension, host side (wire format: xengt/xengt-pv.h,
 * spec/pv-protocol.md): PV caps negotiated in PVINFO, the guest's shared
 * page, the CTB command ring served on each doorbell, PV bind / unbind of
 * PPGTT and GGTT pages, and PV submission.
 *
 * Every byte the guest shares is hostile and may change under the host at
 * any time: the descriptor is read once per doorbell, the messages are
 * copied out of the ring before they are parsed, a message is validated as
 * a whole before any of it is applied, and a doorbell does a bounded
 * amount of work (XENGT_PV_DOORBELL_BUDGET).  Guest memory is reached only
 * through hv.h (read_gpa / write_gpa / gfn_to_dma), never mapped.
 *
 * State lives in struct vgpu's pv, under vgpu->lock (every entry point
 * below is called from a trap or a reset that holds it).
 */
#ifndef XENGT_PV_H
#define XENGT_PV_H

#include "os.h"
#include "xengt/xengt-pv.h"

struct vgpu;

#define PV_NR_STATUS 8 /* enum xengt_pv_status values */
#define PV_RING_DWORDS (XENGT_PV_CTB_SIZE / 4)

struct pv_stats {
	u64 doorbells;
	u64 doorbells_idle; /* nothing registered, or an empty ring */
	u64 messages; /* handled (each counted in status[]) */
	u64 status[PV_NR_STATUS]; /* handled messages by status, [0] = ok */
	u64 dropped; /* doorbells that dropped the ring: torn, bad desc */
	u64 budget_hits; /* doorbells that left work for the next one */
	u64 pages_bound;
	u64 pages_unbound;
	u64 submissions; /* PV submissions queued */
	u64 submit_errors; /* PV submissions refused (status in the area) */
	u64 registrations; /* shared pages accepted */
	u64 bad_registrations; /* refused (not RAM, unaligned, descriptor) */
	u64 gpa_faults; /* a registered page or area that is no RAM now */
};

/* Copies of guest data a doorbell works on (never the guest's own). */
struct pv_scratch {
	u32 ring[PV_RING_DWORDS];
	u64 gentry[XENGT_PV_VMA_MAX_PAGES]; /* the guest's entries */
	u64 sentry[XENGT_PV_VMA_MAX_PAGES]; /* their checked shadows */
};

struct vgpu_pv {
	u32 offer; /* XENGT_PV_CAP_*: the embedder's; survives resets */
	u32 caps; /* accepted: offer & what the guest wrote */
	bool negotiated; /* pv_caps written since the last reset */
	u64 page_gpa; /* the registered shared page, 0: none */
	u32 head; /* CTB dword the host reads next */
	/*
	 * What the next fence write reports (xengt-pv.h: status is the
	 * first error since the last fence written): the fence of the last
	 * message that asked, not written yet (fence_due), the first error
	 * up to that message, and the first error of the messages after it.
	 */
	bool fence_due;
	u32 fence, status, after;
	u64 sub_gpa; /* the submission area, 0: none */
	struct pv_scratch *scratch; /* allocated while a page is registered */
	struct pv_stats stats;
};

/*
 * Power-on PV state (caps 0, nothing registered); the offer is kept.
 * vgpu_create() sets the offer before the first call.  Caller holds
 * vgpu->lock or owns the vGPU.
 */
void pv_vgpu_reset(struct vgpu *vgpu);
/*
 * The guest reset the whole GPU (GDRST full): every PV root dropped, the
 * PV state and its PVINFO fields as at power-on.  Trap path: vgpu->lock.
 */
void pv_gdrst_full(struct vgpu *vgpu);
/* Free everything (destroy).  Caller owns the vGPU. */
void pv_vgpu_fini(struct vgpu *vgpu);

/*
 * The embedder's offer (xengt_vgpu_set_pv_offer()).  Caps the guest
 * accepted that are no longer offered are withdrawn.  Caller holds
 * vgpu->lock.
 */
void pv_set_offer(struct vgpu *vgpu, u32 caps);
/* PVINFO vgt_caps / pv_caps power-on values (pvinfo.c).  vgpu->lock. */
u32 pv_vgt_caps(const struct vgpu *vgpu);

/*
 * Trapped PVINFO accesses (pvinfo.c), caller holds vgpu->lock:
 * a guest write of pv_caps (@val; the register is set to what is
 * accepted, or back to @old while a page is registered), and the
 * g2v notifications SHARED_PAGE_REGISTER and PV_SEND_TRIGGER.  The
 * notifications return false when PV is not offered (pvinfo.c counts
 * them as unknown codes).
 */
void pv_caps_write(struct vgpu *vgpu, u32 offset, u32 val, u32 old);
bool pv_register(struct vgpu *vgpu);
bool pv_doorbell(struct vgpu *vgpu);

/*
 * A dword written to @engine's ELSP (execlist.c): true if it was the PV
 * marker on an engine whose submission area is registered, and so a PV
 * submission (handled here); false for an ordinary ELSP dword.  Caller
 * holds vgpu->lock.
 */
bool pv_elsp_write(struct vgpu *vgpu, u32 engine, u32 val);

#endif /* XENGT_PV_H */
