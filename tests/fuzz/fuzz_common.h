/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared checks for the log fuzz targets: whatever parses must write back,
 * re-parse to the same entries and replay without error.
 */
#ifndef NSIMA_FUZZ_COMMON_H
#define NSIMA_FUZZ_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "cel.h"
#include "log.h"
#include "replay.h"

static inline void fuzz_same_binary(const struct nsima_log *a,
				    const struct nsima_log *b)
{
	struct nsima_buf x, y;

	nsima_buf_init(&x);
	nsima_buf_init(&y);
	if (nsima_log_write_binary(a, NSIMA_BANK_SHA1, &x, NULL) ||
	    nsima_log_write_binary(b, NSIMA_BANK_SHA1, &y, NULL) ||
	    x.len != y.len || (x.len && memcmp(x.data, y.data, x.len)))
		abort();
	nsima_buf_free(&x);
	nsima_buf_free(&y);
}

/* @log parsed fine: exercise every writer and the replay on it. */
static inline void fuzz_check_log(const struct nsima_log *log)
{
	struct nsima_log back;
	struct nsima_buf out;
	struct nsima_pcrs p;
	size_t i;

	for (i = 0; i < log->count; i++) {
		struct nsima_nsref ref;

		nsima_entry_ns(&log->entries[i], &ref, NULL);
	}
	nsima_log_verify(log, NULL, NULL);
	nsima_replay_pcrs(log, log->count ? log->entries[0].pcr : 10,
			  NSIMA_BANKS_ALL, 0, &p, NULL);

	/* ascii round trip */
	nsima_buf_init(&out);
	nsima_log_init(&back);
	if (!nsima_log_write_ascii(log, NSIMA_BANK_SHA1, &out, NULL)) {
		if (nsima_log_parse_ascii((char *)out.data, out.len,
					  NSIMA_BANK_SHA1, &back, NULL))
			abort();
		fuzz_same_binary(log, &back);
	}
	nsima_buf_free(&out);
	nsima_log_free(&back);

	/* CEL round trip */
	nsima_log_init(&back);
	if (nsima_cel_write(log, NSIMA_BANKS_DEFAULT, NSIMA_CEL_SEQ, &out, NULL) ||
	    nsima_cel_parse(out.data, out.len, &back, NULL) ||
	    back.count != log->count)
		abort();
	nsima_buf_free(&out);
	nsima_log_free(&back);
}

#endif /* NSIMA_FUZZ_COMMON_H */
