// SPDX-License-Identifier: GPL-2.0
/*
 * nsima-attest verify's report (attest/verdict.h): the verdict line or
 * its JSON, failures named down to the entry where one can be named.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "common.h"
#include "hex.h"
#include "nsstate.h"
#include "nsview.h"
#include "verdict.h"

void verdict_view_name(const struct attest_args *o, char *buf)
{
	if (!o->given[OPT_NS])
		buf[0] = '\0';
	else if (o->host)
		snprintf(buf, NSIMA_VIEW_MAX, "host");
	else
		snprintf(buf, NSIMA_VIEW_MAX, "%llu",
			 (unsigned long long)o->nsid);
}

int verdict_fail(const struct attest_args *o, const char *input, int rc,
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
		return verdict_fail(o, input, rc, err);
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


/* The bank a report shows of @banks: SHA-256 if there, else the first. */
static int shown_bank(unsigned int banks)
{
	int bank = -1, b;

	for (b = 0; b < NSIMA_BANK_COUNT; b++)
		if (banks & NSIMA_BANK_BIT(b))
			bank = bank < 0 || b == NSIMA_BANK_SHA256 ? b : bank;
	return bank;
}

/*
 * The replay never reached the quote. Which entry is wrong cannot be
 * told from a PCR (a deleted, inserted or reordered entry, a truncated
 * log and another boot's log all look the same), so say what is known:
 * the entries replayed, the PCR that missed (the first, when the values
 * are derived), the value reached after the last entry and the quoted
 * one, whether that PCR got any entry, and whether the log starts with
 * an aggregate.
 */
static int fail_unreachable(const struct attest_args *o, const char *input,
			    const struct nsima_verify *v)
{
	char line[NSIMA_ERR_MSG_MAX + 1024], hint[400] = "", what[300];
	char h1[2 * NSIMA_DIGEST_MAX + 1], h2[2 * NSIMA_DIGEST_MAX + 1];
	char name[NSIMA_PCR_MASK_NAME_MAX], key2[NSIMA_PCR_MASK_NAME_MAX];
	char key[8];
	uint64_t replayed = v->end.r[0].next - v->from;
	const struct nsima_replay *end, *want;
	unsigned int i = 0;
	json_t *j, *all;
	size_t off;
	int bank;

	while (!v->derive && i + 1 < v->end.count &&
	       nsima_pcrs_match(&v->end.r[i].pcrs, &v->quoted.r[i].pcrs))
		i++;
	end = &v->end.r[i];
	want = &v->quoted.r[i];
	bank = shown_bank(want->pcrs.banks);
	nsima_hex_encode(end->pcrs.val[bank], nsima_bank_size(bank), h1);
	if (v->derive)
		nsima_hex_encode(v->q->pcr_digest, v->q->pcr_digest_len, h2);
	else
		nsima_hex_encode(want->pcrs.val[bank], nsima_bank_size(bank),
				 h2);
	key2[0] = '\0';
	if (v->end.count > 1)	/* which of them */
		snprintf(key2, sizeof(key2), "PCR %u ", end->pcr);
	off = 0;
	if (!v->from && strspn(h1, "0") == strlen(h1))
		off += (size_t)snprintf(hint, sizeof(hint),
					"; no entry extends PCR %u (--pcr says which PCRs the list carries)",
					end->pcr);
	if (!v->from && v->d0.named && strcmp(v->d0.path, "nsima_aggregate") &&
	    strcmp(v->d0.path, "boot_aggregate")) {
		desc_format(&v->d0, what, sizeof(what));
		snprintf(hint + off, sizeof(hint) - off,
			 "; entry 0 %s is not an aggregate (head truncated?)",
			 what);
	}
	snprintf(line, sizeof(line),
		 "%s: replay of %llu entries (%llu..%llu) never reaches the quoted %s: %s%s after the last is %s, %s %s; an entry was deleted, inserted or reordered, the log is truncated or from another boot (a PCR cannot tell which)%s",
		 input, (unsigned long long)replayed,
		 (unsigned long long)v->from,
		 (unsigned long long)(end->next ? end->next - 1 : 0),
		 nsima_pcr_mask_format(v->pcrs, name),
		 key2,
		 nsima_bank_name(bank), h1,
		 v->derive ? "no prefix hashes to the quote's pcrDigest" :
			     "quoted",
		 h2, hint);
	j = verdict(o, NSIMA_EXIT_REPLAY, line);
	if (!j)
		return attest_emit(false, NULL, NSIMA_EXIT_REPLAY, line);
	json_object_set_new(j, "from", json_integer((json_int_t)v->from));
	json_object_set_new(j, "replayed", json_integer((json_int_t)replayed));
	json_object_set_new(j, "pcr", json_integer(end->pcr));
	json_object_set_new(j, "reached",
			    bank_values(&end->pcrs, want->pcrs.banks));
	if (v->derive)
		json_object_set_new(j, "quoted",
				    json_pack("{s:s}", "pcrDigest", h2));
	else
		json_object_set_new(j, "quoted",
				    bank_values(&want->pcrs, want->pcrs.banks));
	all = json_object();
	for (i = 0; i < v->end.count; i++) {
		snprintf(key, sizeof(key), "%u", v->end.r[i].pcr);
		json_object_set_new(all, key,
				    bank_values(&v->end.r[i].pcrs,
						v->quoted.r[i].pcrs.banks));
	}
	json_object_set_new(j, "reached_pcrs", all);
	return attest_emit(true, j, NSIMA_EXIT_REPLAY, line);
}

int verdict_list_fail(const struct attest_args *o, const char *input, int rc,
		      const struct nsima_err *err, const struct nsima_verify *v)
{
	if (v->fail == NSIMA_VFAIL_UNREACHABLE)
		return fail_unreachable(o, input, v);
	if (v->fail == NSIMA_VFAIL_ENTRY)
		return fail_entry_desc(o, input, rc, err, &v->bad);
	return verdict_fail(o, input, rc, err);
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

	verdict_view_name(o, ns);
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

	verdict_view_name(o, ns);
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
int verdict_ns(const struct attest_args *o, const char *input,
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


/* A trusted --ns view: proven complete, or accepted unproven. */
static bool ns_proven(const struct nsima_verify *out)
{
	return !nsima_verify_ns(out, NULL);
}

/*
 * "; log: 9 entries covered, 0 pending"; from a checkpoint, the entries
 * before it are the verifier's earlier verdict, said so.
 */
static void print_covered(const struct attest_args *o,
			  const struct nsima_verify *out)
{
	char name[NSIMA_PCR_MASK_NAME_MAX];

	printf("; %s log%s: %llu entries covered",
	       nsima_pcr_mask_format(out->pcrs, name),
	       (out->pcrs & (1u << NSIMA_DEFAULT_PCR)) || o->given[OPT_PCR] ?
		       "" : " (not nsima's PCR 11: --pcr 11 requires it)",
	       (unsigned long long)out->covered);
	if (out->from)
		printf(" (0..%llu by the verifier's checkpoint)",
		       (unsigned long long)(out->from - 1));
	printf(", %llu pending", (unsigned long long)out->pending);
	if (out->unchecked)
		printf(", %llu before the checkpoint not replayed",
		       (unsigned long long)out->unchecked);
}

void verdict_trusted(const struct attest_args *o, const struct nsima_vinput *in,
		     const struct nsima_verify *out, double ms)
{
	const struct nsima_clock *c = &in->q.clock;
	char sel[1024], a[8], b[8], fw[17];
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
			print_covered(o, out);
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
		json_t *lp = json_array();
		unsigned int p;

		for (p = 0; p < NSIMA_PCR_COUNT; p++)
			if (out->pcrs & (1u << p))
				json_array_append_new(lp, json_integer(p));
		json_object_set_new(j, "log_pcrs", lp);
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

