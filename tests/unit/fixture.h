/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Shared test fixture: a simulated world (machine, software GPU, core) with
 * VMs and vGPUs, plus short-hands for trapped accesses.  cmocka tests
 * include this after cmocka.h.
 */
#ifndef XENGT_TEST_FIXTURE_H
#define XENGT_TEST_FIXTURE_H

#include "world.h"
/* White-box: the core's own headers (only tests may include them). */
#include "gvt.h"
#include "vgpu.h"
#include "mmio.h"
#include "cfg_space.h"
#include "pvinfo.h"
#include "regs.h"

/* A world with one VM per type in @types (NULL-terminated). */
struct world *fx_world(const char *const *types);
void fx_world_free(struct world *w);

u32 fx_rd32(struct vgpu *v, u64 off);
u64 fx_rd64(struct vgpu *v, u64 off);
void fx_wr32(struct vgpu *v, u64 off, u32 val);
void fx_wr64(struct vgpu *v, u64 off, u64 val);
u32 fx_cfg_rd(struct vgpu *v, u32 off, u32 bytes);
void fx_cfg_wr(struct vgpu *v, u32 off, u32 bytes, u32 val);

/* Everything logged since the last fx_log_reset(), newline separated. */
void fx_log_capture(void);
void fx_log_reset(void);
const char *fx_log_text(void);

/* Deterministic pseudo-random numbers for sweeps. */
u64 fx_rand(u64 *state);

#endif /* XENGT_TEST_FIXTURE_H */
