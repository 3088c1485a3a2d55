// SPDX-License-Identifier: GPL-2.0
/*
 * TCG CEL JSON (content type ima_template) over jansson.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cel.h"
#include "hex.h"
#include "jsonscan.h"
#include "log_format.h"

#define CT_IMA "ima_template"
#define CEL_RECORD_VALUES	512
/* the longest record: its template data (at most 1 MiB) twice, as hex */
#define CEL_RECORD_MAX		(2 * NSIMA_TEMPLATE_DATA_MAX + 65536)

struct cel_walk {
	nsima_take_fn fn;
	void *ctx;
	uint64_t rec;		/* records so far */
	uint64_t last;		/* the last one's recnum */
};

static int rec_err(struct nsima_err *err, uint64_t rec, const char *msg)
{
	return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_ENTRY, rec, "%s",
			     msg);
}

static int get_uint(json_t *obj, const char *key, json_int_t max,
		    json_int_t *v)
{
	json_t *j = json_object_get(obj, key);

	if (!json_is_integer(j))
		return -1;
	*v = json_integer_value(j);
	return (*v < 0 || *v > max) ? -1 : 0;
}

static int parse_digests(json_t *arr, struct nsima_entry *e, uint64_t rec,
			 struct nsima_err *err)
{
	uint8_t digest[NSIMA_DIGEST_MAX];
	size_t i;
	json_t *d;

	if (!json_is_array(arr) || json_array_size(arr) > 16)
		return rec_err(err, rec, "\"digests\" is not an array of at most 16");
	json_array_foreach(arr, i, d) {
		const char *alg = json_string_value(json_object_get(d, "hashAlg"));
		const char *hex = json_string_value(json_object_get(d, "digest"));
		int bank = alg ? nsima_bank_by_name(alg, strlen(alg)) : -1;

		if (!alg || !hex)
			return rec_err(err, rec, "digest lacks \"hashAlg\" or \"digest\"");
		if (bank < 0)
			continue;	/* a bank we do not replay (sm3_256...) */
		if (e->digest_mask & NSIMA_BANK_BIT(bank))
			return rec_err(err, rec, "duplicate digest bank");
		if (strlen(hex) != 2 * nsima_bank_size(bank) ||
		    nsima_hex_decode(hex, strlen(hex), digest) < 0)
			return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_ENTRY,
					     rec, "bad %s digest", alg);
		nsima_entry_set_digest(e, bank, digest);
	}
	return 0;
}

static int parse_content(json_t *content, uint32_t pcr, struct nsima_entry *e,
			 uint64_t rec, struct nsima_err *err)
{
	const char *name = json_string_value(json_object_get(content,
							     "template_name"));
	json_t *jd = json_object_get(content, "template_data");
	const char *hex = json_string_value(jd);
	size_t hexlen = json_string_length(jd);
	uint8_t *data;
	int rc;

	if (!name || !hex)
		return rec_err(err, rec, "content lacks \"template_name\" or \"template_data\"");
	if (hexlen % 2 || hexlen / 2 > NSIMA_TEMPLATE_DATA_MAX)
		return rec_err(err, rec, "bad \"template_data\" length");
	data = malloc(hexlen / 2 + 1);
	if (!data)
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	if (nsima_hex_decode(hex, hexlen, data) < 0) {
		free(data);
		return rec_err(err, rec, "\"template_data\" is not hex");
	}
	rc = nsima_entry_init(e, pcr, name, data, hexlen / 2, err);
	free(data);
	return rc ? nsima_err_move(err, rc, NSIMA_AT_ENTRY, rec) : 0;
}

/* The next record of @w into @e, with its @recnum (which must increase). */
static int parse_record(json_t *r, const struct cel_walk *w,
			struct nsima_entry *e, json_int_t *recnum,
			struct nsima_err *err)
{
	uint64_t rec = w->rec;
	json_int_t pcr;
	const char *ct;
	json_t *content;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!json_is_object(r))
		return rec_err(err, rec, "record is not an object");
	if (get_uint(r, "recnum", INT64_MAX / 2, recnum))
		return rec_err(err, rec, "bad \"recnum\"");
	if (rec && (uint64_t)*recnum <= w->last)
		return rec_err(err, rec, "\"recnum\" does not increase");
	if (get_uint(r, "pcr", NSIMA_PCR_COUNT - 1, &pcr))
		return rec_err(err, rec, "bad \"pcr\" (0-23)");
	ct = json_string_value(json_object_get(r, "content_type"));
	if (!ct || strcmp(ct, CT_IMA))
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_ENTRY, rec,
				     "content_type is not \"" CT_IMA "\"");
	content = json_object_get(r, "content");
	if (json_is_true(json_object_get(r, "redacted"))) {
		if (content)
			return rec_err(err, rec, "redacted record has content");
		e->pcr = (uint32_t)pcr;
		e->flags = NSIMA_ENTRY_REDACTED;
		e->name_field = -1;
	} else {
		if (!json_is_object(content))
			return rec_err(err, rec, "no \"content\" object");
		rc = parse_content(content, (uint32_t)pcr, e, rec, err);
		if (rc)
			return rc;
	}
	rc = parse_digests(json_object_get(r, "digests"), e, rec, err);
	if (!rc && !e->data && !e->digest_mask)
		rc = rec_err(err, rec, "redacted record without digests");
	return rc;
}

/* JSON white space and json-seq's record separators (RS, 0x1e). */
static size_t skip_space(const uint8_t *buf, size_t len, size_t pos)
{
	pos = nsima_json_skip_ws(buf, len, pos);
	while (pos < len && buf[pos] == 0x1e)
		pos = nsima_json_skip_ws(buf, len, pos + 1);
	return pos;
}

/*
 * One record at @pos, scanned first (lib/jsonscan.h: a record holds some
 * 30 values; jansson gets no more than CEL_RECORD_VALUES, whatever the
 * input); *@end gets the offset after it.
 */
static json_t *load_one(const uint8_t *buf, size_t len, size_t pos,
			size_t *end, struct nsima_err *err)
{
	json_error_t jerr;
	size_t n;
	json_t *v;

	n = len - pos < CEL_RECORD_MAX ? len - pos : CEL_RECORD_MAX;
	if (nsima_json_scan(buf + pos, n, CEL_RECORD_VALUES, &n, err)) {
		if (err && len - pos > CEL_RECORD_MAX &&
		    err->pos == CEL_RECORD_MAX)
			nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, 0,
				      "a record longer than %u bytes",
				      CEL_RECORD_MAX);
		if (err)
			err->pos += pos;
		return NULL;
	}
	v = json_loadb((const char *)buf + pos, n, JSON_REJECT_DUPLICATES,
		       &jerr);
	if (!v)
		nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
			      pos + (size_t)jerr.position, "%s", jerr.text);
	else
		*end = pos + n;
	return v;
}

/* Record @v (taken) to @fn; a record's number must increase. */
static int one_record(json_t *v, struct cel_walk *w, struct nsima_err *err)
{
	struct nsima_entry e;
	json_int_t recnum = 0;
	int rc;

	if (!v)
		return NSIMA_EMALFORMED;
	memset(&e, 0, sizeof(e));
	rc = w->rec < NSIMA_CEL_RECORDS_MAX ?
		     parse_record(v, w, &e, &recnum, err) :
		     rec_err(err, w->rec, "too many records");
	json_decref(v);
	if (rc) {
		nsima_entry_free(&e);
		return rc;
	}
	w->rec++;
	w->last = (uint64_t)recnum;
	return w->fn(&e, (uint64_t)recnum, w->ctx, err);
}

/*
 * A JSON array of records, parsed one element at a time: jansson never
 * holds more than one record, whatever the list's size (a whole array
 * would cost about ten times its text before any limit applies).
 */
static int parse_array(const uint8_t *buf, size_t len, size_t pos,
		       struct cel_walk *w, struct nsima_err *err)
{
	int rc;

	pos = skip_space(buf, len, pos + 1);
	if (pos < len && buf[pos] == ']')
		return skip_space(buf, len, pos + 1) == len ? 0 :
			nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				      pos + 1, "data after the array");
	for (;;) {
		rc = one_record(load_one(buf, len, pos, &pos, err), w, err);
		if (rc)
			return rc;
		pos = skip_space(buf, len, pos);
		if (pos < len && buf[pos] == ',') {
			pos = skip_space(buf, len, pos + 1);
			continue;
		}
		if (pos < len && buf[pos] == ']' &&
		    skip_space(buf, len, pos + 1) == len)
			return 0;
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     pos, pos < len && buf[pos] == ']' ?
					     "data after the array" :
					     "expected ',' or ']' after a record");
	}
}

int nsima_cel_each(const uint8_t *buf, size_t len, nsima_take_fn fn,
		   void *ctx, struct nsima_err *err)
{
	struct cel_walk w = { .fn = fn, .ctx = ctx };
	size_t pos = skip_space(buf, len, 0);
	int rc = 0;

	if (pos < len && buf[pos] == '[')
		return parse_array(buf, len, pos, &w, err);
	/* JSON-seq or one record a line */
	while (pos < len && !rc) {
		rc = one_record(load_one(buf, len, pos, &pos, err), &w, err);
		pos = skip_space(buf, len, pos);
	}
	return rc;
}

static int append_at(struct nsima_entry *e, uint64_t recnum, void *log,
		     struct nsima_err *err)
{
	int rc = nsima_log_append_at(log, e, recnum, err);

	if (rc)
		nsima_entry_free(e);
	return rc;
}

int nsima_cel_parse(const uint8_t *buf, size_t len, struct nsima_log *log,
		    struct nsima_err *err)
{
	return nsima_cel_each(buf, len, append_at, log, err);
}

static json_t *digest_obj(int bank, const uint8_t *d)
{
	char hex[2 * NSIMA_DIGEST_MAX + 1];

	nsima_hex_encode(d, nsima_bank_size(bank), hex);
	return json_pack("{s:s,s:s}", "hashAlg", nsima_bank_name(bank),
			 "digest", hex);
}

static int nomem(struct nsima_err *err)
{
	return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
			     "out of memory");
}

static int digests_of(const struct nsima_entry *e, unsigned int banks,
		      json_t **out, struct nsima_err *err)
{
	bool violation = nsima_entry_is_violation(e);
	uint8_t d[NSIMA_DIGEST_MAX];
	json_t *arr = json_array();
	int b, rc = 0;

	if (!arr)
		return nomem(err);
	if (!e->data)
		banks = e->digest_mask;
	for (b = 0; !rc && b < NSIMA_BANK_COUNT; b++) {
		if (!(banks & NSIMA_BANK_BIT(b)))
			continue;
		if (violation)
			memset(d, 0, sizeof(d));
		else
			rc = nsima_entry_digest(e, b, d, err);
		if (!rc && json_array_append_new(arr, digest_obj(b, d)))
			rc = nomem(err);
	}
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

static int record_of(const struct nsima_entry *e, uint64_t recnum,
		     unsigned int banks, json_t **out, struct nsima_err *err)
{
	json_t *digests = NULL;
	char *hex;
	int rc = digests_of(e, banks, &digests, err);

	if (rc)
		return rc;
	if (!e->data) {
		*out = json_pack("{s:I,s:i,s:o,s:s,s:b}", "recnum",
				 (json_int_t)recnum, "pcr", (int)e->pcr,
				 "digests", digests, "content_type", CT_IMA,
				 "redacted", 1);
		return *out ? 0 : nomem(err);
	}
	hex = malloc(2 * (size_t)e->data_len + 1);
	if (!hex) {
		json_decref(digests);
		return nomem(err);
	}
	nsima_hex_encode(e->data, e->data_len, hex);
	*out = json_pack("{s:I,s:i,s:o,s:s,s:{s:s,s:s}}", "recnum",
			 (json_int_t)recnum, "pcr", (int)e->pcr, "digests",
			 digests, "content_type", CT_IMA, "content",
			 "template_name", e->tmpl.name, "template_data", hex);
	free(hex);
	return *out ? 0 : nomem(err);
}

int nsima_cel_write_begin(struct nsima_cel_writer *w, unsigned int banks,
			  unsigned int flags, struct nsima_buf *out,
			  struct nsima_err *err)
{
	nsima_err_clear(err);
	memset(w, 0, sizeof(*w));
	if (!banks || (banks & ~NSIMA_BANKS_ALL))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad bank mask 0x%x", banks);
	w->banks = banks;
	w->flags = flags;
	if (!(flags & NSIMA_CEL_SEQ) && nsima_buf_append(out, "[", 1))
		return nomem(err);
	return 0;
}

int nsima_cel_write_entry(struct nsima_cel_writer *w,
			  const struct nsima_entry *e, uint64_t recnum,
			  struct nsima_buf *out, struct nsima_err *err)
{
	json_t *r = NULL;
	char *s;
	int rc = record_of(e, recnum, w->banks, &r, err);

	if (rc)
		return rc;
	s = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(r);
	if (!s)
		return nomem(err);
	if (w->flags & NSIMA_CEL_SEQ)
		rc = nsima_buf_printf(out, "\x1e%s\n", s);
	else
		rc = nsima_buf_printf(out, "%s%s", w->count ? ",\n" : "\n", s);
	free(s);
	if (rc)
		return nomem(err);
	w->count++;
	return 0;
}

int nsima_cel_write_end(struct nsima_cel_writer *w, struct nsima_buf *out,
			struct nsima_err *err)
{
	if (!(w->flags & NSIMA_CEL_SEQ) && nsima_buf_append(out, "\n]\n", 3))
		return nomem(err);
	return 0;
}

int nsima_cel_write(const struct nsima_log *log, unsigned int banks,
		    unsigned int flags, struct nsima_buf *out,
		    struct nsima_err *err)
{
	return nsima_log_write_all(log, NSIMA_FORMAT_CEL, NSIMA_BANK_SHA1, banks,
				   flags, out, err);
}
