/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the log subcommands (replay, show).
 */
#ifndef NSIMA_ATTEST_COMMON_H
#define NSIMA_ATTEST_COMMON_H

#include <stdbool.h>

#include <jansson.h>

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
/* @len raw bytes escaped as name.h escapes names (malloc'd), or NULL. */
char *attest_escaped(const char *name, size_t len);
/* A JSON string of @len bytes: as they are if UTF-8, else escaped. */
json_t *attest_jstr(const char *s, size_t len);
/* A failure's JSON: {"result","exit","error"}, to add members to. */
json_t *attest_verdict(int code, const char *line);
/*
 * Report a failure: "<category>: <line>" as text, or @j (taken; NULL
 * falls back to the text line) as one JSON line; returns @code.
 */
int attest_emit(bool json, json_t *j, int code, const char *line);
/* Print {"result":..,"exit":..,"error":..[,"entry":N]} for --json. */
void attest_json_error(int code, const char *input, const struct nsima_err *err);

#endif /* NSIMA_ATTEST_COMMON_H */
