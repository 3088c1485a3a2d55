/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The list half of a verification: once a quote is known good (signature,
 * nonce, selection: nsima_quote_verify), does the list replay to it, and
 * what does the quote vouch for? One pass over the entries in list order,
 * the same for a list streamed from a binary buffer and one in memory.
 *
 * The PCRs replayed (IMA's 10 and nsima's 11, say) are replayed at once,
 * each into its own state; the quote covers the shortest prefix of the
 * list after which every one of them has its quoted value.
 *
 * For each entry, in this order: it extends a PCR replayed and, outside
 * a namespace's view, is shown in full (NSIMA_ENOTVOUCHED); in a view of
 * namespace X, an entry shown in full is X's (NSIMA_ENAMESPACE: IMA's
 * PCR 10 entries are no namespace's, whatever their names); its
 * template digests match its data (NSIMA_EDIGEST); it is extended. Entries
 * before the verifier's checkpoint are replayed from zero when the list
 * starts at entry 0 and must reach the checkpoint exactly
 * (NSIMA_EUNREACHABLE), else they are counted as not replayed. The quote
 * covers the shortest prefix that reaches it: the quoted values, or (no
 * values given) values that hash to the quote's pcrDigest; from zero that
 * prefix holds at least one entry. Entries after it are pending. In a view,
 * the covered entries go through the namespace's ns_state check
 * (lib/nsstate.h).
 */
#ifndef NSIMA_VERIFY_H
#define NSIMA_VERIFY_H
#include <stdbool.h>
#include <stdint.h>
#include <nsima/abi.h>
#include "err.h"
#include "log.h"
#include "log_format.h"
#include "nsstate.h"
#include "nsview.h"
#include "quote.h"
#include "replay.h"

enum nsima_vfail {
	NSIMA_VFAIL_NONE = 0,
	NSIMA_VFAIL_OTHER,	/* err says it all */
	NSIMA_VFAIL_ENTRY,	/* at entry err.pos: bad */
	NSIMA_VFAIL_UNREACHABLE, /* no prefix reaches the quote: start..end */
};

struct nsima_verify {
	/* set by the caller before nsima_verify_start() */
	const struct nsima_quote *q;	/* verified (nsima_quote_verify) */
	uint16_t sig_hash;		/* the signature's hash (pcrDigest) */
	const struct nsima_pcr_values *vals;	/* NULL: derive them */
	uint32_t pcrs;			/* the PCRs replayed (mask) */
	const struct nsima_replay_set *cp; /* the verifier's checkpoint */
	bool ns_set, host;		/* a namespace's view: whose */
	uint64_t nsid;
	const struct nsima_ns_state *ns_chain;	/* its state at cp, or NULL */

	/* results */
	uint64_t covered;		/* entries the quote covers (index) */
	uint64_t pending;		/* after them */
	uint64_t from;			/* the replay started there */
	uint64_t unchecked;		/* before it, in the list, not replayed */
	struct nsima_replay_set at;	/* the state the quote covers */
	struct nsima_pcr_values derived; /* the values, when derived */
	struct nsima_ns_check nc;	/* a view: its ns_state check */
	uint64_t ns_first;		/* > 0: the view starts there, unproven */
	struct nsima_entry_desc state;	/* the latest covered ns_state entry */

	/* on failure */
	enum nsima_vfail fail;
	struct nsima_entry_desc bad;	/* NSIMA_VFAIL_ENTRY */
	struct nsima_entry_desc d0;	/* entry 0, when the list has it */
	struct nsima_replay_set start, end; /* NSIMA_VFAIL_UNREACHABLE */
	struct nsima_replay_set quoted;	/* the banks replayed (+ values) */
	bool derive;			/* quoted.val unknown: pcrDigest */

	/* private */
	struct nsima_replay_set run, skip;
	uint64_t first, records;
	bool matched, from_zero;
};

/*
 * Start a pass over a list whose first entry is whole-list entry @first.
 * NSIMA_EUNREACHABLE when the quote does not select a PCR replayed (in a bank
 * the replay knows), NSIMA_EINVAL when values are to be derived but the
 * quote selects other PCRs too, NSIMA_EGAP when the list starts after the
 * checkpoint.
 */
int nsima_verify_start(struct nsima_verify *v, uint64_t first,
		       struct nsima_err *err);
/* The next entry (whole-list index @index = first + entries so far). */
int nsima_verify_entry(struct nsima_verify *v, const struct nsima_entry *e,
		       struct nsima_err *err);
/* After the last entry: the verdict on the list, results filled. */
int nsima_verify_end(struct nsima_verify *v, struct nsima_err *err);

/* The whole pass over @log, in memory (contiguous). */
int nsima_verify_log(struct nsima_verify *v, const struct nsima_log *log,
		     struct nsima_err *err);
/*
 * The whole pass over a list in @buf of any format, walked in constant
 * memory (nsima_log_walk: @first and @first_given as there).
 */
int nsima_verify_walk(struct nsima_verify *v, const uint8_t *buf, size_t len,
		      enum nsima_log_format fmt, int hdr_bank, uint64_t first,
		      bool first_given, struct nsima_err *err);

/*
 * A view's verdict once the list passed: 0 when its latest covered
 * ns_state proves it complete, NSIMA_ENSINCOMPLETE (at that entry) when
 * it contradicts it, NSIMA_ENSUNPROVEN when none does or the view starts
 * after entry 0 without the namespace's state there.
 */
int nsima_verify_ns(const struct nsima_verify *v, struct nsima_err *err);

/* IMA's PCR (CONFIG_IMA_MEASURE_PCR_IDX): its entries are no namespace's. */
#define NSIMA_IMA_PCR			10
/* What nsima_verify_policy replays unless told: IMA's and nsima's PCRs. */
#define NSIMA_VERIFY_DEFAULT_PCRS	((1u << NSIMA_IMA_PCR) | \
					 (1u << NSIMA_DEFAULT_PCR))

/*
 * The verifier's policy where its options do not say: which PCRs carry
 * the list and in which banks. @given (a mask, 0: not given) is the
 * verifier's --pcr; else the quoted PCRs of NSIMA_VERIFY_DEFAULT_PCRS,
 * each of which must then replay: a PCR the node picks outside them
 * (a resettable 16 or 23, an unused one) never carries a list unless the
 * verifier says so, and a quoted 10 or 11 with its entries left out of
 * the list does not reach its value. A namespace's view (@view) is of
 * nsima's entries: nsima's PCR 11 is then required whatever is quoted.
 * Without it, whether IMA's list alone (a quote of PCR 10) is what the
 * verifier wanted is its call: the verdict names the PCRs, and --pcr 11
 * (or a checkpoint saved by a verify of PCR 11) requires nsima's. Each
 * PCR must be quoted in a bank stronger than SHA-1 unless @sel_given
 * (the verifier asked for its selection). NSIMA_EUNREACHABLE when the
 * quote has none of the default PCRs, NSIMA_EPCRDIGEST for SHA-1 alone.
 */
int nsima_verify_policy(const struct nsima_quote *q, uint32_t given,
			bool sel_given, bool view, uint32_t *pcrs,
			struct nsima_err *err);

/* "PCR 11", "PCRs 10+11": @buf of NSIMA_PCR_MASK_NAME_MAX bytes. */
#define NSIMA_PCR_MASK_NAME_MAX	96
const char *nsima_pcr_mask_format(uint32_t mask, char *buf);

#endif /* NSIMA_VERIFY_H */
