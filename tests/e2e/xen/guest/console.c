// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>

#include "console.h"
#include "fmt.h"
#include "io.h"

void console_putc(char c)
{
	outb(CONSOLE_PORT, (uint8_t)c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

static void console_put(void *ctx, char c)
{
	(void)ctx;
	console_putc(c);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(console_put, NULL, fmt, ap);
	va_end(ap);
	return n;
}
