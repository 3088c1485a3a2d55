// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest verify: check a TPM quote, and the measurement list against
 * it (docs/nsima-attest.md "verify"; the options: attest/opts.c).
 *
 * --ak is the AK the verifier trusts (from enroll): a TPM2B_PUBLIC. A
 * bundle's own AK must be the same public area. Checks, in order, each
 * with its own exit code: everything parses (3), the AK is a restricted
 * signing key and the signature verifies (4), the nonce (5), the quote
 * selects --select when given and the PCR values (given, or derived from
 * the list) hash to pcrDigest (6), the TPM was not reset or rolled back
 * since --prev-clock (10); with a list, the PCRs replayed are the
 * verifier's (--pcr, default the quoted ones of IMA's 10 and nsima's 11)
 * quoted in a bank stronger than SHA-1 unless --select says (6), and lib/verify.c's one pass over it: entries
 * the quote cannot vouch for (15), attribution in a --ns view (11),
 * template digests (8), the replay reaching the quote (7), the view's
 * ns_state (13, 14). Entries after the quoted point are "pending" (the
 * quote/list race), not an error. A failure names the first bad entry
 * (index, namespace, path) where one can be named. The inputs are
 * checked by lib/vinput.c, the list by lib/verify.c; this file reads the
 * files, runs the steps in order and saves the verifier's state; the
 * report is attest/verdict.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "common.h"
#include "fetch.h"
#include "fileio.h"
#include "verdict.h"

static const struct attest_cmd verify_cmd = {
	"verify", "--ak F (--nonce HEX (--quote F --sig F [--pcrs F] | --evidence F) | --agent URL) [options]",
	(const enum attest_opt[]){ OPT_AK, OPT_NONCE, OPT_QUOTE, OPT_SIG,
				   OPT_PCRS, OPT_EVIDENCE, OPT_SELECT, OPT_LOG,
				   OPT_FORMAT, OPT_LOG_ALG, OPT_LOG_FIRST, OPT_PCR,
				   OPT_CHECKPOINT, OPT_SAVE_CHECKPOINT,
				   OPT_PREV_CLOCK, OPT_SAVE_CLOCK,
				   OPT_ALLOW_RESUME, OPT_NS, OPT_ALLOW_UNPROVEN_NS,
				   OPT_NS_CHAIN, OPT_JSON, OPT_AGENT,
				   OPT_CONTAINER, OPT_CACERT, OPT_CERT, OPT_KEY,
				   OPT_END },
	(const enum attest_opt[]){ OPT_AK, OPT_END },
};

static int parse_opts(int argc, char **argv, struct attest_args *o)
{
	const char *why = NULL;
	int rc;

	rc = attest_parse(argc, argv, &verify_cmd, o);
	if (rc)
		return rc;
	if ((o->given[OPT_ALLOW_UNPROVEN_NS] || o->given[OPT_NS_CHAIN]) &&
	    !o->given[OPT_NS] && !o->container)
		why = "--allow-unproven-ns and --ns-chain need --ns (or --container)";
	else if (o->container && !o->agent)
		why = "--container needs --agent";
	else if (o->given[OPT_NS] && o->container)
		why = "--ns and --container: give one";
	else if (o->agent && (o->evidence || o->quote || o->sig || o->pcrs ||
			      o->log))
		why = "--agent: the agent gives the quote and the list (no --evidence, --quote, --sig, --pcrs, --log)";
	else if (o->agent && o->given[OPT_LOG_FIRST])
		why = "--agent: the list starts where --checkpoint says (or at 0)";
	else if (o->container && (o->checkpoint || o->given[OPT_NS_CHAIN]))
		why = "--container: the namespace is known from the answer only; poll from a checkpoint with --ns";
	else if (o->agent)
		why = NULL;
	else if (!o->given[OPT_NONCE])
		why = "--nonce is required (with --agent, one is drawn)";
	else if (o->save_checkpoint && !o->log && !o->evidence)
		why = "--save-checkpoint needs a list";
	else if (!o->evidence == !(o->quote || o->sig || o->pcrs) ||
		 (!o->evidence && !(o->quote && o->sig && (o->pcrs || o->log))))
		why = "give --evidence F, or --quote and --sig with --pcrs, --log or both";
	if (why || !o->agent)
		return why ? attest_usage_error(&verify_cmd, why) : NSIMA_EXIT_OK;
	/* a fresh nonce unless told; the agent's bundle is a file to the
	 * rest of verify, named by the URL */
	o->evidence = o->agent;
	return attest_nonce_draw(o);
}

/* Everything a verification reads, and its list's pass. */
struct verify_in {
	struct nsima_vinput in;
	struct nsima_verify v;
	uint8_t *mapped;		/* what to unmap (--log) */
	size_t mapped_len;
	bool was_mapped;
	/* files read whole, freed at the end */
	uint8_t *buf[5];
	size_t len[5];
};

enum { F_AK, F_QUOTE, F_SIG, F_PCRS, F_OTHER };

/* Read @path (at most @max bytes) into slot @f; 0 or the exit code. */
static int read_in(const struct attest_args *o, struct verify_in *vi, int f,
		   const char *path, size_t max)
{
	struct nsima_err err = { 0 };

	free(vi->buf[f]);
	vi->buf[f] = NULL;
	if (nsima_read_file(path, max, &vi->buf[f], &vi->len[f], &err))
		return verdict_fail(o, path, err.code, &err);
	return 0;
}

/* A loader's @rc: 0, or reported against the input it names. */
static int loaded(const struct attest_args *o, const struct verify_in *vi,
		  int rc, const struct nsima_err *err)
{
	return rc ? verdict_fail(o, vi->in.input, rc, err) : 0;
}

/*
 * The trusted AK, the verifier's checkpoint, the quote (files or a
 * bundle) and the list, each checked as it is loaded.
 */
/*
 * --container: the agent resolved the name; its bundle says to which
 * namespace ("view"), and the view is checked as --ns of that one.
 */
static int container_view(struct attest_args *o, const struct nsima_vinput *in)
{
	if (!in->ev.view[0] || in->ev.view_host) {
		attest_msg("%s: the answer does not say which namespace is container %s",
			   o->agent, o->container);
		return NSIMA_EXIT_MALFORMED;
	}
	/* the mapping is the node's word: say it, the verdict is the nsid's */
	attest_msg("container %s is namespace %s (the agent's word)",
		   o->container, in->ev.view);
	o->host = in->ev.view_host;
	o->nsid = in->ev.view_nsid;
	o->given[OPT_NS] = true;
	return 0;
}

static int load(struct attest_args *o, struct verify_in *vi)
{
	struct nsima_vinput *in = &vi->in;
	char view[NSIMA_VIEW_MAX];
	struct nsima_err err = { 0 };
	bool mapped;
	int ret;

	ret = read_in(o, vi, F_AK, o->ak, NSIMA_SMALL_FILE_MAX);
	if (!ret)
		ret = loaded(o, vi, nsima_vinput_ak(in, vi->buf[F_AK],
						    vi->len[F_AK], o->ak, &err),
			     &err);
	if (!ret && o->checkpoint) {
		verdict_view_name(o, view);
		ret = read_in(o, vi, F_OTHER, o->checkpoint,
			      NSIMA_SMALL_FILE_MAX);
		if (!ret)
			ret = loaded(o, vi,
				     nsima_vinput_checkpoint(in, vi->buf[F_OTHER],
							     vi->len[F_OTHER],
							     o->checkpoint, view,
							     &err),
				     &err);
	}
	if (ret)
		return ret;
	if (o->agent) {
		uint64_t from = in->have_cp && in->cp.count ? in->cp.r[0].next : 0;

		free(vi->buf[F_OTHER]);
		vi->buf[F_OTHER] = NULL;
		ret = attest_fetch(o, from, &vi->buf[F_OTHER], &vi->len[F_OTHER]);
	} else if (o->evidence) {
		ret = read_in(o, vi, F_OTHER, o->evidence, NSIMA_INPUT_MAX);
	}
	if (ret)
		return ret;
	if (o->evidence) {
		ret = loaded(o, vi,
				     nsima_vinput_bundle(in, vi->buf[F_OTHER],
							 vi->len[F_OTHER],
							 o->evidence, o->fmt,
							 o->given[OPT_LOG_ALG] ?
								 o->log_alg : -1,
							 &err),
				     &err);
		if (!ret && o->container)
			ret = container_view(o, in);
		if (!ret && o->log && in->have_log) {
			attest_msg("verify: --log and a bundle with a log: give one");
			ret = NSIMA_EXIT_USAGE;
		}
		if (!ret && o->save_checkpoint && !in->have_log) {
			attest_msg("verify: --save-checkpoint needs a list: the bundle has none");
			ret = NSIMA_EXIT_USAGE;
		}
	} else {
		ret = read_in(o, vi, F_QUOTE, o->quote, NSIMA_SMALL_FILE_MAX);
		if (!ret)
			ret = read_in(o, vi, F_SIG, o->sig, NSIMA_SMALL_FILE_MAX);
		if (!ret && o->pcrs)
			ret = read_in(o, vi, F_PCRS, o->pcrs,
				      NSIMA_SMALL_FILE_MAX);
		if (!ret)
			ret = loaded(o, vi,
				     nsima_vinput_quote(in, vi->buf[F_QUOTE],
							vi->len[F_QUOTE], o->quote,
							vi->buf[F_SIG],
							vi->len[F_SIG], o->sig,
							vi->buf[F_PCRS],
							vi->len[F_PCRS], o->pcrs,
							&err),
				     &err);
	}
	if (ret)
		return ret;
	if (!o->log) {
		struct nsima_err e2 = { 0 };

		/* what is asked of a list cannot pass without one: a view
		 * (--ns, --container), a continuation (--checkpoint), an
		 * agent's answer (which always carries its slice) */
		if (in->have_log ||
		    !(o->agent || o->given[OPT_NS] || o->checkpoint))
			return 0;
		nsima_err_set(&e2, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
			      "no list: %s needs one",
			      o->agent ? "an agent's answer" :
			      o->given[OPT_NS] ? "a namespace's view (--ns)" :
						 "--checkpoint");
		return verdict_fail(o, o->evidence ? o->evidence : o->quote,
				    NSIMA_EMALFORMED, &e2);
	}
	/* --log: mapped (a regular file) or read, walked once */
	ret = attest_map_file(o->log, &vi->mapped, &vi->mapped_len, &mapped,
			      &err);
	if (ret)
		return verdict_fail(o, o->log, ret, &err);
	vi->was_mapped = mapped;
	return loaded(o, vi,
		      nsima_vinput_log(in, vi->mapped, vi->mapped_len, o->log,
				       o->fmt, o->log_alg, o->log_first,
				       o->given[OPT_LOG_FIRST], in->have_cp,
				       &err),
		      &err);
}

/* The list against the verified quote (lib/verify.c), and its verdict. */
static int check_log(const struct attest_args *o, struct verify_in *vi)
{
	const char *input = o->log ? o->log : o->evidence;
	struct nsima_vinput *in = &vi->in;
	struct nsima_verify *v = &vi->v;
	struct nsima_err err = { 0 };
	int rc;

	rc = nsima_vinput_check_bundle_cp(in, input, &err);
	if (rc)
		return verdict_fail(o, input, rc, &err);
	rc = nsima_verify_policy(&in->q, o->given[OPT_PCR] ? o->pcr_mask : 0,
				 o->given[OPT_SELECT], o->given[OPT_NS],
				 &v->pcrs, &err);
	if (rc)
		return verdict_fail(o, o->quote ? o->quote : o->evidence, rc,
				    &err);
	v->q = &in->q;
	v->sig_hash = in->sig.hash;
	v->vals = in->derive ? NULL : &in->vals;
	v->cp = in->have_cp ? &in->cp : NULL;
	v->ns_set = o->given[OPT_NS];
	v->host = o->host;
	v->nsid = o->nsid;
	v->ns_chain = o->given[OPT_NS_CHAIN] ? &o->ns_chain : NULL;
	rc = nsima_verify_walk(v, in->list, in->list_len, in->fmt, in->bank,
			       in->first, in->first_given, &err);
	if (rc)
		return verdict_list_fail(o, input, rc, &err, v);
	if (in->derive)
		in->vals = v->derived;
	return o->given[OPT_NS] ? verdict_ns(o, input, v) : 0;
}

/* Write what @rc says was built into @b to @path; frees @b. */
static int save(const char *path, struct nsima_buf *b, int rc,
		struct nsima_err *err)
{
	if (!rc)
		rc = nsima_write_file(path, b->data, b->len, err);
	nsima_buf_free(b);
	if (rc) {
		attest_error(path, err);
		return NSIMA_EXIT_IO;
	}
	return 0;
}

/* --save-clock and --save-checkpoint: where the next verify continues. */
static int save_state(const struct attest_args *o, const struct verify_in *vi)
{
	char view[NSIMA_VIEW_MAX];
	struct nsima_err err = { 0 };
	struct nsima_buf b;
	int rc = 0;

	verdict_view_name(o, view);
	if (o->save_clock) {
		nsima_buf_init(&b);
		rc = save(o->save_clock, &b,
			  nsima_clock_write_json(&vi->in.q.clock, &b, &err),
			  &err);
	}
	if (!rc && o->save_checkpoint) {
		nsima_buf_init(&b);
		rc = save(o->save_checkpoint, &b,
			  nsima_checkpoint_write_json(&vi->v.at, view, &b,
						      &err),
			  &err);
	}
	return rc;
}

static int run(struct attest_args *o, struct verify_in *vi)
{
	const char *qname = o->quote ? o->quote : o->evidence;
	struct nsima_vinput *in = &vi->in;
	struct nsima_err err = { 0 };
	struct timespec t0, t1;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = load(o, vi);
	if (ret)
		return ret;
	ret = nsima_quote_verify(&in->q, &in->sig, &in->ak, o->nonce,
				 o->nonce_len,
				 o->given[OPT_SELECT] ? &o->sel : NULL,
				 in->derive ? NULL : &in->vals, &err);
	if (ret)
		return verdict_fail(o, qname, ret, &err);
	if (o->prev_clock) {
		ret = read_in(o, vi, F_OTHER, o->prev_clock,
			      NSIMA_SMALL_FILE_MAX);
		if (!ret)
			ret = loaded(o, vi,
				     nsima_vinput_clock(in, vi->buf[F_OTHER],
							vi->len[F_OTHER],
							o->prev_clock, qname,
							o->given[OPT_ALLOW_RESUME] ?
								NSIMA_CLOCK_ALLOW_RESUME : 0,
							&err),
				     &err);
		if (ret)
			return ret;
	}
	if (in->have_log) {
		ret = check_log(o, vi);
		if (ret)
			return ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ret = save_state(o, vi);
	if (ret)
		return ret;
	verdict_trusted(o, in, &vi->v,
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				(double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	return NSIMA_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
	struct attest_args o;
	struct verify_in *vi;
	unsigned int i;
	int ret;

	/* tpm2-tss logs each failure itself; ours is the one line (TSS2_LOG
	 * set by the user still wins) */
	setenv("TSS2_LOG", "all+none", 0);
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? NSIMA_EXIT_OK : ret;
	vi = calloc(1, sizeof(*vi));
	if (!vi) {
		attest_msg("verify: out of memory");
		return NSIMA_EXIT_INTERNAL;
	}
	ret = run(&o, vi);
	nsima_vinput_free(&vi->in);
	if (vi->mapped)
		attest_unmap_file(vi->mapped, vi->mapped_len, vi->was_mapped);
	for (i = 0; i < 5; i++)
		free(vi->buf[i]);
	free(vi);
	return ret;
}
