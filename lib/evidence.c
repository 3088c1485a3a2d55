// SPDX-License-Identifier: GPL-2.0
/*
 * Evidence bundle (JSON, jansson): see docs/evidence.md.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "evidence.h"
#include "jsonscan.h"
#include "hash.h"
#include "hex.h"
#include "log_format.h"

/* ------------------------------------------------------------------ */
/* base64 */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int nsima_base64_decode(const char *in, size_t len, uint8_t **out,
			size_t *out_len)
{
	size_t i, n = 0, pad = 0;
	uint8_t *p;

	if (len % 4)
		return -1;
	if (len && in[len - 1] == '=')
		pad++;
	if (len > 1 && in[len - 2] == '=')
		pad++;
	p = malloc(len / 4 * 3 + 1);
	if (!p)
		return -1;
	for (i = 0; i < len; i += 4) {
		int v[4], k;
		bool last = i + 4 == len;

		for (k = 0; k < 4; k++) {
			if (last && k >= 4 - (int)pad) {
				v[k] = 0;
				continue;
			}
			v[k] = b64_val(in[i + k]);
			if (v[k] < 0)
				goto bad;
		}
		p[n++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (!last || pad < 2)
			p[n++] = (uint8_t)(v[1] << 4 | v[2] >> 2);
		else if (v[1] & 0xf)
			goto bad;	/* non-canonical trailing bits */
		if (!last || pad < 1)
			p[n++] = (uint8_t)(v[2] << 6 | v[3]);
		else if (pad == 1 && (v[2] & 0x3))
			goto bad;
	}
	*out = p;
	*out_len = n;
	return 0;
bad:
	free(p);
	return -1;
}

int nsima_base64_encode(const uint8_t *in, size_t len, struct nsima_buf *out)
{
	size_t i;
	uint8_t *p = nsima_buf_extend(out, (len + 2) / 3 * 4);

	if (!p)
		return NSIMA_ENOMEM;
	for (i = 0; i + 2 < len; i += 3) {
		*p++ = (uint8_t)b64[in[i] >> 2];
		*p++ = (uint8_t)b64[(in[i] & 3) << 4 | in[i + 1] >> 4];
		*p++ = (uint8_t)b64[(in[i + 1] & 0xf) << 2 | in[i + 2] >> 6];
		*p++ = (uint8_t)b64[in[i + 2] & 0x3f];
	}
	if (len - i == 1) {
		*p++ = (uint8_t)b64[in[i] >> 2];
		*p++ = (uint8_t)b64[(in[i] & 3) << 4];
		*p++ = '=';
		*p++ = '=';
	} else if (len - i == 2) {
		*p++ = (uint8_t)b64[in[i] >> 2];
		*p++ = (uint8_t)b64[(in[i] & 3) << 4 | in[i + 1] >> 4];
		*p++ = (uint8_t)b64[(in[i + 1] & 0xf) << 2];
		*p++ = '=';
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Parsing helpers: every failure names the member's path. */

#define BAD(err, path, ...)                                                  \
	nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0, path ": "      \
		      __VA_ARGS__)

static int get_b64(json_t *obj, const char *key, const char *path,
		   bool required, uint8_t **out, size_t *len,
		   struct nsima_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		if (!required)
			return 0;
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "%s: missing", path);
	}
	if (!json_is_string(v) ||
	    nsima_base64_decode(json_string_value(v), json_string_length(v),
				out, len))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "%s: not base64", path);
	return 0;
}

/* Exactly @want bytes of hex (any size up to @max if want == 0). */
static int get_hex(json_t *v, const char *path, uint8_t *out, size_t max,
		   size_t want, size_t *len, struct nsima_err *err)
{
	size_t n;

	if (!json_is_string(v))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "%s: not a hex string", path);
	n = json_string_length(v);
	if (n % 2 || n / 2 > max || (want && n / 2 != want) ||
	    nsima_hex_decode(json_string_value(v), n, out) < 0) {
		if (want)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_NONE, 0,
					     "%s: not %zu bytes of hex", path,
					     want);
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "%s: not hex of at most %zu bytes", path,
				     max);
	}
	if (len)
		*len = n / 2;
	return 0;
}

static int get_u64(json_t *obj, const char *key, const char *path,
		   uint64_t max, uint64_t *out, struct nsima_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "%s.%s: %s", path, key,
				     v ? "not an integer in range" : "missing");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int bank_of(const char *name, const char *path, struct nsima_err *err)
{
	int bank = nsima_bank_by_name(name, strlen(name));

	if (bank < 0)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "%s: unknown bank '%s'", path, name);
	return bank;
}

/* "pcrs": {"sha256": {"11": "<hex>", ...}, ...} */
static int parse_pcrs(json_t *obj, struct nsima_pcr_values *vals,
		      struct nsima_err *err)
{
	const char *bname, *idx;
	json_t *bank_obj, *v;
	char path[96];
	int bank, rc;

	memset(vals, 0, sizeof(*vals));
	if (!json_is_object(obj))
		return BAD(err, "pcrs", "missing or not an object");
	json_object_foreach(obj, bname, bank_obj) {
		snprintf(path, sizeof(path), "pcrs.%.16s", bname);
		bank = bank_of(bname, path, err);
		if (bank < 0)
			return bank;
		if (!json_is_object(bank_obj))
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_NONE, 0,
					     "%s: not an object", path);
		json_object_foreach(bank_obj, idx, v) {
			uint8_t val[NSIMA_DIGEST_MAX];
			char *end;
			unsigned long pcr = strtoul(idx, &end, 10);

			snprintf(path, sizeof(path), "pcrs.%.16s.%.16s", bname,
				 idx);
			if (*end || end == idx || *idx < '0' || *idx > '9' ||
			    (idx[0] == '0' && idx[1]) || pcr >= NSIMA_PCR_COUNT)
				return nsima_err_set(err, NSIMA_EMALFORMED,
						     NSIMA_AT_NONE, 0,
						     "%s: not a PCR index", path);
			rc = get_hex(v, path, val, sizeof(val),
				     nsima_bank_size(bank), NULL, err);
			if (rc)
				return rc;
			rc = nsima_pcr_values_add(vals,
						  nsima_bank_info(bank)->tpm_alg,
						  (unsigned int)pcr, val,
						  nsima_bank_size(bank), err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* "checkpoint": {"pcr": 11, "next": N, "pcrs": {"sha256": "<hex>"}} */
/* {"<bank>":"<hex>",...} of one PCR's state into @r. */
static int parse_banks(json_t *pcrs, const char *where,
		       struct nsima_replay *r, struct nsima_err *err)
{
	const char *bname;
	char path[80];
	json_t *v;
	int bank, rc;

	if (!json_is_object(pcrs) || !json_object_size(pcrs))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "%s: missing or empty", where);
	json_object_foreach(pcrs, bname, v) {
		snprintf(path, sizeof(path), "%s.%.16s", where, bname);
		bank = bank_of(bname, path, err);
		if (bank < 0)
			return bank;
		rc = get_hex(v, path, r->pcrs.val[bank], NSIMA_DIGEST_MAX,
			     nsima_bank_size(bank), NULL, err);
		if (rc)
			return rc;
		r->pcrs.banks |= NSIMA_BANK_BIT(bank);
	}
	return 0;
}

/*
 * One PCR: {"pcr":11,"next":N,"pcrs":{<banks>}}; several:
 * {"pcr":[10,11],"next":N,"pcrs":{"10":{<banks>},"11":{<banks>}}}, the
 * PCRs ascending, each with its banks.
 */
static int parse_checkpoint(json_t *obj, struct nsima_replay_set *cp,
			    struct nsima_err *err)
{
	json_t *pcr, *pcrs, *v;
	char key[8], where[40];
	uint64_t next, u;
	size_t i;
	int rc;

	memset(cp, 0, sizeof(*cp));
	if (!json_is_object(obj))
		return BAD(err, "checkpoint", "not an object");
	rc = get_u64(obj, "next", "checkpoint", (uint64_t)INT64_MAX, &next,
		     err);
	if (rc)
		return rc;
	pcr = json_object_get(obj, "pcr");
	pcrs = json_object_get(obj, "pcrs");
	if (!json_is_array(pcr)) {
		rc = get_u64(obj, "pcr", "checkpoint", NSIMA_PCR_COUNT - 1, &u,
			     err);
		if (rc)
			return rc;
		cp->count = 1;
		cp->r[0].pcr = (uint32_t)u;
		cp->r[0].next = next;
		return parse_banks(pcrs, "checkpoint.pcrs", &cp->r[0], err);
	}
	if (!json_array_size(pcr) || json_array_size(pcr) > NSIMA_REPLAY_SET_MAX)
		return BAD(err, "checkpoint.pcr", "not 1 to %d PCRs",
			   NSIMA_REPLAY_SET_MAX);
	if (!json_is_object(pcrs) || json_object_size(pcrs) != json_array_size(pcr))
		return BAD(err, "checkpoint.pcrs", "not one object per PCR");
	json_array_foreach(pcr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= NSIMA_PCR_COUNT ||
		    (i && json_integer_value(v) <= (json_int_t)cp->r[i - 1].pcr))
			return BAD(err, "checkpoint.pcr",
				   "not ascending PCR indexes (0-%d)",
				   NSIMA_PCR_COUNT - 1);
		cp->r[i].pcr = (uint32_t)json_integer_value(v);
		cp->r[i].next = next;
		snprintf(key, sizeof(key), "%u", cp->r[i].pcr);
		snprintf(where, sizeof(where), "checkpoint.pcrs.%s", key);
		rc = parse_banks(json_object_get(pcrs, key), where, &cp->r[i],
				 err);
		if (rc)
			return rc;
		cp->count++;
	}
	return 0;
}

static int parse_log(json_t *obj, struct nsima_evidence *ev,
		     struct nsima_err *err)
{
	json_t *v;
	int rc;

	if (!json_is_object(obj))
		return BAD(err, "log", "not an object");
	v = json_object_get(obj, "format");
	ev->log_format = NSIMA_FORMAT_AUTO;
	if (v) {
		if (!json_is_string(v) ||
		    (ev->log_format = nsima_log_format_by_name(json_string_value(v))) < 0)
			return BAD(err, "log.format",
				   "not binary, ascii, cel or auto");
	}
	v = json_object_get(obj, "alg");
	ev->log_alg = NSIMA_BANK_SHA1;
	if (v) {
		if (!json_is_string(v) ||
		    (ev->log_alg = nsima_bank_by_name(json_string_value(v),
						      json_string_length(v))) < 0)
			return BAD(err, "log.alg", "not a known bank");
	}
	ev->log_first = 0;
	if (json_object_get(obj, "first_index")) {
		rc = get_u64(obj, "first_index", "log", (uint64_t)INT64_MAX,
			     &ev->log_first, err);
		if (rc)
			return rc;
	}
	return get_b64(obj, "data", "log.data", true, &ev->log, &ev->log_len,
		       err);
}

static int parse_quote(json_t *obj, struct nsima_evidence *ev,
		       struct nsima_err *err)
{
	json_t *pem;
	int rc;

	if (!json_is_object(obj))
		return BAD(err, "quote", "missing or not an object");
	rc = get_b64(obj, "attest", "quote.attest", true, &ev->attest,
		     &ev->attest_len, err);
	if (!rc)
		rc = get_b64(obj, "signature", "quote.signature", true,
			     &ev->sig, &ev->sig_len, err);
	if (rc)
		return rc;
	pem = json_object_get(obj, "ak_pem");
	if (pem) {
		if (json_object_get(obj, "ak_public"))
			return BAD(err, "quote", "both ak_public and ak_pem");
		if (!json_is_string(pem))
			return BAD(err, "quote.ak_pem", "not a string");
		ev->ak_len = json_string_length(pem);
		ev->ak = malloc(ev->ak_len + 1);
		if (!ev->ak)
			return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE,
					     0, "out of memory");
		memcpy(ev->ak, json_string_value(pem), ev->ak_len + 1);
		return 0;
	}
	return get_b64(obj, "ak_public", "quote.ak_public", true, &ev->ak,
		       &ev->ak_len, err);
}

/*
 * What jansson may build for one document: a bundle holds some 60 values
 * (its list is one string), a checkpoint or clock file a dozen.
 */
#define EVIDENCE_VALUES	4096
#define SMALL_VALUES	256

/* Parse @buf, scanned first (lib/jsonscan.h); NULL with @err set. */
static json_t *load_bounded(const uint8_t *buf, size_t len, size_t flags,
			    size_t max_values, struct nsima_err *err)
{
	json_error_t jerr;
	size_t end;
	json_t *root;

	if (nsima_json_scan(buf, len, max_values, &end, err))
		return NULL;
	root = json_loadb((const char *)buf, len, flags, &jerr);
	if (!root)
		nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
			      (uint64_t)(jerr.position > 0 ? jerr.position : 0),
			      "JSON: %s", jerr.text);
	return root;
}

int nsima_evidence_parse(const uint8_t *buf, size_t len,
			 struct nsima_evidence *ev, struct nsima_err *err)
{
	json_t *root, *v;
	uint64_t version;
	int rc;

	memset(ev, 0, sizeof(*ev));
	root = load_bounded(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, EVIDENCE_VALUES, err);
	if (!root)
		return NSIMA_EMALFORMED;
	if (!json_is_object(root)) {
		rc = BAD(err, "evidence", "not a JSON object");
		goto out;
	}
	rc = get_u64(root, "version", "evidence", UINT32_MAX, &version, err);
	if (rc)
		goto out;
	if (version != NSIMA_EVIDENCE_VERSION) {
		rc = nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				   "evidence.version %" PRIu64 " (want %d)",
				   version, NSIMA_EVIDENCE_VERSION);
		goto out;
	}
	v = json_object_get(root, "nonce");
	rc = v ? get_hex(v, "nonce", ev->nonce, sizeof(ev->nonce), 0,
			 &ev->nonce_len, err) :
		 BAD(err, "nonce", "missing");
	if (rc)
		goto out;
	rc = parse_quote(json_object_get(root, "quote"), ev, err);
	if (rc)
		goto out;
	rc = parse_pcrs(json_object_get(root, "pcrs"), &ev->pcrs, err);
	if (rc)
		goto out;
	v = json_object_get(root, "log");
	if (v && !json_is_null(v)) {
		rc = parse_log(v, ev, err);
		if (rc)
			goto out;
	}
	v = json_object_get(root, "checkpoint");
	if (v && !json_is_null(v)) {
		rc = parse_checkpoint(v, &ev->checkpoint, err);
		if (rc)
			goto out;
		ev->has_checkpoint = true;
	}
	v = json_object_get(root, "boot_id");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) ||
		    json_string_length(v) > NSIMA_BOOT_ID_MAX ||
		    strlen(json_string_value(v)) != json_string_length(v)) {
			rc = BAD(err, "boot_id", "not a string of at most %d bytes",
				 NSIMA_BOOT_ID_MAX);
			goto out;
		}
		memcpy(ev->boot_id, json_string_value(v),
		       json_string_length(v) + 1);
	}
	v = json_object_get(root, "view");
	if (v && !json_is_null(v)) {
		struct nsima_err e2;

		if (!json_is_string(v) ||
		    json_string_length(v) >= sizeof(ev->view) ||
		    strlen(json_string_value(v)) != json_string_length(v) ||
		    nsima_nsid_parse(json_string_value(v), &ev->view_host,
				     &ev->view_nsid, &e2)) {
			rc = BAD(err, "view", "not a namespace id or \"host\"");
			goto out;
		}
		memcpy(ev->view, json_string_value(v),
		       json_string_length(v) + 1);
	}
out:
	json_decref(root);
	if (rc)
		nsima_evidence_free(ev);
	return rc;
}

void nsima_evidence_free(struct nsima_evidence *ev)
{
	free(ev->attest);
	free(ev->sig);
	free(ev->ak);
	free(ev->log);
	ev->attest = ev->sig = ev->ak = ev->log = NULL;
	ev->attest_len = ev->sig_len = ev->ak_len = ev->log_len = 0;
}

/* ------------------------------------------------------------------ */
/* Writing */

static json_t *hex_str(const uint8_t *p, size_t len)
{
	char *h = malloc(2 * len + 1);
	json_t *s;

	if (!h)
		return NULL;
	nsima_hex_encode(p, len, h);
	s = json_string(h);
	free(h);
	return s;
}

static json_t *b64_str(const uint8_t *p, size_t len)
{
	struct nsima_buf b;
	json_t *s = NULL;

	nsima_buf_init(&b);
	if (!nsima_base64_encode(p, len, &b))
		s = json_stringn(len ? (const char *)b.data : "", b.len);
	nsima_buf_free(&b);
	return s;
}

/* json_object_set_new that remembers a failure in *ok. */
static void set(json_t *obj, const char *key, json_t *v, bool *ok)
{
	if (!v || !obj || json_object_set_new(obj, key, v))
		*ok = false;
}

static json_t *pcrs_json(const struct nsima_pcr_values *vals, bool *ok)
{
	json_t *root = json_object();
	unsigned int i;

	for (i = 0; root && i < vals->count; i++) {
		int bank = nsima_bank_by_alg(vals->v[i].alg);
		json_t *b;
		char idx[4];

		if (bank < 0) {
			*ok = false;
			continue;
		}
		b = json_object_get(root, nsima_bank_name(bank));
		if (!b) {
			b = json_object();
			set(root, nsima_bank_name(bank), b, ok);
		}
		snprintf(idx, sizeof(idx), "%u", vals->v[i].pcr);
		set(b, idx, hex_str(vals->v[i].val, vals->v[i].size), ok);
	}
	if (!root)
		*ok = false;
	return root;
}

/* @root as one compact line (keys sorted) onto @out; drops @root. */
static int dump_line(json_t *root, bool ok, struct nsima_buf *out,
		     struct nsima_err *err)
{
	char *s = ok ? json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	int rc;

	json_decref(root);
	rc = s ? nsima_buf_append(out, s, strlen(s)) : -1;
	if (!rc)
		rc = nsima_buf_append(out, "\n", 1);
	free(s);
	if (rc)
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory building JSON");
	return 0;
}

/* {"next":N,"pcr":P,"pcrs":{"<bank>":"<hex>",..}} */
static json_t *banks_json(const struct nsima_pcrs *p, bool *ok)
{
	json_t *o = json_object();
	int b;

	for (b = 0; b < NSIMA_BANK_COUNT; b++)
		if (p->banks & NSIMA_BANK_BIT(b))
			set(o, nsima_bank_name(b),
			    hex_str(p->val[b], nsima_bank_size(b)), ok);
	return o;
}

/* parse_checkpoint's layout: one PCR as before, several by index. */
static json_t *checkpoint_json(const struct nsima_replay_set *cp, bool *ok)
{
	json_t *o = json_object(), *p, *idx;
	char key[8];
	unsigned int i;

	if (!cp->count) {
		*ok = false;
		return o;
	}
	set(o, "next", json_integer((json_int_t)cp->r[0].next), ok);
	if (cp->count == 1) {
		set(o, "pcr", json_integer(cp->r[0].pcr), ok);
		set(o, "pcrs", banks_json(&cp->r[0].pcrs, ok), ok);
		return o;
	}
	idx = json_array();
	p = json_object();
	for (i = 0; i < cp->count; i++) {
		snprintf(key, sizeof(key), "%u", cp->r[i].pcr);
		if (json_array_append_new(idx, json_integer(cp->r[i].pcr)))
			*ok = false;
		set(p, key, banks_json(&cp->r[i].pcrs, ok), ok);
	}
	set(o, "pcr", idx, ok);
	set(o, "pcrs", p, ok);
	return o;
}

int nsima_evidence_write(const struct nsima_evidence *ev,
			 struct nsima_buf *out, struct nsima_err *err)
{
	json_t *root = json_object(), *q = json_object(), *o;
	bool ok = true;

	set(root, "version", json_integer(NSIMA_EVIDENCE_VERSION), &ok);
	set(root, "nonce", hex_str(ev->nonce, ev->nonce_len), &ok);
	set(q, "attest", b64_str(ev->attest, ev->attest_len), &ok);
	set(q, "signature", b64_str(ev->sig, ev->sig_len), &ok);
	if (ev->ak_len > 11 && !memcmp(ev->ak, "-----BEGIN ", 11))
		set(q, "ak_pem", json_stringn((const char *)ev->ak, ev->ak_len),
		    &ok);
	else
		set(q, "ak_public", b64_str(ev->ak, ev->ak_len), &ok);
	set(root, "quote", q, &ok);
	set(root, "pcrs", pcrs_json(&ev->pcrs, &ok), &ok);
	if (ev->log) {
		o = json_object();
		set(o, "format",
		    json_string(nsima_log_format_name(ev->log_format)), &ok);
		set(o, "alg", json_string(nsima_bank_name(ev->log_alg)), &ok);
		set(o, "first_index", json_integer((json_int_t)ev->log_first),
		    &ok);
		set(o, "data", b64_str(ev->log, ev->log_len), &ok);
		set(root, "log", o, &ok);
	}
	if (ev->has_checkpoint)
		set(root, "checkpoint", checkpoint_json(&ev->checkpoint, &ok),
		    &ok);
	if (ev->boot_id[0])
		set(root, "boot_id", json_string(ev->boot_id), &ok);
	if (ev->view[0])
		set(root, "view", json_string(ev->view), &ok);
	return dump_line(root, ok, out, err);
}

/* ------------------------------------------------------------------ */
/* Checkpoint and clock files */

int nsima_checkpoint_parse_json(const uint8_t *buf, size_t len,
				struct nsima_replay_set *cp, char *view,
				struct nsima_err *err)
{
	json_t *root, *v;
	int rc;

	root = load_bounded(buf, len, JSON_REJECT_DUPLICATES, SMALL_VALUES,
			    err);
	if (!root)
		return NSIMA_EMALFORMED;
	rc = parse_checkpoint(root, cp, err);
	v = json_object_get(root, "view");
	if (!rc && v && (!json_is_string(v) ||
			 json_string_length(v) >= NSIMA_VIEW_MAX ||
			 !json_string_length(v)))
		rc = BAD(err, "checkpoint.view", "not a namespace");
	if (!rc && view)
		snprintf(view, NSIMA_VIEW_MAX, "%s", v ? json_string_value(v) : "");
	json_decref(root);
	return rc;
}

int nsima_checkpoint_write_json(const struct nsima_replay_set *cp,
				const char *view, struct nsima_buf *out,
				struct nsima_err *err)
{
	bool ok = true;
	json_t *o = checkpoint_json(cp, &ok);

	if (view && *view)
		set(o, "view", json_string(view), &ok);
	return dump_line(o, ok, out, err);
}

int nsima_clock_parse_json(const uint8_t *buf, size_t len,
			   struct nsima_clock *clk, struct nsima_err *err)
{
	json_t *root, *safe;
	uint64_t u;
	int rc;

	memset(clk, 0, sizeof(*clk));
	root = load_bounded(buf, len, JSON_REJECT_DUPLICATES, SMALL_VALUES,
			    err);
	if (!root)
		return NSIMA_EMALFORMED;
	rc = get_u64(root, "clock", "clock", (uint64_t)INT64_MAX, &clk->clock,
		     err);
	if (!rc)
		rc = get_u64(root, "resetCount", "clock", UINT32_MAX, &u, err);
	if (!rc) {
		clk->reset_count = (uint32_t)u;
		rc = get_u64(root, "restartCount", "clock", UINT32_MAX, &u,
			     err);
	}
	if (!rc) {
		clk->restart_count = (uint32_t)u;
		safe = json_object_get(root, "safe");
		if (!json_is_boolean(safe))
			rc = BAD(err, "clock.safe", "not a boolean");
		else
			clk->safe = json_is_true(safe);
	}
	json_decref(root);
	return rc;
}

int nsima_clock_write_json(const struct nsima_clock *clk,
			   struct nsima_buf *out, struct nsima_err *err)
{
	if (nsima_buf_printf(out,
			     "{\"clock\":%" PRIu64 ",\"resetCount\":%" PRIu32
			     ",\"restartCount\":%" PRIu32 ",\"safe\":%s}\n",
			     clk->clock, clk->reset_count, clk->restart_count,
			     clk->safe ? "true" : "false"))
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	return 0;
}
