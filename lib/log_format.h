/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Choose a measurement list format by name or by sniffing the input.
 */
#ifndef NSIMA_LOG_FORMAT_H
#define NSIMA_LOG_FORMAT_H

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

int nsima_log_write(const struct nsima_log *log, enum nsima_log_format fmt,
		    int hdr_bank, struct nsima_buf *out, struct nsima_err *err);

#endif /* NSIMA_LOG_FORMAT_H */
