// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Hostile input sweeps: MMIO at every register offset and size (aligned or
 * not), config writes at every offset, GGTT writes with boundary and random
 * bit patterns, and an engine-register sweep between submissions that the
 * GPU runs.  Nothing may crash and nothing outside the attacking vGPU
 * may change: not the other vGPU's registers, config space or GGTT view,
 * not the physical GGTT outside the partition, not other physical fences.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "wl.h"
#include "fence.h"

static const char *const two[] = { "xengt_8", "xengt_4", NULL };

struct snapshot {
	u8 *victim_vreg;
	u8 victim_cfg[VGPU_CFG_SIZE];
	u64 *victim_ggtt;
	size_t victim_ggtt_bytes;
	u64 *phys_ggtt;
	u32 *phys_regs;
	bool gpu_ran; /* the host driver programmed engines meanwhile */
};

/*
 * Registers the host driver itself writes when it runs work (engine pages,
 * interrupt registers): they change with a submission, not with a trap.
 */
static bool host_driver_reg(u32 off)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		if (off >= execlist_engine_base(e) &&
		    off < execlist_engine_base(e) + 0x1000)
			return true;
	return off >= 0x44000 && off < 0x45000;
}

static void snap(struct world *w, struct snapshot *s)
{
	struct vgpu *victim = w->vms[1].vgpu;

	s->gpu_ran = false;
	s->victim_vreg = malloc(VGPU_MMIO_SIZE);
	memcpy(s->victim_vreg, victim->vreg, VGPU_MMIO_SIZE);
	memcpy(s->victim_cfg, victim->cfg.space, VGPU_CFG_SIZE);
	s->victim_ggtt_bytes =
		((size_t)victim->ggtt.low_count + victim->ggtt.high_count) * 8;
	s->victim_ggtt = malloc(s->victim_ggtt_bytes);
	memcpy(s->victim_ggtt, victim->ggtt.entries, s->victim_ggtt_bytes);
	s->phys_ggtt = malloc((size_t)w->gpu.ggtt_entries * 8);
	memcpy(s->phys_ggtt, w->gpu.ggtt, (size_t)w->gpu.ggtt_entries * 8);
	s->phys_regs = malloc(SIM_GPU_MMIO_SIZE);
	memcpy(s->phys_regs, w->gpu.regs, SIM_GPU_MMIO_SIZE);
}

/* Everything but the attacker's own slice is as it was. */
static void check_isolated(struct world *w, struct snapshot *s)
{
	struct vgpu *bad = w->vms[0].vgpu, *victim = w->vms[1].vgpu;
	u32 i;

	assert_memory_equal(s->victim_vreg, victim->vreg, VGPU_MMIO_SIZE);
	assert_memory_equal(s->victim_cfg, victim->cfg.space, VGPU_CFG_SIZE);
	assert_memory_equal(s->victim_ggtt, victim->ggtt.entries,
			    s->victim_ggtt_bytes);
	for (i = 0; i < w->gpu.ggtt_entries; i++) {
		u64 gm = (u64)i << 12;
		u64 pte = w->gpu.ggtt[i];

		if (ggtt_gm_range_owned(bad, gm, 4096)) {
			/* Present entries point at the attacker's own RAM only. */
			if (pte & 1) {
				u16 owner;

				assert_non_null(w->machine.bus.ops->frame(
					&w->machine.bus, pte >> 12 & 0x7ffffff,
					&owner));
				assert_int_equal(owner, bad->domid);
			}
			continue;
		}
		if (s->gpu_ran && i - (w->gvt->core_gm.base >> 12) <
					  w->gvt->core_gm.pages.nr_units) {
			/* The core's shadow copies: host frames only. */
			if (pte & 1) {
				u16 owner;

				assert_non_null(w->machine.bus.ops->frame(
					&w->machine.bus, pte >> 12 & 0x7ffffff,
					&owner));
				assert_int_equal(owner, SIM_OWNER_HOST);
			}
			continue;
		}
		if (pte != s->phys_ggtt[i])
			fail_msg(
				"physical GGTT entry %u outside the partition changed",
				i);
	}
	for (i = 0; i < SIM_GPU_MMIO_SIZE / 4; i++) {
		u32 off = i * 4;
		bool own_fence =
			off >= FENCE_REG_GEN6_BASE + 8 * bad->fence_base &&
			off < FENCE_REG_GEN6_BASE +
					8 * (bad->fence_base + bad->fence_num);

		if (s->gpu_ran && host_driver_reg(off))
			continue;
		if (!own_fence && w->gpu.regs[i] != s->phys_regs[i])
			fail_msg("physical register 0x%x changed", off);
	}
	free(s->victim_vreg);
	free(s->victim_ggtt);
	free(s->phys_ggtt);
	free(s->phys_regs);
}

static void test_mmio_every_offset_and_size(void **state)
{
	struct world *w = fx_world(two);
	struct vgpu *bad = w->vms[0].vgpu;
	static const u32 sizes[] = { 1, 2, 3, 4, 5, 8, 16 };
	struct snapshot s;
	u64 rnd = 1, off, data[2];
	u32 i;

	(void)state;
	snap(w, &s);
	for (off = 0; off < VGPU_MMIO_SIZE + 16; off++) {
		for (i = 0; i < xengt_array_size(sizes); i++) {
			data[0] = fx_rand(&rnd);
			data[1] = fx_rand(&rnd);
			vgpu_mmio_read(bad, off, sizes[i], data);
			/* Not every value: keep the sweep to a few seconds. */
			if ((off & 0x3f) < 8 || (off >> 12) == 0x78 ||
			    (off >> 8) == 0x1000)
				vgpu_mmio_write(bad, off, sizes[i], data);
		}
	}
	/* Sparse writes over the rest of BAR0 and beyond it. */
	for (i = 0; i < 200000; i++) {
		off = fx_rand(&rnd) % (VGPU_BAR0_SIZE + 64);
		data[0] = fx_rand(&rnd);
		vgpu_mmio_write(bad, off, sizes[i % xengt_array_size(sizes)],
				data);
	}
	vgpu_mmio_write(bad, ~0ULL, 8, data);
	vgpu_mmio_write(bad, ~0ULL - 4, 8, data);
	check_isolated(w, &s);
	/* At worst its own vGPU is wedged: a reset brings it back. */
	vgpu_reset(bad);
	assert_int_equal(fx_rd64(bad, VGT_PVINFO_PAGE), VGT_MAGIC);
	fx_world_free(w);
}

/*
 * The attacker has live contexts (as i915 leaves them), so ELSP writes
 * with valid descriptors reach the scheduler and the GPU: every offset and
 * size of both engines' register pages written with random values, and
 * after every 64th offset a submission of a store.  Some must run (the
 * sweep reaches ELSP), none may touch another VM's memory, and nothing
 * outside the attacker's slice changes.
 */
static void test_engine_regs_between_submissions(void **state)
{
	struct world *w = fx_world(two);
	struct wl_guest g;
	static const u32 sizes[] = { 1, 2, 4, 8 };
	struct snapshot s;
	u64 rnd = 7, data, submits, data_gpa;
	u32 e, off, i, cmd[4], stores = 0;

	(void)state;
	fx_log_capture();
	wl_init(&g, w, 0);
	data_gpa = wl_page(&g);
	wl_ppgtt_map(&g, WL_DATA_VA, data_gpa);
	snap(w, &s);
	submits = wl_phys_submits(w);
	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		u32 base = execlist_engine_base(e);

		for (off = 0; off < 0x1000; off++) {
			for (i = 0; i < xengt_array_size(sizes); i++) {
				data = fx_rand(&rnd);
				vgpu_mmio_write(g.v, base + off, sizes[i],
						&data);
			}
			if (off % 64 != 63)
				continue;
			if (g.v->failsafe) {
				vgpu_reset(g.v);
				wl_reinit(&g);
			}
			wl_sdi(cmd, WL_DATA_VA, ++stores);
			wl_emit(&g, XENGT_RCS, cmd, 4);
			wl_submit(&g, XENGT_RCS);
		}
	}
	xengt_gvt_drain(w->gvt);
	if (wl_phys_submits(w) == submits)
		fail_msg("no submission of the sweep reached the GPU");
	assert_int_equal(wl_foreign(w), 0);
	assert_int_equal(wl_host_escapes(w), 0);
	s.gpu_ran = true;
	check_isolated(w, &s);
	fx_world_free(w);
}

static void test_config_every_offset(void **state)
{
	struct world *w = fx_world(two);
	struct vgpu *bad = w->vms[0].vgpu;
	struct snapshot s;
	u64 rnd = 7;
	u32 off, size, pass;

	(void)state;
	snap(w, &s);
	for (pass = 0; pass < 4; pass++)
		for (off = 0; off < 4096 + 8; off++)
			for (size = 1; size <= 8; size++) {
				u32 val = pass == 0 ? 0xffffffff :
					  pass == 1 ? 0 :
						      (u32)fx_rand(&rnd);
				u32 r;

				vgpu_cfg_write(bad, off, size, val);
				vgpu_cfg_read(bad, off, size, &r);
			}
	/*
	 * Identity survived; the core and the hypervisor agree on where
	 * BAR0 traps, and that is where it is decoded (or nowhere).
	 */
	assert_int_equal(fx_cfg_rd(bad, 0, 4), 0x19128086);
	assert_int_equal(bad->cfg.bar0_mapped, sim_vm_of(bad->vm)->bar0_base);
	if (bad->cfg.bar0_mapped)
		assert_int_equal(bad->cfg.bar0_mapped, vgpu_cfg_bar0_base(bad));
	check_isolated(w, &s);
	fx_world_free(w);
}

static void test_ggtt_bit_patterns(void **state)
{
	struct world *w = fx_world(two);
	struct vgpu *bad = w->vms[0].vgpu;
	struct snapshot s;
	u64 rnd = 3, idx[8], patterns[12];
	u32 i, j;

	(void)state;
	idx[0] = 0;
	idx[1] = (bad->low_gm_base >> 12) - 1;
	idx[2] = bad->low_gm_base >> 12;
	idx[3] = ((bad->low_gm_base + bad->low_gm_size) >> 12) - 1;
	idx[4] = (bad->low_gm_base + bad->low_gm_size) >> 12;
	idx[5] = bad->high_gm_base >> 12;
	idx[6] = ((bad->high_gm_base + bad->high_gm_size) >> 12);
	idx[7] = (SIM_GPU_GM_SIZE >> 12) - 1;
	patterns[0] = 0;
	patterns[1] = 1;
	patterns[2] = ~0ULL;
	patterns[3] = ~0ULL - 1;
	patterns[4] = (WORLD_VM_RAM - 4096) | 1; /* last page of RAM */
	patterns[5] = WORLD_VM_RAM | 1; /* first frame past RAM */
	patterns[6] = (1ULL << 39) | 0x1000 | 1; /* reserved bit */
	patterns[7] = (1ULL << 63) | 1;
	patterns[8] = 0x7ffffff000ULL | 1; /* top of the address field */
	patterns[9] = 0xfff; /* flags only, not present */
	patterns[10] = 0xffe;
	patterns[11] = 0x1001;
	snap(w, &s);
	for (i = 0; i < xengt_array_size(idx); i++)
		for (j = 0; j < xengt_array_size(patterns); j++) {
			u64 off = VGPU_GGTT_OFFSET + idx[i] * 8;
			u32 lo = (u32)patterns[j], hi = patterns[j] >> 32;

			fx_wr64(bad, off, patterns[j]);
			fx_wr32(bad, off, lo);
			fx_wr32(bad, off + 4, hi);
		}
	for (i = 0; i < 500000; i++) {
		u64 off = VGPU_GGTT_OFFSET +
			  (fx_rand(&rnd) % (VGPU_GGTT_BYTES / 8)) * 8;
		u64 v = fx_rand(&rnd);

		if (i & 1)
			v &= 0x7ffffffULL << 12 | 0xfff; /* plausible entries */
		fx_wr64(bad, off, v);
	}
	check_isolated(w, &s);
	fx_world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmio_every_offset_and_size),
		cmocka_unit_test(test_engine_regs_between_submissions),
		cmocka_unit_test(test_config_every_offset),
		cmocka_unit_test(test_ggtt_bit_patterns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
