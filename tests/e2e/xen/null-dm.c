// SPDX-License-Identifier: GPL-2.0
/*
 * null-dm - the smallest useful Xen ioreq server for a vGPU slot.
 *
 * It claims PCI 00:02.0 of one HVM/PVH domain and emulates just enough of an
 * Intel GPU for the e2e test guest: a config space (8086:1912, class
 * 0x030000, a 64-bit 16 MiB memory BAR0 that the guest may size and move)
 * and a BAR0 that reads as zero except for the PVINFO magic qword at
 * 0x78000. Everything it does is the fixed per-trap cost of a user-space
 * device model, so it is the baseline the real device model
 * (tools/xengt-dm) is measured against.
 *
 * Sequence (shared/spec/xen.md): create the ioreq server, map its ioreq page
 * as a resource, claim 00:02.0 (and port 0xcf8, which Xen does not answer
 * for a PVH domain), enable it, bind one event channel per vCPU, serve until
 * SIGTERM/SIGINT or the domain's death, then undo all of it in reverse.
 *
 * Usage: null-dm --domain ID [--magic-bad] [--ready-file PATH] [--verbose]
 */
#define _GNU_SOURCE
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xentoollog.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/memory.h>

#define PROG "null-dm"

#define GPU_BUS 0
#define GPU_DEV 2
#define GPU_FN 0
#define GPU_SBDF ((GPU_BUS << 8) | (GPU_DEV << 3) | GPU_FN)

#define GPU_VENDOR 0x8086
#define GPU_DEVICE_DEFAULT 0x1912 /* Skylake GT2 (HD Graphics 530) */
#define GPU_CLASS 0x030000 /* VGA-compatible display controller */
#define GPU_REVISION 0x06

#define BAR0_SIZE ((uint64_t)16 << 20)
#define BAR0_FLAGS 0x4 /* memory, 64-bit, not prefetchable */

#define PVINFO_OFFSET 0x78000
#define VGT_MAGIC 0x4776544776544776ull /* "vGTvGTvG" */
#define VGT_MAGIC_BAD 0x0badc0de0badc0deull

#define CFG_SIZE 256
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_BAR0 0x10

#define CF8_PORT 0xcf8

#define PAGE_SHIFT_4K 12
#define PAGE_SIZE_4K (1ul << PAGE_SHIFT_4K)

struct ndm_stats {
	unsigned long cfg_read, cfg_write;
	unsigned long mmio_read, mmio_write;
	unsigned long pio_read, pio_write;
	unsigned long invalidate, other, not_ready;
	unsigned long bar_maps, bar_unmaps;
	unsigned long guest_copies;
};

struct ndm {
	/* options */
	domid_t domid;
	bool magic_bad;
	bool claim_cf8;
	bool verbose;
	uint16_t device_id;
	const char *ready_file;

	/* Xen handles */
	xentoollog_logger *log;
	xendevicemodel_handle *dmod;
	xenforeignmemory_handle *fmem;
	xenevtchn_handle *xce;
	struct xs_handle *xsh;

	/* ioreq server */
	ioservid_t id;
	bool have_server, enabled, pcidev_claimed, cf8_claimed;
	xenforeignmemory_resource_handle *iopage_res;
	shared_iopage_t *iopage;
	unsigned int nr_vcpus;
	evtchn_port_t *local_port; /* per vCPU; 0 = not bound */
	bool domain_dead;

	/* emulated device */
	uint8_t cfg[CFG_SIZE];
	uint8_t cfg_wmask[CFG_SIZE];
	uint32_t cf8;
	bool bar0_mapped;
	uint64_t bar0_at; /* guest-physical base while mapped */
	uint64_t magic;

	struct ndm_stats st;
	struct timespec t_start;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---------------------------------------------------------------- */
/* Emulated PCI configuration space                                 */

static uint32_t cfg_get(const struct ndm *d, unsigned int reg,
			unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)d->cfg[reg + i] << (8 * i);
	return v;
}

static void cfg_init(struct ndm *d)
{
	uint32_t bar_lo_mask = (uint32_t) ~(BAR0_SIZE - 1);

	memset(d->cfg, 0, sizeof(d->cfg));
	memset(d->cfg_wmask, 0, sizeof(d->cfg_wmask));

	d->cfg[0x00] = GPU_VENDOR & 0xff;
	d->cfg[0x01] = GPU_VENDOR >> 8;
	d->cfg[0x02] = d->device_id & 0xff;
	d->cfg[0x03] = d->device_id >> 8;
	/* command: I/O, memory, bus master, INTx disable are writable */
	d->cfg_wmask[0x04] = 0x07;
	d->cfg_wmask[0x05] = 0x04;
	d->cfg[0x08] = GPU_REVISION;
	d->cfg[0x09] = GPU_CLASS & 0xff;
	d->cfg[0x0a] = (GPU_CLASS >> 8) & 0xff;
	d->cfg[0x0b] = GPU_CLASS >> 16;
	d->cfg[0x0e] = 0x00; /* header type 0, single function */
	/* BAR0: 64-bit memory; the low bits encode the type, the size is
	 * what reads back as zero after writing all-ones. */
	d->cfg[PCI_BAR0] = BAR0_FLAGS;
	for (int i = 0; i < 4; i++) {
		d->cfg_wmask[PCI_BAR0 + i] = (bar_lo_mask >> (8 * i)) & 0xff;
		d->cfg_wmask[PCI_BAR0 + 4 + i] = 0xff;
	}
	d->cfg_wmask[PCI_BAR0] &= ~0x0f;
	/* subsystem vendor/device */
	d->cfg[0x2c] = GPU_VENDOR & 0xff;
	d->cfg[0x2d] = GPU_VENDOR >> 8;
	d->cfg[0x2e] = d->device_id & 0xff;
	d->cfg[0x2f] = d->device_id >> 8;
	d->cfg_wmask[0x3c] = 0xff; /* interrupt line */
	d->cfg[0x3d] = 0x01; /* interrupt pin INTA */
}

static uint64_t bar0_addr(const struct ndm *d)
{
	return ((uint64_t)cfg_get(d, PCI_BAR0 + 4, 4) << 32) |
	       (cfg_get(d, PCI_BAR0, 4) & ~0xfull);
}

/*
 * Follow the guest's BAR0 and memory-decode bit: BAR0's range is claimed
 * from Xen only while decode is on and the BAR holds a plausible address
 * (not 0, not the all-ones sizing pattern).
 */
static void bar0_update(struct ndm *d)
{
	uint64_t addr = bar0_addr(d);
	bool decode = cfg_get(d, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY;
	bool want = decode && addr && (addr >> 32) != 0xffffffffu &&
		    addr + BAR0_SIZE - 1 > addr;
	int rc;

	if (d->bar0_mapped && (!want || addr != d->bar0_at)) {
		rc = xendevicemodel_unmap_io_range_from_ioreq_server(
			d->dmod, d->domid, d->id, 1, d->bar0_at,
			d->bar0_at + BAR0_SIZE - 1);
		if (rc)
			msg("unmapping BAR0 at 0x%" PRIx64 " failed: %s",
			    d->bar0_at, strerror(errno));
		else if (d->verbose)
			msg("BAR0 unmapped from 0x%" PRIx64, d->bar0_at);
		d->bar0_mapped = false;
		d->st.bar_unmaps++;
	}
	if (want && !d->bar0_mapped) {
		rc = xendevicemodel_map_io_range_to_ioreq_server(
			d->dmod, d->domid, d->id, 1, addr,
			addr + BAR0_SIZE - 1);
		if (rc) {
			msg("mapping BAR0 at 0x%" PRIx64 " failed: %s", addr,
			    strerror(errno));
			return;
		}
		msg("BAR0 mapped at 0x%" PRIx64 "-0x%" PRIx64, addr,
		    addr + BAR0_SIZE - 1);
		d->bar0_mapped = true;
		d->bar0_at = addr;
		d->st.bar_maps++;
	}
}

static uint64_t cfg_read(struct ndm *d, uint32_t sbdf, uint32_t reg,
			 unsigned int size)
{
	d->st.cfg_read++;
	if (sbdf != GPU_SBDF || size > 4 || reg + size > 4096)
		return ~0ull >> (64 - 8 * (size > 4 ? 4 : size));
	if (reg + size > CFG_SIZE)
		return 0; /* no extended capabilities */
	return cfg_get(d, reg, size);
}

static void cfg_write(struct ndm *d, uint32_t sbdf, uint32_t reg,
		      unsigned int size, uint64_t val)
{
	bool bar_or_cmd = false;

	d->st.cfg_write++;
	if (sbdf != GPU_SBDF || size > 4 || reg + size > CFG_SIZE)
		return;
	for (unsigned int i = 0; i < size; i++) {
		unsigned int r = reg + i;
		uint8_t b = (val >> (8 * i)) & 0xff;

		d->cfg[r] =
			(d->cfg[r] & ~d->cfg_wmask[r]) | (b & d->cfg_wmask[r]);
		if (r == PCI_COMMAND || (r >= PCI_BAR0 && r < PCI_BAR0 + 8))
			bar_or_cmd = true;
	}
	if (bar_or_cmd)
		bar0_update(d);
}

/* ---------------------------------------------------------------- */
/* BAR0 MMIO and port I/O                                           */

static uint64_t mmio_read(struct ndm *d, uint64_t addr, unsigned int size)
{
	uint64_t off, v = 0;

	d->st.mmio_read++;
	if (!d->bar0_mapped || addr < d->bar0_at ||
	    addr - d->bar0_at + size > BAR0_SIZE)
		return ~0ull >> (64 - 8 * size);
	off = addr - d->bar0_at;
	/* Byte by byte so any size and alignment reads the same bytes. */
	for (unsigned int i = 0; i < size; i++) {
		uint64_t o = off + i;

		if (o >= PVINFO_OFFSET && o < PVINFO_OFFSET + 8)
			v |= ((d->magic >> (8 * (o - PVINFO_OFFSET))) & 0xff)
			     << (8 * i);
	}
	return v;
}

static void mmio_write(struct ndm *d, uint64_t addr, unsigned int size,
		       uint64_t val)
{
	d->st.mmio_write++;
	if (d->verbose)
		msg("ignored MMIO write 0x%" PRIx64 " size %u val 0x%" PRIx64,
		    addr, size, val);
}

static uint64_t pio_read(struct ndm *d, uint64_t port, unsigned int size)
{
	d->st.pio_read++;
	if (port >= CF8_PORT && port + size <= CF8_PORT + 4)
		return (d->cf8 >> (8 * (port - CF8_PORT))) &
		       (~0ull >> (64 - 8 * size));
	return ~0ull >> (64 - 8 * size);
}

static void pio_write(struct ndm *d, uint64_t port, unsigned int size,
		      uint64_t val)
{
	d->st.pio_write++;
	if (port >= CF8_PORT && port + size <= CF8_PORT + 4) {
		for (unsigned int i = 0; i < size; i++) {
			unsigned int sh = 8 * (port - CF8_PORT + i);

			d->cf8 = (d->cf8 & ~(0xffu << sh)) |
				 (uint32_t)((val >> (8 * i)) & 0xff) << sh;
		}
	}
}

/* ---------------------------------------------------------------- */
/* Guest memory for data_is_ptr requests                            */

static int guest_copy(struct ndm *d, uint64_t gpa, void *buf, size_t len,
		      bool to_guest)
{
	uint8_t *p = buf;

	d->st.guest_copies++;
	while (len) {
		xen_pfn_t gfn = gpa >> PAGE_SHIFT_4K;
		size_t off = gpa & (PAGE_SIZE_4K - 1);
		size_t n = PAGE_SIZE_4K - off;
		int err = 0;
		uint8_t *page;

		if (n > len)
			n = len;
		page = xenforeignmemory_map(d->fmem, d->domid,
					    to_guest ? PROT_READ | PROT_WRITE :
						       PROT_READ,
					    1, &gfn, &err);
		if (!page || err) {
			msg("mapping guest gfn 0x%" PRIx64 " failed: %s",
			    (uint64_t)gfn, strerror(page ? err : errno));
			if (page)
				xenforeignmemory_unmap(d->fmem, page, 1);
			return -1;
		}
		if (to_guest)
			memcpy(page + off, p, n);
		else
			memcpy(p, page + off, n);
		xenforeignmemory_unmap(d->fmem, page, 1);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* ioreq dispatch                                                   */

typedef uint64_t (*rd_fn)(struct ndm *d, uint64_t addr, unsigned int size);
typedef void (*wr_fn)(struct ndm *d, uint64_t addr, unsigned int size,
		      uint64_t val);

/*
 * One PIO or MMIO request, possibly a rep string op: count elements of
 * size bytes; MMIO addresses step by size (backwards when df), a port
 * stays; with data_is_ptr, data is the guest-physical address of the
 * elements instead of the value.
 */
static void handle_rw(struct ndm *d, ioreq_t *req, bool step_addr, rd_fn rd,
		      wr_fn wr)
{
	unsigned int size = req->size;
	int64_t step = req->df ? -(int64_t)size : (int64_t)size;

	if (size == 0 || size > 8) {
		msg("bad ioreq size %u (type %u addr 0x%" PRIx64 ")", size,
		    req->type, (uint64_t)req->addr);
		if (req->dir == IOREQ_READ && !req->data_is_ptr)
			req->data = ~0ull;
		return;
	}
	for (uint32_t i = 0; i < req->count; i++) {
		uint64_t addr = req->addr + (step_addr ? i * step : 0);
		uint64_t gpa = req->data + i * step;
		uint64_t val = 0;

		if (req->dir == IOREQ_READ) {
			val = rd(d, addr, size);
			if (!req->data_is_ptr)
				req->data = val;
			else if (guest_copy(d, gpa, &val, size, true))
				break;
		} else {
			if (!req->data_is_ptr)
				val = req->data;
			else if (guest_copy(d, gpa, &val, size, false))
				break;
			wr(d, addr, size, val);
		}
	}
}

static void handle_cfg(struct ndm *d, ioreq_t *req)
{
	uint32_t sbdf = req->addr >> 32;
	uint32_t reg = (uint32_t)req->addr;

	if (req->dir == IOREQ_READ)
		req->data = cfg_read(d, sbdf, reg, req->size);
	else
		cfg_write(d, sbdf, reg, req->size, req->data);
}

static void handle_ioreq(struct ndm *d, ioreq_t *req)
{
	if (d->verbose)
		msg("ioreq type %u dir %s addr 0x%" PRIx64
		    " size %u count %u ptr %u df %u data 0x%" PRIx64,
		    req->type, req->dir == IOREQ_READ ? "r" : "w",
		    (uint64_t)req->addr, req->size, req->count,
		    req->data_is_ptr, req->df, (uint64_t)req->data);

	switch (req->type) {
	case IOREQ_TYPE_PCI_CONFIG:
		handle_cfg(d, req);
		break;
	case IOREQ_TYPE_COPY:
		handle_rw(d, req, true, mmio_read, mmio_write);
		break;
	case IOREQ_TYPE_PIO:
		handle_rw(d, req, false, pio_read, pio_write);
		break;
	case IOREQ_TYPE_INVALIDATE:
		/* no map cache to flush; only acknowledge */
		d->st.invalidate++;
		break;
	default:
		d->st.other++;
		msg("unhandled ioreq type %u", req->type);
		if (req->dir == IOREQ_READ && !req->data_is_ptr)
			req->data = ~0ull;
		break;
	}
}

static void serve_port(struct ndm *d, evtchn_port_t port)
{
	unsigned int v;
	ioreq_t *req;

	for (v = 0; v < d->nr_vcpus; v++)
		if (d->local_port[v] == port)
			break;
	if (v == d->nr_vcpus) {
		msg("event on unknown port %u", port);
		return;
	}
	req = &d->iopage->vcpu_ioreq[v];
	if (((volatile ioreq_t *)req)->state != STATE_IOREQ_READY) {
		d->st.not_ready++;
		return;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	req->state = STATE_IOREQ_INPROCESS;
	handle_ioreq(d, req);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	req->state = STATE_IORESP_READY;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (xenevtchn_notify(d->xce, port))
		msg("notifying port %u failed: %s", port, strerror(errno));
}

/* ---------------------------------------------------------------- */
/* Set-up and teardown                                              */

static unsigned int domain_vcpus(struct ndm *d)
{
	char path[64];
	unsigned int n = 0;
	char **dir;

	snprintf(path, sizeof(path), "/local/domain/%u/cpu", d->domid);
	dir = xs_directory(d->xsh, XBT_NULL, path, &n);
	free(dir);
	return n;
}

static bool domain_alive(struct ndm *d)
{
	return xs_is_domain_introduced(d->xsh, d->domid);
}

static int setup(struct ndm *d)
{
	int rc;

	d->log = (xentoollog_logger *)xtl_createlogger_stdiostream(
		stderr, XTL_ERROR, 0);
	d->dmod = xendevicemodel_open(d->log, 0);
	d->fmem = xenforeignmemory_open(d->log, 0);
	d->xce = xenevtchn_open(d->log, 0);
	d->xsh = xs_open(0);
	if (!d->log || !d->dmod || !d->fmem || !d->xce || !d->xsh) {
		msg("opening the Xen interfaces failed (%s): is this dom0 with xen-privcmd, xen-evtchn loaded and xenstored running?",
		    !d->dmod ? "devicemodel" :
		    !d->fmem ? "foreignmemory" :
		    !d->xce  ? "evtchn" :
		    !d->xsh  ? "xenstore" :
			       "logger");
		return -1;
	}
	if (!domain_alive(d)) {
		msg("domain %u does not exist", d->domid);
		return -1;
	}
	d->nr_vcpus = domain_vcpus(d);
	if (!d->nr_vcpus) {
		msg("no /local/domain/%u/cpu in xenstore, assuming 1 vCPU",
		    d->domid);
		d->nr_vcpus = 1;
	}
	if (d->nr_vcpus > PAGE_SIZE_4K / sizeof(ioreq_t)) {
		msg("%u vCPUs do not fit one ioreq page", d->nr_vcpus);
		return -1;
	}

	/* 1. the server, synchronous ioreqs only */
	rc = xendevicemodel_create_ioreq_server(
		d->dmod, d->domid, HVM_IOREQSRV_BUFIOREQ_OFF, &d->id);
	if (rc) {
		msg("creating an ioreq server for domain %u failed: %s",
		    d->domid, strerror(errno));
		return -1;
	}
	d->have_server = true;

	/* 2. its info (nothing needed with the resource mapping below, but
	 * it proves the server exists) */
	rc = xendevicemodel_get_ioreq_server_info(d->dmod, d->domid, d->id,
						  NULL, NULL, NULL);
	if (rc) {
		msg("get_ioreq_server_info failed: %s", strerror(errno));
		return -1;
	}

	/* 3. the synchronous ioreq page, one struct ioreq per vCPU */
	d->iopage_res = xenforeignmemory_map_resource(
		d->fmem, d->domid, XENMEM_resource_ioreq_server, d->id,
		XENMEM_resource_ioreq_server_frame_ioreq(0), 1,
		(void **)&d->iopage, PROT_READ | PROT_WRITE, 0);
	if (!d->iopage_res) {
		msg("mapping the ioreq page failed: %s", strerror(errno));
		return -1;
	}

	/* 4. what the vGPU owns: config space of 00:02.0 ... */
	rc = xendevicemodel_map_pcidev_to_ioreq_server(
		d->dmod, d->domid, d->id, 0, GPU_BUS, GPU_DEV, GPU_FN);
	if (rc) {
		msg("claiming PCI 00:02.0 failed: %s", strerror(errno));
		return -1;
	}
	d->pcidev_claimed = true;
	/* ... and 0xcf8, which nobody answers for a PVH domain: an OS that
	 * reads it back (Linux's type-1 probe) would see all-ones. */
	if (d->claim_cf8) {
		rc = xendevicemodel_map_io_range_to_ioreq_server(
			d->dmod, d->domid, d->id, 0, CF8_PORT, CF8_PORT + 3);
		if (rc) {
			msg("claiming port 0xcf8 failed: %s", strerror(errno));
			return -1;
		}
		d->cf8_claimed = true;
	}

	/* 5. enable, then bind each vCPU's port (Xen fills vp_eport) */
	rc = xendevicemodel_set_ioreq_server_state(d->dmod, d->domid, d->id, 1);
	if (rc) {
		msg("enabling the ioreq server failed: %s", strerror(errno));
		return -1;
	}
	d->enabled = true;

	d->local_port = calloc(d->nr_vcpus, sizeof(*d->local_port));
	if (!d->local_port) {
		msg("out of memory");
		return -1;
	}
	for (unsigned int v = 0; v < d->nr_vcpus; v++) {
		evtchn_port_t remote = d->iopage->vcpu_ioreq[v].vp_eport;
		xenevtchn_port_or_error_t lp;

		lp = xenevtchn_bind_interdomain(d->xce, d->domid, remote);
		if (lp < 0) {
			msg("binding vCPU %u's event channel %u failed: %s", v,
			    remote, strerror(errno));
			return -1;
		}
		d->local_port[v] = lp;
	}

	/* death of the domain: xenstored fires @releaseDomain */
	if (!xs_watch(d->xsh, "@releaseDomain", "release")) {
		msg("watching @releaseDomain failed: %s", strerror(errno));
		return -1;
	}

	msg("serving domain %u: ioreq server %u, %u vCPU(s), PCI 00:02.0 %04x:%04x%s%s",
	    d->domid, d->id, d->nr_vcpus, GPU_VENDOR, d->device_id,
	    d->claim_cf8 ? ", port 0xcf8" : "",
	    d->magic_bad ? ", WRONG PVINFO magic (--magic-bad)" : "");
	return 0;
}

static void teardown(struct ndm *d)
{
	/* errors are expected once the domain is gone; stay quiet then */
	bool quiet = d->domain_dead;

	if (d->xsh)
		xs_unwatch(d->xsh, "@releaseDomain", "release");
	if (d->local_port) {
		for (unsigned int v = 0; v < d->nr_vcpus; v++)
			if (d->local_port[v])
				xenevtchn_unbind(d->xce, d->local_port[v]);
		free(d->local_port);
		d->local_port = NULL;
	}
	if (d->enabled &&
	    xendevicemodel_set_ioreq_server_state(d->dmod, d->domid, d->id,
						  0) &&
	    !quiet)
		msg("disabling the ioreq server failed: %s", strerror(errno));
	if (d->bar0_mapped &&
	    xendevicemodel_unmap_io_range_from_ioreq_server(
		    d->dmod, d->domid, d->id, 1, d->bar0_at,
		    d->bar0_at + BAR0_SIZE - 1) &&
	    !quiet)
		msg("unmapping BAR0 failed: %s", strerror(errno));
	if (d->cf8_claimed &&
	    xendevicemodel_unmap_io_range_from_ioreq_server(
		    d->dmod, d->domid, d->id, 0, CF8_PORT, CF8_PORT + 3) &&
	    !quiet)
		msg("releasing port 0xcf8 failed: %s", strerror(errno));
	if (d->pcidev_claimed &&
	    xendevicemodel_unmap_pcidev_from_ioreq_server(
		    d->dmod, d->domid, d->id, 0, GPU_BUS, GPU_DEV, GPU_FN) &&
	    !quiet)
		msg("releasing PCI 00:02.0 failed: %s", strerror(errno));
	if (d->iopage_res)
		xenforeignmemory_unmap_resource(d->fmem, d->iopage_res);
	if (d->have_server &&
	    xendevicemodel_destroy_ioreq_server(d->dmod, d->domid, d->id) &&
	    !quiet)
		msg("destroying the ioreq server failed: %s", strerror(errno));
	if (d->xsh)
		xs_close(d->xsh);
	if (d->xce)
		xenevtchn_close(d->xce);
	if (d->fmem)
		xenforeignmemory_close(d->fmem);
	if (d->dmod)
		xendevicemodel_close(d->dmod);
	if (d->log)
		xtl_logger_destroy(d->log);
}

static void print_summary(const struct ndm *d, const char *why)
{
	const struct ndm_stats *s = &d->st;
	struct timespec now;
	double secs;
	unsigned long total = s->cfg_read + s->cfg_write + s->mmio_read +
			      s->mmio_write + s->pio_read + s->pio_write +
			      s->invalidate + s->other;

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (now.tv_sec - d->t_start.tv_sec) +
	       (now.tv_nsec - d->t_start.tv_nsec) / 1e9;
	msg("exit (%s) after %.1f s: %lu ioreqs: cfg %lu/%lu mmio %lu/%lu pio %lu/%lu (r/w), invalidate %lu, other %lu, not-ready events %lu, BAR0 maps %lu unmaps %lu, guest copies %lu",
	    why, secs, total, s->cfg_read, s->cfg_write, s->mmio_read,
	    s->mmio_write, s->pio_read, s->pio_write, s->invalidate, s->other,
	    s->not_ready, s->bar_maps, s->bar_unmaps, s->guest_copies);
}

static int serve(struct ndm *d, const sigset_t *run_mask)
{
	struct pollfd fds[2] = {
		{ .fd = xenevtchn_fd(d->xce), .events = POLLIN },
		{ .fd = xs_fileno(d->xsh), .events = POLLIN },
	};

	while (!stop_signal) {
		int n = ppoll(fds, 2, NULL, run_mask);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			msg("poll failed: %s", strerror(errno));
			return -1;
		}
		if (fds[0].revents & POLLIN) {
			xenevtchn_port_or_error_t port;

			port = xenevtchn_pending(d->xce);
			if (port < 0) {
				msg("reading a pending event failed: %s",
				    strerror(errno));
				return -1;
			}
			xenevtchn_unmask(d->xce, port);
			serve_port(d, port);
		}
		if (fds[1].revents & POLLIN) {
			char **w;

			while ((w = xs_check_watch(d->xsh)))
				free(w);
			if (!domain_alive(d)) {
				d->domain_dead = true;
				return 0;
			}
		}
		if ((fds[0].revents | fds[1].revents) & (POLLERR | POLLHUP)) {
			msg("Xen event or xenstore connection lost");
			return -1;
		}
	}
	return 0;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	return close(fd);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " --domain ID [options]\n"
		"Null ioreq server: emulates PCI 00:02.0 with a PVINFO magic only.\n"
		"  -d, --domain ID      domain to serve (required; create it paused)\n"
		"  -b, --magic-bad      return a wrong PVINFO magic (the test must FAIL)\n"
		"  -i, --device-id ID   PCI device id (default 0x%04x)\n"
		"  -n, --no-cf8         do not claim/latch I/O port 0xcf8\n"
		"  -r, --ready-file F   create F once serving (default $XENGT_E2E_READY_FILE)\n"
		"  -v, --verbose        log every ioreq\n"
		"  -h, --help\n"
		"Stops on SIGTERM/SIGINT or when the domain dies; prints a summary.\n",
		GPU_DEVICE_DEFAULT);
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || !*s || *end || *out > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "magic-bad", no_argument, NULL, 'b' },
		{ "device-id", required_argument, NULL, 'i' },
		{ "no-cf8", no_argument, NULL, 'n' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ndm d = {
		.claim_cf8 = true,
		.device_id = GPU_DEVICE_DEFAULT,
		.ready_file = getenv("XENGT_E2E_READY_FILE"),
	};
	bool have_domain = false;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, run_mask;
	unsigned long v;
	int c, rc;

	while ((c = getopt_long(argc, argv, "d:bi:nr:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_ulong(optarg, DOMID_FIRST_RESERVED - 1, &v) ||
			    v == 0) {
				msg("bad domain id '%s'", optarg);
				return 2;
			}
			d.domid = v;
			have_domain = true;
			break;
		case 'b':
			d.magic_bad = true;
			break;
		case 'i':
			if (parse_ulong(optarg, 0xffff, &v)) {
				msg("bad device id '%s'", optarg);
				return 2;
			}
			d.device_id = v;
			break;
		case 'n':
			d.claim_cf8 = false;
			break;
		case 'r':
			d.ready_file = optarg;
			break;
		case 'v':
			d.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !have_domain) {
		usage(stderr);
		return 2;
	}
	if (d.ready_file && !*d.ready_file)
		d.ready_file = NULL;
	d.magic = d.magic_bad ? VGT_MAGIC_BAD : VGT_MAGIC;
	cfg_init(&d);

	/* Signals are only delivered inside ppoll(): no lost wake-ups. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &run_mask);
	sigdelset(&run_mask, SIGTERM);
	sigdelset(&run_mask, SIGINT);
	sigdelset(&run_mask, SIGHUP);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	clock_gettime(CLOCK_MONOTONIC, &d.t_start);
	rc = setup(&d);
	if (!rc && d.ready_file && touch(d.ready_file)) {
		msg("creating ready file %s failed: %s", d.ready_file,
		    strerror(errno));
		rc = -1;
	}
	if (!rc)
		rc = serve(&d, &run_mask);
	print_summary(&d, rc			? "error" :
			  d.domain_dead		? "domain gone" :
			  stop_signal == SIGINT ? "SIGINT" :
			  stop_signal == SIGHUP ? "SIGHUP" :
						  "SIGTERM");
	teardown(&d);
	return rc ? 1 : 0;
}
