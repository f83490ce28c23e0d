// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The standalone xengt-dm's memory bus (tools/xengt-dm/dm_bus.c), in user
 * space with a fake guest memory, as Xen's tools/tests do with hypervisor
 * code: host pages are allocated on the trapping thread and freed on the
 * dispatchers' at the same time, so the bus must keep its table whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>

#include "../../tools/xengt-dm/dm_bus.c"

/* The fake guest memory: guest frames are not under test here. */
uint8_t *guestmem_page(struct guestmem *gm, uint64_t gfn)
{
	(void)gm;
	(void)gfn;
	return NULL;
}

#define ROUNDS 20000U

static void *churn(void *arg)
{
	struct dm_bus *b = arg;
	u32 i;

	for (i = 0; i < ROUNDS; i++) {
		u64 pfn;
		u8 *p = b->bus.ops->alloc_host_frame(&b->bus, &pfn);
		u16 owner;

		if (!p)
			return (void *)1;
		/* The page is ours alone until we free it. */
		p[0] = (u8)i;
		if (b->bus.ops->frame(&b->bus, pfn, &owner) != p ||
		    owner != SIM_OWNER_HOST)
			return (void *)1;
		b->bus.ops->free_host_frame(&b->bus, pfn);
	}
	return NULL;
}

static void test_concurrent_host_pages(void **state)
{
	static struct dm_bus b;
	struct xen_vm vm = { .base.domid = 7 };
	pthread_t t[2];
	void *r[2];
	u32 i;

	(void)state;
	dm_bus_init(&b, &vm);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, &b), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], &r[i]), 0);
	assert_null(r[0]);
	assert_null(r[1]);
	assert_int_equal(b.nr_host_pages, 0);
	assert_int_equal(dm_bus_fini(&b), 0);
}

static void test_leak_reported(void **state)
{
	static struct dm_bus b;
	struct xen_vm vm = { .base.domid = 7 };
	u64 pfn;
	u16 owner;

	(void)state;
	dm_bus_init(&b, &vm);
	assert_non_null(b.bus.ops->alloc_host_frame(&b.bus, &pfn));
	assert_null(b.bus.ops->frame(&b.bus, 5, &owner)); /* no guest RAM */
	assert_int_equal(owner, SIM_OWNER_NONE);
	assert_int_equal(dm_bus_fini(&b), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_host_pages),
		cmocka_unit_test(test_leak_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
