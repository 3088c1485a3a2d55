/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay a measurement list into PCR values, every bank at once, and check
 * the template digests it carries.
 *
 * A replay is a running state (PCR index, next entry index, PCR value per
 * bank). Started from zero it replays a whole list; started from a
 * checkpoint (the state saved after the last poll) it only costs the new
 * entries. Entries for other PCR indexes are counted and skipped.
 */
#ifndef NSIMA_REPLAY_H
#define NSIMA_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"
#include "log.h"
#include "log_format.h"

/* PCR values, one per bank in @banks. */
struct nsima_pcrs {
	unsigned int banks;
	uint8_t val[NSIMA_BANK_COUNT][NSIMA_DIGEST_MAX];
};

struct nsima_replay {
	uint32_t pcr;		/* PCR index replayed */
	uint64_t next;		/* index of the next entry (whole-list count) */
	struct nsima_pcrs pcrs;
};

/* The most PCRs one pass replays at once (IMA's 10 and nsima's 11, say). */
#define NSIMA_REPLAY_SET_MAX	4

/*
 * Several PCRs replayed over one list: one state per PCR, in ascending
 * PCR order, all at the same next entry.
 */
struct nsima_replay_set {
	unsigned int count;
	struct nsima_replay r[NSIMA_REPLAY_SET_MAX];
};

/*
 * Recompute every bank from the template data, even the bank whose
 * digest the log carries (entries without data still use their digests).
 */
#define NSIMA_REPLAY_RECOMPUTE	0x1
/* Check each carried digest against the data; fail with NSIMA_EDIGEST. */
#define NSIMA_REPLAY_VERIFY	0x2
/*
 * nsima_replay_until: the state before the first entry does not count (a
 * quote of a PCR's initial value vouches for no entry of a whole list).
 */
#define NSIMA_REPLAY_NONEMPTY	0x4

/* True when @have equals @want in every bank of want->banks. */
bool nsima_pcrs_match(const struct nsima_pcrs *have,
		      const struct nsima_pcrs *want);

/* The same state: PCR, next entry, banks and their values. */
bool nsima_replay_equal(const struct nsima_replay *a,
			const struct nsima_replay *b);
/* Start at entry 0 with every bank in @banks all zero. */
int nsima_replay_init(struct nsima_replay *r, uint32_t pcr,
		      unsigned int banks, struct nsima_err *err);

/*
 * Start every PCR of @pcrs (a mask) at entry 0, all zero in @banks.
 * NSIMA_EINVAL for no PCR or more than NSIMA_REPLAY_SET_MAX.
 */
int nsima_replay_set_init(struct nsima_replay_set *s, uint32_t pcrs,
			  unsigned int banks, struct nsima_err *err);
/* The PCRs of @s as a mask. */
uint32_t nsima_replay_set_pcrs(const struct nsima_replay_set *s);
/* The state of @pcr in @s, or NULL. */
struct nsima_replay *nsima_replay_set_get(struct nsima_replay_set *s,
					  uint32_t pcr);
/*
 * One entry: extended into the state of its PCR (if replayed), every
 * state advanced; NSIMA_REPLAY_VERIFY checks its digests once.
 */
int nsima_replay_set_entry(struct nsima_replay_set *s,
			   const struct nsima_entry *e, unsigned int flags,
			   struct nsima_err *err);
/* Every PCR of @want in @have, equal in every bank of @want's. */
bool nsima_replay_set_match(const struct nsima_replay_set *have,
			    const struct nsima_replay_set *want);
/* The same PCRs, next entry, banks and values. */
bool nsima_replay_set_equal(const struct nsima_replay_set *a,
			    const struct nsima_replay_set *b);

/* Extend one entry (if it is for r->pcr) and advance r->next. */
int nsima_replay_entry(struct nsima_replay *r, const struct nsima_entry *e,
		       unsigned int flags, struct nsima_err *err);

/*
 * Replay the entries of @log from r->next to its end. @log may be a slice
 * starting at log->first_index <= r->next; NSIMA_EGAP otherwise. Errors
 * carry NSIMA_AT_ENTRY with the whole-list entry index.
 */
int nsima_replay_log(struct nsima_replay *r, const struct nsima_log *log,
		     unsigned int flags, struct nsima_err *err);

/*
 * Replay from r->next until the PCR values equal @quoted in every bank of
 * quoted->banks (which must be a subset of r->pcrs.banks), stopping at the
 * shortest such prefix; r->next is then the number of entries the quote
 * covers and the entries after it are pending. Checked before the first
 * entry too (nothing new since the checkpoint), unless
 * NSIMA_REPLAY_NONEMPTY. NSIMA_EUNREACHABLE, with r
 * unchanged, when no prefix matches.
 */
int nsima_replay_until(struct nsima_replay *r, const struct nsima_log *log,
		       const struct nsima_pcrs *quoted, unsigned int flags,
		       struct nsima_err *err);

/*
 * Check every carried template digest against the template data
 * (violations, whose digest is zero, and redacted entries are skipped).
 * NSIMA_EDIGEST at NSIMA_AT_ENTRY of the first mismatch; *bad (may be NULL)
 * gets that whole-list index.
 */
int nsima_log_verify(const struct nsima_log *log, uint64_t *bad,
		     struct nsima_err *err);

/*
 * Replay a binary list streamed from @buf, record by record, without
 * keeping it in memory (nsima_log_foreach_binary); the list's first record
 * is entry r->next. NSIMA_REPLAY_VERIFY checks every record's carried
 * digest, those after the quoted value too. @quoted NULL: replay every
 * record. Else stop extending at the shortest prefix giving @quoted, as
 * nsima_replay_until (r is then the state there; NSIMA_EUNREACHABLE, r
 * unchanged, if none does). *total (may be NULL) gets the whole-list index
 * after the last record. Errors come in list order: a record that fails
 * its check is reported before a malformed record after it.
 */
int nsima_replay_binary(struct nsima_replay *r, const uint8_t *buf,
			size_t len, int hdr_bank, const struct nsima_pcrs *quoted,
			unsigned int flags, uint64_t *total,
			struct nsima_err *err);

/*
 * nsima_replay_binary for a list in any format @fmt (AUTO sniffs), walked
 * in constant memory (nsima_log_walk from r->next, @first_given as
 * there: a CEL list's records follow on without a gap and, when
 * @first_given, start at r->next). Entries count from r->next whatever a
 * CEL list numbers them.
 */
int nsima_replay_walk(struct nsima_replay *r, const uint8_t *buf, size_t len,
		      enum nsima_log_format fmt, int hdr_bank, bool first_given,
		      const struct nsima_pcrs *quoted, unsigned int flags,
		      uint64_t *total, struct nsima_err *err);

/* Whole-log convenience: replay @log for @pcr into @out. */
int nsima_replay_pcrs(const struct nsima_log *log, uint32_t pcr,
		      unsigned int banks, unsigned int flags,
		      struct nsima_pcrs *out, struct nsima_err *err);

#endif /* NSIMA_REPLAY_H */
