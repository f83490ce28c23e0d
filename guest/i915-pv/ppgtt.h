/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * 4-level 48-bit PPGTT of the guest driver, in Gen8 format (gen9.h): a
 * PML4 whose guest-physical address goes into the context image (PDP0),
 * tables in guest RAM.  Every entry is written through io->ram_write: the
 * host write-protects page-table pages and shadows them.
 */
#ifndef I915PV_PPGTT_H
#define I915PV_PPGTT_H

#include "pages.h"

struct i915pv_ppgtt {
	struct i915pv_pages *pages;
	uint64_t pml4; /* guest-physical */
	uint32_t tables; /* table pages in use, PML4 included */
	uint64_t pte_writes; /* entries written (all levels) */
};

int i915pv_ppgtt_init(struct i915pv_ppgtt *pp, struct i915pv_pages *pages);
/* Map graphics page @va to guest page @gpa; tables allocated on demand. */
int i915pv_ppgtt_map(struct i915pv_ppgtt *pp, uint64_t va, uint64_t gpa,
		     bool writable);
/* Clear the PTE of @va (tables stay). */
void i915pv_ppgtt_unmap(struct i915pv_ppgtt *pp, uint64_t va);
/* Map @n guest pages @gpa[] at @va onwards. */
int i915pv_ppgtt_map_range(struct i915pv_ppgtt *pp, uint64_t va,
			   const uint64_t *gpa, uint32_t n);
/* Give every table page back (to the page-table pool). */
void i915pv_ppgtt_fini(struct i915pv_ppgtt *pp);

#endif /* I915PV_PPGTT_H */
