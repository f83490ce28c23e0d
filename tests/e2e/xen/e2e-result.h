/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result page shared by the e2e test guest and the dom0 harness
 * (e2e-result). The guest keeps one page-aligned instance of this struct in
 * its RAM; dom0 maps that guest page read-only and waits for state DONE.
 *
 * Only fixed-size types: the guest is 32-bit freestanding, dom0 is 64-bit.
 */
#ifndef XENGT_E2E_RESULT_H
#define XENGT_E2E_RESULT_H

#include <stdint.h>

#define E2E_RESULT_MAGIC 0x52544758u /* "XGTR" */
#define E2E_RESULT_VERSION 1u

#define E2E_STATE_RUNNING 1u
#define E2E_STATE_DONE 2u

/* Name of the guest symbol whose address the harness maps. */
#define E2E_RESULT_SYMBOL "e2e_result"

#define E2E_RESULT_TEXT_MAX (4096 - 16)

struct e2e_result {
	uint32_t magic; /* E2E_RESULT_MAGIC once the guest started */
	uint32_t version; /* E2E_RESULT_VERSION */
	uint32_t state; /* E2E_STATE_*; written last, after text/len */
	uint32_t len; /* bytes used in text, no NUL counted */
	/*
	 * Lines of "KEY value" (e.g. "TRAP_RT cycles=... n=...") and, last,
	 * the verdict line: "PASS" or "FAIL: reason".
	 */
	char text[E2E_RESULT_TEXT_MAX];
};

/* Port of QEMU's isa-debugcon that carries dom0's report to the host. */
#define E2E_REPORT_PORT 0x4e9
/* Port of QEMU's isa-debug-exit: QEMU exits with status (value << 1) | 1. */
#define E2E_EXIT_PORT 0xf4

#endif
