// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: ascii measurement lists. A list that parses must
 * print and re-parse to the same entries and survive the CEL round trip.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_log log;

	nsima_log_init(&log);
	if (!nsima_log_parse_ascii((const char *)data, size, NSIMA_BANK_SHA1,
				   &log, NULL))
		fuzz_check_log(&log);
	nsima_log_free(&log);
	return 0;
}
