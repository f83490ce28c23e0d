// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Shadow PPGTT (see ppgtt.h).
 */
#include "vgpu.h"
#include "ppgtt.h"
#include "gen9.h"

#define PPGTT_LEVELS 4 /* 4 = PML4, 3 = PDP, 2 = PD, 1 = PT */
#define PPGTT_ENTRIES GEN8_PTES_PER_PAGE
/* Entry bits that must be zero: above the 39-bit address, below bit 63. */
#define PPGTT_RESERVED (0x7fffff8000000000ULL)
#define PPGTT_FLAGS 0xfffULL

/* A guest frame holding page-table entries at one level or more. */
struct ppgtt_gpage {
	u64 gfn;
	struct ppgtt_spt *spt[PPGTT_LEVELS + 1]; /* by level, [0] unused */
	u32 nr_spt;
	u32 writes; /* trapped writes since the last submission */
	bool oos;
	struct ppgtt_gpage *hnext;
	struct ppgtt_gpage *oos_next;
};

/* The shadow of one guest page-table page at one level. */
struct ppgtt_spt {
	struct ppgtt_gpage *gp;
	u32 level;
	u32 refs; /* shadow entries (or roots) pointing at it */
	u64 *shadow; /* host page the GPU walks */
	u64 dma;
	u64 *gentry; /* guest entries as last validated */
	struct ppgtt_spt **child; /* levels > 1: shadow of each entry */
	u32 used; /* PV tables (no guest page): present entries */
	bool pv; /* a PV table: counted in nr_pv_spt, not nr_spt */
	/*
	 * PV tables below the root: the table pointing at this one (entry
	 * pidx), and while empty, links in vgpu_ppgtt's pv_empty list.
	 */
	struct ppgtt_spt *parent;
	u32 pidx;
	struct ppgtt_spt *enext, *eprev;
};

static u32 ppgtt_hash(u64 gfn)
{
	return (u32)((gfn * 0x9e3779b97f4a7c15ULL) >> 56) % PPGTT_HASH_BUCKETS;
}

static struct ppgtt_gpage *ppgtt_gpage_find(struct vgpu_ppgtt *p, u64 gfn)
{
	struct ppgtt_gpage *gp = p->hash[ppgtt_hash(gfn)];

	while (gp && gp->gfn != gfn)
		gp = gp->hnext;
	return gp;
}

static void ppgtt_oos_unlink(struct vgpu_ppgtt *p, struct ppgtt_gpage *gp)
{
	struct ppgtt_gpage **pp = &p->oos_list;

	while (*pp && *pp != gp)
		pp = &(*pp)->oos_next;
	if (*pp)
		*pp = gp->oos_next;
	gp->oos = false;
	gp->oos_next = NULL;
}

static void ppgtt_gpage_put(struct vgpu *vgpu, struct ppgtt_gpage *gp)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;
	struct ppgtt_gpage **pp;

	if (--gp->nr_spt)
		return;
	if (gp->oos)
		ppgtt_oos_unlink(p, gp);
	else
		hv_set_wp(vgpu, gp->gfn, false);
	for (pp = &p->hash[ppgtt_hash(gp->gfn)]; *pp != gp; pp = &(*pp)->hnext)
		;
	*pp = gp->hnext;
	os_free(gp);
}

static void ppgtt_spt_put(struct vgpu *vgpu, struct ppgtt_spt *spt);

/*
 * The empty PV tables below their roots, oldest first: what a bind at
 * PPGTT_MAX_PV_SPT reclaims, each in O(1) (ppgtt_pv_reclaim()).
 */
static void ppgtt_pv_empty_unlink(struct vgpu_ppgtt *p, struct ppgtt_spt *spt)
{
	if (spt->eprev)
		spt->eprev->enext = spt->enext;
	else
		p->pv_empty = spt->enext;
	if (spt->enext)
		spt->enext->eprev = spt->eprev;
	else
		p->pv_empty_tail = spt->eprev;
	spt->enext = spt->eprev = NULL;
	p->nr_pv_empty--;
}

static void ppgtt_pv_empty_add(struct vgpu_ppgtt *p, struct ppgtt_spt *spt)
{
	spt->enext = NULL;
	spt->eprev = p->pv_empty_tail;
	if (p->pv_empty_tail)
		p->pv_empty_tail->enext = spt;
	else
		p->pv_empty = spt;
	p->pv_empty_tail = spt;
	p->nr_pv_empty++;
}

static void ppgtt_spt_free(struct vgpu *vgpu, struct ppgtt_spt *spt)
{
	struct xengt_gpu *gpu = vgpu->gvt->gpu;
	u32 i;

	if (spt->child)
		for (i = 0; i < PPGTT_ENTRIES; i++)
			if (spt->child[i])
				ppgtt_spt_put(vgpu, spt->child[i]);
	/* PV tables have no guest page behind them. */
	if (spt->gp) {
		spt->gp->spt[spt->level] = NULL;
		ppgtt_gpage_put(vgpu, spt->gp);
	}
	if (spt->pv) {
		vgpu->ppgtt.nr_pv_spt--;
		if (spt->parent && !spt->used)
			ppgtt_pv_empty_unlink(&vgpu->ppgtt, spt);
	} else {
		vgpu->ppgtt.nr_spt--;
	}
	gpu->ops->dma_free_page(gpu, spt->shadow, spt->dma);
	os_free(spt->child);
	os_free(spt->gentry);
	os_free(spt);
}

/* Recursion is bounded: a child is always one level down. */
static void ppgtt_spt_put(struct vgpu *vgpu, struct ppgtt_spt *spt)
{
	if (--spt->refs == 0)
		ppgtt_spt_free(vgpu, spt);
}

static struct ppgtt_spt *ppgtt_spt_get(struct vgpu *vgpu, u64 gfn, u32 level);

static void ppgtt_bad(struct vgpu *vgpu)
{
	vgpu->ppgtt.stats.bad_entries++;
}

/*
 * The shadow of guest entry @ge at @level: a leaf gets the machine address
 * of the guest's own frame, a table gets its shadow (in *child, with a
 * reference).  Anything the guest does not own is not present.
 */
static u64 ppgtt_shadow_entry(struct vgpu *vgpu, u32 level, u64 ge,
			      struct ppgtt_spt **child)
{
	u64 gfn = (ge & GEN9_PPGTT_ADDR_MASK) >> XENGT_PAGE_SHIFT;
	u64 dma;

	*child = NULL;
	if (!(ge & GEN8_PAGE_PRESENT))
		return 0;
	if (ge & PPGTT_RESERVED) {
		ppgtt_bad(vgpu);
		return 0;
	}
	if (level == 1) {
		if (hv_gfn_to_dma(vgpu, gfn, &dma)) {
			ppgtt_bad(vgpu);
			return 0;
		}
		return (dma & GEN9_PPGTT_ADDR_MASK) | (ge & PPGTT_FLAGS);
	}
	/* 1 GiB / 2 MiB pages are not shadowed. */
	if (ge & GEN8_PDE_PS_2M) {
		ppgtt_bad(vgpu);
		return 0;
	}
	*child = ppgtt_spt_get(vgpu, gfn, level - 1);
	if (!*child)
		return 0;
	return ((*child)->dma & GEN9_PPGTT_ADDR_MASK) | (ge & PPGTT_FLAGS);
}

/* Set entry @i of @spt from guest value @ge (old child released). */
static void ppgtt_spt_set(struct vgpu *vgpu, struct ppgtt_spt *spt, u32 i,
			  u64 ge)
{
	struct ppgtt_spt *old = spt->child ? spt->child[i] : NULL;
	struct ppgtt_spt *child;

	spt->gentry[i] = ge;
	spt->shadow[i] = ppgtt_shadow_entry(vgpu, spt->level, ge, &child);
	if (spt->child)
		spt->child[i] = child;
	/* After the new child is taken, so a shared child survives. */
	if (old)
		ppgtt_spt_put(vgpu, old);
}

static struct ppgtt_gpage *ppgtt_gpage_get(struct vgpu *vgpu, u64 gfn)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;
	struct ppgtt_gpage *gp = ppgtt_gpage_find(p, gfn);
	u32 h;

	if (gp)
		return gp;
	if (hv_set_wp(vgpu, gfn, true))
		return NULL;
	gp = os_zalloc(sizeof(*gp));
	if (!gp) {
		hv_set_wp(vgpu, gfn, false);
		return NULL;
	}
	gp->gfn = gfn;
	h = ppgtt_hash(gfn);
	gp->hnext = p->hash[h];
	p->hash[h] = gp;
	return gp;
}

static struct ppgtt_spt *ppgtt_spt_get(struct vgpu *vgpu, u64 gfn, u32 level)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;
	struct xengt_gpu *gpu = vgpu->gvt->gpu;
	struct ppgtt_gpage *gp = ppgtt_gpage_find(p, gfn);
	struct ppgtt_spt *spt;
	u32 i;

	if (gp && gp->spt[level]) {
		gp->spt[level]->refs++;
		return gp->spt[level];
	}
	if (p->nr_spt >= PPGTT_MAX_SPT) {
		p->stats.spt_limit_hits++;
		p->overflow = true;
		return NULL;
	}
	spt = os_zalloc(sizeof(*spt));
	if (!spt)
		goto err_overflow;
	spt->gentry = os_zalloc(XENGT_PAGE_SIZE);
	if (level > 1)
		spt->child = os_zalloc(PPGTT_ENTRIES * sizeof(*spt->child));
	spt->shadow = gpu->ops->dma_alloc_page(gpu, &spt->dma);
	if (!spt->gentry || (level > 1 && !spt->child) || !spt->shadow)
		goto err_free;
	/* Protect before reading, so no write slips between the two. */
	gp = ppgtt_gpage_get(vgpu, gfn);
	if (!gp)
		goto err_free;
	if (hv_read_gpa(vgpu, gfn << XENGT_PAGE_SHIFT, spt->gentry,
			XENGT_PAGE_SIZE)) {
		if (!gp->nr_spt) {
			gp->nr_spt = 1;
			ppgtt_gpage_put(vgpu, gp);
		}
		goto err_free;
	}
	spt->gp = gp;
	spt->level = level;
	spt->refs = 1;
	gp->spt[level] = spt;
	gp->nr_spt++;
	p->nr_spt++;
	/* The page is published first: tables pointing at themselves reuse it. */
	for (i = 0; i < PPGTT_ENTRIES; i++)
		if (spt->gentry[i] & GEN8_PAGE_PRESENT)
			ppgtt_spt_set(vgpu, spt, i, spt->gentry[i]);
	return spt;

err_free:
	if (spt->shadow)
		gpu->ops->dma_free_page(gpu, spt->shadow, spt->dma);
	os_free(spt->child);
	os_free(spt->gentry);
	os_free(spt);
err_overflow:
	p->overflow = true;
	return NULL;
}

void ppgtt_vgpu_init(struct vgpu *vgpu)
{
	bool oos = vgpu->ppgtt.oos_enabled;

	os_memset(&vgpu->ppgtt, 0, sizeof(vgpu->ppgtt));
	vgpu->ppgtt.oos_enabled = oos;
}

static void ppgtt_mm_free(struct vgpu *vgpu, struct ppgtt_mm *mm)
{
	/* A queued or running workload still walks it: free it after. */
	if (mm->pins) {
		mm->dead = true;
		return;
	}
	if (mm->root)
		ppgtt_spt_put(vgpu, mm->root);
	mm->root = NULL;
	mm->root_gpa = 0;
	mm->dead = false;
	mm->pv = false;
	mm->pv_pages = 0;
}

void ppgtt_pin_mm(struct ppgtt_mm *mm)
{
	mm->pins++;
}

void ppgtt_unpin_mm(struct vgpu *vgpu, struct ppgtt_mm *mm)
{
	if (--mm->pins == 0 && mm->dead)
		ppgtt_mm_free(vgpu, mm);
}

void ppgtt_vgpu_fini(struct vgpu *vgpu)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;
	struct ppgtt_stats st = p->stats;
	u32 i;

	for (i = 0; i < PPGTT_NR_MM; i++)
		ppgtt_mm_free(vgpu, &p->mm[i]);
	ppgtt_vgpu_init(vgpu);
	p->stats = st; /* counters survive for the admin */
}

void ppgtt_set_oos(struct vgpu *vgpu, bool enabled)
{
	if (!enabled)
		ppgtt_sync(vgpu);
	vgpu->ppgtt.oos_enabled = enabled;
}

u64 ppgtt_mm_root_dma(const struct ppgtt_mm *mm)
{
	return mm->root->dma;
}

/* Re-read an out-of-sync page and shadow what changed; protect again. */
static void ppgtt_resync(struct vgpu *vgpu, struct ppgtt_gpage *gp)
{
	u64 *now = (u64 *)vgpu->scan_buf;
	u32 level, i;

	gp->oos = false;
	gp->writes = 0;
	/* Protect before reading, so no write slips between the two. */
	hv_set_wp(vgpu, gp->gfn, true);
	vgpu->ppgtt.stats.oos_resyncs++;
	if (hv_read_gpa(vgpu, gp->gfn << XENGT_PAGE_SHIFT, now,
			XENGT_PAGE_SIZE))
		os_memset(now, 0, XENGT_PAGE_SIZE); /* cannot happen: RAM */
	for (level = 1; level <= PPGTT_LEVELS; level++) {
		struct ppgtt_spt *spt = gp->spt[level];

		if (!spt)
			continue;
		for (i = 0; i < PPGTT_ENTRIES; i++) {
			if (spt->gentry[i] == now[i])
				continue;
			vgpu->ppgtt.stats.shadow_updates++;
			ppgtt_spt_set(vgpu, spt, i, now[i]);
		}
	}
}

void ppgtt_sync(struct vgpu *vgpu)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;

	while (p->oos_list) {
		struct ppgtt_gpage *gp = p->oos_list;

		p->oos_list = gp->oos_next;
		gp->oos_next = NULL;
		ppgtt_resync(vgpu, gp);
	}
}

/* The live shadow of @root_gpa, a PV one first (at most one of each). */
static struct ppgtt_mm *ppgtt_find_mm(struct vgpu_ppgtt *p, u64 root_gpa)
{
	struct ppgtt_mm *found = NULL;
	u32 i;

	for (i = 0; i < PPGTT_NR_MM; i++)
		if (p->mm[i].root && !p->mm[i].dead &&
		    p->mm[i].root_gpa == root_gpa) {
			if (p->mm[i].pv)
				return &p->mm[i];
			found = &p->mm[i];
		}
	return found;
}

int ppgtt_get_mm(struct vgpu *vgpu, u64 root_gpa, struct ppgtt_mm **out)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;
	struct ppgtt_mm *mm, *lru = NULL;
	u64 dma;
	u32 i;

	root_gpa &= ~(XENGT_PAGE_SIZE - 1);
	if (root_gpa & ~GEN9_PPGTT_ADDR_MASK ||
	    hv_gfn_to_dma(vgpu, root_gpa >> XENGT_PAGE_SHIFT, &dma))
		return -EFAULT;
	ppgtt_sync(vgpu);
	mm = ppgtt_find_mm(p, root_gpa);
	if (!mm) {
		/* Trapped roots' slots only: PV roots have their own. */
		for (i = 0; i < PPGTT_MAX_MM && !mm; i++) {
			if (!p->mm[i].root)
				mm = &p->mm[i];
			else if (!p->mm[i].pins && !p->mm[i].pv &&
				 (!lru || p->mm[i].last_use < lru->last_use))
				lru = &p->mm[i];
		}
		if (!mm && !lru)
			return -ENOSPC; /* every shadow root is in use */
		if (!mm) {
			p->stats.mm_evictions++;
			ppgtt_mm_free(vgpu, lru);
			mm = lru;
		}
		mm->root = ppgtt_spt_get(vgpu, root_gpa >> XENGT_PAGE_SHIFT,
					 PPGTT_LEVELS);
		if (!mm->root)
			return p->overflow ? -ENOSPC : -EFAULT;
		mm->root_gpa = root_gpa;
	}
	if (p->overflow)
		return -ENOSPC;
	mm->last_use = ++p->use_clock;
	*out = mm;
	return 0;
}

void ppgtt_put_root(struct vgpu *vgpu, u64 root_gpa)
{
	struct ppgtt_mm *mm =
		ppgtt_find_mm(&vgpu->ppgtt, root_gpa & ~(XENGT_PAGE_SIZE - 1));

	/* A PV root goes only by PV unbinds or a reset. */
	if (mm && !mm->pv)
		ppgtt_mm_free(vgpu, mm);
}

int ppgtt_translate(const struct ppgtt_mm *mm, u64 va, u64 *gpa)
{
	static const u32 shift[PPGTT_LEVELS + 1] = { 0, GEN8_PTE_SHIFT,
						     GEN8_PDE_SHIFT,
						     GEN8_PDPE_SHIFT,
						     GEN8_PML4E_SHIFT };
	const struct ppgtt_spt *spt = mm->root;
	u32 level;

	if (va >> GEN8_PPGTT_VA_BITS)
		return -EFAULT;
	for (level = PPGTT_LEVELS; level >= 1; level--) {
		u32 i = GEN8_PT_INDEX(va, shift[level]);

		if (!(spt->shadow[i] & GEN8_PAGE_PRESENT))
			return -EFAULT;
		if (level == 1) {
			*gpa = (spt->gentry[i] & GEN9_PPGTT_ADDR_MASK) |
			       (va & (XENGT_PAGE_SIZE - 1));
			return 0;
		}
		spt = spt->child[i];
	}
	return -EFAULT;
}

/* A hot leaf table stops trapping until the next submission. */
static void ppgtt_maybe_oos(struct vgpu *vgpu, struct ppgtt_gpage *gp)
{
	u32 level;

	if (!vgpu->ppgtt.oos_enabled || gp->oos ||
	    ++gp->writes < PPGTT_OOS_THRESHOLD)
		return;
	/* Only pure leaf tables: tables of tables change the tree shape. */
	for (level = 2; level <= PPGTT_LEVELS; level++)
		if (gp->spt[level])
			return;
	gp->oos = true;
	gp->oos_next = vgpu->ppgtt.oos_list;
	vgpu->ppgtt.oos_list = gp;
	vgpu->ppgtt.stats.oos_pages++;
	hv_set_wp(vgpu, gp->gfn, false);
}

void vgpu_wp_write(struct vgpu *vgpu, u64 gpa, u32 bytes, const void *data)
{
	struct ppgtt_gpage *gp;
	u64 entry_gpa = gpa & ~7ULL;
	u64 ge;
	u32 level;

	if (!bytes || bytes > 8 ||
	    (gpa + bytes - 1) >> XENGT_PAGE_SHIFT != gpa >> XENGT_PAGE_SHIFT)
		return;
	vgpu_lock(vgpu);
	/* The guest's store happens in any case: it is its own memory. */
	hv_write_gpa(vgpu, gpa, data, bytes);
	vgpu->ppgtt.stats.wp_writes++;
	gp = ppgtt_gpage_find(&vgpu->ppgtt, gpa >> XENGT_PAGE_SHIFT);
	if (!gp) {
		/* Stale protection (shadow gone): stop trapping. */
		hv_set_wp(vgpu, gpa >> XENGT_PAGE_SHIFT, false);
		goto out;
	}
	if (gp->oos)
		goto out;
	/* Whole entries only: a 4-byte half write re-reads the qword. */
	for (; entry_gpa < gpa + bytes; entry_gpa += 8) {
		u32 i = (entry_gpa & (XENGT_PAGE_SIZE - 1)) / 8;

		if (hv_read_gpa(vgpu, entry_gpa, &ge, 8))
			break;
		for (level = 1; level <= PPGTT_LEVELS; level++) {
			struct ppgtt_spt *spt = gp->spt[level];

			if (!spt || spt->gentry[i] == ge)
				continue;
			vgpu->ppgtt.stats.shadow_updates++;
			ppgtt_spt_set(vgpu, spt, i, ge);
			/* The update may have freed the page's last shadow. */
			gp = ppgtt_gpage_find(&vgpu->ppgtt,
					      gpa >> XENGT_PAGE_SHIFT);
			if (!gp)
				goto out;
		}
	}
	ppgtt_maybe_oos(vgpu, gp);
out:
	vgpu_unlock(vgpu);
}

/* ---- PV roots (see ppgtt.h) ---------------------------------------------- */

static const u32 ppgtt_shift[PPGTT_LEVELS + 1] = {
	0, GEN8_PTE_SHIFT, GEN8_PDE_SHIFT, GEN8_PDPE_SHIFT, GEN8_PML4E_SHIFT
};

/* What a PV table's entry pointing at @child is (the core's own flags). */
#define PPGTT_PV_TABLE_FLAGS (GEN8_PAGE_PRESENT | GEN8_PAGE_RW)

int ppgtt_pv_shadow_pte(struct vgpu *vgpu, u64 ge, u64 *se)
{
	u64 dma;

	if (!(ge & GEN8_PAGE_PRESENT) || ge & PPGTT_RESERVED ||
	    hv_gfn_to_dma(vgpu, (ge & GEN9_PPGTT_ADDR_MASK) >> XENGT_PAGE_SHIFT,
			  &dma))
		return -EFAULT;
	*se = (dma & GEN9_PPGTT_ADDR_MASK) | (ge & PPGTT_FLAGS);
	return 0;
}

static struct ppgtt_mm *ppgtt_pv_find(struct vgpu_ppgtt *p, u64 root_gpa)
{
	struct ppgtt_mm *mm = ppgtt_find_mm(p, root_gpa);

	return mm && mm->pv ? mm : NULL;
}

bool ppgtt_pv_root(struct vgpu *vgpu, u64 root_gpa)
{
	return ppgtt_pv_find(&vgpu->ppgtt, root_gpa) != NULL;
}

/* A PV table gains or loses a present entry: keep the empty list right. */
static void ppgtt_pv_used_inc(struct vgpu_ppgtt *p, struct ppgtt_spt *spt)
{
	if (!spt->used++ && spt->parent)
		ppgtt_pv_empty_unlink(p, spt);
}

static void ppgtt_pv_used_dec(struct vgpu_ppgtt *p, struct ppgtt_spt *spt)
{
	if (!--spt->used && spt->parent)
		ppgtt_pv_empty_add(p, spt);
}

/*
 * An empty PV table of @level, entry @pidx of @parent (NULL: a root): no
 * guest page, nothing protected.  The caller links it in @parent.
 */
static int ppgtt_pv_spt_alloc(struct vgpu *vgpu, u32 level,
			      struct ppgtt_spt *parent, u32 pidx,
			      struct ppgtt_spt **out)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;
	struct xengt_gpu *gpu = vgpu->gvt->gpu;
	struct ppgtt_spt *spt;

	if (p->nr_pv_spt >= PPGTT_MAX_PV_SPT)
		return -ENOSPC;
	spt = os_zalloc(sizeof(*spt));
	if (!spt)
		return -ENOMEM;
	spt->gentry = os_zalloc(XENGT_PAGE_SIZE);
	if (level > 1)
		spt->child = os_zalloc(PPGTT_ENTRIES * sizeof(*spt->child));
	if (spt->gentry && (level == 1 || spt->child))
		spt->shadow = gpu->ops->dma_alloc_page(gpu, &spt->dma);
	if (!spt->shadow) {
		os_free(spt->child);
		os_free(spt->gentry);
		os_free(spt);
		return -ENOMEM;
	}
	spt->level = level;
	spt->refs = 1;
	spt->pv = true;
	spt->parent = parent;
	spt->pidx = pidx;
	if (parent)
		ppgtt_pv_empty_add(p, spt);
	p->nr_pv_spt++;
	p->stats.pv_spt_allocs++;
	*out = spt;
	return 0;
}

/* The leaf table of @va under @root, created if @alloc; NULL if none. */
static int ppgtt_pv_walk(struct vgpu *vgpu, struct ppgtt_spt *root, u64 va,
			 bool alloc, struct ppgtt_spt **out)
{
	struct ppgtt_spt *spt = root;
	u32 level;
	int ret;

	for (level = PPGTT_LEVELS; level > 1; level--) {
		u32 i = GEN8_PT_INDEX(va, ppgtt_shift[level]);
		struct ppgtt_spt *c = spt->child[i];

		if (!c) {
			if (!alloc) {
				*out = NULL;
				return 0;
			}
			ret = ppgtt_pv_spt_alloc(vgpu, level - 1, spt, i, &c);
			if (ret)
				return ret;
			spt->child[i] = c;
			spt->shadow[i] = (c->dma & GEN9_PPGTT_ADDR_MASK) |
					 PPGTT_PV_TABLE_FLAGS;
			ppgtt_pv_used_inc(&vgpu->ppgtt, spt);
		}
		spt = c;
	}
	*out = spt;
	return 0;
}

/* First address of the leaf table after the one of @va. */
static u64 ppgtt_pv_next_table(u64 va)
{
	return (va | ((1ULL << GEN8_PDE_SHIFT) - 1)) + 1;
}

/* Whether the root above PV table @spt is pinned (a workload walks it). */
static bool ppgtt_pv_pinned(struct vgpu_ppgtt *p, const struct ppgtt_spt *spt)
{
	u32 i;

	while (spt->parent)
		spt = spt->parent;
	for (i = PPGTT_MAX_MM; i < PPGTT_NR_MM; i++)
		if (p->mm[i].root == spt)
			return p->mm[i].pins != 0;
	return false; /* a root being built: not published yet */
}

u32 ppgtt_pv_reclaim(struct vgpu *vgpu)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;
	struct ppgtt_spt *spt = p->pv_empty, *next, *parent;
	u32 n = 0;

	while (spt) {
		if (ppgtt_pv_pinned(p, spt)) {
			spt = spt->enext;
			continue;
		}
		parent = spt->parent;
		parent->child[spt->pidx] = NULL;
		parent->shadow[spt->pidx] = 0;
		/* First: a parent left empty joins the list after @spt. */
		ppgtt_pv_used_dec(p, parent);
		next = spt->enext;
		ppgtt_spt_put(vgpu, spt);
		n++;
		spt = next;
	}
	p->stats.pv_spt_reclaimed += n;
	return n;
}

/*
 * Every table pages [@start, @end) of @root need, allocated up front.  A
 * failure leaves the ones made so far, empty: kept like any empty table.
 */
static int ppgtt_pv_tables(struct vgpu *vgpu, struct ppgtt_spt *root, u64 start,
			   u64 end)
{
	struct ppgtt_spt *pt;
	u64 va;
	int ret;

	for (va = start; va < end; va = ppgtt_pv_next_table(va)) {
		ret = ppgtt_pv_walk(vgpu, root, va, true, &pt);
		if (ret)
			return ret;
	}
	return 0;
}

/* A free PV root slot (PV roots never evict: they could not be rebuilt). */
static struct ppgtt_mm *ppgtt_pv_slot(struct vgpu_ppgtt *p)
{
	u32 i;

	for (i = PPGTT_MAX_MM; i < PPGTT_NR_MM; i++)
		if (!p->mm[i].root)
			return &p->mm[i];
	return NULL;
}

int ppgtt_pv_bind(struct vgpu *vgpu, u64 root_gpa, u64 start, u32 n,
		  const u64 *gentry, const u64 *sentry)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;
	struct ppgtt_mm *mm = ppgtt_pv_find(p, root_gpa), *old, *slot = NULL;
	struct ppgtt_spt *root = mm ? mm->root : NULL, *pt;
	u64 end = start + ((u64)n << XENGT_PAGE_SHIFT);
	bool retried = false;
	u32 i;
	int ret;

	if (!mm) {
		slot = ppgtt_pv_slot(p);
		if (!slot) {
			p->stats.pv_mm_limit_hits++;
			return -ENOSPC;
		}
	}
	for (;;) {
		ret = root ? 0 :
			     ppgtt_pv_spt_alloc(vgpu, PPGTT_LEVELS, NULL, 0,
						&root);
		/* Every table first, so that what follows cannot fail. */
		if (!ret)
			ret = ppgtt_pv_tables(vgpu, root, start, end);
		if (!ret)
			break;
		if (!mm && root) {
			ppgtt_spt_put(vgpu, root); /* not published yet */
			root = NULL;
		}
		/* At the limit: the empty tables kept go first, then again. */
		if (ret != -ENOSPC || retried || !ppgtt_pv_reclaim(vgpu)) {
			if (ret == -ENOSPC)
				p->stats.pv_spt_limit_hits++;
			return ret;
		}
		retried = true;
	}
	if (!mm) {
		/* The trapped shadow of this root, if any, is over. */
		old = ppgtt_find_mm(p, root_gpa);
		if (old)
			ppgtt_mm_free(vgpu, old);
		mm = slot;
		mm->root = root;
		mm->root_gpa = root_gpa;
		mm->pv = true;
		mm->pv_pages = 0;
		mm->last_use = ++p->use_clock;
	}
	for (i = 0; i < n; i++) {
		u64 a = start + ((u64)i << XENGT_PAGE_SHIFT);
		u32 e = GEN8_PT_INDEX(a, GEN8_PTE_SHIFT);

		ppgtt_pv_walk(vgpu, root, a, false, &pt);
		if (!(pt->shadow[e] & GEN8_PAGE_PRESENT)) {
			ppgtt_pv_used_inc(p, pt);
			mm->pv_pages++;
		}
		pt->gentry[e] = gentry[i];
		pt->shadow[e] = sentry[i];
	}
	return 0;
}

int ppgtt_pv_unbind(struct vgpu *vgpu, u64 root_gpa, u64 start, u32 n)
{
	struct vgpu_ppgtt *p = &vgpu->ppgtt;
	struct ppgtt_mm *mm = ppgtt_pv_find(p, root_gpa);
	struct ppgtt_spt *pt;
	u32 i, bound = 0;

	if (!mm)
		return -ENOENT;
	for (i = 0; i < n; i++) {
		u64 a = start + ((u64)i << XENGT_PAGE_SHIFT);
		u32 e = GEN8_PT_INDEX(a, GEN8_PTE_SHIFT);

		ppgtt_pv_walk(vgpu, mm->root, a, false, &pt);
		if (!pt || !(pt->shadow[e] & GEN8_PAGE_PRESENT))
			continue;
		pt->shadow[e] = 0;
		pt->gentry[e] = 0;
		ppgtt_pv_used_dec(p, pt);
		bound++;
	}
	/* Emptied tables stay for the next bind (see ppgtt.h). */
	mm->pv_pages -= bound;
	if (!mm->pv_pages)
		ppgtt_mm_free(vgpu, mm);
	return bound;
}

void ppgtt_pv_drop_all(struct vgpu *vgpu)
{
	u32 i;

	for (i = PPGTT_MAX_MM; i < PPGTT_NR_MM; i++)
		if (vgpu->ppgtt.mm[i].root && vgpu->ppgtt.mm[i].pv)
			ppgtt_mm_free(vgpu, &vgpu->ppgtt.mm[i]);
}
