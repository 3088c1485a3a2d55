// SPDX-License-Identifier: GPL-2.0
/*
 * nsimad's HTTP endpoints (libmicrohttpd, a thread per connection):
 *   GET /metrics        Prometheus text (lib/metrics.c through the
 *                       agent's render callback)
 *   GET /v1/containers  the live namespaces, their records and labels
 *                       (JSON, the agent's callback)
 *   GET /v1/ak          the attestation key (with --ak-dir)
 *   GET /v1/evidence    a quote over the verifier's nonce and the list
 *                       (with --ak-dir; its query: lib/evreq.c)
 *   GET /v1/enroll      the AK and the EK certificate, and
 *   GET /v1/activate    the TPM's answer to a verifier's credential
 *                       (enrollment through the agent)
 * Anything else: 404, a method other than GET or HEAD: 405, each with a
 * one-line JSON body. Requests are bounded (connections in all and per
 * address, a 10 s timeout, 32 KiB of memory per connection: a larger
 * request line or header gets libmicrohttpd's 4xx). HTTP, or HTTPS
 * (GnuTLS through libmicrohttpd) with, optionally, client certificates:
 * then every request without a trusted one is refused (403) and the
 * handlers get its common name to decide what it may see.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "access.h"
#include "hash.h"

#include "http.h"

struct nsimad_http {
	struct MHD_Daemon *d;
	struct nsimad_routes r;
	bool client_auth;
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

/* Does @crt name the TLS client-authentication purpose (an EKU must be
 * there: GnuTLS's purpose check passes a certificate without one)? */
static bool for_client_auth(gnutls_x509_crt_t crt)
{
	char oid[128];
	unsigned int i, critical;
	size_t size;

	for (i = 0;; i++) {
		size = sizeof(oid);
		if (gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &size,
							&critical) < 0)
			return false;
		if (!strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT))
			return true;
	}
}

/*
 * The verified client certificate's common name into @cn: 0, or -1 (no
 * certificate, not trusted, expired, no clientAuth extended key usage, a
 * CA certificate, not exactly one CN, a CN outside the charset rules may
 * name). One CN: a certificate carrying two would be one client to us
 * and another to a tool that reads the other.
 */
static int client_cn(struct MHD_Connection *c, char *cn, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (void *)GNUTLS_KP_TLS_WWW_CLIENT,
	};
	const gnutls_datum_t *peers;
	unsigned int status = 1, n = 0, critical = 0, ca = 0;
	gnutls_x509_crt_t crt;
	gnutls_session_t s;
	size_t size = len, size2;
	char other[8];
	int rc, pathlen;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return -1;
	s = (gnutls_session_t)ci->tls_session;
	if (gnutls_certificate_verify_peers(s, &purpose, 1, &status) < 0 ||
	    status)
		return -1;
	peers = gnutls_certificate_get_peers(s, &n);
	if (!peers || !n || gnutls_x509_crt_init(&crt) < 0)
		return -1;
	rc = gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER);
	if (rc >= 0)
		rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
						   0, 0, cn, &size);
	size2 = sizeof(other);
	if (rc >= 0 &&
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 1,
					  0, other, &size2) !=
		    GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		rc = -1;	/* a second CN */
	if (rc >= 0 && !for_client_auth(crt))
		rc = -1;
	if (rc >= 0 && gnutls_x509_crt_get_basic_constraints(crt, &critical,
							     &ca, &pathlen) >= 0 &&
	    ca)
		rc = -1;	/* a CA's certificate is not a client's */
	gnutls_x509_crt_deinit(crt);
	if (rc < 0 || size >= len || strlen(cn) != size ||
	    !nsima_access_cn_ok(cn))
		return -1;
	return 0;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	struct nsimad_http *h = cls;
	const char *uri = *con_cls, *q;
	char why[400] = "unavailable", cn[NSIMA_ACCESS_CN_MAX + 1];
	nsimad_handler_fn fn;
	struct nsima_buf out;
	enum MHD_Result ret;
	unsigned int status;
	const char *type = "application/json";

	(void)version;
	(void)upload_data;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return json_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "method not allowed");
	if (*upload_size)
		return json_error(c, MHD_HTTP_BAD_REQUEST, "no body taken");
	if (h->client_auth && client_cn(c, cn, sizeof(cn)))
		return json_error(c, MHD_HTTP_FORBIDDEN,
				  "a trusted client certificate is required");
	if (!strcmp(url, "/metrics")) {
		fn = h->r.metrics;
		type = "text/plain; version=0.0.4; charset=utf-8";
	} else if (!strcmp(url, "/v1/containers")) {
		fn = h->r.containers;
	} else if (!strcmp(url, "/v1/ak")) {
		fn = h->r.ak;
	} else if (!strcmp(url, "/v1/evidence")) {
		fn = h->r.evidence;
	} else if (!strcmp(url, "/v1/enroll")) {
		fn = h->r.enroll;
	} else if (!strcmp(url, "/v1/activate")) {
		fn = h->r.activate;
	} else {
		fn = NULL;
	}
	if (!fn)
		return json_error(c, MHD_HTTP_NOT_FOUND, "not found");
	if (!uri)
		return json_error(c, MHD_HTTP_URI_TOO_LONG, "URI too long");
	q = strchr(uri, '?');
	nsima_buf_init(&out);
	status = fn(h->r.ctx, h->client_auth ? cn : NULL, q ? q + 1 : "",
		    &out, why, sizeof(why));
	/* this thread's digest contexts (lib/hash.c keeps them per
	 * thread; a thread per connection would leak them) */
	nsima_hash_cleanup();
	if (status == MHD_HTTP_OK)
		ret = reply(c, status, type,
			    out.data ? (const void *)out.data : "", out.len);
	else
		ret = json_error(c, status, why);
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
		      const struct nsimad_routes *routes,
		      const struct nsimad_tls *tls, char *why, size_t why_len)
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
	if (tls) {
		flags |= MHD_USE_TLS;
		h->client_auth = tls->client_ca_pem != NULL;
	}
	/* the TLS options last: MHD_OPTION_END ends the list early when
	 * there is no TLS (the key options are not given at all) */
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, answer, h,
				MHD_OPTION_URI_LOG_CALLBACK, keep_uri, NULL,
				MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)32,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				(unsigned int)8,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				(size_t)32768,
				tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
				tls ? tls->cert_pem : NULL,
				MHD_OPTION_HTTPS_MEM_KEY, tls ? tls->key_pem : NULL,
				h->client_auth ? MHD_OPTION_HTTPS_MEM_TRUST :
						 MHD_OPTION_END,
				h->client_auth ? tls->client_ca_pem : NULL,
				MHD_OPTION_END);
	if (!h->d) {
		snprintf(why, why_len, tls ?
			 "--listen %s: cannot listen there, or the TLS certificate, key or client CA is not usable PEM" :
			 "--listen %s: cannot listen there", listen);
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
