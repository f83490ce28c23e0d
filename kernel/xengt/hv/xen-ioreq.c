// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Xen ioreq server for one PCI device (see ioreq.h).
 */
#define __XEN_TOOLS__ 1 /* the dm_op and ioreq interfaces are tools-only */

#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xentoollog.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/memory.h>

#include "xen-ioreq.h"
#include "os.h"

#define CF8_PORT 0xcf8
#define GUESTMEM_MAX_PAGES 65536 /* 256 MiB of mappings before a trim */

/* The set-up ladder: close() undoes every step reached, in reverse. */
enum ioreq_step {
	STEP_NONE,
	STEP_HANDLES,
	STEP_SERVER,
	STEP_IOPAGE,
	STEP_PCIDEV,
	STEP_CF8,
	STEP_ENABLED,
	STEP_PORTS,
	STEP_WATCH,
};

struct ioreq_server {
	struct ioreq_server_params p;
	enum ioreq_step step;
	xentoollog_logger *xtl;
	xendevicemodel_handle *dmod;
	xenforeignmemory_handle *fmem;
	xenevtchn_handle *xce;
	struct xs_handle *xsh;
	struct guestmem *mem;
	ioservid_t id;
	xenforeignmemory_resource_handle *iopage_res;
	shared_iopage_t *iopage;
	unsigned int nr_vcpus;
	evtchn_port_t *ports; /* local port per vCPU */
	uint32_t cf8; /* latched CONFIG_ADDRESS */
	uint64_t mmio_start, mmio_size; /* the one claimed MMIO range */
	struct ioreq_stats stats;
};

static int fail(struct ioreq_server *s, const char *what)
{
	int err = errno ? errno : EIO;

	gvt_err("domain %u: %s: %s", s->p.domid, what, strerror(err));
	return -err;
}

static int open_handles(struct ioreq_server *s)
{
	s->xtl = (xentoollog_logger *)xtl_createlogger_stdiostream(stderr,
								  XTL_ERROR, 0);
	s->dmod = xendevicemodel_open(s->xtl, 0);
	s->fmem = xenforeignmemory_open(s->xtl, 0);
	s->xce = xenevtchn_open(s->xtl, 0);
	s->xsh = xs_open(0);
	s->step = STEP_HANDLES;
	if (!s->dmod || !s->fmem || !s->xce || !s->xsh)
		return fail(s, "cannot open the Xen interfaces (is this dom0 with xenfs mounted and xenstored running?)");
	s->mem = guestmem_open(s->fmem, s->p.domid, GUESTMEM_MAX_PAGES);
	if (!s->mem)
		return fail(s, "guest memory cache");
	return 0;
}

static int create_server(struct ioreq_server *s)
{
	if (xendevicemodel_create_ioreq_server(s->dmod, s->p.domid,
					       HVM_IOREQSRV_BUFIOREQ_OFF,
					       &s->id))
		return fail(s, "create ioreq server (does the domain exist and is it HVM/PVH?)");
	s->step = STEP_SERVER;
	if (xendevicemodel_get_ioreq_server_info(s->dmod, s->p.domid, s->id,
						 NULL, NULL, NULL))
		return fail(s, "get ioreq server info");
	return 0;
}

static int map_iopage(struct ioreq_server *s)
{
	void *addr = NULL;

	s->iopage_res = xenforeignmemory_map_resource(
		s->fmem, s->p.domid, XENMEM_resource_ioreq_server, s->id,
		XENMEM_resource_ioreq_server_frame_ioreq(0), 1, &addr,
		PROT_READ | PROT_WRITE, 0);
	if (!s->iopage_res)
		return fail(s, "map the ioreq page");
	s->iopage = addr;
	s->step = STEP_IOPAGE;
	return 0;
}

static int claim_device(struct ioreq_server *s)
{
	uint32_t sbdf = s->p.sbdf;

	if (xendevicemodel_map_pcidev_to_ioreq_server(
		    s->dmod, s->p.domid, s->id, sbdf >> 16, (sbdf >> 8) & 0xff,
		    (sbdf >> 3) & 0x1f, sbdf & 7))
		return fail(s, "claim the PCI device");
	s->step = STEP_PCIDEV;
	if (s->p.claim_cf8 &&
	    xendevicemodel_map_io_range_to_ioreq_server(
		    s->dmod, s->p.domid, s->id, 0, CF8_PORT, CF8_PORT + 3))
		return fail(s, "claim port 0xcf8");
	s->step = STEP_CF8;
	return 0;
}

static int enable(struct ioreq_server *s)
{
	unsigned int v;

	if (xendevicemodel_set_ioreq_server_state(s->dmod, s->p.domid, s->id,
						  1))
		return fail(s, "enable the ioreq server");
	s->step = STEP_ENABLED;
	if (xendevicemodel_nr_vcpus(s->dmod, s->p.domid, &s->nr_vcpus))
		return fail(s, "count vCPUs");
	s->ports = calloc(s->nr_vcpus, sizeof(*s->ports));
	if (!s->ports)
		return -ENOMEM;
	s->step = STEP_PORTS;
	for (v = 0; v < s->nr_vcpus; v++) {
		xenevtchn_port_or_error_t port = xenevtchn_bind_interdomain(
			s->xce, s->p.domid, s->iopage->vcpu_ioreq[v].vp_eport);

		if (port < 0)
			return fail(s, "bind a vCPU event channel");
		s->ports[v] = port;
	}
	if (!xs_watch(s->xsh, "@releaseDomain", "release"))
		return fail(s, "watch @releaseDomain");
	s->step = STEP_WATCH;
	return 0;
}

int ioreq_server_open(const struct ioreq_server_params *p,
		      struct ioreq_server **out)
{
	struct ioreq_server *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->p = *p;
	ret = open_handles(s);
	if (!ret)
		ret = create_server(s);
	if (!ret)
		ret = map_iopage(s);
	if (!ret)
		ret = claim_device(s);
	if (!ret)
		ret = enable(s);
	if (ret) {
		ioreq_server_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

void ioreq_server_close(struct ioreq_server *s)
{
	uint32_t sbdf = s->p.sbdf;
	unsigned int v;

	switch (s->step) {
	case STEP_WATCH:
		xs_unwatch(s->xsh, "@releaseDomain", "release");
		/* fall through */
	case STEP_PORTS:
		for (v = 0; v < s->nr_vcpus; v++)
			if (s->ports[v])
				xenevtchn_unbind(s->xce, s->ports[v]);
		free(s->ports);
		/* fall through */
	case STEP_ENABLED:
		xendevicemodel_set_ioreq_server_state(s->dmod, s->p.domid,
						      s->id, 0);
		/* fall through */
	case STEP_CF8:
		if (s->mmio_size)
			ioreq_server_unmap_mmio(s, s->mmio_start, s->mmio_size);
		if (s->p.claim_cf8)
			xendevicemodel_unmap_io_range_from_ioreq_server(
				s->dmod, s->p.domid, s->id, 0, CF8_PORT,
				CF8_PORT + 3);
		/* fall through */
	case STEP_PCIDEV:
		xendevicemodel_unmap_pcidev_from_ioreq_server(
			s->dmod, s->p.domid, s->id, sbdf >> 16,
			(sbdf >> 8) & 0xff, (sbdf >> 3) & 0x1f, sbdf & 7);
		/* fall through */
	case STEP_IOPAGE:
		xenforeignmemory_unmap_resource(s->fmem, s->iopage_res);
		/* fall through */
	case STEP_SERVER:
		xendevicemodel_destroy_ioreq_server(s->dmod, s->p.domid, s->id);
		/* fall through */
	case STEP_HANDLES:
		guestmem_close(s->mem);
		if (s->xsh)
			xs_close(s->xsh);
		if (s->xce)
			xenevtchn_close(s->xce);
		if (s->fmem)
			xenforeignmemory_close(s->fmem);
		if (s->dmod)
			xendevicemodel_close(s->dmod);
		if (s->xtl)
			xtl_logger_destroy(s->xtl);
		/* fall through */
	case STEP_NONE:
		break;
	}
	free(s);
}

int ioreq_server_map_mmio(struct ioreq_server *s, uint64_t start,
			  uint64_t size)
{
	if (s->mmio_size)
		return -EBUSY;
	if (xendevicemodel_map_io_range_to_ioreq_server(
		    s->dmod, s->p.domid, s->id, 1, start, start + size - 1))
		return fail(s, "claim MMIO range");
	s->mmio_start = start;
	s->mmio_size = size;
	return 0;
}

int ioreq_server_unmap_mmio(struct ioreq_server *s, uint64_t start,
			    uint64_t size)
{
	if (!s->mmio_size || start != s->mmio_start || size != s->mmio_size)
		return -ENOENT;
	s->mmio_size = 0;
	if (xendevicemodel_unmap_io_range_from_ioreq_server(
		    s->dmod, s->p.domid, s->id, 1, start, start + size - 1))
		return fail(s, "release MMIO range");
	return 0;
}

struct guestmem *ioreq_server_guestmem(struct ioreq_server *s)
{
	return s->mem;
}

struct xendevicemodel_handle *ioreq_server_dmod(struct ioreq_server *s)
{
	return s->dmod;
}

const struct ioreq_stats *ioreq_server_stats(const struct ioreq_server *s)
{
	return &s->stats;
}

/* --- serving ------------------------------------------------------------ */

static uint64_t size_mask(uint32_t size)
{
	return size >= 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1;
}

/* One access of the device: config space, MMIO, or the 0xcf8 latch. */
static uint64_t dev_read(struct ioreq_server *s, const ioreq_t *req,
			 uint64_t addr)
{
	const struct ioreq_device_ops *ops = s->p.ops;

	switch (req->type) {
	case IOREQ_TYPE_COPY:
		return ops->mmio_read(s->p.dev, addr, req->size);
	case IOREQ_TYPE_PIO:
		if (addr == CF8_PORT && req->size == 4)
			return s->cf8;
		return size_mask(req->size);
	default:
		return size_mask(req->size);
	}
}

static void dev_write(struct ioreq_server *s, const ioreq_t *req,
		      uint64_t addr, uint64_t val)
{
	const struct ioreq_device_ops *ops = s->p.ops;

	switch (req->type) {
	case IOREQ_TYPE_COPY:
		ops->mmio_write(s->p.dev, addr, req->size, val);
		break;
	case IOREQ_TYPE_PIO:
		if (addr == CF8_PORT && req->size == 4)
			s->cf8 = (uint32_t)val;
		break;
	default:
		break;
	}
}

/*
 * COPY and PIO requests: @count repetitions of @size bytes, stepping
 * backwards with df; with data_is_ptr the data lives in guest memory (a
 * rep movs), otherwise in req->data.  As QEMU's cpu_ioreq_move().
 */
static void handle_move(struct ioreq_server *s, ioreq_t *req)
{
	int64_t step = req->df ? -(int64_t)req->size : (int64_t)req->size;
	uint32_t i;
	uint64_t tmp;

	if (req->size == 0 || req->size > 8 || req->count == 0) {
		s->stats.bad++;
		if (req->dir == IOREQ_READ && !req->data_is_ptr)
			req->data = UINT64_MAX;
		return;
	}
	for (i = 0; i < req->count; i++) {
		uint64_t addr = req->addr + step * (int64_t)i;
		uint64_t gpa = req->data + step * (int64_t)i;

		if (!req->data_is_ptr) {
			if (req->dir == IOREQ_READ)
				req->data = dev_read(s, req, addr) &
					    size_mask(req->size);
			else
				dev_write(s, req, addr,
					  req->data & size_mask(req->size));
			continue;
		}
		s->stats.ptr_copies++;
		if (req->dir == IOREQ_READ) {
			tmp = dev_read(s, req, addr);
			if (guestmem_write(s->mem, gpa, &tmp, req->size))
				s->stats.bad++;
		} else {
			tmp = 0;
			if (guestmem_read(s->mem, gpa, &tmp, req->size))
				s->stats.bad++;
			else
				dev_write(s, req, addr, tmp);
		}
	}
}

static void handle_pci_config(struct ioreq_server *s, ioreq_t *req)
{
	const struct ioreq_device_ops *ops = s->p.ops;
	uint32_t sbdf = req->addr >> 32;
	uint32_t reg = req->addr & 0xffffffff;

	if (sbdf != s->p.sbdf || reg >= 4096 || req->data_is_ptr ||
	    !(req->size == 1 || req->size == 2 || req->size == 4)) {
		s->stats.bad++;
		if (req->dir == IOREQ_READ)
			req->data = size_mask(req->size);
		return;
	}
	if (req->dir == IOREQ_READ)
		req->data = ops->cfg_read(s->p.dev, reg, req->size);
	else
		ops->cfg_write(s->p.dev, reg, req->size, (uint32_t)req->data);
}

static void handle_ioreq(struct ioreq_server *s, unsigned int vcpu)
{
	ioreq_t *req = &s->iopage->vcpu_ioreq[vcpu];

	if (req->state != STATE_IOREQ_READY)
		return;
	/* Read the request only after seeing READY. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	req->state = STATE_IOREQ_INPROCESS;
	switch (req->type) {
	case IOREQ_TYPE_PCI_CONFIG:
		s->stats.cfg++;
		handle_pci_config(s, req);
		break;
	case IOREQ_TYPE_COPY:
		s->stats.mmio++;
		handle_move(s, req);
		break;
	case IOREQ_TYPE_PIO:
		s->stats.pio++;
		handle_move(s, req);
		break;
	case IOREQ_TYPE_INVALIDATE:
		/* Our mappings of guest memory may be stale: drop them. */
		s->stats.invalidate++;
		guestmem_trim(s->mem);
		break;
	default:
		s->stats.bad++;
		break;
	}
	/* The response before the state change. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	req->state = STATE_IORESP_READY;
	xenevtchn_notify(s->xce, s->ports[vcpu]);
}

static bool domain_alive(struct ioreq_server *s)
{
	return xs_is_domain_introduced(s->xsh, s->p.domid);
}

int ioreq_server_run(struct ioreq_server *s, volatile int *stop)
{
	struct pollfd fds[2] = {
		{ .fd = xenevtchn_fd(s->xce), .events = POLLIN },
		{ .fd = xs_fileno(s->xsh), .events = POLLIN },
	};

	while (!*stop) {
		if (poll(fds, 2, 1000) < 0) {
			if (errno == EINTR)
				continue;
			return fail(s, "poll");
		}
		if (fds[0].revents & POLLIN) {
			xenevtchn_port_or_error_t port = xenevtchn_pending(s->xce);
			unsigned int v;

			if (port < 0)
				return fail(s, "event channel");
			xenevtchn_unmask(s->xce, port);
			for (v = 0; v < s->nr_vcpus; v++)
				if (s->ports[v] == (evtchn_port_t)port)
					handle_ioreq(s, v);
		}
		if (fds[1].revents & POLLIN) {
			char **w;

			while ((w = xs_check_watch(s->xsh)))
				free(w);
			if (!domain_alive(s))
				return 1;
		}
	}
	return 0;
}
