/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Guest side of XenGT: what an i915-style guest driver does with a vGPU,
 * as freestanding C (no libc) over a small accessor table, so the same code
 * runs in simulated VMs, in a PVH test guest under real Xen, and natively.
 *
 * It follows the stock i915's vGPU path (spec/i915-guest.md): find the
 * device, size and place its BARs, read the GGTT size from GMCH control,
 * check PVINFO (magic, version), balloon per spec/pvinfo.md, then use only
 * graphics memory inside its partition.
 */
#ifndef I915PV_H
#define I915PV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct i915pv_io {
	/* Config space of bus 0, device/function @devfn. */
	uint32_t (*cfg_read)(void *ctx, uint32_t devfn, uint32_t reg,
			     uint32_t size);
	void (*cfg_write)(void *ctx, uint32_t devfn, uint32_t reg,
			  uint32_t size, uint32_t val);
	/* Guest-physical MMIO. */
	uint64_t (*mmio_read)(void *ctx, uint64_t gpa, uint32_t size);
	void (*mmio_write)(void *ctx, uint64_t gpa, uint32_t size,
			   uint64_t val);
	/* The guest's own RAM at @gpa (a page at most), or NULL. */
	void *(*ram)(void *ctx, uint64_t gpa);
	/*
	 * A store to guest RAM that the hypervisor may trap: every write to
	 * a GPU page-table page goes through here, because the host
	 * write-protects those pages (a plain store in a real guest).
	 */
	void (*ram_write)(void *ctx, uint64_t gpa, uint32_t size, uint64_t val);
	void *ctx;
	/*
	 * Optional (may be NULL): called between polls of GPU state in
	 * memory, so a busy-waiting guest lets the GPU side progress.
	 */
	void (*relax)(void *ctx);
	/*
	 * Optional (may be NULL): microseconds since any fixed point.  With
	 * it, waits for the GPU end after I915PV_WAIT_US (as i915's request
	 * timeout), however busy the shared GPU is; without it, after a
	 * fixed number of polls.
	 */
	uint64_t (*clock_us)(void *ctx);
	/*
	 * Optional (may be NULL): how many of this guest's accesses have
	 * trapped so far (the simulator's count, or the test guest's own),
	 * for figures of a workload's steps (bind512's traps per bind).
	 */
	uint64_t (*traps)(void *ctx);
};

#define I915PV_WAIT_US 20000000ULL /* 20 s, unless dev->wait_us says */

struct i915pv_range {
	uint64_t start, end;
};

struct i915pv_pv;

struct i915pv_dev {
	const struct i915pv_io *io;
	uint32_t devfn;
	uint16_t device_id;
	uint64_t bar0, bar0_size; /* GTTMMADR */
	uint64_t bar2, bar2_size; /* aperture */
	uint64_t ggtt_total; /* graphics memory the GGTT maps */
	uint64_t mappable_end; /* = aperture size */

	/* PVINFO */
	uint64_t magic;
	uint16_t version_major, version_minor;
	uint32_t vgt_id, caps;
	uint64_t mappable_base, mappable_size;
	uint64_t nonmappable_base, nonmappable_size;
	uint32_t fence_num;

	struct i915pv_range balloon[4];
	int nr_balloon;
	uint64_t low_next, high_next; /* graphics memory bump allocators */
	bool native; /* no PVINFO: a bare GPU, the whole GGTT is ours */

	const char *error; /* why the last call failed */
	/* How long a wait for the GPU lasts with io->clock_us; 0: the default. */
	uint64_t wait_us;
	/* The PV extension in use (guest_pv.h), NULL: every path trapped. */
	struct i915pv_pv *pv;
};

#define I915PV_VGT_MAGIC 0x4776544776544776ULL
#define I915PV_PVINFO 0x78000ULL
#define I915PV_GGTT_OFFSET 0x800000ULL

/*
 * Find and bring up the vGPU: BAR0 is placed at @mmio_base, BAR2 after it.
 * Returns 0 or a negative error with dev->error set.
 */
int i915pv_probe(struct i915pv_dev *dev, const struct i915pv_io *io,
		 uint64_t mmio_base);
/*
 * As i915pv_probe(), but a device without PVINFO is accepted as a bare
 * (native) GPU: dev->native is set and the "partition" is the whole GGTT,
 * so i915pv_balloon() reserves nothing.  The baseline of the benchmarks.
 */
int i915pv_probe_any(struct i915pv_dev *dev, const struct i915pv_io *io,
		     uint64_t mmio_base);
/* Reserve what is not ours (the spec's four ranges, in order). */
int i915pv_balloon(struct i915pv_dev *dev);
/* Undo the balloon, in reverse order. */
void i915pv_deballoon(struct i915pv_dev *dev);
/* True if [start, end) overlaps a ballooned range. */
bool i915pv_ballooned(const struct i915pv_dev *dev, uint64_t start,
		      uint64_t end);
/* Allocate graphics memory inside the partition (mappable = low). */
int i915pv_gm_alloc(struct i915pv_dev *dev, uint64_t size, bool mappable,
		    uint64_t *gm);
/* GGTT entry for graphics page @gm: map guest page @gpa, read it back. */
void i915pv_ggtt_map(struct i915pv_dev *dev, uint64_t gm, uint64_t gpa);
uint64_t i915pv_ggtt_read(struct i915pv_dev *dev, uint64_t gm);
/* Clear the GGTT entry for graphics page @gm (not present). */
void i915pv_ggtt_unmap(struct i915pv_dev *dev, uint64_t gm);

/*
 * The skeleton's guest job: allocate @npages in low and in high graphics
 * memory, fill guest pages from @ram_gpa on with a per-page pattern, map
 * them through the GGTT and read every entry back.  The caller can then
 * have the GPU read them to check the translation.
 * Returns the number of GGTT entries written, or a negative error.
 */
struct i915pv_ggtt_job {
	uint64_t ram_gpa; /* first free guest page to use */
	uint32_t npages; /* per slice */
	uint64_t low_gm, high_gm; /* where the job mapped them */
	uint32_t seed;
};
int i915pv_ggtt_job_run(struct i915pv_dev *dev, struct i915pv_ggtt_job *job);
/* The 32-bit pattern word @i of page @page of a job. */
uint32_t i915pv_pattern(uint32_t seed, uint32_t page, uint32_t i);

#endif /* I915PV_H */
