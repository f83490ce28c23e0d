// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Guest page allocator and GGTT-mapped objects (see pages.h).
 */
#include "pages.h"
#include "guest_pv.h"

#define PAGE 4096ULL
#define GEN8_PTE_PRESENT 1ULL

void i915pv_pages_init(struct i915pv_pages *p, const struct i915pv_io *io,
		       uint64_t start, uint64_t end)
{
	*p = (struct i915pv_pages){
		.io = io,
		.next = (start + PAGE - 1) & ~(PAGE - 1),
		.end = end & ~(PAGE - 1),
	};
}

void *i915pv_ram(struct i915pv_pages *p, uint64_t gpa)
{
	return p->io->ram(p->io->ctx, gpa);
}

static void zero_page(struct i915pv_pages *p, uint64_t gpa)
{
	uint64_t *q = i915pv_ram(p, gpa);
	uint32_t i;

	for (i = 0; i < PAGE / 8; i++)
		q[i] = 0;
}

static uint64_t pop(struct i915pv_pages *p, uint64_t *head)
{
	uint64_t gpa = *head;

	if (gpa) {
		*head = *(uint64_t *)i915pv_ram(p, gpa);
		p->in_use++;
	}
	return gpa;
}

static uint64_t fresh(struct i915pv_pages *p)
{
	uint64_t gpa;

	if (p->next >= p->end || !i915pv_ram(p, p->next))
		return 0;
	gpa = p->next;
	p->next += PAGE;
	p->in_use++;
	return gpa;
}

uint64_t i915pv_page_alloc(struct i915pv_pages *p)
{
	uint64_t gpa = pop(p, &p->free_head);

	if (!gpa)
		gpa = fresh(p);
	if (gpa)
		zero_page(p, gpa);
	return gpa;
}

void i915pv_page_free(struct i915pv_pages *p, uint64_t gpa)
{
	*(uint64_t *)i915pv_ram(p, gpa) = p->free_head;
	p->free_head = gpa;
	p->in_use--;
}

uint64_t i915pv_pt_page_alloc(struct i915pv_pages *p)
{
	uint64_t gpa = pop(p, &p->pt_free_head);
	uint32_t i;

	if (gpa) {
		/* Maybe still shadowed by the host: clear it where it sees. */
		for (i = 0; i < PAGE / 8; i++)
			p->io->ram_write(p->io->ctx, gpa + i * 8, 8, 0);
		return gpa;
	}
	gpa = fresh(p);
	if (gpa)
		zero_page(p, gpa); /* never a page table: nobody shadows it */
	return gpa;
}

void i915pv_pt_page_free(struct i915pv_pages *p, uint64_t gpa)
{
	/*
	 * The link lives in the first entry: written through the trapping
	 * path, as any other write to a (former) page table.
	 */
	p->io->ram_write(p->io->ctx, gpa, 8, p->pt_free_head);
	p->pt_free_head = gpa;
	p->in_use--;
}

int i915pv_gobj_create(struct i915pv_dev *dev, struct i915pv_pages *p,
		       struct i915pv_gobj *o, uint32_t npages)
{
	uint32_t i;

	o->npages = 0;
	if (!npages || npages > I915PV_GOBJ_MAX_PAGES) {
		dev->error = "object too large";
		return -1;
	}
	if (i915pv_gm_alloc(dev, npages * PAGE, false, &o->gm))
		return -1;
	for (i = 0; i < npages; i++) {
		o->gpa[i] = i915pv_page_alloc(p);
		if (!o->gpa[i]) {
			i915pv_gobj_destroy(dev, p, o);
			dev->error = "out of guest RAM";
			return -1;
		}
		o->npages++;
		if (!i915pv_pv_has(dev, XENGT_PV_CAP_GGTT))
			i915pv_ggtt_map(dev, o->gm + i * PAGE, o->gpa[i]);
	}
	/* PV GGTT: one queued message; a submission sends it. */
	if (i915pv_pv_has(dev, XENGT_PV_CAP_GGTT) &&
	    i915pv_pv_bind(dev->pv, XENGT_PV_ACTION_BIND_GGTT, 0, o->gm, o->gpa,
			   GEN8_PTE_PRESENT, npages)) {
		i915pv_gobj_destroy(dev, p, o);
		return -1;
	}
	return 0;
}

void i915pv_gobj_destroy(struct i915pv_dev *dev, struct i915pv_pages *p,
			 struct i915pv_gobj *o)
{
	uint32_t i;

	/* A failure to queue is in dev->error; the next flush reports it. */
	if (o->npages && i915pv_pv_has(dev, XENGT_PV_CAP_GGTT))
		i915pv_pv_bind(dev->pv, XENGT_PV_ACTION_UNBIND_GGTT, 0, o->gm,
			       NULL, 0, o->npages);
	for (i = 0; i < o->npages; i++) {
		if (!i915pv_pv_has(dev, XENGT_PV_CAP_GGTT))
			i915pv_ggtt_unmap(dev, o->gm + i * PAGE);
		i915pv_page_free(p, o->gpa[i]);
	}
	o->npages = 0;
}

uint32_t *i915pv_gobj_dw(struct i915pv_pages *p, struct i915pv_gobj *o,
			 uint32_t offset)
{
	return (uint32_t *)i915pv_ram(p, o->gpa[offset / PAGE]) +
	       (offset % PAGE) / 4;
}
