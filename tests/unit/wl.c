// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Workload fixture (see wl.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl.h"

/*
 * Guest RAM below this is the guest "kernel"'s; the fixture's objects go
 * above (a quarter of RAM in small VMs, as the fuzzers make).
 */
#define WL_FIRST_GPA 0x800000ULL

static u64 wl_ram_size(const struct wl_guest *g)
{
	return g->wv->vm->nr_pages << XENGT_PAGE_SHIFT;
}

u32 *wl_ram32(struct wl_guest *g, u64 gpa)
{
	return (u32 *)sim_vm_ram(g->wv->vm, gpa);
}

u64 wl_page(struct wl_guest *g)
{
	u64 gpa = g->next_gpa;

	g->next_gpa += XENGT_PAGE_SIZE;
	if (g->next_gpa > wl_ram_size(g))
		abort();
	memset(sim_vm_ram(g->wv->vm, gpa), 0, XENGT_PAGE_SIZE);
	return gpa;
}

static void wl_ggtt_set(struct wl_guest *g, u64 gm, u64 gpa)
{
	fx_wr64(g->v, VGPU_GGTT_OFFSET + (gm >> 12) * 8, gpa | 1);
}

u64 wl_map_ggtt(struct wl_guest *g, u64 gpa)
{
	u64 gm = g->next_gm;

	g->next_gm += XENGT_PAGE_SIZE;
	wl_ggtt_set(g, gm, gpa);
	return gm;
}

void wl_pt_write(struct wl_guest *g, u64 gpa, u64 val)
{
	sim_vm_mmio_write(g->wv->vm, gpa, 8, val);
}

/* A table entry; a table outside guest RAM (a fuzzer's) reads as empty. */
static u64 wl_pt_read(struct wl_guest *g, u64 gpa)
{
	const u8 *p = sim_vm_ram(g->wv->vm, gpa);
	u64 v = 0;

	if (p)
		memcpy(&v, p, 8);
	return v;
}

void wl_ppgtt_map(struct wl_guest *g, u64 va, u64 gpa)
{
	static const u32 shift[] = { GEN8_PML4E_SHIFT, GEN8_PDPE_SHIFT,
				     GEN8_PDE_SHIFT };
	u64 table = g->pml4_gpa;
	u32 l;

	for (l = 0; l < 3; l++) {
		u64 e = table + GEN8_PT_INDEX(va, shift[l]) * 8;
		u64 v = wl_pt_read(g, e);

		if (!(v & GEN8_PAGE_PRESENT)) {
			v = wl_page(g) | GEN8_PAGE_PRESENT | GEN8_PAGE_RW;
			wl_pt_write(g, e, v);
		}
		table = v & GEN9_PPGTT_ADDR_MASK;
	}
	wl_pt_write(g, table + GEN8_PT_INDEX(va, GEN8_PTE_SHIFT) * 8,
		    gpa | GEN8_PAGE_PRESENT | GEN8_PAGE_RW);
}

u32 wl_ctx_reg(struct wl_guest *g, u32 engine, u32 dword)
{
	return wl_ram32(g, g->ctx[engine].ctx_gpa[LRC_STATE_PN])[dword];
}

void wl_set_ctx_reg(struct wl_guest *g, u32 engine, u32 dword, u32 val)
{
	wl_ram32(g, g->ctx[engine].ctx_gpa[LRC_STATE_PN])[dword] = val;
}

u32 wl_ring_imr_keep(u32 engine)
{
	return ~((GT_CONTEXT_SWITCH_INTERRUPT | GT_CS_MASTER_ERROR_INTERRUPT |
		  GT_WAIT_SEMAPHORE_INTERRUPT)
		 << execlist_irq_shift(engine));
}

u32 wl_ring_imr_waiting(u32 engine)
{
	return wl_ring_imr_keep(engine) &
	       ~(GT_RENDER_USER_INTERRUPT << execlist_irq_shift(engine));
}

static void wl_ctx_build(struct wl_guest *g, struct wl_ctx *c, u32 id)
{
	u32 i;

	for (i = 0; i < EXECLIST_CTX_PAGES; i++) {
		c->ctx_gpa[i] = wl_page(g);
		if (!i)
			c->ctx_gm = wl_map_ggtt(g, c->ctx_gpa[i]);
		else
			wl_map_ggtt(g, c->ctx_gpa[i]);
	}
	for (i = 0; i < WL_RING_PAGES; i++) {
		c->ring_gpa[i] = wl_page(g);
		if (!i)
			c->ring_gm = wl_map_ggtt(g, c->ring_gpa[i]);
		else
			wl_map_ggtt(g, c->ring_gpa[i]);
	}
	c->hwsp_gpa = wl_page(g);
	c->hwsp_gm = wl_map_ggtt(g, c->hwsp_gpa);
	c->id = id;
	c->tail = 0;
	wl_ram32(g, c->ctx_gpa[LRC_STATE_PN])[CTX_RING_START] = (u32)c->ring_gm;
	wl_ram32(g, c->ctx_gpa[LRC_STATE_PN])[CTX_RING_CTL] =
		RING_CTL_SIZE(WL_RING_PAGES * 4096) | RING_VALID;
	wl_ram32(g, c->ctx_gpa[LRC_STATE_PN])[CTX_PDP0_LDW] = (u32)g->pml4_gpa;
	wl_ram32(g, c->ctx_gpa[LRC_STATE_PN])[CTX_PDP0_UDW] =
		(u32)(g->pml4_gpa >> 32);
}

void wl_ctx_new(struct wl_guest *g, u32 engine, struct wl_ctx *c, u32 n)
{
	(void)engine;
	wl_ctx_build(g, c, 0x200 + n);
}

/* What i915's execlists_resume() programs. */
static void wl_engine_resume(struct wl_guest *g, u32 engine)
{
	struct wl_ctx *c = &g->ctx[engine];
	u32 base = execlist_engine_base(engine);

	fx_wr32(g->v, base + RING_IMR, wl_ring_imr_keep(engine));
	fx_wr32(g->v, base + RING_HWS_PGA, (u32)c->hwsp_gm);
	fx_wr32(g->v, base + RING_MODE_GEN7,
		MASKED_BIT_ENABLE(GFX_RUN_LIST_ENABLE));
}

static void wl_ctx_init(struct wl_guest *g, u32 engine)
{
	wl_ctx_build(g, &g->ctx[engine], 0x100 + engine);
	wl_engine_resume(g, engine);
}

void wl_reinit(struct wl_guest *g)
{
	u32 e, i;

	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		struct wl_ctx *c = &g->ctx[e];

		for (i = 0; i < EXECLIST_CTX_PAGES; i++)
			wl_ggtt_set(g, c->ctx_gm + i * 4096ULL, c->ctx_gpa[i]);
		for (i = 0; i < WL_RING_PAGES; i++)
			wl_ggtt_set(g, c->ring_gm + i * 4096ULL,
				    c->ring_gpa[i]);
		wl_ggtt_set(g, c->hwsp_gm, c->hwsp_gpa);
		/* Nothing of the slice before the reset is resubmitted. */
		wl_set_ctx_reg(g, e, CTX_RING_HEAD, c->tail);
		wl_engine_resume(g, e);
	}
}

void wl_init(struct wl_guest *g, struct world *w, u32 i)
{
	u32 e;

	memset(g, 0, sizeof(*g));
	g->w = w;
	g->wv = &w->vms[i];
	g->v = w->vms[i].vgpu;
	g->next_gpa = wl_ram_size(g) > 2 * WL_FIRST_GPA ? WL_FIRST_GPA :
							  wl_ram_size(g) / 4;
	g->next_gm = g->v->low_gm_base;
	sim_gpu_set_tag_owner(&w->gpu, g->v->id, g->wv->vm->base.domid);
	g->pml4_gpa = wl_page(g);
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		wl_ctx_init(g, e);
}

void wl_emit_ctx(struct wl_guest *g, struct wl_ctx *c, const u32 *dw, u32 n)
{
	u32 size = WL_RING_PAGES * 4096, i;

	for (i = 0; i < n + (n & 1); i++) {
		u32 off = c->tail % size;

		wl_ram32(g, c->ring_gpa[off / 4096])[(off % 4096) / 4] =
			i < n ? dw[i] : MI_NOOP;
		c->tail = (c->tail + 4) % size;
	}
	wl_ram32(g, c->ctx_gpa[LRC_STATE_PN])[CTX_RING_TAIL] = c->tail;
}

void wl_emit(struct wl_guest *g, u32 engine, const u32 *dw, u32 n)
{
	wl_emit_ctx(g, &g->ctx[engine], dw, n);
}

u64 wl_desc(const struct wl_ctx *c)
{
	return (u64)c->id << 32 | c->ctx_gm | GEN8_CTX_VALID |
	       INTEL_LEGACY_64B_CONTEXT << GEN8_CTX_ADDRESSING_MODE_SHIFT |
	       GEN8_CTX_PRIVILEGE;
}

void wl_elsp(struct wl_guest *g, u32 engine, u64 desc0, u64 desc1)
{
	u32 elsp = execlist_engine_base(engine) + RING_ELSP;

	fx_wr32(g->v, elsp, (u32)(desc1 >> 32));
	fx_wr32(g->v, elsp, (u32)desc1);
	fx_wr32(g->v, elsp, (u32)(desc0 >> 32));
	fx_wr32(g->v, elsp, (u32)desc0);
	/* Dispatch is asynchronous: unless paused, wait for the GPU. */
	if (!__atomic_load_n(&g->w->gvt->engine[engine].paused,
			     __ATOMIC_ACQUIRE))
		xengt_gvt_drain(g->w->gvt);
}

void wl_submit(struct wl_guest *g, u32 engine)
{
	wl_elsp(g, engine, wl_desc(&g->ctx[engine]), 0);
}

u32 wl_csb_last(struct wl_guest *g, u32 engine)
{
	u32 *hwsp = wl_ram32(g, g->ctx[engine].hwsp_gpa);
	u32 w = hwsp[I915_HWS_CSB_WRITE_INDEX];

	return w < GEN8_CSB_ENTRIES ? hwsp[I915_HWS_CSB_BUF0_INDEX + 2 * w] : 0;
}

void wl_sdi(u32 *cmd, u64 va, u32 val)
{
	cmd[0] = MI_STORE_DWORD_IMM_GEN4;
	cmd[1] = (u32)va;
	cmd[2] = (u32)(va >> 32);
	cmd[3] = val;
}

u64 wl_phys_submits(struct world *w)
{
	u64 n = 0;
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		n += w->gvt->engine[e].submits;
	return n;
}

u64 wl_foreign(struct world *w)
{
	return w->gpu.stats.foreign;
}

u64 wl_host_escapes(struct world *w)
{
	return w->gpu.stats.host_escapes;
}

int wl_setup_one(void **state)
{
	static const char *const one[] = { "xengt_8", NULL };
	struct wl_guest *g = calloc(1, sizeof(*g));

	if (!g)
		return -1;
	fx_log_capture();
	wl_init(g, fx_world(one), 0);
	*state = g;
	return 0;
}

int wl_teardown(void **state)
{
	struct wl_guest *g = *state;

	fx_world_free(g->w);
	free(g);
	return 0;
}
