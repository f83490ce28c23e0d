/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The software Gen9 GPU: the physical GPU of the simulated and real-Xen
 * test worlds.  Formats are Gen9's own as the stock i915 (6.1) uses them
 * (gpu/gen9.h); nothing here is a private format.
 *
 * What it models:
 *  - a Skylake GT2 (8086:1912) identity, 512 MiB aperture, 4 GiB GGTT,
 *    32 fence registers;
 *  - the physical GGTT (Gen8 PTEs: present bit, 39-bit address) and 4-level
 *    48-bit PPGTTs (present and RW bits at every level, 4 KiB pages);
 *  - the render (RCS) and blitter (BCS) engines with execlist submission:
 *    ELSP as four dword writes (element 1 hi, lo, element 0 hi, lo; the
 *    fourth submits), the logical ring context image read through the GGTT
 *    at the LRCA (ring head/tail/start/ctl at CTX_RING_*, PML4 at
 *    CTX_PDP0_*), the ring buffer and batch buffers (1st and 2nd level,
 *    chained), the command streamer (sim_cs.h lists the commands), and on
 *    completion the context image written back (ring head = tail,
 *    CTX_TIMESTAMP += run time), context status events in the CSB of the
 *    hardware status page (RING_HWS_PGA) and in the CSB registers, the GT
 *    interrupt registers (ISR/IMR/IIR/IER per bank, master control) and a
 *    call of the registered interrupt handler when the interrupt is
 *    asserted (sim_gpu.irq_handler);
 *  - VCS and VECS as idle register blocks: an ELSP submission there is
 *    refused (counted, RING_EIR set);
 *  - masked registers (RING_MI_MODE: MODE_IDLE follows STOP_RING;
 *    RING_MODE_GEN7; RING_RESET_CTL: READY_TO_RESET follows REQUEST_RESET),
 *    GEN6_GDRST (engine resets, complete at once), write-1-to-clear IIRs
 *    and RING_EIR; every other register is plain storage;
 *  - a deterministic GPU clock: time advances only while an engine
 *    executes, by the cost model in sim_cs.h; RING_TIMESTAMP of an engine
 *    reads the ticks it has executed;
 *  - a watchdog per context run (ticks and batch-buffer starts), so an
 *    endless batch chain ends as a hang: the context is stopped, an error
 *    recorded (RING_EIR, GT_CS_MASTER_ERROR_INTERRUPT, sim_engine error),
 *    the CSB reports it completed, the engine is reset; nothing else is
 *    touched;
 *  - isolation bookkeeping: every memory access (data, commands, context
 *    images, page-table reads, status page) is recorded with its requester
 *    (the domain registered for the context ID's top byte, see
 *    sim_gpu_set_tag_owner()), the owner of the frame it touched and why
 *    (enum sim_access): a frame of another domain or of nobody is foreign,
 *    a command operand of a domain on a host frame is a host escape.
 *
 * The GVT core does not drive those registers itself: gpu.h is at
 * submission level, and sim_host.c is the host driver that implements it
 * on this device (status pages, execlist mode, interrupts, ELSP, the CSB),
 * as i915 would for a real GPU.
 *
 * What it does not model: the 3D and media pipelines (render commands other
 * than PIPE_CONTROL are skipped by their length), display, fences/tiling,
 * huge pages, preemption and lite restore (a submission runs to completion
 * inside the fourth ELSP write, element 0 then element 1), the LRI list of
 * the context image (fixed CTX_* slots are read instead), restore-inhibit,
 * caches and TLB invalidation commands (the PPGTT TLB is flushed at every
 * context restore), real time.  A not-present GGTT or PPGTT entry stops the
 * context with a page-table error (real hardware would hit the scratch
 * page); the faulting access never touches memory.
 */
#ifndef XENGT_SIM_GPU_H
#define XENGT_SIM_GPU_H

#include "os.h"
#include "../../core/gpu.h"
#include "gen9.h"
#include "sim_bus.h"
#include "sim_engine.h"

#define SIM_GPU_DEVICE_ID 0x1912 /* Skylake GT2 */
#define SIM_GPU_REVISION 0x07
#define SIM_GPU_APERTURE XENGT_MB(512)
#define SIM_GPU_GM_SIZE XENGT_GB(4)
#define SIM_GPU_FENCES 32
#define SIM_GPU_MMIO_SIZE 0x200000U
#define SIM_GPU_MAX_DOMAINS 64
#define SIM_GPU_TAGS 256
/* Graphics memory sim_host.c keeps for its engines' status pages. */
#define SIM_HOST_GM_SIZE XENGT_KB(64)

/* Watchdog defaults: per context run. */
#define SIM_GPU_WATCHDOG_TICKS (1ULL << 26)
#define SIM_GPU_WATCHDOG_BB_STARTS 4096U

/*
 * Written only by the holder of exec_lock (memory accesses are made by the
 * one command streamer running, or by sim_gpu_gm_access() under the same
 * lock), read at any time with os_atomic_read().  Counting is a plain add,
 * not a locked one: each memory access of the GPU counts twice or more,
 * and locked adds were the costliest part of the software GPU's run.
 */
static inline void sim_stat_add(u64 *p, u64 n)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
}

struct sim_gpu_stats {
	u64 accesses; /* page-sized or smaller memory accesses */
	u64 faults; /* not-present GGTT/PPGTT entry or no frame behind it */
	u64 host; /* frames of the host (the core's structures) for a domain */
	/* The same by why the GPU went there (enum sim_access, sim_mem.h). */
	u64 host_by_kind[SIM_ACC_KINDS];
	/*
	 * A domain's command operand (SIM_ACC_DATA) on a host frame: the
	 * guest reached the core's memory.  Never legitimate, counted as
	 * an isolation failure like foreign (the GPU's own walks, fetches,
	 * context and status-page accesses of host frames are not).
	 */
	u64 host_escapes;
	u64 foreign; /* frame of another domain, or of nobody */
	u64 by_requester[SIM_GPU_MAX_DOMAINS];
	u64 foreign_by_requester[SIM_GPU_MAX_DOMAINS];
	u64 host_escapes_by_requester[SIM_GPU_MAX_DOMAINS];
	/* GPU time (ticks of the cost model) spent on each requester's work. */
	u64 ticks_by_requester[SIM_GPU_MAX_DOMAINS];
	u64 contexts_by_requester[SIM_GPU_MAX_DOMAINS];
};

struct sim_gpu {
	struct xengt_gpu base;
	struct sim_bus *bus;
	u32 *regs;
	u64 *ggtt;
	u32 ggtt_entries;
	struct sim_gpu_stats stats;

	struct sim_engine engines[SIM_NUM_ENGINES];
	/* Requester domain of each context-ID tag (top byte of the ID). */
	u16 tag_owner[SIM_GPU_TAGS];
	u64 watchdog_ticks;
	u32 watchdog_bb_starts;
	/* Scratch row for blits (a row is at most 65535 * 4 bytes). */
	u8 *blit_row;
	/* One command streamer at a time: execution is serialised. */
	struct os_mutex exec_lock;
	/*
	 * Interrupt delivery (see sim_gpu_deliver_irq()): the handler of
	 * whoever drives the device (sim_host.c), or NULL (a polling driver).
	 */
	void (*irq_handler)(struct sim_gpu *g);
	int irq_busy, irq_raised;

	/* Host-driver state of sim_host.c, per executing engine. */
	const struct xengt_gpu_client *client;
	struct sim_host_engine {
		u8 *hwsp; /* its status page (a host frame) */
		u64 hwsp_pfn;
		u64 hwsp_gm; /* where it is mapped */
		u32 csb_read; /* last CSB entry consumed */
		u32 ctx_id; /* of the context in flight */
		u64 cookie;
		bool busy;
	} host[XENGT_NR_ENGINES];
};

/* The gpu.h implementation (sim_host.c). */
extern const struct xengt_gpu_ops sim_host_gpu_ops;

static inline struct sim_gpu *to_sim_gpu(struct xengt_gpu *gpu)
{
	return (struct sim_gpu *)((u8 *)gpu -
				  __builtin_offsetof(struct sim_gpu, base));
}

/* @bus may be NULL (no memory behind the GPU: every access faults). */
int sim_gpu_init(struct sim_gpu *g, struct sim_bus *bus);
void sim_gpu_fini(struct sim_gpu *g);

/*
 * Attribute work submitted with context-ID tag @tag (bits 31:24 of the
 * descriptor's upper dword) to domain @domid.  Unregistered tags belong to
 * SIM_OWNER_NONE, so every access they make counts as foreign.  The GVT
 * core registers its vGPU ids; a native driver registers its own tag.
 */
void sim_gpu_set_tag_owner(struct sim_gpu *g, u8 tag, u16 domid);
/* Watchdog budget per context run; 0 keeps the current value. */
void sim_gpu_set_watchdog(struct sim_gpu *g, u64 ticks, u32 bb_starts);

/*
 * Read or write @len bytes of graphics memory at @gm through the GGTT on
 * behalf of domain @requester, recording the owner of every frame touched,
 * as a command's data access would (SIM_ACC_DATA: a host frame counts as
 * an escape).  Returns 0 or -EFAULT (some page not mapped; the rest is
 * still done).  Takes exec_lock (as a command streamer would hold the
 * memory path).  Any thread: tests and tools checking what a domain's GPU
 * work would see.
 */
int sim_gpu_gm_access(struct sim_gpu *g, u16 requester, u64 gm, void *buf,
		      u32 len, bool write);

/* One GGTT entry as the CPU sees it in BAR0 (index = address >> 12). */
u64 sim_gpu_ggtt_read(struct sim_gpu *g, u32 index);
void sim_gpu_ggtt_write(struct sim_gpu *g, u32 index, u64 pte);

/* Register access as the CPU sees it (with side effects). */
u32 sim_gpu_reg_read(struct sim_gpu *g, u32 offset);
/* The same from inside the device (exec_lock held). */
u32 sim_gpu_reg_read_locked(struct sim_gpu *g, u32 offset);
void sim_gpu_reg_write(struct sim_gpu *g, u32 offset, u32 val);
/*
 * @n writes to the one register @offset, in order, as back-to-back MMIO
 * writes (the four ELSP dwords of a submission): interrupts are delivered
 * after the last.
 */
void sim_gpu_reg_write_seq(struct sim_gpu *g, u32 offset, const u32 *vals,
			   u32 n);

/* Internal to gpu/sim: interrupts, accounting, LRI (-EINVAL if refused). */
int sim_gpu_cs_reg_write(struct sim_gpu *g, u32 offset, u32 val);
void sim_gpu_raise(struct sim_gpu *g, struct sim_engine *e, u32 bits);
void sim_gpu_deliver_irq(struct sim_gpu *g);
/* One access of @requester to a frame of @owner, for @kind (sim_mem.c). */
void sim_gpu_record(struct sim_gpu *g, u16 requester, u16 owner,
		    enum sim_access kind);
u16 sim_gpu_requester_slot(u16 requester);

#endif /* XENGT_SIM_GPU_H */
