// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Shadow GGTT: guest entries inside the partition are translated GFN -> MFN
 * into the physical GGTT; anything else never reaches it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const char *const two_vms[] = { "xengt_8", "xengt_4", NULL };

static int setup(void **state)
{
	*state = fx_world(two_vms);
	return 0;
}

static int teardown(void **state)
{
	fx_world_free(*state);
	return 0;
}

static u64 gtt_off(u64 gm)
{
	return VGPU_GGTT_OFFSET + (gm >> 12) * 8;
}

static u64 *snapshot_ggtt(struct world *w)
{
	size_t bytes = (size_t)w->gpu.ggtt_entries * 8;
	u64 *s = malloc(bytes);

	memcpy(s, w->gpu.ggtt, bytes);
	return s;
}

static void test_entry_translated(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u64 gm = v->low_gm_base + 5 * 4096, gpa = 0x345000;
	u64 pte, mfn = sim_vm_of(v->vm)->p2m[gpa >> 12];

	assert_int_not_equal(mfn, gpa >> 12); /* the simulation scatters */
	fx_wr64(v, gtt_off(gm), gpa | 0x3);
	pte = w->gpu.ggtt[gm >> 12];
	assert_int_equal(pte, (mfn << 12) | 0x3);
	/* The guest reads back its own value, not the machine frame. */
	assert_int_equal(fx_rd64(v, gtt_off(gm)), gpa | 0x3);
	/* High slice too. */
	gm = v->high_gm_base + v->high_gm_size - 4096;
	fx_wr64(v, gtt_off(gm), gpa | 1);
	assert_int_equal(w->gpu.ggtt[gm >> 12], (mfn << 12) | 1);
	assert_int_equal(v->stats.ggtt_writes, 2);
}

static void test_outside_partition_changes_nothing(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu, *other = w->vms[1].vgpu;
	u64 *before = snapshot_ggtt(w);
	u64 targets[] = {
		0, /* host */
		v->low_gm_base - 4096,
		v->low_gm_base + v->low_gm_size,
		v->high_gm_base - 4096,
		v->high_gm_base + v->high_gm_size,
		other->low_gm_base,
		other->high_gm_base + 4096,
		SIM_GPU_GM_SIZE - 4096,
	};
	u32 i;

	for (i = 0; i < xengt_array_size(targets); i++) {
		fx_wr64(v, gtt_off(targets[i]), 0x1000 | 1);
		fx_wr32(v, gtt_off(targets[i]), 0x1001);
		fx_wr32(v, gtt_off(targets[i]) + 4, 0);
		assert_int_equal(fx_rd64(v, gtt_off(targets[i])), 0);
	}
	assert_memory_equal(before, w->gpu.ggtt,
			    (size_t)w->gpu.ggtt_entries * 8);
	assert_int_equal(v->stats.ggtt_dropped, 3 * xengt_array_size(targets));
	assert_int_equal(v->stats.ggtt_writes, 0);
	free(before);
}

static void test_bad_entries_not_present(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u64 gm = v->low_gm_base;
	u64 idx = gm >> 12;

	/* Valid first, so each bad write must actively clear it. */
	fx_wr64(v, gtt_off(gm), 0x2000 | 1);
	assert_true(w->gpu.ggtt[idx] & 1);
	/* Frame past guest RAM. */
	fx_wr64(v, gtt_off(gm), (WORLD_VM_RAM + 0x1000) | 1);
	assert_int_equal(w->gpu.ggtt[idx], 0);
	fx_wr64(v, gtt_off(gm), 0x2000 | 1);
	/* Reserved bits above the 39-bit address. */
	fx_wr64(v, gtt_off(gm), (1ULL << 45) | 0x2000 | 1);
	assert_int_equal(w->gpu.ggtt[idx], 0);
	fx_wr64(v, gtt_off(gm), 0x2000 | 1);
	/* Not present. */
	fx_wr64(v, gtt_off(gm), 0x2000);
	assert_int_equal(w->gpu.ggtt[idx], 0);
	assert_int_equal(v->stats.ggtt_bad_pte, 2);
}

static void test_half_writes(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[1].vgpu;
	u64 gm = v->high_gm_base + 7 * 4096;
	u64 mfn = sim_vm_of(v->vm)->p2m[0x10];

	fx_wr32(v, gtt_off(gm) + 4, 0);
	fx_wr32(v, gtt_off(gm), 0x10001);
	assert_int_equal(w->gpu.ggtt[gm >> 12], (mfn << 12) | 1);
	/* Sub-dword or unaligned GGTT accesses are refused. */
	{
		u16 h = 0xffff;

		assert_int_equal(vgpu_mmio_write(v, gtt_off(gm), 2, &h),
				 -EINVAL);
		assert_int_equal(vgpu_mmio_write(v, gtt_off(gm) + 4, 8, &mfn),
				 -EINVAL);
	}
	assert_int_equal(w->gpu.ggtt[gm >> 12], (mfn << 12) | 1);
}

static void test_reset_and_destroy_clear_physical(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	u64 lo = v->low_gm_base >> 12, hi = v->high_gm_base >> 12;

	fx_wr64(v, gtt_off(v->low_gm_base), 0x3000 | 1);
	fx_wr64(v, gtt_off(v->high_gm_base), 0x3000 | 1);
	vgpu_reset(v);
	assert_int_equal(w->gpu.ggtt[lo], 0);
	assert_int_equal(w->gpu.ggtt[hi], 0);
	assert_int_equal(fx_rd64(v, gtt_off(v->low_gm_base)), 0);
	fx_wr64(v, gtt_off(v->low_gm_base), 0x3000 | 1);
	vgpu_destroy(v);
	w->vms[0].vgpu = NULL;
	assert_int_equal(w->gpu.ggtt[lo], 0);
}

/* ---- BAR0's GGTT half as guest RAM (hv back_ram) ---------------------- */

#define RAM_BAR0 0xf0000000ULL
#define GFX_FLSH_CNTL 0x101008

/* The first VM's vGPU with its GGTT half in RAM, BAR0 at @bar0. */
static struct vgpu *ram_vgpu(struct world *w, u64 bar0)
{
	struct vgpu *v = w->vms[0].vgpu;

	sim_vm_enable_ggtt_ram(sim_vm_of(v->vm));
	fx_cfg_wr(v, 0x10, 4, (u32)bar0);
	fx_cfg_wr(v, 0x14, 4, 0);
	fx_cfg_wr(v, 0x04, 2, 0x2);
	return v;
}

/* A guest store to its GGTT entry for @gm (RAM now: no trap). */
static void guest_pte(struct vgpu *v, u64 bar0, u64 gm, u64 pte)
{
	sim_vm_mmio_write(sim_vm_of(v->vm), bar0 + gtt_off(gm), 8, pte);
}

static void guest_flush(struct vgpu *v, u64 bar0)
{
	sim_vm_mmio_write(sim_vm_of(v->vm), bar0 + GFX_FLSH_CNTL, 4, 1);
}

static void test_ram_entries_apply_at_flush(void **state)
{
	struct world *w = *state;
	struct vgpu *v = ram_vgpu(w, RAM_BAR0);
	struct sim_vm *vm = sim_vm_of(v->vm);
	u64 gm = v->low_gm_base + 7 * 4096, hgm = v->high_gm_base + 4096;
	u64 gpa = 0x345000, mfn = vm->p2m[gpa >> 12], traps;

	assert_int_equal(v->ggtt.path, GGTT_PATH_RAM);
	assert_int_equal(vm->bar0_size, VGPU_GGTT_OFFSET);
	traps = vm->traps.mmio;
	guest_pte(v, RAM_BAR0, gm, gpa | 3);
	guest_pte(v, RAM_BAR0, hgm, gpa | 1);
	assert_int_equal(vm->traps.mmio, traps); /* no trap */
	/* The guest reads its own value at once; the GPU has nothing yet. */
	assert_int_equal(sim_vm_mmio_read(vm, RAM_BAR0 + gtt_off(gm), 8),
			 gpa | 3);
	assert_int_equal(w->gpu.ggtt[gm >> 12], 0);
	guest_flush(v, RAM_BAR0);
	assert_int_equal(vm->traps.mmio, traps + 1);
	assert_int_equal(w->gpu.ggtt[gm >> 12], (mfn << 12) | 3);
	assert_int_equal(w->gpu.ggtt[hgm >> 12], (mfn << 12) | 1);
	assert_int_equal(v->stats.ggtt_writes, 2);
	/* A second flush with nothing new changes nothing. */
	guest_flush(v, RAM_BAR0);
	assert_int_equal(v->stats.ggtt_writes, 2);
	assert_int_equal(v->stats.ggtt_syncs, 2);
	/* Cleared by the guest: not present after the next flush. */
	guest_pte(v, RAM_BAR0, gm, 0);
	guest_flush(v, RAM_BAR0);
	assert_int_equal(w->gpu.ggtt[gm >> 12], 0);
}

static void test_ram_entries_checked_like_traps(void **state)
{
	struct world *w = *state;
	struct vgpu *v = ram_vgpu(w, RAM_BAR0), *other = w->vms[1].vgpu;
	u64 *before = snapshot_ggtt(w), gm = v->low_gm_base;
	u64 outside[] = { 0, v->low_gm_base - 4096,
			  v->high_gm_base + v->high_gm_size, other->low_gm_base,
			  other->high_gm_base };
	u32 i;

	for (i = 0; i < xengt_array_size(outside); i++)
		guest_pte(v, RAM_BAR0, outside[i], 0x1000 | 1);
	/* Not the guest's RAM, and reserved bits set: never reach the GPU. */
	guest_pte(v, RAM_BAR0, gm, (1ULL << 38) | 1);
	guest_pte(v, RAM_BAR0, gm + 4096, 0x1000 | (1ULL << 62) | 1);
	guest_flush(v, RAM_BAR0);
	assert_memory_equal(w->gpu.ggtt, before,
			    (size_t)w->gpu.ggtt_entries * 8);
	assert_int_equal(v->stats.ggtt_bad_pte, 2);
	/* The core's view is the guest's: what the scanner and GPU use. */
	assert_int_equal(v->ggtt.entries[0], (1ULL << 38) | 1);
	free(before);
}

static void test_ram_moves_with_bar0(void **state)
{
	struct world *w = *state;
	struct vgpu *v = ram_vgpu(w, RAM_BAR0);
	struct sim_vm *vm = sim_vm_of(v->vm);
	u64 gm = v->low_gm_base, moved = 0xe1000000ULL;

	guest_pte(v, RAM_BAR0, gm, 0x2000 | 1);
	fx_cfg_wr(v, 0x10, 4, (u32)moved);
	assert_int_equal(vm->ram[HV_RAM_GGTT].base, moved + VGPU_GGTT_OFFSET);
	/* Same RAM at the new place; nothing at the old one. */
	assert_int_equal(sim_vm_mmio_read(vm, moved + gtt_off(gm), 8),
			 0x2000 | 1);
	assert_int_equal(sim_vm_mmio_read(vm, RAM_BAR0 + gtt_off(gm), 8),
			 ~0ULL);
	/* Registers trap at the new place, the flush among them. */
	guest_flush(v, moved);
	assert_int_equal(w->gpu.ggtt[gm >> 12], (vm->p2m[2] << 12) | 1);
	/* Decoding off: the RAM is taken away, the core keeps its entries. */
	fx_cfg_wr(v, 0x04, 2, 0);
	assert_int_equal(vm->ram[HV_RAM_GGTT].base, 0);
	assert_int_equal(sim_vm_mmio_read(vm, moved + gtt_off(gm), 8), ~0ULL);
	fx_cfg_wr(v, 0x04, 2, 0x2);
	assert_int_equal(sim_vm_mmio_read(vm, moved + gtt_off(gm), 8),
			 0x2000 | 1);
	/* A reset clears the guest's view with the core's entries. */
	vgpu_reset(v);
	assert_int_equal(sim_vm_mmio_read(vm, moved + gtt_off(gm), 8), 0);
	assert_int_equal(w->gpu.ggtt[gm >> 12], 0);
}

static void test_ram_refused_keeps_bar_unmapped(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;

	/* Over guest RAM: the backend refuses the RAM, nothing traps. */
	fx_log_capture();
	ram_vgpu(w, 0x01000000);
	assert_int_equal(v->cfg.bar0_mapped, 0);
	assert_int_equal(sim_vm_of(v->vm)->bar0_base, 0);
	assert_int_equal(v->ggtt.path, GGTT_PATH_UNDECIDED);
	assert_non_null(strstr(fx_log_text(), "cannot put BAR0's GGTT RAM"));
	/* A good place then works. */
	fx_cfg_wr(v, 0x10, 4, (u32)RAM_BAR0);
	assert_int_equal(v->ggtt.path, GGTT_PATH_RAM);
	assert_int_equal(v->cfg.bar0_mapped, RAM_BAR0);
}

static void test_trap_path_when_backend_declines(void **state)
{
	struct world *w = *state;
	struct vgpu *v = w->vms[0].vgpu;
	struct sim_vm *vm = sim_vm_of(v->vm);
	u64 gm = v->low_gm_base, traps;

	/* Not enabled: the sim declines like the in-kernel backend. */
	fx_cfg_wr(v, 0x10, 4, (u32)RAM_BAR0);
	fx_cfg_wr(v, 0x04, 2, 0x2);
	assert_int_equal(v->ggtt.path, GGTT_PATH_TRAP);
	assert_int_equal(vm->bar0_size, VGPU_BAR0_SIZE);
	traps = vm->traps.mmio;
	guest_pte(v, RAM_BAR0, gm, 0x2000 | 1);
	assert_int_equal(vm->traps.mmio, traps + 1);
	assert_int_equal(w->gpu.ggtt[gm >> 12], (vm->p2m[2] << 12) | 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entry_translated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_outside_partition_changes_nothing, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bad_entries_not_present,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_writes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_reset_and_destroy_clear_physical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ram_entries_apply_at_flush,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_ram_entries_checked_like_traps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ram_moves_with_bar0, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_ram_refused_keeps_bar_unmapped, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_trap_path_when_backend_declines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
