/* SPDX-License-Identifier: GPL-2.0 */
/* nsimad's HTTP endpoints (agent/http.c). */
#ifndef NSIMAD_HTTP_H
#define NSIMAD_HTTP_H

#include <stddef.h>
#include "buf.h"

struct nsimad_http;

/* The /metrics body into @out (called from the HTTP thread): 0 or -1. */
typedef int (*nsimad_render_fn)(void *ctx, struct nsima_buf *out);

/*
 * GET /v1/evidence (the HTTP thread of that request): @query is the raw
 * part of the URI after '?' (not decoded; "" if none). Returns the HTTP
 * status: 200 with @out the body, or a 4xx/5xx with @why its message.
 */
typedef unsigned int (*nsimad_query_fn)(void *ctx, const char *query,
					struct nsima_buf *out, char *why,
					size_t why_len);

struct nsimad_routes {
	nsimad_render_fn metrics;	/* GET /metrics */
	nsimad_render_fn containers;	/* GET /v1/containers */
	nsimad_render_fn ak;		/* GET /v1/ak; NULL: 404 */
	nsimad_query_fn evidence;	/* GET /v1/evidence; NULL: 404 */
	void *ctx;
};

/*
 * Listen on @listen ("IPV4:PORT", "[IPV6]:PORT"): 0, or -1 and @why.
 */
int nsimad_http_start(struct nsimad_http **h, const char *listen,
		      const struct nsimad_routes *routes, char *why,
		      size_t why_len);
void nsimad_http_stop(struct nsimad_http *h);

#endif /* NSIMAD_HTTP_H */
