// SPDX-License-Identifier: GPL-2.0
/*
 * The list half of verify (lib/verify.c), every verdict, without a TPM:
 * the list nsima.ko wrote in the VM (tests/data/vm-events, 50 entries on
 * PCR 11, host and two namespaces) against a quote whose selection is
 * sha1:11,sha256:11 and whose values (or pcrDigest) are the list's own
 * replay (the signature side is test_quote.c's, on real swtpm quotes).
 * Each case is run in memory and, where the list can be binary, streamed:
 * both paths must give the same verdict.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cel.h"
#include "log_format.h"
#include "nsview.h"
#include "testdata.h"
#include "verify.h"

#define NS_A	4026532114ULL
#define NS_B	4026532115ULL

struct fixture {
	struct nsima_log log;		/* the VM's list */
	struct nsima_quote q;		/* selection + pcrDigest of @vals */
	struct nsima_pcr_values vals;	/* PCR 11 after all 50 entries */
};

static void load_log(const char *file, struct nsima_log *log)
{
	if (test_load_log(file, log))
		fail_msg("%s does not load", file);
}

/* The quote of @pcrs: values and pcrDigest (sha256) of sha1:11,sha256:11. */
static void make_quote(struct fixture *f, const struct nsima_pcrs *p)
{
	struct nsima_err err = { 0 };

	memset(&f->q, 0, sizeof(f->q));
	memset(&f->vals, 0, sizeof(f->vals));
	f->q.sel.count = 2;
	f->q.sel.bank[0].alg = NSIMA_ALG_SHA1;
	f->q.sel.bank[0].mask = 1u << 11;
	f->q.sel.bank[1].alg = NSIMA_ALG_SHA256;
	f->q.sel.bank[1].mask = 1u << 11;
	assert_int_equal(nsima_pcr_values_add(&f->vals, NSIMA_ALG_SHA1, 11,
					      p->val[NSIMA_BANK_SHA1], 20, &err), 0);
	assert_int_equal(nsima_pcr_values_add(&f->vals, NSIMA_ALG_SHA256, 11,
					      p->val[NSIMA_BANK_SHA256], 32, &err),
			 0);
	assert_int_equal(nsima_pcr_digest(&f->q.sel, &f->vals, NSIMA_ALG_SHA256,
					  f->q.pcr_digest, &f->q.pcr_digest_len,
					  &err), 0);
}

/* The quote covers the first @n entries of @log. */
static void quote_prefix(struct fixture *f, const struct nsima_log *log,
			 size_t n)
{
	struct nsima_err err = { 0 };
	struct nsima_replay r;
	size_t i;

	assert_int_equal(nsima_replay_init(&r, 11, NSIMA_BANKS_DEFAULT, &err),
			 0);
	for (i = 0; i < n; i++)
		assert_int_equal(nsima_replay_entry(&r, &log->entries[i], 0,
						    &err), 0);
	make_quote(f, &r.pcrs);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	load_log("vm-events/binary_runtime_measurements", &f->log);
	assert_int_equal(f->log.count, 50);
	quote_prefix(f, &f->log, 50);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nsima_log_free(&f->log);
	free(f);
	return 0;
}

static void v_init(struct nsima_verify *v, const struct fixture *f)
{
	memset(v, 0, sizeof(*v));
	v->q = &f->q;
	v->sig_hash = NSIMA_ALG_SHA256;
	v->vals = &f->vals;
	v->pcrs = 1u << 11;
}

/* Run @v over @log in memory and, as a binary list, streamed. */
static int run(struct nsima_verify *v, const struct nsima_log *log,
	       struct nsima_err *err)
{
	struct nsima_verify s = *v;
	struct nsima_err serr = { 0 };
	struct nsima_buf b;
	int rc, src;
	bool binary = true;
	size_t i;

	rc = nsima_verify_log(v, log, err);
	/* redacted entries and sparse lists have no binary form */
	for (i = 0; i < log->count; i++)
		binary = binary && log->entries[i].data;
	if (!binary || log->index)
		return rc;
	nsima_buf_init(&b);
	assert_int_equal(nsima_log_write_binary(log, NSIMA_BANK_SHA1, &b, &serr),
			 0);
	src = nsima_verify_walk(&s, b.data, b.len, NSIMA_FORMAT_BINARY,
				NSIMA_BANK_SHA1, log->first_index, true, &serr);
	nsima_buf_free(&b);
	assert_int_equal(src, rc);
	assert_int_equal(s.fail, v->fail);
	assert_int_equal(serr.where, err->where);
	assert_int_equal(serr.pos, err->pos);
	assert_int_equal(s.covered, v->covered);
	assert_int_equal(s.pending, v->pending);
	assert_int_equal(s.unchecked, v->unchecked);
	return rc;
}

static void copy_log(const struct nsima_log *in, size_t from, size_t to,
		     struct nsima_log *out)
{
	struct nsima_err err = { 0 };
	size_t i;

	nsima_log_init(out);
	out->first_index = from;
	for (i = from; i < to && i < in->count; i++)
		assert_int_equal(nsima_log_append_copy(out, &in->entries[i],
						       &err), 0);
}

static void test_trusted(void **state)
{
	struct fixture *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_verify v;

	v_init(&v, f);
	assert_int_equal(run(&v, &f->log, &err), 0);
	assert_int_equal(v.fail, NSIMA_VFAIL_NONE);
	assert_int_equal(v.covered, 50);
	assert_int_equal(v.pending, 0);
	assert_int_equal(v.at.r[0].next, 50);
	assert_true(v.d0.named);
	assert_string_equal(v.d0.path, "nsima_aggregate");

	/* the quote taken after 30 entries: 20 pending */
	quote_prefix(f, &f->log, 30);
	v_init(&v, f);
	assert_int_equal(run(&v, &f->log, &err), 0);
	assert_int_equal(v.covered, 30);
	assert_int_equal(v.pending, 20);
}

/* No values: the prefix whose values hash to pcrDigest. */
static void test_derived(void **state)
{
	struct fixture *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_verify v;

	quote_prefix(f, &f->log, 42);
	v_init(&v, f);
	v.vals = NULL;
	assert_int_equal(run(&v, &f->log, &err), 0);
	assert_int_equal(v.covered, 42);
	assert_int_equal(v.derived.count, 2);
	assert_memory_equal(v.derived.v[1].val, f->vals.v[1].val, 32);
	/* a quote of PCR 11 and 10: 10 cannot come from this list */
	f->q.sel.bank[0].mask |= 1u << 10;
	v_init(&v, f);
	v.vals = NULL;
	assert_int_equal(nsima_verify_log(&v, &f->log, &err), NSIMA_EPCRDIGEST);
	assert_non_null(strstr(err.msg, "other PCRs than those replayed"));
	/* a pcrDigest no prefix gives */
	f->q.sel.bank[0].mask = 1u << 11;
	f->q.pcr_digest[0] ^= 1;
	v_init(&v, f);
	v.vals = NULL;
	assert_int_equal(run(&v, &f->log, &err), NSIMA_EUNREACHABLE);
	assert_int_equal(v.fail, NSIMA_VFAIL_UNREACHABLE);
	assert_true(v.derive);
	assert_int_equal(v.end.r[0].next, 50);
}

static void test_not_vouched(void **state)
{
	struct fixture *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_verify v;

	/* an entry for PCR 12, anywhere (also after the covered ones) */
	f->log.entries[7].pcr = 12;
	v_init(&v, f);
	assert_int_equal(run(&v, &f->log, &err), NSIMA_ENOTVOUCHED);
	assert_int_equal(v.fail, NSIMA_VFAIL_ENTRY);
	assert_int_equal(err.pos, 7);
	assert_true(v.bad.known);
	f->log.entries[7].pcr = 11;
	f->log.entries[49].pcr = 10;
	quote_prefix(f, &f->log, 30);
	v_init(&v, f);
	assert_int_equal(run(&v, &f->log, &err), NSIMA_ENOTVOUCHED);
	assert_int_equal(err.pos, 49);
	f->log.entries[49].pcr = 11;

	/* a redacted entry outside a namespace's view */
	quote_prefix(f, &f->log, 50);
	free(f->log.entries[3].data);
	f->log.entries[3].data = NULL;
	f->log.entries[3].flags = NSIMA_ENTRY_REDACTED;
	v_init(&v, f);
	assert_int_equal(run(&v, &f->log, &err), NSIMA_ENOTVOUCHED);
	assert_int_equal(err.pos, 3);
	assert_true(v.bad.redacted);
}

static void test_digest_and_replay(void **state)
{
	struct fixture *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_log cut;
	struct nsima_verify v;
	uint8_t *d;

	/* entry 5's data changed: its carried digest no longer matches */
	d = f->log.entries[5].data;
	d[f->log.entries[5].data_len - 1] ^= 1;
	v_init(&v, f);
	assert_int_equal(run(&v, &f->log, &err), NSIMA_EDIGEST);
	assert_int_equal(v.fail, NSIMA_VFAIL_ENTRY);
	assert_int_equal(err.pos, 5);
	d[f->log.entries[5].data_len - 1] ^= 1;

	/* the last entry missing: nothing reaches the quote */
	copy_log(&f->log, 0, 49, &cut);
	v_init(&v, f);
	assert_int_equal(run(&v, &cut, &err), NSIMA_EUNREACHABLE);
	assert_int_equal(v.fail, NSIMA_VFAIL_UNREACHABLE);
	assert_int_equal(v.start.r[0].next, 0);
	assert_int_equal(v.end.r[0].next, 49);
	nsima_log_free(&cut);

	/* the quote of the initial value vouches for no entry */
	quote_prefix(f, &f->log, 0);
	v_init(&v, f);
	assert_int_equal(run(&v, &f->log, &err), NSIMA_EUNREACHABLE);
	/* ... nor for an empty list */
	nsima_log_init(&cut);
	v_init(&v, f);
	assert_int_equal(nsima_verify_log(&v, &cut, &err), NSIMA_EUNREACHABLE);

	/* a quote that does not select PCR 11 */
	v_init(&v, f);
	v.pcrs = 1u << 10;
	assert_int_equal(nsima_verify_log(&v, &f->log, &err), NSIMA_EUNREACHABLE);
	assert_int_equal(v.fail, NSIMA_VFAIL_OTHER);
	assert_non_null(strstr(err.msg, "does not cover PCR 10"));
}

static void test_checkpoint(void **state)
{
	struct fixture *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_replay_set cp;
	struct nsima_log part;
	struct nsima_verify v;
	size_t i;

	/* the verifier's state after 20 entries */
	assert_int_equal(nsima_replay_set_init(&cp, 1u << 11,
					       NSIMA_BANKS_DEFAULT, &err), 0);
	for (i = 0; i < 20; i++)
		nsima_replay_set_entry(&cp, &f->log.entries[i], 0, &err);

	/* the whole list: 0..19 must replay to it */
	v_init(&v, f);
	v.cp = &cp;
	assert_int_equal(run(&v, &f->log, &err), 0);
	assert_int_equal(v.from, 20);
	assert_int_equal(v.covered, 50);
	assert_int_equal(v.unchecked, 0);

	/* a list from entry 15: 15..19 cannot be replayed, counted */
	copy_log(&f->log, 15, 50, &part);
	v_init(&v, f);
	v.cp = &cp;
	assert_int_equal(run(&v, &part, &err), 0);
	assert_int_equal(v.unchecked, 5);
	assert_int_equal(v.covered, 50);
	nsima_log_free(&part);

	/* a list from entry 21: a gap after the checkpoint */
	copy_log(&f->log, 21, 50, &part);
	v_init(&v, f);
	v.cp = &cp;
	assert_int_equal(run(&v, &part, &err), NSIMA_EGAP);
	nsima_log_free(&part);

	/* an entry before the checkpoint swapped: caught at entry 19 */
	part = f->log;
	{
		struct nsima_entry t = f->log.entries[3];

		f->log.entries[3] = f->log.entries[4];
		f->log.entries[4] = t;
	}
	v_init(&v, f);
	v.cp = &cp;
	assert_int_equal(run(&v, &f->log, &err), NSIMA_EUNREACHABLE);
	assert_int_equal(v.fail, NSIMA_VFAIL_OTHER);
	assert_non_null(strstr(err.msg, "entries 0..19 do not replay"));
	{
		struct nsima_entry t = f->log.entries[3];

		f->log.entries[3] = f->log.entries[4];
		f->log.entries[4] = t;
	}

	/* nothing new since the checkpoint: the quote covers 20 */
	quote_prefix(f, &f->log, 20);
	v_init(&v, f);
	v.cp = &cp;
	assert_int_equal(run(&v, &f->log, &err), 0);
	assert_int_equal(v.covered, 20);
	assert_int_equal(v.pending, 30);

	/* a checkpoint of another PCR */
	cp.r[0].pcr = 10;
	v_init(&v, f);
	v.cp = &cp;
	assert_int_equal(nsima_verify_log(&v, &f->log, &err), NSIMA_EGAP);
}

/* A namespace's view: attribution and completeness. */
static void test_view(void **state)
{
	struct fixture *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_log view, with;
	struct nsima_ns_state s;
	struct nsima_replay_set cp;
	struct nsima_entry e;
	struct nsima_verify v;
	size_t i;

	assert_int_equal(nsima_log_redact(&f->log, false, NS_A,
					  NSIMA_BANKS_DEFAULT, &view, &err), 0);
	v_init(&v, f);
	v.ns_set = true;
	v.nsid = NS_A;
	assert_int_equal(run(&v, &view, &err), 0);
	assert_int_equal(v.covered, 50);
	/* no ns_state: unproven */
	assert_int_equal(nsima_verify_ns(&v, &err), NSIMA_ENSUNPROVEN);
	/* the view is not B's: its first full entry of A is named */
	v_init(&v, f);
	v.ns_set = true;
	v.nsid = NS_B;
	assert_int_equal(run(&v, &view, &err), NSIMA_ENAMESPACE);
	assert_int_equal(v.fail, NSIMA_VFAIL_ENTRY);
	assert_string_equal(v.bad.ns, "4026532114");
	nsima_log_free(&view);

	/* before A's ns_end (entry 48), A's ns_state appended and quoted:
	 * proven; a withheld entry of A contradicts it */
	copy_log(&f->log, 0, 48, &with);
	assert_int_equal(nsima_log_ns_state(&with, false, NS_A, 48, &s, &err),
			 0);
	assert_int_equal(s.count, 7);
	assert_int_equal(nsima_ns_state_entry(&e, 11, false, NS_A, &s, &err), 0);
	assert_int_equal(nsima_log_append(&with, &e, &err), 0);
	quote_prefix(f, &with, 49);
	assert_int_equal(nsima_log_redact(&with, false, NS_A,
					  NSIMA_BANKS_DEFAULT, &view, &err), 0);
	v_init(&v, f);
	v.ns_set = true;
	v.nsid = NS_A;
	assert_int_equal(run(&v, &view, &err), 0);
	assert_int_equal(nsima_verify_ns(&v, &err), 0);
	assert_int_equal(v.nc.state_index, 48);
	assert_string_equal(v.state.path, "nsima-event:ns_state");
	/* an entry of A withheld: the one B's view shows redacted */
	{
		struct nsima_log other;
		struct nsima_entry t;

		for (i = 0; i < 48 && !nsima_entry_in_ns(&view.entries[i],
							  false, NS_A); i++)
			;
		assert_int_equal(i, 3);
		assert_int_equal(nsima_log_redact(&with, false, NS_B,
						  NSIMA_BANKS_DEFAULT, &other,
						  &err), 0);
		t = view.entries[i];
		view.entries[i] = other.entries[i];
		other.entries[i] = t;
		nsima_log_free(&other);
	}
	v_init(&v, f);
	v.ns_set = true;
	v.nsid = NS_A;
	assert_int_equal(run(&v, &view, &err), 0);
	assert_int_equal(nsima_verify_ns(&v, &err), NSIMA_ENSINCOMPLETE);
	assert_int_equal(err.pos, 48);
	assert_non_null(strstr(err.msg, "counts 7 entries"));
	/* the view from entry 10, without A's state there: unproven */
	nsima_log_free(&with);
	copy_log(&view, 10, 49, &with);
	nsima_replay_set_init(&cp, 1u << 11, NSIMA_BANKS_DEFAULT, &err);
	for (i = 0; i < 10; i++)
		nsima_replay_set_entry(&cp, &view.entries[i], 0, &err);
	v_init(&v, f);
	v.ns_set = true;
	v.nsid = NS_A;
	v.cp = &cp;
	assert_int_equal(run(&v, &with, &err), 0);
	assert_int_equal(v.ns_first, 10);
	assert_int_equal(nsima_verify_ns(&v, &err), NSIMA_ENSUNPROVEN);
	assert_non_null(strstr(err.msg, "starts at entry 10"));
	/* a list from entry 5: 5..9 cannot be replayed, nor counted as A's */
	nsima_log_free(&with);
	copy_log(&view, 5, 49, &with);
	v_init(&v, f);
	v.ns_set = true;
	v.nsid = NS_A;
	v.cp = &cp;
	assert_int_equal(run(&v, &with, &err), 0);
	assert_int_equal(v.unchecked, 5);
	assert_int_equal(v.nc.entries, 39);
	nsima_log_free(&view);
	nsima_log_free(&with);
}

/* A list whose records skip a number (CEL) cannot be replayed. */
static void test_gap(void **state)
{
	struct fixture *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_log sparse;
	struct nsima_verify v;
	struct nsima_buf cel;
	size_t i;

	nsima_log_init(&sparse);
	for (i = 0; i < 50; i++)
		if (i != 7)
			assert_int_equal(nsima_log_append_copy_at(&sparse,
								  &f->log.entries[i],
								  i, &err), 0);
	v_init(&v, f);
	assert_int_equal(nsima_verify_log(&v, &sparse, &err), NSIMA_EMALFORMED);
	/* as CEL, walked: the missing record named */
	nsima_buf_init(&cel);
	assert_int_equal(nsima_cel_write(&sparse, NSIMA_BANKS_DEFAULT, 0, &cel,
					 &err), 0);
	v_init(&v, f);
	assert_int_equal(nsima_verify_walk(&v, cel.data, cel.len,
					   NSIMA_FORMAT_CEL, NSIMA_BANK_SHA1, 0,
					   false, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "records 7..7 are missing"));
	/* and the whole list as CEL, from a --log-first it does not start at */
	nsima_buf_free(&cel);
	nsima_buf_init(&cel);
	assert_int_equal(nsima_cel_write(&f->log, NSIMA_BANKS_DEFAULT, 0, &cel,
					 &err), 0);
	v_init(&v, f);
	assert_int_equal(nsima_verify_walk(&v, cel.data, cel.len,
					   NSIMA_FORMAT_CEL, NSIMA_BANK_SHA1, 0,
					   true, &err), 0);
	assert_int_equal(v.covered, 50);
	v_init(&v, f);
	assert_int_equal(nsima_verify_walk(&v, cel.data, cel.len,
					   NSIMA_FORMAT_CEL, NSIMA_BANK_SHA1, 3,
					   true, &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "start at 0, not 3"));
	nsima_buf_free(&cel);
	nsima_log_free(&sparse);
}

/* Which PCRs and banks, where the verifier does not say: never the node's. */
static void test_policy(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_quote q;
	uint32_t pcrs = 0;

	(void)state;
	memset(&q, 0, sizeof(q));
	q.sel.count = 2;
	q.sel.bank[0].alg = NSIMA_ALG_SHA1;
	q.sel.bank[1].alg = NSIMA_ALG_SHA256;
	/* the quoted ones of 10 and 11 */
	q.sel.bank[0].mask = q.sel.bank[1].mask = 1u << 10;
	assert_int_equal(nsima_verify_policy(&q, 0, false, false, &pcrs, &err), 0);
	assert_int_equal(pcrs, 1u << 10);
	/* a namespace's view is of nsima's entries: 11 required as well */
	assert_int_equal(nsima_verify_policy(&q, 0, false, true, &pcrs, &err), 0);
	assert_int_equal(pcrs, 3u << 10);
	q.sel.bank[0].mask = q.sel.bank[1].mask = 0xff | 3u << 10 | 1u << 16;
	assert_int_equal(nsima_verify_policy(&q, 0, false, false, &pcrs, &err), 0);
	assert_int_equal(pcrs, 3u << 10);
	/* the verifier's --pcr wins */
	assert_int_equal(nsima_verify_policy(&q, 1u << 11, false, false, &pcrs,
					     &err),
			 0);
	assert_int_equal(pcrs, 1u << 11);
	assert_int_equal(nsima_verify_policy(&q, 1u << 16, false, false, &pcrs,
					     &err),
			 0);
	assert_int_equal(pcrs, 1u << 16);
	/* a resettable or unused PCR alone is never the list's unless told */
	q.sel.bank[0].mask = q.sel.bank[1].mask = 1u << 16 | 1u << 23;
	assert_int_equal(nsima_verify_policy(&q, 0, false, false, &pcrs, &err),
			 NSIMA_EUNREACHABLE);
	assert_non_null(strstr(err.msg, "neither IMA's PCR 10 nor nsima's PCR 11"));
	/* PCR 11 in SHA-1 alone: only with --select */
	q.sel.bank[0].mask = 1u << 11;
	q.sel.bank[1].mask = 1u << 10;
	assert_int_equal(nsima_verify_policy(&q, 0, false, false, &pcrs, &err),
			 NSIMA_EPCRDIGEST);
	assert_non_null(strstr(err.msg, "covers PCR 11 in SHA-1 alone"));
	assert_int_equal(nsima_verify_policy(&q, 0, true, false, &pcrs, &err), 0);
	assert_int_equal(nsima_verify_policy(&q, 1u << 10, false, false, &pcrs,
					     &err),
			 0);
	/* sha256 first, sha1 second: the same */
	q.sel.bank[0].alg = NSIMA_ALG_SHA256;
	q.sel.bank[1].alg = NSIMA_ALG_SHA1;
	q.sel.bank[1].mask = 1u << 11;
	assert_int_equal(nsima_verify_policy(&q, 0, false, false, &pcrs, &err), 0);
	assert_int_equal(pcrs, 1u << 11);
}

/*
 * A quote of PCRs 10 and 11 for the values of @log's first @n entries,
 * replayed per PCR: every bank of both, values and pcrDigest.
 */
static void quote_two(struct fixture *f, const struct nsima_log *log,
		      size_t n)
{
	struct nsima_err err = { 0 };
	struct nsima_replay_set r;
	unsigned int i, b;
	size_t k;

	assert_int_equal(nsima_replay_set_init(&r, 3u << 10,
					       NSIMA_BANKS_DEFAULT, &err), 0);
	for (k = 0; k < n; k++)
		assert_int_equal(nsima_replay_set_entry(&r, &log->entries[k], 0,
							&err), 0);
	memset(&f->q, 0, sizeof(f->q));
	memset(&f->vals, 0, sizeof(f->vals));
	f->q.sel.count = 2;
	f->q.sel.bank[0].alg = NSIMA_ALG_SHA1;
	f->q.sel.bank[1].alg = NSIMA_ALG_SHA256;
	for (b = 0; b < 2; b++) {
		f->q.sel.bank[b].mask = 3u << 10;
		for (i = 0; i < 2; i++)
			assert_int_equal(nsima_pcr_values_add(&f->vals,
				f->q.sel.bank[b].alg, r.r[i].pcr,
				r.r[i].pcrs.val[b ? NSIMA_BANK_SHA256 :
						    NSIMA_BANK_SHA1],
				b ? 32 : 20, &err), 0);
	}
	assert_int_equal(nsima_pcr_digest(&f->q.sel, &f->vals, NSIMA_ALG_SHA256,
					  f->q.pcr_digest, &f->q.pcr_digest_len,
					  &err), 0);
}

/* One list extending IMA's PCR 10 and nsima's 11: replayed per PCR. */
static void test_two_pcrs(void **state)
{
	struct fixture *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_replay_set cp;
	struct nsima_log only11;
	struct nsima_verify v;
	size_t i, k;

	for (i = 0; i < 50; i += 3)	/* every third entry: PCR 10's */
		f->log.entries[i].pcr = 10;
	quote_two(f, &f->log, 50);
	v_init(&v, f);
	v.pcrs = 3u << 10;
	assert_int_equal(run(&v, &f->log, &err), 0);
	assert_int_equal(v.covered, 50);
	assert_int_equal(v.at.count, 2);
	/* values derived: the prefix whose two PCRs hash to pcrDigest */
	quote_two(f, &f->log, 40);
	v_init(&v, f);
	v.pcrs = 3u << 10;
	v.vals = NULL;
	assert_int_equal(run(&v, &f->log, &err), 0);
	assert_int_equal(v.covered, 40);
	assert_int_equal(v.pending, 10);
	assert_int_equal(v.derived.count, 4);
	/* the quote lag: entries 40.. of either PCR are pending, not lost */
	v_init(&v, f);
	v.pcrs = 3u << 10;
	assert_int_equal(run(&v, &f->log, &err), 0);
	assert_int_equal(v.covered, 40);
	/* the verifier replays PCR 11 alone: PCR 10's entries not vouched */
	v_init(&v, f);
	assert_int_equal(run(&v, &f->log, &err), NSIMA_ENOTVOUCHED);
	assert_int_equal(err.pos, 0);
	assert_non_null(strstr(err.msg, "extends PCR 10, which the replay does not cover (PCR 11)"));
	/* PCR 10's entries left out: PCR 10 never reaches its value */
	nsima_log_init(&only11);
	for (i = 0; i < 50; i++)
		if (f->log.entries[i].pcr == 11)
			assert_int_equal(nsima_log_append_copy_at(&only11,
				&f->log.entries[i], only11.count, &err), 0);
	v_init(&v, f);
	v.pcrs = 3u << 10;
	assert_int_equal(nsima_verify_log(&v, &only11, &err),
			 NSIMA_EUNREACHABLE);
	assert_int_equal(v.fail, NSIMA_VFAIL_UNREACHABLE);
	assert_non_null(strstr(err.msg, "quoted PCRs 10+11"));
	nsima_log_free(&only11);
	/* one PCR 10 entry moved after the cut: PCR 10 misses */
	quote_two(f, &f->log, 50);
	{
		struct nsima_entry t = f->log.entries[3];

		memmove(&f->log.entries[3], &f->log.entries[4],
			46 * sizeof(t));
		f->log.entries[49] = t;
	}
	v_init(&v, f);
	v.pcrs = 3u << 10;
	assert_int_equal(run(&v, &f->log, &err), NSIMA_EUNREACHABLE);
	/* ... a checkpoint of both PCRs after 20 entries (of the new order) */
	quote_two(f, &f->log, 50);
	assert_int_equal(nsima_replay_set_init(&cp, 3u << 10,
					       NSIMA_BANKS_DEFAULT, &err), 0);
	for (i = 0; i < 20; i++)
		assert_int_equal(nsima_replay_set_entry(&cp, &f->log.entries[i],
							0, &err), 0);
	v_init(&v, f);
	v.pcrs = 3u << 10;
	v.cp = &cp;
	assert_int_equal(run(&v, &f->log, &err), 0);
	assert_int_equal(v.from, 20);
	assert_int_equal(v.covered, 50);
	/* ... which a replay of PCR 11 alone cannot continue from */
	v_init(&v, f);
	v.cp = &cp;
	assert_int_equal(nsima_verify_log(&v, &f->log, &err), NSIMA_EGAP);
	/* a view of A over both: IMA's entries are no namespace's */
	{
		struct nsima_log view;

		/* PCR 10's: every third entry that is not A's */
		for (i = 0; i < 50; i++)
			f->log.entries[i].pcr =
				i % 3 || nsima_entry_in_ns(&f->log.entries[i],
							   false, NS_A) ? 11 : 10;
		quote_two(f, &f->log, 50);
		assert_int_equal(nsima_log_redact(&f->log, false, NS_A,
						  NSIMA_BANKS_DEFAULT, &view,
						  &err), 0);
		/* redacted: fine, counted as others' */
		v_init(&v, f);
		v.pcrs = 3u << 10;
		v.ns_set = true;
		v.nsid = NS_A;
		assert_int_equal(nsima_verify_log(&v, &view, &err), 0);
		for (i = 0, k = 0; i < 50; i++)
			k += !view.entries[i].data;
		assert_int_equal(v.nc.redacted, k);
		assert_true(v.nc.run.count > 0);
		/* one of A's entries moved to PCR 10 and shown: refused,
		 * even though its name says A */
		for (i = 0; i < 50 && !(view.entries[i].data &&
					nsima_entry_in_ns(&view.entries[i], false,
							  NS_A)); i++)
			;
		assert_true(i < 50);
		view.entries[i].pcr = 10;
		v_init(&v, f);
		v.pcrs = 3u << 10;
		v.ns_set = true;
		v.nsid = NS_A;
		assert_int_equal(nsima_verify_log(&v, &view, &err),
				 NSIMA_ENAMESPACE);
		assert_int_equal(err.pos, i);
		assert_non_null(strstr(err.msg, "IMA entry (PCR 10)"));
		nsima_log_free(&view);
	}
	/* a quote of both, the verifier asks for PCR 16 (not quoted) */
	v_init(&v, f);
	v.pcrs = 1u << 16;
	assert_int_equal(nsima_verify_log(&v, &f->log, &err),
			 NSIMA_EUNREACHABLE);
	assert_non_null(strstr(err.msg, "does not cover PCR 16"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_trusted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_derived, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_vouched, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_digest_and_replay, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
		cmocka_unit_test(test_policy),
		cmocka_unit_test_setup_teardown(test_two_pcrs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
