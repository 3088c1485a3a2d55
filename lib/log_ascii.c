// SPDX-License-Identifier: GPL-2.0
/*
 * IMA ascii measurement lists (ima_fs.c: ima_ascii_measurements_show):
 *
 *   "%2d <template digest hex> <template name>" then " <field>" per field
 *
 * Fields print as in ima_template_lib.c: d-ng as "sha256:<hex>", n-ng as
 * the string, sig/buf as hex, an empty field as nothing (so an ima-sig line
 * without signature ends with a space). The kernel replaces spaces in names
 * with '_'; a name with spaces from another producer is still read when the
 * template has one string field, which then takes the extra words.
 *
 * No line holds a control byte (0x00-0x1f, 0x7f) but its final newline:
 * the parser refuses one (with its line) and the writer refuses a string
 * field holding one (with its entry), so whatever is written reads back
 * and no name can forge a line or a field. nsima.ko escapes such bytes in
 * its names (name.h), so its binary and ascii lists carry the same bytes.
 */
#include <string.h>

#include "hex.h"
#include "log_format.h"
#include "name.h"

#define LINE_MAX_BYTES	(2 * (size_t)NSIMA_TEMPLATE_DATA_MAX + 4096)

struct tok {
	const char *p;
	size_t len;
};

static int line_err(struct nsima_err *err, int code, uint64_t line,
		    const char *msg)
{
	return nsima_err_set(err, code, NSIMA_AT_LINE, line, "%s", msg);
}

/* Leading spaces (%2d), then a decimal PCR index below NSIMA_PCR_COUNT. */
static int scan_pcr(struct tok *t, uint32_t *pcr)
{
	size_t i = 0;
	uint32_t v = 0;

	while (i < t->len && t->p[i] == ' ')
		i++;
	if (i == t->len || t->p[i] < '0' || t->p[i] > '9')
		return -1;
	for (; i < t->len && t->p[i] >= '0' && t->p[i] <= '9'; i++) {
		v = v * 10 + (uint32_t)(t->p[i] - '0');
		if (v >= NSIMA_PCR_COUNT)
			return -1;
	}
	*pcr = v;
	t->p += i;
	t->len -= i;
	return 0;
}

/* Take the next space-terminated word; the space is consumed. */
static bool next_word(struct tok *t, struct tok *w)
{
	const char *sp = memchr(t->p, ' ', t->len);

	w->p = t->p;
	w->len = sp ? (size_t)(sp - t->p) : t->len;
	t->p += w->len + (sp ? 1 : 0);
	t->len -= w->len + (sp ? 1 : 0);
	return sp != NULL;
}

static size_t count_char(const char *p, size_t len, char c)
{
	size_t n = 0;

	while (len--)
		n += (*p++ == c);
	return n;
}

static int string_field(const struct nsima_template *t)
{
	int i, found = -1;

	for (i = 0; i < t->nfields; i++) {
		if (nsima_field_fmt(t->field[i]) != NSIMA_FMT_STRING)
			continue;
		if (found >= 0)
			return -1;
		found = i;
	}
	return found;
}

/* Parse the fields in @rest (after "<template> ") into template data. */
static int scan_fields(const struct nsima_template *t, struct tok rest,
		       struct nsima_buf *data, uint64_t line,
		       struct nsima_err *err)
{
	size_t words = count_char(rest.p, rest.len, ' ') + 1;
	size_t extra = words - t->nfields;
	int i, rc, sf = string_field(t);
	struct tok w;

	if (words < t->nfields || (words > t->nfields && sf < 0))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE, line,
				     "template %s has %d fields, line has %zu",
				     t->name, t->nfields, words);
	for (i = 0; i < t->nfields; i++) {
		if (i == sf && extra) {
			/* the string field takes @extra more words */
			const char *lim = rest.p + rest.len, *end = rest.p;
			struct tok tail, last;
			size_t k;

			for (k = 0; k < extra; k++)
				end = (const char *)memchr(end, ' ',
							   (size_t)(lim - end)) + 1;
			tail = (struct tok){ end, (size_t)(lim - end) };
			next_word(&tail, &last);
			w.p = rest.p;
			w.len = (size_t)(last.p + last.len - rest.p);
			rest = tail;
		} else {
			next_word(&rest, &w);
		}
		rc = nsima_field_scan(data, t, t->field[i], w.p, w.len, err);
		if (rc)
			return nsima_err_move(err, rc, NSIMA_AT_LINE, line);
	}
	return 0;
}

static int parse_line(struct tok line, uint64_t lineno, int hdr_bank,
		      struct nsima_entry *e, struct nsima_err *err)
{
	size_t dsize = nsima_bank_size(hdr_bank);
	uint8_t digest[NSIMA_DIGEST_MAX];
	struct nsima_template t;
	struct nsima_buf data;
	struct tok w;
	uint32_t pcr;
	int rc;

	memset(e, 0, sizeof(*e));
	if (scan_pcr(&line, &pcr) || !line.len || line.p[0] != ' ')
		return line_err(err, NSIMA_EMALFORMED, lineno,
				"expected a PCR index (0-23) and a space");
	line.p++;
	line.len--;
	if (!next_word(&line, &w) || w.len != 2 * dsize ||
	    nsima_hex_decode(w.p, w.len, digest) < 0)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE,
				     lineno,
				     "expected a %zu-digit hex template digest",
				     2 * dsize);
	if (!next_word(&line, &w))
		return line_err(err, NSIMA_EMALFORMED, lineno,
				"no template fields after the template name");
	rc = nsima_template_lookup(w.p, w.len, &t, err);
	if (rc)
		return nsima_err_move(err, rc, NSIMA_AT_LINE, lineno);
	nsima_buf_init(&data);
	rc = scan_fields(&t, line, &data, lineno, err);
	if (!rc && data.len > NSIMA_TEMPLATE_DATA_MAX)
		rc = nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE, lineno,
				   "template data length %zu exceeds %u",
				   data.len, NSIMA_TEMPLATE_DATA_MAX);
	if (!rc)
		rc = nsima_entry_init(e, pcr, t.name, data.data, data.len, err);
	nsima_buf_free(&data);
	if (rc)
		return nsima_err_move(err, rc, NSIMA_AT_LINE, lineno);
	nsima_entry_set_digest(e, hdr_bank, digest);
	return 0;
}

/*
 * A line holds no control byte (0x00-0x1f, 0x7f) but its terminating '\n'.
 * nsima.ko escapes every such byte in its names; IMA replaces only spaces,
 * so one of its names may hold a raw '\r', '\t' or ESC, which readers
 * read differently (a line break for some, part of a field for Keylime):
 * such a list must be read in its binary form.
 */
static int check_text(struct tok line, uint64_t lineno, struct nsima_err *err)
{
	size_t i;

	for (i = 0; i < line.len; i++) {
		uint8_t c = (uint8_t)line.p[i];

		if (c < 0x20 || c == 0x7f)
			return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE,
					     lineno,
					     "control byte 0x%02x at column %zu: a line holds none but its final newline",
					     c, i + 1);
	}
	return 0;
}

int nsima_log_each_ascii(const char *buf, size_t len, int hdr_bank,
			 nsima_take_fn fn, void *ctx, struct nsima_err *err)
{
	struct nsima_err local;
	uint64_t lineno = 0, n = 0;
	size_t pos = 0;
	struct nsima_entry e;
	int rc;

	if (!err)
		err = &local;
	nsima_err_clear(err);
	rc = nsima_log_check_bank(hdr_bank, err);
	if (rc)
		return rc;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		struct tok line = { buf + pos, (nl ? (size_t)(nl - buf) : len) - pos };

		lineno++;
		pos += line.len + 1;
		if (!line.len)
			continue;
		if (line.len > LINE_MAX_BYTES)
			return line_err(err, NSIMA_EMALFORMED, lineno,
					"line too long");
		rc = check_text(line, lineno, err);
		if (rc)
			return rc;
		rc = parse_line(line, lineno, hdr_bank, &e, err);
		if (rc) {
			nsima_entry_free(&e);
			return rc;
		}
		rc = fn(&e, n++, ctx, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int append(struct nsima_entry *e, uint64_t n, void *log,
		  struct nsima_err *err)
{
	int rc = nsima_log_append(log, e, err);

	(void)n;
	if (rc)
		nsima_entry_free(e);
	return rc;
}

int nsima_log_parse_ascii(const char *buf, size_t len, int hdr_bank,
			  struct nsima_log *log, struct nsima_err *err)
{
	return nsima_log_each_ascii(buf, len, hdr_bank, append, log, err);
}

/* Raw bytes shown in a message, escaped as nsima names are (name.h). */
#define SHOWN_MAX	32

/*
 * A string field the ascii list can carry: no control byte (check_text
 * refuses the line), and no space unless it is the template's only string
 * field (which takes the extra words).
 */
static int check_string_out(const struct nsima_entry *e, int i, bool only,
			    struct nsima_err *err)
{
	const struct nsima_span *s = &e->fields[i];
	const uint8_t *v = e->data + s->off;
	const uint8_t *nul = memchr(v, '\0', s->len);
	size_t k, len = nul ? (size_t)(nul - v) : s->len;
	char shown[NSIMA_NAME_ESCAPED_MAX(SHOWN_MAX) + 1];

	for (k = 0; k < len; k++)
		if (v[k] < 0x20 || v[k] == 0x7f)
			break;
	if (k < len) {
		if (nsima_name_escape(v, len < SHOWN_MAX ? len : SHOWN_MAX,
				      shown, sizeof(shown), NULL) < 0)
			shown[0] = '\0';
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "field '%s' contains control byte 0x%02x at byte %zu (\"%s%s\" escaped): not representable in an ascii list",
				     nsima_field_name(e->tmpl.field[i]), v[k], k,
				     shown, len > SHOWN_MAX ? "..." : "");
	}
	if (!only && memchr(v, ' ', len))
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "field '%s' contains a space",
				     nsima_field_name(e->tmpl.field[i]));
	return 0;
}

int nsima_log_write_ascii_entry(const struct nsima_entry *e, int hdr_bank,
				struct nsima_buf *out, struct nsima_err *err)
{
	uint8_t digest[NSIMA_DIGEST_MAX];
	int i, rc, sf = string_field(&e->tmpl);

	if (!e->data)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "redacted entry cannot be written as an ascii list");
	rc = nsima_entry_digest(e, hdr_bank, digest, err);
	if (rc)
		return rc;
	if (nsima_buf_printf(out, "%2u ", e->pcr) ||
	    nsima_buf_hex(out, digest, nsima_bank_size(hdr_bank)) ||
	    nsima_buf_printf(out, " %s", e->tmpl.name))
		goto nomem;
	for (i = 0; i < e->tmpl.nfields; i++) {
		const struct nsima_span *s = &e->fields[i];
		const uint8_t *v = e->data + s->off;
		enum nsima_field_fmt fmt = nsima_field_fmt(e->tmpl.field[i]);

		/* only what parse_line can read back */
		if (fmt == NSIMA_FMT_STRING) {
			rc = check_string_out(e, i, i == sf, err);
			if (rc)
				return rc;
		}
		if (nsima_buf_append(out, " ", 1) ||
		    nsima_field_print(out, e->tmpl.field[i], v, s->len))
			goto nomem;
	}
	if (nsima_buf_append(out, "\n", 1))
		goto nomem;
	return 0;
nomem:
	return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
			     "out of memory");
}

int nsima_log_write_ascii(const struct nsima_log *log, int hdr_bank,
			  struct nsima_buf *out, struct nsima_err *err)
{
	return nsima_log_write(log, NSIMA_FORMAT_ASCII, hdr_bank, out, err);
}
