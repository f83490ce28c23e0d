// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The fuzzing world and its isolation oracle (see fz.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* REG_RIP: who wrote a victim's page */
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <sanitizer/common_interface_defs.h>

#include "fz.h"
#include "core_gm.h"

#define FZ_PAGES (FZ_RAM >> XENGT_PAGE_SHIFT)
#define FZ_VICTIM_DATA_VA WL_DATA_VA

/*
 * The oracle's own loops are not what is fuzzed: libFuzzer's comparison
 * tracing of them would cost most of an execution and only add noise to
 * its feedback.  (Input parsing, fz_u8() and fz_pick_*(), keeps it.)
 */
#define FZ_NOCOV __attribute__((no_sanitize("coverage")))

static struct fz_state {
	struct world *w;
	struct wl_guest g[FZ_VMS];
	struct xengt_vgpu_params params;
	u64 victim_data_gpa[FZ_VMS];
	u8 *victim_ram[FZ_VMS]; /* each victim's RAM as it left it */
	u8 *victim_page[FZ_VMS][FZ_PAGES]; /* its pages (p2m never changes) */
	/*
	 * The pages a victim's own work writes (its RCS context, ring and
	 * status page, its data page) are compared with the snapshot after
	 * every input; all its other pages are read-only while the world
	 * lives, so that any write to them faults (fz_segv()).
	 */
	bool victim_open[FZ_VMS][FZ_PAGES];
	struct sigaction old_segv;
	u64 foreign; /* GPU's foreign count at fz_begin() */
	u64 escapes; /* and its host escapes (command operands on host frames) */
	u64 host_frames; /* free + core-mapped frames, attacker destroyed */
	u32 core_first, core_count; /* the core's GGTT range, indices */
	const struct xengt_gpu_ops *real_ops;
	struct xengt_gpu_ops watch_ops;
	int watching; /* atomic */
	u32 round;
	u64 ggtt_writes[2]; /* while watching: the attacker's, the core's */
	/*
	 * The engines' clocks (RING_TIMESTAMP, PIPE_CONTROL's timestamp) as
	 * the world was set up: every input starts from them, so that one
	 * that stores the time reproduces too.  Nothing runs between inputs,
	 * and the core only takes differences within a workload.
	 */
	u64 clock[SIM_NUM_ENGINES];
	/*
	 * FZ_FRESH=1: a whole new world for every input, the reference the
	 * fast path (one world, a new attacker) is compared with; FZ_TRACE=
	 * file: one line of the oracle's observations per input (run.sh
	 * equiv diffs the two).
	 */
	bool fresh;
	FILE *trace;
} fz;

void fz_violation(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz oracle: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

struct world *fz_world(void)
{
	return fz.w;
}

/* What the physical entry for guest entry @gpte must be (fz.h). */
FZ_NOCOV static u64 fz_expected_pte(const struct sim_vm *vm, u64 gpte)
{
	u64 gfn = (gpte & GEN8_PTE_ADDR_MASK) >> XENGT_PAGE_SHIFT;

	if (!(gpte & GEN8_PTE_PRESENT) ||
	    (gpte & ~(GEN8_PTE_ADDR_MASK | GEN8_PTE_FLAGS_MASK)) ||
	    gfn >= vm->nr_pages)
		return 0;
	return vm->p2m[gfn] << XENGT_PAGE_SHIFT | (gpte & GEN8_PTE_FLAGS_MASK);
}

FZ_NOCOV static bool fz_in_slice(u32 index, u64 base, u64 size)
{
	u64 first = base >> XENGT_PAGE_SHIFT;

	return index >= first && index - first < (size >> XENGT_PAGE_SHIFT);
}

/*
 * Every physical GGTT write while an input runs: from the trap path (the
 * attacker's entries) or from the dispatchers (the core's own range).
 */
FZ_NOCOV static void fz_watch_ggtt_write(struct xengt_gpu *gpu, u32 index,
					 u64 pte)
{
	const struct vgpu *a = fz.g[FZ_ATTACKER].v;

	if (__atomic_load_n(&fz.watching, __ATOMIC_ACQUIRE)) {
		u64 mfn = (pte & GEN8_PTE_ADDR_MASK) >> XENGT_PAGE_SHIFT;
		u16 owner = mfn < fz.w->machine.nr_frames ?
				    fz.w->machine.owner[mfn] :
				    SIM_OWNER_NONE;
		bool present = pte & GEN8_PTE_PRESENT;

		if (fz_in_slice(index, a->low_gm_base, a->low_gm_size) ||
		    fz_in_slice(index, a->high_gm_base, a->high_gm_size)) {
			fz.ggtt_writes[0]++;
			if (present && owner != a->domid)
				fz_violation(
					"GGTT entry %#x of the attacker mapped to frame %#llx of owner %u",
					index, (unsigned long long)mfn, owner);
		} else if (index >= fz.core_first &&
			   index - fz.core_first < fz.core_count) {
			fz.ggtt_writes[1]++;
			if (present && owner != SIM_OWNER_HOST)
				fz_violation(
					"core GGTT entry %#x mapped to frame %#llx of owner %u",
					index, (unsigned long long)mfn, owner);
		} else {
			fz_violation(
				"GGTT entry %#x outside the attacker's partition and the core's range written (%#llx)",
				index, (unsigned long long)pte);
		}
	}
	fz.real_ops->ggtt_write(gpu, index, pte);
}

FZ_NOCOV static void fz_check_attacker_ggtt(void)
{
	const struct vgpu *a = fz.g[FZ_ATTACKER].v;
	const struct vgpu_ggtt *g = &a->ggtt;
	const struct sim_vm *vm = fz.w->vms[FZ_ATTACKER].vm;
	u32 i;

	for (i = 0; i < g->low_count + g->high_count; i++) {
		u32 index = i < g->low_count ? g->low_first + i :
					       g->high_first + i - g->low_count;
		u64 want = fz_expected_pte(vm, g->entries[i]);
		u64 got = fz.w->gpu.ggtt[index];

		if (got != want)
			fz_violation(
				"physical GGTT entry %#x is %#llx, shadow of guest %#llx is %#llx",
				index, (unsigned long long)got,
				(unsigned long long)g->entries[i],
				(unsigned long long)want);
	}
}

/* Nothing wrote a victim's open pages since its snapshot (fz_victim_snap()). */
FZ_NOCOV static void fz_victim_compare(u32 vm)
{
	u64 i;

	for (i = 0; i < FZ_PAGES; i++)
		if (fz.victim_open[vm][i] &&
		    memcmp(fz.victim_ram[vm] + (i << XENGT_PAGE_SHIFT),
			   fz.victim_page[vm][i], XENGT_PAGE_SIZE))
			fz_violation("victim VM %u: guest page %#llx changed",
				     vm, (unsigned long long)i);
}

/* The snapshot of the open pages becomes the victim's RAM as it is now. */
FZ_NOCOV static void fz_victim_snap(u32 vm)
{
	u64 i;

	for (i = 0; i < FZ_PAGES; i++)
		if (fz.victim_open[vm][i])
			memcpy(fz.victim_ram[vm] + (i << XENGT_PAGE_SHIFT),
			       fz.victim_page[vm][i], XENGT_PAGE_SIZE);
}

/* The pages of victim @vm that only its own work may write. */
FZ_NOCOV static void fz_victim_open(u32 vm)
{
	const struct wl_ctx *c = &fz.g[vm].ctx[XENGT_RCS];
	u32 i;

	for (i = 0; i < EXECLIST_CTX_PAGES; i++)
		fz.victim_open[vm][c->ctx_gpa[i] >> XENGT_PAGE_SHIFT] = true;
	for (i = 0; i < WL_RING_PAGES; i++)
		fz.victim_open[vm][c->ring_gpa[i] >> XENGT_PAGE_SHIFT] = true;
	fz.victim_open[vm][c->hwsp_gpa >> XENGT_PAGE_SHIFT] = true;
	fz.victim_open[vm][fz.victim_data_gpa[vm] >> XENGT_PAGE_SHIFT] = true;
}

/* Every other page of the victims read-only (@ro) or writable again. */
FZ_NOCOV static void fz_victims_protect(bool ro)
{
	u32 vm, i;

	for (vm = 0; vm < FZ_VMS; vm++) {
		if (vm == FZ_ATTACKER)
			continue;
		for (i = 0; i < FZ_PAGES; i++)
			if (!fz.victim_open[vm][i] &&
			    mprotect(fz.victim_page[vm][i], XENGT_PAGE_SIZE,
				     ro ? PROT_READ : PROT_READ | PROT_WRITE))
				fz_violation("mprotect: %m");
	}
}

/*
 * A write to a read-only page of a victim: an isolation violation, named
 * with the writer; any other fault goes to the handler before ours.
 */
FZ_NOCOV static void fz_segv(int sig, siginfo_t *si, void *uc)
{
	const u8 *a = si->si_addr;
	u32 vm, i;

	for (vm = 0; fz.w && vm < FZ_VMS; vm++) {
		if (vm == FZ_ATTACKER)
			continue;
		for (i = 0; i < FZ_PAGES; i++) {
			const u8 *page = fz.victim_page[vm][i];
			char where[256] = "?";

			if (a < page || a >= page + XENGT_PAGE_SIZE)
				continue;
#ifdef __x86_64__
			__sanitizer_symbolize_pc(
				(void *)((ucontext_t *)uc)
					->uc_mcontext.gregs[REG_RIP],
				"%p %F %L", where, sizeof(where));
#endif
			fz_violation(
				"victim VM %u: write to guest page %#x (offset %#lx) by %s",
				vm, i, (unsigned long)(a - page), where);
		}
	}
	if (fz.old_segv.sa_flags & SA_SIGINFO) {
		fz.old_segv.sa_sigaction(sig, si, uc);
	} else if (fz.old_segv.sa_handler != SIG_IGN &&
		   fz.old_segv.sa_handler != SIG_DFL) {
		fz.old_segv.sa_handler(sig);
	} else {
		signal(sig, SIG_DFL); /* the fault repeats, and kills */
	}
}

/*
 * Dispatch stays paused: queued work runs here, in the fuzzer's thread,
 * so that an input's outcome does not depend on thread timing.
 */
FZ_NOCOV void fz_run_gpu(void)
{
	xengt_sched_run(fz.w->gvt, 0);
	xengt_gvt_drain(fz.w->gvt);
}

/* A victim queues a store (fz_victim_check() then wants it done). */
FZ_NOCOV static void fz_victim_submit(u32 i)
{
	struct wl_guest *g = &fz.g[i];
	u32 cmd[4], val = 0x5a000000 + (fz.round & 0xffff) * 4 + i;

	wl_sdi(cmd, FZ_VICTIM_DATA_VA, val);
	wl_emit(g, XENGT_RCS, cmd, 4);
	wl_submit(g, XENGT_RCS);
}

/* A victim's store landed and completed; then its RAM is the reference. */
FZ_NOCOV static void fz_victim_check(u32 i)
{
	struct wl_guest *g = &fz.g[i];
	u32 val = 0x5a000000 + (fz.round & 0xffff) * 4 + i;

	if (g->v->failsafe)
		fz_violation("victim VM %u in failsafe: %s", i,
			     g->v->failsafe_reason);
	if (wl_ram32(g, fz.victim_data_gpa[i])[0] != val)
		fz_violation("victim VM %u: store lost (%#x, wanted %#x)", i,
			     wl_ram32(g, fz.victim_data_gpa[i])[0], val);
	if (wl_csb_last(g, XENGT_RCS) !=
	    (GEN8_CTX_STATUS_COMPLETE | GEN8_CTX_STATUS_ACTIVE_IDLE))
		fz_violation("victim VM %u: no completion event (%#x)", i,
			     wl_csb_last(g, XENGT_RCS));
	fz_victim_snap(i);
}

FZ_NOCOV static void fz_victim_run(u32 i)
{
	fz_victim_submit(i);
	fz_run_gpu();
	fz_victim_check(i);
}

FZ_NOCOV static u64 fz_host_frames(void)
{
	return sim_machine_free_frames(&fz.w->machine) +
	       core_gm_mapped(&fz.w->gvt->core_gm);
}

static void fz_attacker_destroy(void);

FZ_NOCOV static void fz_setup(void)
{
	static const struct xengt_vgpu_params small = {
		.low_gm_mb = 1,
		.high_gm_mb = 1,
		.fences = 1,
		.weight = 1,
		.type_name = "fuzz",
	};
	u32 i, p;

	fx_log_capture();
	fz.fresh = getenv("FZ_FRESH") && atoi(getenv("FZ_FRESH"));
	if (getenv("FZ_TRACE") && !fz.trace) {
		fz.trace = fopen(getenv("FZ_TRACE"), "w");
		if (!fz.trace)
			fz_violation("cannot write %s", getenv("FZ_TRACE"));
		setvbuf(fz.trace, NULL, _IOLBF, 0);
	}
	fz.w = calloc(1, sizeof(*fz.w));
	if (!fz.w || world_init(fz.w, FZ_VMS))
		fz_violation("cannot set up the world");
	fz.params = small;
	for (i = 0; i < FZ_VMS; i++) {
		if (world_add_vm_params(fz.w, &fz.params, FZ_RAM))
			fz_violation("cannot add VM %u", i);
		wl_init(&fz.g[i], fz.w, i);
		if (i == FZ_ATTACKER)
			continue;
		for (p = 0; p < FZ_PAGES; p++)
			fz.victim_page[i][p] = sim_vm_ram(
				fz.w->vms[i].vm, (u64)p << XENGT_PAGE_SHIFT);
		fz.victim_data_gpa[i] = wl_page(&fz.g[i]);
		wl_ppgtt_map(&fz.g[i], FZ_VICTIM_DATA_VA,
			     fz.victim_data_gpa[i]);
		fz.victim_ram[i] = calloc(1, FZ_RAM);
		if (!fz.victim_ram[i])
			fz_violation("out of memory");
		fz_victim_run(i);
		for (p = 0; p < FZ_PAGES; p++)
			memcpy(fz.victim_ram[i] +
				       ((size_t)p << XENGT_PAGE_SHIFT),
			       fz.victim_page[i][p], XENGT_PAGE_SIZE);
	}
	for (i = 0; i < FZ_VMS; i++)
		if (i != FZ_ATTACKER)
			fz_victim_open(i);
	fz_victims_protect(true);
	if (!fz.old_segv.sa_sigaction && !fz.old_segv.sa_handler) {
		struct sigaction sa = { .sa_sigaction = fz_segv,
					.sa_flags = SA_SIGINFO };

		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSEGV, &sa, &fz.old_segv))
			fz_violation("sigaction: %m");
	}
	fz.core_first = fz.w->gvt->core_gm.base >> XENGT_PAGE_SHIFT;
	fz.core_count = fz.w->gvt->core_gm.pages.nr_units;
	fz.real_ops = fz.w->gpu.base.ops;
	fz.watch_ops = *fz.real_ops;
	fz.watch_ops.ggtt_write = fz_watch_ggtt_write;
	fz.w->gpu.base.ops = &fz.watch_ops;
	xengt_sched_pause(fz.w->gvt, true);
	fz_attacker_destroy();
	for (i = 0; i < SIM_NUM_ENGINES; i++)
		fz.clock[i] = fz.w->gpu.engines[i].ticks;
}

/* FZ_FRESH: the last input's world goes, fz_setup() makes a new one. */
FZ_NOCOV static void fz_teardown(void)
{
	u32 i;

	fz_victims_protect(false);
	memset(fz.victim_open, 0, sizeof(fz.victim_open));
	fz.w->gpu.base.ops = fz.real_ops;
	world_fini(fz.w);
	free(fz.w);
	fz.w = NULL;
	for (i = 0; i < FZ_VMS; i++) {
		free(fz.victim_ram[i]);
		fz.victim_ram[i] = NULL;
	}
	fz.host_frames = 0;
}

/*
 * The register file the next vGPU gets (vgpu_destroy() keeps it) must be
 * all zero, as a new one is: checked with the trace on (run.sh equiv).
 */
FZ_NOCOV static void fz_check_spare_vreg(void)
{
	const u8 *r = fz.w->gvt->spare_vreg;
	size_t i;

	if (!r)
		fz_violation("no spare register file after a destroy");
	for (i = 0; i < VGPU_MMIO_SIZE; i++)
		if (r[i])
			fz_violation("spare register file: byte %#zx is %#x", i,
				     r[i]);
}

FZ_NOCOV static void fz_zero_attacker_ram(struct sim_vm *vm)
{
	u64 i;

	for (i = 0; i < FZ_PAGES; i++)
		memset(sim_vm_ram(vm, i << XENGT_PAGE_SHIFT), 0,
		       XENGT_PAGE_SIZE);
}

/*
 * The attacker's vGPU goes at the end of its input, so that what the input
 * allocated is freed within it (libFuzzer's leak check then means
 * something) and a leak is blamed on the input that made it.
 */
FZ_NOCOV static void fz_attacker_destroy(void)
{
	struct world_vm *wv = &fz.w->vms[FZ_ATTACKER];
	u64 frames;

	xengt_vgpu_detach(wv->vgpu);
	xengt_vgpu_destroy(wv->vgpu);
	wv->vgpu = NULL;
	if (fz.trace)
		fz_check_spare_vreg();
	frames = fz_host_frames();
	if (!fz.host_frames)
		fz.host_frames = frames;
	else if (frames != fz.host_frames)
		fz_violation(
			"host frames %llu, were %llu: something of the attacker's leaked",
			(unsigned long long)frames,
			(unsigned long long)fz.host_frames);
}

/* A new vGPU for the attacker on fresh (zeroed) RAM, set up as wl.c does. */
FZ_NOCOV static void fz_attacker_create(void)
{
	struct world_vm *wv = &fz.w->vms[FZ_ATTACKER];
	struct vgpu *v;

	fz_zero_attacker_ram(wv->vm);
	fz.params.domid = wv->vm->base.domid;
	if (xengt_vgpu_create(fz.w->gvt, &fz.params, &v) ||
	    xengt_vgpu_attach(v, &wv->vm->base))
		fz_violation("cannot create the attacker's vGPU again: %s",
			     fx_log_text());
	wv->vgpu = v;
	sim_gpu_set_tag_owner(&fz.w->gpu, xengt_vgpu_id(v), wv->vm->base.domid);
}

FZ_NOCOV struct wl_guest *fz_begin(void)
{
	u32 e;

	if (fz.w && fz.fresh)
		fz_teardown();
	if (!fz.w)
		fz_setup();
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		if (fz.w->gvt->engine[e].inflight)
			fz_violation("engine %u: work in flight between inputs",
				     e);
	for (e = 0; e < SIM_NUM_ENGINES; e++)
		__atomic_store_n(&fz.w->gpu.engines[e].ticks, fz.clock[e],
				 __ATOMIC_RELAXED);
	fz_attacker_create();
	wl_init(&fz.g[FZ_ATTACKER], fz.w, FZ_ATTACKER);
	fz.foreign = wl_foreign(fz.w);
	fz.escapes = wl_host_escapes(fz.w);
	fz.ggtt_writes[0] = 0;
	fz.ggtt_writes[1] = 0;
	fx_log_reset();
	__atomic_store_n(&fz.watching, 1, __ATOMIC_RELEASE);
	return &fz.g[FZ_ATTACKER];
}

FZ_NOCOV static u64 fz_hash(u64 h, const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

/*
 * What the oracle saw of this input, and the attacker's state it left
 * (none of it depends on machine frame numbers): one line for run.sh
 * equiv to compare between the fast path and a fresh world.
 */
FZ_NOCOV static void fz_trace_input(void)
{
	const struct vgpu *a = fz.g[FZ_ATTACKER].v;
	struct sim_vm *vm = fz.w->vms[FZ_ATTACKER].vm;
	const char *log = fx_log_text();
	u64 ram = 0xcbf29ce484222325ULL, i;

	for (i = 0; i < FZ_PAGES; i++)
		ram = fz_hash(ram, sim_vm_ram(vm, i << XENGT_PAGE_SHIFT),
			      XENGT_PAGE_SIZE);
	fprintf(fz.trace,
		"foreign=%llu escapes=%llu ggtt_writes=%llu/%llu failsafe=%d(%s) ram=%016llx vreg=%016llx ggtt=%016llx stats=%016llx/%016llx/%016llx/%016llx/%016llx log=%016llx\n",
		(unsigned long long)(wl_foreign(fz.w) - fz.foreign),
		(unsigned long long)(wl_host_escapes(fz.w) - fz.escapes),
		(unsigned long long)fz.ggtt_writes[0],
		(unsigned long long)fz.ggtt_writes[1], a->failsafe,
		a->failsafe_reason, (unsigned long long)ram,
		(unsigned long long)fz_hash(0, a->vreg, VGPU_MMIO_SIZE),
		(unsigned long long)fz_hash(
			0, a->ggtt.entries,
			((size_t)a->ggtt.low_count + a->ggtt.high_count) *
				sizeof(u64)),
		(unsigned long long)fz_hash(0, &a->stats, sizeof(a->stats)),
		(unsigned long long)fz_hash(0, &a->irq, sizeof(a->irq)),
		(unsigned long long)fz_hash(0, &a->exec_stats,
					    sizeof(a->exec_stats)),
		(unsigned long long)fz_hash(0, &a->ppgtt.stats,
					    sizeof(a->ppgtt.stats)),
		(unsigned long long)fz_hash(0, &a->cmd, sizeof(a->cmd)),
		(unsigned long long)fz_hash(0, log, strlen(log)));
}

/*
 * The GPU's own isolation counters did not move since fz_begin(): no
 * access to another domain's frame or to nobody's, and no command operand
 * on a host frame (the core's shadow tables, shadow contexts, command
 * copies: its walks and fetches go there, a guest's stores never may).
 */
FZ_NOCOV static void fz_check_gpu_counters(const char *when)
{
	if (wl_foreign(fz.w) != fz.foreign)
		fz_violation(
			"the GPU made %llu accesses to frames of another domain or of nobody%s",
			(unsigned long long)(wl_foreign(fz.w) - fz.foreign),
			when);
	if (wl_host_escapes(fz.w) != fz.escapes)
		fz_violation(
			"the GPU made %llu command-directed accesses to host frames (the core's own memory)%s",
			(unsigned long long)(wl_host_escapes(fz.w) -
					     fz.escapes),
			when);
}

FZ_NOCOV void fz_end(void)
{
	u32 i;

	fz_run_gpu();
	fz_check_gpu_counters("");
	fz_check_attacker_ggtt();
	if (fz.trace)
		fz_trace_input();
	fz.round++;
	/* Both victims' work queued at once, as on a shared GPU. */
	for (i = 0; i < FZ_VMS; i++) {
		if (i == FZ_ATTACKER)
			continue;
		fz_victim_compare(i);
		fz_victim_submit(i);
	}
	fz_run_gpu();
	for (i = 0; i < FZ_VMS; i++)
		if (i != FZ_ATTACKER)
			fz_victim_check(i);
	fz_check_gpu_counters(" during the victims' work");
	__atomic_store_n(&fz.watching, 0, __ATOMIC_RELEASE);
	fz_attacker_destroy();
	for (i = 0; i < FZ_VMS; i++)
		if (i != FZ_ATTACKER)
			fz_victim_compare(i);
	fz_check_gpu_counters(" while the attacker was destroyed");
	fx_log_reset();
}

u8 fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

u16 fz_u16(struct fz_in *in)
{
	return fz_u8(in) | (u16)fz_u8(in) << 8;
}

u32 fz_u32(struct fz_in *in)
{
	return fz_u16(in) | (u32)fz_u16(in) << 16;
}

u64 fz_u64(struct fz_in *in)
{
	return fz_u32(in) | (u64)fz_u32(in) << 32;
}

u64 fz_pick_gm(struct fz_in *in, const struct vgpu *v)
{
	u8 how = fz_u8(in);
	s64 delta = (int16_t)fz_u16(in);

	switch (how % 8) {
	case 0:
		return v->low_gm_base + delta;
	case 1:
		return v->low_gm_base + v->low_gm_size + delta;
	case 2:
		return v->high_gm_base + delta;
	case 3:
		return v->high_gm_base + v->high_gm_size + delta;
	case 4:
		return v->low_gm_base + (fz_u32(in) % v->low_gm_size);
	case 5:
		return v->high_gm_base + (fz_u32(in) % v->high_gm_size);
	case 6:
		return ((u64)fz.core_first << XENGT_PAGE_SHIFT) + delta;
	default:
		return fz_u64(in);
	}
}

u64 fz_pick_gpa(struct fz_in *in)
{
	u8 how = fz_u8(in);

	switch (how % 4) {
	case 0:
		return (u64)(fz_u16(in) % FZ_PAGES) << XENGT_PAGE_SHIFT;
	case 1:
		return FZ_RAM - XENGT_PAGE_SIZE;
	case 2:
		return FZ_RAM + ((u64)fz_u16(in) << XENGT_PAGE_SHIFT);
	default:
		return fz_u64(in) & ~(u64)(XENGT_PAGE_SIZE - 1);
	}
}
