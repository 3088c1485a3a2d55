// SPDX-License-Identifier: GPL-2.0
/*
 * lib/access.c: nsimad's client rules (who may see what over HTTPS with
 * client certificates).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "access.h"

static void test_rules(void **state)
{
	struct nsima_access a = { 0 };
	const struct nsima_access_rule *r;
	struct nsima_err e;

	(void)state;
	assert_int_equal(nsima_access_add(&a, "verifier node", &e), 0);
	assert_int_equal(nsima_access_add(&a, "tenant-a ns:4026532114,container:web", &e), 0);
	assert_int_equal(nsima_access_add(&a, "ops@example.org  container:db", &e), 0);
	assert_int_equal(a.n, 3);

	r = nsima_access_find(&a, "verifier");
	assert_non_null(r);
	assert_true(r->node);
	assert_true(nsima_access_ns(r, 1, NULL));
	assert_true(nsima_access_container(r, "anything"));

	r = nsima_access_find(&a, "tenant-a");
	assert_non_null(r);
	assert_false(r->node);
	assert_int_equal(r->n, 2);
	assert_true(nsima_access_ns(r, 4026532114ULL, NULL));
	assert_false(nsima_access_ns(r, 4026532115ULL, NULL));
	assert_true(nsima_access_ns(r, 4026532115ULL, "web"));
	assert_false(nsima_access_ns(r, 4026532115ULL, "web2"));
	assert_false(nsima_access_ns(r, 4026532115ULL, ""));
	assert_true(nsima_access_container(r, "web"));
	assert_false(nsima_access_container(r, "we"));
	assert_false(nsima_access_container(r, NULL));

	r = nsima_access_find(&a, "ops@example.org");
	assert_non_null(r);
	assert_true(nsima_access_container(r, "db"));
	assert_null(nsima_access_find(&a, "Verifier"));	/* exact */
	assert_null(nsima_access_find(&a, "verifie"));
	nsima_access_free(&a);
	assert_int_equal(a.n, 0);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"", "verifier", "verifier ", " node", "verifier nodes",
		"verifier node,", "verifier ,node", "verifier node,,ns:1",
		"a ns:", "a ns:01", "a ns:-1", "a ns:18446744073709551616",
		"a container:", "a container:a/b", "a container:a b",
		"a/b node", "a\tb node", "a:b node", "a host",
		"a ns:1,ns:2,ns:3,ns:4,ns:5,ns:6,ns:7,ns:8,ns:9,ns:10,ns:11,ns:12,ns:13,ns:14,ns:15,ns:16,ns:17",
	};
	struct nsima_access a = { 0 };
	struct nsima_err e;
	char line[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (nsima_access_add(&a, bad[i], &e) != NSIMA_EMALFORMED) {
			print_error("accepted: '%s'\n", bad[i]);
			fail();
		}
	}
	assert_int_equal(a.n, 0);
	/* 64-byte CN taken, 65 not; a second rule for a CN refused */
	snprintf(line, sizeof(line), "%064d node", 0);
	assert_int_equal(nsima_access_add(&a, line, &e), 0);
	snprintf(line, sizeof(line), "%065d node", 0);
	assert_int_equal(nsima_access_add(&a, line, &e), NSIMA_EMALFORMED);
	assert_int_equal(nsima_access_add(&a, "x node", &e), 0);
	assert_int_equal(nsima_access_add(&a, "x ns:1", &e), NSIMA_EMALFORMED);
	assert_non_null(strstr(e.msg, "second rule"));
	/* 16 scopes taken */
	assert_int_equal(nsima_access_add(&a, "y ns:1,ns:2,ns:3,ns:4,ns:5,ns:6,ns:7,ns:8,ns:9,ns:10,ns:11,ns:12,ns:13,ns:14,ns:15,ns:16", &e), 0);
	/* a 128-byte container name taken, 129 not */
	snprintf(line, sizeof(line), "z container:%0128d", 0);
	assert_int_equal(nsima_access_add(&a, line, &e), 0);
	snprintf(line, sizeof(line), "w container:%0129d", 0);
	assert_int_equal(nsima_access_add(&a, line, &e), NSIMA_EMALFORMED);
	nsima_access_free(&a);
}

static void test_cn(void **state)
{
	char cn[80];

	(void)state;
	assert_true(nsima_access_cn_ok("tenant-a"));
	assert_true(nsima_access_cn_ok("a.b_c@d-e"));
	assert_false(nsima_access_cn_ok(""));
	assert_false(nsima_access_cn_ok("a b"));
	assert_false(nsima_access_cn_ok("a\nb"));
	assert_false(nsima_access_cn_ok("a,b"));
	memset(cn, 'a', 65);
	cn[65] = '\0';
	assert_false(nsima_access_cn_ok(cn));
	cn[64] = '\0';
	assert_true(nsima_access_cn_ok(cn));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_cn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
