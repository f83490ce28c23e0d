/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Contiguous-range allocator over a small bitmap of fixed-size units
 * (1 MiB of graphics memory, one fence register).  First fit: partitions
 * are few (at most XENGT_MAX_VGPUS + the host) and made rarely.
 */
#ifndef XENGT_RANGE_ALLOC_H
#define XENGT_RANGE_ALLOC_H

#include "os.h"

struct range_alloc {
	const char *name; /* the resource, for error messages */
	u32 nr_units;
	u32 used_units;
	u64 *bitmap;
};

int range_alloc_init(struct range_alloc *ra, const char *name, u32 nr_units);
void range_alloc_fini(struct range_alloc *ra);
/* Allocate @count contiguous units; returns the first unit or -ENOSPC. */
s64 range_alloc_get(struct range_alloc *ra, u32 count);
/* Take a specific range (host reservation); -EBUSY if any unit is taken. */
int range_alloc_reserve(struct range_alloc *ra, u32 first, u32 count);
void range_alloc_put(struct range_alloc *ra, u32 first, u32 count);
/* Length of the longest free run, for "what is left" messages. */
u32 range_alloc_largest_free(const struct range_alloc *ra);
/* Free units in all. */
u32 range_alloc_free(const struct range_alloc *ra);

#endif /* XENGT_RANGE_ALLOC_H */
