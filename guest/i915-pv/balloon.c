// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Address-space ballooning, exactly as spec/pvinfo.md (and i915's
 * intel_vgt_balloon) does it: reserve, never allocate from, everything
 * outside the vGPU's two slices.
 */
#include "i915pv.h"

static void reserve(struct i915pv_dev *dev, uint64_t start, uint64_t end)
{
	if (start >= end)
		return;
	dev->balloon[dev->nr_balloon].start = start;
	dev->balloon[dev->nr_balloon].end = end;
	dev->nr_balloon++;
}

int i915pv_balloon(struct i915pv_dev *dev)
{
	uint64_t mappable_end = dev->mappable_base + dev->mappable_size;
	uint64_t unmappable_end = dev->nonmappable_base + dev->nonmappable_size;

	dev->nr_balloon = 0;
	if (mappable_end > dev->mappable_end ||
	    dev->nonmappable_base < dev->mappable_end ||
	    unmappable_end > dev->ggtt_total) {
		dev->error = "invalid ballooning configuration in PVINFO";
		return -1;
	}
	/* 1. [GGTT mappable end, nonmappable base) */
	reserve(dev, dev->mappable_end, dev->nonmappable_base);
	/* 2. [nonmappable end, GGTT end) */
	reserve(dev, unmappable_end, dev->ggtt_total);
	/* 3. [0, mappable base) */
	reserve(dev, 0, dev->mappable_base);
	/* 4. [mappable end, GGTT mappable end) */
	reserve(dev, mappable_end, dev->mappable_end);

	dev->low_next = dev->mappable_base;
	dev->high_next = dev->nonmappable_base;
	return 0;
}

/* The reservations are bookkeeping only: undoing them is forgetting them. */
void i915pv_deballoon(struct i915pv_dev *dev)
{
	dev->nr_balloon = 0;
}

bool i915pv_ballooned(const struct i915pv_dev *dev, uint64_t start,
		      uint64_t end)
{
	int i;

	for (i = 0; i < dev->nr_balloon; i++)
		if (start < dev->balloon[i].end && dev->balloon[i].start < end)
			return true;
	return false;
}

int i915pv_gm_alloc(struct i915pv_dev *dev, uint64_t size, bool mappable,
		    uint64_t *gm)
{
	uint64_t *next = mappable ? &dev->low_next : &dev->high_next;
	uint64_t limit = mappable ?
				 dev->mappable_base + dev->mappable_size :
				 dev->nonmappable_base + dev->nonmappable_size;

	size = (size + 4095) & ~4095ULL;
	if (!size || *next + size > limit ||
	    i915pv_ballooned(dev, *next, *next + size)) {
		dev->error = "out of graphics memory in the partition";
		return -1;
	}
	*gm = *next;
	*next += size;
	return 0;
}
