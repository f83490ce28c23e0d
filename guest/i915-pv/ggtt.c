// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * GGTT use by the guest (see i915pv.h).
 */
#include "i915pv.h"

#define GEN8_PAGE_PRESENT 1ULL

static uint64_t pte_offset(uint64_t gm)
{
	return I915PV_GGTT_OFFSET + (gm >> 12) * 8;
}

void i915pv_ggtt_map(struct i915pv_dev *dev, uint64_t gm, uint64_t gpa)
{
	dev->io->mmio_write(dev->io->ctx, dev->bar0 + pte_offset(gm), 8,
			    (gpa & ~4095ULL) | GEN8_PAGE_PRESENT);
}

void i915pv_ggtt_unmap(struct i915pv_dev *dev, uint64_t gm)
{
	dev->io->mmio_write(dev->io->ctx, dev->bar0 + pte_offset(gm), 8, 0);
}

uint64_t i915pv_ggtt_read(struct i915pv_dev *dev, uint64_t gm)
{
	return dev->io->mmio_read(dev->io->ctx, dev->bar0 + pte_offset(gm), 8);
}

uint32_t i915pv_pattern(uint32_t seed, uint32_t page, uint32_t i)
{
	uint32_t x = seed ^ (page * 0x9e3779b1U) ^ (i * 0x85ebca6bU);

	x ^= x >> 15;
	x *= 0x2c1b3c6dU;
	x ^= x >> 12;
	return x;
}

static int map_slice(struct i915pv_dev *dev, struct i915pv_ggtt_job *job,
		     bool mappable, uint32_t first_page, uint64_t *gm_out)
{
	uint64_t gm;
	uint32_t p, i;

	if (i915pv_gm_alloc(dev, (uint64_t)job->npages * 4096, mappable, &gm))
		return -1;
	*gm_out = gm;
	for (p = 0; p < job->npages; p++) {
		uint32_t page = first_page + p;
		uint64_t gpa = job->ram_gpa + (uint64_t)page * 4096;
		uint32_t *ram = dev->io->ram(dev->io->ctx, gpa);

		if (!ram) {
			dev->error = "job pages are not guest RAM";
			return -1;
		}
		for (i = 0; i < 1024; i++)
			ram[i] = i915pv_pattern(job->seed, page, i);
		i915pv_ggtt_map(dev, gm + (uint64_t)p * 4096, gpa);
	}
	for (p = 0; p < job->npages; p++) {
		uint64_t gpa = job->ram_gpa + (uint64_t)(first_page + p) * 4096;

		if (i915pv_ggtt_read(dev, gm + (uint64_t)p * 4096) !=
		    (gpa | GEN8_PAGE_PRESENT)) {
			dev->error = "GGTT entry read back differs";
			return -1;
		}
	}
	return 0;
}

int i915pv_ggtt_job_run(struct i915pv_dev *dev, struct i915pv_ggtt_job *job)
{
	if (map_slice(dev, job, true, 0, &job->low_gm) ||
	    map_slice(dev, job, false, job->npages, &job->high_gm))
		return -1;
	return 2 * job->npages;
}
