// SPDX-License-Identifier: GPL-2.0
/*
 * lib/name.c: nsima names, escaped as nsima.ko writes them into n-ng
 * (a space as '_', bytes outside 0x21..0x7e and '\' as "\xNN"), and back.
 * Known answers written out by hand from the rule, not from our code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "name.h"

/* escape @raw (@len bytes), expect @want; unescape back to @back */
static void check(const char *raw, size_t len, const char *want,
		  const char *back)
{
	struct nsima_err err = { 0 };
	char out[256];
	uint8_t bin[256];
	size_t wlen = strlen(want);

	assert_int_equal(nsima_name_escape((const uint8_t *)raw, len, NULL, 0,
					   &err),
			 wlen);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(nsima_name_escape((const uint8_t *)raw, len, out,
					   sizeof(out), &err),
			 wlen);
	assert_string_equal(out, want);
	/* exactly the length and its NUL is enough */
	assert_int_equal(nsima_name_escape((const uint8_t *)raw, len, out,
					   wlen + 1, &err),
			 wlen);
	assert_string_equal(out, want);

	assert_int_equal(nsima_name_unescape(want, wlen, NULL, 0, &err), len);
	memset(bin, 'Z', sizeof(bin));
	assert_int_equal(nsima_name_unescape(want, wlen, bin, sizeof(bin), &err),
			 len);
	assert_memory_equal(bin, back, len);
	assert_int_equal(bin[len], 0);
}

static void test_known_answers(void **state)
{
	(void)state;
	check("", 0, "", "");
	check("/usr/bin/ls", 11, "/usr/bin/ls", "/usr/bin/ls");
	/* ':' is escaped: no path reads as a "<nsid>:" prefix */
	check("4026532999:evil", 15, "4026532999\\x3aevil", "4026532999:evil");
	check("/run/a:b", 8, "/run/a\\x3ab", "/run/a:b");
	check("/a\nb", 4, "/a\\x0ab", "/a\nb");
	check("/a\tb", 4, "/a\\x09b", "/a\tb");
	check("/a\rb", 4, "/a\\x0db", "/a\rb");
	check("\x1b[31m", 5, "\\x1b[31m", "\x1b[31m");
	check("del\x7f", 4, "del\\x7f", "del\x7f");
	check("\xff", 1, "\\xff", "\xff");
	check("caf\xc3\xa9", 5, "caf\\xc3\\xa9", "caf\xc3\xa9");
	check("\\", 1, "\\x5c", "\\");
	check("C:\\x0a", 6, "C\\x3a\\x5cx0a", "C:\\x0a");
	/* a space becomes '_', which stays '_' */
	check("/my file", 8, "/my_file", "/my_file");
	check(" ", 1, "_", "_");
	check("a_b", 3, "a_b", "a_b");
	check("\0", 1, "\\x00", "\0");
	check("a\0b", 3, "a\\x00b", "a\0b");
	/* every printable but the backslash, ':' and the space is copied */
	check("!\"#$%&'()*+,-./09:;<=>?@AZ[]^`az{|}~", 36,
	      "!\"#$%&'()*+,-./09\\x3a;<=>?@AZ[]^`az{|}~",
	      "!\"#$%&'()*+,-./09:;<=>?@AZ[]^`az{|}~");
}

/* Every byte alone: length 1 (0x21..0x7e but '\', and ' '), else 4. */
static void test_every_byte(void **state)
{
	unsigned int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		uint8_t raw = (uint8_t)c, back[2];
		char out[8], want[8];

		if (c == ' ')
			strcpy(want, "_");
		else if (c > 0x20 && c < 0x7f && c != '\\' && c != ':')
			snprintf(want, sizeof(want), "%c", c);
		else
			snprintf(want, sizeof(want), "\\x%02x", c);
		assert_int_equal(nsima_name_escape(&raw, 1, out, sizeof(out), NULL),
				 strlen(want));
		assert_string_equal(out, want);
		assert_int_equal(nsima_name_unescape(out, strlen(out), back,
						     sizeof(back), NULL),
				 1);
		assert_int_equal(back[0], c == ' ' ? '_' : c);
	}
}

static void test_bound_too_small(void **state)
{
	struct nsima_err err = { 0 };
	char out[8];
	uint8_t bin[8];

	(void)state;
	/* "/a\x0ab" is 7 bytes: 7 is one short (the NUL), 8 fits */
	memset(out, 'Z', sizeof(out));
	assert_int_equal(nsima_name_escape((const uint8_t *)"/a\nb", 4, out, 7,
					   &err),
			 NSIMA_EINVAL);
	assert_int_equal(err.code, NSIMA_EINVAL);
	assert_string_equal(out, "");	/* never a cut name */
	assert_non_null(strstr(err.msg, "needs 7 bytes"));
	assert_int_equal(nsima_name_escape((const uint8_t *)"/a\nb", 4, out, 8,
					   &err),
			 7);
	/* an empty name still needs its NUL */
	assert_int_equal(nsima_name_escape((const uint8_t *)"", 0, out, 0, NULL),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_name_escape((const uint8_t *)"x", 1, out, 1, NULL),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_name_escape((const uint8_t *)"", 0, out, 1, NULL),
			 0);
	assert_string_equal(out, "");

	memset(bin, 'Z', sizeof(bin));
	assert_int_equal(nsima_name_unescape("ab\\x0a", 6, bin, 3, &err),
			 NSIMA_EINVAL);
	assert_int_equal(bin[0], 0);
	assert_int_equal(nsima_name_unescape("ab\\x0a", 6, bin, 4, &err), 3);
	assert_memory_equal(bin, "ab\n", 4);
	/* bad arguments */
	assert_int_equal(nsima_name_escape(NULL, 1, out, sizeof(out), NULL),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_name_escape((const uint8_t *)"a", 1, NULL, 4, NULL),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_name_unescape(NULL, 1, bin, sizeof(bin), NULL),
			 NSIMA_EINVAL);
}

/* @in must be refused at byte @off with a message holding @msg */
static void check_bad(const char *in, uint64_t off, const char *msg)
{
	struct nsima_err err = { 0 };
	uint8_t bin[64];

	assert_int_equal(nsima_name_unescape(in, strlen(in), NULL, 0, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_OFFSET);
	assert_int_equal(err.pos, off);
	if (!strstr(err.msg, msg))
		fail_msg("'%s': message '%s' lacks '%s'", in, err.msg, msg);
	memset(&err, 0, sizeof(err));
	assert_int_equal(nsima_name_unescape(in, strlen(in), bin, sizeof(bin),
					     &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, off);
}

static void test_malformed(void **state)
{
	(void)state;
	check_bad("/a\\x4", 2, "malformed escape");
	check_bad("/a\\x4", 2, "two lower-case hex digits");
	check_bad("\\xZZ", 0, "malformed escape");
	check_bad("/ok\\xg0", 3, "malformed escape");
	check_bad("abc\\", 3, "malformed escape");	/* trailing backslash */
	check_bad("a\\y0a", 1, "malformed escape");
	check_bad("a\\X0a", 1, "malformed escape");
	check_bad("a\\x0A", 1, "malformed escape");	/* upper case */
	/* escapes of bytes that are copied or written as '_' */
	check_bad("\\x41", 0, "non-canonical escape \\x41");
	check_bad("/a\\x20b", 2, "written as '_'");
	check_bad("\\x2f", 0, "written as itself");
	/* raw bytes an escaped name cannot hold */
	check_bad("/a b", 2, "byte 0x20 is not allowed");
	check_bad("/a\nb", 2, "byte 0x0a is not allowed");
	check_bad("x\x7f", 1, "byte 0x7f");
	check_bad("caf\xc3\xa9", 3, "byte 0xc3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_bound_too_small),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
