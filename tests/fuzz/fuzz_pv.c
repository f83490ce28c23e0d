// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The PV extension's CTB transport and commands (core/pv.c): the guest's
 * shared page is the input.  The attacker negotiates every cap and
 * registers a shared page; then each operation writes input bytes into
 * the page (ring dwords from the host's head, so messages wrap; the
 * descriptor; the submission area), into the page of PTE arrays, or
 * re-registers, renegotiates, rings the doorbell (a flood of them), or
 * submits through the ELSP marker, with the contexts' roots pointing at
 * the PV root so that PV-bound pages are used by the GPU.
 *
 * Pages at fixed guest addresses (seeds.py names them): the shared page
 * at FZ_RAM - 4 KiB, the PTE array page below it, the PV root below that,
 * two data pages below that.  The rest of the attacker's RAM is the
 * fixture's (contexts, rings, status pages).
 *
 * Input: operations of one byte of kind, then its operands.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fz.h"

#define PV(off) (VGT_PVINFO_PAGE + (off))
#define FZ_PV_PAGE (FZ_RAM - 1 * XENGT_PAGE_SIZE)
#define FZ_PV_ARRAY (FZ_RAM - 2 * XENGT_PAGE_SIZE)
#define FZ_PV_ROOT (FZ_RAM - 3 * XENGT_PAGE_SIZE)
#define FZ_PV_DATA (FZ_RAM - 5 * XENGT_PAGE_SIZE)
#define FZ_PV_VA 0x200000000ULL
#define FZ_RING_DW (XENGT_PV_CTB_SIZE / 4)

static u8 *fz_page(struct wl_guest *g, u64 gpa)
{
	return (u8 *)wl_ram32(g, gpa);
}

static struct xengt_pv_ctb_desc *fz_desc(struct wl_guest *g)
{
	return (void *)(fz_page(g, FZ_PV_PAGE) + XENGT_PV_DESC_OFFSET);
}

static void fz_g2v(struct wl_guest *g, u32 code)
{
	fx_wr32(g->v, PV(PVINFO_G2V_NOTIFY), code);
}

static void fz_register(struct wl_guest *g, u64 gpa)
{
	fx_wr64(g->v, PV(XENGT_PVINFO_SHARED_PAGE_GPA), gpa);
	fz_g2v(g, XENGT_G2V_SHARED_PAGE_REGISTER);
}

/* A descriptor as a guest driver leaves it: ring empty at @at. */
static void fz_desc_reset(struct wl_guest *g, u32 at)
{
	struct xengt_pv_ctb_desc *d = fz_desc(g);

	d->addr = XENGT_PV_CTB_OFFSET;
	d->size = XENGT_PV_CTB_SIZE;
	d->head = d->tail = at % FZ_RING_DW;
}

/* FZ_PV_STATS=1: what each input did, for writing seeds (seeds.py). */
static void fz_pv_stats(const struct vgpu *v)
{
	static int on = -1;
	const struct pv_stats *s = &v->pv.stats;

	if (on < 0)
		on = getenv("FZ_PV_STATS") != NULL;
	if (!on)
		return;
	fprintf(stderr,
		"fuzz_pv: doorbells %llu idle %llu messages %llu ok %llu "
		"bad_msg %llu not_neg %llu range %llu gpa %llu root %llu "
		"space %llu desc %llu dropped %llu bound %llu unbound %llu "
		"submissions %llu/%llu regs %llu/%llu done %llu failsafe %d\n",
		s->doorbells, s->doorbells_idle, s->messages, s->status[0],
		s->status[1], s->status[2], s->status[3], s->status[4],
		s->status[5], s->status[6], s->status[7], s->dropped,
		s->pages_bound, s->pages_unbound, s->submissions,
		s->submit_errors, s->registrations, s->bad_registrations,
		v->exec_stats.workloads_done, v->failsafe);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct wl_guest *g = fz_begin();
	u32 ops = 0;

	if (g->next_gpa > FZ_PV_DATA)
		fz_violation("fuzz_pv: the fixture's pages reach the PV ones");
	fx_wr32(g->v, PV(XENGT_PVINFO_PV_CAPS), XENGT_PV_CAPS_ALL);
	fz_desc_reset(g, 0);
	fz_register(g, FZ_PV_PAGE);
	while (fz_more(&in) && ops++ < 128) {
		struct xengt_pv_ctb_desc *d = fz_desc(g);
		struct xengt_pv_submission *s;
		u8 kind = fz_u8(&in);
		u32 n, i, pos, e, cmd[4];
		u64 va;

		switch (kind % 8) {
		case 0: /* messages: dwords into the ring from head, then tail */
			n = fz_u8(&in) % FZ_RING_DW;
			pos = d->head % FZ_RING_DW;
			for (i = 0; i < n; i++)
				((u32 *)(fz_page(g, FZ_PV_PAGE) +
					 XENGT_PV_CTB_OFFSET))[(pos + i) %
							       FZ_RING_DW] =
					fz_u32(&in);
			d->tail = kind & 0x80 ? fz_u32(&in) :
						(pos + n) % FZ_RING_DW;
			fz_g2v(g, XENGT_G2V_PV_SEND_TRIGGER);
			break;
		case 1: /* any bytes of the page (descriptor, area, version) */
			pos = fz_u16(&in) % XENGT_PV_PAGE_SIZE;
			n = fz_u8(&in) % 64;
			for (i = 0; i < n && pos + i < XENGT_PV_PAGE_SIZE; i++)
				fz_page(g, FZ_PV_PAGE)[pos + i] = fz_u8(&in);
			if (kind & 0x80)
				fz_g2v(g, XENGT_G2V_PV_SEND_TRIGGER);
			break;
		case 2: /* PTE array entries: pages of interest, any flags */
			pos = fz_u16(&in) % 512;
			n = fz_u8(&in) % 16;
			for (i = 0; i < n && pos + i < 512; i++)
				((u64 *)fz_page(g, FZ_PV_ARRAY))[pos + i] =
					kind & 0x80 ?
						fz_u64(&in) :
						fz_pick_gpa(&in) |
							(fz_u16(&in) & 0xfff);
			break;
		case 3: /* a submission in the area, by marker or message */
			e = fz_u8(&in) % XENGT_PV_NR_ENGINES;
			s = (struct xengt_pv_submission
				     *)(fz_page(g, FZ_PV_PAGE) +
					XENGT_PV_SUBMISSION_OFFSET) +
			    e;
			if (kind & 0x40) { /* a store on the PV root */
				va = FZ_PV_VA + (fz_u32(&in) & 0x3ffffc);
				wl_set_ctx_reg(g, e, CTX_PDP0_LDW,
					       (u32)FZ_PV_ROOT);
				wl_set_ctx_reg(g, e, CTX_PDP0_UDW, 0);
				wl_sdi(cmd, va, fz_u32(&in));
				wl_emit(g, e, cmd, 4);
			}
			s->descs[0] = wl_desc(&g->ctx[e]) ^ fz_u64(&in);
			s->descs[1] = kind & 0x20 ? wl_desc(&g->ctx[e]) ^
							    fz_u64(&in) :
						    0;
			s->submitted = 1;
			if (kind & 0x80)
				fx_wr32(g->v,
					execlist_engine_base(e) + RING_ELSP,
					XENGT_PV_ELSP_MARKER);
			break;
		case 4: /* register again: this page, another, or none */
			switch (fz_u8(&in) % 4) {
			case 0:
				fz_desc_reset(g, fz_u16(&in));
				fz_register(g, FZ_PV_PAGE);
				break;
			case 1:
				fz_register(g, FZ_PV_PAGE);
				break;
			case 2:
				fz_register(g, 0);
				break;
			default:
				fz_register(g, fz_pick_gpa(&in) +
						       (fz_u16(&in) & 0xfff));
				break;
			}
			break;
		case 5: /* caps (only while unregistered) */
			fx_wr32(g->v, PV(XENGT_PVINFO_PV_CAPS), fz_u8(&in));
			break;
		case 6:
			fz_run_gpu();
			break;
		default: /* a flood of doorbells */
			n = 1 + fz_u8(&in) % 32;
			for (i = 0; i < n; i++)
				fz_g2v(g, XENGT_G2V_PV_SEND_TRIGGER);
			break;
		}
	}
	fz_run_gpu();
	fz_pv_stats(g->v);
	fz_end();
	return 0;
}
