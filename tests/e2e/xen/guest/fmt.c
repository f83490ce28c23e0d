// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>

#include "fmt.h"
#include "lib.h"

struct fmt_out {
	fmt_put_fn put;
	void *ctx;
	int n;
};

static void emit(struct fmt_out *o, char c)
{
	o->put(o->ctx, c);
	o->n++;
}

static void emit_padded(struct fmt_out *o, const char *s, int len, int width,
			int left, char pad)
{
	int i;

	if (!left)
		for (i = len; i < width; i++)
			emit(o, pad);
	for (i = 0; i < len; i++)
		emit(o, s[i]);
	if (left)
		for (i = len; i < width; i++)
			emit(o, ' ');
}

static void emit_number(struct fmt_out *o, uint64_t v, int neg,
			unsigned int base, int upper, int width, int left,
			char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int i = sizeof(tmp);
	uint64_t rem;

	do {
		v = udivmod64(v, base, &rem);
		tmp[--i] = digits[rem];
	} while (v);
	if (neg) {
		if (pad == '0') {
			/* the sign goes before zero padding */
			emit(o, '-');
			if (width)
				width--;
		} else {
			tmp[--i] = '-';
		}
	}
	emit_padded(o, tmp + i, sizeof(tmp) - i, width, left, pad);
}

int fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { .put = put, .ctx = ctx, .n = 0 };

	for (; *fmt; fmt++) {
		int left = 0, width = 0, lng = 0;
		char pad = ' ';
		uint64_t u;
		int64_t s;
		const char *str;

		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt != 'h' && *fmt != 'z')
				break;
		}
		if (left)
			pad = ' ';

		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng >= 2 ? va_arg(ap, long long) :
				       (int64_t)va_arg(ap, long);
			emit_number(&o, s < 0 ? -(uint64_t)s : (uint64_t)s,
				    s < 0, 10, 0, width, left, pad);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng >= 2 ? va_arg(ap, unsigned long long) :
				       va_arg(ap, unsigned long);
			emit_number(&o, u, 0, *fmt == 'u' ? 10 : 16,
				    *fmt == 'X', width, left, pad);
			break;
		case 'p':
			emit(&o, '0');
			emit(&o, 'x');
			emit_number(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0,
				    8, 0, '0');
			break;
		case 'c':
			str = (const char[]){ (char)va_arg(ap, int) };
			emit_padded(&o, str, 1, width, left, ' ');
			break;
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			emit_padded(&o, str, strlen(str), width, left, ' ');
			break;
		case '%':
			emit(&o, '%');
			break;
		case '\0':
			return o.n;
		default:
			emit(&o, '%');
			emit(&o, *fmt);
			break;
		}
	}
	return o.n;
}

struct buf_ctx {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_put(void *ctx, char c)
{
	struct buf_ctx *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { .buf = buf, .size = size, .pos = 0 };
	int n = fmt_vformat(buf_put, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
