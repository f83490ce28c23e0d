// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The guest's PV sender (guest/i915-pv/guest_pv.c) against a fake host: a
 * PVINFO page, a consumer of the CTB ring that can be told to take only a
 * few messages per doorbell, to stall, to fail an action or one message,
 * to drop the ring or to corrupt head; and a submission slot.  It writes
 * fence and status as xengt-pv.h says: from the doorbell that empties the
 * ring, status the first error since the last fence it wrote.  No core: this checks
 * the guest's half of the protocol on its own (the real host is exercised
 * by the integration tests).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "guest_pv.h"
/* The guest's, not the core's ppgtt.h (core/ comes first on the path). */
#include "../../guest/i915-pv/ppgtt.h"
#include "gen9.h"

#define RAM_BASE 0x100000ULL
#define RAM_PAGES 32
#define BAR0 0xe0000000ULL
#define RING_DW I915PV_PV_RING_DW
#define MAX_MSGS 2048

struct msg {
	uint32_t action, len, flags, fence;
	uint32_t data[31];
	bool wrapped; /* it crossed the end of the ring */
	uint64_t array_first, array_last; /* a bind's array, as read */
};

static struct fake {
	uint8_t ram[RAM_PAGES][4096];
	uint32_t vgt_caps, offered, pv_caps;
	uint32_t gpa_lo, gpa_hi;
	uint64_t registered;
	uint16_t major, minor; /* what registration writes */
	/* consumer */
	uint32_t budget; /* messages per doorbell, 0 = all */
	bool stall, drop, bad_head;
	uint32_t status_of[8]; /* per action */
	uint32_t fail_fence, fail_status; /* one message fails */
	uint32_t owed_fence, owed_status; /* what the next fence write says */
	bool owed;
	uint32_t sub_status;
	struct msg msgs[MAX_MSGS];
	uint32_t nr_msgs, doorbells, pv_caps_writes, markers;
	uint64_t area, sub_descs[2];
	uint64_t clock;
	/* PPGTT pages bound now (one root): graphics address, root */
	uint64_t bound[2048], bound_root[2048];
	uint32_t nr_bound;
} f;

static int fk_find(uint64_t root, uint64_t va)
{
	uint32_t i;

	for (i = 0; i < f.nr_bound; i++)
		if (f.bound[i] == va && f.bound_root[i] == root)
			return i;
	return -1;
}

/* Keep what a host would: each PPGTT page bound, once. */
static void fk_track(const struct msg *m)
{
	uint64_t start = m->data[2] | (uint64_t)m->data[3] << 32;
	uint64_t root = m->data[6] | (uint64_t)m->data[7] << 32;
	uint32_t k;

	for (k = 0; k < m->data[0]; k++) {
		uint64_t va = start + k * 4096ULL;
		int i = fk_find(root, va);

		if (m->action == XENGT_PV_ACTION_BIND_PPGTT && i < 0) {
			assert_true(f.nr_bound < 2048);
			f.bound[f.nr_bound] = va;
			f.bound_root[f.nr_bound++] = root;
		} else if (m->action == XENGT_PV_ACTION_UNBIND_PPGTT &&
			   i >= 0) {
			f.bound[i] = f.bound[--f.nr_bound];
			f.bound_root[i] = f.bound_root[f.nr_bound];
		}
	}
}

static void *fk_ram(void *ctx, uint64_t gpa)
{
	(void)ctx;
	if (gpa < RAM_BASE || gpa >= RAM_BASE + RAM_PAGES * 4096ULL)
		return NULL;
	return &f.ram[(gpa - RAM_BASE) / 4096][(gpa - RAM_BASE) % 4096];
}

static uint32_t *shared(void)
{
	return fk_ram(NULL, f.registered);
}

static void fk_register(void)
{
	uint64_t gpa = (uint64_t)f.gpa_hi << 32 | f.gpa_lo;
	struct xengt_pv_ctb_desc *d;

	f.registered = 0;
	if (!gpa || !fk_ram(NULL, gpa) || gpa & 4095)
		return;
	d = (void *)((uint8_t *)fk_ram(NULL, gpa) + XENGT_PV_DESC_OFFSET);
	if (d->addr != XENGT_PV_CTB_OFFSET || d->size != XENGT_PV_CTB_SIZE)
		return;
	f.registered = gpa;
	((uint16_t *)shared())[0] = f.major;
	((uint16_t *)shared())[1] = f.minor;
}

static void fk_consume(void)
{
	struct xengt_pv_ctb_desc *d =
		(void *)((uint8_t *)shared() + XENGT_PV_DESC_OFFSET);
	uint32_t *ring = shared() + XENGT_PV_CTB_OFFSET / 4;
	uint32_t handled = 0, status;

	if (f.stall)
		return;
	if (f.bad_head) {
		d->head = RING_DW + 3;
		return;
	}
	if (f.drop) {
		d->head = d->tail;
		d->status = XENGT_PV_STATUS_BAD_MSG;
		return;
	}
	while (d->head != d->tail && (!f.budget || handled < f.budget)) {
		uint32_t used = (d->tail - d->head + RING_DW) % RING_DW;
		uint32_t hdr = ring[d->head], i;
		struct msg *m = &f.msgs[f.nr_msgs];

		assert_true(f.nr_msgs < MAX_MSGS);
		m->len = XENGT_PV_MSG_LEN(hdr);
		assert_true(used >= m->len + 2); /* never torn */
		m->action = XENGT_PV_MSG_ACTION(hdr);
		m->flags = hdr & ~XENGT_PV_MSG_LEN_MASK &
			   ~(0xffffU << XENGT_PV_MSG_ACTION_SHIFT);
		m->fence = ring[(d->head + 1) % RING_DW];
		m->wrapped = d->head + 2 + m->len > RING_DW;
		for (i = 0; i < m->len; i++)
			m->data[i] = ring[(d->head + 2 + i) % RING_DW];
		if ((m->action == XENGT_PV_ACTION_BIND_PPGTT ||
		     m->action == XENGT_PV_ACTION_BIND_GGTT) &&
		    m->data[0] > 1) {
			uint64_t a = m->data[4] | (uint64_t)m->data[5] << 32;
			uint64_t *arr = fk_ram(NULL, a);

			assert_non_null(arr);
			m->array_first = arr[0];
			m->array_last = arr[m->data[0] - 1];
		}
		if (m->action == XENGT_PV_ACTION_REGISTER_CAP_GPA)
			f.area = m->data[1] | (uint64_t)m->data[2] << 32;
		if (m->action == XENGT_PV_ACTION_BIND_PPGTT ||
		    m->action == XENGT_PV_ACTION_UNBIND_PPGTT)
			fk_track(m);
		f.nr_msgs++;
		handled++;
		d->head = (d->head + 2 + m->len) % RING_DW;
		status = m->action < 8 ? f.status_of[m->action] : 1;
		if (f.fail_fence && m->fence == f.fail_fence)
			status = f.fail_status;
		if (!f.owed_status)
			f.owed_status = status;
		if (m->flags & XENGT_PV_MSG_WRITE_FENCE) {
			f.owed_fence = m->fence;
			f.owed = true;
		}
	}
	/* Only the doorbell that empties the ring writes status, fence. */
	if (d->head == d->tail && f.owed) {
		d->status = f.owed_status;
		d->fence = f.owed_fence;
		f.owed = false;
		f.owed_status = 0;
	}
}

static uint64_t fk_mmio_read(void *ctx, uint64_t gpa, uint32_t size)
{
	uint64_t off = gpa - BAR0 - I915PV_PVINFO;

	(void)ctx;
	(void)size;
	switch (off) {
	case 0x10:
		return f.vgt_caps;
	case XENGT_PVINFO_PV_CAPS:
		return f.pv_caps;
	case XENGT_PVINFO_SHARED_PAGE_GPA:
		return f.gpa_lo;
	case XENGT_PVINFO_SHARED_PAGE_GPA + 4:
		return f.gpa_hi;
	}
	return 0;
}

static void fk_mmio_write(void *ctx, uint64_t gpa, uint32_t size, uint64_t val)
{
	uint64_t off = gpa - BAR0;

	(void)ctx;
	assert_int_equal(size, 4);
	if (off == GEN9_RCS_BASE + RING_ELSP) {
		struct xengt_pv_submission *s = fk_ram(NULL, f.area);

		assert_int_equal(val, XENGT_PV_ELSP_MARKER);
		assert_non_null(s);
		f.markers++;
		if (!s->submitted)
			return;
		f.sub_descs[0] = s->descs[0];
		f.sub_descs[1] = s->descs[1];
		s->status = f.sub_status;
		s->submitted = 0;
		return;
	}
	off -= I915PV_PVINFO;
	switch (off) {
	case XENGT_PVINFO_PV_CAPS:
		f.pv_caps = f.offered & val;
		f.pv_caps_writes++;
		break;
	case XENGT_PVINFO_SHARED_PAGE_GPA:
		f.gpa_lo = val;
		break;
	case XENGT_PVINFO_SHARED_PAGE_GPA + 4:
		f.gpa_hi = val;
		break;
	case 0x818:
		if (val == XENGT_G2V_SHARED_PAGE_REGISTER)
			fk_register();
		else if (val == XENGT_G2V_PV_SEND_TRIGGER && f.registered) {
			f.doorbells++;
			fk_consume();
		}
		break;
	default:
		fail_msg("unexpected MMIO write at 0x%llx",
			 (unsigned long long)gpa);
	}
}

static uint64_t fk_clock(void *ctx)
{
	(void)ctx;
	return f.clock += 1000;
}

static const struct i915pv_io fk_io = {
	.mmio_read = fk_mmio_read,
	.mmio_write = fk_mmio_write,
	.ram = fk_ram,
	.clock_us = fk_clock,
};

static struct i915pv_dev dev;
static struct i915pv_pages pages;
static struct i915pv_pv pv;

static int setup(void **state)
{
	(void)state;
	memset(&f, 0, sizeof(f));
	f.vgt_caps = XENGT_VGT_CAPS_PV;
	f.offered = f.pv_caps = XENGT_PV_CAPS_ALL;
	f.minor = XENGT_PV_VERSION_MINOR;
	dev = (struct i915pv_dev){ .io = &fk_io,
				   .bar0 = BAR0,
				   .caps = XENGT_VGT_CAPS_PV,
				   .wait_us = 50000 };
	i915pv_pages_init(&pages, &fk_io, RAM_BASE,
			  RAM_BASE + RAM_PAGES * 4096ULL);
	return 0;
}

static void init_ok(uint32_t want)
{
	if (i915pv_pv_init(&pv, &dev, &pages, want))
		fail_msg("init: %s", dev.error);
}

static void test_negotiate_all(void **state)
{
	struct xengt_pv_ctb_desc *d;

	(void)state;
	init_ok(XENGT_PV_CAPS_ALL);
	assert_int_equal(pv.caps, XENGT_PV_CAPS_ALL);
	assert_ptr_equal(dev.pv, &pv);
	assert_int_equal(f.registered, pv.page_gpa);
	d = (void *)((uint8_t *)shared() + XENGT_PV_DESC_OFFSET);
	assert_int_equal(d->addr, XENGT_PV_CTB_OFFSET);
	assert_int_equal(d->size, XENGT_PV_CTB_SIZE);
	/* The submission area registered, in the shared page. */
	assert_int_equal(f.nr_msgs, 1);
	assert_int_equal(f.msgs[0].action, XENGT_PV_ACTION_REGISTER_CAP_GPA);
	assert_int_equal(f.msgs[0].data[0], XENGT_PV_CAP_SUBMISSION);
	assert_int_equal(f.area, pv.page_gpa + XENGT_PV_SUBMISSION_OFFSET);
	assert_non_null(i915pv_pv_slot(&pv, XENGT_PV_ENGINE_BCS));
	assert_true(i915pv_pv_has(&dev, XENGT_PV_CAP_PPGTT));
	i915pv_pv_fini(&pv);
	assert_null(dev.pv);
	assert_int_equal(f.registered, 0);
	assert_int_equal(pages.in_use, 0);
}

static void test_negotiate_subset(void **state)
{
	(void)state;
	/* The host offers PPGTT only; the guest wants everything. */
	f.offered = f.pv_caps = XENGT_PV_CAP_PPGTT;
	init_ok(XENGT_PV_CAPS_ALL);
	assert_int_equal(pv.caps, XENGT_PV_CAP_PPGTT);
	assert_int_equal(f.pv_caps, XENGT_PV_CAP_PPGTT);
	assert_false(i915pv_pv_has(&dev, XENGT_PV_CAP_SUBMISSION));
	assert_null(i915pv_pv_slot(&pv, XENGT_PV_ENGINE_RCS));
	assert_int_equal(f.nr_msgs, 0);
	i915pv_pv_fini(&pv);

	/* The guest wants SUBMISSION only, the host offers PPGTT only. */
	setup(NULL);
	f.offered = f.pv_caps = XENGT_PV_CAP_PPGTT;
	init_ok(XENGT_PV_CAP_SUBMISSION);
	assert_int_equal(pv.caps, 0);
	assert_null(dev.pv);
	assert_int_equal(f.pv_caps, 0); /* asked, nothing accepted */
	assert_int_equal(pages.in_use, 0);
}

/*
 * Negotiating again after fini: pv_caps then reads the last answer (0),
 * not the offer; the guest must still get everything offered.
 */
static void test_negotiate_again(void **state)
{
	uint32_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		init_ok(XENGT_PV_CAPS_ALL);
		assert_int_equal(pv.caps, XENGT_PV_CAPS_ALL);
		assert_int_equal(f.registered, pv.page_gpa);
		assert_int_equal(
			i915pv_pv_send(&pv, XENGT_PV_ACTION_DEFAULT, NULL, 0),
			0);
		i915pv_pv_fini(&pv);
		assert_int_equal(f.pv_caps, 0);
		assert_int_equal(f.registered, 0);
	}
	assert_int_equal(pages.in_use, 0);
}

static void test_no_pv(void **state)
{
	(void)state;
	f.vgt_caps = 0;
	dev.caps = 0;
	init_ok(XENGT_PV_CAPS_ALL);
	assert_int_equal(pv.caps, 0);
	assert_null(dev.pv);
	assert_int_equal(f.pv_caps_writes, 0);
	assert_int_equal(pages.in_use, 0);
	assert_false(i915pv_pv_has(&dev, XENGT_PV_CAP_PPGTT));
}

static void test_bad_version(void **state)
{
	(void)state;
	f.major = 1; /* a version this guest does not speak */
	assert_int_equal(i915pv_pv_init(&pv, &dev, &pages, XENGT_PV_CAPS_ALL),
			 -1);
	assert_non_null(strstr(dev.error, "version"));
	assert_int_equal(pv.caps, 0);
	assert_null(dev.pv);
	assert_int_equal(f.gpa_lo, 0); /* unregistered */
	assert_int_equal(f.pv_caps, 0);
	assert_int_equal(pages.in_use, 0);
}

static void test_wrap(void **state)
{
	uint32_t data[31], i, k, wrapped = 0, n = 0;

	(void)state;
	init_ok(XENGT_PV_CAP_PPGTT);
	/* Lengths 0..30 over and over: the ring wraps at every offset. */
	for (i = 0; i < 400; i++) {
		uint32_t len = i % 31;

		for (k = 0; k < len; k++)
			data[k] = i << 8 | k;
		if (i915pv_pv_send(&pv, XENGT_PV_ACTION_DEFAULT, data, len))
			fail_msg("send %u: %s", i, dev.error);
		n++;
	}
	assert_int_equal(f.nr_msgs, n);
	for (i = 0; i < n; i++) {
		struct msg *m = &f.msgs[i];

		assert_int_equal(m->len, i % 31);
		assert_int_equal(m->fence, i + 1);
		assert_true(m->flags & XENGT_PV_MSG_WRITE_FENCE);
		for (k = 0; k < m->len; k++)
			assert_int_equal(m->data[k], i << 8 | k);
		wrapped += m->wrapped;
	}
	assert_true(wrapped > 0);
	assert_int_equal(pv.ring_full_waits, 0);
	i915pv_pv_fini(&pv);
}

static void test_full_ring(void **state)
{
	uint32_t data[31] = { 0 }, i;

	(void)state;
	init_ok(XENGT_PV_CAP_PPGTT);
	/* 200 messages of 12 dwords queued, no flush: 42 fit at a time. */
	for (i = 0; i < 200; i++) {
		data[0] = i;
		if (i915pv_pv_queue(&pv, XENGT_PV_ACTION_DEFAULT, data, 10))
			fail_msg("queue %u: %s", i, dev.error);
	}
	assert_true(pv.ring_full_waits > 0);
	assert_true(f.nr_msgs < 200);
	assert_int_equal(i915pv_pv_flush(&pv), 0);
	assert_int_equal(f.nr_msgs, 200);
	for (i = 0; i < 200; i++)
		assert_int_equal(f.msgs[i].data[0], i);
	/* A flush with nothing new rings no doorbell. */
	i = f.doorbells;
	assert_int_equal(i915pv_pv_flush(&pv), 0);
	assert_int_equal(f.doorbells, i);
	i915pv_pv_fini(&pv);
}

static void test_budget_rering(void **state)
{
	uint32_t i;

	(void)state;
	init_ok(XENGT_PV_CAP_PPGTT);
	f.budget = 3; /* the host stops after 3 messages per doorbell */
	f.doorbells = 0;
	for (i = 0; i < 30; i++)
		assert_int_equal(
			i915pv_pv_queue(&pv, XENGT_PV_ACTION_DEFAULT, NULL, 0),
			0);
	assert_int_equal(i915pv_pv_flush(&pv), 0);
	assert_int_equal(f.nr_msgs, 30);
	assert_int_equal(f.doorbells, 10);
	i915pv_pv_fini(&pv);
}

static void test_timeout(void **state)
{
	uint32_t i;
	int ret = 0;

	(void)state;
	init_ok(XENGT_PV_CAP_PPGTT);
	f.stall = true;
	assert_int_equal(i915pv_pv_send(&pv, XENGT_PV_ACTION_DEFAULT, NULL, 0),
			 -1);
	assert_non_null(strstr(dev.error, "fence not written"));
	/* A stuck host also ends a wait for room. */
	for (i = 0; i < 600 && !ret; i++)
		ret = i915pv_pv_queue(&pv, XENGT_PV_ACTION_DEFAULT, NULL, 0);
	assert_int_equal(ret, -1);
	assert_non_null(strstr(dev.error, "ring full"));
	f.stall = false;
	i915pv_pv_fini(&pv);
}

static void test_timeout_no_clock(void **state)
{
	static const struct i915pv_io no_clock = {
		.mmio_read = fk_mmio_read,
		.mmio_write = fk_mmio_write,
		.ram = fk_ram,
	};

	(void)state;
	dev.io = &no_clock;
	pages.io = &no_clock;
	init_ok(XENGT_PV_CAP_PPGTT);
	f.stall = true;
	/* Without a clock: a bounded number of polls. */
	assert_int_equal(i915pv_pv_send(&pv, XENGT_PV_ACTION_DEFAULT, NULL, 0),
			 -1);
	assert_non_null(strstr(dev.error, "fence not written"));
	f.stall = false;
	i915pv_pv_fini(&pv);
}

static void test_status(void **state)
{
	uint64_t pte = 0x200000 | GEN8_PAGE_PRESENT;

	(void)state;
	init_ok(XENGT_PV_CAP_PPGTT);
	f.status_of[XENGT_PV_ACTION_BIND_PPGTT] = XENGT_PV_STATUS_BAD_ROOT;
	assert_int_equal(i915pv_pv_bind(&pv, XENGT_PV_ACTION_BIND_PPGTT, 0x1000,
					0, &pte, 0, 1),
			 0); /* queued only */
	assert_int_equal(i915pv_pv_flush(&pv), -1);
	assert_non_null(strstr(dev.error, "BAD_ROOT"));
	/* Reported once; the next message has its own status. */
	assert_int_equal(i915pv_pv_flush(&pv), 0);
	assert_int_equal(i915pv_pv_send(&pv, XENGT_PV_ACTION_DEFAULT, NULL, 0),
			 0);
	/* A dropped ring (our fence never written) is an error, not a hang. */
	f.drop = true;
	assert_int_equal(i915pv_pv_send(&pv, XENGT_PV_ACTION_DEFAULT, NULL, 0),
			 -1);
	assert_non_null(strstr(dev.error, "BAD_MSG"));
	f.drop = false;
	/* A head past the ring is refused before it indexes anything. */
	f.bad_head = true;
	assert_int_equal(i915pv_pv_send(&pv, XENGT_PV_ACTION_DEFAULT, NULL, 0),
			 -1);
	assert_non_null(strstr(dev.error, "head"));
	f.bad_head = false;
	pv.page = NULL; /* nothing more to say to this host */
	pv.page_gpa = 0;
}

/* An error early in a batch is not hidden by the later messages' OK. */
static void test_batch_error(void **state)
{
	uint64_t pte = 0x200000 | GEN8_PAGE_PRESENT;
	uint32_t i;

	(void)state;
	init_ok(XENGT_PV_CAP_PPGTT);
	f.budget = 4; /* and the batch split over several doorbells */
	f.fail_fence = pv.fence + 3;
	f.fail_status = XENGT_PV_STATUS_BAD_GPA;
	for (i = 0; i < 10; i++)
		assert_int_equal(i915pv_pv_bind(&pv, XENGT_PV_ACTION_BIND_PPGTT,
						0x1000, i * 4096ULL, &pte, 0,
						1),
				 0);
	assert_int_equal(i915pv_pv_flush(&pv), -1);
	assert_non_null(strstr(dev.error, "BAD_GPA"));
	assert_int_equal(f.nr_msgs, 10);
	/* The next batch starts clean. */
	assert_int_equal(i915pv_pv_send(&pv, XENGT_PV_ACTION_DEFAULT, NULL, 0),
			 0);
	i915pv_pv_fini(&pv);
}

static void test_bind_messages(void **state)
{
	static uint64_t ptes[700];
	uint32_t i;

	(void)state;
	init_ok(XENGT_PV_CAP_PPGTT | XENGT_PV_CAP_GGTT);
	for (i = 0; i < 700; i++)
		ptes[i] = (0x400000ULL + i * 4096ULL) | GEN8_PAGE_PRESENT;
	/* One page: the PTE itself. */
	assert_int_equal(i915pv_pv_bind(&pv, XENGT_PV_ACTION_BIND_GGTT, 0,
					0x10000, ptes, 0, 1),
			 0);
	/* 700 pages: 512 + 188, each with an array. */
	assert_int_equal(i915pv_pv_bind(&pv, XENGT_PV_ACTION_BIND_PPGTT,
					0x123000, 0x100000000ULL, ptes, 0, 700),
			 0);
	assert_int_equal(i915pv_pv_bind(&pv, XENGT_PV_ACTION_UNBIND_PPGTT,
					0x123000, 0x100000000ULL, NULL, 0, 700),
			 0);
	assert_int_equal(i915pv_pv_flush(&pv), 0);
	assert_int_equal(f.nr_msgs, 5);
	assert_int_equal(f.msgs[0].action, XENGT_PV_ACTION_BIND_GGTT);
	assert_int_equal(f.msgs[0].data[0], 1);
	assert_int_equal(f.msgs[0].data[2], 0x10000);
	assert_int_equal(f.msgs[0].data[4], (uint32_t)ptes[0]);
	assert_int_equal(f.msgs[0].data[6] | f.msgs[0].data[7], 0);
	assert_int_equal(f.msgs[1].data[0], 512);
	assert_int_equal(f.msgs[1].data[3], 1);
	assert_int_equal(f.msgs[1].data[6], 0x123000);
	assert_int_equal(f.msgs[1].array_first, ptes[0]);
	assert_int_equal(f.msgs[1].array_last, ptes[511]);
	assert_int_equal(f.msgs[2].data[0], 188);
	assert_int_equal(f.msgs[2].data[2], 512 * 4096);
	assert_int_equal(f.msgs[2].array_first, ptes[512]);
	assert_int_equal(f.msgs[2].array_last, ptes[699]);
	assert_int_equal(f.msgs[3].action, XENGT_PV_ACTION_UNBIND_PPGTT);
	assert_int_equal(f.msgs[3].data[0], 512);
	assert_int_equal(f.msgs[4].data[0], 188);
	assert_int_equal(f.msgs[4].data[4] | f.msgs[4].data[5], 0);
	i915pv_pv_fini(&pv);
}

/*
 * ppgtt.c on PV: every mapping is a message, nothing goes through
 * ram_write (the fake has none: it would crash), and fini unbinds all
 * that is still bound, coalesced into runs of up to 512 pages, so the
 * host's root ends with it.
 */
static void test_ppgtt_pv(void **state)
{
	static uint64_t gpa[700];
	struct i915pv_ppgtt pp;
	uint32_t i, before;

	(void)state;
	init_ok(XENGT_PV_CAP_PPGTT);
	assert_int_equal(i915pv_ppgtt_init_dev(&pp, &dev, &pages), 0);
	assert_ptr_equal(pp.pv, &pv);
	for (i = 0; i < 700; i++)
		gpa[i] = 0x40000000ULL + i * 4096ULL; /* the host's to check */
	/* 700 pages across two leaf tables, and three scattered ones. */
	assert_int_equal(i915pv_ppgtt_map_range(&pp, 0x7fe00000ULL - 4096 * 100,
						gpa, 700),
			 0);
	assert_int_equal(i915pv_ppgtt_map(&pp, 0x100000000ULL, gpa[0], true),
			 0);
	assert_int_equal(i915pv_ppgtt_map(&pp, 0x100002000ULL, gpa[1], false),
			 0);
	assert_int_equal(i915pv_ppgtt_map(&pp, 0x300000000000ULL, gpa[2], true),
			 0);
	i915pv_ppgtt_unmap(&pp, 0x100002000ULL);
	i915pv_ppgtt_unmap(&pp, 0x100002000ULL); /* not bound: no message */
	assert_int_equal(i915pv_pv_flush(&pv), 0);
	assert_int_equal(f.nr_bound, 702);
	/* 512 + 188 with arrays, 3 single, 1 unbind (no submission area). */
	assert_int_equal(f.nr_msgs, 2 + 3 + 1);
	assert_int_equal(f.msgs[0].data[6], (uint32_t)pp.pml4);
	assert_int_equal(f.msgs[0].array_first,
			 gpa[0] | GEN8_PAGE_PRESENT | GEN8_PAGE_RW);
	assert_int_equal(f.msgs[3].data[4],
			 (uint32_t)gpa[1] | GEN8_PAGE_PRESENT);
	before = f.nr_msgs;
	i915pv_ppgtt_fini(&pp);
	assert_int_equal(f.nr_bound, 0);
	/* The 700 in two messages, the two others one each. */
	assert_int_equal(f.nr_msgs - before, 2 + 2);
	i915pv_pv_fini(&pv);
	assert_int_equal(pages.in_use, 0);
}

static void test_submit(void **state)
{
	uint64_t descs[2] = { 0x1234000000001119ULL, 0 };
	uint32_t elsp = GEN9_RCS_BASE + RING_ELSP;

	(void)state;
	init_ok(XENGT_PV_CAPS_ALL);
	assert_int_equal(
		i915pv_pv_submit(&pv, XENGT_PV_ENGINE_RCS, elsp, descs), 0);
	assert_int_equal(f.markers, 1);
	assert_int_equal(f.sub_descs[0], descs[0]);
	assert_int_equal(f.sub_descs[1], 0);
	f.sub_status = XENGT_PV_STATUS_BAD_DESC;
	assert_int_equal(
		i915pv_pv_submit(&pv, XENGT_PV_ENGINE_RCS, elsp, descs), -1);
	assert_non_null(strstr(dev.error, "BAD_DESC"));
	assert_int_equal(
		i915pv_pv_submit(&pv, XENGT_PV_NR_ENGINES, elsp, descs), -1);
	i915pv_pv_fini(&pv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_negotiate_all, setup),
		cmocka_unit_test_setup(test_negotiate_subset, setup),
		cmocka_unit_test_setup(test_negotiate_again, setup),
		cmocka_unit_test_setup(test_no_pv, setup),
		cmocka_unit_test_setup(test_bad_version, setup),
		cmocka_unit_test_setup(test_wrap, setup),
		cmocka_unit_test_setup(test_full_ring, setup),
		cmocka_unit_test_setup(test_budget_rering, setup),
		cmocka_unit_test_setup(test_timeout, setup),
		cmocka_unit_test_setup(test_timeout_no_clock, setup),
		cmocka_unit_test_setup(test_status, setup),
		cmocka_unit_test_setup(test_batch_error, setup),
		cmocka_unit_test_setup(test_bind_messages, setup),
		cmocka_unit_test_setup(test_submit, setup),
		cmocka_unit_test_setup(test_ppgtt_pv, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
