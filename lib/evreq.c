// SPDX-License-Identifier: GPL-2.0
/*
 * nsimad's evidence query (lib/evreq.h): split, check, never decode.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "evreq.h"
#include "hex.h"
#include "log.h"

enum { K_NONCE = 1u << 0, K_NS = 1u << 1, K_CONTAINER = 1u << 2,
       K_FROM = 1u << 3 };

static int bad(struct nsima_err *err, const char *msg)
{
	return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0, "%s",
			     msg);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int set(struct nsima_evreq *r, unsigned int *seen, const char *k,
	       size_t kl, const char *v, size_t vl, struct nsima_err *err)
{
	static const struct { const char *name; unsigned int bit; } keys[] = {
		{ "nonce", K_NONCE }, { "ns", K_NS },
		{ "container", K_CONTAINER }, { "from", K_FROM },
	};
	unsigned int bit = 0, i;
	struct nsima_err e2;
	char ns[24];

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == kl && !memcmp(keys[i].name, k, kl))
			bit = keys[i].bit;
	if (!bit)
		return bad(err, "unknown parameter (nonce, ns, container, from)");
	if (*seen & bit)
		return bad(err, "a parameter given twice");
	*seen |= bit;
	switch (bit) {
	case K_NONCE:
		if (!vl || vl % 2 || vl / 2 > NSIMA_EVREQ_NONCE_MAX)
			return bad(err, "nonce: 1 to 32 bytes in hex");
		if (nsima_hex_decode(v, vl, r->nonce) != (long)(vl / 2))
			return bad(err, "nonce: not hex");
		r->nonce_len = vl / 2;
		return 0;
	case K_NS:
		r->ns_given = true;
		if (vl >= sizeof(ns))
			return bad(err, "ns: a namespace id (decimal) or host");
		memcpy(ns, v, vl);
		ns[vl] = '\0';
		/* the rule entries' names follow (lib/log.c) */
		if (nsima_nsid_parse(ns, &r->host, &r->nsid, &e2))
			return bad(err, "ns: a namespace id (decimal) or host");
		return 0;
	case K_CONTAINER:
		if (!vl || vl > NSIMA_CONTAINER_NAME_MAX)
			return bad(err, "container: 1 to 128 bytes of [A-Za-z0-9_.-]");
		for (i = 0; i < vl; i++)
			if (!name_char(v[i]))
				return bad(err, "container: 1 to 128 bytes of [A-Za-z0-9_.-]");
		memcpy(r->container, v, vl);
		r->container[vl] = '\0';
		return 0;
	default:
		if (!nsima_dec_u64(v, vl, &r->from) || r->from > INT64_MAX)
			return bad(err, "from: a list index (decimal, below 2^63)");
		return 0;
	}
}

typedef int (*pair_fn)(void *ctx, unsigned int *seen, const char *k,
		       size_t kl, const char *v, size_t vl,
		       struct nsima_err *err);

/* key=value pairs joined by '&', at most @max bytes, each to @fn. */
static int split(const char *query, size_t len, size_t max, pair_fn fn,
		 void *ctx, unsigned int *seen, struct nsima_err *err)
{
	size_t at = 0;

	*seen = 0;
	if (len > max)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "query longer than %zu bytes", max);
	if (memchr(query, '%', len) || memchr(query, '+', len))
		return bad(err, "percent-encoding is not taken: values are hex, decimal or [A-Za-z0-9_.-]");
	while (at < len) {
		const char *p = query + at, *amp, *eq;
		size_t pl;
		int rc;

		amp = memchr(p, '&', len - at);
		pl = amp ? (size_t)(amp - p) : len - at;
		eq = memchr(p, '=', pl);
		if (!pl || !eq || eq == p)
			return bad(err, "not key=value pairs joined by '&'");
		rc = fn(ctx, seen, p, (size_t)(eq - p), eq + 1,
			pl - (size_t)(eq - p) - 1, err);
		if (rc)
			return rc;
		at += pl + (amp ? 1 : 0);
		if (amp && at == len)
			return bad(err, "not key=value pairs joined by '&'");
	}
	return 0;
}

static int ev_pair(void *ctx, unsigned int *seen, const char *k, size_t kl,
		   const char *v, size_t vl, struct nsima_err *err)
{
	return set(ctx, seen, k, kl, v, vl, err);
}

int nsima_evreq_parse(const char *query, size_t len, struct nsima_evreq *r,
		      struct nsima_err *err)
{
	unsigned int seen;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = split(query, len, NSIMA_EVREQ_QUERY_MAX, ev_pair, r, &seen, err);
	if (rc)
		return rc;
	if (!(seen & K_NONCE))
		return bad(err, "nonce missing");
	if ((seen & K_NS) && (seen & K_CONTAINER))
		return bad(err, "ns and container exclude each other");
	return 0;
}

/* GET /v1/activate: credential=HEX&secret=HEX */
static int act_pair(void *ctx, unsigned int *seen, const char *k, size_t kl,
		    const char *v, size_t vl, struct nsima_err *err)
{
	struct nsima_actreq *r = ctx;
	bool cred = kl == 10 && !memcmp(k, "credential", 10);
	unsigned int bit = cred ? 1u : 2u;
	uint8_t *out = cred ? r->credential : r->secret;
	size_t max = cred ? sizeof(r->credential) : sizeof(r->secret);

	if (!cred && !(kl == 6 && !memcmp(k, "secret", 6)))
		return bad(err, "unknown parameter (credential, secret)");
	if (*seen & bit)
		return bad(err, "a parameter given twice");
	*seen |= bit;
	if (!vl || vl % 2 || vl / 2 > max ||
	    nsima_hex_decode(v, vl, out) != (long)(vl / 2))
		return bad(err, cred ? "credential: a TPM2B_ID_OBJECT in hex" :
				       "secret: a TPM2B_ENCRYPTED_SECRET in hex");
	if (cred)
		r->credential_len = vl / 2;
	else
		r->secret_len = vl / 2;
	return 0;
}

int nsima_actreq_parse(const char *query, size_t len, struct nsima_actreq *r,
		       struct nsima_err *err)
{
	unsigned int seen;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = split(query, len, NSIMA_ACTREQ_QUERY_MAX, act_pair, r, &seen,
		   err);
	if (!rc && seen != 3)
		rc = bad(err, "credential and secret are required");
	return rc;
}

int nsima_evreq_format(const struct nsima_evreq *r, char *out, size_t out_len)
{
	char hex[2 * NSIMA_QUOTE_NONCE_MAX + 1];
	size_t n;
	int k;

	if (!r->nonce_len || r->nonce_len > NSIMA_EVREQ_NONCE_MAX)
		return -1;
	nsima_hex_encode(r->nonce, r->nonce_len, hex);
	k = snprintf(out, out_len, "nonce=%s", hex);
	if (k < 0 || (size_t)k >= out_len)
		return -1;
	n = (size_t)k;
	if (r->ns_given && r->host)
		k = snprintf(out + n, out_len - n, "&ns=host");
	else if (r->ns_given)
		k = snprintf(out + n, out_len - n, "&ns=%llu",
			     (unsigned long long)r->nsid);
	else if (r->container[0])
		k = snprintf(out + n, out_len - n, "&container=%s",
			     r->container);
	else
		k = 0;
	if (k < 0 || (size_t)k >= out_len - n)
		return -1;
	n += (size_t)k;
	if (r->from) {
		k = snprintf(out + n, out_len - n, "&from=%llu",
			     (unsigned long long)r->from);
		if (k < 0 || (size_t)k >= out_len - n)
			return -1;
	}
	return 0;
}
