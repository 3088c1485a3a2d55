// SPDX-License-Identifier: GPL-2.0
/*
 * One JSON object or array scanned, not built (lib/jsonscan.h).
 */
#include <stdbool.h>

#include "jsonscan.h"

#define JSON_DEPTH_MAX	64

static bool space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t nsima_json_skip_ws(const uint8_t *buf, size_t len, size_t pos)
{
	while (pos < len && space(buf[pos]))
		pos++;
	return pos;
}

static int bad(struct nsima_err *err, size_t off, const char *what)
{
	return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
			     "JSON: %s", what);
}

int nsima_json_scan(const uint8_t *buf, size_t len, size_t max_values,
		    size_t *end, struct nsima_err *err)
{
	size_t i = nsima_json_skip_ws(buf, len, 0), values = 0, depth = 0;
	bool in_scalar = false;
	uint8_t c;

	if (i == len || (buf[i] != '{' && buf[i] != '['))
		return bad(err, i, "not an object or an array");
	for (; i < len; i++) {
		c = buf[i];
		if (c == '"') {
			/* a string: to its closing quote, escapes skipped */
			for (i++; i < len && buf[i] != '"'; i++)
				if (buf[i] == '\\')
					i++;
			if (i >= len)
				break;
			in_scalar = false;
			values++;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_DEPTH_MAX)
				return bad(err, i, "nested too deep");
			in_scalar = false;
			values++;
		} else if (c == '}' || c == ']') {
			in_scalar = false;
			if (--depth == 0) {
				*end = i + 1;
				return 0;
			}
		} else if (c == ',' || c == ':' || space(c)) {
			in_scalar = false;
		} else if (!in_scalar) {
			in_scalar = true;	/* a number or literal starts */
			values++;
		}
		if (values > max_values)
			return bad(err, i, "too many values");
	}
	return bad(err, len, "not closed");
}
