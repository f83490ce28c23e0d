// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The fuzzing world and its isolation oracle (see fz.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz.h"
#include "core_gm.h"

#define FZ_PAGES (FZ_RAM >> XENGT_PAGE_SHIFT)
#define FZ_VICTIM_DATA_VA WL_DATA_VA

static struct fz_state {
	struct world *w;
	struct wl_guest g[FZ_VMS];
	struct xengt_vgpu_params params;
	u64 victim_data_gpa[FZ_VMS];
	u8 *victim_ram[FZ_VMS]; /* each victim's RAM as it left it */
	u64 foreign; /* GPU's foreign count at fz_begin() */
	u64 host_frames; /* free + core-mapped frames, attacker destroyed */
	u32 core_first, core_count; /* the core's GGTT range, indices */
	const struct xengt_gpu_ops *real_ops;
	struct xengt_gpu_ops watch_ops;
	int watching; /* atomic */
	u32 round;
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
static u64 fz_expected_pte(const struct sim_vm *vm, u64 gpte)
{
	u64 gfn = (gpte & GEN8_PTE_ADDR_MASK) >> XENGT_PAGE_SHIFT;

	if (!(gpte & GEN8_PTE_PRESENT) ||
	    (gpte & ~(GEN8_PTE_ADDR_MASK | GEN8_PTE_FLAGS_MASK)) ||
	    gfn >= vm->nr_pages)
		return 0;
	return vm->p2m[gfn] << XENGT_PAGE_SHIFT | (gpte & GEN8_PTE_FLAGS_MASK);
}

static bool fz_in_slice(u32 index, u64 base, u64 size)
{
	u64 first = base >> XENGT_PAGE_SHIFT;

	return index >= first && index - first < (size >> XENGT_PAGE_SHIFT);
}

/*
 * Every physical GGTT write while an input runs: from the trap path (the
 * attacker's entries) or from the dispatchers (the core's own range).
 */
static void fz_watch_ggtt_write(struct xengt_gpu *gpu, u32 index, u64 pte)
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
			if (present && owner != a->domid)
				fz_violation(
					"GGTT entry %#x of the attacker mapped to frame %#llx of owner %u",
					index, (unsigned long long)mfn, owner);
		} else if (index >= fz.core_first &&
			   index - fz.core_first < fz.core_count) {
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

static void fz_check_attacker_ggtt(void)
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

static void fz_ram_copy(u32 vm, u8 *snap, bool save)
{
	struct sim_vm *s = fz.w->vms[vm].vm;
	u64 i;

	for (i = 0; i < FZ_PAGES; i++) {
		u8 *page = sim_vm_ram(s, i << XENGT_PAGE_SHIFT);

		if (save) {
			memcpy(snap + (i << XENGT_PAGE_SHIFT), page,
			       XENGT_PAGE_SIZE);
		} else if (memcmp(snap + (i << XENGT_PAGE_SHIFT), page,
				  XENGT_PAGE_SIZE)) {
			fz_violation("victim VM %u: guest page %#llx changed",
				     vm, (unsigned long long)i);
		}
	}
}

/*
 * Dispatch stays paused: queued work runs here, in the fuzzer's thread,
 * so that an input's outcome does not depend on thread timing.
 */
void fz_run_gpu(void)
{
	xengt_sched_run(fz.w->gvt, 0);
	xengt_gvt_drain(fz.w->gvt);
}

/* A victim's store lands and completes; then its RAM is the reference. */
static void fz_victim_run(u32 i)
{
	struct wl_guest *g = &fz.g[i];
	u32 cmd[4], val = 0x5a000000 + (fz.round & 0xffff) * 4 + i;

	wl_sdi(cmd, FZ_VICTIM_DATA_VA, val);
	wl_emit(g, XENGT_RCS, cmd, 4);
	wl_submit(g, XENGT_RCS);
	fz_run_gpu();
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
	fz_ram_copy(i, fz.victim_ram[i], true);
}

static u64 fz_host_frames(void)
{
	return sim_machine_free_frames(&fz.w->machine) +
	       core_gm_mapped(&fz.w->gvt->core_gm);
}

static void fz_setup(void)
{
	static const struct xengt_vgpu_params small = {
		.low_gm_mb = 1,
		.high_gm_mb = 1,
		.fences = 1,
		.weight = 1,
		.type_name = "fuzz",
	};
	u32 i;

	fx_log_capture();
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
		fz.victim_data_gpa[i] = wl_page(&fz.g[i]);
		wl_ppgtt_map(&fz.g[i], FZ_VICTIM_DATA_VA,
			     fz.victim_data_gpa[i]);
		fz.victim_ram[i] = malloc(FZ_RAM);
		if (!fz.victim_ram[i])
			fz_violation("out of memory");
		fz_victim_run(i);
	}
	fz.core_first = fz.w->gvt->core_gm.base >> XENGT_PAGE_SHIFT;
	fz.core_count = fz.w->gvt->core_gm.pages.nr_units;
	fz.real_ops = fz.w->gpu.base.ops;
	fz.watch_ops = *fz.real_ops;
	fz.watch_ops.ggtt_write = fz_watch_ggtt_write;
	fz.w->gpu.base.ops = &fz.watch_ops;
	xengt_sched_pause(fz.w->gvt, true);
}

/* A new vGPU for the attacker on fresh (zeroed) RAM, set up as wl.c does. */
static void fz_attacker_renew(void)
{
	struct world_vm *wv = &fz.w->vms[FZ_ATTACKER];
	struct vgpu *v;
	u64 i;

	xengt_vgpu_detach(wv->vgpu);
	xengt_vgpu_destroy(wv->vgpu);
	wv->vgpu = NULL;
	for (i = 0; i < FZ_PAGES; i++)
		memset(sim_vm_ram(wv->vm, i << XENGT_PAGE_SHIFT), 0,
		       XENGT_PAGE_SIZE);
	fz.params.domid = wv->vm->base.domid;
	if (xengt_vgpu_create(fz.w->gvt, &fz.params, &v) ||
	    xengt_vgpu_attach(v, &wv->vm->base))
		fz_violation("cannot create the attacker's vGPU again: %s",
			     fx_log_text());
	wv->vgpu = v;
	sim_gpu_set_tag_owner(&fz.w->gpu, xengt_vgpu_id(v), wv->vm->base.domid);
}

struct wl_guest *fz_begin(void)
{
	u64 frames;

	if (!fz.w)
		fz_setup();
	fz_attacker_renew();
	frames = fz_host_frames();
	if (!fz.host_frames)
		fz.host_frames = frames;
	else if (frames != fz.host_frames)
		fz_violation("host frames %llu, were %llu: something leaked",
			     (unsigned long long)frames,
			     (unsigned long long)fz.host_frames);
	wl_init(&fz.g[FZ_ATTACKER], fz.w, FZ_ATTACKER);
	fz.foreign = wl_foreign(fz.w);
	fx_log_reset();
	__atomic_store_n(&fz.watching, 1, __ATOMIC_RELEASE);
	return &fz.g[FZ_ATTACKER];
}

void fz_end(void)
{
	u32 i;

	fz_run_gpu();
	if (wl_foreign(fz.w) != fz.foreign)
		fz_violation(
			"the GPU made %llu accesses to frames of another domain or of nobody",
			(unsigned long long)(wl_foreign(fz.w) - fz.foreign));
	fz_check_attacker_ggtt();
	fz.round++;
	for (i = 0; i < FZ_VMS; i++) {
		if (i == FZ_ATTACKER)
			continue;
		fz_ram_copy(i, fz.victim_ram[i], false);
		fz_victim_run(i);
	}
	if (wl_foreign(fz.w) != fz.foreign)
		fz_violation("foreign accesses during the victims' work");
	__atomic_store_n(&fz.watching, 0, __ATOMIC_RELEASE);
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
