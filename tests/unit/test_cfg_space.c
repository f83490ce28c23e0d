// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual PCI config space: identity, BAR sizing masks, BAR moves reaching
 * the hypervisor, capabilities, OpRegion.
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

static void test_identity(void **state)
{
	struct vgpu *v = ((struct world *)*state)->vms[0].vgpu;

	assert_int_equal(fx_cfg_rd(v, 0x00, 2), 0x8086);
	assert_int_equal(fx_cfg_rd(v, 0x02, 2), 0x1912);
	assert_int_equal(fx_cfg_rd(v, 0x08, 4) >> 8, 0x030000);
	assert_int_equal(fx_cfg_rd(v, 0x0e, 1), 0);
	assert_int_equal(fx_cfg_rd(v, 0x2c, 2), 0x8086);
	assert_true(fx_cfg_rd(v, 0x06, 2) & 0x10);
	/* GGMS = 3: 8 MiB of PTEs; no stolen memory. */
	assert_int_equal((fx_cfg_rd(v, 0x50, 2) >> 6) & 3, 3);
	assert_int_equal(fx_cfg_rd(v, 0x5c, 4), 0);
	/* Writes to identity registers change nothing. */
	fx_cfg_wr(v, 0x00, 4, 0x12345678);
	assert_int_equal(fx_cfg_rd(v, 0x00, 4), 0x19128086);
}

static void test_capability_chain(void **state)
{
	struct vgpu *v = ((struct world *)*state)->vms[0].vgpu;
	u32 ptr = fx_cfg_rd(v, 0x34, 1);

	assert_int_equal(ptr, 0xac);
	assert_int_equal(fx_cfg_rd(v, ptr, 1), 0x05); /* MSI */
	assert_true(fx_cfg_rd(v, ptr + 2, 2) & 0x80); /* 64-bit */
	ptr = fx_cfg_rd(v, ptr + 1, 1);
	assert_int_equal(ptr, 0xd0);
	assert_int_equal(fx_cfg_rd(v, ptr, 1), 0x01); /* PM */
	assert_int_equal(fx_cfg_rd(v, ptr + 1, 1), 0);
	/* MSI address/data/enable latch. */
	fx_cfg_wr(v, 0xac + 4, 4, 0xfee00000);
	fx_cfg_wr(v, 0xac + 8, 4, 0);
	fx_cfg_wr(v, 0xac + 12, 2, 0x4071);
	fx_cfg_wr(v, 0xac + 2, 2, 0x0001);
	assert_int_equal(fx_cfg_rd(v, 0xac + 4, 4), 0xfee00000);
	assert_int_equal(fx_cfg_rd(v, 0xac + 12, 2), 0x4071);
	assert_int_equal(fx_cfg_rd(v, 0xac + 2, 2), 0x0081);
}

static void test_bar_sizing_masks(void **state)
{
	struct vgpu *v = ((struct world *)*state)->vms[0].vgpu;

	fx_cfg_wr(v, 0x10, 4, 0xffffffff);
	fx_cfg_wr(v, 0x14, 4, 0xffffffff);
	/* 16 MiB, 64-bit, non-prefetchable. */
	assert_int_equal(fx_cfg_rd(v, 0x10, 4), 0xff000004);
	assert_int_equal(fx_cfg_rd(v, 0x14, 4), 0xffffffff);
	fx_cfg_wr(v, 0x18, 4, 0xffffffff);
	fx_cfg_wr(v, 0x1c, 4, 0xffffffff);
	/* 512 MiB aperture, 64-bit, prefetchable. */
	assert_int_equal(fx_cfg_rd(v, 0x18, 4), 0xe000000c);
	assert_int_equal(fx_cfg_rd(v, 0x1c, 4), 0xffffffff);
	/* No other BARs, no ROM. */
	for (u32 off = 0x20; off <= 0x30; off += 4) {
		fx_cfg_wr(v, off, 4, 0xffffffff);
		if (off != 0x2c)
			assert_int_equal(fx_cfg_rd(v, off, 4), 0);
	}
	/* Sizing with decoding on never traps at the all-ones address. */
	fx_cfg_wr(v, 0x04, 2, 0x2);
	assert_int_equal(v->cfg.bar0_mapped, 0);
	assert_int_equal(sim_vm_of(v->vm)->bar0_base, 0);
}

static void test_bar_moves_reach_hypervisor(void **state)
{
	struct vgpu *v = ((struct world *)*state)->vms[0].vgpu;

	fx_cfg_wr(v, 0x10, 4, 0xc0000000);
	fx_cfg_wr(v, 0x14, 4, 0);
	assert_int_equal(sim_vm_of(v->vm)->bar0_base,
			 0); /* decoding still off */
	fx_cfg_wr(v, 0x04, 2, 0x2);
	assert_int_equal(sim_vm_of(v->vm)->bar0_base, 0xc0000000);
	assert_int_equal(sim_vm_mmio_read(sim_vm_of(v->vm), 0xc0078000, 8),
			 VGT_MAGIC);
	/* Move: the old range stops trapping, the new one starts. */
	fx_cfg_wr(v, 0x10, 4, 0xd1000000);
	assert_int_equal(sim_vm_of(v->vm)->bar0_base, 0xd1000000);
	assert_int_equal(sim_vm_mmio_read(sim_vm_of(v->vm), 0xd1078000, 8),
			 VGT_MAGIC);
	assert_int_equal(sim_vm_mmio_read(sim_vm_of(v->vm), 0xc0078000, 8),
			 ~0ULL);
	/* Memory decoding off: nothing traps. */
	fx_cfg_wr(v, 0x04, 2, 0);
	assert_int_equal(sim_vm_of(v->vm)->bar0_base, 0);
	/* A BAR over guest RAM is refused by the hypervisor. */
	fx_log_capture();
	fx_cfg_wr(v, 0x10, 4, 0x01000000);
	fx_cfg_wr(v, 0x04, 2, 0x2);
	assert_int_equal(v->cfg.bar0_mapped, 0);
	assert_non_null(strstr(fx_log_text(), "cannot trap BAR0"));
}

static void test_opregion(void **state)
{
	struct vgpu *v = ((struct world *)*state)->vms[0].vgpu;
	u8 *ram;

	fx_cfg_wr(v, 0xfc, 4, 0x00100000);
	assert_int_equal(fx_cfg_rd(v, 0xfc, 4), 0x00100000);
	ram = sim_vm_ram(sim_vm_of(v->vm), 0x00100000);
	assert_memory_equal(ram, "IntelGraphicsMem", 16);
	assert_int_equal(ram[0x10], 8); /* 8 KiB */
	assert_int_equal(ram[0x17], 2); /* version 2.0 */
	/* An ASLS outside guest RAM is refused, nothing written. */
	fx_cfg_wr(v, 0xfc, 4, 0xfff00000);
	assert_int_equal(v->cfg.opregion_gpa, 0x00100000);
}

static void test_bad_accesses(void **state)
{
	struct vgpu *v = ((struct world *)*state)->vms[0].vgpu;
	u32 val;

	assert_int_equal(vgpu_cfg_read(v, 0x1, 2, &val), -EINVAL);
	assert_int_equal(val, 0xffffffff);
	assert_int_equal(vgpu_cfg_read(v, 0x2, 4, &val), -EINVAL);
	assert_int_equal(vgpu_cfg_read(v, 0x0, 3, &val), -EINVAL);
	assert_int_equal(vgpu_cfg_read(v, 4096, 4, &val), -EINVAL);
	assert_int_equal(vgpu_cfg_write(v, 0x11, 2, 0), -EINVAL);
	/* Extended config space exists and reads as zero. */
	assert_int_equal(vgpu_cfg_read(v, 0x100, 4, &val), 0);
	assert_int_equal(val, 0);
	assert_int_equal(v->stats.cfg_bad, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capability_chain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bar_sizing_masks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bar_moves_reach_hypervisor,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_opregion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_accesses, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
