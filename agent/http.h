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
 * Listen on @listen ("IPV4:PORT", "[IPV6]:PORT"): 0, or -1 and @why.
 * @metrics renders /metrics, @containers /v1/containers (JSON).
 */
int nsimad_http_start(struct nsimad_http **h, const char *listen,
		      nsimad_render_fn metrics, nsimad_render_fn containers,
		      void *ctx, char *why, size_t why_len);
void nsimad_http_stop(struct nsimad_http *h);

#endif /* NSIMAD_HTTP_H */
