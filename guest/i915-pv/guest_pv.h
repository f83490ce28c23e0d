/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The guest side of the paravirtual extension (spec/pv-protocol.md, wire
 * format in xengt/xengt-pv.h): negotiation in PVINFO, the shared page, a
 * CTB sender, PV bind / unbind of PPGTT and GGTT ranges, and the
 * submission area.
 *
 * Everything here is optional: with no PV offered (or only some caps),
 * i915pv_pv_init() leaves those caps off and the callers (ppgtt.c,
 * pages.c, engine.c) take their trapped paths.  The shared page is the
 * guest's own RAM, but the host writes head, fence, status, the version
 * and the submission flags in it: every value read from it is checked
 * before it steers anything.
 *
 * Batching: i915pv_pv_queue() only appends a message (ringing the
 * doorbell only when the ring is full); i915pv_pv_flush() rings and waits
 * for the last fence.  Callers flush before the GPU must see a binding
 * (engine.c does before each submission).  The host's status goes with
 * the fence it writes: the first error of any message since its last
 * fence write (xengt-pv.h), so a flush reports an error anywhere in the
 * batch.
 */
#ifndef I915PV_PV_H
#define I915PV_PV_H

#include "i915pv.h"
#include "pages.h"
#include "xengt/xengt-pv.h"

struct i915pv_pv {
	struct i915pv_dev *dev;
	struct i915pv_pages *pages;
	uint32_t offered; /* pv_caps read before negotiating (the offer, if
			   * nobody wrote pv_caps since the vGPU's reset) */
	uint32_t caps; /* pv_caps accepted (read back), 0 = no PV */
	uint64_t page_gpa; /* the shared page, 0 = none */
	uint32_t *page; /* the same, mapped */
	uint64_t array_gpa; /* page arrays of multi-page binds */
	bool array_busy; /* a queued message points at the array */
	bool submission; /* submission area registered */
	uint32_t tail; /* next dword we write (mirrors desc->tail) */
	uint32_t fence; /* fence of the last message queued */
	uint32_t flushed; /* fence of the last message flushed */
	bool unrung; /* messages queued since the last doorbell */
	/* Counters */
	uint64_t messages, doorbells, flushes, ring_full_waits, submits;
};

/* Ring size in dwords. */
#define I915PV_PV_RING_DW (XENGT_PV_CTB_SIZE / 4)

/*
 * Negotiate with the probed device @dev: keep the caps of @want that the
 * host offers; with any, register a shared page taken from @pages (and,
 * with SUBMISSION, the submission area in it).  The guest driver calls it
 * once after i915pv_balloon(); on success dev->pv = @pv when pv->caps is
 * non-zero.  No PV offered is not an error: 0 with pv->caps = 0.  -1 with
 * dev->error when the host offered PV but the setup failed (pv->caps = 0
 * then, everything given back, the trapped paths stay usable).
 */
int i915pv_pv_init(struct i915pv_pv *pv, struct i915pv_dev *dev,
		   struct i915pv_pages *pages, uint32_t want);
/*
 * Unregister the shared page and give back the pages; dev->pv = NULL.
 * The driver calls it when no binding made through PV is needed any
 * more (the host keeps PV-bound roots until it is told to unbind).
 */
void i915pv_pv_fini(struct i915pv_pv *pv);

/*
 * Append one message (action, @n <= 31 data dwords) to the ring, with
 * WRITE_FENCE.  When the ring is full, ring the doorbell and wait for
 * room.  0, or -1 with dev->error (the ring stuck, or the host corrupted
 * the descriptor).  Any caller holding the device (single-threaded guest).
 */
int i915pv_pv_queue(struct i915pv_pv *pv, uint32_t action, const uint32_t *data,
		    uint32_t n);
/*
 * Ring the doorbell (again while head != tail) and wait until the host
 * wrote the last queued message's fence; its nonzero status is an error.
 * 0 with nothing queued.  -1 with dev->error on a status, a time-out or a
 * bad descriptor.
 */
int i915pv_pv_flush(struct i915pv_pv *pv);
/* i915pv_pv_queue() then i915pv_pv_flush(). */
int i915pv_pv_send(struct i915pv_pv *pv, uint32_t action, const uint32_t *data,
		   uint32_t n);

/*
 * Queue binds of @n pages at graphics address @start: @ptes[i] | @flags is
 * page i's guest-physical address OR'd with its Gen8 PTE flags.  @pml4 is the
 * PPGTT root for the PPGTT actions, 0 for GGTT.  One message per up to
 * XENGT_PV_VMA_MAX_PAGES pages (an array page in guest RAM for more than
 * one).  Unbind ignores @ptes (may be NULL).  Queued only: flush (or
 * submit) before the GPU needs them.
 */
int i915pv_pv_bind(struct i915pv_pv *pv, uint32_t action, uint64_t pml4,
		   uint64_t start, const uint64_t *ptes, uint64_t flags,
		   uint32_t n);

/*
 * Submit through the area: @descs[0] (and @descs[1], 0 = none) on engine
 * @engine (XENGT_PV_ENGINE_*) whose RING_ELSP is at BAR0 offset @elsp
 * (engine.c, the one caller): flush queued messages, wait for the slot
 * to be free, fill it, submitted = 1, the ELSP marker, then wait for the
 * host to take it and check its status.  0 or -1 with dev->error.
 */
int i915pv_pv_submit(struct i915pv_pv *pv, uint32_t engine, uint32_t elsp,
		     const uint64_t descs[2]);

/* The submission slot of @engine, or NULL without a submission area. */
volatile struct xengt_pv_submission *i915pv_pv_slot(struct i915pv_pv *pv,
						    uint32_t engine);

/* Whether @dev uses PV for @cap (XENGT_PV_CAP_*).  Anyone. */
static inline bool i915pv_pv_has(const struct i915pv_dev *dev, uint32_t cap)
{
	return dev->pv && (dev->pv->caps & cap);
}

#endif /* I915PV_PV_H */
