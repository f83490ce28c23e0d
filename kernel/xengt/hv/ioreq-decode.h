/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Decoding one Xen ioreq for one emulated PCI device: the PCI
 * configuration requests of its SBDF, port 0xcf8 (PVH guests), the MMIO
 * of its BAR0 and stores to write-protected guest pages, with rep
 * prefixes and data in guest memory (rep movs) as QEMU's cpu_ioreq_move()
 * and cpu_ioreq_pio() do.  OS-independent: the user-space ioreq server of
 * xengt-dm (xen-ioreq.c) and the in-kernel one (xen-kernel.c) share it,
 * so a guest's ioreq means the same thing whichever path serves it.
 *
 * A decoder belongs to one ioreq server and is used by one thread at a
 * time (the server's event loop); it takes no locks itself.
 */
#ifndef XENGT_IOREQ_DECODE_H
#define XENGT_IOREQ_DECODE_H

#include "ioreq-abi.h"

#define IOREQ_CF8_PORT 0xcf8
/*
 * Most repetitions one ioreq may ask for.  Xen clips the reps of an
 * emulated string instruction to 4096 (x86/hvm/emulate.c, so that reps
 * times size cannot overflow), so more is a corrupt request: without this
 * bound one ioreq made the server loop for up to 2^32 accesses while its
 * vCPU, and the device model's loop, waited (found by fuzz_ioreq).
 */
#define IOREQ_MAX_REPS 4096U

struct ioreq_stats {
	u64 cfg_read, cfg_write; /* IOREQ_TYPE_PCI_CONFIG */
	u64 mmio_read, mmio_write; /* IOREQ_TYPE_COPY to the BAR */
	u64 pio_read, pio_write; /* IOREQ_TYPE_PIO (the 0xcf8 latch) */
	u64 wp_write; /* stores to write-protected pages */
	u64 invalidate; /* IOREQ_TYPE_INVALIDATE */
	u64 ptr_copies; /* elements moved through guest memory */
	u64 bad; /* answered with all-ones / dropped */
	u64 spurious; /* event without a READY ioreq */
	u64 mmio_maps, mmio_unmaps;
};

/* What the decoder reaches; every member is required. */
struct ioreq_target_ops {
	/* Config space of the device; @reg < 4096, @size 1, 2 or 4. */
	u32 (*cfg_read)(void *dev, u32 reg, u32 size);
	void (*cfg_write)(void *dev, u32 reg, u32 size, u32 val);
	/* MMIO inside [mmio_start, mmio_start + mmio_size); size 1..8. */
	u64 (*mmio_read)(void *dev, u64 addr, u32 size);
	void (*mmio_write)(void *dev, u64 addr, u32 size, u64 val);
	/* Is guest frame @gfn write-protected for this device? */
	bool (*is_wp)(void *dev, u64 gfn);
	/* A store inside one write-protected page: it has NOT reached RAM. */
	void (*wp_write)(void *dev, u64 gpa, u32 size, u64 val);
	/* Guest RAM, for data_is_ptr and reads of write-protected pages. */
	int (*mem_read)(void *dev, u64 gpa, void *buf, u32 len);
	int (*mem_write)(void *dev, u64 gpa, const void *buf, u32 len);
	/* IOREQ_TYPE_INVALIDATE: the guest's p2m changed. */
	void (*invalidate)(void *dev);
};

struct ioreq_decoder {
	const struct ioreq_target_ops *ops;
	void *dev;
	u32 sbdf; /* segment << 16 | bus << 8 | devfn */
	u32 cf8; /* latched CONFIG_ADDRESS (PVH: we answer 0xcf8 reads) */
	u64 mmio_start, mmio_size; /* BAR0 as claimed; size 0 = none */
	struct ioreq_stats stats;
};

/*
 * Serve @req (state INPROCESS, set by the caller): fill in the data of a
 * read.  The caller publishes the response (state IORESP_READY) and
 * notifies Xen.  Called from the owning server's event loop only.
 */
void ioreq_decode(struct ioreq_decoder *d, struct xengt_ioreq *req);

#endif /* XENGT_IOREQ_DECODE_H */
