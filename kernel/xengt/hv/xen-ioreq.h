/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A Xen ioreq server for one PCI device of one domain (shared/spec/xen.md):
 * it claims the device's config space and, once the guest places it, its
 * MMIO BAR, and turns every ioreq into single accesses on a small ops
 * table.  It knows nothing about GPUs; xengt-dm puts the GVT core behind
 * it, null-dm a fixed register file.
 *
 * Set-up and teardown follow one ladder (demu's model): each step that
 * succeeded is undone, in reverse order, by ioreq_server_close().
 * Single-threaded: call everything from the thread that runs the loop.
 */
#ifndef XENGT_DM_IOREQ_H
#define XENGT_DM_IOREQ_H

#include <stdbool.h>
#include <stdint.h>

#include "xen-guestmem.h"

struct ioreq_server;

struct ioreq_device_ops {
	/* Config space of the claimed device; @reg < 4096, size 1/2/4. */
	uint32_t (*cfg_read)(void *dev, uint32_t reg, uint32_t size);
	void (*cfg_write)(void *dev, uint32_t reg, uint32_t size, uint32_t val);
	/* MMIO inside a claimed range; @addr is guest-physical. */
	uint64_t (*mmio_read)(void *dev, uint64_t addr, uint32_t size);
	void (*mmio_write)(void *dev, uint64_t addr, uint32_t size,
			   uint64_t val);
};

struct ioreq_stats {
	uint64_t cfg, mmio, pio, invalidate, ptr_copies, bad;
};

struct ioreq_server_params {
	uint32_t domid;
	uint32_t sbdf; /* segment << 16 | bus << 8 | devfn */
	bool claim_cf8; /* PVH: Xen lets the server answer port 0xcf8 */
	const struct ioreq_device_ops *ops;
	void *dev;
};

/* Returns 0 or -errno with a message already logged. */
int ioreq_server_open(const struct ioreq_server_params *p,
		      struct ioreq_server **out);
void ioreq_server_close(struct ioreq_server *s);

/* Claim / release [start, start + size) of guest-physical MMIO. */
int ioreq_server_map_mmio(struct ioreq_server *s, uint64_t start,
			  uint64_t size);
int ioreq_server_unmap_mmio(struct ioreq_server *s, uint64_t start,
			    uint64_t size);

/*
 * Serve until *stop becomes non-zero (a signal handler sets it) or the
 * domain goes away.  Returns 0 on a clean stop, 1 when the domain died,
 * -errno on failure.
 */
int ioreq_server_run(struct ioreq_server *s, volatile int *stop);

struct guestmem *ioreq_server_guestmem(struct ioreq_server *s);
struct xendevicemodel_handle *ioreq_server_dmod(struct ioreq_server *s);
const struct ioreq_stats *ioreq_server_stats(const struct ioreq_server *s);

#endif /* XENGT_DM_IOREQ_H */
