// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: TPMS_ATTEST, TPMT_SIGNATURE and TPM2B_PUBLIC parsing
 * and the quote checks. Input: three parts, each "u16 big-endian length |
 * bytes" (attest, signature, AK public), then a PCR file for the quote's
 * selection (tpm2-tools values or serialized layout, lib/pcrfile.c). Every error offset must lie inside its input; whatever
 * parses goes through nsima_quote_verify() with the quote's own nonce.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcrfile.h"
#include "quote.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* tpm2-tss logs every unmarshal failure on stderr */
	setenv("TSS2_LOG", "all+none", 1);
	return 0;
}

/* Take one "u16 length | bytes" part; false if the input ends first. */
static int part(const uint8_t **p, size_t *left, const uint8_t **out,
		size_t *len)
{
	if (*left < 2)
		return 0;
	*len = (size_t)((*p)[0] << 8 | (*p)[1]);
	if (*len > *left - 2)
		*len = *left - 2;
	*out = *p + 2;
	*p += 2 + *len;
	*left -= 2 + *len;
	return 1;
}

static void check_err(int rc, const struct nsima_err *err, size_t len)
{
	if (rc > 0 || (rc && err->code != rc))
		abort();
	if (rc && err->where == NSIMA_AT_OFFSET && err->pos > len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nsima_quote q, q2;
	const uint8_t *p = data, *a = NULL, *s = NULL, *k = NULL;
	size_t left = size, alen = 0, slen = 0, klen = 0;
	struct nsima_err err = { 0 };
	struct nsima_pcr_values vals;
	struct nsima_akpub ak;
	struct nsima_sig sig;
	uint8_t d[64], wrapped[2 + NSIMA_QUOTE_ATTEST_MAX];
	size_t dlen;
	char buf[512];
	int qrc, src, krc, rc;

	if (!part(&p, &left, &a, &alen))
		return 0;
	part(&p, &left, &s, &slen);
	part(&p, &left, &k, &klen);

	qrc = nsima_quote_parse(a, alen, &q, &err);
	check_err(qrc, &err, alen);
	src = nsima_sig_parse(s, slen, &sig, &err);
	check_err(src, &err, slen);
	krc = nsima_akpub_parse(k, klen, &ak, &err);
	check_err(krc, &err, klen);
	if (!krc && !ak.pkey)
		abort();

	if (!qrc) {
		/* the same bytes as a TPM2B_ATTEST parse the same */
		if (q.attest_len > NSIMA_QUOTE_ATTEST_MAX ||
		    memcmp(q.attest, a + (alen - q.attest_len), q.attest_len))
			abort();
		wrapped[0] = (uint8_t)(q.attest_len >> 8);
		wrapped[1] = (uint8_t)q.attest_len;
		memcpy(wrapped + 2, q.attest, q.attest_len);
		if (nsima_quote_parse(wrapped, 2 + q.attest_len, &q2, NULL) ||
		    q2.clock.reset_count != q.clock.reset_count ||
		    q2.pcr_digest_len != q.pcr_digest_len ||
		    !nsima_pcr_select_equal(&q.sel, &q2.sel))
			abort();
		nsima_pcr_select_format(&q.sel, buf, sizeof(buf));
		rc = nsima_pcr_file_parse(&q.sel, p, left, &vals, &err);
		check_err(rc, &err, left);
		if (!rc) {
			rc = nsima_pcr_digest(&q.sel, &vals, NSIMA_ALG_SHA256,
					      d, &dlen, &err);
			check_err(rc, &err, 0);
		}
		if (!rc && !src && !krc) {
			rc = nsima_quote_verify(&q, &sig, &ak, q.nonce,
						q.nonce_len, NULL, &vals,
						&err);
			check_err(rc, &err, 0);
		}
		nsima_clock_check(&q.clock, &q2.clock, 0, &err);
	}
	if (!krc)
		nsima_akpub_free(&ak);
	return 0;
}
