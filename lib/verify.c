// SPDX-License-Identifier: GPL-2.0
/*
 * The list half of a verification (lib/verify.h): one pass, entry by
 * entry, for streamed and in-memory lists alike.
 */
#include <stdio.h>
#include <string.h>

#include "log_format.h"
#include "verify.h"

/* The quote's selection filled with the replayed values @run. */
static void derive_values(const struct nsima_verify *v,
			  const struct nsima_replay_set *run,
			  struct nsima_pcr_values *out)
{
	const struct nsima_pcr_select *sel = &v->q->sel;
	unsigned int i, j;
	int bank;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sel->count; i++) {
		bank = nsima_bank_by_alg(sel->bank[i].alg);
		for (j = 0; bank >= 0 && j < run->count; j++)
			if (sel->bank[i].mask & (1u << run->r[j].pcr))
				nsima_pcr_values_add(out, sel->bank[i].alg,
						     run->r[j].pcr,
						     run->r[j].pcrs.val[bank],
						     nsima_bank_size(bank),
						     NULL);
	}
}

/* Does the replay state @run reach the quote, in every PCR replayed? */
static bool reached(const struct nsima_verify *v,
		    const struct nsima_replay_set *run)
{
	struct nsima_pcr_values d;

	if (!v->derive)
		return nsima_replay_set_match(run, &v->quoted);
	derive_values(v, run, &d);
	return nsima_pcr_digest_is(v->q, v->sig_hash, &d);
}

/*
 * The banks of each replayed PCR the quote selects, with their values if
 * given, into v->quoted (one state per PCR, ascending).
 */
static int quoted_banks(struct nsima_verify *v, struct nsima_err *err)
{
	const struct nsima_pcr_select *sel = &v->q->sel;
	struct nsima_replay *r;
	const uint8_t *val;
	unsigned int i, j;
	int bank, rc;

	v->derive = !v->vals;
	rc = nsima_replay_set_init(&v->quoted, v->pcrs, NSIMA_BANKS_ALL, err);
	if (rc)
		return rc;
	for (j = 0; j < v->quoted.count; j++)
		v->quoted.r[j].pcrs.banks = 0;
	for (i = 0; i < sel->count; i++) {
		if (v->derive && (sel->bank[i].mask & ~v->pcrs))
			return nsima_err_set(err, NSIMA_EPCRDIGEST, NSIMA_AT_NONE,
					     0,
					     "the quote selects other PCRs than those replayed, whose values the list cannot give: give them (--pcrs)");
		bank = nsima_bank_by_alg(sel->bank[i].alg);
		if (bank < 0 && v->derive)
			return nsima_err_set(err, NSIMA_EUNSUPPORTED,
					     NSIMA_AT_NONE, 0,
					     "the quote selects a bank (0x%04x) the replay cannot compute: give the values (--pcrs)",
					     sel->bank[i].alg);
		for (j = 0; bank >= 0 && j < v->quoted.count; j++) {
			r = &v->quoted.r[j];
			if (!(sel->bank[i].mask & (1u << r->pcr)))
				continue;
			val = v->derive ? NULL :
				nsima_pcr_values_get(v->vals, sel->bank[i].alg,
						     r->pcr);
			if (!val && !v->derive)
				continue;
			if (val)
				memcpy(r->pcrs.val[bank], val,
				       nsima_bank_size(bank));
			r->pcrs.banks |= NSIMA_BANK_BIT(bank);
		}
	}
	for (j = 0; j < v->quoted.count; j++)
		if (!v->quoted.r[j].pcrs.banks)
			return nsima_err_set(err, NSIMA_EUNREACHABLE,
					     NSIMA_AT_NONE, 0,
					     "the quote does not cover PCR %u",
					     v->quoted.r[j].pcr);
	return 0;
}

/* Every PCR of @s in the banks v->quoted has for it, else zero. */
static int start_state(const struct nsima_verify *v,
		       struct nsima_replay_set *s, struct nsima_err *err)
{
	unsigned int j;
	int rc;

	rc = nsima_replay_set_init(s, v->pcrs, NSIMA_BANKS_ALL, err);
	for (j = 0; !rc && j < s->count; j++)
		s->r[j].pcrs.banks = v->quoted.r[j].pcrs.banks;
	return rc;
}

/*
 * The verifier's checkpoint as the start: the same PCRs, each with every
 * quoted bank (the others dropped).
 */
static int from_checkpoint(struct nsima_verify *v, struct nsima_err *err)
{
	unsigned int j;

	if (nsima_replay_set_pcrs(v->cp) != v->pcrs)
		return nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_NONE, 0,
				     "the checkpoint is for other PCRs (0x%x) than those replayed (0x%x)",
				     nsima_replay_set_pcrs(v->cp), v->pcrs);
	v->start = *v->cp;
	for (j = 0; j < v->start.count; j++) {
		unsigned int want = v->quoted.r[j].pcrs.banks;

		if ((v->start.r[j].pcrs.banks & want) != want)
			return nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_NONE, 0,
					     "the checkpoint lacks a quoted bank of PCR %u",
					     v->start.r[j].pcr);
		v->start.r[j].pcrs.banks = want;
	}
	return 0;
}

/* The next entry of a replay state (every PCR's is the same). */
#define NEXT(s)	((s)->r[0].next)

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
	if (!rc)
		rc = v->cp ? from_checkpoint(v, err) :
			     start_state(v, &v->start, err);
	if (rc)
		return fail(v, NSIMA_VFAIL_OTHER, rc);
	if (NEXT(&v->start) < first)
		return fail(v, NSIMA_VFAIL_OTHER,
			    nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_NONE, 0,
					  "log starts at entry %llu, replay continues at %llu",
					  (unsigned long long)first,
					  (unsigned long long)NEXT(&v->start)));
	v->first = first;
	v->from = NEXT(&v->start);
	v->run = v->start;
	v->skip = v->start;
	/* from a checkpoint, nothing new may be what the quote covers */
	if (v->cp && reached(v, &v->start)) {
		v->matched = true;
		v->at = v->start;
	}
	v->from_zero = first == 0 && v->from > 0;
	if (v->from_zero)
		start_state(v, &v->skip, NULL);
	if (v->ns_set && v->ns_chain) {
		nsima_ns_check_init(&v->nc, v->host, v->nsid, v->from,
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
	char name[NSIMA_PCR_MASK_NAME_MAX];

	if (e->pcr >= 32 || !(v->pcrs & (1u << e->pcr)))
		return nsima_err_set(err, NSIMA_ENOTVOUCHED, NSIMA_AT_ENTRY, idx,
				     "extends PCR %u, which the replay does not cover (%s): the quote does not vouch for it",
				     e->pcr, nsima_pcr_mask_format(v->pcrs, name));
	if (!e->data && !v->ns_set)
		return nsima_err_set(err, NSIMA_ENOTVOUCHED, NSIMA_AT_ENTRY, idx,
				     "redacted (template digests only) in a whole-list verify: the quote vouches for its digests, not for what it was (a namespace's view is verified with --ns)");
	if (v->ns_set && e->data && e->pcr == NSIMA_IMA_PCR)
		return nsima_err_set(err, NSIMA_ENAMESPACE, NSIMA_AT_ENTRY, idx,
				     "an IMA entry (PCR %u) shown in full in a namespace's view: IMA's entries are no namespace's (their names are not nsima's)",
				     NSIMA_IMA_PCR);
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
	unsigned int j;
	int rc;

	v->unchecked += !v->from_zero;
	for (j = 0; j < v->skip.count; j++)
		v->skip.r[j].next = idx;
	rc = nsima_replay_set_entry(&v->skip, e, NSIMA_REPLAY_VERIFY, err);
	if (rc || !v->from_zero || idx + 1 != v->from ||
	    nsima_replay_set_match(&v->skip, &v->start))
		return rc;
	return nsima_err_set(err, NSIMA_EUNREACHABLE, NSIMA_AT_NONE, 0,
			     "entries 0..%llu do not replay to the verifier's checkpoint at entry %llu: an entry before it changed since it was verified",
			     (unsigned long long)idx,
			     (unsigned long long)v->from);
}

int nsima_verify_entry(struct nsima_verify *v, const struct nsima_entry *e,
		       struct nsima_err *err)
{
	uint64_t idx = v->first + v->records;
	bool covered = idx < v->from || !v->matched;
	int rc;

	v->records++;
	if (idx == 0)
		nsima_entry_describe(e, &v->d0);
	rc = vouch(v, e, idx, err);
	if (!rc && idx < v->from) {
		rc = before_start(v, e, idx, err);
	} else if (!rc) {
		rc = nsima_replay_set_entry(&v->run, e, NSIMA_REPLAY_VERIFY,
					    err);
		if (!rc && !v->matched && reached(v, &v->run)) {
			v->matched = true;
			v->at = v->run;
		}
	}
	/* in a view: what was replayed (not entries before a checkpoint
	 * that could not be) */
	if (!rc && v->ns_set && covered && (idx >= v->from || v->from_zero)) {
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
	char name[NSIMA_PCR_MASK_NAME_MAX];

	if (v->from > v->first + v->records)
		return fail(v, NSIMA_VFAIL_OTHER,
			    nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_NONE, 0,
					  "log holds %llu entries from %llu, replay continues at %llu",
					  (unsigned long long)v->records,
					  (unsigned long long)v->first,
					  (unsigned long long)v->from));
	if (!v->matched) {
		v->end = v->run;
		return fail(v, NSIMA_VFAIL_UNREACHABLE,
			    nsima_err_set(err, NSIMA_EUNREACHABLE, NSIMA_AT_NONE,
					  0,
					  "replay of %llu entries never reaches the quoted %s",
					  (unsigned long long)(NEXT(&v->run) -
							       v->from),
					  nsima_pcr_mask_format(v->pcrs, name)));
	}
	v->covered = NEXT(&v->at);
	v->pending = v->first + v->records - v->covered;
	if (v->derive)
		derive_values(v, &v->at, &v->derived);
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

const char *nsima_pcr_mask_format(uint32_t mask, char *buf)
{
	const char *sep = " ";
	unsigned int pcr;
	size_t off;

	off = (size_t)snprintf(buf, NSIMA_PCR_MASK_NAME_MAX, "PCR%s",
			       __builtin_popcount(mask) > 1 ? "s" : "");
	for (pcr = 0; pcr < NSIMA_PCR_COUNT; pcr++) {
		if (!(mask & (1u << pcr)))
			continue;
		off += (size_t)snprintf(buf + off,
					NSIMA_PCR_MASK_NAME_MAX - off, "%s%u",
					sep, pcr);
		sep = "+";
	}
	return buf;
}

int nsima_verify_policy(const struct nsima_quote *q, uint32_t given,
			bool sel_given, bool view, uint32_t *pcrs,
			struct nsima_err *err)
{
	char sel[1024], name[NSIMA_PCR_MASK_NAME_MAX];
	uint32_t quoted = 0, strong = 0;
	unsigned int i;

	for (i = 0; i < q->sel.count; i++) {
		quoted |= q->sel.bank[i].mask;
		if (nsima_alg_size(q->sel.bank[i].alg) > 20)
			strong |= q->sel.bank[i].mask;
	}
	*pcrs = given ? given : quoted & NSIMA_VERIFY_DEFAULT_PCRS;
	if (!given && view)	/* a view is of nsima's entries */
		*pcrs |= 1u << NSIMA_DEFAULT_PCR;
	if (!*pcrs)
		return nsima_err_set(err, NSIMA_EUNREACHABLE, NSIMA_AT_NONE, 0,
				     "the quote (%s) covers neither IMA's PCR 10 nor nsima's PCR 11: --pcr says which PCR carries the list",
				     nsima_pcr_select_format(&q->sel, sel,
							     sizeof(sel)));
	if ((*pcrs & quoted & ~strong) && !sel_given)
		return nsima_err_set(err, NSIMA_EPCRDIGEST, NSIMA_AT_NONE, 0,
				     "the quote covers %s in SHA-1 alone (%s); --select accepts that",
				     nsima_pcr_mask_format(*pcrs & quoted & ~strong,
							   name),
				     nsima_pcr_select_format(&q->sel, sel,
							     sizeof(sel)));
	return 0;
}
