// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * User-space implementation of the OS shim.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>

#include "os.h"

enum os_log_level os_log_threshold = OS_LOG_WARN;
void (*os_log_hook)(enum os_log_level level, const char *msg);

void *os_zalloc(size_t size)
{
	return calloc(1, size);
}

void os_free(void *p)
{
	free(p);
}

void *os_vzalloc(size_t size)
{
	return calloc(1, size);
}

void os_vfree(void *p)
{
	free(p);
}

void os_log(enum os_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info",
					     "debug" };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (os_log_hook)
		os_log_hook(level, msg);
	if (level <= os_log_threshold)
		fprintf(stderr, "%s: %s\n", names[level], msg);
}

int os_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void os_mutex_init(struct os_mutex *m)
{
	pthread_mutex_init(&m->m, NULL);
}

void os_mutex_destroy(struct os_mutex *m)
{
	pthread_mutex_destroy(&m->m);
}

void os_mutex_lock(struct os_mutex *m)
{
	pthread_mutex_lock(&m->m);
}

void os_mutex_unlock(struct os_mutex *m)
{
	pthread_mutex_unlock(&m->m);
}

void os_yield(void)
{
	sched_yield();
}

/* How long a worker keeps looking for more work before it sleeps. */
#define OS_WORK_SPIN_NS 100000ULL
#define OS_WORK_SPIN_PAUSES 64U

static u64 os_work_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* Wait for the next request; false when the worker must stop. */
static bool os_work_wait(struct os_work *w)
{
	u64 until = os_work_now_ns() + OS_WORK_SPIN_NS;
	bool go;
	u32 i;

	/*
	 * A very short spin without giving the CPU away, then a longer one
	 * that yields (a PAUSE loop slows an SMT sibling, and another thread
	 * may need this CPU), then sleep.
	 */
	for (i = 0; i < OS_WORK_SPIN_PAUSES; i++) {
		if (__atomic_load_n(&w->pending, __ATOMIC_ACQUIRE))
			return true;
		os_cpu_relax();
	}
	while (!__atomic_load_n(&w->pending, __ATOMIC_ACQUIRE) &&
	       os_work_now_ns() < until)
		sched_yield();
	pthread_mutex_lock(&w->m);
	/*
	 * Sequentially consistent with os_work_queue(): either it sees
	 * sleeping set and signals, or we see its pending.
	 */
	__atomic_store_n(&w->sleeping, 1, __ATOMIC_SEQ_CST);
	while (!w->stop && !__atomic_load_n(&w->pending, __ATOMIC_SEQ_CST))
		pthread_cond_wait(&w->c, &w->m);
	__atomic_store_n(&w->sleeping, 0, __ATOMIC_RELAXED);
	go = !w->stop || __atomic_load_n(&w->pending, __ATOMIC_ACQUIRE);
	pthread_mutex_unlock(&w->m);
	return go;
}

static void *os_work_thread(void *arg)
{
	struct os_work *w = arg;

	while (os_work_wait(w)) {
		__atomic_store_n(&w->running, 1, __ATOMIC_RELEASE);
		while (__atomic_exchange_n(&w->pending, 0, __ATOMIC_ACQ_REL))
			w->fn(w);
		__atomic_store_n(&w->running, 0, __ATOMIC_SEQ_CST);
		/* A flusher waits for running == 0 with pending == 0. */
		if (__atomic_load_n(&w->flushers, __ATOMIC_SEQ_CST)) {
			pthread_mutex_lock(&w->m);
			pthread_cond_broadcast(&w->c);
			pthread_mutex_unlock(&w->m);
		}
	}
	return NULL;
}

int os_work_init(struct os_work *w, const char *name,
		 void (*fn)(struct os_work *w))
{
	int ret;

	memset(w, 0, sizeof(*w));
	w->fn = fn;
	snprintf(w->name, sizeof(w->name), "%s", name);
	pthread_mutex_init(&w->m, NULL);
	pthread_cond_init(&w->c, NULL);
	ret = pthread_create(&w->thread, NULL, os_work_thread, w);
	if (ret) {
		pthread_cond_destroy(&w->c);
		pthread_mutex_destroy(&w->m);
		return -ret;
	}
	pthread_setname_np(w->thread, w->name);
	return 0;
}

void os_work_queue(struct os_work *w)
{
	if (__atomic_exchange_n(&w->pending, 1, __ATOMIC_SEQ_CST))
		return; /* already pending: the worker will see it */
	/* A spinning worker sees pending: no lock shared by every queuer. */
	if (!__atomic_load_n(&w->sleeping, __ATOMIC_SEQ_CST))
		return;
	pthread_mutex_lock(&w->m);
	pthread_cond_broadcast(&w->c);
	pthread_mutex_unlock(&w->m);
}

void os_work_flush(struct os_work *w)
{
	__atomic_add_fetch(&w->flushers, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&w->m);
	while (__atomic_load_n(&w->pending, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&w->running, __ATOMIC_ACQUIRE)) {
		struct timespec ts;

		/* Timed: the worker may be spinning, not waiting on c. */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 1000000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->c, &w->m, &ts);
	}
	pthread_mutex_unlock(&w->m);
	__atomic_sub_fetch(&w->flushers, 1, __ATOMIC_RELAXED);
}

void os_work_fini(struct os_work *w)
{
	if (!w->fn)
		return;
	os_work_flush(w);
	pthread_mutex_lock(&w->m);
	w->stop = 1;
	pthread_cond_broadcast(&w->c);
	pthread_mutex_unlock(&w->m);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->c);
	pthread_mutex_destroy(&w->m);
	w->fn = NULL;
}

bool os_mutex_trylock(struct os_mutex *m)
{
	return pthread_mutex_trylock(&m->m) == 0;
}
