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
 * since --prev-clock (10); with a list, the PCR replayed is the
 * verifier's (--pcr, default 11) quoted in a bank stronger than SHA-1
 * unless --select says (6), and lib/verify.c's one pass over it: entries
 * the quote cannot vouch for (15), attribution in a --ns view (11),
 * template digests (8), the replay reaching the quote (7), the view's
 * ns_state (13, 14). Entries after the quoted point are "pending" (the
 * quote/list race), not an error. A failure names the first bad entry
 * (index, namespace, path) where one can be named. This file keeps the
 * loading of the inputs and the report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "checkpoint.h"
#include "cmds.h"
#include "common.h"
#include "evidence.h"
#include "fileio.h"
#include "hex.h"
#include "nsstate.h"
#include "nsview.h"
#include "opts.h"
#include "pcrfile.h"
#include "quote.h"
#include "replay.h"
#include "verify.h"

/* Everything a verification reads. */
struct verify_in {
	struct nsima_quote q;
	struct nsima_sig sig;
	struct nsima_akpub ak;
	struct nsima_pcr_values vals;
	struct nsima_evidence ev;
	bool have_ev;
	/* the list, walked in constant memory whatever its format */
	bool have_log;
	const uint8_t *list;
	size_t list_len;
	enum nsima_log_format fmt;
	int bank;
	uint64_t first;
	bool first_given;
	uint8_t *mapped;		/* what to unmap (--log) */
	bool was_mapped;
	struct nsima_replay cp;		/* where the replay starts */
	bool have_cp;
	bool derive;			/* no PCR values: from the replay */
	struct nsima_verify v;		/* the list's pass, its results */
};

static const struct attest_cmd verify_cmd = {
	"verify", "--ak F --nonce HEX (--quote F --sig F [--pcrs F] | --evidence F) [options]",
	(const enum attest_opt[]){ OPT_AK, OPT_NONCE, OPT_QUOTE, OPT_SIG,
				   OPT_PCRS, OPT_EVIDENCE, OPT_SELECT, OPT_LOG,
				   OPT_FORMAT, OPT_LOG_ALG, OPT_LOG_FIRST, OPT_PCR,
				   OPT_CHECKPOINT, OPT_SAVE_CHECKPOINT,
				   OPT_PREV_CLOCK, OPT_SAVE_CLOCK,
				   OPT_ALLOW_RESUME, OPT_NS, OPT_ALLOW_UNPROVEN_NS,
				   OPT_NS_CHAIN, OPT_JSON, OPT_END },
	(const enum attest_opt[]){ OPT_AK, OPT_NONCE, OPT_END },
};

static int parse_opts(int argc, char **argv, struct attest_args *o)
{
	const char *why = NULL;
	int rc;

	rc = attest_parse(argc, argv, &verify_cmd, o);
	if (rc)
		return rc;
	if (o->save_checkpoint && !o->log && !o->evidence)
		why = "--save-checkpoint needs a list";
	else if ((o->given[OPT_ALLOW_UNPROVEN_NS] || o->given[OPT_NS_CHAIN]) &&
		 !o->given[OPT_NS])
		why = "--allow-unproven-ns and --ns-chain need --ns";
	else if (!o->evidence == !(o->quote || o->sig || o->pcrs) ||
		 (!o->evidence && !(o->quote && o->sig && (o->pcrs || o->log))))
		why = "give --evidence F, or --quote and --sig with --pcrs, --log or both";
	return why ? attest_usage_error(&verify_cmd, why) : NSIMA_EXIT_OK;
}

/* Report a failure: the verdict line (stdout) or JSON; returns the code. */
static int fail(const struct attest_args *o, const char *input, int rc,
		const struct nsima_err *err)
{
	char line[NSIMA_ERR_MSG_MAX + 512];
	int code = attest_exit_code(rc);
	json_t *j = NULL;

	nsima_err_format(err, input, line, sizeof(line));
	if (o->given[OPT_JSON]) {
		j = attest_verdict(code, line);
		if (err->where == NSIMA_AT_ENTRY)
			json_object_set_new(j, "entry",
					    json_integer((json_int_t)err->pos));
	}
	return attest_emit(o->given[OPT_JSON], j, code, line);
}

static int read_input(const struct attest_args *o, const char *path,
		      size_t max, uint8_t **buf, size_t *len)
{
	struct nsima_err err = { 0 };

	if (nsima_read_file(path, max, buf, len, &err))
		return fail(o, path, err.code, &err);
	return 0;
}

/* Parse @buf with @fn (one of the lib parsers) and report as @path. */
#define PARSE(o, path, call)                                                 \
	({                                                                   \
		struct nsima_err __e = { 0 };                                \
		int __rc = (call);                                           \
		__rc ? fail(o, path, __rc, &__e) : 0;                        \
	})

static int load_files(const struct attest_args *o, struct verify_in *in)
{
	uint8_t *buf;
	size_t len;
	int ret;

	ret = read_input(o, o->quote, NSIMA_SMALL_FILE_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = PARSE(o, o->quote, nsima_quote_parse(buf, len, &in->q, &__e));
	free(buf);
	if (ret)
		return ret;
	ret = read_input(o, o->sig, NSIMA_SMALL_FILE_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = PARSE(o, o->sig, nsima_sig_parse(buf, len, &in->sig, &__e));
	free(buf);
	if (ret)
		return ret;
	if (!o->pcrs) {
		in->derive = true;	/* from the replay of --log */
		return 0;
	}
	ret = read_input(o, o->pcrs, NSIMA_SMALL_FILE_MAX, &buf, &len);
	if (ret)
		return ret;
	/* either tpm2-tools layout, for the quote's own selection */
	ret = PARSE(o, o->pcrs,
		    nsima_pcr_file_parse(&in->q.sel, buf, len, &in->vals,
					 &__e));
	free(buf);
	return ret;
}

static bool blank(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' &&
		    buf[i] != '\r')
			return false;
	return true;
}

/*
 * The list in @buf (@input names it) of format @fmt (AUTO: sniffed),
 * starting at entry @first (a CEL list numbers its records: they must
 * agree when @first_given). An empty list is only a list after the
 * verifier's checkpoint (nothing new since).
 */
static int take_log(const struct attest_args *o, struct verify_in *in,
		    const char *input, const uint8_t *buf, size_t len,
		    enum nsima_log_format fmt, int bank, uint64_t first,
		    bool first_given)
{
	struct nsima_err err = { 0 };

	if (blank(buf, len) && !o->checkpoint)
		return fail(o, input, nsima_err_set(&err, NSIMA_EMALFORMED,
						    NSIMA_AT_NONE, 0,
						    "empty: no entries"),
			    &err);
	in->have_log = true;
	in->list = buf;
	in->list_len = len;
	in->fmt = fmt ? fmt : nsima_log_sniff(buf, len);
	in->bank = bank;
	in->first = first;
	in->first_given = first_given;
	return 0;
}

static int load_evidence(const struct attest_args *o, struct verify_in *in,
			 const struct nsima_akpub *trusted)
{
	enum nsima_log_format fmt;
	struct nsima_akpub evak;
	uint8_t *buf;
	size_t len;
	int ret, bank;

	ret = read_input(o, o->evidence, NSIMA_INPUT_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = PARSE(o, o->evidence,
		    nsima_evidence_parse(buf, len, &in->ev, &__e));
	free(buf);
	if (ret)
		return ret;
	in->have_ev = true;
	ret = PARSE(o, "evidence quote.attest",
		    nsima_quote_parse(in->ev.attest, in->ev.attest_len, &in->q,
				      &__e));
	if (!ret)
		ret = PARSE(o, "evidence quote.signature",
			    nsima_sig_parse(in->ev.sig, in->ev.sig_len,
					    &in->sig, &__e));
	if (!ret)
		ret = PARSE(o, "evidence quote.ak_public",
			    nsima_akpub_parse(in->ev.ak, in->ev.ak_len, &evak,
					      &__e));
	if (ret)
		return ret;
	/*
	 * The bundle names its AK; only the enrolled one counts, with the
	 * same TPM public area (attributes included), not just the same key.
	 */
	if (EVP_PKEY_eq(evak.pkey, trusted->pkey) != 1 || !evak.tpm ||
	    !trusted->tpm || evak.name_len != trusted->name_len ||
	    memcmp(evak.name, trusted->name, evak.name_len)) {
		struct nsima_err e = { 0 };

		nsima_akpub_free(&evak);
		nsima_err_set(&e, NSIMA_ESIGNATURE, NSIMA_AT_NONE, 0,
			      "quote.ak_public is not the trusted AK %s",
			      o->ak);
		return fail(o, o->evidence, e.code, &e);
	}
	nsima_akpub_free(&evak);
	in->vals = in->ev.pcrs;
	if (in->ev.log) {
		if (o->log) {
			attest_msg("verify: --log and a bundle with a log: give one");
			return NSIMA_EXIT_USAGE;
		}
		fmt = o->fmt ? o->fmt : (enum nsima_log_format)in->ev.log_format;
		bank = o->given[OPT_LOG_ALG] ? o->log_alg : in->ev.log_alg;
		return take_log(o, in, "evidence log.data", in->ev.log,
				in->ev.log_len, fmt, bank, in->ev.log_first, true);
	}
	if (o->save_checkpoint) {
		attest_msg("verify: --save-checkpoint needs a list: the bundle has none");
		return NSIMA_EXIT_USAGE;
	}
	return 0;
}

/* --log: mapped (a regular file) or read, walked once. */
static int load_log(const struct attest_args *o, struct verify_in *in)
{
	struct nsima_err err = { 0 };
	uint8_t *buf;
	size_t len;
	bool mapped;
	int rc;

	rc = attest_map_file(o->log, &buf, &len, &mapped, &err);
	if (rc)
		return fail(o, o->log, rc, &err);
	in->mapped = buf;
	in->list_len = len;
	in->was_mapped = mapped;
	return take_log(o, in, o->log, buf, len, o->fmt, o->log_alg,
			o->log_first, o->given[OPT_LOG_FIRST]);
}

/*
 * --checkpoint: the verifier's own replay state, as an earlier verify
 * saved it (--save-checkpoint). Nothing the node writes may start a
 * replay: the module's checkpoint file is refused.
 */
/* "" for a whole-list verify, "host" or the nsid for a --ns view. */
static void view_name(const struct attest_args *o, char *buf)
{
	if (!o->given[OPT_NS])
		buf[0] = '\0';
	else if (o->host)
		snprintf(buf, NSIMA_VIEW_MAX, "host");
	else
		snprintf(buf, NSIMA_VIEW_MAX, "%llu",
			 (unsigned long long)o->nsid);
}

static int load_checkpoint(const struct attest_args *o, struct verify_in *in)
{
	char view[NSIMA_VIEW_MAX], want[NSIMA_VIEW_MAX];
	struct nsima_err err = { 0 };
	uint8_t *buf;
	size_t len;
	bool json;
	int ret;

	ret = read_input(o, o->checkpoint, NSIMA_SMALL_FILE_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = nsima_checkpoint_load(buf, len, &in->cp, &json, view, &err);
	free(buf);
	view_name(o, want);
	if (!ret && !json)
		ret = nsima_err_set(&err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				    "not a verifier checkpoint (JSON from verify --save-checkpoint): a checkpoint the node wrote, such as the module's, cannot start a replay");
	else if (!ret && *view && strcmp(view, want))
		ret = nsima_err_set(&err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				    "saved by a verify of %s%s, not of %s%s: its entries were seen redacted",
				    *view ? "the view of " : "the whole list",
				    view, *want ? "the view of " : "the whole list",
				    want);
	in->have_cp = !ret;
	return ret ? fail(o, o->checkpoint, ret, &err) : 0;
}

static int check_clock(const struct attest_args *o, const struct verify_in *in)
{
	struct nsima_clock prev;
	struct nsima_quote *pq;
	uint8_t *buf;
	size_t len;
	int ret;

	ret = read_input(o, o->prev_clock, NSIMA_SMALL_FILE_MAX, &buf, &len);
	if (ret)
		return ret;
	if (len >= 4 && buf[0] == 0xff && buf[1] == 0x54) {
		pq = malloc(sizeof(*pq));
		ret = pq ? PARSE(o, o->prev_clock,
				 nsima_quote_parse(buf, len, pq, &__e)) :
			   NSIMA_EXIT_INTERNAL;
		if (!ret)
			prev = pq->clock;
		free(pq);
	} else {
		ret = PARSE(o, o->prev_clock,
			    nsima_clock_parse_json(buf, len, &prev, &__e));
	}
	free(buf);
	if (ret)
		return ret;
	return PARSE(o, o->quote ? o->quote : o->evidence,
		     nsima_clock_check(&prev, &in->q.clock, (o->given[OPT_ALLOW_RESUME] ? NSIMA_CLOCK_ALLOW_RESUME : 0),
				       &__e));
}

/* "(ns 4026532114, /usr/bin/curl)" */
static void desc_format(const struct nsima_entry_desc *d, char *buf, size_t size)
{
	if (!d->known)
		snprintf(buf, size, "(not in the log)");
	else if (d->redacted)
		snprintf(buf, size, "(redacted: template digests only)");
	else if (!d->named)
		snprintf(buf, size, "(%s, no name)", d->tmpl);
	else if (!strcmp(d->ns, "host"))
		snprintf(buf, size, "(host, %s%s)", d->path,
			 d->violation ? ", violation" : "");
	else
		snprintf(buf, size, "(ns %s, %s%s)", d->ns, d->path,
			 d->violation ? ", violation" : "");
}

/* The entry @index described @d, into the verdict @j. */
static void json_desc(json_t *j, uint64_t index,
		      const struct nsima_entry_desc *d)
{
	json_object_set_new(j, "entry", json_integer((json_int_t)index));
	if (!d->known)
		return;
	json_object_set_new(j, "redacted", json_boolean(d->redacted));
	if (d->tmpl[0])
		json_object_set_new(j, "template",
				    attest_jstr(d->tmpl, strlen(d->tmpl)));
	if (!d->named)
		return;
	json_object_set_new(j, "namespace", attest_jstr(d->ns, strlen(d->ns)));
	json_object_set_new(j, "path", attest_jstr(d->path, d->path_len));
	json_object_set_new(j, "violation", json_boolean(d->violation));
}

/* The verdict's JSON when --json (else NULL: the text line). */
static json_t *verdict(const struct attest_args *o, int code,
		       const char *line)
{
	return o->given[OPT_JSON] ? attest_verdict(code, line) : NULL;
}

/*
 * A failure at an entry of @log: "<category>: <input>: entry N (ns X, P):
 * <msg>", or JSON with entry, namespace, path.
 */
static int fail_entry_desc(const struct attest_args *o, const char *input,
			   int rc, const struct nsima_err *err,
			   const struct nsima_entry_desc *dp)
{
	char line[NSIMA_ERR_MSG_MAX + 1024], what[300];
	int code = attest_exit_code(rc);
	struct nsima_entry_desc d = *dp;
	json_t *j;

	if (err->where != NSIMA_AT_ENTRY)
		return fail(o, input, rc, err);
	desc_format(&d, what, sizeof(what));
	snprintf(line, sizeof(line), "%s: entry %llu %s: %s", input,
		 (unsigned long long)err->pos, what,
		 err->msg[0] ? err->msg : nsima_strerror(rc));
	j = verdict(o, code, line);
	if (j)
		json_desc(j, err->pos, &d);
	return attest_emit(o->given[OPT_JSON], j, code, line);
}

/* {"<bank>":"<hex>",..} of @p for the banks in @banks */
static json_t *bank_values(const struct nsima_pcrs *p, unsigned int banks)
{
	char h[2 * NSIMA_DIGEST_MAX + 1];
	json_t *o = json_object();
	int b;

	for (b = 0; b < NSIMA_BANK_COUNT; b++) {
		if (!(banks & NSIMA_BANK_BIT(b)))
			continue;
		nsima_hex_encode(p->val[b], nsima_bank_size(b), h);
		json_object_set_new(o, nsima_bank_name(b), json_string(h));
	}
	return o;
}

/*
 * The replay never reached the quoted value. Which entry is wrong cannot
 * be told from a PCR (a deleted, inserted or reordered entry, a truncated
 * log and another boot's log all look the same), so say what is known:
 * the entries replayed, the value reached after the last one and the
 * quoted one, and whether the log starts with an aggregate.
 */
static int fail_unreachable(const struct attest_args *o, const char *input,
			    const struct nsima_verify *v)
{
	const struct nsima_pcrs *quoted = &v->quoted;
	char line[NSIMA_ERR_MSG_MAX + 1024], hint[400] = "", what[300];
	char h1[2 * NSIMA_DIGEST_MAX + 1], h2[2 * NSIMA_DIGEST_MAX + 1];
	uint64_t replayed = v->end.next - v->start.next;
	int bank = -1, b;
	json_t *j;

	for (b = 0; b < NSIMA_BANK_COUNT; b++)
		if (quoted->banks & NSIMA_BANK_BIT(b))
			bank = bank < 0 || b == NSIMA_BANK_SHA256 ? b : bank;
	if (v->start.next == 0 && v->d0.named &&
	    strcmp(v->d0.path, "nsima_aggregate") &&
	    strcmp(v->d0.path, "boot_aggregate")) {
		desc_format(&v->d0, what, sizeof(what));
		snprintf(hint, sizeof(hint),
			 "; entry 0 %s is not an aggregate (head truncated?)",
			 what);
	}
	nsima_hex_encode(v->end.pcrs.val[bank], nsima_bank_size(bank), h1);
	if (v->derive)
		nsima_hex_encode(v->q->pcr_digest, v->q->pcr_digest_len, h2);
	else
		nsima_hex_encode(quoted->val[bank], nsima_bank_size(bank), h2);
	snprintf(line, sizeof(line),
		 "%s: replay of %llu entries (%llu..%llu) never reaches the quoted PCR %u: %s after the last is %s, %s %s; an entry was deleted, inserted or reordered, the log is truncated or from another boot (a PCR cannot tell which)%s",
		 input, (unsigned long long)replayed,
		 (unsigned long long)v->start.next,
		 (unsigned long long)(v->end.next ? v->end.next - 1 : 0),
		 v->pcr, nsima_bank_name(bank), h1,
		 v->derive ? "no prefix hashes to the quote's pcrDigest" :
			     "quoted",
		 h2, hint);
	j = verdict(o, NSIMA_EXIT_REPLAY, line);
	if (j) {
		json_object_set_new(j, "from",
				    json_integer((json_int_t)v->start.next));
		json_object_set_new(j, "replayed",
				    json_integer((json_int_t)replayed));
		json_object_set_new(j, "reached",
				    bank_values(&v->end.pcrs, quoted->banks));
		if (v->derive) {
			nsima_hex_encode(v->q->pcr_digest,
					 v->q->pcr_digest_len, h1);
			json_object_set_new(j, "quoted",
					    json_pack("{s:s}", "pcrDigest", h1));
		} else {
			json_object_set_new(j, "quoted",
					    bank_values(quoted, quoted->banks));
		}
	}
	return attest_emit(o->given[OPT_JSON], j, NSIMA_EXIT_REPLAY, line);
}

static json_t *json_ns_state(const struct nsima_ns_state *st)
{
	char hex[2 * NSIMA_NS_STATE_CHAIN + 1];

	nsima_hex_encode(st->chain, NSIMA_NS_STATE_CHAIN, hex);
	return json_pack("{s:I,s:s}", "count", (json_int_t)st->count, "chain",
			 hex);
}

/*
 * "view":{..}: whose view, whether an ns_state proves it complete, the
 * latest covered ns_state (entry, what it says, what the view gives), the
 * namespace's entries after it, the covered entries redacted, and the
 * running state after the covered entries (--ns-chain of a next verify
 * that continues from a checkpoint there).
 */
static void json_ns(json_t *j, const struct attest_args *o,
		    const struct nsima_verify *out, bool proven)
{
	const struct nsima_ns_check *c = &out->nc;
	char ns[NSIMA_VIEW_MAX], st[NSIMA_NS_STATE_TEXT_MAX];
	bool stated = c->have && !out->ns_first;

	view_name(o, ns);
	nsima_ns_state_format(&c->run, st);
	json_object_set_new(j, "view", json_pack(
		"{s:s,s:b,s:o,s:o*,s:o*,s:I,s:I,s:I,s:I,s:s}",
		"namespace", ns, "proven", proven,
		"state_entry", stated ? json_integer((json_int_t)c->state_index) :
					json_null(),
		"stated", stated ? json_ns_state(&c->stated) : NULL,
		"shown", stated ? json_ns_state(&c->shown) : NULL,
		"entries", (json_int_t)(c->run.count - c->start.count),
		"after", (json_int_t)nsima_ns_check_after(c),
		"redacted", (json_int_t)c->redacted,
		"covered", (json_int_t)c->entries, "chain", st));
}

/* The verdict line's namespace part (trusted), or a failure's tail. */
static void ns_summary(const struct attest_args *o,
		       const struct nsima_verify *out, bool proven, char *buf,
		       size_t size)
{
	const struct nsima_ns_check *c = &out->nc;
	char ns[NSIMA_VIEW_MAX], after[128] = "";
	uint64_t n = nsima_ns_check_after(c);

	view_name(o, ns);
	if (proven && n)
		snprintf(after, sizeof(after),
			 "; %llu entries after the last ns_state: completeness not proven for them",
			 (unsigned long long)n);
	if (proven)
		snprintf(buf, size,
			 "ns %s: complete up to its ns_state at entry %llu (%llu entries)%s; %llu of %llu covered entries redacted",
			 ns, (unsigned long long)c->state_index,
			 (unsigned long long)c->stated.count, after,
			 (unsigned long long)c->redacted,
			 (unsigned long long)c->entries);
	else
		snprintf(buf, size,
			 "ns %s: completeness unproven: %llu entries of it shown; %llu of %llu covered entries redacted",
			 ns, (unsigned long long)(c->run.count - c->start.count),
			 (unsigned long long)c->redacted,
			 (unsigned long long)c->entries);
}

/*
 * ns-incomplete (13) at the ns_state entry, or ns-state-missing (14);
 * 0 when the view agrees with its latest ns_state or --allow-unproven-ns
 * takes an unproven one.
 */
static int ns_verdict(const struct attest_args *o, const char *input,
		      const struct nsima_verify *out)
{
	char line[NSIMA_ERR_MSG_MAX + 1024], what[300], sum[400];
	struct nsima_err err = { 0 };
	int rc, code;
	json_t *j;

	rc = nsima_verify_ns(out, &err);
	if (!rc || (rc == NSIMA_ENSUNPROVEN && o->given[OPT_ALLOW_UNPROVEN_NS]))
		return 0;
	code = attest_exit_code(rc);
	if (err.where == NSIMA_AT_ENTRY) {
		snprintf(sum, sizeof(sum), "%llu of %llu covered entries redacted",
			 (unsigned long long)out->nc.redacted,
			 (unsigned long long)out->nc.entries);
		desc_format(&out->state, what, sizeof(what));
		snprintf(line, sizeof(line), "%s: entry %llu %s: %s; %s", input,
			 (unsigned long long)err.pos, what, err.msg, sum);
	} else {
		ns_summary(o, out, false, sum, sizeof(sum));
		snprintf(line, sizeof(line), "%s: %s; %s%s", input, err.msg,
			 sum,
			 rc == NSIMA_ENSUNPROVEN ?
				 " (--allow-unproven-ns accepts it)" : "");
	}
	j = verdict(o, code, line);
	if (j && err.where == NSIMA_AT_ENTRY)
		json_desc(j, err.pos, &out->state);
	if (j)
		json_ns(j, o, out, false);
	return attest_emit(o->given[OPT_JSON], j, code, line);
}

/* The list against the verified quote (lib/verify.c), and its verdict. */
static int check_log(const struct attest_args *o, struct verify_in *in)
{
	const char *input = o->log ? o->log : o->evidence;
	struct nsima_verify *v = &in->v;
	struct nsima_err err = { 0 };
	int rc;

	/*
	 * Only the verifier's own checkpoint may start a replay anywhere
	 * but at zero: a bundle's checkpoint must agree with it.
	 */
	if (in->have_ev && in->ev.has_checkpoint &&
	    (!in->have_cp || !nsima_replay_equal(&in->ev.checkpoint, &in->cp))) {
		nsima_err_set(&err, NSIMA_EGAP, NSIMA_AT_NONE, 0,
			      "bundle continues from a checkpoint at entry %llu that %s",
			      (unsigned long long)in->ev.checkpoint.next,
			      in->have_cp ? "is not the verifier's --checkpoint" :
					    "needs the verifier's --checkpoint");
		return fail(o, input, err.code, &err);
	}
	v->q = &in->q;
	v->sig_hash = in->sig.hash;
	v->vals = in->derive ? NULL : &in->vals;
	v->pcr = o->pcr;
	v->cp = in->have_cp ? &in->cp : NULL;
	v->ns_set = o->given[OPT_NS];
	v->host = o->host;
	v->nsid = o->nsid;
	v->ns_chain = o->given[OPT_NS_CHAIN] ? &o->ns_chain : NULL;
	rc = nsima_verify_walk(v, in->list, in->list_len, in->fmt, in->bank,
			       in->first, in->first_given, &err);
	if (v->fail == NSIMA_VFAIL_UNREACHABLE)
		return fail_unreachable(o, input, v);
	if (v->fail == NSIMA_VFAIL_ENTRY)
		return fail_entry_desc(o, input, rc, &err, &v->bad);
	if (rc)
		return fail(o, input, rc, &err);
	if (in->derive)
		in->vals = v->derived;
	return o->given[OPT_NS] ? ns_verdict(o, input, v) : 0;
}

/* A trusted --ns view: proven complete, or accepted unproven. */
static bool ns_proven(const struct nsima_verify *out)
{
	return !nsima_verify_ns(out, NULL);
}

/*
 * "; log: 9 entries covered, 0 pending"; from a checkpoint, the entries
 * before it are the verifier's earlier verdict, said so.
 */
static void print_covered(const struct nsima_verify *out)
{
	printf("; PCR %u log: %llu entries covered", out->pcr,
	       (unsigned long long)out->covered);
	if (out->from)
		printf(" (0..%llu by the verifier's checkpoint)",
		       (unsigned long long)(out->from - 1));
	printf(", %llu pending", (unsigned long long)out->pending);
	if (out->unchecked)
		printf(", %llu before the checkpoint not replayed",
		       (unsigned long long)out->unchecked);
}

static void print_trusted(const struct attest_args *o,
			  const struct verify_in *in,
			  const struct nsima_verify *out, double ms)
{
	const struct nsima_clock *c = &in->q.clock;
	char sel[256], a[8], b[8], fw[17];
	json_t *j, *pcrs;
	unsigned int i;

	nsima_pcr_select_format(&in->q.sel, sel, sizeof(sel));
	snprintf(fw, sizeof(fw), "%016llx", (unsigned long long)in->q.firmware);
	if (!o->given[OPT_JSON]) {
		printf("trusted: %s signed by %s/%s AK; resetCount %u restartCount %u clock %llu ms",
		       sel, nsima_tpm_alg_name(in->sig.alg, a),
		       nsima_tpm_alg_name(in->sig.hash, b), c->reset_count,
		       c->restart_count, (unsigned long long)c->clock);
		if (in->have_log)
			print_covered(out);
		if (in->have_log && o->given[OPT_NS]) {
			char sum[400];

			ns_summary(o, out, ns_proven(out), sum, sizeof(sum));
			printf("; %s", sum);
		}
		printf("\n");
		return;
	}
	j = json_pack("{s:s,s:i,s:s,s:s,s:s,s:{s:I,s:i,s:i,s:b},s:s}",
		      "result", "trusted", "exit", 0, "select", sel,
		      "sig_alg", nsima_tpm_alg_name(in->sig.alg, a),
		      "hash_alg", nsima_tpm_alg_name(in->sig.hash, b),
		      "clock", "clock", (json_int_t)c->clock,
		      "resetCount", (int)c->reset_count,
		      "restartCount", (int)c->restart_count, "safe", c->safe,
		      "firmware", fw);
	pcrs = json_object();
	for (i = 0; i < in->vals.count; i++) {
		char h[2 * NSIMA_DIGEST_MAX + 1], key[16];

		nsima_hex_encode(in->vals.v[i].val, in->vals.v[i].size, h);
		snprintf(key, sizeof(key), "%s:%u",
			 nsima_tpm_alg_name(in->vals.v[i].alg, a),
			 in->vals.v[i].pcr);
		json_object_set_new(pcrs, key, json_string(h));
	}
	json_object_set_new(j, "pcrs", pcrs);
	if (in->have_log) {
		json_object_set_new(j, "log_pcr", json_integer(out->pcr));
		json_object_set_new(j, "covered",
				    json_integer((json_int_t)out->covered));
		json_object_set_new(j, "pending",
				    json_integer((json_int_t)out->pending));
		json_object_set_new(j, "from",
				    json_integer((json_int_t)out->from));
		json_object_set_new(j, "unchecked",
				    json_integer((json_int_t)out->unchecked));
	}
	if (in->have_log && o->given[OPT_NS])
		json_ns(j, o, out, ns_proven(out));
	json_object_set_new(j, "ms", json_real(ms));
	json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER |
			      JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
	putchar('\n');
	json_decref(j);
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
static int save_state(const struct attest_args *o, const struct verify_in *in,
		      const struct nsima_verify *out)
{
	char view[NSIMA_VIEW_MAX];
	struct nsima_err err = { 0 };
	struct nsima_buf b;
	int rc = 0;

	view_name(o, view);
	if (o->save_clock) {
		nsima_buf_init(&b);
		rc = save(o->save_clock, &b,
			  nsima_clock_write_json(&in->q.clock, &b, &err), &err);
	}
	if (!rc && o->save_checkpoint) {
		nsima_buf_init(&b);
		rc = save(o->save_checkpoint, &b,
			  nsima_checkpoint_write_json(&out->at, view, &b, &err),
			  &err);
	}
	return rc;
}

static int run(struct attest_args *o, struct verify_in *in)
{
	const char *qname = o->quote ? o->quote : o->evidence;
	struct timespec t0, t1;
	double ms;
	uint8_t *buf;
	size_t len;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = read_input(o, o->ak, NSIMA_SMALL_FILE_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = PARSE(o, o->ak, nsima_akpub_parse(buf, len, &in->ak, &__e));
	free(buf);
	if (ret)
		return ret;
	ret = o->evidence ? load_evidence(o, in, &in->ak) : load_files(o, in);
	if (ret)
		return ret;
	if (o->log) {
		ret = load_log(o, in);
		if (ret)
			return ret;
	}
	if (o->checkpoint) {
		ret = load_checkpoint(o, in);
		if (ret)
			return ret;
	}
	ret = PARSE(o, qname,
		    nsima_quote_verify(&in->q, &in->sig, &in->ak, o->nonce,
				       o->nonce_len, o->given[OPT_SELECT] ? &o->sel : NULL,
				       in->derive ? NULL : &in->vals, &__e));
	if (ret)
		return ret;
	if (o->prev_clock) {
		ret = check_clock(o, in);
		if (ret)
			return ret;
	}
	if (in->have_log) {
		ret = PARSE(o, qname,
			    nsima_verify_policy(&in->q, o->given[OPT_PCR],
						o->given[OPT_SELECT], &o->pcr,
						&__e));
		if (ret)
			return ret;
		ret = check_log(o, in);
		if (ret)
			return ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ret = save_state(o, in, &in->v);
	if (ret)
		return ret;
	print_trusted(o, in, &in->v, ms);
	return NSIMA_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
	struct attest_args o;
	struct verify_in *in;
	int ret;

	/* tpm2-tss logs each failure itself; ours is the one line (TSS2_LOG
	 * set by the user still wins) */
	setenv("TSS2_LOG", "all+none", 0);
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? NSIMA_EXIT_OK : ret;
	in = calloc(1, sizeof(*in));
	if (!in) {
		attest_msg("verify: out of memory");
		return NSIMA_EXIT_INTERNAL;
	}
	ret = run(&o, in);
	nsima_akpub_free(&in->ak);
	nsima_evidence_free(&in->ev);
	if (in->mapped)
		attest_unmap_file(in->mapped, in->list_len, in->was_mapped);
	free(in);
	return ret;
}
