/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the log subcommands (replay, show).
 */
#ifndef NSIMA_ATTEST_COMMON_H
#define NSIMA_ATTEST_COMMON_H

#include <stdbool.h>

#include "log.h"
#include "log_format.h"


/*
 * Read and parse @path in @fmt; on failure prints the error (one line on
 * stderr, or a JSON object on stdout) and returns the exit code.
 */
int attest_load_log(const char *path, enum nsima_log_format fmt, int hdr_bank,
		    bool json, struct nsima_log *log);
/*
 * Map a regular file read-only (no copy, no size limit: for lists that are
 * streamed); anything else ("-", pipes) is read, up to NSIMA_INPUT_MAX.
 * *mapped says how attest_unmap_file must release it.
 */
int attest_map_file(const char *path, uint8_t **buf, size_t *len,
		    bool *mapped, struct nsima_err *err);
void attest_unmap_file(uint8_t *buf, size_t len, bool mapped);
/* Report a libnsima error @rc; returns its exit code. */
int attest_report(const char *input, int rc, const struct nsima_err *err,
		  bool json);
/* Print a JSON string (with quotes) to stdout. */
void attest_json_string(const char *s, size_t len);
/* Print {"result":..,"exit":..,"error":..[,"entry":N]} for --json. */
void attest_json_error(int code, const char *input, const struct nsima_err *err);
/*
 * A failure's one line: "<category>: <line>" as text (false), or the
 * start of its JSON object {"result","exit","error" (true: the caller adds
 * its members and the closing "}\n").
 */
bool attest_fail_begin(bool json, int code, const char *line);

#endif /* NSIMA_ATTEST_COMMON_H */
