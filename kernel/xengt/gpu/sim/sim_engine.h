/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Engines of the software GPU: execlist submission port, context image
 * restore/save, context status buffer and the engine's interrupt bits.
 * All entry points are called with sim_gpu.exec_lock held.
 */
#ifndef XENGT_SIM_ENGINE_H
#define XENGT_SIM_ENGINE_H

#include "os.h"
#include "sim_mem.h"

struct sim_gpu;

enum sim_engine_id {
	SIM_RCS,
	SIM_BCS,
	SIM_VCS,
	SIM_VECS,
	SIM_NUM_ENGINES,
};

/* Longest command the streamer buffers: LRI of 127 registers + header. */
#define SIM_CS_MAX_DWORDS 260

struct sim_engine_stats {
	u64 submissions; /* fourth ELSP writes */
	u64 contexts; /* elements run */
	u64 faults; /* contexts stopped by a GGTT/PPGTT fault */
	u64 hangs; /* contexts stopped by the watchdog */
	u64 bad_cmds; /* contexts stopped by a bad or unmodelled command */
	u64 bad_ctx; /* unreadable or unsupported context images */
	u64 bad_elsp; /* submissions refused: invalid element 0, idle engine */
	u64 resets;
	u64 user_interrupts;
	u64 commands;
	u64 state_cmds; /* 3D state and draws (gen9_3d.h), nothing drawn */
};

struct sim_engine {
	struct sim_gpu *g;
	const char *name;
	enum sim_engine_id id;
	u32 base; /* MMIO base */
	u32 irq_bank, irq_shift, master_bit;

	u32 elsp[4];
	u32 elsp_n; /* dwords written since the last submission */
	u32 csb_wp; /* index of the last CSB entry written */
	u32 csb_rp; /* software's read pointer (RING_CONTEXT_STATUS_PTR) */
	u64 ticks; /* GPU clock of this engine: RING_TIMESTAMP */

	/* State of the run in progress. */
	struct sim_as as;
	u32 cmd[SIM_CS_MAX_DWORDS];
	bool user_irq;

	struct sim_engine_stats stats;
	int last_err; /* 0, -EFAULT, -EPERM, -EINVAL, -ETIMEDOUT */
	char error[160]; /* why the last context was stopped */
};

void sim_engine_init(struct sim_engine *e, struct sim_gpu *g,
		     enum sim_engine_id id);
/* Engine reset: submission port and CSB pointers back to power-on. */
void sim_engine_reset(struct sim_engine *e);
/*
 * One dword written to the engine's ELSP.  The fourth runs the submission
 * (element 0, then element 1 if valid) to completion and posts its events.
 */
void sim_engine_elsp_write(struct sim_engine *e, u32 val);
/* Stop the current context with @err: "@what at @addr" (streamer's use). */
int sim_engine_fail(struct sim_engine *e, int err, const char *what, u64 addr);

#endif /* XENGT_SIM_ENGINE_H */
