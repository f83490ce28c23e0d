/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * 4-level 48-bit PPGTT of the guest driver, in Gen8 format (gen9.h): a
 * PML4 whose guest-physical address goes into the context image (PDP0),
 * tables in guest RAM.  Every entry is written through io->ram_write: the
 * host write-protects page-table pages and shadows them.
 *
 * With PV PPGTT (guest_pv.h) the host builds its shadow from BIND_PPGTT /
 * UNBIND_PPGTT messages alone: the tables in guest RAM are then only the
 * guest's own bookkeeping (which pages it bound, for unmap and fini),
 * written with plain stores into data pages the host never shadows.
 */
#ifndef I915PV_PPGTT_H
#define I915PV_PPGTT_H

#include "pages.h"

struct i915pv_pv;

struct i915pv_ppgtt {
	struct i915pv_pages *pages;
	struct i915pv_pv *pv; /* PV PPGTT: bound by message; NULL: trapped */
	uint64_t pml4; /* guest-physical */
	uint32_t tables; /* table pages in use, PML4 included */
	uint64_t pte_writes; /* entries written (all levels) */
	uint64_t pv_pages; /* pages bound or unbound by message */
};

/* A PPGTT whose entries the host traps (any guest code). */
int i915pv_ppgtt_init(struct i915pv_ppgtt *pp, struct i915pv_pages *pages);
/*
 * A PPGTT of @dev: bound through PV when @dev negotiated PV PPGTT, else
 * as i915pv_ppgtt_init().  Mappings made through PV are only queued: a
 * submission (engine.c) or i915pv_pv_flush() sends them.
 */
int i915pv_ppgtt_init_dev(struct i915pv_ppgtt *pp, struct i915pv_dev *dev,
			  struct i915pv_pages *pages);
/* Map graphics page @va to guest page @gpa; tables allocated on demand. */
int i915pv_ppgtt_map(struct i915pv_ppgtt *pp, uint64_t va, uint64_t gpa,
		     bool writable);
/* Clear the PTE of @va (tables stay). */
void i915pv_ppgtt_unmap(struct i915pv_ppgtt *pp, uint64_t va);
/* Map @n guest pages @gpa[] at @va onwards (PV: one message per 512). */
int i915pv_ppgtt_map_range(struct i915pv_ppgtt *pp, uint64_t va,
			   const uint64_t *gpa, uint32_t n);
/* Clear the PTEs of @n pages from @va on (PV: one message per 512). */
int i915pv_ppgtt_unmap_range(struct i915pv_ppgtt *pp, uint64_t va, uint32_t n);
/*
 * Give every table page back (trapped: to the page-table pool; PV: what
 * is still bound is unbound first, and the pages are plain data pages).
 */
void i915pv_ppgtt_fini(struct i915pv_ppgtt *pp);

#endif /* I915PV_PPGTT_H */
