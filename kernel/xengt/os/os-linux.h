/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Kernel half of the OS shim: everything maps onto the kernel's own APIs
 * and is inline, so the core costs nothing extra in xengt.ko.
 */
#ifndef XENGT_OS_LINUX_H
#define XENGT_OS_LINUX_H

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/vmalloc.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

enum os_log_level { OS_LOG_ERR, OS_LOG_WARN, OS_LOG_INFO, OS_LOG_DEBUG };

static inline void *os_zalloc(size_t size)
{
	return kzalloc(size, GFP_KERNEL);
}

static inline void os_free(void *p)
{
	kfree(p);
}

static inline void *os_vzalloc(size_t size)
{
	return vzalloc(size);
}

static inline void os_vfree(void *p)
{
	vfree(p);
}

#define os_log(level, fmt, ...)                                       \
	do {                                                          \
		switch (level) {                                      \
		case OS_LOG_ERR:                                      \
			pr_err_ratelimited(fmt "\n", ##__VA_ARGS__);  \
			break;                                        \
		case OS_LOG_WARN:                                     \
			pr_warn_ratelimited(fmt "\n", ##__VA_ARGS__); \
			break;                                        \
		case OS_LOG_INFO:                                     \
			pr_info(fmt "\n", ##__VA_ARGS__);             \
			break;                                        \
		default:                                              \
			pr_debug(fmt "\n", ##__VA_ARGS__);            \
		}                                                     \
	} while (0)

struct os_mutex {
	struct mutex m;
};

#define os_mutex_init(x) mutex_init(&(x)->m)
#define os_mutex_destroy(x) mutex_destroy(&(x)->m)
#define os_mutex_lock(x) mutex_lock(&(x)->m)
#define os_mutex_unlock(x) mutex_unlock(&(x)->m)
#define os_mutex_trylock(x) (mutex_trylock(&(x)->m) == 1)

#define os_memcpy memcpy
#define os_memset memset
#define os_memcmp memcmp
#define os_snprintf snprintf

static inline u64 os_atomic_inc(u64 *p)
{
	return atomic64_inc_return((atomic64_t *)p);
}

static inline u64 os_atomic_read(const u64 *p)
{
	return READ_ONCE(*p);
}

static inline u32 os_atomic32_read(const u32 *p)
{
	return smp_load_acquire(p);
}

static inline void os_atomic32_set(u32 *p, u32 v)
{
	smp_store_release(p, v);
}

static inline u32 os_atomic32_add(u32 *p, s32 v)
{
	return (u32)atomic_add_return(v, (atomic_t *)p);
}

static inline void os_yield(void)
{
	cond_resched();
}

#define os_cpu_relax cpu_relax

/*
 * A work item on an ordered workqueue of its own: one run at a time, and
 * queued while running it runs once more (the user-space os_work's
 * semantics, see os-user.h).
 */
struct os_work {
	struct work_struct work;
	struct workqueue_struct *wq;
	void (*fn)(struct os_work *w);
};

static inline void os_work_trampoline(struct work_struct *work)
{
	struct os_work *w = container_of(work, struct os_work, work);

	w->fn(w);
}

static inline int os_work_init(struct os_work *w, const char *name,
			       void (*fn)(struct os_work *w))
{
	w->fn = fn;
	INIT_WORK(&w->work, os_work_trampoline);
	w->wq = alloc_ordered_workqueue("xengt-%s", WQ_MEM_RECLAIM, name);
	return w->wq ? 0 : -ENOMEM;
}

static inline void os_work_queue(struct os_work *w)
{
	queue_work(w->wq, &w->work);
}

static inline void os_work_flush(struct os_work *w)
{
	flush_work(&w->work);
}

static inline void os_work_fini(struct os_work *w)
{
	if (!w->wq)
		return;
	flush_work(&w->work);
	destroy_workqueue(w->wq);
	w->wq = NULL;
}

#endif /* XENGT_OS_LINUX_H */
