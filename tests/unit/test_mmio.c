// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MMIO dispatch and the register behaviours i915 needs while probing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

static const char *const one_vm[] = { "xengt_8", NULL };

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

static struct vgpu *vg(void **state)
{
	return ((struct world *)*state)->vms[0].vgpu;
}

static void test_table_sorted_disjoint(void **state)
{
	const struct vgpu_reg *t;
	u32 n, i;

	(void)state;
	t = regs_table(&n);
	for (i = 0; i < n; i++) {
		assert_true(t[i].size >= 4 && t[i].size % 4 == 0);
		assert_true(t[i].offset % 4 == 0);
		assert_true(t[i].offset + t[i].size <= VGPU_MMIO_SIZE);
		if (i)
			assert_true(t[i - 1].offset + t[i - 1].size <=
				    t[i].offset);
		assert_ptr_equal(regs_lookup(t[i].offset), &t[i]);
		assert_ptr_equal(regs_lookup(t[i].offset + t[i].size - 4),
				 &t[i]);
	}
	assert_null(regs_lookup(0x4));
}

static void test_unknown_registers_are_virtual(void **state)
{
	struct world *w = *state;
	struct vgpu *v = vg(state);
	u8 b;

	assert_int_equal(fx_rd32(v, 0x1230), 0);
	fx_wr32(v, 0x1230, 0xcafef00d);
	assert_int_equal(fx_rd32(v, 0x1230), 0xcafef00d);
	/* Sub-dword writes merge. */
	b = 0x11;
	vgpu_mmio_write(v, 0x1231, 1, &b);
	assert_int_equal(fx_rd32(v, 0x1230), 0xcafe110d);
	assert_int_equal(v->stats.mmio_unknown_writes, 2);
	/* Nothing reached the physical GPU. */
	assert_int_equal(w->gpu.regs[0x1230 / 4], 0);
}

static void test_reserved_and_bad(void **state)
{
	struct vgpu *v = vg(state);
	u64 q = 0;
	u32 d = 0;

	/* Between the register space and the GGTT. */
	fx_wr32(v, 0x300000, 5);
	assert_int_equal(fx_rd32(v, 0x300000), 0);
	/* Unaligned and odd sizes: -EINVAL, reads all-ones. */
	assert_int_equal(vgpu_mmio_read(v, 0x1002, 4, &d), -EINVAL);
	assert_int_equal(d, 0xffffffff);
	assert_int_equal(vgpu_mmio_read(v, 0x1001, 2, &d), -EINVAL);
	assert_int_equal(vgpu_mmio_read(v, 0x1002, 8, &q), -EINVAL);
	assert_int_equal(vgpu_mmio_read(v, 0x1000, 3, &d), -EINVAL);
	assert_int_equal(vgpu_mmio_write(v, 0x1000, 16, &q), -EINVAL);
	assert_int_equal(vgpu_mmio_write(v, VGPU_BAR0_SIZE, 4, &d), -EINVAL);
	assert_int_equal(vgpu_mmio_write(v, VGPU_BAR0_SIZE - 4, 8, &q),
			 -EINVAL);
	assert_int_equal(vgpu_mmio_read(v, ~0ULL - 3, 8, &q), -EINVAL);
}

static void test_masked_and_handshakes(void **state)
{
	struct vgpu *v = vg(state);
	u32 base;

	for (base = 0x2000; base; base = base == 0x2000 ? 0x22000 : 0) {
		/* RING_RESET_CTL: READY_TO_RESET follows REQUEST_RESET. */
		fx_wr32(v, base + 0xd0, 0x00010001);
		assert_int_equal(fx_rd32(v, base + 0xd0), 0x3);
		fx_wr32(v, base + 0xd0, 0x00010000);
		assert_int_equal(fx_rd32(v, base + 0xd0), 0x0);
		/* Without the enable mask nothing changes. */
		fx_wr32(v, base + 0xd0, 0x00000001);
		assert_int_equal(fx_rd32(v, base + 0xd0), 0x0);
		/* RING_MI_MODE: MODE_IDLE follows STOP_RING. */
		fx_wr32(v, base + 0x9c, 0x01000100);
		assert_int_equal(fx_rd32(v, base + 0x9c), 0x300);
		/* RING_MODE_GEN7 masked. */
		fx_wr32(v, base + 0x29c, 0x80008000);
		fx_wr32(v, base + 0x29c, 0x00010001);
		assert_int_equal(fx_rd32(v, base + 0x29c), 0x8001);
	}
	/* GDRST and TLB invalidation complete at once. */
	fx_wr32(v, 0x941c, 0x1);
	assert_int_equal(fx_rd32(v, 0x941c), 0);
	fx_wr32(v, 0x4260, 0x1);
	assert_int_equal(fx_rd32(v, 0x4260), 0);
}

static void test_w1c_and_status(void **state)
{
	struct vgpu *v = vg(state);

	vgpu_set_vreg32(v, 0x44308, 0xf0f0);
	fx_wr32(v, 0x44308, 0x00f0);
	assert_int_equal(fx_rd32(v, 0x44308), 0xf000);
	/* pcode: READY clears; SAGV is refused with an error code. */
	fx_wr32(v, 0x138124, 0x80000006);
	assert_int_equal(fx_rd32(v, 0x138124), 0);
	fx_wr32(v, 0x138124, 0x80000021);
	assert_int_equal(fx_rd32(v, 0x138124), 0x1);
	/* Power well state follows request. */
	fx_wr32(v, 0x45404, 0x2 | 0x8);
	assert_int_equal(fx_rd32(v, 0x45404), 0xf);
	/* PLL lock follows enable; DBUF state follows request. */
	fx_wr32(v, 0x46010, 0x80000000);
	assert_int_equal(fx_rd32(v, 0x46010), 0xc0000000);
	fx_wr32(v, 0x45008, 0x80000000);
	assert_int_equal(fx_rd32(v, 0x45008), 0xc0000000);
	/* DP AUX: a send times out at once; status is W1C. */
	fx_wr32(v, 0x64010, 0x80000000 | 0x1234);
	assert_int_equal(fx_rd32(v, 0x64010), 0x50000000 | 0x1234);
	fx_wr32(v, 0x64010, 0x50000000);
	assert_int_equal(fx_rd32(v, 0x64010), 0);
	/* Read-only identity/status registers. */
	fx_wr32(v, 0x42000, 0);
	assert_int_equal(fx_rd32(v, 0x42000), 0x8e000000);
	assert_int_equal(fx_rd32(v, 0xc000), 1);
	assert_int_equal(fx_rd32(v, 0x6c060), 0x01010101);
	/* DPLL_CTRL2: every DDI clock off, i915's "disabled port" state. */
	assert_int_equal(fx_rd32(v, 0x6c05c) & 0x000f8000, 0x000f8000);
	assert_int_equal(fx_rd32(v, 0xc5108), 0x800);
	assert_int_equal(fx_rd32(v, 0x9120), 0x02800000);
}

static void test_reset_restores_power_on(void **state)
{
	struct vgpu *v = vg(state);

	fx_wr32(v, 0x1230, 0x55);
	fx_wr32(v, 0x45400, 0x2);
	vgpu_reset(v);
	assert_int_equal(fx_rd32(v, 0x1230), 0);
	assert_int_equal(fx_rd32(v, 0x45400), 0);
	assert_int_equal(fx_rd32(v, 0x42000), 0x8e000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_sorted_disjoint),
		cmocka_unit_test_setup_teardown(
			test_unknown_registers_are_virtual, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_and_bad, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_masked_and_handshakes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_w1c_and_status, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reset_restores_power_on,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
