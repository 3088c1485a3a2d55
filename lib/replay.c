// SPDX-License-Identifier: GPL-2.0
/*
 * Measurement list replay.
 */
#include <string.h>

#include "hex.h"
#include "log_format.h"
#include "replay.h"

int nsima_replay_init(struct nsima_replay *r, uint32_t pcr,
		      unsigned int banks, struct nsima_err *err)
{
	memset(r, 0, sizeof(*r));
	if (pcr >= NSIMA_PCR_COUNT)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "pcr %u out of range (0-%d)", pcr,
				     NSIMA_PCR_COUNT - 1);
	if (!banks || (banks & ~NSIMA_BANKS_ALL))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "bad bank mask 0x%x", banks);
	r->pcr = pcr;
	r->pcrs.banks = banks;
	return 0;
}

static int check_digest(const struct nsima_entry *e, int bank,
			struct nsima_err *err)
{
	uint8_t calc[NSIMA_DIGEST_MAX];
	size_t size = nsima_bank_size(bank);
	char want[2 * NSIMA_DIGEST_MAX + 1], got[2 * NSIMA_DIGEST_MAX + 1];
	int rc;

	rc = nsima_entry_compute_digest(e, bank, calc, err);
	if (rc)
		return rc;
	if (!memcmp(calc, nsima_entry_carried(e, bank), size))
		return 0;
	nsima_hex_encode(nsima_entry_carried(e, bank), size, want);
	nsima_hex_encode(calc, size, got);
	return nsima_err_set(err, NSIMA_EDIGEST, NSIMA_AT_NONE, 0,
			     "%s template digest mismatch: log says %s, data gives %s",
			     nsima_bank_name(bank), want, got);
}

/* Check the digests @e carries (not for violations or redacted entries). */
static int verify_entry(const struct nsima_entry *e, struct nsima_err *err)
{
	int b, rc;

	if (!e->data || nsima_entry_is_violation(e))
		return 0;
	for (b = 0; b < NSIMA_BANK_COUNT; b++) {
		if (!(e->digest_mask & NSIMA_BANK_BIT(b)))
			continue;
		rc = check_digest(e, b, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* The value to extend into @bank for @e. */
static int extend_value(const struct nsima_entry *e, int bank,
			unsigned int flags, uint8_t *out,
			struct nsima_err *err)
{
	if (nsima_entry_is_violation(e)) {
		nsima_violation_digest(bank, out);
		return 0;
	}
	if ((flags & NSIMA_REPLAY_RECOMPUTE) && e->data)
		return nsima_entry_compute_digest(e, bank, out, err);
	return nsima_entry_digest(e, bank, out, err);
}

int nsima_replay_entry(struct nsima_replay *r, const struct nsima_entry *e,
		       unsigned int flags, struct nsima_err *err)
{
	struct nsima_pcrs next = r->pcrs;
	uint8_t digest[NSIMA_DIGEST_MAX];
	int b, rc;

	if (flags & NSIMA_REPLAY_VERIFY) {
		rc = verify_entry(e, err);
		if (rc)
			return nsima_err_move(err, rc, NSIMA_AT_ENTRY, r->next);
	}
	if (e->pcr == r->pcr) {
		for (b = 0; b < NSIMA_BANK_COUNT; b++) {
			if (!(r->pcrs.banks & NSIMA_BANK_BIT(b)))
				continue;
			rc = extend_value(e, b, flags, digest, err);
			if (!rc)
				rc = nsima_pcr_extend(b, next.val[b], digest, err);
			if (rc)
				return nsima_err_move(err, rc, NSIMA_AT_ENTRY,
						      r->next);
		}
	}
	r->pcrs = next;
	r->next++;
	return 0;
}

/* Position of r->next in @log, or NSIMA_EGAP. */
static int slice_start(const struct nsima_replay *r, const struct nsima_log *log,
		       size_t *start, struct nsima_err *err)
{
	if (log->index)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "a namespace's view of the list cannot be replayed");
	if (r->next < log->first_index ||
	    r->next - log->first_index > log->count)
		return nsima_err_set(err, NSIMA_EGAP, NSIMA_AT_ENTRY, r->next,
				     "log holds %llu entries from %llu, replay continues at %llu",
				     (unsigned long long)log->count,
				     (unsigned long long)log->first_index,
				     (unsigned long long)r->next);
	*start = (size_t)(r->next - log->first_index);
	return 0;
}

int nsima_replay_log(struct nsima_replay *r, const struct nsima_log *log,
		     unsigned int flags, struct nsima_err *err)
{
	size_t i = 0;
	int rc;

	rc = slice_start(r, log, &i, err);
	for (; !rc && i < log->count; i++)
		rc = nsima_replay_entry(r, &log->entries[i], flags, err);
	return rc;
}

bool nsima_pcrs_match(const struct nsima_pcrs *have,
		      const struct nsima_pcrs *want)
{
	int b;

	for (b = 0; b < NSIMA_BANK_COUNT; b++)
		if ((want->banks & NSIMA_BANK_BIT(b)) &&
		    memcmp(have->val[b], want->val[b], nsima_bank_size(b)))
			return false;
	return true;
}

bool nsima_replay_equal(const struct nsima_replay *a,
			const struct nsima_replay *b)
{
	return a->pcr == b->pcr && a->next == b->next &&
	       a->pcrs.banks == b->pcrs.banks &&
	       nsima_pcrs_match(&a->pcrs, &b->pcrs);
}

int nsima_replay_set_init(struct nsima_replay_set *s, uint32_t pcrs,
			  unsigned int banks, struct nsima_err *err)
{
	uint32_t pcr;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!pcrs || (pcrs >> NSIMA_PCR_COUNT) ||
	    __builtin_popcount(pcrs) > NSIMA_REPLAY_SET_MAX)
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "replay of 1 to %d PCRs (0-%d), not 0x%x",
				     NSIMA_REPLAY_SET_MAX, NSIMA_PCR_COUNT - 1,
				     pcrs);
	for (pcr = 0; pcr < NSIMA_PCR_COUNT; pcr++) {
		if (!(pcrs & (1u << pcr)))
			continue;
		rc = nsima_replay_init(&s->r[s->count++], pcr, banks, err);
		if (rc)
			return rc;
	}
	return 0;
}

uint32_t nsima_replay_set_pcrs(const struct nsima_replay_set *s)
{
	uint32_t m = 0;
	unsigned int i;

	for (i = 0; i < s->count; i++)
		m |= 1u << s->r[i].pcr;
	return m;
}

struct nsima_replay *nsima_replay_set_get(struct nsima_replay_set *s,
					  uint32_t pcr)
{
	unsigned int i;

	for (i = 0; i < s->count; i++)
		if (s->r[i].pcr == pcr)
			return &s->r[i];
	return NULL;
}

int nsima_replay_set_entry(struct nsima_replay_set *s,
			   const struct nsima_entry *e, unsigned int flags,
			   struct nsima_err *err)
{
	unsigned int i;
	int rc;

	for (i = 0; i < s->count; i++) {
		rc = nsima_replay_entry(&s->r[i], e, flags, err);
		if (rc)
			return rc;
		flags &= ~NSIMA_REPLAY_VERIFY;	/* checked once */
	}
	return 0;
}

bool nsima_replay_set_match(const struct nsima_replay_set *have,
			    const struct nsima_replay_set *want)
{
	unsigned int i, j;

	for (i = 0; i < want->count; i++) {
		for (j = 0; j < have->count; j++)
			if (have->r[j].pcr == want->r[i].pcr)
				break;
		if (j == have->count ||
		    !nsima_pcrs_match(&have->r[j].pcrs, &want->r[i].pcrs))
			return false;
	}
	return true;
}

bool nsima_replay_set_equal(const struct nsima_replay_set *a,
			    const struct nsima_replay_set *b)
{
	unsigned int i;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++)
		if (!nsima_replay_equal(&a->r[i], &b->r[i]))
			return false;
	return true;
}

int nsima_replay_until(struct nsima_replay *r, const struct nsima_log *log,
		       const struct nsima_pcrs *quoted, unsigned int flags,
		       struct nsima_err *err)
{
	struct nsima_replay run = *r;
	size_t i = 0;
	int rc;

	if (!quoted->banks || (quoted->banks & ~r->pcrs.banks))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "quoted banks 0x%x not replayed (0x%x)",
				     quoted->banks, r->pcrs.banks);
	rc = slice_start(r, log, &i, err);
	if (rc)
		return rc;
	if (!(flags & NSIMA_REPLAY_NONEMPTY) &&
	    nsima_pcrs_match(&run.pcrs, quoted))
		return 0;
	for (; i < log->count; i++) {
		const struct nsima_entry *e = &log->entries[i];

		rc = nsima_replay_entry(&run, e, flags, err);
		if (rc)
			return rc;
		if (e->pcr == run.pcr && nsima_pcrs_match(&run.pcrs, quoted)) {
			*r = run;
			return 0;
		}
	}
	return nsima_err_set(err, NSIMA_EUNREACHABLE, NSIMA_AT_ENTRY, run.next,
			     "replay of %llu entries never reaches the quoted PCR %u value",
			     (unsigned long long)(run.next - r->next), r->pcr);
}

struct stream {
	struct nsima_replay run;	/* extended so far */
	struct nsima_replay at;		/* state at the quoted value */
	const struct nsima_pcrs *quoted;
	bool matched;
	unsigned int flags;
	uint64_t start;
	uint64_t records;
};

static int stream_entry(const struct nsima_entry *e, uint64_t index,
			void *ctx, struct nsima_err *err)
{
	struct stream *s = ctx;
	int rc;

	(void)index;	/* a CEL recnum; the replay counts from r->next */
	s->records++;
	if (s->flags & NSIMA_REPLAY_VERIFY) {
		rc = verify_entry(e, err);
		if (rc)
			return nsima_err_move(err, rc, NSIMA_AT_ENTRY,
					      s->start + s->records - 1);
	}
	if (s->matched)
		return 0;
	rc = nsima_replay_entry(&s->run, e, s->flags & ~NSIMA_REPLAY_VERIFY,
				err);
	if (rc)
		return rc;
	if (s->quoted && e->pcr == s->run.pcr &&
	    nsima_pcrs_match(&s->run.pcrs, s->quoted)) {
		s->matched = true;
		s->at = s->run;
	}
	return 0;
}

int nsima_replay_walk(struct nsima_replay *r, const uint8_t *buf, size_t len,
		      enum nsima_log_format fmt, int hdr_bank, bool first_given,
		      const struct nsima_pcrs *quoted, unsigned int flags,
		      uint64_t *total, struct nsima_err *err)
{
	struct stream s = { .run = *r, .quoted = quoted, .flags = flags,
			    .start = r->next };
	int rc;

	if (quoted && (!quoted->banks || (quoted->banks & ~r->pcrs.banks)))
		return nsima_err_set(err, NSIMA_EINVAL, NSIMA_AT_NONE, 0,
				     "quoted banks 0x%x not replayed (0x%x)",
				     quoted->banks, r->pcrs.banks);
	if (quoted && nsima_pcrs_match(&r->pcrs, quoted)) {
		s.matched = true;
		s.at = *r;
	}
	rc = nsima_log_walk(buf, len, fmt, hdr_bank, r->next, first_given,
			    stream_entry, &s, err);
	if (rc)
		return rc;
	if (total)
		*total = s.start + s.records;
	if (!quoted) {
		*r = s.run;
		return 0;
	}
	if (!s.matched)
		return nsima_err_set(err, NSIMA_EUNREACHABLE, NSIMA_AT_ENTRY,
				     s.run.next,
				     "replay of %llu entries never reaches the quoted PCR %u value",
				     (unsigned long long)s.records, r->pcr);
	*r = s.at;
	return 0;
}

int nsima_replay_binary(struct nsima_replay *r, const uint8_t *buf,
			size_t len, int hdr_bank, const struct nsima_pcrs *quoted,
			unsigned int flags, uint64_t *total,
			struct nsima_err *err)
{
	return nsima_replay_walk(r, buf, len, NSIMA_FORMAT_BINARY, hdr_bank,
				 false, quoted, flags, total, err);
}

int nsima_log_verify(const struct nsima_log *log, uint64_t *bad,
		     struct nsima_err *err)
{
	size_t i = 0;
	int rc;

	for (i = 0; i < log->count; i++) {
		rc = verify_entry(&log->entries[i], err);
		if (rc) {
			if (bad)
				*bad = nsima_log_index(log, i);
			return nsima_err_move(err, rc, NSIMA_AT_ENTRY,
					      nsima_log_index(log, i));
		}
	}
	return 0;
}

int nsima_replay_pcrs(const struct nsima_log *log, uint32_t pcr,
		      unsigned int banks, unsigned int flags,
		      struct nsima_pcrs *out, struct nsima_err *err)
{
	struct nsima_replay r;
	int rc;

	rc = nsima_replay_init(&r, pcr, banks, err);
	if (rc)
		return rc;
	rc = nsima_replay_log(&r, log, flags, err);
	if (rc)
		return rc;
	*out = r.pcrs;
	return 0;
}
