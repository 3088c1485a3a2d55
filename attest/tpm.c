// SPDX-License-Identifier: GPL-2.0
/*
 * TPM access shared by nsima-attest quote and enroll (ESAPI + TCTI loader).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tss2/tss2_mu.h>
#include <tss2/tss2_tctildr.h>

#include "cmds.h"
#include "fileio.h"
#include "tpm.h"

#define TPM_FILE_MAX	4096	/* TPM2B_PUBLIC / TPM2B_PRIVATE files */

/* ------------------------------------------------------------------ */
/* Errors */

static const char *tss_layer(TSS2_RC rc)
{
	switch (rc & TSS2_RC_LAYER_MASK) {
	case TSS2_TPM_RC_LAYER:
		return "TPM";
	case TSS2_ESAPI_RC_LAYER:
		return "esys";
	case TSS2_SYS_RC_LAYER:
		return "sys";
	case TSS2_MU_RC_LAYER:
		return "mu";
	case TSS2_TCTI_RC_LAYER:
		return "tcti";
	case TSS2_RESMGR_RC_LAYER:
	case TSS2_RESMGR_TPM_RC_LAYER:
		return "resource manager";
	}
	return "tss";
}

/* A few TPM response codes worth a word (Part 2 table 16). */
static const char *tpm_rc_text(TSS2_RC rc)
{
	if ((rc & TSS2_RC_LAYER_MASK) != TSS2_TPM_RC_LAYER)
		return (rc & 0xffff) == TSS2_BASE_RC_IO_ERROR ? "I/O error (is the TPM running?)" :
		       (rc & 0xffff) == TSS2_BASE_RC_NOT_IMPLEMENTED ? "not implemented" :
		       (rc & 0xffff) == TSS2_BASE_RC_BAD_VALUE ? "bad value" : "";
	if (rc & TPM2_RC_FMT1) {
		switch (rc & 0xbf) {
		case TPM2_RC_INTEGRITY:
			return "integrity check failed";
		case TPM2_RC_POLICY_FAIL:
			return "policy check failed";
		case TPM2_RC_AUTH_FAIL:
			return "authorization failed";
		case TPM2_RC_VALUE:
			return "bad value";
		case TPM2_RC_SIZE:
			return "bad size";
		case TPM2_RC_KEY:
			return "bad key";
		case TPM2_RC_SCHEME:
			return "bad scheme";
		}
		return "";
	}
	switch (rc & 0xfff) {
	case TPM2_RC_INITIALIZE:
		return "TPM not started (TPM2_Startup)";
	case TPM2_RC_OBJECT_MEMORY:
		return "out of object slots (flush contexts)";
	case TPM2_RC_SESSION_MEMORY:
		return "out of session slots";
	case TPM2_RC_RETRY:
	case TPM2_RC_YIELDED:
		return "TPM busy, retry";
	case TPM2_RC_LOCKOUT:
		return "dictionary-attack lockout";
	}
	return "";
}

int attest_tpm_error(const char *what, TSS2_RC rc)
{
	const char *txt = tpm_rc_text(rc);

	attest_msg("%s: %s error 0x%x%s%s", what, tss_layer(rc), rc,
		   *txt ? ": " : "", txt);
	return NSIMA_EXIT_IO;
}

/* ------------------------------------------------------------------ */
/* Context */

int attest_ak_alg_parse(const char *s)
{
	if (!strcmp(s, "rsa") || !strcmp(s, "rsassa"))
		return ATTEST_AK_RSA;
	if (!strcmp(s, "rsapss"))
		return ATTEST_AK_RSAPSS;
	if (!strcmp(s, "ecc") || !strcmp(s, "ecdsa"))
		return ATTEST_AK_ECC;
	return -1;
}

const char *attest_tcti_conf(const char *opt)
{
	const char *env;

	if (opt && *opt)
		return opt;
	env = getenv("NSIMA_TCTI");
	if (env && *env)
		return env;
	return NULL;
}

int attest_tpm_open(struct attest_tpm *t, const char *tcti_opt)
{
	const char *conf = attest_tcti_conf(tcti_opt);
	TSS2_RC rc;

	memset(t, 0, sizeof(*t));
	t->ek = ESYS_TR_NONE;
	rc = Tss2_TctiLdr_Initialize(conf, &t->tcti);
	if (rc) {
		attest_msg("cannot open TCTI '%s': %s error 0x%x: %s%s",
			   conf ? conf : "(default)", tss_layer(rc), rc,
			   *tpm_rc_text(rc) ? tpm_rc_text(rc) : "failed",
			   conf ? "" : " (use -T or NSIMA_TCTI)");
		return NSIMA_EXIT_IO;
	}
	rc = Esys_Initialize(&t->esys, t->tcti, NULL);
	if (rc) {
		Tss2_TctiLdr_Finalize(&t->tcti);
		return attest_tpm_error("Esys_Initialize", rc);
	}
	return NSIMA_EXIT_OK;
}

void attest_tpm_close(struct attest_tpm *t)
{
	if (t->esys && t->ek != ESYS_TR_NONE)
		Esys_FlushContext(t->esys, t->ek);
	Esys_Free(t->ek_pub);
	if (t->esys)
		Esys_Finalize(&t->esys);
	if (t->tcti)
		Tss2_TctiLdr_Finalize(&t->tcti);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------------ */
/* EK */

/* TCG EK Credential Profile 2.x, template L-1: RSA 2048, AES-128-CFB. */
static const TPM2B_PUBLIC ek_template = {
	.publicArea = {
		.type = TPM2_ALG_RSA,
		.nameAlg = TPM2_ALG_SHA256,
		.objectAttributes = TPMA_OBJECT_FIXEDTPM |
				    TPMA_OBJECT_FIXEDPARENT |
				    TPMA_OBJECT_SENSITIVEDATAORIGIN |
				    TPMA_OBJECT_ADMINWITHPOLICY |
				    TPMA_OBJECT_RESTRICTED |
				    TPMA_OBJECT_DECRYPT,
		/* PolicySecret(TPM_RH_ENDORSEMENT) */
		.authPolicy = {
			.size = 32,
			.buffer = { 0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3,
				    0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5,
				    0xd7, 0x24, 0xfd, 0x52, 0xd7, 0x6e, 0x06,
				    0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b,
				    0x33, 0x14, 0x69, 0xaa },
		},
		.parameters.rsaDetail = {
			.symmetric = {
				.algorithm = TPM2_ALG_AES,
				.keyBits.aes = 128,
				.mode.aes = TPM2_ALG_CFB,
			},
			.scheme.scheme = TPM2_ALG_NULL,
			.keyBits = 2048,
			.exponent = 0,
		},
		.unique.rsa.size = 256,
	},
};

int attest_tpm_ek(struct attest_tpm *t)
{
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION pcrs = { 0 };
	TSS2_RC rc;

	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT,
				ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
				&sens, &ek_template, &outside, &pcrs, &t->ek,
				&t->ek_pub, NULL, NULL, NULL);
	if (rc) {
		t->ek = ESYS_TR_NONE;
		return attest_tpm_error("CreatePrimary (EK)", rc);
	}
	return NSIMA_EXIT_OK;
}

int attest_tpm_ek_session(struct attest_tpm *t, ESYS_TR *session)
{
	TPMT_SYM_DEF sym = { .algorithm = TPM2_ALG_NULL };
	TPM2B_NONCE nonce = { 0 };
	TPM2B_DIGEST cphash = { 0 };
	TPM2B_NONCE ref = { 0 };
	TSS2_RC rc;

	rc = Esys_StartAuthSession(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   NULL, TPM2_SE_POLICY, &sym, TPM2_ALG_SHA256,
				   session);
	if (rc)
		return attest_tpm_error("StartAuthSession", rc);
	rc = Esys_PolicySecret(t->esys, ESYS_TR_RH_ENDORSEMENT, *session,
			       ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			       &nonce, &cphash, &ref, 0, NULL, NULL);
	if (rc) {
		Esys_FlushContext(t->esys, *session);
		return attest_tpm_error("PolicySecret (endorsement)", rc);
	}
	/* used once: the TPM flushes it after the command it authorizes */
	rc = Esys_TRSess_SetAttributes(t->esys, *session, 0,
				       TPMA_SESSION_CONTINUESESSION);
	if (rc) {
		Esys_FlushContext(t->esys, *session);
		return attest_tpm_error("TRSess_SetAttributes", rc);
	}
	return NSIMA_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* AK */

static void ak_template(enum attest_ak_alg alg, TPM2B_PUBLIC *pub)
{
	TPMT_PUBLIC *p = &pub->publicArea;

	memset(pub, 0, sizeof(*pub));
	p->nameAlg = TPM2_ALG_SHA256;
	p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
			      TPMA_OBJECT_SENSITIVEDATAORIGIN |
			      TPMA_OBJECT_USERWITHAUTH |
			      TPMA_OBJECT_RESTRICTED |
			      TPMA_OBJECT_SIGN_ENCRYPT;
	if (alg == ATTEST_AK_ECC) {
		p->type = TPM2_ALG_ECC;
		p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
		p->parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
		p->parameters.eccDetail.scheme.details.ecdsa.hashAlg =
			TPM2_ALG_SHA256;
		p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
		p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	} else {
		p->type = TPM2_ALG_RSA;
		p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
		p->parameters.rsaDetail.scheme.scheme =
			alg == ATTEST_AK_RSAPSS ? TPM2_ALG_RSAPSS :
						  TPM2_ALG_RSASSA;
		p->parameters.rsaDetail.scheme.details.anySig.hashAlg =
			TPM2_ALG_SHA256;
		p->parameters.rsaDetail.keyBits = 2048;
	}
}

int attest_tpm_ak_create(struct attest_tpm *t, enum attest_ak_alg alg,
			 TPM2B_PRIVATE **priv, TPM2B_PUBLIC **pub)
{
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION pcrs = { 0 };
	TPM2B_PUBLIC tmpl;
	ESYS_TR session;
	TSS2_RC rc;
	int ret;

	ak_template(alg, &tmpl);
	ret = attest_tpm_ek_session(t, &session);
	if (ret)
		return ret;
	rc = Esys_Create(t->esys, t->ek, session, ESYS_TR_NONE, ESYS_TR_NONE,
			 &sens, &tmpl, &outside, &pcrs, priv, pub, NULL, NULL,
			 NULL);
	if (rc) {
		Esys_FlushContext(t->esys, session);	/* left loaded */
		return attest_tpm_error("Create (AK)", rc);
	}
	return NSIMA_EXIT_OK;
}

int attest_tpm_ak_load(struct attest_tpm *t, const TPM2B_PRIVATE *priv,
		       const TPM2B_PUBLIC *pub, ESYS_TR *ak)
{
	ESYS_TR session;
	TSS2_RC rc;
	int ret;

	ret = attest_tpm_ek_session(t, &session);
	if (ret)
		return ret;
	rc = Esys_Load(t->esys, t->ek, session, ESYS_TR_NONE, ESYS_TR_NONE,
		       priv, pub, ak);
	if (rc) {
		Esys_FlushContext(t->esys, session);	/* left loaded */
		return attest_tpm_error("Load (AK)", rc);
	}
	return NSIMA_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* Files */

/* ------------------------------------------------------------------ */
/* Quotes */

#define QUOTE_TRIES	4

static void to_tpml(const struct nsima_pcr_select *sel, TPML_PCR_SELECTION *l)
{
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->count = sel->count;
	for (i = 0; i < sel->count; i++) {
		l->pcrSelections[i].hash = sel->bank[i].alg;
		l->pcrSelections[i].sizeofSelect = 3;
		l->pcrSelections[i].pcrSelect[0] = (uint8_t)sel->bank[i].mask;
		l->pcrSelections[i].pcrSelect[1] =
			(uint8_t)(sel->bank[i].mask >> 8);
		l->pcrSelections[i].pcrSelect[2] =
			(uint8_t)(sel->bank[i].mask >> 16);
	}
}

/*
 * PCR_Read returns at most 8 values per call: read until every selected
 * PCR is in @vals. *counter is the pcrUpdateCounter of the first call.
 */
static int read_pcrs(struct attest_tpm *t, const struct nsima_pcr_select *sel,
		     struct nsima_pcr_values *vals, uint32_t *counter)
{
	struct nsima_pcr_select left = *sel;
	struct nsima_err err = { 0 };
	unsigned int i, b, pcr, k;
	bool first = true;

	memset(vals, 0, sizeof(*vals));
	while (nsima_pcr_select_count(&left)) {
		TPML_PCR_SELECTION in, *out = NULL;
		TPML_DIGEST *dig = NULL;
		uint32_t cnt;
		TSS2_RC rc;
		char a[8];

		to_tpml(&left, &in);
		rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &in, &cnt, &out, &dig);
		if (rc)
			return attest_tpm_error("PCR_Read", rc);
		if (first)
			*counter = cnt;
		first = false;
		k = 0;
		for (i = 0; i < out->count; i++) {
			uint32_t mask = 0;

			for (b = 0; b < out->pcrSelections[i].sizeofSelect &&
				    b < 4; b++)
				mask |= (uint32_t)out->pcrSelections[i].pcrSelect[b]
					<< (8 * b);
			for (pcr = 0; pcr < 32; pcr++) {
				if (!(mask & (1u << pcr)))
					continue;
				if (k >= dig->count ||
				    nsima_pcr_values_add(vals,
							 out->pcrSelections[i].hash,
							 pcr,
							 dig->digests[k].buffer,
							 dig->digests[k].size,
							 &err)) {
					Esys_Free(out);
					Esys_Free(dig);
					attest_msg("PCR_Read: unexpected answer for %s PCR %u",
						   nsima_tpm_alg_name(out->pcrSelections[i].hash, a),
						   pcr);
					return NSIMA_EXIT_IO;
				}
				k++;
				for (b = 0; b < left.count; b++)
					if (left.bank[b].alg ==
					    out->pcrSelections[i].hash)
						left.bank[b].mask &= ~(1u << pcr);
			}
		}
		Esys_Free(out);
		Esys_Free(dig);
		if (!k) {
			char s[256];

			attest_msg("PCR_Read: the TPM has no %s (bank not allocated?)",
				   nsima_pcr_select_format(&left, s, sizeof(s)));
			return NSIMA_EXIT_IO;
		}
	}
	return NSIMA_EXIT_OK;
}

static bool values_equal(const struct nsima_pcr_values *a,
			 const struct nsima_pcr_values *b)
{
	unsigned int i;
	const uint8_t *v;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++) {
		v = nsima_pcr_values_get(b, a->v[i].alg, a->v[i].pcr);
		if (!v || memcmp(v, a->v[i].val, a->v[i].size))
			return false;
	}
	return true;
}

int attest_tpm_quote(struct attest_tpm *t, ESYS_TR ak,
		     const struct nsima_pcr_select *psel, const uint8_t *nv,
		     size_t nv_len, struct attest_quote *r)
{
	TPMT_SIG_SCHEME scheme = { .scheme = TPM2_ALG_NULL };
	struct nsima_pcr_values after;
	TPML_PCR_SELECTION sel;
	TPM2B_DATA nonce = { 0 };
	uint32_t c1, c2;
	TSS2_RC rc;
	int ret;

	to_tpml(psel, &sel);
	if (nv_len > sizeof(nonce.buffer))
		return NSIMA_EXIT_USAGE;
	nonce.size = (UINT16)nv_len;
	memcpy(nonce.buffer, nv, nv_len);
	for (r->tries = 1; r->tries <= QUOTE_TRIES; r->tries++) {
		ret = read_pcrs(t, psel, &r->vals, &c1);
		if (ret)
			return ret;
		rc = Esys_Quote(t->esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE,
				ESYS_TR_NONE, &nonce, &scheme, &sel,
				&r->attest, &r->sig);
		if (rc)
			return attest_tpm_error("Quote", rc);
		ret = read_pcrs(t, psel, &after, &c2);
		if (ret)
			return ret;
		if (c1 == c2 && values_equal(&r->vals, &after))
			return NSIMA_EXIT_OK;
		Esys_Free(r->attest);
		Esys_Free(r->sig);
		r->attest = NULL;
		r->sig = NULL;
	}
	attest_msg("quote: PCRs kept changing during %d quotes; try again",
		   QUOTE_TRIES);
	return NSIMA_EXIT_IO;
}

void attest_quote_free(struct attest_quote *r)
{
	Esys_Free(r->attest);
	Esys_Free(r->sig);
	r->attest = NULL;
	r->sig = NULL;
}

int attest_quote_evidence(struct attest_quote *r, const TPM2B_PUBLIC *akpub,
			  const struct nsima_quote *q, const uint8_t *nonce,
			  size_t nonce_len, struct nsima_evidence *ev)
{
	r->sig_len = 0;
	r->ak_len = 0;
	if (Tss2_MU_TPMT_SIGNATURE_Marshal(r->sig, r->sig_bytes,
					   sizeof(r->sig_bytes), &r->sig_len) ||
	    Tss2_MU_TPM2B_PUBLIC_Marshal(akpub, r->ak_bytes,
					 sizeof(r->ak_bytes), &r->ak_len)) {
		attest_msg("quote: cannot marshal the signature or AK");
		return NSIMA_EXIT_INTERNAL;
	}
	memset(ev, 0, sizeof(*ev));
	ev->attest = (uint8_t *)q->attest;
	ev->attest_len = q->attest_len;
	ev->sig = r->sig_bytes;
	ev->sig_len = r->sig_len;
	ev->ak = r->ak_bytes;
	ev->ak_len = r->ak_len;
	memcpy(ev->nonce, nonce, nonce_len);
	ev->nonce_len = nonce_len;
	ev->pcrs = r->vals;
	return NSIMA_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* EK certificate, credential activation */

#define EK_CERT_NV_RSA	0x01c00002	/* TCG EK profile: RSA 2048 EK cert */
#define EK_CERT_MAX	4096
#define NV_CHUNK	512

static int read_nv(struct attest_tpm *t, uint32_t index, uint8_t **buf,
		   size_t *len)
{
	TPM2B_NV_PUBLIC *pub = NULL;
	TPM2B_MAX_NV_BUFFER *data;
	ESYS_TR nv;
	uint16_t size, off, n;
	TSS2_RC rc;

	rc = Esys_TR_FromTPMPublic(t->esys, index, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, &nv);
	if (rc)
		return attest_tpm_error("no EK certificate in NV (give --ek-cert)",
					rc);
	rc = Esys_NV_ReadPublic(t->esys, nv, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, &pub, NULL);
	if (rc)
		return attest_tpm_error("NV_ReadPublic (EK certificate)", rc);
	size = pub->nvPublic.dataSize;
	Esys_Free(pub);
	if (!size || size > EK_CERT_MAX) {
		attest_msg("NV 0x%08x: EK certificate of %u bytes", index, size);
		return NSIMA_EXIT_MALFORMED;
	}
	*buf = malloc(size);
	if (!*buf)
		return NSIMA_EXIT_INTERNAL;
	for (off = 0; off < size; off += n) {
		n = size - off < NV_CHUNK ? size - off : NV_CHUNK;
		rc = Esys_NV_Read(t->esys, ESYS_TR_RH_OWNER, nv,
				  ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
				  n, off, &data);
		if (rc || data->size != n) {
			if (!rc)
				Esys_Free(data);
			free(*buf);
			return attest_tpm_error("NV_Read (EK certificate)", rc);
		}
		memcpy(*buf + off, data->buffer, n);
		Esys_Free(data);
	}
	*len = size;
	return NSIMA_EXIT_OK;
}

int attest_tpm_ek_cert(struct attest_tpm *t, uint8_t **buf, size_t *len)
{
	return read_nv(t, EK_CERT_NV_RSA, buf, len);
}

int attest_tpm_activate(struct attest_tpm *t, ESYS_TR ak, const uint8_t *id,
			size_t id_len, const uint8_t *sec, size_t sec_len,
			uint8_t *out, size_t *out_len)
{
	TPM2B_ID_OBJECT blob = { 0 };
	TPM2B_ENCRYPTED_SECRET secret = { 0 };
	TPM2B_DIGEST *got = NULL;
	ESYS_TR session;
	size_t off = 0;
	TSS2_RC rc;
	int ret;

	if (Tss2_MU_TPM2B_ID_OBJECT_Unmarshal(id, id_len, &off, &blob) ||
	    off != id_len)
		return NSIMA_EXIT_MALFORMED;
	off = 0;
	if (Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal(sec, sec_len, &off,
						     &secret) ||
	    off != sec_len)
		return NSIMA_EXIT_MALFORMED;
	if (t->ek == ESYS_TR_NONE) {
		ret = attest_tpm_ek(t);
		if (ret)
			return ret;
	}
	ret = attest_tpm_ek_session(t, &session);
	if (ret)
		return ret;
	rc = Esys_ActivateCredential(t->esys, ak, t->ek, ESYS_TR_PASSWORD,
				     session, ESYS_TR_NONE, &blob, &secret,
				     &got);
	if (rc) {
		/* a failed command leaves the policy session loaded: three
		 * such and the TPM has no session slot left */
		Esys_FlushContext(t->esys, session);
		attest_tpm_error("ActivateCredential", rc);
		return NSIMA_EXIT_BAD_SIGNATURE;
	}
	if (got->size > 64) {
		Esys_Free(got);
		return NSIMA_EXIT_MALFORMED;
	}
	memcpy(out, got->buffer, got->size);
	*out_len = got->size;
	memset(got->buffer, 0, got->size);
	Esys_Free(got);
	return NSIMA_EXIT_OK;
}

int attest_mkdir(const char *dir)
{
	if (mkdir(dir, 0755) && errno != EEXIST) {
		attest_msg("%s: cannot create directory: %s", dir,
			   strerror(errno));
		return NSIMA_EXIT_IO;
	}
	return NSIMA_EXIT_OK;
}

static int write_blob(const char *path, const uint8_t *buf, size_t len)
{
	struct nsima_err err = { 0 };

	if (nsima_write_file(path, buf, len, &err)) {
		attest_error(path, &err);
		return NSIMA_EXIT_IO;
	}
	return NSIMA_EXIT_OK;
}

int attest_write_public(const char *path, const TPM2B_PUBLIC *pub)
{
	uint8_t buf[sizeof(TPM2B_PUBLIC)];
	size_t off = 0;
	TSS2_RC rc;

	rc = Tss2_MU_TPM2B_PUBLIC_Marshal(pub, buf, sizeof(buf), &off);
	if (rc)
		return attest_tpm_error("marshal TPM2B_PUBLIC", rc);
	return write_blob(path, buf, off);
}

static int write_private(const char *path, const TPM2B_PRIVATE *priv)
{
	uint8_t buf[sizeof(TPM2B_PRIVATE)];
	size_t off = 0;
	TSS2_RC rc;

	rc = Tss2_MU_TPM2B_PRIVATE_Marshal(priv, buf, sizeof(buf), &off);
	if (rc)
		return attest_tpm_error("marshal TPM2B_PRIVATE", rc);
	return write_blob(path, buf, off);
}

/* Read @path and unmarshal it with @fn, which must consume all of it. */
static int read_tpm_file(const char *path, const char *what,
			 TSS2_RC (*fn)(const uint8_t *, size_t, size_t *,
				       void *),
			 void *dest)
{
	struct nsima_err err = { 0 };
	uint8_t *buf;
	size_t len, off = 0;
	TSS2_RC rc;

	if (nsima_read_file(path, TPM_FILE_MAX, &buf, &len, &err)) {
		attest_error(path, &err);
		return NSIMA_EXIT_IO;
	}
	rc = fn(buf, len, &off, dest);
	free(buf);
	if (rc || off != len) {
		attest_msg("%s: not a %s (as tpm2_create writes it)", path,
			   what);
		return NSIMA_EXIT_MALFORMED;
	}
	return NSIMA_EXIT_OK;
}

static TSS2_RC unmarshal_public(const uint8_t *b, size_t l, size_t *o, void *d)
{
	return Tss2_MU_TPM2B_PUBLIC_Unmarshal(b, l, o, d);
}

static TSS2_RC unmarshal_private(const uint8_t *b, size_t l, size_t *o,
				 void *d)
{
	return Tss2_MU_TPM2B_PRIVATE_Unmarshal(b, l, o, d);
}

int attest_read_public(const char *path, TPM2B_PUBLIC *pub)
{
	return read_tpm_file(path, "TPM2B_PUBLIC", unmarshal_public, pub);
}

static enum attest_ak_alg ak_alg_of(const TPM2B_PUBLIC *pub)
{
	if (pub->publicArea.type == TPM2_ALG_ECC)
		return ATTEST_AK_ECC;
	if (pub->publicArea.parameters.rsaDetail.scheme.scheme ==
	    TPM2_ALG_RSAPSS)
		return ATTEST_AK_RSAPSS;
	return ATTEST_AK_RSA;
}

int attest_tpm_ak_dir(struct attest_tpm *t, const char *dir,
		      enum attest_ak_alg alg, bool alg_given, ESYS_TR *ak,
		      TPM2B_PUBLIC **pub, bool *created)
{
	static const char *const names[] = { "rsa", "rsapss", "ecc" };
	char pub_path[4096], priv_path[4096];
	TPM2B_PRIVATE *priv = NULL;
	struct stat st;
	int ret;

	*pub = NULL;
	*created = false;
	snprintf(pub_path, sizeof(pub_path), "%s/ak.pub", dir);
	snprintf(priv_path, sizeof(priv_path), "%s/ak.priv", dir);
	if (stat(pub_path, &st) == 0 && stat(priv_path, &st) == 0) {
		*pub = calloc(1, sizeof(**pub));
		priv = calloc(1, sizeof(*priv));
		if (!*pub || !priv) {
			ret = NSIMA_EXIT_INTERNAL;
			goto out;
		}
		ret = read_tpm_file(pub_path, "TPM2B_PUBLIC", unmarshal_public,
				    *pub);
		if (!ret)
			ret = read_tpm_file(priv_path, "TPM2B_PRIVATE",
					    unmarshal_private, priv);
		if (ret)
			goto out;
		if (alg_given && ak_alg_of(*pub) != alg) {
			attest_msg("%s holds an %s AK, not %s (use another --ak directory)",
				   dir, names[ak_alg_of(*pub)], names[alg]);
			ret = NSIMA_EXIT_USAGE;
			goto out;
		}
		ret = attest_tpm_ak_load(t, priv, *pub, ak);
		free(priv);
		if (ret) {
			free(*pub);
			*pub = NULL;
		}
		return ret;
	}
	ret = attest_mkdir(dir);
	if (ret)
		return ret;
	ret = attest_tpm_ak_create(t, alg, &priv, pub);
	if (ret)
		return ret;
	/* save before use: an AK nobody can reload is worthless */
	ret = write_private(priv_path, priv);
	if (!ret)
		ret = attest_write_public(pub_path, *pub);
	if (!ret)
		ret = attest_tpm_ak_load(t, priv, *pub, ak);
	*created = !ret;
	Esys_Free(priv);
	if (ret) {
		Esys_Free(*pub);
		*pub = NULL;
	}
	return ret;
out:
	free(priv);
	free(*pub);
	*pub = NULL;
	return ret;
}
