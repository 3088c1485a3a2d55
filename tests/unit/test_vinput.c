// SPDX-License-Identifier: GPL-2.0
/*
 * The inputs of a verification (lib/vinput.c), each refusal without a
 * TPM: the swtpm captures in tests/data/quote-rsa and quote-ecc, and
 * checkpoints written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testdata.h"
#include "vinput.h"

struct files {
	uint8_t *ak, *ecc_ak, *quote, *sig, *pcrs, *bundle;
	size_t ak_len, ecc_ak_len, quote_len, sig_len, pcrs_len, bundle_len;
};

static int setup(void **state)
{
	struct files *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ak = test_load("quote-rsa/ak.pub", &f->ak_len);
	f->ecc_ak = test_load("quote-ecc/ak.pub", &f->ecc_ak_len);
	f->quote = test_load("quote-rsa/quote.bin", &f->quote_len);
	f->sig = test_load("quote-rsa/sig.bin", &f->sig_len);
	f->pcrs = test_load("quote-rsa/pcrs", &f->pcrs_len);
	f->bundle = test_load("quote-rsa/evidence.json", &f->bundle_len);
	assert_true(f->ak && f->ecc_ak && f->quote && f->sig && f->pcrs &&
		    f->bundle);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct files *f = *state;

	free(f->ak);
	free(f->ecc_ak);
	free(f->quote);
	free(f->sig);
	free(f->pcrs);
	free(f->bundle);
	free(f);
	return 0;
}

static void test_quote_files(void **state)
{
	struct files *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_vinput in;

	memset(&in, 0, sizeof(in));
	assert_int_equal(nsima_vinput_ak(&in, f->ak, f->ak_len, "ak", &err), 0);
	assert_int_equal(nsima_vinput_quote(&in, f->quote, f->quote_len, "q",
					    f->sig, f->sig_len, "s", f->pcrs,
					    f->pcrs_len, "p", &err), 0);
	assert_false(in.derive);
	assert_int_equal(in.vals.count, 2);
	/* no PCR file: derived later */
	assert_int_equal(nsima_vinput_quote(&in, f->quote, f->quote_len, "q",
					    f->sig, f->sig_len, "s", NULL, 0,
					    "p", &err), 0);
	assert_true(in.derive);
	/* a signature where the quote goes: that input is named */
	assert_int_equal(nsima_vinput_quote(&in, f->sig, f->sig_len, "q",
					    f->sig, f->sig_len, "s", NULL, 0,
					    "p", &err), NSIMA_EMALFORMED);
	assert_string_equal(in.input, "q");
	/* PCR values that do not fit the selection */
	assert_int_not_equal(nsima_vinput_quote(&in, f->quote, f->quote_len,
						"q", f->sig, f->sig_len, "s",
						f->pcrs, f->pcrs_len - 1, "p",
						&err), 0);
	assert_string_equal(in.input, "p");
	nsima_vinput_free(&in);
}

static void test_bundle(void **state)
{
	struct files *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_vinput in;

	memset(&in, 0, sizeof(in));
	assert_int_equal(nsima_vinput_ak(&in, f->ak, f->ak_len, "ak", &err), 0);
	assert_int_equal(nsima_vinput_bundle(&in, f->bundle, f->bundle_len,
					     "ev", 0, -1, &err), 0);
	assert_true(in.have_ev);
	assert_int_equal(in.vals.count, 2);
	assert_int_equal(nsima_vinput_check_bundle_cp(&in, "ev", &err), 0);
	nsima_vinput_free(&in);
	/* the bundle's AK is not the one the verifier trusts */
	memset(&in, 0, sizeof(in));
	assert_int_equal(nsima_vinput_ak(&in, f->ecc_ak, f->ecc_ak_len, "ak",
					 &err), 0);
	assert_int_equal(nsima_vinput_bundle(&in, f->bundle, f->bundle_len,
					     "ev", 0, -1, &err),
			 NSIMA_ESIGNATURE);
	assert_string_equal(in.input, "ev");
	assert_non_null(strstr(err.msg, "not the trusted AK"));
	nsima_vinput_free(&in);
	/* truncated */
	memset(&in, 0, sizeof(in));
	assert_int_equal(nsima_vinput_bundle(&in, f->bundle, 40, "ev", 0, -1,
					     &err), NSIMA_EMALFORMED);
	assert_string_equal(in.input, "ev");
	nsima_vinput_free(&in);
}

static void test_log(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_vinput in;
	static const uint8_t blank[] = " \n\t\r\n";

	(void)state;
	memset(&in, 0, sizeof(in));
	assert_int_equal(nsima_vinput_log(&in, blank, sizeof(blank) - 1, "l", 0,
					  -1, 0, false, false, &err),
			 NSIMA_EMALFORMED);
	assert_string_equal(err.msg, "empty: no entries");
	assert_false(in.have_log);
	assert_int_equal(nsima_vinput_log(&in, blank, 0, "l", 0, -1, 0, false,
					  false, &err), NSIMA_EMALFORMED);
	/* after the verifier's checkpoint: nothing new is a list */
	assert_int_equal(nsima_vinput_log(&in, blank, 0, "l", 0, -1, 7, true,
					  true, &err), 0);
	assert_true(in.have_log);
	assert_int_equal(in.first, 7);
}

#define CP1 "{\"pcr\":11,\"next\":3,\"pcrs\":{\"sha1\":\"0000000000000000000000000000000000000001\"}"
#define CP2 "{\"pcr\":[10,11],\"next\":5,\"pcrs\":{\"10\":{\"sha1\":\"0000000000000000000000000000000000000010\"},\"11\":{\"sha1\":\"0000000000000000000000000000000000000011\"}}}"

static int cp(struct nsima_vinput *in, const char *text, const char *view,
	      struct nsima_err *err)
{
	memset(in, 0, sizeof(*in));
	return nsima_vinput_checkpoint(in, (const uint8_t *)text, strlen(text),
				       "cp", view, err);
}

static void test_checkpoint(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_vinput in;
	struct nsima_buf b;

	(void)state;
	/* a whole-list checkpoint serves any verify */
	assert_int_equal(cp(&in, CP1 "}", "", &err), 0);
	assert_true(in.have_cp);
	assert_int_equal(in.cp.count, 1);
	assert_int_equal(in.cp.r[0].pcr, 11);
	assert_int_equal(in.cp.r[0].next, 3);
	assert_int_equal(cp(&in, CP1 "}", "host", &err), 0);
	/* a view's only that view */
	assert_int_equal(cp(&in, CP1 ",\"view\":\"4026532114\"}", "4026532114",
			    &err), 0);
	assert_int_equal(cp(&in, CP1 ",\"view\":\"4026532114\"}", "", &err),
			 NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "saved by a verify of the view of 4026532114, not of the whole list"));
	assert_false(in.have_cp);
	assert_string_equal(in.input, "cp");
	assert_int_equal(cp(&in, CP1 ",\"view\":\"host\"}", "4026532114", &err),
			 NSIMA_EMALFORMED);
	/* the node's (the module's text) never */
	assert_int_equal(cp(&in, "entries: 3\nsha1: 0000000000000000000000000000000000000001\n",
			    "", &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "not a verifier checkpoint"));
	/* two PCRs, and back */
	assert_int_equal(cp(&in, CP2, "", &err), 0);
	assert_int_equal(in.cp.count, 2);
	assert_int_equal(in.cp.r[0].pcr, 10);
	assert_int_equal(in.cp.r[1].pcr, 11);
	assert_int_equal(in.cp.r[1].next, 5);
	assert_int_equal(in.cp.r[1].pcrs.val[NSIMA_BANK_SHA1][19], 0x11);
	nsima_buf_init(&b);
	assert_int_equal(nsima_checkpoint_write_json(&in.cp, NULL, &b, &err), 0);
	assert_int_equal(b.len, strlen(CP2) + 1);
	nsima_buf_free(&b);
	/* PCRs not ascending, a PCR without its banks, too many */
	assert_int_equal(cp(&in, "{\"pcr\":[11,10],\"next\":5,\"pcrs\":{\"10\":{},\"11\":{}}}",
			    "", &err), NSIMA_EMALFORMED);
	assert_int_equal(cp(&in, "{\"pcr\":[10,11],\"next\":5,\"pcrs\":{\"10\":{\"sha1\":\"0000000000000000000000000000000000000010\"},\"12\":{}}}",
			    "", &err), NSIMA_EMALFORMED);
	assert_non_null(strstr(err.msg, "checkpoint.pcrs.11: missing or empty"));
	assert_int_equal(cp(&in, "{\"pcr\":[1,2,3,4,5],\"next\":5,\"pcrs\":{}}",
			    "", &err), NSIMA_EMALFORMED);
}

/* A bundle that continues from a checkpoint: only the verifier's own. */
static void test_bundle_checkpoint(void **state)
{
	struct nsima_err err = { 0 };
	struct nsima_vinput in;

	(void)state;
	assert_int_equal(cp(&in, CP2, "", &err), 0);
	in.have_ev = true;
	in.ev.has_checkpoint = true;
	in.ev.checkpoint = in.cp;
	assert_int_equal(nsima_vinput_check_bundle_cp(&in, "ev", &err), 0);
	in.ev.checkpoint.r[1].pcrs.val[NSIMA_BANK_SHA1][0] ^= 1;
	assert_int_equal(nsima_vinput_check_bundle_cp(&in, "ev", &err),
			 NSIMA_EGAP);
	assert_non_null(strstr(err.msg, "is not the verifier's --checkpoint"));
	in.have_cp = false;
	assert_int_equal(nsima_vinput_check_bundle_cp(&in, "ev", &err),
			 NSIMA_EGAP);
	assert_non_null(strstr(err.msg, "needs the verifier's --checkpoint"));
}

static void test_clock(void **state)
{
	struct files *f = *state;
	struct nsima_err err = { 0 };
	struct nsima_vinput in;
	char json[200];

	memset(&in, 0, sizeof(in));
	assert_int_equal(nsima_vinput_quote(&in, f->quote, f->quote_len, "q",
					    f->sig, f->sig_len, "s", NULL, 0,
					    "p", &err), 0);
	/* the same quote as the previous one: no reset */
	assert_int_equal(nsima_vinput_clock(&in, f->quote, f->quote_len, "prev",
					    "q", 0, &err), 0);
	/* a previous clock from a later boot: rollback, the quote named */
	snprintf(json, sizeof(json),
		 "{\"clock\":1,\"resetCount\":%u,\"restartCount\":0,\"safe\":true}",
		 in.q.clock.reset_count + 1);
	assert_int_equal(nsima_vinput_clock(&in, (const uint8_t *)json,
					    strlen(json), "prev", "q", 0, &err),
			 NSIMA_EROLLBACK);
	assert_string_equal(in.input, "q");
	/* a broken clock file is named itself */
	assert_int_equal(nsima_vinput_clock(&in, (const uint8_t *)"{}", 2,
					    "prev", "q", 0, &err),
			 NSIMA_EMALFORMED);
	assert_string_equal(in.input, "prev");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_files),
		cmocka_unit_test(test_bundle),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_checkpoint),
		cmocka_unit_test(test_bundle_checkpoint),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
