// SPDX-License-Identifier: GPL-2.0
/*
 * IMA templates and template fields.
 *
 * The field table and the builtin templates follow the kernel's
 * supported_fields[] and builtin_templates[] (ima_template.c); the checks
 * and the ascii printing follow ima_template_lib.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "hex.h"
#include "le.h"
#include "template.h"

#define FIELD_ID_MAX	16	/* IMA_TEMPLATE_FIELD_ID_MAX_LEN */
#define ALGO_PREFIX_MAX	32	/* "ima:sha256:", "verity:streebog512:" */

struct field_info {
	const char *id;
	enum nsima_field_fmt fmt;
};

static const struct field_info fields[NSIMA_FIELD_COUNT] = {
	[NSIMA_FIELD_D] = { "d", NSIMA_FMT_DIGEST },
	[NSIMA_FIELD_N] = { "n", NSIMA_FMT_STRING },
	[NSIMA_FIELD_D_NG] = { "d-ng", NSIMA_FMT_DIGEST_ALGO },
	[NSIMA_FIELD_D_NGV2] = { "d-ngv2", NSIMA_FMT_DIGEST_ALGO },
	[NSIMA_FIELD_N_NG] = { "n-ng", NSIMA_FMT_STRING },
	[NSIMA_FIELD_SIG] = { "sig", NSIMA_FMT_HEX },
	[NSIMA_FIELD_BUF] = { "buf", NSIMA_FMT_HEX },
	[NSIMA_FIELD_D_MODSIG] = { "d-modsig", NSIMA_FMT_DIGEST_ALGO },
	[NSIMA_FIELD_MODSIG] = { "modsig", NSIMA_FMT_HEX },
	[NSIMA_FIELD_EVMSIG] = { "evmsig", NSIMA_FMT_HEX },
	[NSIMA_FIELD_IUID] = { "iuid", NSIMA_FMT_UINT },
	[NSIMA_FIELD_IGID] = { "igid", NSIMA_FMT_UINT },
	[NSIMA_FIELD_IMODE] = { "imode", NSIMA_FMT_UINT },
	[NSIMA_FIELD_XATTRNAMES] = { "xattrnames", NSIMA_FMT_STRING },
	[NSIMA_FIELD_XATTRLENGTHS] = { "xattrlengths", NSIMA_FMT_HEX },
	[NSIMA_FIELD_XATTRVALUES] = { "xattrvalues", NSIMA_FMT_HEX },
};

static const struct {
	const char *name;
	const char *fmt;
} builtin[] = {
	{ NSIMA_TEMPLATE_IMA, "d|n" },
	{ "ima-ng", "d-ng|n-ng" },
	{ "ima-sig", "d-ng|n-ng|sig" },
	{ "ima-ngv2", "d-ngv2|n-ng" },
	{ "ima-sigv2", "d-ngv2|n-ng|sig" },
	{ "ima-buf", "d-ng|n-ng|buf" },
	{ "ima-modsig", "d-ng|n-ng|sig|d-modsig|modsig" },
	{ "evm-sig",
	  "d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode" },
};

const char *nsima_field_name(int id)
{
	if (id < 0 || id >= NSIMA_FIELD_COUNT)
		return "?";
	return fields[id].id;
}

enum nsima_field_fmt nsima_field_fmt(int id)
{
	if (id < 0 || id >= NSIMA_FIELD_COUNT)
		return NSIMA_FMT_HEX;
	return fields[id].fmt;
}

/* Effective format of field @i of @t: "ima" prints its name without NUL. */
static enum nsima_field_fmt fmt_of(const struct nsima_template *t, int i)
{
	if (t->legacy && t->field[i] == NSIMA_FIELD_N)
		return NSIMA_FMT_LEGACY_NAME;
	return fields[t->field[i]].fmt;
}

static int field_by_id(const char *id, size_t len)
{
	int i;

	for (i = 0; i < NSIMA_FIELD_COUNT; i++)
		if (strlen(fields[i].id) == len && !memcmp(fields[i].id, id, len))
			return i;
	return -1;
}

static int parse_fmt(const char *fmt, size_t len, struct nsima_template *t,
		     struct nsima_err *err)
{
	const char *p = fmt, *end = fmt + len;

	t->nfields = 0;
	while (p <= end) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		size_t flen = (size_t)((bar ? bar : end) - p);
		int id = flen <= FIELD_ID_MAX ? field_by_id(p, flen) : -1;

		if (id < 0)
			return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE,
					     0, "unknown template '%.*s'",
					     (int)len, fmt);
		if (t->nfields == NSIMA_TEMPLATE_FIELDS_MAX)
			return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE,
					     0, "template '%.*s' has more than %d fields",
					     (int)len, fmt,
					     NSIMA_TEMPLATE_FIELDS_MAX);
		t->field[t->nfields++] = (uint8_t)id;
		p += flen + 1;
	}
	return 0;
}

static bool printable_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] > '~')
			return false;
	return len > 0;
}

int nsima_template_lookup(const char *name, size_t len,
			  struct nsima_template *t, struct nsima_err *err)
{
	const char *fmt = name;
	size_t fmt_len = len, i;

	memset(t, 0, sizeof(*t));
	if (len > NSIMA_TEMPLATE_FMT_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "template name length %zu exceeds %d", len,
				     NSIMA_TEMPLATE_FMT_MAX);
	if (!printable_name(name, len))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "template name is empty or not printable");
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (strlen(builtin[i].name) == len &&
		    !memcmp(builtin[i].name, name, len)) {
			fmt = builtin[i].fmt;
			fmt_len = strlen(fmt);
			t->legacy = (i == 0);
			break;
		}
	}
	memcpy(t->name, name, len);
	t->name[len] = '\0';
	return parse_fmt(fmt, fmt_len, t, err);
}

int nsima_template_find(const struct nsima_template *t, int id)
{
	int i;

	for (i = 0; i < t->nfields; i++)
		if (t->field[i] == id)
			return i;
	return -1;
}

int nsima_template_name_field(const struct nsima_template *t)
{
	int i = nsima_template_find(t, NSIMA_FIELD_N_NG);

	if (i < 0 && t->legacy)
		i = nsima_template_find(t, NSIMA_FIELD_N);
	return i;
}

/* "[type:]algo:" NUL digest; an empty field is allowed (d-modsig). */
static int check_digest_algo(int id, const uint8_t *v, size_t len,
			     uint64_t off, struct nsima_err *err)
{
	const uint8_t *nul = memchr(v, '\0', len < ALGO_PREFIX_MAX ? len : ALGO_PREFIX_MAX);
	size_t plen, dlen, i;
	const uint8_t *algo;
	int bank;

	if (!len)
		return 0;
	if (!nul || nul - v < 2 || nul[-1] != ':')
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
				     "field '%s' lacks an \"<algo>:\" prefix",
				     fields[id].id);
	plen = (size_t)(nul - v);
	for (i = 0; i < plen; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '-' || v[i] == '_' || v[i] == ':'))
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, off,
					     "field '%s' has a bad algorithm name",
					     fields[id].id);
	dlen = len - plen - 1;
	/* the algorithm is the last component: "ima:sha256:" -> sha256 */
	algo = v + plen - 1;
	while (algo > v && algo[-1] != ':')
		algo--;
	bank = nsima_bank_by_name((const char *)algo, (size_t)(v + plen - 1 - algo));
	if (dlen > NSIMA_DIGEST_MAX || (bank >= 0 && dlen != nsima_bank_size(bank)))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
				     "field '%s': %zu-byte digest for %.*s",
				     fields[id].id, dlen, (int)(plen - 1), v);
	return 0;
}

/* NUL-terminated, no NUL inside; n-ng may not be empty. */
static int check_string(int id, const uint8_t *v, size_t len, uint64_t off,
			struct nsima_err *err)
{
	if (!len && id != NSIMA_FIELD_N_NG)
		return 0;
	if (len > NSIMA_NAME_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
				     "field '%s' length %zu exceeds %d",
				     fields[id].id, len, NSIMA_NAME_MAX);
	if (!len || v[len - 1] != '\0' || memchr(v, '\0', len - 1))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
				     "field '%s' is not one NUL-terminated string",
				     fields[id].id);
	return 0;
}

static int check_field(const struct nsima_template *t, int i, const uint8_t *v,
		       size_t len, uint64_t off, struct nsima_err *err)
{
	int id = t->field[i];

	switch (fmt_of(t, i)) {
	case NSIMA_FMT_DIGEST:
		if (len > NSIMA_DIGEST_MAX)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, off,
					     "field '%s' length %zu exceeds %d",
					     fields[id].id, len, NSIMA_DIGEST_MAX);
		return 0;
	case NSIMA_FMT_DIGEST_ALGO:
		return check_digest_algo(id, v, len, off, err);
	case NSIMA_FMT_STRING:
		return check_string(id, v, len, off, err);
	case NSIMA_FMT_LEGACY_NAME:
		if (memchr(v, '\0', len))
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, off,
					     "ima name contains a NUL");
		return 0;
	case NSIMA_FMT_UINT:
		if (len != 0 && len != 1 && len != 2 && len != 4 && len != 8)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, off,
					     "field '%s' has %zu bytes, not 1, 2, 4 or 8",
					     fields[id].id, len);
		return 0;
	case NSIMA_FMT_HEX:
		return 0;
	}
	return 0;
}

/* "ima": d[20] | u32 name_len | name (name_len <= 255) */
static int split_legacy(const struct nsima_template *t, const uint8_t *data,
			size_t len, uint64_t base, struct nsima_span *spans,
			struct nsima_err *err)
{
	uint32_t nlen;

	if (len < NSIMA_SHA1_SIZE + 4)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     base + len, "ima template data truncated");
	nlen = nsima_get_le32(data + NSIMA_SHA1_SIZE);
	if (nlen > NSIMA_EVENT_NAME_LEN_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     base + NSIMA_SHA1_SIZE,
				     "ima name_len %u exceeds %d", nlen,
				     NSIMA_EVENT_NAME_LEN_MAX);
	if (len != NSIMA_SHA1_SIZE + 4 + (size_t)nlen)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     base + NSIMA_SHA1_SIZE,
				     "ima name_len %u does not match the %zu bytes of data",
				     nlen, len);
	spans[0] = (struct nsima_span){ 0, NSIMA_SHA1_SIZE };
	spans[1] = (struct nsima_span){ NSIMA_SHA1_SIZE + 4, nlen };
	return check_field(t, 1, data + spans[1].off, nlen,
			   base + spans[1].off, err);
}

int nsima_template_split(const struct nsima_template *t, const uint8_t *data,
			 size_t len, uint64_t base, struct nsima_span *spans,
			 struct nsima_err *err)
{
	size_t pos = 0;
	int i, rc;

	if (t->legacy)
		return split_legacy(t, data, len, base, spans, err);
	for (i = 0; i < t->nfields; i++) {
		const char *id = fields[t->field[i]].id;
		uint32_t flen;

		if (len - pos < 4)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, base + pos,
					     "template data ends before field '%s'",
					     id);
		flen = nsima_get_le32(data + pos);
		if (flen > len - pos - 4)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, base + pos,
					     "field '%s' length %u exceeds the %zu bytes left",
					     id, flen, len - pos - 4);
		spans[i] = (struct nsima_span){ (uint32_t)(pos + 4), flen };
		rc = check_field(t, i, data + pos + 4, flen, base + pos + 4, err);
		if (rc)
			return rc;
		pos += 4 + (size_t)flen;
	}
	if (pos != len)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     base + pos,
				     "%zu bytes of template data after the last field",
				     len - pos);
	return 0;
}

int nsima_field_print(struct nsima_buf *out, int id, const uint8_t *val,
		      size_t len)
{
	const uint8_t *nul;

	if (!len)
		return 0;
	switch (nsima_field_fmt(id)) {
	case NSIMA_FMT_DIGEST_ALGO:
		nul = memchr(val, '\0', len);
		if (!nul)
			return nsima_buf_hex(out, val, len);
		return nsima_buf_append(out, val, (size_t)(nul - val)) ?:
		       nsima_buf_hex(out, nul + 1, len - (size_t)(nul - val) - 1);
	case NSIMA_FMT_STRING:
	case NSIMA_FMT_LEGACY_NAME:
		nul = memchr(val, '\0', len);
		return nsima_buf_append(out, val, nul ? (size_t)(nul - val) : len);
	case NSIMA_FMT_UINT:
		if (len > 8)
			return nsima_buf_hex(out, val, len);
		return nsima_buf_printf(out, "%" PRIu64,
					nsima_get_le(val, (unsigned int)len));
	case NSIMA_FMT_DIGEST:
	case NSIMA_FMT_HEX:
		break;
	}
	return nsima_buf_hex(out, val, len);
}

static int scan_hex(struct nsima_buf *out, const char *tok, size_t toklen,
		    uint8_t *prefix, size_t plen, bool with_len,
		    struct nsima_err *err)
{
	size_t start = out->len, vlen = plen + toklen / 2;
	uint8_t *dst;

	if (toklen % 2 || vlen > NSIMA_TEMPLATE_DATA_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "bad hex value '%.*s'",
				     (int)(toklen > 40 ? 40 : toklen), tok);
	if ((with_len && nsima_buf_le32(out, (uint32_t)vlen)) ||
	    nsima_buf_append(out, prefix, plen) ||
	    !(dst = nsima_buf_extend(out, toklen / 2)))
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	if (nsima_hex_decode(tok, toklen, dst) < 0) {
		out->len = start;
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "bad hex value '%.*s'",
				     (int)(toklen > 40 ? 40 : toklen), tok);
	}
	return 0;
}

static int scan_digest_algo(struct nsima_buf *out, const char *tok,
			    size_t toklen, struct nsima_err *err)
{
	uint8_t prefix[ALGO_PREFIX_MAX + 1];
	const char *colon;
	size_t plen;

	if (!toklen)
		return nsima_buf_le32(out, 0);
	colon = memrchr(tok, ':', toklen);
	plen = colon ? (size_t)(colon - tok) + 1 : 0;
	if (plen < 2 || plen > ALGO_PREFIX_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "digest '%.*s' lacks an \"<algo>:\" prefix",
				     (int)(toklen > 40 ? 40 : toklen), tok);
	memcpy(prefix, tok, plen);
	prefix[plen] = '\0';
	return scan_hex(out, tok + plen, toklen - plen, prefix, plen + 1, true,
			err);
}

static int scan_uint(struct nsima_buf *out, int id, const char *tok,
		     size_t toklen, struct nsima_err *err)
{
	unsigned int size = id == NSIMA_FIELD_IMODE ? 2 : 4;
	uint64_t v = 0, max = size == 2 ? 0xffff : 0xffffffff;
	uint8_t le[4];
	size_t i;

	if (!toklen)
		return nsima_buf_le32(out, 0);
	for (i = 0; i < toklen; i++) {
		if (tok[i] < '0' || tok[i] > '9' || v > max / 10)
			return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE,
					     0, "bad value for field '%s'",
					     fields[id].id);
		v = v * 10 + (uint64_t)(tok[i] - '0');
	}
	if (v > max)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "bad value for field '%s'", fields[id].id);
	nsima_put_le32(le, (uint32_t)v);
	return nsima_template_put_field(out, le, size);
}

int nsima_field_scan(struct nsima_buf *out, const struct nsima_template *t,
		     int id, const char *tok, size_t toklen,
		     struct nsima_err *err)
{
	bool legacy_name = t->legacy && id == NSIMA_FIELD_N;

	if (memchr(tok, '\0', toklen))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "NUL byte in field '%s'", fields[id].id);
	if (legacy_name) {
		if (toklen > NSIMA_EVENT_NAME_LEN_MAX)
			return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE,
					     0, "ima name length %zu exceeds %d",
					     toklen, NSIMA_EVENT_NAME_LEN_MAX);
		return nsima_template_put_field(out, tok, (uint32_t)toklen);
	}
	switch (nsima_field_fmt(id)) {
	case NSIMA_FMT_DIGEST:
		/* the legacy template's digest has no length in front */
		return scan_hex(out, tok, toklen, NULL, 0, !t->legacy, err);
	case NSIMA_FMT_DIGEST_ALGO:
		return scan_digest_algo(out, tok, toklen, err);
	case NSIMA_FMT_STRING:
		if (toklen > NSIMA_NAME_MAX - 1)
			return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE,
					     0, "field '%s' length %zu exceeds %d",
					     fields[id].id, toklen + 1,
					     NSIMA_NAME_MAX);
		if (!toklen && id != NSIMA_FIELD_N_NG)
			return nsima_buf_le32(out, 0);
		return nsima_buf_le32(out, (uint32_t)toklen + 1) ?:
		       nsima_buf_append(out, tok, toklen) ?:
		       nsima_buf_append(out, "", 1);
	case NSIMA_FMT_UINT:
		return scan_uint(out, id, tok, toklen, err);
	case NSIMA_FMT_HEX:
	case NSIMA_FMT_LEGACY_NAME:
		break;
	}
	return scan_hex(out, tok, toklen, NULL, 0, true, err);
}

int nsima_template_put_field(struct nsima_buf *out, const void *val,
			     uint32_t len)
{
	return nsima_buf_le32(out, len) ?: nsima_buf_append(out, val, len);
}

int nsima_template_put_dng(struct nsima_buf *out, int bank,
			   const uint8_t *digest)
{
	const char *name = nsima_bank_name(bank);
	size_t nlen = strlen(name), dlen = nsima_bank_size(bank);

	if (!dlen)
		return NSIMA_EINVAL;
	return nsima_buf_le32(out, (uint32_t)(nlen + 2 + dlen)) ?:
	       nsima_buf_append(out, name, nlen) ?:
	       nsima_buf_append(out, ":", 2) ?:
	       nsima_buf_append(out, digest, dlen);
}

int nsima_template_put_name(struct nsima_buf *out, const char *name)
{
	size_t len = strlen(name);

	if (len >= NSIMA_NAME_MAX)
		return NSIMA_EINVAL;
	return nsima_template_put_field(out, name, (uint32_t)len + 1);
}
