/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny printf-like formatter.
 * Conversions: %d %i %u %x %X %p %s %c %%; flags '0' '-'; a width; length
 * modifiers h, hh, l, ll, z (32-bit guest: l and z are 32 bits, ll 64).
 */
#ifndef GUEST_FMT_H
#define GUEST_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_put_fn)(void *ctx, char c);

/* Formats through put(); returns the number of characters produced. */
int fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
