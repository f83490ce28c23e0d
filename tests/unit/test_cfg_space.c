// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual PCI config space: identity, BAR sizing masks, BAR moves reaching
 * the hypervisor, capabilities, OpRegion.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
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

/* The checks i915 6.1 makes before it uses an OpRegion and its VBT. */
static void assert_i915_accepts(const u8 *op)
{
	const u8 *vbt = op + 0x400, *bdb;
	u32 vbt_size, bdb_off, bdb_size, i;
	u8 sum = 0;

	assert_memory_equal(op, "IntelGraphicsMem", 16);
	assert_int_equal(op[0x10], 8); /* 8 KiB */
	assert_int_equal(op[0x17], 2); /* version 2.0 */
	/* No mailbox but #4: no SWSCI to call, no ASLE, no RVDA. */
	assert_int_equal(op[0x58] | op[0x59] | op[0x5a] | op[0x5b], 0);
	assert_memory_equal(vbt, "$VBT", 4);
	vbt_size = vbt[0x18] | vbt[0x19] << 8;
	bdb_off = vbt[0x1c] | vbt[0x1d] << 8 | vbt[0x1e] << 16 |
		  (u32)vbt[0x1f] << 24;
	assert_true(vbt_size <= 0x2000 - 0x400);
	assert_true(bdb_off + 22 <= vbt_size);
	bdb = vbt + bdb_off;
	assert_memory_equal(bdb, "BIOS_DATA_BLOCK ", 16);
	bdb_size = bdb[0x14] | bdb[0x15] << 8;
	assert_true(bdb_off + bdb_size <= vbt_size);
	for (i = 0; i < vbt_size; i++)
		sum += vbt[i];
	assert_int_equal(sum, 0);
}

/* Firmware that reserved guest RAM: the OpRegion is written there. */
static void test_opregion(void **state)
{
	struct vgpu *v = ((struct world *)*state)->vms[0].vgpu;
	u8 *ram;

	fx_cfg_wr(v, 0xfc, 4, 0x00100000);
	assert_int_equal(fx_cfg_rd(v, 0xfc, 4), 0x00100000);
	ram = sim_vm_ram(sim_vm_of(v->vm), 0x00100000);
	assert_i915_accepts(ram);
	/* Outside guest RAM with no RAM of the backend's: refused. */
	fx_log_capture();
	fx_cfg_wr(v, 0xfc, 4, 0xfff00000);
	assert_int_equal(v->cfg.opregion_gpa, 0x00100000);
	assert_non_null(strstr(fx_log_text(), "no OpRegion"));
}

/* hvmloader's case: ASLS in a hole, the backend's RAM goes there. */
static void test_opregion_backend_ram(void **state)
{
	struct vgpu *v = ((struct world *)*state)->vms[0].vgpu;
	struct sim_vm *vm = sim_vm_of(v->vm);
	u8 op[0x2000];
	u32 i;

	sim_vm_enable_ram(vm, HV_RAM_OPREGION);
	fx_cfg_wr(v, 0xfc, 4, 0xfdffc000);
	assert_int_equal(v->cfg.opregion_gpa, 0xfdffc000);
	assert_int_equal(vm->ram[HV_RAM_OPREGION].base, 0xfdffc000);
	for (i = 0; i < sizeof(op); i += 8) {
		u64 q = sim_vm_mmio_read(vm, 0xfdffc000 + i, 8);

		memcpy(op + i, &q, 8);
	}
	assert_i915_accepts(op);
	assert_int_equal(vm->traps.unclaimed, 0);

	/* The guest's mailbox writes stay when the region moves. */
	sim_vm_mmio_write(vm, 0xfdffc000 + 0x300, 4, 0x1234);
	fx_cfg_wr(v, 0xfc, 4, 0xfdff0000);
	assert_int_equal(vm->ram[HV_RAM_OPREGION].base, 0xfdff0000);
	assert_int_equal(sim_vm_mmio_read(vm, 0xfdff0000 + 0x300, 4), 0x1234);
	assert_int_equal(sim_vm_mmio_read(vm, 0xfdffc000, 4), 0xffffffff);

	/* Not page aligned, or over BAR0: refused, nothing moves. */
	fx_cfg_wr(v, 0x10, 4, 0xc0000000);
	fx_cfg_wr(v, 0x14, 4, 0);
	fx_cfg_wr(v, 0x04, 2, 0x2);
	fx_log_capture();
	fx_cfg_wr(v, 0xfc, 4, 0xfdff0800);
	assert_non_null(strstr(fx_log_text(), "not page aligned"));
	fx_cfg_wr(v, 0xfc, 4, 0xc0400000);
	assert_int_equal(vm->ram[HV_RAM_OPREGION].base, 0xfdff0000);
	assert_int_equal(v->cfg.opregion_gpa, 0xfdff0000);
	assert_int_equal(fx_cfg_rd(v, 0xfc, 4), 0xc0400000); /* scratch */

	/*
	 * ASLS at the guest's own RAM: written there, and the backend's
	 * RAM leaves (never placed over the guest's RAM).
	 */
	fx_cfg_wr(v, 0xfc, 4, 0x00200000);
	assert_int_equal(vm->ram[HV_RAM_OPREGION].base, 0);
	assert_int_equal(v->cfg.opregion_gpa, 0x00200000);
	assert_i915_accepts(sim_vm_ram(vm, 0x00200000));

	/* Back to a hole, then the backend goes: its RAM is parked. */
	fx_cfg_wr(v, 0xfc, 4, 0xfdffc000);
	assert_int_equal(vm->ram[HV_RAM_OPREGION].base, 0xfdffc000);
	xengt_vgpu_detach(v);
	assert_int_equal(vm->ram[HV_RAM_OPREGION].base, 0);
	assert_int_equal(v->cfg.opregion_gpa, 0);
	/* Re-attached, the guest finds it where ASLS says. */
	assert_int_equal(xengt_vgpu_attach(v, &vm->base), 0);
	assert_int_equal(vm->ram[HV_RAM_OPREGION].base, 0xfdffc000);
	assert_int_equal(sim_vm_mmio_read(vm, 0xfdffc000, 8),
			 0x6172476c65746e49ULL); /* "IntelGra" */
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
		cmocka_unit_test_setup_teardown(test_opregion_backend_ram,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_accesses, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
