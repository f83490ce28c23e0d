/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Execlist submission by the guest driver, in the formats i915 6.1 uses on
 * Gen9 (gen9.h): a hardware status page per engine (RING_HWS_PGA), a ring
 * and a logical ring context per (engine, address space), submission by
 * four ELSP dword writes, completion by polling the breadcrumb in the
 * status page while the CSB events move the execlist ports along exactly
 * as i915's process_csb() moves them (an event they cannot explain is an
 * error, as i915 resets the engine for it).
 *
 * With PV submission (guest_pv.h) a submission is the descriptors in the
 * shared submission area and one marker write to ELSP; the host emulates
 * no CSB for the engine, and completion is the breadcrumb plus the
 * context image the host saved back.
 */
#ifndef I915PV_ENGINE_H
#define I915PV_ENGINE_H

#include "pages.h"

enum i915pv_engine_id {
	I915PV_RCS,
	I915PV_BCS,
	I915PV_NR_ENGINES,
};

#define I915PV_RING_PAGES 4 /* 16 KiB, as i915's default ring */
#define I915PV_PORTS 2 /* ELSP elements */

struct i915pv_context;

struct i915pv_engine {
	struct i915pv_dev *dev;
	struct i915pv_pages *pages;
	enum i915pv_engine_id id;
	uint32_t base;
	struct i915pv_gobj hwsp;
	uint32_t csb_head; /* last CSB entry consumed */
	/*
	 * i915's execlist ports: the contexts of the ELSP write the CSB
	 * acknowledged (inflight, still running from inflight[active] on)
	 * and of the one it has not acknowledged yet (pending).
	 */
	struct i915pv_context *inflight[I915PV_PORTS + 1];
	struct i915pv_context *pending[I915PV_PORTS + 1];
	uint32_t active;
	bool pv; /* PV submission: no ports, no CSB */
	uint64_t submissions;
	uint64_t polls;
};

/* One context: its image, its ring, its PPGTT root. */
struct i915pv_context {
	struct i915pv_engine *engine;
	struct i915pv_gobj image, ring;
	uint32_t ring_size, tail;
	uint32_t ctx_id; /* upper dword of the descriptor */
	uint32_t seqno; /* breadcrumb, in the status page */
	uint32_t seqno_index; /* its dword there (I915_GEM_HWS_SEQNO + 2n) */
	bool submit_failed; /* the last submission never reached ELSP */
};

/* Program the engine: execlists on, status page, CSB pointers. */
int i915pv_engine_init(struct i915pv_engine *e, struct i915pv_dev *dev,
		       struct i915pv_pages *pages, enum i915pv_engine_id id);
void i915pv_engine_fini(struct i915pv_engine *e);

/* A context on @e running in the PPGTT rooted at guest page @pml4. */
int i915pv_context_init(struct i915pv_context *c, struct i915pv_engine *e,
			uint64_t pml4, uint32_t ctx_id);
void i915pv_context_fini(struct i915pv_context *c);

/*
 * Run the batch at PPGTT address @batch: ring commands (batch start,
 * breadcrumb, user interrupt), ELSP, then poll the CSB until the context
 * completes and check the breadcrumb.  Returns 0 or -1 with dev->error.
 */
int i915pv_context_run_batch(struct i915pv_context *c, uint64_t batch);

/*
 * The two halves of i915pv_context_run_batch(), for more than one request
 * in flight (each context one at a time).  A submission while another
 * context runs is what i915's execlists_dequeue() writes: the running
 * context again in element 0 (a lite restore), the new one in element 1.
 */
void i915pv_context_submit(struct i915pv_context *c, uint64_t batch);
int i915pv_context_wait(struct i915pv_context *c);

/* The descriptor ELSP gets for @c (Gen8 legacy 64-bit context). */
uint64_t i915pv_context_desc(const struct i915pv_context *c);

#endif /* I915PV_ENGINE_H */
