/* SPDX-License-Identifier: GPL-2.0 */
/* What a test linked into the e2e guest provides and may use. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

/* The guest's command line (xl cmdline=), "" if none. */
extern const char *guest_cmdline;

/*
 * The test. It ends with result_pass() or result_fail() (result.h); if it
 * returns, the verdict is FAIL.
 */
void test_main(void);

/* Value of "key=N" in the command line (decimal or 0x hex), else def. */
unsigned long cmdline_ulong(const char *key, unsigned long def);
/* Whether the command line has "key=word" exactly. */
bool cmdline_is(const char *key, const char *word);

/*
 * Route external interrupt @vector to @fn (one handler for the guest),
 * called with interrupts off; it acknowledges the interrupt controller
 * itself.  Vectors nobody installed fault: the test FAILs.
 */
void irq_install(uint8_t vector, void (*fn)(void));
/* The LAPIC spurious vector: counted in irq_spurious_count, no EOI. */
void irq_install_spurious(uint8_t vector);
extern volatile uint32_t irq_spurious_count;

/*
 * FAIL (naming @where and the bytes) if the guest's code, read-only data
 * (its GDT included), IDT or unused stack changed since it started, other
 * than through irq_install*().
 */
void guest_integrity_check(const char *where);

#endif
