// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/evreq.c, the query of nsimad's GET /v1/evidence
 * (what any client on the network sends). Whatever parses has a nonce of
 * 1 to 64 bytes, ns or container (not both), a container of the allowed
 * characters only, and formats back to a query that parses to the same
 * request; whatever does not parse is NSIMA_EMALFORMED. A nonce is 1
 * to 32 bytes, from below 2^63.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_evreq r, back;
	struct nsima_err err;
	char q[NSIMA_EVREQ_QUERY_MAX];
	size_t n;

	if (nsima_evreq_parse((const char *)data, size, &r, &err)) {
		if (err.code != NSIMA_EMALFORMED)
			abort();
		return 0;
	}
	if (!r.nonce_len || r.nonce_len > NSIMA_EVREQ_NONCE_MAX ||
	    r.from > INT64_MAX ||
	    (r.ns_given && r.container[0]))
		abort();
	n = strlen(r.container);
	if (n > NSIMA_CONTAINER_NAME_MAX ||
	    strspn(r.container, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		abort();
	if (nsima_evreq_format(&r, q, sizeof(q)) ||
	    nsima_evreq_parse(q, strlen(q), &back, &err) ||
	    memcmp(&r, &back, sizeof(r)))
		abort();
	return 0;
}
