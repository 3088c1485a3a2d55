// SPDX-License-Identifier: GPL-2.0
/*
 * nsima names (name.h): the escaping nsima.ko applies to the n-ng field,
 * and its inverse.
 */
#include <limits.h>

#include "name.h"

static const char hexdigit[] = "0123456789abcdef";

/*
 * Copied as is: 0x21..0x7e but the backslash and ':' (escaped, so that no
 * path can read as a "<nsid>:" prefix or an event name).
 */
static int copied(uint8_t c)
{
	return c > ' ' && c < 0x7f && c != '\\' && c != ':';
}

/* How @c is written: 1 byte (copied, or a space as '_') or 4 ("\xNN"). */
static size_t escaped_len(uint8_t c)
{
	return copied(c) || c == ' ' ? 1 : 4;
}

ssize_t nsima_name_escape(const uint8_t *in, size_t len, char *out,
			  size_t size, struct nsima_err *err)
{
	size_t i, n = 0;
	char *p;

	if ((!in && len) || (!out && size) ||
	    len > (size_t)SSIZE_MAX / 4 - 1)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad arguments");
	for (i = 0; i < len; i++)
		n += escaped_len(in[i]);
	if (!out)
		return (ssize_t)n;
	if (n >= size) {
		if (size)
			out[0] = '\0';
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "escaped name needs %zu bytes and a NUL, buffer holds %zu",
				     n, size);
	}
	for (p = out, i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (copied(c)) {
			*p++ = (char)c;
		} else if (c == ' ') {
			*p++ = '_';
		} else {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hexdigit[c >> 4];
			*p++ = hexdigit[c & 0xf];
		}
	}
	*p = '\0';
	return (ssize_t)n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Check @in and count its raw bytes; with @out (room checked by the
 * caller) also decode.
 */
static ssize_t unescape(const char *in, size_t len, uint8_t *out,
			struct nsima_err *err)
{
	size_t i = 0, n = 0;

	while (i < len) {
		uint8_t c = (uint8_t)in[i];
		int hi, lo;

		if (c != '\\') {
			if (!copied(c))
				return nsima_err_set(err, NSIMA_EMALFORMED,
						     NSIMA_AT_OFFSET, i,
						     "byte 0x%02x is not allowed in an escaped name",
						     c);
			if (out)
				out[n] = c;
			n++;
			i++;
			continue;
		}
		if (len - i < 4 || in[i + 1] != 'x' ||
		    (hi = hexval(in[i + 2])) < 0 || (lo = hexval(in[i + 3])) < 0)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, i,
					     "malformed escape: '\\' must be followed by 'x' and two lower-case hex digits");
		c = (uint8_t)(hi << 4 | lo);
		if (escaped_len(c) != 4)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, i,
					     "non-canonical escape \\x%02x: byte 0x%02x is written %s",
					     c, c, c == ' ' ? "as '_'" : "as itself");
		if (out)
			out[n] = c;
		n++;
		i += 4;
	}
	return (ssize_t)n;
}

ssize_t nsima_name_unescape(const char *in, size_t len, uint8_t *out,
			    size_t size, struct nsima_err *err)
{
	ssize_t n;

	if ((!in && len) || (!out && size) || len > (size_t)SSIZE_MAX - 1)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad arguments");
	n = unescape(in, len, NULL, err);
	if (n < 0 || !out)
		return n;
	if ((size_t)n >= size) {
		if (size)
			out[0] = '\0';
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "unescaped name needs %zd bytes and a NUL, buffer holds %zu",
				     n, size);
	}
	unescape(in, len, out, NULL);
	out[n] = '\0';
	return n;
}
