// SPDX-License-Identifier: GPL-2.0
/*
 * Software TPM2_MakeCredential (RSA EK) with OpenSSL 3.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "credential.h"
#include "hash.h"
#include "quote.h"

/* OpenSSL's name of a TPM hash algorithm, or NULL. */
static const char *md_name(uint16_t alg)
{
	const EVP_MD *md = nsima_alg_md(alg);

	return md ? EVP_MD_get0_name(md) : NULL;
}

static int crypto_fail(struct nsima_err *err, const char *what)
{
	ERR_clear_error();
	return nsima_err_set(err, NSIMA_ECRYPTO, NSIMA_AT_NONE, 0, "%s failed",
			     what);
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One-shot HMAC over up to 6 pieces. */
static int hmac(const char *md, const uint8_t *key, size_t key_len,
		const uint8_t *const *p, const size_t *len, int n,
		uint8_t *out, size_t *out_len)
{
	OSSL_PARAM params[2];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	int i, ok;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = ctx && EVP_MAC_init(ctx, key, key_len, params) == 1;
	for (i = 0; ok && i < n; i++)
		if (len[i])
			ok = EVP_MAC_update(ctx, p[i], len[i]) == 1;
	ok = ok && EVP_MAC_final(ctx, out, out_len, 64) == 1;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -1;
}

int nsima_kdfa(uint16_t hash_alg, const uint8_t *key, size_t key_len,
	       const char *label, const uint8_t *ctx_u, size_t u_len,
	       const uint8_t *ctx_v, size_t v_len, unsigned int bits,
	       uint8_t *out, struct nsima_err *err)
{
	const char *md = md_name(hash_alg);
	size_t want = (bits + 7) / 8, done = 0, n;
	uint8_t counter[4], lbits[4], block[64];
	uint32_t i;

	if (!md)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "KDFa hash 0x%04x", hash_alg);
	be32(lbits, bits);
	for (i = 1; done < want; i++) {
		/* label goes in with its terminating NUL */
		const uint8_t *p[] = { counter, (const uint8_t *)label, ctx_u,
				       ctx_v, lbits };
		const size_t len[] = { 4, strlen(label) + 1, u_len, v_len, 4 };

		be32(counter, i);
		if (hmac(md, key, key_len, p, len, 5, block, &n))
			return crypto_fail(err, "KDFa HMAC");
		if (n > want - done)
			n = want - done;
		memcpy(out + done, block, n);
		done += n;
	}
	OPENSSL_cleanse(block, sizeof(block));
	return 0;
}

/* RSA-OAEP(@ek, @seed) with label "IDENTITY" (Part 1, B.10.4). */
static int encrypt_seed(EVP_PKEY *ek, const char *md, const uint8_t *seed,
			size_t seed_len, uint8_t *out, size_t *out_len,
			struct nsima_err *err)
{
	static const char label[] = "IDENTITY";
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, ek, NULL);
	unsigned char *l = OPENSSL_malloc(sizeof(label));
	size_t n = *out_len;
	int rc = 0;

	if (!ctx || !l || EVP_PKEY_encrypt_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, md, NULL) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, md, NULL) != 1) {
		OPENSSL_free(l);
		rc = crypto_fail(err, "RSA-OAEP setup");
		goto out;
	}
	memcpy(l, label, sizeof(label));	/* with the NUL */
	if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, l, sizeof(label)) != 1) {
		OPENSSL_free(l);
		rc = crypto_fail(err, "RSA-OAEP label");
		goto out;
	}
	if (EVP_PKEY_encrypt(ctx, out, &n, seed, seed_len) != 1) {
		rc = crypto_fail(err, "RSA-OAEP encrypt");
		goto out;
	}
	*out_len = n;
out:
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int aes_cfb(unsigned int bits, const uint8_t *key, const uint8_t *in,
		   size_t len, uint8_t *out, struct nsima_err *err)
{
	static const uint8_t iv[16];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	const EVP_CIPHER *c = bits == 128 ? EVP_aes_128_cfb128() :
			      bits == 192 ? EVP_aes_192_cfb128() :
			      bits == 256 ? EVP_aes_256_cfb128() : NULL;
	int n1 = 0, n2 = 0, ok;

	ok = ctx && c && EVP_EncryptInit_ex(ctx, c, NULL, key, iv) == 1 &&
	     EVP_EncryptUpdate(ctx, out, &n1, in, (int)len) == 1 &&
	     EVP_EncryptFinal_ex(ctx, out + n1, &n2) == 1 &&
	     (size_t)(n1 + n2) == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : crypto_fail(err, "AES-CFB");
}

int nsima_make_credential(EVP_PKEY *ek, uint16_t name_alg,
			  unsigned int sym_bits, const uint8_t *ak_name,
			  size_t name_len, const uint8_t *cred,
			  size_t cred_len, const uint8_t *seed_in,
			  uint8_t *id_object, size_t *id_len,
			  uint8_t *enc_secret, size_t *secret_len,
			  struct nsima_err *err)
{
	const char *md = md_name(name_alg);
	uint8_t seed[64], sym[32], hkey[64], plain[2 + NSIMA_CRED_MAX];
	uint8_t *enc, *hm;
	size_t dsize, hlen, elen, n;
	int rc;

	if (!md || EVP_PKEY_get_base_id(ek) != EVP_PKEY_RSA)
		return nsima_err_set(err, NSIMA_EUNSUPPORTED, NSIMA_AT_NONE, 0,
				     "MakeCredential needs an RSA EK with a SHA-2 name algorithm");
	dsize = nsima_alg_size(name_alg);
	if (!cred_len || cred_len > dsize || sym_bits > 256 || sym_bits % 64)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "credential of %zu bytes", cred_len);
	if (seed_in)
		memcpy(seed, seed_in, dsize);
	else if (RAND_bytes(seed, (int)dsize) != 1)
		return crypto_fail(err, "RAND_bytes");

	/* symmetric key and HMAC key from the seed */
	rc = nsima_kdfa(name_alg, seed, dsize, "STORAGE", ak_name, name_len,
			NULL, 0, sym_bits, sym, err);
	if (!rc)
		rc = nsima_kdfa(name_alg, seed, dsize, "INTEGRITY", NULL, 0,
				NULL, 0, (unsigned int)dsize * 8, hkey, err);
	if (rc)
		goto out;

	/* encIdentity = CFB(sym, TPM2B_DIGEST credential) */
	plain[0] = (uint8_t)(cred_len >> 8);
	plain[1] = (uint8_t)cred_len;
	memcpy(plain + 2, cred, cred_len);
	elen = 2 + cred_len;
	/* TPM2B_ID_OBJECT: size | TPM2B_DIGEST integrityHMAC | encIdentity */
	hm = id_object + 2 + 2;
	enc = hm + dsize;
	rc = aes_cfb(sym_bits, sym, plain, elen, enc, err);
	if (rc)
		goto out;
	{
		const uint8_t *p[] = { enc, ak_name };
		const size_t len[] = { elen, name_len };

		if (hmac(md, hkey, dsize, p, len, 2, hm, &hlen) ||
		    hlen != dsize) {
			rc = crypto_fail(err, "outer HMAC");
			goto out;
		}
	}
	id_object[2] = (uint8_t)(dsize >> 8);
	id_object[3] = (uint8_t)dsize;
	n = 2 + dsize + elen;
	id_object[0] = (uint8_t)(n >> 8);
	id_object[1] = (uint8_t)n;
	*id_len = 2 + n;

	/* TPM2B_ENCRYPTED_SECRET: size | OAEP(seed) */
	n = NSIMA_ENC_SECRET_MAX - 2;
	rc = encrypt_seed(ek, md, seed, dsize, enc_secret + 2, &n, err);
	if (rc)
		goto out;
	enc_secret[0] = (uint8_t)(n >> 8);
	enc_secret[1] = (uint8_t)n;
	*secret_len = 2 + n;
out:
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(sym, sizeof(sym));
	OPENSSL_cleanse(hkey, sizeof(hkey));
	OPENSSL_cleanse(plain, sizeof(plain));
	return rc;
}
