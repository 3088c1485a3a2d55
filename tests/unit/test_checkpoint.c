// SPDX-License-Identifier: GPL-2.0
/*
 * lib/checkpoint.c: the module's checkpoint file, good and bad.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "checkpoint.h"

#define SHA1_HEX "56ad2813f3ad9caabdfa116e49d6144152567b43"
#define SHA256_HEX "57141b6d839d87e823bd4ab8161978f39b1218d764e4a29c955ed607c800138a"

/* A checkpoint as the module wrote it in the kmod_trim e2e test. */
static void test_module_output(void **state)
{
	const char *in = "entries: 5\nsha1: " SHA1_HEX "\nsha256: " SHA256_HEX "\n";
	struct nsima_replay r = { .pcr = 11 };
	struct nsima_err err = { 0 };

	(void)state;
	assert_int_equal(nsima_checkpoint_parse(in, strlen(in), &r, &err), 0);
	assert_int_equal(r.pcr, 11);
	assert_int_equal(r.next, 5);
	assert_int_equal(r.pcrs.banks, NSIMA_BANK_BIT(NSIMA_BANK_SHA1) |
				       NSIMA_BANK_BIT(NSIMA_BANK_SHA256));
	assert_int_equal(r.pcrs.val[NSIMA_BANK_SHA1][0], 0x56);
	assert_int_equal(r.pcrs.val[NSIMA_BANK_SHA1][19], 0x43);
	assert_int_equal(r.pcrs.val[NSIMA_BANK_SHA256][31], 0x8a);
}

/* Banks we do not replay (sm3_256) are skipped; no final newline is fine. */
static void test_unknown_bank(void **state)
{
	const char *in = "sm3_256: 00\nentries: 0\nsha1: " SHA1_HEX;
	struct nsima_replay r = { .pcr = 11 };

	(void)state;
	assert_int_equal(nsima_checkpoint_parse(in, strlen(in), &r, NULL), 0);
	assert_int_equal(r.next, 0);
	assert_int_equal(r.pcrs.banks, NSIMA_BANK_BIT(NSIMA_BANK_SHA1));
}

static void bad(const char *in, uint64_t line)
{
	struct nsima_replay r = { .pcr = 11 };
	struct nsima_err err = { 0 };

	assert_int_equal(nsima_checkpoint_parse(in, strlen(in), &r, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_LINE);
	assert_int_equal(err.pos, line);
}

static void test_malformed(void **state)
{
	(void)state;
	bad("", 0);					/* no entries line */
	bad("sha1: " SHA1_HEX "\n", 1);
	bad("entries: -1\n", 1);
	bad("entries: 5x\n", 1);
	bad("entries:\n", 1);
	bad("entries: 99999999999999999999999\n", 1);
	bad("entries: 1\nentries: 2\n", 2);
	bad("entries: 1\nsha1: 00\n", 2);		/* short digest */
	bad("entries: 1\nsha1: " SHA1_HEX "\nsha1: " SHA1_HEX "\n", 3);
	bad("entries: 1\nsha256: " SHA1_HEX "zz" SHA1_HEX "zzzzzzzzzzzzzzzzzzzzzz\n", 2);
	bad("entries 1\n", 1);				/* no colon */
}

static void test_long_line(void **state)
{
	char in[400];

	(void)state;
	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	in[0] = 'x';
	in[1] = ':';
	bad(in, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module_output),
		cmocka_unit_test(test_unknown_bank),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
