// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The guest side of the paravirtual extension (see guest_pv.h).
 */
#include "guest_pv.h"

#define PVINFO_VGT_CAPS 0x010
#define PVINFO_G2V_NOTIFY 0x818

/* Polls before a wait counts as lost without io->clock_us (as engine.c). */
#define PV_POLL_BUDGET (1U << 21)
/*
 * Polls the host's descriptor must stay settled (ring empty, our fence not
 * written, an error status) before the guest takes the ring as dropped.
 */
#define PV_SETTLE_POLLS 16
/* Polls without progress after which the doorbell is rung again. */
#define PV_REKICK_POLLS 4096

static uint32_t pvinfo_rd(struct i915pv_pv *pv, uint32_t off)
{
	const struct i915pv_io *io = pv->dev->io;

	return io->mmio_read(io->ctx, pv->dev->bar0 + I915PV_PVINFO + off, 4);
}

static void pvinfo_wr(struct i915pv_pv *pv, uint32_t off, uint32_t val)
{
	const struct i915pv_io *io = pv->dev->io;

	io->mmio_write(io->ctx, pv->dev->bar0 + I915PV_PVINFO + off, 4, val);
}

static int pv_fail(struct i915pv_pv *pv, const char *why)
{
	pv->dev->error = why;
	return -1;
}

static volatile struct xengt_pv_ctb_desc *ctb_desc(struct i915pv_pv *pv)
{
	return (volatile struct xengt_pv_ctb_desc *)(pv->page +
						     XENGT_PV_DESC_OFFSET / 4);
}

static volatile uint32_t *ctb_ring(struct i915pv_pv *pv)
{
	return pv->page + XENGT_PV_CTB_OFFSET / 4;
}

volatile struct xengt_pv_submission *i915pv_pv_slot(struct i915pv_pv *pv,
						    uint32_t engine)
{
	if (!pv->submission || engine >= XENGT_PV_NR_ENGINES)
		return NULL;
	return (volatile struct xengt_pv_submission
			*)(pv->page + XENGT_PV_SUBMISSION_OFFSET / 4) +
	       engine;
}

/* ---- waiting ------------------------------------------------------------ */

struct pv_wait {
	uint64_t t0, limit;
	uint32_t polls;
};

static void wait_start(struct i915pv_pv *pv, struct pv_wait *w)
{
	const struct i915pv_io *io = pv->dev->io;

	w->polls = 0;
	w->t0 = io->clock_us ? io->clock_us(io->ctx) : 0;
	w->limit = pv->dev->wait_us ? pv->dev->wait_us : I915PV_WAIT_US;
}

/* Let the other side run once more; false when the wait has run out. */
static bool wait_more(struct i915pv_pv *pv, struct pv_wait *w)
{
	const struct i915pv_io *io = pv->dev->io;

	w->polls++;
	if (io->relax)
		io->relax(io->ctx);
	if (io->clock_us)
		return io->clock_us(io->ctx) - w->t0 < w->limit;
	return w->polls < PV_POLL_BUDGET;
}

/* ---- the CTB ring ------------------------------------------------------- */

static const char *status_name(uint32_t status)
{
	switch (status) {
	case XENGT_PV_STATUS_BAD_MSG:
		return "PV: host status BAD_MSG";
	case XENGT_PV_STATUS_NOT_NEGOTIATED:
		return "PV: host status NOT_NEGOTIATED";
	case XENGT_PV_STATUS_BAD_RANGE:
		return "PV: host status BAD_RANGE";
	case XENGT_PV_STATUS_BAD_GPA:
		return "PV: host status BAD_GPA";
	case XENGT_PV_STATUS_BAD_ROOT:
		return "PV: host status BAD_ROOT";
	case XENGT_PV_STATUS_NO_SPACE:
		return "PV: host status NO_SPACE";
	case XENGT_PV_STATUS_BAD_DESC:
		return "PV: host status BAD_DESC";
	default:
		return "PV: host status unknown";
	}
}

static void doorbell(struct i915pv_pv *pv)
{
	pvinfo_wr(pv, PVINFO_G2V_NOTIFY, XENGT_G2V_PV_SEND_TRIGGER);
	pv->doorbells++;
	pv->unrung = false;
}

/* The host's head, checked: it indexes our ring. */
static int read_head(struct i915pv_pv *pv, uint32_t *head)
{
	*head = __atomic_load_n(&ctb_desc(pv)->head, __ATOMIC_ACQUIRE);
	if (*head >= I915PV_PV_RING_DW)
		return pv_fail(pv, "PV: host wrote a CTB head past the ring");
	return 0;
}

static uint32_t ring_used(struct i915pv_pv *pv, uint32_t head)
{
	return (pv->tail - head + I915PV_PV_RING_DW) % I915PV_PV_RING_DW;
}

/* What a wait is for: 1 = there, 0 = not yet, -1 = error (dev->error). */
typedef int (*pv_cond)(struct i915pv_pv *pv, uint32_t head, uint32_t arg,
		       uint32_t *settled);

static int cond_space(struct i915pv_pv *pv, uint32_t head, uint32_t need,
		      uint32_t *settled)
{
	(void)settled;
	return ring_used(pv, head) + need < I915PV_PV_RING_DW;
}

static int cond_fence(struct i915pv_pv *pv, uint32_t head, uint32_t fence,
		      uint32_t *settled)
{
	volatile struct xengt_pv_ctb_desc *d = ctb_desc(pv);
	uint32_t status;

	/* The host writes status, then fence: read them the other way. */
	if (__atomic_load_n(&d->fence, __ATOMIC_ACQUIRE) == fence) {
		status = __atomic_load_n(&d->status, __ATOMIC_ACQUIRE);
		return status == XENGT_PV_STATUS_OK ?
			       1 :
			       pv_fail(pv, status_name(status));
	}
	/*
	 * Everything consumed, our fence never written, an error status:
	 * the host dropped the ring (a torn message or a bad descriptor).
	 */
	status = __atomic_load_n(&d->status, __ATOMIC_ACQUIRE);
	if (head == pv->tail && status != XENGT_PV_STATUS_OK) {
		if (++*settled >= PV_SETTLE_POLLS)
			return pv_fail(pv, status_name(status));
	} else {
		*settled = 0;
	}
	return 0;
}

/*
 * Ring the doorbell and poll until @cond holds.  The host does a bounded
 * amount of work per doorbell and leaves head at the first message it did
 * not handle: ring again whenever head moved but the ring is not empty
 * (and, should a doorbell be lost, after a while without progress).
 */
static int ring_until(struct i915pv_pv *pv, pv_cond cond, uint32_t arg,
		      const char *timeout)
{
	struct pv_wait w;
	uint32_t head, last, idle = 0, settled = 0;
	int r;

	if (read_head(pv, &last))
		return -1;
	doorbell(pv);
	wait_start(pv, &w);
	for (;;) {
		if (read_head(pv, &head))
			return -1;
		r = cond(pv, head, arg, &settled);
		if (r)
			return r < 0 ? -1 : 0;
		if (head != pv->tail &&
		    (head != last || ++idle % PV_REKICK_POLLS == 0)) {
			doorbell(pv);
			idle = 0;
		}
		last = head;
		if (!wait_more(pv, &w))
			return pv_fail(pv, timeout);
	}
}

int i915pv_pv_queue(struct i915pv_pv *pv, uint32_t action, const uint32_t *data,
		    uint32_t n)
{
	volatile uint32_t *ring = ctb_ring(pv);
	uint32_t head, i, t;

	if (!pv->page)
		return pv_fail(pv, "PV: no shared page");
	if (n > XENGT_PV_MSG_LEN_MASK)
		return pv_fail(pv, "PV: message too long");
	if (read_head(pv, &head))
		return -1;
	if (ring_used(pv, head) + n + 2 >= I915PV_PV_RING_DW) {
		pv->ring_full_waits++;
		if (ring_until(pv, cond_space, n + 2,
			       "PV: CTB ring full, the host took nothing"))
			return -1;
	}
	pv->fence = pv->fence + 1 ? pv->fence + 1 : 1; /* 0: never sent */
	t = pv->tail;
	ring[t] = XENGT_PV_MSG_HDR(action, n, XENGT_PV_MSG_WRITE_FENCE);
	t = (t + 1) % I915PV_PV_RING_DW;
	ring[t] = pv->fence;
	for (i = 0; i < n; i++) {
		t = (t + 1) % I915PV_PV_RING_DW;
		ring[t] = data[i];
	}
	pv->tail = (t + 1) % I915PV_PV_RING_DW;
	/* The message before the tail that publishes it. */
	__atomic_store_n(&ctb_desc(pv)->tail, pv->tail, __ATOMIC_RELEASE);
	pv->messages++;
	pv->unrung = true;
	return 0;
}

int i915pv_pv_flush(struct i915pv_pv *pv)
{
	int ret;

	if (!pv->page)
		return pv_fail(pv, "PV: no shared page");
	if (!pv->unrung && pv->flushed == pv->fence)
		return 0;
	pv->flushes++;
	ret = ring_until(pv, cond_fence, pv->fence,
			 "PV: CTB fence not written in time");
	/* Reported once: the next flush waits for newer messages only. */
	pv->flushed = pv->fence;
	pv->array_busy = false;
	return ret;
}

int i915pv_pv_send(struct i915pv_pv *pv, uint32_t action, const uint32_t *data,
		   uint32_t n)
{
	if (i915pv_pv_queue(pv, action, data, n))
		return -1;
	return i915pv_pv_flush(pv);
}

/* ---- bind / unbind ------------------------------------------------------ */

static bool is_bind(uint32_t action)
{
	return action == XENGT_PV_ACTION_BIND_PPGTT ||
	       action == XENGT_PV_ACTION_BIND_GGTT;
}

int i915pv_pv_bind(struct i915pv_pv *pv, uint32_t action, uint64_t pml4,
		   uint64_t start, const uint64_t *ptes, uint64_t flags,
		   uint32_t n)
{
	while (n) {
		uint32_t k =
			n < XENGT_PV_VMA_MAX_PAGES ? n : XENGT_PV_VMA_MAX_PAGES;
		uint64_t dma = 0;
		uint32_t data[XENGT_PV_VMA_DWORDS], i;

		if (is_bind(action) && k == 1) {
			dma = ptes[0] | flags;
		} else if (is_bind(action)) {
			uint64_t *array;

			/* The host reads the array when it gets there. */
			if (pv->array_busy && i915pv_pv_flush(pv))
				return -1;
			array = i915pv_ram(pv->pages, pv->array_gpa);
			for (i = 0; i < k; i++)
				array[i] = ptes[i] | flags;
			dma = pv->array_gpa;
			pv->array_busy = true;
		}
		/* struct xengt_pv_vma, dword by dword (little endian). */
		data[0] = k;
		data[1] = 0;
		data[2] = (uint32_t)start;
		data[3] = (uint32_t)(start >> 32);
		data[4] = (uint32_t)dma;
		data[5] = (uint32_t)(dma >> 32);
		data[6] = (uint32_t)pml4;
		data[7] = (uint32_t)(pml4 >> 32);
		if (i915pv_pv_queue(pv, action, data, XENGT_PV_VMA_DWORDS))
			return -1;
		start += (uint64_t)k * 4096;
		if (ptes)
			ptes += k;
		n -= k;
	}
	return 0;
}

/* ---- submission --------------------------------------------------------- */

int i915pv_pv_submit(struct i915pv_pv *pv, uint32_t engine, uint32_t elsp,
		     const uint64_t descs[2])
{
	volatile struct xengt_pv_submission *s = i915pv_pv_slot(pv, engine);
	const struct i915pv_io *io = pv->dev->io;
	struct pv_wait w;
	uint32_t status;

	if (!s)
		return pv_fail(pv, "PV: no submission area for the engine");
	/* The bindings the context needs come first. */
	if (i915pv_pv_flush(pv))
		return -1;
	wait_start(pv, &w);
	while (__atomic_load_n(&s->submitted, __ATOMIC_ACQUIRE))
		if (!wait_more(pv, &w))
			return pv_fail(
				pv,
				"PV: the host never took the last submission");
	s->descs[0] = descs[0];
	s->descs[1] = descs[1];
	__atomic_store_n(&s->submitted, 1, __ATOMIC_RELEASE);
	io->mmio_write(io->ctx, pv->dev->bar0 + elsp, 4, XENGT_PV_ELSP_MARKER);
	pv->submits++;
	wait_start(pv, &w);
	while (__atomic_load_n(&s->submitted, __ATOMIC_ACQUIRE))
		if (!wait_more(pv, &w))
			return pv_fail(
				pv, "PV: the host did not take the submission");
	status = __atomic_load_n(&s->status, __ATOMIC_ACQUIRE);
	if (status != XENGT_PV_STATUS_OK)
		return pv_fail(pv, status_name(status));
	return 0;
}

/* ---- negotiation and the shared page ------------------------------------ */

static void pv_teardown(struct i915pv_pv *pv)
{
	if (pv->page_gpa) {
		/* Unregister: gpa 0, then register again. */
		pvinfo_wr(pv, XENGT_PVINFO_SHARED_PAGE_GPA, 0);
		pvinfo_wr(pv, XENGT_PVINFO_SHARED_PAGE_GPA + 4, 0);
		pvinfo_wr(pv, PVINFO_G2V_NOTIFY,
			  XENGT_G2V_SHARED_PAGE_REGISTER);
		i915pv_page_free(pv->pages, pv->page_gpa);
	}
	if (pv->array_gpa)
		i915pv_page_free(pv->pages, pv->array_gpa);
	if (pv->caps)
		pvinfo_wr(pv, XENGT_PVINFO_PV_CAPS, 0);
	pv->page_gpa = pv->array_gpa = 0;
	pv->page = NULL;
	pv->caps = 0;
	pv->submission = false;
	if (pv->dev->pv == pv)
		pv->dev->pv = NULL;
}

static int setup_fail(struct i915pv_pv *pv, const char *why)
{
	pv_teardown(pv);
	return pv_fail(pv, why);
}

static int register_page(struct i915pv_pv *pv)
{
	volatile struct xengt_pv_ctb_desc *d;
	volatile uint16_t *version;
	uint64_t back;

	pv->page_gpa = i915pv_page_alloc(pv->pages); /* zeroed */
	if (!pv->page_gpa)
		return pv_fail(pv, "PV: out of guest RAM for the shared page");
	pv->page = i915pv_ram(pv->pages, pv->page_gpa);
	d = ctb_desc(pv);
	d->addr = XENGT_PV_CTB_OFFSET;
	d->size = XENGT_PV_CTB_SIZE;
	pvinfo_wr(pv, XENGT_PVINFO_SHARED_PAGE_GPA, (uint32_t)pv->page_gpa);
	pvinfo_wr(pv, XENGT_PVINFO_SHARED_PAGE_GPA + 4,
		  (uint32_t)(pv->page_gpa >> 32));
	back = pvinfo_rd(pv, XENGT_PVINFO_SHARED_PAGE_GPA) |
	       (uint64_t)pvinfo_rd(pv, XENGT_PVINFO_SHARED_PAGE_GPA + 4) << 32;
	if (back != pv->page_gpa)
		return pv_fail(pv,
			       "PV: shared_page_gpa reads back differently");
	pvinfo_wr(pv, PVINFO_G2V_NOTIFY, XENGT_G2V_SHARED_PAGE_REGISTER);
	version = (volatile uint16_t *)pv->page;
	if (version[0] != XENGT_PV_VERSION_MAJOR ||
	    version[1] < XENGT_PV_VERSION_MINOR)
		return pv_fail(pv, "PV: shared page not registered (version)");
	return 0;
}

int i915pv_pv_init(struct i915pv_pv *pv, struct i915pv_dev *dev,
		   struct i915pv_pages *pages, uint32_t want)
{
	uint32_t data[XENGT_PV_CAP_GPA_DWORDS];
	uint64_t gpa;

	*pv = (struct i915pv_pv){ .dev = dev, .pages = pages };
	if (dev->pv == pv)
		dev->pv = NULL;
	if (dev->native || !(dev->caps & XENGT_VGT_CAPS_PV))
		return 0;
	/*
	 * pv_caps reads the offer only until a guest writes it; then it
	 * reads what was accepted (offered & written).  A driver that
	 * negotiates again (after its own fini, which writes 0) would read
	 * its last answer, not the offer: so it writes what it wants and
	 * takes what reads back.  The first read is for the record.
	 */
	pv->offered = pvinfo_rd(pv, XENGT_PVINFO_PV_CAPS);
	want &= XENGT_PV_CAPS_ALL;
	if (!want)
		return 0;
	pvinfo_wr(pv, XENGT_PVINFO_PV_CAPS, want);
	pv->caps = pvinfo_rd(pv, XENGT_PVINFO_PV_CAPS);
	if (pv->caps & ~want)
		return setup_fail(pv, "PV: host accepted caps not asked for");
	if (!pv->caps)
		return 0;
	if (register_page(pv))
		return setup_fail(pv, dev->error);
	if (pv->caps & (XENGT_PV_CAP_PPGTT | XENGT_PV_CAP_GGTT)) {
		pv->array_gpa = i915pv_page_alloc(pages);
		if (!pv->array_gpa)
			return setup_fail(
				pv, "PV: out of guest RAM for the page array");
	}
	if (pv->caps & XENGT_PV_CAP_SUBMISSION) {
		gpa = pv->page_gpa + XENGT_PV_SUBMISSION_OFFSET;
		/* struct xengt_pv_cap_gpa, dword by dword. */
		data[0] = XENGT_PV_CAP_SUBMISSION;
		data[1] = (uint32_t)gpa;
		data[2] = (uint32_t)(gpa >> 32);
		if (i915pv_pv_send(pv, XENGT_PV_ACTION_REGISTER_CAP_GPA, data,
				   XENGT_PV_CAP_GPA_DWORDS))
			return setup_fail(pv, dev->error);
		pv->submission = true;
	}
	dev->pv = pv;
	return 0;
}

void i915pv_pv_fini(struct i915pv_pv *pv)
{
	if (!pv->dev)
		return;
	if (pv->page)
		i915pv_pv_flush(pv); /* nothing half-sent stays behind */
	pv_teardown(pv);
}
