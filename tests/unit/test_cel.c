// SPDX-License-Identifier: GPL-2.0
/*
 * lib/cel.c: CEL JSON round trips of real lists (replayed to their known
 * PCR values), JSON-seq, redacted records and bad records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cel.h"
#include "jsonscan.h"
#include "log_format.h"
#include "replay.h"
#include "testdata.h"

static void load(const char *file, struct nsima_log *log)
{
	uint8_t *buf;
	size_t len;

	buf = test_load(file, &len);
	assert_non_null(buf);
	nsima_log_init(log);
	assert_int_equal(nsima_log_parse(buf, len, NSIMA_FORMAT_AUTO,
					 NSIMA_BANK_SHA1, log, NULL),
			 0);
	free(buf);
}

static void round_trip(const char *file, unsigned int flags, const char *sha1)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, back;
	struct nsima_buf cel, bin1, bin2;
	struct nsima_pcrs p;

	load(file, &log);
	nsima_log_init(&back);
	nsima_buf_init(&cel);
	nsima_buf_init(&bin1);
	nsima_buf_init(&bin2);
	assert_int_equal(nsima_cel_write(&log, NSIMA_BANKS_ALL, flags, &cel, &err), 0);
	assert_int_equal(nsima_log_sniff(cel.data, cel.len), NSIMA_FORMAT_CEL);
	if (nsima_cel_parse(cel.data, cel.len, &back, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(back.count, log.count);
	assert_int_equal(back.entries[0].digest_mask, NSIMA_BANKS_ALL);
	assert_int_equal(nsima_replay_pcrs(&back, 10, NSIMA_BANKS_ALL,
					   NSIMA_REPLAY_VERIFY, &p, &err),
			 0);
	assert_string_equal(test_hex(p.val[NSIMA_BANK_SHA1], 20), sha1);
	assert_int_equal(nsima_log_write_binary(&log, NSIMA_BANK_SHA1, &bin1, &err), 0);
	assert_int_equal(nsima_log_write_binary(&back, NSIMA_BANK_SHA1, &bin2, &err), 0);
	assert_int_equal(bin1.len, bin2.len);
	assert_memory_equal(bin1.data, bin2.data, bin1.len);
	nsima_buf_free(&cel);
	nsima_buf_free(&bin1);
	nsima_buf_free(&bin2);
	nsima_log_free(&log);
	nsima_log_free(&back);
}

static void test_round_trips(void **state)
{
	(void)state;
	round_trip("ibmtss/sha1.log", 0, "9be6bac02bf18d09d17e726c2df00bca4e8831ea");
	round_trip("ibmtss/sha1.log", NSIMA_CEL_SEQ,
		   "9be6bac02bf18d09d17e726c2df00bca4e8831ea");
	round_trip("ibmtss/imatest.log", NSIMA_CEL_SEQ,
		   "0ff68e1da514770e85581bffe693809776302a63");
	round_trip("keylime/keyrings.ascii", 0,
		   "e654f343e8f86bd20bc8a0b4c3df3a86801a35ac");
}

#define REC0 TEST_CEL_REC7
#define RED1 "{\"recnum\":8,\"pcr\":11,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"0000000000000000000000000000000000000000000000000000000000000001\"},{\"hashAlg\":\"sm3_256\",\"digest\":\"00\"}],\"content_type\":\"ima_template\",\"redacted\":true}"

static void test_parse_records(void **state)
{
	const char *seq = "\x1e" REC0 "\n\x1e" RED1 "\n";
	struct nsima_err err = { 0 };
	struct nsima_log log;
	size_t len;

	(void)state;
	nsima_log_init(&log);
	assert_int_equal(nsima_cel_parse((const uint8_t *)seq, strlen(seq), &log,
					 &err),
			 0);
	assert_int_equal(log.count, 2);
	assert_int_equal(log.first_index, 7);
	assert_null(log.index);
	assert_memory_equal(nsima_entry_name(&log.entries[0], &len),
			    "boot_aggregate", 14);
	assert_int_equal(log.entries[1].flags, NSIMA_ENTRY_REDACTED);
	assert_null(log.entries[1].data);
	assert_int_equal(log.entries[1].digest_mask,
			 NSIMA_BANK_BIT(NSIMA_BANK_SHA256));
	assert_int_equal(nsima_log_verify(&log, NULL, &err), 0);
	nsima_log_free(&log);
}

static void check_bad(const char *text, int code, enum nsima_where where,
		      uint64_t pos, const char *msg)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;

	nsima_log_init(&log);
	assert_int_equal(nsima_cel_parse((const uint8_t *)text, strlen(text),
					 &log, &err),
			 code);
	assert_int_equal(err.where, where);
	assert_int_equal(err.pos, pos);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
	nsima_log_free(&log);
}

static void test_bad_records(void **state)
{
	(void)state;
	check_bad("[" REC0 ",{\"recnum\":7}]", NSIMA_EMALFORMED, NSIMA_AT_ENTRY,
		  1, "\"recnum\" does not increase");
	check_bad("[" REC0 ",{\"recnum\":8,\"pcr\":24}]", NSIMA_EMALFORMED,
		  NSIMA_AT_ENTRY, 1, "bad \"pcr\"");
	check_bad("[{\"recnum\":0,\"pcr\":1,\"content_type\":\"systemd\"}]",
		  NSIMA_EUNSUPPORTED, NSIMA_AT_ENTRY, 0, "content_type");
	check_bad("[{\"recnum\":0,\"pcr\":1,\"content_type\":\"ima_template\",\"redacted\":true,\"digests\":[]}]",
		  NSIMA_EMALFORMED, NSIMA_AT_ENTRY, 0, "without digests");
	check_bad("[{\"recnum\":0,\"pcr\":1,\"content_type\":\"ima_template\",\"content\":{\"template_name\":\"ima-ng\",\"template_data\":\"2800\"},\"digests\":[]}]",
		  NSIMA_EMALFORMED, NSIMA_AT_ENTRY, 0,
		  "template data ends before field 'd-ng'");
	check_bad("[{\"recnum\":0,\"pcr\":1,\"content_type\":\"ima_template\",\"redacted\":true,\"digests\":[{\"hashAlg\":\"sha1\",\"digest\":\"00\"}]}]",
		  NSIMA_EMALFORMED, NSIMA_AT_ENTRY, 0, "bad sha1 digest");
	check_bad("\x1e{\"recnum\":", NSIMA_EMALFORMED, NSIMA_AT_OFFSET, 11, "");
	check_bad(REC0 "\n[]", NSIMA_EMALFORMED, NSIMA_AT_ENTRY, 1,
		  "record is not an object");
	/* arrays are parsed a record at a time: their syntax is ours */
	check_bad("[" REC0 " " RED1 "]", NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
		  strlen(REC0) + 2, "expected ',' or ']'");
	check_bad("[" REC0 "] " RED1, NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
		  strlen(REC0) + 1, "data after the array");
	check_bad("[] x", NSIMA_EMALFORMED, NSIMA_AT_OFFSET, 2,
		  "data after the array");
	check_bad("[" REC0 ",", NSIMA_EMALFORMED, NSIMA_AT_OFFSET,
		  strlen(REC0) + 2, "");
	check_bad("[" REC0, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, strlen(REC0) + 1,
		  "expected ',' or ']'");
}

/* What jansson is given is bounded (lib/jsonscan.c). */
static void test_scan(void **state)
{
	struct nsima_err err = { 0 };
	char *big;
	size_t end, i, n = 3000;

	(void)state;
	/* strings may hold brackets, quotes and commas: not values */
	assert_int_equal(nsima_json_scan((const uint8_t *)" {\"a\":\"[,\\\"{\",\"b\":[1,true,null]} x",
					 34, 8, &end, &err), 0);
	assert_int_equal(end, 32);
	assert_int_equal(nsima_json_scan((const uint8_t *)" {\"a\":\"[,\\\"{\",\"b\":[1,true,null]} x",
					 34, 7, &end, &err), NSIMA_EMALFORMED);
	assert_int_equal(nsima_json_scan((const uint8_t *)"{\"a\":[1,2,3]}", 13, 5,
					 &end, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "too many values"));
	assert_int_equal(nsima_json_scan((const uint8_t *)"{\"a\":\"x}", 9, 9, &end,
					 &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "not closed"));
	assert_int_equal(nsima_json_scan((const uint8_t *)"  7", 3, 9, &end, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, 2);
	/* 3000 empty objects in one record: refused before jansson */
	big = malloc(8 + 3 * n);
	assert_non_null(big);
	memcpy(big, "{\"x\":[", 6);
	for (i = 0; i < n; i++)
		memcpy(big + 6 + 3 * i, "{},", 3);
	memcpy(big + 6 + 3 * n - 1, "]}", 3);
	check_bad(big, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, 6 + 3 * 509,
		  "too many values");
	free(big);
	/* one record of 3 MiB (a string): over the record bound */
	n = (size_t)3 << 20;
	big = malloc(n + 32);
	assert_non_null(big);
	memcpy(big, "[{\"pad\":\"", 9);
	memset(big + 9, 'A', n);
	memcpy(big + 9 + n, "\"}]", 4);
	check_bad(big, NSIMA_EMALFORMED, NSIMA_AT_OFFSET, 1,
		  "a record longer than");
	/* too deep */
	memset(big, '[', 100);
	big[100] = '\0';
	assert_int_equal(nsima_json_scan((const uint8_t *)big, 100, 1000, &end,
					 &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "nested too deep"));
	free(big);
}

/* An array and its records a line each: the same list. */
static void test_parse_array(void **state)
{
	const char *arr = " [ " REC0 " ,\n" RED1 " ] \n";
	struct nsima_err err = { 0 };
	struct nsima_log log;

	(void)state;
	nsima_log_init(&log);
	assert_int_equal(nsima_cel_parse((const uint8_t *)arr, strlen(arr),
					 &log, &err), 0);
	assert_int_equal(log.count, 2);
	assert_int_equal(log.first_index, 7);
	assert_int_equal(log.entries[1].flags, NSIMA_ENTRY_REDACTED);
	nsima_log_free(&log);
	nsima_log_init(&log);
	assert_int_equal(nsima_cel_parse((const uint8_t *)"[ ]", 3, &log, &err),
			 0);
	assert_int_equal(log.count, 0);
	nsima_log_free(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_parse_records),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_parse_array),
		cmocka_unit_test(test_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
