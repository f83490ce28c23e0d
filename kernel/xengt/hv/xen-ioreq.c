// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Xen ioreq server for one PCI device (see xen-ioreq.h).
 */
#define _GNU_SOURCE /* ppoll */
#define __XEN_TOOLS__ 1 /* the dm_op and ioreq interfaces are tools-only */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <time.h>

#include <xenctrl.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xentoolcore.h>
#include <xentoollog.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/memory.h>

#include "xen-ioreq.h"

/* The decoder's mirror of Xen's ioreq_t must be Xen's layout. */
_Static_assert(sizeof(struct xengt_ioreq) == sizeof(ioreq_t) &&
		       __builtin_offsetof(struct xengt_ioreq, type) ==
			       __builtin_offsetof(ioreq_t, type) &&
		       __builtin_offsetof(struct xengt_ioreq, vp_eport) ==
			       __builtin_offsetof(ioreq_t, vp_eport),
	       "struct xengt_ioreq is not Xen's struct ioreq");

#define CF8_PORT IOREQ_CF8_PORT
#define GUESTMEM_MAX_PAGES 65536 /* 256 MiB of mappings before a trim */
#define PAGE_SHIFT_4K 12
#define RESTRICT_PROBES 8 /* other domains the restriction is checked on */

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
	evtchn_port_t *ports; /* local port per vCPU, 0 = not bound */
	struct ioreq_decoder dec; /* cf8 latch, the claimed BAR, stats */
	/* Write protection: the mem type is claimed on first use. */
	bool memtype_claimed;
	pthread_mutex_t wp_lock; /* wp_gfns, nr_wp, wp_cap */
	uint64_t *wp_gfns; /* sorted */
	uint32_t nr_wp, wp_cap;
	bool dead; /* the domain is gone: teardown errors are expected */
	uint32_t service_ns[IOREQ_SERVICE_SAMPLES]; /* ring */
	uint64_t nr_service;
};

static const struct ioreq_target_ops server_target_ops;

static void logmsg(const struct ioreq_server *s, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void logmsg(const struct ioreq_server *s, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->p.log)
		s->p.log(prio, msg);
	else
		fprintf(stderr, "%s\n", msg);
}

/* Log what failed with errno and return -errno. */
static int fail(struct ioreq_server *s, const char *what)
{
	int err = errno ? errno : EIO;

	logmsg(s, LOG_ERR, "domain %u: %s: %s", s->p.domid, what,
	       strerror(err));
	return -err;
}

/* Teardown: a failure matters only while the domain still exists. */
static void undo(struct ioreq_server *s, int rc, const char *what)
{
	/* Restricted, there is no xenstore to ask: Xen's answer tells. */
	if (rc && errno == ESRCH)
		s->dead = true;
	if (rc && !s->dead)
		logmsg(s, LOG_WARNING, "domain %u: teardown: %s: %s",
		       s->p.domid, what, strerror(errno));
}

/*
 * libxen*'s own messages (a failed hypercall, a missing device node) go
 * where the server's go: a daemon's stderr is /dev/null.
 */
struct server_xtl {
	xentoollog_logger vtable;
	struct ioreq_server *s;
};

static void server_xtl_vmessage(struct xentoollog_logger *logger,
				xentoollog_level level, int errnoval,
				const char *context, const char *format,
				va_list al)
{
	struct server_xtl *x = (struct server_xtl *)logger;
	int prio = level >= XTL_ERROR ? LOG_ERR :
		   level >= XTL_WARN  ? LOG_WARNING :
		   level >= XTL_INFO  ? LOG_INFO :
					LOG_DEBUG;
	char msg[384];

	if (level < XTL_INFO)
		return;
	vsnprintf(msg, sizeof(msg), format, al);
	if (errnoval >= 0)
		logmsg(x->s, prio, "xen %s: %s: %s", context ? context : "",
		       msg, strerror(errnoval));
	else
		logmsg(x->s, prio, "xen %s: %s", context ? context : "", msg);
}

static void server_xtl_progress(struct xentoollog_logger *logger,
				const char *context, const char *doing_what,
				int percent, unsigned long done,
				unsigned long total)
{
	(void)logger, (void)context, (void)doing_what, (void)percent;
	(void)done, (void)total;
}

static void server_xtl_destroy(struct xentoollog_logger *logger)
{
	free(logger);
}

static xentoollog_logger *server_xtl_new(struct ioreq_server *s)
{
	struct server_xtl *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->vtable.vmessage = server_xtl_vmessage;
	x->vtable.progress = server_xtl_progress;
	x->vtable.destroy = server_xtl_destroy;
	x->s = s;
	return &x->vtable;
}

static int open_handles(struct ioreq_server *s)
{
	s->xtl = server_xtl_new(s);
	s->dmod = xendevicemodel_open(s->xtl, 0);
	s->fmem = xenforeignmemory_open(s->xtl, 0);
	s->xce = xenevtchn_open(s->xtl, 0);
	s->xsh = xs_open(0);
	s->step = STEP_HANDLES;
	if (!s->dmod || !s->fmem || !s->xce || !s->xsh)
		return fail(
			s,
			"cannot open the Xen interfaces (is this dom0 with xen-privcmd, xen-evtchn and xenfs loaded and xenstored running?)");
	if (!xs_is_domain_introduced(s->xsh, s->p.domid)) {
		logmsg(s, LOG_ERR, "domain %u does not exist", s->p.domid);
		return -ESRCH;
	}
	s->mem = guestmem_open(s->fmem, s->p.domid, GUESTMEM_MAX_PAGES);
	if (!s->mem)
		return fail(s, "guest memory cache");
	return 0;
}

static int create_server(struct ioreq_server *s)
{
	if (xendevicemodel_create_ioreq_server(
		    s->dmod, s->p.domid, HVM_IOREQSRV_BUFIOREQ_OFF, &s->id))
		return fail(s,
			    "create ioreq server (is the domain HVM or PVH?)");
	s->step = STEP_SERVER;
	/* Nothing needed from it with the resource mapping below, but it
	 * proves the server exists before we map its page. */
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
	/* Nobody answers 0xcf8 for a PVH domain: an OS that reads it back
	 * (Linux's type-1 probe) would see all-ones. */
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
	if (!s->nr_vcpus ||
	    s->nr_vcpus > (1U << PAGE_SHIFT_4K) / sizeof(ioreq_t)) {
		logmsg(s, LOG_ERR,
		       "domain %u: %u vCPUs do not fit one ioreq page",
		       s->p.domid, s->nr_vcpus);
		return -E2BIG;
	}
	s->ports = calloc(s->nr_vcpus, sizeof(*s->ports));
	if (!s->ports)
		return -ENOMEM;
	s->step = STEP_PORTS;
	for (v = 0; v < s->nr_vcpus; v++) {
		xenevtchn_port_or_error_t port = xenevtchn_bind_interdomain(
			s->xce, s->p.domid, s->iopage->vcpu_ioreq[v].vp_eport);

		if (port < 0)
			return fail(s, "bind a vCPU's ioreq event channel");
		s->ports[v] = port;
	}
	/* xenstored fires @releaseDomain when any domain dies. */
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
	s->dec.ops = &server_target_ops;
	s->dec.dev = s;
	s->dec.sbdf = p->sbdf;
	pthread_mutex_init(&s->wp_lock, NULL);
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

static void release_wp(struct ioreq_server *s)
{
	uint32_t i;

	for (i = 0; i < s->nr_wp; i++)
		undo(s,
		     xendevicemodel_set_mem_type(s->dmod, s->p.domid,
						 HVMMEM_ram_rw, s->wp_gfns[i],
						 1),
		     "release a write-protected page");
	s->nr_wp = 0;
	free(s->wp_gfns);
	s->wp_gfns = NULL;
	if (s->memtype_claimed)
		undo(s,
		     xendevicemodel_map_mem_type_to_ioreq_server(
			     s->dmod, s->p.domid, s->id, HVMMEM_ioreq_server,
			     0),
		     "release the ioreq_server memory type");
	s->memtype_claimed = false;
}

void ioreq_server_close(struct ioreq_server *s)
{
	uint32_t sbdf = s->p.sbdf;
	unsigned int v;

	if (s->xsh && s->step >= STEP_SERVER &&
	    !xs_is_domain_introduced(s->xsh, s->p.domid))
		s->dead = true;
	switch (s->step) {
	case STEP_WATCH:
		if (s->xsh) /* NULL once restricted */
			xs_unwatch(s->xsh, "@releaseDomain", "release");
		/* fall through */
	case STEP_PORTS:
		for (v = 0; v < s->nr_vcpus; v++)
			if (s->ports[v])
				xenevtchn_unbind(s->xce, s->ports[v]);
		free(s->ports);
		/* fall through */
	case STEP_ENABLED:
		/* Set up lazily while serving, so undone first. */
		release_wp(s);
		if (s->dec.mmio_size)
			ioreq_server_unmap_mmio(s, s->dec.mmio_start,
						s->dec.mmio_size);
		undo(s,
		     xendevicemodel_set_ioreq_server_state(s->dmod, s->p.domid,
							   s->id, 0),
		     "disable the ioreq server");
		/* fall through */
	case STEP_CF8:
		if (s->p.claim_cf8)
			undo(s,
			     xendevicemodel_unmap_io_range_from_ioreq_server(
				     s->dmod, s->p.domid, s->id, 0, CF8_PORT,
				     CF8_PORT + 3),
			     "release port 0xcf8");
		/* fall through */
	case STEP_PCIDEV:
		undo(s,
		     xendevicemodel_unmap_pcidev_from_ioreq_server(
			     s->dmod, s->p.domid, s->id, sbdf >> 16,
			     (sbdf >> 8) & 0xff, (sbdf >> 3) & 0x1f, sbdf & 7),
		     "release the PCI device");
		/* fall through */
	case STEP_IOPAGE:
		xenforeignmemory_unmap_resource(s->fmem, s->iopage_res);
		/* fall through */
	case STEP_SERVER:
		undo(s,
		     xendevicemodel_destroy_ioreq_server(s->dmod, s->p.domid,
							 s->id),
		     "destroy the ioreq server");
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
	pthread_mutex_destroy(&s->wp_lock);
	free(s);
}

int ioreq_server_map_mmio(struct ioreq_server *s, uint64_t start, uint64_t size)
{
	if (s->dec.mmio_size)
		return -EBUSY;
	if (!size || start + size - 1 < start)
		return -EINVAL;
	if (xendevicemodel_map_io_range_to_ioreq_server(
		    s->dmod, s->p.domid, s->id, 1, start, start + size - 1))
		return fail(s, "claim MMIO range");
	s->dec.mmio_start = start;
	s->dec.mmio_size = size;
	s->dec.stats.mmio_maps++;
	logmsg(s, LOG_DEBUG, "domain %u: MMIO 0x%llx-0x%llx claimed",
	       s->p.domid, (unsigned long long)start,
	       (unsigned long long)(start + size - 1));
	return 0;
}

/* The frames at @gfn are the domain's RAM already (an earlier run's). */
static void *ram_map(struct ioreq_server *s, uint64_t gfn, uint32_t npages)
{
	xen_pfn_t *gfns = calloc(npages, sizeof(*gfns));
	int *errs = calloc(npages, sizeof(*errs));
	void *view = NULL;
	uint32_t i;

	if (gfns && errs) {
		for (i = 0; i < npages; i++)
			gfns[i] = gfn + i;
		view = xenforeignmemory_map(s->fmem, s->p.domid,
					    PROT_READ | PROT_WRITE, npages,
					    gfns, errs);
		for (i = 0; view && i < npages; i++) {
			if (errs[i]) {
				xenforeignmemory_unmap(s->fmem, view, npages);
				view = NULL;
			}
		}
	}
	free(gfns);
	free(errs);
	return view;
}

static int ram_populate(struct ioreq_server *s, uint64_t gfn, uint32_t npages)
{
	xc_interface *xch = xc_interface_open(s->xtl, s->xtl, 0);
	xen_pfn_t *gfns = calloc(npages, sizeof(*gfns));
	xc_dominfo_t info;
	uint32_t i;
	int ret = 0;

	if (!xch || !gfns) {
		ret = fail(s, "RAM for the vGPU: libxenctrl");
		goto out;
	}
	if (xc_domain_getinfo(xch, s->p.domid, 1, &info) != 1 ||
	    info.domid != s->p.domid) {
		ret = fail(s, "RAM for the vGPU: domain info");
		goto out;
	}
	/* Like QEMU's VRAM: the domain's limit grows by what we add. */
	if (xc_domain_setmaxmem(xch, s->p.domid,
				info.max_memkb +
					npages * (XC_PAGE_SIZE >> 10))) {
		ret = fail(s, "RAM for the vGPU: raise the domain's maxmem");
		goto out;
	}
	for (i = 0; i < npages; i++)
		gfns[i] = gfn + i;
	if (xc_domain_populate_physmap_exact(xch, s->p.domid, npages, 0, 0,
					     gfns))
		ret = fail(s, "RAM for the vGPU: populate");
out:
	free(gfns);
	if (xch)
		xc_interface_close(xch);
	return ret;
}

int ioreq_server_ram_alloc(struct ioreq_server *s, uint64_t park_gfn,
			   uint32_t npages, void **view)
{
	int ret;

	*view = ram_map(s, park_gfn, npages);
	if (*view)
		return 0;
	ret = ram_populate(s, park_gfn, npages);
	if (ret)
		return ret;
	*view = ram_map(s, park_gfn, npages);
	if (!*view)
		return fail(s, "RAM for the vGPU: map");
	logmsg(s, LOG_INFO,
	       "domain %u: %u frames of RAM for the vGPU at gfn 0x%llx",
	       s->p.domid, npages, (unsigned long long)park_gfn);
	return 0;
}

void ioreq_server_ram_unmap(struct ioreq_server *s, void *view, uint32_t npages)
{
	if (view)
		xenforeignmemory_unmap(s->fmem, view, npages);
}

int ioreq_server_ram_move(struct ioreq_server *s, uint64_t from, uint64_t to,
			  uint32_t npages)
{
	if (xendevicemodel_relocate_memory(s->dmod, s->p.domid, npages, from,
					   to))
		return fail(s, "relocate the vGPU's RAM");
	logmsg(s, LOG_DEBUG,
	       "domain %u: %u frames moved from gfn 0x%llx to 0x%llx",
	       s->p.domid, npages, (unsigned long long)from,
	       (unsigned long long)to);
	return 0;
}

int ioreq_server_unmap_mmio(struct ioreq_server *s, uint64_t start,
			    uint64_t size)
{
	if (!s->dec.mmio_size || start != s->dec.mmio_start ||
	    size != s->dec.mmio_size)
		return -ENOENT;
	s->dec.mmio_size = 0;
	s->dec.stats.mmio_unmaps++;
	if (xendevicemodel_unmap_io_range_from_ioreq_server(
		    s->dmod, s->p.domid, s->id, 1, start, start + size - 1)) {
		if (s->dead)
			return 0;
		return fail(s, "release MMIO range");
	}
	return 0;
}

/* Index of @gfn in the sorted set, or where it would go. */
static uint32_t wp_find(const struct ioreq_server *s, uint64_t gfn)
{
	uint32_t lo = 0, hi = s->nr_wp;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->wp_gfns[mid] < gfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool wp_contains(struct ioreq_server *s, uint64_t gfn)
{
	uint32_t i;
	bool in;

	pthread_mutex_lock(&s->wp_lock);
	i = wp_find(s, gfn);
	in = i < s->nr_wp && s->wp_gfns[i] == gfn;
	pthread_mutex_unlock(&s->wp_lock);
	return in;
}

static int set_wp_locked(struct ioreq_server *s, uint64_t gfn, bool protect)
{
	uint32_t i = wp_find(s, gfn);
	bool have = i < s->nr_wp && s->wp_gfns[i] == gfn;

	if (have == protect)
		return 0;
	if (!protect) {
		/*
		 * Once the domain is gone its p2m is too: there is nothing
		 * left to release, and the vGPU's teardown (which lifts every
		 * protection) must not count the page as leaked.
		 */
		if (xendevicemodel_set_mem_type(s->dmod, s->p.domid,
						HVMMEM_ram_rw, gfn, 1) &&
		    !s->dead)
			return fail(s, "release a write-protected page");
		memmove(&s->wp_gfns[i], &s->wp_gfns[i + 1],
			(s->nr_wp - i - 1) * sizeof(*s->wp_gfns));
		s->nr_wp--;
		return 0;
	}
	/* Mapping it is how a user-space DM learns that it is RAM. */
	if (!guestmem_page(s->mem, gfn))
		return -EFAULT;
	if (s->nr_wp == s->wp_cap) {
		uint32_t cap = s->wp_cap ? 2 * s->wp_cap : 64;
		uint64_t *n = realloc(s->wp_gfns, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->wp_gfns = n;
		s->wp_cap = cap;
	}
	if (!s->memtype_claimed) {
		/* Only writes trap: reads of page tables stay at RAM speed. */
		if (xendevicemodel_map_mem_type_to_ioreq_server(
			    s->dmod, s->p.domid, s->id, HVMMEM_ioreq_server,
			    XEN_DMOP_IOREQ_MEM_ACCESS_WRITE))
			return fail(s, "claim the ioreq_server memory type");
		s->memtype_claimed = true;
	}
	if (xendevicemodel_set_mem_type(s->dmod, s->p.domid,
					HVMMEM_ioreq_server, gfn, 1))
		return fail(s, "write-protect a page");
	memmove(&s->wp_gfns[i + 1], &s->wp_gfns[i],
		(s->nr_wp - i) * sizeof(*s->wp_gfns));
	s->wp_gfns[i] = gfn;
	s->nr_wp++;
	return 0;
}

/* The GPU's dispatcher releases protections too (a workload's PPGTT). */
int ioreq_server_set_wp(struct ioreq_server *s, uint64_t gfn, bool protect)
{
	int ret;

	pthread_mutex_lock(&s->wp_lock);
	ret = set_wp_locked(s, gfn, protect);
	pthread_mutex_unlock(&s->wp_lock);
	return ret;
}

uint32_t ioreq_server_nr_wp(const struct ioreq_server *s)
{
	return s->nr_wp;
}

int ioreq_server_inject_msi(struct ioreq_server *s, uint64_t addr,
			    uint32_t data)
{
	if (xendevicemodel_inject_msi(s->dmod, s->p.domid, addr, data))
		return -(errno ? errno : EIO);
	return 0;
}

bool ioreq_server_domain_dead(const struct ioreq_server *s)
{
	return s->dead;
}

void ioreq_server_set_domain_dead(struct ioreq_server *s)
{
	s->dead = true;
}

struct guestmem *ioreq_server_guestmem(struct ioreq_server *s)
{
	return s->mem;
}

const struct ioreq_stats *ioreq_server_stats(const struct ioreq_server *s)
{
	return &s->dec.stats;
}

uint32_t ioreq_server_nr_vcpus(const struct ioreq_server *s)
{
	return s->nr_vcpus;
}

uint32_t ioreq_server_id(const struct ioreq_server *s)
{
	return s->id;
}

/* --- serving ------------------------------------------------------------ */

/* --- what the shared decoder (ioreq-decode.c) reaches ------------------- */

static u32 tgt_cfg_read(void *dev, u32 reg, u32 size)
{
	struct ioreq_server *s = dev;

	return s->p.ops->cfg_read(s->p.dev, reg, size);
}

static void tgt_cfg_write(void *dev, u32 reg, u32 size, u32 val)
{
	struct ioreq_server *s = dev;

	s->p.ops->cfg_write(s->p.dev, reg, size, val);
}

static u64 tgt_mmio_read(void *dev, u64 addr, u32 size)
{
	struct ioreq_server *s = dev;

	return s->p.ops->mmio_read(s->p.dev, addr, size);
}

static void tgt_mmio_write(void *dev, u64 addr, u32 size, u64 val)
{
	struct ioreq_server *s = dev;

	s->p.ops->mmio_write(s->p.dev, addr, size, val);
}

static bool tgt_is_wp(void *dev, u64 gfn)
{
	struct ioreq_server *s = dev;

	return s->p.ops->wp_write && wp_contains(s, gfn);
}

static void tgt_wp_write(void *dev, u64 gpa, u32 size, u64 val)
{
	struct ioreq_server *s = dev;

	s->p.ops->wp_write(s->p.dev, gpa, size, val);
}

static int tgt_mem_read(void *dev, u64 gpa, void *buf, u32 len)
{
	return guestmem_read(((struct ioreq_server *)dev)->mem, gpa, buf, len);
}

static int tgt_mem_write(void *dev, u64 gpa, const void *buf, u32 len)
{
	return guestmem_write(((struct ioreq_server *)dev)->mem, gpa, buf, len);
}

/* The guest's p2m changed: cached mappings may be stale. */
static void tgt_invalidate(void *dev)
{
	guestmem_flush(((struct ioreq_server *)dev)->mem);
}

static const struct ioreq_target_ops server_target_ops = {
	.cfg_read = tgt_cfg_read,
	.cfg_write = tgt_cfg_write,
	.mmio_read = tgt_mmio_read,
	.mmio_write = tgt_mmio_write,
	.is_wp = tgt_is_wp,
	.wp_write = tgt_wp_write,
	.mem_read = tgt_mem_read,
	.mem_write = tgt_mem_write,
	.invalidate = tgt_invalidate,
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t ioreq_server_service_ns(const struct ioreq_server *s, uint32_t *median,
				 uint32_t *mean)
{
	uint32_t n = s->nr_service < IOREQ_SERVICE_SAMPLES ?
			     s->nr_service :
			     IOREQ_SERVICE_SAMPLES;
	uint32_t *v;
	uint64_t sum = 0;
	uint32_t i;

	*median = *mean = 0;
	if (!n || !(v = malloc(n * sizeof(*v))))
		return 0;
	memcpy(v, s->service_ns, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 0; i < n; i++)
		sum += v[i];
	*median = v[n / 2];
	*mean = sum / n;
	free(v);
	return n;
}

static void handle_ioreq(struct ioreq_server *s, unsigned int vcpu)
{
	ioreq_t *req = &s->iopage->vcpu_ioreq[vcpu];
	uint64_t t0 = now_ns(), dt;

	/* state is a bit-field: plain accesses, explicit fences. */
	if (((volatile ioreq_t *)req)->state != STATE_IOREQ_READY) {
		s->dec.stats.spurious++;
		return;
	}
	/* Read the request only after seeing READY. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	req->state = STATE_IOREQ_INPROCESS;
	if (!s->p.forward) {
		ioreq_decode(&s->dec, (struct xengt_ioreq *)req);
	} else if (s->p.forward(s->p.dev, (struct xengt_ioreq *)req)) {
		s->dec.stats.bad++;
		if (req->dir == IOREQ_READ && !req->data_is_ptr)
			req->data = UINT64_MAX;
	}
	/* The response before the state change. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	((volatile ioreq_t *)req)->state = STATE_IORESP_READY;
	/* Xen reads the state after the notification. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	xenevtchn_notify(s->xce, s->ports[vcpu]);
	dt = now_ns() - t0;
	s->service_ns[s->nr_service++ % IOREQ_SERVICE_SAMPLES] =
		dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
}

int ioreq_server_run(struct ioreq_server *s, volatile sig_atomic_t *stop,
		     const sigset_t *run_mask)
{
	struct pollfd fds[2] = {
		{ .fd = xenevtchn_fd(s->xce), .events = POLLIN },
		{ .fd = s->xsh ? xs_fileno(s->xsh) : -1, .events = POLLIN },
	};

	while (!*stop) {
		if (ppoll(fds, 2, NULL, run_mask) < 0) {
			if (errno == EINTR)
				continue;
			return fail(s, "poll");
		}
		if (fds[0].revents & POLLIN) {
			xenevtchn_port_or_error_t port =
				xenevtchn_pending(s->xce);
			unsigned int v;

			if (port < 0)
				return fail(s, "read a pending event");
			xenevtchn_unmask(s->xce, port);
			for (v = 0; v < s->nr_vcpus; v++)
				if (s->ports[v] == (evtchn_port_t)port)
					handle_ioreq(s, v);
			/* Mappings are only dropped between ioreqs. */
			guestmem_trim(s->mem);
		}
		if (fds[1].revents & POLLIN) {
			char **w;

			while ((w = xs_check_watch(s->xsh)))
				free(w);
			if (!xs_is_domain_introduced(s->xsh, s->p.domid)) {
				s->dead = true;
				return 1;
			}
		}
		if ((fds[0].revents | fds[1].revents) & (POLLERR | POLLHUP)) {
			logmsg(s, LOG_ERR,
			       "domain %u: lost the event channel or xenstore connection",
			       s->p.domid);
			return -EPIPE;
		}
	}
	return 0;
}

/*
 * The domains other than ours that the restriction is checked on: dom0
 * always, then the first others xenstore lists.  Returns how many.
 */
static unsigned int other_domains(struct ioreq_server *s, uint32_t *out,
				  unsigned int max)
{
	unsigned int n = 0, nr = 0, i;
	char **dir = xs_directory(s->xsh, XBT_NULL, "/local/domain", &nr);

	out[n++] = 0;
	for (i = 0; dir && i < nr && n < max; i++) {
		char *end;
		unsigned long d = strtoul(dir[i], &end, 10);

		if (!*end && d && d != s->p.domid && d < DOMID_FIRST_RESERVED)
			out[n++] = d;
	}
	free(dir);
	return n;
}

/*
 * One privileged operation of each kind on domain @d; each must be
 * refused by the restricted handles (privcmd: EPERM, evtchn: EACCES)
 * before it reaches Xen.  The probes are harmless if they do reach it:
 * a read, a read-only mapping undone at once, a bind to the reserved
 * port 0 that Xen refuses.  Returns what was not refused, or NULL.
 */
static const char *probe_restricted(struct ioreq_server *s, uint32_t d)
{
	xen_pfn_t gfn = 0;
	unsigned int nr;
	int err = 0;
	void *map;

	errno = 0;
	if (!xendevicemodel_nr_vcpus(s->dmod, d, &nr) || errno != EPERM)
		return "dm_op";
	errno = 0;
	map = xenforeignmemory_map(s->fmem, d, PROT_READ, 1, &gfn, &err);
	if (map) {
		xenforeignmemory_unmap(s->fmem, map, 1);
		return "foreign mapping";
	}
	if (errno != EPERM)
		return "foreign mapping";
	errno = 0;
	if (xenevtchn_bind_interdomain(s->xce, d, 0) >= 0 || errno != EACCES)
		return "event channel binding";
	return NULL;
}

int ioreq_server_restrict(struct ioreq_server *s, unsigned int flags)
{
	uint32_t others[RESTRICT_PROBES];
	unsigned int n, i, len = 0;
	char list[RESTRICT_PROBES * 8] = ""; /* " 32751" each, with room */

	if (s->step != STEP_WATCH || !s->xsh)
		return -EINVAL;
	n = other_domains(s, others, RESTRICT_PROBES);
	/* xentoolcore would neuter it anyway: close it cleanly first. */
	xs_unwatch(s->xsh, "@releaseDomain", "release");
	xs_close(s->xsh);
	s->xsh = NULL;
	if (!(flags & IOREQ_RESTRICT_TEST_SKIP) &&
	    xentoolcore_restrict_all(s->p.domid))
		return fail(
			s,
			"restrict the Xen handles to the domain (does dom0's kernel have IOCTL_PRIVCMD_RESTRICT?)");
	for (i = 0; i < n; i++) {
		const char *op = probe_restricted(s, others[i]);

		if (op) {
			logmsg(s, LOG_ERR,
			       "domain %u: restriction not in force: %s on domain %u was not refused",
			       s->p.domid, op, others[i]);
			return -EACCES;
		}
		len += snprintf(list + len, sizeof(list) - len, " %u",
				others[i]);
	}
	logmsg(s, LOG_INFO,
	       "domain %u: Xen handles restricted, xenstore closed; dm_op, foreign mapping and event channel binding refused for domain(s)%s",
	       s->p.domid, list);
	return 0;
}

void ioreq_stop_signals(void (*handler)(int), sigset_t *run_mask)
{
	static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa = { .sa_handler = handler };
	sigset_t block;
	unsigned int i;

	sigemptyset(&block);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&block, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &block, run_mask);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		sigdelset(run_mask, stop_signals[i]);
		sigaction(stop_signals[i], &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
}
