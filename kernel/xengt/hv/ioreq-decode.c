// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Decoding one Xen ioreq (see ioreq-decode.h).
 */
#include "ioreq-decode.h"

#define IOREQ_PAGE_SIZE 4096

static u64 size_mask(u32 size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static bool in_mmio(const struct ioreq_decoder *d, u64 addr, u32 size)
{
	return d->mmio_size && addr >= d->mmio_start &&
	       addr - d->mmio_start <= d->mmio_size - size;
}

/*
 * Is [port, port + size) inside the latch's four bytes?  Compared as an
 * offset, with the size bounded first: port + size may wrap, and so may
 * 4 - size (a PIO ioreq may say 8).
 */
static bool cf8_covers(u64 port, u32 size)
{
	return size <= 4 && port >= IOREQ_CF8_PORT &&
	       port - IOREQ_CF8_PORT <= 4 - size;
}

/* The 0xcf8 latch, byte-granular as a chipset's CONFIG_ADDRESS. */
static u64 cf8_read(struct ioreq_decoder *d, u64 port, u32 size)
{
	if (cf8_covers(port, size))
		return (d->cf8 >> (8 * (port - IOREQ_CF8_PORT))) &
		       size_mask(size);
	d->stats.bad++;
	return size_mask(size);
}

static void cf8_write(struct ioreq_decoder *d, u64 port, u32 size, u64 val)
{
	u32 i;

	if (!cf8_covers(port, size)) {
		d->stats.bad++;
		return;
	}
	for (i = 0; i < size; i++) {
		u32 sh = 8 * (port - IOREQ_CF8_PORT + i);

		d->cf8 = (d->cf8 & ~(0xffU << sh)) |
			 (u32)((val >> (8 * i)) & 0xff) << sh;
	}
}

/*
 * One element of a COPY or PIO request.  A COPY outside the claimed BAR
 * can only be a store to a write-protected page (Xen sends us nothing
 * else); a read of one (an instruction that both reads and writes it) is
 * answered from RAM.
 */
static u64 dev_read(struct ioreq_decoder *d, const struct xengt_ioreq *req,
		    u64 addr)
{
	u64 v = 0;

	if (req->type == XENGT_IOREQ_TYPE_PIO) {
		d->stats.pio_read++;
		return cf8_read(d, addr, req->size);
	}
	if (in_mmio(d, addr, req->size)) {
		d->stats.mmio_read++;
		return d->ops->mmio_read(d->dev, addr, req->size) &
		       size_mask(req->size);
	}
	if (d->ops->is_wp(d->dev, addr >> 12) &&
	    !d->ops->mem_read(d->dev, addr, &v, req->size))
		return v;
	d->stats.bad++;
	return size_mask(req->size);
}

static void dev_write(struct ioreq_decoder *d, const struct xengt_ioreq *req,
		      u64 addr, u64 val)
{
	val &= size_mask(req->size);
	if (req->type == XENGT_IOREQ_TYPE_PIO) {
		d->stats.pio_write++;
		cf8_write(d, addr, req->size, val);
	} else if (in_mmio(d, addr, req->size)) {
		d->stats.mmio_write++;
		d->ops->mmio_write(d->dev, addr, req->size, val);
	} else if (d->ops->is_wp(d->dev, addr >> 12) &&
		   (addr & (IOREQ_PAGE_SIZE - 1)) + req->size <=
			   IOREQ_PAGE_SIZE) {
		d->stats.wp_write++;
		d->ops->wp_write(d->dev, addr, req->size, val);
	} else {
		d->stats.bad++;
	}
}

/*
 * COPY and PIO requests: @count repetitions of @size bytes; with df the
 * addresses step backwards.  Memory addresses step, a port does not.
 * With data_is_ptr the data lives in guest memory (rep movs/ins/outs),
 * otherwise in req->data (a rep stos writes the same value each time).
 */
static void handle_move(struct ioreq_decoder *d, struct xengt_ioreq *req)
{
	s64 step = req->df ? -(s64)req->size : (s64)req->size;
	s64 astep = req->type == XENGT_IOREQ_TYPE_PIO ? 0 : step;
	u32 i;
	u64 tmp;

	if (req->size == 0 || req->size > 8 || req->count == 0 ||
	    req->count > IOREQ_MAX_REPS) {
		d->stats.bad++;
		if (req->dir == XENGT_IOREQ_READ && !req->data_is_ptr)
			req->data = ~0ULL;
		return;
	}
	for (i = 0; i < req->count; i++) {
		u64 addr = req->addr + astep * (s64)i;
		u64 gpa = req->data + step * (s64)i;

		if (!req->data_is_ptr) {
			if (req->dir == XENGT_IOREQ_READ)
				req->data = dev_read(d, req, addr);
			else
				dev_write(d, req, addr, req->data);
			continue;
		}
		d->stats.ptr_copies++;
		if (req->dir == XENGT_IOREQ_READ) {
			tmp = dev_read(d, req, addr);
			if (d->ops->mem_write(d->dev, gpa, &tmp, req->size))
				d->stats.bad++;
		} else {
			tmp = 0;
			if (d->ops->mem_read(d->dev, gpa, &tmp, req->size))
				d->stats.bad++;
			else
				dev_write(d, req, addr, tmp);
		}
	}
}

static void handle_pci_config(struct ioreq_decoder *d, struct xengt_ioreq *req)
{
	u32 sbdf = req->addr >> 32;
	u32 reg = req->addr & 0xffffffff;

	if (req->dir == XENGT_IOREQ_READ)
		d->stats.cfg_read++;
	else
		d->stats.cfg_write++;
	if (sbdf != d->sbdf || reg >= 4096 || req->data_is_ptr ||
	    req->count != 1 ||
	    !(req->size == 1 || req->size == 2 || req->size == 4)) {
		d->stats.bad++;
		if (req->dir == XENGT_IOREQ_READ)
			req->data = size_mask(req->size > 4 ? 4 : req->size);
		return;
	}
	if (req->dir == XENGT_IOREQ_READ)
		req->data = d->ops->cfg_read(d->dev, reg, req->size) &
			    size_mask(req->size);
	else
		d->ops->cfg_write(d->dev, reg, req->size,
				  (u32)req->data & size_mask(req->size));
}

void ioreq_decode(struct ioreq_decoder *d, struct xengt_ioreq *req)
{
	switch (req->type) {
	case XENGT_IOREQ_TYPE_PCI_CONFIG:
		handle_pci_config(d, req);
		break;
	case XENGT_IOREQ_TYPE_COPY:
	case XENGT_IOREQ_TYPE_PIO:
		handle_move(d, req);
		break;
	case XENGT_IOREQ_TYPE_INVALIDATE:
		d->stats.invalidate++;
		d->ops->invalidate(d->dev);
		break;
	default:
		d->stats.bad++;
		if (req->dir == XENGT_IOREQ_READ && !req->data_is_ptr)
			req->data = ~0ULL;
		break;
	}
}
