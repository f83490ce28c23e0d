// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The simulated host's machine memory (see sim_machine.h).
 */
#include "sim_machine.h"

u64 sim_machine_alloc(struct sim_machine *m, u16 owner)
{
	u64 mfn = ~0ULL;

	os_mutex_lock(&m->lock);
	if (m->nr_free) {
		mfn = m->free_frames[--m->nr_free];
		m->owner[mfn] = owner;
		os_memset(m->mem + (mfn << XENGT_PAGE_SHIFT), 0,
			  XENGT_PAGE_SIZE);
	}
	os_mutex_unlock(&m->lock);
	return mfn;
}

void sim_machine_release(struct sim_machine *m, u64 mfn)
{
	os_mutex_lock(&m->lock);
	m->owner[mfn] = SIM_OWNER_NONE;
	m->free_frames[m->nr_free++] = mfn;
	os_mutex_unlock(&m->lock);
}

SIM_NOCOV static u8 *sim_machine_frame(struct sim_bus *bus, u64 pfn, u16 *owner)
{
	struct sim_machine *m = (struct sim_machine *)bus;

	if (pfn >= m->nr_frames || m->owner[pfn] == SIM_OWNER_NONE) {
		*owner = SIM_OWNER_NONE;
		return NULL;
	}
	*owner = m->owner[pfn];
	return m->mem + (pfn << XENGT_PAGE_SHIFT);
}

static u8 *sim_machine_alloc_host_frame(struct sim_bus *bus, u64 *pfn)
{
	struct sim_machine *m = (struct sim_machine *)bus;

	*pfn = sim_machine_alloc(m, SIM_OWNER_HOST);
	return *pfn == ~0ULL ? NULL : m->mem + (*pfn << XENGT_PAGE_SHIFT);
}

static void sim_machine_free_host_frame(struct sim_bus *bus, u64 pfn)
{
	sim_machine_release((struct sim_machine *)bus, pfn);
}

static const struct sim_bus_ops sim_machine_bus_ops = {
	.frame = sim_machine_frame,
	.alloc_host_frame = sim_machine_alloc_host_frame,
	.free_host_frame = sim_machine_free_host_frame,
};

/* xorshift32: a fixed seed gives the same scattering every run. */
static u32 sim_rand(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

int sim_machine_init(struct sim_machine *m, u64 nr_frames, u32 seed)
{
	u64 i;

	os_memset(m, 0, sizeof(*m));
	if (nr_frames < 2)
		return -EINVAL;
	m->bus.ops = &sim_machine_bus_ops;
	m->nr_frames = nr_frames;
	/* One frame more, to start on a page boundary. */
	m->mem_alloc = os_vzalloc((nr_frames + 1) << XENGT_PAGE_SHIFT);
	if (m->mem_alloc)
		m->mem =
			(u8 *)(((uintptr_t)m->mem_alloc + XENGT_PAGE_SIZE - 1) &
			       ~(uintptr_t)(XENGT_PAGE_SIZE - 1));
	m->owner = os_vzalloc(nr_frames * sizeof(u16));
	m->free_frames = os_vzalloc(nr_frames * sizeof(u64));
	if (!m->mem || !m->owner || !m->free_frames) {
		sim_machine_fini(m);
		return -ENOMEM;
	}
	if (!seed)
		seed = 0x9e3779b9;
	/* Frame 0 is the host's; the rest go on the stack, shuffled. */
	m->owner[0] = SIM_OWNER_HOST;
	for (i = 1; i < nr_frames; i++) {
		m->owner[i] = SIM_OWNER_NONE;
		m->free_frames[i - 1] = i;
	}
	m->nr_free = nr_frames - 1;
	for (i = m->nr_free - 1; i > 0; i--) {
		u64 j = sim_rand(&seed) % (i + 1);
		u64 t = m->free_frames[i];

		m->free_frames[i] = m->free_frames[j];
		m->free_frames[j] = t;
	}
	os_mutex_init(&m->lock);
	return 0;
}

void sim_machine_fini(struct sim_machine *m)
{
	if (m->nr_frames)
		os_mutex_destroy(&m->lock);
	os_vfree(m->free_frames);
	os_vfree(m->owner);
	os_vfree(m->mem_alloc);
	os_memset(m, 0, sizeof(*m));
}

u64 sim_machine_free_frames(struct sim_machine *m)
{
	u64 n;

	os_mutex_lock(&m->lock);
	n = m->nr_free;
	os_mutex_unlock(&m->lock);
	return n;
}
