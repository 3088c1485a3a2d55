// SPDX-License-Identifier: GPL-2.0
/*
 * lib/nsstate.c: the ns_state count and chain (known answers computed with
 * sha256sum and xxd, shown beside each), the strict parser of the
 * ns_state JSON, and the verifier's check of a namespace's view.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hex.h"
#include "nsstate.h"
#include "nsview.h"
#include "replay.h"
#include "testdata.h"

#define NS	4026532114ULL

static void hex32(const char *hex, uint8_t *out)
{
	assert_int_equal(nsima_hex_decode(hex, 64, out), 32);
}

/*
 * c1 = SHA-256(0^32 || SHA-256("abc")), c2 = SHA-256(c1 || SHA-256("")):
 *   h1=$(printf abc | sha256sum | cut -c1-64)
 *   c1=$( (head -c 32 /dev/zero; printf %s $h1 | xxd -r -p) | sha256sum | cut -c1-64)
 *   h2=$(printf '' | sha256sum | cut -c1-64)
 *   c2=$( (printf %s $c1 | xxd -r -p; printf %s $h2 | xxd -r -p) | sha256sum | cut -c1-64)
 */
static void test_chain_known(void **state)
{
	struct nsima_ns_state s;
	uint8_t want[32];

	(void)state;
	nsima_ns_state_init(&s);
	assert_int_equal(s.count, 0);
	memset(want, 0, sizeof(want));
	assert_memory_equal(s.chain, want, 32);
	assert_int_equal(nsima_ns_state_add(&s, (const uint8_t *)"abc", 3,
					    NULL), 0);
	hex32("589f9ffed4c477966bfb8d41f37895b08c69047df8f911d6f3b57fbe08faee8d",
	      want);
	assert_int_equal(s.count, 1);
	assert_memory_equal(s.chain, want, 32);
	assert_int_equal(nsima_ns_state_add(&s, (const uint8_t *)"", 0, NULL),
			 0);
	hex32("ef6a5fdbba9e14e07fa74d23b7ae639d146ce41635cf3fe44315988c4cbd0caf",
	      want);
	assert_int_equal(s.count, 2);
	assert_memory_equal(s.chain, want, 32);
}

/* An ima-ng entry: d-ng sha256 of @fill bytes, n-ng @name. */
static void ng_entry(struct nsima_entry *e, int fill, const char *name,
		     bool violation)
{
	uint8_t digest[32], zero[NSIMA_DIGEST_MAX] = { 0 };
	struct nsima_buf d;
	int b;

	nsima_buf_init(&d);
	memset(digest, fill, sizeof(digest));
	assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest),
			 0);
	assert_int_equal(nsima_template_put_name(&d, name), 0);
	assert_int_equal(nsima_entry_init(e, 11, "ima-ng", d.data, d.len, NULL),
			 0);
	nsima_buf_free(&d);
	if (violation)
		for (b = 0; b < NSIMA_BANK_COUNT; b++)
			nsima_entry_set_digest(e, b, zero);
}

/* An ima-buf event entry named @name with buf @json (d-ng: 0x55 x 32). */
static void buf_entry(struct nsima_entry *e, const char *name,
		      const char *json)
{
	uint8_t digest[32];
	struct nsima_buf d;

	nsima_buf_init(&d);
	memset(digest, 0x55, sizeof(digest));
	assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest),
			 0);
	assert_int_equal(nsima_template_put_name(&d, name), 0);
	assert_int_equal(nsima_template_put_field(&d, json,
						  (uint32_t)strlen(json)), 0);
	assert_int_equal(nsima_entry_init(e, 11, "ima-buf", d.data, d.len,
					  NULL), 0);
	nsima_buf_free(&d);
}

/*
 * 0 host aggregate, 1 NS curl (d-ng 0x11 x 32), 2 another namespace,
 * 3 NS /etc/passwd (d-ng 0x22 x 32) as a violation, 4 an ns_state of NS
 * saying *@st, 5 NS after it.
 */
static void build(struct nsima_log *log, const struct nsima_ns_state *st)
{
	struct nsima_entry e;

	nsima_log_init(log);
	ng_entry(&e, 1, "nsima_aggregate", false);
	assert_int_equal(nsima_log_append(log, &e, NULL), 0);
	ng_entry(&e, 0x11, "4026532114:/usr/bin/curl", false);
	assert_int_equal(nsima_log_append(log, &e, NULL), 0);
	ng_entry(&e, 0x33, "4026532200:/bin/sh", false);
	assert_int_equal(nsima_log_append(log, &e, NULL), 0);
	ng_entry(&e, 0x22, "4026532114:/etc/passwd", true);
	assert_int_equal(nsima_log_append(log, &e, NULL), 0);
	assert_int_equal(nsima_ns_state_entry(&e, 11, false, NS, st, NULL), 0);
	assert_int_equal(nsima_log_append(log, &e, NULL), 0);
	ng_entry(&e, 0x44, "4026532114:/usr/bin/python3", false);
	assert_int_equal(nsima_log_append(log, &e, NULL), 0);
}

/*
 * Template data of entries 1 and 3 (u32 LE length + value per field) and
 * the chain over them, as the kernel's ns_state before entry 4 says it:
 *   td() { printf '\x28\x00\x00\x00sha256:\x00'; printf "%.0s\x$1" $(seq 32);
 *          printf "\x$(printf %02x $((${#2} + 1)))\x00\x00\x00%s\x00" "$2"; }
 *   d1=$(td 11 4026532114:/usr/bin/curl | sha256sum | cut -c1-64)
 *   d2=$(td 22 4026532114:/etc/passwd | sha256sum | cut -c1-64)
 *   k1=$( (head -c 32 /dev/zero; printf %s $d1 | xxd -r -p) | sha256sum | cut -c1-64)
 *   k2=$( (printf %s $k1 | xxd -r -p; printf %s $d2 | xxd -r -p) | sha256sum | cut -c1-64)
 */
#define K2 "299e0a9b55f5ff8815d63729958407f65ee4909f73354c02c673ccf82f07d8b2"

static void test_log_state_known(void **state)
{
	struct nsima_ns_state st, s, back;
	struct nsima_log log;
	struct nsima_err err = { 0 };
	uint8_t want[32];

	(void)state;
	nsima_ns_state_init(&st);
	build(&log, &st);
	/* before entry 4: entries 1 and 3 (a violation counts) */
	assert_int_equal(nsima_log_ns_state(&log, false, NS, 4, &s, &err), 0);
	hex32(K2, want);
	assert_int_equal(s.count, 2);
	assert_memory_equal(s.chain, want, 32);
	/* the ns_state at 4 is not counted; 5 is */
	assert_int_equal(nsima_log_ns_state(&log, false, NS, 5, &back, &err),
			 0);
	assert_true(nsima_ns_state_equal(&s, &back));
	assert_int_equal(nsima_log_ns_state(&log, false, NS, 6, &back, &err),
			 0);
	assert_int_equal(back.count, 3);
	/* another namespace, the host: their own entries only */
	assert_int_equal(nsima_log_ns_state(&log, false, 4026532200ULL, 6,
					    &back, &err), 0);
	assert_int_equal(back.count, 1);
	assert_int_equal(nsima_log_ns_state(&log, true, 0, 6, &back, &err), 0);
	assert_int_equal(back.count, 1);
	assert_int_equal(nsima_log_ns_state(&log, false, 1, 6, &back, &err), 0);
	assert_int_equal(back.count, 0);
	memset(want, 0, sizeof(want));
	assert_memory_equal(back.chain, want, 32);
	nsima_log_free(&log);
}

static void test_parse(void **state)
{
	static const char good[] =
		"{\"chain\":\"" K2 "\",\"count\":2}";
	static const char *const bad[] = {
		"",
		"{}",
		"{\"count\":2,\"chain\":\"" K2 "\"}",	/* order */
		"{\"chain\": \"" K2 "\",\"count\":2}",	/* space */
		"{\"chain\":\"299E0A9B55F5FF8815D63729958407F65EE4909F73354C02C673CCF82F07D8B2\",\"count\":2}",
		"{\"chain\":\"299e0a9b55f5ff8815d63729958407f65ee4909f73354c02c673ccf82f07d8b\",\"count\":2}",
		"{\"chain\":\"" K2 "0\",\"count\":2}",
		"{\"chain\":\"" K2 "\",\"count\":02}",
		"{\"chain\":\"" K2 "\",\"count\":-2}",
		"{\"chain\":\"" K2 "\",\"count\":2.0}",
		"{\"chain\":\"" K2 "\",\"count\":\"2\"}",
		"{\"chain\":\"" K2 "\",\"count\":18446744073709551616}",
		"{\"chain\":\"" K2 "\",\"count\":99999999999999999999}",
		"{\"chain\":\"" K2 "\",\"count\":2}\n",
		"{\"chain\":\"" K2 "\",\"count\":2,\"x\":1}",
		"{\"chain\":\"" K2 "\",\"count\":}",
	};
	struct nsima_err err = { 0 };
	struct nsima_ns_state s;
	struct nsima_buf out;
	uint8_t want[32];
	size_t i;

	(void)state;
	assert_int_equal(nsima_ns_state_parse((const uint8_t *)good,
					      strlen(good), &s, &err), 0);
	hex32(K2, want);
	assert_int_equal(s.count, 2);
	assert_memory_equal(s.chain, want, 32);
	/* writes back byte for byte */
	nsima_buf_init(&out);
	assert_int_equal(nsima_ns_state_write(&s, &out), 0);
	assert_int_equal(out.len, strlen(good));
	assert_memory_equal(out.data, good, out.len);
	nsima_buf_free(&out);
	/* every proper prefix is truncated (ASan: no read past @len) */
	for (i = 0; i < strlen(good); i++) {
		uint8_t *cut = malloc(i ? i : 1);

		assert_non_null(cut);
		memcpy(cut, good, i);
		assert_int_equal(nsima_ns_state_parse(cut, i, &s, &err),
				 NSIMA_EMALFORMED);
		assert_int_equal(err.where, NSIMA_AT_OFFSET);
		assert_true(err.pos <= i);
		free(cut);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (nsima_ns_state_parse((const uint8_t *)bad[i],
					 strlen(bad[i]), &s, &err) !=
		    NSIMA_EMALFORMED)
			fail_msg("accepted: %s", bad[i]);
	}
	/* the offset names the bad byte: the leading zero of "02" */
	assert_int_equal(nsima_ns_state_parse((const uint8_t *)bad[7],
					      strlen(bad[7]), &s, &err),
			 NSIMA_EMALFORMED);
	assert_int_equal(err.pos, strlen(bad[7]) - 2);
	/* count 0 and the largest u64 */
	assert_int_equal(nsima_ns_state_parse((const uint8_t *)
		"{\"chain\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"count\":0}",
		86, &s, &err), 0);
	assert_int_equal(s.count, 0);
	{
		const char *max = "{\"chain\":\"" K2 "\",\"count\":18446744073709551615}";

		assert_int_equal(nsima_ns_state_parse((const uint8_t *)max,
						      strlen(max), &s, &err),
				 0);
		assert_true(s.count == UINT64_MAX);
		assert_true(strlen(max) <= NSIMA_NS_STATE_JSON_MAX);
	}
}

static void test_text(void **state)
{
	char buf[NSIMA_NS_STATE_TEXT_MAX];
	struct nsima_ns_state s, back;

	(void)state;
	s.count = 2;
	hex32(K2, s.chain);
	nsima_ns_state_format(&s, buf);
	assert_string_equal(buf, "2:" K2);
	assert_int_equal(nsima_ns_state_parse_text(buf, &back, NULL), 0);
	assert_true(nsima_ns_state_equal(&s, &back));
	assert_int_equal(nsima_ns_state_parse_text("2" K2, &back, NULL),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_ns_state_parse_text(":" K2, &back, NULL),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_ns_state_parse_text("2:" K2 "00", &back, NULL),
			 NSIMA_EINVAL);
	assert_int_equal(nsima_ns_state_parse_text("x2:" K2, &back, NULL),
			 NSIMA_EINVAL);
}

static void test_entry(void **state)
{
	struct nsima_ns_state st, s;
	struct nsima_err err = { 0 };
	struct nsima_nsref ref;
	struct nsima_entry e;
	struct nsima_buf d;
	uint8_t digest[32];
	const char *json = "{\"chain\":\"" K2 "\",\"count\":2}";

	(void)state;
	st.count = 2;
	hex32(K2, st.chain);
	assert_int_equal(nsima_ns_state_entry(&e, 11, false, NS, &st, &err), 0);
	assert_true(nsima_entry_is_ns_state(&e, &ref));
	assert_false(ref.host);
	assert_true(ref.nsid == NS);
	assert_string_equal(e.tmpl.name, "ima-buf");
	assert_int_equal(nsima_entry_ns_state(&e, &s, &err), 0);
	assert_true(nsima_ns_state_equal(&s, &st));
	assert_true(nsima_entry_in_ns(&e, false, NS));
	nsima_entry_free(&e);
	assert_int_equal(nsima_ns_state_entry(&e, 11, true, 0, &st, &err), 0);
	assert_true(nsima_entry_is_ns_state(&e, &ref));
	assert_true(ref.host);
	nsima_entry_free(&e);

	/* d-ng that is not sha256 of the buf */
	nsima_buf_init(&d);
	memset(digest, 0x55, sizeof(digest));
	assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256, digest),
			 0);
	assert_int_equal(nsima_template_put_name(&d,
		"4026532114:nsima-event:ns_state"), 0);
	assert_int_equal(nsima_template_put_field(&d, json,
						  (uint32_t)strlen(json)), 0);
	assert_int_equal(nsima_entry_init(&e, 11, "ima-buf", d.data, d.len,
					  NULL), 0);
	nsima_buf_free(&d);
	assert_true(nsima_entry_is_ns_state(&e, NULL));
	assert_int_equal(nsima_entry_ns_state(&e, &s, &err), NSIMA_EMALFORMED);
	nsima_entry_free(&e);
	/* an ima-ng (file) entry with the name is no ns_state */
	ng_entry(&e, 1, "4026532114:nsima-event:ns_state", false);
	assert_false(nsima_entry_is_ns_state(&e, NULL));
	nsima_entry_free(&e);
	/* other events and files are not ns_state entries */
	ng_entry(&e, 1, "4026532114:nsima-event:ns_states", false);
	assert_false(nsima_entry_is_ns_state(&e, NULL));
	nsima_entry_free(&e);
	ng_entry(&e, 1, "4026532114:/nsima-event:ns_state", false);
	assert_false(nsima_entry_is_ns_state(&e, NULL));
	nsima_entry_free(&e);
}

/* The verifier's check over the entries the quote covers. */
static int check(const struct nsima_log *log, uint64_t end,
		 struct nsima_ns_check *c, struct nsima_err *err)
{
	int rc;

	nsima_ns_check_init(c, false, NS, 0, NULL);
	rc = nsima_ns_check_log(c, log, end, err);
	return rc ? rc : nsima_ns_check_result(c, err);
}

static void test_check(void **state)
{
	struct nsima_log log, red;
	struct nsima_ns_check c;
	struct nsima_ns_state st;
	struct nsima_err err = { 0 };
	struct nsima_entry r;
	uint64_t e1 = 1;

	(void)state;
	st.count = 2;
	hex32(K2, st.chain);
	build(&log, &st);
	/* the redacted view agrees with its ns_state; 1 entry after it */
	assert_int_equal(nsima_log_redact(&log, false, NS, NSIMA_BANKS_DEFAULT,
					  &red, &err), 0);
	assert_int_equal(check(&red, 6, &c, &err), 0);
	assert_true(c.have);
	assert_int_equal(c.state_index, 4);
	assert_int_equal(c.entries, 6);
	assert_int_equal(c.redacted, 2);
	assert_int_equal(c.states, 1);
	assert_int_equal(nsima_ns_check_after(&c), 1);
	/* the quote covers only 0..3: no ns_state covered */
	assert_int_equal(check(&red, 4, &c, &err), NSIMA_ENSUNPROVEN);
	assert_int_equal(nsima_ns_check_after(&c), 2);
	/* the tenant's own entry 1 shown redacted with its true digests */
	memset(&r, 0, sizeof(r));
	r.pcr = 11;
	r.flags = NSIMA_ENTRY_REDACTED;
	r.name_field = -1;
	nsima_entry_set_digest(&r, NSIMA_BANK_SHA1,
			       nsima_entry_carried(&red.entries[e1],
						   NSIMA_BANK_SHA1));
	nsima_entry_free(&red.entries[e1]);
	red.entries[e1] = r;
	assert_int_equal(check(&red, 6, &c, &err), NSIMA_ENSINCOMPLETE);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_int_equal(err.pos, 4);
	assert_int_equal(c.stated.count, 2);
	assert_int_equal(c.shown.count, 1);
	nsima_log_free(&red);

	/* the same count but another chain: entries 1 and 3 swapped */
	nsima_log_init(&red);
	assert_int_equal(nsima_log_append_copy(&red, &log.entries[0], NULL), 0);
	assert_int_equal(nsima_log_append_copy(&red, &log.entries[3], NULL), 0);
	assert_int_equal(nsima_log_append_copy(&red, &log.entries[2], NULL), 0);
	assert_int_equal(nsima_log_append_copy(&red, &log.entries[1], NULL), 0);
	assert_int_equal(nsima_log_append_copy(&red, &log.entries[4], NULL), 0);
	assert_int_equal(check(&red, 5, &c, &err), NSIMA_ENSINCOMPLETE);
	assert_int_equal(c.stated.count, c.shown.count);
	nsima_log_free(&red);

	/* the check starts later from a known state: entries before skipped */
	nsima_ns_state_init(&st);
	assert_int_equal(nsima_log_ns_state(&log, false, NS, 3, &st, &err), 0);
	nsima_ns_check_init(&c, false, NS, 3, &st);
	assert_int_equal(nsima_ns_check_log(&c, &log, 6, &err), 0);
	assert_int_equal(nsima_ns_check_result(&c, &err), 0);
	assert_int_equal(nsima_ns_check_after(&c), 1);
	nsima_log_free(&log);

	/* a malformed ns_state of the namespace is named */
	nsima_ns_state_init(&st);
	build(&log, &st);
	assert_int_equal(check(&log, 6, &c, &err), NSIMA_ENSINCOMPLETE);
	buf_entry(&r, "4026532114:nsima-event:ns_state", "{\"count\":1}");
	nsima_entry_free(&log.entries[4]);
	log.entries[4] = r;
	assert_int_equal(check(&log, 6, &c, &err), NSIMA_EMALFORMED);
	assert_int_equal(err.where, NSIMA_AT_ENTRY);
	assert_int_equal(err.pos, 4);
	nsima_log_free(&log);
}

/*
 * An id reused: the module logs ns_end before a namespace's inode number
 * can serve another one, so the new namespace's state starts at zero.
 * 0 aggregate, 1 NS curl (the old namespace), 2 NS ns_end, 3 NS python3
 * (the new one), 4 the new one's ns_state.
 */
static void test_ns_end_resets(void **state)
{
	struct nsima_ns_state st, s, old;
	struct nsima_err err = { 0 };
	struct nsima_ns_check c;
	struct nsima_log log;
	struct nsima_entry e;

	(void)state;
	nsima_log_init(&log);
	ng_entry(&e, 1, "nsima_aggregate", false);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	ng_entry(&e, 0x11, "4026532114:/usr/bin/curl", false);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	buf_entry(&e, "4026532114:nsima-event:ns_end", "{\"entries\":1}");
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	ng_entry(&e, 0x44, "4026532114:/usr/bin/python3", false);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	/* the new namespace's state: entry 3 alone */
	nsima_ns_state_init(&st);
	assert_int_equal(nsima_ns_state_add(&st, log.entries[3].data,
					    log.entries[3].data_len, &err), 0);
	assert_int_equal(nsima_log_ns_state(&log, false, NS, 4, &s, &err), 0);
	assert_true(nsima_ns_state_equal(&s, &st));
	assert_int_equal(s.count, 1);
	assert_int_equal(nsima_ns_state_entry(&e, 11, false, NS, &st, NULL), 0);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	assert_int_equal(check(&log, 5, &c, &err), 0);
	assert_int_equal(c.shown.count, 1);
	assert_int_equal(nsima_ns_check_after(&c), 0);
	/* an ns_state of the old namespace does not prove the new one */
	nsima_log_free(&log);
	nsima_log_init(&log);
	ng_entry(&e, 0x11, "4026532114:/usr/bin/curl", false);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	nsima_ns_state_init(&old);
	assert_int_equal(nsima_ns_state_add(&old, log.entries[0].data,
					    log.entries[0].data_len, &err), 0);
	assert_int_equal(nsima_ns_state_entry(&e, 11, false, NS, &old, NULL),
			 0);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	buf_entry(&e, "4026532114:nsima-event:ns_end", "{\"entries\":1}");
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	ng_entry(&e, 0x44, "4026532114:/usr/bin/python3", false);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	assert_int_equal(check(&log, 4, &c, &err), NSIMA_ENSUNPROVEN);
	assert_int_equal(nsima_ns_check_after(&c), 1);
	nsima_log_free(&log);

	/* a file entry (ima-ng) named like an ns_end resets nothing */
	nsima_log_init(&log);
	ng_entry(&e, 0x11, "4026532114:/usr/bin/curl", false);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	ng_entry(&e, 0x55, "4026532114:nsima-event:ns_end", false);
	assert_int_equal(nsima_log_append(&log, &e, NULL), 0);
	assert_int_equal(nsima_log_ns_state(&log, false, NS, 2, &s, &err), 0);
	assert_int_equal(s.count, 2);
	nsima_log_free(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_end_resets),
		cmocka_unit_test(test_chain_known),
		cmocka_unit_test(test_log_state_known),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
