// SPDX-License-Identifier: GPL-2.0
/*
 * lib/quote.c and lib/evidence.c against real swtpm quotes captured in
 * tests/data/quote-{rsa,rsapss,ecc}/ (see tests/data/README.md): parsed
 * fields, verification, and the error category of every kind of damage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "evidence.h"
#include "quote.h"
#include "testdata.h"

/* PCR 11 after one extend of 20 x 0x11 (sha1) and 32 x 0x22 (sha256) */
#define PCR11_SHA1	"b3e26c6ca6785f04dd7187293d802d5b16dad8c1"
#define PCR11_SHA256	"ee4b0e933b56cdf12a42b1e3f3b9ed1aa70cf9f3cf37325693255c8bfbcb8ba8"
/* sha256(PCR11_SHA1 | PCR11_SHA256) */
#define PCR_DIGEST	"5875f1e0efc4c403831b7083a99c977623365f2047ea0745c3d5579b05f74a83"
#define NONCE_TEXT	"nsima-known-answ"

/* Byte offsets in these captures (34-byte qualifiedSigner, 16-byte nonce) */
#define OFF_TYPE	4
#define OFF_EXTRA	42
#define OFF_CLOCK	60
#define OFF_SELECT	85
#define OFF_DIGEST	101
#define ATTEST_LEN	135

struct capture {
	const char *dir;
	uint16_t sig_alg;
	uint16_t key_type;
	uint64_t clock;		/* clockInfo.clock of the capture */
	uint8_t *attest, *sig, *ak, *pcrs;
	size_t attest_len, sig_len, ak_len, pcrs_len;
	struct nsima_quote q;
	struct nsima_sig s;
	struct nsima_akpub k;
	struct nsima_pcr_values v;
};

static struct capture captures[] = {
	{ .dir = "quote-rsa", .sig_alg = NSIMA_ALG_RSASSA, .key_type = NSIMA_ALG_RSA, .clock = 1064 },
	{ .dir = "quote-rsapss", .sig_alg = NSIMA_ALG_RSAPSS, .key_type = NSIMA_ALG_RSA, .clock = 1276 },
	{ .dir = "quote-ecc", .sig_alg = NSIMA_ALG_ECDSA, .key_type = NSIMA_ALG_ECC, .clock = 1340 },
};

static const uint8_t nonce[] = NONCE_TEXT;
#define NONCE_LEN (sizeof(nonce) - 1)

static uint8_t *load(const char *dir, const char *file, size_t *len)
{
	char name[256];

	snprintf(name, sizeof(name), "%s/%s", dir, file);
	return test_load(name, len);
}

static int setup(void **state)
{
	struct capture *c = *state;
	struct nsima_err err = { 0 };

	c->attest = load(c->dir, "quote.bin", &c->attest_len);
	c->sig = load(c->dir, "sig.bin", &c->sig_len);
	c->ak = load(c->dir, "ak.pub", &c->ak_len);
	c->pcrs = load(c->dir, "pcrs", &c->pcrs_len);
	if (!c->attest || !c->sig || !c->ak || !c->pcrs)
		return -1;
	if (nsima_quote_parse(c->attest, c->attest_len, &c->q, &err) ||
	    nsima_sig_parse(c->sig, c->sig_len, &c->s, &err) ||
	    nsima_akpub_parse(c->ak, c->ak_len, &c->k, &err) ||
	    nsima_pcr_values_split(&c->q.sel, c->pcrs, c->pcrs_len, &c->v,
				   &err)) {
		fprintf(stderr, "%s: %s\n", c->dir, err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct capture *c = *state;

	free(c->attest);
	free(c->sig);
	free(c->ak);
	free(c->pcrs);
	nsima_akpub_free(&c->k);
	return 0;
}

static int verify(struct capture *c, const struct nsima_quote *q,
		  const struct nsima_sig *s, const struct nsima_pcr_values *v,
		  struct nsima_err *err)
{
	struct nsima_pcr_select want;

	assert_int_equal(nsima_pcr_select_parse("sha1:11,sha256:11", &want,
						NULL), 0);
	return nsima_quote_verify(q, s, &c->k, nonce, NONCE_LEN, &want, v,
				  err);
}

/* ------------------------------------------------------------------ */

static void test_fields(void **state)
{
	struct capture *c = *state;
	const struct nsima_quote *q = &c->q;

	assert_int_equal(c->attest_len, ATTEST_LEN);
	assert_int_equal(q->attest_len, ATTEST_LEN);
	assert_memory_equal(q->attest, c->attest, ATTEST_LEN);
	assert_int_equal(q->type, NSIMA_ST_ATTEST_QUOTE);
	/* qualifiedSigner is a sha256 qualified name */
	assert_int_equal(q->signer_len, 34);
	assert_int_equal(q->signer[0], 0x00);
	assert_int_equal(q->signer[1], 0x0b);
	assert_int_equal(q->nonce_len, NONCE_LEN);
	assert_memory_equal(q->nonce, nonce, NONCE_LEN);
	assert_int_equal(q->clock.clock, c->clock);
	assert_int_equal(q->clock.reset_count, 2);
	assert_int_equal(q->clock.restart_count, 0);
	assert_true(q->clock.safe);
	assert_int_equal(q->firmware, 0x2019102300163636ULL);
	assert_int_equal(q->sel.count, 2);
	assert_int_equal(q->sel.bank[0].alg, NSIMA_ALG_SHA1);
	assert_int_equal(q->sel.bank[0].mask, 1u << 11);
	assert_int_equal(q->sel.bank[1].alg, NSIMA_ALG_SHA256);
	assert_int_equal(q->sel.bank[1].mask, 1u << 11);
	assert_string_equal(test_hex(q->pcr_digest, q->pcr_digest_len),
			    PCR_DIGEST);

	assert_int_equal(c->s.alg, c->sig_alg);
	assert_int_equal(c->s.hash, NSIMA_ALG_SHA256);
	if (c->sig_alg == NSIMA_ALG_ECDSA) {
		assert_int_equal(c->s.r_len, 32);
		assert_int_equal(c->s.s_len, 32);
	} else {
		assert_int_equal(c->s.rsa_len, 256);
	}

	assert_true(c->k.tpm);
	assert_int_equal(c->k.type, c->key_type);
	assert_int_equal(c->k.name_alg, NSIMA_ALG_SHA256);
	assert_int_equal(c->k.scheme, c->sig_alg);
	assert_int_equal(c->k.scheme_hash, NSIMA_ALG_SHA256);
	assert_int_equal(c->k.bits, c->key_type == NSIMA_ALG_RSA ? 2048 : 256);
	/* fixedTPM fixedParent sensitiveDataOrigin userWithAuth restricted sign */
	assert_int_equal(c->k.attrs, 0x00050072);
	assert_int_equal(c->k.name_len, 34);

	assert_int_equal(c->v.count, 2);
	assert_string_equal(test_hex(nsima_pcr_values_get(&c->v, NSIMA_ALG_SHA1,
							  11), 20),
			    PCR11_SHA1);
	assert_string_equal(test_hex(nsima_pcr_values_get(&c->v,
							  NSIMA_ALG_SHA256, 11),
				     32),
			    PCR11_SHA256);
}

static void test_verify_ok(void **state)
{
	struct capture *c = *state;
	struct nsima_err err = { 0 };
	uint8_t d[64];
	size_t dlen;

	assert_int_equal(verify(c, &c->q, &c->s, &c->v, &err), 0);
	assert_int_equal(nsima_pcr_digest(&c->q.sel, &c->v, NSIMA_ALG_SHA256,
					  d, &dlen, &err), 0);
	assert_string_equal(test_hex(d, dlen), PCR_DIGEST);
	/* no expected selection: still checks the digest */
	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &c->k, nonce,
					    NONCE_LEN, NULL, &c->v, &err), 0);
}

/* The same TPMS_ATTEST inside a TPM2B_ATTEST. */
static void test_tpm2b_attest(void **state)
{
	struct capture *c = *state;
	struct nsima_quote *q = malloc(sizeof(*q));
	uint8_t buf[2 + ATTEST_LEN];

	buf[0] = 0;
	buf[1] = ATTEST_LEN;
	memcpy(buf + 2, c->attest, ATTEST_LEN);
	assert_non_null(q);
	assert_int_equal(nsima_quote_parse(buf, sizeof(buf), q, NULL), 0);
	assert_int_equal(q->attest_len, ATTEST_LEN);
	assert_memory_equal(q->attest, c->attest, ATTEST_LEN);
	assert_int_equal(verify(c, q, &c->s, &c->v, NULL), 0);
	free(q);
}

/*
 * The AK as PEM parses (the same key), but a quote is not verified with it:
 * a bare key cannot show it is a restricted TPM key.
 */
static void test_pem_ak(void **state)
{
	struct capture *c = *state;
	struct nsima_akpub pem;
	struct nsima_err err = { 0 };
	char *text;
	size_t len;

	assert_int_equal(nsima_akpub_pem(&c->k, &text, &len, &err), 0);
	assert_int_equal(nsima_akpub_parse((uint8_t *)text, len, &pem, &err),
			 0);
	assert_false(pem.tpm);
	assert_int_equal(pem.type, c->key_type);
	assert_int_equal(EVP_PKEY_eq(pem.pkey, c->k.pkey), 1);
	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &pem, nonce,
					    NONCE_LEN, NULL, &c->v, &err),
			 NSIMA_ESIGNATURE);
	assert_non_null(strstr(err.msg, "bare public key"));
	nsima_akpub_free(&pem);
	free(text);
}

/* A value beside the selected ones (a bundle's pcrs): refused. */
static void test_value_not_selected(void **state)
{
	struct capture *c = *state;
	struct nsima_pcr_values v = c->v;
	struct nsima_err err = { 0 };
	uint8_t zero[32] = { 0 };

	assert_int_equal(nsima_pcr_values_add(&v, NSIMA_ALG_SHA256, 12, zero,
					      sizeof(zero), &err), 0);
	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &c->k, nonce,
					    NONCE_LEN, NULL, &v, &err),
			 NSIMA_EPCRDIGEST);
	assert_non_null(strstr(err.msg, "sha256 PCR 12 is given"));
}

/* A selection listing a bank twice does not parse (in any mode). */
static void test_bank_twice(void **state)
{
	struct capture *c = *state;
	uint8_t *a = malloc(c->attest_len);
	struct nsima_quote *q = malloc(sizeof(*q));
	struct nsima_err err = { 0 };

	assert_non_null(a);
	assert_non_null(q);
	memcpy(a, c->attest, c->attest_len);
	/* TPML_PCR_SELECTION: count, then {hash, sizeofSelect, 3 bytes} */
	memcpy(a + OFF_SELECT + 10, a + OFF_SELECT + 4, 2);
	assert_int_equal(nsima_quote_parse(a, c->attest_len, q, &err),
			 NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "twice"));
	free(q);
	free(a);
}

/* Re-parse the attest with one byte xor'ed and verify. */
static int flip_attest(struct capture *c, size_t off, uint8_t x,
		       struct nsima_err *err)
{
	struct nsima_quote *q = malloc(sizeof(*q));
	uint8_t buf[ATTEST_LEN];
	int rc;

	assert_non_null(q);
	memcpy(buf, c->attest, ATTEST_LEN);
	buf[off] ^= x;
	rc = nsima_quote_parse(buf, ATTEST_LEN, q, err);
	if (!rc)
		rc = verify(c, q, &c->s, &c->v, err);
	free(q);
	return rc;
}

static void test_flip_signature(void **state)
{
	struct capture *c = *state;
	struct nsima_sig s;
	struct nsima_err err = { 0 };
	size_t i;

	for (i = 0; i < 4; i++) {
		s = c->s;
		if (s.alg == NSIMA_ALG_ECDSA)
			(i & 1 ? s.s : s.r)[i * 7 % 32] ^= (uint8_t)(1 << i);
		else
			s.rsa[i * 61 % 256] ^= (uint8_t)(1 << i);
		assert_int_equal(verify(c, &c->q, &s, &c->v, &err),
				 NSIMA_ESIGNATURE);
	}
	assert_non_null(strstr(err.msg, "does not verify"));
}

/* Damage anywhere in the signed bytes: the signature no longer holds. */
static void test_flip_signed(void **state)
{
	struct capture *c = *state;
	struct nsima_err err = { 0 };

	/* extraData (the nonce) */
	assert_int_equal(flip_attest(c, OFF_EXTRA + 2 + 3, 0x01, &err),
			 NSIMA_ESIGNATURE);
	/* pcrDigest */
	assert_int_equal(flip_attest(c, OFF_DIGEST + 2 + 31, 0x80, &err),
			 NSIMA_ESIGNATURE);
	/* clock and resetCount */
	assert_int_equal(flip_attest(c, OFF_CLOCK + 7, 0x01, &err),
			 NSIMA_ESIGNATURE);
	assert_int_equal(flip_attest(c, OFF_CLOCK + 11, 0x01, &err),
			 NSIMA_ESIGNATURE);
	/* magic and type do not even parse */
	assert_int_equal(flip_attest(c, 0, 0x01, &err), NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_OFFSET);
	assert_int_equal(err.pos, 0);
	assert_int_equal(flip_attest(c, OFF_TYPE + 1, 0x01, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, OFF_TYPE);
	assert_non_null(strstr(err.msg, "TPM_ST_ATTEST_QUOTE"));
}

static void test_nonce_mismatch(void **state)
{
	struct capture *c = *state;
	struct nsima_err err = { 0 };
	uint8_t other[NONCE_LEN];

	memcpy(other, nonce, NONCE_LEN);
	other[NONCE_LEN - 1] ^= 1;
	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &c->k, other,
					    NONCE_LEN, NULL, &c->v, &err),
			 NSIMA_ENONCE);
	assert_non_null(strstr(err.msg, "6e73696d612d6b6e6f776e2d616e7377"));
	/* a prefix of the right nonce is not the nonce */
	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &c->k, nonce,
					    NONCE_LEN - 1, NULL, &c->v, &err),
			 NSIMA_ENONCE);
}

static void test_flip_pcr_values(void **state)
{
	struct capture *c = *state;
	struct nsima_pcr_values v;
	struct nsima_err err = { 0 };
	unsigned int i;

	for (i = 0; i < c->v.count; i++) {
		v = c->v;
		v.v[i].val[v.v[i].size - 1] ^= 0x01;
		assert_int_equal(verify(c, &c->q, &c->s, &v, &err),
				 NSIMA_EPCRDIGEST);
		assert_non_null(strstr(err.msg, "quote says " PCR_DIGEST));
	}
	/* a value missing for a quoted PCR */
	v = c->v;
	v.count = 1;
	assert_int_equal(verify(c, &c->q, &c->s, &v, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "sha256 PCR 11"));
}

static void test_selection_mismatch(void **state)
{
	struct capture *c = *state;
	struct nsima_pcr_select want;
	struct nsima_err err = { 0 };

	assert_int_equal(nsima_pcr_select_parse("sha256:11", &want, NULL), 0);
	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &c->k, nonce,
					    NONCE_LEN, &want, &c->v, &err),
			 NSIMA_EPCRDIGEST);
	assert_string_equal(err.msg,
			    "quote selects PCRs sha1:11,sha256:11, expected sha256:11");
	/* bank order does not matter */
	assert_int_equal(nsima_pcr_select_parse("sha256:11+sha1:11", &want,
						NULL), 0);
	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &c->k, nonce,
					    NONCE_LEN, &want, &c->v, &err), 0);
}

static void test_wrong_ak(void **state)
{
	struct capture *c = *state;
	struct capture *other = &captures[(c - captures + 1) % 3];
	struct nsima_akpub ak;
	struct nsima_err err = { 0 };
	uint8_t buf[512];

	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &other->k, nonce,
					    NONCE_LEN, NULL, &c->v, &err),
			 NSIMA_ESIGNATURE);
	/* a key that is not restricted could sign anything */
	assert_true(c->ak_len <= sizeof(buf));
	memcpy(buf, c->ak, c->ak_len);
	buf[7] &= (uint8_t)~0x01;	/* TPMA_OBJECT restricted, bit 16 */
	assert_int_equal(nsima_akpub_parse(buf, c->ak_len, &ak, &err), 0);
	assert_int_equal(ak.attrs, 0x00040072);
	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &ak, nonce,
					    NONCE_LEN, NULL, &c->v, &err),
			 NSIMA_ESIGNATURE);
	assert_non_null(strstr(err.msg, "restricted"));
	nsima_akpub_free(&ak);
}

/* Every truncation fails as malformed, at an offset within the input. */
static void test_truncated(void **state)
{
	struct capture *c = *state;
	struct nsima_quote *q = malloc(sizeof(*q));
	struct nsima_sig s;
	struct nsima_akpub ak;
	struct nsima_err err = { 0 };
	size_t n;

	assert_non_null(q);
	for (n = 0; n < c->attest_len; n++) {
		assert_int_equal(nsima_quote_parse(c->attest, n, q, &err),
				 NSIMA_EMALFORMED);
		assert_int_equal(err.where, NSIMA_AT_OFFSET);
		assert_true(err.pos <= n);
	}
	/* cut inside the nonce: reported at extraData */
	assert_int_equal(nsima_quote_parse(c->attest, 50, q, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, OFF_EXTRA);
	assert_string_equal(err.msg, "extraData does not parse");
	/* cut inside the selection */
	assert_int_equal(nsima_quote_parse(c->attest, OFF_SELECT + 7, q, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, OFF_SELECT);
	for (n = 0; n < c->sig_len; n++) {
		assert_int_not_equal(nsima_sig_parse(c->sig, n, &s, &err), 0);
		assert_true(err.where != NSIMA_AT_OFFSET || err.pos <= n);
	}
	for (n = 0; n < c->ak_len; n++) {
		assert_int_not_equal(nsima_akpub_parse(c->ak, n, &ak, &err),
				     0);
		assert_true(err.where != NSIMA_AT_OFFSET || err.pos <= n);
	}
	/* an empty TPM2B_PUBLIC (found by fuzz_attest) */
	assert_int_equal(nsima_akpub_parse((const uint8_t *)"\0\0", 2, &ak,
					   &err), NSIMA_EMALFORMED);
	assert_string_equal(err.msg, "empty TPM2B_PUBLIC");
	free(q);
}

static void test_trailing(void **state)
{
	struct capture *c = *state;
	struct nsima_quote *q = malloc(sizeof(*q));
	struct nsima_err err = { 0 };
	uint8_t buf[ATTEST_LEN + 1];

	assert_non_null(q);
	memcpy(buf, c->attest, ATTEST_LEN);
	buf[ATTEST_LEN] = 0;
	assert_int_equal(nsima_quote_parse(buf, sizeof(buf), q, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, ATTEST_LEN);
	assert_string_equal(err.msg, "1 bytes after the TPMS_ATTEST");
	free(q);
}

static void test_pcr_values_split(void **state)
{
	struct capture *c = *state;
	struct nsima_pcr_values v;
	struct nsima_err err = { 0 };

	assert_int_equal(nsima_pcr_values_split(&c->q.sel, c->pcrs,
						c->pcrs_len - 1, &v, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, 20);
	assert_string_equal(err.msg, "PCR values end before sha256 PCR 11");
	assert_int_equal(nsima_pcr_values_split(&c->q.sel, c->attest, 53, &v,
						&err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, 52);
}

/* The bundle nsima-attest quote wrote beside the files says the same. */
static void test_evidence_capture(void **state)
{
	struct capture *c = *state;
	struct nsima_evidence ev, ev2;
	struct nsima_err err = { 0 };
	struct nsima_buf out;
	uint8_t *buf;
	size_t len;

	buf = load(c->dir, "evidence.json", &len);
	assert_non_null(buf);
	assert_int_equal(nsima_evidence_parse(buf, len, &ev, &err), 0);
	assert_int_equal(ev.attest_len, c->attest_len);
	assert_memory_equal(ev.attest, c->attest, c->attest_len);
	assert_int_equal(ev.sig_len, c->sig_len);
	assert_memory_equal(ev.sig, c->sig, c->sig_len);
	assert_int_equal(ev.ak_len, c->ak_len);
	assert_memory_equal(ev.ak, c->ak, c->ak_len);
	assert_int_equal(ev.nonce_len, NONCE_LEN);
	assert_memory_equal(ev.nonce, nonce, NONCE_LEN);
	assert_int_equal(ev.pcrs.count, 2);
	assert_string_equal(test_hex(nsima_pcr_values_get(&ev.pcrs,
							  NSIMA_ALG_SHA256, 11),
				     32),
			    PCR11_SHA256);
	assert_null(ev.log);
	assert_false(ev.has_checkpoint);
	/* written back byte for byte (sorted keys, compact) */
	nsima_buf_init(&out);
	assert_int_equal(nsima_evidence_write(&ev, &out, &err), 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.data, buf, len);
	assert_int_equal(nsima_evidence_parse(out.data, out.len, &ev2, &err),
			 0);
	nsima_evidence_free(&ev2);
	nsima_buf_free(&out);
	nsima_evidence_free(&ev);
	free(buf);
}

/* ------------------------------------------------------------------ */
/* Capture-independent tests */

static void test_select_parse(void **state)
{
	struct nsima_pcr_select s;
	struct nsima_err err = { 0 };
	char buf[128];

	(void)state;
	assert_int_equal(nsima_pcr_select_parse("sha256:0,1,2+sha1:11", &s,
						&err), 0);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.bank[0].alg, NSIMA_ALG_SHA256);
	assert_int_equal(s.bank[0].mask, 0x7);
	assert_int_equal(s.bank[1].alg, NSIMA_ALG_SHA1);
	assert_int_equal(s.bank[1].mask, 0x800);
	assert_int_equal(nsima_pcr_select_count(&s), 4);
	assert_string_equal(nsima_pcr_select_format(&s, buf, sizeof(buf)),
			    "sha256:0,1,2,sha1:11");
	/* the same bank twice is merged */
	assert_int_equal(nsima_pcr_select_parse("sha1:1,sha256:2,sha1:3", &s,
						&err), 0);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.bank[0].mask, 0xa);

	assert_int_equal(nsima_pcr_select_parse("sha3:1", &s, &err),
			 NSIMA_EINVAL);
	assert_int_equal(err.pos, 0);
	assert_int_equal(nsima_pcr_select_parse("sha1:11,sha256:24", &s, &err),
			 NSIMA_EINVAL);
	assert_int_equal(err.pos, 15);
	assert_int_equal(nsima_pcr_select_parse("11", &s, &err), NSIMA_EINVAL);
	assert_int_equal(nsima_pcr_select_parse("sha1:11,", &s, &err),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_pcr_select_parse("sha1:", &s, &err),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_pcr_select_parse("sha1:1x", &s, &err),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_pcr_select_parse("", &s, &err), NSIMA_EINVAL);
}

static void test_clock(void **state)
{
	const struct nsima_clock prev = { 5000, 3, 1, true };
	struct nsima_clock cur = prev;
	struct nsima_err err = { 0 };

	(void)state;
	cur.clock = 6000;
	assert_int_equal(nsima_clock_check(&prev, &cur, 0, &err), 0);
	cur.clock = 5000;
	assert_int_equal(nsima_clock_check(&prev, &cur, 0, &err), 0);
	/* clock back within one boot */
	cur.clock = 4999;
	assert_int_equal(nsima_clock_check(&prev, &cur, 0, &err),
			 NSIMA_EROLLBACK);
	assert_non_null(strstr(err.msg, "clock went back from 5000 to 4999"));
	/* reset: reboot */
	cur = prev;
	cur.reset_count = 4;
	cur.restart_count = 0;
	cur.clock = 10;
	assert_int_equal(nsima_clock_check(&prev, &cur, 0, &err),
			 NSIMA_EROLLBACK);
	assert_non_null(strstr(err.msg, "resetCount 3 -> 4"));
	/* resetCount going back: rollback or another TPM */
	cur.reset_count = 2;
	assert_int_equal(nsima_clock_check(&prev, &cur, 0, &err),
			 NSIMA_EROLLBACK);
	assert_non_null(strstr(err.msg, "went back from 3 to 2"));
	/* restart/resume */
	cur = prev;
	cur.restart_count = 2;
	cur.clock = 6000;
	assert_int_equal(nsima_clock_check(&prev, &cur, 0, &err),
			 NSIMA_EROLLBACK);
	assert_int_equal(nsima_clock_check(&prev, &cur,
					   NSIMA_CLOCK_ALLOW_RESUME, &err), 0);
	cur.restart_count = 0;
	assert_int_equal(nsima_clock_check(&prev, &cur,
					   NSIMA_CLOCK_ALLOW_RESUME, &err),
			 NSIMA_EROLLBACK);
}

static void test_clock_json(void **state)
{
	const struct nsima_clock clk = { 123456789012ULL, 7, 1, false };
	struct nsima_clock back;
	struct nsima_err err = { 0 };
	struct nsima_buf b;
	static const char bad[] = "{\"clock\":1,\"resetCount\":-1,"
				  "\"restartCount\":0,\"safe\":true}";

	(void)state;
	nsima_buf_init(&b);
	assert_int_equal(nsima_clock_write_json(&clk, &b, &err), 0);
	assert_int_equal(b.len, strlen("{\"clock\":123456789012,\"resetCount\":7,"
				       "\"restartCount\":1,\"safe\":false}\n"));
	assert_int_equal(nsima_clock_parse_json(b.data, b.len, &back, &err), 0);
	assert_int_equal(back.clock, 123456789012ULL);
	assert_int_equal(back.reset_count, 7);
	assert_int_equal(back.restart_count, 1);
	assert_false(back.safe);
	nsima_buf_free(&b);
	assert_int_equal(nsima_clock_parse_json((const uint8_t *)bad,
						sizeof(bad) - 1, &back, &err),
			 NSIMA_EMALFORMED);
	assert_string_equal(err.msg,
			    "clock.resetCount: not an integer in range");
}

static void test_evidence_errors(void **state)
{
	static const struct {
		const char *json;
		int code;
		const char *msg;
	} cases[] = {
		{ "{\"version\":1,", NSIMA_EMALFORMED, NULL },
		{ "[]", NSIMA_EMALFORMED, "evidence: not a JSON object" },
		{ "{\"version\":2}", NSIMA_EUNSUPPORTED,
		  "evidence.version 2 (want 1)" },
		{ "{\"version\":1,\"nonce\":\"0g\"}", NSIMA_EMALFORMED,
		  "nonce: not hex of at most 64 bytes" },
		{ "{\"version\":1,\"nonce\":\"00\",\"quote\":{\"attest\":\"AA=\"}}",
		  NSIMA_EMALFORMED, "quote.attest: not base64" },
		{ "{\"version\":1,\"nonce\":\"00\",\"quote\":{\"attest\":\"AA==\","
		  "\"signature\":\"AAE=\",\"ak_public\":\"\"},"
		  "\"pcrs\":{\"sha256\":{\"11\":\"00\"}}}",
		  NSIMA_EMALFORMED, "pcrs.sha256.11: not 32 bytes of hex" },
		{ "{\"version\":1,\"nonce\":\"00\",\"quote\":{\"attest\":\"AA==\","
		  "\"signature\":\"AAE=\",\"ak_public\":\"\"},"
		  "\"pcrs\":{\"md5\":{}}}",
		  NSIMA_EUNSUPPORTED, "pcrs.md5: unknown bank 'md5'" },
		{ "{\"version\":1,\"nonce\":\"00\",\"quote\":{\"attest\":\"AA==\","
		  "\"signature\":\"AAE=\",\"ak_public\":\"\"},\"pcrs\":{},"
		  "\"checkpoint\":{\"pcr\":11,\"next\":3,\"pcrs\":{}}}",
		  NSIMA_EMALFORMED, "checkpoint.pcrs: missing or empty" },
		{ "{\"version\":1,\"version\":1}", NSIMA_EMALFORMED, NULL },
	};
	struct nsima_evidence ev;
	struct nsima_err err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(nsima_evidence_parse((const uint8_t *)cases[i].json,
						      strlen(cases[i].json),
						      &ev, &err),
				 cases[i].code);
		if (cases[i].msg)
			assert_string_equal(err.msg, cases[i].msg);
		else
			assert_int_equal(err.where, NSIMA_AT_OFFSET);
	}
	/* a syntax error points into the input */
	assert_int_equal(nsima_evidence_parse((const uint8_t *)"{\"a\" 1}", 8,
					      &ev, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, 6);
}

static void test_base64(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" }, { "Zm9v", "foo" },
		{ "Zm9vYg==", "foob" },
	};
	static const char *const bad[] = { "Zg=", "Zh==", "Zm9=", "Z===",
					   "Zm9v\n", "Zm-v", "=Zm9", "Zg==Zg==" };
	struct nsima_buf b;
	uint8_t *out;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(nsima_base64_decode(ok[i].in, strlen(ok[i].in),
						     &out, &len), 0);
		assert_int_equal(len, strlen(ok[i].out));
		assert_memory_equal(out, ok[i].out, len);
		free(out);
		nsima_buf_init(&b);
		assert_int_equal(nsima_base64_encode((const uint8_t *)ok[i].out,
						     strlen(ok[i].out), &b), 0);
		assert_int_equal(b.len, strlen(ok[i].in));
		if (b.len)
			assert_memory_equal(b.data, ok[i].in, b.len);
		nsima_buf_free(&b);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nsima_base64_decode(bad[i], strlen(bad[i]),
						     &out, &len), -1);
}

#define CAPTURE_TESTS(i)                                                     \
	cmocka_unit_test_prestate_setup_teardown(test_fields, setup,         \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_verify_ok, setup,      \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_tpm2b_attest, setup,   \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_pem_ak, setup,         \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_value_not_selected,    \
						 setup, teardown,            \
						 &captures[i]),              \
	cmocka_unit_test_prestate_setup_teardown(test_bank_twice, setup,     \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_flip_signature, setup, \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_flip_signed, setup,    \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_nonce_mismatch, setup, \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_flip_pcr_values,       \
						 setup, teardown,            \
						 &captures[i]),              \
	cmocka_unit_test_prestate_setup_teardown(test_selection_mismatch,    \
						 setup, teardown,            \
						 &captures[i]),              \
	cmocka_unit_test_prestate_setup_teardown(test_truncated, setup,      \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_trailing, setup,       \
						 teardown, &captures[i]),    \
	cmocka_unit_test_prestate_setup_teardown(test_pcr_values_split,      \
						 setup, teardown,            \
						 &captures[i]),              \
	cmocka_unit_test_prestate_setup_teardown(test_evidence_capture,      \
						 setup, teardown,            \
						 &captures[i])

/* test_wrong_ak needs every capture loaded */
static int setup_all(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		void *s = &captures[i];

		if (setup(&s))
			return -1;
	}
	return 0;
}

static int teardown_all(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		void *s = &captures[i];

		teardown(&s);
	}
	return 0;
}

static void test_wrong_ak_all(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		void *s = &captures[i];

		test_wrong_ak(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CAPTURE_TESTS(0),
		CAPTURE_TESTS(1),
		CAPTURE_TESTS(2),
		cmocka_unit_test_setup_teardown(test_wrong_ak_all, setup_all,
						teardown_all),
		cmocka_unit_test(test_select_parse),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_clock_json),
		cmocka_unit_test(test_evidence_errors),
		cmocka_unit_test(test_base64),
	};

	return cmocka_run_group_tests_name("quote", tests, NULL, NULL);
}
