// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The paravirtual extension, host side (see pv.h and xengt/xengt-pv.h).
 */
#include "vgpu.h"
#include "pv.h"
#include "pvinfo.h"

#define PV(off) (VGT_PVINFO_PAGE + (off))
#define PV_RING_MASK (PV_RING_DWORDS - 1)
#define PV_DESC_GPA(pv) ((pv)->page_gpa + XENGT_PV_DESC_OFFSET)
#define PV_MSG_MAX_DWORDS (2 + XENGT_PV_MSG_LEN_MASK)
/*
 * What a submission costs against a doorbell's budget: preparing its
 * workloads (context shadow, bounded command scan) is worth about as much
 * as binding a full vma, so a ring of SUBMIT_WORKLOADs is bounded too.
 */
#define PV_SUBMIT_COST (1 + XENGT_PV_VMA_MAX_PAGES)

/* The PV engine indexes are the core's (gpu.h): one table, one order. */
typedef char
	pv_engine_order_check[((int)XENGT_PV_ENGINE_RCS == (int)XENGT_RCS &&
			       (int)XENGT_PV_ENGINE_BCS == (int)XENGT_BCS &&
			       (int)XENGT_PV_ENGINE_VCS == (int)XENGT_VCS &&
			       (int)XENGT_PV_ENGINE_VECS == (int)XENGT_VECS &&
			       (int)XENGT_PV_NR_ENGINES ==
				       (int)XENGT_NR_ENGINES) ?
				      1 :
				      -1];

/* ---- negotiation and registration (PVINFO traps) ------------------------ */

u32 pv_vgt_caps(const struct vgpu *vgpu)
{
	return vgpu->pv.offer ? VGT_CAPS_PV : 0;
}

/* A fence was written with its status: nothing of it is due any more. */
static void pv_fence_clear(struct vgpu_pv *pv)
{
	pv->fence_due = false;
	pv->fence = 0;
	pv->status = XENGT_PV_STATUS_OK;
}

/* Forget the shared page and what was registered through it. */
static void pv_unregister(struct vgpu *vgpu)
{
	struct vgpu_pv *pv = &vgpu->pv;

	pv->page_gpa = 0;
	pv->head = 0;
	pv_fence_clear(pv);
	pv->after = XENGT_PV_STATUS_OK;
	pv->sub_gpa = 0;
	if (pv->scratch) {
		os_vfree(pv->scratch);
		pv->scratch = NULL;
	}
}

void pv_vgpu_reset(struct vgpu *vgpu)
{
	struct vgpu_pv *pv = &vgpu->pv;

	pv_unregister(vgpu);
	pv->caps = 0;
	pv->negotiated = false;
}

void pv_gdrst_full(struct vgpu *vgpu)
{
	ppgtt_pv_drop_all(vgpu);
	pv_vgpu_reset(vgpu);
	vgpu_set_vreg32(vgpu, PV(PVINFO_PV_CAPS), vgpu->pv.offer);
	vgpu_set_vreg32(vgpu, PV(PVINFO_SHARED_PAGE_GPA), 0);
	vgpu_set_vreg32(vgpu, PV(PVINFO_SHARED_PAGE_GPA + 4), 0);
}

void pv_vgpu_fini(struct vgpu *vgpu)
{
	pv_unregister(vgpu);
}

void pv_set_offer(struct vgpu *vgpu, u32 caps)
{
	struct vgpu_pv *pv = &vgpu->pv;
	u32 vgt = vgpu_vreg32(vgpu, PV(PVINFO_VGT_CAPS)) & ~VGT_CAPS_PV;

	pv->offer = caps;
	pv->caps &= caps;
	if (!caps)
		pv_unregister(vgpu);
	vgpu_set_vreg32(vgpu, PV(PVINFO_VGT_CAPS), vgt | pv_vgt_caps(vgpu));
	vgpu_set_vreg32(vgpu, PV(PVINFO_PV_CAPS),
			pv->negotiated ? pv->caps : pv->offer);
}

void pv_caps_write(struct vgpu *vgpu, u32 offset, u32 val, u32 old)
{
	struct vgpu_pv *pv = &vgpu->pv;

	/* The transport's rules may not change under a registered page. */
	if (pv->page_gpa) {
		vgpu_set_vreg32(vgpu, offset, old);
		return;
	}
	pv->caps = pv->offer & val;
	pv->negotiated = true;
	vgpu_set_vreg32(vgpu, offset, pv->caps);
}

static bool pv_desc_ok(const struct xengt_pv_ctb_desc *d)
{
	return d->addr == XENGT_PV_CTB_OFFSET && d->size == XENGT_PV_CTB_SIZE &&
	       d->head < PV_RING_DWORDS && d->tail < PV_RING_DWORDS;
}

/* Why the page at @gpa cannot be a shared page, or NULL. */
static const char *pv_check_page(struct vgpu *vgpu, u64 gpa,
				 struct xengt_pv_ctb_desc *d)
{
	u64 dma;

	if (!vgpu->pv.caps)
		return "no PV capability accepted";
	if (gpa & (XENGT_PV_PAGE_SIZE - 1) || gpa & ~GEN9_PPGTT_ADDR_MASK)
		return "not a page address";
	if (hv_gfn_to_dma(vgpu, gpa >> XENGT_PAGE_SHIFT, &dma) ||
	    hv_read_gpa(vgpu, gpa + XENGT_PV_DESC_OFFSET, d, sizeof(*d)))
		return "not guest RAM";
	if (!pv_desc_ok(d))
		return "bad CTB descriptor";
	return NULL;
}

bool pv_register(struct vgpu *vgpu)
{
	struct vgpu_pv *pv = &vgpu->pv;
	u32 lo = vgpu_vreg32(vgpu, PV(PVINFO_SHARED_PAGE_GPA));
	u32 hi = vgpu_vreg32(vgpu, PV(PVINFO_SHARED_PAGE_GPA + 4));
	u64 gpa = (u64)hi << 32 | lo;
	u32 version = XENGT_PV_VERSION_MAJOR | XENGT_PV_VERSION_MINOR << 16;
	struct xengt_pv_ctb_desc d;
	const char *bad;

	if (!pv->offer)
		return false;
	/* A new registration replaces the old one, even a bad one. */
	pv_unregister(vgpu);
	if (!gpa) {
		vgpu_dbg(vgpu, "PV shared page unregistered");
		return true;
	}
	bad = pv_check_page(vgpu, gpa, &d);
	if (!bad) {
		pv->scratch = os_vzalloc(sizeof(*pv->scratch));
		if (!pv->scratch)
			bad = "out of host memory";
	}
	if (!bad && hv_write_gpa(vgpu, gpa, &version, sizeof(version)))
		bad = "not guest RAM";
	if (bad) {
		pv_unregister(vgpu);
		pv->stats.bad_registrations++;
		vgpu_dbg(vgpu, "PV shared page 0x%llx refused: %s", gpa, bad);
		return true;
	}
	pv->page_gpa = gpa;
	pv->head = d.head;
	pv->stats.registrations++;
	vgpu_dbg(vgpu, "PV shared page at 0x%llx, caps 0x%x", gpa, pv->caps);
	return true;
}

/* ---- commands ------------------------------------------------------------ */

/*
 * The vma's entries: the one in dma_addrs, or the array it points at (in
 * one page of guest RAM), copied once.  Each must be a present page of
 * the guest's RAM; its shadow goes to sentry (PPGTT only: the GGTT path
 * makes its own from the guest entry, as for a trapped write).
 */
static u32 pv_read_entries(struct vgpu *vgpu, const struct xengt_pv_vma *vma,
			   bool ppgtt)
{
	struct pv_scratch *s = vgpu->pv.scratch;
	u32 i, n = vma->size;

	if (n == 1) {
		s->gentry[0] = vma->dma_addrs;
	} else if (vma->dma_addrs & 7 ||
		   (vma->dma_addrs & (XENGT_PAGE_SIZE - 1)) + n * 8ULL >
			   XENGT_PAGE_SIZE ||
		   hv_read_gpa(vgpu, vma->dma_addrs, s->gentry, n * 8)) {
		return XENGT_PV_STATUS_BAD_GPA;
	}
	for (i = 0; i < n; i++) {
		int ret = ppgtt ? ppgtt_pv_shadow_pte(vgpu, s->gentry[i],
						      &s->sentry[i]) :
				  ggtt_pte_check(vgpu, s->gentry[i]);

		if (ret)
			return XENGT_PV_STATUS_BAD_GPA;
	}
	return XENGT_PV_STATUS_OK;
}

/* Pages a bind / unbind message asks for, or 0 if its size is bad. */
static u32 pv_vma_pages(const struct xengt_pv_vma *vma)
{
	return vma->size <= XENGT_PV_VMA_MAX_PAGES ? vma->size : 0;
}

static u32 pv_bind(struct vgpu *vgpu, u32 action, const u32 *data, u32 len)
{
	struct vgpu_pv *pv = &vgpu->pv;
	bool ppgtt = action == XENGT_PV_ACTION_BIND_PPGTT ||
		     action == XENGT_PV_ACTION_UNBIND_PPGTT;
	bool bind = action == XENGT_PV_ACTION_BIND_PPGTT ||
		    action == XENGT_PV_ACTION_BIND_GGTT;
	struct xengt_pv_vma vma;
	u64 bytes, dma;
	u32 i, st;
	int ret;

	if (len != XENGT_PV_VMA_DWORDS)
		return XENGT_PV_STATUS_BAD_MSG;
	os_memcpy(&vma, data, sizeof(vma));
	if (!(pv->caps & (ppgtt ? XENGT_PV_CAP_PPGTT : XENGT_PV_CAP_GGTT)))
		return XENGT_PV_STATUS_NOT_NEGOTIATED;
	if (vma.flags || !pv_vma_pages(&vma))
		return XENGT_PV_STATUS_BAD_MSG;
	bytes = (u64)vma.size << XENGT_PAGE_SHIFT;
	if (vma.start & (XENGT_PAGE_SIZE - 1))
		return XENGT_PV_STATUS_BAD_RANGE;
	if (ppgtt) {
		if (vma.start > (1ULL << GEN8_PPGTT_VA_BITS) - bytes)
			return XENGT_PV_STATUS_BAD_RANGE;
		if (vma.pml4 & ~GEN9_PPGTT_ADDR_MASK ||
		    hv_gfn_to_dma(vgpu, vma.pml4 >> XENGT_PAGE_SHIFT, &dma) ||
		    (!bind && !ppgtt_pv_root(vgpu, vma.pml4)))
			return XENGT_PV_STATUS_BAD_ROOT;
	} else {
		if (vma.pml4)
			return XENGT_PV_STATUS_BAD_MSG;
		if (!ggtt_gm_range_owned(vgpu, vma.start, bytes))
			return XENGT_PV_STATUS_BAD_RANGE;
	}
	if (bind) {
		st = pv_read_entries(vgpu, &vma, ppgtt);
		if (st)
			return st;
	}
	/* Everything is checked: from here the message applies whole. */
	if (ppgtt && bind) {
		ret = ppgtt_pv_bind(vgpu, vma.pml4, vma.start, vma.size,
				    pv->scratch->gentry, pv->scratch->sentry);
		if (ret)
			return XENGT_PV_STATUS_NO_SPACE;
	} else if (ppgtt) {
		if (ppgtt_pv_unbind(vgpu, vma.pml4, vma.start, vma.size) < 0)
			return XENGT_PV_STATUS_BAD_ROOT;
	} else {
		for (i = 0; i < vma.size; i++)
			ggtt_pv_write(vgpu,
				      (u32)(vma.start >> XENGT_PAGE_SHIFT) + i,
				      bind ? pv->scratch->gentry[i] : 0);
	}
	if (bind)
		pv->stats.pages_bound += vma.size;
	else
		pv->stats.pages_unbound += vma.size;
	return XENGT_PV_STATUS_OK;
}

static u32 pv_register_cap_gpa(struct vgpu *vgpu, const u32 *data, u32 len)
{
	struct vgpu_pv *pv = &vgpu->pv;
	struct xengt_pv_cap_gpa c;
	u64 dma;

	if (len != XENGT_PV_CAP_GPA_DWORDS)
		return XENGT_PV_STATUS_BAD_MSG;
	os_memcpy(&c, data, sizeof(c));
	/* Only submission has an area. */
	if (c.cap != XENGT_PV_CAP_PPGTT && c.cap != XENGT_PV_CAP_GGTT &&
	    c.cap != XENGT_PV_CAP_SUBMISSION)
		return XENGT_PV_STATUS_BAD_MSG;
	if (!(pv->caps & c.cap))
		return XENGT_PV_STATUS_NOT_NEGOTIATED;
	if (c.cap != XENGT_PV_CAP_SUBMISSION)
		return XENGT_PV_STATUS_BAD_MSG;
	if (c.gpa &&
	    (c.gpa & 7 ||
	     (c.gpa & (XENGT_PAGE_SIZE - 1)) +
			     XENGT_PV_NR_ENGINES *
				     sizeof(struct xengt_pv_submission) >
		     XENGT_PAGE_SIZE ||
	     hv_gfn_to_dma(vgpu, c.gpa >> XENGT_PAGE_SHIFT, &dma)))
		return XENGT_PV_STATUS_BAD_GPA;
	pv->sub_gpa = c.gpa;
	return XENGT_PV_STATUS_OK;
}

/*
 * The submission of @engine in the area: its descriptors read once,
 * checked and queued as an ELSP write's, then status and submitted = 0
 * written back (status first: the guest polls submitted).
 */
static u32 pv_submit(struct vgpu *vgpu, u32 engine)
{
	struct vgpu_pv *pv = &vgpu->pv;
	u64 gpa = pv->sub_gpa + engine * sizeof(struct xengt_pv_submission);
	struct xengt_pv_submission s;
	u32 st, zero = 0;
	int ret;

	if (hv_read_gpa(vgpu, gpa, &s, sizeof(s))) {
		pv->stats.gpa_faults++;
		return XENGT_PV_STATUS_BAD_GPA;
	}
	if (!s.submitted)
		return XENGT_PV_STATUS_OK; /* nothing new: a repeated doorbell */
	ret = execlist_submit_pv(vgpu, engine, s.descs[0], s.descs[1]);
	st = !ret	    ? XENGT_PV_STATUS_OK :
	     ret == -ENOSPC ? XENGT_PV_STATUS_NO_SPACE :
			      XENGT_PV_STATUS_BAD_DESC;
	if (st)
		pv->stats.submit_errors++;
	else
		pv->stats.submissions++;
	if (hv_write_gpa(vgpu,
			 gpa + offsetof(struct xengt_pv_submission, status),
			 &st, 4) ||
	    hv_write_gpa(vgpu,
			 gpa + offsetof(struct xengt_pv_submission, submitted),
			 &zero, 4))
		pv->stats.gpa_faults++;
	return st;
}

static u32 pv_submit_msg(struct vgpu *vgpu, const u32 *data, u32 len)
{
	struct vgpu_pv *pv = &vgpu->pv;

	if (len != 1)
		return XENGT_PV_STATUS_BAD_MSG;
	if (!(pv->caps & XENGT_PV_CAP_SUBMISSION))
		return XENGT_PV_STATUS_NOT_NEGOTIATED;
	if (!pv->sub_gpa || data[0] >= XENGT_PV_NR_ENGINES)
		return XENGT_PV_STATUS_BAD_MSG;
	return pv_submit(vgpu, data[0]);
}

bool pv_elsp_write(struct vgpu *vgpu, u32 engine, u32 val)
{
	struct vgpu_pv *pv = &vgpu->pv;

	if (val != XENGT_PV_ELSP_MARKER || !pv->sub_gpa ||
	    !(pv->caps & XENGT_PV_CAP_SUBMISSION))
		return false;
	pv_submit(vgpu, engine);
	return true;
}

/* Handle the message @m (header, fence, @len data dwords). */
static u32 pv_handle(struct vgpu *vgpu, const u32 *m, u32 len)
{
	u32 action = XENGT_PV_MSG_ACTION(m[0]);

	switch (action) {
	case XENGT_PV_ACTION_DEFAULT:
		return XENGT_PV_STATUS_OK;
	case XENGT_PV_ACTION_BIND_PPGTT:
	case XENGT_PV_ACTION_UNBIND_PPGTT:
	case XENGT_PV_ACTION_BIND_GGTT:
	case XENGT_PV_ACTION_UNBIND_GGTT:
		return pv_bind(vgpu, action, m + 2, len);
	case XENGT_PV_ACTION_REGISTER_CAP_GPA:
		return pv_register_cap_gpa(vgpu, m + 2, len);
	case XENGT_PV_ACTION_SUBMIT_WORKLOAD:
		return pv_submit_msg(vgpu, m + 2, len);
	}
	return XENGT_PV_STATUS_BAD_MSG;
}

/* Budget units of message @m: 1, plus its pages or a submission's cost. */
static u32 pv_cost(const u32 *m, u32 len)
{
	u32 action = XENGT_PV_MSG_ACTION(m[0]);
	struct xengt_pv_vma vma;

	switch (action) {
	case XENGT_PV_ACTION_BIND_PPGTT:
	case XENGT_PV_ACTION_UNBIND_PPGTT:
	case XENGT_PV_ACTION_BIND_GGTT:
	case XENGT_PV_ACTION_UNBIND_GGTT:
		if (len != XENGT_PV_VMA_DWORDS)
			return 1;
		os_memcpy(&vma, m + 2, sizeof(vma));
		return 1 + pv_vma_pages(&vma);
	case XENGT_PV_ACTION_SUBMIT_WORKLOAD:
		return PV_SUBMIT_COST;
	}
	return 1;
}

/* ---- the CTB ring ---------------------------------------------------------- */

/* Copy dwords [from, to) of the guest's ring (wrapping) to the scratch. */
static int pv_copy_ring(struct vgpu *vgpu, u32 from, u32 to)
{
	u32 *ring = vgpu->pv.scratch->ring;
	u64 base = vgpu->pv.page_gpa + XENGT_PV_CTB_OFFSET;
	u32 end = to >= from ? to : PV_RING_DWORDS;
	int ret;

	ret = hv_read_gpa(vgpu, base + from * 4, ring + from, (end - from) * 4);
	if (!ret && to < from && to)
		ret = hv_read_gpa(vgpu, base, ring, to * 4);
	return ret;
}

/* Dwords from @pos up to @tail. */
static u32 pv_avail(u32 pos, u32 tail)
{
	return (tail - pos) & PV_RING_MASK;
}

/* Message at @pos of the copy, unwrapped into @m. */
static void pv_fetch(const u32 *ring, u32 pos, u32 n, u32 *m)
{
	u32 i;

	for (i = 0; i < n; i++)
		m[i] = ring[(pos + i) & PV_RING_MASK];
}

/* The last fence readable in [pos, tail) of the copy, if any. */
static bool pv_last_fence(const u32 *ring, u32 pos, u32 tail, u32 *fence)
{
	bool found = false;

	while (pv_avail(pos, tail) >= 2) {
		u32 n = 2 + XENGT_PV_MSG_LEN(ring[pos]);

		*fence = ring[(pos + 1) & PV_RING_MASK];
		found = true;
		if (n > pv_avail(pos, tail))
			break;
		pos = (pos + n) & PV_RING_MASK;
	}
	return found;
}

/*
 * Write back head, then (when a fence is due: see pv_doorbell()) status,
 * then fence: the guest waits on fence, then reads status.
 */
static void pv_write_back(struct vgpu *vgpu, bool fenced, u32 status, u32 fence)
{
	struct vgpu_pv *pv = &vgpu->pv;
	u64 d = PV_DESC_GPA(pv);
	int ret;

	ret = hv_write_gpa(vgpu, d + offsetof(struct xengt_pv_ctb_desc, head),
			   &pv->head, 4);
	if (!ret && fenced)
		ret = hv_write_gpa(
			vgpu, d + offsetof(struct xengt_pv_ctb_desc, status),
			&status, 4);
	if (!ret && fenced)
		ret = hv_write_gpa(
			vgpu, d + offsetof(struct xengt_pv_ctb_desc, fence),
			&fence, 4);
	if (ret)
		pv->stats.gpa_faults++;
	if (fenced)
		pv_fence_clear(pv);
}

/*
 * Drop everything from @pos up to the guest's tail: a torn message or a
 * bad descriptor.  Status BAD_MSG, and fence the last one readable among
 * the dropped messages; if none is, the fence of a message handled before
 * (@fenced, @fence), else the fence is left as it was.
 */
static void pv_drop(struct vgpu *vgpu, u32 pos, u32 tail, bool copied,
		    bool fenced, u32 fence)
{
	struct vgpu_pv *pv = &vgpu->pv;
	u64 d = PV_DESC_GPA(pv);
	u32 status = XENGT_PV_STATUS_BAD_MSG;

	pv->stats.dropped++;
	if (tail < PV_RING_DWORDS) {
		if ((copied || !pv_copy_ring(vgpu, pos, tail)) &&
		    pv_last_fence(pv->scratch->ring, pos, tail, &fence))
			fenced = true;
		pv->head = tail;
	}
	if (fenced) {
		pv_write_back(vgpu, true, status, fence);
		return;
	}
	pv_write_back(vgpu, false, 0, 0);
	if (hv_write_gpa(vgpu, d + offsetof(struct xengt_pv_ctb_desc, status),
			 &status, 4))
		pv->stats.gpa_faults++;
	pv_fence_clear(pv);
	pv->after = XENGT_PV_STATUS_OK;
}

/*
 * The doorbell.  Fence and status are written by the doorbell that
 * leaves the ring empty (or drops it): one that the budget stopped
 * writes head only and keeps what is due, so that the status a guest
 * reads with the fence it waits for covers every message since the
 * fence was last written, however many doorbells that took.
 */
bool pv_doorbell(struct vgpu *vgpu)
{
	struct vgpu_pv *pv = &vgpu->pv;
	struct xengt_pv_ctb_desc d;
	u32 m[PV_MSG_MAX_DWORDS];
	u32 pos, tail, spent = 0;

	if (!pv->offer)
		return false;
	pv->stats.doorbells++;
	if (!pv->page_gpa) {
		pv->stats.doorbells_idle++;
		return true;
	}
	/* One read of the descriptor: nothing of it is read twice. */
	if (hv_read_gpa(vgpu, PV_DESC_GPA(pv), &d, sizeof(d))) {
		pv->stats.gpa_faults++;
		return true;
	}
	pos = pv->head;
	tail = d.tail;
	if (!pv_desc_ok(&d) || d.head != pv->head) {
		pv_drop(vgpu, pos, tail, false, pv->fence_due, pv->fence);
		return true;
	}
	if (pos == tail) {
		pv->stats.doorbells_idle++;
		return true;
	}
	if (pv_copy_ring(vgpu, pos, tail)) {
		pv->stats.gpa_faults++;
		return true;
	}
	while (pos != tail) {
		const u32 *ring = pv->scratch->ring;
		u32 avail = pv_avail(pos, tail);
		u32 len = XENGT_PV_MSG_LEN(ring[pos]);
		u32 cost, st;

		if (avail < 2 || 2 + len > avail) {
			pv->head = pos;
			pv_drop(vgpu, pos, tail, true, pv->fence_due,
				pv->fence);
			return true;
		}
		pv_fetch(ring, pos, 2 + len, m);
		cost = pv_cost(m, len);
		if (spent && spent + cost > XENGT_PV_DOORBELL_BUDGET) {
			pv->stats.budget_hits++;
			break;
		}
		spent += cost;
		st = pv_handle(vgpu, m, len);
		pv->stats.messages++;
		pv->stats.status[st < PV_NR_STATUS ? st : 0]++;
		if (!pv->after)
			pv->after = st;
		if (m[0] & XENGT_PV_MSG_WRITE_FENCE) {
			if (!pv->status)
				pv->status = pv->after;
			pv->after = XENGT_PV_STATUS_OK;
			pv->fence = m[1];
			pv->fence_due = true;
		}
		pos = (pos + 2 + len) & PV_RING_MASK;
	}
	pv->head = pos;
	pv_write_back(vgpu, pos == tail && pv->fence_due, pv->status,
		      pv->fence);
	return true;
}
