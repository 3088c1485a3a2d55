// SPDX-License-Identifier: GPL-2.0
/*
 * TPM 2.0 quotes: TPMS_ATTEST / TPMT_SIGNATURE / TPM2B_PUBLIC parsing with
 * tpm2-tss' bounds-checked unmarshalers, signature checks with OpenSSL 3.
 *
 * The parsers unmarshal field by field so that an error can name the byte
 * offset of the field that broke; tpm2-tss itself only says "too short".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <tss2/tss2_mu.h>

#include "hash.h"
#include "hex.h"
#include "quote.h"

int nsima_nonce_parse(const char *hex, uint8_t *buf, size_t *len)
{
	size_t n = strlen(hex);

	if (!n || n % 2 || n / 2 > NSIMA_QUOTE_NONCE_MAX ||
	    nsima_hex_decode(hex, n, buf) < 0)
		return -1;
	*len = n / 2;
	return 0;
}

/* ------------------------------------------------------------------ */
/* TPMS_ATTEST */

#define MU_FAIL(err, off, what)                                              \
	nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,            \
		      "%s does not parse", what)

static int parse_selection(const TPML_PCR_SELECTION *l, size_t off,
			   struct nsima_pcr_select *sel, struct nsima_err *err)
{
	uint32_t i, j;

	memset(sel, 0, sizeof(*sel));
	if (l->count > NSIMA_QUOTE_BANKS_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     off, "PCR selection has %u banks",
				     l->count);
	for (i = 0; i < l->count; i++) {
		const TPMS_PCR_SELECTION *s = &l->pcrSelections[i];

		if (s->sizeofSelect > 4)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, off,
					     "PCR select of %u bytes",
					     s->sizeofSelect);
		for (j = 0; j < i; j++)
			if (sel->bank[j].alg == s->hash)
				return nsima_err_set(err, NSIMA_EMALFORMED,
						     NSIMA_AT_OFFSET, off,
						     "PCR selection lists bank 0x%04x twice",
						     s->hash);
		sel->bank[i].alg = s->hash;
		for (j = 0; j < s->sizeofSelect; j++)
			sel->bank[i].mask |= (uint32_t)s->pcrSelect[j] << (8 * j);
	}
	sel->count = l->count;
	return 0;
}

/*
 * Where the TPMS_ATTEST starts: a raw one begins with the magic; a
 * TPM2B_ATTEST with a size that covers the rest, then the magic.
 */
static size_t attest_start(const uint8_t *buf, size_t len)
{
	if (len >= 6 && (size_t)(buf[0] << 8 | buf[1]) == len - 2 &&
	    buf[2] == 0xff && buf[3] == 0x54 && buf[4] == 0x43 &&
	    buf[5] == 0x47)
		return 2;
	return 0;
}

int nsima_quote_parse(const uint8_t *buf, size_t len, struct nsima_quote *q,
		      struct nsima_err *err)
{
	TPM2B_NAME signer = { 0 };
	TPM2B_DATA extra = { 0 };
	TPMS_CLOCK_INFO clk = { 0 };
	TPML_PCR_SELECTION sel = { 0 };
	TPM2B_DIGEST digest = { 0 };
	uint32_t magic;
	uint16_t type;
	size_t start = attest_start(buf, len), off = start, at;
	int rc;

	memset(q, 0, sizeof(*q));
	if (len - start > sizeof(q->attest))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     sizeof(q->attest),
				     "%zu bytes is too long for a TPMS_ATTEST",
				     len - start);
	if (Tss2_MU_UINT32_Unmarshal(buf, len, &off, &magic))
		return MU_FAIL(err, off, "magic");
	if (magic != NSIMA_TPM_GENERATED)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     start,
				     "magic 0x%08x is not TPM_GENERATED_VALUE (not made by a TPM)",
				     magic);
	at = off;
	if (Tss2_MU_TPM2_ST_Unmarshal(buf, len, &off, &type))
		return MU_FAIL(err, at, "type");
	if (type != NSIMA_ST_ATTEST_QUOTE)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, at,
				     "type 0x%04x is not TPM_ST_ATTEST_QUOTE",
				     type);
	q->type = type;
	at = off;
	if (Tss2_MU_TPM2B_NAME_Unmarshal(buf, len, &off, &signer))
		return MU_FAIL(err, at, "qualifiedSigner");
	if (signer.size > sizeof(q->signer))
		return MU_FAIL(err, at, "qualifiedSigner");
	memcpy(q->signer, signer.name, signer.size);
	q->signer_len = signer.size;
	at = off;
	if (Tss2_MU_TPM2B_DATA_Unmarshal(buf, len, &off, &extra))
		return MU_FAIL(err, at, "extraData");
	if (extra.size > sizeof(q->nonce))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, at,
				     "extraData of %u bytes", extra.size);
	memcpy(q->nonce, extra.buffer, extra.size);
	q->nonce_len = extra.size;
	at = off;
	if (Tss2_MU_TPMS_CLOCK_INFO_Unmarshal(buf, len, &off, &clk))
		return MU_FAIL(err, at, "clockInfo");
	if (clk.safe > 1)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
				     off - 1, "clockInfo.safe is %u",
				     clk.safe);
	q->clock.clock = clk.clock;
	q->clock.reset_count = clk.resetCount;
	q->clock.restart_count = clk.restartCount;
	q->clock.safe = clk.safe;
	at = off;
	if (Tss2_MU_UINT64_Unmarshal(buf, len, &off, &q->firmware))
		return MU_FAIL(err, at, "firmwareVersion");
	at = off;
	if (Tss2_MU_TPML_PCR_SELECTION_Unmarshal(buf, len, &off, &sel))
		return MU_FAIL(err, at, "pcrSelect");
	rc = parse_selection(&sel, at, &q->sel, err);
	if (rc)
		return rc;
	at = off;
	if (Tss2_MU_TPM2B_DIGEST_Unmarshal(buf, len, &off, &digest))
		return MU_FAIL(err, at, "pcrDigest");
	if (digest.size > sizeof(q->pcr_digest))
		return MU_FAIL(err, at, "pcrDigest");
	memcpy(q->pcr_digest, digest.buffer, digest.size);
	q->pcr_digest_len = digest.size;
	if (off != len)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
				     "%zu bytes after the TPMS_ATTEST",
				     len - off);
	memcpy(q->attest, buf + start, len - start);
	q->attest_len = len - start;
	return 0;
}

/* ------------------------------------------------------------------ */
/* TPMT_SIGNATURE */

int nsima_sig_parse(const uint8_t *buf, size_t len, struct nsima_sig *sig,
		    struct nsima_err *err)
{
	TPMU_SIGNATURE u = { 0 };
	uint16_t alg;
	size_t off = 0;
	char a[8];

	memset(sig, 0, sizeof(*sig));
	if (Tss2_MU_UINT16_Unmarshal(buf, len, &off, &alg))
		return MU_FAIL(err, off, "sigAlg");
	if (alg != NSIMA_ALG_RSASSA && alg != NSIMA_ALG_RSAPSS &&
	    alg != NSIMA_ALG_ECDSA)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_OFFSET,
				     0, "signature algorithm %s",
				     nsima_tpm_alg_name(alg, a));
	if (Tss2_MU_TPMU_SIGNATURE_Unmarshal(buf, len, &off, alg, &u))
		return MU_FAIL(err, off, "signature");
	sig->alg = alg;
	if (alg == NSIMA_ALG_ECDSA) {
		sig->hash = u.ecdsa.hash;
		if (u.ecdsa.signatureR.size > sizeof(sig->r) ||
		    u.ecdsa.signatureS.size > sizeof(sig->s))
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_OFFSET, 4,
					     "ECDSA r/s of %u/%u bytes",
					     u.ecdsa.signatureR.size,
					     u.ecdsa.signatureS.size);
		memcpy(sig->r, u.ecdsa.signatureR.buffer,
		       u.ecdsa.signatureR.size);
		sig->r_len = u.ecdsa.signatureR.size;
		memcpy(sig->s, u.ecdsa.signatureS.buffer,
		       u.ecdsa.signatureS.size);
		sig->s_len = u.ecdsa.signatureS.size;
	} else {
		sig->hash = u.rsassa.hash;
		memcpy(sig->rsa, u.rsassa.sig.buffer, u.rsassa.sig.size);
		sig->rsa_len = u.rsassa.sig.size;
	}
	if (!nsima_alg_md(sig->hash))
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_OFFSET,
				     2, "signature hash %s",
				     nsima_tpm_alg_name(sig->hash, a));
	if (off != len)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
				     "%zu bytes after the TPMT_SIGNATURE",
				     len - off);
	return 0;
}

/* ------------------------------------------------------------------ */
/* AK public key */

static int crypto_fail(struct nsima_err *err, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[160] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return nsima_err_set(err, NSIMA_ECRYPTO, NSIMA_AT_NONE, 0, "%s: %s",
			     what, buf[0] ? buf : "failed");
}

static int pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld,
			 EVP_PKEY **pkey, struct nsima_err *err)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	int rc = 0;

	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		rc = crypto_fail(err, "cannot build the AK public key");
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return rc;
}

static int rsa_pkey(const TPMT_PUBLIC *p, EVP_PKEY **pkey,
		    struct nsima_err *err)
{
	uint32_t exp = p->parameters.rsaDetail.exponent ?
			       p->parameters.rsaDetail.exponent : 65537;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *n = BN_bin2bn(p->unique.rsa.buffer, p->unique.rsa.size, NULL);
	BIGNUM *e = BN_new();
	int rc;

	if (!bld || !n || !e || !BN_set_word(e, exp) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		rc = crypto_fail(err, "cannot build the AK public key");
	else
		rc = pkey_fromdata("RSA", bld, pkey, err);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return rc;
}

static int ecc_pkey(const TPMT_PUBLIC *p, EVP_PKEY **pkey,
		    struct nsima_err *err)
{
	const TPMS_ECC_POINT *pt = &p->unique.ecc;
	uint8_t point[1 + 2 * 48];
	OSSL_PARAM_BLD *bld;
	const char *group;
	size_t fs;
	int rc;

	switch (p->parameters.eccDetail.curveID) {
	case TPM2_ECC_NIST_P256:
		group = "prime256v1";
		fs = 32;
		break;
	case TPM2_ECC_NIST_P384:
		group = "secp384r1";
		fs = 48;
		break;
	default:
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "ECC curve 0x%04x (only NIST P-256/P-384)",
				     p->parameters.eccDetail.curveID);
	}
	if (pt->x.size > fs || pt->y.size > fs)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "ECC point coordinates of %u/%u bytes",
				     pt->x.size, pt->y.size);
	/* uncompressed point, coordinates left-padded to the field size */
	memset(point, 0, sizeof(point));
	point[0] = 0x04;
	memcpy(point + 1 + fs - pt->x.size, pt->x.buffer, pt->x.size);
	memcpy(point + 1 + 2 * fs - pt->y.size, pt->y.buffer, pt->y.size);
	bld = OSSL_PARAM_BLD_new();
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, 1 + 2 * fs))
		rc = crypto_fail(err, "cannot build the AK public key");
	else
		rc = pkey_fromdata("EC", bld, pkey, err);
	OSSL_PARAM_BLD_free(bld);
	if (rc == NSIMA_ECRYPTO)
		/* a point that is not on the curve is bad input, not a bug */
		rc = nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				   "ECC point is not on the curve");
	return rc;
}

static int akpub_tpm(const uint8_t *buf, size_t len, struct nsima_akpub *ak,
		     struct nsima_err *err)
{
	TPM2B_PUBLIC pub = { 0 };
	const TPMT_PUBLIC *p = &pub.publicArea;
	const EVP_MD *md;
	unsigned int mdlen;
	size_t off = 0;
	char a[8];
	int rc;

	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(buf, len, &off, &pub))
		return MU_FAIL(err, 0, "TPM2B_PUBLIC");
	if (off != len)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
				     "%zu bytes after the TPM2B_PUBLIC",
				     len - off);
	if (!pub.size)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, 0,
				     "empty TPM2B_PUBLIC");
	if (off != (size_t)2 + pub.size)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, 0,
				     "TPM2B_PUBLIC size %u does not match its contents",
				     pub.size);
	md = nsima_alg_md(p->nameAlg);
	if (!md)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_OFFSET, 4,
				     "name algorithm %s",
				     nsima_tpm_alg_name(p->nameAlg, a));
	ak->tpm = true;
	ak->type = p->type;
	ak->name_alg = p->nameAlg;
	ak->attrs = p->objectAttributes;
	ak->name[0] = (uint8_t)(p->nameAlg >> 8);
	ak->name[1] = (uint8_t)p->nameAlg;
	if (EVP_Digest(buf + 2, len - 2, ak->name + 2, &mdlen, md, NULL) != 1)
		return crypto_fail(err, "cannot hash the AK public area");
	ak->name_len = 2 + mdlen;
	switch (p->type) {
	case TPM2_ALG_RSA:
		ak->scheme = p->parameters.rsaDetail.scheme.scheme;
		ak->scheme_hash =
			p->parameters.rsaDetail.scheme.details.anySig.hashAlg;
		ak->bits = p->parameters.rsaDetail.keyBits;
		if (p->unique.rsa.size * 8 != ak->bits || !ak->bits)
			return nsima_err_set(err, NSIMA_EMALFORMED,
					     NSIMA_AT_NONE, 0,
					     "RSA modulus of %u bytes for %u bits",
					     p->unique.rsa.size, ak->bits);
		rc = rsa_pkey(p, &ak->pkey, err);
		break;
	case TPM2_ALG_ECC:
		ak->scheme = p->parameters.eccDetail.scheme.scheme;
		ak->scheme_hash =
			p->parameters.eccDetail.scheme.details.anySig.hashAlg;
		ak->bits = p->parameters.eccDetail.curveID ==
					   TPM2_ECC_NIST_P384 ? 384 : 256;
		rc = ecc_pkey(p, &ak->pkey, err);
		break;
	default:
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_OFFSET, 2,
				     "AK key type %s (not RSA or ECC)",
				     nsima_tpm_alg_name(p->type, a));
	}
	if (ak->scheme == TPM2_ALG_NULL)
		ak->scheme_hash = TPM2_ALG_NULL;
	return rc;
}

static int akpub_pem(const uint8_t *buf, size_t len, struct nsima_akpub *ak,
		     struct nsima_err *err)
{
	BIO *bio = BIO_new_mem_buf(buf, (int)len);
	int id;

	if (!bio)
		return crypto_fail(err, "BIO_new_mem_buf");
	ak->pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!ak->pkey) {
		ERR_clear_error();
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "not a PEM public key");
	}
	id = EVP_PKEY_get_base_id(ak->pkey);
	if (id == EVP_PKEY_RSA) {
		ak->type = NSIMA_ALG_RSA;
	} else if (id == EVP_PKEY_EC) {
		ak->type = NSIMA_ALG_ECC;
	} else {
		EVP_PKEY_free(ak->pkey);
		ak->pkey = NULL;
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "PEM key is neither RSA nor EC");
	}
	ak->bits = (unsigned int)EVP_PKEY_get_bits(ak->pkey);
	ak->scheme = ak->scheme_hash = NSIMA_ALG_NULL;
	return 0;
}

int nsima_akpub_parse(const uint8_t *buf, size_t len, struct nsima_akpub *ak,
		      struct nsima_err *err)
{
	static const char pem[] = "-----BEGIN ";
	int rc;

	memset(ak, 0, sizeof(*ak));
	if (len > INT32_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "AK public key too long");
	if (len >= sizeof(pem) - 1 && !memcmp(buf, pem, sizeof(pem) - 1))
		rc = akpub_pem(buf, len, ak, err);
	else
		rc = akpub_tpm(buf, len, ak, err);
	if (rc)
		nsima_akpub_free(ak);
	return rc;
}

void nsima_akpub_free(struct nsima_akpub *ak)
{
	EVP_PKEY_free(ak->pkey);
	ak->pkey = NULL;
}

int nsima_akpub_pem(const struct nsima_akpub *ak, char **pem, size_t *len,
		    struct nsima_err *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	if (!bio || PEM_write_bio_PUBKEY(bio, ak->pkey) != 1) {
		BIO_free(bio);
		return crypto_fail(err, "cannot write the AK as PEM");
	}
	n = BIO_get_mem_data(bio, &data);
	out = n > 0 ? malloc((size_t)n + 1) : NULL;
	if (!out) {
		BIO_free(bio);
		return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
				     "out of memory");
	}
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	BIO_free(bio);
	*pem = out;
	*len = (size_t)n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* PCR selections and values */

static int select_add(struct nsima_pcr_select *sel, uint16_t alg,
		      unsigned int pcr)
{
	unsigned int i;

	for (i = 0; i < sel->count; i++)
		if (sel->bank[i].alg == alg)
			break;
	if (i == sel->count) {
		if (sel->count == NSIMA_QUOTE_BANKS_MAX)
			return -1;
		sel->bank[sel->count].alg = alg;
		sel->bank[sel->count++].mask = 0;
	}
	sel->bank[i].mask |= 1u << pcr;
	return (int)i;
}

int nsima_pcr_select_parse(const char *spec, struct nsima_pcr_select *sel,
			   struct nsima_err *err)
{
	const char *p = spec;
	int cur = -1;

	memset(sel, 0, sizeof(*sel));
	while (*p) {
		size_t tok = strcspn(p, ",+"), alen;
		const char *colon = memchr(p, ':', tok), *num = p;
		uint16_t alg;
		unsigned long pcr;
		char *end;
		int bank;

		if (colon) {
			alen = (size_t)(colon - p);
			bank = nsima_bank_by_name(p, alen);
			if (bank < 0)
				return nsima_err_set(err, NSIMA_EINVAL,
						     NSIMA_AT_OFFSET,
						     (uint64_t)(p - spec),
						     "unknown PCR bank '%.*s'",
						     (int)alen, p);
			alg = nsima_bank_info(bank)->tpm_alg;
			num = colon + 1;
		} else if (cur < 0) {
			return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_OFFSET,
					     (uint64_t)(p - spec),
					     "PCR list must start with a bank (sha256:11)");
		} else {
			alg = sel->bank[cur].alg;
		}
		if (*num < '0' || *num > '9')
			goto bad;
		pcr = strtoul(num, &end, 10);
		if (end != p + tok || pcr >= NSIMA_PCR_COUNT)
			goto bad;
		cur = select_add(sel, alg, (unsigned int)pcr);
		if (cur < 0)
			return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_OFFSET,
					     (uint64_t)(p - spec),
					     "too many banks");
		p += tok;
		if (*p) {
			p++;
			if (!*p)
				goto bad;
		}
		continue;
bad:
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_OFFSET,
				     (uint64_t)(num - spec),
				     "bad PCR index '%.*s' (0..%d)",
				     (int)(p + tok - num), num,
				     NSIMA_PCR_COUNT - 1);
	}
	if (!sel->count)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "empty PCR selection");
	return 0;
}

char *nsima_pcr_select_format(const struct nsima_pcr_select *sel, char *buf,
			      size_t size)
{
	size_t n = 0;
	unsigned int i, pcr;
	char a[8];

	buf[0] = '\0';
	for (i = 0; i < sel->count; i++) {
		bool first = true;

		for (pcr = 0; pcr < 32 && n < size; pcr++) {
			if (!(sel->bank[i].mask & (1u << pcr)))
				continue;
			if (first)
				n += (size_t)snprintf(buf + n, size - n, "%s%s:%u",
					      n ? "," : "",
					      nsima_tpm_alg_name(sel->bank[i].alg, a),
					      pcr);
			else
				n += (size_t)snprintf(buf + n, size - n, ",%u",
						      pcr);
			first = false;
		}
		if (first && n < size)	/* bank with nothing selected */
			n += (size_t)snprintf(buf + n, size - n, "%s%s:",
					      n ? "," : "",
					      nsima_tpm_alg_name(sel->bank[i].alg, a));
	}
	if (!sel->count)
		snprintf(buf, size, "(none)");
	return buf;
}

/* Union of the masks for @alg (a bank may be listed twice). */
static uint32_t select_mask(const struct nsima_pcr_select *sel, uint16_t alg)
{
	uint32_t m = 0;
	unsigned int i;

	for (i = 0; i < sel->count; i++)
		if (sel->bank[i].alg == alg)
			m |= sel->bank[i].mask;
	return m;
}

/* Same PCRs in every bank; bank order does not matter. */
bool nsima_pcr_select_equal(const struct nsima_pcr_select *a,
			    const struct nsima_pcr_select *b)
{
	unsigned int i;

	for (i = 0; i < a->count; i++)
		if (select_mask(a, a->bank[i].alg) !=
		    select_mask(b, a->bank[i].alg))
			return false;
	for (i = 0; i < b->count; i++)
		if (select_mask(a, b->bank[i].alg) !=
		    select_mask(b, b->bank[i].alg))
			return false;
	return true;
}

unsigned int nsima_pcr_select_count(const struct nsima_pcr_select *sel)
{
	unsigned int i, n = 0;

	for (i = 0; i < sel->count; i++)
		n += (unsigned int)__builtin_popcount(sel->bank[i].mask);
	return n;
}

bool nsima_pcr_select_has(const struct nsima_pcr_select *sel, uint16_t alg,
			  unsigned int pcr)
{
	return pcr < 32 && (select_mask(sel, alg) & (1u << pcr));
}

int nsima_pcr_values_add(struct nsima_pcr_values *vals, uint16_t alg,
			 unsigned int pcr, const uint8_t *val, size_t size,
			 struct nsima_err *err)
{
	size_t want = nsima_alg_size(alg);
	char a[8];

	if (!want)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "PCR bank %s",
				     nsima_tpm_alg_name(alg, a));
	if (size != want)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "%s PCR %u value of %zu bytes (want %zu)",
				     nsima_tpm_alg_name(alg, a), pcr, size,
				     want);
	if (pcr >= NSIMA_QUOTE_PCRS_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "PCR index %u", pcr);
	if (nsima_pcr_values_get(vals, alg, pcr))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "%s PCR %u given twice",
				     nsima_tpm_alg_name(alg, a), pcr);
	if (vals->count == NSIMA_QUOTE_VALUES_MAX)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "more than %d PCR values",
				     NSIMA_QUOTE_VALUES_MAX);
	vals->v[vals->count].alg = alg;
	vals->v[vals->count].pcr = (uint8_t)pcr;
	vals->v[vals->count].size = (uint8_t)size;
	memcpy(vals->v[vals->count].val, val, size);
	vals->count++;
	return 0;
}

const uint8_t *nsima_pcr_values_get(const struct nsima_pcr_values *vals,
				    uint16_t alg, unsigned int pcr)
{
	unsigned int i;

	for (i = 0; i < vals->count; i++)
		if (vals->v[i].alg == alg && vals->v[i].pcr == pcr)
			return vals->v[i].val;
	return NULL;
}

int nsima_pcr_values_split(const struct nsima_pcr_select *sel,
			   const uint8_t *buf, size_t len,
			   struct nsima_pcr_values *vals,
			   struct nsima_err *err)
{
	size_t off = 0, size;
	unsigned int i, pcr;
	char a[8];
	int rc;

	memset(vals, 0, sizeof(*vals));
	for (i = 0; i < sel->count; i++) {
		size = nsima_alg_size(sel->bank[i].alg);
		if (!size)
			return nsima_err_set(err, NSIMA_EUNSUPPORTED,
					     NSIMA_AT_OFFSET, off,
					     "PCR bank %s",
					     nsima_tpm_alg_name(sel->bank[i].alg, a));
		for (pcr = 0; pcr < 32; pcr++) {
			if (!(sel->bank[i].mask & (1u << pcr)))
				continue;
			if (len - off < size)
				return nsima_err_set(err, NSIMA_EMALFORMED,
						     NSIMA_AT_OFFSET, off,
						     "PCR values end before %s PCR %u",
						     nsima_tpm_alg_name(sel->bank[i].alg, a),
						     pcr);
			rc = nsima_pcr_values_add(vals, sel->bank[i].alg, pcr,
						  buf + off, size, err);
			if (rc)
				return nsima_err_move(err, rc, NSIMA_AT_OFFSET,
						      off);
			off += size;
		}
	}
	if (off != len)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, off,
				     "%zu bytes of PCR values beyond the selection",
				     len - off);
	return 0;
}

int nsima_pcr_digest(const struct nsima_pcr_select *sel,
		     const struct nsima_pcr_values *vals, uint16_t alg,
		     uint8_t *out, size_t *out_len, struct nsima_err *err)
{
	const EVP_MD *md = nsima_alg_md(alg);
	EVP_MD_CTX *ctx;
	unsigned int i, pcr, n;
	const uint8_t *v;
	char a[8];
	int rc = 0;

	if (!md)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "hash algorithm %s",
				     nsima_tpm_alg_name(alg, a));
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		rc = crypto_fail(err, "EVP_DigestInit");
		goto out;
	}
	for (i = 0; i < sel->count; i++) {
		for (pcr = 0; pcr < 32; pcr++) {
			if (!(sel->bank[i].mask & (1u << pcr)))
				continue;
			v = nsima_pcr_values_get(vals, sel->bank[i].alg, pcr);
			if (!v) {
				rc = nsima_err_set(err, NSIMA_EMALFORMED,
						   NSIMA_AT_NONE, 0,
						   "no value for quoted %s PCR %u",
						   nsima_tpm_alg_name(sel->bank[i].alg, a),
						   pcr);
				goto out;
			}
			if (EVP_DigestUpdate(ctx, v,
					     nsima_alg_size(sel->bank[i].alg)) != 1) {
				rc = crypto_fail(err, "EVP_DigestUpdate");
				goto out;
			}
		}
	}
	if (EVP_DigestFinal_ex(ctx, out, &n) != 1) {
		rc = crypto_fail(err, "EVP_DigestFinal");
		goto out;
	}
	*out_len = n;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Checks */

/* DER ECDSA-Sig-Value from r and s. */
static int ecdsa_der(const struct nsima_sig *sig, uint8_t **der, size_t *len,
		     struct nsima_err *err)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig->r, (int)sig->r_len, NULL);
	BIGNUM *s = BN_bin2bn(sig->s, (int)sig->s_len, NULL);
	int n;

	if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
		ECDSA_SIG_free(es);
		BN_free(r);
		BN_free(s);
		return crypto_fail(err, "ECDSA_SIG");
	}
	*der = NULL;
	n = i2d_ECDSA_SIG(es, der);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return crypto_fail(err, "i2d_ECDSA_SIG");
	*len = (size_t)n;
	return 0;
}

int nsima_quote_verify_sig(const struct nsima_quote *q,
			   const struct nsima_sig *sig,
			   const struct nsima_akpub *ak, struct nsima_err *err)
{
	int id = EVP_PKEY_get_base_id(ak->pkey);
	const EVP_MD *md = nsima_alg_md(sig->hash);
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx;
	const uint8_t *s = sig->rsa;
	uint8_t *der = NULL;
	size_t slen = sig->rsa_len;
	char a[8], b[8];
	int rc, ok;

	if (!md)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "signature hash %s",
				     nsima_tpm_alg_name(sig->hash, a));
	if ((sig->alg == NSIMA_ALG_ECDSA) != (id == EVP_PKEY_EC) ||
	    (id != EVP_PKEY_EC && id != EVP_PKEY_RSA))
		return nsima_err_set(err, NSIMA_ESIGNATURE, NSIMA_AT_NONE, 0,
				     "%s signature cannot come from this %s AK",
				     nsima_tpm_alg_name(sig->alg, a),
				     id == EVP_PKEY_EC ? "ECC" : "RSA");
	/* a restricted key signs with its own scheme only */
	if (ak->tpm && ak->scheme != NSIMA_ALG_NULL &&
	    (ak->scheme != sig->alg || ak->scheme_hash != sig->hash))
		return nsima_err_set(err, NSIMA_ESIGNATURE, NSIMA_AT_NONE, 0,
				     "signature scheme %s/%s is not the AK's (%s/%s)",
				     nsima_tpm_alg_name(sig->alg, a),
				     nsima_tpm_alg_name(sig->hash, b),
				     nsima_tpm_alg_name(ak->scheme, a),
				     nsima_tpm_alg_name(ak->scheme_hash, b));
	if (sig->alg == NSIMA_ALG_ECDSA) {
		rc = ecdsa_der(sig, &der, &slen, err);
		if (rc)
			return rc;
		s = der;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestVerifyInit(ctx, &pctx, md, NULL, ak->pkey) != 1) {
		rc = crypto_fail(err, "EVP_DigestVerifyInit");
		goto out;
	}
	if (sig->alg == NSIMA_ALG_RSAPSS &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)) {
		rc = crypto_fail(err, "RSA-PSS parameters");
		goto out;
	}
	ok = EVP_DigestVerify(ctx, s, slen, q->attest, q->attest_len);
	ERR_clear_error();
	if (ok != 1)
		rc = nsima_err_set(err, NSIMA_ESIGNATURE, NSIMA_AT_NONE, 0,
				   "%s/%s signature does not verify with the AK",
				   nsima_tpm_alg_name(sig->alg, a),
				   nsima_tpm_alg_name(sig->hash, b));
	else
		rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return rc;
}

static void hex(const uint8_t *p, size_t len, char *out, size_t size)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len && 2 * i + 2 < size; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * i] = '\0';
}

int nsima_quote_verify(const struct nsima_quote *q, const struct nsima_sig *sig,
		       const struct nsima_akpub *ak, const uint8_t *nonce,
		       size_t nonce_len, const struct nsima_pcr_select *want,
		       const struct nsima_pcr_values *vals,
		       struct nsima_err *err)
{
	uint8_t digest[64];
	size_t dlen;
	char h1[2 * 64 + 1], h2[2 * 64 + 1];
	char s1[256], s2[256];
	unsigned int i;
	int rc;

	/*
	 * Only a restricted key proves that the TPM made the TPMS_ATTEST (it
	 * refuses to sign outside data that starts with the magic); a PEM
	 * key does not say what it is.
	 */
	if (!ak->tpm)
		return nsima_err_set(err, NSIMA_ESIGNATURE, NSIMA_AT_NONE, 0,
				     "AK given as a bare public key: whether it is a restricted TPM signing key cannot be checked (give its TPM2B_PUBLIC: enroll's ak.pub, tpm2_createak -u)");
	if ((ak->attrs & NSIMA_AK_ATTRS) != NSIMA_AK_ATTRS)
		return nsima_err_set(err, NSIMA_ESIGNATURE, NSIMA_AT_NONE, 0,
				     "AK is not a fixedTPM restricted signing key (attributes 0x%08x)",
				     ak->attrs);
	rc = nsima_quote_verify_sig(q, sig, ak, err);
	if (rc)
		return rc;
	if (q->nonce_len != nonce_len || memcmp(q->nonce, nonce, nonce_len)) {
		hex(q->nonce, q->nonce_len, h1, sizeof(h1));
		return nsima_err_set(err, NSIMA_ENONCE, NSIMA_AT_NONE, 0,
				     "quote is for nonce %s, not ours",
				     q->nonce_len ? h1 : "(empty)");
	}
	if (want && !nsima_pcr_select_equal(&q->sel, want))
		return nsima_err_set(err, NSIMA_EPCRDIGEST, NSIMA_AT_NONE, 0,
				     "quote selects PCRs %s, expected %s",
				     nsima_pcr_select_format(&q->sel, s1, sizeof(s1)),
				     nsima_pcr_select_format(want, s2, sizeof(s2)));
	if (!nsima_pcr_select_count(&q->sel))
		return nsima_err_set(err, NSIMA_EPCRDIGEST, NSIMA_AT_NONE, 0,
				     "quote selects no PCR");
	if (!vals)
		return 0;	/* the caller derives them (nsima_pcr_digest_is) */
	/* nothing but the selected values: the others are not quoted */
	for (i = 0; i < vals->count; i++)
		if (!nsima_pcr_select_has(&q->sel, vals->v[i].alg,
					  vals->v[i].pcr))
			return nsima_err_set(err, NSIMA_EPCRDIGEST, NSIMA_AT_NONE,
					     0,
					     "a value for %s PCR %u is given, but the quote does not select it",
					     nsima_tpm_alg_name(vals->v[i].alg, s1),
					     vals->v[i].pcr);
	rc = nsima_pcr_digest(&q->sel, vals, sig->hash, digest, &dlen, err);
	if (rc)
		return rc;
	if (dlen != q->pcr_digest_len || memcmp(digest, q->pcr_digest, dlen)) {
		hex(q->pcr_digest, q->pcr_digest_len, h1, sizeof(h1));
		hex(digest, dlen, h2, sizeof(h2));
		return nsima_err_set(err, NSIMA_EPCRDIGEST, NSIMA_AT_NONE, 0,
				     "PCR values hash to %s, quote says %s", h2,
				     h1);
	}
	return 0;
}

bool nsima_pcr_digest_is(const struct nsima_quote *q, uint16_t hash,
			 const struct nsima_pcr_values *vals)
{
	uint8_t digest[64];
	size_t dlen;

	return !nsima_pcr_digest(&q->sel, vals, hash, digest, &dlen, NULL) &&
	       dlen == q->pcr_digest_len &&
	       !memcmp(digest, q->pcr_digest, dlen);
}

int nsima_clock_check(const struct nsima_clock *prev,
		      const struct nsima_clock *cur, unsigned int flags,
		      struct nsima_err *err)
{
	if (cur->reset_count < prev->reset_count)
		return nsima_err_set(err, NSIMA_EROLLBACK, NSIMA_AT_NONE, 0,
				     "resetCount went back from %u to %u (rollback or another TPM)",
				     prev->reset_count, cur->reset_count);
	if (cur->reset_count != prev->reset_count)
		return nsima_err_set(err, NSIMA_EROLLBACK, NSIMA_AT_NONE, 0,
				     "TPM was reset (resetCount %u -> %u): rebooted since the previous quote",
				     prev->reset_count, cur->reset_count);
	if (cur->restart_count < prev->restart_count)
		return nsima_err_set(err, NSIMA_EROLLBACK, NSIMA_AT_NONE, 0,
				     "restartCount went back from %u to %u (rollback or another TPM)",
				     prev->restart_count, cur->restart_count);
	if (cur->restart_count != prev->restart_count &&
	    !(flags & NSIMA_CLOCK_ALLOW_RESUME))
		return nsima_err_set(err, NSIMA_EROLLBACK, NSIMA_AT_NONE, 0,
				     "TPM was restarted or resumed (restartCount %u -> %u)",
				     prev->restart_count, cur->restart_count);
	if (cur->clock < prev->clock)
		return nsima_err_set(err, NSIMA_EROLLBACK, NSIMA_AT_NONE, 0,
				     "TPM clock went back from %llu to %llu ms without a reset",
				     (unsigned long long)prev->clock,
				     (unsigned long long)cur->clock);
	return 0;
}
