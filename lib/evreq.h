/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The query of nsimad's GET /v1/evidence (docs/nsimad.md, "Evidence"):
 *   nonce=HEX            the verifier's nonce, 1 to 32 bytes (required: a
 *                        TPM takes at most its largest digest's size)
 *   ns=NSID|host         a namespace's view (others redacted)
 *   container=NAME       the same, the namespace found by its label
 *   from=N               the list from whole-list index N (default 0,
 *                        at most 2^63 - 1)
 * Pairs joined by '&', each "key=value", every key at most once; values
 * are hex, decimal or [A-Za-z0-9_.-] only, so no percent-decoding is done
 * (a '%' or '+' is refused). ns and container exclude each other. At most
 * NSIMA_EVREQ_QUERY_MAX bytes. Errors: NSIMA_EMALFORMED with a message
 * fit for a 400 answer (it never quotes the input).
 */
#ifndef NSIMA_EVREQ_H
#define NSIMA_EVREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "quote.h"

#define NSIMA_EVREQ_QUERY_MAX	1024
#define NSIMA_EVREQ_NONCE_MAX	32
#define NSIMA_CONTAINER_NAME_MAX	128

struct nsima_evreq {
	uint8_t nonce[NSIMA_QUOTE_NONCE_MAX];
	size_t nonce_len;
	bool ns_given, host;	/* ns=: host, or nsid */
	uint64_t nsid;
	char container[NSIMA_CONTAINER_NAME_MAX + 1];	/* "" if not given */
	uint64_t from;
};

/* @query: the part after '?' (may be empty: then nonce is missing). */
int nsima_evreq_parse(const char *query, size_t len, struct nsima_evreq *r,
		      struct nsima_err *err);

/*
 * GET /v1/activate?credential=HEX&secret=HEX (enrollment through the
 * agent, docs/nsimad.md): the MakeCredential output a verifier made for
 * the agent's AK and its TPM's EK, marshalled with their sizes, in hex.
 * At most NSIMA_ACTREQ_QUERY_MAX bytes; the same rules as above.
 */
#define NSIMA_ACTREQ_QUERY_MAX	1800
struct nsima_actreq {
	uint8_t credential[256];	/* TPM2B_ID_OBJECT */
	size_t credential_len;
	uint8_t secret[2 + 512];	/* TPM2B_ENCRYPTED_SECRET */
	size_t secret_len;
};
int nsima_actreq_parse(const char *query, size_t len, struct nsima_actreq *r,
		       struct nsima_err *err);

/*
 * The query for @r into @out (@out_len bytes, NSIMA_EVREQ_QUERY_MAX is
 * enough): what nsima-attest asks. 0, or -1 if it does not fit.
 */
int nsima_evreq_format(const struct nsima_evreq *r, char *out, size_t out_len);

#endif /* NSIMA_EVREQ_H */
