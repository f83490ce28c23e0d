// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>

#include "console.h"
#include "fmt.h"
#include "io.h"
#include "lib.h"
#include "result.h"

/* Page aligned, in .bss (zeroed by the domain builder), found by name. */
struct e2e_result e2e_result
	__attribute__((aligned(4096), section(".bss.e2e_result")));

static volatile struct e2e_result *const res = &e2e_result;

void result_init(void)
{
	res->len = 0;
	res->version = E2E_RESULT_VERSION;
	res->magic = E2E_RESULT_MAGIC;
	barrier();
	res->state = E2E_STATE_RUNNING;
}

static void result_vline(const char *prefix, const char *fmt, va_list ap)
{
	char line[256];
	size_t room = E2E_RESULT_TEXT_MAX - res->len;
	size_t n;

	snprintf(line, sizeof(line), "%s", prefix);
	n = strlen(line);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	n = strlen(line);
	/* keep it one line whatever the message holds */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	if (n > room)
		n = room;
	memcpy((char *)res->text + res->len, line, n);
	barrier();
	res->len += n;
	console_puts("RESULT: ");
	for (size_t i = 0; i < n; i++)
		console_putc(line[i]);
}

void result_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result_vline("", fmt, ap);
	va_end(ap);
}

static __attribute__((noreturn)) void result_done(void)
{
	barrier();
	res->state = E2E_STATE_DONE;
	barrier();
	halt_forever();
}

void result_pass(void)
{
	result_printf("PASS");
	result_done();
}

void result_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result_vline("FAIL: ", fmt, ap);
	va_end(ap);
	result_done();
}
