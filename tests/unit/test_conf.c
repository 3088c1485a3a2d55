// SPDX-License-Identifier: GPL-2.0
/*
 * lib/conf.c: nsimad's "key = value" configuration file, and its errors
 * with the file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"

struct seen {
	char text[512];
	int n;
};

static int collect(void *ctx, const char *key, const char *value,
		   struct nsima_err *err)
{
	struct seen *s = ctx;
	size_t l = strlen(s->text);

	if (!strcmp(key, "refuse"))
		return nsima_err_set(err, NSIMA_EMALFORMED, NSIMA_AT_NONE, 0,
				     "refused '%s'", value);
	snprintf(s->text + l, sizeof(s->text) - l, "[%s|%s]", key, value);
	s->n++;
	return 0;
}

static int parse(const char *text, size_t len, struct seen *s,
		 struct nsima_err *err)
{
	memset(s, 0, sizeof(*s));
	return nsima_conf_parse(text, len, "f.conf", collect, s, err);
}

static void test_settings(void **state)
{
	static const char text[] = "# nsimad\n\n  dir = /var/lib/nsima \n"
				   "\tlisten=127.0.0.1:9464\nempty =\n"
				   "   # indented comment\nlast = x y";
	struct nsima_err err;
	struct seen s;

	(void)state;
	assert_int_equal(parse(text, sizeof(text) - 1, &s, &err), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.text, "[dir|/var/lib/nsima][listen|127.0.0.1:9464]"
				    "[empty|][last|x y]");
	assert_int_equal(parse("", 0, &s, &err), 0);
	assert_int_equal(s.n, 0);
}

static void expect_error(const char *text, size_t len, const char *msg)
{
	struct nsima_err err;
	struct seen s;

	assert_int_equal(parse(text, len, &s, &err), NSIMA_EMALFORMED);
	if (strcmp(err.msg, msg)) {
		fprintf(stderr, "got '%s', want '%s'\n", err.msg, msg);
		fail();
	}
}

static void test_errors(void **state)
{
	char longline[NSIMA_CONF_LINE_MAX + 8];

	(void)state;
	expect_error("dir /x\n", 7, "f.conf:1: expected '=' after the key");
	expect_error("ok = 1\n= x\n", 10,
		     "f.conf:2: expected a key ([a-z_]) at the start");
	expect_error("a = 1\nKey = 2\n", 14,
		     "f.conf:2: expected a key ([a-z_]) at the start");
	expect_error("a = 1\r\n", 7, "f.conf:1: NUL or CR byte in the line");
	expect_error("a = \0x\n", 7, "f.conf:1: NUL or CR byte in the line");
	expect_error("abcdefghijabcdefghijabcdefghijab = 1", 36,
		     "f.conf:1: key too long");
	expect_error("a = 1\nrefuse = v\n", 17, "f.conf:2: refused 'v'");
	memset(longline, 'a', sizeof(longline));
	expect_error(longline, NSIMA_CONF_LINE_MAX, "f.conf:1: line too long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
