// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests for lib/hash.c: bank table, hashing, IMA's template
 * digest rule (incl. the legacy "ima" padding), PCR extend, violations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hash.h"
#include "template.h"
#include "testdata.h"

static void test_bank_table(void **state)
{
	(void)state;
	assert_string_equal(nsima_bank_name(NSIMA_BANK_SHA1), "sha1");
	assert_string_equal(nsima_bank_name(NSIMA_BANK_SHA512), "sha512");
	assert_int_equal(nsima_bank_size(NSIMA_BANK_SHA1), 20);
	assert_int_equal(nsima_bank_size(NSIMA_BANK_SHA256), 32);
	assert_int_equal(nsima_bank_size(NSIMA_BANK_SHA384), 48);
	assert_int_equal(nsima_bank_size(NSIMA_BANK_SHA512), 64);
	assert_int_equal(nsima_bank_info(NSIMA_BANK_SHA256)->tpm_alg, 0x000b);
	assert_int_equal(nsima_bank_by_alg(0x0004), NSIMA_BANK_SHA1);
	assert_int_equal(nsima_bank_by_alg(0x000d), NSIMA_BANK_SHA512);
	assert_int_equal(nsima_bank_by_alg(0x0012), -1);	/* sm3 */
	assert_int_equal(nsima_bank_by_name("sha384", 6), NSIMA_BANK_SHA384);
	assert_int_equal(nsima_bank_by_name("sha2566", 7), -1);
	assert_int_equal(nsima_bank_by_name("sha256", 4), -1);
	assert_null(nsima_bank_info(NSIMA_BANK_COUNT));
	assert_null(nsima_bank_info(-1));
}

static void test_banks_parse(void **state)
{
	struct nsima_err err = { 0 };
	unsigned int mask = 0;

	(void)state;
	assert_int_equal(nsima_banks_parse("sha1,sha512", &mask, &err), 0);
	assert_int_equal(mask, NSIMA_BANK_BIT(NSIMA_BANK_SHA1) |
				       NSIMA_BANK_BIT(NSIMA_BANK_SHA512));
	assert_int_equal(nsima_banks_parse("sha1,md5", &mask, &err),
			 NSIMA_EINVAL);
	assert_non_null(strstr(err.msg, "'md5'"));
	assert_int_equal(nsima_banks_parse("", &mask, &err), NSIMA_EINVAL);
}

static void test_hash_abc(void **state)
{
	uint8_t out[64];

	(void)state;
	assert_int_equal(nsima_hash(NSIMA_BANK_SHA1, "abc", 3, out, NULL), 0);
	assert_string_equal(test_hex(out, 20),
			    "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_int_equal(nsima_hash(NSIMA_BANK_SHA256, "abc", 3, out, NULL), 0);
	assert_string_equal(test_hex(out, 32),
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(nsima_hash(7, "abc", 3, out, NULL), NSIMA_EINVAL);
}

/*
 * The boot_aggregate line of ima-evm-utils' test_ascii_runtime_measurements:
 * 10 cf41b43c... ima-ng sha256:f1b4c7c9... boot_aggregate
 */
static void test_template_digest_ima_ng(void **state)
{
	uint8_t digest[32], out[32];
	struct nsima_buf data;

	(void)state;
	nsima_hex_decode("f1b4c7c9b27e94569f4c2b64051c452bc609c3cb891dd7fae06b758f8bc83d14",
			 64, digest);
	nsima_buf_init(&data);
	assert_int_equal(nsima_template_put_dng(&data, NSIMA_BANK_SHA256, digest), 0);
	assert_int_equal(nsima_template_put_name(&data, "boot_aggregate"), 0);
	assert_int_equal(data.len, 4 + 8 + 32 + 4 + 15);
	assert_int_equal(nsima_template_digest(NSIMA_BANK_SHA1, "ima-ng",
					       data.data, data.len, out, NULL),
			 0);
	assert_string_equal(test_hex(out, 20),
			    "cf41b43c4031672fcc2bd358b309ad33b977424f");
	nsima_buf_free(&data);
}

/*
 * Legacy "ima": digest | name zero-padded to 256 bytes; expected values
 * from Python hashlib over the same bytes.
 */
static void test_template_digest_legacy(void **state)
{
	uint8_t data[20 + 4 + 15], out[32];
	int i;

	(void)state;
	for (i = 0; i < 20; i++)
		data[i] = (uint8_t)i;
	data[20] = 15;
	data[21] = data[22] = data[23] = 0;
	memcpy(data + 24, "/usr/bin/legacy", 15);
	assert_int_equal(nsima_template_digest(NSIMA_BANK_SHA1, "ima", data,
					       sizeof(data), out, NULL),
			 0);
	assert_string_equal(test_hex(out, 20),
			    "ce20877abdf9d5b0566edfe53146bf98fdd25536");
	assert_int_equal(nsima_template_digest(NSIMA_BANK_SHA256, "ima", data,
					       sizeof(data), out, NULL),
			 0);
	assert_string_equal(test_hex(out, 32),
			    "29c3ccfbd128aa2f2b11f4ba16a811041989232c16094b34a22024d182d36df5");
	/* name_len that does not match the data */
	data[20] = 16;
	assert_int_equal(nsima_template_digest(NSIMA_BANK_SHA1, "ima", data,
					       sizeof(data), out, NULL),
			 NSIMA_EMALFORMED);
}

static void test_extend_and_violation(void **state)
{
	uint8_t pcr[20] = { 0 }, ff[64], digest[20];

	(void)state;
	/* SHA1(20 zero bytes | 20 x 0xff) */
	nsima_violation_digest(NSIMA_BANK_SHA1, ff);
	assert_string_equal(test_hex(ff, 20),
			    "ffffffffffffffffffffffffffffffffffffffff");
	assert_int_equal(nsima_pcr_extend(NSIMA_BANK_SHA1, pcr, ff, NULL), 0);
	assert_string_equal(test_hex(pcr, 20),
			    "bac37b84f007d0238af95af707cac8d61254870e");
	memset(digest, 0, sizeof(digest));
	assert_true(nsima_digest_is_zero(digest, 20));
	digest[19] = 1;
	assert_false(nsima_digest_is_zero(digest, 20));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bank_table),
		cmocka_unit_test(test_banks_parse),
		cmocka_unit_test(test_hash_abc),
		cmocka_unit_test(test_template_digest_ima_ng),
		cmocka_unit_test(test_template_digest_legacy),
		cmocka_unit_test(test_extend_and_violation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
