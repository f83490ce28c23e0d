// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Guest 4-level PPGTT (see ppgtt.h).
 */
#include "ppgtt.h"
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

	io->ram_write(io->ctx, table + idx * 8ULL, 8, val);
	pp->pte_writes++;
}

int i915pv_ppgtt_init(struct i915pv_ppgtt *pp, struct i915pv_pages *pages)
{
	*pp = (struct i915pv_ppgtt){ .pages = pages };
	pp->pml4 = i915pv_pt_page_alloc(pages);
	if (!pp->pml4)
		return -1;
	pp->tables = 1;
	return 0;
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
			uint64_t next = i915pv_pt_page_alloc(pp->pages);

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

int i915pv_ppgtt_map(struct i915pv_ppgtt *pp, uint64_t va, uint64_t gpa,
		     bool writable)
{
	uint64_t pt = leaf_table(pp, va);

	if (!pt)
		return -1;
	entry_write(pp, pt, GEN8_PT_INDEX(va, GEN8_PTE_SHIFT),
		    (gpa & GEN9_PPGTT_ADDR_MASK) | GEN8_PAGE_PRESENT |
			    (writable ? GEN8_PAGE_RW : 0));
	return 0;
}

int i915pv_ppgtt_map_range(struct i915pv_ppgtt *pp, uint64_t va,
			   const uint64_t *gpa, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (i915pv_ppgtt_map(pp, va + i * 4096ULL, gpa[i], true))
			return -1;
	return 0;
}

void i915pv_ppgtt_unmap(struct i915pv_ppgtt *pp, uint64_t va)
{
	uint64_t table = pp->pml4;
	int level;

	for (level = 0; level < 3; level++) {
		uint64_t e =
			entry_read(pp, table, GEN8_PT_INDEX(va, shifts[level]));

		if (!(e & GEN8_PAGE_PRESENT))
			return;
		table = e & GEN9_PPGTT_ADDR_MASK;
	}
	entry_write(pp, table, GEN8_PT_INDEX(va, GEN8_PTE_SHIFT), 0);
}

static void free_level(struct i915pv_ppgtt *pp, uint64_t table, int level)
{
	uint32_t i;

	if (level < 3) {
		for (i = 0; i < GEN8_PTES_PER_PAGE; i++) {
			uint64_t e = entry_read(pp, table, i);

			if (e & GEN8_PAGE_PRESENT)
				free_level(pp, e & GEN9_PPGTT_ADDR_MASK,
					   level + 1);
		}
	}
	i915pv_pt_page_free(pp->pages, table);
	pp->tables--;
}

void i915pv_ppgtt_fini(struct i915pv_ppgtt *pp)
{
	if (pp->pml4)
		free_level(pp, pp->pml4, 0);
	pp->pml4 = 0;
}
