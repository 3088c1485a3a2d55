// SPDX-License-Identifier: GPL-2.0
/*
 * ns_state entries: a namespace's count and hash chain, and the
 * verifier's check of a namespace's view against them (nsstate.h).
 */
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "nsstate.h"
#include "nsview.h"

static const char json_head[] = "{\"chain\":\"";
static const char json_mid[] = "\",\"count\":";

void nsima_ns_state_init(struct nsima_ns_state *s)
{
	memset(s, 0, sizeof(*s));
}

int nsima_ns_state_add(struct nsima_ns_state *s, const uint8_t *data,
		       size_t len, struct nsima_err *err)
{
	uint8_t cat[2 * NSIMA_NS_STATE_CHAIN];
	int rc;

	if (s->count == UINT64_MAX)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "ns_state count overflows");
	memcpy(cat, s->chain, NSIMA_NS_STATE_CHAIN);
	rc = nsima_hash(NSIMA_BANK_SHA256, data, len,
			cat + NSIMA_NS_STATE_CHAIN, err);
	if (!rc)
		rc = nsima_hash(NSIMA_BANK_SHA256, cat, sizeof(cat), s->chain,
				err);
	if (rc)
		return rc;
	s->count++;
	return 0;
}

bool nsima_ns_state_equal(const struct nsima_ns_state *a,
			  const struct nsima_ns_state *b)
{
	return a->count == b->count &&
	       !memcmp(a->chain, b->chain, NSIMA_NS_STATE_CHAIN);
}

static int bad_at(struct nsima_err *err, size_t off, const char *what)
{
	return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
			     "ns_state: %s (expected {\"chain\":\"<64 lowercase hex>\",\"count\":<decimal>})",
			     what);
}

/* Lowercase hex digit value, or -1. */
static int lhex(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decimal at @p (up to @end): no sign, no leading zero, fits u64. Returns
 * the number of digits, or 0 with *bad the offset (from @p) of the bad
 * byte.
 */
static size_t parse_u64(const uint8_t *p, size_t avail, uint64_t *v,
			size_t *bad)
{
	size_t n = 0;
	uint64_t x = 0;
	unsigned int d;

	while (n < avail && p[n] >= '0' && p[n] <= '9') {
		d = (unsigned int)(p[n] - '0');
		if ((n == 1 && p[0] == '0') ||
		    x > (UINT64_MAX - d) / 10) {
			*bad = n;
			return 0;
		}
		x = x * 10 + d;
		n++;
	}
	if (!n)
		*bad = 0;
	else
		*v = x;
	return n;
}

int nsima_ns_state_parse(const uint8_t *buf, size_t len,
			 struct nsima_ns_state *s, struct nsima_err *err)
{
	const size_t hl = sizeof(json_head) - 1, ml = sizeof(json_mid) - 1;
	struct nsima_ns_state r;
	size_t off = 0, i, n, bad = 0;
	int hi, lo;

	nsima_ns_state_init(&r);
	for (i = 0; i < hl; i++)
		if (i >= len || buf[i] != (uint8_t)json_head[i])
			return bad_at(err, i, i >= len ? "truncated" :
						   "bad start");
	off = hl;
	for (i = 0; i < NSIMA_NS_STATE_CHAIN; i++) {
		if (len - off < 2)
			return bad_at(err, len, "truncated chain");
		hi = lhex(buf[off]);
		lo = lhex(buf[off + 1]);
		if (hi < 0 || lo < 0)
			return bad_at(err, hi < 0 ? off : off + 1,
				      "chain is not 64 lowercase hex digits");
		r.chain[i] = (uint8_t)(hi << 4 | lo);
		off += 2;
	}
	for (i = 0; i < ml; i++)
		if (off + i >= len || buf[off + i] != (uint8_t)json_mid[i])
			return bad_at(err, off + i,
				      off + i >= len ? "truncated" :
						       "bad chain end or count key");
	off += ml;
	n = parse_u64(buf + off, len - off, &r.count, &bad);
	if (!n)
		return bad_at(err, off + bad,
			      off + bad >= len ? "truncated count" :
						 "count is not a decimal u64 without leading zero");
	off += n;
	if (off >= len || buf[off] != '}')
		return bad_at(err, off, off >= len ? "truncated" :
						     "expected '}'");
	off++;
	if (off != len)
		return bad_at(err, off, "trailing bytes");
	*s = r;
	return 0;
}

int nsima_ns_state_write(const struct nsima_ns_state *s,
			 struct nsima_buf *out)
{
	char hex[2 * NSIMA_NS_STATE_CHAIN + 1];

	nsima_hex_encode(s->chain, NSIMA_NS_STATE_CHAIN, hex);
	return nsima_buf_printf(out, "%s%s%s%llu}", json_head, hex, json_mid,
				(unsigned long long)s->count);
}

int nsima_ns_state_parse_text(const char *str, struct nsima_ns_state *s,
			      struct nsima_err *err)
{
	const char *colon = strchr(str, ':');
	struct nsima_ns_state r;
	size_t n, bad = 0;

	nsima_ns_state_init(&r);
	if (!colon)
		goto bad;
	n = parse_u64((const uint8_t *)str, (size_t)(colon - str), &r.count,
		      &bad);
	if (!n || str + n != colon ||
	    strlen(colon + 1) != 2 * NSIMA_NS_STATE_CHAIN ||
	    nsima_hex_decode(colon + 1, 2 * NSIMA_NS_STATE_CHAIN, r.chain) !=
		    NSIMA_NS_STATE_CHAIN)
		goto bad;
	*s = r;
	return 0;
bad:
	return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
			     "bad namespace chain state '%.100s' (expected COUNT:<64 hex>)",
			     str);
}

void nsima_ns_state_format(const struct nsima_ns_state *s,
			   char buf[NSIMA_NS_STATE_TEXT_MAX])
{
	char hex[2 * NSIMA_NS_STATE_CHAIN + 1];

	nsima_hex_encode(s->chain, NSIMA_NS_STATE_CHAIN, hex);
	snprintf(buf, NSIMA_NS_STATE_TEXT_MAX, "%llu:%s",
		 (unsigned long long)s->count, hex);
}

bool nsima_entry_is_ns_state(const struct nsima_entry *e,
			     struct nsima_nsref *ref)
{
	const size_t tl = sizeof(NSIMA_NS_STATE_TYPE) - 1;
	struct nsima_nsref r;

	if (!e->data || strcmp(e->tmpl.name, NSIMA_TEMPLATE_BUF) ||
	    nsima_entry_ns(e, &r, NULL) || !r.event ||
	    r.event_type_len != tl ||
	    memcmp(r.event_type, NSIMA_NS_STATE_TYPE, tl))
		return false;
	if (ref)
		*ref = r;
	return true;
}

int nsima_entry_ns_state(const struct nsima_entry *e, struct nsima_ns_state *s,
			 struct nsima_err *err)
{
	static const char alg[] = "sha256:";	/* with its NUL */
	uint8_t want[NSIMA_NS_STATE_CHAIN];
	const uint8_t *dng, *buf;
	int fd, fb, rc;

	if (!e->data || strcmp(e->tmpl.name, NSIMA_TEMPLATE_BUF))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "ns_state entry is not an %s entry",
				     NSIMA_TEMPLATE_BUF);
	if (nsima_entry_is_violation(e))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "ns_state entry is a violation");
	fd = nsima_template_find(&e->tmpl, NSIMA_FIELD_D_NG);
	fb = nsima_template_find(&e->tmpl, NSIMA_FIELD_BUF);
	if (fd < 0 || fb < 0)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "ns_state entry without d-ng or buf");
	buf = e->data + e->fields[fb].off;
	rc = nsima_ns_state_parse(buf, e->fields[fb].len, s, err);
	if (rc)
		return rc;
	rc = nsima_hash(NSIMA_BANK_SHA256, buf, e->fields[fb].len, want, err);
	if (rc)
		return rc;
	dng = e->data + e->fields[fd].off;
	if (e->fields[fd].len != sizeof(alg) + NSIMA_NS_STATE_CHAIN ||
	    memcmp(dng, alg, sizeof(alg)) ||
	    memcmp(dng + sizeof(alg), want, NSIMA_NS_STATE_CHAIN))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "ns_state entry's d-ng is not sha256 of its buf");
	return 0;
}

int nsima_ns_state_entry(struct nsima_entry *e, uint32_t pcr, bool host,
			 uint64_t nsid, const struct nsima_ns_state *s,
			 struct nsima_err *err)
{
	uint8_t digest[NSIMA_NS_STATE_CHAIN];
	char name[64];
	struct nsima_buf json, data;
	int rc;

	if (host)
		snprintf(name, sizeof(name), "%s%s", NSIMA_EVENT_PREFIX,
			 NSIMA_NS_STATE_TYPE);
	else
		snprintf(name, sizeof(name), "%llu%c%s%s",
			 (unsigned long long)nsid, NSIMA_NS_SEPARATOR,
			 NSIMA_EVENT_PREFIX, NSIMA_NS_STATE_TYPE);
	nsima_buf_init(&json);
	nsima_buf_init(&data);
	rc = nsima_ns_state_write(s, &json);
	if (!rc)
		rc = nsima_hash(NSIMA_BANK_SHA256, json.data, json.len, digest,
				err);
	else
		nsima_err_set(err, rc, NSIMA_AT_NONE, 0, "out of memory");
	if (!rc &&
	    (nsima_template_put_dng(&data, NSIMA_BANK_SHA256, digest) ||
	     nsima_template_put_name(&data, name) ||
	     nsima_template_put_field(&data, json.data, (uint32_t)json.len)))
		rc = nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				   "out of memory");
	if (!rc)
		rc = nsima_entry_init(e, pcr, NSIMA_TEMPLATE_BUF, data.data,
				      data.len, err);
	nsima_buf_free(&json);
	nsima_buf_free(&data);
	return rc;
}

/* The entries of an ended namespace's id after it start again from zero. */
bool nsima_entry_is_ns_end(const struct nsima_entry *e)
{
	static const char t[] = NSIMA_EVENT_NS_END_NAME;
	struct nsima_nsref r;

	/* a violation's data is not bound to the PCR: it ends nothing */
	return e->data && !nsima_entry_is_violation(e) &&
	       !strcmp(e->tmpl.name, NSIMA_TEMPLATE_BUF) &&
	       !nsima_entry_ns(e, &r, NULL) && r.event &&
	       r.event_type_len == sizeof(t) - 1 &&
	       !memcmp(r.event_type, t, sizeof(t) - 1);
}

/* Is @e one of the namespace's entries that ns_state counts? */
static bool counted(const struct nsima_entry *e, bool host, uint64_t nsid)
{
	return e->data && nsima_entry_in_ns(e, host, nsid) &&
	       !nsima_entry_is_ns_state(e, NULL);
}

int nsima_log_ns_state(const struct nsima_log *log, bool host, uint64_t nsid,
		       uint64_t end, struct nsima_ns_state *s,
		       struct nsima_err *err)
{
	struct nsima_ns_state r;
	size_t i;
	int rc;

	if (log->first_index)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "log starts at entry %llu, not 0",
				     (unsigned long long)log->first_index);
	nsima_ns_state_init(&r);
	for (i = 0; i < log->count && nsima_log_index(log, i) < end; i++) {
		const struct nsima_entry *e = &log->entries[i];

		if (!counted(e, host, nsid))
			continue;
		if (nsima_entry_is_ns_end(e)) {	/* the id's next namespace starts at 0 */
			nsima_ns_state_init(&r);
			continue;
		}
		rc = nsima_ns_state_add(&r, e->data, e->data_len, err);
		if (rc)
			return nsima_err_move(err, rc, NSIMA_AT_ENTRY,
					      nsima_log_index(log, i));
	}
	*s = r;
	return 0;
}

void nsima_ns_check_init(struct nsima_ns_check *c, bool host, uint64_t nsid,
			 uint64_t from, const struct nsima_ns_state *start)
{
	memset(c, 0, sizeof(*c));
	c->host = host;
	c->nsid = nsid;
	c->from = from;
	if (start)
		c->start = *start;
	c->run = c->start;
}

int nsima_ns_check_entry(struct nsima_ns_check *c, const struct nsima_entry *e,
			 uint64_t index, struct nsima_err *err)
{
	struct nsima_ns_state said;
	struct nsima_nsref ref;
	int rc;

	c->entries++;
	if (!e->data) {
		c->redacted++;
		return 0;
	}
	if (index < c->from || !nsima_entry_in_ns(e, c->host, c->nsid))
		return 0;
	if (nsima_entry_is_ns_state(e, &ref)) {
		rc = nsima_entry_ns_state(e, &said, err);
		if (rc)
			return nsima_err_move(err, rc, NSIMA_AT_ENTRY, index);
		c->states++;
		c->have = true;
		c->state_index = index;
		c->stated = said;
		c->shown = c->run;
		return 0;
	}
	if (nsima_entry_is_ns_end(e)) {
		/*
		 * The namespace ended; a later one may get its id. Its
		 * state starts from zero and only its own ns_state proves it.
		 */
		nsima_ns_state_init(&c->run);
		c->have = false;
		nsima_ns_state_init(&c->start);
		return 0;
	}
	rc = nsima_ns_state_add(&c->run, e->data, e->data_len, err);
	return rc ? nsima_err_move(err, rc, NSIMA_AT_ENTRY, index) : 0;
}

int nsima_ns_check_log(struct nsima_ns_check *c, const struct nsima_log *log,
		       uint64_t end, struct nsima_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < log->count && nsima_log_index(log, i) < end; i++) {
		rc = nsima_ns_check_entry(c, &log->entries[i],
					  nsima_log_index(log, i), err);
		if (rc)
			return rc;
	}
	return 0;
}

int nsima_ns_check_result(const struct nsima_ns_check *c,
			  struct nsima_err *err)
{
	char ns[32];

	if (c->host)
		snprintf(ns, sizeof(ns), "host");
	else
		snprintf(ns, sizeof(ns), "ns %llu",
			 (unsigned long long)c->nsid);
	if (!c->have)
		return nsima_err_set(err, NSIMA_ENSUNPROVEN, NSIMA_AT_NONE, 0,
				     "no ns_state of %s is covered: completeness of the view unproven",
				     ns);
	if (c->stated.count != c->shown.count)
		return nsima_err_set(err, NSIMA_ENSINCOMPLETE, NSIMA_AT_ENTRY,
				     c->state_index,
				     "ns_state counts %llu entries of %s before it, the view shows %llu: %s",
				     (unsigned long long)c->stated.count, ns,
				     (unsigned long long)c->shown.count,
				     c->stated.count > c->shown.count ?
					     "entries of the namespace are withheld (redacted or deleted)" :
					     "the view shows entries the namespace did not log");
	if (!nsima_ns_state_equal(&c->stated, &c->shown))
		return nsima_err_set(err, NSIMA_ENSINCOMPLETE, NSIMA_AT_ENTRY,
				     c->state_index,
				     "ns_state counts %llu entries of %s before it, the view shows %llu but their chain differs: an entry of the namespace is withheld, replaced or reordered",
				     (unsigned long long)c->stated.count, ns,
				     (unsigned long long)c->shown.count);
	return 0;
}

uint64_t nsima_ns_check_after(const struct nsima_ns_check *c)
{
	return c->run.count - (c->have ? c->shown.count : c->start.count);
}
