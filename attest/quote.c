// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest quote: have the TPM quote PCRs with an attestation key.
 *
 *   nsima-attest quote [-T TCTI] --ak DIR [--ak-alg rsa|rsapss|ecc]
 *                      [--pcrs sha1:11,sha256:11] --nonce HEX -o DIR
 *
 * The AK lives in key directory --ak as ak.pub/ak.priv (TPM2B_PUBLIC and
 * TPM2B_PRIVATE, as tpm2_create -u/-r write them), wrapped by the TCG EK;
 * it is created there on first use. Writes to -o DIR, each file atomically:
 *
 *   quote.bin      TPMS_ATTEST (the signed bytes; tpm2_quote -m)
 *   sig.bin        TPMT_SIGNATURE (tpm2_quote -s)
 *   ak.pub         TPM2B_PUBLIC of the AK
 *   pcrs           PCR values in the quote's selection order (tpm2_quote -o,
 *                  "values" format)
 *   evidence.json  all of the above as one bundle (docs/evidence.md)
 *
 * PCRs are read before and after the quote; if anything was extended in
 * between (pcrUpdateCounter moved), the quote is taken again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tss2/tss2_mu.h>

#include "cmds.h"
#include "evidence.h"
#include "fileio.h"
#include "hex.h"
#include "opts.h"
#include "tpm.h"


static const struct attest_cmd quote_cmd = {
	"quote", "[-T TCTI] --ak-dir DIR --nonce HEX -o DIR [options]",
	(const enum attest_opt[]){ OPT_TCTI, OPT_AK_DIR, OPT_AK_ALG,
				   OPT_SELECT, OPT_NONCE, OPT_OUT, OPT_END },
	(const enum attest_opt[]){ OPT_AK_DIR, OPT_NONCE, OPT_OUT, OPT_END },
};

static int parse_opts(int argc, char **argv, struct attest_args *o)
{
	int rc = attest_parse(argc, argv, &quote_cmd, o);
	char def[32];

	if (!rc && !o->given[OPT_SELECT]) {
		snprintf(def, sizeof(def), "sha1:%d,sha256:%d",
			 NSIMA_DEFAULT_PCR, NSIMA_DEFAULT_PCR);
		nsima_pcr_select_parse(def, &o->sel, NULL);
	}
	return rc;
}

static int write_out(const char *dir, const char *name, const void *buf,
		     size_t len)
{
	struct nsima_err err = { 0 };
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (nsima_write_file(path, buf, len, &err)) {
		attest_error(path, &err);
		return NSIMA_EXIT_IO;
	}
	return NSIMA_EXIT_OK;
}

static int save(const struct attest_args *o, struct attest_quote *r,
		const TPM2B_PUBLIC *akpub, const struct nsima_quote *q)
{
	uint8_t values[NSIMA_QUOTE_VALUES_MAX * NSIMA_DIGEST_MAX];
	struct nsima_err err = { 0 };
	struct nsima_evidence ev;
	struct nsima_buf json;
	unsigned int i, pcr;
	const uint8_t *v;
	size_t vlen = 0;
	int ret;

	ret = attest_quote_evidence(r, akpub, q, o->nonce, o->nonce_len, &ev);
	if (ret)
		return ret;
	/* values in the order the quote hashed them */
	for (i = 0; i < q->sel.count; i++)
		for (pcr = 0; pcr < 32; pcr++) {
			if (!(q->sel.bank[i].mask & (1u << pcr)))
				continue;
			v = nsima_pcr_values_get(&r->vals, q->sel.bank[i].alg,
						 pcr);
			if (!v) {
				attest_msg("quote: the TPM quoted PCR %u it did not read",
					   pcr);
				return NSIMA_EXIT_IO;
			}
			memcpy(values + vlen, v,
			       nsima_bank_size(nsima_bank_by_alg(q->sel.bank[i].alg)));
			vlen += nsima_bank_size(nsima_bank_by_alg(q->sel.bank[i].alg));
		}
	nsima_buf_init(&json);
	if (nsima_evidence_write(&ev, &json, &err)) {
		nsima_buf_free(&json);
		attest_error("quote: evidence", &err);
		return NSIMA_EXIT_INTERNAL;
	}
	ret = attest_mkdir(o->out);
	if (!ret)
		ret = write_out(o->out, "quote.bin", q->attest, q->attest_len);
	if (!ret)
		ret = write_out(o->out, "sig.bin", r->sig_bytes, r->sig_len);
	if (!ret)
		ret = write_out(o->out, "ak.pub", r->ak_bytes, r->ak_len);
	if (!ret)
		ret = write_out(o->out, "pcrs", values, vlen);
	if (!ret)
		ret = write_out(o->out, "evidence.json", json.data, json.len);
	nsima_buf_free(&json);
	return ret;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

int cmd_quote(int argc, char **argv)
{
	struct attest_quote r = { 0 };
	struct nsima_err err = { 0 };
	struct attest_tpm t;
	struct attest_args o;
	struct nsima_quote *q = NULL;
	TPM2B_PUBLIC *akpub = NULL;
	struct timespec t0;
	ESYS_TR ak = ESYS_TR_NONE;
	bool created;
	char s[256];
	double ms;
	int ret;

	/* tpm2-tss logs each failure itself; ours is the one line (TSS2_LOG
	 * set by the user still wins) */
	setenv("TSS2_LOG", "all+none", 0);
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? NSIMA_EXIT_OK : ret;
	ret = attest_tpm_open(&t, o.tcti);
	if (ret)
		return ret;
	ret = attest_tpm_ek(&t);
	if (ret)
		goto out;
	ret = attest_tpm_ak_dir(&t, o.ak_dir, (enum attest_ak_alg)o.ak_alg,
				o.given[OPT_AK_ALG], &ak, &akpub, &created);
	if (ret)
		goto out;
	/* the EK is only the AK's parent: free its slot */
	Esys_FlushContext(t.esys, t.ek);
	t.ek = ESYS_TR_NONE;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = attest_tpm_quote(&t, ak, &o.sel, o.nonce, o.nonce_len, &r);
	ms = ms_since(&t0);
	if (ret)
		goto out;
	q = malloc(sizeof(*q));
	if (!q) {
		ret = NSIMA_EXIT_INTERNAL;
		goto out;
	}
	if (nsima_quote_parse(r.attest->attestationData, r.attest->size, q,
			      &err)) {
		attest_error("quote: TPM answer", &err);
		ret = NSIMA_EXIT_MALFORMED;
		goto out;
	}
	ret = save(&o, &r, akpub, q);
	if (ret)
		goto out;
	printf("quoted %s with %s AK%s: resetCount %u restartCount %u clock %llu ms -> %s (%.1f ms%s)\n",
	       nsima_pcr_select_format(&q->sel, s, sizeof(s)),
	       akpub->publicArea.type == TPM2_ALG_ECC ? "ECC" : "RSA",
	       created ? " (new)" : "", q->clock.reset_count,
	       q->clock.restart_count, (unsigned long long)q->clock.clock,
	       o.out, ms, r.tries > 1 ? ", retried" : "");
out:
	if (ak != ESYS_TR_NONE)
		Esys_FlushContext(t.esys, ak);
	free(q);
	free(akpub);
	attest_quote_free(&r);
	attest_tpm_close(&t);
	return ret;
}
