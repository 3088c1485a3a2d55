// SPDX-License-Identifier: GPL-2.0
/*
 * lib/evreq.c: the query of nsimad's GET /v1/evidence, and the query
 * nsima-attest sends (format, then parse: the same request).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "evreq.h"

static int parse(const char *q, struct nsima_evreq *r, struct nsima_err *e)
{
	return nsima_evreq_parse(q, strlen(q), r, e);
}

static void test_ok(void **state)
{
	struct nsima_evreq r;
	struct nsima_err e;

	(void)state;
	assert_int_equal(parse("nonce=00ff", &r, &e), 0);
	assert_int_equal(r.nonce_len, 2);
	assert_int_equal(r.nonce[1], 0xff);
	assert_false(r.ns_given);
	assert_int_equal(r.from, 0);
	assert_string_equal(r.container, "");

	assert_int_equal(parse("from=9223372036854775807&ns=4026532114&nonce=AB", &r, &e), 0);
	assert_true(r.ns_given);
	assert_false(r.host);
	assert_true(r.nsid == 4026532114ULL);
	assert_true(r.from == INT64_MAX);
	assert_int_equal(r.nonce[0], 0xab);

	assert_int_equal(parse("nonce=01&ns=host", &r, &e), 0);
	assert_true(r.ns_given && r.host);

	assert_int_equal(parse("container=web-1.a_b&nonce=01&from=0", &r, &e), 0);
	assert_string_equal(r.container, "web-1.a_b");
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"", "nonce", "nonce=", "=00", "nonce=0", "nonce=zz",
		"nonce=00&", "&nonce=00", "nonce=00&&from=1", "nonce=00&from",
		"nonce=00&nonce=00", "nonce=00&ns=1&container=a",
		"nonce=00&evil=1", "NONCE=00", "nonce=00&from=-1",
		"nonce=00&from=01", "nonce=00&from=18446744073709551616",
		"nonce=00&from=9223372036854775808",
		"nonce=00&from=18446744073709551615", "nonce=00&ns=4294967297",
		"nonce=00&from=1x", "nonce=00&ns=", "nonce=00&ns=Host",
		"nonce=00&container=", "nonce=00&container=a/b",
		"nonce=00&container=a b", "nonce=%30%30", "nonce=00&container=a+b",
		"nonce=00&from=", "from=1",
	};
	struct nsima_evreq r;
	struct nsima_err e;
	char q[NSIMA_EVREQ_QUERY_MAX + 64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.code = 0;
		if (parse(bad[i], &r, &e) != NSIMA_EMALFORMED) {
			print_error("accepted: '%s'\n", bad[i]);
			fail();
		}
		assert_int_equal(e.code, NSIMA_EMALFORMED);
		/* the message never quotes the input */
		assert_null(strstr(e.msg, "evil"));
	}
	/* 33 bytes of nonce (a TPM without SHA-384 takes 32 at most) */
	memcpy(q, "nonce=", 6);
	memset(q + 6, 'a', 66);
	q[72] = '\0';
	assert_int_equal(parse(q, &r, &e), NSIMA_EMALFORMED);
	q[70] = '\0';		/* 32 bytes: taken */
	assert_int_equal(parse(q, &r, &e), 0);
	assert_int_equal(r.nonce_len, 32);
	/* container of 129 bytes; 128 taken */
	snprintf(q, sizeof(q), "nonce=00&container=%0129d", 0);
	assert_int_equal(parse(q, &r, &e), NSIMA_EMALFORMED);
	snprintf(q, sizeof(q), "nonce=00&container=%0128d", 0);
	assert_int_equal(parse(q, &r, &e), 0);
	/* longer than the bound, though well formed */
	memset(q, '0', sizeof(q) - 1);
	memcpy(q, "nonce=00&from=1", 15);
	q[NSIMA_EVREQ_QUERY_MAX + 1] = '\0';
	assert_int_equal(parse(q, &r, &e), NSIMA_EMALFORMED);
	assert_non_null(strstr(e.msg, "1024"));
	/* an embedded NUL is a bad byte, not the end */
	assert_int_equal(nsima_evreq_parse("nonce=00\0&from=1", 16, &r, &e),
			 NSIMA_EMALFORMED);
}

static void test_format_roundtrip(void **state)
{
	struct nsima_evreq a = { .nonce_len = 32, .ns_given = true,
				 .nsid = 4026532114ULL, .from = 12345 }, b;
	struct nsima_err e;
	char q[NSIMA_EVREQ_QUERY_MAX];

	(void)state;
	memset(a.nonce, 0x5a, sizeof(a.nonce));
	assert_int_equal(nsima_evreq_format(&a, q, sizeof(q)), 0);
	assert_int_equal(parse(q, &b, &e), 0);
	assert_memory_equal(a.nonce, b.nonce, 32);
	assert_true(b.ns_given && b.nsid == a.nsid && b.from == 12345);

	a.ns_given = false;
	strcpy(a.container, "web");
	a.from = 0;
	assert_int_equal(nsima_evreq_format(&a, q, sizeof(q)), 0);
	assert_null(strstr(q, "from="));
	assert_int_equal(parse(q, &b, &e), 0);
	assert_string_equal(b.container, "web");

	a.ns_given = true;
	a.host = true;
	a.container[0] = '\0';
	assert_int_equal(nsima_evreq_format(&a, q, sizeof(q)), 0);
	assert_non_null(strstr(q, "&ns=host"));
	/* too small a buffer; no nonce */
	assert_int_equal(nsima_evreq_format(&a, q, 20), -1);
	a.nonce_len = 0;
	assert_int_equal(nsima_evreq_format(&a, q, sizeof(q)), -1);
}

static void test_activation(void **state)
{
	static const char *const bad[] = {
		"", "credential=00", "secret=00", "credential=0&secret=00",
		"credential=zz&secret=00", "credential=00&secret=00&x=1",
		"credential=00&credential=00&secret=00", "credential=&secret=00",
		"credential=%30%30&secret=00",
	};
	struct nsima_actreq a;
	struct nsima_err e;
	char q[NSIMA_ACTREQ_QUERY_MAX + 64];
	size_t i;

	(void)state;
	assert_int_equal(nsima_actreq_parse("secret=0102&credential=0a0b0c", 29, &a, &e), 0);
	assert_int_equal(a.credential_len, 3);
	assert_int_equal(a.credential[2], 0x0c);
	assert_int_equal(a.secret_len, 2);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nsima_actreq_parse(bad[i], strlen(bad[i]), &a, &e),
				 NSIMA_EMALFORMED);
	/* a secret of 514 bytes is taken, 515 not; the query bound */
	memcpy(q, "credential=00&secret=", 21);
	memset(q + 21, 'a', 1028);
	assert_int_equal(nsima_actreq_parse(q, 21 + 1028, &a, &e), 0);
	assert_int_equal(a.secret_len, 514);
	memset(q + 21, 'a', 1030);
	assert_int_equal(nsima_actreq_parse(q, 21 + 1030, &a, &e), NSIMA_EMALFORMED);
	memset(q + 21, 'a', sizeof(q) - 21);
	assert_int_equal(nsima_actreq_parse(q, NSIMA_ACTREQ_QUERY_MAX + 1, &a, &e),
			 NSIMA_EMALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_activation),
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_format_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
