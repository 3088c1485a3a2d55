// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest enroll: decide to trust an attestation key.
 *
 *   nsima-attest enroll [-T TCTI] --ak DIR --ca CERT [--ca CERT]...
 *                       [--chain CERT]... [--ek-cert F] [--ak-alg ALG]
 *                       -o TRUSTED_AK
 *
 * 1. The EK certificate (--ek-cert, else the TPM's NV index 0x01c00002,
 *    RSA-2048 EK) must chain to a --ca (trust anchors; an intermediate may
 *    be one) through --chain certificates. swtpm_setup's local CA writes
 *    swtpm-localca-rootca-cert.pem and issuercert.pem to its statedir.
 * 2. The TPM's EK (CreatePrimary, TCG template L-1) must be that
 *    certificate's key.
 * 3. The AK (--ak DIR, created there if missing) must be a fixedTPM,
 *    fixedParent, restricted signing key made by the TPM.
 * 4. MakeCredential is done here in software against the certified EK key
 *    and the AK's name, and the TPM must ActivateCredential it: only the
 *    TPM holding that EK, with that AK loaded, recovers the secret.
 * Then the AK public (TPM2B_PUBLIC) is written to -o: verify --ak takes it.
 *
 * The verifier's steps (1, 2, 4's MakeCredential and the comparison) need
 * no TPM; this command runs both sides against one TPM, as an enrollment
 * on the node itself does. Trust failures exit 4 (bad-signature).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <tss2/tss2_mu.h>

#include "cmds.h"
#include "credential.h"
#include "evidence.h"
#include "fetch.h"
#include "fileio.h"
#include "hex.h"
#include "opts.h"
#include "tpm.h"

#define EK_CERT_MAX	4096

static const struct attest_cmd enroll_cmd = {
	"enroll", "[-T TCTI] --ak-dir DIR --ca CERT -o FILE [options]",
	(const enum attest_opt[]){ OPT_TCTI, OPT_AK_DIR, OPT_AK_ALG, OPT_CA,
				   OPT_CHAIN, OPT_EK_CERT, OPT_OUT, OPT_AGENT,
				   OPT_CACERT, OPT_CERT, OPT_KEY, OPT_END },
	(const enum attest_opt[]){ OPT_CA, OPT_OUT, OPT_END },
};

static int parse_opts(int argc, char **argv, struct attest_args *o)
{
	int rc = attest_parse(argc, argv, &enroll_cmd, o);

	if (rc)
		return rc;
	if (!o->agent == !o->ak_dir)
		return attest_usage_error(&enroll_cmd,
					  "give --ak-dir (a local TPM) or --agent URL (a node's nsimad)");
	if (o->agent && strncmp(o->agent, "https://", 8))
		return attest_usage_error(&enroll_cmd,
					  "--agent: enrollment over https only (over http anyone on the path could have their own TPM enrolled)");
	if (o->agent && (o->tcti || o->ek_cert || o->given[OPT_AK_ALG]))
		return attest_usage_error(&enroll_cmd,
					  "--agent: the node's TPM answers (no -T, --ek-cert, --ak-alg)");
	return 0;
}

/* The verdict line for a trust failure. */
static int untrusted(const char *what, const char *detail)
{
	printf("bad-signature: enroll: %s%s%s\n", what, *detail ? ": " : "",
	       detail);
	return NSIMA_EXIT_BAD_SIGNATURE;
}

/* ------------------------------------------------------------------ */
/* EK certificate */

static X509 *parse_cert(const uint8_t *buf, size_t len)
{
	const unsigned char *p = buf;
	BIO *bio;
	X509 *x;

	x = d2i_X509(NULL, &p, (long)len);
	if (x)
		return x;
	bio = BIO_new_mem_buf(buf, (int)len);
	x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	ERR_clear_error();
	return x;
}

/* Every PEM certificate of @path into @sk (or @store). */
static int load_pem_certs(const char *path, X509_STORE *store,
			  STACK_OF(X509) *sk)
{
	BIO *bio = BIO_new_file(path, "r");
	X509 *x;
	int n = 0;

	if (!bio) {
		attest_msg("%s: cannot read", path);
		return NSIMA_EXIT_IO;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (store) {
			X509_STORE_add_cert(store, x);
			X509_free(x);
		} else {
			sk_X509_push(sk, x);
		}
		n++;
	}
	ERR_clear_error();
	BIO_free(bio);
	if (!n) {
		attest_msg("%s: no PEM certificate", path);
		return NSIMA_EXIT_MALFORMED;
	}
	return NSIMA_EXIT_OK;
}

static int verify_chain(const struct attest_args *o, X509 *cert)
{
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int i, ret = NSIMA_EXIT_OK;

	if (!store || !chain || !ctx) {
		ret = NSIMA_EXIT_INTERNAL;
		goto out;
	}
	for (i = 0; i < o->nca && !ret; i++)
		ret = load_pem_certs(o->ca[i], store, NULL);
	for (i = 0; i < o->nchain && !ret; i++)
		ret = load_pem_certs(o->chain[i], NULL, chain);
	if (ret)
		goto out;
	/* a vendor's intermediate CA may be the anchor the user trusts */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	if (X509_STORE_CTX_init(ctx, store, cert, chain) != 1) {
		ret = NSIMA_EXIT_INTERNAL;
		goto out;
	}
	if (X509_verify_cert(ctx) != 1)
		ret = untrusted("EK certificate does not chain to --ca",
				X509_verify_cert_error_string(
					X509_STORE_CTX_get_error(ctx)));
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_free(store);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Credential */

static int tpm_pub_key(const TPM2B_PUBLIC *pub, struct nsima_akpub *key)
{
	uint8_t buf[sizeof(TPM2B_PUBLIC)];
	struct nsima_err err = { 0 };
	size_t off = 0;

	if (Tss2_MU_TPM2B_PUBLIC_Marshal(pub, buf, sizeof(buf), &off) ||
	    nsima_akpub_parse(buf, off, key, &err)) {
		attest_error("TPM public key", &err);
		return NSIMA_EXIT_MALFORMED;
	}
	return NSIMA_EXIT_OK;
}

/* The secret back from ActivateCredential against the one we made. */
static int credential_check(uint8_t *cred, size_t len, uint8_t *got,
			    size_t got_len)
{
	int ret = got_len == len && !CRYPTO_memcmp(got, cred, len) ?
		NSIMA_EXIT_OK :
		untrusted("ActivateCredential returned another secret", "");

	OPENSSL_cleanse(cred, len);
	OPENSSL_cleanse(got, got_len);
	return ret;
}

/* The verifier's half: a credential for @akpub's name under @ek_key. */
struct credential {
	uint8_t cred[32], id[NSIMA_ID_OBJECT_MAX], sec[NSIMA_ENC_SECRET_MAX];
	size_t id_len, sec_len;
};

static int make_credential(EVP_PKEY *ek_key, const struct nsima_akpub *akpub,
			   struct credential *c)
{
	struct nsima_err err = { 0 };

	if (RAND_bytes(c->cred, sizeof(c->cred)) != 1)
		return NSIMA_EXIT_INTERNAL;
	/* no TPM involved */
	if (nsima_make_credential(ek_key, TPM2_ALG_SHA256, 128, akpub->name,
				  akpub->name_len, c->cred, sizeof(c->cred),
				  NULL, c->id, &c->id_len, c->sec, &c->sec_len,
				  &err)) {
		attest_error("MakeCredential", &err);
		return attest_exit_code(err.code);
	}
	return 0;
}

/* The AK a TPM made, fixed to it, restricted, for signing only? */
static int ak_attrs_ok(const struct nsima_akpub *akpub)
{
	if ((akpub->attrs & (NSIMA_AK_ATTRS | NSIMA_TPMA_FIXEDPARENT |
			     NSIMA_TPMA_SENSITIVEDATAORIGIN |
			     NSIMA_TPMA_DECRYPT)) !=
	    (NSIMA_AK_ATTRS | NSIMA_TPMA_FIXEDPARENT |
	     NSIMA_TPMA_SENSITIVEDATAORIGIN))
		return untrusted("AK is not a TPM-made fixedTPM restricted signing key", "");
	return 0;
}

static int activate(struct attest_tpm *t, ESYS_TR ak, EVP_PKEY *ek_key,
		    const struct nsima_akpub *akpub)
{
	struct credential c;
	uint8_t got[64];
	size_t got_len = 0;
	int ret;

	ret = make_credential(ek_key, akpub, &c);
	if (ret)
		return ret;
	/* the TPM's half */
	ret = attest_tpm_activate(t, ak, c.id, c.id_len, c.sec, c.sec_len, got,
				  &got_len);
	if (ret == NSIMA_EXIT_BAD_SIGNATURE)
		return untrusted("the TPM cannot activate a credential for this AK and EK", "");
	if (ret)
		return ret;
	return credential_check(c.cred, sizeof(c.cred), got, got_len);
}

/* ------------------------------------------------------------------ */

static int enroll(const struct attest_args *o, struct attest_tpm *t,
		  X509 **cert, struct nsima_akpub *ek_key,
		  struct nsima_akpub *akpub, TPM2B_PUBLIC **akpub_tpm,
		  ESYS_TR *ak)
{
	struct nsima_err err = { 0 };
	EVP_PKEY *cert_key;
	uint8_t *buf = NULL;
	size_t len;
	bool created;
	int ret;

	ret = attest_tpm_ek(t);
	if (ret)
		return ret;
	if (o->ek_cert) {
		if (nsima_read_file(o->ek_cert, EK_CERT_MAX, &buf, &len, &err)) {
			attest_error(o->ek_cert, &err);
			return NSIMA_EXIT_IO;
		}
	} else {
		ret = attest_tpm_ek_cert(t, &buf, &len);
		if (ret)
			return ret;
	}
	*cert = parse_cert(buf, len);
	free(buf);
	if (!*cert) {
		attest_msg("%s: not an X.509 certificate",
			   o->ek_cert ? o->ek_cert : "EK certificate in NV");
		return NSIMA_EXIT_MALFORMED;
	}
	ret = verify_chain(o, *cert);
	if (ret)
		return ret;
	ret = tpm_pub_key(t->ek_pub, ek_key);
	if (ret)
		return ret;
	cert_key = X509_get0_pubkey(*cert);
	if (!cert_key || EVP_PKEY_eq(cert_key, ek_key->pkey) != 1)
		return untrusted("the TPM's EK is not the certified key (another TPM?)", "");

	ret = attest_tpm_ak_dir(t, o->ak_dir, (enum attest_ak_alg)o->ak_alg,
				o->given[OPT_AK_ALG], ak, akpub_tpm, &created);
	if (ret)
		return ret;
	ret = tpm_pub_key(*akpub_tpm, akpub);
	if (!ret)
		ret = ak_attrs_ok(akpub);
	return ret ? ret : activate(t, *ak, cert_key, akpub);
}

/* A base64 member of the agent's JSON @j into *@buf. */
static int b64_field(json_t *j, const char *key, uint8_t **buf, size_t *len)
{
	const char *s = json_string_value(json_object_get(j, key));

	if (!s || nsima_base64_decode(s, strlen(s), buf, len)) {
		attest_msg("enroll: the agent's /v1/enroll has no %s in base64",
			   key);
		return NSIMA_EXIT_MALFORMED;
	}
	return 0;
}

/*
 * Enrollment through a node's nsimad: its AK and EK certificate (GET
 * /v1/enroll, the node's word), the certificate's chain and the AK's
 * attributes checked here, a credential made here for that EK and AK,
 * and the node's TPM must answer it (GET /v1/activate): only the TPM
 * holding that EK, with that AK loaded, recovers the secret.
 */
static int enroll_agent(const struct attest_args *o)
{
	struct nsima_akpub akpub = { 0 };
	struct nsima_err err = { 0 };
	uint8_t *body = NULL, *ak = NULL, *der = NULL, got[64];
	size_t len, ak_len = 0, der_len = 0, got_len;
	char name[2 * sizeof(akpub.name) + 1], subject[256];
	struct nsima_buf path;
	struct credential c;
	X509 *cert = NULL;
	json_t *j = NULL;
	const char *sec;
	int ret;

	nsima_buf_init(&path);
	ret = attest_http_get(o, "/v1/enroll", &body, &len);
	if (!ret) {
		j = json_loadb((const char *)body, len, 0, NULL);
		ret = j ? 0 : NSIMA_EXIT_MALFORMED;
		if (ret)
			attest_msg("enroll: the agent's /v1/enroll is not JSON");
	}
	if (!ret)
		ret = b64_field(j, "ak_public", &ak, &ak_len);
	if (!ret)
		ret = b64_field(j, "ek_cert", &der, &der_len);
	json_decref(j);
	j = NULL;
	free(body);
	body = NULL;
	if (!ret && !(cert = parse_cert(der, der_len))) {
		attest_msg("enroll: the agent's EK certificate is not X.509");
		ret = NSIMA_EXIT_MALFORMED;
	}
	if (!ret)
		ret = verify_chain(o, cert);
	if (!ret && nsima_akpub_parse(ak, ak_len, &akpub, &err)) {
		attest_error("enroll: the agent's AK", &err);
		ret = NSIMA_EXIT_MALFORMED;
	}
	if (!ret && !akpub.tpm)
		ret = untrusted("the agent's AK is not a TPM public area", "");
	if (!ret)
		ret = ak_attrs_ok(&akpub);
	if (!ret) {
		EVP_PKEY *ek = X509_get0_pubkey(cert);

		ret = ek ? make_credential(ek, &akpub, &c) :
			   untrusted("the EK certificate has no usable key", "");
	}
	if (!ret) {
		char hex[2 * NSIMA_ENC_SECRET_MAX + 1];

		nsima_hex_encode(c.id, c.id_len, hex);
		ret = nsima_buf_append(&path, "/v1/activate?credential=", 24) ||
		      nsima_buf_append(&path, hex, strlen(hex)) ||
		      nsima_buf_append(&path, "&secret=", 8);
		nsima_hex_encode(c.sec, c.sec_len, hex);
		ret = ret || nsima_buf_append(&path, hex, strlen(hex) + 1) ?
			NSIMA_EXIT_INTERNAL : 0;
	}
	if (!ret)
		ret = attest_http_get(o, (const char *)path.data, &body, &len);
	if (!ret) {
		j = json_loadb((const char *)body, len, 0, NULL);
		sec = json_string_value(json_object_get(j, "secret"));
		got_len = sec ? strlen(sec) / 2 : 0;
		if (!sec || strlen(sec) % 2 || got_len > sizeof(got) ||
		    nsima_hex_decode(sec, strlen(sec), got) != (long)got_len)
			ret = untrusted("the agent's /v1/activate has no secret", "");
		else
			ret = credential_check(c.cred, sizeof(c.cred), got,
					       got_len);
	}
	if (!ret && nsima_write_file(o->out, ak, ak_len, &err)) {
		attest_error(o->out, &err);
		ret = NSIMA_EXIT_IO;
	}
	if (!ret) {
		nsima_hex_encode(akpub.name, akpub.name_len, name);
		X509_NAME_oneline(X509_get_subject_name(cert), subject,
				  sizeof(subject));
		printf("enrolled: AK %s of %s lives in the TPM of EK certificate %s -> %s\n",
		       name, o->agent, subject, o->out);
	}
	json_decref(j);
	free(body);
	free(ak);
	free(der);
	nsima_buf_free(&path);
	nsima_akpub_free(&akpub);
	X509_free(cert);
	return ret;
}

int cmd_enroll(int argc, char **argv)
{
	struct nsima_akpub ek_key = { 0 }, akpub = { 0 };
	TPM2B_PUBLIC *akpub_tpm = NULL;
	struct attest_args o;
	struct attest_tpm t;
	ESYS_TR ak = ESYS_TR_NONE;
	X509 *cert = NULL;
	char name[2 * sizeof(akpub.name) + 1], subject[256];
	int ret;

	/* tpm2-tss logs each failure itself; ours is the one line (TSS2_LOG
	 * set by the user still wins) */
	setenv("TSS2_LOG", "all+none", 0);
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? NSIMA_EXIT_OK : ret;
	if (o.agent)
		return enroll_agent(&o);
	ret = attest_tpm_open(&t, o.tcti);
	if (ret)
		return ret;
	ret = enroll(&o, &t, &cert, &ek_key, &akpub, &akpub_tpm, &ak);
	if (!ret)
		ret = attest_write_public(o.out, akpub_tpm);
	if (!ret) {
		nsima_hex_encode(akpub.name, akpub.name_len, name);
		X509_NAME_oneline(X509_get_subject_name(cert), subject,
				  sizeof(subject));
		printf("enrolled: AK %s lives in the TPM of EK certificate %s -> %s\n",
		       name, subject, o.out);
	}
	if (ak != ESYS_TR_NONE)
		Esys_FlushContext(t.esys, ak);
	free(akpub_tpm);
	nsima_akpub_free(&akpub);
	nsima_akpub_free(&ek_key);
	X509_free(cert);
	attest_tpm_close(&t);
	return ret;
}
