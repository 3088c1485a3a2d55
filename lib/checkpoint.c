// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of the module's checkpoint file (see checkpoint.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "evidence.h"
#include "hex.h"
#include "jsonscan.h"

#define CKPT_LINE_MAX	256

static int parse_line(const char *line, size_t len, struct nsima_replay *r,
		      unsigned int *seen, uint64_t lineno, struct nsima_err *err)
{
	const char *colon = memchr(line, ':', len);
	const char *val;
	size_t vlen;
	int bank;

	if (!colon)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE, lineno,
				     "no ':' in checkpoint line");
	val = colon + 1;
	while (val < line + len && *val == ' ')
		val++;
	vlen = (size_t)(line + len - val);

	if ((size_t)(colon - line) == 7 && !memcmp(line, "entries", 7)) {
		char num[24], *end;
		unsigned long long n;

		if (vlen == 0 || vlen >= sizeof(num))
			goto bad_number;
		memcpy(num, val, vlen);
		num[vlen] = '\0';
		if (num[0] < '0' || num[0] > '9')
			goto bad_number;
		errno = 0;
		n = strtoull(num, &end, 10);
		if (errno || *end)
			goto bad_number;
		if (*seen & 0x80000000u)
			return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE,
					     lineno, "'entries' given twice");
		*seen |= 0x80000000u;
		r->next = n;
		return 0;
	}
	bank = nsima_bank_by_name(line, (size_t)(colon - line));
	if (bank < 0)
		return 0;	/* a bank we do not replay */
	if (*seen & NSIMA_BANK_BIT(bank))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE, lineno,
				     "bank %s given twice", nsima_bank_name(bank));
	if (vlen != 2 * nsima_bank_size(bank) ||
	    nsima_hex_decode(val, vlen, r->pcrs.val[bank]) < 0)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE, lineno,
				     "%s value is not %zu hex digits",
				     nsima_bank_name(bank), 2 * nsima_bank_size(bank));
	*seen |= NSIMA_BANK_BIT(bank);
	r->pcrs.banks |= NSIMA_BANK_BIT(bank);
	return 0;

bad_number:
	return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE, lineno,
			     "'entries' is not a decimal count");
}

int nsima_checkpoint_parse(const char *buf, size_t len, struct nsima_replay *r,
			   struct nsima_err *err)
{
	unsigned int seen = 0;
	uint64_t lineno = 0;
	size_t off = 0;
	int rc;

	r->next = 0;
	r->pcrs.banks = 0;
	memset(r->pcrs.val, 0, sizeof(r->pcrs.val));
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (buf + off)) : len - off;

		lineno++;
		if (l > CKPT_LINE_MAX)
			return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE,
					     lineno, "line longer than %d bytes",
					     CKPT_LINE_MAX);
		if (l) {
			rc = parse_line(buf + off, l, r, &seen, lineno, err);
			if (rc)
				return rc;
		}
		off += l + (nl ? 1 : 0);
	}
	if (!(seen & 0x80000000u))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_LINE, lineno,
				     "no 'entries' line");
	return 0;
}

int nsima_checkpoint_load(const uint8_t *buf, size_t len, uint32_t text_pcr,
			  struct nsima_replay_set *cp, bool *json, char *view,
			  struct nsima_err *err)
{
	size_t i = nsima_json_skip_ws(buf, len, 0);

	*json = i < len && buf[i] == '{';
	if (*json)
		return nsima_checkpoint_parse_json(buf, len, cp, view, err);
	memset(cp, 0, sizeof(*cp));
	cp->count = 1;
	cp->r[0].pcr = text_pcr;
	return nsima_checkpoint_parse((const char *)buf, len, &cp->r[0], err);
}
