// SPDX-License-Identifier: GPL-2.0
/*
 * Hex encoding.
 */
#include "hex.h"

void nsima_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long nsima_hex_decode(const char *hex, size_t hexlen, uint8_t *out)
{
	size_t i;

	if (hexlen % 2)
		return -1;
	for (i = 0; i < hexlen / 2; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(hexlen / 2);
}

bool nsima_dec_u64(const char *s, size_t len, uint64_t *v)
{
	size_t i;

	if (!len || len > 20 || (len > 1 && s[0] == '0'))
		return false;
	*v = 0;
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (d > 9 || *v > (UINT64_MAX - d) / 10)
			return false;
		*v = *v * 10 + d;
	}
	return true;
}
