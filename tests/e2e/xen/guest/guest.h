/* SPDX-License-Identifier: GPL-2.0 */
/* What a test linked into the e2e guest provides and may use. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

/* The guest's command line (xl cmdline=), "" if none. */
extern const char *guest_cmdline;

/*
 * The test. It ends with result_pass() or result_fail() (result.h); if it
 * returns, the verdict is FAIL.
 */
void test_main(void);

/* Value of "key=N" in the command line (decimal or 0x hex), else def. */
unsigned long cmdline_ulong(const char *key, unsigned long def);

#endif
