// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/access.c, nsimad's client rules (a config file's
 * "client = ..." values, one per input line). A rule that is taken has a
 * CN the certificate check accepts, at most 16 scopes, names of the
 * allowed characters, and is found again by its CN; one that is not is
 * NSIMA_EMALFORMED.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_access a = { 0 };
	struct nsima_err err;
	char line[512];
	size_t at = 0;

	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) : size - at;
		const struct nsima_access_rule *r;
		unsigned int before = a.n, i;

		if (len < sizeof(line)) {
			memcpy(line, data + at, len);
			line[len] = '\0';
			if (!nsima_access_add(&a, line, &err)) {
				if (a.n != before + 1)
					abort();
				r = &a.r[a.n - 1];
				if (!nsima_access_cn_ok(r->cn) ||
				    nsima_access_find(&a, r->cn) != r ||
				    r->n > NSIMA_ACCESS_SCOPES ||
				    (!r->node && !r->n))
					abort();
				for (i = 0; i < r->n; i++)
					if (!r->scope[i].is_ns &&
					    (!r->scope[i].container[0] ||
					     !nsima_access_container(r, r->scope[i].container)))
						abort();
			} else if (err.code != NSIMA_EMALFORMED || a.n != before) {
				abort();
			}
		}
		at += len + 1;
	}
	nsima_access_free(&a);
	return 0;
}
