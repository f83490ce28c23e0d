/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A Xen ioreq server for one PCI device of one domain (shared/spec/xen.md):
 * it claims the device's config space and, once the guest places it, its
 * MMIO BAR, write-protects guest pages on request, and turns every ioreq
 * into single accesses on a small ops table.  It knows nothing about GPUs:
 * xengt-dm puts the GVT core behind it, tests/e2e/xen/null-dm a fixed
 * register file (the trap-cost baseline).
 *
 * Set-up and teardown follow one ladder (demu's model): each step that
 * succeeded is undone, in reverse order, by ioreq_server_close().
 * Single-threaded: call everything from the thread that runs the loop
 * (the device ops are called from inside ioreq_server_run()).
 *
 * Depends on Xen's libraries and libc only, so that a test tool can link
 * it without the GVT core.
 */
#ifndef XENGT_DM_IOREQ_H
#define XENGT_DM_IOREQ_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "xen-guestmem.h"
#include "ioreq-decode.h"

struct ioreq_server;

struct ioreq_device_ops {
	/* Config space of the claimed device; @reg < 4096, size 1/2/4. */
	uint32_t (*cfg_read)(void *dev, uint32_t reg, uint32_t size);
	void (*cfg_write)(void *dev, uint32_t reg, uint32_t size, uint32_t val);
	/* MMIO inside the claimed range; @addr is guest-physical, size 1..8. */
	uint64_t (*mmio_read)(void *dev, uint64_t addr, uint32_t size);
	void (*mmio_write)(void *dev, uint64_t addr, uint32_t size,
			   uint64_t val);
	/*
	 * A guest store of @size (1..8) bytes at @gpa of a page protected
	 * with ioreq_server_set_wp(): it has NOT reached RAM; the device
	 * applies it.  NULL for a device that never protects pages.
	 */
	void (*wp_write)(void *dev, uint64_t gpa, uint32_t size, uint64_t val);
};

/* Priorities as syslog's (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG). */
typedef void (*ioreq_log_fn)(int priority, const char *msg);

struct ioreq_server_params {
	uint32_t domid;
	uint32_t sbdf; /* segment << 16 | bus << 8 | devfn */
	bool claim_cf8; /* PVH: Xen lets the server answer port 0xcf8 */
	const struct ioreq_device_ops *ops;
	void *dev;
	ioreq_log_fn log; /* NULL: stderr */
	/*
	 * Optional: hand every ioreq (state INPROCESS) to someone else to
	 * serve instead of decoding it here with @ops (xengt-dm attached to
	 * xengt.ko: the module decodes).  A non-zero return answers a read
	 * with all-ones and counts it as bad.
	 */
	int (*forward)(void *dev, struct xengt_ioreq *req);
};

/* Returns 0 or -errno with a message already logged. */
int ioreq_server_open(const struct ioreq_server_params *p,
		      struct ioreq_server **out);
/* Undo everything, protected pages and the claimed range included. */
void ioreq_server_close(struct ioreq_server *s);

/* Claim / release [start, start + size) of guest-physical MMIO (one range). */
int ioreq_server_map_mmio(struct ioreq_server *s, uint64_t start,
			  uint64_t size);
int ioreq_server_unmap_mmio(struct ioreq_server *s, uint64_t start,
			    uint64_t size);

/*
 * RAM of the device model's own for the domain (the GGTT half of a vGPU's
 * BAR0, as QEMU does for VRAM): @npages frames at @park_gfn, which must be
 * outside the guest's RAM, populated there (the domain's maximum grown to
 * allow them) unless an earlier run of the device model left them, and
 * mapped into this process (*view, until ioreq_server_close()).  Needs the
 * full dom0 privilege: before ioreq_server_restrict().
 */
int ioreq_server_ram_alloc(struct ioreq_server *s, uint64_t park_gfn,
			   uint32_t npages, void **view);
/* Unmap a view of ioreq_server_ram_alloc() (the frames stay the domain's). */
void ioreq_server_ram_unmap(struct ioreq_server *s, void *view,
			    uint32_t npages);
/*
 * Move that RAM in the guest's physical map (XEN_DMOP_relocate_memory):
 * frames [from, from + npages) to [to, ...).  Allowed restricted.
 */
int ioreq_server_ram_move(struct ioreq_server *s, uint64_t from, uint64_t to,
			  uint32_t npages);

/*
 * Write-protect (@protect) or release guest frame @gfn: while protected,
 * guest stores to it arrive as ops->wp_write().  Idempotent.  -EFAULT if
 * @gfn is not RAM of the domain.
 */
int ioreq_server_set_wp(struct ioreq_server *s, uint64_t gfn, bool protect);
/* Frames protected right now. */
uint32_t ioreq_server_nr_wp(const struct ioreq_server *s);

/* Deliver an MSI to the domain. */
int ioreq_server_inject_msi(struct ioreq_server *s, uint64_t addr,
			    uint32_t data);

/*
 * Serve until *stop becomes non-zero (a signal handler sets it) or the
 * domain goes away.  The caller blocks its stop signals and passes in
 * @run_mask the mask to wait with (ppoll): a signal is then taken only
 * while waiting, so none is lost between the check and the wait.
 * Returns 0 on a clean stop, 1 when the domain died, -errno on failure.
 */
int ioreq_server_run(struct ioreq_server *s, volatile sig_atomic_t *stop,
		     const sigset_t *run_mask);

/*
 * Deprivilege (QEMU's -xen-domid-restrict): close the xenstore connection
 * and restrict every Xen handle of the process (xentoolcore_restrict_all)
 * to the server's domain, then prove it: a dm_op, a foreign mapping and an
 * event-channel bind on dom0 and on up to 7 other domains must each be
 * refused, else -EACCES (fail closed).  Call once, after
 * ioreq_server_open() and before serving; afterwards the domain's death is
 * no longer seen here (ioreq_server_run() returns 1 only unrestricted): who
 * started the server must stop it then.  @flags: 0, or
 * IOREQ_RESTRICT_TEST_SKIP (a test aid: skip the restriction, keep the
 * proof, which must then fail).  Returns 0 or -errno, logged.
 */
#define IOREQ_RESTRICT_TEST_SKIP 1U
int ioreq_server_restrict(struct ioreq_server *s, unsigned int flags);

/*
 * Install @handler for the stop signals (SIGTERM, SIGINT, SIGHUP), block
 * them, and return in @run_mask the mask to pass to ioreq_server_run():
 * one arriving during set-up is then taken in the event loop and shuts
 * down cleanly.  Also ignores SIGPIPE.  Call once, before set-up.
 */
void ioreq_stop_signals(void (*handler)(int), sigset_t *run_mask);

/*
 * How long the server took per ioreq, from seeing READY to answering
 * (device work included, Xen's and the guest's share excluded), over the
 * last IOREQ_SERVICE_SAMPLES ioreqs: the device model's own cost per trap.
 * Returns the number of samples (0: none yet).
 */
#define IOREQ_SERVICE_SAMPLES 16384
uint32_t ioreq_server_service_ns(const struct ioreq_server *s, uint32_t *median,
				 uint32_t *mean);

bool ioreq_server_domain_dead(const struct ioreq_server *s);
/*
 * Restricted, the server cannot see its domain die: whoever saw it (the
 * caller's own watcher) says so here, before teardown, so that releases
 * Xen now refuses are expected rather than leaks.
 */
void ioreq_server_set_domain_dead(struct ioreq_server *s);
struct guestmem *ioreq_server_guestmem(struct ioreq_server *s);
const struct ioreq_stats *ioreq_server_stats(const struct ioreq_server *s);
uint32_t ioreq_server_nr_vcpus(const struct ioreq_server *s);
uint32_t ioreq_server_id(const struct ioreq_server *s);

#endif /* XENGT_DM_IOREQ_H */
