/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM algorithms and PCR banks (hash algorithms): the one table of
 * TPM_ALG_IDs, names, digest sizes and OpenSSL digests; IMA's template
 * digest rule.
 */
#ifndef NSIMA_HASH_H
#define NSIMA_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include <nsima/abi.h>

#include "err.h"

/* TPM_ALG_ID values nsima knows (TPM 2.0 Part 2 table 9) */
#define NSIMA_ALG_RSA		0x0001
#define NSIMA_ALG_SHA1		0x0004
#define NSIMA_ALG_SHA256	0x000b
#define NSIMA_ALG_SHA384	0x000c
#define NSIMA_ALG_SHA512	0x000d
#define NSIMA_ALG_NULL		0x0010
#define NSIMA_ALG_RSASSA	0x0014
#define NSIMA_ALG_RSAPSS	0x0016
#define NSIMA_ALG_ECDSA		0x0018
#define NSIMA_ALG_ECC		0x0023

enum nsima_bank {
	NSIMA_BANK_SHA1 = 0,
	NSIMA_BANK_SHA256,
	NSIMA_BANK_SHA384,
	NSIMA_BANK_SHA512,
	NSIMA_BANK_COUNT,
};

#define NSIMA_BANK_BIT(b)	(1U << (b))
#define NSIMA_BANKS_ALL		((1U << NSIMA_BANK_COUNT) - 1)
#define NSIMA_BANKS_DEFAULT	(NSIMA_BANK_BIT(NSIMA_BANK_SHA1) | \
				 NSIMA_BANK_BIT(NSIMA_BANK_SHA256))

/*
 * One algorithm. The hash algorithms are the PCR banks (enum nsima_bank);
 * key and signature algorithms have a name only (size 0, md NULL).
 */
struct nsima_alg {
	const char *name;	/* "sha256": IMA, CEL and tpm2-tools spelling */
	uint16_t tpm_alg;	/* TPM_ALG_ID */
	uint16_t size;		/* digest bytes, 0 if not a hash */
	const EVP_MD *(*md)(void);	/* OpenSSL digest, NULL if not a hash */
};

/* The algorithm of a TPM_ALG_ID, or NULL. */
const struct nsima_alg *nsima_alg_by_id(uint16_t tpm_alg);
/* The algorithm named @name of @len bytes ("sha256", "rsassa"), or NULL. */
const struct nsima_alg *nsima_alg_by_name(const char *name, size_t len);
/* OpenSSL digest of a TPM hash algorithm, NULL if it is not one we know. */
const EVP_MD *nsima_alg_md(uint16_t tpm_alg);
/* Digest size of a TPM hash algorithm, 0 if it is not one we know. */
size_t nsima_alg_size(uint16_t tpm_alg);
/* Name of a TPM_ALG_ID ("sha256", "rsassa"...), "0x...." if unknown. */
const char *nsima_tpm_alg_name(uint16_t tpm_alg, char buf[8]);

/* The algorithm of @bank, NULL if @bank is out of range. */
const struct nsima_alg *nsima_bank_info(int bank);
const char *nsima_bank_name(int bank);
size_t nsima_bank_size(int bank);
/* Bank for a name of @len bytes ("sha256"), or -1. */
int nsima_bank_by_name(const char *name, size_t len);
/* Bank for a TPM_ALG_ID, or -1. */
int nsima_bank_by_alg(uint16_t tpm_alg);
/* "sha1,sha256" -> bank mask. */
int nsima_banks_parse(const char *list, unsigned int *mask,
		      struct nsima_err *err);

/* out = H(data); out must hold nsima_bank_size(bank) bytes. */
int nsima_hash(int bank, const void *data, size_t len, uint8_t *out,
	       struct nsima_err *err);

/*
 * Template digest of one entry for @bank, by IMA's rule
 * (ima_calc_field_array_hash): the bank's hash of the template data as the
 * binary list carries it, except for the legacy "ima" template, whose data
 * (20-byte digest | u32 len | name, no NUL) is hashed as the digest followed
 * by the name zero-padded to NSIMA_EVENT_NAME_LEN_MAX + 1 bytes.
 */
int nsima_template_digest(int bank, const char *template_name,
			  const uint8_t *data, size_t len, uint8_t *out,
			  struct nsima_err *err);

/* pcr = H(pcr | digest), both of the bank's size. */
int nsima_pcr_extend(int bank, uint8_t *pcr, const uint8_t *digest,
		     struct nsima_err *err);

/*
 * Violations: the list stores an all-zero template digest and the PCR is
 * extended with all 0xFF of the bank's size.
 */
/*
 * Free this thread's cached hash contexts (optional: for leak checkers and
 * threads that hashed and are about to exit).
 */
void nsima_hash_cleanup(void);

bool nsima_digest_is_zero(const uint8_t *digest, size_t size);
void nsima_violation_digest(int bank, uint8_t *out);

#endif /* NSIMA_HASH_H */
