/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An IMA-style measurement list in memory, and its parsers and writers.
 *
 * Every parser takes (buffer, length), appends the entries to a log and on
 * failure returns a negative enum nsima_errcode with the byte offset
 * (binary) or line (ascii, from 1) and a message in struct nsima_err; the
 * entries before the failing one stay in the log. Lists are little-endian
 * (x86 host order, or ima_canonical_fmt).
 */
#ifndef NSIMA_LOG_H
#define NSIMA_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nsima/abi.h>

#include "buf.h"
#include "fileio.h"
#include "err.h"
#include "hash.h"
#include "template.h"

/*
 * The entry carries no template data, only its per-bank template digests
 * (digest_mask): another tenant's entry in a redacted log.
 */
#define NSIMA_ENTRY_REDACTED	0x1

/* sha1 + sha256 + sha384 + sha512 digest bytes */
#define NSIMA_DIGESTS_PACKED	(20 + 32 + 48 + 64)

/*
 * In-memory lists are capped: entries plus template data at most this
 * many bytes (NSIMA_EMALFORMED beyond), so a hostile list cannot exhaust
 * memory. A whole node's list is walked instead, an entry at a time
 * (nsima_log_walk: replay, verify, show, export).
 */
#define NSIMA_LOG_MEM_MAX	NSIMA_INPUT_MAX

struct nsima_entry {
	uint32_t pcr;
	uint32_t flags;
	struct nsima_template tmpl;
	uint8_t *data;		/* template data as the binary list carries it */
	uint32_t data_len;
	int name_field;		/* index of the name field in fields, or -1 */
	struct nsima_span fields[NSIMA_TEMPLATE_FIELDS_MAX];
	/*
	 * template digests the log itself carries, one bit per bank, packed
	 * (sha1 | sha256 | sha384 | sha512): nsima_entry_carried()
	 */
	unsigned int digest_mask;
	uint8_t digests[NSIMA_DIGESTS_PACKED];
};

/* Where bank @bank's carried digest of @e is (valid if in digest_mask). */
const uint8_t *nsima_entry_carried(const struct nsima_entry *e, int bank);

struct nsima_log {
	struct nsima_entry *entries;
	size_t count;
	size_t cap;
	/* index of entries[0] in the node's whole list (log slices) */
	uint64_t first_index;
	/*
	 * NULL for a contiguous list; else the whole-list index of each
	 * entry (a namespace's view). Sparse logs cannot be replayed.
	 */
	uint64_t *index;
	size_t mem;		/* bytes held, against NSIMA_LOG_MEM_MAX */
};

void nsima_log_init(struct nsima_log *log);
void nsima_log_free(struct nsima_log *log);
void nsima_entry_free(struct nsima_entry *e);

/*
 * Fill @e (zeroed first) from a template name and a copy of its template
 * data, checking every field. Digests are left to the caller.
 */
int nsima_entry_init(struct nsima_entry *e, uint32_t pcr,
		     const char *template_name, const uint8_t *data,
		     size_t len, struct nsima_err *err);
/*
 * For parsers that have already resolved e->tmpl and checked e->fields:
 * attach a copy of the template data.
 */
int nsima_entry_set_data(struct nsima_entry *e, const uint8_t *data,
			 size_t len, struct nsima_err *err);
/* Set the template digest @e carries for @bank. */
void nsima_entry_set_digest(struct nsima_entry *e, int bank,
			    const uint8_t *digest);
/* Move @e into @log (e is zeroed on success). */
int nsima_log_append(struct nsima_log *log, struct nsima_entry *e,
		     struct nsima_err *err);
/* Whole-list index of entries[i]. */
uint64_t nsima_log_index(const struct nsima_log *log, size_t i);
/*
 * Append @e (moved, as nsima_log_append) with whole-list index @index,
 * making @log sparse if @index does not follow on.
 */
int nsima_log_append_at(struct nsima_log *log, struct nsima_entry *e,
			uint64_t index, struct nsima_err *err);
/* Deep copy of one entry, appended to @log. */
int nsima_log_append_copy(struct nsima_log *log, const struct nsima_entry *e,
			  struct nsima_err *err);
int nsima_log_append_copy_at(struct nsima_log *log,
			     const struct nsima_entry *e, uint64_t index,
			     struct nsima_err *err);

/* A violation: a carried template digest is all zero. */
bool nsima_entry_is_violation(const struct nsima_entry *e);
/*
 * The template digest of @e for @bank: the one the log carries, else the
 * bank's hash of the template data (IMA's rule). NSIMA_EUNSUPPORTED when
 * neither exists (a redacted entry without that bank).
 */
int nsima_entry_digest(const struct nsima_entry *e, int bank, uint8_t *out,
		       struct nsima_err *err);
/* The bank's hash of the template data, ignoring carried digests. */
int nsima_entry_compute_digest(const struct nsima_entry *e, int bank,
			       uint8_t *out, struct nsima_err *err);

/* The n-ng (or legacy n) string, without NUL; NULL if there is none. */
const char *nsima_entry_name(const struct nsima_entry *e, size_t *len);

/* Who an entry belongs to, from its name. */
struct nsima_nsref {
	bool host;		/* plain name: the host namespace */
	uint64_t nsid;		/* namespace inode number when !host */
	const char *path;	/* name after "<nsid>:" (not NUL-terminated) */
	size_t path_len;
	bool event;		/* "nsima-event:<type>" */
	const char *event_type;	/* when event */
	size_t event_type_len;
};

/*
 * "<nsid>:<path>" (nsid decimal, no leading zero, fits u32) is a namespace
 * entry; anything else (absolute paths, boot_aggregate, nsima_aggregate) is
 * the host's. NSIMA_ENAMESPACE when the entry has no name (redacted, or a
 * template without n-ng).
 */
int nsima_entry_ns(const struct nsima_entry *e, struct nsima_nsref *ref,
		   struct nsima_err *err);
/* "host" or a decimal nsid, e.g. from --ns. */
int nsima_nsid_parse(const char *s, bool *host, uint64_t *nsid,
		     struct nsima_err *err);

/* A list's header bank @hdr_bank is a bank (NSIMA_EINVAL otherwise). */
int nsima_log_check_bank(int hdr_bank, struct nsima_err *err);

/* Binary lists: header digest of @hdr_bank (sha1 for the classic list). */
int nsima_log_parse_binary(const uint8_t *buf, size_t len, int hdr_bank,
			   struct nsima_log *log, struct nsima_err *err);
int nsima_log_write_binary(const struct nsima_log *log, int hdr_bank,
			   struct nsima_buf *out, struct nsima_err *err);
/*
 * A binary list read as it grows: *whole = the bytes of the whole records
 * at the start of @buf, *count = how many; a record cut by the end of
 * @buf is no error (its rest comes later), a malformed one is
 * (NSIMA_EMALFORMED, as nsima_log_parse_binary says it).
 */
int nsima_binary_whole(const uint8_t *buf, size_t len, int hdr_bank,
		       size_t *whole, size_t *count, struct nsima_err *err);
/*
 * One entry as a binary record appended to @out (the list is its records
 * one after the other). A redacted entry, without data, cannot be
 * (NSIMA_EUNSUPPORTED). Errors say no position: the caller knows which
 * entry it is (nsima_log_writer_entry, nsima_log_write say NSIMA_AT_ENTRY).
 */
int nsima_log_write_binary_entry(const struct nsima_entry *e, int hdr_bank,
				 struct nsima_buf *out, struct nsima_err *err);

/*
 * Called for each record of a list streamed by nsima_log_foreach_binary:
 * @e is the @n-th record (from 0), at byte @off of the input; its data
 * points into the input and is valid during the call only (copy it with
 * nsima_log_append_copy to keep it; never free it). Return 0 to go on,
 * a negative nsima_errcode to stop with that error, 1 to stop quietly.
 */
typedef int (*nsima_entry_fn)(const struct nsima_entry *e, size_t n,
			      size_t off, void *ctx, struct nsima_err *err);
/*
 * An entry parsed from an ascii or CEL list, handed over: the callee owns
 * it (keeps it or frees it, whatever it returns). @index: the record's
 * own number (CEL recnum) or its position (ascii).
 */
typedef int (*nsima_take_fn)(struct nsima_entry *e, uint64_t index, void *ctx,
			     struct nsima_err *err);
/* Each entry of an ascii list, in order, to @fn. */
int nsima_log_each_ascii(const char *buf, size_t len, int hdr_bank,
			 nsima_take_fn fn, void *ctx, struct nsima_err *err);

/*
 * Parse a binary list record by record without keeping it: constant
 * memory however long the list (the replay of a node's whole list). Same
 * checks and errors as nsima_log_parse_binary; returns what @fn returns
 * when it stops the walk.
 */
int nsima_log_foreach_binary(const uint8_t *buf, size_t len, int hdr_bank,
			     nsima_entry_fn fn, void *ctx,
			     struct nsima_err *err);

/* Ascii lists: "PCR <hdr digest hex> <template> <field> ..." per line. */
int nsima_log_parse_ascii(const char *buf, size_t len, int hdr_bank,
			  struct nsima_log *log, struct nsima_err *err);
int nsima_log_write_ascii(const struct nsima_log *log, int hdr_bank,
			  struct nsima_buf *out, struct nsima_err *err);
/* One entry as an ascii line appended to @out, as the binary one. */
int nsima_log_write_ascii_entry(const struct nsima_entry *e, int hdr_bank,
				struct nsima_buf *out, struct nsima_err *err);

#endif /* NSIMA_LOG_H */
