// SPDX-License-Identifier: GPL-2.0
/*
 * IMA binary measurement lists (ima_fs.c: ima_measurements_show):
 *
 *   u32 pcr | digest[hdr bank size] | u32 name_len | name[name_len] |
 *   u32 data_len | data[data_len]
 *
 * The legacy "ima" template has no data_len: its data is a 20-byte digest,
 * u32 name length and the name (without NUL).
 */
#include <stdint.h>
#include <string.h>

#include "le.h"
#include "log_format.h"

struct cursor {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	bool short_input;	/* a need() failed: the input ended */
};

static int need(struct cursor *c, size_t n, const char *what,
		struct nsima_err *err)
{
	c->short_input = c->len - c->pos < n;
	if (c->short_input)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     c->pos,
				     "truncated: %s needs %zu bytes, %zu left",
				     what, n, c->len - c->pos);
	return 0;
}

static int get_u32(struct cursor *c, const char *what, uint32_t *v,
		   struct nsima_err *err)
{
	int rc = need(c, 4, what, err);

	if (rc)
		return rc;
	*v = nsima_get_le32(c->buf + c->pos);
	c->pos += 4;
	return 0;
}

/* Template data length of the legacy "ima" template, from its name_len. */
static int legacy_data_len(struct cursor *c, uint32_t *data_len,
			   struct nsima_err *err)
{
	uint32_t nlen;
	int rc = need(c, NSIMA_SHA1_SIZE + 4, "ima template data", err);

	if (rc)
		return rc;
	nlen = nsima_get_le32(c->buf + c->pos + NSIMA_SHA1_SIZE);
	if (nlen > NSIMA_EVENT_NAME_LEN_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     c->pos + NSIMA_SHA1_SIZE,
				     "ima name_len %u exceeds %d", nlen,
				     NSIMA_EVENT_NAME_LEN_MAX);
	*data_len = NSIMA_SHA1_SIZE + 4 + nlen;
	return 0;
}

/*
 * Parse the record at c->pos into @e, without its template data: *start
 * is where that starts in the input (c->pos is moved past it). @last (may
 * be NULL) is the previous record's template, reused when the name is the
 * same so that a long list does not look every record's template up.
 */
static int parse_record(struct cursor *c, int hdr_bank, struct nsima_entry *e,
			const struct nsima_template *last, size_t *start,
			struct nsima_err *err)
{
	size_t dsize = nsima_bank_size(hdr_bank), name_off, data_off;
	uint32_t pcr, name_len, data_len;
	const uint8_t *digest;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = get_u32(c, "pcr", &pcr, err);
	if (rc)
		return rc;
	if (pcr >= NSIMA_PCR_COUNT)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     c->pos - 4, "pcr %u out of range (0-%d)",
				     pcr, NSIMA_PCR_COUNT - 1);
	rc = need(c, dsize, "template digest", err);
	if (rc)
		return rc;
	digest = c->buf + c->pos;
	c->pos += dsize;
	rc = get_u32(c, "name_len", &name_len, err);
	if (rc)
		return rc;
	if (name_len == 0 || name_len > NSIMA_TEMPLATE_FMT_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     c->pos - 4,
				     "template name_len %u not in 1..%d",
				     name_len, NSIMA_TEMPLATE_FMT_MAX);
	rc = need(c, name_len, "template name", err);
	if (rc)
		return rc;
	name_off = c->pos;
	if (last && last->name[0] && !last->name[name_len] &&
	    !memcmp(last->name, c->buf + name_off, name_len) &&
	    strlen(last->name) == name_len) {
		e->tmpl = *last;
	} else {
		rc = nsima_template_lookup((const char *)c->buf + name_off,
					   name_len, &e->tmpl, err);
		if (rc)
			return nsima_err_move(err, rc, NSIMA_AT_OFFSET,
					      name_off);
	}
	c->pos += name_len;
	if (e->tmpl.legacy) {
		rc = legacy_data_len(c, &data_len, err);
	} else {
		rc = get_u32(c, "data_len", &data_len, err);
		if (!rc && data_len > NSIMA_TEMPLATE_DATA_MAX)
			rc = nsima_err_set(err, NSIMA_EMALFORMED,
					   NSIMA_AT_OFFSET, c->pos - 4,
					   "data_len %u exceeds %u", data_len,
					   NSIMA_TEMPLATE_DATA_MAX);
	}
	if (rc)
		return rc;
	rc = need(c, data_len, "template data", err);
	if (rc)
		return rc;
	data_off = c->pos;
	/* split with the final offsets so errors point into the input */
	rc = nsima_template_split(&e->tmpl, c->buf + data_off, data_len,
				  data_off, e->fields, err);
	if (rc)
		return rc;
	e->pcr = pcr;
	e->data_len = data_len;
	e->name_field = nsima_template_name_field(&e->tmpl);
	nsima_entry_set_digest(e, hdr_bank, digest);
	*start = data_off;
	c->pos += data_len;
	return 0;
}

static int parse_entry(struct cursor *c, int hdr_bank, struct nsima_entry *e,
		       struct nsima_err *err)
{
	size_t data_off;
	int rc;

	rc = parse_record(c, hdr_bank, e, NULL, &data_off, err);
	if (rc)
		return rc;
	return nsima_entry_set_data(e, c->buf + data_off, e->data_len, err);
}

int nsima_log_foreach_binary(const uint8_t *buf, size_t len, int hdr_bank,
			     nsima_entry_fn fn, void *ctx,
			     struct nsima_err *err)
{
	struct cursor c = { buf, len, 0, false };
	struct nsima_template last = { 0 };
	struct nsima_err local;
	struct nsima_entry e;
	size_t data_off, n = 0;
	int rc;

	if (!err)
		err = &local;
	nsima_err_clear(err);
	rc = nsima_log_check_bank(hdr_bank, err);
	if (rc)
		return rc;
	while (c.pos < c.len) {
		size_t off = c.pos;

		rc = parse_record(&c, hdr_bank, &e, &last, &data_off, err);
		if (rc)
			return rc;
		last = e.tmpl;
		/* borrowed: valid for the call only, never freed */
		e.data = (uint8_t *)(uintptr_t)(buf + data_off);
		rc = fn(&e, n++, off, ctx, err);
		if (rc)
			return rc;
	}
	return 0;
}

int nsima_binary_whole(const uint8_t *buf, size_t len, int hdr_bank,
		       size_t *whole, size_t *count, struct nsima_err *err)
{
	struct cursor c = { buf, len, 0, false };
	struct nsima_template last = { 0 };
	struct nsima_err local;
	struct nsima_entry e;
	size_t data_off;
	int rc;

	if (!err)
		err = &local;
	nsima_err_clear(err);
	*whole = *count = 0;
	rc = nsima_log_check_bank(hdr_bank, err);
	while (!rc && c.pos < c.len) {
		rc = parse_record(&c, hdr_bank, &e, &last, &data_off, err);
		if (rc && c.short_input) {
			nsima_err_clear(err);	/* the rest comes later */
			return 0;
		}
		if (!rc) {
			last = e.tmpl;
			*whole = c.pos;
			(*count)++;
		}
	}
	return rc;
}

int nsima_log_parse_binary(const uint8_t *buf, size_t len, int hdr_bank,
			   struct nsima_log *log, struct nsima_err *err)
{
	struct cursor c = { buf, len, 0, false };
	struct nsima_err local;
	struct nsima_entry e;
	int rc;

	if (!err)
		err = &local;
	nsima_err_clear(err);
	rc = nsima_log_check_bank(hdr_bank, err);
	if (rc)
		return rc;
	while (c.pos < c.len) {
		rc = parse_entry(&c, hdr_bank, &e, err);
		if (!rc)
			rc = nsima_log_append(log, &e, err);
		if (rc) {
			nsima_entry_free(&e);
			return rc;
		}
	}
	return 0;
}

int nsima_log_write_binary_entry(const struct nsima_entry *e, int hdr_bank,
				 struct nsima_buf *out, struct nsima_err *err)
{
	uint8_t digest[NSIMA_DIGEST_MAX];
	size_t nlen = strlen(e->tmpl.name);
	int rc;

	if (!e->data)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "redacted entry cannot be written as a binary list");
	rc = nsima_entry_digest(e, hdr_bank, digest, err);
	if (rc)
		return rc;
	if (nsima_buf_le32(out, e->pcr) ||
	    nsima_buf_append(out, digest, nsima_bank_size(hdr_bank)) ||
	    nsima_buf_le32(out, (uint32_t)nlen) ||
	    nsima_buf_append(out, e->tmpl.name, nlen) ||
	    (!e->tmpl.legacy && nsima_buf_le32(out, e->data_len)) ||
	    nsima_buf_append(out, e->data, e->data_len))
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	return 0;
}

int nsima_log_write_binary(const struct nsima_log *log, int hdr_bank,
			   struct nsima_buf *out, struct nsima_err *err)
{
	return nsima_log_write(log, NSIMA_FORMAT_BINARY, hdr_bank, out, err);
}
