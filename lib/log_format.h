/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Choose a measurement list format by name or by sniffing the input.
 */
#ifndef NSIMA_LOG_FORMAT_H
#define NSIMA_LOG_FORMAT_H

#include "cel.h"
#include "log.h"

enum nsima_log_format {
	NSIMA_FORMAT_AUTO = 0,
	NSIMA_FORMAT_BINARY,
	NSIMA_FORMAT_ASCII,
	NSIMA_FORMAT_CEL,	/* TCG CEL JSON: array, one object, or JSON-seq */
};

/* "binary", "ascii", "cel" (or "auto"); -1 if unknown. */
int nsima_log_format_by_name(const char *name);
const char *nsima_log_format_name(enum nsima_log_format fmt);
/*
 * Binary lists start with a little-endian PCR index below 24, so their
 * first byte is a control character; ascii starts with a digit or space,
 * CEL with '[', '{' or RS (0x1e).
 */
enum nsima_log_format nsima_log_sniff(const uint8_t *buf, size_t len);

/* Parse @buf in @fmt (AUTO sniffs) and append to @log. */
int nsima_log_parse(const uint8_t *buf, size_t len, enum nsima_log_format fmt,
		    int hdr_bank, struct nsima_log *log, struct nsima_err *err);
/*
 * Every entry of @buf in @fmt (AUTO sniffs), in list order, one at a time
 * and in constant memory: a binary list's records are borrowed from @buf,
 * ascii and CEL entries are parsed, handed to @fn and freed. @fn gets each
 * entry's whole-list index: @first + its position, or for CEL its own
 * recnum, which must follow on without a gap and, when @first_given,
 * start at @first (NSIMA_EMALFORMED otherwise).
 */
typedef int (*nsima_walk_fn)(const struct nsima_entry *e, uint64_t index,
			     void *ctx, struct nsima_err *err);
int nsima_log_walk(const uint8_t *buf, size_t len, enum nsima_log_format fmt,
		   int hdr_bank, uint64_t first, bool first_given,
		   nsima_walk_fn fn, void *ctx, struct nsima_err *err);

/*
 * As nsima_log_walk from entry 0, without @first_given, but a CEL list's
 * recnums need only increase: a namespace's view (nsima_log_filter_ns,
 * export --ns) leaves other namespaces' entries out, and its records keep
 * their whole-list numbers.
 */
int nsima_log_walk_view(const uint8_t *buf, size_t len,
			enum nsima_log_format fmt, int hdr_bank,
			nsima_walk_fn fn, void *ctx, struct nsima_err *err);

/* @log in @fmt; CEL records carry the digests of @hdr_bank, sha1, sha256. */
int nsima_log_write(const struct nsima_log *log, enum nsima_log_format fmt,
		    int hdr_bank, struct nsima_buf *out, struct nsima_err *err);

/*
 * Writing a list an entry at a time, in any format, so that a list being
 * walked is written as it comes: begin, each entry with its whole-list
 * index, end. @hdr_bank is a binary or ascii list's header bank; @banks
 * and @flags (NSIMA_CEL_SEQ) are a CEL list's, as nsima_cel_write. The
 * bytes are those the whole-list writers write for the same entries.
 */
struct nsima_log_writer {
	enum nsima_log_format fmt;
	int hdr_bank;
	uint64_t count;		/* entries written (binary, ascii errors) */
	struct nsima_cel_writer cel;
};

int nsima_log_writer_begin(struct nsima_log_writer *w,
			   enum nsima_log_format fmt, int hdr_bank,
			   unsigned int banks, unsigned int flags,
			   struct nsima_buf *out, struct nsima_err *err);
/*
 * Errors at NSIMA_AT_ENTRY: the entry's position among those written
 * (binary, ascii: what the whole-list writers say) or @index (CEL).
 */
int nsima_log_writer_entry(struct nsima_log_writer *w,
			   const struct nsima_entry *e, uint64_t index,
			   struct nsima_buf *out, struct nsima_err *err);
int nsima_log_writer_end(struct nsima_log_writer *w, struct nsima_buf *out,
			 struct nsima_err *err);
/*
 * @log through a writer begun with these arguments: every whole-list
 * writer (nsima_log_write, nsima_log_write_binary, _ascii, nsima_cel_write).
 */
int nsima_log_write_all(const struct nsima_log *log, enum nsima_log_format fmt,
			int hdr_bank, unsigned int banks, unsigned int flags,
			struct nsima_buf *out, struct nsima_err *err);

#endif /* NSIMA_LOG_FORMAT_H */
