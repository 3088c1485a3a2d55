// SPDX-License-Identifier: GPL-2.0
/*
 * lib/nsview.c: one namespace's view and the redacted log, which must
 * replay to the same PCR values as the full log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nsview.h"
#include "replay.h"
#include "testdata.h"

static const char *const names[] = {
	"boot_aggregate", "/usr/bin/ls", "4026532281:/usr/bin/curl",
	"4026532999:/bin/sh", "4026532281:nsima-event:exec",
	"4026532999:/etc/shadow",
};

/* ima-ng entries on PCR 11; entry 5 is a violation (zero sha1 digest). */
static void build(struct nsima_log *log)
{
	uint8_t digest[32], zero[20] = { 0 };
	struct nsima_entry e;
	struct nsima_buf d;
	size_t i;

	nsima_log_init(log);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		nsima_buf_init(&d);
		memset(digest, (int)i + 1, sizeof(digest));
		assert_int_equal(nsima_template_put_dng(&d, NSIMA_BANK_SHA256,
							digest), 0);
		assert_int_equal(nsima_template_put_name(&d, names[i]), 0);
		assert_int_equal(nsima_entry_init(&e, 11, "ima-ng", d.data,
						  d.len, NULL), 0);
		if (i == 5)
			nsima_entry_set_digest(&e, NSIMA_BANK_SHA1, zero);
		assert_int_equal(nsima_log_append(log, &e, NULL), 0);
		nsima_buf_free(&d);
	}
}

static void test_filter(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, view;
	struct nsima_pcrs p;

	(void)state;
	build(&log);
	assert_int_equal(nsima_log_filter_ns(&log, false, 4026532281ULL, &view,
					     &err), 0);
	assert_int_equal(view.count, 2);
	assert_int_equal(nsima_log_index(&view, 0), 2);
	assert_int_equal(nsima_log_index(&view, 1), 4);
	/* a view cannot be replayed */
	assert_int_equal(nsima_replay_pcrs(&view, 11, NSIMA_BANKS_DEFAULT, 0, &p,
					   &err), NSIMA_EINVAL);
	nsima_log_free(&view);
	assert_int_equal(nsima_log_filter_ns(&log, true, 0, &view, &err), 0);
	assert_int_equal(view.count, 2);
	assert_null(view.index);	/* 0 and 1: contiguous */
	nsima_log_free(&view);
	assert_int_equal(nsima_log_filter_ns(&log, false, 1, &view, &err), 0);
	assert_int_equal(view.count, 0);
	nsima_log_free(&view);
	nsima_log_free(&log);
}

static void test_redact_replays(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_log log, red;
	struct nsima_pcrs full, part;
	size_t i, len, kept = 0;

	(void)state;
	build(&log);
	assert_int_equal(nsima_replay_pcrs(&log, 11, NSIMA_BANKS_ALL, 0, &full,
					   &err), 0);
	assert_int_equal(nsima_log_redact(&log, false, 4026532281ULL,
					  NSIMA_BANKS_ALL, &red, &err), 0);
	assert_int_equal(red.count, log.count);
	for (i = 0; i < red.count; i++) {
		if (red.entries[i].data) {
			kept++;
			continue;
		}
		assert_int_equal(red.entries[i].flags, NSIMA_ENTRY_REDACTED);
		assert_int_equal(red.entries[i].digest_mask, NSIMA_BANKS_ALL);
		assert_null(nsima_entry_name(&red.entries[i], &len));
	}
	assert_int_equal(kept, 2);
	assert_true(nsima_entry_is_violation(&red.entries[5]));
	assert_int_equal(nsima_replay_pcrs(&red, 11, NSIMA_BANKS_ALL,
					   NSIMA_REPLAY_VERIFY, &part, &err), 0);
	assert_memory_equal(&full, &part, sizeof(full));
	/* the same with only sha256 kept for the others */
	nsima_log_free(&red);
	assert_int_equal(nsima_log_redact(&log, true, 0,
					  NSIMA_BANK_BIT(NSIMA_BANK_SHA256),
					  &red, &err), 0);
	assert_int_equal(nsima_replay_pcrs(&red, 11,
					   NSIMA_BANK_BIT(NSIMA_BANK_SHA256), 0,
					   &part, &err), 0);
	assert_memory_equal(part.val[NSIMA_BANK_SHA256],
			    full.val[NSIMA_BANK_SHA256], 32);
	nsima_log_free(&red);
	nsima_log_free(&log);
}

/*
 * The view an entry at a time (show, export on a walked list): the same
 * entries as the whole-log views, a redacted entry held in the view.
 */
static void test_view_entry(void **state)
{
	struct nsima_err err = { 0 };
	const struct nsima_entry *shown;
	struct nsima_log log, red;
	struct nsima_entry r, r2;
	struct nsima_view v;
	size_t i;

	(void)state;
	build(&log);
	assert_int_equal(nsima_log_redact(&log, false, 4026532281ULL,
					  NSIMA_BANKS_DEFAULT, &red, &err), 0);
	assert_int_equal(nsima_view_init(&v, false, 4026532281ULL, true,
					 NSIMA_BANKS_DEFAULT, &err), 0);
	for (i = 0; i < log.count; i++) {
		assert_int_equal(nsima_view_entry(&v, &log.entries[i], i,
						  &shown, &err), 0);
		assert_non_null(shown);
		assert_int_equal(shown->flags, red.entries[i].flags);
		assert_int_equal(shown->digest_mask, red.entries[i].digest_mask);
		assert_memory_equal(shown->digests, red.entries[i].digests,
				    sizeof(shown->digests));
		if (i == 2 || i == 4)
			assert_ptr_equal(shown, &log.entries[i]);
		else
			assert_ptr_equal(shown, &v.redacted);
	}
	/* redacting, entries must follow on: 7 after 5 leaves 6 out */
	assert_int_equal(nsima_view_entry(&v, &log.entries[2], 7, &shown, &err),
			 NSIMA_EINVAL);
	/* filtering, they need not; the others are left out */
	assert_int_equal(nsima_view_init(&v, true, 0, false, 0, &err), 0);
	assert_int_equal(nsima_view_entry(&v, &log.entries[1], 1, &shown, &err),
			 0);
	assert_ptr_equal(shown, &log.entries[1]);
	assert_int_equal(nsima_view_entry(&v, &log.entries[2], 9, &shown, &err),
			 0);
	assert_null(shown);
	assert_int_equal(nsima_view_init(&v, true, 0, true, 0, &err),
			 NSIMA_EINVAL);
	/* one entry redacted: a violation's digests stay zero */
	assert_int_equal(nsima_entry_redact(&log.entries[5],
					    NSIMA_BANK_BIT(NSIMA_BANK_SHA256),
					    &r, &err), 0);
	assert_int_equal(r.flags, NSIMA_ENTRY_REDACTED);
	assert_null(r.data);
	assert_true(nsima_entry_is_violation(&r));
	/* a redacted entry lacking a bank cannot give it */
	assert_int_equal(nsima_entry_redact(&log.entries[0],
					    NSIMA_BANK_BIT(NSIMA_BANK_SHA256),
					    &r, &err), 0);
	assert_int_equal(nsima_entry_redact(&r, NSIMA_BANK_BIT(NSIMA_BANK_SHA1),
					    &r2, &err), NSIMA_EUNSUPPORTED);
	nsima_log_free(&red);
	nsima_log_free(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_redact_replays),
		cmocka_unit_test(test_view_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
