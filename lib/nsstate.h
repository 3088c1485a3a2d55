/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ns_state entries: a namespace's entry count and hash chain, logged by
 * the module into the global list (so PCR-bound like any entry), against
 * which a tenant checks that its view of the list is complete.
 *
 * Entry: template "ima-buf", n-ng "<nsid>:nsima-event:ns_state" (the
 * host's: "nsima-event:ns_state"), buf the canonical JSON
 * {"chain":"<64 lowercase hex>","count":<decimal>}, d-ng "sha256:" +
 * SHA-256(buf); an ordinary (non-violation) entry.
 *
 * count: the namespace's entries before the ns_state in the global list,
 * ns_state entries excluded (violations and events included), from the
 * namespace's first entry. chain: c_0 = 32 zero bytes, c_i =
 * SHA-256(c_{i-1} || SHA-256(template data of entry i)) over those
 * entries in list order; "chain" is c_count. Later ns_state entries of a
 * namespace supersede earlier ones.
 */
#ifndef NSIMA_NSSTATE_H
#define NSIMA_NSSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "log.h"

#define NSIMA_NS_STATE_TYPE	"ns_state"	/* nsima-event:ns_state */
#define NSIMA_NS_STATE_CHAIN	32		/* SHA-256 */
/* {"chain":"<64 hex>","count":<20 digits>} */
#define NSIMA_NS_STATE_JSON_MAX	(22 + 2 * NSIMA_NS_STATE_CHAIN + 20)
/* "COUNT:HEX" with NUL */
#define NSIMA_NS_STATE_TEXT_MAX	(20 + 1 + 2 * NSIMA_NS_STATE_CHAIN + 1)

struct nsima_ns_state {
	uint64_t count;
	uint8_t chain[NSIMA_NS_STATE_CHAIN];
};

/* count 0, chain all zero (c_0). */
void nsima_ns_state_init(struct nsima_ns_state *s);
/* Add one entry, given its template data: c = SHA-256(c || SHA-256(data)). */
int nsima_ns_state_add(struct nsima_ns_state *s, const uint8_t *data,
		       size_t len, struct nsima_err *err);
bool nsima_ns_state_equal(const struct nsima_ns_state *a,
			  const struct nsima_ns_state *b);

/*
 * Parse an ns_state entry's buf: exactly the canonical JSON
 * {"chain":"<64 lowercase hex>","count":<decimal>} (no spaces, no other
 * member, no leading zero, count fits u64), @len bytes, not
 * NUL-terminated. NSIMA_EMALFORMED at NSIMA_AT_OFFSET of the first byte
 * that is wrong.
 */
int nsima_ns_state_parse(const uint8_t *buf, size_t len,
			 struct nsima_ns_state *s, struct nsima_err *err);
/* Append the canonical JSON (no NUL, no newline). */
int nsima_ns_state_write(const struct nsima_ns_state *s,
			 struct nsima_buf *out);
/* "COUNT:HEX" (as nsima-attest verify --ns-chain takes and prints it). */
int nsima_ns_state_parse_text(const char *str, struct nsima_ns_state *s,
			      struct nsima_err *err);
void nsima_ns_state_format(const struct nsima_ns_state *s,
			   char buf[NSIMA_NS_STATE_TEXT_MAX]);

/*
 * Is @e named as an ns_state ("[<nsid>:]nsima-event:ns_state")? @ref (may
 * be NULL) gets whose. Redacted entries have no name: false.
 */
bool nsima_entry_is_ns_state(const struct nsima_entry *e,
			     struct nsima_nsref *ref);
/*
 * Is @e an ns_end entry ("[<nsid>:]nsima-event:ns_end", ima-buf, not a
 * violation)? The module logs it when a namespace ends, before its inode
 * number can be reused: the entries of that id after it are another
 * namespace's.
 */
bool nsima_entry_is_ns_end(const struct nsima_entry *e);
/*
 * Read an entry named as an ns_state: it must be an ima-buf, non-violation
 * entry whose d-ng is sha256 of its buf, and the buf must parse
 * (NSIMA_EMALFORMED otherwise).
 */
int nsima_entry_ns_state(const struct nsima_entry *e, struct nsima_ns_state *s,
			 struct nsima_err *err);
/*
 * Build the ns_state entry of a namespace (host, or nsid) saying @s, on
 * @pcr (template digests left to the log's rule: computed from the data).
 */
int nsima_ns_state_entry(struct nsima_entry *e, uint32_t pcr, bool host,
			 uint64_t nsid, const struct nsima_ns_state *s,
			 struct nsima_err *err);
/*
 * The state an ns_state logged before whole-list entry @end would say:
 * over the namespace's entries of @log (which must start at entry 0 and
 * hold them in full) before @end, ns_state entries excluded.
 */
int nsima_log_ns_state(const struct nsima_log *log, bool host, uint64_t nsid,
		       uint64_t end, struct nsima_ns_state *s,
		       struct nsima_err *err);

/*
 * A verifier's check of a namespace's view (full entries of the namespace,
 * the others redacted) against the latest ns_state it shows: feed it the
 * entries the quote covers, in list order. The running state starts at
 * whole-list entry @from with @start (NULL: zero, then @from must be the
 * namespace's first entry or before, normally 0); entries before @from
 * are only counted in entries/redacted.
 */
struct nsima_ns_check {
	bool host;
	uint64_t nsid;
	uint64_t from;
	struct nsima_ns_state start;
	struct nsima_ns_state run;	/* the namespace's entries shown */
	uint64_t entries;		/* entries fed */
	uint64_t redacted;		/* of which redacted */
	uint64_t states;		/* ns_state entries of the namespace */
	bool have;			/* the latest one: */
	uint64_t state_index;		/* its whole-list index */
	struct nsima_ns_state stated;	/* what it says */
	struct nsima_ns_state shown;	/* what the view gives before it */
};

void nsima_ns_check_init(struct nsima_ns_check *c, bool host, uint64_t nsid,
			 uint64_t from, const struct nsima_ns_state *start);
/*
 * One entry (whole-list @index). A malformed ns_state of the namespace is
 * NSIMA_EMALFORMED at NSIMA_AT_ENTRY @index.
 */
int nsima_ns_check_entry(struct nsima_ns_check *c, const struct nsima_entry *e,
			 uint64_t index, struct nsima_err *err);
/* Every entry of @log before whole-list index @end. */
int nsima_ns_check_log(struct nsima_ns_check *c, const struct nsima_log *log,
		       uint64_t end, struct nsima_err *err);
/*
 * The verdict once fed: NSIMA_ENSINCOMPLETE (at the ns_state's
 * NSIMA_AT_ENTRY) when the latest ns_state's count or chain differs from
 * what the view shows before it; NSIMA_ENSUNPROVEN when there is none;
 * 0 when they are equal.
 */
int nsima_ns_check_result(const struct nsima_ns_check *c,
			  struct nsima_err *err);
/* Entries of the namespace shown after the latest ns_state (all if none). */
uint64_t nsima_ns_check_after(const struct nsima_ns_check *c);

#endif /* NSIMA_NSSTATE_H */
