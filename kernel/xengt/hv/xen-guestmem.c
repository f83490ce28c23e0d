// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Mapping cache of guest frames (see xen-guestmem.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xen-guestmem.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define EMPTY UINT64_MAX

struct slot {
	uint64_t gfn;
	uint8_t *page;
};

struct guestmem {
	pthread_mutex_t lock; /* the table; mappings outlive it (see .h) */
	void (*quiesce)(void *ctx, bool stop);
	void *quiesce_ctx;
	xenforeignmemory_handle *fmem;
	uint32_t domid;
	size_t max_pages;
	size_t nr_slots; /* power of two */
	size_t used;
	struct slot *slots;
};

static size_t hash(uint64_t gfn, size_t nr_slots)
{
	return (size_t)((gfn * 0x9e3779b97f4a7c15ULL) >> 20) & (nr_slots - 1);
}

static int table_alloc(struct guestmem *gm, size_t nr_slots)
{
	size_t i;

	gm->slots = malloc(nr_slots * sizeof(*gm->slots));
	if (!gm->slots)
		return -ENOMEM;
	for (i = 0; i < nr_slots; i++)
		gm->slots[i].gfn = EMPTY;
	gm->nr_slots = nr_slots;
	gm->used = 0;
	return 0;
}

struct guestmem *guestmem_open(xenforeignmemory_handle *fmem, uint32_t domid,
			       size_t max_pages)
{
	struct guestmem *gm = calloc(1, sizeof(*gm));

	if (!gm)
		return NULL;
	gm->fmem = fmem;
	gm->domid = domid;
	gm->max_pages = max_pages;
	if (table_alloc(gm, 1024)) {
		free(gm);
		return NULL;
	}
	pthread_mutex_init(&gm->lock, NULL);
	return gm;
}

/* Caller holds gm->lock; nobody else uses a mapping (quiesced). */
static void unmap_locked(struct guestmem *gm)
{
	size_t i;

	for (i = 0; i < gm->nr_slots; i++)
		if (gm->slots[i].gfn != EMPTY) {
			xenforeignmemory_unmap(gm->fmem, gm->slots[i].page, 1);
			gm->slots[i].gfn = EMPTY;
		}
	gm->used = 0;
}

static void unmap_all(struct guestmem *gm)
{
	if (gm->quiesce)
		gm->quiesce(gm->quiesce_ctx, true);
	pthread_mutex_lock(&gm->lock);
	unmap_locked(gm);
	pthread_mutex_unlock(&gm->lock);
	if (gm->quiesce)
		gm->quiesce(gm->quiesce_ctx, false);
}

void guestmem_set_quiesce(struct guestmem *gm,
			  void (*quiesce)(void *ctx, bool stop), void *ctx)
{
	gm->quiesce = quiesce;
	gm->quiesce_ctx = ctx;
}

void guestmem_close(struct guestmem *gm)
{
	if (!gm)
		return;
	unmap_locked(gm);
	pthread_mutex_destroy(&gm->lock);
	free(gm->slots);
	free(gm);
}

void guestmem_trim(struct guestmem *gm)
{
	if (__atomic_load_n(&gm->used, __ATOMIC_RELAXED) > gm->max_pages)
		unmap_all(gm);
}

void guestmem_flush(struct guestmem *gm)
{
	unmap_all(gm);
}

size_t guestmem_mapped(const struct guestmem *gm)
{
	return __atomic_load_n(&gm->used, __ATOMIC_RELAXED);
}

static void insert(struct guestmem *gm, uint64_t gfn, uint8_t *page)
{
	size_t i = hash(gfn, gm->nr_slots);

	while (gm->slots[i].gfn != EMPTY)
		i = (i + 1) & (gm->nr_slots - 1);
	gm->slots[i].gfn = gfn;
	gm->slots[i].page = page;
	gm->used++;
}

/* Keep the load factor under 1/2 so probes stay short. */
static int grow(struct guestmem *gm)
{
	struct slot *old = gm->slots;
	size_t i, n = gm->nr_slots;

	if (table_alloc(gm, n * 2)) {
		gm->slots = old;
		gm->nr_slots = n;
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		if (old[i].gfn != EMPTY)
			insert(gm, old[i].gfn, old[i].page);
	free(old);
	return 0;
}

static uint8_t *page_locked(struct guestmem *gm, uint64_t gfn)
{
	size_t i = hash(gfn, gm->nr_slots);
	xen_pfn_t pfn = gfn;
	uint8_t *page;
	int err = 0;

	for (; gm->slots[i].gfn != EMPTY; i = (i + 1) & (gm->nr_slots - 1))
		if (gm->slots[i].gfn == gfn)
			return gm->slots[i].page;
	if (gfn >> (64 - PAGE_SHIFT))
		return NULL;
	if ((gm->used + 1) * 2 > gm->nr_slots && grow(gm))
		return NULL;
	page = xenforeignmemory_map(gm->fmem, gm->domid, PROT_READ | PROT_WRITE,
				    1, &pfn, &err);
	if (!page)
		return NULL;
	if (err) {
		xenforeignmemory_unmap(gm->fmem, page, 1);
		return NULL;
	}
	insert(gm, gfn, page);
	return page;
}

uint8_t *guestmem_page(struct guestmem *gm, uint64_t gfn)
{
	uint8_t *page;

	pthread_mutex_lock(&gm->lock);
	page = page_locked(gm, gfn);
	pthread_mutex_unlock(&gm->lock);
	return page;
}

static int copy(struct guestmem *gm, uint64_t gpa, void *buf, size_t len,
		bool write)
{
	uint8_t *p = buf;

	if (gpa + len < gpa)
		return -EFAULT;
	while (len) {
		size_t off = gpa & (PAGE_SIZE - 1);
		size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		uint8_t *page = guestmem_page(gm, gpa >> PAGE_SHIFT);

		if (!page)
			return -EFAULT;
		if (write)
			memcpy(page + off, p, n);
		else
			memcpy(p, page + off, n);
		gpa += n;
		p += n;
		len -= n;
	}
	return 0;
}

int guestmem_read(struct guestmem *gm, uint64_t gpa, void *buf, size_t len)
{
	return copy(gm, gpa, buf, len, false);
}

int guestmem_write(struct guestmem *gm, uint64_t gpa, const void *buf,
		   size_t len)
{
	return copy(gm, gpa, (void *)buf, len, true);
}
