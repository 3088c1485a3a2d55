/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Little-endian loads and stores for the measurement list formats
 * (the lists are little-endian: x86 host order or ima_canonical_fmt).
 */
#ifndef NSIMA_LE_H
#define NSIMA_LE_H

#include <stdint.h>

static inline uint32_t nsima_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void nsima_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint64_t nsima_get_le(const uint8_t *p, unsigned int size)
{
	uint64_t v = 0;

	while (size--)
		v = v << 8 | p[size];
	return v;
}

#endif /* NSIMA_LE_H */
