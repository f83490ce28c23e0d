// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * User-space implementation of the OS shim.
 */
#include <stdio.h>
#include <stdlib.h>

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
