// SPDX-License-Identifier: GPL-2.0
/*
 * Growable byte buffer. Functions return 0 or NSIMA_ENOMEM.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "le.h"

void nsima_buf_init(struct nsima_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void nsima_buf_free(struct nsima_buf *b)
{
	free(b->data);
	nsima_buf_init(b);
}

uint8_t *nsima_buf_take(struct nsima_buf *b, size_t *len)
{
	uint8_t *p = b->data;

	*len = b->len;
	nsima_buf_init(b);
	return p;
}

static int reserve(struct nsima_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	uint8_t *p;

	if (more > SIZE_MAX - b->len - 1)
		return NSIMA_ENOMEM;
	/* keep one spare byte so text output can be NUL-terminated */
	while (cap < b->len + more + 1) {
		if (cap > SIZE_MAX / 2)
			return NSIMA_ENOMEM;
		cap *= 2;
	}
	if (cap == b->cap)
		return 0;
	p = realloc(b->data, cap);
	if (!p)
		return NSIMA_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int nsima_buf_append(struct nsima_buf *b, const void *p, size_t len)
{
	if (reserve(b, len))
		return NSIMA_ENOMEM;
	if (len)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

uint8_t *nsima_buf_extend(struct nsima_buf *b, size_t len)
{
	uint8_t *p;

	if (reserve(b, len))
		return NULL;
	p = b->data + b->len;
	memset(p, 0, len + 1);
	b->len += len;
	return p;
}

int nsima_buf_le32(struct nsima_buf *b, uint32_t v)
{
	uint8_t le[4];

	nsima_put_le32(le, v);
	return nsima_buf_append(b, le, sizeof(le));
}

int nsima_buf_hex(struct nsima_buf *b, const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (len > SIZE_MAX / 2 || reserve(b, 2 * len))
		return NSIMA_ENOMEM;
	for (i = 0; i < len; i++) {
		b->data[b->len++] = digits[p[i] >> 4];
		b->data[b->len++] = digits[p[i] & 0xf];
	}
	b->data[b->len] = '\0';
	return 0;
}

int nsima_buf_printf(struct nsima_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NSIMA_ENOMEM;
	if (reserve(b, (size_t)n))
		return NSIMA_ENOMEM;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}
