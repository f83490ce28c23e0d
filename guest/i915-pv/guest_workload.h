/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The guest driver's GPU workloads.  Each builds its own PPGTT and
 * contexts, submits through ELSP, and verifies every result in guest
 * memory.
 *   store    many tiny batches of MI_STORE_DATA_IMM (submission-heavy);
 *            one op = one batch of I915PV_STORE_PER_BATCH stores
 *   blit     XY_COLOR_BLT fill + XY_SRC_COPY_BLT copy of 1 MiB surfaces
 *            (GPU-heavy); one op = one batch of the two blits
 *   ptchurn  bind I915PV_CHURN_PAGES pages into the PPGTT, store into
 *            each from a small batch, unbind them (page-table-heavy);
 *            one op = one bind/submit/unbind round
 *   bind512  bind I915PV_BIND512_PAGES pages at once into the PPGTT, fill
 *            them all with one blit, check every page, unbind them; one
 *            op = one round; bind_traps counts the traps of its
 *            page-table updates alone, bind and unbind (with io->traps)
 * With PV negotiated (dev->pv, guest_pv.h) the PPGTT, the GGTT objects and
 * the submissions take the PV paths the host accepted, and the results are
 * checked exactly as in trap mode.
 */
#ifndef I915PV_WORKLOAD_H
#define I915PV_WORKLOAD_H

#include "i915pv.h"
#include "pages.h"

enum i915pv_workload_kind {
	I915PV_WL_STORE,
	I915PV_WL_BLIT,
	I915PV_WL_PTCHURN,
	I915PV_WL_BIND512,
	I915PV_WL_COUNT,
};

#define I915PV_STORE_PER_BATCH 8
#define I915PV_CHURN_PAGES 16
#define I915PV_BIND512_PAGES 512
#define I915PV_BLIT_WIDTH 1024 /* pixels of 32 bits */
#define I915PV_BLIT_HEIGHT 256

struct i915pv_workload {
	enum i915pv_workload_kind kind;
	uint32_t ops; /* how many to run */
	uint32_t seed;
	/*
	 * Test aid (store only): start each batch with MI_LOAD_REGISTER_IMM,
	 * which an unprivileged batch may not carry: a host must refuse it.
	 */
	bool hostile_lri;
	/* Results */
	uint32_t done; /* ops completed and verified */
	uint64_t submissions;
	uint64_t bytes; /* written by the GPU */
	uint64_t pte_writes; /* PPGTT entries written */
	uint64_t pv_pages; /* PPGTT pages bound or unbound by PV message */
	uint64_t bind_traps; /* bind512: traps of bind + unbind (io->traps) */
};

const char *i915pv_workload_name(enum i915pv_workload_kind kind);
/* Kind by name, or -1. */
int i915pv_workload_parse(const char *name);
/*
 * Run @wl on the probed (and, for a vGPU, ballooned) device with guest
 * pages from @pages (keep one allocator per guest across workloads: it
 * remembers which pages were page tables).  Every page taken is given
 * back.  Returns 0 when every op completed and verified, else -1 with
 * dev->error set.
 */
int i915pv_workload_run(struct i915pv_dev *dev, struct i915pv_pages *pages,
			struct i915pv_workload *wl);

/*
 * Keep the blitter busy: two contexts, each with a request of
 * I915PV_BUSY_FILLS full-surface colour fills of its own surface, always
 * one queued behind the other, so that the vGPU never runs dry while the
 * guest checks a finished request.  For measuring GPU-time shares between
 * guests (the GPU is the bottleneck, not the traps).  Runs until
 * @keep_going(@ctx) says stop; each finished request is verified (sampled
 * pixels of its surface hold its last colour).
 */
#define I915PV_BUSY_FILLS 8

struct i915pv_busy {
	bool (*keep_going)(void *ctx);
	void *ctx;
	uint32_t seed;
	/* Results */
	uint64_t requests; /* completed and verified */
	uint64_t submissions;
	uint64_t bytes;
};

int i915pv_busy_run(struct i915pv_dev *dev, struct i915pv_pages *pages,
		    struct i915pv_busy *b);

#endif /* I915PV_WORKLOAD_H */
