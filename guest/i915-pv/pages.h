/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Guest page allocator and GGTT-mapped objects of the guest driver.
 *
 * Pages come from a range of guest RAM the caller hands over.  Pages that
 * have been GPU page tables are kept apart: the host may still
 * write-protect them (it shadows page tables), so they are only reused as
 * page tables again and cleared through io->ram_write, never by a plain
 * store.
 */
#ifndef I915PV_PAGES_H
#define I915PV_PAGES_H

#include "i915pv.h"

struct i915pv_pages {
	const struct i915pv_io *io;
	uint64_t next, end; /* never-used pages: [next, end) */
	uint64_t free_head; /* data pages, linked through their first qword */
	uint64_t pt_free_head; /* former page-table pages, same linking */
	uint32_t in_use;
};

void i915pv_pages_init(struct i915pv_pages *p, const struct i915pv_io *io,
		       uint64_t start, uint64_t end);
/* A zeroed data page (guest-physical address), or 0 when out of RAM. */
uint64_t i915pv_page_alloc(struct i915pv_pages *p);
void i915pv_page_free(struct i915pv_pages *p, uint64_t gpa);
/* A zeroed page for a GPU page table, or 0. */
uint64_t i915pv_pt_page_alloc(struct i915pv_pages *p);
void i915pv_pt_page_free(struct i915pv_pages *p, uint64_t gpa);
/* Pointer to guest RAM at @gpa (within one page). */
void *i915pv_ram(struct i915pv_pages *p, uint64_t gpa);

#define I915PV_GOBJ_MAX_PAGES 32

/* Guest pages mapped contiguously in the GGTT (rings, contexts, HWSP). */
struct i915pv_gobj {
	uint64_t gm;
	uint32_t npages;
	uint64_t gpa[I915PV_GOBJ_MAX_PAGES];
};

/* Allocate @npages zeroed pages and map them at fresh graphics memory. */
int i915pv_gobj_create(struct i915pv_dev *dev, struct i915pv_pages *p,
		       struct i915pv_gobj *o, uint32_t npages);
/* Unmap (scratch: not present) and free the pages; the GM is not reused. */
void i915pv_gobj_destroy(struct i915pv_dev *dev, struct i915pv_pages *p,
			 struct i915pv_gobj *o);
/* The 32-bit word at byte @offset of the object. */
uint32_t *i915pv_gobj_dw(struct i915pv_pages *p, struct i915pv_gobj *o,
			 uint32_t offset);

#endif /* I915PV_PAGES_H */
