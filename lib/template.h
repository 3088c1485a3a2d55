/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IMA templates and template fields (security/integrity/ima/ima_template.c,
 * ima_template_lib.c): look a template up by name or format string, split
 * template data into fields, print fields as the ascii list does and read
 * them back.
 */
#ifndef NSIMA_TEMPLATE_H
#define NSIMA_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nsima/abi.h>

#include "buf.h"
#include "err.h"

/* How a field's bytes look and how the ascii list prints them. */
enum nsima_field_fmt {
	NSIMA_FMT_DIGEST,	/* raw digest; hex ("d") */
	NSIMA_FMT_DIGEST_ALGO,	/* "[type:]algo:" NUL digest; "algo:<hex>" */
	NSIMA_FMT_STRING,	/* NUL-terminated string; the string */
	NSIMA_FMT_HEX,		/* bytes; hex */
	NSIMA_FMT_UINT,		/* 1/2/4/8-byte LE integer; decimal */
	NSIMA_FMT_LEGACY_NAME,	/* "ima" template name, no NUL; the string */
};

enum nsima_field_id {
	NSIMA_FIELD_D,
	NSIMA_FIELD_N,
	NSIMA_FIELD_D_NG,
	NSIMA_FIELD_D_NGV2,
	NSIMA_FIELD_N_NG,
	NSIMA_FIELD_SIG,
	NSIMA_FIELD_BUF,
	NSIMA_FIELD_D_MODSIG,
	NSIMA_FIELD_MODSIG,
	NSIMA_FIELD_EVMSIG,
	NSIMA_FIELD_IUID,
	NSIMA_FIELD_IGID,
	NSIMA_FIELD_IMODE,
	NSIMA_FIELD_XATTRNAMES,
	NSIMA_FIELD_XATTRLENGTHS,
	NSIMA_FIELD_XATTRVALUES,
	NSIMA_FIELD_COUNT,
};

/* A template resolved from the name an entry carries. */
struct nsima_template {
	char name[NSIMA_TEMPLATE_FMT_MAX + 1];
	uint8_t nfields;
	uint8_t field[NSIMA_TEMPLATE_FIELDS_MAX];	/* enum nsima_field_id */
	bool legacy;	/* "ima": fixed 20-byte d, u32 len + name, no data_len */
};

/* One field's value inside template data. */
struct nsima_span {
	uint32_t off;
	uint32_t len;
};

const char *nsima_field_name(int id);
enum nsima_field_fmt nsima_field_fmt(int id);

/*
 * Resolve a builtin template name ("ima-ng") or a custom format
 * ("d-ng|n-ng|sig"), @len bytes, not NUL-terminated.
 */
int nsima_template_lookup(const char *name, size_t len,
			  struct nsima_template *t, struct nsima_err *err);
/* Index of the first field @id in @t, or -1. */
int nsima_template_find(const struct nsima_template *t, int id);
/* Index of the name field (n-ng, or n of "ima"), or -1. */
int nsima_template_name_field(const struct nsima_template *t);

/*
 * Split @len bytes of template data into t->nfields spans and check every
 * field. Errors carry NSIMA_AT_OFFSET @base + the offset in @data of the
 * length or value that is wrong.
 */
int nsima_template_split(const struct nsima_template *t, const uint8_t *data,
			 size_t len, uint64_t base, struct nsima_span *spans,
			 struct nsima_err *err);

/* Append the ascii list's text for one field value. */
int nsima_field_print(struct nsima_buf *out, int id, const uint8_t *val,
		      size_t len);
/*
 * Parse one field's ascii text (@tok, @toklen bytes) and append it to
 * template data @out (u32 length + value, or the legacy "ima" layout).
 */
int nsima_field_scan(struct nsima_buf *out, const struct nsima_template *t,
		     int id, const char *tok, size_t toklen,
		     struct nsima_err *err);

/* Builders for template data (u32 LE length + value per field). */
int nsima_template_put_field(struct nsima_buf *out, const void *val,
			     uint32_t len);
/* d-ng: "<bank name>:" NUL digest */
int nsima_template_put_dng(struct nsima_buf *out, int bank,
			   const uint8_t *digest);
/* n-ng: string + NUL */
int nsima_template_put_name(struct nsima_buf *out, const char *name);

#endif /* NSIMA_TEMPLATE_H */
