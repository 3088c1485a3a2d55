/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM access for the subcommands that talk to a TPM (quote, enroll):
 * tpm2-tss ESAPI over the TCTI loader, the TCG EK, and an attestation key
 * (AK) created under the EK, kept as TPM2B_PUBLIC/TPM2B_PRIVATE files the
 * way tpm2_create -u/-r writes them.
 *
 * TCTI: -T STRING, else $NSIMA_TCTI, else the loader's default (like
 * tpm2-tools with TPM2TOOLS_TCTI). Every function prints its own error
 * line and returns an enum nsima_exit code (NSIMA_EXIT_IO for a TPM error).
 */
#ifndef NSIMA_ATTEST_TPM_H
#define NSIMA_ATTEST_TPM_H

#include <stdbool.h>

#include <tss2/tss2_esys.h>

#include "evidence.h"
#include "quote.h"

struct attest_tpm {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	ESYS_TR ek;		/* ESYS_TR_NONE until attest_tpm_ek() */
	TPM2B_PUBLIC *ek_pub;
};

enum attest_ak_alg {
	ATTEST_AK_RSA = 0,	/* RSA-2048, RSASSA-SHA256 */
	ATTEST_AK_RSAPSS,	/* RSA-2048, RSAPSS-SHA256 */
	ATTEST_AK_ECC,		/* NIST P-256, ECDSA-SHA256 */
};

/* "rsa", "rsapss", "ecc"; -1 if unknown. */
int attest_ak_alg_parse(const char *s);

/* The TCTI config string chosen: @opt, else $NSIMA_TCTI, else NULL. */
const char *attest_tcti_conf(const char *opt);

int attest_tpm_open(struct attest_tpm *t, const char *tcti_opt);
void attest_tpm_close(struct attest_tpm *t);

/* CreatePrimary of the RSA-2048 EK (TCG EK profile template L-1). */
int attest_tpm_ek(struct attest_tpm *t);

/*
 * A policy session satisfying the EK's policy (PolicySecret of the
 * endorsement hierarchy), used once: the TPM flushes it after the command.
 */
int attest_tpm_ek_session(struct attest_tpm *t, ESYS_TR *session);

/* Create an AK under the EK. */
int attest_tpm_ak_create(struct attest_tpm *t, enum attest_ak_alg alg,
			 TPM2B_PRIVATE **priv, TPM2B_PUBLIC **pub);
/* Load an AK under the EK. */
int attest_tpm_ak_load(struct attest_tpm *t, const TPM2B_PRIVATE *priv,
		       const TPM2B_PUBLIC *pub, ESYS_TR *ak);

/*
 * The AK of key directory @dir (ak.pub, ak.priv): loaded if present,
 * otherwise created with @alg and saved there first. *created tells which.
 */
int attest_tpm_ak_dir(struct attest_tpm *t, const char *dir,
		      enum attest_ak_alg alg, bool alg_given, ESYS_TR *ak,
		      TPM2B_PUBLIC **pub, bool *created);

/* Print "nsima-attest: <what>: TPM error 0x...: <decoded>" */
/* A quote and the PCR values it covers (read before and after it, equal). */
struct attest_quote {
	TPM2B_ATTEST *attest;
	TPMT_SIGNATURE *sig;
	struct nsima_pcr_values vals;
	int tries;
	/* marshalled by attest_quote_evidence() */
	uint8_t sig_bytes[sizeof(TPMT_SIGNATURE)];
	uint8_t ak_bytes[sizeof(TPM2B_PUBLIC)];
	size_t sig_len, ak_len;
};

/*
 * Quote @sel over @nonce with @ak; the PCRs are read before and after,
 * and the quote retaken (at most 4 times) when they moved meanwhile.
 */
int attest_tpm_quote(struct attest_tpm *t, ESYS_TR ak,
		     const struct nsima_pcr_select *sel, const uint8_t *nonce,
		     size_t nonce_len, struct attest_quote *r);
void attest_quote_free(struct attest_quote *r);
/*
 * The bundle's quote members for @r (@q: its TPMS_ATTEST parsed), pointing
 * into @r and @q; the caller adds the log.
 */
int attest_quote_evidence(struct attest_quote *r, const TPM2B_PUBLIC *akpub,
			  const struct nsima_quote *q, const uint8_t *nonce,
			  size_t nonce_len, struct nsima_evidence *ev);

/*
 * The EK certificate from the TPM's NV (TCG EK profile, RSA 2048 EK,
 * index 0x01c00002), at most 4 KiB: 0 or an exit code.
 */
int attest_tpm_ek_cert(struct attest_tpm *t, uint8_t **buf, size_t *len);
/*
 * ActivateCredential of the marshalled TPM2B_ID_OBJECT @id and
 * TPM2B_ENCRYPTED_SECRET @sec for @ak under the EK (created if not yet):
 * the secret into @out (64 bytes room). 0; NSIMA_EXIT_MALFORMED for blobs
 * that do not unmarshal; NSIMA_EXIT_BAD_SIGNATURE if the TPM refuses.
 */
int attest_tpm_activate(struct attest_tpm *t, ESYS_TR ak, const uint8_t *id,
			size_t id_len, const uint8_t *sec, size_t sec_len,
			uint8_t *out, size_t *out_len);

int attest_tpm_error(const char *what, TSS2_RC rc);

/* Marshal helpers: write a TPM2B_PUBLIC etc. to a file atomically. */
int attest_write_public(const char *path, const TPM2B_PUBLIC *pub);
int attest_read_public(const char *path, TPM2B_PUBLIC *pub);

/* mkdir @dir if it does not exist (one level). */
int attest_mkdir(const char *dir);

#endif /* NSIMA_ATTEST_TPM_H */
