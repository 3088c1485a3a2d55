// SPDX-License-Identifier: GPL-2.0
/*
 * The list half of a verification (lib/verify.h): one pass, entry by
 * entry, for streamed and in-memory lists alike.
 */
#include <string.h>

#include "log_format.h"
#include "verify.h"

/* The quote's selection filled with the replayed values @run. */
static void derive_values(const struct nsima_verify *v,
			  const struct nsima_pcrs *run,
			  struct nsima_pcr_values *out)
{
	const struct nsima_pcr_select *sel = &v->q->sel;
	unsigned int i;
	int bank;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sel->count; i++) {
		bank = nsima_bank_by_alg(sel->bank[i].alg);
		if (bank >= 0 && (sel->bank[i].mask & (1u << v->pcr)))
			nsima_pcr_values_add(out, sel->bank[i].alg, v->pcr,
					     run->val[bank],
					     nsima_bank_size(bank), NULL);
	}
}

/* Does the replay state @run reach the quote? */
static bool reached(const struct nsima_verify *v, const struct nsima_pcrs *run)
{
	struct nsima_pcr_values d;

	if (!v->derive)
		return nsima_pcrs_match(run, &v->quoted);
	derive_values(v, run, &d);
	return nsima_pcr_digest_is(v->q, v->sig_hash, &d);
}

/* The banks of v->pcr the quote selects, with their values if given. */
static int quoted_banks(struct nsima_verify *v, struct nsima_err *err)
{
	const struct nsima_pcr_select *sel = &v->q->sel;
	const uint8_t *val;
	unsigned int i;
	int bank;

	v->derive = !v->vals;
	for (i = 0; i < sel->count; i++) {
		if (v->derive && (sel->bank[i].mask & ~(1u << v->pcr)))
			return nsima_err_set(err, NSIMA_EPCRDIGEST, NSIMA_AT_NONE,
					     0,
					     "the quote selects other PCRs than %u, whose values the list cannot give: give them (--pcrs)",
					     v->pcr);
		if (!(sel->bank[i].mask & (1u << v->pcr)))
			continue;
		bank = nsima_bank_by_alg(sel->bank[i].alg);
		if (bank < 0 && v->derive)
			return nsima_err_set(err, NSIMA_EUNSUPPORTED,
					     NSIMA_AT_NONE, 0,
					     "the quote selects a bank (0x%04x) the replay cannot compute: give the values (--pcrs)",
					     sel->bank[i].alg);
		val = v->derive ? NULL :
			nsima_pcr_values_get(v->vals, sel->bank[i].alg,
					     v->pcr);
		if (bank < 0 || (!val && !v->derive))
			continue;
		if (val)
			memcpy(v->quoted.val[bank], val, nsima_bank_size(bank));
		v->quoted.banks |= NSIMA_BANK_BIT(bank);
	}
	if (!v->quoted.banks)
		return nsima_err_set(err, NSIMA_EUNREACHABLE, NSIMA_AT_NONE, 0,
				     "the quote does not cover PCR %u", v->pcr);
	return 0;
}

static int fail(struct nsima_verify *v, enum nsima_vfail kind, int rc)
{
	v->fail = kind;
	return rc;
}

int nsima_verify_start(struct nsima_verify *v, uint64_t first,
		       struct nsima_err *err)
{
	int rc;

	rc = quoted_banks(v, err);
	if (rc)
		return fail(v, NSIMA_VFAIL_OTHER, rc);
	if (v->cp) {
		/* the verifier's own state, for every quoted bank */
		if (v->cp->pcr != v->pcr ||
		    (v->cp->pcrs.banks & v->quoted.banks) != v->quoted.banks)
			return fail(v, NSIMA_VFAIL_OTHER,
				    nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_NONE,
						  0,
						  "checkpoint is for PCR %u without every quoted bank",
						  v->cp->pcr));
		v->start = *v->cp;
		v->start.pcrs.banks = v->quoted.banks;
	} else {
		rc = nsima_replay_init(&v->start, v->pcr, v->quoted.banks, err);
		if (rc)
			return fail(v, NSIMA_VFAIL_OTHER, rc);
	}
	if (v->start.next < first)
		return fail(v, NSIMA_VFAIL_OTHER,
			    nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_NONE, 0,
					  "log starts at entry %llu, replay continues at %llu",
					  (unsigned long long)first,
					  (unsigned long long)v->start.next));
	v->first = first;
	v->from = v->start.next;
	v->run = v->start;
	v->skip = v->start;
	/* from a checkpoint, nothing new may be what the quote covers */
	if (v->cp && reached(v, &v->start.pcrs)) {
		v->matched = true;
		v->at = v->start;
	}
	v->from_zero = first == 0 && v->start.next > 0;
	if (v->from_zero)
		nsima_replay_init(&v->skip, v->pcr, v->start.pcrs.banks, NULL);
	if (v->ns_set && v->ns_chain) {
		nsima_ns_check_init(&v->nc, v->host, v->nsid, v->start.next,
				    v->ns_chain);
	} else if (v->ns_set) {
		nsima_ns_check_init(&v->nc, v->host, v->nsid, 0, NULL);
		v->ns_first = first;
	}
	return 0;
}

/*
 * What the quote can vouch for: an entry of the PCR replayed, shown in
 * full unless this is a namespace's view (then it must be the
 * namespace's: nsima_view_check_entry).
 */
static int vouch(const struct nsima_verify *v, const struct nsima_entry *e,
		 uint64_t idx, struct nsima_err *err)
{
	if (e->pcr != v->pcr)
		return nsima_err_set(err, NSIMA_ENOTVOUCHED, NSIMA_AT_ENTRY, idx,
				     "extends PCR %u, but the replay is of PCR %u: the quote does not vouch for it",
				     e->pcr, v->pcr);
	if (!e->data && !v->ns_set)
		return nsima_err_set(err, NSIMA_ENOTVOUCHED, NSIMA_AT_ENTRY, idx,
				     "redacted (template digests only) in a whole-list verify: the quote vouches for its digests, not for what it was (a namespace's view is verified with --ns)");
	if (v->ns_set)
		return nsima_view_check_entry(e, idx, v->host, v->nsid, err);
	return 0;
}

/*
 * An entry before the checkpoint: its digests checked; replayed from
 * zero when the list starts at entry 0, and then the last one must reach
 * the checkpoint's values (else an entry changed since the verifier saw
 * it); else only counted.
 */
static int before_start(struct nsima_verify *v, const struct nsima_entry *e,
			uint64_t idx, struct nsima_err *err)
{
	int rc;

	v->unchecked += !v->from_zero;
	v->skip.next = idx;
	rc = nsima_replay_entry(&v->skip, e, NSIMA_REPLAY_VERIFY, err);
	if (rc || !v->from_zero || idx + 1 != v->start.next ||
	    nsima_pcrs_match(&v->skip.pcrs, &v->start.pcrs))
		return rc;
	return nsima_err_set(err, NSIMA_EUNREACHABLE, NSIMA_AT_NONE, 0,
			     "entries 0..%llu do not replay to the verifier's checkpoint at entry %llu: an entry before it changed since it was verified",
			     (unsigned long long)idx,
			     (unsigned long long)v->start.next);
}

int nsima_verify_entry(struct nsima_verify *v, const struct nsima_entry *e,
		       struct nsima_err *err)
{
	uint64_t idx = v->first + v->records;
	bool covered = idx < v->start.next || !v->matched;
	int rc;

	v->records++;
	if (idx == 0)
		nsima_entry_describe(e, &v->d0);
	rc = vouch(v, e, idx, err);
	if (!rc && idx < v->start.next) {
		rc = before_start(v, e, idx, err);
	} else if (!rc) {
		rc = nsima_replay_entry(&v->run, e, NSIMA_REPLAY_VERIFY, err);
		if (!rc && !v->matched && e->pcr == v->run.pcr &&
		    reached(v, &v->run.pcrs)) {
			v->matched = true;
			v->at = v->run;
		}
	}
	if (!rc && v->ns_set && covered) {
		rc = nsima_ns_check_entry(&v->nc, e, idx, err);
		if (!rc && v->nc.have && v->nc.state_index == idx)
			nsima_entry_describe(e, &v->state);
	}
	if (!rc)
		return 0;
	if (err && err->where == NSIMA_AT_ENTRY) {
		nsima_entry_describe(e, &v->bad);
		return fail(v, NSIMA_VFAIL_ENTRY, rc);
	}
	return fail(v, NSIMA_VFAIL_OTHER, rc);
}

int nsima_verify_end(struct nsima_verify *v, struct nsima_err *err)
{
	if (v->start.next > v->first + v->records)
		return fail(v, NSIMA_VFAIL_OTHER,
			    nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_NONE, 0,
					  "log holds %llu entries from %llu, replay continues at %llu",
					  (unsigned long long)v->records,
					  (unsigned long long)v->first,
					  (unsigned long long)v->start.next));
	if (!v->matched) {
		v->end = v->run;
		return fail(v, NSIMA_VFAIL_UNREACHABLE,
			    nsima_err_set(err, NSIMA_EUNREACHABLE, NSIMA_AT_NONE,
					  0,
					  "replay of %llu entries never reaches the quoted PCR %u",
					  (unsigned long long)(v->run.next -
							       v->start.next),
					  v->pcr));
	}
	v->covered = v->at.next;
	v->pending = v->first + v->records - v->at.next;
	if (v->derive)
		derive_values(v, &v->at.pcrs, &v->derived);
	return 0;
}

int nsima_verify_log(struct nsima_verify *v, const struct nsima_log *log,
		     struct nsima_err *err)
{
	size_t i;
	int rc;

	if (log->index)
		return fail(v, NSIMA_VFAIL_OTHER,
			    nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE,
					  0, "the list has gaps"));
	rc = nsima_verify_start(v, log->first_index, err);
	for (i = 0; !rc && i < log->count; i++)
		rc = nsima_verify_entry(v, &log->entries[i], err);
	return rc ? rc : nsima_verify_end(v, err);
}

struct vwalk {
	struct nsima_verify *v;
	bool started;
};

static int walk_entry(const struct nsima_entry *e, uint64_t index, void *ctx,
		      struct nsima_err *err)
{
	struct vwalk *w = ctx;
	int rc;

	if (!w->started) {	/* a CEL list's first record says where */
		w->started = true;
		rc = nsima_verify_start(w->v, index, err);
		if (rc)
			return rc;
	}
	return nsima_verify_entry(w->v, e, err);
}

int nsima_verify_walk(struct nsima_verify *v, const uint8_t *buf, size_t len,
		      enum nsima_log_format fmt, int hdr_bank, uint64_t first,
		      bool first_given, struct nsima_err *err)
{
	struct vwalk w = { .v = v };
	int rc;

	rc = nsima_log_walk(buf, len, fmt, hdr_bank, first, first_given,
			    walk_entry, &w, err);
	if (!rc && !w.started)	/* an empty list */
		rc = nsima_verify_start(v, first, err);
	if (rc && !v->fail)	/* the list itself does not parse */
		v->fail = err && err->where == NSIMA_AT_ENTRY ?
				  NSIMA_VFAIL_ENTRY : NSIMA_VFAIL_OTHER;
	return rc ? rc : nsima_verify_end(v, err);
}

int nsima_verify_ns(const struct nsima_verify *v, struct nsima_err *err)
{
	if (v->ns_first)
		return nsima_err_set(err, NSIMA_ENSUNPROVEN, NSIMA_AT_NONE, 0,
				     "the view starts at entry %llu: the namespace's ns_state count and chain before it are unknown (--ns-chain)",
				     (unsigned long long)v->ns_first);
	return nsima_ns_check_result(&v->nc, err);
}

int nsima_verify_policy(const struct nsima_quote *q, bool pcr_given,
			bool sel_given, uint32_t *pcr, struct nsima_err *err)
{
	bool strong = false, quoted = false;
	unsigned int i;
	char sel[256];

	if (!pcr_given)
		*pcr = NSIMA_DEFAULT_PCR;
	for (i = 0; i < q->sel.count; i++) {
		if (!(q->sel.bank[i].mask & (1u << *pcr)))
			continue;
		quoted = true;
		strong = strong || nsima_alg_size(q->sel.bank[i].alg) > 20;
	}
	if (quoted && !strong && !sel_given)
		return nsima_err_set(err, NSIMA_EPCRDIGEST, NSIMA_AT_NONE, 0,
				     "the quote covers PCR %u in SHA-1 alone (%s); --select accepts that",
				     *pcr,
				     nsima_pcr_select_format(&q->sel, sel,
							     sizeof(sel)));
	return 0;
}
