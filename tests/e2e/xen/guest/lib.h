/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal freestanding C library for the e2e test guest. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stddef.h>
#include <stdint.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* 64-by-64 unsigned division without libgcc; returns n / d, *rem = n % d. */
uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem);

/* Sorts n values in place, ascending (heapsort: no recursion, no malloc). */
void sort_u32(uint32_t *v, size_t n);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
