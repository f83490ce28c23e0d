// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * PVINFO page: every field at its spec offset (spec/pvinfo.md), read-only
 * fields stay read-only, notifications are counted, never fatal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

static const char *const one_vm[] = { "xengt_4", NULL };

static int setup(void **state)
{
	*state = fx_world(one_vm);
	return 0;
}

static int teardown(void **state)
{
	fx_world_free(*state);
	return 0;
}

#define PV(off) (VGT_PVINFO_PAGE + (off))

static void test_fields_at_spec_offsets(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u16 ver;
	u8 b;

	assert_int_equal(fx_rd64(v, 0x78000), 0x4776544776544776ULL);
	/* The magic reads the same as bytes: "vGTvGTvG". */
	vgpu_mmio_read(v, 0x78000, 1, &b);
	assert_int_equal(b, 'v');
	vgpu_mmio_read(v, 0x78001, 1, &b);
	assert_int_equal(b, 'G');
	vgpu_mmio_read(v, 0x78008, 2, &ver);
	assert_int_equal(ver, 1);
	vgpu_mmio_read(v, 0x7800a, 2, &ver);
	assert_int_equal(ver, 0);
	assert_int_equal(fx_rd32(v, 0x7800c), v->id);
	/* Full PPGTT, HWSP emulation and (offered by default) PV. */
	assert_int_equal(fx_rd32(v, 0x78010), (1 << 2) | (1 << 3) | (1 << 5));
	assert_int_equal(fx_rd32(v, PV(0x860)), 0x7);
	assert_int_equal(fx_rd32(v, 0x78040), v->low_gm_base);
	assert_int_equal(fx_rd32(v, 0x78044), 128U << 20);
	assert_int_equal(fx_rd32(v, 0x78048), v->high_gm_base);
	assert_int_equal(fx_rd32(v, 0x7804c), 512U << 20);
	assert_int_equal(fx_rd32(v, 0x78050), 4);
	/* Reserved space reads as zero. */
	for (u32 off = 0x14; off < 0x40; off += 4)
		assert_int_equal(fx_rd32(v, PV(off)), 0);
	for (u32 off = 0x54; off < 0x800; off += 4)
		assert_int_equal(fx_rd32(v, PV(off)), 0);
}

static void test_read_only_fields_stay(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u64 ro_before = v->stats.mmio_ro_writes;

	fx_wr64(v, PV(0x0), 0);
	fx_wr32(v, PV(0x8), 0);
	fx_wr32(v, PV(0xc), 77);
	fx_wr32(v, PV(0x40), 0);
	fx_wr32(v, PV(0x44), 0xffffffff);
	fx_wr32(v, PV(0x50), 32);
	assert_int_equal(fx_rd64(v, 0x78000), VGT_MAGIC);
	assert_int_equal(fx_rd32(v, PV(0x8)), 1);
	assert_int_equal(fx_rd32(v, PV(0xc)), v->id);
	assert_int_equal(fx_rd32(v, PV(0x40)), v->low_gm_base);
	assert_int_equal(fx_rd32(v, PV(0x44)), v->low_gm_size);
	assert_int_equal(fx_rd32(v, PV(0x50)), 4);
	assert_int_equal(v->stats.mmio_ro_writes - ro_before, 7);
}

static void test_guest_writable_fields(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u32 i;

	fx_wr32(v, PV(0x804), 1);
	assert_true(v->display_ready);
	fx_wr32(v, PV(0x830), 12);
	fx_wr32(v, PV(0x834), 34);
	assert_int_equal(fx_rd32(v, PV(0x830)), 12);
	assert_int_equal(fx_rd32(v, PV(0x834)), 34);
	for (i = 0; i < 8; i++)
		fx_wr32(v, PV(0x838 + 4 * i), 0x1000 * (i + 1));
	for (i = 0; i < 8; i++)
		assert_int_equal(fx_rd32(v, PV(0x838 + 4 * i)),
				 0x1000 * (i + 1));
	fx_wr32(v, PV(0x858), 0xabcd0000);
	fx_wr32(v, PV(0x85c), 0x1234);
	assert_int_equal(fx_rd32(v, PV(0x858)), 0xabcd0000);
	/* shared_page_gpa is 8 bytes at a 4-aligned offset. */
	fx_wr64(v, PV(0x864), 0x123456789000ULL);
	assert_int_equal(fx_rd64(v, PV(0x864)), 0x123456789000ULL);
	/* The accepted caps are the AND of the offer and the guest's. */
	fx_wr32(v, PV(0x860), 0xff);
	assert_int_equal(fx_rd32(v, PV(0x860)), 0x7);
	/* PV not offered: vgt_caps says so, and nothing can be accepted. */
	assert_int_equal(xengt_vgpu_set_pv_offer(v, 0), 0);
	assert_int_equal(fx_rd32(v, 0x78010), (1 << 2) | (1 << 3));
	fx_wr32(v, PV(0x860), 0x7);
	assert_int_equal(fx_rd32(v, PV(0x860)), 0);
}

static void test_g2v_notify_codes(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u32 code;

	for (code = 1; code <= 7; code++)
		fx_wr32(v, PV(0x818), code);
	assert_int_equal(v->stats.g2v_notify, 7);
	assert_int_equal(v->stats.g2v_unknown, 0);
	fx_wr32(v, PV(0x818), 0xdeadbeef);
	assert_int_equal(v->stats.g2v_unknown, 1);
	/* PV codes are PV's while PV is offered (test_pv.c), else unknown. */
	fx_wr32(v, PV(0x818), 8);
	fx_wr32(v, PV(0x818), 9);
	assert_int_equal(v->stats.g2v_unknown, 1);
	xengt_vgpu_set_pv_offer(v, 0);
	fx_wr32(v, PV(0x818), 8);
	fx_wr32(v, PV(0x818), 9);
	assert_int_equal(v->stats.g2v_unknown, 3);
	assert_false(v->failsafe);
}

static void test_insufficient_resources_is_failsafe(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;

	fx_log_capture();
	fx_wr32(v, PV(0x808), 1);
	assert_true(v->failsafe);
	assert_non_null(strstr(fx_log_text(), "insufficient resources"));
	vgpu_reset(v);
	assert_false(v->failsafe);
	assert_int_equal(fx_rd64(v, 0x78000), VGT_MAGIC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fields_at_spec_offsets,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_fields_stay,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_writable_fields,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_g2v_notify_codes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_insufficient_resources_is_failsafe, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
