// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: binary measurement lists. A list that parses must
 * write back byte for byte and survive the ascii and CEL round trips; the
 * streamed replay must agree with parse + replay (values, errors, offsets).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_stream(const uint8_t *data, size_t size,
			 const struct nsima_log *log, int parse_rc,
			 const struct nsima_err *perr)
{
	struct nsima_err e1 = { 0 }, e2 = { 0 };
	struct nsima_replay r1, r2;
	uint64_t total = 0;
	int rc1 = parse_rc, rc2;

	nsima_replay_init(&r1, 10, NSIMA_BANKS_ALL, NULL);
	r2 = r1;
	if (!rc1)
		rc1 = nsima_replay_log(&r1, log, NSIMA_REPLAY_VERIFY, &e1);
	else
		e1 = *perr;
	rc2 = nsima_replay_binary(&r2, data, size, NSIMA_BANK_SHA1, NULL,
				  NSIMA_REPLAY_VERIFY, &total, &e2);
	if (parse_rc) {
		/* the same parse error, or an entry before it that fails */
		if (rc2 == parse_rc && e1.where == e2.where && e1.pos == e2.pos)
			return;
		if (!rc2 || e2.where != NSIMA_AT_ENTRY || e2.pos >= log->count)
			abort();
		return;
	}
	if (rc1 != rc2 || (rc1 && (e1.where != e2.where || e1.pos != e2.pos)))
		abort();
	if (!rc1 && (total != log->count || r1.next != r2.next ||
		     memcmp(&r1.pcrs, &r2.pcrs, sizeof(r1.pcrs))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;
	struct nsima_buf out;
	int rc;

	nsima_log_init(&log);
	rc = nsima_log_parse_binary(data, size, NSIMA_BANK_SHA1, &log, &err);
	check_stream(data, size, &log, rc, &err);
	if (!rc) {
		nsima_buf_init(&out);
		if (nsima_log_write_binary(&log, NSIMA_BANK_SHA1, &out, NULL) ||
		    out.len != size || (size && memcmp(out.data, data, size)))
			abort();
		nsima_buf_free(&out);
		fuzz_check_log(&log);
	}
	nsima_log_free(&log);
	/* per-bank layout (sha256 header digests) */
	nsima_log_init(&log);
	nsima_log_parse_binary(data, size, NSIMA_BANK_SHA256, &log, NULL);
	nsima_log_free(&log);
	return 0;
}
