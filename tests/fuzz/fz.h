/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The fuzzing world and its isolation oracle, shared by every libFuzzer
 * target in tests/fuzz (see README.md there).
 *
 * One simulated machine, the software GPU and the GVT core built for user
 * space, with three small VMs on it: the attacker in the middle (VM 1),
 * so that a victim's partition borders it on both sides in low and high
 * GM, and two victims (VMs 0 and 2).  Every input starts from a fresh
 * attacker: fz_begin() zeroes its RAM, creates its vGPU and sets it up
 * (contexts, rings, status pages, an empty PPGTT, as tests/unit/wl.c
 * builds them), with the engines' clocks where they were after set-up;
 * fz_end() destroys it again, so an input reproduces alone.  (The world
 * itself is made once: run.sh equiv checks that each input is seen the
 * same as in a world of its own.)
 *
 * fz_end() waits for the GPU and checks, after every input:
 *  - the software GPU touched no frame of another domain or of nobody
 *    (sim_gpu stats.foreign unchanged), and no command's operand (store,
 *    post-sync write, blit, SRM) landed on a host frame, the core's own
 *    memory (stats.host_escapes unchanged; its page walks, command
 *    fetches, context and status-page accesses of host frames are the
 *    GPU's own, sim_mem.h enum sim_access);
 *  - every physical GGTT entry written while the input ran lies in the
 *    attacker's partition (and is the shadow of a guest entry) or in the
 *    core's own range (and maps a host frame); nothing else of the GGTT
 *    changed;
 *  - each of the attacker's physical entries equals shadow(guest entry),
 *    computed here from the simulated p2m, not by the core;
 *  - both victims' RAM is unchanged: the pages their own work writes are
 *    compared with a snapshot, all others are read-only (mprotect) for
 *    the life of the world, so a write to them faults where it happens;
 *    and each victim then runs a store that must land and complete (no
 *    lost or wrong result, not in failsafe);
 *  - host frames: free + core-mapped frames are what they were once the
 *    attacker is destroyed (nothing of it leaked).
 * A violation prints "fuzz oracle: ..." and aborts, which libFuzzer
 * reports as a crash with the input saved.
 *
 * Single-threaded callers (libFuzzer's), except that the core's
 * dispatchers run beside them.
 */
#ifndef XENGT_FUZZ_FZ_H
#define XENGT_FUZZ_FZ_H

#include <stddef.h>
#include <stdint.h>

#include "wl.h"

#define FZ_VMS 3
#define FZ_ATTACKER 1
#define FZ_RAM XENGT_KB(256) /* per VM: 64 pages */

/* The attacker's guest, fresh for this input (the world is set up once). */
struct wl_guest *fz_begin(void);
/* Drain, run the oracle (aborts on a violation), victims' liveness. */
void fz_end(void);
struct world *fz_world(void);
/*
 * Dispatch is paused: queued work runs only here, in the caller's thread
 * (so an input's outcome does not depend on thread timing).
 */
void fz_run_gpu(void);

/* Report a violation and abort. */
void fz_violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Consuming an input: past its end every read returns zeroes. */
struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline bool fz_more(const struct fz_in *in)
{
	return in->n > 0;
}

u8 fz_u8(struct fz_in *in);
u16 fz_u16(struct fz_in *in);
u32 fz_u32(struct fz_in *in);
u64 fz_u64(struct fz_in *in);

/*
 * A graphics address of interest to an attacker: near an edge of its low
 * or high partition (both sides, every alignment), inside it, in the
 * core's range, or raw.
 */
u64 fz_pick_gm(struct fz_in *in, const struct vgpu *v);
/* A guest-physical address: own RAM, its last bytes, past it, or raw. */
u64 fz_pick_gpa(struct fz_in *in);

#endif /* XENGT_FUZZ_FZ_H */
