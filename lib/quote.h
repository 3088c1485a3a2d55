/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM 2.0 quotes: parse a TPMS_ATTEST and its TPMT_SIGNATURE (tpm2-tss
 * Tss2_MU_*), build the AK's public key, and check a quote against the
 * verifier's nonce, the PCR selection it asked for and the PCR values it
 * was given (TPM 2.0 Part 2 sections 10.12 and 11.3; Part 3 TPM2_Quote).
 *
 * Every parser takes (buffer, length) and fails with the byte offset of
 * the field that does not parse. Each check fails with its own error code,
 * so that nsima-attest can map it to its exit code:
 *
 *   NSIMA_EMALFORMED   does not parse, wrong magic or type, values missing
 *   NSIMA_EUNSUPPORTED well-formed but an algorithm we do not handle
 *   NSIMA_ESIGNATURE   signature does not verify with the AK, or the AK
 *                      is not a restricted signing key
 *   NSIMA_ENONCE       extraData is not the verifier's nonce
 *   NSIMA_EPCRDIGEST   the quote selects other PCRs than asked, or the PCR
 *                      values do not hash to pcrDigest
 *   NSIMA_EROLLBACK    resetCount/restartCount/clock went back or changed
 *
 * All multi-byte TPM fields are big-endian on the wire; the structures
 * below hold host values. No tss2 or OpenSSL type leaks into this header
 * except the opaque EVP_PKEY (and EVP_MD, through hash.h).
 */
#ifndef NSIMA_QUOTE_H
#define NSIMA_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "err.h"
#include "hash.h"	/* NSIMA_ALG_*, nsima_tpm_alg_name() */

#define NSIMA_TPM_GENERATED	0xff544347u	/* TPM_GENERATED_VALUE */
#define NSIMA_ST_ATTEST_QUOTE	0x8018		/* TPM_ST_ATTEST_QUOTE */

#define NSIMA_QUOTE_BANKS_MAX	16	/* TPM2_NUM_PCR_BANKS */
#define NSIMA_QUOTE_PCRS_MAX	32	/* PCR indexes a selection can name */
#define NSIMA_QUOTE_VALUES_MAX	128	/* (bank, PCR) pairs in one quote */
#define NSIMA_QUOTE_NONCE_MAX	64	/* qualifyingData we accept */
#define NSIMA_QUOTE_ATTEST_MAX	2048	/* > sizeof(TPMS_ATTEST) */
#define NSIMA_QUOTE_SIG_MAX	512	/* TPM2_MAX_RSA_KEY_BYTES */
#define NSIMA_QUOTE_ECC_MAX	66	/* P-521 coordinate */

/* TPMS_PCR_SELECTION list, in the order the quote hashes it. */
struct nsima_pcr_select {
	unsigned int count;
	struct {
		uint16_t alg;	/* TPM_ALG_ID of the bank */
		uint32_t mask;	/* bit n = PCR n */
	} bank[NSIMA_QUOTE_BANKS_MAX];
};

/* PCR values in selection order: bank by bank, PCR index ascending. */
struct nsima_pcr_values {
	unsigned int count;
	struct {
		uint16_t alg;
		uint8_t pcr;
		uint8_t size;
		uint8_t val[64];
	} v[NSIMA_QUOTE_VALUES_MAX];
};

/* TPMS_CLOCK_INFO */
struct nsima_clock {
	uint64_t clock;		/* ms the TPM has been powered, persisted */
	uint32_t reset_count;	/* TPM Resets (reboots) */
	uint32_t restart_count;	/* TPM Restarts/Resumes since the last Reset */
	bool safe;		/* clock was not lost since last report */
};

/* A parsed TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE. */
struct nsima_quote {
	/* the signed bytes (TPMS_ATTEST, without a TPM2B size) */
	uint8_t attest[NSIMA_QUOTE_ATTEST_MAX];
	size_t attest_len;
	uint16_t type;
	uint8_t signer[2 + 64];		/* qualifiedSigner (TPM2B_NAME body) */
	size_t signer_len;
	uint8_t nonce[NSIMA_QUOTE_NONCE_MAX];	/* extraData */
	size_t nonce_len;
	struct nsima_clock clock;
	uint64_t firmware;		/* firmwareVersion */
	struct nsima_pcr_select sel;
	uint8_t pcr_digest[64];
	size_t pcr_digest_len;
};

/* A parsed TPMT_SIGNATURE. */
struct nsima_sig {
	uint16_t alg;		/* NSIMA_ALG_RSASSA, _RSAPSS or _ECDSA */
	uint16_t hash;		/* hash of the scheme (and of pcrDigest) */
	uint8_t rsa[NSIMA_QUOTE_SIG_MAX];	/* RSA: signature */
	size_t rsa_len;
	uint8_t r[NSIMA_QUOTE_ECC_MAX], s[NSIMA_QUOTE_ECC_MAX];	/* ECDSA */
	size_t r_len, s_len;
};

/* An attestation key's public part. */
struct nsima_akpub {
	EVP_PKEY *pkey;
	bool tpm;		/* from a TPM2B_PUBLIC: the fields below are set */
	uint16_t type;		/* NSIMA_ALG_RSA or NSIMA_ALG_ECC */
	uint16_t name_alg;
	uint32_t attrs;		/* TPMA_OBJECT */
	uint16_t scheme, scheme_hash;	/* NSIMA_ALG_NULL if none */
	unsigned int bits;	/* RSA modulus or ECC curve size */
	uint8_t name[2 + 64];	/* TPM name: nameAlg | H(TPMT_PUBLIC) */
	size_t name_len;
};

/* TPMA_OBJECT bits an attestation key must have */
#define NSIMA_TPMA_FIXEDTPM		0x00000002u
#define NSIMA_TPMA_FIXEDPARENT		0x00000010u
#define NSIMA_TPMA_SENSITIVEDATAORIGIN	0x00000020u
#define NSIMA_TPMA_USERWITHAUTH		0x00000040u
#define NSIMA_TPMA_RESTRICTED		0x00010000u
#define NSIMA_TPMA_DECRYPT		0x00020000u
#define NSIMA_TPMA_SIGN			0x00040000u
#define NSIMA_AK_ATTRS	(NSIMA_TPMA_FIXEDTPM | NSIMA_TPMA_RESTRICTED | \
			 NSIMA_TPMA_SIGN)

/*
 * Parse a quote: a TPMS_ATTEST as tpm2_quote -m writes it, or the same
 * inside a TPM2B_ATTEST. Checks the magic, the type (quote), the lengths
 * and that nothing trails it.
 */
int nsima_quote_parse(const uint8_t *buf, size_t len, struct nsima_quote *q,
		      struct nsima_err *err);

/* Parse a TPMT_SIGNATURE (RSASSA, RSAPSS or ECDSA). */
int nsima_sig_parse(const uint8_t *buf, size_t len, struct nsima_sig *sig,
		    struct nsima_err *err);

/*
 * Parse an AK public key: a TPM2B_PUBLIC (RSA, or ECC NIST P-256/P-384)
 * or a PEM SubjectPublicKeyInfo. Free with nsima_akpub_free().
 */
int nsima_akpub_parse(const uint8_t *buf, size_t len, struct nsima_akpub *ak,
		      struct nsima_err *err);
void nsima_akpub_free(struct nsima_akpub *ak);
/* The AK as PEM (malloc()ed, NUL-terminated). */
int nsima_akpub_pem(const struct nsima_akpub *ak, char **pem, size_t *len,
		    struct nsima_err *err);

/*
 * "sha1:11,sha256:11", "sha256:0,1,2+sha1:11" (tpm2-tools) or a mix: a
 * token "alg:N" starts a bank, a bare "N" adds a PCR to the current one.
 */
int nsima_pcr_select_parse(const char *spec, struct nsima_pcr_select *sel,
			   struct nsima_err *err);
/* The same spelling back ("sha1:11,sha256:11"); returns @buf. */
char *nsima_pcr_select_format(const struct nsima_pcr_select *sel, char *buf,
			      size_t size);
bool nsima_pcr_select_equal(const struct nsima_pcr_select *a,
			    const struct nsima_pcr_select *b);
/* Number of (bank, PCR) pairs selected. */
unsigned int nsima_pcr_select_count(const struct nsima_pcr_select *sel);
/* Does @sel select PCR @pcr of bank @alg? */
bool nsima_pcr_select_has(const struct nsima_pcr_select *sel, uint16_t alg,
			  unsigned int pcr);

/*
 * Split a concatenation of PCR values in selection order (tpm2-tools'
 * "values" PCR file) into @vals; the length must match exactly.
 */
int nsima_pcr_values_split(const struct nsima_pcr_select *sel,
			   const uint8_t *buf, size_t len,
			   struct nsima_pcr_values *vals,
			   struct nsima_err *err);
/* Append one value; NSIMA_EMALFORMED on a size that is not the bank's. */
int nsima_pcr_values_add(struct nsima_pcr_values *vals, uint16_t alg,
			 unsigned int pcr, const uint8_t *val, size_t size,
			 struct nsima_err *err);
/* Value of (alg, pcr), or NULL. */
const uint8_t *nsima_pcr_values_get(const struct nsima_pcr_values *vals,
				    uint16_t alg, unsigned int pcr);

/*
 * pcrDigest = H_alg(values of @sel in selection order). Values are looked
 * up in @vals; NSIMA_EMALFORMED if one is missing. @out holds 64 bytes.
 */
int nsima_pcr_digest(const struct nsima_pcr_select *sel,
		     const struct nsima_pcr_values *vals, uint16_t alg,
		     uint8_t *out, size_t *out_len, struct nsima_err *err);

/* Check @sig over q->attest with @ak (NSIMA_ESIGNATURE if it fails). */
int nsima_quote_verify_sig(const struct nsima_quote *q,
			   const struct nsima_sig *sig,
			   const struct nsima_akpub *ak, struct nsima_err *err);

/*
 * The whole check, in this order: the AK is a restricted signing key (a
 * TPM2B_PUBLIC; a PEM key is refused), the signature, the nonce, the
 * selection (when @want is not NULL), the values cover the selection and
 * nothing else, pcrDigest. @vals NULL: the values are not known yet (a
 * replay derives them) and the check stops before them; the caller then
 * accepts only values for which nsima_pcr_digest_is() holds.
 */
int nsima_quote_verify(const struct nsima_quote *q, const struct nsima_sig *sig,
		       const struct nsima_akpub *ak, const uint8_t *nonce,
		       size_t nonce_len, const struct nsima_pcr_select *want,
		       const struct nsima_pcr_values *vals,
		       struct nsima_err *err);

/* Do @vals hash (with the signature's @hash) to q's pcrDigest? */
bool nsima_pcr_digest_is(const struct nsima_quote *q, uint16_t hash,
			 const struct nsima_pcr_values *vals);

/* Accept a restartCount increase (TPM Resume keeps the PCRs). */
#define NSIMA_CLOCK_ALLOW_RESUME	0x1

/*
 * Compare this quote's clock with the previous one from the same TPM:
 * NSIMA_EROLLBACK when resetCount changed (TPM Reset: a reboot, PCRs are
 * new; a decrease is a rollback or another TPM), restartCount changed
 * (TPM Restart or Resume), or clock went backwards within one boot.
 */
int nsima_clock_check(const struct nsima_clock *prev,
		      const struct nsima_clock *cur, unsigned int flags,
		      struct nsima_err *err);

/* A nonce as hex, 1 to NSIMA_QUOTE_NONCE_MAX bytes; 0 or -1. */
int nsima_nonce_parse(const char *hex, uint8_t *buf, size_t *len);

#endif /* NSIMA_QUOTE_H */
