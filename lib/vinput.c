// SPDX-License-Identifier: GPL-2.0
/*
 * The inputs of one verification, from buffers (lib/vinput.h).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "checkpoint.h"
#include "jsonscan.h"
#include "pcrfile.h"
#include "vinput.h"

/* @rc from parsing the input @name: remember which failed. */
static int named(struct nsima_vinput *in, const char *name, int rc)
{
	if (rc)
		in->input = name;
	return rc;
}

void nsima_vinput_free(struct nsima_vinput *in)
{
	nsima_akpub_free(&in->ak);
	nsima_evidence_free(&in->ev);
}

int nsima_vinput_ak(struct nsima_vinput *in, const uint8_t *buf, size_t len,
		    const char *name, struct nsima_err *err)
{
	return named(in, name, nsima_akpub_parse(buf, len, &in->ak, err));
}

int nsima_vinput_quote(struct nsima_vinput *in, const uint8_t *quote,
		       size_t quote_len, const char *quote_name,
		       const uint8_t *sig, size_t sig_len, const char *sig_name,
		       const uint8_t *pcrs, size_t pcrs_len,
		       const char *pcrs_name, struct nsima_err *err)
{
	int rc;

	rc = named(in, quote_name,
		   nsima_quote_parse(quote, quote_len, &in->q, err));
	if (!rc)
		rc = named(in, sig_name,
			   nsima_sig_parse(sig, sig_len, &in->sig, err));
	in->derive = !pcrs;
	if (rc || !pcrs)
		return rc;
	/* either tpm2-tools layout, for the quote's own selection */
	return named(in, pcrs_name,
		     nsima_pcr_file_parse(&in->q.sel, pcrs, pcrs_len, &in->vals,
					  err));
}

/* The same TPM public area (attributes included), not just the same key. */
static bool same_ak(const struct nsima_akpub *a, const struct nsima_akpub *b)
{
	return a->tpm && b->tpm && EVP_PKEY_eq(a->pkey, b->pkey) == 1 &&
	       a->name_len == b->name_len &&
	       !memcmp(a->name, b->name, a->name_len);
}

int nsima_vinput_bundle(struct nsima_vinput *in, const uint8_t *buf,
			size_t len, const char *name, enum nsima_log_format fmt,
			int bank, struct nsima_err *err)
{
	struct nsima_evidence *ev = &in->ev;
	struct nsima_akpub evak = { 0 };
	int rc;

	rc = named(in, name, nsima_evidence_parse(buf, len, ev, err));
	if (rc)
		return rc;
	in->have_ev = true;
	rc = named(in, "evidence quote.attest",
		   nsima_quote_parse(ev->attest, ev->attest_len, &in->q, err));
	if (!rc)
		rc = named(in, "evidence quote.signature",
			   nsima_sig_parse(ev->sig, ev->sig_len, &in->sig,
					   err));
	if (!rc)
		rc = named(in, "evidence quote.ak_public",
			   nsima_akpub_parse(ev->ak, ev->ak_len, &evak, err));
	/* the bundle names its AK; only the enrolled one counts */
	if (!rc && !same_ak(&evak, &in->ak))
		rc = named(in, name,
			   nsima_err_set(err, NSIMA_ESIGNATURE, NSIMA_AT_NONE,
					 0,
					 "quote.ak_public is not the trusted AK"));
	nsima_akpub_free(&evak);
	if (rc)
		return rc;
	in->vals = ev->pcrs;
	if (!ev->log)
		return 0;
	return nsima_vinput_log(in, ev->log, ev->log_len, "evidence log.data",
				fmt ? fmt : (enum nsima_log_format)ev->log_format,
				bank >= 0 ? bank : ev->log_alg, ev->log_first,
				true, in->have_cp, err);
}

int nsima_vinput_log(struct nsima_vinput *in, const uint8_t *buf, size_t len,
		     const char *name, enum nsima_log_format fmt, int bank,
		     uint64_t first, bool first_given, bool after_checkpoint,
		     struct nsima_err *err)
{
	if (nsima_json_skip_ws(buf, len, 0) == len && !after_checkpoint)
		return named(in, name,
			     nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE,
					   0, "empty: no entries"));
	in->have_log = true;
	in->list = buf;
	in->list_len = len;
	in->fmt = fmt ? fmt : nsima_log_sniff(buf, len);
	in->bank = bank;
	in->first = first;
	in->first_given = first_given;
	return 0;
}

/* "the whole list" or "the view of X" */
static const char *whose(const char *view, char *buf, size_t size)
{
	if (!*view)
		return "the whole list";
	snprintf(buf, size, "the view of %s", view);
	return buf;
}

int nsima_vinput_checkpoint(struct nsima_vinput *in, const uint8_t *buf,
			    size_t len, const char *name, const char *view,
			    struct nsima_err *err)
{
	char saved[NSIMA_VIEW_MAX], a[NSIMA_VIEW_MAX + 16];
	char b[NSIMA_VIEW_MAX + 16];
	bool json;
	int rc;

	rc = nsima_checkpoint_load(buf, len, NSIMA_DEFAULT_PCR, &in->cp, &json,
				   saved, err);
	if (!rc && !json)
		rc = nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				   "not a verifier checkpoint (JSON from verify --save-checkpoint): a checkpoint the node wrote, such as the module's, cannot start a replay");
	else if (!rc && *saved && strcmp(saved, view))
		rc = nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				   "saved by a verify of %s, not of %s: its entries were seen redacted",
				   whose(saved, a, sizeof(a)),
				   whose(view, b, sizeof(b)));
	in->have_cp = !rc;
	return named(in, name, rc);
}

int nsima_vinput_check_bundle_cp(struct nsima_vinput *in, const char *name,
				 struct nsima_err *err)
{
	const struct nsima_replay_set *bcp = &in->ev.checkpoint;

	if (!in->have_ev || !in->ev.has_checkpoint ||
	    (in->have_cp && nsima_replay_set_equal(bcp, &in->cp)))
		return 0;
	return named(in, name,
		     nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_NONE, 0,
				   "bundle continues from a checkpoint at entry %llu that %s",
				   (unsigned long long)bcp->r[0].next,
				   in->have_cp ?
					   "is not the verifier's --checkpoint" :
					   "needs the verifier's --checkpoint"));
}

int nsima_vinput_clock(struct nsima_vinput *in, const uint8_t *buf,
		       size_t len, const char *name, const char *quote_name,
		       unsigned int flags, struct nsima_err *err)
{
	struct nsima_clock prev;
	struct nsima_quote *pq;
	int rc;

	if (len >= 4 && buf[0] == 0xff && buf[1] == 0x54) {	/* TPM magic */
		pq = malloc(sizeof(*pq));
		rc = pq ? nsima_quote_parse(buf, len, pq, err) :
			  nsima_err_set(err, NSIMA_ENOMEM, NSIMA_AT_NONE, 0,
					"out of memory");
		if (!rc)
			prev = pq->clock;
		free(pq);
	} else {
		rc = nsima_clock_parse_json(buf, len, &prev, err);
	}
	if (rc)
		return named(in, name, rc);
	return named(in, quote_name,
		     nsima_clock_check(&prev, &in->q.clock, flags, err));
}
