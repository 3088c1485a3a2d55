/* SPDX-License-Identifier: GPL-2.0 */
/* nsimad's HTTP endpoints (agent/http.c). */
#ifndef NSIMAD_HTTP_H
#define NSIMAD_HTTP_H

#include <stddef.h>
#include "buf.h"

struct nsimad_http;

/*
 * One endpoint, called from the request's thread. @client: the verified
 * client certificate's common name with TLS client authentication, else
 * NULL. @query: the raw part of the URI after '?' (not decoded; "" if
 * none). Returns the HTTP status: 200 with @out the body, or a 4xx/5xx
 * with @why its message (our own words: never the client's bytes).
 */
typedef unsigned int (*nsimad_handler_fn)(void *ctx, const char *client,
					  const char *query,
					  struct nsima_buf *out, char *why,
					  size_t why_len);

struct nsimad_routes {
	nsimad_handler_fn metrics;	/* GET /metrics */
	nsimad_handler_fn containers;	/* GET /v1/containers */
	nsimad_handler_fn ak;		/* GET /v1/ak; NULL: 404 */
	nsimad_handler_fn evidence;	/* GET /v1/evidence; NULL: 404 */
	nsimad_handler_fn enroll;	/* GET /v1/enroll; NULL: 404 */
	nsimad_handler_fn activate;	/* GET /v1/activate; NULL: 404 */
	void *ctx;
};

/*
 * HTTPS: the server's certificate (chain) and key, PEM text; with
 * @client_ca_pem, every request must come with a client certificate that
 * chains to it, is valid now and is for TLS client authentication (else
 * 403), and its common name is passed to the handlers.
 */
struct nsimad_tls {
	const char *cert_pem, *key_pem;
	const char *client_ca_pem;	/* NULL: no client certificates */
};

/*
 * Listen on @listen ("IPV4:PORT", "[IPV6]:PORT"), over TLS when @tls is
 * not NULL: 0, or -1 and @why.
 */
int nsimad_http_start(struct nsimad_http **h, const char *listen,
		      const struct nsimad_routes *routes,
		      const struct nsimad_tls *tls, char *why, size_t why_len);
void nsimad_http_stop(struct nsimad_http *h);

#endif /* NSIMAD_HTTP_H */
