/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Console on port 0xe9: Xen collects the bytes of an HVM/PVH guest per line
 * and prints them as "(dN) line" in its console ring (xl dmesg) with
 * guest_loglvl=all. Human-readable only: the verdict travels in the result
 * page (result.h).
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#define CONSOLE_PORT 0xe9

void console_putc(char c);
void console_puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
