// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lib/evreq.c, the query of nsimad's GET /v1/evidence
 * (what any client on the network sends). Whatever parses has a nonce of
 * 1 to 64 bytes, ns or container (not both), a container of the allowed
 * characters only, and formats back to a query that parses to the same
 * request; whatever does not parse is NSIMA_EMALFORMED. A nonce is 1
 * to 32 bytes, from below 2^63. The same input as an activation query
 * (GET /v1/activate): both blobs present and within their bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The activation query, on the same input: bounded, or EMALFORMED. */
static void activation(const uint8_t *data, size_t size)
{
	struct nsima_actreq a;
	struct nsima_err err;

	if (nsima_actreq_parse((const char *)data, size, &a, &err)) {
		if (err.code != NSIMA_EMALFORMED)
			abort();
		return;
	}
	if (!a.credential_len || a.credential_len > sizeof(a.credential) ||
	    !a.secret_len || a.secret_len > sizeof(a.secret))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_evreq r, back;
	struct nsima_err err;
	char q[NSIMA_EVREQ_QUERY_MAX];
	size_t n;

	activation(data, size);
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
