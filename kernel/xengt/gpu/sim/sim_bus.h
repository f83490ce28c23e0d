/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The memory bus the software GPU does DMA on.  Whoever owns "machine
 * memory" in a world implements it: the simulated machine (hv/sim.c), or a
 * device model's mapping cache of guest frames (tools/xengt-dm).
 */
#ifndef XENGT_SIM_BUS_H
#define XENGT_SIM_BUS_H

#include "os.h"

/*
 * The machine's hottest trivial accessors: no coverage tracing under
 * libFuzzer (they are the test bench, not what is fuzzed, and tracing
 * their comparisons cost more than they do).
 */
#if defined(__clang__)
#define SIM_NOCOV __attribute__((no_sanitize("coverage")))
#else
#define SIM_NOCOV
#endif

#define SIM_OWNER_HOST 0 /* the host / the GVT core's own frames */
#define SIM_OWNER_NONE 0xffff /* free or no such frame */

struct sim_bus;

struct sim_bus_ops {
	/*
	 * The 4 KiB frame at DMA page @pfn and the domain owning it, or NULL
	 * (with *owner = SIM_OWNER_NONE) when nothing is there.
	 */
	u8 *(*frame)(struct sim_bus *bus, u64 pfn, u16 *owner);
	/* A zeroed frame owned by the host, or NULL; and its release. */
	u8 *(*alloc_host_frame)(struct sim_bus *bus, u64 *pfn);
	void (*free_host_frame)(struct sim_bus *bus, u64 pfn);
};

struct sim_bus {
	const struct sim_bus_ops *ops;
};

#endif /* XENGT_SIM_BUS_H */
