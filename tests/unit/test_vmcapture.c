// SPDX-License-Identifier: GPL-2.0
/*
 * Known answers from nsima's own VM (tests/data/vm-events, see README):
 * the binary and ascii lists nsima.ko wrote parse to the same 50 entries,
 * attribute them to the right namespaces and replay to the PCR 11 values
 * the guest read from its TPM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "log.h"
#include "replay.h"
#include "testdata.h"

#define PCR_SHA1 "ba44a71ffbf216979bcda2bb30caf1ee6a6fc112"
#define PCR_SHA256 "45b88d64532bb992f7144b75ea2529873175dfbe0c19cdd60092f70749624321"

static void check_list(const struct nsima_log *log)
{
	unsigned int host = 0, ns1 = 0, ns2 = 0, violations = 0;
	struct nsima_pcrs p;
	size_t i;

	assert_int_equal(log->count, 50);
	for (i = 0; i < log->count; i++) {
		struct nsima_nsref ref;

		assert_int_equal(nsima_entry_ns(&log->entries[i], &ref, NULL), 0);
		if (ref.host)
			host++;
		else if (ref.nsid == 4026532114ULL)
			ns1++;
		else if (ref.nsid == 4026532115ULL)
			ns2++;
		if (nsima_entry_is_violation(&log->entries[i]))
			violations++;
	}
	assert_int_equal(host, 12);	/* aggregate, 2 files, 9 overflows */
	assert_int_equal(ns1, 8);
	assert_int_equal(ns2, 30);
	assert_int_equal(violations, 9);
	assert_int_equal(nsima_replay_pcrs(log, 11, NSIMA_BANKS_DEFAULT,
					   NSIMA_REPLAY_VERIFY, &p, NULL), 0);
	assert_string_equal(test_hex(p.val[NSIMA_BANK_SHA1], 20), PCR_SHA1);
	assert_string_equal(test_hex(p.val[NSIMA_BANK_SHA256], 32), PCR_SHA256);
}

static void test_binary(void **state)
{
	struct nsima_log log;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = test_load("vm-events/binary_runtime_measurements", &len);
	assert_non_null(buf);
	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_binary(buf, len, NSIMA_BANK_SHA1, &log,
						NULL), 0);
	check_list(&log);
	nsima_log_free(&log);
	free(buf);
}

static void test_ascii(void **state)
{
	struct nsima_log log;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = test_load("vm-events/ascii_runtime_measurements", &len);
	assert_non_null(buf);
	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_ascii((const char *)buf, len,
					       NSIMA_BANK_SHA1, &log, NULL), 0);
	check_list(&log);
	nsima_log_free(&log);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_ascii),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
