// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Workloads: preparation in the trap, per-engine dispatch, completion (see
 * workload.h).
 */
#include "vgpu.h"
#include "workload.h"
#include "ppgtt.h"

/* ---- preparation (trap path, vgpu->lock) ------------------------------- */

/* Register-state dwords of a guest image the shadow is built from. */
#define WORKLOAD_STATE_DWORDS (CTX_PDP0_LDW + 1)

static void workload_fail(struct vgpu *vgpu, u32 engine, u64 desc,
			  const char *what)
{
	char why[160];

	os_snprintf(why, sizeof(why),
		    "workload on engine 0x%x (context 0x%llx) rejected: %s",
		    execlist_engine_base(engine), execlist_desc_lrca(desc),
		    what);
	vgpu->exec_stats.workloads_failed++;
	vgpu_enter_failsafe(vgpu, why);
}

/* A workload with its shadow context mapped: the engine's spare, or new. */
static struct workload *workload_get(struct vgpu *vgpu, u32 engine)
{
	struct xengt_gvt *gvt = vgpu->gvt;
	struct workload *wl = vgpu->wl.spare[engine];

	if (wl) {
		vgpu->wl.spare[engine] = NULL;
		return wl;
	}
	wl = os_zalloc(sizeof(*wl));
	if (!wl)
		return NULL;
	wl->vgpu = vgpu;
	wl->engine = engine;
	if (core_gm_alloc(&gvt->core_gm, gvt->gpu, EXECLIST_CTX_PAGES,
			  wl->ctx_cpu, wl->ctx_dma, &wl->shadow_gm)) {
		os_free(wl);
		return NULL;
	}
	return wl;
}

static void workload_free(struct workload *wl)
{
	struct xengt_gvt *gvt = wl->vgpu->gvt;

	core_gm_free(&gvt->core_gm, gvt->gpu, wl->shadow_gm, EXECLIST_CTX_PAGES,
		     wl->ctx_cpu, wl->ctx_dma);
	os_free(wl);
}

static void workload_live_add(struct vgpu *vgpu, struct workload *wl)
{
	struct workload **head = &vgpu->wl.live[wl->engine];

	wl->live_prev = NULL;
	wl->live_next = *head;
	if (*head)
		(*head)->live_prev = wl;
	*head = wl;
	wl->live = true;
}

static void workload_live_del(struct vgpu *vgpu, struct workload *wl)
{
	if (!wl->live)
		return;
	if (wl->live_prev)
		wl->live_prev->live_next = wl->live_next;
	else
		vgpu->wl.live[wl->engine] = wl->live_next;
	if (wl->live_next)
		wl->live_next->live_prev = wl->live_prev;
	wl->live_prev = wl->live_next = NULL;
	wl->live = false;
}

/*
 * The newest unfinished workload of the context @wl is for, since the
 * engine's last reset, or NULL.  Until it finishes, the guest's image
 * holds the ring head from before it (hardware saves the context only
 * when it switches away), so a resubmission (a lite restore, or a context
 * preempted and put back) goes on from its tail instead.
 */
static const struct workload *workload_live_last(struct vgpu *vgpu,
						 const struct workload *wl)
{
	const struct workload *p;
	u64 lrca = execlist_desc_lrca(wl->elem.desc);

	for (p = vgpu->wl.live[wl->engine]; p; p = p->live_next)
		if (p->elem.epoch == wl->elem.epoch &&
		    execlist_desc_lrca(p->elem.desc) == lrca)
			return p;
	return NULL;
}

void workload_discard(struct workload *wl)
{
	struct vgpu *vgpu = wl->vgpu;

	workload_live_del(vgpu, wl);
	cmd_shadow_release(vgpu, &wl->cmds);
	if (wl->mm)
		ppgtt_unpin_mm(vgpu, wl->mm);
	wl->mm = NULL;
	wl->next = NULL;
	if (!vgpu->wl.spare[wl->engine])
		vgpu->wl.spare[wl->engine] = wl;
	else
		workload_free(wl);
}

/* Canonical (register, context slot) pairs of the shadow state page. */
struct ctx_pair {
	u16 dword; /* value slot; the register offset goes one before */
	u16 reg; /* offset from the engine base */
};

static const struct ctx_pair ctx_ring_pairs[] = {
	{ CTX_CONTEXT_CONTROL, RING_CONTEXT_CONTROL },
	{ CTX_RING_HEAD, RING_HEAD },
	{ CTX_RING_TAIL, RING_TAIL },
	{ CTX_RING_START, RING_START },
	{ CTX_RING_CTL, RING_CTL },
	{ CTX_BB_HEAD_U, RING_BBADDR_UDW },
	{ CTX_BB_HEAD_L, RING_BBADDR },
	{ CTX_BB_STATE, RING_BBSTATE },
};

static const struct ctx_pair ctx_pdp_pairs[] = {
	{ CTX_TIMESTAMP, RING_CTX_TIMESTAMP },
	{ CTX_PDP3_UDW, RING_PDP_UDW(3) },
	{ CTX_PDP3_LDW, RING_PDP_LDW(3) },
	{ CTX_PDP2_UDW, RING_PDP_UDW(2) },
	{ CTX_PDP2_LDW, RING_PDP_LDW(2) },
	{ CTX_PDP1_UDW, RING_PDP_UDW(1) },
	{ CTX_PDP1_LDW, RING_PDP_LDW(1) },
	{ CTX_PDP0_UDW, RING_PDP_UDW(0) },
	{ CTX_PDP0_LDW, RING_PDP_LDW(0) },
};

/* What the shadow state page takes from a checked guest image. */
struct ctx_state {
	u32 ctx_control, timestamp;
	u32 ring_start, ring_ctl, head, tail;
	u64 root; /* shadow PML4 */
};

/*
 * The shadow register state page: the core's own LRI headers and register
 * offsets (a guest image cannot make the restore load other registers),
 * with the guest's values only where they are the context's own: context
 * control, the checked ring registers, the timestamp.  Batch state is
 * cleared (the core never resumes a half-run batch) and the PPGTT root is
 * the shadow's.  Values come from the copy that was checked, never from a
 * second read of guest memory.
 */
static void workload_build_state(u32 *s, u32 base, const struct ctx_state *c)
{
	u32 i;

	os_memset(s, 0, XENGT_PAGE_SIZE);
	s[CTX_LRI_HEADER_0] = MI_LOAD_REGISTER_IMM(11) | MI_LRI_FORCE_POSTED;
	for (i = 0; i < xengt_array_size(ctx_ring_pairs); i++)
		s[ctx_ring_pairs[i].dword - 1] = base + ctx_ring_pairs[i].reg;
	s[CTX_CONTEXT_CONTROL] = c->ctx_control;
	s[CTX_RING_HEAD] = c->head;
	s[CTX_RING_TAIL] = c->tail;
	s[CTX_RING_START] = c->ring_start;
	s[CTX_RING_CTL] = c->ring_ctl;
	s[CTX_LRI_HEADER_1] = MI_LOAD_REGISTER_IMM(9) | MI_LRI_FORCE_POSTED;
	for (i = 0; i < xengt_array_size(ctx_pdp_pairs); i++)
		s[ctx_pdp_pairs[i].dword - 1] = base + ctx_pdp_pairs[i].reg;
	s[CTX_TIMESTAMP] = c->timestamp;
	s[CTX_PDP0_UDW] = (u32)(c->root >> 32);
	s[CTX_PDP0_LDW] = (u32)c->root;
}

/* Shadow the context of @wl, check its ring and PPGTT, scan it. */
static int workload_shadow(struct vgpu *vgpu, struct workload *wl)
{
	u32 engine = wl->engine;
	u64 desc = wl->elem.desc, lrca = execlist_desc_lrca(desc);
	struct cmd_workload w = { .engine = engine };
	const struct workload *prev = workload_live_last(vgpu, wl);
	struct ctx_state c;
	char reason[128];
	u32 *g = (u32 *)vgpu->scan_buf;
	u64 root;
	int ret;

	/*
	 * Only the register-state dwords the shadow takes are read (into a
	 * private copy).  The per-process HWSP is not shadowed: the shadow's
	 * page 0 is the core's, the GPU's store-index writes land there (the
	 * scanner lets them: they cannot leave that page) and nothing is
	 * copied back, as i915 only uses it as a flush scratch slot it never
	 * reads.
	 */
	if (ggtt_gm_read(vgpu, lrca + LRC_STATE_OFFSET, g,
			 WORKLOAD_STATE_DWORDS * 4)) {
		workload_fail(vgpu, engine, desc, "context image not mapped");
		return -EFAULT;
	}
	c.ctx_control = g[CTX_CONTEXT_CONTROL];
	c.timestamp = g[CTX_TIMESTAMP];
	c.ring_start = g[CTX_RING_START] & 0xfffff000U;
	c.ring_ctl = g[CTX_RING_CTL];
	c.head = prev ? prev->elem.ring_tail & RING_TAIL_ADDR :
			g[CTX_RING_HEAD] & RING_HEAD_ADDR;
	c.tail = wl->elem.ring_tail & RING_TAIL_ADDR;
	wl->ring_head = c.head;
	root = (u64)g[CTX_PDP0_UDW] << 32 | g[CTX_PDP0_LDW];
	w.ring_start = c.ring_start;
	w.ring_size = (c.ring_ctl & RING_NR_PAGES) + XENGT_PAGE_SIZE;
	if (!(c.ring_ctl & RING_VALID) ||
	    !ggtt_gm_range_owned(vgpu, w.ring_start, w.ring_size) ||
	    c.head >= w.ring_size || c.tail >= w.ring_size) {
		os_snprintf(
			reason, sizeof(reason),
			"ring 0x%x ctl 0x%x head 0x%x tail 0x%x outside the vGPU's graphics memory",
			c.ring_start, c.ring_ctl, c.head, c.tail);
		workload_fail(vgpu, engine, desc, reason);
		return -EFAULT;
	}
	w.head = c.head;
	w.tail = c.tail;
	wl->ring_size = w.ring_size;
	ret = ppgtt_get_mm(vgpu, root, &w.mm);
	if (ret) {
		os_snprintf(
			reason, sizeof(reason),
			ret == -ENOSPC ?
				"PPGTT root 0x%llx: shadow limits exceeded" :
				"PPGTT root 0x%llx is not the guest's memory",
			root);
		workload_fail(vgpu, engine, desc, reason);
		return ret;
	}
	ppgtt_pin_mm(w.mm);
	wl->mm = w.mm;
	ret = cmd_scan(vgpu, &w, &wl->cmds, reason, sizeof(reason));
	if (ret) {
		workload_fail(vgpu, engine, desc, reason);
		return ret;
	}
	/* The GPU runs the scanned copy of the slice, from its start. */
	c.ring_start = (u32)w.shadow_ring;
	c.ring_ctl = (c.ring_ctl & ~RING_NR_PAGES) |
		     RING_CTL_SIZE(w.shadow_ring_size);
	c.head = 0;
	c.tail = w.shadow_tail;
	c.root = ppgtt_mm_root_dma(w.mm);
	workload_build_state(wl->ctx_cpu[LRC_STATE_PN],
			     execlist_engine_base(engine), &c);
	return 0;
}

struct workload *workload_prepare(struct vgpu *vgpu, u32 engine,
				  const struct execlist_elem *elem)
{
	struct workload *wl = workload_get(vgpu, engine);

	if (!wl) {
		workload_fail(vgpu, engine, elem->desc, "out of host memory");
		return NULL;
	}
	wl->elem = *elem;
	wl->events = 0;
	if (workload_shadow(vgpu, wl)) {
		workload_discard(wl);
		return NULL;
	}
	workload_live_add(vgpu, wl);
	return wl;
}

int workload_queue(struct vgpu *vgpu, u32 engine, struct workload **wls, u32 n)
{
	struct workload_queue *q = &vgpu->wl.q[engine];
	struct xengt_engine *pe = &vgpu->gvt->engine[engine];
	u32 i;

	os_mutex_lock(&vgpu->wl.qlock);
	if (q->count + n > EXECLIST_QUEUE_LEN) {
		os_mutex_unlock(&vgpu->wl.qlock);
		return -ENOSPC;
	}
	for (i = 0; i < n; i++) {
		wls[i]->next = NULL;
		if (q->tail)
			q->tail->next = wls[i];
		else
			q->head = wls[i];
		q->tail = wls[i];
	}
	os_atomic32_set(&q->count, q->count + n);
	os_atomic32_add(&vgpu->wl.busy, (s32)n);
	os_mutex_unlock(&vgpu->wl.qlock);
	if (!__atomic_load_n(&pe->paused, __ATOMIC_ACQUIRE))
		os_work_queue(&pe->dispatch);
	return 0;
}

/* First workload of @q, or NULL.  Caller holds vgpu->wl.qlock. */
static struct workload *workload_pop(struct workload_queue *q)
{
	struct workload *wl = q->head;

	if (!wl)
		return NULL;
	q->head = wl->next;
	if (!q->head)
		q->tail = NULL;
	wl->next = NULL;
	os_atomic32_set(&q->count, q->count - 1);
	return wl;
}

u32 workload_vgpu_drop_engine(struct vgpu *vgpu, u32 engine)
{
	struct workload *list = NULL, *wl;
	u32 n = 0;

	os_mutex_lock(&vgpu->wl.qlock);
	while ((wl = workload_pop(&vgpu->wl.q[engine]))) {
		wl->next = list;
		list = wl;
		n++;
	}
	os_atomic32_add(&vgpu->wl.busy, -(s32)n);
	os_mutex_unlock(&vgpu->wl.qlock);
	while (list) {
		wl = list;
		list = wl->next;
		workload_discard(wl);
	}
	vgpu->exec_stats.workloads_dropped += n;
	return n;
}

u32 workload_vgpu_drop(struct vgpu *vgpu)
{
	u32 e, n = 0;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		n += workload_vgpu_drop_engine(vgpu, e);
	return n;
}

u32 workload_vgpu_queued(struct vgpu *vgpu)
{
	u32 e, n = 0;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		n += os_atomic32_read(&vgpu->wl.q[e].count);
	return n;
}

/* ---- completion --------------------------------------------------------- */

/*
 * The context went back to the guest: its timestamp and ring head,
 * then the CSB event and interrupt.  The GPU consumed the shadow ring; the
 * head it saved there is an offset in the copy of the slice, which started
 * at the guest's head.  After an engine reset nothing of it goes back: the
 * guest has rewound the context and the CSB itself.  Caller holds
 * vgpu->lock.
 */
static void workload_finish(struct workload *wl)
{
	struct vgpu *vgpu = wl->vgpu;
	const u32 *s = wl->ctx_cpu[LRC_STATE_PN];
	u64 desc = wl->elem.desc;
	u32 head = (wl->ring_head + (s[CTX_RING_HEAD] & RING_HEAD_ADDR)) %
		   wl->ring_size;

	if (execlist_elem_stale(vgpu, wl->engine, &wl->elem)) {
		vgpu->exec_stats.workloads_stale++;
		workload_discard(wl);
		os_atomic32_add(&vgpu->wl.busy, -1);
		return;
	}
	ggtt_gm_write(vgpu, execlist_ctx_reg_gm(desc, CTX_RING_HEAD), &head, 4);
	ggtt_gm_write(vgpu, execlist_ctx_reg_gm(desc, CTX_TIMESTAMP),
		      &s[CTX_TIMESTAMP], 4);
	vgpu->exec_stats.workloads_done++;
	if (wl->events & XENGT_GPU_EV_ERROR)
		vgpu->exec_stats.gpu_errors++;
	execlist_complete(vgpu, wl->engine, &wl->elem,
			  wl->events & XENGT_GPU_EV_USER_IRQ);
	workload_discard(wl);
	os_atomic32_add(&vgpu->wl.busy, -1);
}

void workload_vgpu_finish_done(struct vgpu *vgpu)
{
	struct workload *list, *prev = NULL, *wl;

	if (!__atomic_load_n(&vgpu->wl.done, __ATOMIC_ACQUIRE))
		return;
	os_mutex_lock(&vgpu->wl.qlock);
	list = vgpu->wl.done;
	/* Atomic: vgpu_unlock() peeks at it without the lock. */
	__atomic_store_n(&vgpu->wl.done, NULL, __ATOMIC_RELEASE);
	os_mutex_unlock(&vgpu->wl.qlock);
	/* Pushed newest first: finish them in completion order. */
	while (list) {
		wl = list;
		list = wl->next;
		wl->next = prev;
		prev = wl;
	}
	while (prev) {
		wl = prev;
		prev = wl->next;
		workload_finish(wl);
	}
}

/*
 * Finish @wl now if its vGPU's lock is free, else leave it to the lock's
 * holder (a trap scanning a batch must not stall the engine for everyone).
 */
static void workload_complete_vgpu(struct workload *wl)
{
	struct vgpu *vgpu = wl->vgpu;

	if (os_mutex_trylock(&vgpu->lock)) {
		workload_finish(wl);
		vgpu_unlock(vgpu);
		return;
	}
	os_mutex_lock(&vgpu->wl.qlock);
	wl->next = vgpu->wl.done;
	__atomic_store_n(&vgpu->wl.done, wl, __ATOMIC_RELEASE);
	os_mutex_unlock(&vgpu->wl.qlock);
	/* The holder may have looked at the list just before the push. */
	if (os_mutex_trylock(&vgpu->lock))
		vgpu_unlock(vgpu);
}

static void workload_gpu_complete(const struct xengt_gpu_client *client,
				  u32 engine, u64 cookie, u32 events)
{
	struct xengt_gvt *gvt =
		(struct xengt_gvt *)((u8 *)client -
				     __builtin_offsetof(struct xengt_gvt,
							gpu_client));
	struct xengt_engine *pe;
	struct workload *wl;
	u64 now;

	if (engine >= XENGT_NR_ENGINES)
		return;
	pe = &gvt->engine[engine];
	os_mutex_lock(&pe->lock);
	wl = pe->inflight;
	if (!wl || (u64)(unsigned long)wl != cookie) {
		os_mutex_unlock(&pe->lock);
		gvt_err("engine %u: completion of a context not in flight",
			engine);
		return;
	}
	pe->inflight = NULL;
	now = gvt->gpu->ops->timestamp(gvt->gpu, engine);
	sched_account(pe, wl->vgpu, now - pe->t0);
	os_mutex_unlock(&pe->lock);
	wl->events = events;
	workload_complete_vgpu(wl);
	if (!__atomic_load_n(&pe->paused, __ATOMIC_ACQUIRE))
		os_work_queue(&pe->dispatch);
}

/* ---- dispatch ----------------------------------------------------------- */

/*
 * The GPU backend refused @wl (it will not complete it): it never ran, so
 * the guest must not see a completion; the vGPU goes to failsafe with the
 * reason, as for any workload the core cannot run.
 */
static void workload_refused(struct xengt_engine *pe, struct workload *wl,
			     int err)
{
	struct vgpu *vgpu = wl->vgpu;
	char why[96];

	os_mutex_lock(&pe->lock);
	pe->inflight = NULL;
	os_mutex_unlock(&pe->lock);
	os_snprintf(why, sizeof(why), "the GPU refused a context (error %d)",
		    err);
	vgpu_lock(vgpu);
	workload_fail(vgpu, wl->engine, wl->elem.desc, why);
	workload_discard(wl);
	os_atomic32_add(&vgpu->wl.busy, -1);
	vgpu_unlock(vgpu);
}

/*
 * Submit @pe's next workload.  Returns 1 if one went to the GPU, -EBUSY
 * if one is on it already, 0 if nothing is runnable, having let the engine
 * idle for capped vGPUs, at most @idle_budget ticks when that is non-zero.
 */
static int engine_dispatch_one(struct xengt_engine *pe, u64 idle_budget)
{
	struct xengt_gvt *gvt = pe->gvt;
	struct xengt_gpu_ctx ctx;
	struct workload *wl = NULL;
	int ret;

	os_mutex_lock(&pe->lock);
	if (pe->inflight) {
		os_mutex_unlock(&pe->lock);
		return -EBUSY;
	}
	while (!wl) {
		bool throttled;
		struct vgpu *v = sched_pick(pe, &throttled);
		u64 wait;

		if (v) {
			os_mutex_lock(&v->wl.qlock);
			wl = workload_pop(&v->wl.q[pe->id]);
			os_mutex_unlock(&v->wl.qlock);
			continue;
		}
		wait = throttled ? sched_idle_until_eligible(pe) : 0;
		if (!wait)
			break;
		/* Only capped work left: the engine idles (real time on HW). */
		if (idle_budget && wait > idle_budget)
			wait = idle_budget;
		sched_account(pe, NULL, wait);
		if (idle_budget)
			break;
	}
	if (!wl) {
		os_mutex_unlock(&pe->lock);
		return 0;
	}
	pe->inflight = wl;
	pe->t0 = gvt->gpu->ops->timestamp(gvt->gpu, pe->id);
	pe->submits++;
	os_mutex_unlock(&pe->lock);

	ctx = (struct xengt_gpu_ctx){
		.lrca = wl->shadow_gm,
		.ctx_id = wl->vgpu->id << GEN8_CTX_ID_TAG_SHIFT | pe->id,
		.cookie = (u64)(unsigned long)wl,
	};
	ret = gvt->gpu->ops->submit(gvt->gpu, pe->id, &ctx);
	if (ret)
		workload_refused(pe, wl, ret);
	return 1;
}

static bool engine_busy(struct xengt_engine *pe)
{
	bool busy;

	os_mutex_lock(&pe->lock);
	busy = pe->inflight != NULL;
	os_mutex_unlock(&pe->lock);
	return busy;
}

/* The dispatcher: submit until the GPU is busy or nothing is runnable. */
static void engine_dispatch(struct os_work *w)
{
	struct xengt_engine *pe =
		(struct xengt_engine *)((u8 *)w -
					__builtin_offsetof(struct xengt_engine,
							   dispatch));

	while (!__atomic_load_n(&pe->paused, __ATOMIC_ACQUIRE) &&
	       engine_dispatch_one(pe, 0) > 0 && !engine_busy(pe))
		;
}

u64 xengt_sched_run(struct xengt_gvt *gvt, u64 budget)
{
	u64 most = 0;
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		struct xengt_engine *pe = &gvt->engine[e];
		u64 start, elapsed = 0;
		bool throttled;

		os_mutex_lock(&pe->lock);
		start = pe->sched.now;
		os_mutex_unlock(&pe->lock);
		while (!budget || elapsed < budget) {
			int ran = engine_dispatch_one(
				pe, budget ? budget - elapsed : 0);

			/* The GPU may complete later, on a thread of its own. */
			while (engine_busy(pe))
				os_yield();
			os_mutex_lock(&pe->lock);
			elapsed = pe->sched.now - start;
			throttled = budget && sched_idle_until_eligible(pe);
			os_mutex_unlock(&pe->lock);
			/* -EBUSY: the worker has the engine; go on after it. */
			if (!ran && !throttled)
				break;
		}
		if (elapsed > most)
			most = elapsed;
	}
	return most;
}

void xengt_sched_pause(struct xengt_gvt *gvt, bool paused)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		struct xengt_engine *pe = &gvt->engine[e];

		__atomic_store_n(&pe->paused, paused, __ATOMIC_RELEASE);
		if (paused)
			os_work_flush(&pe->dispatch);
		else
			os_work_queue(&pe->dispatch);
	}
}

void xengt_sched_set_slice(struct xengt_gvt *gvt, u64 ticks)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		struct xengt_engine *pe = &gvt->engine[e];

		os_mutex_lock(&pe->lock);
		pe->sched.slice = ticks ? ticks : 1;
		pe->sched.slice_left = 0;
		os_mutex_unlock(&pe->lock);
	}
}

void xengt_gvt_drain(struct xengt_gvt *gvt)
{
	u32 i;

	for (i = 0; i < XENGT_MAX_VGPUS; i++) {
		struct vgpu *v;

		os_mutex_lock(&gvt->lock);
		v = gvt->vgpus[i];
		while (v && os_atomic32_read(&v->wl.busy)) {
			os_mutex_unlock(&gvt->lock);
			os_yield();
			os_mutex_lock(&gvt->lock);
			v = gvt->vgpus[i];
		}
		os_mutex_unlock(&gvt->lock);
	}
}

/* ---- set-up ------------------------------------------------------------- */

void xengt_engines_lock(struct xengt_gvt *gvt)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		os_mutex_lock(&gvt->engine[e].lock);
}

void xengt_engines_unlock(struct xengt_gvt *gvt)
{
	u32 e = XENGT_NR_ENGINES;

	while (e--)
		os_mutex_unlock(&gvt->engine[e].lock);
}

void workload_vgpu_init(struct vgpu *vgpu)
{
	os_memset(&vgpu->wl, 0, sizeof(vgpu->wl));
	os_mutex_init(&vgpu->wl.qlock);
}

void workload_vgpu_quiesce(struct vgpu *vgpu)
{
	while (os_atomic32_read(&vgpu->wl.busy)) {
		/* Finish what waits for the lock; the GPU finishes the rest. */
		vgpu_lock(vgpu);
		vgpu_unlock(vgpu);
		os_yield();
	}
}

void workload_vgpu_fini(struct vgpu *vgpu)
{
	u32 e;

	cmd_shadow_cache_drain(vgpu);
	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		if (vgpu->wl.spare[e])
			workload_free(vgpu->wl.spare[e]);
		vgpu->wl.spare[e] = NULL;
	}
}

int workload_gvt_init(struct xengt_gvt *gvt)
{
	static const char *const names[XENGT_NR_ENGINES] = { "rcs0", "bcs0",
							     "vcs0", "vecs0" };
	u32 e;
	int ret;

	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		struct xengt_engine *pe = &gvt->engine[e];

		pe->gvt = gvt;
		pe->id = e;
		os_mutex_init(&pe->lock);
		sched_engine_init(&pe->sched);
		ret = os_work_init(&pe->dispatch, names[e], engine_dispatch);
		if (ret) {
			os_mutex_destroy(&pe->lock);
			goto err;
		}
	}
	gvt->gpu_client.complete = workload_gpu_complete;
	ret = gvt->gpu->ops->attach(gvt->gpu, &gvt->gpu_client);
	if (ret) {
		gvt_err("cannot attach to the GPU: %d", ret);
		goto err;
	}
	return 0;

err:
	while (e--) {
		os_work_fini(&gvt->engine[e].dispatch);
		os_mutex_destroy(&gvt->engine[e].lock);
	}
	return ret;
}

void workload_gvt_fini(struct xengt_gvt *gvt)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		os_work_fini(&gvt->engine[e].dispatch);
	gvt->gpu->ops->detach(gvt->gpu);
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		os_mutex_destroy(&gvt->engine[e].lock);
}
