// SPDX-License-Identifier: GPL-2.0
/*
 * tpm2-tools PCR files (lib/pcrfile.c), from a real capture
 * (tests/data/tpm2-tools: tpm2_quote on swtpm, tests/data/README.md):
 * quote.pcrs is the default serialized layout for sha1:11+sha256:11,
 * quote2.pcrs the -F values layout for sha1:10,11+sha256:11. Both verify
 * against their quotes; a big-endian writer's file, truncation, a foreign
 * selection, a digest of the wrong size and extra digests do not parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pcrfile.h"
#include "quote.h"
#include "testdata.h"

#define SEL_SIZE	132
#define HDR_SIZE	136

struct cap {
	struct nsima_quote q;
	struct nsima_sig s;
	struct nsima_akpub k;
	uint8_t *pcrs;
	size_t pcrs_len;
};

static void load_cap(const char *q, struct cap *c)
{
	struct nsima_err err = { 0 };
	char name[64];
	uint8_t *b;
	size_t len;

	snprintf(name, sizeof(name), "tpm2-tools/%s.msg", q);
	b = test_load(name, &len);
	assert_non_null(b);
	assert_int_equal(nsima_quote_parse(b, len, &c->q, &err), 0);
	free(b);
	snprintf(name, sizeof(name), "tpm2-tools/%s.sig", q);
	b = test_load(name, &len);
	assert_non_null(b);
	assert_int_equal(nsima_sig_parse(b, len, &c->s, &err), 0);
	free(b);
	b = test_load("tpm2-tools/ak.pub", &len);
	assert_non_null(b);
	assert_int_equal(nsima_akpub_parse(b, len, &c->k, &err), 0);
	free(b);
	snprintf(name, sizeof(name), "tpm2-tools/%s.pcrs", q);
	c->pcrs = test_load(name, &c->pcrs_len);
	assert_non_null(c->pcrs);
}

static void free_cap(struct cap *c)
{
	nsima_akpub_free(&c->k);
	free(c->pcrs);
}

static int parse(struct cap *c, const uint8_t *buf, size_t len,
		 struct nsima_pcr_values *v, struct nsima_err *err)
{
	return nsima_pcr_file_parse(&c->q.sel, buf, len, v, err);
}

static void assert_trusted(struct cap *c, const struct nsima_pcr_values *v)
{
	struct nsima_err err = { 0 };

	assert_int_equal(nsima_quote_verify(&c->q, &c->s, &c->k,
					    (const uint8_t *)"\x12\x34\xab\xcd",
					    4, NULL, v, &err), 0);
}

static void test_serialized(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_pcr_values v;
	struct cap c;

	(void)state;
	load_cap("quote", &c);
	assert_int_equal(c.pcrs_len, HDR_SIZE + 532);
	assert_int_equal(parse(&c, c.pcrs, c.pcrs_len, &v, &err), 0);
	assert_int_equal(v.count, 2);
	assert_int_equal(v.v[0].alg, NSIMA_ALG_SHA1);
	assert_int_equal(v.v[0].pcr, 11);
	assert_int_equal(v.v[1].alg, NSIMA_ALG_SHA256);
	assert_int_equal(v.v[1].size, 32);
	assert_trusted(&c, &v);
	free_cap(&c);
}

static void test_values(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_pcr_values v;
	struct cap c;

	(void)state;
	load_cap("quote2", &c);
	assert_int_equal(c.pcrs_len, 20 + 20 + 32);
	assert_int_equal(parse(&c, c.pcrs, c.pcrs_len, &v, &err), 0);
	assert_int_equal(v.count, 3);
	assert_int_equal(v.v[1].pcr, 11);
	assert_trusted(&c, &v);
	/* one byte short: neither layout */
	assert_int_equal(parse(&c, c.pcrs, c.pcrs_len - 1, &v, &err),
			 NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "neither"));
	free_cap(&c);
}

/* The same file as a big-endian machine writes it. */
static void test_big_endian(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_pcr_values v, le;
	uint8_t *b;
	struct cap c;
	size_t i, d;

	(void)state;
	load_cap("quote", &c);
	assert_int_equal(parse(&c, c.pcrs, c.pcrs_len, &le, &err), 0);
	b = malloc(c.pcrs_len);
	assert_non_null(b);
	memcpy(b, c.pcrs, c.pcrs_len);
#define SWAP16(o) do { uint8_t t = b[o]; b[o] = b[(o) + 1]; b[(o) + 1] = t; } while (0)
#define SWAP32(o) do { SWAP16(o); SWAP16((o) + 2); uint8_t t0 = b[o], t1 = b[(o) + 1]; \
		b[o] = b[(o) + 2]; b[(o) + 1] = b[(o) + 3]; b[(o) + 2] = t0; b[(o) + 3] = t1; } while (0)
	SWAP32(0);
	for (i = 0; i < 16; i++)
		SWAP16(4 + 8 * i);
	SWAP32(SEL_SIZE);
	SWAP32(HDR_SIZE);
	for (d = 0; d < 8; d++)
		SWAP16(HDR_SIZE + 4 + 66 * d);
	assert_int_equal(parse(&c, b, c.pcrs_len, &v, &err), 0);
	assert_int_equal(v.count, le.count);
	assert_memory_equal(v.v[1].val, le.v[1].val, 32);
	free(b);
	free_cap(&c);
}

static void test_bad(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_pcr_values v;
	struct cap c;
	uint8_t *b;

	(void)state;
	load_cap("quote", &c);
	b = malloc(c.pcrs_len);
	assert_non_null(b);

	/* another selection than the quote's: sha256 PCR 12 */
	memcpy(b, c.pcrs, c.pcrs_len);
	b[4 + 8 + 4] = 0x10;
	assert_int_equal(parse(&c, b, c.pcrs_len, &v, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "the quote sha1:11,sha256:11"));

	/* the sha256 digest said to be 20 bytes */
	memcpy(b, c.pcrs, c.pcrs_len);
	b[HDR_SIZE + 4 + 66] = 20;
	assert_int_equal(parse(&c, b, c.pcrs_len, &v, &err), NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_OFFSET);
	assert_int_equal(err.pos, HDR_SIZE + 4 + 66);
	assert_non_null(strstr(err.msg, "wrong size"));

	/* three digests counted for two values */
	memcpy(b, c.pcrs, c.pcrs_len);
	b[HDR_SIZE] = 3;
	assert_int_equal(parse(&c, b, c.pcrs_len, &v, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "more digests"));

	/* one digest counted for two values */
	b[HDR_SIZE] = 1;
	assert_int_equal(parse(&c, b, c.pcrs_len, &v, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "fewer digests"));

	/* sizeofSelect beyond the 4 bytes of the slot */
	memcpy(b, c.pcrs, c.pcrs_len);
	b[4 + 2] = 5;
	assert_int_equal(parse(&c, b, c.pcrs_len, &v, &err), NSIMA_EMALFORMED);

	/* truncated, and the header alone */
	assert_int_equal(parse(&c, c.pcrs, c.pcrs_len - 66, &v, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(parse(&c, c.pcrs, HDR_SIZE, &v, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(parse(&c, c.pcrs, 0, &v, &err), NSIMA_EMALFORMED);
	free(b);
	free_cap(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serialized),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_bad),
	};

	setenv("TSS2_LOG", "all+none", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
