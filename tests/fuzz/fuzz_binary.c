// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: binary measurement lists. A list that parses must
 * write back byte for byte and survive the ascii and CEL round trips.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_log log;
	struct nsima_buf out;

	nsima_log_init(&log);
	if (!nsima_log_parse_binary(data, size, NSIMA_BANK_SHA1, &log, NULL)) {
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
