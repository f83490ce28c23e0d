// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The paravirtual extension, host side (core/pv.c): negotiation, the
 * shared page, the CTB ring (fences, wrap, torn messages, the budget),
 * PV PPGTT and GGTT bind / unbind, PV submission, resets, and every
 * hostile input the issue lists getting a status and changing nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "wl.h"

#define PV(off) (VGT_PVINFO_PAGE + (off))
#define RING_DW (XENGT_PV_CTB_SIZE / 4)
#define PV_VA 0x200000000ULL /* PPGTT address the PV tests bind at */

/* A guest using PV on top of the workload fixture's. */
struct pvg {
	struct wl_guest g;
	u64 page; /* shared page */
	u32 fence;
};

static struct xengt_pv_ctb_desc *desc(struct pvg *p)
{
	return (void *)((u8 *)wl_ram32(&p->g, p->page) + XENGT_PV_DESC_OFFSET);
}

static u32 *ring(struct pvg *p)
{
	return wl_ram32(&p->g, p->page + XENGT_PV_CTB_OFFSET);
}

static struct pv_stats *st(struct pvg *p)
{
	return &p->g.v->pv.stats;
}

static void g2v(struct pvg *p, u32 code)
{
	fx_wr32(p->g.v, PV(PVINFO_G2V_NOTIFY), code);
}

/* Register @gpa as the shared page (the guest's steps 2). */
static void register_page(struct pvg *p, u64 gpa)
{
	fx_wr32(p->g.v, PV(XENGT_PVINFO_SHARED_PAGE_GPA), (u32)gpa);
	fx_wr32(p->g.v, PV(XENGT_PVINFO_SHARED_PAGE_GPA + 4), (u32)(gpa >> 32));
	g2v(p, XENGT_G2V_SHARED_PAGE_REGISTER);
}

/* A fresh shared page with a good descriptor (ring indexes at @at). */
static u64 new_page(struct pvg *p, u32 at)
{
	u64 gpa = wl_page(&p->g);
	struct xengt_pv_ctb_desc *d =
		(void *)((u8 *)wl_ram32(&p->g, gpa) + XENGT_PV_DESC_OFFSET);

	d->addr = XENGT_PV_CTB_OFFSET;
	d->size = XENGT_PV_CTB_SIZE;
	d->head = d->tail = at;
	return gpa;
}

static u32 version(struct pvg *p, u64 gpa)
{
	return wl_ram32(&p->g, gpa)[0];
}

static void negotiate(struct pvg *p, u32 caps)
{
	fx_wr32(p->g.v, PV(XENGT_PVINFO_PV_CAPS), caps);
}

static int pv_setup(void **state)
{
	struct pvg *p = calloc(1, sizeof(*p));
	void *g;

	if (!p || wl_setup_one(&g))
		return -1;
	p->g = *(struct wl_guest *)g;
	free(g);
	negotiate(p, XENGT_PV_CAPS_ALL);
	p->page = new_page(p, 0);
	register_page(p, p->page);
	*state = p;
	return 0;
}

static int pv_teardown(void **state)
{
	struct pvg *p = *state;

	fx_world_free(p->g.w);
	free(p);
	return 0;
}

/* Put a message in the ring at the guest's tail (wrapping); its fence. */
static u32 put(struct pvg *p, u32 action, const void *data, u32 len)
{
	struct xengt_pv_ctb_desc *d = desc(p);
	u32 msg[2 + 31], i;

	msg[0] = XENGT_PV_MSG_HDR(action, len, XENGT_PV_MSG_WRITE_FENCE);
	msg[1] = ++p->fence;
	if (len)
		memcpy(msg + 2, data, len * 4);
	for (i = 0; i < 2 + len; i++) {
		ring(p)[d->tail] = msg[i];
		d->tail = (d->tail + 1) % RING_DW;
	}
	return p->fence;
}

/* One message, one doorbell; its status (its fence must be written). */
static u32 send(struct pvg *p, u32 action, const void *data, u32 len)
{
	u32 fence = put(p, action, data, len);

	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(desc(p)->head, desc(p)->tail);
	assert_int_equal(desc(p)->fence, fence);
	return desc(p)->status;
}

static struct xengt_pv_vma vma(u32 size, u64 start, u64 dma, u64 pml4)
{
	struct xengt_pv_vma v = {
		.size = size, .start = start, .dma_addrs = dma, .pml4 = pml4
	};

	return v;
}

static u32 send_vma(struct pvg *p, u32 action, struct xengt_pv_vma v)
{
	return send(p, action, &v, XENGT_PV_VMA_DWORDS);
}

/* A page of @n u64 entries: page i -> @pages[i % npages] | flags. */
static u64 entry_array(struct pvg *p, u32 n, const u64 *pages, u32 npages)
{
	u64 arr = wl_page(&p->g), *e = (u64 *)wl_ram32(&p->g, arr);
	u32 i;

	for (i = 0; i < n; i++)
		e[i] = pages[i % npages] | GEN8_PAGE_PRESENT | GEN8_PAGE_RW;
	return arr;
}

static bool translates(struct pvg *p, u64 root, u64 va, u64 *gpa)
{
	struct vgpu_ppgtt *pp = &p->g.v->ppgtt;
	u32 i;

	for (i = 0; i < PPGTT_NR_MM; i++)
		if (pp->mm[i].root && pp->mm[i].pv && !pp->mm[i].dead &&
		    pp->mm[i].root_gpa == root)
			return ppgtt_translate(&pp->mm[i], va, gpa) == 0;
	return false;
}

/*
 * The list of empty PV tables holds nr_pv_empty entries, both ways (the
 * struct is private to ppgtt.c: walked through its head and count only).
 */
static void empty_list_ok(struct vgpu *v)
{
	assert_int_equal(v->ppgtt.pv_empty == NULL, v->ppgtt.nr_pv_empty == 0);
	assert_int_equal(v->ppgtt.pv_empty_tail == NULL,
			 v->ppgtt.nr_pv_empty == 0);
}

/* Shadow tables of the vGPU, trapped and PV. */
static u32 tables(struct vgpu *v)
{
	return v->ppgtt.nr_spt + v->ppgtt.nr_pv_spt;
}

static u64 sum_errors(struct pvg *p)
{
	u64 n = 0;
	u32 i;

	for (i = 1; i < PV_NR_STATUS; i++)
		n += st(p)->status[i];
	return n;
}

/* ---- negotiation and registration ---------------------------------------- */

static void test_negotiation_subset(void **state)
{
	struct pvg *p = *state;
	struct vgpu *v = p->g.v;
	u64 page;

	/* Re-negotiate from scratch with a host offering only some caps. */
	register_page(p, 0);
	assert_int_equal(xengt_vgpu_set_pv_offer(v, 0x8), -EINVAL);
	assert_int_equal(xengt_vgpu_set_pv_offer(v, XENGT_PV_CAP_PPGTT |
							    XENGT_PV_CAP_GGTT),
			 0);
	assert_true(fx_rd32(v, PV(PVINFO_VGT_CAPS)) & XENGT_VGT_CAPS_PV);
	negotiate(p, XENGT_PV_CAP_GGTT | XENGT_PV_CAP_SUBMISSION);
	assert_int_equal(fx_rd32(v, PV(XENGT_PVINFO_PV_CAPS)),
			 XENGT_PV_CAP_GGTT);
	page = new_page(p, 0);
	register_page(p, page);
	p->page = page;
	/* The version: u16 major 0, u16 minor 1. */
	assert_int_equal(version(p, page), 0 | 1 << 16);
	/* Caps are fixed while a page is registered. */
	negotiate(p, XENGT_PV_CAPS_ALL);
	assert_int_equal(fx_rd32(v, PV(XENGT_PVINFO_PV_CAPS)),
			 XENGT_PV_CAP_GGTT);
	/* What was not accepted is refused. */
	assert_int_equal(
		send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
			 vma(1, PV_VA, wl_page(&p->g) | 1, wl_page(&p->g))),
		XENGT_PV_STATUS_NOT_NEGOTIATED);
	assert_int_equal(
		send(p, XENGT_PV_ACTION_SUBMIT_WORKLOAD, (u32[]){ 0 }, 1),
		XENGT_PV_STATUS_NOT_NEGOTIATED);
	assert_int_equal(st(p)->status[XENGT_PV_STATUS_NOT_NEGOTIATED], 2);
	/* Unregistered, the guest may negotiate again. */
	register_page(p, 0);
	negotiate(p, XENGT_PV_CAPS_ALL);
	assert_int_equal(fx_rd32(v, PV(XENGT_PVINFO_PV_CAPS)),
			 XENGT_PV_CAP_PPGTT | XENGT_PV_CAP_GGTT);
}

/* A host that offers nothing: no PV bit, the trapped paths as before. */
static void test_offer_none_fallback(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct vgpu *v = g->v;
	u64 data = wl_page(g), page, unknown = v->stats.g2v_unknown;
	u32 cmd[4];

	assert_int_equal(xengt_vgpu_set_pv_offer(v, 0), 0);
	assert_false(fx_rd32(v, PV(PVINFO_VGT_CAPS)) & XENGT_VGT_CAPS_PV);
	assert_int_equal(fx_rd32(v, PV(XENGT_PVINFO_PV_CAPS)), 0);
	assert_int_equal(v->pv.page_gpa, 0); /* withdrawn with the offer */
	negotiate(p, XENGT_PV_CAPS_ALL);
	assert_int_equal(fx_rd32(v, PV(XENGT_PVINFO_PV_CAPS)), 0);
	page = new_page(p, 0);
	register_page(p, page);
	assert_int_equal(version(p, page), 0);
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(v->stats.g2v_unknown, unknown + 2);
	/* The marker is an ordinary ELSP dword then. */
	fx_wr32(v, GEN9_RCS_BASE + RING_ELSP, XENGT_PV_ELSP_MARKER);
	assert_int_equal(v->execlist[XENGT_RCS].elsp_count, 1);
	v->execlist[XENGT_RCS].elsp_count = 0;
	/* The trapped path works as ever, CSB and all. */
	wl_ppgtt_map(g, WL_DATA_VA, data);
	wl_sdi(cmd, WL_DATA_VA, 0x77);
	wl_emit(g, XENGT_RCS, cmd, 4);
	wl_submit(g, XENGT_RCS);
	assert_int_equal(wl_ram32(g, data)[0], 0x77);
	assert_int_equal(wl_csb_last(g, XENGT_RCS),
			 GEN8_CTX_STATUS_COMPLETE |
				 GEN8_CTX_STATUS_ACTIVE_IDLE);
}

static void test_register_bad_pages(void **state)
{
	struct pvg *p = *state;
	struct vgpu *v = p->g.v;
	u64 page = new_page(p, 0);
	struct xengt_pv_ctb_desc *d =
		(void *)((u8 *)wl_ram32(&p->g, page) + XENGT_PV_DESC_OFFSET);
	u64 bad = st(p)->bad_registrations;

	register_page(p, page + 8); /* not page aligned */
	register_page(p, WORLD_VM_RAM + 0x10000); /* not guest RAM */
	register_page(p, 1ULL << 45); /* beyond any address */
	d->addr = 0x400;
	register_page(p, page);
	d->addr = XENGT_PV_CTB_OFFSET;
	d->size = 4096;
	register_page(p, page);
	d->size = XENGT_PV_CTB_SIZE;
	d->tail = RING_DW;
	register_page(p, page);
	assert_int_equal(st(p)->bad_registrations, bad + 6);
	assert_int_equal(version(p, page), 0);
	assert_int_equal(v->pv.page_gpa, 0); /* the old page went too */
	/* Nothing registered: doorbells are ignored and counted. */
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(st(p)->doorbells_idle, 1);
	/* No accepted cap: no page. */
	d->tail = 0;
	negotiate(p, 0);
	register_page(p, page);
	assert_int_equal(version(p, page), 0);
	negotiate(p, XENGT_PV_CAP_GGTT);
	register_page(p, page);
	assert_int_equal(version(p, page), 1 << 16);
	assert_int_equal(v->pv.page_gpa, page);
	assert_false(v->failsafe);
}

/* ---- the ring ------------------------------------------------------------- */

static void test_fence_and_empty_ring(void **state)
{
	struct pvg *p = *state;
	u64 before;

	assert_int_equal(send(p, XENGT_PV_ACTION_DEFAULT, NULL, 0), 0);
	assert_int_equal(desc(p)->fence, 1);
	/* An empty ring: counted, nothing written. */
	desc(p)->fence = 0xdead;
	desc(p)->status = 0xbeef;
	before = st(p)->doorbells_idle;
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(st(p)->doorbells_idle, before + 1);
	assert_int_equal(desc(p)->fence, 0xdead);
	assert_int_equal(desc(p)->status, 0xbeef);
	/* A message without WRITE_FENCE leaves fence and status alone. */
	ring(p)[desc(p)->tail] = XENGT_PV_MSG_HDR(0, 0, 0);
	ring(p)[desc(p)->tail + 1] = 99;
	desc(p)->tail += 2;
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(desc(p)->head, desc(p)->tail);
	assert_int_equal(desc(p)->fence, 0xdead);
	assert_int_equal(st(p)->messages, 2);
	/*
	 * A batch: the last fence, and the first error of the batch (a
	 * guest waiting for the last fence must see it).
	 */
	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	put(p, 77, NULL, 0); /* unknown action */
	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(desc(p)->fence, p->fence);
	assert_int_equal(desc(p)->status, XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(st(p)->status[XENGT_PV_STATUS_BAD_MSG], 1);
	/* Reported once: the next batch starts clean. */
	assert_int_equal(send(p, XENGT_PV_ACTION_DEFAULT, NULL, 0), 0);
}

/*
 * Errors are kept for the next fence written: a bind that fails half way
 * through a batch, and one in a message that asks for no fence.
 */
static void test_batch_error_kept(void **state)
{
	struct pvg *p = *state;
	struct xengt_pv_ctb_desc *d = desc(p);
	u64 root = wl_page(&p->g), data = wl_page(&p->g) | 3;
	struct xengt_pv_vma good = vma(1, PV_VA, data, root);
	struct xengt_pv_vma bad =
		vma(1, PV_VA + 4096, (WORLD_VM_RAM + 0x1000) | 3, root);
	u32 i;

	put(p, XENGT_PV_ACTION_BIND_PPGTT, &good, XENGT_PV_VMA_DWORDS);
	put(p, XENGT_PV_ACTION_BIND_PPGTT, &bad, XENGT_PV_VMA_DWORDS);
	for (i = 0; i < 3; i++)
		put(p, XENGT_PV_ACTION_BIND_PPGTT, &good, XENGT_PV_VMA_DWORDS);
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(d->fence, p->fence);
	assert_int_equal(d->status, XENGT_PV_STATUS_BAD_GPA);
	/* No fence asked: the error waits for the next fence. */
	ring(p)[d->tail] = XENGT_PV_MSG_HDR(XENGT_PV_ACTION_UNBIND_PPGTT, 8, 0);
	ring(p)[d->tail + 1] = 0;
	memcpy(&ring(p)[d->tail + 2], &bad, sizeof(bad));
	((struct xengt_pv_vma *)&ring(p)[d->tail + 2])->pml4 = root + 4096;
	d->tail += 10;
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(d->status, XENGT_PV_STATUS_BAD_GPA); /* untouched */
	assert_int_equal(send(p, XENGT_PV_ACTION_DEFAULT, NULL, 0),
			 XENGT_PV_STATUS_BAD_ROOT);
	assert_int_equal(send(p, XENGT_PV_ACTION_DEFAULT, NULL, 0), 0);
	/* Across doorbells the budget splits: still the batch's first. */
	for (i = 0; i < 20; i++) {
		struct xengt_pv_vma big = vma(
			512, PV_VA + ((u64)(i + 1) << 30),
			entry_array(p, 512, (u64[]){ data & ~3ULL }, 1), root);

		if (i == 3)
			big.dma_addrs = WORLD_VM_RAM + 0x1000;
		put(p, XENGT_PV_ACTION_BIND_PPGTT, &big, XENGT_PV_VMA_DWORDS);
	}
	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	/* A doorbell the budget stopped writes head only. */
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_true(d->head != d->tail);
	assert_int_equal(st(p)->budget_hits, 1);
	assert_int_equal(d->fence, p->fence - 21);
	assert_int_equal(d->status, 0);
	for (i = 0; i < 10 && d->head != d->tail; i++)
		g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(d->head, d->tail);
	assert_int_equal(d->fence, p->fence);
	assert_int_equal(d->status, XENGT_PV_STATUS_BAD_GPA);
}

static void test_wrapped_message(void **state)
{
	struct pvg *p = *state;
	u64 data = wl_page(&p->g), root = wl_page(&p->g), gpa;

	/* A page whose ring starts 4 dwords before its end. */
	p->page = new_page(p, RING_DW - 4);
	register_page(p, p->page);
	assert_int_equal(p->g.v->pv.head, RING_DW - 4);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(1, PV_VA, data | 3, root)),
			 0);
	assert_int_equal(desc(p)->head, 6);
	assert_true(translates(p, root, PV_VA + 8, &gpa));
	assert_int_equal(gpa, data + 8);
}

static void test_torn_message(void **state)
{
	struct pvg *p = *state;
	struct xengt_pv_ctb_desc *d = desc(p);
	struct xengt_pv_vma v =
		vma(1, PV_VA, wl_page(&p->g) | 1, wl_page(&p->g));

	/* A good message, then a bind whose data stops short of the tail. */
	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	put(p, XENGT_PV_ACTION_BIND_PPGTT, &v, XENGT_PV_VMA_DWORDS);
	d->tail -= 3;
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(d->head, d->tail); /* dropped */
	assert_int_equal(d->status, XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(d->fence, p->fence); /* the torn one's, readable */
	assert_int_equal(st(p)->dropped, 1);
	assert_int_equal(st(p)->messages, 1); /* the good one only */
	assert_int_equal(st(p)->pages_bound, 0);
	assert_int_equal(tables(p->g.v), 0);
	/* A header alone (no fence readable): the status says so still. */
	d->fence = 5;
	d->status = 0;
	ring(p)[d->tail] = XENGT_PV_MSG_HDR(0, 0, XENGT_PV_MSG_WRITE_FENCE);
	d->tail++;
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(d->head, d->tail);
	assert_int_equal(d->status, XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(d->fence, 5);
	/* The ring goes on from there. */
	assert_int_equal(send(p, XENGT_PV_ACTION_DEFAULT, NULL, 0), 0);
}

static void test_bad_descriptor_drops(void **state)
{
	struct pvg *p = *state;
	struct xengt_pv_ctb_desc *d = desc(p);

	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	d->size = 4096; /* the guest scribbled on it */
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(d->head, d->tail);
	assert_int_equal(d->status, XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(d->fence, p->fence);
	assert_int_equal(st(p)->messages, 0);
	d->size = XENGT_PV_CTB_SIZE;
	/* A head the guest moved: the host's own is the truth. */
	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	d->head = 0;
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(st(p)->dropped, 2);
	assert_int_equal(st(p)->messages, 0);
	/* A tail out of the ring: nothing can be read, head stays. */
	d->head = p->g.v->pv.head;
	d->tail = RING_DW + 3;
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(d->head, p->g.v->pv.head);
	assert_int_equal(d->status, XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(st(p)->dropped, 3);
	d->tail = d->head;
	assert_int_equal(send(p, XENGT_PV_ACTION_DEFAULT, NULL, 0), 0);
}

static void test_bad_lengths(void **state)
{
	struct pvg *p = *state;
	struct xengt_pv_vma v =
		vma(1, PV_VA, wl_page(&p->g) | 1, wl_page(&p->g));
	u32 cap[3] = { XENGT_PV_CAP_SUBMISSION, 0, 0 }, nine[9] = { 0 };

	memcpy(nine, &v, sizeof(v));
	assert_int_equal(send(p, XENGT_PV_ACTION_BIND_PPGTT, &v, 7),
			 XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(send(p, XENGT_PV_ACTION_BIND_GGTT, nine, 9),
			 XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(send(p, XENGT_PV_ACTION_REGISTER_CAP_GPA, cap, 2),
			 XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(send(p, XENGT_PV_ACTION_SUBMIT_WORKLOAD, cap, 0),
			 XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(send(p, 0xffff, NULL, 0), XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(st(p)->status[XENGT_PV_STATUS_BAD_MSG], 5);
	assert_int_equal(st(p)->pages_bound, 0);
	assert_int_equal(tables(p->g.v), 0);
	assert_false(p->g.v->failsafe);
}

/*
 * The worst a guest can ask of one doorbell: a full ring of 512-page
 * binds.  The budget stops it part way; ringing again finishes it.
 */
static void test_budget_full_ring(void **state)
{
	struct pvg *p = *state;
	u64 data = wl_page(&p->g), root = wl_page(&p->g), gpa;
	u64 arr = entry_array(p, XENGT_PV_VMA_MAX_PAGES, &data, 1);
	u32 n = 0, rings = 0, first_head;

	while ((RING_DW + desc(p)->tail - desc(p)->head) % RING_DW + 2 +
		       XENGT_PV_VMA_DWORDS <
	       RING_DW) {
		struct xengt_pv_vma v =
			vma(XENGT_PV_VMA_MAX_PAGES,
			    PV_VA + n * 512ULL * XENGT_PAGE_SIZE, arr, root);

		put(p, XENGT_PV_ACTION_BIND_PPGTT, &v, XENGT_PV_VMA_DWORDS);
		n++;
	}
	assert_int_equal(n, 51);
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	first_head = desc(p)->head;
	/* 15 of them: 15 * 513 units fit in 8192, 16 do not. */
	assert_int_equal(first_head, 15 * 10);
	assert_int_equal(st(p)->budget_hits, 1);
	assert_int_equal(st(p)->pages_bound, 15 * 512);
	while (desc(p)->head != desc(p)->tail && rings < 10) {
		g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
		rings++;
	}
	assert_int_equal(rings, 3);
	assert_int_equal(desc(p)->fence, p->fence);
	assert_int_equal(desc(p)->status, 0);
	assert_int_equal(st(p)->pages_bound, 51 * 512);
	assert_true(translates(p, root, PV_VA + 50 * 512ULL * 4096 + 511 * 4096,
			       &gpa));
	assert_int_equal(gpa, data);
}

/* Many doorbells on an empty ring: counted, nothing else. */
static void test_doorbell_flood(void **state)
{
	struct pvg *p = *state;
	struct xengt_pv_ctb_desc before = *desc(p);
	u32 i;

	for (i = 0; i < 10000; i++)
		g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(st(p)->doorbells, 10000);
	assert_int_equal(st(p)->doorbells_idle, 10000);
	assert_int_equal(st(p)->messages, 0);
	assert_memory_equal(desc(p), &before, sizeof(before));
	assert_false(p->g.v->failsafe);
}

/* ---- PV PPGTT ------------------------------------------------------------- */

static u64 queue_store_on(struct pvg *p, u64 root, u64 va, u32 val)
{
	struct wl_guest *g = &p->g;
	u32 cmd[4];

	wl_set_ctx_reg(g, XENGT_RCS, CTX_PDP0_LDW, (u32)root);
	wl_set_ctx_reg(g, XENGT_RCS, CTX_PDP0_UDW, (u32)(root >> 32));
	wl_sdi(cmd, va, val);
	wl_emit(g, XENGT_RCS, cmd, 4);
	return wl_desc(&g->ctx[XENGT_RCS]);
}

static void test_ppgtt_bind_then_workload(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	u64 pages[4], root = wl_page(g), arr, gpa;
	u64 wp = g->wv->vm->nr_wp, frees;
	u32 i;

	for (i = 0; i < 4; i++)
		pages[i] = wl_page(g);
	frees = sim_machine_free_frames(&g->w->machine);
	arr = entry_array(p, 4, pages, 4);
	/* 4 pages across a leaf-table boundary: two leaf tables. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(4, PV_VA + 0x1fe000, arr, root)),
			 0);
	assert_int_equal(st(p)->pages_bound, 4);
	assert_int_equal(tables(g->v), 5); /* PML4, PDP, PD, 2 PT */
	for (i = 0; i < 4; i++) {
		assert_true(translates(p, root, PV_VA + 0x1fe000 + i * 4096ULL,
				       &gpa));
		assert_int_equal(gpa, pages[i]);
	}
	/* Built from messages alone: the root page is not protected. */
	assert_int_equal(g->wv->vm->nr_wp, wp);
	assert_false(sim_vm_gfn_protected(g->wv->vm, root >> 12));
	/* A context on that root writes the right guest page. */
	wl_elsp(g, XENGT_RCS,
		queue_store_on(p, root, PV_VA + 0x1fe000 + 2 * 4096 + 16,
			       0xc0ffee),
		0);
	assert_false(g->v->failsafe);
	assert_int_equal(wl_ram32(g, pages[2])[4], 0xc0ffee);
	assert_int_equal(wl_foreign(g->w), 0);
	assert_int_equal(wl_host_escapes(g->w), 0);
	/* Its guest page tables were never read: still zero. */
	for (i = 0; i < 1024; i++)
		assert_int_equal(wl_ram32(g, root)[i], 0);
	/* Unbind two: they go, the others stay. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_UNBIND_PPGTT,
				  vma(2, PV_VA + 0x1fe000, 0, root)),
			 0);
	assert_false(translates(p, root, PV_VA + 0x1fe000, &gpa));
	assert_true(translates(p, root, PV_VA + 0x200000, &gpa));
	/* The emptied PT is kept for the next bind, counted as empty. */
	assert_int_equal(g->v->ppgtt.nr_pv_spt, 5);
	assert_int_equal(g->v->ppgtt.nr_pv_empty, 1);
	assert_int_equal(g->v->ppgtt.nr_spt, 0);
	/* The last two: the root goes with them. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_UNBIND_PPGTT,
				  vma(2, PV_VA + 0x200000, 0, root)),
			 0);
	assert_false(ppgtt_pv_root(g->v, root));
	assert_int_equal(tables(g->v), 0);
	assert_int_equal(st(p)->pages_unbound, 4);
	/* Unbinding from a root that is no PV root now. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_UNBIND_PPGTT,
				  vma(1, PV_VA, 0, root)),
			 XENGT_PV_STATUS_BAD_ROOT);
	(void)frees;
}

/* A page that is not guest RAM anywhere in the message: nothing bound. */
static void test_ppgtt_bad_gpa_changes_nothing(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	u64 pages[4] = { wl_page(g), wl_page(g), wl_page(g),
			 WORLD_VM_RAM + 0x5000 };
	u64 root = wl_page(g), arr = entry_array(p, 4, pages, 4), gpa;
	u64 *e = (u64 *)wl_ram32(g, arr);

	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(4, PV_VA, arr, root)),
			 XENGT_PV_STATUS_BAD_GPA);
	assert_false(translates(p, root, PV_VA, &gpa));
	assert_false(ppgtt_pv_root(g->v, root));
	assert_int_equal(tables(g->v), 0);
	/* Reserved bits, or not present: the same. */
	e[3] = pages[0] | 1 | (1ULL << 50);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(4, PV_VA, arr, root)),
			 XENGT_PV_STATUS_BAD_GPA);
	e[3] = pages[0];
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(4, PV_VA, arr, root)),
			 XENGT_PV_STATUS_BAD_GPA);
	/* One page given directly, outside RAM. */
	assert_int_equal(
		send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
			 vma(1, PV_VA, (WORLD_VM_RAM + 0x1000) | 1, root)),
		XENGT_PV_STATUS_BAD_GPA);
	/* The array: outside RAM, misaligned, crossing its page. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(4, PV_VA, WORLD_VM_RAM + 0x1000, root)),
			 XENGT_PV_STATUS_BAD_GPA);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(4, PV_VA, arr + 4, root)),
			 XENGT_PV_STATUS_BAD_GPA);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(4, PV_VA, arr + 4096 - 16, root)),
			 XENGT_PV_STATUS_BAD_GPA);
	assert_int_equal(st(p)->status[XENGT_PV_STATUS_BAD_GPA], 7);
	assert_int_equal(tables(g->v), 0);
	assert_int_equal(st(p)->pages_bound, 0);
	assert_false(g->v->failsafe);
}

static void test_ppgtt_bad_range_and_root(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	u64 data = wl_page(g) | 1, root = wl_page(g);
	struct xengt_pv_vma v = vma(1, PV_VA, data, root);

	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(1, PV_VA + 8, data, root)),
			 XENGT_PV_STATUS_BAD_RANGE);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(2, (1ULL << 48) - 4096, data, root)),
			 XENGT_PV_STATUS_BAD_RANGE);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(1, ~0ULL << 12, data, root)),
			 XENGT_PV_STATUS_BAD_RANGE);
	/* Foreign roots: not the guest's RAM, or not an address at all. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(1, PV_VA, data, WORLD_VM_RAM + 0x2000)),
			 XENGT_PV_STATUS_BAD_ROOT);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(1, PV_VA, data, 1ULL << 62)),
			 XENGT_PV_STATUS_BAD_ROOT);
	/* An unknown root for unbind. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_UNBIND_PPGTT,
				  vma(1, PV_VA, 0, root)),
			 XENGT_PV_STATUS_BAD_ROOT);
	/* Sizes and flags. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(0, PV_VA, data, root)),
			 XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(513, PV_VA, data, root)),
			 XENGT_PV_STATUS_BAD_MSG);
	v.flags = 1;
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT, v),
			 XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(tables(g->v), 0);
	assert_int_equal(sum_errors(p), 9);
	/* And the good one works. */
	v.flags = 0;
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT, v), 0);
}

/* A root that had a trapped shadow becomes the host's: protection lifted. */
static void test_ppgtt_trapped_root_taken_over(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	u64 trapped = wl_page(g), pv = wl_page(g), gpa;
	struct ppgtt_mm *mm;

	wl_ppgtt_map(g, WL_DATA_VA, trapped);
	vgpu_lock(g->v);
	assert_int_equal(ppgtt_get_mm(g->v, g->pml4_gpa, &mm), 0);
	vgpu_unlock(g->v);
	assert_true(sim_vm_gfn_protected(g->wv->vm, g->pml4_gpa >> 12));
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(1, PV_VA, pv | 1, g->pml4_gpa)),
			 0);
	assert_false(sim_vm_gfn_protected(g->wv->vm, g->pml4_gpa >> 12));
	assert_int_equal(g->wv->vm->nr_wp, 0);
	assert_true(translates(p, g->pml4_gpa, PV_VA, &gpa));
	assert_false(translates(p, g->pml4_gpa, WL_DATA_VA, &gpa));
	vgpu_lock(g->v);
	assert_int_equal(ppgtt_get_mm(g->v, g->pml4_gpa, &mm), 0);
	vgpu_unlock(g->v);
	assert_true(mm->pv);
}

static int failing_after;
static void *(*real_alloc)(struct xengt_gpu *gpu, u64 *dma);

static void *failing_alloc(struct xengt_gpu *gpu, u64 *dma)
{
	if (failing_after-- <= 0)
		return NULL;
	return real_alloc(gpu, dma);
}

/* Shadow allocation fails part way: nothing of the message stays. */
static void test_ppgtt_enomem(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct xengt_gpu_ops ops = *g->w->gvt->gpu->ops;
	const struct xengt_gpu_ops *saved = g->w->gvt->gpu->ops;
	u64 data = wl_page(g), root = wl_page(g), gpa;
	u64 arr = entry_array(p, 512, &data, 1);
	int k;

	real_alloc = saved->dma_alloc_page;
	ops.dma_alloc_page = failing_alloc;
	g->w->gvt->gpu->ops = &ops;
	/* PML4, PDP, PD, two PTs: fail at each allocation in turn. */
	for (k = 0; k < 5; k++) {
		failing_after = k;
		assert_int_equal(
			send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				 vma(512, PV_VA + 0x100000, arr, root)),
			XENGT_PV_STATUS_NO_SPACE);
		assert_int_equal(tables(g->v), 0);
		assert_false(ppgtt_pv_root(g->v, root));
	}
	failing_after = 1000;
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(512, PV_VA + 0x100000, arr, root)),
			 0);
	assert_int_equal(tables(g->v), 5);
	/* On a root that exists: the new tables go, the old stay. */
	failing_after = 0;
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(1, PV_VA + (1ULL << 40), data | 1, root)),
			 XENGT_PV_STATUS_NO_SPACE);
	assert_int_equal(tables(g->v), 5);
	assert_true(translates(p, root, PV_VA + 0x100000, &gpa));
	g->w->gvt->gpu->ops = saved;
	assert_int_equal(st(p)->status[XENGT_PV_STATUS_NO_SPACE], 6);
}

/* Bind one page at @va of @root; its status. */
static u32 bind1(struct pvg *p, u64 root, u64 va, u64 data)
{
	return send_vma(
		p, XENGT_PV_ACTION_BIND_PPGTT,
		vma(1, va, data | GEN8_PAGE_PRESENT | GEN8_PAGE_RW, root));
}

static u32 unbind1(struct pvg *p, u64 root, u64 va)
{
	return send_vma(p, XENGT_PV_ACTION_UNBIND_PPGTT, vma(1, va, 0, root));
}

static u32 nr_allocs;

static void *counting_alloc(struct xengt_gpu *gpu, u64 *dma)
{
	nr_allocs++;
	return real_alloc(gpu, dma);
}

/*
 * Unbind then bind again in the same leaf table (a recycled buffer): the
 * emptied tables are kept, so the host allocates nothing; they go with
 * the root, and the accounting follows.
 */
static void test_ppgtt_churn_keeps_tables(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct xengt_gpu_ops ops = *g->w->gvt->gpu->ops;
	const struct xengt_gpu_ops *saved = g->w->gvt->gpu->ops;
	u64 data = wl_page(g), root = wl_page(g), gpa;
	struct xengt_vgpu_info in;
	u32 i;

	real_alloc = saved->dma_alloc_page;
	ops.dma_alloc_page = counting_alloc;
	g->w->gvt->gpu->ops = &ops;
	nr_allocs = 0;
	/* One page stays bound (the root lives), the other churns. */
	assert_int_equal(bind1(p, root, PV_VA, data), 0);
	assert_int_equal(nr_allocs, 4); /* PML4, PDP, PD, PT */
	for (i = 0; i < 100; i++) {
		u64 va = PV_VA + (1ULL << 30) + (i % 8) * 0x200000ULL;

		assert_int_equal(bind1(p, root, va, data), 0);
		assert_true(translates(p, root, va, &gpa));
		assert_int_equal(unbind1(p, root, va), 0);
		assert_false(translates(p, root, va, &gpa));
	}
	/* A PD and 8 PTs the first time round, never again. */
	assert_int_equal(nr_allocs, 4 + 1 + 8);
	assert_int_equal(g->v->ppgtt.stats.pv_spt_allocs, 13);
	assert_int_equal(g->v->ppgtt.nr_pv_spt, 13);
	assert_int_equal(g->v->ppgtt.nr_pv_empty, 8);
	empty_list_ok(g->v);
	assert_int_equal(st(p)->pages_bound, 101);
	/* The admin sees them (sysfs stats, xengt list). */
	xengt_vgpu_snapshot(g->v, &in);
	assert_int_equal(in.pv_roots, 1);
	assert_int_equal(in.pv_tables, 13);
	/* A workload on the root still sees only what is bound. */
	wl_elsp(g, XENGT_RCS, queue_store_on(p, root, PV_VA + 64, 0x5a5a), 0);
	assert_false(g->v->failsafe);
	assert_int_equal(wl_ram32(g, data)[16], 0x5a5a);
	assert_int_equal(wl_foreign(g->w), 0);
	assert_int_equal(wl_host_escapes(g->w), 0);
	/* The last page: the root goes, with every table kept. */
	assert_int_equal(unbind1(p, root, PV_VA), 0);
	assert_false(ppgtt_pv_root(g->v, root));
	assert_int_equal(g->v->ppgtt.nr_pv_spt, 0);
	assert_int_equal(g->v->ppgtt.nr_pv_empty, 0);
	xengt_vgpu_snapshot(g->v, &in);
	assert_int_equal(in.pv_roots, 0);
	assert_int_equal(in.pv_tables, 0);
	g->w->gvt->gpu->ops = saved;
}

/*
 * PPGTT_MAX_PV_SPT: empty tables kept never refuse a bind (they are
 * reclaimed at the limit), tables in use do; a pinned root keeps its own.
 */
static void test_ppgtt_table_limit_reclaims(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct vgpu_ppgtt *pp = &g->v->ppgtt;
	u64 data = wl_page(g), root = wl_page(g), gpa;
	u32 i, n, st_;

	/* Each 1 GiB apart: a PD and a PT each (plus one PDP, the PML4). */
	for (n = 0;; n++) {
		st_ = bind1(p, root, PV_VA + ((u64)n << 30), data);
		if (st_)
			break;
	}
	assert_int_equal(st_, XENGT_PV_STATUS_NO_SPACE);
	assert_true(pp->nr_pv_spt <= PPGTT_MAX_PV_SPT);
	assert_true(pp->nr_pv_spt > PPGTT_MAX_PV_SPT - 2);
	assert_int_equal(pp->nr_pv_empty, 0);
	assert_int_equal(pp->stats.pv_spt_limit_hits, 1);
	assert_false(translates(p, root, PV_VA + ((u64)n << 30), &gpa));
	assert_int_equal(pp->nr_spt, 0); /* none of the trapped budget */
	/* Half unbound: their PT stays, empty, and so its PD. */
	for (i = 0; i < n; i += 2)
		assert_int_equal(unbind1(p, root, PV_VA + ((u64)i << 30)), 0);
	assert_int_equal(pp->nr_pv_empty, (n + 1) / 2);
	empty_list_ok(g->v);
	/* New ranges: the empty tables (PT, then PD) reclaimed, binds work. */
	for (i = 0; i < 8; i++)
		assert_int_equal(
			bind1(p, root, PV_VA + ((u64)(n + i) << 30), data), 0);
	assert_int_equal(pp->stats.pv_spt_reclaimed, 2 * ((n + 1) / 2));
	assert_true(pp->nr_pv_spt <= PPGTT_MAX_PV_SPT);
	for (i = 1; i < n; i += 2)
		assert_true(translates(p, root, PV_VA + ((u64)i << 30), &gpa));
	/* A pinned root's empty tables are not reclaimed under it. */
	for (i = 0; pp->nr_pv_empty < 4; i++)
		unbind1(p, root, PV_VA + ((u64)(n + i) << 30));
	for (i = 0; i < PPGTT_NR_MM && !pp->mm[i].pv; i++)
		;
	ppgtt_pin_mm(&pp->mm[i]);
	while (!bind1(p, root, PV_VA + ((u64)(n + 100) << 30), data))
		n++;
	assert_int_equal(pp->nr_pv_empty, 4);
	empty_list_ok(g->v);
	vgpu_lock(g->v);
	ppgtt_unpin_mm(g->v, &pp->mm[i]);
	vgpu_unlock(g->v);
	assert_int_equal(bind1(p, root, PV_VA + ((u64)(n + 100) << 30), data),
			 0);
	/* Every page unbound: the root and all its tables go. */
	for (i = 0; i < 512 && ppgtt_pv_root(g->v, root); i++)
		unbind1(p, root, PV_VA + ((u64)i << 30));
	assert_false(ppgtt_pv_root(g->v, root));
	assert_int_equal(pp->nr_pv_spt, 0);
	assert_int_equal(pp->nr_pv_empty, 0);
}

/*
 * PV roots have their own bound (XENGT_PV_MAX_ROOTS): past it NO_SPACE,
 * and the trapped roots keep every one of their PPGTT_MAX_MM slots.
 */
static void test_ppgtt_pv_roots_do_not_starve_trapped(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	u64 data = wl_page(g), roots[XENGT_PV_MAX_ROOTS];
	u64 trapped[PPGTT_MAX_MM + 1];
	struct ppgtt_mm *mm;
	u32 i;

	assert_int_equal(PPGTT_MAX_PV_MM, XENGT_PV_MAX_ROOTS);
	for (i = 0; i < XENGT_PV_MAX_ROOTS; i++) {
		roots[i] = wl_page(g);
		assert_int_equal(bind1(p, roots[i], PV_VA, data), 0);
	}
	assert_int_equal(bind1(p, wl_page(g), PV_VA, data),
			 XENGT_PV_STATUS_NO_SPACE);
	assert_int_equal(g->v->ppgtt.stats.pv_mm_limit_hits, 1);
	/* More trapped roots than slots: all built, LRU beyond. */
	for (i = 0; i < PPGTT_MAX_MM + 1; i++) {
		trapped[i] = wl_page(g);
		vgpu_lock(g->v);
		assert_int_equal(ppgtt_get_mm(g->v, trapped[i], &mm), 0);
		vgpu_unlock(g->v);
		assert_false(mm->pv);
	}
	assert_int_equal(g->v->ppgtt.stats.mm_evictions, 1);
	/* Not one PV root was evicted for them. */
	for (i = 0; i < XENGT_PV_MAX_ROOTS; i++)
		assert_true(ppgtt_pv_root(g->v, roots[i]));
	/* A PV bind never evicts a trapped root either. */
	assert_int_equal(unbind1(p, roots[0], PV_VA), 0);
	assert_int_equal(bind1(p, wl_page(g), PV_VA, data), 0);
	assert_int_equal(g->v->ppgtt.stats.mm_evictions, 1);
	/* A context on a trapped root runs while every PV slot is taken. */
	wl_ppgtt_map(g, WL_DATA_VA, data);
	{
		u32 cmd[4];

		wl_set_ctx_reg(g, XENGT_RCS, CTX_PDP0_LDW, (u32)g->pml4_gpa);
		wl_set_ctx_reg(g, XENGT_RCS, CTX_PDP0_UDW,
			       (u32)(g->pml4_gpa >> 32));
		wl_sdi(cmd, WL_DATA_VA + 32, 0x7e57);
		wl_emit(g, XENGT_RCS, cmd, 4);
		wl_submit(g, XENGT_RCS);
	}
	assert_false(g->v->failsafe);
	assert_int_equal(wl_ram32(g, data)[8], 0x7e57);
}

/* ---- PV GGTT --------------------------------------------------------------- */

static void test_ggtt_bind_unbind(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct vgpu *v = g->v;
	u64 pages[3] = { wl_page(g), wl_page(g), wl_page(g) };
	u64 arr = entry_array(p, 3, pages, 3);
	u64 *e = (u64 *)wl_ram32(g, arr);
	u64 gm = v->low_gm_base + v->low_gm_size - 4 * 4096;
	u32 idx = gm >> 12, i;

	assert_int_equal(
		send_vma(p, XENGT_PV_ACTION_BIND_GGTT, vma(3, gm, arr, 0)), 0);
	for (i = 0; i < 3; i++) {
		/* The guest's view reads its entry back ... */
		assert_int_equal(fx_rd64(v, VGPU_GGTT_OFFSET + (idx + i) * 8),
				 e[i]);
		/* ... and the shadow is what a trapped write makes of it. */
		fx_wr64(v, VGPU_GGTT_OFFSET + (idx + 3) * 8, e[i]);
		assert_int_equal(sim_gpu_ggtt_read(&g->w->gpu, idx + i),
				 sim_gpu_ggtt_read(&g->w->gpu, idx + 3));
		assert_true(sim_gpu_ggtt_read(&g->w->gpu, idx + i) & 1);
	}
	assert_int_equal(st(p)->pages_bound, 3);
	/* Graphics memory through it reaches the guest's pages. */
	{
		u32 val = 0x5a5a, got = 0;

		vgpu_lock(v);
		assert_int_equal(ggtt_gm_write(v, gm + 4096 + 8, &val, 4), 0);
		assert_int_equal(ggtt_gm_read(v, gm + 4096 + 8, &got, 4), 0);
		vgpu_unlock(v);
		assert_int_equal(wl_ram32(g, pages[1])[2], 0x5a5a);
		assert_int_equal(got, 0x5a5a);
	}
	assert_int_equal(
		send_vma(p, XENGT_PV_ACTION_UNBIND_GGTT, vma(3, gm, 0, 0)), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(fx_rd64(v, VGPU_GGTT_OFFSET + (idx + i) * 8),
				 0);
		assert_int_equal(sim_gpu_ggtt_read(&g->w->gpu, idx + i), 0);
	}
	assert_int_equal(st(p)->pages_unbound, 3);
}

/*
 * The GGTT half of BAR0 as guest RAM (hv back_ram): a PV bind shows in
 * the guest's view too, so the guest's next flush, which takes every
 * entry of the view that differs, keeps it instead of undoing it.
 */
static void test_ggtt_bind_ram_view(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct vgpu *v = g->v;
	struct sim_vm *vm = g->wv->vm;
	u64 bar0 = 0xf0000000ULL, page = wl_page(g) | 3;
	u64 gm = v->high_gm_base + 8 * 4096, shadow;

	sim_vm_enable_ggtt_ram(vm);
	fx_cfg_wr(v, 0x10, 4, (u32)bar0);
	fx_cfg_wr(v, 0x14, 4, 0);
	fx_cfg_wr(v, 0x04, 2, 0x2);
	assert_int_equal(v->ggtt.path, GGTT_PATH_RAM);
	assert_int_equal(
		send_vma(p, XENGT_PV_ACTION_BIND_GGTT, vma(1, gm, page, 0)), 0);
	assert_int_equal(
		sim_vm_mmio_read(vm, bar0 + VGPU_GGTT_OFFSET + (gm >> 12) * 8,
				 8),
		page);
	shadow = sim_gpu_ggtt_read(&g->w->gpu, gm >> 12);
	assert_true(shadow & 1);
	/* GFX_FLSH_CNTL: the view is synced, the bound entry stays. */
	sim_vm_mmio_write(vm, bar0 + 0x101008, 4, 1);
	assert_int_equal(sim_gpu_ggtt_read(&g->w->gpu, gm >> 12), shadow);
	assert_int_equal(
		send_vma(p, XENGT_PV_ACTION_UNBIND_GGTT, vma(1, gm, 0, 0)), 0);
	assert_int_equal(
		sim_vm_mmio_read(vm, bar0 + VGPU_GGTT_OFFSET + (gm >> 12) * 8,
				 8),
		0);
	sim_vm_mmio_write(vm, bar0 + 0x101008, 4, 1);
	assert_int_equal(sim_gpu_ggtt_read(&g->w->gpu, gm >> 12), 0);
}

static void test_ggtt_outside_partition(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct vgpu *v = g->v;
	u64 page = wl_page(g) | 1;
	u64 last = v->low_gm_base + v->low_gm_size - 4096;
	u64 writes = v->stats.ggtt_writes;
	u64 outside = v->high_gm_base + v->high_gm_size;

	/* Past the partition's end by one page: nothing written. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_GGTT,
				  vma(2, last, entry_array(p, 2, &page, 1), 0)),
			 XENGT_PV_STATUS_BAD_RANGE);
	assert_int_equal(fx_rd64(v, VGPU_GGTT_OFFSET + (last >> 12) * 8), 0);
	/* Another vGPU's (or nobody's) graphics memory. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_GGTT,
				  vma(1, outside, page, 0)),
			 XENGT_PV_STATUS_BAD_RANGE);
	assert_int_equal(sim_gpu_ggtt_read(&g->w->gpu, outside >> 12), 0);
	assert_int_equal(
		send_vma(p, XENGT_PV_ACTION_UNBIND_GGTT, vma(1, 0, 0, 0)),
		XENGT_PV_STATUS_BAD_RANGE);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_GGTT,
				  vma(1, last + 12, page, 0)),
			 XENGT_PV_STATUS_BAD_RANGE);
	/* A root for a GGTT bind, a page not in RAM. */
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_GGTT,
				  vma(1, last, page, 0x1000)),
			 XENGT_PV_STATUS_BAD_MSG);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_GGTT,
				  vma(1, last, (WORLD_VM_RAM + 0x3000) | 1, 0)),
			 XENGT_PV_STATUS_BAD_GPA);
	assert_int_equal(v->stats.ggtt_writes, writes);
	assert_int_equal(st(p)->pages_bound, 0);
}

/* ---- PV submission --------------------------------------------------------- */

static u64 register_area(struct pvg *p)
{
	u64 area = p->page + XENGT_PV_SUBMISSION_OFFSET;
	struct xengt_pv_cap_gpa c = { .cap = XENGT_PV_CAP_SUBMISSION,
				      .gpa = area };

	assert_int_equal(send(p, XENGT_PV_ACTION_REGISTER_CAP_GPA, &c,
			      XENGT_PV_CAP_GPA_DWORDS),
			 0);
	return area;
}

static struct xengt_pv_submission *sub(struct pvg *p, u64 area, u32 engine)
{
	return (struct xengt_pv_submission *)wl_ram32(&p->g, area) + engine;
}

static void test_pv_submission(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct vgpu *v = g->v;
	u64 data = wl_page(g), area = register_area(p);
	u32 *hwsp = wl_ram32(g, g->ctx[XENGT_RCS].hwsp_gpa);
	struct xengt_pv_submission *s = sub(p, area, XENGT_PV_ENGINE_RCS);
	u32 cmd[4] = { MI_USER_INTERRUPT, MI_NOOP, MI_NOOP, MI_NOOP };
	u64 csb = v->exec_stats.csb_events;
	u32 iir;

	fx_wr32(v, GEN8_GT_IMR(0), 0);
	fx_wr32(v, GEN9_RCS_BASE + RING_IMR, 0);
	fx_wr32(v, GEN8_GT_IIR(0), ~0U);
	wl_ppgtt_map(g, WL_DATA_VA, data);
	wl_sdi(cmd, WL_DATA_VA, 0xabc);
	wl_emit(g, XENGT_RCS, cmd, 4);
	cmd[0] = MI_USER_INTERRUPT;
	wl_emit(g, XENGT_RCS, cmd, 1);
	s->descs[0] = wl_desc(&g->ctx[XENGT_RCS]);
	s->descs[1] = 0;
	s->submitted = 1;
	s->status = 0xff;
	/* The marker: one trap. */
	fx_wr32(v, GEN9_RCS_BASE + RING_ELSP, XENGT_PV_ELSP_MARKER);
	assert_int_equal(s->submitted, 0);
	assert_int_equal(s->status, 0);
	assert_int_equal(v->execlist[XENGT_RCS].elsp_count, 0);
	xengt_gvt_drain(g->w->gvt);
	assert_false(v->failsafe);
	assert_int_equal(wl_ram32(g, data)[0], 0xabc);
	assert_int_equal(v->exec_stats.workloads_done, 1);
	assert_int_equal(st(p)->submissions, 1);
	/* No CSB event, no context switch interrupt; the user one came. */
	assert_int_equal(v->exec_stats.csb_events, csb);
	assert_int_equal(hwsp[I915_HWS_CSB_WRITE_INDEX], 0);
	iir = fx_rd32(v, GEN8_GT_IIR(0));
	assert_int_equal(iir & GT_CONTEXT_SWITCH_INTERRUPT, 0);
	assert_int_equal(iir & GT_RENDER_USER_INTERRUPT,
			 GT_RENDER_USER_INTERRUPT);
	/* The ring head went back to the image, as for ELSP. */
	assert_int_equal(wl_ctx_reg(g, XENGT_RCS, CTX_RING_HEAD),
			 g->ctx[XENGT_RCS].tail);
	/* The same through a SUBMIT_WORKLOAD message, on the BCS. */
	wl_sdi(cmd, WL_DATA_VA + 4, 0xdef);
	wl_emit(g, XENGT_BCS, cmd, 4);
	s = sub(p, area, XENGT_PV_ENGINE_BCS);
	s->descs[0] = wl_desc(&g->ctx[XENGT_BCS]);
	s->submitted = 1;
	assert_int_equal(send(p, XENGT_PV_ACTION_SUBMIT_WORKLOAD,
			      (u32[]){ XENGT_PV_ENGINE_BCS }, 1),
			 0);
	assert_int_equal(s->submitted, 0);
	xengt_gvt_drain(g->w->gvt);
	assert_int_equal(wl_ram32(g, data)[1], 0xdef);
	assert_int_equal(v->exec_stats.csb_events, csb);
	/* Nothing submitted: a repeated marker does nothing. */
	fx_wr32(v, GEN9_RCS_BASE + RING_ELSP, XENGT_PV_ELSP_MARKER);
	xengt_gvt_drain(g->w->gvt);
	assert_int_equal(v->exec_stats.workloads_done, 2);
	assert_int_equal(wl_foreign(g->w), 0);
	assert_int_equal(wl_host_escapes(g->w), 0);
}

/*
 * PV and ELSP submissions mixed on one engine: the CSB shows the ELSP
 * write's events only, even when the PV one completes while it runs.
 */
static void test_pv_and_elsp_mixed(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct vgpu *v = g->v;
	u64 data = wl_page(g), area = register_area(p);
	struct xengt_pv_submission *s = sub(p, area, XENGT_PV_ENGINE_RCS);
	struct wl_ctx other;
	u64 csb = v->exec_stats.csb_events;
	u32 cmd[4];

	wl_ppgtt_map(g, WL_DATA_VA, data);
	wl_ctx_new(g, XENGT_RCS, &other, 1);
	xengt_sched_pause(g->w->gvt, true);
	/* PV first, then an ELSP write of another context. */
	wl_sdi(cmd, WL_DATA_VA, 1);
	wl_emit(g, XENGT_RCS, cmd, 4);
	s->descs[0] = wl_desc(&g->ctx[XENGT_RCS]);
	s->submitted = 1;
	fx_wr32(v, GEN9_RCS_BASE + RING_ELSP, XENGT_PV_ELSP_MARKER);
	assert_int_equal(s->status, 0);
	wl_sdi(cmd, WL_DATA_VA + 4, 2);
	wl_emit_ctx(g, &other, cmd, 4);
	wl_elsp(g, XENGT_RCS, wl_desc(&other), 0);
	assert_int_equal(v->exec_stats.csb_events, csb + 1); /* IDLE_ACTIVE */
	xengt_sched_pause(g->w->gvt, false);
	xengt_gvt_drain(g->w->gvt);
	assert_int_equal(wl_ram32(g, data)[0], 1);
	assert_int_equal(wl_ram32(g, data)[1], 2);
	assert_int_equal(v->exec_stats.workloads_done, 2);
	/* One completion event: the ELSP write's, for its context. */
	assert_int_equal(v->exec_stats.csb_events, csb + 2);
	assert_int_equal(wl_csb_last(g, XENGT_RCS),
			 GEN8_CTX_STATUS_COMPLETE |
				 GEN8_CTX_STATUS_ACTIVE_IDLE);
	assert_int_equal(
		wl_ram32(g,
			 g->ctx[XENGT_RCS].hwsp_gpa)[I915_HWS_CSB_BUF0_INDEX +
						     2 * 1 + 1],
		other.id);
}

static void test_pv_submission_bad_descs(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct vgpu *v = g->v;
	u64 area, good = wl_desc(&g->ctx[XENGT_RCS]);
	struct xengt_pv_submission *s;
	const u64 bad[][2] = {
		{ 0, 0 }, /* no element 0 */
		{ good & ~(u64)GEN8_CTX_VALID, 0 }, /* not valid */
		{ good & ~(3ULL << GEN8_CTX_ADDRESSING_MODE_SHIFT), 0 },
		{ (good & ~GEN8_CTX_LRCA_MASK) |
			  ((v->high_gm_base + v->high_gm_size) &
			   GEN8_CTX_LRCA_MASK),
		  0 }, /* another's memory */
		{ good, 0x1000 }, /* element 1 present but not valid */
	};
	u32 i;

	/* The marker before an area is registered: an ELSP dword. */
	fx_wr32(v, GEN9_RCS_BASE + RING_ELSP, XENGT_PV_ELSP_MARKER);
	assert_int_equal(v->execlist[XENGT_RCS].elsp_count, 1);
	v->execlist[XENGT_RCS].elsp_count = 0;
	area = register_area(p);
	s = sub(p, area, XENGT_PV_ENGINE_RCS);
	for (i = 0; i < xengt_array_size(bad); i++) {
		s->descs[0] = bad[i][0];
		s->descs[1] = bad[i][1];
		s->submitted = 1;
		fx_wr32(v, GEN9_RCS_BASE + RING_ELSP, XENGT_PV_ELSP_MARKER);
		assert_int_equal(s->submitted, 0);
		assert_int_equal(s->status, XENGT_PV_STATUS_BAD_DESC);
	}
	assert_int_equal(st(p)->submit_errors, xengt_array_size(bad));
	assert_int_equal(workload_vgpu_queued(v), 0);
	assert_false(v->failsafe);
	/* Bad areas and engines. */
	{
		struct xengt_pv_cap_gpa c = { .cap = XENGT_PV_CAP_SUBMISSION,
					      .gpa = p->page + 4096 - 64 };

		assert_int_equal(
			send(p, XENGT_PV_ACTION_REGISTER_CAP_GPA, &c, 3),
			XENGT_PV_STATUS_BAD_GPA);
		c.gpa = WORLD_VM_RAM + 0x100;
		assert_int_equal(
			send(p, XENGT_PV_ACTION_REGISTER_CAP_GPA, &c, 3),
			XENGT_PV_STATUS_BAD_GPA);
		c.gpa = p->page + 4;
		assert_int_equal(
			send(p, XENGT_PV_ACTION_REGISTER_CAP_GPA, &c, 3),
			XENGT_PV_STATUS_BAD_GPA);
		c.cap = XENGT_PV_CAP_PPGTT;
		assert_int_equal(
			send(p, XENGT_PV_ACTION_REGISTER_CAP_GPA, &c, 3),
			XENGT_PV_STATUS_BAD_MSG);
		c.cap = 0x18;
		assert_int_equal(
			send(p, XENGT_PV_ACTION_REGISTER_CAP_GPA, &c, 3),
			XENGT_PV_STATUS_BAD_MSG);
	}
	assert_int_equal(v->pv.sub_gpa, area); /* kept */
	assert_int_equal(
		send(p, XENGT_PV_ACTION_SUBMIT_WORKLOAD, (u32[]){ 4 }, 1),
		XENGT_PV_STATUS_BAD_MSG);
	/* The area is fine: a good submission still runs. */
	s->descs[0] = good;
	s->descs[1] = 0;
	s->submitted = 1;
	fx_wr32(v, GEN9_RCS_BASE + RING_ELSP, XENGT_PV_ELSP_MARKER);
	assert_int_equal(s->status, 0);
	xengt_gvt_drain(g->w->gvt);
	assert_int_equal(v->exec_stats.workloads_done, 1);
	/* Unregistered (gpa 0): the marker is an ELSP dword again. */
	{
		struct xengt_pv_cap_gpa c = { .cap = XENGT_PV_CAP_SUBMISSION };

		assert_int_equal(
			send(p, XENGT_PV_ACTION_REGISTER_CAP_GPA, &c, 3), 0);
	}
	fx_wr32(v, GEN9_RCS_BASE + RING_ELSP, XENGT_PV_ELSP_MARKER);
	assert_int_equal(v->execlist[XENGT_RCS].elsp_count, 1);
}

/* ---- moving pages, failures, resets ------------------------------------- */

static int (*real_read_gpa)(struct hv_vm *vm, u64 gpa, void *buf, u32 len);
static u64 fail_gpa; /* reads touching this page fail */

static int failing_read_gpa(struct hv_vm *vm, u64 gpa, void *buf, u32 len)
{
	if (gpa >> 12 == fail_gpa >> 12)
		return -EFAULT;
	return real_read_gpa(vm, gpa, buf, len);
}

static void test_page_moved_or_gone(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct hv_ops ops = *g->wv->vm->base.ops;
	const struct hv_ops *saved = g->wv->vm->base.ops;
	u64 old = p->page, moved = new_page(p, 0);
	struct xengt_pv_ctb_desc before;

	/* shared_page_gpa changed without registering: the old page serves. */
	fx_wr64(g->v, PV(XENGT_PVINFO_SHARED_PAGE_GPA), moved);
	assert_int_equal(send(p, XENGT_PV_ACTION_DEFAULT, NULL, 0), 0);
	/* Registered there: the old page is no longer read. */
	g2v(p, XENGT_G2V_SHARED_PAGE_REGISTER);
	assert_int_equal(g->v->pv.page_gpa, moved);
	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_true(desc(p)->head != desc(p)->tail);
	p->page = moved;
	p->fence = 0;
	assert_int_equal(send(p, XENGT_PV_ACTION_DEFAULT, NULL, 0), 0);
	/* The page stops being readable RAM (ballooned out, say). */
	real_read_gpa = saved->read_gpa;
	ops.read_gpa = failing_read_gpa;
	fail_gpa = moved;
	g->wv->vm->base.ops = &ops;
	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	before = *desc(p);
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_memory_equal(desc(p), &before, sizeof(before));
	assert_int_equal(st(p)->gpa_faults, 1);
	/* An array page that cannot be read: BAD_GPA, nothing bound. */
	fail_gpa = wl_page(g);
	g->wv->vm->base.ops = saved;
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER); /* the pending message */
	g->wv->vm->base.ops = &ops;
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(2, PV_VA, fail_gpa, wl_page(g))),
			 XENGT_PV_STATUS_BAD_GPA);
	g->wv->vm->base.ops = saved;
	assert_int_equal(tables(g->v), 0);
	/* Unregistered in flight: the messages stay unread. */
	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	register_page(p, 0);
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_true(desc(p)->head != desc(p)->tail);
	(void)old;
}

/*
 * What the host reads of the page and writes to it during one doorbell,
 * through a recording hv backend: the descriptor once, each ring dword
 * once, and the write-back in the order head, status, fence.  A guest
 * that rewrites its ring while the host parses (another vCPU) is played
 * by the read hook: the message is rewritten in guest RAM right after
 * the host copied it, and the host must act on its copy.
 */
static struct {
	struct pvg *p;
	int (*read)(struct hv_vm *vm, u64 gpa, void *buf, u32 len);
	int (*write)(struct hv_vm *vm, u64 gpa, const void *buf, u32 len);
	u32 desc_reads, ring_reads[RING_DW];
	u32 writes[8], nr_writes;
	bool scribble;
} rec;

static int rec_read(struct hv_vm *vm, u64 gpa, void *buf, u32 len)
{
	u64 page = rec.p->page, i;
	int ret = rec.read(vm, gpa, buf, len);

	if (gpa < page + XENGT_PV_DESC_OFFSET + 32 &&
	    gpa + len > page + XENGT_PV_DESC_OFFSET)
		rec.desc_reads++;
	for (i = gpa; i < gpa + len; i += 4)
		if (i >= page + XENGT_PV_CTB_OFFSET && i < page + 4096)
			rec.ring_reads[(i - page - XENGT_PV_CTB_OFFSET) / 4]++;
	/* Another vCPU of the guest rewrites the ring just after the copy. */
	if (rec.scribble && gpa >= page + XENGT_PV_CTB_OFFSET &&
	    gpa < page + 4096)
		memset(ring(rec.p), 0xff, XENGT_PV_CTB_SIZE);
	return ret;
}

static int rec_write(struct hv_vm *vm, u64 gpa, const void *buf, u32 len)
{
	u64 d = rec.p->page + XENGT_PV_DESC_OFFSET;

	if (gpa >= d && gpa < d + 32 && rec.nr_writes < 8)
		rec.writes[rec.nr_writes++] = (u32)(gpa - d);
	return rec.write(vm, gpa, buf, len);
}

static void test_reads_once_writes_in_order(void **state)
{
	struct pvg *p = *state;
	struct wl_guest *g = &p->g;
	struct hv_ops ops = *g->wv->vm->base.ops;
	const struct hv_ops *saved = g->wv->vm->base.ops;
	u64 data = wl_page(g), root = wl_page(g), gpa;
	struct xengt_pv_vma v = vma(1, PV_VA, data | 3, root);
	u32 i, fence;

	memset(&rec, 0, sizeof(rec));
	rec.p = p;
	rec.read = saved->read_gpa;
	rec.write = saved->write_gpa;
	ops.read_gpa = rec_read;
	ops.write_gpa = rec_write;
	g->wv->vm->base.ops = &ops;
	put(p, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	put(p, XENGT_PV_ACTION_BIND_PPGTT, &v, XENGT_PV_VMA_DWORDS);
	fence = p->fence;
	rec.scribble = true;
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	g->wv->vm->base.ops = saved;
	assert_int_equal(rec.desc_reads, 1);
	for (i = 0; i < RING_DW; i++)
		assert_true(rec.ring_reads[i] <= 1);
	assert_int_equal(rec.ring_reads[0], 1);
	assert_int_equal(rec.ring_reads[11], 1);
	/* The copy was used: the bind happened as first written. */
	assert_true(translates(p, root, PV_VA, &gpa));
	assert_int_equal(gpa, data);
	assert_int_equal(st(p)->messages, 2);
	/* head, then status, then fence. */
	assert_int_equal(rec.nr_writes, 3);
	assert_int_equal(rec.writes[0],
			 offsetof(struct xengt_pv_ctb_desc, head));
	assert_int_equal(rec.writes[1],
			 offsetof(struct xengt_pv_ctb_desc, status));
	assert_int_equal(rec.writes[2],
			 offsetof(struct xengt_pv_ctb_desc, fence));
	assert_int_equal(desc(p)->fence, fence);
	assert_int_equal(desc(p)->status, 0);
}

static void bind_everything(struct pvg *p, u64 root)
{
	struct wl_guest *g = &p->g;
	u64 gm = g->v->low_gm_base + g->v->low_gm_size - 4096;

	register_area(p);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_PPGTT,
				  vma(1, PV_VA, wl_page(g) | 1, root)),
			 0);
	assert_int_equal(send_vma(p, XENGT_PV_ACTION_BIND_GGTT,
				  vma(1, gm, wl_page(g) | 1, 0)),
			 0);
	assert_true(ppgtt_pv_root(g->v, root));
}

static void assert_forgotten(struct pvg *p, u64 root)
{
	struct vgpu *v = p->g.v;

	assert_int_equal(v->pv.caps, 0);
	assert_int_equal(v->pv.page_gpa, 0);
	assert_int_equal(v->pv.sub_gpa, 0);
	assert_null(v->pv.scratch);
	assert_false(ppgtt_pv_root(v, root));
	assert_int_equal(fx_rd32(v, PV(XENGT_PVINFO_PV_CAPS)), v->pv.offer);
	assert_true(fx_rd32(v, PV(PVINFO_VGT_CAPS)) & XENGT_VGT_CAPS_PV);
	/* Doorbells are not served until the guest starts again. */
	g2v(p, XENGT_G2V_PV_SEND_TRIGGER);
	assert_int_equal(desc(p)->fence, p->fence);
}

static void test_reset_forgets(void **state)
{
	struct pvg *p = *state;
	u64 root = wl_page(&p->g);

	bind_everything(p, root);
	xengt_vgpu_reset(p->g.v);
	assert_forgotten(p, root);
	assert_int_equal(tables(p->g.v), 0);
	/* And the guest can start over. */
	negotiate(p, XENGT_PV_CAPS_ALL);
	p->page = new_page(p, 0);
	p->fence = 0;
	register_page(p, p->page);
	assert_int_equal(send(p, XENGT_PV_ACTION_DEFAULT, NULL, 0), 0);
}

static void test_gdrst_full_forgets(void **state)
{
	struct pvg *p = *state;
	u64 root = wl_page(&p->g);

	bind_everything(p, root);
	/* An engine reset is not a device reset: PV stays. */
	fx_wr32(p->g.v, GEN6_GDRST, GEN6_GRDOM_RENDER);
	assert_true(ppgtt_pv_root(p->g.v, root));
	assert_int_equal(p->g.v->pv.page_gpa, p->page);
	fx_wr32(p->g.v, GEN6_GDRST, GEN6_GRDOM_FULL);
	assert_forgotten(p, root);
	assert_int_equal(tables(p->g.v), 0);
}

/* Destroy with everything in use: the teardown's leak check (LSan). */
static void test_destroy_with_pv_state(void **state)
{
	struct pvg *p = *state;

	bind_everything(p, wl_page(&p->g));
	xengt_vgpu_destroy(p->g.v);
	p->g.w->vms[0].vgpu = NULL;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, pv_setup, pv_teardown)
	const struct CMUnitTest tests[] = {
		T(test_negotiation_subset),
		T(test_offer_none_fallback),
		T(test_register_bad_pages),
		T(test_fence_and_empty_ring),
		T(test_batch_error_kept),
		T(test_wrapped_message),
		T(test_torn_message),
		T(test_bad_descriptor_drops),
		T(test_bad_lengths),
		T(test_budget_full_ring),
		T(test_doorbell_flood),
		T(test_ppgtt_bind_then_workload),
		T(test_ppgtt_bad_gpa_changes_nothing),
		T(test_ppgtt_bad_range_and_root),
		T(test_ppgtt_trapped_root_taken_over),
		T(test_ppgtt_enomem),
		T(test_ppgtt_churn_keeps_tables),
		T(test_ppgtt_table_limit_reclaims),
		T(test_ppgtt_pv_roots_do_not_starve_trapped),
		T(test_ggtt_bind_unbind),
		T(test_ggtt_bind_ram_view),
		T(test_ggtt_outside_partition),
		T(test_pv_submission),
		T(test_pv_and_elsp_mixed),
		T(test_pv_submission_bad_descs),
		T(test_page_moved_or_gone),
		T(test_reads_once_writes_in_order),
		T(test_reset_forgets),
		T(test_gdrst_full_forgets),
		T(test_destroy_with_pv_state),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
