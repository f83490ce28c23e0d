// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Weighted, capped, time-sliced scheduling of each engine in GPU time (see
 * scheduler.h).
 */
#include "vgpu.h"
#include "scheduler.h"

/* Virtual time advances by ticks * VTIME_SCALE / weight. */
#define VTIME_SCALE 65536ULL

void sched_engine_init(struct xengt_sched *s)
{
	os_memset(s, 0, sizeof(*s));
	s->slice = SCHED_DEFAULT_SLICE;
}

void sched_vgpu_init(struct vgpu *vgpu)
{
	struct vgpu_sched *vs = &vgpu->sched;
	u32 e;

	os_memset(vs, 0, sizeof(*vs));
	vs->weight = vgpu->weight;
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		vs->e[e].idle = true;
}

static bool sched_has_work(const struct vgpu *vgpu, u32 engine)
{
	return os_atomic32_read(&vgpu->wl.q[engine].count) != 0;
}

static bool sched_eligible(const struct vgpu *vgpu, u32 engine)
{
	return !vgpu->sched.cap || vgpu->sched.e[engine].credit > 0;
}

struct vgpu *sched_pick(struct xengt_engine *pe, bool *throttled)
{
	struct xengt_gvt *gvt = pe->gvt;
	struct xengt_sched *s = &pe->sched;
	struct vgpu *best = NULL, *h = s->holder;
	u32 i, e = pe->id;

	*throttled = false;
	for (i = 0; i < XENGT_MAX_VGPUS; i++) {
		struct vgpu *v = gvt->vgpus[i];
		struct vgpu_sched_engine *ve;

		if (!v)
			continue;
		ve = &v->sched.e[e];
		if (!sched_has_work(v, e)) {
			ve->idle = true;
			continue;
		}
		/* Waking up: no credit for the time it had nothing to do. */
		if (ve->idle) {
			ve->idle = false;
			if (ve->vtime < s->vclock)
				ve->vtime = s->vclock;
		}
		if (!sched_eligible(v, e)) {
			*throttled = true;
			continue;
		}
		if (!best || ve->vtime < best->sched.e[e].vtime)
			best = v;
	}
	/* The current holder keeps the engine while its slice lasts. */
	if (h && s->slice_left && !h->sched.e[e].idle && sched_has_work(h, e) &&
	    sched_eligible(h, e))
		return h;
	if (best) {
		s->holder = best;
		s->slice_left = s->slice;
		s->vclock = best->sched.e[e].vtime;
		best->sched.e[e].slices++;
	}
	return best;
}

void sched_account(struct xengt_engine *pe, struct vgpu *user, u64 ticks)
{
	struct xengt_gvt *gvt = pe->gvt;
	struct xengt_sched *s = &pe->sched;
	u32 i, e = pe->id;

	s->now += ticks;
	for (i = 0; i < XENGT_MAX_VGPUS; i++) {
		struct vgpu *v = gvt->vgpus[i];
		struct vgpu_sched_engine *ve;

		if (!v || !v->sched.cap)
			continue;
		ve = &v->sched.e[e];
		ve->credit += (s64)(ticks * v->sched.cap);
		/* Burst at most one slice: idle time is not banked. */
		if (ve->credit > (s64)(s->slice * 100))
			ve->credit = (s64)(s->slice * 100);
	}
	if (!user) {
		s->idle += ticks;
		return;
	}
	s->busy += ticks;
	user->sched.e[e].busy += ticks;
	user->sched.e[e].workloads++;
	user->sched.e[e].vtime += ticks * VTIME_SCALE / user->sched.weight;
	if (user->sched.cap)
		user->sched.e[e].credit -= (s64)(ticks * 100);
	s->slice_left = ticks >= s->slice_left ? 0 : s->slice_left - ticks;
}

u64 sched_idle_until_eligible(struct xengt_engine *pe)
{
	struct xengt_gvt *gvt = pe->gvt;
	u64 wait = ~0ULL;
	u32 i, e = pe->id;

	for (i = 0; i < XENGT_MAX_VGPUS; i++) {
		struct vgpu *v = gvt->vgpus[i];
		u64 t;

		if (!v || !v->sched.cap || sched_eligible(v, e) ||
		    !sched_has_work(v, e))
			continue;
		t = (u64)(-v->sched.e[e].credit) / v->sched.cap + 1;
		if (t < wait)
			wait = t;
	}
	return wait == ~0ULL ? 0 : wait;
}

void sched_forget(struct xengt_engine *pe, struct vgpu *vgpu)
{
	if (pe->sched.holder == vgpu) {
		pe->sched.holder = NULL;
		pe->sched.slice_left = 0;
	}
}

int xengt_sched_set_weight(struct vgpu *vgpu, u32 weight)
{
	if (weight < 1 || weight > SCHED_MAX_WEIGHT)
		return -EINVAL;
	xengt_engines_lock(vgpu->gvt);
	vgpu->sched.weight = weight;
	xengt_engines_unlock(vgpu->gvt);
	return 0;
}

int xengt_sched_set_cap(struct vgpu *vgpu, u32 cap)
{
	u32 e;

	if (cap > 100)
		return -EINVAL;
	xengt_engines_lock(vgpu->gvt);
	vgpu->sched.cap = cap == 100 ? 0 : cap;
	for (e = 0; e < XENGT_NR_ENGINES; e++)
		vgpu->sched.e[e].credit = 0;
	xengt_engines_unlock(vgpu->gvt);
	return 0;
}
