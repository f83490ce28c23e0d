// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Contiguous-range allocator (see range_alloc.h).
 * Callers serialise with gvt->lock.
 */
#include "range_alloc.h"

static bool unit_used(const struct range_alloc *ra, u32 u)
{
	return ra->bitmap[u / 64] & (1ULL << (u % 64));
}

static void unit_set(struct range_alloc *ra, u32 u, bool used)
{
	if (used)
		ra->bitmap[u / 64] |= 1ULL << (u % 64);
	else
		ra->bitmap[u / 64] &= ~(1ULL << (u % 64));
}

int range_alloc_init(struct range_alloc *ra, const char *name, u32 nr_units)
{
	ra->name = name;
	ra->nr_units = nr_units;
	ra->used_units = 0;
	ra->bitmap = os_zalloc(((nr_units + 63) / 64 + 1) * sizeof(u64));
	return ra->bitmap ? 0 : -ENOMEM;
}

void range_alloc_fini(struct range_alloc *ra)
{
	os_free(ra->bitmap);
	ra->bitmap = NULL;
}

static bool range_free(const struct range_alloc *ra, u32 first, u32 count)
{
	u32 u;

	for (u = first; u < first + count; u++)
		if (unit_used(ra, u))
			return false;
	return true;
}

static void range_mark(struct range_alloc *ra, u32 first, u32 count, bool used)
{
	u32 u;

	for (u = first; u < first + count; u++)
		unit_set(ra, u, used);
	if (used)
		ra->used_units += count;
	else
		ra->used_units -= count;
}

/*
 * A bitmap word all used, or all free and not completing the run, is
 * stepped over at once: the GM spaces have thousands of units and every
 * vGPU creation scans them.
 */
static bool range_skip_word(const struct range_alloc *ra, u32 u, u32 run,
			    u32 count, bool *used)
{
	u64 w;

	if (u % 64 || ra->nr_units - u < 64)
		return false;
	w = ra->bitmap[u / 64];
	*used = w == ~0ULL;
	return *used || (!w && run + 64 < count);
}

s64 range_alloc_get(struct range_alloc *ra, u32 count)
{
	u32 u = 0, first, run = 0;
	bool used;

	if (count == 0 || count > ra->nr_units)
		return -ENOSPC;
	while (u < ra->nr_units) {
		if (range_skip_word(ra, u, run, count, &used)) {
			run = used ? 0 : run + 64;
			u += 64;
			continue;
		}
		run = unit_used(ra, u) ? 0 : run + 1;
		u++;
		if (run == count) {
			first = u - count;
			range_mark(ra, first, count, true);
			return first;
		}
	}
	return -ENOSPC;
}

int range_alloc_reserve(struct range_alloc *ra, u32 first, u32 count)
{
	if (first > ra->nr_units || count > ra->nr_units - first)
		return -EINVAL;
	if (!range_free(ra, first, count))
		return -EBUSY;
	range_mark(ra, first, count, true);
	return 0;
}

void range_alloc_put(struct range_alloc *ra, u32 first, u32 count)
{
	range_mark(ra, first, count, false);
}

u32 range_alloc_largest_free(const struct range_alloc *ra)
{
	u32 u = 0, run = 0, best = 0;
	bool used;

	while (u < ra->nr_units) {
		/* A free word never completes a run of ~0U: always skipped. */
		if (range_skip_word(ra, u, run, ~0U - 64, &used)) {
			run = used ? 0 : run + 64;
			u += 64;
		} else {
			run = unit_used(ra, u) ? 0 : run + 1;
			u++;
		}
		if (run > best)
			best = run;
	}
	return best;
}

u32 range_alloc_free(const struct range_alloc *ra)
{
	return ra->nr_units - ra->used_units;
}
