// SPDX-License-Identifier: GPL-2.0
/* Trap round-trip timing shared by the e2e test guests (see timing.h). */
#include <stdint.h>

#include "io.h"
#include "lib.h"
#include "result.h"
#include "timing.h"

/* Xen's CPUID leaves: base + 3, subleaf 0, ECX = guest TSC kHz. */
uint32_t xen_tsc_khz(void)
{
	for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
		uint32_t a, b, c, d;

		cpuid(base, 0, &a, &b, &c, &d);
		if (b == 0x566e6558 && c == 0x65584d4d && d == 0x4d4d566e &&
		    a >= base + 3) {
			cpuid(base + 3, 0, &a, &b, &c, &d);
			return c;
		}
	}
	return 0;
}

#define TIME_MAX_SAMPLES 20000
static uint32_t samples[TIME_MAX_SAMPLES];

static uint64_t cycles_to_ns(uint64_t cycles, uint32_t tsc_khz)
{
	return tsc_khz ? cycles * 1000000ull / tsc_khz : 0;
}

/*
 * Times n 32-bit reads of pa, each on its own, and records
 * "<tag> cycles=<mean> n=<n> median=<cycles> min=<cycles> ns=<mean ns>
 * median_ns=<ns> tsc_khz=<kHz>". The median is the figure to compare:
 * under TCG on a shared host, preemption of QEMU's threads adds rare huge
 * samples that move the mean a lot.
 */
void time_reads(const char *tag, uint32_t pa, unsigned long n, uint32_t tsc_khz)
{
	uint64_t total = 0, t0, t1;
	uint32_t med;

	if (!n)
		return;
	if (n > TIME_MAX_SAMPLES)
		n = TIME_MAX_SAMPLES;
	for (unsigned long i = 0; i < n; i++) {
		t0 = rdtsc();
		(void)mmio_read32(pa);
		t1 = rdtsc();
		samples[i] = t1 - t0 > 0xffffffffull ? 0xffffffffu :
						       (uint32_t)(t1 - t0);
		total += t1 - t0;
	}
	sort_u32(samples, n);
	med = samples[n / 2];
	result_printf(
		"%s cycles=%llu n=%lu median=%u min=%u ns=%llu median_ns=%llu tsc_khz=%u",
		tag, total / n, n, med, samples[0],
		cycles_to_ns(total / n, tsc_khz), cycles_to_ns(med, tsc_khz),
		tsc_khz);
}
