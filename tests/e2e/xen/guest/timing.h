/* SPDX-License-Identifier: GPL-2.0 */
/* Trap round-trip timing shared by the e2e test guests. */
#ifndef GUEST_TIMING_H
#define GUEST_TIMING_H

#include <stdint.h>

/* The guest's TSC frequency from Xen's CPUID leaf (base + 3), 0 if none. */
uint32_t xen_tsc_khz(void);

/*
 * Times @n (at most 20000) 32-bit reads of @pa, each on its own, and
 * appends "<tag> cycles=<mean> n=<n> median=<cycles> min=<cycles>
 * ns=<mean ns> median_ns=<ns> tsc_khz=<kHz>" to the result page.
 */
void time_reads(const char *tag, uint32_t pa, unsigned long n,
		uint32_t tsc_khz);

#endif
