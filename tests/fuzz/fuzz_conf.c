// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/conf.c (nsimad --config). Whatever parses hands
 * out keys of 1 to 31 bytes of [a-z_] and values without a newline, NUL,
 * CR or a space at either end, as many as the input has such lines at
 * most; whatever does not parse says "f:LINE: " with a line the input
 * has.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	size_t n;
};

static int check(void *p, const char *key, const char *value,
		 struct nsima_err *err)
{
	struct ctx *c = p;
	size_t k = strlen(key), v = strlen(value);

	(void)err;
	if (!k || k >= NSIMA_CONF_KEY_MAX || strspn(key, "abcdefghijklmnopqrstuvwxyz_") != k)
		abort();
	if (strpbrk(value, "\n\r") || (v && (value[0] == ' ' ||
					     value[0] == '\t' ||
					     value[v - 1] == ' ' ||
					     value[v - 1] == '\t')))
		abort();
	c->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_err err;
	struct ctx c = { 0 };
	size_t lines = 1, i;
	unsigned int line;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (!nsima_conf_parse((const char *)data, size, "f", check, &c, &err)) {
		if (c.n > lines)
			abort();
		return 0;
	}
	if (err.code != NSIMA_EMALFORMED ||
	    sscanf(err.msg, "f:%u: ", &line) != 1 || !line || line > lines)
		abort();
	return 0;
}
