// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * xengt-soak: ztest for the GVT core.  The simulated world with the
 * maximum number of vGPUs, one guest thread each, for a given time and
 * seed: honest guests store and fill and check every result in their own
 * memory; hostile ones submit junk (random dwords mixed with real command
 * headers and addresses at every partition's edges), write GGTT and PPGTT
 * entries anywhere, and reset themselves when failsafe'd; every guest now
 * and then resets its vGPU, or has it destroyed and created again (and
 * may change sides).  Dispatch runs on the core's own threads.
 *
 * Checked: no honest result lost (a completion that never comes within
 * 10 s) or wrong, no honest guest failsafe'd, the software GPU's foreign
 * accesses and host escapes (command-directed accesses to the core's own
 * frames) stay 0 throughout, and at the end, with every vGPU destroyed,
 * the partitions, host frames, the core's own pages and the write
 * protections are all back where they started.
 *
 *   xengt-soak [--time SECONDS] [--seed N] [--hostile N]
 *
 * Prints one line of figures; exit status 0 only if all checks held.
 */
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wl.h"

#define SOAK_VMS XENGT_MAX_VGPUS
#define SOAK_WAIT_NS 10000000000ULL /* an honest completion's limit */
#define SOAK_HOSTILE_WAIT_NS 200000000ULL

struct soak;

struct soak_vm {
	struct soak *s;
	u32 index;
	pthread_t thread;
	struct wl_guest g;
	bool hostile;
	u64 data_gpa, blit_gpa;
	u64 rng;
	u64 honest_ops, hostile_ops, failsafes, resets, recreates;
	u64 lost, wrong;
	char why[384];
};

struct soak {
	struct world *w;
	struct soak_vm vm[SOAK_VMS];
	u64 deadline;
	int stop; /* atomic */
	u64 seed;
	/* held to create/destroy a vGPU, or to read another VM's vgpu */
	struct os_mutex gvt_ops;
};

/* Half the GM of the smallest type, so that all XENGT_MAX_VGPUS fit. */
static const struct xengt_vgpu_params soak_params = {
	.low_gm_mb = 32,
	.high_gm_mb = 128,
	.fences = 2,
	.weight = 1,
	.type_name = "soak",
};

static u64 soak_rand(struct soak_vm *sv)
{
	return fx_rand(&sv->rng);
}

static void soak_fail(struct soak_vm *sv, const char *what)
{
	struct xengt_engine_info e[XENGT_NR_ENGINES];
	u32 i;

	for (i = 0; i < XENGT_NR_ENGINES; i++)
		xengt_gvt_engine_info(sv->s->w->gvt, i, &e[i]);
	struct xengt_vgpu_info vi;

	xengt_vgpu_snapshot(sv->g.v, &vi);
	if (!sv->why[0])
		snprintf(
			sv->why, sizeof(sv->why),
			"VM %u (%s): %s [paused %d/%d blocked %d] [vGPU %s, %llu submissions, %llu done, %llu failed, %llu dropped, %llu queued, %llu mmio bad] [rcs: inflight %d queued %u busy %u submits %llu; bcs: inflight %d queued %u busy %u submits %llu]",
			sv->index, sv->hostile ? "hostile" : "honest", what,
			e[0].paused, e[1].paused, sv->g.v->blocked,
			xengt_vgpu_state_name(vi.state),
			(unsigned long long)vi.submissions,
			(unsigned long long)vi.workloads_done,
			(unsigned long long)vi.workloads_failed,
			(unsigned long long)vi.workloads_dropped,
			(unsigned long long)vi.queued,
			(unsigned long long)vi.mmio_bad, e[0].inflight,
			e[0].queued, e[0].busy,
			(unsigned long long)e[0].submits, e[1].inflight,
			e[1].queued, e[1].busy,
			(unsigned long long)e[1].submits);
	__atomic_store_n(&sv->s->stop, 1, __ATOMIC_RELEASE);
}

/*
 * What a guest driver does: write ELSP, then wait for its context's
 * completion event in its status page.  Returns 0 on completion, -1 on
 * time-out.
 */
static int soak_submit_wait(struct soak_vm *sv, u32 engine, u64 limit_ns)
{
	struct wl_guest *g = &sv->g;
	struct wl_ctx *c = &g->ctx[engine];
	u32 *hwsp = wl_ram32(g, c->hwsp_gpa);
	u32 elsp = execlist_engine_base(engine) + RING_ELSP;
	u32 before = __atomic_load_n(&hwsp[I915_HWS_CSB_WRITE_INDEX],
				     __ATOMIC_ACQUIRE);
	u64 desc = wl_desc(c), end = world_now_ns() + limit_ns;

	fx_wr32(g->v, elsp, 0);
	fx_wr32(g->v, elsp, 0);
	fx_wr32(g->v, elsp, (u32)(desc >> 32));
	fx_wr32(g->v, elsp, (u32)desc);
	for (;;) {
		u32 w = __atomic_load_n(&hwsp[I915_HWS_CSB_WRITE_INDEX],
					__ATOMIC_ACQUIRE);

		if (w != before && w < GEN8_CSB_ENTRIES &&
		    (__atomic_load_n(&hwsp[I915_HWS_CSB_BUF0_INDEX + 2 * w],
				     __ATOMIC_ACQUIRE) &
		     GEN8_CTX_STATUS_ACTIVE_IDLE))
			return 0;
		if (g->v->failsafe || world_now_ns() > end)
			return -1;
		sched_yield();
	}
}

/*
 * As i915's reset_csb_pointers(): a (re)initialised engine's CSB starts
 * over at entry 0, so the driver sets the write pointer it polls to the
 * last entry; left at its old value, a submission's events could end on
 * that very index and look like none.
 */
static void soak_csb_reset(struct soak_vm *sv)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		__atomic_store_n(
			&wl_ram32(&sv->g,
				  sv->g.ctx[e]
					  .hwsp_gpa)[I915_HWS_CSB_WRITE_INDEX],
			GEN8_CSB_ENTRIES - 1, __ATOMIC_RELEASE);
}

static void soak_reset(struct soak_vm *sv)
{
	xengt_vgpu_reset(sv->g.v);
	wl_reinit(&sv->g);
	soak_csb_reset(sv);
}

/* The guest's own objects after a fresh vGPU: contexts, data pages. */
static void soak_guest_init(struct soak_vm *sv)
{
	struct wl_guest *g = &sv->g;

	wl_init(g, sv->s->w, sv->index);
	sv->data_gpa = wl_page(g);
	sv->blit_gpa = wl_page(g);
	wl_ppgtt_map(g, WL_DATA_VA, sv->data_gpa);
	wl_ppgtt_map(g, WL_DATA_VA + 4096, sv->blit_gpa);
	soak_csb_reset(sv);
}

static void soak_honest_op(struct soak_vm *sv)
{
	struct wl_guest *g = &sv->g;
	u32 cmd[XY_COLOR_BLT_LEN], val = (u32)soak_rand(sv), k;

	sv->honest_ops++;
	if (soak_rand(sv) & 1) {
		u32 slot = soak_rand(sv) % 512;

		wl_sdi(cmd, WL_DATA_VA + 8ULL * slot, val);
		wl_emit(g, XENGT_RCS, cmd, 4);
		if (soak_submit_wait(sv, XENGT_RCS, SOAK_WAIT_NS)) {
			sv->lost++;
			soak_fail(sv, g->v->failsafe ? g->v->failsafe_reason :
						       "store never completed");
			return;
		}
		if (wl_ram32(g, sv->data_gpa)[2 * slot] != val) {
			sv->wrong++;
			soak_fail(sv, "store completed, value wrong");
		}
		return;
	}
	{
		u32 rows = 1 + soak_rand(sv) % 4, px = 1 + soak_rand(sv) % 256;
		u32 *p = wl_ram32(g, sv->blit_gpa), r;

		cmd[0] = XY_COLOR_BLT_CMD | BLT_WRITE_RGBA |
			 (XY_COLOR_BLT_LEN - 2);
		cmd[1] = BR13_DEPTH_32 | BLT_ROP_PATCOPY | 1024;
		cmd[2] = 0;
		cmd[3] = rows << 16 | px;
		cmd[4] = (u32)(WL_DATA_VA + 4096);
		cmd[5] = (u32)((WL_DATA_VA + 4096) >> 32);
		cmd[6] = val;
		wl_emit(g, XENGT_BCS, cmd, XY_COLOR_BLT_LEN);
		if (soak_submit_wait(sv, XENGT_BCS, SOAK_WAIT_NS)) {
			sv->lost++;
			soak_fail(sv, g->v->failsafe ? g->v->failsafe_reason :
						       "fill never completed");
			return;
		}
		for (r = 0; r < rows; r++)
			for (k = 0; k < px; k++)
				if (p[r * 256 + k] != val) {
					sv->wrong++;
					soak_fail(
						sv,
						"fill completed, pixels wrong");
					return;
				}
	}
}

/*
 * An address a hostile guest aims at: some partition's edge, or raw.
 * Another guest's thread may destroy and recreate the vGPU it reads the
 * edges of, so they are read under gvt_ops (what soak_recreate holds).
 */
static u64 soak_hostile_addr(struct soak_vm *sv)
{
	struct soak *s = sv->s;
	struct world *w = s->w;
	u32 which = soak_rand(sv) % w->nr_vms, kind = soak_rand(sv) % 5;
	s64 delta = (s64)(soak_rand(sv) % 64) - 32;
	const struct vgpu *v;
	u64 a;

	if (kind == 3)
		return WL_DATA_VA + (soak_rand(sv) % 0x3000);
	if (kind == 4)
		return soak_rand(sv) & 0xffffffffffffULL;
	os_mutex_lock(&s->gvt_ops);
	v = w->vms[which].vgpu;
	if (!v)
		a = soak_rand(sv);
	else if (kind == 0)
		a = v->low_gm_base + delta;
	else if (kind == 1)
		a = v->low_gm_base + v->low_gm_size + delta;
	else
		a = v->high_gm_base + v->high_gm_size + delta;
	os_mutex_unlock(&s->gvt_ops);
	return a;
}

static void soak_hostile_op(struct soak_vm *sv)
{
	static const u32 headers[] = {
		MI_STORE_DWORD_IMM_GEN4,
		MI_STORE_DWORD_IMM_GEN4 | MI_USE_GGTT,
		MI_STORE_QWORD_IMM_GEN8 | MI_USE_GGTT,
		MI_BATCH_BUFFER_START_GEN8,
		MI_BATCH_BUFFER_START_GEN8 | MI_BATCH_PPGTT,
		MI_LOAD_REGISTER_IMM(1),
		MI_STORE_REGISTER_MEM_GEN8 | MI_SRM_LRM_GLOBAL_GTT,
		MI_FLUSH_DW_GEN8 | MI_FLUSH_DW_OP_STOREDW,
		GFX_OP_PIPE_CONTROL(6),
		XY_COLOR_BLT_CMD | BLT_WRITE_RGBA | (XY_COLOR_BLT_LEN - 2),
		XY_SRC_COPY_BLT_CMD | BLT_WRITE_RGBA | 8,
		MI_BATCH_BUFFER_END,
		MI_NOOP,
	};
	struct wl_guest *g = &sv->g;
	u32 cmd[32], n, i;
	u64 a;

	sv->hostile_ops++;
	switch (soak_rand(sv) % 4) {
	case 0: /* a GGTT entry anywhere near anyone's edges */
		a = soak_hostile_addr(sv);
		fx_wr64(g->v, VGPU_GGTT_OFFSET + ((a >> 12) * 8 & 0x7ffff8),
			(soak_rand(sv) % (WORLD_VM_RAM + XENGT_MB(1)) &
			 ~0xfffULL) |
				1);
		break;
	case 1: /* a PPGTT entry of one of its tables, anything */
		wl_pt_write(g, g->pml4_gpa + (soak_rand(sv) % 512) * 8,
			    soak_rand(sv));
		break;
	default: /* junk with real headers and addresses of interest */
		n = 1 + soak_rand(sv) % 31;
		for (i = 0; i < n; i++) {
			u64 r = soak_rand(sv);

			if (r % 3 == 0)
				cmd[i] = headers[(r >> 8) %
						 xengt_array_size(headers)];
			else if (r % 3 == 1)
				cmd[i] = (u32)soak_hostile_addr(sv);
			else
				cmd[i] = (u32)(r >> 16);
		}
		wl_emit(g, soak_rand(sv) & 1 ? XENGT_BCS : XENGT_RCS, cmd, n);
		soak_submit_wait(sv, soak_rand(sv) & 1 ? XENGT_BCS : XENGT_RCS,
				 SOAK_HOSTILE_WAIT_NS);
		break;
	}
	if (g->v->failsafe) {
		sv->failsafes++;
		soak_reset(sv);
	}
}

/* Destroy the vGPU and create it again, on zeroed RAM; maybe switch sides. */
static void soak_recreate(struct soak_vm *sv)
{
	struct soak *s = sv->s;
	struct world_vm *wv = &s->w->vms[sv->index];
	struct xengt_vgpu_params p = soak_params;
	struct vgpu *v;
	u64 gpa;

	sv->recreates++;
	os_mutex_lock(&s->gvt_ops);
	xengt_vgpu_detach(wv->vgpu);
	xengt_vgpu_destroy(wv->vgpu);
	wv->vgpu = NULL;
	if (wv->vm->nr_wp) {
		os_mutex_unlock(&s->gvt_ops);
		soak_fail(sv, "write protection left after destroy");
		return;
	}
	for (gpa = 0; gpa < WORLD_VM_RAM; gpa += XENGT_PAGE_SIZE)
		memset(sim_vm_ram(wv->vm, gpa), 0, XENGT_PAGE_SIZE);
	p.domid = wv->vm->base.domid;
	if (xengt_vgpu_create(s->w->gvt, &p, &v) ||
	    xengt_vgpu_attach(v, &wv->vm->base)) {
		os_mutex_unlock(&s->gvt_ops);
		soak_fail(sv, "cannot create the vGPU again");
		return;
	}
	wv->vgpu = v;
	sim_gpu_set_tag_owner(&s->w->gpu, xengt_vgpu_id(v), p.domid);
	os_mutex_unlock(&s->gvt_ops);
	if (soak_rand(sv) % 4 == 0)
		sv->hostile = !sv->hostile;
	soak_guest_init(sv);
}

static void *soak_guest(void *arg)
{
	struct soak_vm *sv = arg;
	struct soak *s = sv->s;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) &&
	       world_now_ns() < s->deadline) {
		u32 r = soak_rand(sv) % 1000;

		if (r < 940) {
			if (sv->hostile)
				soak_hostile_op(sv);
			else
				soak_honest_op(sv);
		} else if (r < 985) {
			sv->resets++;
			soak_reset(sv);
		} else {
			soak_recreate(sv);
		}
	}
	return NULL;
}

static u64 soak_log_lines; /* atomic */

static void soak_log(enum os_log_level level, const char *msg)
{
	(void)level;
	(void)msg;
	__atomic_add_fetch(&soak_log_lines, 1, __ATOMIC_RELAXED);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "hostile", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct soak *s = calloc(1, sizeof(*s));
	struct xengt_resources r0, r1;
	u64 secs = 60, frames0, core0, frames1, core1, foreign, escapes;
	u64 sum[8] = { 0 };
	u32 hostile = 2, i;
	char *end;
	int c, bad = 0;

	if (!s)
		return 1;
	s->seed = (u64)time(NULL);
	while ((c = getopt_long(argc, argv, "t:s:H:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			secs = strtoull(optarg, &end, 10);
			if (*end || !secs)
				bad = 1;
			break;
		case 's':
			s->seed = strtoull(optarg, &end, 10);
			if (*end)
				bad = 1;
			break;
		case 'H':
			hostile = strtoul(optarg, &end, 10);
			if (*end || hostile > SOAK_VMS)
				bad = 1;
			break;
		case 'h':
			printf("usage: xengt-soak [--time SECONDS] [--seed N] [--hostile 0..%u]\n",
			       SOAK_VMS);
			return 0;
		default:
			bad = 1;
		}
	}
	if (bad || optind != argc) {
		fprintf(stderr,
			"usage: xengt-soak [--time SECONDS] [--seed N] [--hostile 0..%u]\n"
			"  (--time: a positive number of seconds; --seed: a decimal number)\n",
			SOAK_VMS);
		return 2;
	}
	os_log_threshold = OS_LOG_SILENT;
	os_log_hook = soak_log;
	os_mutex_init(&s->gvt_ops);
	s->w = calloc(1, sizeof(*s->w));
	if (!s->w || world_init(s->w, SOAK_VMS)) {
		fprintf(stderr, "xengt-soak: cannot set up the world\n");
		return 1;
	}
	xengt_gvt_resources(s->w->gvt, &r0);
	frames0 = sim_machine_free_frames(&s->w->machine);
	core0 = core_gm_mapped(&s->w->gvt->core_gm);
	for (i = 0; i < SOAK_VMS; i++) {
		struct soak_vm *sv = &s->vm[i];

		if (world_add_vm_params(s->w, &soak_params, WORLD_VM_RAM)) {
			fprintf(stderr, "xengt-soak: cannot add VM %u\n", i);
			return 1;
		}
		sv->s = s;
		sv->index = i;
		sv->rng = s->seed * 0x100 + i;
		/* Hostile ones spread over the partitions: both edges. */
		sv->hostile =
			i * hostile / SOAK_VMS != (i + 1) * hostile / SOAK_VMS;
		soak_guest_init(sv);
	}
	s->deadline = world_now_ns() + secs * 1000000000ULL;
	for (i = 0; i < SOAK_VMS; i++)
		if (pthread_create(&s->vm[i].thread, NULL, soak_guest,
				   &s->vm[i])) {
			fprintf(stderr, "xengt-soak: cannot start threads\n");
			return 1;
		}
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) &&
	       world_now_ns() < s->deadline) {
		struct timespec t = { 0, 50000000 };

		if (wl_foreign(s->w) || wl_host_escapes(s->w))
			__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
		nanosleep(&t, NULL);
	}
	for (i = 0; i < SOAK_VMS; i++)
		pthread_join(s->vm[i].thread, NULL);
	xengt_gvt_drain(s->w->gvt);
	foreign = wl_foreign(s->w);
	escapes = wl_host_escapes(s->w);

	for (i = 0; i < SOAK_VMS; i++) {
		struct soak_vm *sv = &s->vm[i];
		struct world_vm *wv = &s->w->vms[i];

		sum[0] += sv->honest_ops;
		sum[1] += sv->hostile_ops;
		sum[2] += sv->failsafes;
		sum[3] += sv->resets;
		sum[4] += sv->recreates;
		sum[5] += sv->lost;
		sum[6] += sv->wrong;
		if (sv->why[0]) {
			fprintf(stderr, "xengt-soak: %s\n", sv->why);
			bad = 1;
		}
		xengt_vgpu_detach(wv->vgpu);
		xengt_vgpu_destroy(wv->vgpu);
		wv->vgpu = NULL;
		if (wv->vm->nr_wp) {
			fprintf(stderr,
				"xengt-soak: VM %u: %llu pages still write-protected\n",
				i, (unsigned long long)wv->vm->nr_wp);
			bad = 1;
		}
		sim_vm_destroy(wv->vm);
		wv->vm = NULL;
	}
	s->w->nr_vms = 0;
	xengt_gvt_resources(s->w->gvt, &r1);
	frames1 = sim_machine_free_frames(&s->w->machine);
	core1 = core_gm_mapped(&s->w->gvt->core_gm);
	if (memcmp(&r0, &r1, sizeof(r0)) || frames1 != frames0 ||
	    core1 != core0) {
		fprintf(stderr,
			"xengt-soak: accounting: free frames %llu (were %llu), core pages %llu (were %llu), vGPUs %u, low GM free %u MiB (was %u)\n",
			(unsigned long long)frames1,
			(unsigned long long)frames0, (unsigned long long)core1,
			(unsigned long long)core0, r1.vgpus, r1.low_gm_free_mb,
			r0.low_gm_free_mb);
		bad = 1;
	}
	if (foreign) {
		fprintf(stderr, "xengt-soak: %llu foreign GPU accesses\n",
			(unsigned long long)foreign);
		bad = 1;
	}
	if (escapes) {
		fprintf(stderr,
			"xengt-soak: %llu command-directed GPU accesses to host frames\n",
			(unsigned long long)escapes);
		bad = 1;
	}
	printf("soak: seed=%llu secs=%llu vms=%u hostile_at_start=%u honest_ops=%llu lost=%llu wrong=%llu hostile_ops=%llu failsafe=%llu resets=%llu recreates=%llu foreign=%llu host_escapes=%llu log_lines=%llu accounting=%s result=%s\n",
	       (unsigned long long)s->seed, (unsigned long long)secs, SOAK_VMS,
	       hostile, (unsigned long long)sum[0], (unsigned long long)sum[5],
	       (unsigned long long)sum[6], (unsigned long long)sum[1],
	       (unsigned long long)sum[2], (unsigned long long)sum[3],
	       (unsigned long long)sum[4], (unsigned long long)foreign,
	       (unsigned long long)escapes, (unsigned long long)soak_log_lines,
	       memcmp(&r0, &r1, sizeof(r0)) || frames1 != frames0 ||
			       core1 != core0 ?
		       "LEAK" :
		       "ok",
	       bad ? "FAILED" : "ok");
	fflush(stdout);
	world_fini(s->w);
	free(s->w);
	os_mutex_destroy(&s->gvt_ops);
	free(s);
	return bad;
}
