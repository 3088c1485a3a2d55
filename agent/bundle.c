// SPDX-License-Identifier: GPL-2.0
/*
 * nsimad's evidence (agent/evidence.h): the attestation key, created once
 * under the EK and kept in the AK directory (attest/tpm.c, the same code
 * as nsima-attest quote), loaded at start and kept loaded; one quote at a
 * time; the journal's slice that goes with a quote.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "evidence.h"
#include "fileio.h"
#include "log_format.h"
#include "nsview.h"

#include "../attest/cmds.h"
#include "../attest/tpm.h"
#include "bundle.h"

/* attest/tpm.c reports through these: attest_msg() is nsimad's say(). */
void attest_error(const char *input, const struct nsima_err *err)
{
	attest_msg("%s: %s", input, err->msg);
}

struct nsimad_tpm {
	struct attest_tpm t;
	ESYS_TR ak;
	TPM2B_PUBLIC *akpub;
	uint8_t ak_bytes[sizeof(TPM2B_PUBLIC)];
	size_t ak_len;
	struct nsima_pcr_select sel;
	pthread_mutex_t lock;
	struct attest_quote r;
	struct nsima_quote q;
};

int nsimad_tpm_open(struct nsimad_tpm **tp, const char *tcti,
		    const char *ak_dir, const char *ak_alg, const char *sel,
		    char *why, size_t why_len)
{
	struct nsima_err err = { 0 };
	struct nsimad_tpm *t;
	int alg = ATTEST_AK_RSA;
	bool created;

	*tp = NULL;
	if (ak_alg && (alg = attest_ak_alg_parse(ak_alg)) < 0) {
		snprintf(why, why_len, "--ak-alg %s: rsa, rsapss or ecc", ak_alg);
		return -1;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	t->ak = ESYS_TR_NONE;
	pthread_mutex_init(&t->lock, NULL);
	if (nsima_pcr_select_parse(sel, &t->sel, &err)) {
		snprintf(why, why_len, "PCR selection %s: %s", sel, err.msg);
		free(t);
		return -1;
	}
	/* tpm2-tss logs each failure itself; ours is the one line */
	setenv("TSS2_LOG", "all+none", 0);
	if (attest_tpm_open(&t->t, tcti)) {
		snprintf(why, why_len, "cannot open the TPM (the line above says why)");
		free(t);
		return -1;
	}
	if (attest_tpm_ek(&t->t) ||
	    attest_tpm_ak_dir(&t->t, ak_dir, (enum attest_ak_alg)alg,
			      ak_alg != NULL, &t->ak, &t->akpub, &created)) {
		snprintf(why, why_len, "no attestation key in %s (the line above says why)",
			 ak_dir);
		nsimad_tpm_close(t);
		return -1;
	}
	/* the EK is only the AK's parent: free its slot */
	Esys_FlushContext(t->t.esys, t->t.ek);
	t->t.ek = ESYS_TR_NONE;
	if (Tss2_MU_TPM2B_PUBLIC_Marshal(t->akpub, t->ak_bytes,
					 sizeof(t->ak_bytes), &t->ak_len)) {
		snprintf(why, why_len, "cannot marshal the AK");
		nsimad_tpm_close(t);
		return -1;
	}
	if (created)
		attest_msg("created an attestation key in %s", ak_dir);
	*tp = t;
	return 0;
}

void nsimad_tpm_close(struct nsimad_tpm *t)
{
	if (!t)
		return;
	attest_quote_free(&t->r);
	if (t->ak != ESYS_TR_NONE)
		Esys_FlushContext(t->t.esys, t->ak);
	free(t->akpub);
	attest_tpm_close(&t->t);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

const uint8_t *nsimad_tpm_ak(const struct nsimad_tpm *t, size_t *len)
{
	*len = t->ak_len;
	return t->ak_bytes;
}

void nsimad_tpm_lock(struct nsimad_tpm *t)
{
	pthread_mutex_lock(&t->lock);
}

void nsimad_tpm_unlock(struct nsimad_tpm *t)
{
	pthread_mutex_unlock(&t->lock);
}

int nsimad_tpm_quote(struct nsimad_tpm *t, const uint8_t *nonce,
		     size_t nonce_len, struct nsima_evidence *ev, char *why,
		     size_t why_len)
{
	struct nsima_err err = { 0 };

	attest_quote_free(&t->r);
	if (attest_tpm_quote(&t->t, t->ak, &t->sel, nonce, nonce_len,
			     &t->r)) {
		snprintf(why, why_len, "the TPM did not quote");
		return -1;
	}
	if (nsima_quote_parse(t->r.attest->attestationData, t->r.attest->size,
			      &t->q, &err)) {
		snprintf(why, why_len, "the TPM's quote: %s", err.msg);
		return -1;
	}
	if (attest_quote_evidence(&t->r, t->akpub, &t->q, nonce, nonce_len,
				  ev)) {
		snprintf(why, why_len, "cannot marshal the quote");
		return -1;
	}
	return 0;
}

struct slice_ctx {
	const struct nsimad_slice *s;
	struct nsima_view v;
	struct nsima_log_writer w;
	struct nsima_buf *out;
};

static int slice_entry(const struct nsima_entry *e, uint64_t index, void *p,
		       struct nsima_err *err)
{
	struct slice_ctx *c = p;
	const struct nsima_entry *shown = e;
	int rc;

	if (index < c->s->from || index >= c->s->end)
		return 0;
	if (c->s->view) {
		rc = nsima_view_entry(&c->v, e, index, &shown, err);
		if (rc)
			return rc;
		if (!shown)
			return 0;
	}
	return nsima_log_writer_entry(&c->w, shown, index, c->out, err);
}

int nsimad_slice_log(const struct nsimad_slice *s, struct nsima_buf *out,
		     int *fmt, struct nsima_err *err)
{
	struct slice_ctx c = { .s = s, .out = out };
	size_t len = 0, whole, count;
	uint8_t *buf = NULL;
	int rc;

	*fmt = s->view ? NSIMA_FORMAT_CEL : NSIMA_FORMAT_BINARY;
	if (s->view) {
		rc = nsima_view_init(&c.v, s->host, s->nsid, true,
				     NSIMA_BANKS_DEFAULT, err);
		if (rc)
			return rc;
	}
	rc = nsima_log_writer_begin(&c.w, (enum nsima_log_format)*fmt,
				    NSIMA_BANK_SHA1, NSIMA_BANKS_DEFAULT, 0,
				    out, err);
	if (rc)
		return rc;
	if (s->end > s->from) {
		rc = nsima_read_file(s->path, NSIMA_INPUT_MAX, &buf, &len, err);
		/* whole entries only: the file may end in a record being
		 * written (not committed, beyond @end) */
		if (!rc)
			rc = nsima_binary_whole(buf, len, NSIMA_BANK_SHA1,
						&whole, &count, err);
		if (!rc && s->first + count < s->end)
			rc = nsima_err_set(err, NSIMA_EMALFORMED,
					   NSIMA_AT_NONE, 0,
					   "the journal holds %llu entries, not %llu",
					   (unsigned long long)count,
					   (unsigned long long)(s->end - s->first));
		if (!rc)
			rc = nsima_log_walk(buf, whole, NSIMA_FORMAT_BINARY,
					    NSIMA_BANK_SHA1, s->first, true,
					    slice_entry, &c, err);
		free(buf);
	}
	if (!rc)
		rc = nsima_log_writer_end(&c.w, out, err);
	return rc;
}
