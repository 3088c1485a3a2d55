// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: CEL JSON logs. A log that parses must write and
 * re-parse to the same entries.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "nsview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsima_log log, red;

	nsima_log_init(&log);
	if (!nsima_cel_parse(data, size, &log, NULL)) {
		struct nsima_pcrs p;

		nsima_replay_pcrs(&log, 11, NSIMA_BANKS_DEFAULT, 0, &p, NULL);
		nsima_log_verify(&log, NULL, NULL);
		if (!log.index && !nsima_log_redact(&log, true, 0,
						    NSIMA_BANKS_DEFAULT, &red,
						    NULL))
			nsima_log_free(&red);
		if (!log.index)
			fuzz_check_log(&log);
	}
	nsima_log_free(&log);
	return 0;
}
