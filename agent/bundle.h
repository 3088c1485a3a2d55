/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsimad's evidence (agent/bundle.c): its attestation key, quotes over a
 * verifier's nonce, and the slice of the journal that goes with them.
 */
#ifndef NSIMAD_BUNDLE_H
#define NSIMAD_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "evidence.h"
#include "../attest/tpm.h"

struct nsimad_tpm;

/*
 * Open the TPM (@tcti as nsima-attest -T; NULL: $NSIMA_TCTI or the
 * default), and load the AK kept in @ak_dir, creating it under the EK
 * the first time (@ak_alg "rsa", "rsapss", "ecc"; NULL: the one there, or
 * rsa). @sel: what every quote covers ("sha1:11,sha256:11"). 0 or -1
 * and @why.
 */
int nsimad_tpm_open(struct nsimad_tpm **tp, const char *tcti,
		    const char *ak_dir, const char *ak_alg, const char *sel,
		    char *why, size_t why_len);
void nsimad_tpm_close(struct nsimad_tpm *t);

/* The AK's TPM2B_PUBLIC, as ak.pub holds it. */
const uint8_t *nsimad_tpm_ak(const struct nsimad_tpm *t, size_t *len);

/* The EK certificate (DER, from the TPM's NV), or NULL. */
const uint8_t *nsimad_tpm_ek_cert(const struct nsimad_tpm *t, size_t *len);
/*
 * ActivateCredential of a verifier's credential for the AK (enrollment):
 * the secret into @out (64 bytes room). 0, or attest_tpm_activate()'s
 * exit code (NSIMA_EXIT_MALFORMED, NSIMA_EXIT_BAD_SIGNATURE: refused).
 */
int nsimad_tpm_activate(struct nsimad_tpm *t, const uint8_t *id,
			size_t id_len, const uint8_t *sec, size_t sec_len,
			uint8_t *out, size_t *out_len);

/* The banks every quote covers (NSIMA_BANK_BIT mask). */
unsigned int nsimad_tpm_banks(const struct nsimad_tpm *t);

/* One quote, owned by its request. */
struct nsimad_quote {
	struct attest_quote r;
	struct nsima_quote q;
};
void nsimad_quote_free(struct nsimad_quote *q);

/*
 * Quotes made, and the milliseconds they waited for the TPM's other half
 * (a quote of d ms is followed by d ms for the module's extends).
 */
void nsimad_tpm_stats(struct nsimad_tpm *t, uint64_t *quotes,
		      uint64_t *wait_ms);

/*
 * A quote over @nonce into @out, and @ev's quote members and pcrs
 * pointing into @out (valid until nsimad_quote_free()). The TPM is held
 * for the quote only, which starts no sooner than the last quote's
 * duration (50 ms at least, 1 s at most) after its end: quotes take half
 * the TPM at most, 20 a second at most. 0, or -1 and @why (a TPM error).
 */
int nsimad_tpm_quote(struct nsimad_tpm *t, const uint8_t *nonce,
		     size_t nonce_len, struct nsimad_quote *out,
		     struct nsima_evidence *ev, char *why, size_t why_len);

/* Which entries of the node's journal log a bundle carries. */
struct nsimad_slice {
	const char *path;	/* the journal's node binary log */
	uint64_t first;		/* whole-list index of its first entry */
	uint64_t from, end;	/* the slice: [from, end) */
	bool view;		/* a namespace's view: CEL, others redacted */
	bool host;
	uint64_t nsid;
	unsigned int banks;	/* the quote's: a view's redacted digests */
};

/*
 * The slice into @out: IMA binary (SHA-1 header) for the whole list, CEL
 * for a view. *@fmt: its enum nsima_log_format. The file may hold more
 * (an uncommitted tail, being written): only whole entries below @end
 * are read. NSIMA_EIO/EMALFORMED with @err.
 */
int nsimad_slice_log(const struct nsimad_slice *s, struct nsima_buf *out,
		     int *fmt, struct nsima_err *err);

#endif /* NSIMAD_BUNDLE_H */
