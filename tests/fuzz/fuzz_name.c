// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: nsima names (lib/name.c). For any bytes x,
 * unescape(escape(x)) is x with every space turned into '_', and escape(x)
 * holds only bytes 0x21..0x7e; for any y that unescapes, escape(unescape(y))
 * is y again (the escaped form is canonical).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = NSIMA_NAME_ESCAPED_MAX(size) + 1, i;
	char *esc = malloc(cap), *again = malloc(cap);
	uint8_t *raw = malloc(size + 1);
	ssize_t n, m;

	if (!esc || !again || !raw)
		abort();
	/* x -> escape -> unescape */
	n = nsima_name_escape(data, size, NULL, 0, NULL);
	if (n < 0 || (size_t)n > cap - 1 ||
	    nsima_name_escape(data, size, esc, cap, NULL) != n ||
	    esc[n] != '\0')
		abort();
	/* no room for the NUL: refused, not cut */
	if (nsima_name_escape(data, size, again, (size_t)n, NULL) >= 0 ||
	    (n && again[0] != '\0'))
		abort();
	for (i = 0; i < (size_t)n; i++)
		if ((uint8_t)esc[i] < 0x21 || (uint8_t)esc[i] > 0x7e)
			abort();
	m = nsima_name_unescape(esc, (size_t)n, raw, size + 1, NULL);
	if (m < 0 || (size_t)m != size)
		abort();
	for (i = 0; i < size; i++)
		if (raw[i] != (data[i] == ' ' ? '_' : data[i]))
			abort();

	/* y -> unescape -> escape */
	m = nsima_name_unescape((const char *)data, size, raw, size + 1, NULL);
	if (m >= 0) {
		if (nsima_name_unescape((const char *)data, size, NULL, 0,
					NULL) != m ||
		    nsima_name_escape(raw, (size_t)m, again, cap, NULL) !=
			    (ssize_t)size ||
		    memcmp(again, data, size))
			abort();
	}
	free(raw);
	free(again);
	free(esc);
	return 0;
}
