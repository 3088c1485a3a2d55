// SPDX-License-Identifier: GPL-2.0
/*
 * nsimad's HTTP endpoints (libmicrohttpd, one polling thread):
 *   GET /metrics        Prometheus text (lib/metrics.c through the
 *                       agent's render callback)
 *   GET /v1/containers  the live namespaces, their records and labels
 *                       (JSON, the agent's callback)
 *   GET /v1/ak          the attestation key (with --ak-dir)
 *   GET /v1/evidence    a quote over the verifier's nonce and the list
 *                       (with --ak-dir; its query: lib/evreq.c)
 * Anything else: 404, a method other than GET or HEAD: 405, each with a
 * one-line JSON body. Requests are bounded (connections in all and per
 * address, a 10 s timeout, 32 KiB of memory per connection: a larger
 * request line or header gets libmicrohttpd's 4xx). Plain HTTP on the
 * address given (loopback by default in docs/nsimad.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "http.h"

struct nsimad_http {
	struct MHD_Daemon *d;
	struct nsimad_routes r;
};

/* The request line's URI as it came, kept for the query (the daemon
 * hands the handler the path only, decoded): at most this many bytes. */
#define URI_MAX	2048

static void *keep_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	return strnlen(uri, URI_MAX + 1) > URI_MAX ? NULL : strdup(uri);
}

static void done(void *cls, struct MHD_Connection *c, void **con_cls,
		 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, const void *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* @what: our own text (no quote or backslash; never the client's). */
static enum MHD_Result json_error(struct MHD_Connection *c,
				  unsigned int status, const char *what)
{
	char body[512];
	int n = snprintf(body, sizeof(body), "{\"error\":\"%s\"}\n", what);

	if (n < 0 || (size_t)n >= sizeof(body))
		n = snprintf(body, sizeof(body), "{\"error\":\"(long)\"}\n");
	return reply(c, status, "application/json", body, (size_t)n);
}

static enum MHD_Result evidence(struct nsimad_http *h,
				struct MHD_Connection *c, const char *uri)
{
	const char *q = uri ? strchr(uri, '?') : NULL;
	struct nsima_buf out;
	enum MHD_Result ret;
	unsigned int status;
	char why[400] = "unavailable";

	if (!uri)
		return json_error(c, MHD_HTTP_URI_TOO_LONG, "URI too long");
	nsima_buf_init(&out);
	status = h->r.evidence(h->r.ctx, q ? q + 1 : "", &out, why,
			       sizeof(why));
	if (status == MHD_HTTP_OK)
		ret = reply(c, status, "application/json",
			    out.data ? (const void *)out.data : "", out.len);
	else
		ret = json_error(c, status, why);
	nsima_buf_free(&out);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	struct nsimad_http *h = cls;
	nsimad_render_fn render;
	struct nsima_buf out;
	enum MHD_Result ret;
	const char *type;

	(void)version;
	(void)upload_data;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return json_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "method not allowed");
	if (*upload_size)
		return json_error(c, MHD_HTTP_BAD_REQUEST, "no body taken");
	if (!strcmp(url, "/metrics")) {
		render = h->r.metrics;
		type = "text/plain; version=0.0.4; charset=utf-8";
	} else if (!strcmp(url, "/v1/containers")) {
		render = h->r.containers;
		type = "application/json";
	} else if (!strcmp(url, "/v1/ak") && h->r.ak) {
		render = h->r.ak;
		type = "application/json";
	} else if (!strcmp(url, "/v1/evidence") && h->r.evidence) {
		return evidence(h, c, *con_cls);
	} else {
		return json_error(c, MHD_HTTP_NOT_FOUND, "not found");
	}
	nsima_buf_init(&out);
	if (render(h->r.ctx, &out)) {
		nsima_buf_free(&out);
		return json_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "unavailable");
	}
	ret = reply(c, MHD_HTTP_OK, type,
		    out.data ? (const void *)out.data : "", out.len);
	nsima_buf_free(&out);
	return ret;
}

/* "IPV4:PORT" or "[IPV6]:PORT", literals only (no name lookup). */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2], *end;
	const char *colon = strrchr(s, ':');
	unsigned long port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (!colon || colon == s)
		return -1;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (*end || errno || !port || port > 65535 || colon[1] < '0' ||
	    colon[1] > '9')
		return -1;
	hl = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hl < 3 || s[hl - 1] != ']' || hl - 2 >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hl - 2);
		host[hl - 2] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host, &a6->sin6_addr) == 1 ? 0 : -1;
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

int nsimad_http_start(struct nsimad_http **hp, const char *listen,
		      const struct nsimad_routes *routes, char *why,
		      size_t why_len)
{
	struct sockaddr_storage ss;
	struct nsimad_http *h;
	/* no MHD_USE_ERROR_LOG: a client must not be able to fill the
	 * agent's log with its bad requests (they get their 4xx). A thread
	 * per connection (at most 32): a quote that takes a second does not
	 * hold up /metrics */
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
			     MHD_USE_THREAD_PER_CONNECTION;

	*hp = NULL;
	if (parse_listen(listen, &ss)) {
		snprintf(why, why_len,
			 "--listen %s: not IPV4:PORT or [IPV6]:PORT", listen);
		return -1;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	h->r = *routes;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, answer, h,
				MHD_OPTION_URI_LOG_CALLBACK, keep_uri, NULL,
				MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)32,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				(unsigned int)8,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				(size_t)32768, MHD_OPTION_END);
	if (!h->d) {
		snprintf(why, why_len, "--listen %s: cannot listen there",
			 listen);
		free(h);
		return -1;
	}
	*hp = h;
	return 0;
}

void nsimad_http_stop(struct nsimad_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}
