/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCG Canonical Event Log, JSON encoding, content type ima_template:
 *
 *   {"recnum":N,"pcr":P,"digests":[{"hashAlg":"sha256","digest":"<hex>"}],
 *    "content_type":"ima_template",
 *    "content":{"template_name":"ima-ng","template_data":"<hex>"}}
 *
 * "digests" are the entry's template digests. A redacted entry (another
 * tenant's, see nsview.h) has no "content" and "redacted":true instead.
 * Read: a JSON array of records, or a sequence of records (JSON-seq with
 * RS 0x1e before each, or one per line). recnum is the whole-list index.
 */
#ifndef NSIMA_CEL_H
#define NSIMA_CEL_H

#include "log.h"

/* Write JSON-seq (RS record LF) instead of one JSON array. */
#define NSIMA_CEL_SEQ	0x1

#define NSIMA_CEL_RECORDS_MAX	(1U << 24)

/*
 * Errors: NSIMA_AT_OFFSET for JSON syntax, NSIMA_AT_ENTRY (record number
 * in the input, from 0) for a bad record.
 */
/*
 * Each record of a CEL list, in order, to @fn with its recnum (which must
 * increase), one record at a time: constant memory beside what @fn keeps.
 */
int nsima_cel_each(const uint8_t *buf, size_t len, nsima_take_fn fn,
		   void *ctx, struct nsima_err *err);
int nsima_cel_parse(const uint8_t *buf, size_t len, struct nsima_log *log,
		    struct nsima_err *err);
/* Digests of @banks for entries with data; redacted ones carry theirs. */
int nsima_cel_write(const struct nsima_log *log, unsigned int banks,
		    unsigned int flags, struct nsima_buf *out,
		    struct nsima_err *err);

/*
 * The same, an entry at a time: begin ('[' unless NSIMA_CEL_SEQ), each
 * entry with its record number (recnum), end ("]"): nsima_cel_write is
 * these. An entry's errors say no position (the caller knows it).
 */
struct nsima_cel_writer {
	unsigned int banks;
	unsigned int flags;
	uint64_t count;		/* records written */
};

int nsima_cel_write_begin(struct nsima_cel_writer *w, unsigned int banks,
			  unsigned int flags, struct nsima_buf *out,
			  struct nsima_err *err);
int nsima_cel_write_entry(struct nsima_cel_writer *w,
			  const struct nsima_entry *e, uint64_t recnum,
			  struct nsima_buf *out, struct nsima_err *err);
int nsima_cel_write_end(struct nsima_cel_writer *w, struct nsima_buf *out,
			struct nsima_err *err);

#endif /* NSIMA_CEL_H */
