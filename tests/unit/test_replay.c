// SPDX-License-Identifier: GPL-2.0
/*
 * lib/replay.c against known PCR values of real IMA lists (tests/data,
 * values from the upstream projects, see tests/data/README.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "le.h"
#include "log_format.h"
#include "replay.h"
#include "testdata.h"

/* ibmtss utils/imakvtpcr10.txt: PCR 10 after sha1.log */
#define KV_SHA1 "9be6bac02bf18d09d17e726c2df00bca4e8831ea"
#define KV_SHA256 "7fac48c81837d6d29046008aef0cdad8c2745cc98c3340cbba9bfdf39b4124b8"
#define KV_SHA384 "e8923687b18847064ff3af89fd7ed088fa03c8b2467f7f8648bab264684575beb92e707d813ed561189492bb4b6e5c8b"
#define KV_SHA512 "698dab0fbb7c4ae0ec4ecae0d3890e9635cc2ba97b9dec459f9ef867b96d858843697c701e580931d6f2cf1e18acb2b3192eb660e871a37cf5b45392086ce807"

static void load_log(const char *file, struct nsima_log *log)
{
	if (test_load_log(file, log))
		fail_msg("%s does not load", file);
}

static void assert_pcr(const struct nsima_pcrs *p, int bank, const char *hex)
{
	assert_string_equal(test_hex(p->val[bank], nsima_bank_size(bank)), hex);
}

static void test_sha1_log_all_banks(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_pcrs p, q;
	struct nsima_log log;

	(void)state;
	load_log("ibmtss/sha1.log", &log);
	assert_int_equal(nsima_replay_pcrs(&log, 10, NSIMA_BANKS_ALL, 0, &p,
					   &err),
			 0);
	assert_pcr(&p, NSIMA_BANK_SHA1, KV_SHA1);
	assert_pcr(&p, NSIMA_BANK_SHA256, KV_SHA256);
	assert_pcr(&p, NSIMA_BANK_SHA384, KV_SHA384);
	assert_pcr(&p, NSIMA_BANK_SHA512, KV_SHA512);
	/* recomputing sha1 from the data gives the same value */
	assert_int_equal(nsima_replay_pcrs(&log, 10, NSIMA_BANKS_ALL,
					   NSIMA_REPLAY_RECOMPUTE |
						   NSIMA_REPLAY_VERIFY,
					   &q, &err),
			 0);
	assert_memory_equal(&p, &q, sizeof(p));
	assert_int_equal(nsima_log_verify(&log, NULL, &err), 0);
	/* nothing on PCR 11: all zero */
	assert_int_equal(nsima_replay_pcrs(&log, 11, NSIMA_BANKS_DEFAULT, 0, &p,
					   &err),
			 0);
	assert_pcr(&p, NSIMA_BANK_SHA1, "0000000000000000000000000000000000000000");
	nsima_log_free(&log);
}

/* The same list with sha256 header digests (Linux 6.9+ per-bank list). */
static void test_per_bank_list(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, log256;
	struct nsima_buf bin;
	struct nsima_pcrs p;

	(void)state;
	load_log("ibmtss/sha1.log", &log);
	nsima_buf_init(&bin);
	nsima_log_init(&log256);
	assert_int_equal(nsima_log_write_binary(&log, NSIMA_BANK_SHA256, &bin,
						&err),
			 0);
	assert_int_equal(bin.len, 49328 + 362 * 12);
	assert_int_equal(nsima_log_parse_binary(bin.data, bin.len,
						NSIMA_BANK_SHA256, &log256, &err),
			 0);
	assert_int_equal(log256.entries[0].digest_mask,
			 NSIMA_BANK_BIT(NSIMA_BANK_SHA256));
	assert_int_equal(nsima_replay_pcrs(&log256, 10, NSIMA_BANKS_ALL,
					   NSIMA_REPLAY_VERIFY, &p, &err),
			 0);
	assert_pcr(&p, NSIMA_BANK_SHA1, KV_SHA1);
	assert_pcr(&p, NSIMA_BANK_SHA256, KV_SHA256);
	nsima_buf_free(&bin);
	nsima_log_free(&log);
	nsima_log_free(&log256);
}

static void check_file(const char *file, const char *sha1, const char *sha256)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;
	struct nsima_pcrs p;

	load_log(file, &log);
	assert_int_equal(nsima_replay_pcrs(&log, 10, NSIMA_BANKS_DEFAULT,
					   NSIMA_REPLAY_VERIFY, &p, &err),
			 0);
	assert_pcr(&p, NSIMA_BANK_SHA1, sha1);
	if (sha256)
		assert_pcr(&p, NSIMA_BANK_SHA256, sha256);
	nsima_log_free(&log);
}

static void test_known_lists(void **state)
{
	(void)state;
	/* ibmtss template zoo incl. two violations (SOURCE.md values) */
	check_file("ibmtss/imatest.log", "0ff68e1da514770e85581bffe693809776302a63",
		   "af02ae09413721fddb71250ae26383de73cc78d5df37fbebadacedeaeacddb18");
	check_file("ima-evm-utils/test_ascii_runtime_measurements",
		   "84dd8a72820429a0be3d28adffe99fe9bc2580b4", NULL);
	check_file("keylime/measurements.ascii",
		   "dff39e2db052e00d11f45770bb127c4053e14f32", NULL);
	check_file("keylime/keyrings.ascii",
		   "e654f343e8f86bd20bc8a0b4c3df3a86801a35ac", NULL);
}

static void test_verify_mismatch(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;
	struct nsima_pcrs p;
	uint64_t bad = 99;

	(void)state;
	load_log("keylime/bad_signatures.ascii", &log);
	assert_int_equal(nsima_log_verify(&log, &bad, &err), NSIMA_EDIGEST);
	assert_int_equal(bad, 0);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_non_null(strstr(err.msg, "5d4d5141ccd5066d50dc3f21d79ba02fedc24256"));
	assert_non_null(strstr(err.msg, "debcdea9036f2053ce550c3d1eef41d0645bf062"));
	assert_int_equal(nsima_replay_pcrs(&log, 10, NSIMA_BANKS_DEFAULT,
					   NSIMA_REPLAY_VERIFY, &p, &err),
			 NSIMA_EDIGEST);
	nsima_log_free(&log);

	/* one flipped byte in the name of entry 100 of sha1.log */
	load_log("ibmtss/sha1.log", &log);
	log.entries[100].data[log.entries[100].data_len - 6] ^= 1;
	assert_int_equal(nsima_log_verify(&log, &bad, &err), NSIMA_EDIGEST);
	assert_int_equal(bad, 100);
	assert_int_equal(err.pos, 100);
	/* a slice reports whole-list indexes */
	log.first_index = 1000;
	assert_int_equal(nsima_log_verify(&log, &bad, &err), NSIMA_EDIGEST);
	assert_int_equal(bad, 1100);
	nsima_log_free(&log);
}

/* violation: zero digest logged, 0xff.. extended */
static void test_violation(void **state)
{
	struct nsima_err err = { 0 };
	uint8_t zero[20] = { 0 }, digest[32] = { 0 };
	struct nsima_entry e;
	struct nsima_log log;
	struct nsima_buf d;
	struct nsima_pcrs p;

	(void)state;
	nsima_buf_init(&d);
	nsima_log_init(&log);
	assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest), 0);
	assert_int_equal(nsima_template_put_name(&d, "4026532281:/etc/shadow"), 0);
	assert_int_equal(nsima_entry_init(&e, 11, "ima-ng", d.data, d.len, &err), 0);
	nsima_entry_set_digest(&e, NSIMA_BANK_SHA1, zero);
	assert_int_equal(nsima_log_append(&log, &e, &err), 0);
	assert_int_equal(nsima_replay_pcrs(&log, 11, NSIMA_BANKS_ALL,
					   NSIMA_REPLAY_VERIFY |
						   NSIMA_REPLAY_RECOMPUTE,
					   &p, &err),
			 0);
	/* SHA1(0^20 | ff^20), SHA256(0^32 | ff^32) (Python hashlib) */
	assert_pcr(&p, NSIMA_BANK_SHA1, "bac37b84f007d0238af95af707cac8d61254870e");
	assert_pcr(&p, NSIMA_BANK_SHA256,
		   "bba91ca85dc914b2ec3efb9e16e7267bf9193b14350d20fba8a8b406730ae30a");
	nsima_buf_free(&d);
	nsima_log_free(&log);
}

static void test_replay_until(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, zoo;
	struct nsima_replay r;
	struct nsima_pcrs q = { 0 };
	size_t i;

	(void)state;
	load_log("ibmtss/sha1.log", &log);
	load_log("ibmtss/imatest.log", &zoo);
	/* the quote was taken after 362 entries; 17 more arrived since */
	for (i = 0; i < zoo.count; i++)
		assert_int_equal(nsima_log_append_copy(&log, &zoo.entries[i], &err), 0);
	assert_int_equal(log.count, 379);
	q.banks = NSIMA_BANK_BIT(NSIMA_BANK_SHA256);
	nsima_hex_decode(KV_SHA256, 64, q.val[NSIMA_BANK_SHA256]);
	assert_int_equal(nsima_replay_init(&r, 10, NSIMA_BANKS_DEFAULT, &err), 0);
	assert_int_equal(nsima_replay_until(&r, &log, &q, 0, &err), 0);
	assert_int_equal(r.next, 362);
	assert_pcr(&r.pcrs, NSIMA_BANK_SHA1, KV_SHA1);

	/* continue to the end; the old quote is then behind the checkpoint */
	assert_int_equal(nsima_replay_log(&r, &log, 0, &err), 0);
	assert_int_equal(r.next, 379);
	assert_int_equal(nsima_replay_until(&r, &log, &q, 0, &err),
			 NSIMA_EUNREACHABLE);
	assert_int_equal(r.next, 379);	/* unchanged */

	/* a value no prefix produces */
	q.val[NSIMA_BANK_SHA256][0] ^= 1;
	assert_int_equal(nsima_replay_init(&r, 10, NSIMA_BANKS_DEFAULT, &err), 0);
	assert_int_equal(nsima_replay_until(&r, &log, &q, 0, &err),
			 NSIMA_EUNREACHABLE);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_int_equal(err.pos, 379);
	assert_int_equal(r.next, 0);

	/* the empty prefix matches the all-zero PCR */
	memset(q.val, 0, sizeof(q.val));
	assert_int_equal(nsima_replay_until(&r, &log, &q, 0, &err), 0);
	assert_int_equal(r.next, 0);
	/* ... which vouches for no entry when it must cover one */
	assert_int_equal(nsima_replay_until(&r, &log, &q, NSIMA_REPLAY_NONEMPTY,
					    &err), NSIMA_EUNREACHABLE);
	assert_int_equal(r.next, 0);

	/* quoted banks must be replayed */
	q.banks = NSIMA_BANK_BIT(NSIMA_BANK_SHA384);
	assert_int_equal(nsima_replay_until(&r, &log, &q, 0, &err), NSIMA_EINVAL);
	nsima_log_free(&log);
	nsima_log_free(&zoo);
}

/*
 * Streamed replay of a binary list (nsima_replay_binary): the same known
 * values as the in-memory replay, the quote/list race, a tampered record
 * after the quoted point, a checkpoint start, malformed input.
 */
static void test_stream_binary(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_replay r;
	struct nsima_pcrs q = { 0 };
	struct nsima_log log, zoo;
	struct nsima_buf both;
	uint64_t total = 0;
	uint8_t *buf;
	size_t len, i;

	(void)state;
	buf = test_load("ibmtss/sha1.log", &len);
	assert_non_null(buf);
	assert_int_equal(nsima_replay_init(&r, 10, NSIMA_BANKS_ALL, &err), 0);
	assert_int_equal(nsima_replay_binary(&r, buf, len, NSIMA_BANK_SHA1,
					     NULL, NSIMA_REPLAY_VERIFY, &total,
					     &err),
			 0);
	assert_int_equal(total, 362);
	assert_int_equal(r.next, 362);
	assert_pcr(&r.pcrs, NSIMA_BANK_SHA1, KV_SHA1);
	assert_pcr(&r.pcrs, NSIMA_BANK_SHA256, KV_SHA256);
	assert_pcr(&r.pcrs, NSIMA_BANK_SHA512, KV_SHA512);

	/* 17 zoo entries (other templates: the template cache) after it */
	load_log("ibmtss/sha1.log", &log);
	load_log("ibmtss/imatest.log", &zoo);
	for (i = 0; i < zoo.count; i++)
		assert_int_equal(nsima_log_append_copy(&log, &zoo.entries[i], &err), 0);
	nsima_buf_init(&both);
	assert_int_equal(nsima_log_write_binary(&log, NSIMA_BANK_SHA1, &both,
						&err), 0);
	q.banks = NSIMA_BANK_BIT(NSIMA_BANK_SHA256);
	nsima_hex_decode(KV_SHA256, 64, q.val[NSIMA_BANK_SHA256]);
	assert_int_equal(nsima_replay_init(&r, 10, NSIMA_BANKS_DEFAULT, &err), 0);
	assert_int_equal(nsima_replay_binary(&r, both.data, both.len,
					     NSIMA_BANK_SHA1, &q,
					     NSIMA_REPLAY_VERIFY, &total, &err),
			 0);
	assert_int_equal(r.next, 362);
	assert_int_equal(total, 379);
	assert_pcr(&r.pcrs, NSIMA_BANK_SHA1, KV_SHA1);

	/* a pending record whose data no longer matches: found at 370 */
	nsima_buf_free(&both);
	nsima_buf_init(&both);
	log.entries[370].data[log.entries[370].fields[0].off +
			      log.entries[370].fields[0].len - 1] ^= 1;
	assert_int_equal(nsima_log_write_binary(&log, NSIMA_BANK_SHA1, &both,
						&err), 0);
	assert_int_equal(nsima_replay_init(&r, 10, NSIMA_BANKS_DEFAULT, &err), 0);
	assert_int_equal(nsima_replay_binary(&r, both.data, both.len,
					     NSIMA_BANK_SHA1, &q,
					     NSIMA_REPLAY_VERIFY, &total, &err),
			 NSIMA_EDIGEST);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_int_equal(err.pos, 370);
	/* not checked: the quoted prefix is found */
	assert_int_equal(nsima_replay_binary(&r, both.data, both.len,
					     NSIMA_BANK_SHA1, &q, 0, &total,
					     &err),
			 0);
	assert_int_equal(r.next, 362);

	/* a value no prefix gives: unreachable, r unchanged */
	assert_int_equal(nsima_replay_init(&r, 10, NSIMA_BANKS_DEFAULT, &err), 0);
	q.val[NSIMA_BANK_SHA256][0] ^= 1;
	assert_int_equal(nsima_replay_binary(&r, buf, len, NSIMA_BANK_SHA1, &q,
					     0, &total, &err),
			 NSIMA_EUNREACHABLE);
	assert_int_equal(err.pos, 362);
	assert_int_equal(r.next, 0);	/* unchanged */

	/* truncated last record: the byte offset of what is missing */
	assert_int_equal(nsima_replay_binary(&r, buf, len - 3, NSIMA_BANK_SHA1,
					     NULL, 0, &total, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_OFFSET);
	assert_true(err.pos < len && err.pos > len - 400);
	nsima_buf_free(&both);
	nsima_log_free(&log);
	nsima_log_free(&zoo);
	free(buf);
}

/*
 * fuzz_binary regression (tests/data/fuzz/): record 0's digest is wrong
 * and the list is cut inside record 2. Parsing fails at the cut; the
 * stream reports the bad digest first (list order), and the same cut when
 * not verifying.
 */
static void test_stream_error_order(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_replay r;
	struct nsima_log log;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = test_load("fuzz/binary-stream-order.bin", &len);
	assert_non_null(buf);
	nsima_log_init(&log);
	assert_int_equal(nsima_log_parse_binary(buf, len, NSIMA_BANK_SHA1,
						&log, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_OFFSET);
	assert_int_equal(err.pos, 211);
	assert_int_equal(log.count, 2);
	assert_int_equal(nsima_replay_init(&r, 10, NSIMA_BANKS_ALL, &err), 0);
	assert_int_equal(nsima_replay_binary(&r, buf, len, NSIMA_BANK_SHA1,
					     NULL, NSIMA_REPLAY_VERIFY, NULL,
					     &err),
			 NSIMA_EDIGEST);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_int_equal(err.pos, 0);
	assert_int_equal(nsima_replay_binary(&r, buf, len, NSIMA_BANK_SHA1,
					     NULL, 0, NULL, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_OFFSET);
	assert_int_equal(err.pos, 211);
	nsima_log_free(&log);
	free(buf);
}

/* In-memory lists stop at NSIMA_LOG_MEM_MAX, with a clear error. */
static void test_memory_cap(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_entry e;
	struct nsima_log log;

	(void)state;
	nsima_log_init(&log);
	memset(&e, 0, sizeof(e));
	e.pcr = 10;
	e.name_field = -1;
	log.mem = NSIMA_LOG_MEM_MAX - sizeof(e);
	assert_int_equal(nsima_log_append(&log, &e, &err), NSIMA_EMALFORMED);
	assert_int_equal(log.count, 0);
	assert_non_null(strstr(err.msg, "replay it streamed"));
	log.mem = 0;
	assert_int_equal(nsima_log_append(&log, &e, &err), 0);
	assert_int_equal(log.count, 1);
	assert_true(log.mem >= sizeof(e));
	nsima_log_free(&log);
}

/* poll: checkpoint after 200 entries, then only the slice 200.. */
static void test_incremental(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, slice;
	struct nsima_replay r, saved;
	size_t i;

	(void)state;
	load_log("ibmtss/sha1.log", &log);
	nsima_log_init(&slice);
	assert_int_equal(nsima_replay_init(&r, 10, NSIMA_BANKS_ALL, &err), 0);
	for (i = 0; i < 200; i++)
		assert_int_equal(nsima_replay_entry(&r, &log.entries[i], 0, &err), 0);
	saved = r;
	slice.first_index = 200;
	for (i = 200; i < log.count; i++)
		assert_int_equal(nsima_log_append_copy(&slice, &log.entries[i], &err), 0);
	assert_int_equal(nsima_replay_log(&r, &slice, 0, &err), 0);
	assert_int_equal(r.next, 362);
	assert_pcr(&r.pcrs, NSIMA_BANK_SHA1, KV_SHA1);
	assert_pcr(&r.pcrs, NSIMA_BANK_SHA512, KV_SHA512);
	/* a slice that starts after the checkpoint leaves a gap */
	r = saved;
	slice.first_index = 201;
	assert_int_equal(nsima_replay_log(&r, &slice, 0, &err), NSIMA_EGAP);
	assert_int_equal(r.next, 200);
	/* a slice that overlaps the checkpoint is fine */
	slice.first_index = 150;
	assert_int_equal(nsima_replay_log(&r, &slice, 0, &err), 0);
	assert_int_equal(r.next, 150 + slice.count);
	nsima_log_free(&slice);
	nsima_log_free(&log);
}

/* redacted entries replay from the digests they carry */
static void test_redacted_replay(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log log;
	struct nsima_pcrs p;
	struct nsima_entry *e;
	int b;

	(void)state;
	load_log("ibmtss/sha1.log", &log);
	e = &log.entries[5];
	for (b = 0; b < NSIMA_BANK_COUNT; b++) {
		uint8_t d[64];

		assert_int_equal(nsima_entry_digest(e, b, d, &err), 0);
		nsima_entry_set_digest(e, b, d);
	}
	nsima_entry_free(e);
	e->flags = NSIMA_ENTRY_REDACTED;
	assert_int_equal(nsima_replay_pcrs(&log, 10, NSIMA_BANKS_ALL,
					   NSIMA_REPLAY_VERIFY |
						   NSIMA_REPLAY_RECOMPUTE,
					   &p, &err),
			 0);
	assert_pcr(&p, NSIMA_BANK_SHA384, KV_SHA384);
	/* without the sha512 digest the bank cannot be replayed */
	e->digest_mask &= ~NSIMA_BANK_BIT(NSIMA_BANK_SHA512);
	assert_int_equal(nsima_replay_pcrs(&log, 10, NSIMA_BANKS_ALL, 0, &p, &err),
			 NSIMA_EUNSUPPORTED);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_int_equal(err.pos, 5);
	nsima_log_free(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_log_all_banks),
		cmocka_unit_test(test_per_bank_list),
		cmocka_unit_test(test_known_lists),
		cmocka_unit_test(test_verify_mismatch),
		cmocka_unit_test(test_violation),
		cmocka_unit_test(test_replay_until),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_redacted_replay),
		cmocka_unit_test(test_stream_binary),
		cmocka_unit_test(test_stream_error_order),
		cmocka_unit_test(test_memory_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
