/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result channel of the e2e test guest: a page of guest RAM (symbol
 * e2e_result, layout in ../e2e-result.h) that dom0 maps and polls. Every
 * line is mirrored to the console as "RESULT: line".
 *
 * result_pass() and result_fail() publish the verdict line and halt the
 * guest for good; a test calls exactly one of them.
 */
#ifndef GUEST_RESULT_H
#define GUEST_RESULT_H

#include "../e2e-result.h"

void result_init(void);
/* Appends one line (no '\n' needed) such as "TRAP_RT cycles=42 n=2000". */
void result_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void result_pass(void);
__attribute__((noreturn, format(printf, 1, 2))) void
result_fail(const char *fmt, ...);

#endif
