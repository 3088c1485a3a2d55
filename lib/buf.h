/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growable byte buffer for the writers.
 */
#ifndef NSIMA_BUF_H
#define NSIMA_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct nsima_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void nsima_buf_init(struct nsima_buf *b);
void nsima_buf_free(struct nsima_buf *b);
/* Hand the bytes to the caller (free() them); b is empty afterwards. */
uint8_t *nsima_buf_take(struct nsima_buf *b, size_t *len);
int nsima_buf_append(struct nsima_buf *b, const void *p, size_t len);
/* Grow by @len zeroed bytes; returns where they start, or NULL. */
uint8_t *nsima_buf_extend(struct nsima_buf *b, size_t len);
int nsima_buf_le32(struct nsima_buf *b, uint32_t v);
int nsima_buf_hex(struct nsima_buf *b, const uint8_t *p, size_t len);
int nsima_buf_printf(struct nsima_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* NSIMA_BUF_H */
