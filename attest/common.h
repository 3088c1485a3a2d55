/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the log subcommands (replay, show).
 */
#ifndef NSIMA_ATTEST_COMMON_H
#define NSIMA_ATTEST_COMMON_H

#include <stdbool.h>

#include "log.h"
#include "log_format.h"


struct attest_args;

/*
 * Walk the list in @buf (--format, --log-alg) in constant memory: @fn gets
 * each entry with its whole-list index, or with --ns each entry of that
 * namespace's view (--redacted: the others reduced to the digests of
 * @banks).
 */
int attest_walk(const struct attest_args *o, const uint8_t *buf, size_t len,
		unsigned int banks, nsima_walk_fn fn, void *ctx,
		struct nsima_err *err);
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
