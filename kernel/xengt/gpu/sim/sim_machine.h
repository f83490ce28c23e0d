/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The simulated host's machine memory: frames with an owner each (the
 * host, a domain, or nobody), handed out from a shuffled free stack so
 * that a VM's RAM is scattered (GFN != MFN).  It is the memory bus of the
 * software GPU (DMA page = machine frame) and what the simulated
 * hypervisor (hv/sim.h) takes guest RAM from; neither owns it.
 *
 * User space only (xengt-sim and the tests).  The frame allocator takes
 * the machine's lock; frame() is lock-free (owners change only when a
 * frame is allocated or released, never while a GPU may reach it).
 */
#ifndef XENGT_SIM_MACHINE_H
#define XENGT_SIM_MACHINE_H

#include "os.h"
#include "sim_bus.h"

struct sim_machine {
	struct sim_bus bus;
	/*
	 * Page aligned, so that a frame is a page of the process: a test can
	 * write-protect single frames (tests/fuzz: its victims' RAM).
	 */
	u8 *mem;
	u8 *mem_alloc; /* what mem was carved from */
	u16 *owner;
	u64 nr_frames;
	u64 *free_frames; /* shuffled stack, so VM RAM is scattered */
	u64 nr_free;
	struct os_mutex lock;
};

/* @nr_frames of memory, scattered by @seed (0: a fixed default). */
int sim_machine_init(struct sim_machine *m, u64 nr_frames, u32 seed);
void sim_machine_fini(struct sim_machine *m);
/* A zeroed frame for @owner, or ~0ULL when memory is exhausted. */
u64 sim_machine_alloc(struct sim_machine *m, u16 owner);
void sim_machine_release(struct sim_machine *m, u64 mfn);
/* Frames not owned by anyone: a leak check for tests. */
u64 sim_machine_free_frames(struct sim_machine *m);

#endif /* XENGT_SIM_MACHINE_H */
