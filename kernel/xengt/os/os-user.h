/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * User-space half of the OS shim: libc, pthreads.  Used by tools/xengt-sim,
 * tools/xengt-dm and every unit and integration test.
 */
#ifndef XENGT_OS_USER_H
#define XENGT_OS_USER_H

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64; /* as in the kernel, so "%llx" fits both */
typedef int32_t s32;
typedef long long s64;

/* As in the kernel: a parameter an ops signature needs but this one ignores. */
#define __always_unused __attribute__((__unused__))

enum os_log_level {
	OS_LOG_SILENT = -1, /* threshold only: print nothing */
	OS_LOG_ERR,
	OS_LOG_WARN,
	OS_LOG_INFO,
	OS_LOG_DEBUG,
};

void *os_zalloc(size_t size);
void os_free(void *p);
/* Large allocations (register files, GTT shadows): vzalloc in the kernel. */
void *os_vzalloc(size_t size);
void os_vfree(void *p);

void os_log(enum os_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Messages at or below this level are printed; tests raise or lower it. */
extern enum os_log_level os_log_threshold;
/* Optional hook so tests can capture messages (e.g. "which resource ran out"). */
extern void (*os_log_hook)(enum os_log_level level, const char *msg);

struct os_mutex {
	pthread_mutex_t m;
};

void os_mutex_init(struct os_mutex *m);
void os_mutex_destroy(struct os_mutex *m);
void os_mutex_lock(struct os_mutex *m);
void os_mutex_unlock(struct os_mutex *m);
/* True if the mutex was free and is now held. */
bool os_mutex_trylock(struct os_mutex *m);

static inline void os_memcpy(void *d, const void *s, size_t n)
{
	memcpy(d, s, n);
}

static inline void os_memset(void *d, int c, size_t n)
{
	memset(d, c, n);
}

static inline int os_memcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}

static inline u64 os_atomic_inc(u64 *p)
{
	return __atomic_add_fetch(p, 1, __ATOMIC_RELAXED);
}

static inline u64 os_atomic_read(const u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

int os_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Give the CPU to another runnable thread (a polite busy-wait). */
void os_yield(void);

/* One iteration of a tight spin (the x86 PAUSE hint). */
static inline void os_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/*
 * A work item: os_work_queue() makes @fn run soon on the item's own
 * worker thread; queued again while it runs, it runs once more after.
 * The kernel's equivalent is a work_struct on an ordered workqueue.
 *
 * The worker spins briefly (yielding) after each run before it sleeps:
 * the GPU's dispatchers are woken once per workload, and a futex
 * round trip per workload would cost more than the workload itself.
 */
struct os_work {
	void (*fn)(struct os_work *w);
	pthread_t thread;
	pthread_mutex_t m;
	pthread_cond_t c;
	int pending; /* atomic: run fn (again) */
	int running; /* atomic: fn is running */
	int sleeping; /* atomic, set under m: the worker waits on c */
	int flushers; /* atomic: os_work_flush() callers waiting on c */
	int stop; /* under m */
	char name[16];
};

/* Start the worker.  Returns 0 or -errno.  Process context. */
int os_work_init(struct os_work *w, const char *name,
		 void (*fn)(struct os_work *w));
/* Run fn soon.  Any context that may take a mutex. */
void os_work_queue(struct os_work *w);
/* Wait until fn is neither pending nor running.  Not from fn itself. */
void os_work_flush(struct os_work *w);
/* Flush and stop the worker. */
void os_work_fini(struct os_work *w);

static inline u32 os_atomic32_read(const u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void os_atomic32_set(u32 *p, u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline u32 os_atomic32_add(u32 *p, s32 v)
{
	return __atomic_add_fetch(p, v, __ATOMIC_ACQ_REL);
}

#endif /* XENGT_OS_USER_H */
