// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Weighted, capped, time-sliced scheduling in GPU time (see scheduler.h).
 */
#include "vgpu.h"
#include "scheduler.h"

/* Virtual time advances by ticks * VTIME_SCALE / weight. */
#define VTIME_SCALE 65536ULL

void sched_gvt_init(struct xengt_gvt *gvt)
{
	struct xengt_sched *s = &gvt->sched;

	os_memset(s, 0, sizeof(*s));
	os_mutex_init(&s->lock);
	os_mutex_init(&s->qlock);
	s->slice = SCHED_DEFAULT_SLICE;
}

void sched_gvt_fini(struct xengt_gvt *gvt)
{
	os_mutex_destroy(&gvt->sched.qlock);
	os_mutex_destroy(&gvt->sched.lock);
}

void sched_vgpu_init(struct vgpu *vgpu)
{
	struct vgpu_sched *vs = &vgpu->sched;

	os_memset(vs, 0, sizeof(*vs));
	vs->weight = vgpu->weight;
	vs->idle = true;
}

int sched_queue(struct vgpu *vgpu, u32 engine,
		const struct execlist_elem *elems, u32 n)
{
	struct xengt_sched *s = &vgpu->gvt->sched;
	struct vgpu_execlist *el = &vgpu->execlist[engine];
	u32 i;

	os_mutex_lock(&s->qlock);
	if (el->q_count + n > EXECLIST_QUEUE_LEN) {
		os_mutex_unlock(&s->qlock);
		return -ENOSPC;
	}
	for (i = 0; i < n; i++)
		el->queue[(el->q_head + el->q_count++) % EXECLIST_QUEUE_LEN] =
			elems[i];
	os_mutex_unlock(&s->qlock);
	return 0;
}

u32 sched_vgpu_drop(struct vgpu *vgpu)
{
	struct xengt_sched *s = &vgpu->gvt->sched;
	u32 e, n = 0;

	os_mutex_lock(&s->qlock);
	for (e = 0; e < XENGT_NR_ENGINES; e++) {
		n += vgpu->execlist[e].q_count;
		vgpu->execlist[e].q_count = 0;
		vgpu->execlist[e].q_head = 0;
	}
	os_mutex_unlock(&s->qlock);
	vgpu->exec_stats.workloads_dropped += n;
	return n;
}

u32 sched_vgpu_queued(struct vgpu *vgpu)
{
	struct xengt_sched *s = &vgpu->gvt->sched;
	u32 e, n = 0;

	os_mutex_lock(&s->qlock);
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		n += vgpu->execlist[e].q_count;
	os_mutex_unlock(&s->qlock);
	return n;
}

/* Pop @vgpu's next element, engines in turn.  Caller holds qlock. */
static bool sched_pop(struct xengt_sched *s, struct vgpu *vgpu, u32 *engine,
		      struct execlist_elem *elem)
{
	u32 i;

	for (i = 0; i < XENGT_NR_ENGINES; i++) {
		u32 e = (s->rr_engine + i) % XENGT_NR_ENGINES;
		struct vgpu_execlist *el = &vgpu->execlist[e];

		if (!el->q_count)
			continue;
		*elem = el->queue[el->q_head];
		el->q_head = (el->q_head + 1) % EXECLIST_QUEUE_LEN;
		el->q_count--;
		*engine = e;
		s->rr_engine = (e + 1) % XENGT_NR_ENGINES;
		return true;
	}
	return false;
}

static bool sched_has_work(struct vgpu *vgpu)
{
	u32 e;

	for (e = 0; e < XENGT_NR_ENGINES; e++)
		if (vgpu->execlist[e].q_count)
			return true;
	return false;
}

static bool sched_eligible(const struct vgpu *vgpu)
{
	return !vgpu->sched.cap || vgpu->sched.credit > 0;
}

/*
 * Next vGPU to run, or NULL.  *throttled tells whether some vGPU has work
 * but is held back by its cap.  Caller holds sched.lock and qlock.
 */
static struct vgpu *sched_pick(struct xengt_gvt *gvt, bool *throttled)
{
	struct xengt_sched *s = &gvt->sched;
	struct vgpu *best = NULL;
	u32 i;

	*throttled = false;
	for (i = 0; i < XENGT_MAX_VGPUS; i++) {
		struct vgpu *v = gvt->vgpus[i];

		if (!v)
			continue;
		if (!sched_has_work(v)) {
			v->sched.idle = true;
			continue;
		}
		/* Waking up: no credit for the time it had nothing to do. */
		if (v->sched.idle) {
			v->sched.idle = false;
			if (v->sched.vtime < s->vclock)
				v->sched.vtime = s->vclock;
		}
		if (!sched_eligible(v)) {
			*throttled = true;
			continue;
		}
		if (!best || v->sched.vtime < best->sched.vtime)
			best = v;
	}
	/* The current holder keeps the GPU while its slice lasts. */
	if (s->holder && s->slice_left && s->holder->sched.idle == false &&
	    sched_has_work(s->holder) && sched_eligible(s->holder))
		return s->holder;
	if (best) {
		s->holder = best;
		s->slice_left = s->slice;
		s->vclock = best->sched.vtime;
		best->sched.slices++;
	}
	return best;
}

/* @ticks of GPU time passed, @user (may be NULL) used them. */
static void sched_account(struct xengt_gvt *gvt, struct vgpu *user, u64 ticks)
{
	struct xengt_sched *s = &gvt->sched;
	u32 i;

	s->now += ticks;
	for (i = 0; i < XENGT_MAX_VGPUS; i++) {
		struct vgpu_sched *vs;

		if (!gvt->vgpus[i] || !gvt->vgpus[i]->sched.cap)
			continue;
		vs = &gvt->vgpus[i]->sched;
		vs->credit += (s64)(ticks * vs->cap);
		/* Burst at most one slice: idle time is not banked. */
		if (vs->credit > (s64)(s->slice * 100))
			vs->credit = (s64)(s->slice * 100);
	}
	if (!user) {
		s->idle += ticks;
		return;
	}
	s->busy += ticks;
	user->sched.busy += ticks;
	user->sched.workloads++;
	user->sched.vtime += ticks * VTIME_SCALE / user->sched.weight;
	if (user->sched.cap)
		user->sched.credit -= (s64)(ticks * 100);
	s->slice_left = ticks >= s->slice_left ? 0 : s->slice_left - ticks;
}

/* GPU ticks until the first throttled vGPU may run again. */
static u64 sched_idle_until_eligible(struct xengt_gvt *gvt)
{
	u64 wait = ~0ULL;
	u32 i;

	for (i = 0; i < XENGT_MAX_VGPUS; i++) {
		struct vgpu *v = gvt->vgpus[i];
		u64 t;

		if (!v || !v->sched.cap || sched_eligible(v) ||
		    !sched_has_work(v))
			continue;
		t = (u64)(-v->sched.credit) / v->sched.cap + 1;
		if (t < wait)
			wait = t;
	}
	return wait == ~0ULL ? 0 : wait;
}

u64 xengt_sched_run(struct xengt_gvt *gvt, u64 budget)
{
	struct xengt_sched *s = &gvt->sched;
	u64 start;

	os_mutex_lock(&s->lock);
	start = s->now;
	while (!budget || s->now - start < budget) {
		struct execlist_elem elem;
		struct vgpu *v;
		bool throttled;
		u32 engine = 0;
		u64 ticks;

		os_mutex_lock(&s->qlock);
		v = sched_pick(gvt, &throttled);
		/* sched_pick() only returns a vGPU with work. */
		if (v && !sched_pop(s, v, &engine, &elem))
			v = NULL;
		os_mutex_unlock(&s->qlock);
		if (!v) {
			u64 wait =
				throttled ? sched_idle_until_eligible(gvt) : 0;

			if (!wait)
				break;
			/* Only capped work left: the GPU idles (real time on HW). */
			if (budget && wait > budget - (s->now - start))
				wait = budget - (s->now - start);
			sched_account(gvt, NULL, wait);
			continue;
		}
		os_mutex_lock(&v->lock);
		ticks = execlist_run(v, engine, &elem);
		os_mutex_unlock(&v->lock);
		sched_account(gvt, v, ticks);
		if (!ticks)
			s->slice_left = 0; /* rejected: let the others go */
	}
	start = s->now - start;
	os_mutex_unlock(&s->lock);
	return start;
}

void sched_kick(struct xengt_gvt *gvt)
{
	if (__atomic_load_n(&gvt->sched.paused, __ATOMIC_ACQUIRE))
		return;
	xengt_sched_run(gvt, 0);
}

void xengt_sched_pause(struct xengt_gvt *gvt, bool paused)
{
	os_mutex_lock(&gvt->sched.lock);
	__atomic_store_n(&gvt->sched.paused, paused, __ATOMIC_RELEASE);
	os_mutex_unlock(&gvt->sched.lock);
}

int xengt_sched_set_weight(struct vgpu *vgpu, u32 weight)
{
	if (weight < 1 || weight > 16)
		return -EINVAL;
	os_mutex_lock(&vgpu->gvt->sched.lock);
	vgpu->sched.weight = weight;
	os_mutex_unlock(&vgpu->gvt->sched.lock);
	return 0;
}

int xengt_sched_set_cap(struct vgpu *vgpu, u32 cap)
{
	if (cap > 100)
		return -EINVAL;
	os_mutex_lock(&vgpu->gvt->sched.lock);
	vgpu->sched.cap = cap == 100 ? 0 : cap;
	vgpu->sched.credit = 0;
	os_mutex_unlock(&vgpu->gvt->sched.lock);
	return 0;
}

void xengt_sched_set_slice(struct xengt_gvt *gvt, u64 ticks)
{
	os_mutex_lock(&gvt->sched.lock);
	gvt->sched.slice = ticks ? ticks : 1;
	gvt->sched.slice_left = 0;
	os_mutex_unlock(&gvt->sched.lock);
}
