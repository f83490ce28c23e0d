// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Guest 4-level PPGTT (see ppgtt.h).
 */
#include "ppgtt.h"
#include "guest_pv.h"
#include "gen9.h"

static const unsigned int shifts[4] = { GEN8_PML4E_SHIFT, GEN8_PDPE_SHIFT,
					GEN8_PDE_SHIFT, GEN8_PTE_SHIFT };

static uint64_t entry_read(struct i915pv_ppgtt *pp, uint64_t table,
			   uint32_t idx)
{
	return ((uint64_t *)i915pv_ram(pp->pages, table))[idx];
}

static void entry_write(struct i915pv_ppgtt *pp, uint64_t table, uint32_t idx,
			uint64_t val)
{
	const struct i915pv_io *io = pp->pages->io;

	/* PV: our bookkeeping only, in pages nobody write-protects. */
	if (pp->pv)
		((uint64_t *)i915pv_ram(pp->pages, table))[idx] = val;
	else
		io->ram_write(io->ctx, table + idx * 8ULL, 8, val);
	pp->pte_writes++;
}

static uint64_t table_alloc(struct i915pv_ppgtt *pp)
{
	/*
	 * PV tables are never shadowed, so they come from (and go back to)
	 * the data pages; a former trapped page table may still be
	 * write-protected and stays in the page-table pool.
	 */
	return pp->pv ? i915pv_page_alloc(pp->pages) :
			i915pv_pt_page_alloc(pp->pages);
}

static void table_free(struct i915pv_ppgtt *pp, uint64_t table)
{
	if (pp->pv)
		i915pv_page_free(pp->pages, table);
	else
		i915pv_pt_page_free(pp->pages, table);
}

static int ppgtt_init(struct i915pv_ppgtt *pp, struct i915pv_pages *pages,
		      struct i915pv_pv *pv)
{
	*pp = (struct i915pv_ppgtt){ .pages = pages, .pv = pv };
	pp->pml4 = table_alloc(pp);
	if (!pp->pml4)
		return -1;
	pp->tables = 1;
	return 0;
}

int i915pv_ppgtt_init(struct i915pv_ppgtt *pp, struct i915pv_pages *pages)
{
	return ppgtt_init(pp, pages, NULL);
}

int i915pv_ppgtt_init_dev(struct i915pv_ppgtt *pp, struct i915pv_dev *dev,
			  struct i915pv_pages *pages)
{
	return ppgtt_init(pp, pages,
			  i915pv_pv_has(dev, XENGT_PV_CAP_PPGTT) ? dev->pv :
								   NULL);
}

/* PV: queue a bind (or unbind, @ptes NULL) of @n pages from @va. */
static int pv_bind(struct i915pv_ppgtt *pp, uint64_t va, const uint64_t *ptes,
		   uint64_t flags, uint32_t n)
{
	pp->pv_pages += n;
	return i915pv_pv_bind(pp->pv,
			      ptes ? XENGT_PV_ACTION_BIND_PPGTT :
				     XENGT_PV_ACTION_UNBIND_PPGTT,
			      pp->pml4, va, ptes, flags, n);
}

/* The leaf table for @va, allocating the missing levels, or 0. */
static uint64_t leaf_table(struct i915pv_ppgtt *pp, uint64_t va)
{
	uint64_t table = pp->pml4;
	int level;

	for (level = 0; level < 3; level++) {
		uint32_t idx = GEN8_PT_INDEX(va, shifts[level]);
		uint64_t e = entry_read(pp, table, idx);

		if (!(e & GEN8_PAGE_PRESENT)) {
			uint64_t next = table_alloc(pp);

			if (!next)
				return 0;
			pp->tables++;
			e = next | GEN8_PAGE_PRESENT | GEN8_PAGE_RW;
			entry_write(pp, table, idx, e);
		}
		table = e & GEN9_PPGTT_ADDR_MASK;
	}
	return table;
}

static uint64_t pte_of(uint64_t gpa, bool writable)
{
	return (gpa & GEN9_PPGTT_ADDR_MASK) | GEN8_PAGE_PRESENT |
	       (writable ? GEN8_PAGE_RW : 0);
}

/* Write @va's PTE (tables allocated on demand); -1 when out of pages. */
static int set_pte(struct i915pv_ppgtt *pp, uint64_t va, uint64_t pte)
{
	uint64_t pt = leaf_table(pp, va);

	if (!pt)
		return -1;
	entry_write(pp, pt, GEN8_PT_INDEX(va, GEN8_PTE_SHIFT), pte);
	return 0;
}

int i915pv_ppgtt_map(struct i915pv_ppgtt *pp, uint64_t va, uint64_t gpa,
		     bool writable)
{
	uint64_t pte = pte_of(gpa, writable);

	if (set_pte(pp, va, pte))
		return -1;
	return pp->pv ? pv_bind(pp, va, &pte, 0, 1) : 0;
}

int i915pv_ppgtt_map_range(struct i915pv_ppgtt *pp, uint64_t va,
			   const uint64_t *gpa, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (set_pte(pp, va + i * 4096ULL, pte_of(gpa[i], true)))
			return -1;
	/* The addresses are page aligned: the flags OR in. */
	return pp->pv ? pv_bind(pp, va, gpa, GEN8_PAGE_PRESENT | GEN8_PAGE_RW,
				n) :
			0;
}

/* Clear @va's PTE; whether it was present. */
static bool clear_pte(struct i915pv_ppgtt *pp, uint64_t va)
{
	uint64_t table = pp->pml4;
	uint32_t idx = GEN8_PT_INDEX(va, GEN8_PTE_SHIFT);
	int level;

	for (level = 0; level < 3; level++) {
		uint64_t e =
			entry_read(pp, table, GEN8_PT_INDEX(va, shifts[level]));

		if (!(e & GEN8_PAGE_PRESENT))
			return false;
		table = e & GEN9_PPGTT_ADDR_MASK;
	}
	if (!(entry_read(pp, table, idx) & GEN8_PAGE_PRESENT))
		return false;
	entry_write(pp, table, idx, 0);
	return true;
}

void i915pv_ppgtt_unmap(struct i915pv_ppgtt *pp, uint64_t va)
{
	/* A failure to queue is in dev->error; the next flush reports it. */
	if (clear_pte(pp, va) && pp->pv)
		pv_bind(pp, va, NULL, 0, 1);
}

int i915pv_ppgtt_unmap_range(struct i915pv_ppgtt *pp, uint64_t va, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		clear_pte(pp, va + i * 4096ULL);
	return pp->pv ? pv_bind(pp, va, NULL, 0, n) : 0;
}

/* PV fini: the run of bound pages being collected for one unbind. */
struct unbind_run {
	uint64_t va;
	uint32_t n;
};

static void run_flush(struct i915pv_ppgtt *pp, struct unbind_run *r)
{
	if (r->n)
		pv_bind(pp, r->va, NULL, 0, r->n);
	r->n = 0;
}

static void free_level(struct i915pv_ppgtt *pp, uint64_t table, int level,
		       uint64_t va, struct unbind_run *r)
{
	uint32_t i;

	for (i = 0; i < GEN8_PTES_PER_PAGE; i++) {
		uint64_t e = entry_read(pp, table, i);
		uint64_t at = va | (uint64_t)i << shifts[level];

		if (!(e & GEN8_PAGE_PRESENT))
			continue;
		if (level < 3) {
			free_level(pp, e & GEN9_PPGTT_ADDR_MASK, level + 1, at,
				   r);
		} else if (pp->pv) {
			/* Contiguous bound pages: one message per 512. */
			if (r->n && (r->va + r->n * 4096ULL != at ||
				     r->n == XENGT_PV_VMA_MAX_PAGES))
				run_flush(pp, r);
			if (!r->n)
				r->va = at;
			r->n++;
		}
	}
	table_free(pp, table);
	pp->tables--;
}

void i915pv_ppgtt_fini(struct i915pv_ppgtt *pp)
{
	struct unbind_run r = { 0, 0 };

	if (!pp->pml4)
		return;
	free_level(pp, pp->pml4, 0, 0, &r);
	if (pp->pv) {
		/*
		 * Nothing may stay bound to a root whose page is given back:
		 * its next user would find our mappings there.
		 */
		run_flush(pp, &r);
		i915pv_pv_flush(pp->pv);
	}
	pp->pml4 = 0;
}
