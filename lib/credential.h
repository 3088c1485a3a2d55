/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM2_MakeCredential done by the verifier, in software (TPM 2.0 Part 1,
 * 24.4 "Credential Protection" and 11.4.10 KDFa), for an RSA EK: only the
 * TPM holding the EK's private key can recover the credential, and only
 * for a key whose name is the AK name the verifier chose (ActivateCredential
 * checks both). The verifier needs no TPM.
 */
#ifndef NSIMA_CREDENTIAL_H
#define NSIMA_CREDENTIAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "err.h"

#define NSIMA_CRED_MAX		64	/* credential bytes (<= EK name digest) */
#define NSIMA_ID_OBJECT_MAX	(2 + 2 + 64 + 2 + NSIMA_CRED_MAX)
#define NSIMA_ENC_SECRET_MAX	(2 + 512)

/*
 * KDFa (SP 800-108 counter mode, HMAC-@hash_alg): @bits of key material
 * from @key, @label (NUL added), @ctx_u and @ctx_v. @out holds bits / 8.
 */
int nsima_kdfa(uint16_t hash_alg, const uint8_t *key, size_t key_len,
	       const char *label, const uint8_t *ctx_u, size_t u_len,
	       const uint8_t *ctx_v, size_t v_len, unsigned int bits,
	       uint8_t *out, struct nsima_err *err);

/*
 * MakeCredential for an RSA EK (@ek, name algorithm @name_alg, symmetric
 * AES-@sym_bits-CFB as in the TCG EK templates) and the AK name @ak_name.
 * Writes the TPM2B_ID_OBJECT (credentialBlob) and TPM2B_ENCRYPTED_SECRET
 * (secret), both marshalled with their size, as ActivateCredential takes
 * them. @seed, if not NULL, is used instead of a random seed (tests).
 */
int nsima_make_credential(EVP_PKEY *ek, uint16_t name_alg,
			  unsigned int sym_bits, const uint8_t *ak_name,
			  size_t name_len, const uint8_t *cred,
			  size_t cred_len, const uint8_t *seed,
			  uint8_t *id_object, size_t *id_len,
			  uint8_t *enc_secret, size_t *secret_len,
			  struct nsima_err *err);

#endif /* NSIMA_CREDENTIAL_H */
