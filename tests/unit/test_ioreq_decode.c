// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The Xen ioreq decoder both ioreq servers share (hv/ioreq-decode.c),
 * against a fake device: config space of the claimed SBDF only, BAR0 by
 * range, the 0xcf8 latch, rep with data in guest memory (both
 * directions, df), stores to write-protected pages, and bad requests
 * answered with all-ones and counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ioreq-decode.h"

#define RAM_SIZE 0x4000
#define BAR 0xf0000000ULL
#define SBDF 0x10 /* 00:02.0 */

struct fake {
	u8 ram[RAM_SIZE];
	u32 cfg_reads, cfg_writes, last_cfg_reg, last_cfg_val;
	u64 mmio_reads, mmio_writes, last_mmio_addr, last_mmio_val;
	u64 wp_gfn, wp_writes, last_wp_gpa, last_wp_val;
	u32 invalidates;
};

static u32 f_cfg_read(void *dev, u32 reg, u32 size)
{
	struct fake *f = dev;

	(void)size;
	f->cfg_reads++;
	f->last_cfg_reg = reg;
	return 0x19128086;
}

static void f_cfg_write(void *dev, u32 reg, u32 size, u32 val)
{
	struct fake *f = dev;

	(void)size;
	f->cfg_writes++;
	f->last_cfg_reg = reg;
	f->last_cfg_val = val;
}

static u64 f_mmio_read(void *dev, u64 addr, u32 size)
{
	struct fake *f = dev;

	(void)size;
	f->mmio_reads++;
	f->last_mmio_addr = addr;
	return 0x1122334455667788ULL + (addr - BAR);
}

static void f_mmio_write(void *dev, u64 addr, u32 size, u64 val)
{
	struct fake *f = dev;

	(void)size;
	f->mmio_writes++;
	f->last_mmio_addr = addr;
	f->last_mmio_val = val;
}

static bool f_is_wp(void *dev, u64 gfn)
{
	return gfn == ((struct fake *)dev)->wp_gfn;
}

static void f_wp_write(void *dev, u64 gpa, u32 size, u64 val)
{
	struct fake *f = dev;

	(void)size;
	f->wp_writes++;
	f->last_wp_gpa = gpa;
	f->last_wp_val = val;
}

static int f_mem_read(void *dev, u64 gpa, void *buf, u32 len)
{
	struct fake *f = dev;

	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < len)
		return -14;
	memcpy(buf, f->ram + gpa, len);
	return 0;
}

static int f_mem_write(void *dev, u64 gpa, const void *buf, u32 len)
{
	struct fake *f = dev;

	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < len)
		return -14;
	memcpy(f->ram + gpa, buf, len);
	return 0;
}

static void f_invalidate(void *dev)
{
	((struct fake *)dev)->invalidates++;
}

static const struct ioreq_target_ops fake_ops = {
	.cfg_read = f_cfg_read,
	.cfg_write = f_cfg_write,
	.mmio_read = f_mmio_read,
	.mmio_write = f_mmio_write,
	.is_wp = f_is_wp,
	.wp_write = f_wp_write,
	.mem_read = f_mem_read,
	.mem_write = f_mem_write,
	.invalidate = f_invalidate,
};

struct t {
	struct fake f;
	struct ioreq_decoder d;
};

static int setup(void **state)
{
	static struct t t;

	memset(&t, 0, sizeof(t));
	t.f.wp_gfn = 2;
	t.d.ops = &fake_ops;
	t.d.dev = &t.f;
	t.d.sbdf = SBDF;
	t.d.mmio_start = BAR;
	t.d.mmio_size = 0x1000000;
	*state = &t;
	return 0;
}

static struct xengt_ioreq rq(u8 type, u8 dir, u64 addr, u32 size, u64 data)
{
	struct xengt_ioreq r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.dir = dir;
	r.addr = addr;
	r.size = size;
	r.count = 1;
	r.data = data;
	r.state = XENGT_STATE_IOREQ_INPROCESS;
	return r;
}

static void test_config_space_of_our_sbdf_only(void **state)
{
	struct t *t = *state;
	struct xengt_ioreq r = rq(XENGT_IOREQ_TYPE_PCI_CONFIG, XENGT_IOREQ_READ,
				  (u64)SBDF << 32 | 0, 4, 0);

	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data, 0x19128086);
	assert_int_equal(t->f.cfg_reads, 1);
	/* Another function, a register past 4 KiB, a 3-byte access: all-ones. */
	r = rq(XENGT_IOREQ_TYPE_PCI_CONFIG, XENGT_IOREQ_READ,
	       (u64)(SBDF + 1) << 32, 4, 0);
	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data, 0xffffffff);
	r = rq(XENGT_IOREQ_TYPE_PCI_CONFIG, XENGT_IOREQ_READ,
	       (u64)SBDF << 32 | 4096, 2, 0);
	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data, 0xffff);
	r = rq(XENGT_IOREQ_TYPE_PCI_CONFIG, XENGT_IOREQ_WRITE,
	       (u64)SBDF << 32 | 4, 3, 7);
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.cfg_reads, 1);
	assert_int_equal(t->f.cfg_writes, 0);
	assert_int_equal(t->d.stats.bad, 3);
	r = rq(XENGT_IOREQ_TYPE_PCI_CONFIG, XENGT_IOREQ_WRITE,
	       (u64)SBDF << 32 | 4, 2, 0x12345);
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.last_cfg_val, 0x2345); /* masked to the size */
}

static void test_bar0_by_range(void **state)
{
	struct t *t = *state;
	struct xengt_ioreq r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_READ,
				  BAR + 0x78000, 4, 0);

	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data,
			 (0x1122334455667788ULL + 0x78000) & 0xffffffff);
	/* The last 8 bytes of the BAR are in it, one byte past is not. */
	r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_READ, BAR + 0xfffff8, 8, 0);
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.mmio_reads, 2);
	r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_READ, BAR + 0xfffffc, 8, 0);
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.mmio_reads, 2);
	assert_true(r.data == ~0ULL);
	/* A size past 8 or a count of 0 is not a request. */
	r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_WRITE, BAR, 16, 1);
	ioreq_decode(&t->d, &r);
	r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_WRITE, BAR, 4, 1);
	r.count = 0;
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.mmio_writes, 0);
	assert_int_equal(t->d.stats.bad, 3);
}

static void test_cf8_latch_bytewise(void **state)
{
	struct t *t = *state;
	struct xengt_ioreq r = rq(XENGT_IOREQ_TYPE_PIO, XENGT_IOREQ_WRITE,
				  0xcf8, 4, 0x80001000);

	ioreq_decode(&t->d, &r);
	r = rq(XENGT_IOREQ_TYPE_PIO, XENGT_IOREQ_WRITE, 0xcfa, 1, 0x22);
	ioreq_decode(&t->d, &r);
	r = rq(XENGT_IOREQ_TYPE_PIO, XENGT_IOREQ_READ, 0xcf8, 4, 0);
	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data, 0x80221000);
	r = rq(XENGT_IOREQ_TYPE_PIO, XENGT_IOREQ_READ, 0xcfb, 2, 0);
	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data, 0xffff); /* straddles the latch: refused */
}

/*
 * A port so high that port + size wraps: refused, not shifted by 2^64 -
 * 0xcf8 bits (UBSan; found by fuzz_ioreq).
 */
static void test_cf8_port_wraps(void **state)
{
	struct t *t = *state;
	struct xengt_ioreq r = rq(XENGT_IOREQ_TYPE_PIO, XENGT_IOREQ_WRITE,
				  ~0ULL - 1, 4, 0x80001000);

	ioreq_decode(&t->d, &r);
	assert_int_equal(t->d.cf8, 0);
	r = rq(XENGT_IOREQ_TYPE_PIO, XENGT_IOREQ_READ, ~0ULL - 2, 4, 0);
	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data, 0xffffffffULL);
	assert_int_equal(t->d.stats.bad, 2);
	/* 8 bytes at the latch: more than it has (4 - size wrapped once). */
	r = rq(XENGT_IOREQ_TYPE_PIO, XENGT_IOREQ_WRITE, IOREQ_CF8_PORT, 8,
	       ~0ULL);
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->d.cf8, 0);
	r = rq(XENGT_IOREQ_TYPE_PIO, XENGT_IOREQ_READ, IOREQ_CF8_PORT, 8, 0);
	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data, ~0ULL);
	assert_int_equal(t->d.stats.bad, 4);
}

static void test_rep_through_guest_memory(void **state)
{
	struct t *t = *state;
	struct xengt_ioreq r =
		rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_READ, BAR, 4, 0x100);
	u32 v[4];

	/* rep movs from the BAR into RAM at 0x100, forwards. */
	r.count = 4;
	r.data_is_ptr = 1;
	ioreq_decode(&t->d, &r);
	memcpy(v, t->f.ram + 0x100, sizeof(v));
	assert_int_equal(v[0], 0x55667788);
	assert_int_equal(v[3], 0x55667788 + 12);
	/* Backwards (df): element i at addr - 4i and data - 4i. */
	r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_WRITE, BAR + 0x40, 4, 0x20c);
	r.count = 2;
	r.df = 1;
	r.data_is_ptr = 1;
	memcpy(t->f.ram + 0x208, "\x01\0\0\0\x02\0\0\0", 8);
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.mmio_writes, 2);
	assert_int_equal(t->f.last_mmio_addr, BAR + 0x3c);
	assert_int_equal(t->f.last_mmio_val, 1);
	/* Data outside guest RAM: counted, nothing written. */
	r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_WRITE, BAR, 4, RAM_SIZE - 2);
	r.data_is_ptr = 1;
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.mmio_writes, 2);
	assert_int_equal(t->d.stats.bad, 1);
}

/*
 * More reps than Xen ever sends: refused whole, not looped over (one such
 * ioreq kept the decoder busy for 2^32 accesses; found by fuzz_ioreq).
 */
static void test_rep_count_bounded(void **state)
{
	struct t *t = *state;
	struct xengt_ioreq r =
		rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_WRITE, BAR, 4, 7);

	r.count = IOREQ_MAX_REPS;
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.mmio_writes, IOREQ_MAX_REPS);
	assert_int_equal(t->d.stats.bad, 0);
	r.count = IOREQ_MAX_REPS + 1;
	ioreq_decode(&t->d, &r);
	r = rq(XENGT_IOREQ_TYPE_PIO, XENGT_IOREQ_READ, IOREQ_CF8_PORT, 4, 0);
	r.count = 0xffffffffU;
	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data, ~0ULL);
	assert_int_equal(t->f.mmio_writes, IOREQ_MAX_REPS);
	assert_int_equal(t->d.stats.bad, 2);
}

static void test_write_protected_pages(void **state)
{
	struct t *t = *state;
	struct xengt_ioreq r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_WRITE,
				  0x2008, 8, 0xabcdef);

	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.wp_writes, 1);
	assert_int_equal(t->f.last_wp_gpa, 0x2008);
	assert_int_equal(t->f.last_wp_val, 0xabcdef);
	/* Crossing out of the page, or a page not protected: refused. */
	r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_WRITE, 0x2ffc, 8, 1);
	ioreq_decode(&t->d, &r);
	r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_WRITE, 0x3000, 4, 1);
	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.wp_writes, 1);
	/* A read of a protected page is answered from RAM. */
	memcpy(t->f.ram + 0x2010, "\x44\x33\x22\x11", 4);
	r = rq(XENGT_IOREQ_TYPE_COPY, XENGT_IOREQ_READ, 0x2010, 4, 0);
	ioreq_decode(&t->d, &r);
	assert_int_equal(r.data, 0x11223344);
}

static void test_invalidate_and_unknown_types(void **state)
{
	struct t *t = *state;
	struct xengt_ioreq r =
		rq(XENGT_IOREQ_TYPE_INVALIDATE, XENGT_IOREQ_WRITE, 0, 0, 0);

	ioreq_decode(&t->d, &r);
	assert_int_equal(t->f.invalidates, 1);
	r = rq(0x55, XENGT_IOREQ_READ, BAR, 4, 0);
	ioreq_decode(&t->d, &r);
	assert_true(r.data == ~0ULL);
	assert_int_equal(t->d.stats.bad, 1);
	assert_int_equal(t->f.mmio_reads, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_config_space_of_our_sbdf_only,
				       setup),
		cmocka_unit_test_setup(test_bar0_by_range, setup),
		cmocka_unit_test_setup(test_cf8_latch_bytewise, setup),
		cmocka_unit_test_setup(test_cf8_port_wraps, setup),
		cmocka_unit_test_setup(test_rep_through_guest_memory, setup),
		cmocka_unit_test_setup(test_rep_count_bounded, setup),
		cmocka_unit_test_setup(test_write_protected_pages, setup),
		cmocka_unit_test_setup(test_invalidate_and_unknown_types,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
