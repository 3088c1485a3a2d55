/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lower-case hex encoding, as IMA prints digests; decimal numbers.
 */
#ifndef NSIMA_HEX_H
#define NSIMA_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes 2 * len hex digits and a NUL to out. */
void nsima_hex_encode(const uint8_t *in, size_t len, char *out);
/*
 * Decodes exactly @hexlen hex digits (upper or lower case) into out.
 * Returns the number of bytes or -1 if hexlen is odd or a digit is bad.
 */
long nsima_hex_decode(const char *hex, size_t hexlen, uint8_t *out);
/*
 * Exactly @len decimal digits, no sign, no leading zero (but "0"), at
 * most 2^64 - 1, into *@v: true, or false (*@v unspecified).
 */
bool nsima_dec_u64(const char *s, size_t len, uint64_t *v);

#endif /* NSIMA_HEX_H */
