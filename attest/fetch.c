// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest fetch, and verify --agent: ask an nsimad for evidence
 * (GET URL/v1/evidence, docs/nsimad.md "Evidence") over a nonce of ours,
 * with libcurl. Nothing the agent sends is believed here: the bundle goes
 * to verify like a file, and an error body is shown printable and cut.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/rand.h>

#include "cmds.h"
#include "common.h"
#include "evidence.h"
#include "evreq.h"
#include "fetch.h"
#include "fileio.h"
#include "hex.h"

struct sink {
	struct nsima_buf b;
	bool too_big;
};

static size_t take(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;

	n *= size;
	if (s->b.len + n > NSIMA_INPUT_MAX) {
		s->too_big = true;
		return 0;	/* curl stops: CURLE_WRITE_ERROR */
	}
	return nsima_buf_append(&s->b, p, n) ? 0 : n;
}

/* The agent's {"error":"..."} for a message: printable ASCII, cut. */
static void agent_error(const struct sink *s, char *out, size_t len)
{
	json_t *j = json_loadb((const char *)s->b.data, s->b.len, 0, NULL);
	const char *e = j ? json_string_value(json_object_get(j, "error")) : NULL;
	size_t i;

	snprintf(out, len, "%s", e ? e : "(no error message)");
	for (i = 0; out[i]; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			out[i] = '?';
	json_decref(j);
}

int attest_nonce_draw(struct attest_args *o)
{
	if (o->given[OPT_NONCE])
		return 0;
	o->nonce_len = 32;
	if (RAND_bytes(o->nonce, (int)o->nonce_len) != 1) {
		attest_msg("cannot draw a nonce (OpenSSL RAND_bytes)");
		return NSIMA_EXIT_INTERNAL;
	}
	o->given[OPT_NONCE] = true;
	return 0;
}

int attest_http_get(const struct attest_args *o, const char *path,
		    uint8_t **buf, size_t *len)
{
	char errbuf[CURL_ERROR_SIZE] = "", why[256];
	struct sink s = { .too_big = false };
	struct nsima_buf url;
	long status = 0;
	CURLcode rc;
	CURL *c;
	int ret = NSIMA_EXIT_IO;

	*buf = NULL;
	*len = 0;
	nsima_buf_init(&url);
	nsima_buf_init(&s.b);
	if (nsima_buf_append(&url, o->agent, strlen(o->agent)) ||
	    nsima_buf_append(&url, path, strlen(path) + 1)) {
		nsima_buf_free(&url);
		return NSIMA_EXIT_INTERNAL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || !(c = curl_easy_init())) {
		nsima_buf_free(&url);
		attest_msg("%s: cannot start libcurl", o->agent);
		return NSIMA_EXIT_INTERNAL;
	}
	curl_easy_setopt(c, CURLOPT_URL, (char *)url.data);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "nsima-attest");
	if (o->cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
	if (o->cert)
		curl_easy_setopt(c, CURLOPT_SSLCERT, o->cert);
	if (o->key)
		curl_easy_setopt(c, CURLOPT_SSLKEY, o->key);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (s.too_big) {
		attest_msg("%s: the answer is larger than 1 GiB", o->agent);
	} else if (rc != CURLE_OK) {
		attest_msg("%s: %s", o->agent,
			   errbuf[0] ? errbuf : curl_easy_strerror(rc));
	} else if (status != 200) {
		agent_error(&s, why, sizeof(why));
		attest_msg("%s: HTTP %ld: %s", o->agent, status, why);
	} else {
		*buf = s.b.data;
		*len = s.b.len;
		s.b.data = NULL;
		ret = NSIMA_EXIT_OK;
	}
	curl_easy_cleanup(c);
	curl_global_cleanup();
	nsima_buf_free(&url);
	nsima_buf_free(&s.b);
	return ret;
}

int attest_fetch(const struct attest_args *o, uint64_t from, uint8_t **buf,
		 size_t *len)
{
	struct nsima_evreq rq = { .from = from };
	char path[NSIMA_EVREQ_QUERY_MAX + 16];

	memcpy(rq.nonce, o->nonce, o->nonce_len);
	rq.nonce_len = o->nonce_len;
	if (o->given[OPT_NS]) {
		rq.ns_given = true;
		rq.host = o->host;
		rq.nsid = o->nsid;
	} else if (o->container) {
		/* the agent resolves it, and says which namespace in the
		 * bundle's "view" */
		snprintf(rq.container, sizeof(rq.container), "%s", o->container);
	}
	memcpy(path, "/v1/evidence?", 13);
	if (nsima_evreq_format(&rq, path + 13, sizeof(path) - 13)) {
		attest_msg("%s: cannot build the query", o->agent);
		return NSIMA_EXIT_INTERNAL;
	}
	return attest_http_get(o, path, buf, len);
}

static const struct attest_cmd fetch_cmd = {
	"fetch", "--agent URL -o FILE [--nonce HEX] [--ns NSID|--container C] [--log-first N|--checkpoint F]",
	(const enum attest_opt[]){ OPT_AGENT, OPT_OUT, OPT_NONCE, OPT_NS,
				   OPT_CONTAINER, OPT_LOG_FIRST,
				   OPT_CHECKPOINT, OPT_CACERT, OPT_CERT,
				   OPT_KEY, OPT_END },
	(const enum attest_opt[]){ OPT_AGENT, OPT_OUT, OPT_END },
};

int attest_fetch_from(const struct attest_args *o, uint64_t *from)
{
	struct nsima_replay_set cp;
	struct nsima_err err = { 0 };
	char view[NSIMA_VIEW_MAX];
	uint8_t *buf;
	size_t len;
	int rc;

	*from = o->log_first;
	if (!o->checkpoint)
		return 0;
	rc = nsima_read_file(o->checkpoint, NSIMA_SMALL_FILE_MAX, &buf, &len,
			     &err);
	if (!rc) {
		rc = nsima_checkpoint_parse_json(buf, len, &cp, view, &err);
		free(buf);
	}
	if (rc)
		return attest_report(o->checkpoint, rc, &err, false);
	*from = cp.count ? cp.r[0].next : 0;
	return 0;
}

int cmd_fetch(int argc, char **argv)
{
	struct nsima_err err = { 0 };
	char hex[2 * NSIMA_QUOTE_NONCE_MAX + 1];
	struct attest_args o;
	uint8_t *buf;
	uint64_t from;
	size_t len;
	int ret;

	ret = attest_parse(argc, argv, &fetch_cmd, &o);
	if (ret)
		return ret < 0 ? NSIMA_EXIT_OK : ret;
	if (o.given[OPT_NS] && o.container)
		return attest_usage_error(&fetch_cmd, "--ns and --container: give one");
	if (o.given[OPT_LOG_FIRST] && o.checkpoint)
		return attest_usage_error(&fetch_cmd, "--log-first and --checkpoint: give one");
	ret = attest_nonce_draw(&o);
	if (!ret)
		ret = attest_fetch_from(&o, &from);
	if (!ret)
		ret = attest_fetch(&o, from, &buf, &len);
	if (ret)
		return ret;
	if (!strcmp(o.out, "-"))
		ret = fwrite(buf, 1, len, stdout) == len ? 0 : NSIMA_EXIT_IO;
	else if (nsima_write_file(o.out, buf, len, &err))
		ret = attest_report(o.out, NSIMA_EIO, &err, false);
	free(buf);
	if (ret)
		return ret;
	nsima_hex_encode(o.nonce, o.nonce_len, hex);
	fprintf(strcmp(o.out, "-") ? stdout : stderr,
		"fetched %zu bytes from %s over nonce %s (from entry %llu) -> %s\n",
		len, o.agent, hex, (unsigned long long)from, o.out);
	return 0;
}
