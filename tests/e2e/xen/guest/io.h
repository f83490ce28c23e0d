/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port I/O, 32-bit physical MMIO, TSC and CPUID helpers for the
 * freestanding e2e test guest. Paging is off, so a physical address below
 * 4 GiB is used directly as a pointer.
 *
 * 64-bit MMIO uses SSE movq so the device sees one 8-byte access (as
 * readq() does in a 64-bit Linux guest); entry.S enables SSE for that.
 */
#ifndef GUEST_IO_H
#define GUEST_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint8_t mmio_read8(uint32_t pa)
{
	return *(volatile uint8_t *)(uintptr_t)pa;
}

static inline uint16_t mmio_read16(uint32_t pa)
{
	return *(volatile uint16_t *)(uintptr_t)pa;
}

static inline uint32_t mmio_read32(uint32_t pa)
{
	return *(volatile uint32_t *)(uintptr_t)pa;
}

static inline uint64_t mmio_read64(uint32_t pa)
{
	uint64_t v;

	asm volatile("movq (%1), %%xmm0\n\t"
		     "movq %%xmm0, %0"
		     : "=m"(v)
		     : "r"(pa)
		     : "memory");
	return v;
}

static inline void mmio_write8(uint32_t pa, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)pa = v;
}

static inline void mmio_write16(uint32_t pa, uint16_t v)
{
	*(volatile uint16_t *)(uintptr_t)pa = v;
}

static inline void mmio_write32(uint32_t pa, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)pa = v;
}

static inline void mmio_write64(uint32_t pa, uint64_t v)
{
	asm volatile("movq %0, %%xmm0\n\t"
		     "movq %%xmm0, (%1)"
		     :
		     : "m"(v), "r"(pa)
		     : "memory");
}

/*
 * String copies from/to MMIO (rep movsb / rep movsl): Xen hands these to
 * the device model as one ioreq with count > 1 and data_is_ptr set (data
 * is then the guest-physical address of the RAM side).
 */
static inline void mmio_copy_from8(void *dst, uint32_t pa, uint32_t count)
{
	asm volatile("cld; rep movsb"
		     : "+D"(dst), "+S"(pa), "+c"(count)
		     :
		     : "memory");
}

static inline void mmio_copy_from32(void *dst, uint32_t pa, uint32_t count)
{
	asm volatile("cld; rep movsl"
		     : "+D"(dst), "+S"(pa), "+c"(count)
		     :
		     : "memory");
}

/* rep movsl from RAM to MMIO: one write ioreq, count > 1, data_is_ptr. */
static inline void mmio_copy_to32(uint32_t pa, const void *src, uint32_t count)
{
	asm volatile("cld; rep movsl"
		     : "+D"(pa), "+S"(src), "+c"(count)
		     :
		     : "memory");
}

/*
 * rep movsl with EFLAGS.DF set: copies dwords from @pa downwards into
 * @dst downwards (the ioreq has df=1); @pa and @dst name the highest
 * dword.  DF is cleared again before returning, as the ABI requires.
 */
static inline void mmio_copy_from32_down(void *dst, uint32_t pa, uint32_t count)
{
	asm volatile("std; rep movsl; cld"
		     : "+D"(dst), "+S"(pa), "+c"(count)
		     :
		     : "memory");
}

/* rep stosl to MMIO: one write ioreq of @count dwords of @v, no pointer. */
static inline void mmio_fill32(uint32_t pa, uint32_t v, uint32_t count)
{
	asm volatile("cld; rep stosl"
		     : "+D"(pa), "+c"(count)
		     : "a"(v)
		     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
			 uint32_t *c, uint32_t *d)
{
	asm volatile("cpuid"
		     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(sub));
}

static inline void barrier(void)
{
	asm volatile("" : : : "memory");
}

/* Halting with interrupts off: Xen takes the vCPU down and, once all are
 * down, shuts the domain down (reason poweroff). */
static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

#endif
