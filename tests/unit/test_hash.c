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

#include <openssl/evp.h>

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

/* The one algorithm table: by id, by name, sizes, OpenSSL digests. */
static void test_alg_table(void **state)
{
	static const struct {
		uint16_t id;
		const char *name;
		size_t size;
		int bank;
	} want[] = {
		{ 0x0004, "sha1", 20, NSIMA_BANK_SHA1 },
		{ 0x000b, "sha256", 32, NSIMA_BANK_SHA256 },
		{ 0x000c, "sha384", 48, NSIMA_BANK_SHA384 },
		{ 0x000d, "sha512", 64, NSIMA_BANK_SHA512 },
		{ 0x0001, "rsa", 0, -1 },
		{ 0x0023, "ecc", 0, -1 },
		{ 0x0010, "null", 0, -1 },
		{ 0x0014, "rsassa", 0, -1 },
		{ 0x0016, "rsapss", 0, -1 },
		{ 0x0018, "ecdsa", 0, -1 },
	};
	const struct nsima_alg *a;
	char buf[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		a = nsima_alg_by_id(want[i].id);
		assert_non_null(a);
		assert_string_equal(a->name, want[i].name);
		assert_int_equal(a->tpm_alg, want[i].id);
		assert_int_equal(a->size, want[i].size);
		assert_ptr_equal(nsima_alg_by_name(want[i].name,
						   strlen(want[i].name)), a);
		assert_string_equal(nsima_tpm_alg_name(want[i].id, buf),
				    want[i].name);
		assert_int_equal(nsima_alg_size(want[i].id), want[i].size);
		assert_int_equal(nsima_bank_by_alg(want[i].id), want[i].bank);
		assert_int_equal(nsima_bank_by_name(want[i].name,
						    strlen(want[i].name)),
				 want[i].bank);
		if (want[i].bank < 0) {
			assert_null(a->md);
			assert_null(nsima_alg_md(want[i].id));
			continue;
		}
		/* a bank is its table entry, and OpenSSL agrees on the size */
		assert_ptr_equal(nsima_bank_info(want[i].bank), a);
		assert_ptr_equal(nsima_alg_md(want[i].id), a->md());
		assert_int_equal(EVP_MD_get_size(a->md()), want[i].size);
	}
	/* sm3_256 and unknown ids: no entry, named by number */
	assert_null(nsima_alg_by_id(0x0012));
	assert_null(nsima_alg_md(0x0012));
	assert_int_equal(nsima_alg_size(0x0012), 0);
	assert_string_equal(nsima_tpm_alg_name(0x0012, buf), "0x0012");
	assert_string_equal(nsima_tpm_alg_name(0xffff, buf), "0xffff");
	assert_null(nsima_alg_by_name("sha", 3));
	assert_null(nsima_alg_by_name("sha256x", 7));
	assert_ptr_equal(nsima_alg_by_name("sha256x", 6),
			 nsima_alg_by_id(0x000b));
	assert_null(nsima_alg_by_name("", 0));
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
		cmocka_unit_test(test_alg_table),
		cmocka_unit_test(test_banks_parse),
		cmocka_unit_test(test_hash_abc),
		cmocka_unit_test(test_template_digest_ima_ng),
		cmocka_unit_test(test_template_digest_legacy),
		cmocka_unit_test(test_extend_and_violation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
