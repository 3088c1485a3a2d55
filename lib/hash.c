// SPDX-License-Identifier: GPL-2.0
/*
 * The TPM algorithm table, PCR banks over OpenSSL EVP, and IMA's template
 * digest rule.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "hash.h"
#include "le.h"

/*
 * The TPM algorithms nsima knows: the PCR banks first, indexed by enum
 * nsima_bank, then the key and signature algorithms, named only.
 */
static const struct nsima_alg algs[] = {
	[NSIMA_BANK_SHA1] = { "sha1", NSIMA_ALG_SHA1, 20, EVP_sha1 },
	[NSIMA_BANK_SHA256] = { "sha256", NSIMA_ALG_SHA256, 32, EVP_sha256 },
	[NSIMA_BANK_SHA384] = { "sha384", NSIMA_ALG_SHA384, 48, EVP_sha384 },
	[NSIMA_BANK_SHA512] = { "sha512", NSIMA_ALG_SHA512, 64, EVP_sha512 },
	{ .name = "rsa", .tpm_alg = NSIMA_ALG_RSA },
	{ .name = "ecc", .tpm_alg = NSIMA_ALG_ECC },
	{ .name = "null", .tpm_alg = NSIMA_ALG_NULL },
	{ .name = "rsassa", .tpm_alg = NSIMA_ALG_RSASSA },
	{ .name = "rsapss", .tpm_alg = NSIMA_ALG_RSAPSS },
	{ .name = "ecdsa", .tpm_alg = NSIMA_ALG_ECDSA },
};

#define ALGS_COUNT	((int)(sizeof(algs) / sizeof(algs[0])))

/* Index of @tpm_alg among the first @n algorithms, or -1. */
static int alg_index_by_id(uint16_t tpm_alg, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (algs[i].tpm_alg == tpm_alg)
			return i;
	return -1;
}

/* Index of the name @name of @len bytes among the first @n, or -1. */
static int alg_index_by_name(const char *name, size_t len, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strlen(algs[i].name) == len &&
		    !memcmp(algs[i].name, name, len))
			return i;
	return -1;
}

const struct nsima_alg *nsima_alg_by_id(uint16_t tpm_alg)
{
	int i = alg_index_by_id(tpm_alg, ALGS_COUNT);

	return i < 0 ? NULL : &algs[i];
}

const struct nsima_alg *nsima_alg_by_name(const char *name, size_t len)
{
	int i = alg_index_by_name(name, len, ALGS_COUNT);

	return i < 0 ? NULL : &algs[i];
}

const EVP_MD *nsima_alg_md(uint16_t tpm_alg)
{
	const struct nsima_alg *a = nsima_alg_by_id(tpm_alg);

	return a && a->md ? a->md() : NULL;
}

size_t nsima_alg_size(uint16_t tpm_alg)
{
	const struct nsima_alg *a = nsima_alg_by_id(tpm_alg);

	return a ? a->size : 0;
}

const char *nsima_tpm_alg_name(uint16_t tpm_alg, char buf[8])
{
	const struct nsima_alg *a = nsima_alg_by_id(tpm_alg);

	if (a)
		return a->name;
	snprintf(buf, 8, "0x%04x", tpm_alg);
	return buf;
}

const struct nsima_alg *nsima_bank_info(int bank)
{
	if (bank < 0 || bank >= NSIMA_BANK_COUNT)
		return NULL;
	return &algs[bank];
}

const char *nsima_bank_name(int bank)
{
	const struct nsima_alg *bi = nsima_bank_info(bank);

	return bi ? bi->name : "?";
}

size_t nsima_bank_size(int bank)
{
	const struct nsima_alg *bi = nsima_bank_info(bank);

	return bi ? bi->size : 0;
}

int nsima_bank_by_name(const char *name, size_t len)
{
	return alg_index_by_name(name, len, NSIMA_BANK_COUNT);
}

int nsima_bank_by_alg(uint16_t tpm_alg)
{
	return alg_index_by_id(tpm_alg, NSIMA_BANK_COUNT);
}

int nsima_banks_parse(const char *list, unsigned int *mask,
		      struct nsima_err *err)
{
	const char *p = list;
	unsigned int m = 0;

	while (*p) {
		size_t len = strcspn(p, ",");
		int b = nsima_bank_by_name(p, len);

		if (b < 0)
			return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
					     "unknown bank '%.*s' (expected sha1, sha256, sha384 or sha512)",
					     (int)len, p);
		m |= NSIMA_BANK_BIT(b);
		p += len;
		if (*p == ',')
			p++;
	}
	if (!m)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "empty bank list");
	*mask = m;
	return 0;
}

/*
 * Hashing is the replay's hot path: one template digest and one extend
 * per entry and bank, on ~100-byte inputs, where creating and fetching a
 * context costs more than the hash. So each thread keeps one fetched
 * EVP_MD and one EVP_MD_CTX per bank and reinitialises them (a cache, not
 * state: results never depend on it; freed by nsima_hash_cleanup()).
 */
static __thread EVP_MD *md_cache[NSIMA_BANK_COUNT];
static __thread EVP_MD_CTX *ctx_cache[NSIMA_BANK_COUNT];

void nsima_hash_cleanup(void)
{
	int b;

	for (b = 0; b < NSIMA_BANK_COUNT; b++) {
		EVP_MD_CTX_free(ctx_cache[b]);
		EVP_MD_free(md_cache[b]);
		ctx_cache[b] = NULL;
		md_cache[b] = NULL;
	}
}

/* Hash up to three (pointer, length) pieces; NULL pieces are skipped. */
static int hash3(int bank, const void *a, size_t alen, const void *b,
		 size_t blen, const void *c, size_t clen, uint8_t *out,
		 struct nsima_err *err)
{
	EVP_MD_CTX *ctx;
	int ok;

	if (bank < 0 || bank >= NSIMA_BANK_COUNT)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad bank %d", bank);
	if (!md_cache[bank]) {
		md_cache[bank] = EVP_MD_fetch(NULL,
					      EVP_MD_get0_name(algs[bank].md()),
					      NULL);
		if (!md_cache[bank])
			return nsima_err_set(err, NSIMA_ECRYPTO, NSIMA_AT_NONE,
					     0, "%s not available",
					     algs[bank].name);
	}
	if (!ctx_cache[bank]) {
		ctx_cache[bank] = EVP_MD_CTX_new();
		if (!ctx_cache[bank])
			return nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE,
					     0, "out of memory");
	}
	ctx = ctx_cache[bank];
	ok = EVP_DigestInit_ex2(ctx, md_cache[bank], NULL) &&
	     (!a || EVP_DigestUpdate(ctx, a, alen)) &&
	     (!b || EVP_DigestUpdate(ctx, b, blen)) &&
	     (!c || EVP_DigestUpdate(ctx, c, clen)) &&
	     EVP_DigestFinal_ex(ctx, out, NULL);
	if (!ok)
		return nsima_err_set(err, NSIMA_ECRYPTO, NSIMA_AT_NONE, 0,
				     "%s digest failed", algs[bank].name);
	return 0;
}

int nsima_hash(int bank, const void *data, size_t len, uint8_t *out,
	       struct nsima_err *err)
{
	return hash3(bank, data, len, NULL, 0, NULL, 0, out, err);
}

/* The legacy "ima" template: digest[20] | u32 name_len | name. */
static int ima_legacy_digest(int bank, const uint8_t *data, size_t len,
			     uint8_t *out, struct nsima_err *err)
{
	uint8_t name[NSIMA_EVENT_NAME_LEN_MAX + 1] = { 0 };
	uint32_t name_len;

	if (len < NSIMA_SHA1_SIZE + 4)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "ima template data too short (%zu bytes)",
				     len);
	name_len = nsima_get_le32(data + NSIMA_SHA1_SIZE);
	if (name_len > NSIMA_EVENT_NAME_LEN_MAX ||
	    len != NSIMA_SHA1_SIZE + 4 + (size_t)name_len)
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "ima template name length %u does not fit",
				     name_len);
	memcpy(name, data + NSIMA_SHA1_SIZE + 4, name_len);
	return hash3(bank, data, NSIMA_SHA1_SIZE, name, sizeof(name), NULL, 0,
		     out, err);
}

int nsima_template_digest(int bank, const char *template_name,
			  const uint8_t *data, size_t len, uint8_t *out,
			  struct nsima_err *err)
{
	if (template_name && !strcmp(template_name, NSIMA_TEMPLATE_IMA))
		return ima_legacy_digest(bank, data, len, out, err);
	return nsima_hash(bank, data, len, out, err);
}

int nsima_pcr_extend(int bank, uint8_t *pcr, const uint8_t *digest,
		     struct nsima_err *err)
{
	size_t size = nsima_bank_size(bank);

	return hash3(bank, pcr, size, digest, size, NULL, 0, pcr, err);
}

bool nsima_digest_is_zero(const uint8_t *digest, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (digest[i])
			return false;
	return true;
}

void nsima_violation_digest(int bank, uint8_t *out)
{
	memset(out, 0xff, nsima_bank_size(bank));
}
